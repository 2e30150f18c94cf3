"""Typesetting rules of the rendered agreement (issue 13), checked where they show.

- On paper, A4 and Letter, laid out by WeasyPrint (the PDF engine of ``render -f pdf``): a
  heading starts on the page of what follows it, a short table and a signature grid are
  never split, and the DRAFT mark is on every page.
- On screens, 390 px (a phone), 794 px (A4 width) and 816 px (Letter width), in headless
  Chromium: no sideways scroll, telephone numbers and amounts on one line, signature lines
  aligned across blocks however a title wraps, no "Due: Total" in the phone layout; and the
  report page at 390 px with its chart's target label clear of the bars.
- In the text: empty columns dropped, time zones in words, lists as sentences, no repeated
  labels in headings.

Chromium is driven as in tests/render/test_render_browser.py (frames of each width, a probe
script that writes its measurements into the DOM that ``--dump-dom`` prints).
"""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Iterator
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from test_render_browser import chromium

from helpers_browser import needs_chromium
from slactl.digest import content_digest
from slactl.documents import load_valid
from slactl.model.agreement import Agreement
from slactl.model.catalog import Catalog
from slactl.render import Provenance, StageVerdict, render_document, render_text

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
BUNDLED = ("cec-fy2027-rural-lending", "it-hr-support-fy2027", "northwind-colocation-fy2027")
AGREEMENTS = sorted(p for p in EXAMPLES.glob("*.yaml") if b"kind: Agreement" in p.read_bytes())
SCREENS = (390, 794, 816)  # a phone, A4 and Letter widths at 96 dpi
PAPERS = ("A4", "Letter")


def _catalog() -> Catalog:
    catalog = load_valid(EXAMPLES / "catalog.yaml", kind="Catalog").document
    assert isinstance(catalog, Catalog)
    return catalog


def _agreement(name: str) -> Agreement:
    agreement = load_valid(EXAMPLES / f"{name}.yaml").document
    assert isinstance(agreement, Agreement)
    return agreement


def draft(agreement: Agreement) -> Provenance:
    return Provenance(content_digest(agreement), "committed", "1" * 40, 1_790_000_000)


def final(agreement: Agreement) -> Provenance:
    stages = (
        tuple(StageVerdict(s.stage, tuple(s.roles), True) for s in agreement.approvals.stages)
        if (agreement.approvals)
        else (StageVerdict("signature", ("signatory",), True),)
    )
    return replace(draft(agreement), stages=stages, approved_revisions=1)


def html_of(name: str, provenance: Provenance | None = None) -> str:
    agreement = _agreement(name)
    return render_text(agreement, "html", provenance=provenance or draft(agreement), catalogs=[_catalog()])


def md_of(name: str) -> str:
    agreement = _agreement(name)
    return render_text(agreement, "md", provenance=draft(agreement), catalogs=[_catalog()])


# --------------------------------------------------------------------------- paper (WeasyPrint)


def _boxes(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", None) or ():
        yield from _boxes(child)


def _pages_of(document: str, paper: str) -> tuple[list[Any], dict[Any, set[int]]]:
    """The laid-out pages, and for each element the pages it has boxes on (its ``next`` sibling too)."""
    import weasyprint  # type: ignore[import-untyped]

    sized = document.replace("</head>", f"<style>@page {{ size: {paper}; }}</style></head>", 1)
    laid = weasyprint.HTML(string=sized).render()
    where: dict[Any, set[int]] = {}
    for number, page in enumerate(laid.pages):
        for box in _boxes(page._page_box):
            element = getattr(box, "element", None)
            if element is not None and getattr(box, "element_tag", None) not in ("html", "body"):
                where.setdefault(element, set()).add(number)
            if getattr(box, "element_tag", None) == "html":
                NEXT.update(_siblings(element))
    return laid.pages, where


NEXT: dict[Any, Any] = {}  # element -> the element that follows it in its parent


def _siblings(root: Any) -> dict[Any, Any]:
    return {child: nxt for parent in root.iter() for child, nxt in zip(list(parent), list(parent)[1:], strict=False)}


def _classes(element: Any) -> list[str]:
    return str(element.get("class") or "").split()


@pytest.fixture(scope="module", params=[(n, p) for n in BUNDLED for p in PAPERS], ids=lambda x: f"{x[0]}-{x[1]}")
def paged(request: pytest.FixtureRequest) -> tuple[list[Any], dict[Any, set[int]]]:
    name, paper = request.param
    return _pages_of(html_of(name), paper)


def test_headings_start_on_the_page_of_what_follows(paged: tuple[list[Any], dict[Any, set[int]]]) -> None:
    pages, where = paged
    assert len(pages) > 3
    headings = [e for e in where if e.tag in ("h2", "h3") and "toc-title" not in _classes(e)]
    assert len(headings) > 10
    for heading in headings:
        following = NEXT.get(heading)
        assert following is not None
        text = " ".join("".join(heading.itertext()).split())
        assert min(where[following]) == max(where[heading]), f"{text!r} is stranded at the foot of a page"


def _pushed(document: str, height_mm: int) -> str:
    """The first sections of ``document`` with a spacer of ``height_mm`` before "Scope of services"."""
    start = document.index('<h2 id="scope">')
    end = document.index("<h2 ", start + 10)
    spacer = f'<div style="height: {height_mm}mm"></div>'
    return document[:start] + spacer + document[start:end] + "</main></body></html>"


@pytest.mark.parametrize("paper", PAPERS)
def test_a_heading_pushed_to_the_foot_of_a_page_moves_to_the_next(paper: str) -> None:
    # Sweep the heading down the first page past its foot: at some height it would be the
    # last line of the page with its table on the next, unless it is kept with what follows.
    document = html_of("it-hr-support-fy2027")
    cover_end = document.index('<nav class="toc"')
    document = document[:cover_end] + document[document.index("</nav>", cover_end) + len("</nav>") :]
    for height in range(120, 250, 6):
        _pages, where = _pages_of(_pushed(document, height), paper)
        heading = next(e for e in where if e.tag == "h2" and e.get("id") == "scope")
        assert min(where[NEXT[heading]]) == max(where[heading]), f"stranded with a {height} mm spacer on {paper}"


def test_short_tables_and_signature_blocks_are_never_split(paged: tuple[list[Any], dict[Any, set[int]]]) -> None:
    _pages, where = paged
    short = [e for e in where if "short" in _classes(e) or "signature-grid" in _classes(e)]
    assert short
    for element in short:
        assert len(where[element]) == 1, f"{element.tag}.{_classes(element)} spans pages {sorted(where[element])}"


@pytest.mark.parametrize("paper", PAPERS)
def test_every_page_of_a_draft_pdf_says_draft_and_none_of_a_final_one(paper: str) -> None:
    valid = load_valid(EXAMPLES / "it-hr-support-fy2027.yaml")
    assert isinstance(valid.document, Agreement)
    for provenance, expected in ((draft(valid.document), True), (final(valid.document), False)):
        pdf = render_document(valid, "pdf", provenance=provenance, catalogs=[_catalog()])
        if paper == "Letter":  # the same document on Letter paper: the page count changes, the mark does not
            text = render_text(valid.document, "html", provenance=provenance, catalogs=[_catalog()])
            from slactl.render import render_pdf

            sized = text.replace("</head>", "<style>@page { size: Letter; }</style></head>", 1)
            pdf = render_pdf(sized, yaml=valid.raw, yaml_name="a.yaml", epoch=provenance.epoch)
        pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
        assert len(pages) > 3
        assert ["DRAFT" in page for page in pages] == [expected] * len(pages)


# --------------------------------------------------------------------------- screens (Chromium)

_PROBE = """<script>
window.addEventListener("load", function () {
  var out = {};
  document.querySelectorAll("iframe").forEach(function (frame) {
    var doc = frame.contentDocument, root = doc.documentElement, r = {};
    r.scroll = root.scrollWidth; r.client = root.clientWidth;
    r.broken = [];
    doc.querySelectorAll(".nb").forEach(function (span) {
      if (span.getClientRects().length !== 1) r.broken.push(span.textContent);
    });
    r.signatures = [];
    doc.querySelectorAll("table.signature-grid tr").forEach(function (tr) {
      var tops = [];
      tr.querySelectorAll("td .line").forEach(function (line) {
        tops.push(Math.round(line.getBoundingClientRect().bottom));
      });
      if (tops.length) r.signatures.push(tops);
    });
    r.labels = [];
    doc.querySelectorAll("td").forEach(function (td) {
      var before = frame.contentWindow.getComputedStyle(td, "::before").content;
      var label = (before && before !== "none" && before !== "normal") ? before.replace(/^"|"$/g, "") : "";
      r.labels.push(label + td.textContent);
    });
    r.legend = [];
    doc.querySelectorAll("svg.chart").forEach(function (svg) {
      var legend = svg.querySelector("text.legend").getBBox();
      svg.querySelectorAll("rect").forEach(function (bar) {
        var b = bar.getBBox();
        var apart = b.x > legend.x + legend.width || b.x + b.width < legend.x ||
                    b.y > legend.y + legend.height || b.y + b.height < legend.y;
        if (!apart) r.legend.push([legend.y, legend.height, b.y]);
      });
      r.charts = (r.charts || 0) + 1;
    });
    out[frame.id] = r;
  });
  document.body.setAttribute("data-probe", JSON.stringify(out));
});
</script>"""


def probe(tmp_path: Path, document: str) -> dict[int, dict[str, Any]]:
    frames = "".join(
        f'<iframe id="w{w}" style="width:{w}px;height:900px;border:0;display:block" '
        f'srcdoc="{html.escape(document, quote=True)}"></iframe>'
        for w in SCREENS
    )
    wrapper = tmp_path / "wrapper.html"
    wrapper.write_text(f'<!DOCTYPE html><html><body style="margin:0">{frames}{_PROBE}</body></html>')
    dom = chromium(tmp_path, wrapper.as_uri(), "--window-size=1000,1600", "--virtual-time-budget=8000", "--dump-dom")
    match = re.search(r'data-probe="([^"]*)"', dom)
    assert match, "the probe script did not run"
    found: dict[str, dict[str, Any]] = json.loads(html.unescape(match.group(1)))
    return {int(key[1:]): value for key, value in found.items()}


@needs_chromium
@pytest.mark.parametrize("name", BUNDLED)
def test_on_screens_nothing_breaks_inside_numbers_and_signature_lines_align(tmp_path: Path, name: str) -> None:
    # A long title wraps in one block and not in the other: the lines must still align.
    agreement = _agreement(name)
    long_title = "Deputy Assistant Director of Infrastructure Operations and Service Management"
    signatories = [s.model_copy(update={"title": long_title}) if i == 0 else s for i, s in
                   enumerate(agreement.signatories)]  # fmt: skip
    document = render_text(
        agreement.model_copy(update={"signatories": signatories}),
        "html",
        provenance=draft(agreement),
        catalogs=[_catalog()],
    )
    assert document.count('class="nb"') > 3  # there are amounts and telephone numbers to check
    for width, found in probe(tmp_path, document).items():
        assert found["client"] == width
        assert found["scroll"] <= found["client"], f"page is {found['scroll']} px wide at {width} px"
        assert found["broken"] == [], f"broken across lines at {width} px"
        assert found["signatures"], "no signature block measured"
        for tops in found["signatures"]:
            assert len(set(tops)) == 1, f"signature lines misaligned at {width} px: {tops}"
        assert not [label for label in found["labels"] if label.startswith("Due: Total")]
        if width == 390:
            assert any(label.startswith("Amount: ") for label in found["labels"])  # the phone layout is on


@needs_chromium
def test_report_page_fits_a_phone_and_its_legend_clears_the_bars(tmp_path: Path) -> None:
    report = (ROOT / "tests" / "golden" / "report" / "cec-fy2027-rural-lending.html").read_text(encoding="utf-8")
    for width, found in probe(tmp_path, report).items():
        assert found["scroll"] <= found["client"] == width, f"the report is {found['scroll']} px wide at {width} px"
        assert found["charts"] > 3
        assert found["legend"] == [], f"a target label overlaps a bar at {width} px"


# --------------------------------------------------------------------------- text


class _Tables(HTMLParser):
    """Each <table>'s rows of cell texts (header row first)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:  # noqa: ARG002
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self.tables and self.tables[-1]:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


@pytest.mark.parametrize("path", AGREEMENTS, ids=lambda p: p.stem)
def test_no_column_where_every_cell_is_a_dash(path: Path) -> None:
    parser = _Tables()
    parser.feed(html_of(path.stem))
    checked = 0
    for table in parser.tables:
        body = [row for row in table[1:] if len(row) == len(table[0])]
        if not body or "signature" in " ".join(table[0]).lower():
            continue
        for column in range(1, len(table[0])):
            checked += 1
            assert any(row[column] != "—" for row in body), f"column {table[0][column]!r} says only —"
    assert checked > 5


def test_an_all_dash_column_of_the_file_is_dropped_and_a_filled_one_kept() -> None:
    # it-hr: nobody has an address, so the Address column of the parties table goes;
    # some contacts have a telephone number, so that column stays.
    text = md_of("it-hr-support-fy2027")
    assert "| Party | Short name | Organization |\n" in text
    assert "| Name | Party | Role | E-mail | Telephone |" in text


@pytest.mark.parametrize("path", AGREEMENTS, ids=lambda p: p.stem)
def test_time_zones_are_said_in_words_and_headings_do_not_repeat_labels(path: Path) -> None:
    text = md_of(path.stem)
    assert "America/" not in text and "Europe/" not in text
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert not [h for h in headings if h.count(":") >= 1 and "Credits" in h]


def test_time_zone_words() -> None:
    cec = md_of("cec-fy2027-rural-lending")
    assert "Mon-Fri 08:00-17:00 Eastern Time, federal holidays excluded" in cec
    assert "Central Time" in md_of("northwind-colocation-fy2027")
    assert "UK time" in md_of("lawyer-standard-sla")


def test_lists_are_joined_as_sentences() -> None:
    text = md_of("it-hr-support-fy2027")
    assert "**Software.** HR information system, payroll interface and office suite." in text
    assert "**Not covered.** Changes to HR policy content and personal devices." in text
    cec = md_of("cec-fy2027-rural-lending")
    assert (
        "**Not covered.** Development of new features for the loan servicing system and support for personally "
        "owned devices."
    ) in cec
    assert "**Security.** FISMA moderate baseline, PIV login for all users and monthly vulnerability scans." in cec


def test_credit_headings_name_the_service_level_once() -> None:
    text = md_of("cec-fy2027-rural-lending")
    assert re.search(r"^### \d+\.1 Virtual Server Hosting availability$", text, re.M)  # under the credits section
    assert "Credits: " not in text


# --------------------------------------------------------------------------- the helpers, on their own


def test_kept_columns_drops_only_columns_that_say_nothing() -> None:
    from slactl.render.environment import kept_columns

    table = kept_columns(["A", "B", "C", "D"], [["x", "—", "1", "—"], ["y", "—", "—", "—"]], "lrlr", ["T", "", "", "9"])
    assert table == {
        "headers": ["A", "C", "D"],  # B is all dashes; D is all dashes but its footer holds a total
        "rows": [["x", "1", "—"], ["y", "—", "—"]],
        "align": "llr",
        "footer": ["T", "", "9"],
    }
    assert kept_columns(["A", "B"], [], "ll")["headers"] == ["A", "B"]  # no rows: nothing to judge


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Call +1 555 0100 201 now", ["+1 555 0100 201"]),
        ("(555) 010-2000 or +44 20 7946 0958", ["(555) 010-2000", "+44 20 7946 0958"]),
        ("a credit of USD 1,220.00 of USD 12,200.00", ["USD 1,220.00", "USD 12,200.00"]),
        ("Mon-Fri 08:00-17:00, 99.9% of 30 days", []),
        ("git commit 0000000000000000000000000000000000000000", []),
    ],
)
def test_nobreak_keeps_amounts_and_telephone_numbers_on_one_line(text: str, kept: list[str]) -> None:
    from slactl.render.environment import nobreak

    out = str(nobreak(text))
    assert re.findall(r'<span class="nb">(.*?)</span>', out) == [html.escape(k) for k in kept]
    assert re.sub(r"</?span[^>]*>", "", out) == html.escape(text)
    assert str(nobreak("<b>&</b> +1 555 0100 201")).startswith("&lt;b&gt;&amp;&lt;/b&gt; ")  # still escaped


@pytest.mark.parametrize(
    ("items", "sentence"),
    [
        (["Changes to HR policy content", "Personal devices"], "Changes to HR policy content and personal devices."),
        (["Laptops", "Microsoft Office licences", "VPN access"], "Laptops, Microsoft Office licences and VPN access."),
        (["Support.", "PostgreSQL upgrades."], "Support and PostgreSQL upgrades."),
        (["Java, PostgreSQL", "Backups"], "Java, PostgreSQL; and backups."),
        (["only one"], "Only one."),
    ],
)
def test_lists_become_sentences(items: list[str], sentence: str) -> None:
    from slactl.render import join_items

    assert join_items(items) == sentence


@pytest.mark.parametrize(
    ("stage", "roles", "words"),
    [
        ("management-initial", ("management",), "Management (initial)"),
        ("contracting-officer", ("contracting-officer",), "Contracting officer"),
        ("internal-review", ("internal-review",), "Internal review"),
        ("legal", ("legal",), "Legal"),
        ("final-sign-off", ("signatory",), "Final sign off"),
    ],
)
def test_stage_names_in_words(stage: str, roles: tuple[str, ...], words: str) -> None:
    from slactl.render.common import stage_title

    assert stage_title(stage, roles) == words


def test_time_zones_not_in_the_table_keep_their_exact_id() -> None:
    from slactl.wording import say_timezone

    assert say_timezone("America/New_York") == "Eastern Time"
    assert say_timezone("America/Chicago") == "Central Time"
    assert say_timezone("Antarctica/Troll") == "Antarctica/Troll"
