"""`slactl diff --format html`: the redline of two revisions of an agreement.

The redline of a real git change (one target, one other sentence; or one target and one clause
of the library) marks exactly those changes and nothing else; the word diff gives back both
texts; hostile values stay escaped; sections added whole are marked whole; a golden page; the
CLI writes through safewrite.

    UPDATE_GOLDEN=1 python -m pytest tests/render/test_redline.py
"""

from __future__ import annotations

import html
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gitrepo import GitRepo
from slactl.cli import main
from slactl.digest import content_digest
from slactl.documents import load_valid
from slactl.model.agreement import Agreement
from slactl.render import Provenance
from slactl.render.redline import RedlineFile, RedlineSide, SummaryLine, redline_sections, render_redline, word_diff
from slactl.safewrite import existing_owner

ROOT = Path(__file__).resolve().parents[2]
ITHR = (ROOT / "examples" / "it-hr-support-fy2027.yaml").read_text(encoding="utf-8")
GOLDEN = ROOT / "tests" / "golden" / "redline"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

OLD_TARGET, NEW_TARGET = "99.5%", "99.9%"
OLD_SENTENCE = "Operation of the HR information system and its payroll interface."
NEW_SENTENCE = "Operation of the HR information system, its payroll interface and its backups."


def changed(text: str) -> str:
    """The pull request: one target and one other sentence."""
    assert text.count(f"target: {OLD_TARGET}") == 1 and text.count(OLD_SENTENCE) == 1
    return text.replace(f"target: {OLD_TARGET}", f"target: {NEW_TARGET}").replace(OLD_SENTENCE, NEW_SENTENCE)


def allowed_downtime(target_percent: str) -> str:
    """The downtime a monthly availability target allows in a 30-day month, worded as the
    document words it (hours, minutes, seconds; zero parts left out), computed here from the
    definition: 30 days x (100% - target)."""
    seconds = int(Decimal(30 * 24 * 3600) * (100 - Decimal(target_percent.rstrip("%"))) / 100)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return " ".join(f"{v} {u}" for v, u in ((h, "h"), (m, "min"), (s, "s")) if v)


# Every element of the page that holds a mark: its text before and after the change.
_ELEMENT = re.compile(r"<(td|th|li|p|h2|h3|h4)\b[^>]*>((?:(?!</?\1\b).)*?<(?:ins|del)>.*?)</\1>", re.S)


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def marked(page: str) -> list[tuple[str, str]]:
    """(old, new) text of each marked element below the legend."""
    body = page.split('<nav class="changed"', 1)[1]
    out = []
    for match in _ELEMENT.finditer(body):
        inner = match.group(2)
        old = re.sub(r"<ins>.*?</ins>", "", inner, flags=re.S)
        new = re.sub(r"<del>.*?</del>", "", inner, flags=re.S)
        out.append((_text(old), _text(new)))
    return out


def marks(page: str) -> list[tuple[str, str]]:
    body = page.split('<nav class="changed"', 1)[1]
    return [(tag, html.unescape(text)) for tag, text in re.findall(r"<(ins|del)>(.*?)</\1>", body, flags=re.S)]


@pytest.fixture
def pull_request(git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> tuple[GitRepo, str, str]:
    git_repo.write("slas/it-hr.yaml", ITHR)
    base = git_repo.commit("the agreement")
    git_repo.write("slas/it-hr.yaml", changed(ITHR))
    head = git_repo.commit("raise the HRIS availability target; say backups are covered")
    monkeypatch.chdir(git_repo.path)
    return git_repo, base, head


def test_the_redline_of_a_real_change_marks_exactly_that_change(
    pull_request: tuple[GitRepo, str, str], capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    _, base, head = pull_request
    assert main(["diff", base, head, "--format", "html"]) == 0
    page = capfdbinary.readouterr().out.decode("utf-8")
    old_commitment = (
        f"HR Information System Hosting: {OLD_TARGET} availability per calendar month "
        f"(at most {allowed_downtime(OLD_TARGET)} of downtime in a 30-day month)."
    )
    new_commitment = old_commitment.replace(OLD_TARGET, NEW_TARGET).replace(
        allowed_downtime(OLD_TARGET), allowed_downtime(NEW_TARGET)
    )
    assert allowed_downtime(NEW_TARGET) == "43 min 12 s"  # the definition, worked by hand
    got = marked(page)
    # The service's description in the scope table, the target in the summary table, the commitment.
    assert got[0] == (OLD_SENTENCE, NEW_SENTENCE)
    assert got[1] == (f"{OLD_TARGET} availability", f"{NEW_TARGET} availability")
    assert len(got) == 3
    assert got[2][0].endswith(old_commitment) and got[2][1].endswith(new_commitment)
    assert got[2][0].removesuffix(old_commitment) == got[2][1].removesuffix(new_commitment)  # its number
    # Nothing else is marked: every insertion and deletion is a piece of those three changes.
    for tag, text in marks(page):
        assert text.strip(), tag
        side = [old for old, _ in got] if tag == "del" else [new for _, new in got]
        assert any(text.strip() in s for s in side), (tag, text)
    # The business-terms summary on top, as `slactl diff` says it.
    assert f"Target: {OLD_TARGET} → {NEW_TARGET}" in html.unescape(page)
    assert "(in the customer’s favour)" in page


def test_an_unchanged_document_has_no_marks(
    git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    git_repo.write("slas/it-hr.yaml", ITHR)
    base = git_repo.commit("the agreement")
    git_repo.write("slas/it-hr.yaml", "# a comment only\n" + ITHR)
    head = git_repo.commit("comment")
    monkeypatch.chdir(git_repo.path)
    assert main(["diff", base, head, "-f", "html"]) == 0
    page = capfdbinary.readouterr().out.decode("utf-8")
    assert marks(page) == []
    assert "No change of terms." in page and "the document text is the same" in page


@given(st.text(alphabet="ab ,.\n", max_size=40), st.text(alphabet="ab ,.\n", max_size=40))
def test_word_diff_gives_back_both_texts(old: str, new: str) -> None:
    segments = word_diff(old, new)
    assert "".join(t for op, t in segments if op != "ins") == old
    assert "".join(t for op, t in segments if op != "del") == new
    assert all(t for _, t in segments)


def test_word_diff_marks_words_not_letters() -> None:
    assert word_diff("a 99.5% target.", "a 99.95% target.") == [
        ("", "a "),
        ("del", "99.5%"),
        ("ins", "99.95%"),
        ("", " target."),
    ]


def _agreement(text: str) -> Agreement:
    doc = load_valid(Path("x.yaml"), raw=text.encode()).document
    assert isinstance(doc, Agreement)
    return doc


def _side(label: str, text: str | None) -> RedlineSide:
    if text is None:
        return RedlineSide(label)
    agreement = _agreement(text)
    return RedlineSide(label, agreement, Provenance(content_digest(agreement), "committed", "1" * 40, 1_790_000_000))


def _page(old: str | None, new: str | None, summary: tuple[SummaryLine, ...] = ()) -> str:
    status = "added" if old is None else "deleted" if new is None else "modified"
    item = RedlineFile(
        "slas/it-hr.yaml", status, _side("1111111111 (main)", old), _side("the working tree", new), summary
    )
    return render_redline([item], base_label="1111111111 (main)", target_label="the working tree")


def test_hostile_values_stay_escaped() -> None:
    hostile = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    page = _page(ITHR, ITHR.replace(OLD_SENTENCE, hostile), (SummaryLine("~", hostile),))
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;" in page
    assert ("ins", '<script>alert("x")</script> & <img src=x onerror=alert(1)>') in [
        (t, " ".join(x.split())) for t, x in marks(page)
    ]


def test_a_section_on_one_side_only_is_inserted_whole() -> None:
    without = re.sub(r"\nresponsibilities:\n(?:  .*\n|    .*\n)+", "\n", ITHR)
    assert "responsibilities:" not in without
    sections = redline_sections(None, None)
    assert sections == []
    page = _page(without, ITHR)
    headings = re.findall(r'<section class="(\w+)">\s*<h2[^>]*>(.*?)</h2>', page)
    assert ("ins", "<ins>5. Responsibilities</ins>") in headings
    assert [op for op, _ in headings].count("ins") == 1
    # Within it, all the text is inserted: nothing outside <ins>, nothing deleted.
    section = page.split('<section class="ins">', 1)[1].split("</section>", 1)[0]
    assert "<del>" not in section and "<ins>" in section
    assert not _text(re.sub(r"<ins>.*?</ins>", "", section, flags=re.S))


def test_an_added_file_is_all_insertions() -> None:
    page = _page(None, ITHR)
    assert marks(page) and all(tag == "ins" for tag, _ in marks(page))
    assert "— no document" in page


def test_golden_redline() -> None:
    page = _page(ITHR, changed(ITHR), (SummaryLine("~", f"Target: {OLD_TARGET} → {NEW_TARGET}", "customer"),))
    assert "http://" not in page and "https://" not in page and "<link" not in page and "<script" not in page
    golden = GOLDEN / "it-hr-support-fy2027.html"
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(page, encoding="utf-8")
    assert golden.exists(), "run UPDATE_GOLDEN=1 python -m pytest tests/render/test_redline.py"
    assert page == golden.read_text(encoding="utf-8"), "changed: if intended, UPDATE_GOLDEN=1 and review the diff"
    assert page == _page(ITHR, changed(ITHR), (SummaryLine("~", f"Target: {OLD_TARGET} → {NEW_TARGET}", "customer"),))


def test_cli_writes_the_redline_through_safewrite(
    pull_request: tuple[GitRepo, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    repo, base, head = pull_request
    out = repo.path / "redline.html"
    assert main(["diff", base, head, "--format", "html", "-o", str(out)]) == 0
    assert existing_owner(out) == "redline"
    assert main(["diff", base, head, "--format", "html", "-o", str(out), "--exit-code"]) == 1  # terms changed
    mine = repo.path / "notes.html"
    mine.write_text("my notes\n")
    capsys.readouterr()
    assert main(["diff", base, head, "--format", "html", "-o", str(mine)]) == 2
    assert mine.read_text() == "my notes\n" and "refusing to overwrite" in capsys.readouterr().err
    assert main(["diff", base, head, "--format", "markdown", "-o", str(out)]) == 2
    assert "-o/--output is for --format html" in capsys.readouterr().err


def test_blocks_keep_loose_text_and_leave_hidden_parts_out() -> None:
    from slactl.render.blocks import html_blocks

    page = (
        "<html><head><title>t</title><style>p {}</style></head><body>"
        '<div class="running" aria-hidden="true">id digest</div><nav><h2>Contents</h2></nav>'
        "<main><div>Loose <strong>bold</strong> text<p>A paragraph.</p>tail</div>"
        '<section id="slactl-approvals"><p>approvals</p></section>'
        "<table><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td>1</td><td>&lt;2&gt;</td></tr></tbody></table>"
        "</main></body></html>"
    )
    blocks = html_blocks(page, skip_ids=frozenset({"slactl-approvals"}))
    assert [(b.kind, b.texts, b.header) for b in blocks] == [
        ("p", ("Loose bold text",), False),
        ("p", ("A paragraph.",), False),
        ("p", ("tail",), False),
        ("row", ("A", "B"), True),
        ("row", ("1", "<2>"), False),
    ]
    assert [r.bold for r in blocks[0].cells[0]] == [False, True, False]


OLD_CLAUSE = "While a dispute is open, both parties keep performing their obligations under this agreement."
NEW_CLAUSE = (
    "While a dispute is open, both parties keep performing their obligations and keep paying undisputed amounts."
)


def test_a_pull_request_changing_one_target_and_one_clause_is_marked_exactly(
    git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    """The agreement in a repository with its clause library; the pull request raises one target and
    moves the disputes clause to a version 2 that changes one sentence. Only those two are marked."""
    examples = ROOT / "examples"
    git_repo.write("slactl.yaml", (examples / "slactl.yaml").read_text(encoding="utf-8"))
    git_repo.write("catalog.yaml", (examples / "catalog.yaml").read_text(encoding="utf-8"))
    for clause in sorted((examples / "clauses").glob("*.md")):
        git_repo.write(f"clauses/{clause.name}", clause.read_text(encoding="utf-8"))
    git_repo.write("it-hr.yaml", ITHR)
    base = git_repo.commit("the agreement and the clause library")
    disputes = (examples / "clauses" / "disputes.md").read_text(encoding="utf-8")
    assert disputes.count(OLD_CLAUSE) == 1 and "version: 1\n" in disputes
    git_repo.write(
        "clauses/disputes-v2.md", disputes.replace("version: 1\n", "version: 2\n").replace(OLD_CLAUSE, NEW_CLAUSE)
    )
    uses = "  - use: disputes\n    version: 1\n"
    assert ITHR.count(uses) == 1
    git_repo.write(
        "it-hr.yaml",
        ITHR.replace(f"target: {OLD_TARGET}", f"target: {NEW_TARGET}").replace(uses, uses.replace("1", "2")),
    )
    head = git_repo.commit("raise the HRIS availability target; disputes clause version 2")
    monkeypatch.chdir(git_repo.path)
    assert main(["diff", base, head, "--format", "html"]) == 0
    page = capfdbinary.readouterr().out.decode("utf-8")
    got = marked(page)
    assert got[0] == (f"{OLD_TARGET} availability", f"{NEW_TARGET} availability")
    for side, target in ((0, OLD_TARGET), (1, NEW_TARGET)):
        downtime = allowed_downtime(target)
        sentence = f"{target} availability per calendar month (at most {downtime} of downtime in a 30-day month)."
        assert got[1][side].endswith(sentence)
    assert got[2] == (OLD_CLAUSE, NEW_CLAUSE)
    assert len(got) == 3
    for tag, text in marks(page):
        side = [old for old, _ in got] if tag == "del" else [new for _, new in got]
        assert any(text.strip() in s for s in side), (tag, text)
    summary = html.unescape(page)
    assert f"Target: {OLD_TARGET} → {NEW_TARGET}" in summary
    assert "Dispute resolution: version 1 → 2" in summary
