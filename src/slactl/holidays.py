"""Public holidays from the `holidays` package (Open World Holidays Framework).

A :class:`HolidaySet` names a country (ISO 3166 code), optionally a subdivision (state,
region, province) and holiday categories (``public`` by default; ``bank``, ``government``,
``optional``... as the country offers them). ``observed=True`` closes a holiday on the day
it is observed *instead of* its own date when the country moves it (US: Saturday -> Friday
before, Sunday -> Monday after; New Year's Day on a Saturday is observed on Dec 31 of the
year before); ``observed=False`` closes only the holidays' own dates.

US federal holidays (5 U.S.C. 6103, what ``federal_holidays: true`` means) are
``HolidaySet("US")``: the package's US public holidays with observed days. One-off closures
by executive order and Inauguration Day are not in it; add them to a calendar's explicit
holidays.

The package knows each country from a first year (US: 1777; a year before it is an error,
not an empty set) to 2100; later years follow its rules as they stand today, except for
dates it only has as tables (lunar calendars), which end in 2100.

The package is imported on first use only, so a command that meets no holiday calendar
never loads it. Each year table, and what validation needs of a country (its subdivisions
and categories), is kept once computed in the user's cache folder (:mod:`slactl.usercache`,
keyed by the package's version and this module's code), so a later run needs no package
import for it.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from slactl.usercache import JsonStore

__all__ = [
    "US_FEDERAL",
    "HolidaySet",
    "federal_holiday_dates",
    "federal_holidays_between",
    "holiday_dates",
    "holiday_names",
    "holiday_set_problem",
    "us_federal_holidays",
]

# How far a moved holiday may land from its own date (US: one day; others up to a week).
_MOVE = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class HolidaySet:
    """One country's (or subdivision's) holidays of some categories; hashable, so tables are cached."""

    country: str
    subdivision: str | None = None
    categories: tuple[str, ...] = ("public",)
    observed: bool = True

    def describe(self) -> str:
        """'US', 'US-TX', 'ES-AN public and optional' (categories named unless only public)."""
        where = self.country if self.subdivision is None else f"{self.country}-{self.subdivision}"
        if self.categories != ("public",):
            where += " " + " and ".join(self.categories)
        return where if self.observed else f"{where} (own dates, not observed days)"


US_FEDERAL = HolidaySet("US")


def _package() -> Any:
    import holidays  # lazy: only calendars with holidays pay for it

    return holidays


def _entity(country: str) -> Any:
    return _package().country_holidays(country).__class__


def _suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=3, cutoff=0.5)
    if not close:
        close = [c for c in choices if c.lower() == word.lower()]
    return f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


def holiday_set_problem(
    country: str, subdivision: str | None = None, categories: tuple[str, ...] = ()
) -> tuple[str, str] | None:
    """What is wrong with a holiday set: (field, message with a did-you-mean), or None.

    ``field`` is ``country``, ``subdivision`` or ``categories``. Country codes are the
    package's (ISO 3166-1 alpha-2, plus its aliases such as UK); subdivisions are its codes
    or their names; categories are those the country has.
    """
    facts = _country_facts(country)
    if facts is None:
        countries = _package().list_supported_countries(include_aliases=True)
        return "country", f"the holidays package has no country {country!r}{_suggest(country, sorted(countries))}"
    if subdivision is not None:
        known, aliases = facts["subdivisions"], facts["aliases"]
        if subdivision not in known and subdivision not in aliases:
            if not known:
                return "subdivision", f"{country} has no subdivisions in the holidays package"
            hint = _suggest(subdivision, known + sorted(aliases))
            listed = f" (it has {', '.join(known)})" if len(known) <= 20 else f" ({len(known)} are known)"
            return "subdivision", f"{country} has no subdivision {subdivision!r}{listed}{hint}"
    supported = facts["categories"]
    for category in categories:
        if category not in supported:
            return (
                "categories",
                f"{country} has no holiday category {category!r} (it has {', '.join(supported)})"
                f"{_suggest(category, supported)}",
            )
    return None


_FACTS = ("subdivisions", "aliases", "categories")


@functools.cache
def _country_facts(country: str) -> dict[str, list[str]] | None:
    """A country's subdivision codes, their aliases and its holiday categories, from the user
    cache or the package (kept in the cache); None when the package has no such country."""
    store = _store()
    key = f"country|{country}"
    if store is not None:
        value = store.get(key)
        if (
            isinstance(value, dict)
            and set(value) == set(_FACTS)
            and all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in value.values())
        ):
            return value
    if country not in _package().list_supported_countries(include_aliases=True):
        return None
    entity = _entity(country)
    facts = {
        "subdivisions": [str(code) for code in getattr(entity, "subdivisions", ()) or ()],
        "aliases": sorted(str(name) for name in dict(getattr(entity, "subdivisions_aliases", {}) or {})),
        "categories": [str(name) for name in getattr(entity, "supported_categories", ("public",))],
    }
    if store is not None:
        store.put(key, facts)
    return facts


@functools.cache
def _carried_forward(country: str) -> Any:
    # The package stops at its end year (2100); its rules are today's law, so carry them
    # forward as the hand-written federal table did (tables of lunar dates still end there).
    entity = _entity(country)
    return type(entity.__name__, (entity,), {"end_year": 9999})


def _raw(spec: HolidaySet, years: range, *, observed: bool) -> dict[date, str]:
    table = _carried_forward(spec.country)(
        years=years,
        subdiv=spec.subdivision,
        categories=spec.categories,
        observed=observed,
    )
    return dict(table.items())


@functools.lru_cache(maxsize=1024)
def _year_table(spec: HolidaySet, year: int) -> MappingProxyType[date, str]:
    store = _store()
    key = f"{spec.country}|{spec.subdivision or ''}|{','.join(spec.categories)}|{int(spec.observed)}|{year}"
    if store is not None and (stored := _stored_table(store.get(key), year)) is not None:
        return MappingProxyType(stored)
    table = _package_table(spec, year)
    if store is not None:
        store.put(key, [[day.isoformat(), name] for day, name in table.items()])
    return MappingProxyType(table)


@functools.cache
def _store() -> JsonStore | None:
    """The user cache of year tables and country facts, keyed by the package's version and this code.

    Importing the package loads every country it knows (about 0.2 s); a cached year needs none.
    """
    from importlib.metadata import PackageNotFoundError, version

    from slactl.usercache import JsonStore

    try:
        package = version("holidays")
        code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
    except (PackageNotFoundError, OSError):
        return None
    return JsonStore("holidays", f"{package}-{code}")


def _stored_table(value: Any, year: int) -> dict[date, str] | None:
    """A stored year table, or None when it is not one (never trusted to be well formed)."""
    if not isinstance(value, list):
        return None
    table: dict[date, str] = {}
    for item in value:
        if not (isinstance(item, list) and len(item) == 2 and all(isinstance(part, str) for part in item)):
            return None
        try:
            day = date.fromisoformat(item[0])
        except ValueError:
            return None
        if day.year != year:
            return None
        table[day] = item[1]
    return table


def _package_table(spec: HolidaySet, year: int) -> dict[date, str]:
    """The closed dates of ``spec`` in ``year`` from the package: date -> name, in date order."""
    entity = _entity(spec.country)
    if year < entity.start_year:
        from slactl.errors import SlactlError

        # Before it the package returns nothing: an empty set would silently open every holiday.
        raise SlactlError(
            f"the holidays package knows the holidays of {spec.describe()} from {entity.start_year} on, not in {year}",
            hint=(
                "measure from that year on, or give that year's closed dates as explicit "
                "`holidays` of a calendar without `public_holidays`"
            ),
        )
    years = range(max(1, year - 1), min(9999, year + 1) + 1)
    seen = _raw(spec, years, observed=spec.observed)
    if spec.observed:
        own = _raw(spec, years, observed=False)
        # A day that is a holiday only because one was moved there replaces the holiday's
        # own date (found by name: the moved day's name contains it, in any language).
        for moved in [d for d in seen if d not in own]:
            label = seen[moved]
            for day, names in own.items():
                if day in seen and abs(day - moved) <= _MOVE and day != moved:
                    parts = [n for n in names.split("; ") if n in label]
                    if parts and len(parts) == len(names.split("; ")):
                        del seen[day]
    return {d: n for d, n in sorted(seen.items()) if d.year == year}


def holiday_names(spec: HolidaySet, year: int) -> dict[date, str]:
    """The closed dates of ``spec`` falling in ``year``: date -> name (a copy)."""
    return dict(_year_table(spec, year))


@functools.lru_cache(maxsize=1024)
def holiday_dates(spec: HolidaySet, year: int) -> frozenset[date]:
    """The closed dates of ``spec`` in ``year`` as a set (cached)."""
    return frozenset(_year_table(spec, year))


def us_federal_holidays(year: int) -> dict[date, str]:
    """Observed US federal holidays falling in ``year``: observed date -> name.

    Names of shifted holidays end in "(observed)". Dec 31 is included when the next
    New Year's Day is a Saturday.
    """
    return holiday_names(US_FEDERAL, year)


def federal_holidays_between(first: date, last: date) -> dict[date, str]:
    """Observed federal holidays with ``first <= date <= last`` (cached per year)."""
    return {
        day: name
        for year in range(first.year, last.year + 1)
        for day, name in _year_table(US_FEDERAL, year).items()
        if first <= day <= last
    }


def federal_holiday_dates(year: int) -> frozenset[date]:
    """The observed federal holiday dates in ``year`` as a set (cached)."""
    return holiday_dates(US_FEDERAL, year)
