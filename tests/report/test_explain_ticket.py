"""`slactl explain`: one ticket's clock, slice by slice, against hand-computed slices.

The fixture agreement (tests/fixtures/report/agreement.yaml): desk tickets on Mon-Fri
08:00-17:00 America/New_York with federal holidays closed; p2-resolution is 2 business
days (2 x 9 h = 18 h). Monday 2027-01-18 is Martin Luther King Jr. Day.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slactl.cli import main
from slactl.clock import BusinessCalendar, business_elapsed, business_slices
from slactl.report import build_report
from slactl.report.ticketclock import explain_ticket

FIXTURE = Path(__file__).parents[1] / "fixtures" / "report" / "agreement.yaml"
NOW = datetime(2028, 2, 1, tzinfo=UTC)
NY = ZoneInfo("America/New_York")

# Opened Friday 10:00 before the holiday weekend, on hold Tuesday 10:00-12:00, resolved Tuesday 15:00.
TICKETS = """id,priority,service,opened,first_response,resolved,on_hold
W1,P2,desk,2027-01-15 10:00,2027-01-15 10:05,2027-01-19 15:00,2027-01-19T10:00/2027-01-19T12:00
"""


def at(day: int, hour: int) -> datetime:
    return datetime(2027, 1, day, hour, tzinfo=NY)


# Written from the calendar by hand: (start, end, state, rule).
EXPECTED = [
    (at(15, 10), at(15, 17), "counted", "open hours"),
    (at(15, 17), at(16, 0), "closed", "outside business hours"),
    (at(16, 0), at(18, 0), "closed", "weekend"),
    (at(18, 0), at(19, 0), "closed", "public holiday: Martin Luther King Jr. Day"),
    (at(19, 0), at(19, 8), "closed", "outside business hours"),
    (at(19, 8), at(19, 10), "counted", "open hours"),
    (at(19, 10), at(19, 12), "paused", "on hold"),
    (at(19, 12), at(19, 15), "counted", "open hours"),
]


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    agreement = tmp_path / "agreement.yaml"
    shutil.copy(FIXTURE, agreement)
    tickets = tmp_path / "tickets.csv"
    tickets.write_text(TICKETS, encoding="utf-8")
    return agreement, tickets


def test_weekend_holiday_and_pause_each_show_as_a_slice(files: tuple[Path, Path]) -> None:
    agreement, tickets = files
    result = explain_ticket(agreement, "W1", tickets, now=NOW)
    (clock,) = [c for c in result.clocks if c.level == "p2-resolution"]
    got = [(s.start, s.end, s.state, s.rule) for s in clock.slices]
    assert got == EXPECTED
    # 7 h Friday + 2 h + 3 h Tuesday = 12 h counted; 2 h paused; the rest closed.
    assert clock.counted == timedelta(hours=12)
    assert clock.total("paused") == timedelta(hours=2)
    assert clock.total("closed") == at(19, 15) - at(15, 10) - timedelta(hours=14)
    assert clock.met is True and clock.target == timedelta(hours=18)


def test_the_total_is_what_the_report_measures(files: tuple[Path, Path]) -> None:
    agreement, tickets = files
    report = build_report(agreement, tickets=tickets, period="2027-01-01..2027-01-31", now=NOW)
    jan = next(w for lr in report.levels if lr.id == "p2-resolution" for w in lr.windows)
    assert jan.detail["tickets"] == 1
    assert jan.detail["mean_elapsed"] == timedelta(hours=12)


def test_the_command_prints_each_slice(files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    agreement, tickets = files
    code = main(["explain", str(agreement), "W1", "--tickets", str(tickets), "--as-of", "2028-01-01"])
    out = capsys.readouterr().out
    assert code == 0
    assert "public holiday: Martin Luther King Jr. Day" in out
    assert "weekend" in out and "paused   on hold" in out
    assert "counted 12h 00m, paused 2h 00m" in out
    code = main(
        ["explain", str(agreement), "W1", "--tickets", str(tickets), "--format", "json", "--as-of", "2028-01-01"]
    )
    data = json.loads(capsys.readouterr().out)
    level = next(lv for lv in data["levels"] if lv["id"] == "p2-resolution")
    assert level["counted_seconds"] == 12 * 3600 and level["status"] == "met"
    assert sum(s["seconds"] for s in level["slices"] if s["state"] == "counted") == 12 * 3600


def test_an_unknown_ticket_is_a_usage_error(files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    agreement, tickets = files
    assert main(["explain", str(agreement), "NOPE", "--tickets", str(tickets)]) == 2
    assert "no ticket 'NOPE'" in capsys.readouterr().err


def test_a_tool_export_is_explained(files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    agreement, _ = files
    jira = Path(__file__).parents[1] / "fixtures" / "sources" / "jira.csv"
    assert (
        main(["explain", str(agreement), "DESK-1", "--tickets", str(jira), "--format", "json", "--as-of", "2028-01-01"])
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["ticket"]["source"] == "jira"
    level = next(lv for lv in data["levels"] if lv["id"] == "p1-response")
    # Fri 16:55-17:00 and Tue 08:00-09:10: 75 minutes (Monday is a federal holiday).
    assert level["counted_seconds"] == 75 * 60


CAL = BusinessCalendar.office_hours("America/New_York", federal_holidays=True)
instants = st.integers(min_value=0, max_value=60 * 24 * 40).map(
    lambda m: datetime(2027, 1, 1, tzinfo=UTC) + timedelta(minutes=m)
)


@settings(max_examples=60, deadline=None)
@given(instants, instants, st.lists(st.tuples(instants, instants), max_size=3))
def test_counted_slices_add_up_to_business_elapsed(
    a: datetime, b: datetime, holds: list[tuple[datetime, datetime]]
) -> None:
    start, end = min(a, b), max(a, b)
    spans = [(min(x, y), max(x, y)) for x, y in holds]
    slices = business_slices(CAL, start, end, spans)
    counted = sum((s.duration for s in slices if s.state == "counted"), timedelta(0))
    assert counted == business_elapsed(CAL, start, end, spans)
    if slices:  # they tile the interval, in order
        assert slices[0].start == start and slices[-1].end == end
        assert all(x.end == y.start for x, y in pairwise(slices))
