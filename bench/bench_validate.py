"""Benchmark `slactl validate`: cold start and 1,000 agreements of about 20 KB.

Every figure is a ratio to a floor measured in the same run, on the same machine:

* ``slactl --help`` against ``python -c pass`` (target: within 8x);
* ``slactl validate ONE.yaml`` against ``python -c pass`` (target: within 15x, the project's compass
  for a command a pre-commit hook runs on every commit);
* ``slactl validate DIR`` (1,000 agreements and the 3 examples they link to, default jobs) against
  parsing the same files with PyYAML's ``CSafeLoader`` alone in one process (target: within 1.5x);
* ``check-jsonschema --schemafile`` with the exported schema on the same files (target: slactl
  at least 5x faster).

Cold-start figures are the median of several runs. Each figure is wall time; the CPU time
(user + sys of the process and its workers) is printed beside it because it hardly moves when
other work shares the machine, while wall time does. Subprocesses run with a bytecode cache
in the temporary folder (``PYTHONPYCACHEPREFIX``), as an installed slactl has its bytecode
compiled: a shell with ``PYTHONDONTWRITEBYTECODE=1`` would otherwise recompile slactl's own
modules on every start. Writes section ``validate`` of docs/performance.md.

    python bench/bench_validate.py [--files 1000] [--runs 9] [--keep DIR] [--no-write]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EXAMPLES = ROOT / "examples"
BASE = EXAMPLES / "cec-fy2027-rural-lending.yaml"
PERF = ROOT / "docs" / "performance.md"
SECTION = "validate"
PYTHON = sys.executable
BIN = Path(PYTHON).parent
SLACTL = str(BIN / "slactl")
EXTRA_LEVELS = 19  # with the extra contacts, brings the 12.6 KB example to about 20 KB
EXTRA_CONTACTS = 6
FIRST = ["Avery", "Blake", "Casey", "Devon", "Emerson", "Finley", "Harper", "Jules", "Kendall", "Logan"]
LAST = ["Nakamura", "Okonkwo", "Petrov", "Quinn", "Rasmussen", "Silva", "Tanaka", "Underwood", "Vargas", "Weiss"]


def agreement(i: int) -> str:
    """Agreement ``i``: the CEC example under its own id, with more contacts and service levels."""
    text = BASE.read_text(encoding="utf-8")
    text = text.replace("id: cec-fy2027-rural-lending", f"id: cec-fy2027-office-{i:04d}", 1)
    text = text.replace("Rural Lending Program Office, FY2027", f"Program Office {i:04d}, FY2027", 1)
    contacts = []
    for n in range(EXTRA_CONTACTS):
        first, last = FIRST[(i + n) % len(FIRST)], LAST[(i * 7 + n) % len(LAST)]
        contacts.append(
            f"      - {{name: {first} {last} {n}, role: Field Office Coordinator, title: IT Specialist, "
            f"email: {first.lower()}.{last.lower()}{n}@rlpo.example.gov, "
            f'phone: "+1 314 555 {1000 + n + i % 9000}"}}\n'
        )
    anchor = "      - {name: Grace Holloway, role: Budget Officer, email: grace.holloway@rlpo.example.gov}\n"
    text = text.replace(anchor, anchor + "".join(contacts), 1)
    levels = []
    for n in range(EXTRA_LEVELS):
        priority = ("P3", "P4")[n % 2]
        levels.append(
            f"  - id: desk-request-{n}\n"
            f"    service: service-desk\n"
            f"    metric: {('response_time', 'resolution_time')[n % 2]}\n"
            f"    scope: {{priority: {priority}, request_type: request kind {n}}}\n"
            f"    target: {1 + (i + n) % 8} business days\n"
            f"    attainment: {85 + n % 10}%\n"
            f"    window: calendar_month\n"
            f'    measurement: {{method: "Business days from ticket creation to fulfilment of the request, '
            f'less time on hold awaiting the customer.", source: Enterprise ticketing system}}\n'
        )
    return text.replace("\nresponsibilities:", "".join(levels) + "\nresponsibilities:", 1)


def generate(folder: Path, count: int) -> list[Path]:
    """The repository: the examples (settings, catalog, the agreements they link) and ``count`` agreements."""
    for name in ("slactl.yaml", "catalog.yaml", "northwind-colocation-fy2027.yaml", BASE.name):
        shutil.copy(EXAMPLES / name, folder / name)
    (folder / ".git").mkdir(exist_ok=True)  # stop the slactl.yaml search here
    agreements = folder / "agreements"
    agreements.mkdir(exist_ok=True)
    paths = []
    for i in range(count):
        path = agreements / f"office-{i:04d}.yaml"
        path.write_text(agreement(i), encoding="utf-8")
        paths.append(path)
    return paths


ENV: dict[str, str] = {}


def timed(cmd: list[str], cwd: Path, *, ok: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """Wall and CPU time of one process (with its children); fails on an unexpected exit code."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=ENV, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in ok:
        command = " ".join(cmd[:4])
        raise SystemExit(f"{command}... exited {proc.returncode}:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return elapsed, cpu


def median(
    cmd: list[str], cwd: Path, runs: int, *, ok: tuple[int, ...] = (0,), warm: bool = True
) -> tuple[float, float]:
    """Median wall and median CPU time over ``runs`` runs, after one warm-up run (page cache, bytecode)."""
    if warm:
        timed(cmd, cwd, ok=ok)
    samples = [timed(cmd, cwd, ok=ok) for _ in range(runs)]
    return statistics.median(w for w, _ in samples), statistics.median(c for _, c in samples)


YAML_FLOOR = """
import sys
from pathlib import Path
import yaml
for path in sorted(p for p in Path(sys.argv[1]).rglob("*.yaml") if ".git" not in p.parts):
    yaml.load(path.read_bytes().decode("utf-8"), Loader=yaml.CSafeLoader)
"""


def schema_file(folder: Path) -> tuple[Path, str]:
    """The agreement JSON Schema from `slactl schema`, or built here when the command is missing."""
    path = folder / "agreement.schema.json"
    proc = subprocess.run(
        [SLACTL, "schema", "--kind", "agreement", "-o", str(path)], env=ENV, capture_output=True, text=True
    )
    if proc.returncode == 0 and path.exists():
        return path, "slactl schema"
    import json

    from slactl.model import Agreement

    schema = Agreement.model_json_schema()
    text = json.dumps(schema).replace("#/$defs/", "#/definitions/")
    converted = json.loads(text)
    converted["definitions"] = converted.pop("$defs", {})
    converted["$schema"] = "http://json-schema.org/draft-07/schema#"
    path.write_text(json.dumps(converted), encoding="utf-8")
    return path, "Agreement.model_json_schema() (slactl schema failed)"


# Where the time goes (profiled with cProfile, -X importtime and CPU-time medians; update when it changes).
PROFILE = """\
Where the time of `slactl validate ONE.yaml` goes. Measured on 2026-11-30 on this machine shared
with other work (load average 8 to 17 on 2 cores), which slows every figure about 2.5x against
an idle run (`python -c pass` 28-31 ms of CPU instead of 11), so the shares say more than the
milliseconds. By phase, in one process, medians of three runs (CPU, about 480-590 ms in all):
Python and the standard library ~12%; importing pydantic ~35%, of which ~7% is its plugin loader
importing importlib.metadata (imported before `PYDANTIC_DISABLE_PLUGINS` is read: that setting
would save only the scan of the installed packages' entry points, ~1.5%, and would switch off
plugins a user installed on purpose, so slactl leaves it alone); PyYAML ~5%; building the models
(Agreement and Catalog when slactl.model is imported, RepoConfig when slactl.yaml is read) ~28%;
slactl's own modules ~8%; reading, validating and checking the two files ~9%, a third of it
importing gitio for the `.gitattributes` check.

What issue 11 cut. typer is no longer started for a plain `slactl validate`: `slactl.cli.fast`
reads a call of paths and the command's own options and runs the command's body; help, root
options, anything unusual and every usage error still go through typer. Importing typer and
letting it build the command (a pydantic TypeAdapter per option) had been about a quarter of the
run. Nested models are built on first use (`defer_build`): the document models, built at import
so that forked workers inherit them, generate every nested schema anyway, and building each
nested model's own validator and serializer as well was time spent twice (an earlier note found
`defer_build` no help: validation needs a document's whole tree, which still holds; what it
saves is the nested models' builds of their own). The model modules no longer turn annotations
into strings that pydantic compiles and evaluates (~270 of them), and default factories and
serializers are Python functions: pydantic reads the signature of each on every field, and a
builtin's (`list`, `str`) is parsed from its text every time. Model import and first validation
of an agreement, a catalog and slactl.yaml went from 222 to 162 ms of CPU (15 interleaved runs),
the whole command from 1,013 to 724 ms and from 940 to 759 ms in two series of interleaved runs
(9 and 11 runs with `python -c pass`: 35.7x to 25.5x and 30.7x to 24.8x of CPU; wall time 33%
and 28% less), and in this benchmark's runs (`--files 100 --runs 5`), one after the other as the
load moved, from 921 and 1,029 ms to 815 and 795 ms (the floor moved between 24 and 31 ms, so
those ratios say little); `slactl --help` is unchanged (268 and 267 ms). The JSON Schemas,
canonical forms, digests and findings of every file in examples/ and tests/ are byte-identical.
Tried and left out: the format's typed values (durations, percentages, amounts...) as one core
schema each instead of pydantic's BeforeValidator, PlainSerializer and WithJsonSchema chain (the
same schemas, no measurable difference), and a cached core schema (pydantic offers no supported
way to keep one between runs; its schemas hold the validator functions). What is left is
pydantic's import and schema generation for ~45 models, which every run needs while the models
are the format: the 15x compass is not reached on this machine, and an idle run of this version
was not possible on the day (an idle run of the version before measured 26x at 280 ms).

In bulk, per file: libyaml composing ~3.7 ms, slactl's YAML 1.2 value builder ~0.7 ms, pydantic
~0.5 ms, the rules ~1.8 ms; CSafeLoader's own Python constructor costs ~2.6 ms on top of the
same composing, which is why two workers beat it.
"""


def write_section(body: str) -> None:
    """Replace this benchmark's section of docs/performance.md (re-read right before writing)."""
    begin, end = f"<!-- bench:{SECTION} -->", f"<!-- /bench:{SECTION} -->"
    block = f"{begin}\n{body.rstrip()}\n{end}"
    text = PERF.read_text(encoding="utf-8") if PERF.exists() else "# Performance\n"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.DOTALL)
    text = pattern.sub(lambda _m: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    PERF.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=9, help="runs per cold-start figure (median)")
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    parser.add_argument("--no-write", action="store_true", help="do not update docs/performance.md")
    args = parser.parse_args()

    folder = args.keep or Path(tempfile.mkdtemp(prefix="slactl-bench-validate-"))
    folder.mkdir(parents=True, exist_ok=True)
    ENV.update({k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "GITHUB_ACTIONS")})
    ENV["PYTHONPYCACHEPREFIX"] = str(folder / ".pycache")
    load_before = os.getloadavg()[0]
    try:
        paths = generate(folder, args.files)
        size = statistics.mean(p.stat().st_size for p in paths)
        one = paths[0]

        # A clean corpus, or the benchmark measures error reporting instead of validation.
        proc = subprocess.run([SLACTL, "validate", str(folder)], env=ENV, capture_output=True, text=True)
        if proc.returncode != 0 or " 0 warnings" not in proc.stdout:
            raise SystemExit(f"generated files do not validate clean:\n{proc.stdout[-3000:]}{proc.stderr[-2000:]}")
        summary = proc.stdout.strip().splitlines()[-1]

        floor = median([PYTHON, "-c", "pass"], folder, args.runs)
        help_ = median([SLACTL, "--help"], folder, args.runs)
        single = median([SLACTL, "validate", str(one)], folder, args.runs)
        yaml_floor = median([PYTHON, "-c", YAML_FLOOR, str(folder)], folder, 3)
        bulk = median([SLACTL, "validate", str(folder)], folder, 3)

        schema, schema_from = schema_file(folder)
        checker = BIN / "check-jsonschema"
        files = [str(p) for p in paths]
        # One run: it takes minutes, and the files are in the page cache already.
        jsonschema = (
            median([str(checker), "--schemafile", str(schema), *files], folder, 1, ok=(0, 1), warm=False)
            if checker.exists()
            else None
        )
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    load_after = os.getloadavg()[0]

    def ms(pair: tuple[float, float]) -> tuple[str, str]:
        return f"{pair[0] * 1000:,.0f} ms", f"{pair[1] * 1000:,.0f} ms"

    def ratio(a: tuple[float, float], b: tuple[float, float], digits: int = 1) -> str:
        return f"{a[0] / b[0]:.{digits}f}x (CPU {a[1] / b[1]:.{digits}f}x)"

    n = f"{args.files + 3:,} files"
    rows = [
        ("`python -c pass` (floor)", *ms(floor), "1x", ""),
        ("`slactl --help`", *ms(help_), ratio(help_, floor), "within 8x"),
        ("`slactl validate ONE.yaml` (+ its catalog)", *ms(single), ratio(single, floor), "within 15x"),
        (f"CSafeLoader alone, {n}, 1 process (floor)", *ms(yaml_floor), "1x", ""),
        (f"`slactl validate DIR`, {n}", *ms(bulk), ratio(bulk, yaml_floor, 2), "within 1.5x"),
    ]
    if jsonschema is not None:
        rows.append(
            (
                f"`check-jsonschema --schemafile`, {args.files:,} files",
                *ms(jsonschema),
                f"slactl {jsonschema[0] / bulk[0]:.1f}x faster",
                "slactl 5x faster",
            )
        )
    table = ["| measure | wall | CPU | ratio | target |", "| --- | ---: | ---: | ---: | --- |"]
    table += [f"| {a} | {b} | {c} | {d} | {e} |" for a, b, c, d, e in rows]
    cores = os.cpu_count() or 1
    note = (
        f"{args.files:,} agreements of {size / 1024:.1f} KB on average ({summary}); "
        f"Python {platform.python_version()}, {cores} cores, {platform.machine()}, "
        f"load average {load_before:.1f} before and {load_after:.1f} after the run; "
        f"cold starts are medians of {args.runs} runs, bulk runs medians of 3; schema from {schema_from}. "
        "Wall-time ratios need an otherwise idle machine: with other work running, read the CPU column."
    )
    if jsonschema is None:
        note += " check-jsonschema is not installed: that comparison was skipped."
    body = "\n".join(["## validate", "", "`python bench/bench_validate.py`", "", *table, "", note, "", PROFILE])
    print(body)
    if not args.no_write:
        write_section(body)


if __name__ == "__main__":
    main()
