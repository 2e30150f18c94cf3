"""Business-time arithmetic: how much of an interval falls inside a calendar's open hours.

A :class:`BusinessCalendar` says when the clock runs: wall-clock hours per weekday in an
IANA time zone, minus holiday dates. All arithmetic is done on integer microseconds
since the Unix epoch (UTC), so results are exact and additive.

Representation of "end of day": an interval's end of ``None`` means 24:00 (midnight at
the end of that day); ``time.max`` is accepted as a synonym and normalised to ``None``.
A 24x7 calendar is every weekday ``((time(0), None),)``; :meth:`BusinessCalendar.always`
builds one. Intervals cannot cross midnight: split an overnight shift across two days.

DST: open hours are local wall-clock times, so 08:00-17:00 is 9 real hours on every day,
and a 24x7 calendar counts real elapsed time (23 h or 25 h on changeover days). A wall
time skipped by a forward jump maps to the instant of the jump; a repeated wall time
maps to its first occurrence.

Speed: each (calendar, local year) is turned once into a sorted list of open intervals
in UTC with running totals, so one query is two binary searches, whatever its span.

Slices: :func:`business_slices` splits an interval into counted, paused and closed
stretches, each with the rule that decided it (``slactl explain``).
Longer than 600 lines because the slices read the same private year tables as the counter,
so the counted total is the counter's by construction; a module of its own would have to
reach into them.
"""

from __future__ import annotations

import functools
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slactl.holidays import (
    US_FEDERAL,
    HolidaySet,
    federal_holidays_between,
    holiday_dates,
    holiday_names,
    us_federal_holidays,
)

__all__ = [
    "BusinessCalendar",
    "DayHours",
    "HolidaySet",
    "Interval",
    "business_deadline",
    "business_elapsed",
    "business_slices",
    "federal_holidays_between",
    "is_business_time",
    "us_federal_holidays",
]

Interval = tuple[time, time | None]
"""One open span of a day: (start, end); end ``None`` means 24:00."""
DayHours = tuple[Interval, ...]
"""A weekday's open spans, sorted; empty means closed all day."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
_ONE_DAY = timedelta(days=1)
_MIDNIGHT = time(0)
_ZERO = timedelta(0)
# Mean Gregorian year; only used to guess an instant's year (off by at most one).
_AVG_YEAR_US = 31_556_952_000_000
# Shifts, not divisions: dividing by a constant above 2**30 takes CPython's slow path.
_BUCKET = 40  # instant >> _BUCKET: the bucket that finds its year (see BusinessCalendar._year)
_SLOT = 32  # instant >> _SLOT: a 71.6-minute slot of _Year.slots
_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_ALL_DAY: DayHours = ((_MIDNIGHT, None),)


class _WeeklyHours(Mapping[int, DayHours]):
    """Immutable, hashable weekday (0=Mon..6=Sun) -> DayHours; all 7 days present."""

    __slots__ = ("days",)

    def __init__(self, days: tuple[DayHours, ...]) -> None:
        self.days = days

    def __getitem__(self, weekday: int) -> DayHours:
        if type(weekday) is not int or not 0 <= weekday <= 6:
            raise KeyError(weekday)
        return self.days[weekday]

    def __iter__(self) -> Iterator[int]:
        return iter(range(7))

    def __len__(self) -> int:
        return 7

    def __hash__(self) -> int:
        return hash(self.days)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _WeeklyHours):
            return self.days == other.days
        return Mapping.__eq__(self, other)

    def __repr__(self) -> str:
        return f"{dict(self.items())!r}"


def _normalize_hours(hours: Mapping[int, Iterable[Interval]]) -> _WeeklyHours:
    days: list[DayHours] = [()] * 7
    for weekday, spans in hours.items():
        if type(weekday) is not int or not 0 <= weekday <= 6:
            raise ValueError(f"hours: weekday must be an int 0 (Mon) .. 6 (Sun), got {weekday!r}")
        cleaned: list[tuple[time, time | None]] = []
        for span in spans:
            if len(span) != 2:
                raise ValueError(f"hours[{weekday}]: expected (start, end), got {span!r}")
            start, end = span
            if end == time.max:
                end = None
            if not isinstance(start, time) or not (end is None or isinstance(end, time)):
                raise ValueError(f"hours[{weekday}]: start/end must be datetime.time, got {span!r}")
            if start.tzinfo is not None or (end is not None and end.tzinfo is not None):
                raise ValueError(f"hours[{weekday}]: times are wall-clock in the calendar's zone; drop tzinfo")
            if end is not None and end <= start:
                raise ValueError(
                    f"hours[{weekday}]: {_fmt(start)}-{_fmt(end)} is empty or crosses midnight; "
                    "use end=None for 24:00 and split overnight shifts across two days"
                )
            cleaned.append((start.replace(fold=0), None if end is None else end.replace(fold=0)))
        cleaned.sort(key=lambda s: s[0])
        merged: list[tuple[time, time | None]] = []
        for start, end in cleaned:
            if merged:
                prev_start, prev_end = merged[-1]
                if prev_end is None or start < prev_end:
                    raise ValueError(f"hours[{weekday}]: overlapping intervals at {_fmt(start)}")
                if start == prev_end:  # 08:00-12:00 + 12:00-17:00 is one span
                    merged[-1] = (prev_start, end)
                    continue
            merged.append((start, end))
        days[weekday] = tuple(merged)
    return _WeeklyHours(tuple(days))


def _fmt(t: time | None) -> str:
    if t is None:
        return "24:00"
    if t.second or t.microsecond:
        return t.isoformat()
    return f"{t.hour:02d}:{t.minute:02d}"


def day_runs(days: Sequence[int]) -> str:
    """Weekdays (0=Mon..6=Sun, in order) as runs: [0, 1, 2, 3, 4, 6] -> 'Mon-Fri, Sun'."""
    runs: list[list[int]] = []
    for d in days:
        if runs and runs[-1][-1] == d - 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    return ", ".join(_DAY_NAMES[r[0]] if len(r) == 1 else f"{_DAY_NAMES[r[0]]}-{_DAY_NAMES[r[-1]]}" for r in runs)


class _Year:
    """Open intervals of one local calendar year as UTC microseconds, with running totals.

    ``bounds`` is [start0, end0, start1, end1, ...]; ``cum[k]`` is the open time
    accumulated from ``lo`` up to ``bounds[k]``. ``slots[k]`` is the number of bounds at or
    before the start of slot ``s0 + k`` (instants ``>> _SLOT``), so finding an instant's
    place is one index and one comparison (``edges`` is ``bounds`` with ``hi`` appended),
    with a binary search only when a bound falls inside that slot.
    """

    __slots__ = ("bounds", "cum", "edges", "hi", "lo", "s0", "slots", "total", "year")

    def __init__(self, year: int, lo: int, hi: int, bounds: list[int], cum: list[int]) -> None:
        self.year = year
        self.lo = lo
        self.hi = hi
        self.bounds = bounds
        self.cum = cum
        self.total = cum[-1] if cum else 0
        self.edges = [*bounds, hi]
        self.s0 = lo >> _SLOT
        slots: list[int] = []
        k, n = 0, len(bounds)
        for slot in range(self.s0, ((hi - 1) >> _SLOT) + 1):
            start = slot << _SLOT
            while k < n and bounds[k] <= start:
                k += 1
            slots.append(k)
        self.slots = slots

    def open_before(self, us: int) -> int:
        """Open time from ``lo`` up to instant ``us`` (lo <= us < hi)."""
        bounds = self.bounds
        i = self.slots[(us >> _SLOT) - self.s0]
        if self.edges[i] <= us:
            i = bisect_right(bounds, us, i)
        if i & 1:
            return self.cum[i - 1] + us - bounds[i - 1]
        return self.cum[i - 1] if i else 0


@dataclass(frozen=True, slots=True)
class BusinessCalendar:
    """When the SLA clock runs.

    ``hours`` maps weekday (0=Mon..6=Sun) to (start, end) wall-clock intervals in
    ``timezone``; missing or empty = closed; end ``None`` = 24:00. ``holidays`` are
    extra closed dates; ``federal_holidays`` also closes observed US federal holidays;
    ``public`` closes the holidays of each :class:`HolidaySet` (the `holidays` package).
    """

    timezone: str
    hours: Mapping[int, DayHours]
    holidays: frozenset[date] = frozenset()
    federal_holidays: bool = False
    public: tuple[HolidaySet, ...] = ()
    _tz: ZoneInfo = field(init=False, repr=False, compare=False)
    _years: dict[int, _Year] = field(init=False, repr=False, compare=False, default_factory=dict)
    _buckets: dict[int, _Year] = field(init=False, repr=False, compare=False, default_factory=dict)
    _counter: Callable[[int, int], int] | None = field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        try:
            tz = ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
            raise ValueError(f"unknown IANA time zone {self.timezone!r}") from exc
        object.__setattr__(self, "_tz", tz)
        object.__setattr__(self, "hours", _normalize_hours(self.hours))
        holidays = frozenset(self.holidays)
        if not all(type(d) is date for d in holidays):
            raise ValueError("holidays must be datetime.date values (not datetimes)")
        object.__setattr__(self, "holidays", holidays)
        public = tuple(self.public)
        if not all(isinstance(h, HolidaySet) for h in public):
            raise ValueError("public must be HolidaySet values")
        object.__setattr__(self, "public", public)

    @classmethod
    def always(cls, timezone: str = "UTC") -> BusinessCalendar:
        """A 24x7 calendar with no holidays (counts real elapsed time)."""
        return cls(timezone, dict.fromkeys(range(7), _ALL_DAY))

    @classmethod
    def office_hours(
        cls,
        timezone: str,
        start: time = time(8),
        end: time | None = time(17),
        days: Iterable[int] = range(5),
        *,
        holidays: frozenset[date] = frozenset(),
        federal_holidays: bool = True,
        public: Iterable[HolidaySet] = (),
    ) -> BusinessCalendar:
        """Same hours on each of ``days``; default Mon-Fri 08:00-17:00, federal holidays closed."""
        return cls(timezone, {d: ((start, end),) for d in days}, holidays, federal_holidays, tuple(public))

    @classmethod
    def from_minutes(
        cls,
        timezone: str,
        weekly: Mapping[int, Iterable[tuple[int, int]]],
        holidays: Iterable[date] = (),
        federal_holidays: bool = False,
        public: Iterable[HolidaySet] = (),
    ) -> BusinessCalendar:
        """Build from minutes after midnight per weekday, 1440 = 24:00 (as the YAML model has)."""

        def wall(minutes: int, *, is_end: bool) -> time | None:
            if is_end and minutes == 1440:
                return None
            if not 0 <= minutes < 1440:
                raise ValueError(f"minute of day {minutes} is outside 0..1440")
            return time(minutes // 60, minutes % 60)

        hours: dict[int, DayHours] = {}
        for weekday, spans in weekly.items():
            day: list[Interval] = []
            for s, e in spans:
                start = wall(s, is_end=False)
                assert start is not None  # only an end can be 24:00
                day.append((start, wall(e, is_end=True)))
            hours[weekday] = tuple(day)
        return cls(timezone, hours, frozenset(holidays), federal_holidays, tuple(public))

    @property
    def tz(self) -> ZoneInfo:
        """The calendar's zone as a ZoneInfo."""
        return self._tz

    @property
    def is_24x7(self) -> bool:
        """Open around the clock every day of the week (holidays aside)."""
        return all(d == _ALL_DAY for d in self._days())

    def _days(self) -> tuple[DayHours, ...]:
        hours = self.hours
        assert isinstance(hours, _WeeklyHours)  # normalised in __post_init__
        return hours.days

    def describe(self) -> str:
        """Human wording, e.g. "Mon-Fri 08:00-17:00 America/New_York, federal holidays excluded"."""
        days = self._days()
        if self.is_24x7:
            if not self.federal_holidays and not self.holidays and not self.public:
                return "24x7"
            head = f"24x7 {self.timezone}"
        elif not any(days):
            head = f"never open ({self.timezone})"
        else:
            groups: dict[DayHours, list[int]] = {}
            for weekday, spans in enumerate(days):
                if spans:
                    groups.setdefault(spans, []).append(weekday)
            parts = [
                f"{day_runs(wds)} " + " and ".join(f"{_fmt(s)}-{_fmt(e)}" for s, e in spans)
                for spans, wds in groups.items()
            ]
            head = "; ".join(parts) + f" {self.timezone}"
        n = len(self.holidays)
        other = f"{n} other date{'s' if n != 1 else ''}"
        if self.public:
            sets = ", ".join(h.describe() for h in self.public)
            named = f"{sets} {'and federal ' if self.federal_holidays else ''}holidays"
            return f"{head}, {named} and {other} excluded" if n else f"{head}, {named} excluded"
        if self.federal_holidays and n:
            return f"{head}, federal holidays and {other} excluded"
        if self.federal_holidays:
            return f"{head}, federal holidays excluded"
        if n:
            return f"{head}, {n} holiday{'s' if n != 1 else ''} excluded"
        return head

    def closed_dates(self, year: int) -> frozenset[date]:
        """Dates in ``year`` that are closed all day because they are holidays."""
        own = frozenset(d for d in self.holidays if d.year == year)
        sets = (US_FEDERAL, *self.public) if self.federal_holidays else self.public
        for spec in dict.fromkeys(sets):  # federal and an explicit US set: one lookup
            own |= holiday_dates(spec, year)
        return own

    def _year(self, year: int) -> _Year:
        chunk = self._years.get(year)
        if chunk is None:
            chunk = _shared_year(self, year)
            self._years[year] = chunk
            # Buckets of 2**40 µs (12.7 days) wholly inside the year find it with a shift.
            for k in range(-(-chunk.lo >> _BUCKET), chunk.hi >> _BUCKET):
                self._buckets[k] = chunk
        return chunk

    def _year_for(self, us: int) -> _Year:
        chunk = self._year(1970 + us // _AVG_YEAR_US)
        while us < chunk.lo:
            chunk = self._year(chunk.year - 1)
        while us >= chunk.hi:
            chunk = self._year(chunk.year + 1)
        return chunk


@functools.lru_cache(maxsize=4096)
def _shared_year(cal: BusinessCalendar, year: int) -> _Year:
    # Shared across equal calendars, so re-parsing the same YAML does not rebuild.
    return _build_year(cal, year)


def _wall_to_us(tz: ZoneInfo, day: date, t: time) -> int:
    """Wall time -> UTC microseconds; skipped times -> the jump, repeated -> first."""
    local = datetime.combine(day, t, tzinfo=tz)
    us: int = (local - _EPOCH) // _US
    before = local.utcoffset()
    after = local.replace(fold=1).utcoffset()
    if before is not None and after is not None and before < after:
        # Inside a forward gap: fold=0 read it with the old offset, past the jump.
        # Binary-search the jump instant in (fold=1 reading, fold=0 reading].
        lo, hi = us - (after - before) // _US, us
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if (_EPOCH + timedelta(microseconds=mid)).astimezone(tz).utcoffset() == after:
                hi = mid
            else:
                lo = mid
        us = hi
    return us


def _build_year(cal: BusinessCalendar, year: int) -> _Year:
    if not 1 <= year <= 9998:
        raise ValueError(f"year {year} is outside the supported range 1..9998")
    tz = cal.tz
    days = cal._days()
    closed = cal.closed_dates(year)
    bounds: list[int] = []
    day = date(year, 1, 1)
    while day.year == year:
        spans = days[day.weekday()]
        if spans and day not in closed:
            for start, end in spans:
                a = _wall_to_us(tz, day, start)
                if end is None:
                    b = _wall_to_us(tz, day + _ONE_DAY, _MIDNIGHT)
                else:
                    b = _wall_to_us(tz, day, end)
                if b <= a:  # squeezed to nothing by a DST jump
                    continue
                if bounds and bounds[-1] >= a:  # touching (24x7): keep one long span
                    bounds[-1] = max(bounds[-1], b)
                else:
                    bounds.append(a)
                    bounds.append(b)
        day += _ONE_DAY
    cum: list[int] = []
    acc = 0
    for i in range(0, len(bounds), 2):
        cum.append(acc)
        acc += bounds[i + 1] - bounds[i]
        cum.append(acc)
    lo = _wall_to_us(tz, date(year, 1, 1), _MIDNIGHT)
    hi = _wall_to_us(tz, date(year + 1, 1, 1), _MIDNIGHT)
    return _Year(year, lo, hi, bounds, cum)


def _to_us(value: datetime, what: str) -> int:
    try:
        d = value - _EPOCH
    except TypeError:
        if isinstance(value, datetime):
            # The contract says ValueError: a naive value is the right type, wrong content.
            raise ValueError(
                f"{what} is a naive datetime ({value.isoformat()}); "
                "attach a time zone first (e.g. value.replace(tzinfo=ZoneInfo(...)))"
            ) from None
        raise TypeError(f"{what} must be a datetime, got {type(value).__name__}") from None
    # Cheaper than d // _US, and this runs twice per query.
    return (d.days * 86_400 + d.seconds) * 1_000_000 + d.microseconds


def _open_before(chunk: _Year, us: int) -> int:
    """Open time in ``chunk`` from its start up to instant ``us``."""
    bounds = chunk.bounds
    i = bisect_right(bounds, us)
    if i & 1:
        return chunk.cum[i - 1] + us - bounds[i - 1]
    return chunk.cum[i - 1] if i else 0


# The year table of an instant, as plain values for a loop that counts open time itself:
# (bounds, cum, edges, slots, s0, hi); see _Year and year_view.
YearView = tuple[list[int], list[int], list[int], list[int], int, int]
SLOT_SHIFT = _SLOT


def year_view(cal: BusinessCalendar, us: int) -> YearView:
    """The table of the year holding instant ``us``, for a hot loop that inlines ``_Year.open_before``.

    Open time from the year's start up to ``t`` (same year: ``lo <= t < hi``): ``i =
    slots[(t >> SLOT_SHIFT) - s0]``, moved on by ``bisect_right(bounds, t, i)`` when
    ``edges[i] <= t``; then ``cum[i - 1] + t - bounds[i - 1]`` for odd ``i``, else
    ``cum[i - 1]`` (0 for ``i == 0``). Open time in [a, b) is the difference of the two.
    """
    chunk = cal._buckets.get(us >> _BUCKET)
    if chunk is None:
        chunk = cal._year_for(us)
    return chunk.bounds, chunk.cum, chunk.edges, chunk.slots, chunk.s0, chunk.hi


def open_us_between(cal: BusinessCalendar, a: int, b: int) -> int:
    """Open microseconds in [a, b) for UTC epoch microseconds a <= b (the hot path of reports)."""
    chunk = cal._buckets.get(a >> _BUCKET)
    if chunk is None:
        chunk = cal._year_for(a)
    if b < chunk.hi:
        # Both ends in one year (nearly every query): _Year.open_before twice, inlined, since
        # reports call this once per ticket and level and the calls cost more than the lookups.
        bounds, cum, edges, slots, s0 = chunk.bounds, chunk.cum, chunk.edges, chunk.slots, chunk.s0
        j = slots[(b >> _SLOT) - s0]
        if edges[j] <= b:
            j = bisect_right(bounds, b, j)
        if j & 1:
            total = cum[j - 1] + b - bounds[j - 1]
        else:
            total = cum[j - 1] if j else 0
        i = slots[(a >> _SLOT) - s0]
        if edges[i] <= a:
            i = bisect_right(bounds, a, i)
        if i & 1:
            return total - cum[i - 1] - a + bounds[i - 1]
        return total - cum[i - 1] if i else total
    before_a = chunk.open_before(a)
    total = chunk.total - before_a
    while True:
        chunk = cal._year(chunk.year + 1)
        if b < chunk.hi:
            return total + chunk.open_before(b)
        total += chunk.total


# Instants of years 2..9997 (UTC): inside them a calendar open around the clock counts b - a.
_SAFE_LO = (date(2, 1, 2).toordinal() - date(1970, 1, 1).toordinal()) * 86_400_000_000
_SAFE_HI = (date(9997, 12, 30).toordinal() - date(1970, 1, 1).toordinal()) * 86_400_000_000


def always_open(cal: BusinessCalendar) -> bool:
    """Whether ``cal`` is open around the clock with no holiday of any kind."""
    return cal.is_24x7 and not cal.holidays and not cal.federal_holidays and not cal.public


def counts_elapsed(cal: BusinessCalendar, a: int, b: int) -> bool:
    """Whether the open time of every span inside [a, b) is its length (``always_open``, away
    from datetime's limits): then ``open_us_counter(cal)(x, y)`` is ``y - x`` there."""
    return always_open(cal) and _SAFE_LO <= a and b < _SAFE_HI


def open_us_counter(cal: BusinessCalendar) -> Callable[[int, int], int]:
    """``open_us_between`` bound to ``cal``: (a, b) -> open microseconds in [a, b), a <= b.

    For a calendar open around the clock with no holidays that is ``b - a`` (its year
    tables are one span per year, end to end), without the table lookups.
    """
    counter = cal._counter
    if counter is None:
        if always_open(cal):

            def counter(a: int, b: int) -> int:
                if _SAFE_LO <= a and b < _SAFE_HI:
                    return b - a
                return open_us_between(cal, a, b)  # near datetime's limits: the tables decide (or raise)

        else:
            counter = functools.partial(open_us_between, cal)
        object.__setattr__(cal, "_counter", counter)
    return counter


def business_elapsed(
    cal: BusinessCalendar,
    start: datetime,
    end: datetime,
    on_hold: Sequence[tuple[datetime, datetime]] = (),
) -> timedelta:
    """Business time between two aware instants, minus business time spent on hold.

    Hold intervals may overlap and may stick out of start..end; they are clipped and
    merged. ``end <= start`` gives zero. Naive datetimes raise ValueError.
    """
    a = _to_us(start, "start")
    b = _to_us(end, "end")
    if on_hold:
        return _US * _elapsed_with_holds(cal, a, b, on_hold)
    if b <= a:
        return _ZERO
    return _US * open_us_between(cal, a, b)


def _elapsed_with_holds(cal: BusinessCalendar, a: int, b: int, on_hold: Sequence[tuple[datetime, datetime]]) -> int:
    spans: list[tuple[int, int]] = []
    for hold in on_hold:
        h0 = _to_us(hold[0], "on_hold start")
        h1 = _to_us(hold[1], "on_hold end")
        if h1 < h0:
            raise ValueError(f"on_hold interval ends before it starts: {hold[0].isoformat()} > {hold[1].isoformat()}")
        h0 = max(h0, a)
        h1 = min(h1, b)
        if h1 > h0:
            spans.append((h0, h1))
    if b <= a:
        return 0
    total = open_us_between(cal, a, b)
    if spans:
        spans.sort()
        run_start, run_end = spans[0]
        for s, e in spans[1:]:
            if s > run_end:
                total -= open_us_between(cal, run_start, run_end)
                run_start, run_end = s, e
            else:
                run_end = max(run_end, e)
        total -= open_us_between(cal, run_start, run_end)
    return total


DEADLINE_YEARS = 100
"""How far ahead ``business_deadline`` looks before it says there is no deadline."""


def business_deadline(cal: BusinessCalendar, start: datetime, duration: timedelta) -> datetime:
    """Earliest instant at which ``duration`` of business time has elapsed since ``start``.

    Returned in the calendar's zone. A deadline landing on the end of open hours is that
    end (Fri 17:00), not the next opening. Zero duration returns ``start``.
    """
    a = _to_us(start, "start")
    need: int = duration // _US
    if need < 0:
        raise ValueError(f"duration must not be negative, got {duration}")
    if need == 0:
        return start.astimezone(cal.tz)
    if not any(cal._days()):
        raise ValueError(f"calendar is never open ({cal.describe()}); no deadline exists")
    chunk = cal._year_for(a)
    target = _open_before(chunk, a) + need
    last = min(chunk.year + DEADLINE_YEARS, 9998)
    while target > chunk.total:
        target -= chunk.total
        if chunk.year >= last:
            # A calendar open an hour a week, asked for ten years of business time, would
            # build a table per year up to 9998 and then fail; say so at once instead.
            raise ValueError(
                f"no deadline within {DEADLINE_YEARS} years of {start.isoformat()}: {duration} of business time "
                f"is more than the calendar ({cal.describe()}) is open in that time"
            )
        chunk = cal._year(chunk.year + 1)
    # cum only rises inside open spans, so the first cum >= target ends an open span.
    k = bisect_left(chunk.cum, target)
    us = chunk.bounds[k - 1] + target - chunk.cum[k - 1]
    return (_EPOCH + _US * us).astimezone(cal.tz)


def is_business_time(cal: BusinessCalendar, when: datetime) -> bool:
    """Whether the clock runs at instant ``when`` (open spans are half-open [start, end))."""
    us = _to_us(when, "when")
    return bool(bisect_right(cal._year_for(us).bounds, us) & 1)


def business_day(weekly: Mapping[int, Iterable[tuple[int, int]]]) -> timedelta:
    """The length of one business day of a calendar: its open time in a week over its open days.

    ``weekly`` is weekday (0 = Monday) -> open spans in minutes after midnight, 1440 = 24:00
    (``slactl.model.agreement.Calendar.weekly``). This is slactl's one definition of a business
    day, used by the rules (ordering durations), the wording and the report (measuring
    ``N business days`` as N x this length of business time): Mon-Fri 08:00-17:00 gives 9 hours,
    Mon-Thu 08:00-17:00 with Fri 08:00-12:00 gives (4 x 9 + 4) / 5 = 8 hours, 24x7 (and no
    calendar at all) 24 hours. On a calendar whose open days are all as long, N business days
    from an open instant end at the same time of day N open days later; the mean keeps, on any
    calendar, a week's worth of business days equal to the open hours of a week.
    """
    total = 0
    days = 0
    for spans in weekly.values():
        minutes = sum(end - start for start, end in spans)
        if minutes > 0:
            total += minutes
            days += 1
    if not days:
        return _ONE_DAY
    return timedelta(minutes=total) / days


@dataclass(frozen=True, slots=True)
class Slice:
    """One stretch of a ticket's clock: ``state`` is counted, paused or closed; ``rule`` says why."""

    start: datetime
    end: datetime
    state: str  # "counted", "paused" (on hold, in open hours) or "closed" (the calendar is closed)
    rule: str  # "open hours", "on hold", "weekend", "public holiday: <name>", "outside business hours"

    @property
    def duration(self) -> timedelta:
        """Wall-clock length of the slice."""
        return self.end - self.start


def closed_reason(cal: BusinessCalendar, day: date) -> str:
    """Why ``day`` (local) is closed all day, or 'outside business hours' when it has open hours."""
    if day in cal.holidays:
        return "holiday: a closed date of the calendar"
    sets = (US_FEDERAL, *cal.public) if cal.federal_holidays else cal.public
    for spec in dict.fromkeys(sets):
        name = holiday_names(spec, day.year).get(day)
        if name is not None:
            return f"public holiday: {name}"
    if not cal._days()[day.weekday()]:
        return "weekend" if day.weekday() >= 5 else "closed all day (no open hours)"
    return "outside business hours"


def business_slices(
    cal: BusinessCalendar,
    start: datetime,
    end: datetime,
    on_hold: Sequence[tuple[datetime, datetime]] = (),
) -> list[Slice]:
    """The clock between two aware instants as slices, in order, covering ``start..end`` exactly.

    Counted slices are the calendar's open time outside holds; their durations add up to
    :func:`business_elapsed` with the same arguments. Closed time is split at local midnights
    so each slice carries one reason (weekend, a named public holiday, outside business hours).
    """
    a = _to_us(start, "start")
    b = _to_us(end, "end")
    if b <= a:
        return []
    # Open spans of the calendar inside [a, b).
    opens: list[tuple[int, int]] = []
    chunk = cal._year_for(a)
    while chunk.lo < b:
        bounds = chunk.bounds
        for i in range(0, len(bounds), 2):
            s, e = max(bounds[i], a), min(bounds[i + 1], b)
            if e > s:
                if opens and opens[-1][1] == s:
                    opens[-1] = (opens[-1][0], e)
                else:
                    opens.append((s, e))
        chunk = cal._year(chunk.year + 1)
    holds: list[tuple[int, int]] = []
    for h0, h1 in sorted((_to_us(x, "on_hold start"), _to_us(y, "on_hold end")) for x, y in on_hold):
        h0, h1 = max(h0, a), min(h1, b)
        if h1 <= h0:
            continue
        if holds and h0 <= holds[-1][1]:
            holds[-1] = (holds[-1][0], max(holds[-1][1], h1))
        else:
            holds.append((h0, h1))
    # Cut points: every open and hold edge, and each local midnight (closed reasons are per day).
    tz = cal.tz
    cuts = {a, b}
    for s, e in (*opens, *holds):
        cuts.update((s, e))
    day = (_EPOCH + _US * a).astimezone(tz).date() + _ONE_DAY
    while (m := _wall_to_us(tz, day, _MIDNIGHT)) < b:
        cuts.add(m)
        day += _ONE_DAY
    points = sorted(cuts)
    open_starts = [o[0] for o in opens]
    hold_starts = [h[0] for h in holds]
    out: list[Slice] = []
    for s, e in pairwise(points):
        mid = s + (e - s) // 2
        i = bisect_right(open_starts, mid) - 1
        is_open = i >= 0 and mid < opens[i][1]
        j = bisect_right(hold_starts, mid) - 1
        held = j >= 0 and mid < holds[j][1]
        local_day = (_EPOCH + _US * s).astimezone(tz).date()
        if is_open:
            state, rule = ("paused", "on hold") if held else ("counted", "open hours")
        else:
            state, rule = "closed", closed_reason(cal, local_day)
            if rule == "outside business hours" and held:
                rule = "outside business hours (also on hold)"
        t0, t1 = (_EPOCH + _US * s).astimezone(tz), (_EPOCH + _US * e).astimezone(tz)
        if out and out[-1].state == state and out[-1].rule == rule and out[-1].end == t0:
            out[-1] = Slice(out[-1].start, t1, state, rule)
        else:
            out.append(Slice(t0, t1, state, rule))
    return out
