"""The judges: each window of each track, from its tallies, against the target in force.

A time target is met when the share of tickets within it reaches the attainment; an
availability is the measured time less unplanned downtime (overlaps counted once, planned
maintenance inside a noticed window excluded or counted as up); a count target compares
the incidents; a satisfaction target the mean score or the share of satisfied answers.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from collections.abc import Callable, Iterable
from datetime import datetime, time, timedelta, tzinfo
from decimal import Decimal
from typing import TYPE_CHECKING

from slactl.clock import counts_elapsed, open_us_counter
from slactl.model.agreement import MaintenanceWindow, day_indexes, span_minutes
from slactl.model.types import Count, Percent, Score
from slactl.report.measure.results import Miss, WindowResult
from slactl.report.measure.tally import (
    _NOT_NOTIFIED,
    _NOTICE_UNKNOWN,
    _US,
    CountAcc,
    Plan,
    TimeAcc,
    Track,
    _Outage,
    _Survey,
)
from slactl.report.stamps import elapsed_us, from_us, to_us

if TYPE_CHECKING:
    from slactl.report.measure.engine import Engine

_ZERO = timedelta(0)
_HUNDRED = Decimal(100)
# A satisfaction percent target counts responses of at least 80% of the scale (4 or 5 of 5).
SATISFIED_SHARE = Decimal("0.8")


def judge(engine: Engine, track: Track, k: int) -> WindowResult:
    window = track.windows[k]
    start, stop = track.starts[k], track.stops[k]
    plan = track.plans[k]
    result = WindowResult(
        window, start, min(stop, max(start, engine.as_of)), track.versions[k], plan.level if plan else None
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
    if engine.as_of <= start:
        result.notes.append("Not started yet.")
        return result
    if engine.as_of < stop:
        result.notes.append(f"Measured up to {engine.as_of.astimezone(track.zone).strftime('%Y-%m-%d %H:%M %Z')}.")
    if track.kind == "time":
        _judge_time(engine, plan, result, track.zone)
    elif track.kind == "count_tickets":
        _judge_count_tickets(engine, plan, result, track.zone)
    elif track.kind in ("availability", "count_outages"):
        if not engine.have["outages"]:
            result.notes.append("No outages file was given.")
        else:
            _judge_outages(engine, track, plan, result)
    elif track.kind == "satisfaction":
        if not engine.have["surveys"]:
            result.notes.append("No surveys file was given.")
        else:
            _judge_satisfaction(engine, track, plan, result)
    else:
        result.notes.append("A custom metric is not measured from data files.")
    return result


def _judge_time(engine: Engine, plan: Plan, result: WindowResult, zone: tzinfo) -> None:
    acc = plan.acc
    assert isinstance(acc, TimeAcc)
    if not engine.have["tickets"]:
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
            engine.ticket_file,
            line,
            from_us(opened, zone),
            timedelta(microseconds=elapsed),
            timedelta(microseconds=over),
            "still open" if still_open else "",
        )
        for over, _, ref, line, opened, elapsed, still_open in sorted(acc.heap, reverse=True)
    ]


def _judge_count_tickets(engine: Engine, plan: Plan, result: WindowResult, zone: tzinfo) -> None:
    acc = plan.acc
    assert isinstance(acc, CountAcc)
    if not engine.have["tickets"]:
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
            Miss(ref, engine.ticket_file, line, from_us(us, zone), _ZERO, None) for ref, line, us in acc.kept
        ]


def _service_outages(engine: Engine, service: str) -> tuple[list[_Outage], list[int], int]:
    """The service's outages sorted by start, their starts, and the longest one (for bisecting)."""
    found = engine.sorted_outages.get(service)
    if found is None:
        rows = sorted(engine.outages.get(service, []))
        found = (rows, [r[0] for r in rows], max((r[1] - r[0] for r in rows), default=0))
        engine.sorted_outages[service] = found
    return found


def _judge_outages(engine: Engine, track: Track, plan: Plan, result: WindowResult) -> None:
    level = plan.level
    count = open_us_counter(plan.calendar)
    ws, we = to_us(result.start_at), to_us(result.stop_at)
    elapsed = counts_elapsed(plan.calendar, ws, we)  # open time is a span's length: no counter calls
    rows, starts, longest = _service_outages(engine, level.service)
    windows_ = _maintenance(engine, plan)
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
            lost = (e - s if e > s else 0) if elapsed else elapsed_us(count, s, e)
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
                Miss(r[3], engine.outage_file, r[4], from_us(r[0], zone), timedelta(microseconds=r[1] - r[0]), None)
                for r in incidents[: engine.top]
            ]
        return
    window_us = elapsed_us(count, ws, we)
    down = _union_us(count, unplanned, elapsed)
    planned_us = _union_us(count, unplanned + planned_spans, elapsed) - down
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
    # The worst first (ties: the earlier start), as sorted() would give: only the first `top` are kept.
    worst = heapq.nsmallest(engine.top, per_outage, key=lambda item: (-item[0], item[1][0]))
    result.misses_total = len(per_outage)
    result.misses = [
        Miss(row[3], engine.outage_file, row[4], from_us(row[0], zone), timedelta(microseconds=lost), None, note)
        for lost, row, note in worst
    ]


def _judge_satisfaction(engine: Engine, track: Track, plan: Plan, result: WindowResult) -> None:
    level = plan.level
    target = level.target
    ws, we = result.start_at, result.stop_at  # cut at the as-of time: later answers are unknown
    scores: list[tuple[Decimal, _Survey]] = []
    for row in engine.surveys:
        when, _t, score, scale, service, _line, _ref, _raw = row
        assert when is not None
        if service and service != level.service:
            continue
        if not ws <= when < we:
            continue
        if isinstance(target, Score):
            value = score * target.scale / scale if scale else score
            if value > target.scale:
                engine.problems.add(engine.survey_file, _line, f"score {score} is above the scale {target.scale}")
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
            Miss(r[6], engine.survey_file, r[5], (r[0] or ws).astimezone(track.zone), r[2], None)
            for _v, r in bad[: engine.top]
        ]


def _maintenance(
    engine: Engine, plan: Plan
) -> list[tuple[dict[int, list[tuple[int, int]]], tuple[Callable[[int, int], int], int] | None]]:
    """Each maintenance window of the level: its weekly spans and its notice (a clock and a length)."""
    out: list[tuple[dict[int, list[tuple[int, int]]], tuple[Callable[[int, int], int], int] | None]] = []
    for window in plan.level.exclusions:
        limit = None
        if window.notice is not None:
            clock, length = engine.duration_clock(plan.version, plan.level, plan.calendar, window.notice)
            limit = (open_us_counter(clock), length // _US)
        out.append((_weekly(window), limit))
    return out


def _decide(result: WindowResult, measured: Decimal, required: Decimal, direction: str) -> None:
    result.measured = measured
    result.required = required
    if direction == "at_most":
        result.margin = required - measured
    else:
        result.margin = measured - required
    result.status = "met" if result.margin >= 0 else "missed"


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


def _union_us(count: Callable[[int, int], int], spans: list[tuple[int, int]], elapsed: bool = False) -> int:
    """Calendar time covered by the union of ``spans`` (overlaps counted once).

    ``elapsed``: the calendar's open time is a span's length (``clock.counts_elapsed``).
    """
    if not spans:
        return 0
    spans = sorted(spans)
    total = 0
    run_s, run_e = spans[0]
    for s, e in spans[1:]:
        if s > run_e:
            total += run_e - run_s if elapsed else elapsed_us(count, run_s, run_e)
            run_s, run_e = s, e
        elif e > run_e:
            run_e = e
    return total + (run_e - run_s if elapsed else elapsed_us(count, run_s, run_e))
