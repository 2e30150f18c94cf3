"""OpenSLO v1: a `Service` per service with levels, an `SLO` per availability or time level (YAML).

Availability is a `Timeslices` objective on one-minute slices (slactl counts minutes up over
minutes measured); a response or resolution time is an `Occurrences` objective over tickets,
`op: lte` the threshold in seconds, with the attainment as the target. Calendar windows start
on the first window start of the term in the level's time zone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slactl.export.common import Export, Gap, LevelFacts, common_gaps, default_timezone, level_gaps

if TYPE_CHECKING:
    from slactl.model.agreement import Agreement

TARGET = "openslo"
API_VERSION = "openslo/v1"
DESCRIPTION_MAX = 1050  # the schema's maxLength of a description
_DURATIONS = {
    "calendar_month": "1M",
    "calendar_quarter": "1Q",
    "fiscal_quarter": "1Q",
    "fiscal_year": "1Y",
    "week": "1w",
}


def zone_for_openslo(zone: str) -> str:
    """OpenSLO's schema wants Area/Location: a bare `UTC` is written `Etc/UTC` (the same zone)."""
    return "Etc/UTC" if zone in ("UTC", "Etc/UCT", "UCT", "Zulu", "Etc/Zulu", "GMT") else zone


def time_window(facts: LevelFacts, agreement: Agreement) -> list[dict[str, Any]]:
    """The level's window as OpenSLO's `timeWindow` (one item)."""
    level = facts.level
    kind = level.window or "calendar_month"
    if kind == "rolling":
        return [{"duration": f"{level.rolling_days}d", "isRolling": True}]
    if kind == "term":
        end = agreement.term.end
        assert end is not None  # an open-ended `term` window is a gap, never written
        duration = f"{(end - agreement.term.start).days + 1}d"
    else:
        duration = _DURATIONS[kind]
    zone = facts.calendar.timezone if facts.calendar is not None else default_timezone(agreement)
    assert facts.window_start is not None
    start = f"{facts.window_start.isoformat()} 00:00:00"
    return [
        {"duration": duration, "isRolling": False, "calendar": {"startTime": start, "timeZone": zone_for_openslo(zone)}}
    ]


def _description(text: str, gaps: list[Gap], agreement_id: str, level: str | None, where: str) -> str:
    if len(text) <= DESCRIPTION_MAX:
        return text
    gaps.append(Gap(TARGET, agreement_id, level, where, f"cut to OpenSLO's {DESCRIPTION_MAX} characters"))
    return text[: DESCRIPTION_MAX - 1] + "…"


def slo_object(facts: LevelFacts, agreement: Agreement, gaps: list[Gap]) -> dict[str, Any] | None:
    """The `SLO` of one level, or None when OpenSLO cannot hold it (the reason is added to ``gaps``)."""
    agreement_id = agreement.metadata.id
    level = facts.level
    found = level_gaps(TARGET, agreement_id, facts, desk=False)
    gaps.extend(found)
    if level.metric not in ("availability", "response_time", "resolution_time"):
        return None
    assert facts.objective is not None
    if facts.objective >= 1:
        gaps.append(
            Gap(
                TARGET,
                agreement_id,
                level.id,
                f"{facts.path}.{'target' if level.metric == 'availability' else 'attainment'}",
                "a 100% objective is not expressible: OpenSLO v1 targets are below 1; not exported",
            )
        )
        return None
    if level.window == "term" and agreement.term.end is None:
        gaps.append(
            Gap(
                TARGET,
                agreement_id,
                level.id,
                f"{facts.path}.window",
                "a window of an open-ended term has no length; not exported",
            )
        )
        return None
    cal = facts.calendar
    if cal is not None and (not cal.is_24x7 or cal.holidays):
        gaps.append(
            Gap(
                TARGET,
                agreement_id,
                level.id,
                f"{facts.path}.calendar",
                f"the clock runs on calendar `{cal.name}` (business hours, {len(cal.holidays)} holidays in the term); "
                "OpenSLO has no business hours or holidays: the calendar is named in an annotation only",
            )
        )
    name = f"{agreement_id}.{level.id}"
    annotations = {
        "slactl.dev/agreement": agreement_id,
        "slactl.dev/level": level.id,
        "slactl.dev/metric": level.metric,
    }
    if cal is not None:
        annotations["slactl.dev/calendar"] = cal.name
    source = level.measurement.source if level.measurement and level.measurement.source else "slactl"
    if level.metric == "availability":
        indicator_spec: dict[str, Any] = {
            "ratioMetric": {
                "counter": True,
                "good": {"metricSource": {"type": source, "spec": {"minutes": "up"}}},
                "total": {"metricSource": {"type": source, "spec": {"minutes": "measured"}}},
            }
        }
        objective: dict[str, Any] = {
            "displayName": level.name or level.id,
            "target": float(facts.objective),
            "timeSliceTarget": 1,
            "timeSliceWindow": "1m",
        }
        method = "Timeslices"
    else:
        annotations["slactl.dev/unit"] = "seconds"
        indicator_spec = {"thresholdMetric": {"metricSource": {"type": source, "spec": {"ticket": level.metric}}}}
        objective = {
            "displayName": level.name or level.id,
            "op": "lte",
            "value": facts.threshold_seconds,
            "target": float(facts.objective),
        }
        method = "Occurrences"
    spec: dict[str, Any] = {}
    if level.measurement is not None:
        spec["description"] = _description(
            level.measurement.method, gaps, agreement_id, level.id, f"{facts.path}.measurement.method"
        )
    spec |= {
        "service": f"{agreement_id}.{level.service}",
        "indicator": {"metadata": {"name": f"{name}.sli"}, "spec": indicator_spec},
        "timeWindow": time_window(facts, agreement),
        "budgetingMethod": method,
        "objectives": [objective],
    }
    metadata: dict[str, Any] = {
        "name": name,
        "displayName": level.name or level.id,
        "labels": _labels(agreement, level.scope.priority),
    }
    metadata["annotations"] = annotations
    return {"apiVersion": API_VERSION, "kind": "SLO", "metadata": metadata, "spec": spec}


def _labels(agreement: Agreement, priority: str | None) -> dict[str, str]:
    labels = {"agreement": agreement.metadata.id, "agreement-type": agreement.metadata.type}
    if priority is not None:
        labels["priority"] = priority
    return labels


def export(agreement: Agreement, facts: list[LevelFacts]) -> tuple[list[dict[str, Any]], list[Gap], list[str]]:
    """The agreement's OpenSLO objects (Services first, then SLOs), its gaps and the level ids written."""
    gaps = common_gaps(TARGET, agreement)
    agreement_id = agreement.metadata.id
    slos: list[dict[str, Any]] = []
    written: list[str] = []
    for item in facts:
        obj = slo_object(item, agreement, gaps)
        if obj is not None:
            slos.append(obj)
            written.append(item.level.id)
    used = {item.level.service for item in facts if item.level.id in written}
    services: list[dict[str, Any]] = []
    for n, service in enumerate(agreement.services):
        if service.id not in used:
            continue
        spec: dict[str, Any] = {}
        if service.description:
            spec["description"] = _description(
                service.description, gaps, agreement_id, None, f"services[{n}].description"
            )
        metadata: dict[str, Any] = {"name": f"{agreement_id}.{service.id}"}
        if service.name:
            metadata["displayName"] = service.name
        metadata["labels"] = _labels(agreement, None)
        services.append({"apiVersion": API_VERSION, "kind": "Service", "metadata": metadata, "spec": spec})
    return services + slos, gaps, written


def write(agreement: Agreement, facts: list[LevelFacts], stamp: str) -> Export:
    """One multi-document YAML file per agreement."""
    from slactl.textsafe import yaml_documents

    objects, gaps, written = export(agreement, facts)
    out = Export(gaps=gaps, exported=written)
    if objects:
        body = yaml_documents(objects)
        out.files[f"{agreement.metadata.id}.openslo.yaml"] = f"# {stamp}\n{body}"
    return out
