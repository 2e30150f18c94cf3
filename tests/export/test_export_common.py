"""The pieces every target shares: the first window of the term, and the gaps every target reports."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from export_helpers import EXAMPLE_FILES

from slactl.export import TARGETS, export_all, load_agreements
from slactl.export.common import window_start
from slactl.model.levels import ServiceLevel

FY_OCT = (10, 1)


def level(**fields: Any) -> ServiceLevel:
    base = {"id": "x", "service": "s", "metric": "availability", "target": "99%"}
    return ServiceLevel.model_validate(base | fields)


@pytest.mark.parametrize(
    ("fields", "start", "expected"),
    [
        ({}, date(2026, 10, 1), date(2026, 10, 1)),  # calendar months by default
        ({"window": "calendar_month"}, date(2026, 10, 20), date(2026, 10, 1)),
        ({"window": "calendar_month", "window_anchor": 16}, date(2026, 10, 1), date(2026, 9, 16)),
        ({"window": "calendar_month", "window_anchor": 16}, date(2026, 10, 16), date(2026, 10, 16)),
        ({"window": "calendar_month", "window_anchor": 31}, date(2027, 3, 1), date(2027, 2, 28)),
        ({"window": "calendar_quarter"}, date(2027, 5, 10), date(2027, 4, 1)),
        ({"window": "fiscal_year"}, date(2027, 5, 10), date(2026, 10, 1)),
        ({"window": "fiscal_quarter"}, date(2027, 5, 10), date(2027, 4, 1)),
        ({"window": "fiscal_quarter"}, date(2026, 11, 15), date(2026, 10, 1)),
        ({"window": "week"}, date(2027, 1, 1), date(2026, 12, 28)),  # a Friday: the Monday before
        ({"window": "term"}, date(2027, 1, 1), date(2027, 1, 1)),
        ({"window": "rolling", "rolling_days": 28}, date(2027, 1, 1), None),
    ],
)
def test_window_start(fields: dict[str, Any], start: date, expected: date | None) -> None:
    assert window_start(level(**fields), start, FY_OCT) == expected


def test_fiscal_quarters_follow_the_fiscal_year_start() -> None:
    july = (7, 1)
    assert window_start(level(window="fiscal_quarter"), date(2027, 6, 30), july) == date(2027, 4, 1)
    assert window_start(level(window="fiscal_year"), date(2027, 6, 30), july) == date(2026, 7, 1)


@pytest.mark.parametrize("target", TARGETS)
def test_per_site_maintenance_credits_and_an_open_term_are_reported(target: str) -> None:
    path = next(p for p in EXAMPLE_FILES if p.stem == "cloud-compute-public-sla")
    run = export_all(load_agreements([path]), target)
    fields = {g.field for g in run.gaps}
    assert "credits.schedules[0]" in fields
    assert "term.end" in fields
    if target in ("openslo", "sloth"):
        assert {"service_levels[0].per", "service_levels[0].exclusions[0]"} <= fields
    else:  # a desk cannot hold availability at all: that one gap says it
        assert "service_levels[0].metric" in fields


def test_unknown_target() -> None:
    from slactl.errors import SlactlError

    with pytest.raises(SlactlError, match="unknown export target"):
        export_all([], "nagios")
