"""Report periods (``2027-03``, ``2027-Q2``, ``FY2027``, ``START..END``) and measurement windows.

A window is a run of whole local days ``[start, end)``. Windows are cut to the report
period and to the agreement's term; a cut window keeps the dates of its full window so
that it can be prorated (``fraction`` = days measured / days in the full window).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from slactl.errors import SlactlError
from slactl.fiscal import fiscal_year_first, fiscal_year_of

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ONE = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Period:
    """The dates a report covers, both ends included."""

    start: date
    end: date  # inclusive
    label: str

    @property
    def stop(self) -> date:
        """The day after the last day (exclusive end)."""
        return self.end + _ONE


@dataclass(frozen=True, slots=True)
class Window:
    """One measurement window: local days ``[start, stop)``, maybe cut from ``[full_start, full_stop)``."""

    label: str
    start: date
    stop: date  # exclusive
    full_start: date
    full_stop: date

    @property
    def days(self) -> int:
        return (self.stop - self.start).days

    @property
    def full_days(self) -> int:
        return (self.full_stop - self.full_start).days

    @property
    def partial(self) -> bool:
        return self.days != self.full_days

    @property
    def fraction(self) -> Decimal:
        """Share of the full window measured (1 for a whole window)."""
        return Decimal(self.days) / Decimal(self.full_days)

    @property
    def last(self) -> date:
        return self.stop - _ONE


def _month_start(day: date, months: int = 0) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


_P_MONTH = re.compile(r"(\d{4})-(\d{2})")
_P_QUARTER = re.compile(r"(\d{4})-Q([1-4])", re.IGNORECASE)
_P_FY = re.compile(r"FY(\d{4})", re.IGNORECASE)
_P_FQ = re.compile(r"FY(\d{4})-?Q([1-4])", re.IGNORECASE)
_P_RANGE = re.compile(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})")


def parse_period(text: str, fy_start: tuple[int, int] = (10, 1)) -> Period:
    """A period: ``2027-03``, ``2027-Q2`` (calendar), ``FY2027``, ``FY2027-Q3``, ``2027-01-01..2027-03-31``.

    Its dates are those of agreements: from 1900-01-01 and before 9000-01-01.
    """
    from slactl.model.types import MAX_DATE, MIN_DATE

    period = _parse_period(text.strip(), fy_start)
    if period.start < MIN_DATE or period.end > MAX_DATE:
        raise SlactlError(
            f"period {text.strip()!r} is not within {MIN_DATE.isoformat()}..{MAX_DATE.isoformat()}",
            hint="the dates of a report are those of an agreement: from 1900-01-01 and before 9000-01-01",
        )
    return period


def _parse_period(value: str, fy_start: tuple[int, int]) -> Period:
    try:
        if m := _P_MONTH.fullmatch(value):
            start = date(int(m.group(1)), int(m.group(2)), 1)
            return Period(start, _month_start(start, 1) - _ONE, f"{_MONTHS[start.month - 1]} {start.year}")
        if m := _P_QUARTER.fullmatch(value):
            start = date(int(m.group(1)), 3 * int(m.group(2)) - 2, 1)
            return Period(start, _month_start(start, 3) - _ONE, f"{m.group(1)}-Q{m.group(2)}")
        if m := _P_FQ.fullmatch(value):
            fy, q = int(m.group(1)), int(m.group(2))
            first = fiscal_year_first(fy, fy_start)
            start = _shift_months(first, 3 * (q - 1))
            stop = fiscal_year_first(fy + 1, fy_start) if q == 4 else _shift_months(first, 3 * q)
            return Period(start, stop - _ONE, f"FY{fy} Q{q}")
        if m := _P_FY.fullmatch(value):
            fy = int(m.group(1))
            start = fiscal_year_first(fy, fy_start)
            return Period(start, fiscal_year_first(fy + 1, fy_start) - _ONE, f"FY{fy}")
        if m := _P_RANGE.fullmatch(value):
            start, end = date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2))
            if end < start:
                raise SlactlError(
                    f"period {value!r} ends before it starts", hint="write START..END, e.g. 2027-01-01..2027-03-31"
                )
            return Period(start, end, f"{start.isoformat()} to {end.isoformat()}")
    except (ValueError, OverflowError) as exc:
        raise SlactlError(f"period {value!r} is not a real date: {exc}") from None
    raise SlactlError(
        f"cannot read period {value!r}",
        hint="write a month (2027-03), a quarter (2027-Q2), a fiscal year (FY2027) or dates (2027-01-01..2027-03-31)",
    )


def anchored_day(year: int, month: int, anchor: int) -> date:
    """Day ``anchor`` of the month, or the month's last day when it is shorter (31 -> Feb 28)."""
    last = (_month_start(date(year, month, 1), 1) - _ONE).day
    return date(year, month, min(anchor, last))


def _anchored_months(first: date, last: date, anchor: int) -> list[Window]:
    """Monthly windows starting on day ``anchor`` (clamped to month ends) that overlap ``first..last``."""
    index = first.year * 12 + first.month - 1
    if anchored_day(index // 12, index % 12 + 1, anchor) > first:
        index -= 1
    out: list[Window] = []
    start = anchored_day(index // 12, index % 12 + 1, anchor)
    while start <= last:
        index += 1
        stop = anchored_day(index // 12, index % 12 + 1, anchor)
        label = f"{start.isoformat()} to {(stop - _ONE).isoformat()}"
        out.append(Window(label, start, stop, start, stop))
        start = stop
    return out


def _full_windows(
    kind: str, first: date, last: date, term: tuple[date, date], fy_start: tuple[int, int], anchor: int | None = None
) -> list[Window]:
    """Uncut windows of ``kind`` that overlap ``first..last`` (inclusive)."""
    out: list[Window] = []
    if kind == "calendar_month" and anchor is not None and anchor != 1:
        return _anchored_months(first, last, anchor)
    if kind == "term":
        return [Window("Term", term[0], term[1] + _ONE, term[0], term[1] + _ONE)]
    if kind == "week":
        start = first - timedelta(days=first.weekday())
        while start <= last:
            stop = start + timedelta(days=7)
            out.append(Window(f"Week of {start.isoformat()}", start, stop, start, stop))
            start = stop
        return out
    if kind in ("calendar_month", "calendar_quarter"):
        step = 1 if kind == "calendar_month" else 3
        start = _month_start(first)
        if step == 3:
            start = date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
        while start <= last:
            stop = _month_start(start, step)
            label = (
                f"{_MONTHS[start.month - 1]} {start.year}"
                if step == 1
                else f"{start.year}-Q{(start.month - 1) // 3 + 1}"
            )
            out.append(Window(label, start, stop, start, stop))
            start = stop
        return out
    if kind in ("fiscal_quarter", "fiscal_year"):
        fy = fiscal_year_of(first, fy_start)
        while fiscal_year_first(fy, fy_start) <= last:
            fy_first, fy_next = fiscal_year_first(fy, fy_start), fiscal_year_first(fy + 1, fy_start)
            if kind == "fiscal_year":
                out.append(Window(f"FY{fy}", fy_first, fy_next, fy_first, fy_next))
            else:
                for q in range(4):
                    start = _shift_months(fy_first, 3 * q)
                    stop = fy_next if q == 3 else _shift_months(fy_first, 3 * q + 3)
                    out.append(Window(f"FY{fy} Q{q + 1}", start, stop, start, stop))
            fy += 1
        return out
    raise ValueError(f"unknown window {kind!r}")


def _shift_months(day: date, months: int) -> date:
    base = _month_start(day, months)
    return base.replace(day=min(day.day, 28))


def windows(
    kind: str | None,
    period: Period,
    term: tuple[date, date],
    fy_start: tuple[int, int] = (10, 1),
    anchor: int | None = None,
    rolling_days: int | None = None,
) -> list[Window]:
    """The windows of ``kind`` (default calendar months) inside the period and the term, cut at both.

    ``anchor``: monthly windows start on that day of the month (clamped to the month's last day).
    ``rolling``: one window of ``rolling_days`` days ends on each day of the period (inside the
    term); it reaches back before the period, but not before the term (a cut window is partial).
    """
    first = max(period.start, term[0])
    last = min(period.end, term[1])
    if last < first:
        return []
    out: list[Window] = []
    if kind == "rolling":
        if rolling_days is None or rolling_days < 1:
            raise ValueError("a rolling window needs rolling_days >= 1")
        span = timedelta(days=rolling_days)
        for n in range((last - first).days + 1):
            stop = first + timedelta(days=n + 1)
            full_start = stop - span
            label = f"{rolling_days} days to {(stop - _ONE).isoformat()}"
            out.append(Window(label, max(full_start, term[0]), stop, full_start, stop))
        return out
    for full in _full_windows(kind or "calendar_month", first, last, term, fy_start, anchor):
        start = max(full.start, first)
        stop = min(full.stop, last + _ONE)
        if stop > start:
            out.append(Window(full.label, start, stop, full.full_start, full.full_stop))
    return out
