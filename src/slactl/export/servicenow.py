"""ServiceNow SLA definitions (`contract_sla`) and schedules (`cmn_schedule`) as JSON for import.

A response or resolution level becomes one SLA definition on the `incident` table (a request
type other than `incident`: on `sc_req_item`, by catalog item name), started by the ticket's
priority, timed on a schedule built from the level's calendar: weekly spans from the term's
first day and each holiday of the term as an excluded all-day span. Durations are ServiceNow's
`1970-01-01 HH:MM:SS` form (days added to the date), on the schedule's clock.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from slactl.export.common import (
    TIME_METRICS,
    ExpandedCalendar,
    Export,
    Gap,
    LevelFacts,
    common_gaps,
    default_timezone,
    desk_gaps,
    level_gaps,
)

if TYPE_CHECKING:
    from slactl.model.agreement import Agreement

TARGET = "servicenow"
SLA_TYPES = {"customer": "SLA", "internal": "OLA", "vendor": "Underpinning contract"}
PRIORITIES = {"P1": "1", "P2": "2", "P3": "3", "P4": "4"}
# Incident states in a base instance: 1 New, 3 On Hold, 6 Resolved, 7 Closed.
STOP = {"response_time": "state!=1", "resolution_time": "stateIN6,7"}
PAUSE = {"response_time": "", "resolution_time": "state=3"}
_EPOCH = datetime(1970, 1, 1)


def glide_duration(seconds: int) -> str:
    """ServiceNow's duration value: 4h -> '1970-01-01 04:00:00'; 36h -> '1970-01-02 12:00:00'."""
    return (_EPOCH + timedelta(seconds=seconds)).strftime("%Y-%m-%d %H:%M:%S")


def _stamp(day: date, minutes: int) -> str:
    moment = datetime.combine(day, datetime.min.time()) + timedelta(minutes=minutes)
    return moment.strftime("%Y%m%dT%H%M%S")


def encoded_value(text: str) -> str:
    """A value inside an encoded query: a caret is a separator there, written twice to be literal."""
    return text.replace("^", "^^").replace("\n", " ")


def schedule_name(agreement_id: str, calendar: str) -> str:
    """The schedule's name: unique across agreements."""
    return f"{agreement_id} {calendar}"


def schedule(agreement_id: str, cal: ExpandedCalendar, first_day: date) -> dict[str, Any]:
    """A `cmn_schedule` with its weekly `cmn_schedule_span` entries and excluded holidays."""
    by_span: dict[tuple[int, int], list[int]] = {}
    for weekday in range(7):
        for span in cal.weekly.get(weekday, []):
            by_span.setdefault(span, []).append(weekday)
    entries = []
    for (start, end), days in sorted(by_span.items()):
        entries.append(
            {
                "name": f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}",
                "type": "",
                "show_as": "busy",
                "all_day": start == 0 and end == 1440,
                "start_date_time": _stamp(first_day, start),
                "end_date_time": _stamp(first_day, end),
                "repeat_type": "weekly",
                "repeat_count": 1,
                "days_of_week": "".join(str(d + 1) for d in days),  # ServiceNow: 1 = Monday ... 7 = Sunday
            }
        )
    holidays = [
        {
            "name": h.name,
            "type": "exclude",
            "show_as": "busy",
            "all_day": True,
            "start_date_time": _stamp(h.day, 0),
            "end_date_time": _stamp(h.day, 1440),
        }
        for h in cal.holidays
    ]
    return {
        "name": schedule_name(agreement_id, cal.name),
        "time_zone": cal.timezone,
        "entries": entries,
        "holidays": holidays,
    }


def sla_definition(facts: LevelFacts, agreement: Agreement) -> dict[str, Any]:
    """The `contract_sla` record of a response or resolution level."""
    level = facts.level
    agreement_id = agreement.metadata.id
    request = level.scope.request_type
    table = "incident" if request in (None, "incident") else "sc_req_item"
    start = ["active=true"]
    if level.scope.priority is not None:
        start.insert(0, f"priority={PRIORITIES[level.scope.priority]}")
    if request is not None and table == "sc_req_item":
        start.insert(0, f"cat_item.name={encoded_value(request)}")
    stop = STOP[level.metric] if table == "incident" else "active=false"
    pause = PAUSE[level.metric] if table == "incident" else ""
    cancel = f"priority!={PRIORITIES[level.scope.priority]}" if level.scope.priority is not None else ""
    cal = facts.calendar
    assert facts.threshold_seconds is not None
    record: dict[str, Any] = {
        "name": f"{agreement_id}: {level.name or level.id}",
        "u_slactl_level": level.id,
        "type": SLA_TYPES[agreement.metadata.type],
        "target": "response" if level.metric == "response_time" else "resolution",
        "collection": table,
        "start_condition": "^".join(start),
        "stop_condition": stop,
        "pause_condition": pause,
        "cancel_condition": cancel,
        "duration_type": "",
        "duration": glide_duration(facts.threshold_seconds),
        "schedule_source": "sla_definition" if cal is not None else "no_schedule",
        "schedule": schedule_name(agreement_id, cal.name) if cal is not None else "",
        "timezone_source": "sla.timezone",
        "timezone": cal.timezone if cal is not None else default_timezone(agreement),
        "retroactive": False,
        "active": True,
    }
    if level.measurement is not None:
        record["description"] = level.measurement.method
    return record


def export(agreement: Agreement, facts: list[LevelFacts]) -> tuple[dict[str, Any], list[Gap], list[str]]:
    """The import document of one agreement, its gaps and the level ids written."""
    agreement_id = agreement.metadata.id
    gaps = common_gaps(TARGET, agreement)
    slas: list[dict[str, Any]] = []
    written: list[str] = []
    calendars: dict[str, ExpandedCalendar] = {}
    for item in facts:
        gaps.extend(level_gaps(TARGET, agreement_id, item, desk=True))
        if item.level.metric not in TIME_METRICS:
            continue
        gaps.extend(desk_gaps(TARGET, agreement_id, item))
        slas.append(sla_definition(item, agreement))
        written.append(item.level.id)
        if item.calendar is not None:
            calendars.setdefault(item.calendar.name, item.calendar)
    schedules = [schedule(agreement_id, cal, agreement.term.start) for _, cal in sorted(calendars.items())]
    return {"cmn_schedule": schedules, "contract_sla": slas}, gaps, written


def write(agreement: Agreement, facts: list[LevelFacts], stamp: str) -> Export:
    """One JSON file per agreement; the stamp is its last key, `$comment`."""
    from slactl.textsafe import json_text

    document, gaps, written = export(agreement, facts)
    out = Export(gaps=gaps, exported=written)
    if document["contract_sla"]:
        document["$comment"] = stamp
        out.files[f"{agreement.metadata.id}.servicenow.json"] = json_text(document, indent=2) + "\n"
    return out
