"""Strict mode that can be honest: findings accepted in the file with a reason, per-repository required sections."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import pytest

from helpers_validate import run_main
from slactl.config import load_config
from slactl.digest import content_digest
from slactl.findings import Severity
from slactl.loading import load_text
from slactl.model import Agreement, Catalog
from slactl.parse import parse_document
from slactl.semdiff import diff_documents
from slactl.validate import Result, validate_paths

CASES = Path(__file__).resolve().parent / "cases"
COMPLETE = (CASES / "valid" / "complete.yaml").read_text()
ESCALATION = """escalation:
  levels:
    - {level: 1, contact: Ben Ortiz, after: 4h}
    - {level: 2, contact: Ada Park, after: 1 business day}
    - {level: 3, contact: Dev Rao, after: 3 days}
"""
NO_ESCALATION = COMPLETE.replace(ESCALATION, "")
TERMINATION = """termination:
  notice: 60 days
  conditions:
    - {description: Availability missed twice in three months., service_level: hosting-availability, \
missed: 2, of_consecutive: 3}
"""


def repo(tmp_path: Path, text: str, config: str = "") -> Path:
    """A repository holding one agreement (and a slactl.yaml when ``config`` is given)."""
    (tmp_path / ".git").mkdir()
    if config:
        (tmp_path / "slactl.yaml").write_text(config)
    path = tmp_path / "a.yaml"
    path.write_text(text)
    return path


def check(path: Path) -> Result:
    return validate_paths([path], load_config(path))


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text().splitlines()
    hits = [i for i, line in enumerate(lines, 1) if needle in line]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


def test_the_base_documents_are_what_the_tests_assume(tmp_path: Path) -> None:
    assert ESCALATION in COMPLETE
    assert TERMINATION in COMPLETE
    result = check(repo(tmp_path, NO_ESCALATION))
    assert [(f.code, f.path) for f in result.findings] == [("SLA305", "escalation")]
    assert result.accepted == []


def test_an_accepted_finding_is_not_counted_and_keeps_its_reason(tmp_path: Path) -> None:
    text = NO_ESCALATION + (
        "ignore:\n  - {code: SLA305, path: escalation, reason: public terms have no escalation ladder}\n"
    )
    result = check(repo(tmp_path, text))
    assert result.findings == []
    assert (result.errors, result.warnings) == (0, 0)
    [accepted] = result.accepted
    assert (accepted.finding.code, accepted.finding.path) == ("SLA305", "escalation")
    assert accepted.reason == "public terms have no escalation ladder"


def test_an_acceptance_without_a_path_covers_the_code_anywhere_in_the_file(tmp_path: Path) -> None:
    text = COMPLETE.replace("Target met for a quarter", "Target met as soon as possible")
    text = text.replace("Availability missed twice in three months.", "Availability missed twice; reasonably.")
    text += "ignore:\n  - {code: SLA304, reason: our counsel's wording}\n"
    result = check(repo(tmp_path, text))
    assert result.findings == []
    assert sorted(a.finding.message for a in result.accepted) == sorted(
        [
            'vague wording "as soon as possible"; say it in terms that can be checked (a time, a date, a number, '
            "a list)",
            'vague wording "reasonably"; say it in terms that can be checked (a time, a date, a number, a list)',
        ]
    )


def test_a_path_accepts_only_findings_at_or_below_it(tmp_path: Path) -> None:
    text = NO_ESCALATION.replace(TERMINATION, "")
    text += "ignore:\n  - {code: SLA305, path: escalation, reason: none in public terms}\n"
    result = check(repo(tmp_path, text))
    assert [(f.code, f.path) for f in result.findings] == [("SLA305", "termination")]
    assert [a.finding.path for a in result.accepted] == ["escalation"]
    assert result.warnings == 1


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{code: SLA305, path: escalation}", "missing required field `reason`"),
        ('{code: SLA305, path: escalation, reason: ""}', "at least 1 character"),
        ('{code: SLA305, path: escalation, reason: "   "}', "reason"),
    ],
)
def test_an_acceptance_needs_a_reason(tmp_path: Path, entry: str, message: str) -> None:
    path = repo(tmp_path, NO_ESCALATION + f"ignore:\n  - {entry}\n")
    result = check(path)
    assert result.errors == 1
    [finding] = [f for f in result.findings if f.severity is Severity.ERROR]
    assert finding.code in {"SLA020", "SLA022"}
    assert message in finding.message
    assert finding.line == line_of(path, "- {code: SLA305")
    assert result.accepted == []


def test_an_unknown_code_is_an_error_at_its_line_with_a_did_you_mean(tmp_path: Path) -> None:
    path = repo(tmp_path, NO_ESCALATION + "ignore:\n  - code: SLA350\n    reason: x\n  - {code: SL305, reason: y}\n")
    result = check(path)
    unknown = [f for f in result.findings if f.code == "SLA170"]
    assert [(f.line, f.severity) for f in unknown] == [
        (line_of(path, "code: SLA350"), Severity.ERROR),
        (line_of(path, "code: SL305"), Severity.ERROR),
    ]
    assert "did you mean `SLA305`?" in unknown[1].message
    assert "did you mean" in unknown[0].message
    # The finding they failed to accept is still there.
    assert "SLA305" in {f.code for f in result.findings}


@pytest.mark.parametrize("code", ["SLA021", "SLA005", "SLA031", "SLA170", "SLA370"])
def test_loader_and_schema_codes_and_acceptance_codes_cannot_be_accepted(tmp_path: Path, code: str) -> None:
    path = repo(tmp_path, COMPLETE + f"ignore:\n  - {{code: {code}, reason: we like it}}\n")
    result = check(path)
    [finding] = result.findings
    assert (finding.code, finding.severity) == ("SLA171", Severity.ERROR)
    assert finding.line == line_of(path, f"code: {code}")
    assert "cannot be accepted" in finding.message


def test_a_schema_error_is_not_hidden_by_an_acceptance(tmp_path: Path) -> None:
    text = COMPLETE.replace("  structure: service-based\n", "  structure: service-based\n  colour: blue\n")
    text += "ignore:\n  - {code: SLA021, reason: we like it}\n"
    result = check(repo(tmp_path, text))
    assert [f.code for f in result.findings] == ["SLA021"]
    assert result.accepted == []


def test_a_stale_acceptance_is_a_warning_at_its_entry(tmp_path: Path) -> None:
    path = repo(
        tmp_path,
        COMPLETE + "ignore:\n  - {code: SLA305, path: escalation, reason: public terms have no escalation ladder}\n",
    )
    result = check(path)
    [finding] = result.findings
    assert (finding.code, finding.severity, finding.path) == ("SLA370", Severity.WARNING, "ignore[0]")
    assert finding.line == line_of(path, "code: SLA305")
    assert "no SLA305 finding at `escalation`" in finding.message


def test_json_reports_accepted_findings_with_their_reason(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = repo(tmp_path, NO_ESCALATION + "ignore:\n  - {code: SLA305, path: escalation, reason: public terms}\n")
    run = run_main(["validate", "--strict", "--format", "json", str(path)], capsys)
    assert run.code == 0, run.out
    doc = json.loads(run.out)
    assert (doc["errors"], doc["warnings"], doc["findings"]) == (0, 0, [])
    [accepted] = doc["accepted"]
    assert (accepted["code"], accepted["path"], accepted["reason"]) == ("SLA305", "escalation", "public terms")
    assert accepted["severity"] == "warning"
    assert accepted["accepted_at"] == {"line": line_of(path, "code: SLA305"), "column": 5}


def test_text_and_github_show_only_a_count(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = repo(tmp_path, NO_ESCALATION + "ignore:\n  - {code: SLA305, path: escalation, reason: public terms}\n")
    text = run_main(["validate", "--strict", str(path)], capsys)
    assert (text.code, text.out) == (0, "1 file checked: 0 errors, 0 warnings, 1 accepted\n")
    github = run_main(["validate", "--strict", "--format", "github", str(path)], capsys)
    assert (github.code, github.out) == (0, "1 files checked: 0 errors, 0 warnings, 1 accepted\n")


def test_strict_fails_on_a_stale_acceptance(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = repo(tmp_path, COMPLETE + "ignore:\n  - {code: SLA305, path: escalation, reason: public terms}\n")
    assert run_main(["validate", str(path)], capsys).code == 0
    assert run_main(["validate", "--strict", str(path)], capsys).code == 1


def _doc(text: str) -> Agreement | Catalog:
    parsed = parse_document(load_text(text), "a.yaml")
    assert parsed.document is not None, parsed.findings
    return parsed.document


def test_the_acceptances_are_part_of_the_digest_and_an_empty_list_changes_nothing() -> None:
    plain = _doc(COMPLETE)
    empty = _doc(COMPLETE + "ignore: []\n")
    accepted = _doc(COMPLETE + "ignore:\n  - {code: SLA305, path: escalation, reason: public terms}\n")
    other = _doc(COMPLETE + "ignore:\n  - {code: SLA305, path: escalation, reason: other words}\n")
    assert content_digest(plain) == content_digest(empty)
    assert len({content_digest(plain), content_digest(accepted), content_digest(other)}) == 3


def test_diff_says_which_finding_was_accepted_and_why() -> None:
    old = _doc(COMPLETE)
    new = _doc(COMPLETE + "ignore:\n  - {code: SLA305, path: escalation, reason: public terms}\n")
    sentences = [c.sentence() for c in diff_documents(old, new)]
    assert sentences == ["Accepted findings › accepted finding SLA305 at escalation: added: public terms"]
    newer = _doc(COMPLETE + "ignore:\n  - {code: SLA305, path: escalation, reason: no ladder}\n")
    assert [c.sentence() for c in diff_documents(new, newer)] == [
        "Accepted findings › accepted finding SLA305 at escalation › Reason: public terms → no ladder"
    ]


# --------------------------------------------------------------------------- required sections per repository


def test_required_sections_per_type_change_sla305(tmp_path: Path) -> None:
    text = NO_ESCALATION
    config = "required_sections:\n  customer: [service_levels, reporting, credits, transition]\n"
    result = check(repo(tmp_path, text, config))
    # escalation is no longer required; transition now is.
    assert [(f.code, f.path) for f in result.findings] == [("SLA305", "transition")]


def test_types_not_configured_keep_the_defaults(tmp_path: Path) -> None:
    config = "required_sections:\n  vendor: [service_levels]\n"
    result = check(repo(tmp_path, NO_ESCALATION, config))
    assert [(f.code, f.path) for f in result.findings] == [("SLA305", "escalation")]


def test_an_empty_list_requires_nothing(tmp_path: Path) -> None:
    text = NO_ESCALATION.replace(TERMINATION, "")
    result = check(repo(tmp_path, text, "required_sections:\n  customer: []\n"))
    assert result.findings == []


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("required_sections:\n  customer: [escalaton]\n", "did you mean `escalation`?"),
        ("required_sections:\n  customr: [escalation]\n", "did you mean `customer`?"),
        ("required_sections:\n  customer: [metadata]\n", "not a section"),
    ],
)
def test_required_section_names_are_checked(tmp_path: Path, config: str, expected: str) -> None:
    from slactl.errors import SlactlError

    path = repo(tmp_path, COMPLETE, config)
    with pytest.raises(SlactlError) as info:
        load_config(path)
    assert expected in str(info.value)


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_the_rendered_document_does_not_print_the_acceptances(fmt: Literal["md", "html"]) -> None:
    from slactl.render import Fingerprint, render_text

    plain = _doc(COMPLETE)
    noted = _doc(COMPLETE + "ignore:\n  - {code: SLA304, reason: counsel's wording stays}\n")
    assert isinstance(plain, Agreement) and isinstance(noted, Agreement)
    fp = Fingerprint(content_digest(noted), "committed", "0" * 40, 1_700_000_000)
    text = render_text(noted, fmt, fp=fp)
    assert "SLA304" not in text and "counsel" not in text
    assert text == render_text(plain, fmt, fp=fp)


def test_the_reason_is_a_tooling_note_not_prose_judged_for_vague_wording(tmp_path: Path) -> None:
    text = NO_ESCALATION + "ignore:\n  - {code: SLA305, path: escalation, reason: added as soon as possible}\n"
    result = check(repo(tmp_path, text))
    assert (result.findings, [a.finding.code for a in result.accepted]) == ([], ["SLA305"])
