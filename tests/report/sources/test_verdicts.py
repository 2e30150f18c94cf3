"""The tool's verdict beside slactl's: the tickets where they differ, and why.

Expected values worked out by hand from the samples and tests/fixtures/report/agreement.yaml
(desk: Mon-Fri 08:00-17:00 New York, federal holidays closed).
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from slactl.report import Report, build_report
from slactl.report.render import to_html, to_json, to_markdown

FIXTURES = Path(__file__).parents[2] / "fixtures"
SAMPLES = FIXTURES / "sources"
NOW = datetime(2028, 2, 1, tzinfo=UTC)


def report_of(tmp_path: Path, sample: str) -> Report:
    agreement = tmp_path / "agreement.yaml"
    shutil.copy(FIXTURES / "report" / "agreement.yaml", agreement)
    return build_report(agreement, tickets=SAMPLES / sample, period="2027-01-01..2027-03-31", now=NOW)


def test_servicenow_breach_flag_business_and_pause_duration(tmp_path: Path) -> None:
    report = report_of(tmp_path, "servicenow-task_sla.csv")
    (check,) = report.tool_checks
    # Records: INC1 response and resolution (no resolution level for P1), INC2 response,
    # INC3 resolution, INC4 response; INC5 is cancelled: four compared.
    assert check.source == "servicenow" and check.compared == 4
    by_ticket = {d.ticket: d for d in check.disagreements}
    assert sorted(by_ticket) == ["INC0010001", "INC0010003"]
    # INC1: ServiceNow counted Monday, MLK Day, on its schedule: 10h15m; slactl 5 min + 1h10m.
    first = by_ticket["INC0010001"]
    assert first.tool == "breached, 10h 15m elapsed" and first.slactl.startswith("1h 15m elapsed of 1h 00m")
    assert first.reasons == (
        "a holiday: slactl's calendar is closed on 2027-01-18 (public holiday: Martin Luther King Jr. Day); "
        "the tool's schedule may not be",
    )
    # INC3: ServiceNow paused 3 days and counted 10 h, not breached; slactl, with no hold
    # intervals in the export, counts Thu 8h + Fri 9h + Mon 9h + Tue 2h = 28 h of 18 h.
    third = by_ticket["INC0010003"]
    assert third.tool == "not breached, 10h 00m elapsed"
    assert third.slactl == "28h 00m elapsed of 18h 00m: missed"
    assert third.reasons[0].startswith("a pause the tool applied (72h 00m)")
    assert third.where.endswith("servicenow-task_sla.csv:5")


def test_jira_sla_fields(tmp_path: Path) -> None:
    (check,) = report_of(tmp_path, "jira.csv").tool_checks
    # DESK-1 "-15m" breached (slactl: missed), DESK-2 "40m" left (met), DESK-3 "2h 0m" left
    # on Time to resolution while slactl counts 28 h of 18 h.
    assert check.compared == 3
    assert [(d.ticket, d.tool) for d in check.disagreements] == [("DESK-3", "not breached")]


def test_zendesk_business_hours_times(tmp_path: Path) -> None:
    (check,) = report_of(tmp_path, "zendesk.csv").tool_checks
    # 501: 615 business minutes (10h15m) against slactl's 75; 503: 1680 = 28 h, as slactl.
    assert [(d.ticket, d.tool) for d in check.disagreements] == [("501", "10h 15m elapsed")]


def test_no_verdicts_no_section(tmp_path: Path) -> None:
    report = report_of(tmp_path, "pagerduty-incidents.json")
    assert report.tool_checks == []
    assert "tool_verdicts" not in json.loads(to_json(report))
    assert "verdict beside" not in to_markdown(report)


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_listed_in_every_format(tmp_path: Path, fmt: str) -> None:
    report = report_of(tmp_path, "servicenow-task_sla.csv")
    if fmt == "json":
        (check,) = json.loads(to_json(report))["tool_verdicts"]
        assert [d["ticket"] for d in check["disagreements"]] == ["INC0010001", "INC0010003"]
        assert check["disagreements"][0]["service_level"] == "p1-response"
        return
    text = to_markdown(report) if fmt == "md" else to_html(report)
    assert "The tool&#39;s verdict beside slactl&#39;s" in text or "The tool's verdict beside slactl's" in text
    assert "INC0010001" in text and "INC0010003" in text and "Martin Luther King Jr. Day" in text
