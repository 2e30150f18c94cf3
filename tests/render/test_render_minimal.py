"""Render only what the file says; terms that belong to one party (issue 10).

A minimal agreement (tests/fixtures/minimal.yaml: only the required fields) renders to a
document with no sentence about termination, renewal, funding, maintenance, escalation or
signatures. Each new term shape (who may terminate, notice, cure, renewal modes, an
open-ended term, an unnamed customer, no signatories) is validated with findings at its
line, rendered in plain language, diffed in business terms, and read by status, renew,
credits and report without an internal error.
"""

from __future__ import annotations

import copy
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from slactl.digest import content_digest
from slactl.errors import SlactlError
from slactl.model.agreement import Agreement
from slactl.render import Fingerprint, render_text
from slactl.semdiff import diff_dumps, dump_of

FIXTURES = Path(__file__).parents[1] / "fixtures"
MINIMAL = FIXTURES / "minimal.yaml"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ITHR = EXAMPLES / "it-hr-support-fy2027.yaml"

Data = dict[str, Any]


def minimal_data() -> Data:
    return yaml.safe_load(MINIMAL.read_text())  # type: ignore[no-any-return]


def build(data: Data) -> Agreement:
    return Agreement.model_validate(data)


def render(agreement: Agreement, fmt: str) -> str:
    fp = Fingerprint(content_digest(agreement), "committed", "0" * 40, 1_700_000_000)
    return render_text(agreement, fmt, fp=fp)  # type: ignore[arg-type]


def prose(text: str) -> str:
    """The visible text of a rendering: tags, comments and the stylesheet out, whitespace folded."""
    text = re.sub(r"<style>.*?</style>", " ", text, flags=re.S)
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(text.replace("\\", "").split())


def with_termination(termination: Data) -> Agreement:
    data = minimal_data()
    data["termination"] = termination
    return build(data)


# --------------------------------------------------------------------------- the minimal agreement


FORBIDDEN = ("terminat", "renew", "fund", "maintenance", "escalat", "signature", "sign here", "signed")


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_minimal_agreement_says_nothing_the_file_does_not(fmt: str) -> None:
    text = prose(render(build(minimal_data()), fmt)).lower()
    found = [word for word in FORBIDDEN if word in text]
    assert found == [], f"the minimal agreement's document talks about {found}"
    assert not re.search(r"\b0 days", text)


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_minimal_agreement_still_says_what_it_has(fmt: str) -> None:
    text = prose(render(build(minimal_data()), fmt))
    assert "Standard Service Terms" in text
    assert "Web hosting" in text
    assert "This agreement is in force from January 1, 2027, with no end date." in text
    # The unnamed customer of public terms.
    assert "the Customer" in text
    assert "(“”)" not in text and "None" not in text
    assert "The provider delivers the following services." in text
    assert "service levels of the next section" not in text


def test_minimal_agreement_validates_clean(tmp_path: Path) -> None:
    target = tmp_path / "minimal.yaml"
    target.write_bytes(MINIMAL.read_bytes())
    assert _findings(tmp_path, MINIMAL.read_text()) == []


def test_examples_lose_only_the_invented_sentences() -> None:
    text = prose(render(build(yaml.safe_load(ITHR.read_text())), "md"))
    assert "funds are transferred" not in text
    assert "smooth transition" not in text
    # What the file does say stays.
    assert "Either party may end this agreement early by giving the other party notice at least 30 days" in text
    assert "negotiation starts at least 60 days before the end of the term" in text
    assert "For the provider" in text and "For the customer" in text


# --------------------------------------------------------------------------- termination rights


@pytest.mark.parametrize(
    ("termination", "expected"),
    [
        (
            {"notice": "30 days"},
            "Either party may end this agreement early by giving the other party notice at least 30 days in advance.",
        ),
        ({"by": "customer"}, "The customer may end this agreement early."),
        ({"by": "customer", "notice": "immediate"}, "The customer may end this agreement early with immediate effect."),
        ({"by": "provider", "notice": "0 days"}, "The provider may end this agreement early with immediate effect."),
        (
            {
                "by": "customer",
                "notice": "30 days",
                "cure": "30 days",
                "conditions": [{"description": "The provider breaches a material obligation."}],
            },
            "The customer may end this agreement early by giving the other party notice at least 30 days in advance "
            "when one of the following conditions is met, unless the other party remedies the cause within 30 days "
            "of the notice:",
        ),
    ],
)
def test_termination_rights_are_said_as_written(termination: Data, expected: str) -> None:
    for fmt in ("md", "html"):
        text = prose(render(with_termination(termination), fmt))
        assert expected in text, text[text.find("Termination") :][:400]
        assert not re.search(r"\b0 days", text)


def test_conditions_with_their_own_holder_get_their_own_sentence() -> None:
    agreement = with_termination(
        {
            "by": "either",
            "notice": "90 days",
            "conditions": [
                {"description": "A party ceases business."},
                {
                    "description": "Availability is below 95% for three months running.",
                    "by": "customer",
                    "notice": "immediate",
                },
            ],
        }
    )
    text = prose(render(agreement, "md"))
    assert (
        "Either party may end this agreement early by giving the other party notice at least 90 days in "
        "advance when one of the following conditions is met: - A party ceases business."
    ) in text
    assert (
        "The customer may end this agreement early with immediate effect when one of the following conditions "
        "is met: - Availability is below 95% for three months running."
    ) in text


# --------------------------------------------------------------------------- renewal and term


@pytest.mark.parametrize(
    ("renewal", "expected"),
    [
        ({"mode": "none"}, "The agreement does not renew."),
        ({"mode": "auto"}, "The agreement renews automatically for a further term at the end of each term."),
        (
            {"mode": "auto", "notice": "90 days"},
            "The agreement renews automatically for a further term unless either "
            "party gives notice at least 90 days before the end of the term.",
        ),
        ({"mode": "renegotiate"}, "The agreement is renegotiated for each term: a new agreement replaces it."),
    ],
)
def test_renewal_is_said_as_written(renewal: Data, expected: str) -> None:
    data = minimal_data()
    data["term"] = {"start": "2027-01-01", "end": "2027-12-31", "renewal": renewal}
    text = prose(render(build(data), "html"))
    assert expected in text
    assert not re.search(r"\b0 days", text)


def test_an_evergreen_term_can_say_it_does_not_renew() -> None:
    data = minimal_data()
    data["term"]["renewal"] = {"mode": "none"}
    assert "The agreement does not renew." in prose(render(build(data), "md"))


# --------------------------------------------------------------------------- findings at their line


def _findings(tmp_path: Path, text: str) -> list[tuple[int | None, str, str]]:
    from slactl.validate import Candidate, check_file

    target = tmp_path / "a.yaml"
    target.write_text(text)
    result = check_file(Candidate(target, True))
    return [(f.line, f.code, f.message) for f in result.findings if f.severity == "error"]


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    ("addition", "needle", "words"),
    [
        ("termination:\n  by: nobody\n", "by: nobody", "customer"),
        ("termination:\n  notice: soon\n", "notice: soon", "immediate"),
        ("termination:\n  cure: sometimes\n", "cure: sometimes", "duration"),
        ("termination:\n  conditions:\n    - description: x\n      by: everyone\n", "by: everyone", "customer"),
    ],
)
def test_wrong_termination_shapes_get_findings_at_their_line(
    tmp_path: Path, addition: str, needle: str, words: str
) -> None:
    text = MINIMAL.read_text() + addition
    found = _findings(tmp_path, text)
    assert found, "a wrong shape must be a finding"
    line = _line_of(text, needle)
    assert any(at == line and words in message for at, _code, message in found), (line, found)


@pytest.mark.parametrize(
    ("term", "needle", "words"),
    [
        ("  renewal: {mode: auto, notice: 30 days}\n", "renewal:", "cannot renew by `auto`"),
        ("  end: 2027-12-31\n  renewal: {mode: none, notice: 30 days}\n", "renewal:", "takes no renewal `notice`"),
        ("  renewal: {mode: sometimes}\n", "mode: sometimes", "renegotiate"),
        ("  fiscal_year: FY2027\n", "fiscal_year:", "needs its `end`"),
    ],
)
def test_wrong_term_shapes_get_findings_at_their_line(tmp_path: Path, term: str, needle: str, words: str) -> None:
    text = MINIMAL.read_text().replace("  start: 2027-01-01\n", "  start: 2027-01-01\n" + term)
    found = _findings(tmp_path, text)
    line = _line_of(text, needle)
    assert any(at == line and words in message for at, _code, message in found), (line, found)


# --------------------------------------------------------------------------- diffs in business terms


def _diff(before: Agreement, after: Agreement) -> list[Any]:
    return diff_dumps(dump_of(before), dump_of(after))


def test_a_change_of_who_may_terminate_reads_well() -> None:
    before = with_termination({"by": "either", "notice": "30 days"})
    after = with_termination({"by": "customer", "notice": "30 days"})
    (change,) = _diff(before, after)
    assert change.label == "Termination › By"
    assert (change.old, change.new) == ("either party", "the customer only")
    assert change.sentence() == "Termination › By: either party → the customer only"
    assert change.favour == "customer"
    (back,) = _diff(after, before)
    assert back.favour == "provider"


def test_notice_changes_read_well_and_immediate_is_shortest() -> None:
    before = with_termination({"by": "customer", "notice": "30 days"})
    after = with_termination({"by": "customer", "notice": "immediate"})
    (change,) = _diff(before, after)
    assert (change.old, change.new) == ("30 days", "immediately")
    # The customer holds the right: a shorter notice is in the customer's favour... the rule of
    # the format is "a longer notice favours the customer" (it protects the receiving side), so
    # it is said, and its favour marked, the same way as before.
    assert change.favour == "provider"


def test_renewal_mode_and_open_end_read_well() -> None:
    data = minimal_data()
    data["term"] = {"start": "2027-01-01", "end": "2027-12-31", "renewal": {"mode": "renegotiate"}}
    before = build(data)
    after_data = copy.deepcopy(data)
    after_data["term"] = {"start": "2027-01-01", "renewal": {"mode": "none"}}
    changes = {c.label: c for c in _diff(before, build(after_data))}
    assert changes["Term › End"].kind == "removed"
    assert changes["Term › End"].old == "December 31, 2027"
    mode = changes["Term › Renewal › Mode"]
    assert (mode.old, mode.new) == ("renegotiated for each term", "does not renew")


# --------------------------------------------------------------------------- readers of term.end


def test_status_of_an_open_ended_term() -> None:
    from slactl.approvals import term_status

    term = build(minimal_data()).term
    before = term_status(term, date(2026, 12, 1))
    during = term_status(term, date(2090, 1, 1))
    assert (before.state, during.state) == ("not-started", "active")
    assert (during.end, during.days_left, during.renewal_notice_date) == (None, None, None)


def test_status_without_a_renewal_notice() -> None:
    from slactl.approvals import term_status

    data = minimal_data()
    data["term"] = {"start": "2027-01-01", "end": "2027-12-31", "renewal": {"mode": "auto"}}
    status = term_status(build(data).term, date(2027, 11, 1))
    assert (status.state, status.renewal_notice_date) == ("expiring", None)


def test_renew_refuses_an_open_ended_term(tmp_path: Path) -> None:
    from slactl.renew import renew_file

    target = tmp_path / "minimal.yaml"
    target.write_bytes(MINIMAL.read_bytes())
    with pytest.raises(SlactlError, match="no term end"):
        renew_file(target)


def test_fees_of_an_open_ended_term_are_not_invented() -> None:
    from slactl.report.credits import service_fees, window_months
    from slactl.wording import monthly_fees

    data = minimal_data()
    data["pricing"] = {
        "currency": "USD",
        "items": [{"service": "hosting", "quantity": 12, "unit": "month", "unit_price": "100.00"}],
        "total": "1,200.00",
    }
    agreement = build(data)
    assert monthly_fees(agreement) == {}
    assert service_fees(agreement) == {}
    assert window_months("calendar_month", agreement) == 1


def test_report_over_an_open_ended_term_needs_a_period(tmp_path: Path) -> None:
    from slactl.report import build_report

    data = minimal_data()
    data["service_levels"] = [
        {"id": "uptime", "service": "hosting", "metric": "availability", "target": "99.9%", "window": "term"},
        {
            "id": "monthly",
            "service": "hosting",
            "metric": "availability",
            "target": "99.9%",
            "window": "calendar_month",
        },
    ]
    target = tmp_path / "minimal.yaml"
    target.write_text(yaml.safe_dump(data, sort_keys=False))
    outages = tmp_path / "outages.csv"
    outages.write_text("id,service,start,end,planned\nO-1,hosting,2027-02-03T10:00Z,2027-02-03T11:00Z,no\n")
    now = datetime(2027, 6, 1, tzinfo=UTC)
    with pytest.raises(SlactlError, match="no end date"):
        build_report(target, outages=outages, now=now)
    report = build_report(target, outages=outages, period="2027-Q1", now=now)
    windows = {lr.id: [w.window.label for w in lr.windows] for lr in report.levels}
    assert len(windows["monthly"]) == 3
    assert len(windows["uptime"]) == 1


# --------------------------------------------------------------------------- digests stay


def test_older_files_keep_their_digest() -> None:
    # The digest every approval of the example binds to (tests/golden/render/it-hr-support-fy2027.md):
    # the new optional fields stay out of the canonical form while unused.
    # The example now uses library clauses: without them it is the file every approval was given for.
    # Its security need was later quoted into one entry (a comma had split the flow list in two):
    # the file as approved had the two entries.
    data = yaml.safe_load(ITHR.read_text())
    data.pop("clauses")
    need, review = "Access to personnel records limited to HR staff", "with quarterly access reviews"
    assert data["needs"]["security"] == [f"{need}, {review}"]
    data["needs"]["security"] = [need, review]
    agreement = build(data)
    assert content_digest(agreement) == "sha256:d1b57eee1b36d814f816b8ff64a4583747d16604e374106227ec63ade51f3bfc"


def test_either_party_written_or_not_digests_alike_and_a_holder_changes_it() -> None:
    plain = with_termination({"notice": "30 days"})
    either = with_termination({"notice": "30 days", "by": "either"})
    customer = with_termination({"notice": "30 days", "by": "customer"})
    assert content_digest(plain) == content_digest(either) != content_digest(customer)


# --------------------------------------------------------------------------- click-through terms


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_click_through_terms_with_approvals_and_distribution_mention_no_signing(fmt: str) -> None:
    data = minimal_data()
    data["approvals"] = {"stages": [{"stage": "legal", "roles": ["legal"]}]}
    data["distribution"] = [{"department": "Legal", "party": "provider"}]
    text = prose(render(build(data), fmt))
    assert "The agreement is approved in these stages, in this order." in text
    assert "Copies of this agreement go to:" in text
    assert not re.search(r"sign", text, flags=re.I)


def test_signatories_of_one_party_get_only_their_block() -> None:
    data = minimal_data()
    data["signatories"] = [{"party": "provider", "name": "Jo Park"}]
    text = prose(render(build(data), "md"))
    assert "For the provider: Acme Hosting Ltd" in text
    assert "For the customer" not in text


def test_cli_on_an_open_ended_term_reports_usage_not_a_bug(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from slactl.cli import main

    data = minimal_data()
    data["calendars"] = {"always": {"timezone": "UTC", "hours": "24x7"}}
    data["service_levels"] = [
        {
            "id": "uptime",
            "service": "hosting",
            "metric": "availability",
            "target": "99.9%",
            "window": "calendar_month",
            "calendar": "always",
        }
    ]
    data["credits"] = {
        "schedules": [{"service_level": "uptime", "bands": [{"from": "0%", "to": "99.9%", "credit": "10%"}]}]
    }
    target = tmp_path / "open.yaml"
    target.write_text(yaml.safe_dump(data, sort_keys=False))
    assert main(["validate", str(target)]) == 0
    capsys.readouterr()
    outages = tmp_path / "outages.csv"
    outages.write_text("id,service,start,end,planned\nO-1,hosting,2027-02-03T10:00Z,2027-02-03T11:00Z,no\n")
    assert main(["report", str(target), "--outages", str(outages)]) == 2
    assert "no end date" in capsys.readouterr().err
    assert main(["report", str(target), "--outages", str(outages), "--period", "2027-Q1", "--as-of", "2027-04-01"]) == 0
    assert "| Feb 2027 | 99.85% | 99.9% | missed |" in capsys.readouterr().out
    assert main(["credits", str(target), "--service-level", "uptime", "--availability", "99.5"]) == 0
    assert "10%" in capsys.readouterr().out
    for fmt in ("md", "html"):
        assert main(["render", str(target), "-f", fmt, "-o", str(tmp_path / f"open.{fmt}")]) == 0
