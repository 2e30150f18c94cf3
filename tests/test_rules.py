"""Semantic rules: the corpus of one-defect agreements, the examples, and the rules' edges."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slactl.config import load_config
from slactl.findings import Finding
from slactl.fiscal import fiscal_year_bounds
from slactl.loading import load_text
from slactl.model.types import parse_duration
from slactl.parse import parse_document
from slactl.rules import RULES, FileContext, Settings, run_file_rules
from slactl.rules import agreement as agreement_rules
from slactl.rules import catalog as catalog_rules
from slactl.rules.agreement import business_day_minutes, length_minutes
from slactl.rules.docs import render_markdown
from slactl.validate import Candidate, check_file, settings_for, validate_paths

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "cases"
INVALID = sorted(CASES.glob("invalid/*/*.yaml"))
COMPLETE = (CASES / "valid" / "complete.yaml").read_text()
EXPECT = "# expect"


def run(text: str, rules_settings: Settings | None = None) -> list[Finding]:
    """File rules over one valid document given as text."""
    loaded = load_text(text)
    parsed = parse_document(loaded, "f.yaml")
    assert parsed.document is not None, parsed.findings
    return run_file_rules(FileContext(parsed.document, loaded, "f.yaml", rules_settings or Settings()))


def codes(found: list[Finding]) -> list[str]:
    return sorted(f.code for f in found)


def edited(old: str, new: str, base: str = COMPLETE) -> str:
    assert base.count(old) == 1, f"{old!r} is not unique"
    return base.replace(old, new)


def own_codes() -> set[str]:
    """Codes defined by the agreement and catalog rule modules (the ones the corpus must cover)."""
    source = "".join(Path(m.__file__ or "").read_text() for m in (agreement_rules, catalog_rules))
    return set(re.findall(r'define\("(SLA\d{3})"', source))


# --------------------------------------------------------------------------- the corpus


@pytest.mark.parametrize("case", INVALID, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_invalid_case_reports_its_code_at_the_marked_lines(case: Path) -> None:
    code = case.parent.name
    marked = {i for i, line in enumerate(case.read_text().splitlines(), 1) if line.rstrip().endswith(EXPECT)}
    assert marked, f"{case} marks no line with `{EXPECT}`"
    result = validate_paths([case], load_config(case))
    # Exactly the one defect: nothing but the folder's code, and at exactly the marked lines.
    assert {f.code for f in result.findings} == {code}, result.findings
    assert {f.line for f in result.findings} == marked, result.findings
    assert all(f.severity is RULES[code].severity for f in result.findings)


def test_every_rule_has_a_case_and_every_case_folder_is_a_rule() -> None:
    folders = {p.name for p in (CASES / "invalid").iterdir() if p.is_dir()}
    assert own_codes() - folders == set(), "rules without a failing case"
    assert folders - set(RULES) == set(), "case folders named after no rule"


@pytest.mark.parametrize("folder", [ROOT / "examples", CASES / "valid"], ids=lambda p: p.name)
def test_bundled_documents_are_clean_even_strictly(folder: Path) -> None:
    result = validate_paths([folder], load_config(folder))
    assert result.files >= 1
    assert result.findings == []


def test_cli_strict_examples_exit_zero_and_a_case_exits_one() -> None:
    slactl = [sys.executable, "-m", "slactl"]
    clean = subprocess.run([*slactl, "validate", "--strict", str(ROOT / "examples")], capture_output=True, text=True)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    case = CASES / "invalid" / "SLA110" / "payments-short.yaml"
    bad = subprocess.run([*slactl, "validate", str(case)], capture_output=True, text=True)
    assert bad.returncode == 1
    assert "SLA110" in bad.stdout


# --------------------------------------------------------------------------- one run, every problem


def test_one_run_reports_every_problem() -> None:
    text = edited("  end: 2027-09-30", "  end: 2026-09-30")
    text = edited("contact: Ben Ortiz", "contact: Nobody", text)
    text = edited('total: "60,000.00"', 'total: "1.00"', text)
    text = edited("{id: desk-satisfaction, service: desk,", "{id: desk-satisfaction, service: nowhere,", text)
    assert codes(run(text)) == ["SLA100", "SLA110", "SLA112", "SLA120", "SLA134"]


def test_a_bare_agreement_gets_warnings_for_missing_sections_and_nothing_raises() -> None:
    text = """\
apiVersion: slactl/v1
kind: Agreement
metadata: {id: bare, title: Bare, type: customer, structure: service-based}
parties:
  provider: {name: P, organization: Provider, contacts: [{name: A, role: R}]}
  customer: {name: C, organization: Customer, contacts: [{name: B, role: R}]}
term: {start: 2026-10-01, end: 2027-09-30}
services: [{id: one, name: One}]
"""
    found = run(text)
    assert codes(found) == ["SLA305"] * 7
    sections = {f.path for f in found}
    assert sections == {
        "service_levels",
        "escalation",
        "reporting",
        "termination",
        "approvals",
        "signatories",
        "pricing",
    }
    # An internal agreement (an OLA between departments) need not have a price.
    internal = run(text.replace("type: customer", "type: internal"))
    assert "pricing" not in {f.path for f in internal}


def _optional_paths(data: dict[str, Any]) -> list[tuple[str, ...]]:
    """Sections and list-valued fields a document may leave out (the schema then fills defaults)."""
    optional = [
        "calendars",
        "service_levels",
        "pricing",
        "communication",
        "reporting",
        "escalation",
        "credits",
        "termination",
        "approvals",
        "signatories",
    ]
    paths: list[tuple[str, ...]] = [(name,) for name in optional]
    paths += [
        ("pricing", "payment_schedule"),
        ("credits", "schedules"),
        ("credits", "rewards"),
        ("credits", "penalties"),
        ("credits", "monthly_cap"),
        ("termination", "conditions"),
        ("term", "fiscal_year"),
        ("communication", "meetings"),
    ]
    return [p for p in paths if p[0] in data]


BASE_DATA = yaml.safe_load(COMPLETE)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sets(st.sampled_from(_optional_paths(BASE_DATA))))
def test_rules_never_raise_whatever_optional_parts_are_missing(dropped: set[tuple[str, ...]]) -> None:
    data = yaml.safe_load(COMPLETE)
    for path in sorted(dropped, key=len, reverse=True):
        parent = data
        for part in path[:-1]:
            parent = parent.get(part) or {}
        parent.pop(path[-1], None)
    text = yaml.safe_dump(data, sort_keys=False)
    loaded = load_text(text)
    parsed = parse_document(loaded, "f.yaml")
    if parsed.document is None:
        return  # dropping a required part is the schema's finding, not the rules'
    found = run_file_rules(FileContext(parsed.document, loaded, "f.yaml", Settings(roles=("management",))))
    assert all(f.code in RULES for f in found)


# --------------------------------------------------------------------------- fiscal years


@pytest.mark.parametrize(
    ("year", "start", "first", "last"),
    [
        (2027, (10, 1), date(2026, 10, 1), date(2027, 9, 30)),  # US federal
        (2027, (1, 1), date(2027, 1, 1), date(2027, 12, 31)),  # calendar year
        (2027, (7, 1), date(2026, 7, 1), date(2027, 6, 30)),  # many US states
        (2028, (3, 1), date(2027, 3, 1), date(2028, 2, 29)),  # ends on a leap day
    ],
)
def test_fiscal_year_bounds(year: int, start: tuple[int, int], first: date, last: date) -> None:
    assert fiscal_year_bounds(year, start) == (first, last)


def test_fiscal_year_follows_the_configured_start() -> None:
    july = Settings(fiscal_year_start_month=7, fiscal_year_start_day=1)
    found = run(COMPLETE, july)
    assert codes(found) == ["SLA101"]
    assert "FY2027 runs 2026-07-01 to 2027-06-30" in found[0].message
    # A term inside the fiscal year is fine.
    half = edited("  end: 2027-09-30", "  end: 2027-03-31")
    half = edited("due: 2027-04-15", "due: 2027-03-15", half)
    assert run(half) == []


def test_settings_carry_the_configured_roles_to_the_rules() -> None:
    case = CASES / "invalid" / "SLA124" / "unknown-role.yaml"
    assert settings_for(load_config(case)).roles == ("management", "legal", "signatory")
    # Without roles in slactl.yaml any role is accepted.
    assert check_file(Candidate(case, True)).findings == []


# --------------------------------------------------------------------------- durations and money


@pytest.mark.parametrize(
    ("hours", "minutes"),
    [
        ({"mon-fri": "08:00-17:00"}, 540),
        # (5 x 4 h + 7 h) / 6 open days = 4 h 30 min: the mean open day (slactl.clock.business_day)
        ({"mon-fri": "08:00-12:00", "sat": ["09:00-12:00", "13:00-17:00"]}, 270),
        ("24x7", 1440),
    ],
)
def test_business_day_is_the_mean_open_day(hours: Any, minutes: int) -> None:
    from slactl.model.agreement import Calendar

    assert business_day_minutes([Calendar(timezone="UTC", hours=hours)]) == minutes
    assert business_day_minutes([]) == 1440


@pytest.mark.parametrize(
    ("text", "business_day", "minutes"),
    [
        ("4h", 540, 240),
        ("1 business day", 540, 540),
        ("2 business days", 1440, 2880),
        ("1 week", 540, 10080),
        ("90 minutes", 540, 90),
    ],
)
def test_length_minutes(text: str, business_day: int, minutes: int) -> None:
    assert length_minutes(parse_duration(text), Decimal(business_day)) == minutes


def test_response_in_hours_may_exceed_a_business_day_of_a_short_calendar() -> None:
    # 9 business hours = 1 business day on 08:00-17:00: equal is allowed, 10h is not.
    equal = edited("scope: {priority: P2}, target: 4h", "scope: {priority: P2}, target: 9h")
    assert run(equal) == []
    longer = edited("scope: {priority: P2}, target: 4h", "scope: {priority: P2}, target: 19h")
    assert codes(run(longer)) == ["SLA130"]


def test_amounts_are_compared_to_the_cent() -> None:
    text = edited(
        '{service: desk, quantity: 1200, unit: user-month, unit_price: "45.00", amount: "54,000.00"}',
        '{service: desk, quantity: 0.5, unit: user-month, unit_price: "33.33", amount: "16.67"}',
    )
    text = edited('total: "60,000.00"', 'total: "6,016.67"', text)
    text = edited('2026-10-15, amount: "30,000.00"', '2026-10-15, amount: "16.67"', text)
    text = edited('2027-04-15, amount: "30,000.00"', '2027-04-15, amount: "6,000.00"', text)
    assert run(text) == []


def test_messages_name_what_is_expected() -> None:
    (found,) = run(edited('amount: "54,000.00"', 'amount: "54,001.00"'))
    assert found.message == "amount is 54,001.00 but quantity 1200 x unit_price 45.00 = 54,000.00"
    assert found.path == "pricing.items[0].amount"


# --------------------------------------------------------------------------- docs


def test_docs_rules_md_matches_the_registry() -> None:
    committed = (ROOT / "docs" / "rules.md").read_text()
    assert committed == render_markdown(), "docs/rules.md is stale: run `python -m slactl.rules > docs/rules.md`"


def test_every_rule_is_in_the_docs() -> None:
    table = render_markdown()
    assert all(f"| {code} |" in table for code in RULES)


# --------------------------------------------------------------------------- wording


def test_vague_wording_split_over_folded_lines_is_found_once_per_word() -> None:
    text = edited(
        "    - {description: Availability missed twice in three months., service_level",
        "    - description: >-\n"
        "        Either party may end it as soon\n"
        "        as possible, and as soon as possible again.\n"
        "      service_level",
    )
    text = text.replace(
        "      service_level: hosting-availability, missed: 2, of_consecutive: 3}",
        "      service_level: hosting-availability\n      missed: 2\n      of_consecutive: 3",
    )
    (found,) = run(text)
    assert (found.code, found.path) == ("SLA304", "termination.conditions[0].description")
    assert '"as soon as possible"' in found.message


def test_ids_and_names_of_fields_are_not_prose() -> None:
    # The service id appears as `id`, `service` and in price items: all ids, none prose.
    text = re.sub(r"\bhosting\b(?!-)", "best-effort-hosting", COMPLETE)
    assert text.count("best-effort-hosting") == 3
    assert run(text) == []
