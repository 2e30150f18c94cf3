"""`slactl render`: golden documents, Markdown/HTML parity, injection, overwrite safety, PDF.

Update the snapshots after an intended change with one command:

    UPDATE_GOLDEN=1 python -m pytest tests/render/test_render.py
"""

from __future__ import annotations

import copy
import io
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from slactl.clauses import digest_part, load_library, resolve
from slactl.cli import main
from slactl.digest import content_digest, digest_with_library
from slactl.documents import ValidDocument, load_valid
from slactl.errors import SlactlError
from slactl.model.agreement import Agreement
from slactl.model.catalog import Catalog
from slactl.provenance import fingerprint
from slactl.render import (
    ApprovalRecord,
    Fingerprint,
    autoescape_for,
    make_environment,
    md_escape,
    output_owner,
    plan_jobs,
    render_document,
    render_text,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
GOLDEN = Path(__file__).parents[1] / "golden" / "render"
AGREEMENTS = sorted(p for p in EXAMPLES.glob("*.yaml") if b"kind: Agreement" in p.read_bytes())
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def catalogs() -> list[Catalog]:
    doc = load_valid(EXAMPLES / "catalog.yaml", kind="Catalog").document
    assert isinstance(doc, Catalog)
    return [doc]


def agreement_of(path: Path) -> Agreement:
    doc = load_valid(path).document
    assert isinstance(doc, Agreement)
    return doc


def fixed_fp(agreement: Agreement) -> Fingerprint:
    """A fingerprint that does not depend on the state of this repository's git (the examples' clause library)."""
    library = load_library(EXAMPLES / "clauses")
    clauses = tuple(resolve(agreement, library))
    digest = content_digest(agreement, digest_part(agreement, library))
    return Fingerprint(digest, "committed", "0" * 40, 1_700_000_000, clauses=clauses)


def render(agreement: Agreement, fmt: str, **kwargs: Any) -> str:
    return render_text(agreement, fmt, fp=fixed_fp(agreement), catalogs=catalogs(), **kwargs)  # type: ignore[arg-type]


def parse_md(text: str) -> list[Token]:
    return MarkdownIt("commonmark").enable("table").parse(text)


def tables(tokens: list[Token]) -> list[list[int]]:
    """Cells per row of every table, header row first."""
    out: list[list[int]] = []
    for token in tokens:
        if token.type == "table_open":
            out.append([])
        elif token.type == "tr_open":
            out[-1].append(0)
        elif token.type in ("th_open", "td_open"):
            out[-1][-1] += 1
    return out


def md_headings(tokens: list[Token]) -> list[str]:
    return [tokens[i + 1].content.replace("\\", "") for i, t in enumerate(tokens) if t.type == "heading_open"]


class _HtmlHeadings(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self._in = False
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:  # noqa: ARG002
        if tag in ("h1", "h2", "h3"):
            self._in = True
            self.headings.append("")
        if tag == "script":
            self.scripts += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h1", "h2", "h3"):
            self._in = False
            self.headings[-1] = " ".join(self.headings[-1].split())

    def handle_data(self, data: str) -> None:
        if self._in:
            self.headings[-1] += data


def html_headings(text: str) -> list[str]:
    parser = _HtmlHeadings()
    parser.feed(text)
    return [h for h in parser.headings if h != "Contents"]


# --------------------------------------------------------------------------- golden snapshots


@pytest.mark.parametrize("path", AGREEMENTS, ids=lambda p: p.stem)
@pytest.mark.parametrize("fmt", ["md", "html"])
def test_golden(path: Path, fmt: str) -> None:
    text = render(agreement_of(path), fmt)
    golden = GOLDEN / f"{path.stem}.{fmt}"
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"no snapshot {golden}; run UPDATE_GOLDEN=1 python -m pytest tests/render/test_render.py"
    assert text == golden.read_text(encoding="utf-8"), "changed: if intended, UPDATE_GOLDEN=1 and review the diff"


@pytest.mark.parametrize("path", AGREEMENTS, ids=lambda p: p.stem)
def test_markdown_tables_keep_their_columns(path: Path) -> None:
    found = tables(parse_md(render(agreement_of(path), "md")))
    assert len(found) >= 8
    for rows in found:
        assert len(rows) >= 2
        assert len(set(rows)) == 1, rows


@pytest.mark.parametrize("path", AGREEMENTS, ids=lambda p: p.stem)
def test_markdown_and_html_have_the_same_outline(path: Path) -> None:
    agreement = agreement_of(path)
    md_list = md_headings(parse_md(render(agreement, "md")))
    html_list = html_headings(render(agreement, "html"))
    assert md_list == html_list
    assert md_list[0] == agreement.metadata.title
    assert "1. Introduction" in md_list
    # Terms accepted without signatures (a click-through SLA) have no signature blocks.
    assert any(h.endswith("Signatures") for h in md_list) == bool(agreement.signatories)


def test_document_says_values_in_words() -> None:
    text = render(agreement_of(EXAMPLES / "cec-fy2027-rural-lending.yaml"), "md")
    for expected in (
        "USD 448,200.00",
        "October 1, 2026 to September 30, 2027",
        "first response within 1 business hour (Mon-Fri 08:00-17:00 Eastern Time, federal holidays excluded)",
        "for at least 95% of tickets per calendar month",
        "at most 43 min 12 s of downtime in a 30-day month",
        "At 99.5% availability in a calendar month, the customer receives a 10% credit of the monthly fee for "
        "Virtual Server Hosting: USD 1,220.00 of USD 12,200.00.",
        "Enterprise Service Desk",  # the catalog's name of a catalog service
        "Not yet recorded",
    ):
        assert expected in text, expected


def test_sections_follow_the_seed_order() -> None:
    md_list = md_headings(parse_md(render(agreement_of(EXAMPLES / "cec-fy2027-rural-lending.yaml"), "md")))
    top = [h.split(" ", 1)[1] for h in md_list if re.match(r"\d+\. ", h)]
    assert top == [
        "Introduction",
        "Definitions",
        "Scope of services",
        "Service levels",
        "Responsibilities",
        "Terms and conditions",
        "General terms",
        "Escalation",
        "Costs and payment schedule",
        "Service credits, rewards and penalties",
        "Termination",
        "Communication and reporting",
        "Start-up and transition",
        "Approvals",
        "Signatures",
        "Distribution",
    ]


def test_approval_records_fill_the_table() -> None:
    from datetime import date

    agreement = agreement_of(EXAMPLES / "cec-fy2027-rural-lending.yaml")
    records = [ApprovalRecord(stage="legal", who="Marcus Lee", when=date(2026, 9, 1), role="legal")]
    text = render(agreement, "md", approvals=records)
    assert "| Legal | Legal | Marcus Lee | September 1, 2026 | Approved |" in text
    assert text.count("Not yet recorded") == 4


def test_cover_shows_commit_and_digest() -> None:
    agreement = agreement_of(EXAMPLES / "northwind-colocation-fy2027.yaml")
    text = render(agreement, "html")
    assert f"git commit {'0' * 40}" in text
    assert fixed_fp(agreement).digest in text
    assert "Draft" not in text


def test_deterministic() -> None:
    agreement = agreement_of(EXAMPLES / "it-hr-support-fy2027.yaml")
    for fmt in ("md", "html"):
        assert render(agreement, fmt) == render(agreement, fmt)


# --------------------------------------------------------------------------- hostile input

HOSTILE = "Evil | Corp\n# Injected <script>alert(1)</script> `tick` [x](https://evil.example) **b** &amp;"


def hostile_agreement() -> Agreement:
    data: dict[str, Any] = yaml.safe_load((EXAMPLES / "it-hr-support-fy2027.yaml").read_text())
    data = copy.deepcopy(data)
    data["parties"]["customer"]["name"] = HOSTILE
    data["parties"]["customer"]["organization"] = "- " + HOSTILE
    data["services"][0]["name"] = "1. " + HOSTILE
    data["services"][0]["description"] = "<img src=x onerror=alert(1)>|||"
    data["metadata"]["title"] = "# " + HOSTILE
    data["responsibilities"]["provider"][0] = "---"
    return Agreement.model_validate(data)


def test_markdown_injection_is_neutralised() -> None:
    text = render(hostile_agreement(), "md")
    tokens = parse_md(text)
    html_tokens = [t for t in tokens if t.type == "html_block"]
    assert len(html_tokens) == 1 and html_tokens[0].content.startswith("<!-- generated by slactl from ")
    inline = [c for t in tokens if t.children for c in t.children]
    assert not [c for c in inline if c.type in ("html_inline", "code_inline", "image")]
    assert not [c for c in inline if c.type == "link_open" and not str(c.attrs["href"]).startswith("#")]
    assert len([t for t in tokens if t.type == "hr"]) == 1  # only the rule above the colophon
    headings = md_headings(tokens)
    assert not [h for h in headings if h.startswith("Injected")]
    for rows in tables(tokens):
        assert len(set(rows)) == 1, rows
    # The text survives, visibly, without markup.
    plain = "".join(c.content for c in inline if c.type == "text")
    assert "<script>alert(1)</script>" in plain
    assert "Evil | Corp # Injected" in plain


def test_markdown_escape_blocks() -> None:
    for value, first in (("# x", "\\#"), ("- x", "\\-"), ("1. x", "1\\."), ("---", "\\-"), ("+ x", "\\+")):
        assert md_escape(value).startswith(first), value
        tokens = parse_md(md_escape(value) + "\n")
        assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"], value
    assert md_escape("99.9%") == "99.9%"
    assert md_escape("a\nb\r\nc") == "a b c"


def test_html_injection_is_escaped() -> None:
    text = render(hostile_agreement(), "html")
    parser = _HtmlHeadings()
    parser.feed(text)
    assert parser.scripts == 0
    assert "<script>" not in text and "<img" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&amp;amp;" in text  # the literal "&amp;" of the value, escaped once more


def test_autoescape_by_real_template_name() -> None:
    assert autoescape_for("agreement.html.j2")
    assert autoescape_for("page.html")
    assert autoescape_for("agreement.md.j2")
    assert autoescape_for("sections/scope.j2")
    assert not autoescape_for("notes.txt.j2")


def test_user_html_template_is_autoescaped(tmp_path: Path) -> None:
    (tmp_path / "probe.html.j2").write_text("{{ value }}")
    (tmp_path / "probe.txt.j2").write_text("{{ value }}")
    env = make_environment(tmp_path)
    assert env.get_template("probe.html.j2").render(value="<b>") == "&lt;b&gt;"
    assert env.get_template("probe.txt.j2").render(value="<b>") == "<b>"


# --------------------------------------------------------------------------- user templates


def test_user_template_overrides_one_partial(tmp_path: Path) -> None:
    (tmp_path / "sections").mkdir()
    (tmp_path / "sections" / "distribution.j2").write_text('{{ fmt.para("Hand delivered by " ~ v.cover.provider) }}\n')
    agreement = agreement_of(EXAMPLES / "it-hr-support-fy2027.yaml")
    text = render(agreement, "md", templates=tmp_path)
    assert "Hand delivered by Information Technology Department, City of Lakeside" in text
    assert "Once signed, copies" not in text
    assert "## 1. Introduction" in text  # the rest still comes from the built-ins


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{{ v.no_such_value }}", "no_such_value"),
        ("{{ ''.__class__.__mro__ }}", "unsafe"),
        ('{% for i in range(100000) %}{{ "x" * 100 }}{% endfor %}', "more than 5 MB"),
        ('{{ "x" * 100000000 }}', "exceeds 5 MB"),
        ("{% for %}", "line 1"),
    ],
)
def test_user_templates_are_sandboxed_and_capped(tmp_path: Path, source: str, message: str) -> None:
    (tmp_path / "agreement.md.j2").write_text(source)
    with pytest.raises(SlactlError, match=message):
        render(agreement_of(EXAMPLES / "it-hr-support-fy2027.yaml"), "md", templates=tmp_path)


# --------------------------------------------------------------------------- files and the CLI


def _with_clause_library(folder: Path) -> None:
    """A slactl.yaml and the examples' clause library in ``folder``: the examples use its clauses."""
    (folder / "slactl.yaml").write_text("clauses: clauses\n")
    (folder / "clauses").mkdir(exist_ok=True)
    for clause in (EXAMPLES / "clauses").glob("*.md"):
        (folder / "clauses" / clause.name).write_bytes(clause.read_bytes())


def _copy_example(tmp_path: Path, name: str = "it-hr-support-fy2027.yaml") -> Path:
    target = tmp_path / name
    target.write_bytes((EXAMPLES / name).read_bytes())
    _with_clause_library(tmp_path)
    return target


def test_cli_refuses_to_overwrite_a_file_it_did_not_write(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _copy_example(tmp_path)
    out = tmp_path / "agreement.md"
    out.write_text("My own notes\n")
    assert main(["render", str(source), "-f", "md", "-o", str(out)]) == 2
    assert out.read_text() == "My own notes\n"
    assert "refusing to overwrite" in capsys.readouterr().err
    assert main(["render", str(source), "-f", "md", "-o", str(out), "--force"]) == 0
    assert output_owner(out) == "it-hr-support-fy2027"
    # Its own output is re-rendered without --force.
    assert main(["render", str(source), "-f", "md", "-o", str(out)]) == 0


def test_cli_refuses_output_of_another_agreement(tmp_path: Path) -> None:
    first = _copy_example(tmp_path)
    second = _copy_example(tmp_path, "northwind-colocation-fy2027.yaml")
    out = tmp_path / "doc.html"
    assert main(["render", str(first), "-o", str(out)]) == 0
    before = out.read_bytes()
    assert main(["render", str(second), "-o", str(out)]) == 2
    assert out.read_bytes() == before


def test_cli_renders_a_folder_and_skips_catalogs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["render", str(EXAMPLES), "--out-dir", str(out), "-f", "md"]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{p.stem}.md" for p in AGREEMENTS)
    text = (out / "cec-fy2027-rural-lending.md").read_text()
    assert "Enterprise Service Desk" in text  # catalogs listed in slactl.yaml resolve names


def test_one_output_for_several_agreements_is_refused() -> None:
    with pytest.raises(SlactlError, match=f"-o names one file but there are {len(AGREEMENTS)} agreements"):
        plan_jobs([EXAMPLES], "md", output=Path("x.md"))


def test_one_output_for_a_folder_of_one_agreement_is_refused_for_the_folder(tmp_path: Path) -> None:
    _copy_example(tmp_path)
    with pytest.raises(SlactlError, match="-o names one file but a folder was given") as caught:
        plan_jobs([tmp_path], "md", output=Path("x.md"))
    assert "1 agreements" not in str(caught.value)


def test_cli_writes_to_stdout(tmp_path: Path, capfdbinary: pytest.CaptureFixture[bytes]) -> None:
    source = _copy_example(tmp_path)
    assert main(["render", str(source), "-f", "md", "-o", "-"]) == 0
    assert capfdbinary.readouterr().out.startswith(b"<!-- generated by slactl from it-hr-support-fy2027")


# --------------------------------------------------------------------------- fingerprint


def test_fingerprint_follows_git(git_repo: Any) -> None:
    git_repo.write("slas/a.yaml", (EXAMPLES / "it-hr-support-fy2027.yaml").read_text())
    _with_clause_library(git_repo.path)
    sha = git_repo.commit("add agreement")
    path = git_repo.file("slas/a.yaml")
    agreement = agreement_of(path)
    committed = fingerprint(path, agreement)
    assert (committed.state, committed.commit, committed.draft) == ("committed", sha, False)
    assert committed.digest == digest_with_library(agreement, load_library(git_repo.path / "clauses"))
    assert committed.digest != content_digest(agreement)  # it covers the clauses' words
    path.write_text(path.read_text() + "\n# a comment\n")
    modified = fingerprint(path, agreement)
    assert (modified.state, modified.commit, modified.draft) == ("modified", sha, True)
    assert modified.epoch != committed.epoch
    text = render_text(agreement, "md", fp=modified)
    assert "The file has changes that are not committed." in text
    assert f"uncommitted changes on top of git commit {sha}" in text


@pytest.mark.usefixtures("git_env")
def test_fingerprint_outside_git(tmp_path: Path) -> None:
    path = _copy_example(tmp_path)
    fp = fingerprint(path, agreement_of(path))
    assert fp.state == "untracked" and fp.commit is None


# --------------------------------------------------------------------------- PDF


def _valid(path: Path) -> ValidDocument:
    return load_valid(path)


def test_pdf(tmp_path: Path) -> None:
    pytest.importorskip("weasyprint", reason="the optional slactl[pdf] extra (WeasyPrint) is not installed")
    from pypdf import PdfReader

    valid = _valid(_copy_example(tmp_path, "cec-fy2027-rural-lending.yaml"))
    agreement = valid.document
    assert isinstance(agreement, Agreement)
    fp = fixed_fp(agreement)
    data = render_document(valid, "pdf", catalogs=catalogs(), fp=fp)
    assert data == render_document(valid, "pdf", catalogs=catalogs(), fp=fp)  # reproducible bytes
    reader = PdfReader(io.BytesIO(data))
    text = " ".join((page.extract_text() or "") for page in reader.pages)
    flat = " ".join(text.split())
    for expected in (
        "Client Experience Center",
        "Rural Lending Program Office",
        "first response within 1 business hour",
        "USD 448,200.00",
        fp.digest[:30],
    ):
        assert expected in flat, expected
    assert reader.attachments[f"{agreement.metadata.id}.yaml"] == [valid.raw]
    assert reader.metadata is not None
    assert "generated by slactl from cec-fy2027-rural-lending" in str(reader.metadata.get("/Creator"))
    assert reader.metadata.creation_date is not None
    assert int(reader.metadata.creation_date.timestamp()) == fp.epoch  # the commit's date, not the clock
    out = tmp_path / "doc.pdf"
    out.write_bytes(data)
    assert output_owner(out) == "cec-fy2027-rural-lending"
    # The golden of the PDF: each page's text, so a change of wording or of where pages break shows.
    pages = "".join(f"--- page {i} ---\n{page.extract_text() or ''}\n" for i, page in enumerate(reader.pages, 1))
    golden = GOLDEN / "cec-fy2027-rural-lending.pdf.txt"
    if UPDATE:
        golden.write_text(pages, encoding="utf-8")
    assert pages == golden.read_text(encoding="utf-8"), "changed: if intended, UPDATE_GOLDEN=1 and review the diff"


def test_pdf_fetches_nothing(tmp_path: Path) -> None:
    pytest.importorskip("weasyprint", reason="the optional slactl[pdf] extra (WeasyPrint) is not installed")
    from slactl.render import render_pdf

    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not an image")
    html = f'<p>x</p><img src="file://{secret}"><img src="http://127.0.0.1:9/x.png">'
    data = render_pdf(html, yaml=b"a: 1\n", yaml_name="a.yaml", epoch=0)
    assert data.startswith(b"%PDF")
    assert b"not an image" not in data


@pytest.mark.parametrize(
    ("name", "start"),
    [("doc.md", b"<!-- generated"), ("doc.html", b"<!DOCTYPE html>"), ("doc.txt", b"<!DOCTYPE html>")],
)
def test_cli_format_follows_the_output_suffix(tmp_path: Path, name: str, start: bytes) -> None:
    out = tmp_path / name
    assert main(["render", str(EXAMPLES / "it-hr-support-fy2027.yaml"), "-o", str(out)]) == 0
    assert out.read_bytes().startswith(start)
