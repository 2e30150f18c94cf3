"""The scanners: one pass over each input file into the tallies of the tracks.

Tickets go straight into per-window accumulators (the hot loop: all instants as integer
microseconds); outages and surveys are kept as small tuples, because overlapping outages
must be merged and a survey may be dated by its ticket, before they are judged.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from slactl.clock import SLOT_SHIFT, BusinessCalendar, always_open, open_us_counter, year_view
from slactl.report import inputs as io_
from slactl.report.measure.results import InputSummary
from slactl.report.measure.tally import _NOT_NOTIFIED, _NOTICE_UNKNOWN, CountAcc, Plan, Track, _Survey
from slactl.report.stamps import Parsers, elapsed_us, from_us, make_parsers, to_us

if TYPE_CHECKING:
    from slactl.report.measure.engine import Engine


def _routes_for(engine: Engine, service: str, priority: str) -> list[Track]:
    out = []
    for track in engine.tracks:
        if track.kind not in ("time", "count_tickets") or track.level.service != service:
            continue
        if track.level.scope.priority and track.level.scope.priority != priority:
            continue
        out.append(track)
    return out


def scan_tickets(engine: Engine, table: io_.Table, columns: dict[str, int], summary: InputSummary) -> None:  # noqa: C901
    """The hot loop: one pass over the ticket rows, all instants as integer microseconds."""
    engine.have["tickets"] = True
    problems = engine.problems
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
    want = engine.want_tickets
    as_of = to_us(engine.as_of)
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
            route = routes[(service, prio)] = _route(engine, service, prio)
        tracks, uniform, parse, naive_get, local_get, aware_get, days_get, seconds = route
        # The row's three instants from its zone's tables: stamps.make_parsers' quick(),
        # inlined (three calls a row cost more than the lookups; `seconds` is called only for
        # a text with seconds). -1: empty. Any text the tables cannot answer, or a time before
        # the opening, goes to the exact path below.
        fast = True
        opened = responded = resolved = -1
        text = row[i_open]
        rest = text[10:]
        if (r := naive_get(rest)) is not None and (d := local_get(text[:10])) is not None:
            opened = d + r
        elif (r := aware_get(rest)) is not None and (d := days_get(text[:10])) is not None:
            opened = d + r
        elif (r := seconds(text)) is not None:
            opened = r
        else:
            fast = False
        if fast and i_resp is not None and (text := row[i_resp]):
            rest = text[10:]
            if (r := naive_get(rest)) is not None and (d := local_get(text[:10])) is not None:
                responded = d + r
            elif (r := aware_get(rest)) is not None and (d := days_get(text[:10])) is not None:
                responded = d + r
            elif (r := seconds(text)) is not None:
                responded = r
            else:
                fast = False
            if responded < opened:
                fast = False
        if fast and i_res is not None and (text := row[i_res]):
            rest = text[10:]
            if (r := naive_get(rest)) is not None and (d := local_get(text[:10])) is not None:
                resolved = d + r
            elif (r := aware_get(rest)) is not None and (d := days_get(text[:10])) is not None:
                resolved = d + r
            elif (r := seconds(text)) is not None:
                resolved = r
            else:
                fast = False
            if resolved < opened:
                fast = False
        holds: list[tuple[int, int]] | tuple[()] = ()
        if not tracks:
            # Measured by no level: only checked.
            if fast and i_hold is not None and (text := row[i_hold]):
                try:
                    _holds(text, parse)
                except ValueError:
                    fast = False
            if not fast:
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
            if not fast:  # the exact path: the same instants, or the reason the row is bad
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
        steps: Sequence[_Step]
        if uniform is not None:  # the levels share their windows and have no site or type scope
            starts, stops, by_window = uniform
            k = bisect_right(starts, opened) - 1
            if k < 0 or opened >= stops[k]:
                continue
            steps = by_window[k]
        else:
            steps = _steps(tracks, row, i_site, i_type, opened)
        if not steps:
            continue
        used += 1
        year_of: BusinessCalendar | None = None  # the calendar `before` and the year table are for
        for acc, count, limit, response, count_us, cal in steps:
            if count:
                acc.add(row[i_id], line(index), opened)
                continue
            end = responded if response else resolved
            still_open = end < 0
            if still_open:
                end = as_of
                if end <= opened:
                    acc.open += 1
                    continue
            if holds:
                spent = elapsed_us(count_us, opened, end, holds)
            elif cal is None:  # open around the clock
                spent = count_us(opened, end)
            else:
                # Business time: open-before(end) - open-before(opened) in the year table of
                # the opening (clock.year_view), inlined; the levels on one calendar share
                # open-before(opened). An end in a later year: the counter.
                if cal is not year_of:
                    year_of = cal
                    bounds, cum, edges, slots, s0, hi = year_view(cal, opened)
                    j = slots[(opened >> SLOT_SHIFT) - s0]
                    if edges[j] <= opened:
                        j = bisect_right(bounds, opened, j)
                    before = cum[j - 1] + opened - bounds[j - 1] if j & 1 else (cum[j - 1] if j else 0)
                if end < hi:
                    j = slots[(end >> SLOT_SHIFT) - s0]
                    if edges[j] <= end:
                        j = bisect_right(bounds, end, j)
                    spent = (cum[j - 1] + end - bounds[j - 1] if j & 1 else (cum[j - 1] if j else 0)) - before
                else:
                    spent = count_us(opened, end)
            if spent <= limit:
                if still_open:
                    acc.open += 1  # not late yet: judged when it closes
                else:
                    acc.judged += 1
                    acc.met += 1
                    acc.elapsed_us += spent
                continue
            acc.judged += 1
            acc.elapsed_us += spent
            acc.miss(spent - limit, row[i_id], line(index), opened, spent, still_open)
    summary.rows += rows
    summary.used += used


def parsers_for(engine: Engine, service: str) -> Parsers:
    """The service zone's timestamp parsers (one pair per zone, so their tables are shared)."""
    zone = engine.service_zone(service)
    parsers = engine.parsers.get(str(zone))
    if parsers is None:
        parsers = engine.parsers[str(zone)] = make_parsers(zone)
    return parsers


def _route(engine: Engine, service: str, prio: str) -> _Route:
    """The levels that measure tickets of (service, priority as written), and the zone's parsers."""
    parsers = parsers_for(engine, service)
    entries: list[_Entry] = []
    for track in _routes_for(engine, service, io_.parse_priority(prio)):
        steps = engine.fast.get(id(track))
        if steps is None:
            steps = engine.fast[id(track)] = [None if p is None else _step(p) for p in track.plans]
        scope = track.level.scope
        req = io_.normalize(scope.request_type) if scope.request_type else None
        entries.append((track.site or scope.site, req, track.starts_us, track.stops_us, steps))
    uniform: _Uniform | None = None
    if entries and all(
        site is None and req is None and starts == entries[0][2] and stops == entries[0][3]
        for site, req, starts, stops, _ in entries
    ):
        by_window = [tuple(s for e in entries if (s := e[4][k]) is not None) for k in range(len(entries[0][2]))]
        uniform = (entries[0][2], entries[0][3], by_window)
    return (entries, uniform, parsers.parse, *parsers.lookups)


def _steps(entries: list[_Entry], row: list[str], i_site: int | None, i_type: int | None, opened: int) -> list[_Step]:
    """The steps that measure one ticket: each level's window of its opening, in scope."""
    out = []
    for site, req, starts, stops, steps in entries:
        if site is not None and (i_site is None or row[i_site] != site):
            continue
        if req is not None and (i_type is None or io_.normalize(row[i_type]) != req):
            continue
        k = bisect_right(starts, opened) - 1
        if k < 0 or opened >= stops[k]:
            continue
        step = steps[k]
        if step is not None:
            out.append(step)
    return out


def scan_outages(engine: Engine, table: io_.Table, columns: dict[str, int], summary: InputSummary) -> None:
    """Read outages into per-service lists of microsecond spans (naive times in the service's zone)."""
    engine.have["outages"] = True
    engine.outage_file = table.name
    i_svc, i_start, i_end = columns["service"], columns["start"], columns["end"]
    i_id, i_site, i_planned = columns.get("id"), columns.get("site"), columns.get("planned")
    i_notified = columns.get("notified")
    width = max(columns.values()) + 1
    parsers: dict[str, Callable[[str], int]] = {}
    as_of = to_us(engine.as_of)
    for index, row in enumerate(table):
        if len(row) < width:
            _short_row(engine, summary, table, index, row, width)
            continue
        summary.rows += 1
        service = row[i_svc]
        parse = parsers.get(service)
        if parse is None:
            parse = parsers[service] = parsers_for(engine, service).parse
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
            engine.problems.add(
                table.name, table.line(index), _reason(what, exc, row[columns[what]] if what in columns else "")
            )
            continue
        line = table.line(index)
        ref = row[i_id] if i_id is not None and row[i_id] else f"outage at line {line}"
        site = row[i_site] if i_site is not None else ""
        engine.outages.setdefault(service, []).append((start, end, planned, ref, line, site, notified))
        summary.used += 1


# -- surveys ---------------------------------------------------------------


def scan_surveys(engine: Engine, table: io_.Table, columns: dict[str, int], summary: InputSummary) -> None:
    """Read survey answers (few: kept in memory); dates may come from their tickets later."""
    engine.have["surveys"] = True
    engine.survey_file = table.name
    i_score = columns["score"]
    i_date, i_ticket = columns.get("date"), columns.get("ticket")
    i_scale, i_svc = columns.get("scale"), columns.get("service")
    width = max(columns.values()) + 1
    zone = engine.default_zone(engine.latest)
    for index, row in enumerate(table):
        if len(row) < width:
            _short_row(engine, summary, table, index, row, width)
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
                when = io_.parse_instant(row[i_date], engine.service_zone(service) if service else zone)
            elif not ticket:
                raise ValueError("is missing and so is the ticket")
        except ValueError as exc:
            engine.problems.add(
                table.name, table.line(index), _reason(what, exc, row[columns[what]] if what in columns else "")
            )
            continue
        if ticket and (when is None or not service):
            engine.want_tickets[ticket] = None  # its date, or its service, comes from the tickets file
        summary.used += 1
        line = table.line(index)
        raw = row[i_date] if when is not None and i_date is not None else ""
        engine.surveys.append((when, ticket, score, scale, service, line, ticket or f"survey at line {line}", raw))


def date_surveys(engine: Engine) -> None:
    """Date each answer and name its service: its own columns first, else its ticket's.

    A survey that names a ticket is about that ticket's service, dated or not; one whose
    ticket the tickets file does not have is a bad row (it would otherwise count for every
    satisfaction level). Without a tickets file, a dated survey with no service counts for
    every satisfaction level, as one that names no ticket does.
    """
    dated: list[_Survey] = []
    for when, ticket, score, scale, service, line, ref, raw in engine.surveys:
        if ticket and (when is None or not service):
            found = engine.want_tickets.get(ticket)
            if found is None:
                if when is None:
                    why = (
                        "no tickets file to date it by"
                        if not engine.have["tickets"]
                        else f"ticket {ticket!r} is not in the tickets file"
                    )
                    engine.problems.add(engine.survey_file, line, f"survey has no date and {why}")
                    continue
                if engine.have["tickets"]:
                    engine.problems.add(
                        engine.survey_file,
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
                    when = io_.parse_instant(raw, engine.service_zone(service))
        dated.append((when, ticket, score, scale, service, line, ref, raw))
    engine.surveys = list(dated)


# (accumulator, counts incidents, limit µs, measures the response, counter, calendar or None): see _step
_Step = tuple[Any, bool, int, bool, Callable[[int, int], int], BusinessCalendar | None]
# (scope site, scope request type, window starts, window stops, steps) of one level
_Entry = tuple[str | None, str | None, list[int], list[int], list[_Step | None]]
# window starts and stops shared by a route's levels, and the steps of each window
_Uniform = tuple[list[int], list[int], list[tuple[_Step, ...]]]
# the entries for one (service, priority), with the zone's parse and table lookups (stamps.Parsers)
_Get = Callable[[str], int | None]
_Route = tuple[list[_Entry], _Uniform | None, Callable[[str], int], _Get, _Get, _Get, _Get, _Get]


def _step(plan: Plan) -> _Step:
    """A plan flattened for the hot loop: (accumulator, counts incidents, limit in µs, measures the
    response, its counter, its calendar or None when it is open around the clock)."""
    clock = plan.clock
    always = always_open(clock)
    return (
        plan.acc,
        isinstance(plan.acc, CountAcc),
        plan.limit_us,
        plan.level.metric == "response_time",
        open_us_counter(clock),
        None if always else clock,
    )


def _check_unmeasured(
    row: list[str], i_open: int, i_resp: int | None, i_res: int | None, i_hold: int | None, parse: Callable[[str], int]
) -> str | None:
    """Why a row no level measures is bad, or None; the same checks as the measured path."""
    what, text = "opened", row[i_open]
    try:
        opened = parse(text)
        for name, index in (("first_response", i_resp), ("resolved", i_res)):
            what = name
            if index is not None and (text := row[index]) and parse(text) < opened:
                # Instants, as the measured path compares: a naive time in the hour a
                # clock skips is read with the offset before the change.
                raise ValueError("is before opened")
        if i_hold is not None and (text := row[i_hold]):
            what = "on_hold"
            _holds(text, parse)
    except ValueError as exc:
        return _reason(what, exc, text)
    return None


def _short_row(engine: Engine, summary: InputSummary, table: io_.Table, index: int, row: list[str], width: int) -> None:
    """A row with fewer columns than the file's: a bad row counted and said; a blank line is no row."""
    if row and any(row):
        summary.rows += 1
        reason = io_.row_error(row) or f"{len(row)} columns, expected at least {width}"
        engine.problems.add(table.name, table.line(index), reason)


def _holds(text: str, parse: Callable[[str], int]) -> list[tuple[int, int]]:
    """``start/end;start/end`` as microsecond pairs (see :func:`slactl.report.inputs.parse_holds`)."""
    if ";" not in text:  # one hold, the usual case: read here; anything odd gets the full reader
        a, sep, b = text.partition("/")
        if sep:
            try:
                start, end = parse(a.strip()), parse(b.strip())
            except ValueError:
                pass
            else:
                if start <= end:
                    return [(start, end)]
    return io_.parse_holds(text, parse)


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
