"""The claim deadline of each credit, worked out by `report` (issue 10).

Each unit is checked against an independent computation written from the format's docs:
days and months with the standard library, billing cycles by walking the days and marking each
cycle's first day, business days with the `holidays` package and the weekday.
"""

from __future__ import annotations

import calendar
import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import holidays
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from slactl.cli import main
from slactl.model.agreement import Agreement
from slactl.report.claims import claim_by
from slactl.report.periods import Window

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ES = EXAMPLES / "public-sector-es-support.yaml"
CLOUD = EXAMPLES / "cloud-compute-public-sla.yaml"
CEC = EXAMPLES / "cec-fy2027-rural-lending.yaml"


def with_claim(path: Path, deadline: str | None, **level: Any) -> tuple[Agreement, Any]:
    data = yaml.safe_load(path.read_text())
    if deadline is not None:
        data["credits"]["claim"] = {"deadline": deadline}
    data["service_levels"][0].update(level)
    agreement = Agreement.model_validate(data)
    return agreement, agreement.service_levels[0]


def month_window(start: date) -> Window:
    stop = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return Window(f"{start:%b %Y}", start, stop, start, stop)


days = st.dates(min_value=date(2025, 1, 1), max_value=date(2035, 12, 31))


@settings(max_examples=60, deadline=None)
@given(start=days, count=st.integers(1, 400))
def test_days_after_the_window(start: date, count: int) -> None:
    agreement, level = with_claim(ES, f"{count} days after the window")
    window = month_window(start.replace(day=1))
    got = claim_by(agreement, level, window, None)
    assert got is not None
    last = date(window.start.year, window.start.month, calendar.monthrange(window.start.year, window.start.month)[1])
    assert got[0] == date.fromordinal(last.toordinal() + count)


@settings(max_examples=60, deadline=None)
@given(incident=days, count=st.integers(1, 30))
def test_months_after_the_incident(incident: date, count: int) -> None:
    agreement, level = with_claim(ES, f"{count} months after the incident")
    first = datetime(incident.year, incident.month, incident.day, 10, 0)
    got = claim_by(agreement, level, month_window(incident.replace(day=1)), first)
    assert got is not None
    y, m = divmod(incident.year * 12 + incident.month - 1 + count, 12)
    expected = date(y, m + 1, min(incident.day, calendar.monthrange(y, m + 1)[1]))
    assert got[0] == expected
    assert (
        got[1]
        == f"{count} month{'s' if count > 1 else ''} after the incident of {incident:%Y-%m-%d}, the window's first"
    )


def cycle_starts(around: date, anchor: int) -> list[date]:
    """Every first day of a billing cycle near ``around``: the anchor day, or a shorter month's last day."""
    out = []
    day = around - timedelta(days=70)
    while day < around + timedelta(days=31 * 40):
        last = calendar.monthrange(day.year, day.month)[1]
        if day.day == min(anchor, last):
            out.append(day)
        day += timedelta(days=1)
    return out


@settings(max_examples=60, deadline=None)
@given(incident=days, count=st.integers(1, 24), anchor=st.integers(1, 31))
def test_billing_cycles_after_the_incident(incident: date, count: int, anchor: int) -> None:
    agreement, level = with_claim(CLOUD, f"{count} billing cycles after the incident", window_anchor=anchor)
    got = claim_by(agreement, level, month_window(incident.replace(day=1)), datetime(*incident.timetuple()[:3], 12))
    assert got is not None
    starts = cycle_starts(incident, anchor)
    mine = max(i for i, s in enumerate(starts) if s <= incident)
    assert got[0] == starts[mine + count + 1] - timedelta(days=1)  # the last day of the count-th cycle after


@pytest.mark.parametrize("count", [1, 5, 10, 23])
@pytest.mark.parametrize("month", [date(2026, 12, 1), date(2027, 2, 1), date(2027, 3, 1), date(2027, 12, 1)])
def test_business_days_after_the_window_skip_weekends_and_the_regions_holidays(count: int, month: date) -> None:
    agreement, level = with_claim(ES, f"{count} business days after the window")
    window = month_window(month)
    got = claim_by(agreement, level, window, None)
    assert got is not None
    closed = holidays.country_holidays("ES", subdiv="AN", years=range(2026, 2029))
    day, left = window.stop - timedelta(days=1), count
    while left:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in closed:
            left -= 1
    assert got[0] == day


def test_a_deadline_after_the_incident_needs_the_incident() -> None:
    agreement, level = with_claim(ES, "10 days after the incident")
    assert claim_by(agreement, level, month_window(date(2027, 1, 1)), None) is None


def test_claim_window_is_days_after_the_window() -> None:
    agreement = Agreement.model_validate(yaml.safe_load(CEC.read_text()))  # claim_window: 30 days
    got = claim_by(agreement, agreement.service_levels[0], month_window(date(2027, 2, 1)), None)
    assert got == (date(2027, 3, 30), "30 days after the window")  # Feb 28 + 30 days


def report_json(capsys: pytest.CaptureFixture[str], args: list[str]) -> dict[str, Any]:
    code = main(["report", *args, "--format", "json"])
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)  # type: ignore[no-any-return]


def test_report_states_the_claim_date_of_each_credit(capsys: pytest.CaptureFixture[str]) -> None:
    data = EXAMPLES / "data"
    es = report_json(
        capsys,
        [str(ES), "--period", "2027-01", "--as-of", "2027-02-15", "--tickets", str(data / ES.stem / "tickets.csv")],
    )
    # 30 days after the window: Jan 31 + 30 days = Mar 2
    assert {ln["text"].rsplit("; ", 1)[1] for ln in es["credits"]["lines"]} == {
        "claim by 2027-03-02 (30 days after the window)"
    }
    assert {ln["claim_by"] for ln in es["credits"]["lines"]} == {"2027-03-02"}
    cloud = report_json(
        capsys,
        [str(CLOUD), "--period", "2027-01-16..2027-04-15", "--as-of", "2027-05-01",
         "--outages", str(data / CLOUD.stem / "outages.csv"), "--charges", str(data / CLOUD.stem / "charges.csv")],
    )  # fmt: skip
    # eu-west's first January-cycle outage is on Jan 22, in the cycle Jan 16-Feb 15; two cycles
    # after it end on Apr 15. A credit under the minimum is not issued, so it has no claim date.
    lines = {ln["window"]: ln for ln in cloud["credits"]["lines"]}
    assert lines["eu-west: 2027-01-16 to 2027-02-15"]["claim_by"] == "2027-04-15"
    assert (
        "; claim by 2027-04-15 (2 billing cycles after the incident of 2027-01-22, the window's first)"
        in (lines["eu-west: 2027-01-16 to 2027-02-15"]["text"])
    )
    assert lines["eu-west: 2027-03-16 to 2027-04-15"]["claim_by"] is None
    assert "claim by" not in lines["eu-west: 2027-03-16 to 2027-04-15"]["text"]
