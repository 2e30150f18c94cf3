"""The agreement as a Word document (DOCX), for counterparties who negotiate in Word.

Same content as the HTML and PDF: the rendered HTML body is read back as blocks
(:mod:`slactl.render.blocks`) and written with python-docx (the optional extra
``slactl[docx]``, imported only here, only when asked): headings as Word's Heading styles,
paragraphs with their bold runs, lists, and tables in the "Table Grid" style with a header row
that repeats on each page and rows that do not break across pages. The agreement's title, id,
digest and commit go into the document's core properties.

Deterministic: the dates in the properties and in the ZIP entries come from the provenance's
epoch (the commit's date), never the clock; the unsealed stamp goes into the ZIP archive
comment, at the very end of the file, where sealing it changes no entry's checksum.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from slactl.errors import SlactlError
from slactl.render.blocks import Block, html_blocks

if TYPE_CHECKING:
    from slactl.model.agreement import Agreement
    from slactl.render.provenance import Provenance

__all__ = ["render_docx"]

_HEADING_LEVEL = {"title": 0, "h2": 1, "h3": 2, "h4": 3}
_PARAGRAPH_STYLE = {"kicker": "Subtitle", "banner": "Intense Quote", "note": "Quote"}
_KEPT_WITH_NEXT = {"for", "party", "kicker"}  # a signature block's labels stay with its lines
_UNBROKEN = 16  # characters: a cell this short (a phone number, an amount, a date) stays on one line
_SHORT_TABLE = 12  # rows; a table this short is kept on one page
_EARLIEST_ZIP = datetime(1980, 1, 1, tzinfo=UTC)


def _docx() -> Any:
    try:
        import docx
    except ImportError:
        raise SlactlError(
            "DOCX output needs python-docx, in the optional extra slactl[docx]",
            hint="pip install 'slactl[docx]'",
        ) from None
    return docx


def _runs(paragraph: Any, block: Block, cell: int = 0, *, bold: bool = False) -> None:
    for run in block.cells[cell]:
        paragraph.add_run(run.text).bold = run.bold or bold or None


def _mark_row(row: Any, *, header: bool) -> None:
    """A row that does not break across pages; a header row repeats at the top of each page."""
    from docx.oxml import OxmlElement

    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))
    if header:
        properties.append(OxmlElement("w:tblHeader"))


def _widths(rows: Sequence[Block], columns: int, available: int) -> list[int]:
    """Column widths (EMU): each at least its longest word, or its longest cell when that is short
    (a phone number, an amount: kept on one line), the rest shared by the cells' lengths (capped,
    so one long description does not squeeze the other columns)."""
    from docx.shared import Pt

    char, padding = Pt(7.2), Pt(14)  # a character of the body font at 11 pt (bold headers too); the cell's margins
    least = [3] * columns
    want = [3] * columns
    for block in rows:
        for index, text in enumerate(block.texts):
            word = len(text) if len(text) <= _UNBROKEN else max((len(w) for w in text.split()), default=0)
            least[index] = max(least[index], min(word, 16) + 1)  # a longer word (an e-mail) may break
            want[index] = max(want[index], min(len(text), 40))
    floor = [n * char + padding for n in least]
    if sum(floor) >= available:
        return [int(available * f / sum(floor)) for f in floor]
    extra = [max(w - n, 0) for w, n in zip(want, least, strict=True)]
    spare, total = available - sum(floor), sum(extra)
    if not total:
        return [int(f + spare / columns) for f in floor]
    return [int(f + spare * e / total) for f, e in zip(floor, extra, strict=True)]


def _table(document: Any, rows: Sequence[Block]) -> None:
    from docx.shared import Pt

    width = max(len(r.cells) for r in rows)
    table = document.add_table(rows=len(rows), cols=width)
    table.style = document.styles["Table Grid"]
    section = document.sections[-1]
    available = section.page_width - section.left_margin - section.right_margin
    widths = _widths(rows, width, available - 635 * width)  # Word stores twips (635 EMU): room to round
    for column, column_width in zip(table.columns, widths, strict=True):
        column.width = column_width
    for number, (row, block) in enumerate(zip(table.rows, rows, strict=True), start=1):
        _mark_row(row, header=block.header)
        if "sign" in block.css.split():
            row.height = Pt(30)  # room to sign and write
        cells = row.cells
        for cell, column_width in zip(cells, widths, strict=True):
            cell.width = column_width  # Word reads the cells' widths, LibreOffice the grid's
        for index, cell in enumerate(cells[: len(block.cells)]):
            head = block.header or (index < len(block.heads) and block.heads[index])
            _runs(cell.paragraphs[0], block, index, bold=head)
            if len(rows) <= _SHORT_TABLE and number < len(rows):
                cell.paragraphs[0].paragraph_format.keep_with_next = True
    document.add_paragraph()  # Word joins two tables that touch; keep them apart


def _body(document: Any, blocks: Sequence[Block]) -> None:
    index = 0
    while index < len(blocks):
        block = blocks[index]
        if block.kind == "row":
            end = index
            while end < len(blocks) and blocks[end].kind == "row" and blocks[end].group == block.group:
                end += 1
            _table(document, blocks[index:end])
            index = end
            continue
        if block.kind in _HEADING_LEVEL:
            paragraph = document.add_heading(level=_HEADING_LEVEL[block.kind])
            _runs(paragraph, block)
            if block.kind != "title":
                paragraph.paragraph_format.keep_with_next = True
        elif block.kind == "li":
            # Numbered items carry their number ("3.2.1") in the text, as in the HTML.
            paragraph = document.add_paragraph(style="List Paragraph" if block.ordered else "List Bullet")
            _runs(paragraph, block)
        else:
            styles = [s for s in block.css.split() if s in _PARAGRAPH_STYLE]
            paragraph = document.add_paragraph(style=_PARAGRAPH_STYLE[styles[0]] if styles else None)
            _runs(paragraph, block)
            leads_a_table = index + 1 < len(blocks) and blocks[index + 1].kind == "row"
            if leads_a_table or _KEPT_WITH_NEXT & set(block.css.split()):
                paragraph.paragraph_format.keep_with_next = True
        index += 1


def _page(document: Any) -> None:
    """A4 with the margins of the HTML's print layout (templates/render/html/style.css)."""
    from docx.shared import Mm

    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(22), Mm(24)
    section.left_margin = section.right_margin = Mm(20)


def _draft_header(document: Any) -> None:
    """DRAFT at the top of every page, as the HTML and PDF carry it: Word repeats a section's header."""
    from docx.shared import Pt, RGBColor

    paragraph = document.sections[0].header.paragraphs[0]
    run = paragraph.add_run("DRAFT: not final (see the cover)")
    run.bold = True
    run.font.size = Pt(10)
    run.font.color.rgb = RGBColor(0xB0, 0x1E, 0x1E)


def _properties(document: Any, agreement: Agreement, provenance: Provenance, when: datetime) -> None:
    core = document.core_properties
    meta = agreement.metadata
    core.title = meta.title
    core.subject = f"Service level agreement {meta.id}"
    core.identifier = meta.id
    core.author = agreement.parties.provider.organization
    core.last_modified_by = "slactl"
    core.keywords = f"{meta.id}, {provenance.digest}"
    commit = f"git commit {provenance.commit}" if provenance.commit else "no commit"
    state = "" if provenance.state == "committed" else f" ({provenance.state})"
    core.comments = f"Content digest {provenance.digest}; {commit}{state}."
    core.version = provenance.commit or ""
    core.category = "Agreement"
    core.content_status = "Final" if provenance.final else "Draft"
    core.language = "en"
    core.revision = 1
    naive = when.replace(tzinfo=None)  # python-docx writes naive datetimes as UTC ("Z")
    core.created = naive
    core.modified = naive
    core.last_printed = naive


def _repack(data: bytes, when: datetime, comment: str) -> bytes:
    """The package with fixed entry dates and attributes, and ``comment`` as the archive comment."""
    stamp = max(when, _EARLIEST_ZIP).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 3
            target.writestr(entry, source.read(info.filename))
        target.comment = comment.encode("utf-8")
    return out.getvalue()


def render_docx(html: str, *, agreement: Agreement, provenance: Provenance, marker: str) -> bytes:
    """DOCX bytes of the rendered HTML ``html``; ``marker`` (the unsealed stamp) ends the file."""
    docx = _docx()
    document = docx.Document()
    _page(document)
    when = datetime.fromtimestamp(provenance.epoch, UTC)
    _properties(document, agreement, provenance, when)
    if not provenance.final:
        _draft_header(document)
    _body(document, html_blocks(html))
    buffer = io.BytesIO()
    document.save(buffer)
    return _repack(buffer.getvalue(), when, marker)
