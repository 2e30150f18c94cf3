"""Each tool's sample export, read with no --map, reports the numbers of the same data hand-mapped.

The samples (tests/fixtures/sources/) are made up in the tools' own column names and
formats; each ``*-equivalent.csv`` beside them is the same records written by hand in
slactl's layout (docs/report.md), not produced by the code under test.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from slactl.errors import SlactlError
from slactl.report import Report, build_report
from slactl.report.sources import choose_sources, detect

FIXTURES = Path(__file__).parents[2] / "fixtures"
SAMPLES = FIXTURES / "sources"
AGREEMENT = FIXTURES / "report" / "agreement.yaml"
NOW = datetime(2028, 2, 1, tzinfo=UTC)
PERIOD = "2027-01-01..2027-03-31"


@pytest.fixture
def agreement(tmp_path: Path) -> Path:
    target = tmp_path / "agreement.yaml"
    shutil.copy(AGREEMENT, target)
    return target


@pytest.fixture
def kuma_db(tmp_path: Path) -> Path:
    path = tmp_path / "kuma.db"
    with sqlite3.connect(path) as db:
        db.executescript((SAMPLES / "uptime-kuma.sql").read_text(encoding="utf-8"))
    return path


def numbers(report: Report) -> list[tuple[Any, ...]]:
    """Every window's verdict and figures, and the values of what counted against it."""
    out = []
    for lr in report.levels:
        for wr in lr.windows:
            detail = {k: v for k, v in wr.detail.items() if not isinstance(v, str | list)}
            misses = sorted(str(m.value) for m in wr.misses)
            out.append((lr.id, wr.window.label, wr.status, wr.measured, detail, misses, wr.misses_total))
    return out


def run(agreement: Path, kind: str, path: Path, **kw: Any) -> Report:
    return build_report(agreement, period=PERIOD, now=NOW, **{kind: path}, **kw)


CASES = [
    ("jira", "tickets", "jira.csv", "jira-equivalent.csv"),
    ("servicenow", "tickets", "servicenow-task_sla.csv", "servicenow-equivalent.csv"),
    ("zendesk", "tickets", "zendesk.csv", "zendesk-equivalent.csv"),
    ("pagerduty", "tickets", "pagerduty-incidents.json", "pagerduty-equivalent.csv"),
    ("statuspage", "outages", "statuspage-incidents.json", "statuspage-equivalent.csv"),
    ("uptimerobot", "outages", "uptimerobot-monitors.json", "uptimerobot-equivalent.csv"),
    ("uptime-kuma", "outages", None, "uptime-kuma-equivalent.csv"),
]


@pytest.mark.parametrize(("source", "kind", "sample", "equivalent"), CASES, ids=[c[0] for c in CASES])
def test_sample_reports_the_numbers_of_the_hand_mapped_csv(
    agreement: Path, kuma_db: Path, source: str, kind: str, sample: str | None, equivalent: str
) -> None:
    path = kuma_db if sample is None else SAMPLES / sample
    assert detect(path) == source
    detected = run(agreement, kind, path)  # no --source, no --map: detected
    named = run(agreement, kind, path, sources=choose_sources([source]))
    by_hand = run(agreement, kind, SAMPLES / equivalent)
    assert numbers(detected) == numbers(by_hand)
    assert numbers(named) == numbers(by_hand)
    assert any("read as: " in n and "detected from the file" in n for n in detected.notes)
    assert by_hand.problems.count == 0
    summary = next(s for s in detected.inputs if s.kind == kind)
    assert summary.format == source


# Lines of the bad rows, counted in each sample by hand.
BAD = {
    "jira": ["jira.csv:7: Created '31/Feb/27 9:00 AM' is not a date"],
    "servicenow": ["servicenow-task_sla.csv:8: task.opened_at '2027-02-30 10:00:00' is not a date"],
    "zendesk": ["zendesk.csv:5: First reply time in minutes 'abc' is not a number of minutes"],
    "pagerduty": ["pagerduty-incidents.json:86: created_at 'yesterday' is not a date"],
    "statuspage": ["statuspage-incidents.json:211: started_at 'soon' is not a date"],
    "uptimerobot": ["uptimerobot-monitors.json:115: datetime '2027-01-26' is not Unix seconds"],
    "uptime-kuma": [
        "kuma.db:1013: status 7 is not 0 (down), 1 (up), 2 (pending) or 3 (maintenance)",
        "kuma.db:1014: time 'not a time' is not a date and time",
    ],
}


@pytest.mark.parametrize(("source", "kind", "sample", "equivalent"), CASES, ids=[c[0] for c in CASES])
def test_bad_rows_are_findings_with_their_line(
    agreement: Path, kuma_db: Path, source: str, kind: str, sample: str | None, equivalent: str
) -> None:
    del equivalent
    path = kuma_db if sample is None else SAMPLES / sample
    report = run(agreement, kind, path)
    shown = [p.replace(str(path.parent) + "/", "") for p in report.problems.shown]
    assert len(shown) == len(BAD[source])
    for got, want in zip(shown, BAD[source], strict=True):
        assert got.startswith(want), got


def test_jira_two_date_formats_and_a_repeated_header(agreement: Path) -> None:
    report = run(agreement, "tickets", SAMPLES / "jira.csv")
    # DESK-1 is in Jira's 15/Jan/27 4:55 PM, DESK-2 in ISO; line 4 repeats the header.
    assert any("header repeats at line 4" in n for n in report.notes)
    jan = next(w for lr in report.levels if lr.id == "p1-response" for w in lr.windows if w.window.label == "Jan 2027")
    # Fri 16:55-17:00, Mon Jan 18 is a federal holiday, Tue 08:00-09:10: 75 minutes; DESK-2 20 minutes.
    assert jan.detail["tickets"] == 2 and jan.measured == Decimal(50)
    assert [(m.ref, m.value.total_seconds()) for m in jan.misses] == [("DESK-1", 75 * 60)]
    assert jan.misses[0].where.endswith("jira.csv:2")


def test_jira_declared_display_format_and_zone(agreement: Path, tmp_path: Path) -> None:
    # A site that declares dd.MM.yyyy HH:mm and exports in UTC: 21:55 UTC is 16:55 in New York.
    path = tmp_path / "export.csv"
    path.write_text(
        "Summary,Issue key,Issue id,Priority,Created,Resolved,Component/s,Custom field (Date of First Response)\n"
        "x,DESK-9,1,Highest,15.01.2027 21:55,19.01.2027 15:00,Service Desk,19.01.2027 14:10\n",
        encoding="utf-8",
    )
    report = run(
        agreement, "tickets", path, sources={"tickets": "jira"}, source_zone="UTC", date_format="dd.MM.yyyy HH:mm"
    )
    jan = next(w for lr in report.levels if lr.id == "p1-response" for w in lr.windows if w.window.label == "Jan 2027")
    assert [(m.ref, m.value.total_seconds()) for m in jan.misses] == [("DESK-9", 75 * 60)]


def test_statuspage_minor_impact_is_not_downtime(agreement: Path) -> None:
    report = run(agreement, "outages", SAMPLES / "statuspage-incidents.json")
    assert any("1 incident of minor or no impact" in n for n in report.notes)
    feb = next(
        w for lr in report.levels if lr.id == "hosting-availability" for w in lr.windows if w.window.label == "Feb 2027"
    )
    # 12 hours down of 672 (February 2027), no Sunday patching inside: 1 - 12/672.
    assert feb.measured is not None
    assert abs(feb.measured - (1 - Decimal(12) / 672) * 100) < Decimal("0.01")


def test_uptimerobot_pauses_are_noted(agreement: Path) -> None:
    report = run(agreement, "outages", SAMPLES / "uptimerobot-monitors.json")
    assert any("paused 1 time" in n for n in report.notes)


def test_source_of_the_wrong_kind_is_refused(agreement: Path) -> None:
    with pytest.raises(SlactlError, match="reads outages, not tickets"):
        run(agreement, "tickets", SAMPLES / "statuspage-incidents.json", sources={"tickets": "statuspage"})


def test_csv_source_turns_detection_off(agreement: Path) -> None:
    with pytest.raises(SlactlError, match="no column for"):
        run(agreement, "tickets", SAMPLES / "zendesk.csv", sources=choose_sources(["csv"]))


def test_choose_sources_rejects_unknown_and_two_of_a_kind() -> None:
    with pytest.raises(SlactlError, match="unknown --source"):
        choose_sources(["remedy"])
    with pytest.raises(SlactlError, match="both read tickets"):
        choose_sources(["jira", "zendesk"])
    assert choose_sources(["jira", "uptime-kuma"]) == {"tickets": "jira", "outages": "uptime-kuma"}


def test_the_command_says_which_source_read_the_file(
    agreement: Path, kuma_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from slactl.cli import main

    args = ["report", str(agreement), "--tickets", str(SAMPLES / "jira.csv"), "--outages", str(kuma_db)]
    assert main([*args, "--period", PERIOD, "--as-of", "2028-02-01", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert "jira.csv was read as: Jira Service Management CSV export (detected from the file)" in captured.err
    assert "kuma.db was read as: Uptime Kuma database" in captured.err
    assert '"tool_verdicts"' in captured.out
