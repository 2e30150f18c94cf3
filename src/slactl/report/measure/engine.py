"""Measure each service level of an agreement, window by window, against operational data.

The engine builds one track per service level (per site, per rolling offset) with the plan
in force in each window, hands each input file to its scanner (:mod:`.scan`: one pass into
per-window tallies, :mod:`.tally`) and each window to its judge (:mod:`.judge`), which gives
the results (:mod:`.results`).

The clock (see docs/report.md): ``minutes``/``hours`` targets are business time on the
service level's calendar; ``business_days`` are N x the calendar's business day
(``slactl.clock.business_day``: its open hours of a week over its open days) of business
time; ``days``/``weeks`` are wall-clock time. On-hold intervals stop every clock.
A ticket belongs to the window in which it was opened.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from slactl.clock import BusinessCalendar, business_day
from slactl.model.agreement import Agreement, Calendar, ServiceLevel
from slactl.model.types import Duration, Score
from slactl.report import inputs as io_
from slactl.report.measure import scan
from slactl.report.measure.judge import judge
from slactl.report.measure.results import InputSummary, LevelResult, WindowResult
from slactl.report.measure.tally import (
    _DAY,
    CountAcc,
    Plan,
    TimeAcc,
    Track,
    _kind,
    _Outage,
    _Survey,
)
from slactl.report.periods import Period, Window, windows
from slactl.report.stamps import Parsers, to_us
from slactl.report.terms import Terms, Version


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
            now = now.replace(tzinfo=self.default_zone(latest))
        # Not cut to the period's end: a window's verdict depends on the window and the as-of
        # time only, never on the period asked for (a ticket resolved after the period ended is
        # resolved, whether the period was March or the quarter).
        self.as_of = now
        self.tracks = self._build_tracks()
        self.outages: dict[str, list[_Outage]] = {}
        self.sorted_outages: dict[str, tuple[list[_Outage], list[int], int]] = {}
        self.outage_file = ""
        self.surveys: list[_Survey] = []
        self.survey_file = ""
        self.want_tickets: dict[str, tuple[datetime, str] | None] = {}
        self.have = {"tickets": False, "outages": False, "surveys": False}
        self.ticket_file = ""
        self.parsers: dict[str, Parsers] = {}  # by zone name (stamps.make_parsers)
        self.fast: dict[int, list[scan._Step | None]] = {}  # by id(track): its plans flattened for the hot loop
        self.judged: dict[tuple[int, int], WindowResult] = {}  # (id(track), window) judged early (judge_outages)

    # -- set-up ----------------------------------------------------------------

    @staticmethod
    def default_zone(agreement: Agreement) -> tzinfo:
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
            clock, limit = self.duration_clock(version, level, cal, target)
            acc = TimeAcc(self.top)
        elif kind == "count_tickets":
            acc = CountAcc(self.top)
        return Plan(level, version, cal, clock, limit, acc)

    def duration_clock(
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
        return self.default_zone(agreement)

    # -- scanners (slactl.report.measure.scan) -----------------------------------

    def scan_tickets(self, table: io_.Table, columns: dict[str, int], summary: InputSummary) -> None:
        """One pass over the ticket rows of ``table`` into the accumulators."""
        scan.scan_tickets(self, table, columns, summary)

    def scan_outages(self, table: io_.Table, columns: dict[str, int], summary: InputSummary) -> None:
        """Read the outages of ``table``."""
        scan.scan_outages(self, table, columns, summary)

    def scan_surveys(self, table: io_.Table, columns: dict[str, int], summary: InputSummary) -> None:
        """Read the survey answers of ``table``."""
        scan.scan_surveys(self, table, columns, summary)

    # -- results ---------------------------------------------------------------

    def judge_outages(self) -> None:
        """Judge the windows measured from outages alone now (while ticket workers run);
        :meth:`results` uses these. Call it only once the outages file is read."""
        for track in self.tracks:
            if track.kind in ("availability", "count_outages"):
                for k in range(len(track.windows)):
                    self.judged[(id(track), k)] = judge(self, track, k)

    def digest_versions(self) -> None:
        """Compute now the digest of each version that judges a window (a report names them all):
        with clauses it renders their words, so the parent does it while ticket workers read."""
        seen: set[str] = set()
        for track in self.tracks:
            for version in track.versions:
                if version is not None and version.key not in seen:
                    seen.add(version.key)
                    _ = version.digest  # a cached_property: computed once, here

    def results(self) -> list[LevelResult]:
        """Judge every window of every level from what was read."""
        scan.date_surveys(self)
        out: list[LevelResult] = []
        ranked: dict[str, list[tuple[int, date, WindowResult]]] = {}
        early = self.judged
        for track in self.tracks:
            results = [
                early.pop((id(track), k)) if (id(track), k) in early else judge(self, track, k)
                for k in range(len(track.windows))
            ]
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

    # -- files -------------------------------------------------------------------

    def read(self, kind: str, path: Path, mapping: dict[str, str]) -> None:
        """Open one file, map its columns and scan it."""
        with io_.open_table(path) as table:
            columns = io_.resolve_columns(table.header, kind, mapping, table.name)
            if (use := getattr(table, "use", None)) is not None:  # columnar: convert only these columns
                use(columns.values())
            summary = InputSummary(
                kind, table.name, table.fmt, columns={f: table.header[i] for f, i in columns.items()}
            )
            before = self.problems.count
            scanner: Callable[[io_.Table, dict[str, int], InputSummary], None] = {
                "tickets": self.scan_tickets,
                "outages": self.scan_outages,
                "surveys": self.scan_surveys,
            }[kind]
            if kind == "tickets":
                self.ticket_file = table.name
            scanner(table, columns, summary)
            summary.bad = self.problems.count - before
        self.summaries.append(summary)


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
