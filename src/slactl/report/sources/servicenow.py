"""ServiceNow: a list export as CSV (right-click the list header, "Export > CSV").

Two lists are read. The ``incident`` list (``number``, ``opened_at``, ``priority``,
``business_service``, ``resolved_at``) gives tickets. The ``task_sla`` list, with the task's
fields dot-walked in (``task.opened_at``, ``task.priority``, ``task.business_service``,
``task.resolved_at``), gives the same tickets plus ServiceNow's own verdict per SLA record:
``has_breached``, ``business_duration`` and ``pause_duration``; a response SLA's ``end_time``
is the first response. The CSV carries display values (``1 - Critical``, ``true``, durations
as ``2 Hours 15 Minutes``) in the exporting user's time zone, with no offset.
"""

from __future__ import annotations

from pathlib import Path

from slactl.report.inputs import normalize
from slactl.report.sources import (
    Options,
    Row,
    ToolVerdict,
    Translated,
    header_for,
    measure_of,
    parse_span,
    parse_when,
    read_csv,
    tool_flag,
)

SERVICE_COLUMNS = ("business_service", "service_offering", "cmdb_ci", "assignment_group")


def priority(text: str) -> str:
    """'1 - Critical' -> 'P1' (ServiceNow's priorities 1..4; 5 - Planning matches no scope)."""
    digit = text.strip()[:1]
    return f"P{digit}" if digit in "1234" and digit else text.strip()


def detect(head: bytes) -> bool:
    """A CSV headed by ServiceNow field names: ``number`` with ``opened_at``, or ``task`` with ``has_breached``."""
    names = {normalize(c) for c in head.decode("utf-8-sig", errors="replace").split("\n", 1)[0].split(",")}
    names = {n.strip('"') for n in names}
    return {"number", "opened_at"} <= names or {"task", "sla", "has_breached"} <= names


def read(path: Path, options: Options) -> Translated:
    """Tickets from an incident or task_sla export; each task_sla record's verdict beside them."""
    export = read_csv(path)
    index = export.index()
    out = Translated("servicenow", "tickets", str(path), header_for("tickets"))
    sla = "has_breached" in index
    p = "task." if sla else ""
    out.columns = {
        "id": "task" if sla else "number",
        "priority": f"{p}priority",
        "service": next((f"{p}{c}" for c in SERVICE_COLUMNS if normalize(f"{p}{c}") in index), f"{p}business_service"),
        "opened": f"{p}opened_at",
        "resolved": f"{p}resolved_at",
    }
    if sla:
        out.columns["first_response"] = "end_time (of the response SLA)"
    tickets: dict[str, tuple[int, dict[str, str]]] = {}
    for line, cells in export.rows:
        row = Row(index, cells)
        number = row.get(out.columns["id"])
        if not number:
            out.problems.append((line, f"no {out.columns['id']}"))
            continue
        what = out.columns["opened"]
        try:
            values = {
                "id": number,
                "priority": priority(row.get(f"{p}priority")),
                "service": options.services.first([row.get(f"{p}{c}") for c in SERVICE_COLUMNS]),
                "opened": parse_when(row.get(f"{p}opened_at"), options),
            }
            what = out.columns["resolved"]
            if text := row.get(f"{p}resolved_at", f"{p}closed_at"):
                values["resolved"] = parse_when(text, options)
            if sla:
                name = row.get("sla")
                stage = row.get("stage").lower()
                what = "end_time"
                end = parse_when(row.get("end_time"), options) if row.get("end_time") else ""
                what = "has_breached"
                breached = tool_flag(row.get("has_breached"))
                what = "business_duration"
                elapsed = parse_span(row.get("business_duration")) if row.get("business_duration") else None
                what = "pause_duration"
                paused = parse_span(row.get("pause_duration")) if row.get("pause_duration") else None
                if measure_of(name) == "response" and end and stage not in ("cancelled", "canceled"):
                    values["first_response"] = end
        except ValueError as exc:
            out.problems.append((line, f"{what} {exc}"))
            continue
        if sla and stage not in ("cancelled", "canceled"):
            out.verdicts.append(ToolVerdict(number, line, name, measure_of(name), breached, elapsed, paused))
        seen = tickets.get(number)
        if seen is None:
            tickets[number] = (line, values)
        else:  # one row per SLA record: the ticket's fields are the same; keep what any row adds
            for key, value in values.items():
                if value and not seen[1].get(key):
                    seen[1][key] = value
    for line, values in tickets.values():
        out.add(line, values)
    return out
