"""Displays that cannot lie (issue 9): every attack here must fail.

Strings from git (author names, subjects, trailers) and from documents (clauses) reach a
terminal without control characters, and a Markdown reader (the pull-request comment of
`slactl diff --format markdown`) as visible text, never as HTML; `history` names the roster
person a signature proves, judged against the base roster with `--base`; a user template
cannot change the approval table of a rendered agreement. Real repositories, real SSH keys.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from gitrepo import GitRepo
from slactl import approvals
from slactl.cli import main
from slactl.textsafe import for_terminal, md_code, md_escape
from test_approvals import AGREEMENT, AGREEMENT_ID, PEOPLE, TODAY, World, roster_yaml, setup_world

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
HIDE = "\x1b[8m"  # "conceal": what follows is invisible at a terminal
CLAUSE = "    - Keep the HR information system patched and backed up nightly.\n"
HOSTILE_HTML = (
    "Keep it patched <!-- the provider may end this agreement at any time --> "
    "<details><summary>details</summary>pay double</details> <img src=x onerror=alert(1)> "
    "<script>alert(2)</script> @security-team [click](https://evil.example) **bold**"
)


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the CLI; give paths absolute (diff also looks for the repository from the current folder)."""
    code = main(args)
    out, err = capsys.readouterr()
    assert "internal error" not in err, err
    return code, out, err


def no_control(text: str) -> None:
    found = CONTROL.findall(text.replace("\n", ""))
    assert not found, f"control characters reach the terminal: {found!r}"


def parse_md(text: str) -> list[Token]:
    # GitHub renders a pull-request comment as GFM with raw HTML allowed: "commonmark" keeps html on.
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(text)


def inline_children(tokens: list[Token]) -> list[Token]:
    return [c for t in tokens if t.children for c in t.children]


def visible_text(tokens: list[Token]) -> str:
    return " ".join(c.content for c in inline_children(tokens) if c.type in ("text", "code_inline"))


def assert_inert(markdown: str, *expected_visible: str) -> None:
    """No raw HTML, image or foreign link in ``markdown``, and each expected string shows as text."""
    tokens = parse_md(markdown)
    html = [t for t in tokens if t.type == "html_block"] + [
        c for c in inline_children(tokens) if c.type in ("html_inline", "image")
    ]
    assert not html, html
    links = [c for c in inline_children(tokens) if c.type == "link_open"]
    assert not links, links
    text = visible_text(tokens)
    for want in expected_visible:
        assert want in text, (want, text)


@pytest.fixture
def world(git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.chdir(git_repo.path)
    return setup_world(git_repo)


def edit_clause(world: World, new: str, message: str = "edit a clause") -> None:
    text = world.repo.read(AGREEMENT)
    assert CLAUSE in text
    world.repo.write(AGREEMENT, text.replace(CLAUSE, f"    - {new}\n", 1))
    world.repo.commit(message)


# --------------------------------------------------------------------------- the functions


@pytest.mark.parametrize(
    "raw",
    ["\x1b[8m", "\r", "\x07", "\x7f", "\x9b31m", "\u202e", "\u2066", "\x00", "\x85", "\x08"],
)
def test_for_terminal_shows_every_control_character_as_an_escape(raw: str) -> None:
    out = for_terminal(f"a{raw}b")
    no_control(out)
    assert out.startswith("a") and out.endswith("b") and "\\" in out  # visible, not silently dropped


def test_for_terminal_keeps_newlines_only_when_asked() -> None:
    assert for_terminal("a\nb\tc") == "a b c"
    assert for_terminal("a\nb\r", newlines=True) == "a\nb\\x0d"
    assert for_terminal("Zoë – ✓") == "Zoë – ✓"


@pytest.mark.parametrize(
    "value",
    [
        "<!-- hidden -->",
        "<details><summary>x</summary>y</details>",
        "<img src=x onerror=alert(1)>",
        "<https://evil.example>",
        "[a](https://evil.example)",
        "![a](https://evil.example/x.png)",
        "`code` **b** _i_ ~~s~~ | cell",
        "- item",
        "> quote",
        "1. item",
        "# heading",
        "&lt;b&gt; &amp;",
        "a\\",
        "line one\n\n<!--\nhidden\n-->",
        "\x1b[8m\u202e",
    ],
)
def test_md_escape_makes_any_string_visible_text(value: str) -> None:
    escaped = md_escape(value)
    assert "\n" not in escaped
    tokens = parse_md(escaped + "\n")
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"], value
    assert [c.type for c in inline_children(tokens) if c.type not in ("text", "text_special", "softbreak")] == []
    # in a table cell too: one cell, the same text
    table = parse_md(f"| a | b |\n|---|---|\n| {escaped} | x |\n")
    cells = [t for t in table if t.type == "td_open"]
    assert len(cells) == 2, value


def test_md_escape_reads_back_as_the_text() -> None:
    rendered = MarkdownIt("commonmark").render(md_escape("<!-- x --> a*b* [l](u) @team") + "\n")
    assert rendered == "<p>&lt;!-- x --&gt; a*b* [l](u) @team</p>\n"


def test_md_escape_drops_mentions_but_not_addresses() -> None:
    assert "@team" not in md_escape("ping @team now")
    assert "alex@example.org" in md_escape("alex@example.org")


@pytest.mark.parametrize("value", ["a`b", "``", "x ` y", "slas/hr.yaml", "<b>"])
def test_md_code_cannot_be_closed_from_inside(value: str) -> None:
    tokens = parse_md(md_code(value) + "\n")
    [code] = [c for c in inline_children(tokens)]
    assert code.type == "code_inline" and code.content == value


# --------------------------------------------------------------------------- terminals


def test_history_text_prints_no_control_character(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    evil = f"Laura Stein {HIDE}"
    message = approvals.approval_message(AGREEMENT_ID, f"legal{HIDE}\x1b[2K\r", world.digest())
    world.repo.commit(message, add_all=False, allow_empty=True, author=(evil, "laura@x.example"), cleanup="verbatim")
    edit_clause(world, '"Keep it patched \\e[8m and hidden \\r \\u202e"', f"Subject {HIDE}\x07")
    code, out, _ = run(["history", str(world.path)], capsys)
    assert code == 0
    no_control(out)
    assert "unsigned" in out  # what the escape codes tried to hide is there to read
    assert "\\x1b[8m" in out


def test_history_text_cannot_fake_a_line(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    fake = "x\\n* approval 'legal' of it-hr-support-fy2027 by Laura Stein: signature good; digest matches"
    edit_clause(world, f'"{fake}"')
    code, out, _ = run(["history", str(world.path)], capsys)
    assert code == 0
    assert not [line for line in out.splitlines() if line.startswith("* approval")]


def test_status_text_prints_no_control_character(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    message = approvals.approval_message(AGREEMENT_ID, "legal", world.digest())
    world.repo.commit(message, add_all=False, allow_empty=True, author=(f"Eve {HIDE}\u202e", "eve@x.example"))
    code, out, _ = run(["status", str(world.path), "--today", TODAY.isoformat()], capsys)
    assert code == 1
    no_control(out)
    # Authored by Eve, committed by the pinned committer: a rewritten approval, named visibly.
    assert "rewritten approval" in out and "Eve \\x1b[8m" in out


def test_diff_text_prints_no_control_character(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    base = world.repo.head()
    edit_clause(world, '"Keep it patched \\e[8m hidden \\r \\x9b2J \\u202e"')
    code, out, _ = run(["diff", base, "HEAD", str(world.path)], capsys)
    assert code == 0
    no_control(out)
    assert "hidden" in out


def test_validate_text_prints_no_control_character(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / f"a{HIDE}.yaml"
    bad.write_text('apiVersion: slactl/v1\nkind: Agreement\n"\\e[8mkey": 1\n', encoding="utf-8")
    code, out, _ = run(["validate", str(bad)], capsys)
    assert code == 1
    no_control(out)
    code, out, _ = run(["validate", "--format", "github", str(bad)], capsys)
    no_control(out)


# --------------------------------------------------------------------------- markdown


def test_diff_markdown_shows_hidden_html_as_text(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    base = world.repo.head()
    edit_clause(world, f'"{HOSTILE_HTML}"')
    code, out, _ = run(["diff", base, "HEAD", "--format", "markdown", str(world.path)], capsys)
    assert code == 0
    assert_inert(
        out,
        "<!-- the provider may end this agreement at any time -->",
        "<details><summary>details</summary>pay double</details>",
        "<img src=x onerror=alert(1)>",
        "<script>alert(2)</script>",
        "[click](https://evil.example) **bold**",
    )
    assert "@security-team" not in out  # no notification to a team


def test_diff_markdown_escapes_paths_and_findings(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    base = world.repo.head()
    odd = "agreements/<!--x-->`hr`.yaml"
    world.repo.mv(AGREEMENT, odd)
    world.repo.commit("rename")
    code, out, _ = run(["diff", base, "HEAD", "--format", "markdown"], capsys)
    assert code == 0
    assert_inert(out, "agreements/<!--x-->`hr`.yaml")


def test_history_markdown_shows_hidden_html_as_text(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    edit_clause(world, f'"{HOSTILE_HTML}"', "Patch <!-- nothing to see --> <details>")
    code, out, _ = run(["history", str(world.path), "--format", "markdown"], capsys)
    assert code == 0
    assert_inert(out, "<!-- the provider may end this agreement at any time -->", "Patch <!-- nothing to see -->")


# --------------------------------------------------------------------------- history's approvals


def approval_lines(world: World, capsys: pytest.CaptureFixture[str], *extra: str) -> list[str]:
    code, out, _ = run(["history", str(world.path), *extra], capsys)
    assert code == 0
    return [line for line in out.splitlines() if line.startswith("* approval")]


LAURA = "Laura Stein <laura.stein@lakeside.example.org>"
ROBERT = "Robert Chen <robert.chen@lakeside.example.org>"


def test_history_names_the_signer_not_the_author(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    message = approvals.approval_message(AGREEMENT_ID, "legal", world.digest())
    world.repo.commit_empty_signed(message, world.keys["laura"], author=ROBERT)
    [line] = approval_lines(world, capsys)
    # Laura's key signed it: she is named; the author field is only quoted in why it does not count.
    assert f"by {LAURA}," in line and "does not count: rewritten approval: authored by Robert" in line


def test_history_counts_an_approval_made_as_approve_makes_it(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    world.approve("laura", "legal")
    [line] = approval_lines(world, capsys)
    assert f"by {LAURA}," in line and "; counts;" in line


def test_history_shows_an_earlier_approval_of_the_stage_as_superseded(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    first = world.approve("laura", "legal")
    world.approve("laura", "legal")
    lines = approval_lines(world, capsys)
    assert len(lines) == 2
    assert sum("; counts;" in line for line in lines) == 1
    assert sum("superseded by the later approval" in line for line in lines) == 1
    assert first[:12] not in next(line for line in lines if "; counts;" in line)


def test_history_shows_an_unsigned_approval_only_as_a_claim(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    message = approvals.approval_message(AGREEMENT_ID, "legal", world.digest())
    world.repo.commit(message, add_all=False, allow_empty=True, author=LAURA)
    [line] = approval_lines(world, capsys)
    assert f"by nobody proven, unsigned (claims: {LAURA})" in line
    assert "does not count: unsigned" in line


def test_history_good_signature_by_a_key_not_in_the_roster(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    message = approvals.approval_message(AGREEMENT_ID, "legal", world.digest())
    world.repo.commit_empty_signed(message, world.keys["mallory"], author=LAURA)
    [line] = approval_lines(world, capsys)
    assert "by nobody proven," in line and "does not count: not in the roster" in line
    assert world.keys["mallory"].fingerprint() in line
    assert "Laura" not in line


def test_history_judges_the_roles_of_the_stage(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    world.approve("alex", "legal")  # Alex is management; legal needs legal
    [line] = approval_lines(world, capsys)
    assert "by Alex Romero <alex.romero@lakeside.example.org>," in line
    assert "does not count: Alex Romero holds role management; stage legal needs legal" in line


def test_history_with_base_judges_by_the_base_roster(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    world.repo.branch("pr")
    world.repo.checkout("pr")
    people = {**PEOPLE, "mallory": ("Mallory Mole", "mallory@evil.example.com", ["legal"])}
    world.repo.write("slactl.yaml", roster_yaml(world.keys, people))
    world.repo.commit("Add a reviewer")
    world.approve("mallory", "legal")
    [own] = approval_lines(world, capsys)  # the branch's own roster vouches for Mallory...
    assert "by Mallory Mole <mallory@evil.example.com>," in own and "; counts;" in own
    [based] = approval_lines(world, capsys, "--base", "main")  # ...the base's does not
    assert "by nobody proven," in based and "not in the roster" in based and "slactl.yaml at main" in based
    code, _, err = run(["history", str(world.path), "--base", "no-such-branch"], capsys)
    assert code == 2 and "no-such-branch" in err


def test_history_with_base_keeps_the_base_roles(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    world.repo.branch("pr")
    world.repo.checkout("pr")
    text = world.repo.read(AGREEMENT).replace(
        "{stage: legal, roles: [legal]", "{stage: legal, roles: [legal, management]"
    )
    world.repo.write(AGREEMENT, text)
    world.repo.commit("Let management approve legal")
    world.approve("alex", "legal")
    [own] = approval_lines(world, capsys)
    assert "; counts;" in own
    [based] = approval_lines(world, capsys, "--base", "main")
    assert "does not count: Alex Romero holds role management; stage legal needs legal" in based


def test_history_json_names_the_approver(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    message = approvals.approval_message(AGREEMENT_ID, "legal", world.digest())
    world.repo.commit_empty_signed(message, world.keys["laura"], author=ROBERT)
    code, out, _ = run(["history", str(world.path), "--format", "json"], capsys)
    assert code == 0
    [mark] = [m for r in json.loads(out)["revisions"] for m in r["approvals"]]
    assert (mark["approver"], mark["counts"], mark["author"]) == (LAURA, False, "Robert Chen")
    assert mark["verdict"].startswith("rewritten approval: authored by Robert Chen")


# --------------------------------------------------------------------------- render's approval table

FORGED = "| Legal | Legal | Laura Stein | January 1, 2024 | Approved (verified) |"
BUILTIN = Path(__file__).resolve().parents[2] / "templates" / "render"
EXAMPLES_ITHR = Path(__file__).resolve().parents[2] / "examples" / "it-hr-support-fy2027.yaml"


def render_with(templates: Path | None, fmt: str = "md") -> str:
    from datetime import date

    from slactl.documents import load_valid
    from slactl.render import ApprovalRecord, Fingerprint, render_text

    agreement = load_valid(EXAMPLES_ITHR).document
    records = [ApprovalRecord(stage="legal", who="Laura Stein", when=date(2026, 9, 1), status="stale: changed")]
    fp = Fingerprint("sha256:" + "0" * 64, "committed", "0" * 40, 0)
    return render_text(agreement, fmt, fp=fp, approvals=records, templates=templates)  # type: ignore[arg-type]


def genuine_section(fmt: str = "md") -> str:
    text = render_with(None, fmt)
    if fmt == "md":  # the section's number depends on which sections come before it
        start = re.search(r"^## \d+\. Approvals$", text, re.M).start()  # type: ignore[union-attr]
        return text[start : text.index("\n## ", start + 1)].strip()
    start = text.index('<section class="approvals"')
    return text[start : text.index("</section>", start) + len("</section>")]


def _macro_forgery() -> str:
    macros = (BUILTIN / "md" / "macros.md.j2").read_text(encoding="utf-8")
    cell = "{% for cell in row %} {{ cell|md }} |{% endfor %}"
    assert cell in macros
    return macros.replace(cell, "{% for cell in row %} Approved (verified) |{% endfor %}")


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("sections/approvals.j2", FORGED + "\n"),
        ("trusted/approvals.j2", FORGED + "\n"),
        ("trusted/approvals.md.j2", FORGED + "\n"),
        ("md/macros.md.j2", None),  # every table cell says "Approved (verified)"
    ],
)
def test_a_user_template_cannot_change_the_approval_table(tmp_path: Path, name: str, source: str | None) -> None:
    target = tmp_path / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(source if source is not None else _macro_forgery(), encoding="utf-8")
    text = render_with(tmp_path)
    section = genuine_section()
    assert "| Legal | Legal | Laura Stein | September 1, 2026 | Stale: changed |" in section
    assert section in text
    if name != "md/macros.md.j2":
        assert "Approved (verified)" not in text


@pytest.mark.parametrize(
    "source",
    [
        "# {{ v.cover.title }}\n\nAll approved.\n",  # the section left out
        '{{ v.approvals_section|replace("Stale: changed", "Approved (verified)") }}\n',  # altered
        "{{ v.approvals_section|md }}\n",  # escaped into plain text
    ],
)
def test_the_genuine_approval_table_is_always_in_the_document(tmp_path: Path, source: str) -> None:
    (tmp_path / "agreement.md.j2").write_text(source, encoding="utf-8")
    assert genuine_section() in render_with(tmp_path)


def test_the_genuine_approval_table_is_in_an_html_document(tmp_path: Path) -> None:
    (tmp_path / "sections").mkdir()
    (tmp_path / "sections" / "approvals.j2").write_text("<p>All approved (verified)</p>\n", encoding="utf-8")
    (tmp_path / "agreement.html.j2").write_text(
        "<html><body><main>{% include 'sections/approvals.j2' %}</main></body></html>\n", encoding="utf-8"
    )
    text = render_with(tmp_path, "html")
    section = genuine_section("html")
    assert "Stale: changed" in section
    assert section in text and text.index(section) < text.index("</main>")


def test_render_judges_approvals_by_the_base_roster_not_the_branchs(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    world.repo.branch("pr")
    world.repo.checkout("pr")
    people = {**PEOPLE, "mallory": ("Mallory Mole", "mallory@evil.example.com", ["legal"])}
    world.repo.write("slactl.yaml", roster_yaml(world.keys, people))
    world.repo.commit("Add a reviewer")
    world.approve("mallory", "legal")
    world.approve("alex", "management-initial")
    code, out, _ = run(["render", str(world.path), "-f", "md", "-o", "-"], capsys)
    assert code == 0
    rows = {line.split(" | ")[0].lstrip("| "): line for line in out.splitlines() if line.startswith("| ")}
    assert "Approved (signature verified)" in rows["Management (initial)"]  # Alex is in main's roster
    assert "Approved" not in rows["Legal"] and "not in the roster" in rows["Legal"]
    assert "Mallory" not in rows["Legal"]


def test_report_output_and_problems_print_no_control_character(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    agreement = tmp_path / "agreement.yaml"
    shutil.copy(Path(__file__).parents[1] / "fixtures" / "report" / "agreement.yaml", agreement)
    tickets = tmp_path / f"tickets{HIDE}.csv"  # problem lines name the file, and may quote a field
    tickets.write_text(
        "id,priority,service,opened,first_response,resolved,on_hold\n"
        "T1,P1,desk,2027-01-15 16:55,2027-01-19 09:10,2027-01-19 10:00,\n"
        f"T2,P1,desk,yesterday{HIDE}\u202e,2027-01-20 10:20,2027-01-20 11:00,\n",
        encoding="utf-8",
    )
    args = ["report", str(agreement), "--tickets", str(tickets), "--period", "2027-Q1", "--as-of", "2028-01-01"]
    code, out, err = run([*args, "-f", "md"], capsys)
    assert code == 0 and "1 bad row left out of the report" in err
    no_control(err)
    no_control(out)


def test_history_with_base_keeps_the_base_roles_across_a_rename(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    world.repo.branch("pr")
    world.repo.checkout("pr")
    world.repo.mv(AGREEMENT, "agreements/renamed.yaml")
    moved = world.repo.file("agreements/renamed.yaml")
    text = moved.read_text(encoding="utf-8")
    moved.write_text(text.replace("{stage: legal, roles: [legal]", "{stage: legal, roles: [legal, management]"))
    world.repo.commit("Move it, and let management approve legal")
    world.approve("alex", "legal", digest=content_digest_of(moved))
    code, out, _ = run(["history", str(moved), "--base", "main"], capsys)
    assert code == 0
    [line] = [line for line in out.splitlines() if line.startswith("* approval")]
    assert "does not count: Alex Romero holds role management; stage legal needs legal" in line


def content_digest_of(path: Path) -> str:
    from slactl.digest import content_digest
    from slactl.documents import load_valid

    return content_digest(load_valid(path).document)
