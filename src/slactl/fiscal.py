"""Fiscal years, named (as the US government names them) by the calendar year they end in.

With the US federal start, October 1, FY2027 runs from 2026-10-01 to 2027-09-30; with a
January 1 start, FY2027 is the calendar year 2027. ``start`` is always ``(month, day)``.
"""

from __future__ import annotations

from datetime import date, timedelta


def fiscal_year_first(year: int, start: tuple[int, int]) -> date:
    """The first day of fiscal year ``year``."""
    month, day = start
    return date(year if (month, day) == (1, 1) else year - 1, month, day)


def fiscal_year_bounds(year: int, start: tuple[int, int]) -> tuple[date, date]:
    """The first and last day of fiscal year ``year``."""
    return fiscal_year_first(year, start), fiscal_year_first(year + 1, start) - timedelta(days=1)


def fiscal_year_of(day: date, start: tuple[int, int]) -> int:
    """The fiscal year ``day`` falls in."""
    if start == (1, 1):
        return day.year
    return day.year + 1 if (day.month, day.day) >= start else day.year
