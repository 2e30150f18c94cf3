"""The last day a credit may be claimed: `credits.claim.deadline` (or `claim_window`) worked out for one window.

`30 days after the window` counts from the window's last day; `2 billing cycles after the
incident` ends with the second billing cycle after the one the incident fell in, a billing
cycle being the level's monthly window (from its `window_anchor`, else the 1st); `5 business
days` counts the days the level's calendar is open (Monday to Friday without one).
"""

from __future__ import annotations

import calendar as _calendar
from datetime import date, datetime, time, timedelta

from slactl.model.agreement import Agreement, ClaimDeadline, ClaimUnit, ServiceLevel
from slactl.model.types import Duration
from slactl.report.periods import Window

# Most business days a deadline may count: a year of them and more is a typo, not a term.
_MAX_SCAN_DAYS = 5 * 366


def claim_deadline(agreement: Agreement) -> ClaimDeadline | None:
    """The agreement's claim deadline: `claim.deadline`, else the older `claim_window` (days after the window)."""
    credits = agreement.credits
    if credits is None:
        return None
    if credits.claim is not None and credits.claim.deadline is not None:
        return credits.claim.deadline
    window = credits.claim_window
    if isinstance(window, Duration) and window.unit in ("days", "weeks", "business_days"):
        count = int(window.value) * (7 if window.unit == "weeks" else 1)
        unit: ClaimUnit = "business_days" if window.unit == "business_days" else "days"
        return ClaimDeadline(count, unit, "window") if count > 0 and window.value == int(window.value) else None
    return None


def claim_by(
    agreement: Agreement, level: ServiceLevel, window: Window, first_event: datetime | None
) -> tuple[date, str] | None:
    """The last day to claim the window's credit, and the deadline it comes from; None when it cannot be known.

    A deadline after the incident needs the window's first incident (``first_event``).
    """
    deadline = claim_deadline(agreement)
    if deadline is None:
        return None
    if deadline.after == "window":
        ref, said = window.full_stop - timedelta(days=1), str(deadline)
    elif first_event is not None:
        ref, said = first_event.date(), f"{deadline} of {first_event:%Y-%m-%d}, the window's first"
    else:
        return None
    if deadline.unit == "days":
        return ref + timedelta(days=deadline.count), said
    if deadline.unit == "months":
        return _add_months(ref, deadline.count), said
    if deadline.unit == "billing_cycles":
        anchor = level.window_anchor or 1
        start = _cycle_start(ref, anchor)
        return _cycle_day(start, deadline.count + 1, anchor) - timedelta(days=1), said
    day = _business_days_after(agreement, level, ref, deadline.count)
    return (day, said) if day is not None else None


def _cycle_day(start: date, months: int, anchor: int) -> date:
    """The anchor day ``months`` months after ``start``'s month (the month's last day when it is shorter)."""
    index = start.year * 12 + start.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(anchor, _calendar.monthrange(year, month)[1]))


def _cycle_start(day: date, anchor: int) -> date:
    """The first day of the billing cycle ``day`` falls in."""
    this = _cycle_day(day.replace(day=1), 0, anchor)
    return this if this <= day else _cycle_day(day.replace(day=1), -1, anchor)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


def _business_days_after(agreement: Agreement, level: ServiceLevel, ref: date, count: int) -> date | None:
    """The ``count``-th day after ``ref`` on which the level's calendar is open."""
    from zoneinfo import ZoneInfo

    from slactl.clock import open_us_between
    from slactl.report.measure.engine import business_calendar_of

    spec = agreement.calendar_for(level)
    cal = business_calendar_of(spec) if spec is not None else None
    zone = ZoneInfo(spec.timezone) if spec is not None else None
    day, left = ref, count
    for _ in range(_MAX_SCAN_DAYS):
        day += timedelta(days=1)
        if cal is None or zone is None:
            is_open = day.weekday() < 5
        else:
            a = datetime.combine(day, time(), zone)
            b = datetime.combine(day + timedelta(days=1), time(), zone)
            is_open = open_us_between(cal, _us(a), _us(b)) > 0
        left -= is_open
        if left == 0:
            return day
    return None


def _us(when: datetime) -> int:
    return int(when.timestamp() * 1_000_000)
