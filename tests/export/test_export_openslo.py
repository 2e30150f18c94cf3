"""OpenSLO export: every object of every example validates against OpenSLO's published v1 schema,
and reading the files back (plain YAML, not slactl's writer) finds the agreement's targets and windows."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from export_helpers import EXAMPLE_FILES, FIXTURES, TIME_METRICS, objective, raw_levels, term, threshold_seconds
from referencing import Registry, Resource

from slactl.export import export_all, load_agreements

SCHEMAS = FIXTURES / "openslo" / "v1"


def validator() -> jsonschema.Draft7Validator:
    resources = []
    for path in sorted(SCHEMAS.rglob("*.schema.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((contents["$id"], Resource.from_contents(contents)))
    registry: Registry[Any] = Registry().with_resources(resources)
    root = json.loads((SCHEMAS / "openslo.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(root, registry=registry)


def exported(path: Path) -> tuple[list[dict[str, Any]], Any]:
    run = export_all(load_agreements([path]), "openslo")
    texts = list(run.files.values())
    objects = [doc for text in texts for doc in yaml.safe_load_all(text) if doc is not None]
    return objects, run


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_every_object_validates_against_the_published_schema(path: Path) -> None:
    objects, run = exported(path)
    check = validator()
    for obj in objects:
        errors = [e.message for e in check.iter_errors(obj)]
        assert errors == [], (obj["metadata"]["name"], errors)
    assert len([o for o in objects if o["kind"] == "SLO"]) == sum(len(v) for v in run.exported.values())


def test_the_schema_refuses_what_openslo_refuses() -> None:
    """The validator is live: a 100% target (OpenSLO's exclusiveMaximum 1) and a bad window fail."""
    objects, _ = exported(Path(EXAMPLE_FILES[0]))
    slo = next(o for o in objects if o["kind"] == "SLO")
    check = validator()
    assert check.is_valid(slo)
    full = json.loads(json.dumps(slo))
    full["spec"]["objectives"][0]["target"] = 1
    assert not check.is_valid(full)
    weekly = json.loads(json.dumps(slo))
    weekly["spec"]["timeWindow"][0]["duration"] = "1 month"
    assert not check.is_valid(weekly)


WINDOWS = {"calendar_month": "1M", "calendar_quarter": "1Q", "fiscal_quarter": "1Q", "fiscal_year": "1Y", "week": "1w"}


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_the_export_read_back_has_the_same_targets_and_windows(path: Path) -> None:
    objects, _ = exported(path)
    slos = {o["metadata"]["annotations"]["slactl.dev/level"]: o for o in objects if o["kind"] == "SLO"}
    levels = {lv.id: lv for lv in raw_levels(path)}
    start, _ = term(path)
    for level_id, slo in slos.items():
        level = levels[level_id]
        spec = slo["spec"]
        (goal,) = spec["objectives"]
        assert goal["target"] == float(objective(level)), level_id
        if level.metric in TIME_METRICS:
            assert spec["budgetingMethod"] == "Occurrences"
            assert goal["op"] == "lte"
            assert goal["value"] == threshold_seconds(level), level_id
        else:
            assert spec["budgetingMethod"] == "Timeslices"
        (window,) = spec["timeWindow"]
        kind = level.data.get("window", "calendar_month")
        if kind == "rolling":
            assert window == {"duration": f"{level.data['rolling_days']}d", "isRolling": True}
            continue
        if kind == "term":
            _, end = term(path)
            assert end is not None  # an open-ended term's `term` window is reported, never written
            assert window["duration"] == f"{(end - start).days + 1}d"
        else:
            assert window["duration"] == WINDOWS[kind]
        assert window["isRolling"] is False
        if kind == "calendar_month" and "window_anchor" not in level.data:
            assert window["calendar"]["startTime"] == f"{date(start.year, start.month, 1).isoformat()} 00:00:00"
        zone = (level.calendar or {}).get("timezone", "UTC")
        assert window["calendar"]["timeZone"] == (zone if zone != "UTC" else "Etc/UTC")


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_every_level_is_exported_or_reported(path: Path) -> None:
    objects, run = exported(path)
    written = {o["metadata"]["annotations"]["slactl.dev/level"] for o in objects if o["kind"] == "SLO"}
    reported = {g.level for g in run.gaps}
    for level in raw_levels(path):
        assert level.id in written or level.id in reported, level.id
        if level.metric not in ("availability", *TIME_METRICS) or objective(level) >= 1:
            assert level.id not in written
            assert level.id in reported


def test_a_100_percent_attainment_and_a_satisfaction_level_are_reported_not_written() -> None:
    path = next(p for p in EXAMPLE_FILES if p.stem == "it-hr-support-fy2027")
    objects, run = exported(path)
    names = {o["metadata"]["name"] for o in objects}
    assert "it-hr-support-fy2027.help-desk-p1-response" not in names
    assert "it-hr-support-fy2027.hr-satisfaction" not in names
    by_level = {(g.level, g.field): g.reason for g in run.gaps}
    assert "below 1" in by_level[("help-desk-p1-response", "service_levels[1].attainment")]
    assert "satisfaction" in by_level[("hr-satisfaction", "service_levels[5].metric")]
    # the business-hours clock of the one time level written is said, not dropped
    assert "city-hours" in by_level[("new-user-response", "service_levels[0].calendar")]


def test_a_description_longer_than_openslo_allows_is_cut_and_reported(tmp_path: Path) -> None:
    path = next(p for p in EXAMPLE_FILES if p.stem == "it-hr-support-fy2027")
    long = "x" * 1200
    source = path.read_text(encoding="utf-8").replace(
        "description: Operation of the HR information system and its payroll interface.", f"description: {long}"
    )
    changed = tmp_path / "long.yaml"
    changed.write_text(source, encoding="utf-8")
    objects, run = exported(changed)
    service = next(o for o in objects if o["metadata"]["name"] == "it-hr-support-fy2027.hris-hosting")
    assert len(service["spec"]["description"]) == 1050
    assert validator().is_valid(service)
    assert any(g.field == "services[2].description" and "1050" in g.reason for g in run.gaps)
