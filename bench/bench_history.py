"""Benchmark `slactl history` on 5,000 revisions of one ~20 KB agreement.

Generates a repository with `git fast-import` (one commit per revision, each changing a
target and a price; a rename half way), then measures in the same run:

* floor 1: ``git log -p --follow`` of the file (what git itself needs to show the history);
* floor 2: parsing the same 5,000 blobs with PyYAML's ``CSafeLoader`` alone, on one core;
* ``slactl history --format json`` cold (empty cache) and warm (second run).

Targets: warm within 1.5x of floor 1; cold within 1.3x of floor 2 divided by the cores. Also
reports the cache: its files and bytes against the repository's git objects.
Writes section ``history`` of docs/performance.md.

    python bench/bench_history.py [--revisions 5000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BASE = ROOT / "examples" / "cec-fy2027-rural-lending.yaml"
PERF = ROOT / "docs" / "performance.md"
SECTION = "history"
EXTRA_LEVELS = 20  # appended service levels: brings the example to about 20 KB


def agreement(i: int) -> bytes:
    """Revision ``i``: the CEC example with extra service levels; one target and one price move each time."""
    text = BASE.read_text(encoding="utf-8")
    levels = []
    for n in range(EXTRA_LEVELS):
        hours = 1 + (i + n) % 40 if n == i % EXTRA_LEVELS else 1 + n
        levels.append(
            f"  - id: extra-level-{n}\n"
            f"    service: service-desk\n"
            f"    name: Extra level number {n}\n"
            f"    metric: response_time\n"
            f"    scope: {{priority: P3, request_type: request kind {n}}}\n"
            f"    target: {hours}h\n"
            f"    attainment: 90%\n"
            f"    window: calendar_month\n"
            f'    measurement: {{method: "Time from ticket creation to the first response by an analyst, '
            f'business hours only.", source: Enterprise ticketing system}}\n'
        )
    text = text.replace("\nresponsibilities:", "".join(levels) + "\nresponsibilities:", 1)
    text = text.replace('custom_fee: "1,500.00"', f'custom_fee: "{1000 + i}.00"', 1)
    return text.encode("utf-8")


def generate(repo: Path, revisions: int) -> str:
    """A repository whose main branch has ``revisions`` commits of one agreement; returns its final path."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    old, new = "slas/cec.yaml", "slas/customers/cec-fy2027.yaml"
    proc = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=repo, stdin=subprocess.PIPE)
    assert proc.stdin is not None
    start = 1_700_000_000
    for i in range(revisions):
        path = old if i < revisions // 2 else new
        msg = f"Revision {i}: move extra-level-{i % EXTRA_LEVELS}\n".encode()
        out = [
            b"commit refs/heads/main\n",
            f"author Alice Author <alice@example.com> {start + i * 60} +0000\n".encode(),
            f"committer Alice Author <alice@example.com> {start + i * 60} +0000\n".encode(),
            f"data {len(msg)}\n".encode() + msg,
        ]
        if i == revisions // 2:
            out.append(f"D {old}\n".encode())
        content = agreement(i)
        out.append(f"M 100644 inline {path}\ndata {len(content)}\n".encode() + content + b"\n")
        proc.stdin.write(b"".join(out))
    proc.stdin.close()
    if proc.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "checkout", "-q", "main"], cwd=repo, check=True)
    return new


# PYTHONDONTWRITEBYTECODE=1 (set in some shells) would add compiling slactl's modules to every run.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, env=CHILD_ENV)
    return time.perf_counter() - start


_TEXTS: list[str] = []


def _parse_all(part: range) -> None:
    for i in part:
        yaml.load(_TEXTS[i], Loader=yaml.CSafeLoader)


def bare_parse(repo: Path, path: str, cores: int) -> tuple[float, float, int]:
    """Seconds to parse every blob of the file's history with CSafeLoader alone: on one core,
    and split over ``cores`` forked processes (what the cores really give together)."""
    import multiprocessing

    from slactl import git as gitio

    blobs = [r.blob_id for r in gitio.file_revisions(repo, path) if r.blob_id]
    _TEXTS[:] = [raw.decode("utf-8") for _, raw in gitio.read_blobs(repo, blobs)]
    start = time.perf_counter()
    _parse_all(range(len(_TEXTS)))
    one = time.perf_counter() - start
    parts = [range(i, len(_TEXTS), cores) for i in range(cores)]
    start = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(cores) as pool:
        pool.map(_parse_all, parts)
    return one, time.perf_counter() - start, len(_TEXTS)


def per_revision(count: int = 300) -> tuple[float, float, float]:
    """Milliseconds per revision (best of 3 rounds) to load the first ``count`` blobs: whole with
    ``load_text``; through one ``SeriesLoader`` in order; through a fresh ``SeriesLoader`` each
    (nothing to reuse: the worst case, when every revision rewrites the file)."""
    from slactl.loading import SeriesLoader, load_text

    texts = _TEXTS[:count]

    def ms(load: Any) -> float:
        start = time.perf_counter()
        for text in texts:
            load(text)
        return (time.perf_counter() - start) / len(texts) * 1000

    rounds = [(ms(load_text), ms(SeriesLoader().data), ms(lambda text: SeriesLoader().data(text))) for _ in range(3)]
    whole, series, fresh = (min(r[i] for r in rounds) for i in range(3))
    return whole, series, fresh


def write_section(body: str) -> None:
    """Replace only our section of docs/performance.md (re-read right before writing)."""
    begin, end = f"<!-- bench:{SECTION} -->", f"<!-- /bench:{SECTION} -->"
    block = f"{begin}\n{body.rstrip()}\n{end}"
    text = PERF.read_text(encoding="utf-8") if PERF.exists() else "# Performance\n"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.DOTALL)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    PERF.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--revisions", type=int, default=5000)
    parser.add_argument("--keep", type=Path, help="build the repository here and keep it")
    parser.add_argument("--no-write", action="store_true", help="do not update docs/performance.md")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="slactl-bench-history-"))
    repo = args.keep or tmp / "repo"
    try:
        t0 = time.perf_counter()
        path = generate(repo, args.revisions)
        gen = time.perf_counter() - t0
        size = len(agreement(0))
        slactl = [sys.executable, "-m", "slactl", "history", path, "--format", "json"]
        git_log = timed(["git", "log", "-p", "--follow", "--", path], repo)
        cores = os.cpu_count() or 1
        bare, pooled, count = bare_parse(repo, path, cores)
        whole_ms, series_ms, fresh_ms = per_revision()
        from slactl.history import cache_dir

        shutil.rmtree(cache_dir(repo), ignore_errors=True)
        cold = timed(slactl, repo)
        warm = timed(slactl, repo)
        warm2 = timed(slactl, repo)
        warm = min(warm, warm2)
        floor_cold = bare / cores
        cache_files = [p for p in cache_dir(repo).rglob("*") if p.is_file()]
        cache_bytes = sum(p.stat().st_size for p in cache_files)
        objects = sum(p.stat().st_size for p in (repo / ".git" / "objects").rglob("*") if p.is_file())
        lines = [
            f"`python bench/bench_history.py` — {count:,} revisions of one {size / 1024:.1f} KB agreement "
            f"(one rename), generated with `git fast-import` in {gen:.1f} s; {cores} cores; "
            f"Python {platform.python_version()}, {platform.system()} {platform.machine()}.",
            "",
            "| Measure | Seconds | Ratio | Target |",
            "|---|---:|---:|---|",
            f"| floor: `git log -p --follow` | {git_log:.2f} | 1.00 | |",
            f"| floor: CSafeLoader alone, one core | {bare:.2f} | | |",
            f"| floor: CSafeLoader / {cores} cores | {floor_cold:.2f} | 1.00 | |",
            f"| (CSafeLoader really run on {cores} processes) | {pooled:.2f} | {pooled / floor_cold:.2f} | |",
            f"| `slactl history` cold (empty cache) | {cold:.2f} | {cold / floor_cold:.2f} x parse floor "
            f"({cold / pooled:.2f} x the {cores}-process parse) | <= 1.3 |",
            f"| `slactl history` warm (cache) | {warm:.2f} | {warm / git_log:.2f} x git log | <= 1.5 |",
            "",
            f"The cache: {len(cache_files)} file(s), {cache_bytes / 1e6:.1f} MB, beside {objects / 1e6:.1f} MB "
            "of git objects.",
        ]
        lines += [
            "",
            "Cold, each revision is read through one `git cat-file --batch` stream per chunk of "
            "consecutive revisions, on every core. Consecutive revisions differ in a field or two, so a "
            "worker composes only the pieces of the YAML a revision changed (`slactl.loading.SeriesLoader`: "
            "top-level entries, and the items of large collections, cut where the indentation proves an "
            "entry starts; anything it cannot prove is loaded whole) and reuses the others' values; the "
            "model validation, the canonical dump and digest, the semantic diff with the previous revision "
            "and the cache rows are then most of the time. Warm, the revisions' kind, digest and id and "
            "each diff are one row each of `.git/slactl/cache/revisions.sqlite` (one SQLite file per "
            "repository; the canonical dumps, zlib-compressed, are read only when a diff is missing).",
            "",
            f"Loading one revision, over the first 300 (one process): whole with `load_text` {whole_ms:.2f} ms; "
            f"through the `SeriesLoader` in order {series_ms:.2f} ms; through a fresh one each time, with "
            f"nothing to reuse (a history where every revision rewrites the file) {fresh_ms:.2f} ms "
            f"({fresh_ms / whole_ms:.2f} x whole): in that worst case a cold history costs about what it did "
            "before pieces were reused (1.52 x the parse floor, measured the day before).",
        ]
        body = "\n".join(lines)
        print(body)
        if not args.no_write:
            write_section(body)
    finally:
        if args.keep is None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
