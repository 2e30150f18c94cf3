"""One ticket's clock, slice by slice, as the report measures it; and the tools' verdicts beside it.

:func:`ticket_clocks` finds the time levels that measure a ticket (its service, priority,
site and request type; the window it was opened in; the definition in force then) and
splits the elapsed time into counted, paused and closed slices with
:func:`slactl.clock.business_slices` on the level's clock: the counted total is the report's
elapsed time for that ticket. ``slactl explain`` prints it; :func:`compare_verdicts` uses it
to list the tickets where a tool's own verdict (ServiceNow ``has_breached``,
``business_duration``; JSM's SLA fields; Zendesk's business-hours times) and slactl's differ,
and why.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from slactl.clock import Slice, always_open, business_elapsed, business_slices
from slactl.errors import SlactlError
from slactl.report import inputs as io_

if TYPE_CHECKING:
    from slactl.report.measure.engine import Engine
    from slactl.report.sources import ToolVerdict


@dataclass(frozen=True)
class TicketRecord:
    """One ticket as read, its times aware (read in its service's zone when naive)."""

    id: str
    file: str
    line: int
    service: str
    priority: str
    site: str
    type: str
    opened: datetime
    first_response: datetime | None
    resolved: datetime | None
    on_hold: tuple[tuple[datetime, datetime], ...] = ()


@dataclass
class LevelClock:
    """One service level's clock on one ticket."""

    level: str
    measure: str  # "response" or "resolution"
    window: str
    calendar: str  # what the clock runs on, in words
    target: timedelta
    start: datetime
    end: datetime  # the response or resolution, or the as-of time while still open
    still_open: bool
    slices: list[Slice] = field(default_factory=list)
    elapsed: timedelta | None = None  # the counted time, when the slices were not asked for

    def total(self, state: str) -> timedelta:
        """Time of the slices in ``state`` (counted, paused, closed)."""
        return sum((s.duration for s in self.slices if s.state == state), timedelta(0))

    @property
    def counted(self) -> timedelta:
        """The elapsed time the report measures."""
        return self.elapsed if self.elapsed is not None else self.total("counted")

    @property
    def met(self) -> bool | None:
        """Within target (None: still open and not yet late)."""
        if self.counted > self.target:
            return False
        return None if self.still_open else True


def record_from_row(engine: Engine, file: str, line: int, header: Sequence[str], row: Sequence[str]) -> TicketRecord:
    """A ticket row in slactl's fields (``header``) read as the scanner reads it (ValueError when bad)."""
    from slactl.report.measure.scan import parsers_for
    from slactl.report.stamps import from_us

    values = dict(zip(header, row, strict=False))
    service = values.get("service", "")
    parse = parsers_for(engine, service).parse
    zone = engine.service_zone(service)

    def when(name: str) -> datetime | None:
        text = values.get(name, "")
        return from_us(parse(text), zone) if text else None

    opened = when("opened")
    if opened is None:
        raise ValueError("has no opened time")
    responded, resolved = when("first_response"), when("resolved")
    holds = tuple((from_us(a, zone), from_us(b, zone)) for a, b in io_.parse_holds(values.get("on_hold", ""), parse))
    if responded is not None and io_.normalize(values.get("first_response_by", "")) in io_.AUTOMATED:
        responded = resolved  # an automated reply is no response (as the report reads it)
    return TicketRecord(
        values.get("id", ""),
        file,
        line,
        service,
        io_.parse_priority(values.get("priority", "")),
        values.get("site", ""),
        values.get("type", ""),
        opened,
        responded,
        resolved,
        holds,
    )


def ticket_clocks(engine: Engine, ticket: TicketRecord, *, slices: bool = True) -> list[LevelClock]:
    """The clock of every time level that measures ``ticket``, as the report measures it.

    ``slices=False``: only the counted total (one table lookup, not a slice per day).
    """
    out: list[LevelClock] = []
    for track in engine.tracks:
        level = track.level
        if track.kind != "time" or level.service != ticket.service:
            continue
        if level.scope.priority and level.scope.priority != ticket.priority:
            continue
        site = track.site or level.scope.site
        if site is not None and ticket.site != site:
            continue
        if level.scope.request_type and io_.normalize(level.scope.request_type) != io_.normalize(ticket.type):
            continue
        k = track.window_of(ticket.opened)
        plan = track.plans[k] if k >= 0 else None
        if plan is None or plan.limit is None or ticket.opened >= engine.as_of:
            continue
        measure = "response" if plan.level.metric == "response_time" else "resolution"
        end = ticket.first_response if measure == "response" else ticket.resolved
        still_open = end is None or end > engine.as_of
        stop = engine.as_of if still_open or end is None else end
        clock = plan.clock
        end_at = max(stop, ticket.opened)
        label = track.windows[k].label
        if not slices:
            elapsed = business_elapsed(clock, ticket.opened, end_at, ticket.on_hold)
            out.append(
                LevelClock(
                    track.id, measure, label, clock.describe(), plan.limit, ticket.opened, stop, still_open, [], elapsed
                )
            )
            continue
        cut = business_slices(clock, ticket.opened, end_at, ticket.on_hold)
        if always_open(clock):
            wall = "wall clock (a target in days or weeks)"
            cut = [Slice(c.start, c.end, c.state, wall if c.state == "counted" else c.rule) for c in cut]
        out.append(
            LevelClock(track.id, measure, label, clock.describe(), plan.limit, ticket.opened, stop, still_open, cut)
        )
    return out


def find_ticket(engine: Engine, path: Path, ticket_id: str, source: str | None, options: object = None) -> TicketRecord:
    """The row of ``ticket_id`` in a tickets file (slactl's layout, mapped columns, or a tool's export)."""
    from slactl.report.sources import Options, translate

    if source is not None:
        translated = translate(source, path, options if isinstance(options, Options) else Options())
        for line, row in translated.rows:
            if row[translated.header.index("id")] == ticket_id:
                return _record(engine, str(path), line, translated.header, row)
        bad = [f"{line}: {reason}" for line, reason in translated.problems[:3]]
        raise SlactlError(
            f"no ticket {ticket_id!r} among the rows that could be read",
            path=str(path),
            hint="ids are matched exactly"
            + (
                f"; {len(translated.problems)} rows could not be read (line " + "; line ".join(bad) + ")" if bad else ""
            ),
        )
    mapping = options if isinstance(options, dict) else {}
    with io_.Table(path) as table:
        columns = io_.resolve_columns(table.header, "tickets", mapping, table.name)
        names = list(columns)
        for index, row in enumerate(table):
            if len(row) > columns["id"] and row[columns["id"]] == ticket_id:
                picked = [row[columns[n]] if columns[n] < len(row) else "" for n in names]
                return _record(engine, table.name, table.line(index), names, picked)
    raise SlactlError(f"no ticket {ticket_id!r} in the file", path=str(path), hint="ids are matched exactly")


def _record(engine: Engine, file: str, line: int, header: Sequence[str], row: Sequence[str]) -> TicketRecord:
    try:
        return record_from_row(engine, file, line, header, row)
    except ValueError as exc:
        raise SlactlError(f"line {line}: the ticket cannot be read ({exc})", path=file) from None


# --------------------------------------------------------------------------- the tools' verdicts


@dataclass(frozen=True)
class Disagreement:
    """A ticket where a tool's verdict and slactl's differ, and the likely reasons."""

    ticket: str
    where: str  # file:line of the tool's record
    sla: str  # the tool's SLA
    level: str  # slactl's service level
    tool: str  # what the tool says, in words
    slactl: str  # what slactl measured, in words
    reasons: tuple[str, ...]


@dataclass
class VerdictCheck:
    """The tool's verdicts compared with slactl's clock."""

    source: str
    compared: int = 0
    disagreements: list[Disagreement] = field(default_factory=list)


TOLERANCE = timedelta(minutes=1)
"""Elapsed times within this of each other agree (tools round to the minute)."""


def say_span(value: timedelta) -> str:
    """'2h 05m', '28h 00m', '0m' (hours, not days: business hours are no days of 24)."""
    minutes = round(value.total_seconds() / 60)
    sign = "-" if minutes < 0 else ""
    hours, mins = divmod(abs(minutes), 60)
    if hours:
        return f"{sign}{hours}h {mins:02d}m"
    return f"{sign}{mins}m"


def _reasons(verdict: ToolVerdict, clock: LevelClock) -> list[str]:
    out: list[str] = []
    if verdict.paused and verdict.paused > timedelta(0) and clock.total("paused") < verdict.paused:
        out.append(
            f"a pause the tool applied ({say_span(verdict.paused)}): the export gives no hold intervals "
            f"for slactl to stop its clock (slactl paused {say_span(clock.total('paused'))})"
        )
    holidays = sorted({(s.start.date(), s.rule) for s in clock.slices if "holiday" in s.rule})
    for day, rule in holidays:
        out.append(
            f"a holiday: slactl's calendar is closed on {day.isoformat()} ({rule}); the tool's schedule may not be"
        )
    if verdict.elapsed is not None and abs(verdict.elapsed - clock.counted) > TOLERANCE and not out:
        out.append(
            f"a calendar difference: slactl counts {clock.calendar}; the tool counted "
            f"{say_span(verdict.elapsed - clock.counted)} more on its own schedule"
        )
    if not out:
        out.append(
            f"a different target or start: slactl's target is {say_span(clock.target)} from the ticket's opening; "
            "the tool's SLA may have its own goal or start condition"
        )
    return out


def compare_verdicts(
    engine: Engine,
    source: str,
    file: str,
    header: Sequence[str],
    rows: Iterable[tuple[int, list[str]]],
    verdicts: Sequence[ToolVerdict],
) -> VerdictCheck:
    """Each verdict beside slactl's clock of the same ticket and measure; the disagreements listed."""
    check = VerdictCheck(source)
    by_id: dict[str, tuple[int, list[str]]] = {}
    i_id = list(header).index("id")
    for line, row in rows:
        by_id.setdefault(row[i_id], (line, row))
    for verdict in verdicts:
        found = by_id.get(verdict.ticket)
        if found is None or verdict.measure is None:
            continue
        try:
            record = record_from_row(engine, file, found[0], header, found[1])
        except ValueError:
            continue  # already a bad row of the report
        for clock in ticket_clocks(engine, record, slices=False):
            if clock.measure != verdict.measure:
                continue
            check.compared += 1
            slactl_breached = clock.met is False
            differ = False
            tool_words: list[str] = []
            if verdict.breached is not None:
                tool_words.append("breached" if verdict.breached else "not breached")
                differ = verdict.breached != slactl_breached and not (clock.still_open and not verdict.breached)
            if verdict.elapsed is not None:
                tool_words.append(f"{say_span(verdict.elapsed)} elapsed")
                differ = differ or abs(verdict.elapsed - clock.counted) > TOLERANCE
            if not differ:
                continue
            state = "missed" if slactl_breached else ("open" if clock.still_open else "met")
            # Only now the slices: they name the holidays and pauses behind the difference.
            clock = next(c for c in ticket_clocks(engine, record) if c.level == clock.level)
            check.disagreements.append(
                Disagreement(
                    verdict.ticket,
                    f"{file}:{verdict.line}",
                    verdict.sla,
                    clock.level,
                    ", ".join(tool_words),
                    f"{say_span(clock.counted)} elapsed of {say_span(clock.target)}: {state}",
                    tuple(_reasons(verdict, clock)),
                )
            )
    return check


# --------------------------------------------------------------------------- slactl explain


@dataclass
class Explanation:
    """One ticket's clocks (``slactl explain``)."""

    agreement_id: str
    ticket: TicketRecord
    source: str  # the tool whose export it was read from, or "csv"
    as_of: datetime
    clocks: list[LevelClock]


def explain_ticket(
    agreement: Path,
    ticket_id: str,
    tickets: Path,
    *,
    source: str | None = None,
    columns: dict[str, str] | None = None,
    source_zone: str | None = None,
    date_format: str | None = None,
    fy_start: tuple[int, int] = (10, 1),
    now: datetime,
) -> Explanation:
    """The clock of ``ticket_id`` under each time level measuring it, as ``slactl report`` measures it."""
    from datetime import date as date_
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from slactl.report.measure.engine import Engine
    from slactl.report.periods import Period
    from slactl.report.sources import Options, ServiceNames, detect
    from slactl.report.terms import load_terms

    terms = load_terms(agreement)
    latest = terms.latest.agreement

    def engine_for(first: date_, last: date_) -> Engine:
        return Engine(terms, Period(first, last, "the ticket's window"), fy_start=fy_start, now=now)

    term_end = latest.term.end or date_(min(latest.term.start.year + 1, 8999), 12, 31)
    engine = engine_for(latest.term.start, term_end)
    if source is None and not columns:
        source = detect(tickets)
    if source == "csv":
        source = None
    try:
        zone = ZoneInfo(source_zone) if source_zone else None
    except (ZoneInfoNotFoundError, ValueError):
        raise SlactlError(f"--source-timezone {source_zone!r} is not an IANA time zone") from None
    options: object = Options(zone, date_format, ServiceNames(latest)) if source is not None else (columns or {})
    record = find_ticket(engine, tickets, ticket_id, source, options)
    day = record.opened.date()
    if not latest.term.start <= day <= term_end:  # before or after the term: the windows around it
        engine = engine_for(min(day, latest.term.start), max(day, term_end))
    return Explanation(latest.metadata.id, record, source or "csv", engine.as_of, ticket_clocks(engine, record))
