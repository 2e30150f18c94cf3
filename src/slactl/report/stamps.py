"""Fast timestamps for the hot loop: ISO 8601 text -> integer microseconds since the epoch (UTC).

``datetime.fromisoformat`` is fast (C), but a parse plus the arithmetic that turns its
result into an instant costs about 1 µs, three times per ticket. Exports repeat the same
few hundred dates and the same few thousand times of day, so a timestamp is cut at its
tenth character into a date (``2027-03-05``) and the rest (`` 16:55``, ``T16:55:00-05:00``),
each looked up in a table filled the first time it is seen:

* date -> microseconds of its midnight (naive epoch), and for a naive timestamp the UTC
  instant of its local midnight, when the zone keeps one UTC offset all day;
* rest -> microseconds after midnight (naive), or after midnight minus its offset (aware).

The sum is the instant, exactly what ``datetime.fromisoformat`` and the zone give: each
table entry is computed with them (``fromisoformat`` reads the date and the part after the
separator independently, so ``1970-01-01`` + rest parses the rest as any date would). Any
text the tables cannot answer (a bad date, an unusual shape) takes the exact path, so errors
and their messages are unchanged. A local time on a day the zone changes its offset is read
exactly the first time and remembered whole (such days are few).

Business time is measured on the same integers with the clock's own interval tables
(:func:`slactl.clock.open_us_counter`), which is what ``business_elapsed`` does after
converting its two datetimes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import NamedTuple

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MIN = 60_000_000
_SEC = 1_000_000
_US = timedelta(microseconds=1)
_NAIVE_EPOCH = datetime(1970, 1, 1)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_DAY_US = 86_400_000_000
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_QUARTER_HOUR = timedelta(minutes=15)
# Distinct dates and distinct times of day remembered per zone; beyond, the exact path
# (keeps memory bounded on exports with random seconds or fractions).
_LEARN_MAX = 100_000
_SECONDS = {f"{n:02d}": n * 1_000_000 for n in range(60)}
# Years read (as in agreements): instants near year 1 or 9999 overflow datetime arithmetic.
_MIN_YEAR, _MAX_YEAR = 1900, 8999


def _check_year(value: datetime) -> None:
    if not _MIN_YEAR <= value.year <= _MAX_YEAR:
        raise ValueError(f"is not from {_MIN_YEAR}-01-01 and before {_MAX_YEAR + 1}-01-01")


def to_us(value: datetime) -> int:
    """An aware datetime as microseconds since the epoch."""
    delta = value - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_us(us: int, zone: tzinfo) -> datetime:
    """Microseconds since the epoch as an aware datetime in ``zone``."""
    return (_EPOCH + timedelta(microseconds=us)).astimezone(zone)


def slow_us(text: str, zone: tzinfo) -> int:
    """Exact: ``datetime.fromisoformat``, naive values read in ``zone`` (ValueError when unreadable)."""
    value = datetime.fromisoformat(text)
    _check_year(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return to_us(value)


def _exact_parser(zone: tzinfo) -> Callable[[str], int]:
    """``slow_us`` without building a second datetime per value (the fallback of the tables)."""
    fromiso = datetime.fromisoformat
    zone_offset = zone.utcoffset
    offsets: dict[timedelta, int] = {}

    def exact(text: str) -> int:
        value = fromiso(text)
        if not _MIN_YEAR <= value.year <= _MAX_YEAR:
            _check_year(value)
        if value.tzinfo is not None:
            delta = value - _EPOCH
            return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        off = zone_offset(value)
        if off is None:  # a zone without offsets; read it exactly
            return slow_us(text, zone)
        off_us = offsets.get(off)
        if off_us is None:
            off_us = offsets[off] = off // _US
        delta = value - _NAIVE_EPOCH
        return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds - off_us

    return exact


def _uniform_offset(zone: tzinfo, day: date) -> int | None:
    """The zone's UTC offset (µs) for every wall time of ``day``, or None when it changes that day.

    Sampled every 15 minutes and at the last microsecond: offsets change at most twice a
    year, at whole quarter hours in every tzdata zone, and never change and change back
    within a quarter of an hour.
    """
    base = datetime(day.year, day.month, day.day)
    first = zone.utcoffset(base)
    if first is None:
        return None
    for k in range(1, 96):
        if zone.utcoffset(base + k * _QUARTER_HOUR) != first:
            return None
    if zone.utcoffset(base + timedelta(days=1) - _US) != first:
        return None
    return first // _US


class _Tables:
    """The date and rest tables of one zone, filled as texts are seen."""

    __slots__ = ("aware", "changing", "days", "local", "naive", "seen_days", "seen_rests", "zone")

    def __init__(self, zone: tzinfo) -> None:
        self.zone = zone
        self.days: dict[str, int] = {}  # date -> naive microseconds of its midnight
        self.local: dict[str, int] = {}  # date -> UTC microseconds of its local midnight (one-offset days)
        self.naive: dict[str, int] = {}  # rest without offset -> microseconds after midnight
        self.aware: dict[str, int] = {}  # rest with offset -> microseconds after midnight minus the offset
        self.seen_days: set[str] = set()
        self.seen_rests: set[str] = set()
        # Naive texts on a day the zone changes its offset -> their instant, read exactly.
        self.changing: dict[str, int] = {}

    def learn_day(self, key: str) -> None:
        if not _DATE.fullmatch(key):
            return
        try:
            day = date.fromisoformat(key)
        except ValueError:
            return
        if not _MIN_YEAR <= day.year <= _MAX_YEAR:  # outside the years read: the exact path refuses it
            return
        midnight = (day.toordinal() - _EPOCH_ORDINAL) * _DAY_US
        self.days[key] = midnight
        offset = _uniform_offset(self.zone, day)
        if offset is not None:
            self.local[key] = midnight - offset

    def learn_rest(self, rest: str) -> None:
        try:
            value = datetime.fromisoformat("1970-01-01" + rest)
        except ValueError:
            return
        if value.tzinfo is None:
            delta = value - _NAIVE_EPOCH
            us = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
            if 0 <= us < _DAY_US:
                self.naive[rest] = us
        else:
            delta = value - _EPOCH
            self.aware[rest] = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds

    def learn(self, text: str) -> int | None:
        """Fill the tables from ``text``; its instant, or None when they cannot answer it."""
        key, rest = text[:10], text[10:]
        if key not in self.seen_days and len(self.seen_days) < _LEARN_MAX:
            self.seen_days.add(key)
            self.learn_day(key)
        # Seconds vary too much to remember (outage exports): `T05:12:35-04:00` is read as
        # `T05:12:00-04:00` plus 35 s; the seconds field is parsed on its own either way.
        seconds = 0
        if rest[3:4] == ":" and rest[6:7] == ":" and (found := _SECONDS.get(rest[7:9])):
            seconds = found
            rest = rest[:7] + "00" + rest[9:]
        if rest not in self.seen_rests and len(self.seen_rests) < _LEARN_MAX:
            self.seen_rests.add(rest)
            self.learn_rest(rest)
        r = self.naive.get(rest)
        if r is not None:
            d = self.local.get(key)
            return self._changing(text, key) if d is None else d + r + seconds
        r = self.aware.get(rest)
        if r is not None:
            d = self.days.get(key)
            return None if d is None else d + r + seconds
        return None

    def _changing(self, text: str, key: str) -> int | None:
        """A naive text on a readable day whose offset changes (a few a year): read exactly
        once and remembered, so rows of such a day do not each take the exact path."""
        found = self.changing.get(text)
        if found is None and key in self.days and len(self.changing) < _LEARN_MAX:
            try:
                found = self.changing[text] = slow_us(text, self.zone)
            except (ValueError, OverflowError):
                return None
        return found


_Lookup = Callable[[str], int | None]


class Parsers(NamedTuple):
    """The timestamp readers of one zone (naive timestamps are local to it); see make_parsers."""

    parse: Callable[[str], int]
    quick: Callable[[str], int | None]
    # (naive, local, aware, days, seconds): the tables' ``get`` for a hot loop that inlines
    # quick(), and quick()'s answer for a text with seconds that the ``get``s do not answer
    lookups: tuple[_Lookup, _Lookup, _Lookup, _Lookup, _Lookup]


def make_parsers(zone: tzinfo) -> Parsers:
    """``(parse, quick, lookups)`` for timestamps of one zone (naive ones are local to it).

    ``parse(text)`` is exactly ``slow_us(text, zone)`` (ValueError when unreadable).
    ``quick(text)`` answers from the tables only: the same instant, or None when the text
    needs the exact path (unreadable, an unusual shape, or a table full).
    ``lookups`` are the table reads ``quick`` makes, for a loop that inlines it (the report's
    ticket scanner), and ``seconds``, which answers a text whose seconds are not ``00`` from
    its minute's entry (``learn`` keeps no entry per second): a text none of them answers must
    still go through ``parse``, which learns it.
    """
    exact = _exact_parser(zone)
    tables = _Tables(zone)
    learn = tables.learn
    # Bound methods in closure cells: the lookups below are the whole cost of a good text.
    days_get, local_get, naive_get, aware_get = tables.days.get, tables.local.get, tables.naive.get, tables.aware.get
    seconds_get = _SECONDS.get

    def seconds(text: str) -> int | None:
        # What learn() answers for such a text once its minute is known, without learning:
        # `T05:12:35-04:00` is the entry of `T05:12:00-04:00` plus 35 s.
        rest = text[10:]
        if rest[3:4] != ":" or rest[6:7] != ":" or not (extra := seconds_get(rest[7:9])):
            return None
        rest = rest[:7] + "00" + rest[9:]
        r = naive_get(rest)
        if r is not None:
            d = local_get(text[:10])
            return None if d is None else d + r + extra
        r = aware_get(rest)
        if r is not None:
            d = days_get(text[:10])
            return None if d is None else d + r + extra
        return None

    def quick(text: str) -> int | None:
        rest = text[10:]
        r = naive_get(rest)
        if r is not None:
            d = local_get(text[:10])
            if d is not None:
                return d + r
        else:
            r = aware_get(rest)
            if r is not None:
                d = days_get(text[:10])
                if d is not None:
                    return d + r
        v = seconds(text)
        return learn(text) if v is None else v

    def parse(text: str) -> int:
        v = quick(text)
        return exact(text) if v is None else v

    return Parsers(parse, quick, (naive_get, local_get, aware_get, days_get, seconds))


def make_parser(zone: tzinfo) -> Callable[[str], int]:
    """A function text -> epoch microseconds for timestamps of one zone (exactly ``slow_us``)."""
    return make_parsers(zone).parse


def elapsed_us(count: Callable[[int, int], int], a: int, b: int, holds: Sequence[tuple[int, int]] = ()) -> int:
    """Business microseconds in [a, b) minus business time on hold (holds clipped and merged).

    ``count`` is the calendar's ``slactl.clock.open_us_counter``.
    """
    if b <= a:
        return 0
    total = count(a, b)
    if len(holds) == 1:  # the usual case: one hold, no merging
        h0, h1 = holds[0]
        h0, h1 = max(h0, a), min(h1, b)
        return total - count(h0, h1) if h1 > h0 else total
    if holds:
        spans = sorted((max(h0, a), min(h1, b)) for h0, h1 in holds if min(h1, b) > max(h0, a))
        if spans:
            run_s, run_e = spans[0]
            for s, e in spans[1:]:
                if s > run_e:
                    total -= count(run_s, run_e)
                    run_s, run_e = s, e
                elif e > run_e:
                    run_e = e
            total -= count(run_s, run_e)
    return total
