"""Issue 10, credits and remedies as real texts write them.

Expected amounts are worked out by hand from docs/format.md and docs/report.md (a band is
``[from, to)``, an open end holds every value on its side; the credit is the band's percent
of the monthly fee, rounded half-up to cents); none is computed by the code under test.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from helpers_validate import run_main
from slactl.config import load_config
from slactl.findings import Finding
from slactl.loading import load_text
from slactl.model import Agreement
from slactl.parse import parse_document
from slactl.validate import validate_paths

CASES = Path(__file__).resolve().parents[1] / "cases"
COMPLETE = (CASES / "valid" / "complete.yaml").read_text()
HOSTING_BANDS = """      bands:
        - {from: 99.5%, to: 99.9%, credit: 10%}
        - {from: 0%, to: 99.5%, credit: 25%}
"""


def repo(tmp_path: Path, text: str) -> Path:
    (tmp_path / ".git").mkdir(exist_ok=True)
    path = tmp_path / "a.yaml"
    path.write_text(text)
    return path


def with_bands(bands: str) -> str:
    assert HOSTING_BANDS in COMPLETE
    return COMPLETE.replace(HOSTING_BANDS, "      bands:\n" + bands)


def findings(tmp_path: Path, text: str) -> list[Finding]:
    path = repo(tmp_path, text)
    return validate_paths([path], load_config(path)).findings


def line_of(text: str, needle: str) -> int:
    hits = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


def agreement(text: str) -> Agreement:
    parsed = parse_document(load_text(text), "a.yaml")
    doc = parsed.document
    assert isinstance(doc, Agreement), parsed.findings
    return doc


# --------------------------------------------------------------------------- 1. bands


OPEN_BANDS = """        - {from: 99.9%, credit: none}
        - {from: 99.5%, to: 99.9%, credit: 10%}
        - {to: 99.5%, credit: 25%}
"""


def test_open_ended_and_no_credit_bands_validate_clean(tmp_path: Path) -> None:
    assert findings(tmp_path, with_bands(OPEN_BANDS)) == []


@pytest.mark.parametrize("spelling", ["none", "0%", "no credit"])
def test_a_no_credit_band_is_read_as_zero(spelling: str) -> None:
    doc = agreement(with_bands(f"        - {{from: 99.9%, credit: {spelling}}}\n" + HOSTING_BANDS.split("\n", 1)[1]))
    assert doc.credits is not None
    assert doc.credits.schedules[0].bands[0].credit.value == 0


def test_a_gap_is_a_warning_naming_the_uncovered_range(tmp_path: Path) -> None:
    text = with_bands("        - {from: 99.5%, to: 99.9%, credit: 10%}\n        - {to: 99%, credit: 25%}\n")
    [finding] = findings(tmp_path, text)
    assert (finding.code, finding.severity.value) == ("SLA343", "warning")
    assert "from 99% up to (not including) 99.5%" in finding.message
    assert finding.line == line_of(text, "from: 99.5%, to: 99.9%")


def test_an_overlap_is_still_an_error(tmp_path: Path) -> None:
    text = with_bands("        - {from: 99.5%, to: 99.9%, credit: 10%}\n        - {to: 99.6%, credit: 25%}\n")
    [finding] = findings(tmp_path, text)
    assert (finding.code, finding.severity.value) == ("SLA143", "error")


def test_a_band_open_above_below_another_overlaps_it(tmp_path: Path) -> None:
    text = with_bands("        - {from: 99.5%, to: 99.9%, credit: 10%}\n        - {from: 99%, credit: 25%}\n")
    codes = sorted(f.code for f in findings(tmp_path, text))
    assert "SLA143" in codes


def test_a_paying_band_open_above_credits_at_the_target(tmp_path: Path) -> None:
    text = with_bands("        - {from: 99.5%, credit: 10%}\n        - {to: 99.5%, credit: 25%}\n")
    [finding] = findings(tmp_path, text)
    assert finding.code == "SLA302"
    assert "open above" in finding.message


def test_a_negative_credit_or_above_100_is_refused(tmp_path: Path) -> None:
    text = with_bands("        - {from: 99.5%, to: 99.9%, credit: 101%}\n        - {to: 99.5%, credit: 25%}\n")
    codes = [f.code for f in findings(tmp_path, text)]
    assert "SLA132" in codes


@pytest.mark.parametrize(
    ("measured", "expected"),
    [
        # fee 1,000.00 (the --fee given); [99.5, 99.9): 10% -> 100.00; below 99.5: 25% -> 250.00
        ("99.95", None),
        ("99.9", None),
        ("100", None),
        ("99.89", "100.00"),
        ("99.5", "100.00"),
        ("99.49", "250.00"),
        ("0", "250.00"),
    ],
)
def test_credits_with_open_and_no_credit_bands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], measured: str, expected: str | None
) -> None:
    path = repo(tmp_path, with_bands(OPEN_BANDS))
    args = ["credits", str(path), "--service-level", "hosting-availability", "--availability", measured]
    run = run_main([*args, "--fee", "1000"], capsys)
    assert run.code == 0, run.err
    if expected is None:
        assert "no credit" in run.out
    else:
        assert f"= USD {expected}" in run.out, run.out


def test_report_gives_no_credit_in_a_no_credit_band_and_one_below() -> None:
    from slactl.report.credits import band_for, credit_for

    doc = agreement(with_bands(OPEN_BANDS))
    assert doc.credits is not None
    schedule = doc.credits.schedules[0]
    none_band = band_for(schedule, Decimal("100"))
    assert none_band is not None and none_band.credit.value == 0
    assert credit_for("x", "hosting", Decimal("99.95"), schedule, fee=Decimal(1000), currency="USD") is None
    line = credit_for("x", "hosting", Decimal("12.5"), schedule, fee=Decimal("1000.02"), currency="USD")
    assert line is not None and line.amount == Decimal("250.01")  # 1000.02 x 25% = 250.005 -> 250.01


def test_render_says_open_ends_and_no_credit_in_words(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = repo(tmp_path, with_bands(OPEN_BANDS))
    run = run_main(["render", "--format", "md", "-o", "-", str(path)], capsys)
    assert run.code == 0, run.err
    assert "99.9% or more | no credit" in run.out
    assert "99.5% to under 99.9% | 10% of the monthly fee" in run.out
    assert "below 99.5% | 25% of the monthly fee" in run.out


def test_semdiff_says_a_band_made_no_credit() -> None:
    from slactl.semdiff import diff_documents

    old = agreement(with_bands(OPEN_BANDS))
    new = agreement(with_bands(OPEN_BANDS.replace("to: 99.9%, credit: 10%", "to: 99.9%, credit: none")))
    changes = diff_documents(old, new)
    [change] = changes
    assert change.sentence().endswith("99.5% to 99.9% › Credit: 10% → 0%"), change.sentence()
    assert change.favour == "provider"


# --------------------------------------------------------------------------- 2. minimum, caps, kind, payment, claim

CAP_LINE = "  monthly_cap: 25%\n"


def with_terms(terms: str, bands: str = OPEN_BANDS) -> str:
    text = with_bands(bands)
    assert CAP_LINE in text
    return text.replace(CAP_LINE, CAP_LINE + terms)


TERMS = """  kind: penalty
  paid_as: future_invoices_only
  agreement_cap: 10%
  minimum: USD 150.00
  claim:
    deadline: 2 billing cycles after the incident
    must_include: [the dates and times of each incident, the affected resources]
"""


def test_the_terms_validate_clean_and_read_as_written(tmp_path: Path) -> None:
    text = with_terms(TERMS)
    assert findings(tmp_path, text) == []
    credits = agreement(text).credits
    assert credits is not None and credits.minimum is not None and credits.claim is not None
    assert (credits.kind, credits.paid_as, str(credits.agreement_cap)) == ("penalty", "future_invoices_only", "10%")
    assert (credits.minimum.amount, credits.minimum.currency) == (Decimal("150.00"), "USD")
    assert str(credits.claim.deadline) == "2 billing cycles after the incident"


@pytest.mark.parametrize(
    ("terms", "code", "needle"),
    [
        ("  minimum: EUR 1.00\n", "SLA144", "minimum: EUR"),
        ("  minimum: '0'\n", "SLA144", "minimum: '0'"),
        ("  agreement_cap: 120%\n", "SLA132", "agreement_cap"),
        ("  claim: {deadline: 30 days before the window}\n", "SLA020", "deadline"),
        ("  claim: {deadline: 0 days after the window}\n", "SLA020", "deadline"),
        ("  kind: bonus\n", "SLA020", "kind: bonus"),
        ("  paid_as: cash\n", "SLA020", "paid_as: cash"),
        ("  minimum: USD one\n", "SLA020", "minimum: USD one"),
    ],
)
def test_wrong_shapes_get_findings_at_their_line(tmp_path: Path, terms: str, code: str, needle: str) -> None:
    text = with_terms(terms)
    found = findings(tmp_path, text)
    assert [(f.code, f.line) for f in found] == [(code, line_of(text, needle))], found


def test_unused_terms_stay_out_of_the_digest() -> None:
    from slactl.digest import content_digest

    plain = agreement(COMPLETE)
    assert plain.credits is not None
    dumped = plain.model_dump(mode="json", by_alias=True)["credits"]
    assert set(dumped) == {"schedules", "monthly_cap", "claim_window", "rewards", "penalties"}
    used = agreement(with_terms("  minimum: USD 1.00\n", HOSTING_BANDS.split("\n", 1)[1]))
    assert content_digest(plain) != content_digest(used)


# The report fixture (tests/fixtures/report/agreement.yaml): term 2027-01-15 to 2028-01-14, twelve
# whole months; desk USD 28,800.00 and hosting USD 12,000.00 a term, and here storage USD 6,000.00:
# monthly fees 2,400.00 + 1,000.00 + 500.00 = 3,900.00. February 2027 has 28 days (40,320
# minutes); Sunday patching 02:00-06:00 on the 7th, 14th, 21st and 28th is excluded (960
# minutes), so one 4-hour outage leaves 1 - 240/39,360 = 99.39% in the [99%, 99.5%) band: 15%.
# Hosting earns 15% x 1,000.00 = 150.00, storage 15% x 500.00 = 75.00; 225.00 in all.
REPORT_FIXTURE = Path(__file__).parents[1] / "fixtures" / "report" / "agreement.yaml"
FEB_OUTAGES = """id,service,start,end,planned
H-1,hosting,2027-02-10 10:00,2027-02-10 14:00,no
S-1,storage,2027-02-11 10:00,2027-02-11 14:00,no
"""


def report_agreement(tmp_path: Path, terms: str) -> Path:
    text = REPORT_FIXTURE.read_text()
    item = '    - {service: hosting, quantity: 12, unit: month, unit_price: "1000.00", amount: "12,000.00"}\n'
    assert item in text and '  total: "40,800.00"\n' in text
    text = text.replace(
        item, item + '    - {service: storage, quantity: 12, unit: month, unit_price: "500.00", amount: "6,000.00"}\n'
    ).replace('  total: "40,800.00"\n', '  total: "46,800.00"\n')
    schedule = "  schedules:\n"
    text = text.replace(
        schedule,
        schedule
        + "    - service_level: storage-availability\n      bands:\n"
        + "        - {from: 99.5%, to: 99.9%, credit: 10%}\n        - {from: 99%, to: 99.5%, credit: 15%}\n"
        + "        - {to: 99%, credit: 25%}\n",
        1,
    )
    text = text.replace("  monthly_cap: 30%\n", "  monthly_cap: 30%\n" + terms)
    path = tmp_path / "agreement.yaml"
    path.write_text(text)
    return path


def feb_credits(tmp_path: Path, terms: str) -> tuple[dict[str, Decimal | None], Decimal, list[str]]:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from slactl.report import build_report

    path = report_agreement(tmp_path, terms)
    assert validate_paths([path], load_config(path)).errors == 0
    outages = tmp_path / "outages.csv"
    outages.write_text(FEB_OUTAGES)
    report = build_report(
        path, outages=outages, period="2027-02", now=datetime(2027, 6, 1, tzinfo=ZoneInfo("America/New_York"))
    )
    owed = {ln.level_id: ln.owed for ln in report.credits.lines}
    return owed, report.credits.total, [c.sentence for c in report.credits.caps]


@pytest.mark.parametrize(
    ("terms", "hosting", "storage", "kinds"),
    [
        ("", "150.00", "75.00", []),
        ("  agreement_cap: 5%\n", "150.00", "45.00", ["agreement"]),  # 5% of 3,900.00 = 195.00
        ("  agreement_cap: USD 200\n", "150.00", "50.00", ["agreement"]),
        ("  agreement_cap: USD 225.00\n", "150.00", "75.00", []),  # exactly at the cap
        ("  minimum: USD 100.00\n", "150.00", "0", ["minimum"]),
        ("  minimum: USD 75.00\n", "150.00", "75.00", []),  # at the minimum: issued
        ("  agreement_cap: 5%\n  minimum: USD 50\n", "150.00", "0", ["agreement", "minimum"]),  # cap first
    ],
)
def test_report_applies_the_agreement_cap_then_the_minimum(
    tmp_path: Path, terms: str, hosting: str, storage: str, kinds: list[str]
) -> None:
    owed, total, sentences = feb_credits(tmp_path, terms)
    assert owed == {"hosting-availability": Decimal(hosting), "storage-availability": Decimal(storage)}
    assert total == Decimal(hosting) + Decimal(storage)
    said = ["agreement" if s.startswith("Credits of all services") else "minimum" for s in sentences]
    assert said == kinds, sentences


def test_credits_command_applies_the_minimum_and_a_fixed_agreement_cap(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = report_agreement(tmp_path, "  agreement_cap: USD 120\n  minimum: USD 80\n")
    base = ["credits", str(path), "--availability"]
    run = run_main([*base, "99.4", "--service-level", "hosting-availability"], capsys)
    assert run.code == 0, run.err
    assert "= USD 150.00, capped at the agreement cap of USD 120.00: USD 120.00." in run.out
    run = run_main([*base, "99.4", "--service-level", "storage-availability"], capsys)
    assert "= USD 75.00; that is below the minimum credit of USD 80.00: none is issued." in run.out


def test_render_states_the_terms_in_plain_words(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = repo(tmp_path, with_terms(TERMS))
    run = run_main(["render", "--format", "md", "-o", "-", str(path)], capsys)
    assert run.code == 0, run.err
    out = " ".join(run.out.split())
    # complete.yaml prices desk at USD 54,000.00 and hosting at USD 6,000.00 over twelve months:
    # 4,500.00 + 500.00 = 5,000.00 a month; 10% of it is 500.00.
    for sentence in (
        "A credit is a penalty, deducted from the invoice of the period in which it is earned.",
        "Credits are set against future invoices only; they are never paid out.",
        "never exceed 10% of the fees of all services for that window: for one month, USD 500.00 of USD 5,000.00.",
        "A credit below USD 150.00 is not issued: a credit worked out at USD 149.99 is not issued, "
        "one of USD 150.00 is.",
        "The customer claims a credit within 2 billing cycles after the incident.",
        "A claim must include the dates and times of each incident and the affected resources.",
    ):
        assert sentence in out, sentence


def test_render_of_an_agreement_without_the_terms_says_nothing_of_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = run_main(["render", "--format", "md", "-o", "-", str(repo(tmp_path, COMPLETE))], capsys)
    assert run.code == 0, run.err
    for word in ("penalty, deducted", "future invoices", "across every service", "is not issued", "must include"):
        assert word not in run.out


DEADLINE = "  claim: {{deadline: {}}}\n"


@pytest.mark.parametrize(
    ("old", "new", "favour"),
    [
        ("  minimum: USD 1.00\n", "  minimum: USD 5.00\n", "provider"),
        ("  agreement_cap: 10%\n", "  agreement_cap: 20%\n", "customer"),
        ("  agreement_cap: USD 500\n", "  agreement_cap: USD 400\n", "provider"),
        (DEADLINE.format("30 days after the window"), DEADLINE.format("60 days after the window"), "customer"),
        (DEADLINE.format("30 days after the window"), DEADLINE.format("1 billing cycle after the incident"), None),
        ("", "  minimum: USD 1.00\n", "provider"),
        ("", "  agreement_cap: 50%\n", "provider"),
    ],
)
def test_semdiff_says_whose_favour_a_credit_term_change_is_in(old: str, new: str, favour: str | None) -> None:
    from slactl.semdiff import diff_documents

    bands = HOSTING_BANDS.split("\n", 1)[1]
    [change] = diff_documents(agreement(with_terms(old, bands)), agreement(with_terms(new, bands)))
    assert change.favour == favour, change


# --------------------------------------------------------------------------- 3. per-event credits

# Business hours Mon-Fri 08:00-17:00 New York; p1-response is 1 hour. T1 answered in 30 minutes,
# T2 in 2 hours and T3 in 3 hours: two late tickets in February 2027.
FEB_TICKETS = """id,priority,service,opened,first_response,resolved
T1,P1,desk,2027-02-02 09:00,2027-02-02 09:30,2027-02-02 10:00
T2,P1,desk,2027-02-03 09:00,2027-02-03 11:00,2027-02-03 12:00
T3,P1,desk,2027-02-04 09:00,2027-02-04 12:00,2027-02-04 13:00
"""


def per_event_report(
    tmp_path: Path, schedules: str, outages: str = FEB_OUTAGES, edit: str = ""
) -> dict[str, list[Decimal | None]]:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from slactl.report import build_report

    text = REPORT_FIXTURE.read_text().replace("  schedules:\n", "  schedules:\n" + schedules, 1)
    if edit:
        old, new = edit.split("|")
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "agreement.yaml"
    path.write_text(text)
    result = validate_paths([path], load_config(path))
    assert result.errors == 0, result.findings
    (tmp_path / "tickets.csv").write_text(FEB_TICKETS)
    (tmp_path / "outages.csv").write_text(outages)
    report = build_report(
        path,
        tickets=tmp_path / "tickets.csv",
        outages=tmp_path / "outages.csv",
        period="2027-02",
        now=datetime(2027, 6, 1, tzinfo=ZoneInfo("America/New_York")),
    )
    owed: dict[str, list[Decimal | None]] = {}
    for line in report.credits.lines:
        owed.setdefault(line.level_id, []).append(line.owed)
    return owed


@pytest.mark.parametrize(
    ("per_event", "expected"),
    [
        ("{amount: USD 50}", "100.00"),  # 2 late tickets x 50.00
        ("{amount: '33.335'}", "66.67"),  # 2 x 33.335 = 66.67 (half-up to cents)
        ("{percent: 5%}", "240.00"),  # 2 x 5% of the desk monthly fee 2,400.00
    ],
)
def test_a_credit_per_late_ticket(tmp_path: Path, per_event: str, expected: str) -> None:
    owed = per_event_report(tmp_path, f"    - {{service_level: p1-response, per_event: {per_event}}}\n")
    assert owed["p1-response"] == [Decimal(expected)]


def test_a_credit_per_outage_adds_to_the_bands(tmp_path: Path) -> None:
    # Hosting in February: H-1 4 hours and H-2 1 hour, 300 of 39,360 minutes: 99.24%, the 15%
    # band (150.00); and 2 outages x 1% of 1,000.00 = 20.00.
    outages = FEB_OUTAGES.replace(
        "S-1,storage,2027-02-11 10:00,2027-02-11 14:00", "H-2,hosting,2027-02-12 10:00,2027-02-12 11:00"
    )
    edit = (
        "    - service_level: hosting-availability\n      bands:\n|"
        "    - service_level: hosting-availability\n      per_event: {percent: 1%}\n      bands:\n"
    )
    owed = per_event_report(tmp_path, "", outages, edit)
    assert owed["hosting-availability"] == [Decimal("150.00"), Decimal("20.00")]


@pytest.mark.parametrize(
    "schedule",
    [
        "    - {service_level: hosting-availability, per_event: {amount: USD 5, percent: 1%}}  # here\n",
        "    - {service_level: hosting-availability, per_event: {}}  # here\n",
        "    - {service_level: hosting-availability}  # here\n",
    ],
)
def test_per_event_shapes_are_checked(tmp_path: Path, schedule: str) -> None:
    text = COMPLETE.replace("  schedules:\n", "  schedules:\n" + schedule, 1)
    found = findings(tmp_path, text)
    assert [(f.severity.value, f.line) for f in found] == [("error", line_of(text, "# here"))], found


def test_render_and_semdiff_say_the_per_event_credit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from slactl.semdiff import diff_documents

    text = COMPLETE.replace(
        "  schedules:\n", "  schedules:\n    - {service_level: desk-p1-response, per_event: {amount: USD 50}}\n", 1
    )
    run = run_main(["render", "--format", "md", "-o", "-", str(repo(tmp_path, text))], capsys)
    assert run.code == 0, run.err
    assert (
        "For each late ticket of desk-p1-response, a credit of USD 50.00: three late tickets in a window earn "
        "USD 150.00." in " ".join(run.out.split())
    )
    [change] = diff_documents(agreement(text), agreement(text.replace("USD 50}", "USD 40}")))
    assert change.favour == "provider"


# --------------------------------------------------------------------------- 4. the base


def base_report(tmp_path: Path, base: str, charges: str | None) -> tuple[list[Decimal | None], list[str]]:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from slactl.report import build_report

    text = REPORT_FIXTURE.read_text().replace("  monthly_cap: 30%\n", f"  monthly_cap: 30%\n  base: {base}\n")
    path = tmp_path / "agreement.yaml"
    path.write_text(text)
    assert validate_paths([path], load_config(path)).errors == 0
    (tmp_path / "outages.csv").write_text(FEB_OUTAGES)
    if charges is not None:
        (tmp_path / "charges.csv").write_text(charges)
    report = build_report(
        path,
        outages=tmp_path / "outages.csv",
        charges=tmp_path / "charges.csv" if charges is not None else None,
        period="2027-02",
        now=datetime(2027, 6, 1, tzinfo=ZoneInfo("America/New_York")),
    )
    lines = [ln for ln in report.credits.lines if ln.level_id == "hosting-availability"]
    return [ln.owed for ln in lines], [ln.sentence for ln in lines]


@pytest.mark.parametrize(
    ("base", "charges", "owed", "words"),
    [
        # H-1 leaves hosting at 99.39% in February: the 15% band.
        ("pricing", None, "150.00", "monthly fee USD 1,000.00"),  # the priced 1,000.00
        ("USD 2,000", None, "300.00", "monthly fee USD 2,000.00"),  # a fixed fee: 15% x 2,000.00
        ("usage", 'window,service,amount\n2027-02-01,hosting,"1,234.56"\n', "185.18", "charges for Feb 2027"),
        ("usage", "window,service,amount\nFeb 2027,hosting,1000.10\nMar 2027,hosting,9999\n", "150.02", "charges"),
        ("usage", 'window,service,amount\n2027-02-01,hosting,600\n2027-02-01,hosting,"400.00"\n', "150.00", "charges"),
    ],
)
def test_the_base_a_credit_is_a_share_of(tmp_path: Path, base: str, charges: str | None, owed: str, words: str) -> None:
    amounts, sentences = base_report(tmp_path, base, charges)
    assert amounts == [Decimal(owed)]
    assert words in sentences[0]


@pytest.mark.parametrize(
    ("charges", "reason"),
    [(None, "no charges file was given"), ("window,service,amount\n2027-03-01,hosting,5\n", "no row for Feb 2027")],
)
def test_usage_without_charges_for_the_window_gives_no_amount(tmp_path: Path, charges: str | None, reason: str) -> None:
    amounts, sentences = base_report(tmp_path, "usage", charges)
    assert amounts == [None]
    assert reason in sentences[0]


def test_report_cli_reads_charges_and_refuses_a_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = REPORT_FIXTURE.read_text().replace("  monthly_cap: 30%\n", "  monthly_cap: 30%\n  base: usage\n")
    path = tmp_path / "agreement.yaml"
    path.write_text(text)
    (tmp_path / "outages.csv").write_text(FEB_OUTAGES)
    good = tmp_path / "charges.csv"
    good.write_text("window,service,amount\n2027-02-01,hosting,2000\n")
    base = ["report", str(path), "--outages", str(tmp_path / "outages.csv"), "--period", "2027-02"]
    run = run_main([*base, "--as-of", "2027-06-01", "--format", "json", "--charges", str(good)], capsys)
    assert run.code == 0, run.err
    [line] = [c for c in json.loads(run.out)["credits"]["lines"] if c["service_level"] == "hosting-availability"]
    assert line["owed"] == "300.00"
    bad = tmp_path / "bad.csv"
    bad.write_text("window,service,amount\n2027-02-01,hosting,12.5.0\n")
    run = run_main([*base, "--as-of", "2027-06-01", "--charges", str(bad)], capsys)
    assert run.code == 2 and "line 2" in run.err and "bad.csv" in run.err


def test_credits_fee_is_the_base_when_given(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = REPORT_FIXTURE.read_text().replace("  monthly_cap: 30%\n", "  monthly_cap: 30%\n  base: usage\n")
    path = tmp_path / "agreement.yaml"
    path.write_text(text)
    args = ["credits", str(path), "--service-level", "hosting-availability", "--availability", "99.4"]
    run = run_main([*args, "--fee", "800"], capsys)
    assert run.code == 0, run.err
    assert "= USD 120.00" in run.out  # 15% x 800.00
