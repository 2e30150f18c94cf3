"""Jira Service Management SLA goals and calendars as JSON.

Two time metrics per agreement at most, "Time to first response" and "Time to resolution",
each with one goal per level: a JQL condition (priority, request type), a duration in minutes
on the level's calendar. Calendars carry their working hours per day and every holiday of the
term by date (not recurring: the `holidays` package already moved each to its observed day).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slactl.export.common import (
    DAYS,
    TIME_METRICS,
    ExpandedCalendar,
    Export,
    Gap,
    LevelFacts,
    common_gaps,
    desk_gaps,
    level_gaps,
)

if TYPE_CHECKING:
    from slactl.model.agreement import Agreement

TARGET = "jsm"
PRIORITIES = {"P1": "Highest", "P2": "High", "P3": "Medium", "P4": "Low"}
METRICS = {
    "response_time": {
        "name": "Time to first response",
        "startConditions": ["Issue Created"],
        "pauseConditions": [],
        "stopConditions": ["Comment: For Customers"],
    },
    "resolution_time": {
        "name": "Time to resolution",
        "startConditions": ["Issue Created"],
        "pauseConditions": ["Status: Waiting for customer"],
        "stopConditions": ["Resolution: Set"],
    },
}


def jql_string(text: str) -> str:
    """A JQL string literal: double quotes, with backslash and quote escaped."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def goal_jql(facts: LevelFacts) -> str:
    """The goal's condition: priority and request type; empty (all remaining issues) when neither."""
    scope = facts.level.scope
    parts = []
    if scope.priority is not None:
        parts.append(f"priority = {PRIORITIES[scope.priority]}")
    if scope.request_type is not None:
        parts.append(f'"Request Type" = {jql_string(scope.request_type)}')
    return " AND ".join(parts)


def calendar_name(agreement_id: str, calendar: str) -> str:
    """The calendar's name in JSM: unique across agreements."""
    return f"{agreement_id} {calendar}"


def calendar(agreement_id: str, cal: ExpandedCalendar) -> dict[str, Any]:
    """A JSM calendar: zone, working hours per weekday (24:00 for the end of a day), dated holidays."""
    hours = [
        {"day": DAYS[day], "start": f"{start // 60:02d}:{start % 60:02d}", "end": f"{end // 60:02d}:{end % 60:02d}"}
        for day in range(7)
        for start, end in cal.weekly.get(day, [])
    ]
    return {
        "name": calendar_name(agreement_id, cal.name),
        "timezone": cal.timezone,
        "workingHours": hours,
        "holidays": [{"name": h.name, "date": h.day.isoformat(), "recurring": False} for h in cal.holidays],
    }


def export(agreement: Agreement, facts: list[LevelFacts]) -> tuple[dict[str, Any], list[Gap], list[str]]:
    """The JSM document of one agreement, its gaps and the level ids written."""
    agreement_id = agreement.metadata.id
    gaps = common_gaps(TARGET, agreement)
    goals: dict[str, list[dict[str, Any]]] = {metric: [] for metric in TIME_METRICS}
    written: list[str] = []
    calendars: dict[str, ExpandedCalendar] = {}
    for item in facts:
        level = item.level
        gaps.extend(level_gaps(TARGET, agreement_id, item, desk=True))
        if level.metric not in TIME_METRICS:
            continue
        gaps.extend(desk_gaps(TARGET, agreement_id, item))
        assert item.threshold_seconds is not None
        minutes, rest = divmod(item.threshold_seconds, 60)
        if rest:
            gaps.append(
                Gap(
                    TARGET,
                    agreement_id,
                    level.id,
                    f"{item.path}.target",
                    f"JSM goals are whole minutes; {rest}s rounded up",
                )
            )
            minutes += 1
        goal: dict[str, Any] = {"jql": goal_jql(item), "durationMinutes": minutes, "slactlLevel": level.id}
        if item.calendar is not None:
            goal["calendar"] = calendar_name(agreement_id, item.calendar.name)
            calendars.setdefault(item.calendar.name, item.calendar)
        else:
            goal["calendar"] = None  # JSM: the 24/7 calendar
        goals[level.metric].append(goal)
        written.append(level.id)
    metrics = [dict(METRICS[metric], goals=goals[metric]) for metric in TIME_METRICS if goals[metric]]
    document = {
        "agreement": agreement_id,
        "calendars": [calendar(agreement_id, cal) for _, cal in sorted(calendars.items())],
        "slaMetrics": metrics,
    }
    return document, gaps, written


def write(agreement: Agreement, facts: list[LevelFacts], stamp: str) -> Export:
    """One JSON file per agreement; the stamp is its last key, `$comment`."""
    from slactl.textsafe import json_text

    document, gaps, written = export(agreement, facts)
    out = Export(gaps=gaps, exported=written)
    if document["slaMetrics"]:
        document["$comment"] = stamp
        out.files[f"{agreement.metadata.id}.jsm.json"] = json_text(document, indent=2) + "\n"
    return out
