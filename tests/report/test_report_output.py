"""`slactl report` output through the templates of templates/report/: the same document as before.

The goldens in tests/golden/report/ were written by the hand-built writers that the
templates replaced: the Markdown must stay byte for byte the same, the HTML the same once
whitespace between tags is set aside (the templates are indented, the old page was one line).
Regenerate after a deliberate change with ``UPDATE_GOLDEN=1 python -m pytest tests/report/test_report_output.py``.
"""

from __future__ import annotations

import os
import re
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from slactl.report import Report, build_report
from slactl.report.render import to_html, to_markdown

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
DATA = EXAMPLES / "data"
FIXTURE = Path(__file__).parents[1] / "fixtures" / "report" / "agreement.yaml"
GOLDEN = Path(__file__).parents[1] / "golden" / "report"

# name -> (agreement, period, as of, data files by kind)
CASES: dict[str, tuple[Path, str, str, dict[str, str]]] = {
    "cec-fy2027-rural-lending": (
        EXAMPLES / "cec-fy2027-rural-lending.yaml",
        "FY2027",
        "2027-10-01",
        {"tickets": "tickets.csv", "outages": "outages.csv", "surveys": "surveys.csv"},
    ),
    "cec-running-quarter": (
        EXAMPLES / "cec-fy2027-rural-lending.yaml",
        "FY2027-Q2",
        "2027-02-10T12:00",
        {"tickets": "tickets.csv", "outages": "outages.csv"},
    ),
    "cloud-compute-public-sla": (
        EXAMPLES / "cloud-compute-public-sla.yaml",
        "2027-01-16..2027-04-15",
        "2027-05-01",
        {"outages": "outages.csv", "charges": "charges.csv"},
    ),
    "lawyer-standard-sla": (EXAMPLES / "lawyer-standard-sla.yaml", "2027-02", "2027-03-15", {"tickets": "tickets.csv"}),
    "public-sector-es-support": (
        EXAMPLES / "public-sector-es-support.yaml",
        "2027-01",
        "2027-02-15",
        {"tickets": "tickets.csv"},
    ),
}

# The fixture of tests/report/test_report.py with hostile text in every kind of cell it can reach.
HOSTILE_TICKETS = """id,priority,service,opened,first_response,resolved,on_hold
T1 | *x* `y`,P1,desk,2027-01-15 16:55,2027-01-19 09:10,2027-01-19 10:00,
T2,P1,desk,2027-01-20 10:00,2027-01-20 10:20,2027-01-20 11:00,
<script>alert(1)</script>,P2,desk,2027-02-04 09:00,2027-02-04 09:30,2027-02-09 10:00,2027-02-05T12:00/2027-02-08T12:00
T4,P3,desk,2027-03-13 12:00,2027-03-13 12:05,2027-03-15 12:00,
bad <b>row</b>,P3,desk,2027-13-13 12:00,,,
H1,P1,hosting,2027-02-11 10:00,2027-02-11 10:30,2027-02-11 12:00,
"""
HOSTILE_OUTAGES = """id,service,start,end,planned
PATCH-1,hosting,2027-01-17 02:00,2027-01-17 04:00,yes
<img src=x onerror=alert(1)>,hosting,2027-01-20 10:00,2027-01-20 11:00,no
OUT-2 'quoted',hosting,2027-02-10 00:00,2027-02-10 12:00,no
S-1,storage,2027-01-25 10:00,2027-01-25 10:10,no
"""
HOSTILE_SURVEYS = """ticket,date,score
T1 | *x* `y`,,3
T2,2027-01-21,5
T99,,1
"""


def _case_report(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Report:
    # Copies outside the repository, named relative to the working folder: the terms in force
    # do not depend on this repository's commits, and the file names are the same on every machine.
    monkeypatch.chdir(tmp_path)
    if name == "hostile":
        agreement = Path("agreement.yaml")
        shutil.copy(FIXTURE, agreement)
        files = {}
        for kind, text in (("tickets", HOSTILE_TICKETS), ("outages", HOSTILE_OUTAGES), ("surveys", HOSTILE_SURVEYS)):
            files[kind] = Path(f"{kind} <&>.csv")
            files[kind].write_text(text, encoding="utf-8")
        return build_report(
            agreement, period="2027-01-01..2027-03-31", now=datetime.fromisoformat("2028-02-01"), **files
        )
    source, period, as_of, data = CASES[name]
    agreement = Path(source.name)
    shutil.copy(source, agreement)
    paths = {}
    for kind, file in data.items():
        paths[kind] = Path(file)
        shutil.copy(DATA / source.stem / file, paths[kind])
    return build_report(agreement, period=period, now=datetime.fromisoformat(as_of), **paths)


def _normalise_html(text: str) -> str:
    """Whitespace between tags dropped, other runs of whitespace as one space."""
    text = re.sub(r">\s+<", "><", text)
    text = re.sub(r"\s+", " ", text)
    return text.strip()


def _golden(path: Path, text: str) -> str:
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
    assert path.exists(), f"no golden {path}; run UPDATE_GOLDEN=1 python -m pytest tests/report/test_report_output.py"
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", [*CASES, "hostile"])
def test_markdown_is_byte_for_byte_the_golden(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = to_markdown(_case_report(name, tmp_path, monkeypatch))
    assert text == _golden(GOLDEN / f"{name}.md", text)


@pytest.mark.parametrize("name", [*CASES, "hostile"])
def test_html_is_the_golden_but_for_whitespace(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = to_html(_case_report(name, tmp_path, monkeypatch))
    golden = _golden(GOLDEN / f"{name}.html", text)
    assert _normalise_html(text) == _normalise_html(golden)
    assert text.startswith("<!DOCTYPE html>\n") and text.endswith("</html>\n")


def test_hostile_text_is_inert_in_both(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = _case_report("hostile", tmp_path, monkeypatch)
    html = to_html(report)
    assert "<script" not in html.lower() and "<img" not in html.lower() and "<b>row" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    md = to_markdown(report)
    assert "<script" not in md and "<img" not in md
    assert "OUT-2 'quoted'" in md and "&lt;img src=x onerror=alert(1)&gt;" in md
