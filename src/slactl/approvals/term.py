"""Where today falls in an agreement's term, and when renewal notice is due (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from slactl.model.agreement import Term


EXPIRING_WITHIN = timedelta(days=90)
TermState = Literal["not-started", "active", "expiring", "expired"]


@dataclass(frozen=True, slots=True)
class TermStatus:
    """Where today falls in the term, and when renewal notice is due."""

    state: TermState
    start: date
    end: date | None  # None: an open-ended term
    fiscal_year: str | None
    renewal_notice_date: date | None  # term end minus the renewal notice
    days_left: int | None  # days from today to the end (negative when expired); None: open-ended


def _minus_business_days(day: date, count: int) -> date:
    while count > 0:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def term_status(term: Term, today: date) -> TermStatus:
    """not-started / active / expiring (ends within 90 days) / expired, judged on ``today``.

    The renewal notice date is the term end minus ``renewal.notice``: days and weeks are
    calendar days; business days are Monday-Friday (a term has no calendar of its own);
    hours and minutes are wall time, rounded down to the day.
    """
    notice_date = None
    if term.end is None:
        # Open-ended (evergreen): it neither expires nor has a renewal notice date.
        return TermStatus("not-started" if today < term.start else "active", term.start, None,
                          term.fiscal_year, None, None)  # fmt: skip
    notice = term.renewal.notice if term.renewal is not None and term.renewal.mode != "none" else None
    if notice is not None:
        if notice.unit == "business_days":
            notice_date = _minus_business_days(term.end, int(notice.value))
        else:
            notice_date = term.end - timedelta(days=notice.to_timedelta() // timedelta(days=1))
    state: TermState
    if today < term.start:
        state = "not-started"
    elif today > term.end:
        state = "expired"
    elif term.end - today <= EXPIRING_WITHIN:
        state = "expiring"
    else:
        state = "active"
    return TermStatus(state, term.start, term.end, term.fiscal_year, notice_date, (term.end - today).days)
