"""Holiday calendars from the `holidays` package, and measurement windows (issue 10).

Each result is checked against an independent computation: the `holidays` package called
directly, the hand-written US federal table slactl used to carry (copied below), and
window arithmetic redone day by day with zoneinfo.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path

import holidays as holidays_pkg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers_validate import EXAMPLES, run_main
from slactl.clock import BusinessCalendar, HolidaySet, business_elapsed
from slactl.holidays import holiday_dates, us_federal_holidays

# --------------------------------------------------------------------------- the old federal table


def _nth(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _last(year: int, month: int, weekday: int) -> date:
    end = (date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)) - timedelta(days=1)
    return end - timedelta(days=(end.weekday() - weekday) % 7)


def _shift(day: date) -> date:
    return day - timedelta(days=1) if day.weekday() == 5 else day + timedelta(days=1) if day.weekday() == 6 else day


def old_federal_table(year: int) -> set[date]:
    """slactl's hand-written 5 U.S.C. 6103 table (Uniform Monday Holiday Act rules, 1971 on)."""
    fixed = [(1, 1), (7, 4), (12, 25)] + ([(6, 19)] if year >= 2021 else [])
    if not 1971 <= year <= 1977:
        fixed.append((11, 11))
    out = {_shift(date(year, m, d)) for m, d in fixed}
    out = {d for d in out if d.year == year}
    out |= {_nth(year, 2, 0, 3), _last(year, 5, 0), _nth(year, 9, 0, 1), _nth(year, 10, 0, 2), _nth(year, 11, 3, 4)}
    if year >= 1986:
        out.add(_nth(year, 1, 0, 3))
    if 1971 <= year <= 1977:
        out.add(_nth(year, 10, 0, 4))
    if date(year + 1, 1, 1).weekday() == 5:
        out.add(date(year, 12, 31))
    return out


@pytest.mark.parametrize("year", range(1971, 2101))
def test_federal_is_the_old_table_for_every_year_it_covered(year: int) -> None:
    assert set(us_federal_holidays(year)) == old_federal_table(year)
    assert holiday_dates(HolidaySet("US"), year) == old_federal_table(year)


def test_federal_calendar_spelling_is_the_us_public_set() -> None:
    federal = BusinessCalendar.office_hours("America/New_York", federal_holidays=True)
    public = BusinessCalendar.office_hours("America/New_York", federal_holidays=False, public=(HolidaySet("US"),))
    for year in (2026, 2027, 2028):
        assert federal.closed_dates(year) == public.closed_dates(year) == old_federal_table(year)


# --------------------------------------------------------------------------- other countries, against the package

SETS = [
    HolidaySet("US", "TX"),
    HolidaySet("ES", "AN"),
    HolidaySet("GB", "ENG"),
    HolidaySet("DE", "BY"),
    HolidaySet("US", None, ("public", "government")),
    HolidaySet("FR"),
]


def _package(spec: HolidaySet, years: range, *, observed: bool) -> dict[date, str]:
    return dict(
        holidays_pkg.country_holidays(
            spec.country, subdiv=spec.subdivision, years=years, categories=spec.categories, observed=observed
        ).items()
    )


@settings(max_examples=60, deadline=None)
@given(spec=st.sampled_from(SETS), year=st.integers(min_value=2010, max_value=2100))
def test_own_dates_are_the_package_dates(spec: HolidaySet, year: int) -> None:
    own = HolidaySet(spec.country, spec.subdivision, spec.categories, observed=False)
    assert holiday_dates(own, year) == {d for d in _package(spec, range(year, year + 1), observed=False)}


@settings(max_examples=60, deadline=None)
@given(spec=st.sampled_from(SETS), year=st.integers(min_value=2010, max_value=2099))
def test_observed_days_replace_the_days_they_move(spec: HolidaySet, year: int) -> None:
    ours = holiday_dates(spec, year)
    seen = {d for d in _package(spec, range(year - 1, year + 2), observed=True) if d.year == year}
    own = _package(spec, range(year - 1, year + 2), observed=False)
    assert ours <= seen
    # Every observed-only day stays; what is dropped is a holiday's own date whose observance moved.
    assert {d for d in seen if d not in own} <= ours
    for dropped in seen - ours:
        assert dropped in own
        moved = [d for d in _package(spec, range(year - 1, year + 2), observed=True) if d not in own]
        assert any(abs(d - dropped) <= timedelta(days=7) for d in moved)


def test_a_regional_holiday_closes_the_clock() -> None:
    # 2027-03-01 (Mon): Andalusia Day (Sun Feb 28) is observed on the Monday in ES-AN only.
    base = BusinessCalendar.office_hours("Europe/Madrid", federal_holidays=False)
    andalusia = BusinessCalendar.office_hours("Europe/Madrid", federal_holidays=False, public=(HolidaySet("ES", "AN"),))
    zone = base.tz
    start, end = datetime.combine(date(2027, 3, 1), time(0), zone), datetime.combine(date(2027, 3, 2), time(0), zone)
    assert business_elapsed(base, start, end) == timedelta(hours=9)
    assert business_elapsed(andalusia, start, end) == timedelta(0)
    assert "ES-AN holidays" in andalusia.describe()


def test_years_the_package_does_not_know_are_refused_not_opened() -> None:
    from slactl.errors import SlactlError

    with pytest.raises(SlactlError, match="to 2100 only, not in 2101"):
        holiday_dates(HolidaySet("US"), 2101)


# --------------------------------------------------------------------------- validation


def _with_calendar(tmp_path: Path, extra: str) -> Path:
    text = (EXAMPLES / "it-hr-support-fy2027.yaml").read_text(encoding="utf-8")
    anchor = "    federal_holidays: true\n"
    assert anchor in text
    path = tmp_path / "agreement.yaml"
    path.write_text(text.replace(anchor, anchor + extra, 1), encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    ("extra", "needle", "message"),
    [
        ("    public_holidays:\n      - country: XZ\n", "country: XZ", "no country 'XZ'"),
        ("    public_holidays:\n      - country: US\n        subdivision: TZ\n", "subdivision: TZ", "did you mean"),
        (
            "    public_holidays:\n      - country: ES\n        categories: [pubic]\n",
            "categories:",
            "did you mean 'public'",
        ),
        (
            "    public_holidays:\n      - country: FR\n        subdivision: XX\n",
            "subdivision: XX",
            "no subdivision 'XX'",
        ),
    ],
)
def test_unknown_country_subdivision_or_category_is_a_finding_at_its_line(
    extra: str, needle: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _with_calendar(tmp_path, extra)
    run = run_main(["validate", str(path)], capsys)
    assert run.code == 1, run.out + run.err
    line = _line_of(path, needle)
    found = [row for row in run.out.splitlines() if f"{path}:{line}:" in row]
    assert found, run.out
    assert message in found[0]


def test_known_sets_validate_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    extra = (
        "    public_holidays:\n      - {country: US, subdivision: TX}\n"
        "      - {country: ES, subdivision: AN, categories: [public], observed: false}\n"
    )
    run = run_main(["validate", str(_with_calendar(tmp_path, extra))], capsys)
    assert run.code == 0, run.out + run.err


def _imports(args: list[str], cwd: Path) -> set[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "PYTHONPROFILEIMPORTTIME")}
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "slactl", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    return {
        line.rsplit("|", 1)[1].strip().split(".")[0]
        for line in proc.stderr.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    }


def test_holidays_package_is_imported_only_for_holiday_calendars(tmp_path: Path) -> None:
    assert "holidays" not in _imports(["--help"], tmp_path)
    assert "holidays" not in _imports(["validate", str(EXAMPLES / "northwind-colocation-fy2027.yaml")], tmp_path)
    with_sets = _with_calendar(tmp_path, "    public_holidays:\n      - {country: US, subdivision: TX}\n")
    assert "holidays" in _imports(["validate", str(with_sets)], tmp_path)
