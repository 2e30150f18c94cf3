"""Atlassian Statuspage: incidents as its API lists them (``GET /v1/pages/{page_id}/incidents``).

Each incident has an ``impact`` (``none``, ``minor``, ``major``, ``critical``, ``maintenance``),
``started_at``/``resolved_at`` (or ``scheduled_for``/``scheduled_until`` for maintenance), the
``components`` it affected and ``incident_updates`` whose ``affected_components`` say each
component's ``new_status`` (``degraded_performance``, ``partial_outage``, ``major_outage``,
``under_maintenance``). Components are matched to the agreement's services by name or id.

What is downtime: a component that went to ``partial_outage`` or ``major_outage`` in an
update, or, when the updates say nothing of it, every component of a ``major`` or ``critical``
incident. ``minor``/``none`` incidents (degraded performance) are not downtime; scheduled
maintenance is planned downtime. The public status API (``/api/v2/incidents.json``) has the same shape.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from slactl.report.sources import Options, Translated, as_list, header_for, json_items, parse_when, read_json

DOWN = frozenset({"partial_outage", "major_outage"})
MAINTENANCE = frozenset({"under_maintenance"})
DOWN_IMPACTS = frozenset({"major", "critical"})


def detect(head: bytes) -> bool:
    """JSON naming ``incident_updates`` and ``impact``."""
    text = head.decode("utf-8-sig", errors="replace")
    return text.lstrip().startswith(("{", "[")) and '"incident_updates"' in text and '"impact"' in text


def _components(incident: dict[str, Any]) -> tuple[dict[str, str], set[str]]:
    """Component name -> worst status its updates gave it; and every component named."""
    worst: dict[str, str] = {}
    rank = {"operational": 0, "degraded_performance": 1, "under_maintenance": 2, "partial_outage": 3, "major_outage": 4}
    named: set[str] = set()
    for comp in as_list(incident.get("components")):
        if isinstance(comp, dict) and comp.get("name"):
            named.add(str(comp["name"]))
    for update in as_list(incident.get("incident_updates")):
        if not isinstance(update, dict):
            continue
        for comp in as_list(update.get("affected_components")):
            if not isinstance(comp, dict) or not comp.get("name"):
                continue
            name = str(comp["name"])
            named.add(name)
            status = str(comp.get("new_status", ""))
            if rank.get(status, 0) > rank.get(worst.get(name, "operational"), 0):
                worst[name] = status
    return worst, named


def read(path: Path, options: Options) -> Translated:
    """Incidents as outages of the components (services) they took down."""
    text, value = read_json(path)
    items = json_items(text, "incidents" if isinstance(value, dict) else None)
    out = Translated("statuspage", "outages", str(path), header_for("outages"))
    out.columns = {
        "id": "id",
        "service": "components[].name",
        "start": "started_at (maintenance: scheduled_for)",
        "end": "resolved_at (maintenance: scheduled_until)",
        "planned": "impact maintenance",
    }
    skipped = 0
    for line, _pos, incident in items:
        if not isinstance(incident, dict):
            out.problems.append((line, "not an incident object"))
            continue
        ref = str(incident.get("id") or "")
        impact = str(incident.get("impact", "")).lower()
        planned = impact == "maintenance" or bool(incident.get("scheduled_for"))
        worst, named = _components(incident)
        if planned:
            down = sorted(named)
        else:
            down = sorted(n for n, s in worst.items() if s in DOWN)
            if not down and impact in DOWN_IMPACTS:
                down = sorted(n for n in named if n not in worst)
        if not down:
            skipped += 1
            continue
        what = "started_at"
        try:
            start_text = incident.get("started_at") or incident.get("created_at")
            end_text = incident.get("resolved_at")
            if planned:
                what = "scheduled_for"
                start_text = incident.get("scheduled_for") or start_text
                end_text = incident.get("scheduled_until") or end_text
            start = parse_when(str(start_text or ""), options)
            what = "resolved_at"
            end = parse_when(str(end_text), options) if end_text else ""
        except ValueError as exc:
            out.problems.append((line, f"{what} {exc}"))
            continue
        for name in down:
            out.add(
                line,
                {
                    "id": ref,
                    "service": options.services(name),
                    "start": start,
                    "end": end,
                    "planned": "yes" if planned else "no",
                },
            )
    if skipped:
        out.notes.append(
            f"{path.name}: {skipped} incident{'s' if skipped != 1 else ''} of minor or no impact "
            "(degraded performance, no component down) not counted as downtime"
        )
    return out
