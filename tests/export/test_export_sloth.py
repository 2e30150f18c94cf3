"""Sloth export: every spec validates against the schema derived from Sloth's v1 types and
validation (tests/fixtures/sloth/README.md), and carries the agreement's objectives."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from export_helpers import EXAMPLE_FILES, FIXTURES, TIME_METRICS, objective, raw_levels

from slactl.export import export_all, load_agreements

SCHEMA = json.loads((FIXTURES / "sloth" / "prometheus-v1.schema.json").read_text(encoding="utf-8"))
WINDOW_VAR = re.compile(r"{{ *\.window *}}")  # Sloth's conventions.TplSLIQueryWindowVarRegex


def specs(path: Path) -> tuple[list[dict[str, Any]], Any]:
    run = export_all(load_agreements([path]), "sloth")
    return [doc for text in run.files.values() for doc in yaml.safe_load_all(text) if doc is not None], run


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_every_spec_is_valid_for_sloth(path: Path) -> None:
    found, _ = specs(path)
    check = jsonschema.Draft7Validator(SCHEMA)
    for spec in found:
        assert [e.message for e in check.iter_errors(spec)] == []
        for slo in spec["slos"]:
            events = slo["sli"]["events"]
            assert events["error_query"] != events["total_query"]  # Sloth refuses two equal queries
            assert all(WINDOW_VAR.search(q) for q in events.values())


def test_the_derived_schema_refuses_what_sloth_refuses() -> None:
    found, _ = specs(EXAMPLE_FILES[0])
    check = jsonschema.Draft7Validator(SCHEMA)
    spec = found[0]
    assert check.is_valid(spec)
    for broken in ({"objective": 0}, {"objective": 100.5}, {"name": "-bad"}):
        copy = json.loads(json.dumps(spec))
        copy["slos"][0] |= broken
        assert not check.is_valid(copy), broken
    no_window = json.loads(json.dumps(spec))
    no_window["slos"][0]["sli"]["events"]["total_query"] = "sum(x)"
    assert not check.is_valid(no_window)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_objectives_are_the_agreement_targets_in_percent(path: Path) -> None:
    found, run = specs(path)
    slos = {slo["name"]: (spec["service"], slo) for spec in found for slo in spec["slos"]}
    reported = {g.level for g in run.gaps}
    for level in raw_levels(path):
        if level.metric not in ("availability", *TIME_METRICS):
            assert level.id not in slos
            assert level.id in reported
            continue
        service, slo = slos[level.id]
        assert service == level.data["service"]
        assert slo["objective"] == float(objective(level) * 100)
        window = level.data.get("window", "calendar_month")
        if not (window == "rolling" and level.data.get("rolling_days") == 30):
            # Sloth's period is set when it runs: any other window is reported
            assert any(g.level == level.id and g.field.endswith(".window") for g in run.gaps)
