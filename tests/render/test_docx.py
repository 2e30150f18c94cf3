"""`slactl render --format docx`: the agreement as a Word document.

It opens with python-docx, has the same headings as the Markdown rendering in Word's heading
styles, the same tables, the digest, id, title and commit in its core properties, the same
bytes every time; without python-docx a clear error names the extra. A golden text dump.

    UPDATE_GOLDEN=1 python -m pytest tests/render/test_docx.py
"""

from __future__ import annotations

import io
import os
import re
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest

from slactl.cli import main
from slactl.digest import content_digest
from slactl.documents import ValidDocument, load_valid
from slactl.errors import SlactlError
from slactl.model.agreement import Agreement
from slactl.render import Provenance, load_catalogs, render_document
from slactl.safewrite import stamp_of

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
AGREEMENTS = sorted(p for p in EXAMPLES.glob("*.yaml") if b"kind: Agreement" in p.read_bytes())
GOLDEN = ROOT / "tests" / "golden" / "docx"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
EPOCH = 1_790_000_000
COMMIT = "1" * 40


def provenance(valid: ValidDocument) -> Provenance:
    assert isinstance(valid.document, Agreement)
    return Provenance(content_digest(valid.document), "committed", COMMIT, EPOCH)


def rendered(path: Path, fmt: str) -> bytes:
    valid = load_valid(path)
    catalogs = load_catalogs([EXAMPLES / "catalog.yaml"])
    return render_document(valid, fmt, provenance=provenance(valid), catalogs=catalogs)  # type: ignore[arg-type]


def open_docx(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def dump(document: docx.document.Document) -> str:
    """The document's text, block by block, with each paragraph's style, tables as rows."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            if item.text:
                lines.append(f"[{item.style.name if item.style else ''}] {item.text}")
        elif isinstance(item, Table):
            lines.extend("| " + " | ".join(c.text for c in row.cells) + " |" for row in item.rows)
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("path", AGREEMENTS, ids=lambda p: p.stem)
def test_docx_has_the_headings_and_tables_of_the_markdown(path: Path) -> None:
    document = open_docx(rendered(path, "docx"))
    markdown = rendered(path, "md").decode("utf-8")
    # Headings: "## 1. Introduction" in Markdown is Heading 1 in Word, "###" Heading 2.
    want = [
        (len(m.group(1)) - 1, m.group(2).replace("\\", ""))
        for m in re.finditer(r"^(#{2,3}) (.+)$", markdown, re.M)
        if m.group(2) != "Contents"
    ]
    got = [
        (int(p.style.name.removeprefix("Heading ")), p.text)
        for p in document.paragraphs
        if p.style is not None and p.style.name.startswith("Heading ")
    ]
    assert got == want
    title = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Title"]
    assert title == [load_valid(path).document.metadata.title]  # type: ignore[attr-defined]
    # Tables: one per table of the HTML; each Markdown table's header row heads one of them.
    html = rendered(path, "html").decode("utf-8")
    assert len(document.tables) == len(re.findall(r"<table\b", html))
    assert all(t.style is not None and t.style.name == "Table Grid" for t in document.tables)
    firsts = [[c.text for c in t.rows[0].cells] for t in document.tables]
    for header in re.findall(r"^(\|.*\|)\n\|(?: ?:?-{3,}:? ?\|)+$", markdown, re.M):
        cells = [c.strip().replace("\\", "") for c in header.strip("|").split(" | ")]
        assert cells in firsts, cells


def test_docx_core_properties_carry_the_digest_and_commit() -> None:
    path = EXAMPLES / "it-hr-support-fy2027.yaml"
    valid = load_valid(path)
    agreement = valid.document
    assert isinstance(agreement, Agreement)
    core = open_docx(rendered(path, "docx")).core_properties
    digest = content_digest(agreement)
    assert core.title == agreement.metadata.title
    assert core.identifier == "it-hr-support-fy2027"
    assert digest in core.keywords and digest in core.comments
    assert COMMIT in core.comments and core.version == COMMIT
    when = datetime.fromtimestamp(EPOCH, UTC).replace(tzinfo=None)
    assert core.created is not None and core.created.replace(tzinfo=None) == when
    assert core.modified is not None and core.modified.replace(tzinfo=None) == when
    assert core.author == agreement.parties.provider.organization


def test_docx_is_deterministic_and_stamped() -> None:
    path = EXAMPLES / "northwind-colocation-fy2027.yaml"
    first, second = rendered(path, "docx"), rendered(path, "docx")
    assert first == second
    assert stamp_of(first) == "from northwind-colocation-fy2027"
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert archive.testzip() is None  # sealing the stamp left every entry intact
        stamp = datetime.fromtimestamp(EPOCH, UTC).timetuple()[:6]
        assert {info.date_time for info in archive.infolist()} == {stamp}


def test_docx_keeps_headings_with_what_follows_and_header_rows_repeating() -> None:
    document = open_docx(rendered(EXAMPLES / "it-hr-support-fy2027.yaml", "docx"))
    headings = [p for p in document.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    assert headings and all(p.paragraph_format.keep_with_next for p in headings)
    # A4 with the HTML's print margins; every table fits between them.
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    text_width = section.page_width - section.left_margin - section.right_margin
    assert all(sum(c.width for c in t.columns) <= text_width for t in document.tables)
    first_rows = [t.rows[0]._tr for t in document.tables if len(t.rows) > 1 and t.rows[0].cells[0].text == "Service"]
    assert first_rows and all(
        tr.trPr is not None and tr.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is not None for tr in first_rows
    )


def test_hostile_values_are_text_in_the_docx(tmp_path: Path) -> None:
    source = (EXAMPLES / "it-hr-support-fy2027.yaml").read_text(encoding="utf-8")
    hostile = "<w:p>&amp; </body> ]]>"
    target = tmp_path / "a.yaml"
    target.write_text(source.replace("and its payroll interface.", f"and its payroll interface {hostile!r}."))
    document = open_docx(rendered(target, "docx"))
    assert any(repr(hostile) in c.text for t in document.tables for row in t.rows for c in row.cells)


def test_without_python_docx_the_error_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "docx", None)  # import docx raises ImportError
    with pytest.raises(SlactlError, match=r"slactl\[docx\]"):
        rendered(EXAMPLES / "it-hr-support-fy2027.yaml", "docx")
    assert main(["render", str(EXAMPLES / "it-hr-support-fy2027.yaml"), "-o", str(tmp_path / "a.docx")]) == 2
    assert "pip install 'slactl[docx]'" in capsys.readouterr().err
    assert not (tmp_path / "a.docx").exists()


def test_cli_picks_docx_from_the_suffix(tmp_path: Path) -> None:
    out = tmp_path / "agreement.docx"
    assert main(["render", str(EXAMPLES / "it-hr-support-fy2027.yaml"), "-o", str(out)]) == 0
    assert zipfile.is_zipfile(out)
    assert open_docx(out.read_bytes()).core_properties.identifier == "it-hr-support-fy2027"


@pytest.mark.parametrize("path", AGREEMENTS, ids=lambda p: p.stem)
def test_golden_docx(path: Path) -> None:
    text = dump(open_docx(rendered(path, "docx")))
    golden = GOLDEN / f"{path.stem}.txt"
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), "run UPDATE_GOLDEN=1 python -m pytest tests/render/test_docx.py"
    assert text == golden.read_text(encoding="utf-8"), "changed: if intended, UPDATE_GOLDEN=1 and review the diff"
