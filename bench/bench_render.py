"""Benchmark `slactl render`: each example agreement rendered to Markdown, HTML (and PDF).

The floor, measured in the same run, is loading and validating the same file
(``load_valid``), which every render does first; the ratio says what rendering adds on
top. Times are the median of N runs in one warm process (templates compiled once, as the
CLI does for several files). Writes section ``render`` of docs/performance.md.

    python bench/bench_render.py [--runs 15] [--pdf-runs 3] [--no-pdf] [--no-write]
"""

from __future__ import annotations

import argparse
import platform
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from slactl.digest import content_digest  # noqa: E402
from slactl.documents import ValidDocument, load_valid  # noqa: E402
from slactl.model.agreement import Agreement  # noqa: E402
from slactl.render import (  # noqa: E402
    Provenance,
    load_catalogs,
    make_environment,
    render_document,
)

EXAMPLES = ROOT / "examples"
PERF = ROOT / "docs" / "performance.md"
SECTION = "render"


def median_ms(func: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def pdf_available() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


def write_section(body: str) -> None:
    """Replace this benchmark's section of docs/performance.md (re-read right before writing)."""
    begin, end = f"<!-- bench:{SECTION} -->", f"<!-- /bench:{SECTION} -->"
    block = f"{begin}\n{body.rstrip()}\n{end}"
    text = PERF.read_text(encoding="utf-8") if PERF.exists() else "# Performance\n"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    PERF.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs per Markdown/HTML measurement (median)")
    parser.add_argument("--pdf-runs", type=int, default=3, help="runs per PDF measurement (median)")
    parser.add_argument("--no-pdf", action="store_true", help="skip PDF even when WeasyPrint is installed")
    parser.add_argument("--no-write", action="store_true", help="do not update docs/performance.md")
    args = parser.parse_args()

    files = sorted(p for p in EXAMPLES.glob("*.yaml") if b"kind: Agreement" in p.read_bytes())
    catalogs = load_catalogs([EXAMPLES / "catalog.yaml"])
    env = make_environment()
    with_pdf = pdf_available() and not args.no_pdf
    formats = ["md", "html"] + (["pdf"] if with_pdf else [])
    rows = []
    for path in files:
        valid = load_valid(path)
        agreement = valid.document
        assert isinstance(agreement, Agreement)
        # A fixed provenance: the benchmark measures rendering, not git.
        fp = Provenance(content_digest(agreement), "committed", "0" * 40, 0)
        floor = median_ms(lambda path=path: load_valid(path), args.runs)
        row = {"file": path.name, "floor": floor}
        for fmt in formats:
            runs = args.pdf_runs if fmt == "pdf" else args.runs

            def job(fmt: str = fmt, valid: ValidDocument = valid, fp: Provenance = fp) -> bytes:
                return render_document(valid, fmt, provenance=fp, catalogs=catalogs, env=env)  # type: ignore[arg-type]

            job()  # warm: compile templates, load fonts
            row[fmt] = median_ms(job, runs)
        rows.append(row)

    head = "| Agreement | load + validate (floor) | " + " | ".join(f"render {f}" for f in formats) + " |"
    sep = "| --- | ---: | " + " | ".join("---:" for _ in formats) + " |"
    lines = [head, sep]
    for row in rows:
        cells = [f"{row[f]:.1f} ms ({row[f] / row['floor']:.1f}x)" for f in formats]
        lines.append(f"| {row['file']} | {row['floor']:.1f} ms | " + " | ".join(cells) + " |")
    table = "\n".join(lines)
    print(table)
    pdf_note = "" if with_pdf else " PDF was not measured (WeasyPrint not installed or --no-pdf)."
    body = (
        "## render\n\n"
        f"`python bench/bench_render.py` on {platform.python_implementation()} {platform.python_version()}, "
        f"{platform.machine()}: median of {args.runs} runs ({args.pdf_runs} for PDF) per cell in one warm process. "
        "The floor is loading and validating the same file, which every render does first; each render time "
        f"includes building the view and the ratio is against that floor.{pdf_note}\n\n{table}\n"
    )
    if not args.no_write:
        write_section(body)


if __name__ == "__main__":
    main()
