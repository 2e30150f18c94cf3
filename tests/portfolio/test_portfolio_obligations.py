"""Obligation days against independent computations written from docs/portfolio.md.

The expected days are worked out here day by day (which fiscal quarter a day falls in,
which days are Monday to Friday) or written out by hand, never with slactl's helpers.
"""

from __future__ import annotations

import copy
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from slactl.model.agreement import Agreement
from slactl.portfolio import obligations_of, within

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
BASE: dict[str, Any] = yaml.safe_load((EXAMPLES / "lawyer-standard-sla.yaml").read_text(encoding="utf-8"))


def agreement(**top: Any) -> Agreement:
    """The lawyer example without calendars (business days are then Monday to Friday), with ``top`` replaced."""
    data = copy.deepcopy(BASE)
    data.pop("calendars")
    for level in data["service_levels"]:
        level.pop("calendar", None)
    for service in data["services"]:
        service.pop("support_hours", None)
    for key, value in top.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return Agreement.model_validate(data)


def days_of(agreement: Agreement, kind: str, fy_start: tuple[int, int] = (10, 1)) -> list[date]:
    return [o.due for o in obligations_of(agreement, fy_start=fy_start, as_of=date(2027, 1, 1)) if o.kind == kind]


def term(start: str, end: str, **more: Any) -> dict[str, Any]:
    return {"start": date.fromisoformat(start), "end": date.fromisoformat(end), **more}


def meeting(cadence: str) -> dict[str, Any]:
    return {"meetings": [{"name": "Review", "cadence": cadence, "attendees": ["James Okafor"]}]}


# --------------------------------------------------------------------------- month ends


def test_monthly_meetings_from_a_31st_land_on_each_month_end() -> None:
    a = agreement(term=term("2027-01-31", "2027-12-31"), communication=meeting("monthly"))
    expected = [
        "2027-01-31",
        "2027-02-28",
        "2027-03-31",
        "2027-04-30",
        "2027-05-31",
        "2027-06-30",
        "2027-07-31",
        "2027-08-31",
        "2027-09-30",
        "2027-10-31",
        "2027-11-30",
        "2027-12-31",
    ]
    assert [d.isoformat() for d in days_of(a, "meeting")] == expected


def test_a_leap_february_and_quarterly_steps_count_from_the_start() -> None:
    a = agreement(term=term("2028-01-31", "2028-12-31"), communication=meeting("quarterly"))
    assert [d.isoformat() for d in days_of(a, "meeting")] == ["2028-01-31", "2028-04-30", "2028-07-31", "2028-10-31"]
    b = agreement(term=term("2028-01-31", "2028-03-31"), communication=meeting("monthly"))
    assert [d.isoformat() for d in days_of(b, "meeting")] == ["2028-01-31", "2028-02-29", "2028-03-31"]


def test_biweekly_meetings_every_fourteen_days() -> None:
    a = agreement(term=term("2027-01-01", "2027-02-28"), communication=meeting("biweekly"))
    start = date(2027, 1, 1)
    assert days_of(a, "meeting") == [start + timedelta(days=14 * n) for n in range(5)]  # Jan 1 .. Feb 26


# --------------------------------------------------------------------------- fiscal years


def fiscal_windows(first: date, last: date, fy_month: int, months: int) -> list[tuple[date, date]]:
    """Windows of ``months`` months aligned on the fiscal year (starting on the 1st of ``fy_month``), day by day."""
    out: list[tuple[date, date]] = []
    day = first
    key = None
    while day <= last:
        offset = (day.month - fy_month) % 12  # months into the fiscal year
        fiscal_year = day.year + (1 if day.month >= fy_month and fy_month != 1 else 0)
        this = (fiscal_year, offset // months)
        if this != key:
            out.append((day, day))
            key = this
        else:
            out[-1] = (out[-1][0], day)
        day += timedelta(days=1)
    return out


@pytest.mark.parametrize("fy_start", [(10, 1), (2, 1), (1, 1), (7, 1)], ids=lambda s: f"fy-{s[0]:02d}")
@pytest.mark.parametrize(
    ("frequency", "months"), [("monthly", 1), ("quarterly", 3), ("semiannually", 6), ("annually", 12)]
)
def test_reports_fall_due_the_day_after_each_fiscal_window(
    fy_start: tuple[int, int], frequency: str, months: int
) -> None:
    first, last = date(2026, 10, 1), date(2027, 9, 30)
    reporting = {"reports": [{"name": "Report", "frequency": frequency, "delivery": "online"}]}
    a = agreement(term=term("2026-10-01", "2027-09-30"), reporting=reporting)
    got = [o for o in obligations_of(a, fy_start=fy_start, as_of=first) if o.kind == "report"]
    windows = fiscal_windows(first, last, fy_start[0], months)
    assert [o.due for o in got] == [b + timedelta(days=1) for _a, b in windows]
    assert [o.detail.split(";")[0] for o in got] == [f"covers {a} to {b}" for a, b in windows]


def test_annual_report_is_labelled_with_the_fiscal_year() -> None:
    reporting = {"reports": [{"name": "Annual report", "frequency": "annually", "delivery": "individual"}]}
    a = agreement(term=term("2026-10-01", "2027-09-30", fiscal_year="FY2027"), reporting=reporting)
    (report,) = [o for o in obligations_of(a, fy_start=(10, 1), as_of=date(2026, 10, 1)) if o.kind == "report"]
    assert report.summary == "Annual report for FY2027"
    assert report.due == date(2027, 10, 1)


# --------------------------------------------------------------------------- business days, claims, notices


def weekdays_after(day: date, count: int) -> date:
    while count:
        day += timedelta(days=1)
        if day.isoweekday() <= 5:  # Monday to Friday
            count -= 1
    return day


def test_claim_deadline_in_business_days_after_each_monthly_window() -> None:
    credits = copy.deepcopy(BASE["credits"])
    credits["claim"]["deadline"] = "5 business days after the window"
    a = agreement(term=term("2027-01-01", "2027-06-30"), credits=credits)
    got = [o for o in obligations_of(a, fy_start=(10, 1), as_of=date(2027, 1, 1)) if o.kind == "claim-deadline"]
    levels = sorted({o.seq for o in got})
    month_ends = [
        date(2027, 1, 31),
        date(2027, 2, 28),
        date(2027, 3, 31),
        date(2027, 4, 30),
        date(2027, 5, 31),
        date(2027, 6, 30),
    ]
    for level in levels:
        assert [o.due for o in got if o.seq == level] == [weekdays_after(end, 5) for end in month_ends]
    # Friday 2027-04-30 + 5 business days: Monday May 3 .. Friday May 7
    assert weekdays_after(date(2027, 4, 30), 5) == date(2027, 5, 7)


def test_claim_deadline_in_calendar_days_counts_from_the_window_end() -> None:
    a = agreement(term=term("2027-01-01", "2027-03-31"))  # the example's "30 days after the window"
    got = sorted(
        {o.due for o in obligations_of(a, fy_start=(10, 1), as_of=date(2027, 1, 1)) if o.kind == "claim-deadline"}
    )
    assert got == [date(2027, 3, 2), date(2027, 3, 30), date(2027, 4, 30)]  # Jan 31, Feb 28, Mar 31 + 30 days


@pytest.mark.parametrize(
    ("notice", "expected"),
    [("90 days", date(2027, 10, 2)), ("2 weeks", date(2027, 12, 17)), ("10 business days", date(2027, 12, 17))],
)
def test_renewal_notice_day(notice: str, expected: date) -> None:
    a = agreement(term=term("2027-01-01", "2027-12-31", renewal={"mode": "auto", "notice": notice}))
    assert days_of(a, "renewal-notice") == [expected]
    assert days_of(a, "term-end") == [date(2027, 12, 31)]


def test_business_day_notice_counted_independently() -> None:
    # Friday 2027-12-31 minus 10 Monday-to-Friday days, counted back one day at a time.
    day, left = date(2027, 12, 31), 10
    while left:
        day -= timedelta(days=1)
        left -= day.isoweekday() <= 5
    a = agreement(term=term("2027-01-01", "2027-12-31", renewal={"mode": "auto", "notice": "10 business days"}))
    assert days_of(a, "renewal-notice") == [day]


def test_payments_tasks_and_an_underpinning_contract() -> None:
    cec = Agreement.model_validate(yaml.safe_load((EXAMPLES / "cec-fy2027-rural-lending.yaml").read_text()))
    vendor = Agreement.model_validate(yaml.safe_load((EXAMPLES / "northwind-colocation-fy2027.yaml").read_text()))
    found = obligations_of(cec, fy_start=(10, 1), as_of=date(2026, 10, 1), others={vendor.metadata.id: vendor})
    assert [o.due.isoformat() for o in found if o.kind == "payment"] == [
        "2026-10-15",
        "2027-01-15",
        "2027-04-15",
        "2027-07-15",
    ]
    assert [o.due.isoformat() for o in found if o.kind == "start-up-task"] == ["2026-10-02", "2026-11-30", "2026-11-30"]
    (under,) = [o for o in found if o.kind == "underpinning-notice"]
    assert under.due == date(2027, 9, 30) - timedelta(days=120)  # the vendor's auto renewal, 120 days' notice
    alone = obligations_of(cec, fy_start=(10, 1), as_of=date(2026, 10, 1))
    assert not [o for o in alone if o.kind == "underpinning-notice"]
    assert found == sorted(found, key=lambda o: o.due)


def test_uids_are_stable_and_unique() -> None:
    cec = Agreement.model_validate(yaml.safe_load((EXAMPLES / "cec-fy2027-rural-lending.yaml").read_text()))
    one = obligations_of(cec, fy_start=(10, 1), as_of=date(2026, 10, 1))
    two = obligations_of(cec, fy_start=(10, 1), as_of=date(2027, 5, 5))  # another day asked: same term, same uids
    assert [o.uid for o in one] == [o.uid for o in two]
    assert len({o.uid for o in one}) == len(one)
    assert one[0].uid.startswith("cec-fy2027-rural-lending.")


def test_open_ended_term_is_followed_to_the_horizon_and_within_filters() -> None:
    a = agreement(term={"start": date(2026, 1, 1), "renewal": {"mode": "none"}}, communication=meeting("monthly"))
    meetings = days_of(a, "meeting")
    assert meetings[0] == date(2026, 1, 1)
    assert meetings[-1] == date(2028, 1, 1)  # 2027-01-01 (as_of) + 366 days reaches 2028-01-02
    found = obligations_of(a, fy_start=(10, 1), as_of=date(2027, 1, 1))
    soon = within(found, date(2027, 1, 1), 31)
    assert {o.due for o in soon if o.kind == "meeting"} == {date(2027, 1, 1), date(2027, 2, 1)}
    assert all(date(2027, 1, 1) <= o.due <= date(2027, 2, 1) for o in soon)
