"""PagerDuty: incidents as the REST API lists them (``GET /incidents``, saved as JSON).

Each incident has ``incident_number``, ``created_at``, ``resolved_at`` (ISO 8601, UTC),
``priority.summary`` (``P1``..``P5`` by default), ``urgency`` (``high``/``low``), its
``service.summary`` and ``acknowledgements``: the first acknowledgement is the first response.
A file of ``{"incidents": [...]}`` (one API page) or a bare array of incidents (pages joined).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from slactl.report.sources import Options, Translated, as_list, header_for, json_items, parse_when, read_json


def detect(head: bytes) -> bool:
    """JSON naming ``incident_number`` and ``acknowledgements`` (or ``escalation_policy``)."""
    text = head.decode("utf-8-sig", errors="replace")
    return text.lstrip().startswith(("{", "[")) and '"incident_number"' in text and '"escalation_policy"' in text


def _summary(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("summary") or value.get("name") or "")
    return "" if value is None else str(value)


def read(path: Path, options: Options) -> Translated:
    """Incidents as tickets: opened when created, responded when first acknowledged, resolved when resolved."""
    text, value = read_json(path)
    items = json_items(text, "incidents" if isinstance(value, dict) else None)
    out = Translated("pagerduty", "tickets", str(path), header_for("tickets"))
    out.columns = {
        "id": "incident_number",
        "priority": "priority.summary (else urgency: high is P1, low is P3)",
        "service": "service.summary",
        "opened": "created_at",
        "first_response": "acknowledgements[0].at",
        "resolved": "resolved_at",
    }
    for line, _pos, incident in items:
        if not isinstance(incident, dict):
            out.problems.append((line, "not an incident object"))
            continue
        ref = str(incident.get("incident_number") or incident.get("id") or "")
        if not ref:
            out.problems.append((line, "no incident_number or id"))
            continue
        prio = _summary(incident.get("priority"))
        if not prio:
            prio = {"high": "P1", "low": "P3"}.get(str(incident.get("urgency", "")).lower(), "")
        what = "created_at"
        try:
            values = {
                "id": ref,
                "priority": prio,
                "service": options.services(_summary(incident.get("service"))),
                "opened": parse_when(str(incident.get("created_at") or ""), options),
            }
            what = "acknowledgements"
            acks = sorted(
                parse_when(str(a.get("at", "")), options)
                for a in as_list(incident.get("acknowledgements"))
                if isinstance(a, dict) and a.get("at")
            )
            if acks:
                values["first_response"] = acks[0]
            what = "resolved_at"
            resolved = incident.get("resolved_at")
            if resolved:
                values["resolved"] = parse_when(str(resolved), options)
            elif incident.get("status") == "resolved" and incident.get("last_status_change_at"):
                values["resolved"] = parse_when(str(incident["last_status_change_at"]), options)
        except ValueError as exc:
            out.problems.append((line, f"{what} {exc}"))
            continue
        out.add(line, values)
    return out
