"""Machine instructions per ticket of `slactl report`'s scanner, against reading the row: no noise.

Wall time on a shared machine moves by half from one minute to the next (docs/performance.md);
instructions counted by valgrind do not. This runs, under `valgrind --tool=cachegrind`, the
ticket scanner over the first N and the first 2N rows of the bench data of bench_report.py
(after a warm-up on other rows, so its tables are filled as in a long file), and the floor
(csv.reader over the same rows); the difference between the two runs over N is the cost of a
row, with the start-up of Python and the agreement cancelled out.

    python bench/bench_report_ir.py             # prints the table, updates docs/performance.md
    python bench/bench_report_ir.py --rows 10000 --no-write

Needs valgrind (Debian: apt-get install valgrind). Takes a few minutes: valgrind runs Python
about 50 times slower.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_report import AGREEMENT, generate, write_section

FLOOR = """
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as fh:
    for row in csv.reader(fh):
        pass
"""

SCAN = """
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo
from slactl.report import inputs
from slactl.report.measure import Engine, InputSummary
from slactl.report.periods import parse_period
from slactl.report.terms import load_terms

terms = load_terms(Path(sys.argv[1]))
engine = Engine(terms, parse_period("FY2027", (10, 1)), fy_start=(10, 1),
                now=datetime(2027, 10, 1, tzinfo=ZoneInfo("America/New_York")), top=10)
for name in sys.argv[2:]:
    with inputs.open_table(Path(name)) as table:
        columns = inputs.resolve_columns(table.header, "tickets", {}, table.name)
        engine.scan_tickets(table, columns, InputSummary("tickets", table.name, table.fmt))
"""


def instructions(args: list[str]) -> int:
    """Instructions valgrind counts for one child process (cachegrind's 'I refs')."""
    out = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null", *args],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    found = re.search(r"I\s+refs:\s+([\d,]+)", out)
    if found is None:
        raise SystemExit(f"no instruction count in valgrind's output:\n{out}")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=20_000, help="N: rows measured (the difference of N and 2N)")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "slactl-bench-report")
    parser.add_argument("--no-write", action="store_true", help="do not update docs/performance.md")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    started = time.perf_counter()
    tickets, _ = generate(args.data, 1_000_000, 50_000)
    with tickets.open(encoding="utf-8") as fh:
        header, *lines = fh.read().splitlines(keepends=True)
    n = args.rows
    work = Path(tempfile.mkdtemp(prefix="slactl-ir-"))
    # Warm-up rows from far into the file: the tables then know the dates and times of day.
    slices = {"warm": lines[600_000 : 600_000 + 2 * n], "one": lines[:n], "two": lines[: 2 * n]}
    files = {}
    for key, rows in slices.items():
        files[key] = work / f"{key}.csv"
        files[key].write_text(header + "".join(rows), encoding="utf-8")
    py = sys.executable
    scan = {
        k: instructions([py, "-c", SCAN, str(AGREEMENT), str(files["warm"]), str(files[k])]) for k in ("one", "two")
    }
    floor = {k: instructions([py, "-c", FLOOR, str(files[k])]) for k in ("one", "two")}
    per_scan = (scan["two"] - scan["one"]) / n
    per_floor = (floor["two"] - floor["one"]) / n
    measured = sum(1 for row in slices["one"] if row.split(",", 2)[1] in ("P1", "P2"))
    shutil.rmtree(work)
    table = (
        f"`python bench/bench_report_ir.py` (valgrind's instruction count, Python {sys.version.split()[0]}): "
        f"rows {n + 1:,} to {2 * n:,} of the 1,000,000-ticket file of bench_report.py "
        f"({measured / n:.1%} of tickets measured by a level, as in the whole file), after a warm-up.\n\n"
        "| Run | Instructions per ticket | Ratio |\n|---|---|---|\n"
        f"| floor: csv.reader reads the row | {per_floor:,.0f} | 1.00x |\n"
        f"| `slactl report`'s ticket scanner (one process) | {per_scan:,.0f} | {per_scan / per_floor:.2f}x |\n"
    )
    print(table)
    print(f"({time.perf_counter() - started:.0f} s)")
    if not args.no_write:
        write_section("### Instructions per ticket\n\n" + table, "report-ir")


if __name__ == "__main__":
    main()
