"""The rendered agreement's HTML read back as a flat list of text blocks (headings, paragraphs,
list items, table rows), for the formats that are not HTML: the redline and the DOCX.

Both start from the same HTML body :func:`~slactl.render.document.render_text` produces, so
they carry the same content as the HTML and PDF (the cover, the clauses, the approval table)
without a second set of templates. Only the standard library's parser is used; the text comes
out unescaped (plain text) and whoever prints it escapes it again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

__all__ = ["Block", "Run", "html_blocks"]

_HEADINGS = {"h1": "title", "h2": "h2", "h3": "h3", "h4": "h4", "h5": "h4", "h6": "h4"}
_TEXT_BLOCKS = {"p", "li", "dt", "dd", "caption", "figcaption", "blockquote", "pre"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_SKIPPED = {"head", "style", "script", "nav", "template", "svg"}
# Elements that end loose text (text outside any paragraph, e.g. straight inside a <div>).
_CONTAINERS = {"div", "section", "article", "main", "body", "header", "footer", "aside", "figure", "dl", "hr"}
_BLOCK_STARTS = {*_HEADINGS, *_TEXT_BLOCKS, *_CONTAINERS, "table", "tr", "ul", "ol"}
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Run:
    """A piece of text of one style."""

    text: str
    bold: bool = False


@dataclass(frozen=True)
class Block:
    """One block of the document: a heading, a paragraph, a list item or a table row.

    ``cells`` holds one run list for every block but a row, which has one per cell;
    ``heads`` says which cells of a row are header cells; ``group`` numbers the table or
    list the block belongs to (0: none), ``css`` is the class of the element (or of its table).
    """

    kind: str  # title, h2, h3, h4, p, li, row
    cells: tuple[tuple[Run, ...], ...]
    css: str = ""
    heads: tuple[bool, ...] = ()
    header: bool = False  # a row of column headers
    group: int = 0
    ordered: bool = False  # a list item of a numbered list
    anchor: str = ""

    @property
    def texts(self) -> tuple[str, ...]:
        """The plain text of each cell (one for blocks other than rows)."""
        return tuple("".join(r.text for r in cell) for cell in self.cells)

    @property
    def text(self) -> str:
        return " | ".join(self.texts)


@dataclass
class _Open:
    kind: str
    css: str = ""
    anchor: str = ""
    cells: list[list[Run]] = field(default_factory=lambda: [[]])
    heads: list[bool] = field(default_factory=list)
    loose: bool = False  # text outside any block element, made a paragraph of its own


def _append(runs: list[Run], text: str, bold: bool) -> None:
    text = _SPACE.sub(" ", text)
    if not text:
        return
    if runs and runs[-1].bold == bold:
        runs[-1] = Run(runs[-1].text + text, bold)
    else:
        runs.append(Run(text, bold))


def _trim(runs: list[Run]) -> tuple[Run, ...]:
    """Runs without leading and trailing white space (collapsed runs may start or end with one)."""
    out = [r for r in runs if r.text]
    while out and not out[0].text.strip():
        out.pop(0)
    while out and not out[-1].text.strip():
        out.pop()
    if out:
        out[0] = Run(out[0].text.lstrip(), out[0].bold)
        out[-1] = Run(out[-1].text.rstrip(), out[-1].bold)
    merged: list[Run] = []
    for run in out:
        if merged and merged[-1].bold == run.bold:
            merged[-1] = Run(merged[-1].text + run.text, run.bold)
        elif merged and not run.text.strip():
            merged[-1] = Run(merged[-1].text + run.text, merged[-1].bold)
        else:
            merged.append(run)
    return tuple(merged)


class _Reader(HTMLParser):
    def __init__(self, skip_ids: frozenset[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.skip_ids = skip_ids
        self.stack: list[tuple[str, bool, bool]] = []  # tag, skipped, made the text bold
        self.blocks: list[Block] = []
        self.block: _Open | None = None
        self.row: _Open | None = None
        self.bold = 0
        self.groups = 0
        self.group = 0
        self.table_css = ""
        self.in_head = False
        self.ordered = False

    @property
    def skipping(self) -> bool:
        return any(skipped for _, skipped, _ in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: v or "" for k, v in attrs}
        skipped = (
            tag in _SKIPPED
            or attr.get("aria-hidden") == "true"
            or attr.get("hidden") is not None
            or attr.get("id", "") in self.skip_ids
        )
        bold = tag in ("strong", "b", "th") or (tag == "span" and "num" in attr.get("class", "").split())
        if tag not in _VOID:
            self.stack.append((tag, skipped, bold))
        if self.skipping:
            return
        if self.block is not None and self.block.loose and tag in _BLOCK_STARTS:
            self._emit()
        if tag == "br":
            self._text(" ")
        if bold:
            self.bold += 1
        if tag in ("table", "ul", "ol"):
            self.groups += 1
            self.group = self.groups
            if tag == "table":
                self.table_css = attr.get("class", "")
            self.ordered = tag == "ol"
        elif tag == "thead":
            self.in_head = True
        elif tag == "tr":
            self.row = _Open("row", self.table_css, cells=[])
        elif tag in ("td", "th") and self.row is not None:
            self.row.cells.append([])
            self.row.heads.append(tag == "th")
        elif self.block is None and self.row is None and (tag in _HEADINGS or tag in _TEXT_BLOCKS):
            kind = _HEADINGS.get(tag, "li" if tag == "li" else "p")
            self.block = _Open(kind, attr.get("class", ""), attr.get("id", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or not any(t == tag for t, _, _ in self.stack):
            return
        was_skipping = self.skipping
        while self.stack:
            top, _, bold = self.stack.pop()
            if not was_skipping:
                self.bold -= bold
                self._close(top)
            if top == tag:
                break

    def _close(self, tag: str) -> None:
        if self.block is not None and self.block.loose and tag in _CONTAINERS | {"li", "td", "th"}:
            self._emit()
        if tag == "thead":
            self.in_head = False
        elif tag == "tr" and self.row is not None:
            cells = tuple(_trim(c) for c in self.row.cells)
            heads = tuple(self.row.heads)
            header = self.in_head or (bool(heads) and all(heads) and self.table_css == "")
            self.blocks.append(Block("row", cells, self.row.css, heads, header, self.group))
            self.row = None
        elif tag in ("table", "ul", "ol"):
            self.group = 0
            self.table_css = ""
        elif self.block is not None and (tag in _HEADINGS or tag in _TEXT_BLOCKS) and self._closes_block(tag):
            self._emit()

    def _emit(self) -> None:
        assert self.block is not None
        runs = _trim(self.block.cells[0])
        if runs:
            item = self.block.kind == "li"
            group, ordered = (self.group, self.ordered) if item else (0, False)
            kind, css, anchor = self.block.kind, self.block.css, self.block.anchor
            self.blocks.append(Block(kind, (runs,), css, group=group, ordered=ordered, anchor=anchor))
        self.block = None

    def _closes_block(self, tag: str) -> bool:
        assert self.block is not None
        return not self.block.loose and _HEADINGS.get(tag, "li" if tag == "li" else "p") == self.block.kind

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self._text(data)

    def _text(self, data: str) -> None:
        bold = self.bold > 0
        if self.row is not None and self.row.cells:
            _append(self.row.cells[-1], data, bold)
        elif self.block is not None:
            _append(self.block.cells[0], data, bold)
        elif self.row is None and data.strip():
            self.block = _Open("p", loose=True)
            _append(self.block.cells[0], data, bold)


def html_blocks(html: str, *, skip_ids: frozenset[str] = frozenset()) -> list[Block]:
    """The text blocks of ``html``'s body, in order; the head, navigation, hidden elements
    (``aria-hidden``, the running header) and elements whose id is in ``skip_ids`` are left out."""
    reader = _Reader(skip_ids)
    reader.feed(html)
    reader.close()
    return reader.blocks
