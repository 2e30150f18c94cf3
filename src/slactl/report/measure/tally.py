"""The tallies the scanners fill and the judges read: per-window accumulators, plans and tracks.

An accumulator keeps counts and only the ``top`` worst misses of a window (a heap), so
memory does not grow with the number of tickets; a worker process sends back its
accumulators and the parent merges them (:mod:`slactl.report.parallel`).
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from decimal import Decimal
from typing import Literal

from slactl.clock import BusinessCalendar
from slactl.model.agreement import Agreement, ServiceLevel
from slactl.model.types import Duration
from slactl.report.periods import Window
from slactl.report.terms import Version

TICKET_METRICS = ("response_time", "resolution_time")
_DAY = timedelta(days=1)

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


_US = timedelta(microseconds=1)


# start, end (us), planned, ref, line, site, notified (us; _NOT_NOTIFIED, _NOTICE_UNKNOWN)
_Outage = tuple[int, int, bool, str, int, str, int]
_NOT_NOTIFIED = -(1 << 62)  # the export has a notified column, empty for this outage: no notice given
_NOTICE_UNKNOWN = -(1 << 61)  # the export has no notified column
# when, ticket, score, scale, service, line, ref, the date as written (re-read in its ticket's service zone)
_Survey = tuple[datetime | None, str, Decimal, Decimal | None, str, int, str, str]
