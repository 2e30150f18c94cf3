"""The clause library: references checked at their lines, the digest over the clauses' words,
clause changes in diff and history (real git), hostile clauses and values, the rendered sections."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from gitrepo import GitRepo
from slactl.clauses import ClauseError, library_from_files, load_library, parse_clause, resolve
from slactl.config import load_config
from slactl.digest import content_digest, digest_with_library
from slactl.documents import load_valid
from slactl.history import diff_revisions, file_history
from slactl.provenance import fingerprint
from slactl.render import render_text
from slactl.render.provenance import Provenance
from slactl.validate import validate_paths

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
COMPLETE = (ROOT / "tests" / "cases" / "valid" / "complete.yaml").read_text()

LIABILITY_1 = """\
---
id: liability
version: 1
title: Limitation of liability
section: liability
parameters:
  cap_months: {type: number, description: Months of fees.}
---
Each party's liability is limited to the fees of {{ cap_months }} months. Indirect loss is excluded.
"""
LIABILITY_2 = LIABILITY_1.replace("version: 1", "version: 2").replace(
    "Indirect loss is excluded.", "Indirect and consequential loss is excluded."
)
NOTICES = """\
---
id: notices
version: 1
title: Notices
section: notices
parameters:
  method: {type: choice, choices: [e-mail, letter]}
  within: {type: duration}
  since: {type: date}
---
Notices go by {{ method }} and are answered within {{ within }} of receipt, from {{ since }}.
"""
UNUSED = """\
---
id: unused
version: 1
title: Unused
section: general
---
Nobody refers to this clause.
"""


def setup_folder(folder: Path, clauses: str, files: dict[str, str] | None = None) -> Path:
    """A repository folder: slactl.yaml, the clause library and the corpus agreement with ``clauses`` appended."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "slactl.yaml").write_text("roles: [management, legal, signatory]\n")
    library = folder / "clauses"
    library.mkdir(exist_ok=True)
    for name, text in (files or {"liability.md": LIABILITY_1, "notices.md": NOTICES}).items():
        (library / name).write_text(text)
    agreement = folder / "agreement.yaml"
    agreement.write_text(COMPLETE + clauses)
    return agreement


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the one line holding ``needle``."""
    found = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(found) == 1, (needle, found)
    return found[0]


# --------------------------------------------------------------------------- validate


def test_reference_and_parameter_errors_are_reported_at_their_lines(tmp_path: Path) -> None:
    clauses = (
        "clauses:\n"
        "  - {use: liabilty, version: 1}\n"
        "  - use: liability\n"
        "    version: 7\n"
        "  - use: notices\n"
        "    version: 1\n"
        "    with:\n"
        "      method: pigeon\n"
        "      within: soon\n"
        "      since: 2026-13-01\n"
        "      tone: polite\n"
        "  - {use: liability, version: 1}\n"
    )
    agreement = setup_folder(tmp_path / "repo", clauses)
    text = agreement.read_text()
    found = validate_paths([agreement], load_config(agreement)).findings
    got = sorted((f.code, f.line) for f in found)
    last = len(text.splitlines())  # the last clause, which gives no `with`
    assert got == sorted(
        [
            ("SLA180", line_of(text, "use: liabilty")),
            ("SLA181", line_of(text, "version: 7")),
            ("SLA184", line_of(text, "method: pigeon")),
            ("SLA184", line_of(text, "within: soon")),
            ("SLA184", line_of(text, "since: 2026-13-01")),
            ("SLA183", line_of(text, "tone: polite")),
            ("SLA182", last),
        ]
    ), found
    by_code = {f.code: f for f in found}
    assert "did you mean `liability`?" in by_code["SLA180"].message
    assert "it has version(s) 1" in by_code["SLA181"].message
    column = text.splitlines()[line_of(text, "method: pigeon") - 1].index("pigeon") + 1
    assert any(f.code == "SLA184" and f.column == column for f in found)


def test_a_library_clause_without_version_is_a_schema_finding_at_its_line(tmp_path: Path) -> None:
    agreement = setup_folder(tmp_path / "repo", "clauses:\n  - use: liability\n    with: {cap_months: 3}\n")
    found = validate_paths([agreement], load_config(agreement)).findings
    assert [(f.code, f.line) for f in found] == [("SLA020", line_of(agreement.read_text(), "use: liability"))]
    assert "version" in found[0].message


def test_a_broken_clause_file_is_reported(tmp_path: Path) -> None:
    files = {"liability.md": LIABILITY_1, "bad.md": "no front matter\n", "types.md": UNUSED.replace(
        "section: general", "section: general\nparameters:\n  x: {type: colour}")}  # fmt: skip
    agreement = setup_folder(tmp_path / "repo", "clauses:\n  - {use: liability, version: 1, with: {cap_months: 3}}\n",
                             files)  # fmt: skip
    found = validate_paths([agreement], load_config(agreement)).findings
    messages = sorted(f.message for f in found if f.code == "SLA185")
    assert len(messages) == 2 and "front matter" in messages[0] and "`type` must be one of" in messages[1]


def test_the_examples_and_their_library_validate_clean() -> None:
    result = validate_paths([EXAMPLES], load_config(EXAMPLES))
    assert result.findings == []
    uses = {}
    for name in ("cec-fy2027-rural-lending", "it-hr-support-fy2027", "northwind-colocation-fy2027"):
        doc = load_valid(EXAMPLES / f"{name}.yaml").document
        uses[name] = {c.use for c in doc.clauses}
    assert all({"definitions", "amendments", "notices", "disputes"} <= u for u in uses.values())


def test_init_ships_the_same_library_as_the_examples() -> None:
    from slactl.scaffold import starter_clauses

    shipped = starter_clauses()
    assert sorted(shipped) == sorted(p.name for p in (EXAMPLES / "clauses").glob("*.md"))
    for name, text in shipped.items():
        assert (EXAMPLES / "clauses" / name).read_text() == text
    sections = {parse_clause(t.encode()).section for t in shipped.values()}
    assert sections == {"definitions", "governing-law", "liability", "confidentiality", "amendments", "notices",
                        "disputes"}  # fmt: skip


# --------------------------------------------------------------------------- the digest


def sha(document_dump: dict[str, object]) -> str:
    """The digest as docs/clauses.md defines it: SHA-256 of the sorted compact JSON."""
    data = json.dumps(document_dump, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(data.encode("utf-8")).hexdigest()


def test_an_agreement_without_clauses_keeps_its_digest_byte_for_byte(tmp_path: Path) -> None:
    agreement = setup_folder(tmp_path / "repo", "")
    doc = load_valid(agreement).document
    dump = doc.model_dump(mode="json", by_alias=True)
    assert "clauses" not in dump and "definitions" not in dump
    assert fingerprint(agreement, doc).digest == content_digest(doc) == sha(dump)


def test_the_digest_covers_the_rendered_words_of_the_clauses_used(tmp_path: Path) -> None:
    use = "clauses:\n  - {use: liability, version: 1, with: {cap_months: 3}}\n"
    agreement = setup_folder(tmp_path / "repo", use, {"liability.md": LIABILITY_1, "unused.md": UNUSED})
    doc = load_valid(agreement).document
    first = fingerprint(agreement, doc).digest
    # Independently: the file's dump plus the clause's rendered words under "$clauses".
    words = "Each party's liability is limited to the fees of 3 months. Indirect loss is excluded."
    dump = doc.model_dump(mode="json", by_alias=True)
    dump["$clauses"] = [{"id": "liability", "version": 1, "title": "Limitation of liability",
                         "section": "liability", "text": words}]  # fmt: skip
    assert first == sha(dump) != content_digest(doc)
    # An unused clause file changes: the digest does not.
    (agreement.parent / "clauses" / "unused.md").write_text(UNUSED.replace("Nobody", "No one"))
    assert fingerprint(agreement, doc).digest == first
    # The used clause file changes (same version, other words): the digest does.
    (agreement.parent / "clauses" / "liability.md").write_text(LIABILITY_1.replace("excluded", "not covered"))
    assert fingerprint(agreement, doc).digest != first


def test_status_and_history_read_the_clause_files_at_the_agreements_revision(git_repo: GitRepo) -> None:
    from slactl.revisions import Revisions

    setup_folder(git_repo.path, "clauses:\n  - {use: liability, version: 1, with: {cap_months: 3}}\n",
                 {"liability.md": LIABILITY_1, "unused.md": UNUSED})  # fmt: skip
    first = git_repo.commit("agreement and library")
    git_repo.write("clauses/unused.md", UNUSED.replace("Nobody", "No one"))
    second = git_repo.commit("an unused clause changes")
    git_repo.write("clauses/liability.md", LIABILITY_1.replace("excluded", "not covered"))
    git_repo.commit("the used clause changes in place")
    service = Revisions(git_repo.path, "agreement.yaml", use_cache=False)
    try:
        (rev,) = service.revisions  # the agreement file itself changed once
        assert rev.commit == first
        at_first = service.digest_for(rev)
    finally:
        service.close()
    doc = load_valid(git_repo.file("agreement.yaml")).document
    library_then = library_from_files([("clauses/liability.md", LIABILITY_1.encode())])
    assert at_first == digest_with_library(doc, library_then)
    # The work tree has other words now: its digest differs from the committed revision's.
    assert fingerprint(git_repo.file("agreement.yaml"), doc).digest != at_first
    del second


# --------------------------------------------------------------------------- diff and history


def test_diff_and_history_say_a_clause_version_change_in_business_terms(git_repo: GitRepo) -> None:
    setup_folder(git_repo.path, "clauses:\n  - {use: liability, version: 1, with: {cap_months: 3}}\n",
                 {"liability.md": LIABILITY_1})  # fmt: skip
    base = git_repo.commit("liability v1")
    git_repo.write("clauses/liability-v2.md", LIABILITY_2)
    text = git_repo.read("agreement.yaml").replace(
        "{use: liability, version: 1, with: {cap_months: 3}}", "{use: liability, version: 2, with: {cap_months: 6}}"
    )
    git_repo.write("agreement.yaml", text + "  - {use: notices, version: 1, with: {method: letter, within: 5 days, "
                   "since: 2026-10-01}}\n")  # fmt: skip
    git_repo.write("clauses/notices.md", NOTICES)
    head = git_repo.commit("liability v2, notices added")
    expected = [
        "Limitation of liability: version 1 → 2",
        "Limitation of liability › cap_months: 3 → 6",
        "Limitation of liability › sentence: removed (was Each party's liability is limited to the fees of 3 months.)",
        "Limitation of liability › sentence: removed (was Indirect loss is excluded.)",
        "Limitation of liability › sentence: added: Each party's liability is limited to the fees of 6 months.",
        "Limitation of liability › sentence: added: Indirect and consequential loss is excluded.",
        "General terms › Notices: added: version 1",
    ]
    report = diff_revisions(git_repo.path, base, head, ["agreement.yaml"])
    (item,) = report.files
    assert [c.sentence() for c in item.changes] == expected
    history = file_history(git_repo.path, "agreement.yaml", use_cache=False)
    assert [c.sentence() for c in history.entries[0].changes] == expected
    assert history.entries[0].parsed is not None and history.entries[0].parsed.digest is not None


def test_diff_lists_an_unchanged_agreement_whose_clause_file_was_edited(git_repo: GitRepo) -> None:
    """A pull request that edits a clause file in place, and not the agreement: the words the
    agreement renders (and its digest) changed, so `diff` lists it; editing a clause it does not
    use lists nothing."""
    setup_folder(git_repo.path, "clauses:\n  - {use: liability, version: 1, with: {cap_months: 3}}\n",
                 {"liability.md": LIABILITY_1, "unused.md": UNUSED})  # fmt: skip
    base = git_repo.commit("liability v1")
    git_repo.write("clauses/unused.md", UNUSED.replace("Nobody refers", "Still nobody refers"))
    unused_only = git_repo.commit("edit a clause nobody uses")
    assert diff_revisions(git_repo.path, base, unused_only).files == []
    git_repo.write("clauses/liability.md", LIABILITY_1.replace("Indirect loss", "Indirect or special loss"))
    head = git_repo.commit("edit liability v1 in place")
    (item,) = diff_revisions(git_repo.path, base, head).files
    assert item.path == "agreement.yaml" and item.status == "clauses" and not item.content_differs
    assert [c.sentence() for c in item.changes] == [
        "Limitation of liability › sentence: removed (was Indirect loss is excluded.)",
        "Limitation of liability › sentence: added: Indirect or special loss is excluded.",
    ]
    assert item.old is not None and item.new is not None and item.old.digest != item.new.digest
    # The digest the diff shows is the one approvals bind (the file with its clauses' words).
    agreement = load_valid(git_repo.path / "agreement.yaml").document
    assert item.new.digest == digest_with_library(agreement, load_library(git_repo.path / "clauses"))
    # Working tree against HEAD: the same, before anything is committed.
    git_repo.write("clauses/liability.md", LIABILITY_1.replace("Indirect loss", "No loss"))
    (item,) = diff_revisions(git_repo.path, head, None).files
    assert item.status == "clauses" and "No loss is excluded." in item.changes[-1].sentence()


# --------------------------------------------------------------------------- hostile input


@pytest.mark.parametrize(
    "body",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__.os.system('id') }}",
        "{% for i in range(99999) %}{% for j in range(99999) %}xxxxxxxx{% endfor %}{% endfor %}",
        "{{ undefined_name }}",
        "{% include '/etc/passwd' %}",
        "{{ unclosed",
    ],
)
def test_a_hostile_clause_body_is_refused_not_run(body: str) -> None:
    clause = LIABILITY_1.split("---\n")[1]
    library = library_from_files([("x.md", f"---\n{clause}---\n{body}\n".encode())])
    doc = load_valid_text(COMPLETE + "clauses:\n  - {use: liability, version: 1, with: {cap_months: 3}}\n")
    with pytest.raises(ClauseError):
        resolve(doc, library)


def load_valid_text(text: str):  # type: ignore[no-untyped-def]
    from slactl.loading import load_text
    from slactl.parse import parse_document

    parsed = parse_document(load_text(text), "x.yaml")
    assert parsed.document is not None, parsed.findings
    return parsed.document


def test_hostile_values_and_own_clauses_are_printed_as_text(tmp_path: Path) -> None:
    library = load_library(setup_folder(tmp_path / "repo", "").parent / "clauses")
    hostile = "<script>alert(1)</script> {{ 7*7 }} [x](javascript:alert(1)) | ## head"
    doc = load_valid_text(
        COMPLETE
        + "clauses:\n"
        + f"  - {{use: liability, version: 1, with: {{cap_months: {json.dumps('12')}}}}}\n"
        + "  - title: '<b>Own</b> {{ 7*7 }}'\n    section: general\n"
        + f"    text: {json.dumps(hostile)}\n"
        + f"definitions:\n  {json.dumps('<i>Term</i>')}: {json.dumps(hostile)}\n"
    )
    clauses = tuple(resolve(doc, library))
    provenance = Provenance("sha256:" + "0" * 64, "committed", "0" * 40, 1_700_000_000, clauses=clauses)
    html = render_text(doc, "html", provenance=provenance)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>Own</b>" not in html and "&lt;b&gt;Own&lt;/b&gt;" in html
    assert "<i>Term</i>" not in html
    assert "{{ 7*7 }}" in html and "49" not in html.split("General terms")[1].split("Escalation")[0]
    md = render_text(doc, "md", provenance=provenance)
    assert "<script>" not in md and "\n## head" not in md


def test_a_value_cannot_reach_the_template_as_code() -> None:
    body = NOTICES.replace("{{ method }}", "{{ method }} {{ method|length }}")
    library = library_from_files([("n.md", body.encode())])
    doc = load_valid_text(COMPLETE + "clauses:\n  - use: notices\n    version: 1\n    with: {method: letter, "
                          "within: 2 days, since: 2026-10-01}\n")  # fmt: skip
    (clause,) = resolve(doc, library)
    assert clause.text == "Notices go by letter 6 and are answered within 2 days of receipt, from October 1, 2026."


# --------------------------------------------------------------------------- rendering


@pytest.mark.parametrize("name", ["cec-fy2027-rural-lending", "it-hr-support-fy2027", "northwind-colocation-fy2027"])
def test_the_examples_render_definitions_and_their_clauses(name: str, tmp_path: Path) -> None:
    folder = tmp_path / "repo"
    shutil.copytree(EXAMPLES, folder)
    path = folder / f"{name}.yaml"
    doc = load_valid(path).document
    provenance = fingerprint(path, doc)
    md = render_text(doc, "md", provenance=provenance)
    assert "## 2. Definitions" in md and "General terms" in md
    library = load_library(EXAMPLES / "clauses")
    for use in doc.clauses:
        clause = library.get(use.use, use.version)
        assert clause is not None
        assert clause.title.replace("Interpretation", "Definitions") in md
    # Only the metrics the agreement measures are defined.
    metrics = {level.metric for level in doc.service_levels}
    assert ("**Availability.**" in md) == ("availability" in metrics)
    assert ("**Response time.**" in md) == ("response_time" in metrics)


EXIT_FEES = """\
---
id: exit-fees
version: 1
title: Fees on early termination
section: termination
---
A party that terminates early pays the fees due up to the end of its notice period.
"""


def headings(md: str) -> list[str]:
    return [line for line in md.splitlines() if line.startswith("#")]


def test_a_clause_joins_the_section_it_names_after_its_content() -> None:
    """`section: termination` puts the clause in Termination, numbered after the section's own
    sub-sections; an own clause for a section the file has nothing else for writes that section."""
    library = library_from_files([("clauses/exit-fees.md", EXIT_FEES.encode())])
    assert "\ntransition:" not in COMPLETE and "\ntermination:" in COMPLETE
    doc = load_valid_text(
        COMPLETE
        + "clauses:\n  - {use: exit-fees, version: 1}\n"
        + "  - title: Knowledge transfer\n    section: transition\n"
        + "    text: The provider hands over its runbooks in the first month.\n"
    )
    clauses = tuple(resolve(doc, library))
    provenance = Provenance("sha256:" + "0" * 64, "committed", "0" * 40, 1_700_000_000, clauses=clauses)
    md = render_text(doc, "md", provenance=provenance)
    found = headings(md)
    termination = next(i for i, h in enumerate(found) if h.endswith(". Termination"))
    number = found[termination].split()[1]  # "11."
    after = found[termination + 1 :]
    ours = next(h for h in after if h.endswith("Fees on early termination"))
    assert ours.startswith(f"### {number}")  # a sub-section of Termination
    assert all(h.startswith(f"### {number}") for h in after[: after.index(ours) + 1])  # nothing else between
    text = md.split(ours, 1)[1]
    assert text.lstrip().startswith("A party that terminates early pays the fees due")
    # The own clause for the start-up and transition section, which the file has nothing else for.
    transition = next(i for i, h in enumerate(found) if h.endswith(". Start-up and transition"))
    assert found[transition + 1].endswith("Knowledge transfer") and found[transition + 1].startswith("###")
    # Neither is in General terms, and the table of contents lists both sections.
    general = md.split("General terms", 2)[-1].split("\n## ", 1)[0] if "General terms" in md else ""
    assert "Fees on early termination" not in general and "Knowledge transfer" not in general
    html = render_text(doc, "html", provenance=provenance)
    assert "Fees on early termination" in html and "Knowledge transfer" in html


def test_a_clause_file_naming_no_known_section_is_refused() -> None:
    with pytest.raises(ClauseError, match=r"`section` must be one of: definitions, .*termination"):
        parse_clause(EXIT_FEES.replace("section: termination", "section: annexes").encode(), "clauses/x.md")
