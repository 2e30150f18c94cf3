"""US federal holidays (5 U.S.C. 6103) with their observed days.

Rules are the ones in force since the Uniform Monday Holiday Act (1971): Birthday of
Martin Luther King, Jr. from 1986, Juneteenth from 2021, and Veterans Day on the
fourth Monday of October in 1971-1977. Earlier years get the 1971 rules, which is not
historically exact. One-off closures by executive order (e.g. Christmas Eve in some
years) and Inauguration Day (Washington D.C. area only) are not statutory holidays
here; add them to a calendar's explicit holidays.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import date, timedelta
from types import MappingProxyType

__all__ = ["federal_holiday_dates", "federal_holidays_between", "us_federal_holidays"]

_MON, _THU, _SAT, _SUN = 0, 3, 5, 6


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> date:
    last = (date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _observed(day: date) -> date:
    # 5 U.S.C. 6103(b): Saturday -> Friday before, Sunday -> Monday after.
    wd = day.weekday()
    if wd == _SAT:
        return day - timedelta(days=1)
    if wd == _SUN:
        return day + timedelta(days=1)
    return day


@functools.lru_cache(maxsize=512)
def _year_table(year: int) -> Mapping[date, str]:
    if not 1 <= year <= 9998:
        raise ValueError(f"year {year} is outside the supported range 1..9998")
    out: dict[date, str] = {}

    def fixed(month: int, day: int, name: str) -> None:
        actual = date(year, month, day)
        seen = _observed(actual)
        # Jan 1 on a Saturday is observed in the previous year; that year's table has it.
        if seen.year == year:
            out[seen] = name if seen == actual else f"{name} (observed)"

    fixed(1, 1, "New Year's Day")
    if year >= 1986:
        out[_nth_weekday(year, 1, _MON, 3)] = "Birthday of Martin Luther King, Jr."
    out[_nth_weekday(year, 2, _MON, 3)] = "Washington's Birthday"
    out[_last_weekday(year, 5, _MON)] = "Memorial Day"
    if year >= 2021:
        fixed(6, 19, "Juneteenth National Independence Day")
    fixed(7, 4, "Independence Day")
    out[_nth_weekday(year, 9, _MON, 1)] = "Labor Day"
    out[_nth_weekday(year, 10, _MON, 2)] = "Columbus Day"
    if 1971 <= year <= 1977:
        out[_nth_weekday(year, 10, _MON, 4)] = "Veterans Day"
    else:
        fixed(11, 11, "Veterans Day")
    out[_nth_weekday(year, 11, _THU, 4)] = "Thanksgiving Day"
    fixed(12, 25, "Christmas Day")
    if date(year + 1, 1, 1).weekday() == _SAT:
        out[date(year, 12, 31)] = "New Year's Day (observed)"
    return MappingProxyType(dict(sorted(out.items())))


def us_federal_holidays(year: int) -> dict[date, str]:
    """Observed federal holidays falling in ``year``: observed date -> name.

    Names of shifted holidays end in "(observed)". Dec 31 is included when the next
    New Year's Day is a Saturday.
    """
    return dict(_year_table(year))


def federal_holidays_between(first: date, last: date) -> dict[date, str]:
    """Observed federal holidays with ``first <= date <= last`` (cached per year)."""
    return {
        day: name
        for year in range(first.year, last.year + 1)
        for day, name in _year_table(year).items()
        if first <= day <= last
    }


def federal_holiday_dates(year: int) -> frozenset[date]:
    """The observed federal holiday dates in ``year`` as a set (cached)."""
    return _date_set(year)


@functools.lru_cache(maxsize=512)
def _date_set(year: int) -> frozenset[date]:
    return frozenset(_year_table(year))
