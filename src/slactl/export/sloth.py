"""Sloth `prometheus/v1` specs: one per service with levels, one SLO per availability or time level.

The objective is a percentage in (0, 100]: an availability target, or a time target's
attainment. Sloth reads the SLI from Prometheus; slactl cannot know the metric, so the queries
count one conventional counter, ``slactl_sli_events_total`` with the labels ``agreement``,
``level`` and ``outcome`` (``good``/``bad``), that the operator records or rewrites (docs/export.md).
Sloth judges a rolling period chosen when it runs (30 days by default): any other window is a gap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slactl.export.common import Export, Gap, LevelFacts, common_gaps, level_gaps, percent_text

if TYPE_CHECKING:
    from slactl.model.agreement import Agreement

TARGET = "sloth"
VERSION = "prometheus/v1"
METRIC = "slactl_sli_events_total"
SLOTH_DEFAULT_DAYS = 30


def _query(agreement_id: str, level_id: str, outcome: str | None) -> str:
    labels = f'agreement="{agreement_id}",level="{level_id}"'
    if outcome is not None:
        labels += f',outcome="{outcome}"'
    return f"sum(increase({METRIC}{{{labels}}}[{{{{.window}}}}]))"


def _alert_name(level_id: str) -> str:
    return "".join(part.capitalize() for part in level_id.split("-") if part) + "SLOBurn"


def _objective(value: float) -> float | int:
    return int(value) if value == int(value) else value


def slo_entry(facts: LevelFacts, agreement: Agreement, gaps: list[Gap]) -> dict[str, Any] | None:
    """One Sloth SLO, or None when Sloth cannot hold the level (the reason is added to ``gaps``)."""
    agreement_id = agreement.metadata.id
    level = facts.level
    gaps.extend(level_gaps(TARGET, agreement_id, facts, desk=False))
    if level.metric not in ("availability", "response_time", "resolution_time"):
        return None
    assert facts.objective is not None
    kind = level.window or "calendar_month"
    if kind != "rolling" or level.rolling_days != SLOTH_DEFAULT_DAYS:
        shown = f"rolling {level.rolling_days} days" if kind == "rolling" else kind
        gaps.append(
            Gap(
                TARGET,
                agreement_id,
                level.id,
                f"{facts.path}.window",
                f"the window ({shown}) is not expressed: Sloth judges a rolling period set when it runs "
                f"(`--default-slo-period`, {SLOTH_DEFAULT_DAYS}d by default); it is kept in the label `slactl_window`",
            )
        )
    cal = facts.calendar
    if cal is not None and (not cal.is_24x7 or cal.holidays):
        gaps.append(
            Gap(
                TARGET,
                agreement_id,
                level.id,
                f"{facts.path}.calendar",
                f"the clock runs on calendar `{cal.name}`; Prometheus counts wall time: business hours and holidays "
                "belong in the SLI's queries",
            )
        )
    labels = {
        "slactl_agreement": agreement_id,
        "slactl_metric": level.metric,
        "slactl_window": kind if kind != "rolling" else f"rolling_{level.rolling_days}d",
    }
    if level.scope.priority is not None:
        labels["priority"] = level.scope.priority
    if facts.threshold_seconds is not None:
        labels["slactl_threshold_seconds"] = str(facts.threshold_seconds)
    entry: dict[str, Any] = {"name": level.id, "objective": _objective(float(facts.objective * 100))}
    what = level.name or level.id
    if level.metric == "availability":
        entry["description"] = f"{what}: {level.target} availability"
    else:
        entry["description"] = f"{what}: {level.target} for {percent_text(facts.objective)}% of tickets"
    entry |= {
        "labels": labels,
        "sli": {
            "events": {
                "error_query": _query(agreement_id, level.id, "bad"),
                "total_query": _query(agreement_id, level.id, None),
            }
        },
        "alerting": {
            "name": _alert_name(level.id),
            "labels": {"slactl_level": level.id},
            "page_alert": {"labels": {"severity": "critical"}},
            "ticket_alert": {"labels": {"severity": "warning"}},
        },
    }
    return entry


def export(agreement: Agreement, facts: list[LevelFacts]) -> tuple[list[dict[str, Any]], list[Gap], list[str]]:
    """One spec per service (in the agreement's order of services), its gaps and the level ids written."""
    gaps = common_gaps(TARGET, agreement)
    by_service: dict[str, list[dict[str, Any]]] = {}
    written: list[str] = []
    for item in facts:
        entry = slo_entry(item, agreement, gaps)
        if entry is not None:
            by_service.setdefault(item.level.service, []).append(entry)
            written.append(item.level.id)
    specs = [
        {
            "version": VERSION,
            "service": service.id,
            "labels": {"slactl_agreement": agreement.metadata.id, "slactl_service": service.id},
            "slos": by_service[service.id],
        }
        for service in agreement.services
        if service.id in by_service
    ]
    return specs, gaps, written


def write(agreement: Agreement, facts: list[LevelFacts], stamp: str) -> Export:
    """One multi-document YAML file per agreement (Sloth reads every document of a file)."""
    from slactl.textsafe import yaml_documents

    specs, gaps, written = export(agreement, facts)
    out = Export(gaps=gaps, exported=written)
    if specs:
        body = yaml_documents(specs)
        out.files[f"{agreement.metadata.id}.sloth.yaml"] = f"# {stamp}\n{body}"
    return out
