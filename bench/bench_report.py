"""Benchmark `slactl report` on a year of data: 1,000,000 tickets and 50,000 outages.

The data is generated once into a temporary folder (kept between runs, see --data) for the
agreement examples/cec-fy2027-rural-lending.yaml. The floor is measured in the same run:
a Python process that reads the same two files with the csv module and does nothing else.
Wall time and peak RSS come from os.wait4 on each child process.

    python bench/bench_report.py            # prints the table, updates docs/performance.md
    python bench/bench_report.py --tickets 200000 --no-write
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
AGREEMENT = ROOT / "examples" / "cec-fy2027-rural-lending.yaml"
NY = ZoneInfo("America/New_York")
START = datetime(2026, 10, 1, tzinfo=NY)
YEAR_MIN = 365 * 24 * 60
FLOOR = """
import csv, sys
n = 0
for name in sys.argv[1:]:
    with open(name, newline="", encoding="utf-8") as fh:
        for row in csv.reader(fh):
            n += 1
print(n)
"""


def generate(folder: Path, tickets: int, outages: int) -> tuple[Path, Path]:
    """Write tickets.csv and outages.csv once (deterministic); reuse them when present."""
    folder.mkdir(parents=True, exist_ok=True)
    t_path, o_path = folder / f"tickets-{tickets}.csv", folder / f"outages-{outages}.csv"
    rng = random.Random(42)
    if not t_path.exists():
        tmp = t_path.with_suffix(".part")
        with tmp.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["id", "priority", "service", "site", "opened", "first_response", "resolved", "on_hold"])
            prios = ("P1", "P2", "P2", "P3", "P3", "P3", "P4", "P4")
            for i in range(tickets):
                opened = START + timedelta(minutes=rng.randrange(YEAR_MIN))
                resp = opened + timedelta(minutes=rng.randrange(1, 300))
                res = resp + timedelta(minutes=rng.randrange(10, 5000))
                hold = ""
                if i % 10 == 0:
                    h0 = resp + timedelta(minutes=5)
                    hold = f"{h0.isoformat()}/{(h0 + timedelta(hours=3)).isoformat()}"
                # Half the exports write naive local time, half carry the offset.
                if i & 1:
                    row = [
                        f"T{i}",
                        prios[i & 7],
                        "service-desk",
                        "HQ",
                        opened.isoformat(),
                        resp.isoformat(),
                        res.isoformat(),
                        hold,
                    ]
                else:
                    row = [
                        f"T{i}",
                        prios[i & 7],
                        "service-desk",
                        "HQ",
                        opened.strftime("%Y-%m-%d %H:%M"),
                        resp.strftime("%Y-%m-%d %H:%M"),
                        res.strftime("%Y-%m-%d %H:%M"),
                        hold,
                    ]
                w.writerow(row)
        tmp.rename(t_path)
    if not o_path.exists():
        tmp = o_path.with_suffix(".part")
        with tmp.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["id", "service", "start", "end", "planned"])
            for i in range(outages):
                start = START + timedelta(minutes=rng.randrange(YEAR_MIN))
                end = start + timedelta(seconds=rng.randrange(5, 600))
                svc = "vm-hosting" if i % 2 else "storage"
                w.writerow([f"O{i}", svc, start.isoformat(), end.isoformat(), "yes" if i % 7 == 0 else "no"])
        tmp.rename(o_path)
    return t_path, o_path


# Children cache bytecode as an installed slactl does (pip compiles it): a sandbox's
# PYTHONDONTWRITEBYTECODE=1 would add compiling slactl's modules (~0.15 s) to every run.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB and stdout of one child process."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE, env=CHILD_ENV)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        err = proc.stderr.read().decode() if proc.stderr else ""
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"failed: {' '.join(cmd)}\n{err}")
        out.seek(0)
        text = out.read().decode()
    return wall, usage.ru_maxrss / 1024, text


def write_section(text: str) -> None:
    """Replace section `report` of docs/performance.md (re-read right before writing)."""
    path = ROOT / "docs" / "performance.md"
    begin, end = "<!-- bench:report -->", "<!-- /bench:report -->"
    current = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    block = f"{begin}\n{text.rstrip()}\n{end}"
    if begin in current and end in current:
        current = re.sub(re.escape(begin) + r".*?" + re.escape(end), lambda _m: block, current, flags=re.S)
    else:
        current = current.rstrip() + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(current, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--outages", type=int, default=50_000)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "slactl-bench-report")
    parser.add_argument("--jobs", type=int, default=0, help="passed to slactl report -j (0: its default)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="do not update docs/performance.md")
    args = parser.parse_args()
    t0 = time.perf_counter()
    tickets, outages = generate(args.data, args.tickets, args.outages)
    print(
        f"data: {tickets} ({tickets.stat().st_size / 1e6:.0f} MB), {outages} (generated/reused in "
        f"{time.perf_counter() - t0:.1f} s)"
    )
    slactl = [
        sys.executable,
        "-m",
        "slactl",
        "report",
        str(AGREEMENT),
        "--tickets",
        str(tickets),
        "--outages",
        str(outages),
        "--period",
        "FY2027",
        "--as-of",
        "2027-10-01",
        "--format",
        "json",
        "-j",
        str(args.jobs),
    ]
    floor = [sys.executable, "-c", FLOOR, str(tickets), str(outages)]
    floors, runs = [], []
    for _ in range(args.repeat):
        floors.append(run(floor)[:2])
        runs.append(run(slactl)[:2])
    f_wall = min(w for w, _ in floors)
    s_wall = min(w for w, _ in runs)
    f_rss = max(r for _, r in floors)
    s_rss = max(r for _, r in runs)
    cores = os.cpu_count()
    met = s_wall <= 3 * f_wall and s_wall < 30 and s_rss < 500
    verdict = "Met." if met else "Not met: see docs/report.md#performance."
    table = (
        f"`python bench/bench_report.py` on {cores} cores, Python {sys.version.split()[0]}: one year of data for "
        f"examples/cec-fy2027-rural-lending.yaml, {args.tickets:,} tickets ({tickets.stat().st_size / 1e6:.0f} "
        f"MB CSV) and "
        f"{args.outages:,} outages; best of {args.repeat}, bytecode cached.\n\n"
        "| Run | Wall time | Peak RSS | Ratio to floor |\n|---|---|---|---|\n"
        f"| floor: csv.reader over both files, nothing else | {f_wall:.2f} s | {f_rss:.0f} MB | 1.00x |\n"
        f"| `slactl report --format json` (-j {args.jobs or 'auto'}) | {s_wall:.2f} s | {s_rss:.0f} MB | "
        f"{s_wall / f_wall:.2f}x |\n\n"
        f"Goal: within 3x of the floor, under 30 s, under 500 MB. "
        f"{verdict}\n"
    )
    print(table)
    if not args.no_write:
        write_section("## report\n\n" + table)


if __name__ == "__main__":
    main()
