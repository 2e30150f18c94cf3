"""The human wording of values (slactl.wording)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from slactl.model.agreement import Calendar, CreditSchedule, EscalationLevel, Renewal, ServiceLevel
from slactl.model.types import Count, Percent, Score, parse_duration, parse_percent
from slactl.wording import (
    allowed_downtime,
    credit_example,
    say_availability,
    say_cadence,
    say_calendar,
    say_credit_band,
    say_date,
    say_duration,
    say_elapsed,
    say_escalation_step,
    say_list,
    say_money,
    say_number,
    say_renewal,
    say_service_level,
    say_target,
    say_value,
    say_window,
)

BUSINESS = Calendar(timezone="America/New_York", hours={"mon-fri": "08:00-17:00"}, federal_holidays=True)
ALWAYS = Calendar(timezone="America/New_York", hours="24x7")


def level(**fields: Any) -> ServiceLevel:
    base: dict[str, Any] = {"id": "x", "service": "svc", "metric": "response_time", "target": "1h"}
    return ServiceLevel.model_validate(base | fields)


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (Decimal("448200"), "USD", "USD 448,200.00"),
        (Decimal("1500.5"), "EUR", "EUR 1,500.50"),
        (Decimal("0.005"), "USD", "USD 0.01"),  # half-up, not banker's rounding
        (Decimal("-1234567.891"), "USD", "USD -1,234,567.89"),
        (12, "USD", "USD 12.00"),
    ],
)
def test_money(amount: Decimal, currency: str, expected: str) -> None:
    assert say_money(amount, currency) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("5400"), "5,400"),
        (Decimal("2.50"), "2.5"),
        (Decimal("1E+3"), "1,000"),
        (Decimal("-1234.5"), "-1,234.5"),
    ],
)
def test_number(value: Decimal, expected: str) -> None:
    assert say_number(value) == expected


def test_dates() -> None:
    assert say_date(date(2026, 10, 1)) == "October 1, 2026"
    assert say_value(date(2027, 9, 30)) == "September 30, 2027"


@pytest.mark.parametrize(
    ("text", "calendar", "expected"),
    [
        ("1h", BUSINESS, "1 business hour"),
        ("4h", BUSINESS, "4 business hours"),
        ("30 minutes", BUSINESS, "30 business minutes"),
        ("1h 30m", BUSINESS, "1 hour 30 minutes of business time"),
        ("4h", ALWAYS, "4 hours"),
        ("4h", None, "4 hours"),
        ("30 minutes", None, "30 minutes"),
        ("90 minutes", None, "1 hour 30 minutes"),
        ("1.5h", None, "1 hour 30 minutes"),
        ("2 business days", BUSINESS, "2 business days"),
        ("1 business day", None, "1 business day"),
        ("1 week", BUSINESS, "1 week"),
        ("2 weeks", None, "2 weeks"),
        ("60 days", None, "60 days"),
        ("2 days", BUSINESS, "2 calendar days"),
        ("1 day", BUSINESS, "1 calendar day"),
        ("1.5 days", None, "1 day 12 hours"),
    ],
)
def test_duration(text: str, calendar: Calendar | None, expected: str) -> None:
    assert say_duration(parse_duration(text), calendar=calendar) == expected
    assert say_value(parse_duration(text), calendar=calendar) == expected


def test_calendars() -> None:
    assert say_calendar(BUSINESS) == "Mon-Fri 08:00-17:00 Eastern Time, federal holidays excluded"
    assert say_calendar(ALWAYS) == "24 hours a day, 7 days a week"
    split = Calendar(
        timezone="Europe/Berlin",
        hours={"mon-thu": "08:00-17:00", "fri": "08:00-12:00", "sat": ["09:00-12:00", "13:00-15:00"]},
        holidays=[date(2026, 12, 24)],
    )
    assert say_calendar(split) == (
        "Mon-Thu 08:00-17:00; Fri 08:00-12:00; Sat 09:00-12:00 and 13:00-15:00 Central European Time, "
        "December 24, 2026 excluded"
    )
    assert say_value(BUSINESS) == say_calendar(BUSINESS)


@pytest.mark.parametrize(
    ("target", "window", "expected"),
    [
        ("99.9%", "calendar_month", timedelta(minutes=43, seconds=12)),
        ("99.95%", "calendar_month", timedelta(minutes=21, seconds=36)),
        ("99.5%", "calendar_month", timedelta(hours=3, minutes=36)),
        ("99%", "fiscal_year", timedelta(days=3, hours=15, minutes=36)),
        ("100%", "week", timedelta(0)),
    ],
)
def test_allowed_downtime(target: str, window: str, expected: timedelta) -> None:
    allowed = allowed_downtime(parse_percent(target), window)
    assert allowed is not None
    assert allowed[0] == expected


def test_allowed_downtime_on_business_hours_is_per_business_week() -> None:
    # 45 open hours a week; 1% of 2700 minutes is 27 minutes.
    allowed = allowed_downtime(Percent(Decimal(99)), "calendar_month", calendar=BUSINESS)
    assert allowed == (timedelta(minutes=27), "a business week of 45 hours")
    assert allowed_downtime(Percent(Decimal(99)), "term") is None


def test_availability_sentence() -> None:
    assert say_availability(parse_percent("99.9%"), "calendar_month") == (
        "99.9% availability per calendar month (at most 43 min 12 s of downtime in a 30-day month)"
    )


@pytest.mark.parametrize(
    ("span", "expected"),
    [
        (timedelta(minutes=43, seconds=12), "43 min 12 s"),
        (timedelta(days=1, hours=2), "1 d 2 h"),
        (timedelta(0), "0 s"),
        (timedelta(seconds=59, milliseconds=600), "1 min"),
    ],
)
def test_elapsed(span: timedelta, expected: str) -> None:
    assert say_elapsed(span) == expected


def test_service_level_sentences() -> None:
    p1 = level(scope={"priority": "P1"}, attainment="95%", window="calendar_month")
    assert say_service_level(p1, calendar=BUSINESS) == (
        "P1 incidents: first response within 1 business hour (Mon-Fri 08:00-17:00 Eastern Time, "
        "federal holidays excluded), for at least 95% of tickets per calendar month."
    )
    # With its service named, one service's P1 commitment cannot be read as another's.
    assert say_service_level(p1, calendar=BUSINESS, service_name="Service Desk").startswith(
        "Service Desk, P1 incidents: first response within 1 business hour"
    )
    all_of = level(
        metric="resolution_time", scope={"request_type": "new user"}, target="1 week", window="calendar_month"
    )
    # A week is wall-clock time: the calendar is not printed after it.
    assert say_service_level(all_of, calendar=BUSINESS) == (
        "New user requests: resolution within 1 week, for every new user request per calendar month."
    )
    avail = level(metric="availability", target="99.9%", window="calendar_month")
    assert say_service_level(avail, calendar=ALWAYS, service_name="Virtual Server Hosting") == (
        "Virtual Server Hosting: 99.9% availability per calendar month "
        "(at most 43 min 12 s of downtime in a 30-day month)."
    )


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"metric": "satisfaction", "target": "4.2/5"}, "an average satisfaction score of at least 4.2 out of 5"),
        ({"metric": "satisfaction", "target": "90%"}, "at least 90% of surveyed customers satisfied"),
        ({"metric": "incident_count", "target": 2}, "at most 2 incidents"),
        ({"metric": "incident_count", "target": 1}, "at most 1 incident"),
        ({"metric": "resolution_time", "target": "2 business days"}, "resolution within 2 business days"),
    ],
)
def test_targets(fields: dict[str, Any], expected: str) -> None:
    assert say_target(level(**fields), calendar=BUSINESS) == expected


def test_windows_and_cadences() -> None:
    assert say_window("calendar_month") == "per calendar month"
    assert say_window("term") == "over the term of the agreement"
    assert say_window(None) == ""
    assert say_cadence("biweekly") == "every two weeks"
    assert say_cadence("semiannually") == "twice a year"


def test_credit_band_and_worked_example() -> None:
    schedule = CreditSchedule.model_validate(
        {
            "service_level": "x",
            "bands": [
                {"from": "99.5%", "to": "99.9%", "credit": "10%"},
                {"from": "99%", "to": "99.5%", "credit": "15%"},
                {"from": "0%", "to": "99%", "credit": "25%"},
            ],
        }
    )
    assert say_credit_band(schedule.bands[0]) == "from 99.5% up to (not including) 99.9%: 10% credit"
    assert say_credit_band(schedule.bands[2]) == "below 99%: 25% credit"
    avail = level(metric="availability", target="99.9%", window="calendar_month")
    example = credit_example(
        schedule, avail, service_name="Virtual Server Hosting", monthly_fee=Decimal("12200"), currency="USD"
    )
    assert example.measured == Percent(Decimal("99.5"))
    assert example.amount == Decimal("1220.00")
    assert example.sentence == (
        "At 99.5% availability in a calendar month, the customer receives a 10% credit of the monthly fee "
        "for Virtual Server Hosting: USD 1,220.00 of USD 12,200.00."
    )
    without_fee = credit_example(schedule, avail)
    assert without_fee.amount is None
    assert without_fee.sentence.endswith("receives a 10% credit of the monthly fee.")


def test_escalation_and_renewal() -> None:
    step = EscalationLevel.model_validate({"level": 2, "contact": "Jordan Okafor", "after": "1 business day"})
    assert say_escalation_step(step) == "Level 2: after 1 business day unresolved, escalate to Jordan Okafor."
    auto = Renewal.model_validate({"mode": "auto", "notice": "120 days"})
    said = say_renewal(auto) or ""
    assert "renews automatically" in said
    assert "at least 120 days before the end of the term" in said
    assert say_renewal(None) is None  # no renewal in the file: no sentence about one


def test_say_value_dispatch() -> None:
    assert say_value(Percent(Decimal("99.90"))) == "99.9%"
    assert say_value(Score(Decimal("4.5"), Decimal(5))) == "4.5 out of 5"
    assert say_value(Count(3)) == "3"
    assert say_value(Decimal("1500"), currency="USD") == "USD 1,500.00"
    assert say_value(Decimal("1500")) == "1,500"
    assert say_value(True) == "yes"
    assert say_value(None) == ""
    assert say_value(["E-mail", "Telephone", "Video"]) == "E-mail, Telephone and Video"
    assert say_list(["a", "b"], "or") == "a or b"
