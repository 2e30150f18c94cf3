"""Measure each service level of an agreement, window by window, against operational data.

One pass over each input file; per (service level, window) accumulators; only the
``top`` worst misses of a window are kept (a heap), so memory does not grow with the
number of tickets. Outages are kept (one small tuple each) because overlapping outages
must be merged before their minutes are counted.

The clock (see docs/report.md): ``minutes``/``hours`` targets are business time on the
service level's calendar; ``business_days`` are N x the calendar's business day
(``slactl.clock.business_day``: its open hours of a week over its open days) of business
time; ``days``/``weeks`` are wall-clock time. On-hold intervals stop every clock.
A ticket belongs to the window in which it was opened.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from slactl.clock import BusinessCalendar, business_day, open_us_counter
from slactl.model.agreement import Agreement, Calendar, MaintenanceWindow, ServiceLevel, day_indexes, span_minutes
from slactl.model.types import Count, Duration, Percent, Score
from slactl.report import inputs as io_
from slactl.report.periods import Period, Window, windows
from slactl.report.stamps import Parsers, elapsed_us, from_us, make_parsers, to_us
from slactl.report.terms import Terms, Version

Status = Literal["met", "missed", "no data", "not in force"]
_ZERO = timedelta(0)
_DAY = timedelta(days=1)
_HUNDRED = Decimal(100)
TICKET_METRICS = ("response_time", "resolution_time")
# A satisfaction percent target counts responses of at least 80% of the scale (4 or 5 of 5).
SATISFIED_SHARE = Decimal("0.8")


@dataclass(frozen=True, slots=True)
class Miss:
    """One ticket, outage or survey that counted against a window, with how badly."""

    ref: str
    file: str
    line: int
    when: datetime
    value: timedelta | Decimal  # elapsed time, downtime, or a survey score
    over: timedelta | None  # beyond the target (time targets)
    note: str = ""

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class WindowResult:
    """One service level in one window."""

    window: Window
    start_at: datetime
    stop_at: datetime  # exclusive; measured up to here (cut at the report's as-of time)
    version: Version | None
    level: ServiceLevel | None  # the definition in force (None: not in force)
    status: Status = "no data"
    measured: Decimal | None = None
    required: Decimal | None = None
    margin: Decimal | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)
    misses_total: int = 0
    notes: list[str] = field(default_factory=list)
    credit: Any = None  # slactl.report.credits.CreditLine
    terms_note: str | None = None  # how the terms in force were chosen, when approximated


@dataclass
class LevelResult:
    """One service level over the period."""

    id: str
    level: ServiceLevel  # latest definition, for the heading
    sentence: str
    service_name: str
    unit: Literal["%", "score", "count"]
    windows: list[WindowResult]


@dataclass
class InputSummary:
    """What was read from one file."""

    kind: str
    file: str
    format: str
    rows: int = 0
    used: int = 0
    bad: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # field -> column name


# --------------------------------------------------------------------------- accumulators


class TimeAcc:
    """Tickets of one time-target level in one window."""

    __slots__ = ("elapsed_us", "heap", "judged", "met", "open", "top")

    def __init__(self, top: int) -> None:
        self.judged = 0
        self.met = 0
        self.open = 0
        self.elapsed_us = 0
        self.heap: list[tuple[int, int, str, int, int, int, bool]] = []
        self.top = top

    def miss(self, over_us: int, ref: str, line: int, opened_us: int, elapsed_us: int, still_open: bool) -> None:
        # Ties go to the earlier line, so one process or several keep the same misses.
        item = (over_us, -line, ref, line, opened_us, elapsed_us, still_open)
        if len(self.heap) < self.top:
            heapq.heappush(self.heap, item)
        elif item > self.heap[0]:
            heapq.heapreplace(self.heap, item)

    def merge(self, other: TimeAcc) -> None:
        self.judged += other.judged
        self.met += other.met
        self.open += other.open
        self.elapsed_us += other.elapsed_us
        for over, _, ref, line, opened, elapsed, still_open in other.heap:
            self.miss(over, ref, line, opened, elapsed, still_open)


class CountAcc:
    """Tickets counted by an incident-count level in one window (the first ``top`` kept)."""

    __slots__ = ("count", "kept", "top")

    def __init__(self, top: int) -> None:
        self.count = 0
        self.kept: list[tuple[str, int, int]] = []
        self.top = top

    def add(self, ref: str, line: int, opened_us: int) -> None:
        self.count += 1
        if len(self.kept) < self.top:
            self.kept.append((ref, line, opened_us))

    def merge(self, other: CountAcc) -> None:
        self.count += other.count
        for item in other.kept:
            if len(self.kept) < self.top:
                self.kept.append(item)


# --------------------------------------------------------------------------- plans


@dataclass
class Plan:
    """How one window of one level is judged: the definition in force and its clock."""

    level: ServiceLevel
    version: Version
    calendar: BusinessCalendar  # the level's calendar (24x7 UTC when it names none)
    clock: BusinessCalendar  # what elapsed time is measured on (calendar, or wall clock)
    limit: timedelta | None  # time targets
    acc: TimeAcc | CountAcc | None

    @property
    def limit_us(self) -> int:
        return -1 if self.limit is None else self.limit // _US


@dataclass
class Track:
    """One service level across the report's windows."""

    id: str
    level: ServiceLevel
    agreement: Agreement
    zone: tzinfo
    windows: list[Window]
    starts: list[datetime]
    stops: list[datetime]
    starts_us: list[int]
    stops_us: list[int]
    plans: list[Plan | None]
    versions: list[Version | None]
    version_notes: list[str | None]
    kind: Literal["time", "count_tickets", "count_outages", "availability", "satisfaction", "custom"]
    site: str | None = None  # `per: site`: the site this track judges (its plans are scoped to it)

    def window_of(self, instant: datetime) -> int:
        """Index of the window holding ``instant``, or -1."""
        i = bisect_right(self.starts, instant) - 1
        if i < 0 or instant >= self.stops[i]:
            return -1
        return i


def _kind(
    level: ServiceLevel,
) -> Literal["time", "count_tickets", "count_outages", "availability", "satisfaction", "custom"]:
    if level.metric in TICKET_METRICS and isinstance(level.target, Duration):
        return "time"
    if level.metric == "availability":
        return "availability"
    if level.metric == "satisfaction":
        return "satisfaction"
    if level.metric == "incident_count":
        return "count_tickets" if (level.scope.priority or level.scope.request_type) else "count_outages"
    return "custom"


class Engine:
    """Builds the tracks for a period, reads the files, and produces the results."""

    def __init__(
        self, terms: Terms, period: Period, *, fy_start: tuple[int, int], now: datetime, top: int = 10
    ) -> None:
        self.terms = terms
        self.period = period
        self.fy_start = fy_start
        self.top = top
        self.problems = io_.Problems()
        self.summaries: list[InputSummary] = []
        self._calendars: dict[BusinessCalendar, BusinessCalendar] = {}
        self._cal_cache: dict[tuple[str, str | None], BusinessCalendar] = {}
        latest: Agreement = terms.latest.agreement
        self.latest = latest
        if now.tzinfo is None:  # a naive --as-of is local time of the agreement
            now = now.replace(tzinfo=self._default_zone(latest))
        # Not cut to the period's end: a window's verdict depends on the window and the as-of
        # time only, never on the period asked for (a ticket resolved after the period ended is
        # resolved, whether the period was March or the quarter).
        self.as_of = now
        self.tracks = self._build_tracks()
        self.outages: dict[str, list[_Outage]] = {}
        self._sorted: dict[str, tuple[list[_Outage], list[int], int]] = {}
        self.outage_file = ""
        self.surveys: list[_Survey] = []
        self.survey_file = ""
        self.want_tickets: dict[str, tuple[datetime, str] | None] = {}
        self.have = {"tickets": False, "outages": False, "surveys": False}
        self._ticket_file = ""
        self._parsers: dict[str, Parsers] = {}
        self._fast: dict[int, list[_Fast | None]] = {}

    # -- set-up ----------------------------------------------------------------

    @staticmethod
    def _default_zone(agreement: Agreement) -> tzinfo:
        for cal in agreement.calendars.values():
            return ZoneInfo(cal.timezone)
        return UTC

    @staticmethod
    def _local(day: date, zone: tzinfo) -> datetime:
        return datetime.combine(day, time(0), tzinfo=zone)

    def calendar(self, version: Version, level: ServiceLevel) -> BusinessCalendar:
        """The level's business calendar in that version, built once per distinct calendar."""
        agreement: Agreement = version.agreement
        spec = agreement.calendar_for(level)
        key = (
            version.key,
            level.calendar or next((s.support_hours for s in agreement.services if s.id == level.service), None),
        )
        cached = self._cal_cache.get(key)
        if cached is not None:
            return cached
        built = _business_calendar(spec) if spec is not None else BusinessCalendar.always(self._zone_name(agreement))
        built = self._calendars.setdefault(built, built)
        self._cal_cache[key] = built
        return built

    @staticmethod
    def _zone_name(agreement: Agreement) -> str:
        for cal in agreement.calendars.values():
            return cal.timezone
        return "UTC"

    def _build_tracks(self) -> list[Track]:
        ordered: dict[str, tuple[ServiceLevel, Agreement, Version]] = {}
        for version in reversed(self.terms.versions):
            for level in version.agreement.service_levels:
                ordered.setdefault(level.id, (level, version.agreement, version))
        latest_ids = [lvl.id for lvl in self.latest.service_levels]
        order = latest_ids + [i for i in ordered if i not in latest_ids]
        # An open-ended term is measured up to the end of the period asked for.
        term = (self.latest.term.start, self.latest.term.end or self.period.end)
        tracks: list[Track] = []
        for level_id in order:
            level, agreement, version = ordered[level_id]
            wins = windows(level.window, self.period, term, self.fy_start, level.window_anchor, level.rolling_days)
            # Rolling windows overlap; every n-th of them do not, and they tile: one track each,
            # so a ticket still falls in one window per track (the reading loop stays as it is).
            n = level.rolling_days if level.window == "rolling" and level.rolling_days else 1
            groups = [wins[g::n] for g in range(min(n, len(wins)))] or [wins]
            tracks += [
                self._track(level_id, level, agreement, version, group, site)
                for site in self._sites(level)
                for group in groups
            ]
        return tracks

    def _sites(self, level: ServiceLevel) -> list[str | None]:
        """`per: site`: one track per site of the level's service (in the latest terms); else one track."""
        if level.per != "site":
            return [None]
        service = next((s for s in self.latest.services if s.id == level.service), None)
        return list(dict.fromkeys(service.sites)) if service and service.sites else [None]

    def _track(
        self,
        level_id: str,
        level: ServiceLevel,
        agreement: Agreement,
        version: Version,
        wins: list[Window],
        site: str | None,
    ) -> Track:
        cal = self.calendar(version, level)
        zone = cal.tz
        if site is not None:
            wins = [replace(w, label=f"{site}: {w.label}") for w in wins]
        starts = [self._local(w.start, zone) for w in wins]
        stops = [self._local(w.stop, zone) for w in wins]
        plans: list[Plan | None] = []
        versions: list[Version | None] = []
        notes: list[str | None] = []
        for start in starts:
            in_force, note = self.terms.at(start)
            versions.append(in_force)
            notes.append(note)
            defn = next((lv for lv in in_force.agreement.service_levels if lv.id == level_id), None)
            if defn is not None and site is not None:
                defn = defn.model_copy(update={"scope": defn.scope.model_copy(update={"site": site})})
            plans.append(None if defn is None else self._plan(in_force, defn))
        return Track(
            level_id,
            level,
            agreement,
            zone,
            wins,
            starts,
            stops,
            [to_us(x) for x in starts],
            [to_us(x) for x in stops],
            plans,
            versions,
            notes,
            _kind(level),
            site,
        )

    def _plan(self, version: Version, level: ServiceLevel) -> Plan:
        cal = self.calendar(version, level)
        kind = _kind(level)
        limit: timedelta | None = None
        clock = cal
        acc: TimeAcc | CountAcc | None = None
        if kind == "time":
            target = level.target
            assert isinstance(target, Duration)
            clock, limit = self._duration_clock(version, level, cal, target)
            acc = TimeAcc(self.top)
        elif kind == "count_tickets":
            acc = CountAcc(self.top)
        return Plan(level, version, cal, clock, limit, acc)

    def _maintenance(
        self, plan: Plan
    ) -> list[tuple[dict[int, list[tuple[int, int]]], tuple[Callable[[int, int], int], int] | None]]:
        """Each maintenance window of the level: its weekly spans and its notice (a clock and a length)."""
        out: list[tuple[dict[int, list[tuple[int, int]]], tuple[Callable[[int, int], int], int] | None]] = []
        for window in plan.level.exclusions:
            limit = None
            if window.notice is not None:
                clock, length = self._duration_clock(plan.version, plan.level, plan.calendar, window.notice)
                limit = (open_us_counter(clock), length // _US)
            out.append((_weekly(window), limit))
        return out

    def _duration_clock(
        self, version: Version, level: ServiceLevel, cal: BusinessCalendar, duration: Duration
    ) -> tuple[BusinessCalendar, timedelta]:
        """What a duration of the level runs on, and its length: days and weeks on the wall clock,
        business days as N x the calendar's business day, minutes and hours on the calendar."""
        if duration.unit in ("days", "weeks"):
            wall = BusinessCalendar.always(cal.timezone)
            return self._calendars.setdefault(wall, wall), duration.to_timedelta()
        spec = version.agreement.calendar_for(level)
        return cal, duration.to_timedelta(business_day(spec.weekly()) if spec is not None else _DAY)

    def service_zone(self, service: str) -> tzinfo:
        """Zone for naive timestamps of a service: its support-hours calendar, else the agreement's first."""
        agreement = self.latest
        svc = next((s for s in agreement.services if s.id == service), None)
        if svc is not None and svc.support_hours and svc.support_hours in agreement.calendars:
            return ZoneInfo(agreement.calendars[svc.support_hours].timezone)
        return self._default_zone(agreement)

    def _routes_for(self, service: str, priority: str) -> list[Track]:
        out = []
        for track in self.tracks:
            if track.kind not in ("time", "count_tickets") or track.level.service != service:
                continue
            if track.level.scope.priority and track.level.scope.priority != priority:
                continue
            out.append(track)
        return out

    # -- tickets ---------------------------------------------------------------

    def scan_tickets(self, table: io_.Table, columns: dict[str, int], summary: InputSummary) -> None:  # noqa: C901
        """The hot loop: one pass over the ticket rows, all instants as integer microseconds."""
        self.have["tickets"] = True
        problems = self.problems
        file = table.name
        line = table.line
        i_id = columns["id"]
        i_svc = columns["service"]
        i_open = columns["opened"]
        i_prio = columns.get("priority")
        i_site = columns.get("site")
        i_type = columns.get("type")
        i_resp = columns.get("first_response")
        i_res = columns.get("resolved")
        i_hold = columns.get("on_hold")
        i_by = columns.get("first_response_by")
        automated = io_.AUTOMATED
        width = max(columns.values()) + 1
        routes: dict[tuple[str, str], _Route] = {}
        want = self.want_tickets
        as_of = to_us(self.as_of)
        rows = used = 0
        for index, row in enumerate(table):
            rows += 1
            if len(row) < width:
                reason = io_.row_error(row) or f"{len(row)} columns, expected at least {width}"
                if row and any(row):
                    problems.add(file, line(index), reason)
                else:
                    rows -= 1  # a blank line is not a row
                continue
            service = row[i_svc]
            prio = row[i_prio] if i_prio is not None else ""
            route = routes.get((service, prio))
            if route is None:
                route = routes[(service, prio)] = self._route(service, prio)
            tracks, parse, ordered = route
            if not tracks:
                # Measured by no level: only checked. The tables answer good rows; anything
                # else (or a time before the opening) gets the exact check and its message.
                ok = ordered(
                    row[i_open], row[i_resp] if i_resp is not None else "", row[i_res] if i_res is not None else ""
                )
                if ok and i_hold is not None and (text := row[i_hold]):
                    try:
                        _holds(text, parse)
                    except ValueError:
                        ok = False
                if not ok:
                    bad = _check_unmeasured(row, i_open, i_resp, i_res, i_hold, parse)
                    if bad is not None:
                        problems.add(file, line(index), bad)
                        continue
                if want and row[i_id] in want:
                    last = row[i_res] if i_res is not None and row[i_res] else row[i_open]
                    want[row[i_id]] = (from_us(parse(last), UTC), service)
                continue
            what = "opened"
            text = row[i_open]
            try:
                opened = parse(text)
                responded = resolved = -1
                if i_resp is not None and (text := row[i_resp]):
                    what = "first_response"
                    responded = parse(text)
                    if responded < opened:
                        raise ValueError("is before opened")
                if i_res is not None and (text := row[i_res]):
                    what = "resolved"
                    resolved = parse(text)
                    if resolved < opened:
                        raise ValueError("is before opened")
                holds: list[tuple[int, int]] | tuple[()] = ()
                if i_hold is not None and (text := row[i_hold]):
                    what = "on_hold"
                    holds = _holds(text, parse)
            except ValueError as exc:
                problems.add(file, line(index), _reason(what, exc, text))
                continue
            if want:
                ref = row[i_id]
                if ref in want:
                    want[ref] = (from_us(resolved if resolved >= 0 else opened, UTC), service)
            if i_by is not None and responded >= 0 and io_.normalize(row[i_by]) in automated:
                # An automated reply is no response: the resolution (if any) is the first one.
                responded = resolved
            # Nothing after the as-of time is known at it: a ticket opened later is not counted,
            # a response or resolution that came later has not happened yet.
            if opened >= as_of:
                continue
            if responded > as_of:
                responded = -1
            if resolved > as_of:
                resolved = -1
            counted = False
            for site, req, starts, stops, plans in tracks:
                if site is not None and (i_site is None or row[i_site] != site):
                    continue
                if req is not None and (i_type is None or io_.normalize(row[i_type]) != req):
                    continue
                k = bisect_right(starts, opened) - 1
                if k < 0 or opened >= stops[k]:
                    continue
                plan = plans[k]
                if plan is None:
                    continue
                counted = True
                acc = plan.acc
                if plan.count:
                    acc.add(row[i_id], line(index), opened)  # type: ignore[union-attr]
                    continue
                end = responded if plan.response else resolved
                still_open = end < 0
                if still_open:
                    end = as_of
                    if end <= opened:
                        acc.open += 1  # type: ignore[union-attr]
                        continue
                if holds:
                    spent = elapsed_us(plan.count_us, opened, end, holds)
                else:
                    spent = plan.count_us(opened, end) if end > opened else 0
                if spent <= plan.limit:
                    if still_open:
                        acc.open += 1  # type: ignore[union-attr]  # not late yet: judged when it closes
                    else:
                        acc.judged += 1  # type: ignore[union-attr]
                        acc.met += 1  # type: ignore[union-attr]
                        acc.elapsed_us += spent  # type: ignore[union-attr]
                    continue
                acc.judged += 1  # type: ignore[union-attr]
                acc.elapsed_us += spent  # type: ignore[union-attr]
                acc.miss(spent - plan.limit, row[i_id], line(index), opened, spent, still_open)  # type: ignore[union-attr]
            if counted:
                used += 1
        summary.rows += rows
        summary.used += used

    def _parsers_for(self, service: str) -> Parsers:
        """The service zone's timestamp parsers (one pair per zone, so their tables are shared)."""
        zone = self.service_zone(service)
        parsers = self._parsers.get(str(zone))
        if parsers is None:
            parsers = self._parsers[str(zone)] = make_parsers(zone)
        return parsers

    def _route(self, service: str, prio: str) -> _Route:
        """The levels that measure tickets of (service, priority as written), and the zone's parsers."""
        parsers = self._parsers_for(service)
        entries: list[_Entry] = []
        for track in self._routes_for(service, io_.parse_priority(prio)):
            fast = self._fast.get(id(track))
            if fast is None:
                fast = self._fast[id(track)] = [None if p is None else _Fast(p) for p in track.plans]
            scope = track.level.scope
            req = io_.normalize(scope.request_type) if scope.request_type else None
            entries.append((track.site or scope.site, req, track.starts_us, track.stops_us, fast))
        return entries, parsers.parse, parsers.ordered

    # -- outages ---------------------------------------------------------------

    def scan_outages(self, table: io_.Table, columns: dict[str, int], summary: InputSummary) -> None:
        """Read outages into per-service lists of microsecond spans (naive times in the service's zone)."""
        self.have["outages"] = True
        self.outage_file = table.name
        i_svc, i_start, i_end = columns["service"], columns["start"], columns["end"]
        i_id, i_site, i_planned = columns.get("id"), columns.get("site"), columns.get("planned")
        i_notified = columns.get("notified")
        width = max(columns.values()) + 1
        parsers: dict[str, Callable[[str], int]] = {}
        as_of = to_us(self.as_of)
        for index, row in enumerate(table):
            if len(row) < width:
                if row and any(row):
                    summary.rows += 1
                    reason = io_.row_error(row) or f"{len(row)} columns, expected at least {width}"
                    self.problems.add(table.name, table.line(index), reason)
                continue
            summary.rows += 1
            service = row[i_svc]
            parse = parsers.get(service)
            if parse is None:
                parse = parsers[service] = self._parsers_for(service).parse
            what = "start"
            try:
                start = parse(row[i_start])
                what = "end"
                end = parse(row[i_end]) if row[i_end] else max(as_of, start)  # still down: until the as-of time
                if end < start:
                    raise ValueError("is before start")
                what = "planned"
                planned = io_.parse_flag(row[i_planned]) if i_planned is not None else False
                what = "notified"
                notified = _NOTICE_UNKNOWN  # the export says nothing of notice
                if i_notified is not None:
                    notified = parse(row[i_notified]) if row[i_notified] else _NOT_NOTIFIED
            except ValueError as exc:
                self.problems.add(
                    table.name, table.line(index), _reason(what, exc, row[columns[what]] if what in columns else "")
                )
                continue
            line = table.line(index)
            ref = row[i_id] if i_id is not None and row[i_id] else f"outage at line {line}"
            site = row[i_site] if i_site is not None else ""
            self.outages.setdefault(service, []).append((start, end, planned, ref, line, site, notified))
            summary.used += 1

    # -- surveys ---------------------------------------------------------------

    def scan_surveys(self, table: io_.Table, columns: dict[str, int], summary: InputSummary) -> None:
        """Read survey answers (few: kept in memory); dates may come from their tickets later."""
        self.have["surveys"] = True
        self.survey_file = table.name
        i_score = columns["score"]
        i_date, i_ticket = columns.get("date"), columns.get("ticket")
        i_scale, i_svc = columns.get("scale"), columns.get("service")
        width = max(columns.values()) + 1
        zone = self._default_zone(self.latest)
        for index, row in enumerate(table):
            if len(row) < width:
                if row and any(row):
                    summary.rows += 1
                    reason = io_.row_error(row) or f"{len(row)} columns, expected at least {width}"
                    self.problems.add(table.name, table.line(index), reason)
                continue
            summary.rows += 1
            service = row[i_svc] if i_svc is not None else ""
            what = "score"
            try:
                score = io_.parse_score(row[i_score])
                what = "scale"
                scale = io_.parse_score(row[i_scale]) if i_scale is not None and row[i_scale] else None
                if scale is not None and (scale == 0 or score > scale):
                    raise ValueError(f"{scale} does not hold the score {score}")
                ticket = row[i_ticket] if i_ticket is not None else ""
                when: datetime | None = None
                what = "date"
                if i_date is not None and row[i_date]:
                    when = io_.parse_instant(row[i_date], self.service_zone(service) if service else zone)
                elif not ticket:
                    raise ValueError("is missing and so is the ticket")
            except ValueError as exc:
                self.problems.add(
                    table.name, table.line(index), _reason(what, exc, row[columns[what]] if what in columns else "")
                )
                continue
            if ticket and (when is None or not service):
                self.want_tickets[ticket] = None  # its date, or its service, comes from the tickets file
            summary.used += 1
            line = table.line(index)
            raw = row[i_date] if when is not None and i_date is not None else ""
            self.surveys.append((when, ticket, score, scale, service, line, ticket or f"survey at line {line}", raw))

    # -- results ---------------------------------------------------------------

    def results(self) -> list[LevelResult]:
        """Judge every window of every level from what was read."""
        self._date_surveys()
        out: list[LevelResult] = []
        ranked: dict[str, list[tuple[int, date, WindowResult]]] = {}
        for track in self.tracks:
            results = [self._judge(track, k) for k in range(len(track.windows))]
            rank = self._sites(track.level).index(track.site)
            placed = ranked.setdefault(track.id, [])
            placed += [(rank, wr.window.stop, wr) for wr in results]
            if len(placed) > len(results):
                continue  # `per: site` and rolling windows: several tracks, one level
            agreement = track.agreement
            svc = next((s for s in agreement.services if s.id == track.level.service), None)
            name = (svc.name if svc and svc.name else None) or track.level.service
            from slactl.wording import say_service_level

            sentence = say_service_level(track.level, calendar=agreement.calendar_for(track.level), service_name=name)
            unit: Literal["%", "score", "count"] = "%"
            if track.kind in ("count_tickets", "count_outages"):
                unit = "count"
            elif isinstance(track.level.target, Score):
                unit = "score"
            out.append(LevelResult(track.id, track.level, sentence, name, unit, results))
        for lr in out:  # each site's windows in turn, by their end (rolling windows interleave)
            lr.windows = [wr for _, _, wr in sorted(ranked[lr.id], key=lambda e: (e[0], e[1]))]
        return out

    def _date_surveys(self) -> None:
        """Date each answer and name its service: its own columns first, else its ticket's.

        A survey that names a ticket is about that ticket's service, dated or not; one whose
        ticket the tickets file does not have is a bad row (it would otherwise count for every
        satisfaction level). Without a tickets file, a dated survey with no service counts for
        every satisfaction level, as one that names no ticket does.
        """
        dated: list[_Survey] = []
        for when, ticket, score, scale, service, line, ref, raw in self.surveys:
            if ticket and (when is None or not service):
                found = self.want_tickets.get(ticket)
                if found is None:
                    if when is None:
                        why = (
                            "no tickets file to date it by"
                            if not self.have["tickets"]
                            else f"ticket {ticket!r} is not in the tickets file"
                        )
                        self.problems.add(self.survey_file, line, f"survey has no date and {why}")
                        continue
                    if self.have["tickets"]:
                        self.problems.add(
                            self.survey_file,
                            line,
                            f"survey's ticket {ticket!r} is not in the tickets file, so its service is unknown "
                            "(give the survey a service column)",
                        )
                        continue
                elif when is None:
                    when, service = found[0], service or found[1]
                else:
                    service = found[1]
                    if raw:  # a naive date is wall time of its service's zone, now known
                        when = io_.parse_instant(raw, self.service_zone(service))
            dated.append((when, ticket, score, scale, service, line, ref, raw))
        self.surveys = list(dated)

    def _judge(self, track: Track, k: int) -> WindowResult:
        window = track.windows[k]
        start, stop = track.starts[k], track.stops[k]
        plan = track.plans[k]
        result = WindowResult(
            window, start, min(stop, max(start, self.as_of)), track.versions[k], plan.level if plan else None
        )
        result.terms_note = track.version_notes[k]
        if plan is None:
            result.status = "not in force"
            result.notes.append(f"{track.id} is not in the agreement as it stood at the start of this window.")
            return result
        if window.partial:
            result.notes.append(
                f"Partial window: {window.days} of {window.full_days} days measured (cut by the term or the period)."
            )
        if self.as_of <= start:
            result.notes.append("Not started yet.")
            return result
        if self.as_of < stop:
            result.notes.append(f"Measured up to {self.as_of.astimezone(track.zone).strftime('%Y-%m-%d %H:%M %Z')}.")
        if track.kind == "time":
            self._judge_time(plan, result, track.zone)
        elif track.kind == "count_tickets":
            self._judge_count_tickets(plan, result, track.zone)
        elif track.kind in ("availability", "count_outages"):
            if not self.have["outages"]:
                result.notes.append("No outages file was given.")
            else:
                self._judge_outages(track, plan, result)
        elif track.kind == "satisfaction":
            if not self.have["surveys"]:
                result.notes.append("No surveys file was given.")
            else:
                self._judge_satisfaction(track, plan, result)
        else:
            result.notes.append("A custom metric is not measured from data files.")
        return result

    def _judge_time(self, plan: Plan, result: WindowResult, zone: tzinfo) -> None:
        acc = plan.acc
        assert isinstance(acc, TimeAcc)
        if not self.have["tickets"]:
            result.notes.append("No tickets file was given.")
            return
        share = plan.level.attainment.value if plan.level.attainment else _HUNDRED
        result.required = share
        result.detail = {"tickets": acc.judged, "met": acc.met, "missed": acc.judged - acc.met, "open": acc.open}
        if acc.judged:
            result.detail["mean_elapsed"] = timedelta(microseconds=acc.elapsed_us // acc.judged)
        if acc.judged == 0:
            return
        measured = Decimal(acc.met) * _HUNDRED / Decimal(acc.judged)
        _decide(result, measured, share, "at_least")
        result.misses_total = acc.judged - acc.met
        result.misses = [
            Miss(
                ref,
                self._ticket_file,
                line,
                from_us(opened, zone),
                timedelta(microseconds=elapsed),
                timedelta(microseconds=over),
                "still open" if still_open else "",
            )
            for over, _, ref, line, opened, elapsed, still_open in sorted(acc.heap, reverse=True)
        ]

    def _judge_count_tickets(self, plan: Plan, result: WindowResult, zone: tzinfo) -> None:
        acc = plan.acc
        assert isinstance(acc, CountAcc)
        if not self.have["tickets"]:
            result.notes.append("No tickets file was given.")
            return
        target = plan.level.target
        limit = Decimal(target.value) if isinstance(target, Count) else Decimal(0)
        result.required = limit
        result.detail = {"incidents": acc.count}
        _decide(result, Decimal(acc.count), limit, plan.level.direction)
        result.misses_total = acc.count if result.status == "missed" else 0
        if result.status == "missed":
            result.misses = [
                Miss(ref, self._ticket_file, line, from_us(us, zone), _ZERO, None) for ref, line, us in acc.kept
            ]

    def _service_outages(self, service: str) -> tuple[list[_Outage], list[int], int]:
        """The service's outages sorted by start, their starts, and the longest one (for bisecting)."""
        found = self._sorted.get(service)
        if found is None:
            rows = sorted(self.outages.get(service, []))
            found = (rows, [r[0] for r in rows], max((r[1] - r[0] for r in rows), default=0))
            self._sorted[service] = found
        return found

    def _judge_outages(self, track: Track, plan: Plan, result: WindowResult) -> None:
        level = plan.level
        count = open_us_counter(plan.calendar)
        ws, we = to_us(result.start_at), to_us(result.stop_at)
        rows, starts, longest = self._service_outages(level.service)
        windows_ = self._maintenance(plan)
        zone = track.zone
        unplanned: list[tuple[int, int]] = []
        planned_spans: list[tuple[int, int]] = []
        per_outage: list[tuple[int, _Outage, str]] = []
        outside = late = 0
        incidents: list[_Outage] = []
        for row in rows[bisect_right(starts, ws - longest - 1) :]:
            start, end, planned, _ref, _line, site, notified = row
            if start >= we:
                break
            if end <= ws or (level.scope.site and site != level.scope.site):
                continue
            s, e = max(start, ws), min(end, we)
            noticed = [w for w, limit in windows_ if _noticed(limit, notified, start)] if planned else []
            if track.kind == "count_outages":
                if start >= ws and not (planned and _inside(noticed, start, end, zone)):
                    incidents.append(row)
                continue
            note = ""
            if planned:
                inside = [span for w in noticed for span in _spans_in(w, s, e, zone)]
                rest = _subtract([(s, e)], inside)
                planned_spans.extend(inside)
                unplanned.extend(rest)
                if rest and len(noticed) < len(windows_) and any(_spans_in(w, s, e, zone) for w, _ in windows_):
                    late += 1
                    note = "planned, notified later than the maintenance notice before its start: counted as unplanned"
                elif rest:
                    outside += 1
                    note = (
                        "planned, outside the maintenance window: counted as unplanned"
                        if not inside
                        else "planned, partly outside the maintenance window"
                    )
                lost = sum(elapsed_us(count, a, b) for a, b in rest)
            else:
                unplanned.append((s, e))
                lost = elapsed_us(count, s, e)
            if lost > 0:
                per_outage.append((lost, row, note))
        if track.kind == "count_outages":
            target = level.target
            limit = Decimal(target.value) if isinstance(target, Count) else Decimal(0)
            result.required = limit
            result.detail = {"incidents": len(incidents)}
            _decide(result, Decimal(len(incidents)), limit, level.direction)
            if result.status == "missed":
                result.misses_total = len(incidents)
                result.misses = [
                    Miss(r[3], self.outage_file, r[4], from_us(r[0], zone), timedelta(microseconds=r[1] - r[0]), None)
                    for r in incidents[: self.top]
                ]
            return
        window_us = elapsed_us(count, ws, we)
        down = _union_us(count, unplanned)
        planned_us = _union_us(count, unplanned + planned_spans) - down
        mode = level.measurement.planned_maintenance if level.measurement else "excluded"
        measured_us = window_us - planned_us if mode == "excluded" else window_us
        target = level.target
        assert isinstance(target, Percent)
        result.required = target.value
        result.detail = {
            "window_time": timedelta(microseconds=window_us),
            "measured_time": timedelta(microseconds=measured_us),
            "downtime": timedelta(microseconds=down),
            "planned_time": timedelta(microseconds=planned_us),
            "planned_maintenance": mode,
            "outages": len(per_outage),
        }
        if outside:
            result.notes.append(
                f"{outside} outage{'s' if outside != 1 else ''} flagged planned fell outside the declared maintenance "
                "window and counted as unplanned downtime."
            )
        if late:
            result.notes.append(
                f"{late} outage{'s' if late != 1 else ''} flagged planned {'were' if late != 1 else 'was'} notified "
                "later than the maintenance window's notice before its start and counted as unplanned downtime."
            )
        if measured_us <= 0:
            return
        measured = Decimal(measured_us - down) * _HUNDRED / Decimal(measured_us)
        _decide(result, measured, target.value, level.direction)
        per_outage.sort(key=lambda item: (-item[0], item[1][0]))
        result.misses_total = len(per_outage)
        result.misses = [
            Miss(row[3], self.outage_file, row[4], from_us(row[0], zone), timedelta(microseconds=lost), None, note)
            for lost, row, note in per_outage[: self.top]
        ]

    def _judge_satisfaction(self, track: Track, plan: Plan, result: WindowResult) -> None:
        level = plan.level
        target = level.target
        ws, we = result.start_at, result.stop_at  # cut at the as-of time: later answers are unknown
        scores: list[tuple[Decimal, _Survey]] = []
        for row in self.surveys:
            when, _t, score, scale, service, _line, _ref, _raw = row
            assert when is not None
            if service and service != level.service:
                continue
            if not ws <= when < we:
                continue
            if isinstance(target, Score):
                value = score * target.scale / scale if scale else score
                if value > target.scale:
                    self.problems.add(self.survey_file, _line, f"score {score} is above the scale {target.scale}")
                    continue
            else:
                value = score / (scale or Decimal(5))
            scores.append((value, row))
        result.detail = {"responses": len(scores)}
        if not scores:
            return
        if isinstance(target, Score):
            measured = sum((v for v, _ in scores), Decimal(0)) / len(scores)
            required = target.value
            bad = [(v, r) for v, r in scores if v < required]
        else:
            assert isinstance(target, Percent)
            happy = sum(1 for v, _ in scores if v >= SATISFIED_SHARE)
            measured = Decimal(happy) * _HUNDRED / len(scores)
            required = target.value
            bad = [(v, r) for v, r in scores if v < SATISFIED_SHARE]
            result.detail["satisfied"] = happy
        result.required = required
        _decide(result, measured, required, level.direction)
        bad.sort(key=lambda item: (item[0], item[1][5]))
        result.misses_total = len(bad) if result.status == "missed" else 0
        if result.status == "missed":
            result.misses = [
                Miss(r[6], self.survey_file, r[5], (r[0] or ws).astimezone(track.zone), r[2], None)
                for _v, r in bad[: self.top]
            ]

    # -- files -------------------------------------------------------------------

    def read(self, kind: str, path: Path, mapping: dict[str, str]) -> None:
        """Open one file, map its columns and scan it."""
        with io_.Table(path) as table:
            columns = io_.resolve_columns(table.header, kind, mapping, table.name)
            summary = InputSummary(
                kind, table.name, table.fmt, columns={f: table.header[i] for f, i in columns.items()}
            )
            before = self.problems.count
            scan: Callable[[io_.Table, dict[str, int], InputSummary], None] = {
                "tickets": self.scan_tickets,
                "outages": self.scan_outages,
                "surveys": self.scan_surveys,
            }[kind]
            if kind == "tickets":
                self._ticket_file = table.name
            scan(table, columns, summary)
            summary.bad = self.problems.count - before
        self.summaries.append(summary)


_US = timedelta(microseconds=1)


# start, end (us), planned, ref, line, site, notified (us; _NOT_NOTIFIED, _NOTICE_UNKNOWN)
_Outage = tuple[int, int, bool, str, int, str, int]
_NOT_NOTIFIED = -(1 << 62)  # the export has a notified column, empty for this outage: no notice given
_NOTICE_UNKNOWN = -(1 << 61)  # the export has no notified column
# when, ticket, score, scale, service, line, ref, the date as written (re-read in its ticket's service zone)
_Survey = tuple[datetime | None, str, Decimal, Decimal | None, str, int, str, str]


# (scope site, scope request type, window starts, window stops, plans) of one level
_Entry = tuple[str | None, str | None, list[int], list[int], list["_Fast | None"]]
# the entries for one (service, priority), with the zone's parse and ordered (stamps.Parsers)
_Route = tuple[list[_Entry], Callable[[str], int], Callable[[str, str, str], bool]]


class _Fast:
    """A plan flattened for the hot loop (attribute reads of plain slots)."""

    __slots__ = ("acc", "count", "count_us", "limit", "response")

    def __init__(self, plan: Plan) -> None:
        self.acc = plan.acc
        self.count_us = open_us_counter(plan.clock)
        self.count = isinstance(plan.acc, CountAcc)
        self.limit = plan.limit_us
        self.response = plan.level.metric == "response_time"


def _check_unmeasured(
    row: list[str], i_open: int, i_resp: int | None, i_res: int | None, i_hold: int | None, parse: Callable[[str], int]
) -> str | None:
    """Why a row no level measures is bad, or None; the same checks as the measured path."""
    fromiso = datetime.fromisoformat
    what, text = "opened", row[i_open]
    try:
        opened = fromiso(text)
        parse(text)
        for name, index in (("first_response", i_resp), ("resolved", i_res)):
            what = name
            if index is not None and (text := row[index]):
                value = fromiso(text)
                parse(text)  # the bounds (years, zone) of the measured path
                try:
                    early = value < opened
                except TypeError:  # one naive, one with an offset: compare the instants
                    early = parse(text) < parse(row[i_open])
                if early:
                    raise ValueError("is before opened")
        if i_hold is not None and (text := row[i_hold]):
            what = "on_hold"
            _holds(text, parse)
    except ValueError as exc:
        return _reason(what, exc, text)
    return None


def _holds(text: str, parse: Callable[[str], int]) -> list[tuple[int, int]]:
    """``start/end;start/end`` as microsecond pairs (ValueError on a bad or backwards pair, or too many)."""
    io_.check_holds(text)
    out: list[tuple[int, int]] = []
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        a, sep, b = part.partition("/")
        if not sep:
            raise ValueError(f"on_hold {part!r} is not start/end")
        try:
            start, end = parse(a.strip()), parse(b.strip())
        except ValueError:
            raise ValueError(f"on_hold {part!r} is not two ISO 8601 timestamps") from None
        if end < start:
            raise ValueError(f"on_hold {part!r} ends before it starts")
        out.append((start, end))
    return out


def _reason(what: str, exc: ValueError, value: str) -> str:
    """'opened: '2026-11-31 09:00' is not a date and time (day is out of range for month)'."""
    text = str(exc)
    if len(value) > 60:  # a bad row's reason quotes its value, not 100 KB of it
        value = f"{value[:40]}...({len(value):,} characters)"
        text = text if len(text) <= 200 else text[:200] + "..."
    if text.startswith(("is ", "does ")):
        return f"{what} {text}"
    if "isoformat" in text:
        return f"{what}: {value!r} is not an ISO 8601 timestamp"
    if text.startswith(("on_hold", "planned", "score")):
        return text
    return f"{what}: {value!r} is not a date and time ({text})"


def _decide(result: WindowResult, measured: Decimal, required: Decimal, direction: str) -> None:
    result.measured = measured
    result.required = required
    if direction == "at_most":
        result.margin = required - measured
    else:
        result.margin = measured - required
    result.status = "met" if result.margin >= 0 else "missed"


def business_calendar_of(spec: Calendar) -> BusinessCalendar:
    """The clock's calendar of a model calendar (hours, holidays, public holiday sets)."""
    return _business_calendar(spec)


def _business_calendar(spec: Calendar) -> BusinessCalendar:
    return BusinessCalendar.from_minutes(
        spec.timezone,
        spec.weekly(),
        spec.holidays,
        spec.federal_holidays,
        [h.holiday_set() for h in spec.public_holidays],
    )


def _weekly(window: MaintenanceWindow) -> dict[int, list[tuple[int, int]]]:
    out: dict[int, list[tuple[int, int]]] = {}
    for spec, span in window.schedule.items():
        for day in day_indexes(spec):
            out.setdefault(day, []).append(span_minutes(span))
    return out


def _noticed(limit: tuple[Callable[[int, int], int], int] | None, notified: int, start: int) -> bool:
    """Whether an outage notified at ``notified`` had the window's notice before its ``start``."""
    if limit is None or notified == _NOTICE_UNKNOWN:
        return True  # no notice required, or the export cannot tell: as flagged
    if notified == _NOT_NOTIFIED or notified > start:
        return False
    count, need = limit
    return elapsed_us(count, notified, start) >= need


def _spans_in(weekly: dict[int, list[tuple[int, int]]], s: int, e: int, zone: tzinfo) -> list[tuple[int, int]]:
    """The parts of [s, e) inside the weekly maintenance schedule (wall-clock spans in ``zone``)."""
    if not weekly:
        return []
    out: list[tuple[int, int]] = []
    day = from_us(s, zone).date() - timedelta(days=1)
    last = from_us(e, zone).date()
    while day <= last:
        for a, b in weekly.get(day.weekday(), ()):
            # Local wall times, so a maintenance window keeps its wall-clock span on DST days.
            lo = to_us(datetime.combine(day, time(a // 60, a % 60), tzinfo=zone))
            if b == 1440:
                hi = to_us(datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone))
            else:
                hi = to_us(datetime.combine(day, time(b // 60, b % 60), tzinfo=zone))
            lo, hi = max(lo, s), min(hi, e)
            if hi > lo:
                out.append((lo, hi))
        day += timedelta(days=1)
    return out


def _inside(weeklies: list[dict[int, list[tuple[int, int]]]], s: int, e: int, zone: tzinfo) -> bool:
    spans = [span for weekly in weeklies for span in _spans_in(weekly, s, e, zone)]
    return bool(spans) and not _subtract([(s, e)], spans)


def _subtract(base: list[tuple[int, int]], cut: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    pieces = base
    for a, b in sorted(cut):
        nxt: list[tuple[int, int]] = []
        for s, e in pieces:
            if b <= s or a >= e:
                nxt.append((s, e))
                continue
            if a > s:
                nxt.append((s, a))
            if b < e:
                nxt.append((b, e))
        pieces = nxt
    return pieces


def _union_us(count: Callable[[int, int], int], spans: list[tuple[int, int]]) -> int:
    """Calendar time covered by the union of ``spans`` (overlaps counted once)."""
    if not spans:
        return 0
    spans = sorted(spans)
    total = 0
    run_s, run_e = spans[0]
    for s, e in spans[1:]:
        if s > run_e:
            total += elapsed_us(count, run_s, run_e)
            run_s, run_e = s, e
        elif e > run_e:
            run_e = e
    return total + elapsed_us(count, run_s, run_e)
