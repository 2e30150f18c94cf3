"""From loaded YAML to a typed document: every schema error as a finding at the right place."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from slactl.findings import Finding, Severity
from slactl.loading import load_text
from slactl.model import Agreement, Catalog
from slactl.model.types import parse_amount
from slactl.parse import parse_document

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CEC = (EXAMPLES / "cec-fy2027-rural-lending.yaml").read_text()
CATALOG = (EXAMPLES / "catalog.yaml").read_text()


def edited(old: str, new: str, base: str = CEC) -> str:
    """The example with one exact, unique edit (fails loudly when the example changed)."""
    assert base.count(old) == 1, f"{old!r} is not unique in the example"
    return base.replace(old, new)


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing needle."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def findings(text: str) -> list[Finding]:
    parsed = parse_document(load_text(text), "f.yaml")
    assert (parsed.document is None) == bool(parsed.findings)
    return parsed.findings


def only(text: str) -> Finding:
    found = findings(text)
    assert len(found) == 1, found
    return found[0]


# slactl.yaml is the repository's settings, not a document.
DOCUMENTS = sorted(p for p in EXAMPLES.glob("*.yaml") if p.name != "slactl.yaml")


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_examples_parse_clean(path: Path) -> None:
    parsed = parse_document(load_text(path.read_text()), str(path))
    assert parsed.findings == []
    assert isinstance(parsed.document, Agreement | Catalog)


# --------------------------------------------------------------------------- unknown keys


def test_unknown_top_level_key_with_did_you_mean() -> None:
    text = edited("\nservice_levels:\n", "\nservce_levels:\n")
    f = only(text)
    assert (f.code, f.path, f.line, f.column) == ("SLA021", "servce_levels", line_of(text, "servce_levels:"), 1)
    assert f.message == "unknown key `servce_levels`; did you mean `service_levels`?"
    assert f.severity is Severity.ERROR


def test_unknown_key_inside_a_named_calendar() -> None:
    text = edited("  always:\n    timezone: America/New_York\n", "  always:\n    timezon: America/New_York\n")
    found = {f.code: f for f in findings(text)}
    line = line_of(text, "timezon: America")
    assert found["SLA021"].path == "calendars.always.timezon"
    assert (found["SLA021"].line, found["SLA021"].column) == (line, 5)
    assert "did you mean `timezone`?" in found["SLA021"].message
    # The required field is then missing too: reported at the calendar.
    assert found["SLA022"].path == "calendars.always"
    assert found["SLA022"].message == "missing required field `timezone`"


def test_unknown_key_deep_in_a_list() -> None:
    text = edited("    target: 4h\n    attainment: 95%\n", "    target: 4h\n    atainment: 95%\n")
    f = only(text)
    assert f.path == "service_levels[1].atainment"
    assert (f.line, f.column) == (line_of(text, "atainment:"), 5)
    assert "did you mean `attainment`?" in f.message


def test_unknown_key_without_a_close_match_lists_the_choices() -> None:
    text = edited("notice: 90 days}", "notice: 90 days, zzz: 1}")
    f = only(text)
    assert f.path == "term.renewal.zzz"
    assert f.message == "unknown key `zzz`; expected one of: mode, notice"


# --------------------------------------------------------------------------- missing fields


def test_missing_required_field_points_at_the_parent() -> None:
    text = edited("  title: Service Level Agreement for IT Services to the Rural Lending Program Office, FY2027\n", "")
    f = only(text)
    assert (f.code, f.path, f.message) == ("SLA022", "metadata", "missing required field `title`")
    assert (f.line, f.column) == (line_of(text, "  id: cec-fy2027-rural-lending"), 3)


def test_missing_field_of_a_list_item_points_at_the_item() -> None:
    text = edited("      - {name: Samuel Ortiz, role: IT Liaison,", "      - {role: IT Liaison,")
    f = only(text)
    assert (f.code, f.path) == ("SLA022", "parties.customer.contacts[1]")
    assert (f.line, f.column) == (line_of(text, "{role: IT Liaison"), 9)


def test_missing_top_level_section() -> None:
    start = CEC.index("\nterm:\n") + 1
    end = CEC.index("\n# Steps 2 and 3")
    text = CEC[:start] + CEC[end + 1 :]
    f = only(text)
    assert (f.code, f.path, f.message) == ("SLA022", "", "missing required field `term`")
    assert (f.line, f.column) == (line_of(text, "apiVersion:"), 1)


# --------------------------------------------------------------------------- wrong types


def test_percentage_without_percent_sign() -> None:
    text = edited("    target: 4h\n    attainment: 95%\n", "    target: 4h\n    attainment: 95\n")
    f = only(text)
    assert (f.code, f.path) == ("SLA020", "service_levels[1].attainment")
    line = text.splitlines().index("    attainment: 95") + 1
    assert (f.line, f.column) == (line, 17)
    assert "% sign" in f.message


def test_target_path_uses_list_indexes() -> None:
    text = edited("{priority: P2}\n    target: 4h\n", "{priority: P2}\n    target: 4 fortnights\n")
    f = only(text)
    assert (f.code, f.path) == ("SLA020", "service_levels[2].target")
    assert (f.line, f.column) == (line_of(text, "4 fortnights"), 13)


def test_money_written_as_a_decimal_number_is_exact() -> None:
    # The loader reads 45.5 as Decimal('45.5'), never a float, so it is an exact amount.
    text = edited('unit_price: "45.00"', "unit_price: 45.5")
    parsed = parse_document(load_text(text), "f.yaml")
    assert parsed.findings == []
    assert isinstance(parsed.document, Agreement)
    assert parsed.document.pricing is not None
    price = parsed.document.pricing.items[0].unit_price
    assert price == Decimal("45.5")
    assert type(price) is Decimal


@pytest.mark.parametrize("written", ["45.5", "45.50", "0.1", "1e2"])
def test_money_never_passes_through_a_float(written: str) -> None:
    loaded = load_text(f"unit_price: {written}\n")
    assert type(loaded.data["unit_price"]) is Decimal
    assert loaded.data["unit_price"] == Decimal(written)


def test_a_float_amount_is_refused_by_the_type() -> None:
    # Only code (not YAML) can hand the model a float; it is refused rather than rounded.
    with pytest.raises(ValueError, match="never a binary float"):
        parse_amount(45.5)


@pytest.mark.parametrize(
    ("old", "new", "path", "message"),
    [
        ("notice: 90 days}", "notice: 90 dayz}", "term.renewal.notice", "unknown duration unit 'dayz'"),
        ("  end: 2027-09-30", "  end: 2026-02-30", "term.end", "'2026-02-30' is not a real date"),
        ("  end: 2027-09-30", "  end: 30/09/2027", "term.end", "a date is written YYYY-MM-DD"),
        (
            "    timezone: America/New_York\n    hours: 24x7",
            "    timezone: America/Nowhere\n    hours: 24x7",
            "calendars.always.timezone",
            "'America/Nowhere' is not an IANA time zone",
        ),
        ("  fiscal_year: FY2027", "  fiscal_year: 2027", "term.fiscal_year", "Input should be a valid string"),
        ('    custom_fee: "1,500.00"', '    custom_fee: "1.500,00"', "services[3].custom_fee", "an amount is a number"),
        ("  type: customer", "  type: client", "metadata.type", "`client` is not one of `customer`, `internal`"),
        ("  id: cec-fy2027-rural-lending", "  id: CEC FY2027", "metadata.id", "should match pattern"),
        (
            "    federal_holidays: true\n  always:",
            "    federal_holidays: yes\n  always:",
            "calendars.federal-business.federal_holidays",
            "expected true or false (got 'yes')",
        ),
    ],
)
def test_wrong_values(old: str, new: str, path: str, message: str) -> None:
    text = edited(old, new)
    f = only(text)
    assert (f.code, f.path) == ("SLA020", path)
    assert message in f.message
    assert f.line == line_of(text, new.splitlines()[0].strip())


def test_several_errors_in_one_file_are_all_reported_in_order() -> None:
    text = edited("  end: 2027-09-30", "  end: 2027-09-31")
    text = edited("notice: 90 days}", "notice: soon}", text)
    hosting = "    window: calendar_month\n    calendar: always\n    exclusions:"
    text = edited("    target: 99.9%\n" + hosting, "    target: 99.9\n" + hosting, text)
    found = findings(text)
    assert [f.path for f in found] == ["term.end", "term.renewal.notice", "service_levels[4].target"]
    assert [f.line for f in found] == sorted(f.line for f in found)


# --------------------------------------------------------------------------- envelope


@pytest.mark.parametrize(
    ("old", "new", "path", "message"),
    [
        ("apiVersion: slactl/v1\n", "apiVersion: slactl/v2\n", "apiVersion", "unsupported apiVersion 'slactl/v2'"),
        ("apiVersion: slactl/v1\n", "", "apiVersion", "missing `apiVersion`"),
        ("kind: Agreement\n", "kind: Agreemnt\n", "kind", "`kind` must be one of Agreement, Catalog (got 'Agreemnt')"),
        ("kind: Agreement\n", "", "kind", "`kind` must be one of Agreement, Catalog (got None)"),
        ("kind: Agreement\n", "kind: [Agreement]\n", "kind", "`kind` must be one of"),
    ],
)
def test_envelope_errors(old: str, new: str, path: str, message: str) -> None:
    text = edited(old, new)
    f = only(text)
    assert (f.code, f.path) == ("SLA011", path)
    assert message in f.message


def test_api_version_error_points_at_the_value() -> None:
    text = edited("apiVersion: slactl/v1\n", "apiVersion: slactl/v2\n")
    assert (only(text).line, only(text).column) == (line_of(text, "apiVersion:"), 13)


def test_catalog_kind_uses_the_catalog_model() -> None:
    text = edited("currency: USD\n", "currency: usd\n", CATALOG)
    f = only(text)
    assert (f.code, f.path) == ("SLA020", "currency")


@pytest.mark.parametrize("text", ["- a\n- b\n", "just text\n", "42\n"])
def test_non_mapping_document(text: str) -> None:
    f = only(text)
    assert (f.code, f.path, f.line, f.column) == ("SLA010", "", 1, 1)


def test_findings_are_deduplicated() -> None:
    # Union types make pydantic repeat an error per branch; one finding per place and message.
    text = edited("    target: 4h\n    attainment: 95%\n", "    target: [4h]\n    attainment: 95%\n")
    found = findings(text)
    assert len({(f.path, f.message) for f in found}) == len(found)
    assert [f.path for f in found] == ["service_levels[1].target"]
