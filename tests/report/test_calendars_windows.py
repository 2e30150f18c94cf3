"""Holiday calendars from the `holidays` package, and measurement windows (issue 10).

Each result is checked against an independent computation: the `holidays` package called
directly, the hand-written US federal table slactl used to carry (copied below), and
window arithmetic redone day by day with zoneinfo.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import holidays as holidays_pkg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers_validate import EXAMPLES, imported, run_main, without_clauses
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


def test_years_before_the_package_knows_a_country_are_refused_not_opened() -> None:
    from slactl.errors import SlactlError

    with pytest.raises(SlactlError, match="from 2008 on, not in 2000"):
        holiday_dates(HolidaySet("ES", "AN"), 2000)


@pytest.mark.parametrize("year", [2101, 2150, 2399, 5000, 9997])
def test_after_2100_the_rules_are_carried_forward_as_the_old_table_did(year: int) -> None:
    assert holiday_dates(HolidaySet("US"), year) == old_federal_table(year)


# --------------------------------------------------------------------------- validation


def _with_calendar(tmp_path: Path, extra: str) -> Path:
    text = without_clauses((EXAMPLES / "it-hr-support-fy2027.yaml").read_text(encoding="utf-8"))
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


def _imports(args: list[str], cwd: Path, cache: Path | None = None) -> set[str]:
    modules, proc = imported(*args, cwd=cwd, env={"SLACTL_CACHE_DIR": str(cache)} if cache is not None else None)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    return modules


def test_holidays_package_is_imported_only_for_holiday_calendars(tmp_path: Path) -> None:
    assert "holidays" not in _imports(["--help"], tmp_path)
    assert "holidays" not in _imports(["validate", str(EXAMPLES / "northwind-colocation-fy2027.yaml")], tmp_path)
    with_sets = _with_calendar(tmp_path, "    public_holidays:\n      - {country: US, subdivision: TX}\n")
    cache = tmp_path / "user-cache"
    assert "holidays" in _imports(["validate", str(with_sets)], tmp_path, cache)
    # What validation needs of US (its subdivisions and categories) is now in the user cache.
    assert "holidays" not in _imports(["validate", str(with_sets)], tmp_path, cache)
    assert "holidays" in _imports(["validate", str(with_sets)], tmp_path, tmp_path / "other-cache")


def test_validation_reads_the_cached_facts_as_the_package_gives_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from slactl import holidays

    monkeypatch.setenv("SLACTL_CACHE_DIR", str(tmp_path / "cache"))
    holidays._store.cache_clear()
    cases = [("US", "TX", ()), ("US", "XX", ()), ("ES", "Andalucia", ("public", "bank")), ("ZZ", None, ())]
    try:
        cold = [holidays.holiday_set_problem(*case) for case in cases]
        holidays._country_facts.cache_clear()
        holidays._store.cache_clear()
        warm = [holidays.holiday_set_problem(*case) for case in cases]
    finally:
        holidays._country_facts.cache_clear()
        holidays._store.cache_clear()
    assert warm == cold
    assert cold[0] is None
    assert cold[1] is not None and cold[1][0] == "subdivision" and "'XX'" in cold[1][1]
    assert cold[3] is not None and cold[3][0] == "country"


# --------------------------------------------------------------------------- anchored monthly windows

from calendar import monthrange  # noqa: E402

from slactl.report.periods import Period, windows  # noqa: E402


def _expected_start(day: date, anchor: int) -> date:
    """The latest month-anchor day (clamped to the month's end) on or before ``day``, by brute force."""
    probe = day
    while True:
        if probe.day == min(anchor, monthrange(probe.year, probe.month)[1]):
            return probe
        probe -= timedelta(days=1)


days_in = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))


@settings(max_examples=200, deadline=None)
@given(
    anchor=st.integers(min_value=1, max_value=31),
    first=days_in,
    length=st.integers(min_value=0, max_value=800),
    term_cut=st.integers(min_value=0, max_value=60),
)
def test_anchored_windows_tile_the_period_and_start_on_the_anchor(
    anchor: int, first: date, length: int, term_cut: int
) -> None:
    period = Period(first, first + timedelta(days=length), "p")
    term = (first + timedelta(days=term_cut), first + timedelta(days=length + 30))
    got = windows("calendar_month", period, term, anchor=anchor)
    lo, hi = max(period.start, term[0]), min(period.end, term[1])
    if hi < lo:
        assert got == []
        return
    # No gap, no overlap, exactly the measured days.
    assert got[0].start == lo and got[-1].stop == hi + timedelta(days=1)
    for a, b in itertools.pairwise(got):
        assert a.stop == b.start
    for w in got:
        # Each full window runs from one clamped anchor day to the next one.
        assert w.full_start == _expected_start(w.full_start, anchor)
        assert w.full_start.day == min(anchor, monthrange(w.full_start.year, w.full_start.month)[1])
        assert w.full_stop == _expected_start(w.full_stop, anchor) and w.full_stop > w.full_start
        assert _expected_start(w.full_stop - timedelta(days=1), anchor) == w.full_start
        assert w.full_start <= w.start < w.stop <= w.full_stop
        # Every day is in the window its brute-force anchor says.
        assert _expected_start(w.start, anchor) == w.full_start
        assert _expected_start(w.last, anchor) == w.full_start


def test_anchor_16_runs_from_the_16th_to_the_15th() -> None:
    got = windows(
        "calendar_month",
        Period(date(2027, 1, 1), date(2027, 3, 31), "q"),
        (date(2027, 1, 1), date(2027, 12, 31)),
        anchor=16,
    )
    assert [(w.start, w.last) for w in got] == [
        (date(2027, 1, 1), date(2027, 1, 15)),
        (date(2027, 1, 16), date(2027, 2, 15)),
        (date(2027, 2, 16), date(2027, 3, 15)),
        (date(2027, 3, 16), date(2027, 3, 31)),
    ]
    assert got[0].partial and got[0].full_start == date(2026, 12, 16)
    assert got[1].label == "2027-01-16 to 2027-02-15"


def test_anchor_31_clamps_to_month_ends() -> None:
    got = windows(
        "calendar_month",
        Period(date(2027, 1, 31), date(2027, 5, 30), "p"),
        (date(2027, 1, 1), date(2027, 12, 31)),
        anchor=31,
    )
    assert [(w.start, w.last) for w in got] == [
        (date(2027, 1, 31), date(2027, 2, 27)),
        (date(2027, 2, 28), date(2027, 3, 30)),
        (date(2027, 3, 31), date(2027, 4, 29)),
        (date(2027, 4, 30), date(2027, 5, 30)),
    ]


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("window_anchor: 0", "greater than or equal to 1"),
        ("window_anchor: 32", "less than or equal to 31"),
        ("window: calendar_quarter\n    window_anchor: 16", "`window_anchor` is for monthly windows"),
        ("per: region", "is not one of `site`"),
        ("per: site\n    scope: {site: north}", "not both"),
    ],
)
def test_wrong_window_fields_are_findings_at_their_line(
    field: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = FIXTURE.read_text(encoding="utf-8").replace(
        "    target: 99.9%\n    window: calendar_month\n    exclusions",
        f"    target: 99.9%\n    {field}\n    exclusions",
        1,
    )
    path = tmp_path / "agreement.yaml"
    path.write_text(text, encoding="utf-8")
    run = run_main(["validate", str(path)], capsys)
    assert run.code == 1, run.out
    assert message in run.out


# --------------------------------------------------------------------------- measured: anchored and per site

from decimal import Decimal  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

from slactl.report import build_report  # noqa: E402

FIXTURE = Path(__file__).parents[1] / "fixtures" / "report" / "agreement.yaml"
NOW = datetime(2028, 2, 1, tzinfo=ZoneInfo("UTC"))
SITES = ("north", "south", "east")
NY = ZoneInfo("America/New_York")


def _agreement(tmp_path: Path, name: str, level_extra: str) -> Path:
    text = FIXTURE.read_text(encoding="utf-8")
    text = text.replace(
        "  - {id: hosting, name: Hosting, support_hours: always}",
        f"  - {{id: hosting, name: Hosting, support_hours: always, sites: [{', '.join(SITES)}]}}",
        1,
    )
    text = text.replace(
        "    target: 99.9%\n    window: calendar_month\n    exclusions",
        f"    target: 99.9%\n{level_extra}    exclusions",
        1,
    )
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


outage_rows = st.lists(
    st.tuples(
        st.sampled_from((*SITES, "")),
        st.integers(min_value=0, max_value=360 * 24 * 60),  # minutes after the term starts
        st.integers(min_value=1, max_value=3000),  # minutes down
        st.booleans(),
    ),
    max_size=25,
)


def _outages(tmp_path: Path, rows: list[tuple[str, int, int, bool]]) -> Path:
    start = datetime(2027, 1, 15, tzinfo=NY)
    lines = ["id,service,site,start,end,planned"]
    for i, (site, at, minutes, planned) in enumerate(rows):
        a = start + timedelta(minutes=at)
        b = a + timedelta(minutes=minutes)
        lines.append(f"O{i},hosting,{site},{a.isoformat()},{b.isoformat()},{'yes' if planned else 'no'}")
    path = tmp_path / "outages.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _level(report: Any, level_id: str) -> list[Any]:
    windows_: list[Any] = next(lr for lr in report.levels if lr.id == level_id).windows
    return windows_


shapes = st.one_of(
    st.integers(min_value=1, max_value=31).map(lambda a: f"    window: calendar_month\n    window_anchor: {a}\n"),
    st.integers(min_value=1, max_value=40).map(lambda n: f"    window: rolling\n    rolling_days: {n}\n"),
)


@settings(max_examples=12, deadline=None)
@given(rows=outage_rows, shape=shapes)
def test_per_site_verdicts_are_each_sites_own(
    rows: list[tuple[str, int, int, bool]], shape: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    tmp_path = tmp_path_factory.mktemp("per")
    outages = _outages(tmp_path, rows)
    per = build_report(_agreement(tmp_path, "per", f"{shape}    per: site\n"), outages=outages, now=NOW)
    windows_per = _level(per, "hosting-availability")
    for site in SITES:
        alone = build_report(
            _agreement(tmp_path, site, f"{shape}    scope: {{site: {site}}}\n"),
            outages=outages,
            now=NOW,
        )
        mine = [w for w in windows_per if w.window.label.startswith(f"{site}: ")]
        theirs = _level(alone, "hosting-availability")
        assert len(mine) == len(theirs) > 0
        for a, b in zip(mine, theirs, strict=True):
            assert a.window.label == f"{site}: {b.window.label}"
            assert (a.status, a.measured, a.window.start, a.window.stop) == (
                b.status,
                b.measured,
                b.window.start,
                b.window.stop,
            )
    assert len(windows_per) == len(SITES) * len(theirs)


@settings(max_examples=15, deadline=None)
@given(
    rows=outage_rows,
    shape=st.one_of(
        st.integers(min_value=2, max_value=31).map(lambda a: ("calendar_month", a)),
        st.integers(min_value=1, max_value=40).map(lambda n: ("rolling", n)),
    ),
)
def test_windowed_availability_against_zoneinfo(
    rows: list[tuple[str, int, int, bool]], shape: tuple[str, int], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Unplanned downtime per anchored or rolling window, recomputed exactly with zoneinfo."""
    tmp_path = tmp_path_factory.mktemp("win")
    kind, n = shape
    extra = f"    window: {kind}\n    " + (
        f"window_anchor: {n}\n" if kind == "calendar_month" else f"rolling_days: {n}\n"
    )
    rows = [(site, at, minutes, False) for site, at, minutes, _ in rows]  # unplanned only: no maintenance
    report = build_report(_agreement(tmp_path, "win", extra), outages=_outages(tmp_path, rows), now=NOW)
    start0 = datetime(2027, 1, 15, tzinfo=NY)
    term = (date(2027, 1, 15), date(2028, 1, 14))
    spans = sorted((start0 + timedelta(minutes=at), start0 + timedelta(minutes=at + m)) for _, at, m, _ in rows)
    results = _level(report, "hosting-availability")
    if kind == "rolling":
        # One window per day of the term, ending on it, n days long unless the term cuts it.
        assert [wr.window.last for wr in results] == [
            term[0] + timedelta(days=k) for k in range((term[1] - term[0]).days + 1)
        ]
    for wr in results:
        w = wr.window
        if kind == "calendar_month":
            assert w.full_start.day == min(n, monthrange(w.full_start.year, w.full_start.month)[1])
        else:
            assert w.full_days == n and w.start == max(w.full_start, term[0])
        ws = datetime.combine(w.start, time(0), NY)
        we = datetime.combine(w.stop, time(0), NY)
        total = (we.astimezone(ZoneInfo("UTC")) - ws.astimezone(ZoneInfo("UTC"))).total_seconds()
        down, cursor = 0.0, ws
        for a, b in spans:  # merge overlapping outages while clipping to the window
            a, b = max(a, ws, cursor), min(b, we)
            if b > a:
                # Same tzinfo: `b - a` would be wall-clock time, an hour off across a DST change.
                down += (b.astimezone(ZoneInfo("UTC")) - a.astimezone(ZoneInfo("UTC"))).total_seconds()
                cursor = b
        expected = Decimal(str(total - down)) / Decimal(str(total)) * 100
        assert wr.measured is not None
        assert abs(wr.measured - expected) < Decimal("0.0001")
        assert wr.status == ("met" if wr.measured >= Decimal("99.9") else "missed")
    if kind == "rolling":
        assert not [line for line in report.credits.lines if line.level_id == "hosting-availability"]


@settings(max_examples=100, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=400),
    first=days_in,
    length=st.integers(min_value=0, max_value=400),
    term_cut=st.integers(min_value=-30, max_value=60),
)
def test_rolling_windows_end_on_each_day(n: int, first: date, length: int, term_cut: int) -> None:
    period = Period(first, first + timedelta(days=length), "p")
    term = (first + timedelta(days=term_cut), first + timedelta(days=length + 30))
    got = windows("rolling", period, term, rolling_days=n)
    lo, hi = max(period.start, term[0]), min(period.end, term[1])
    days = [lo + timedelta(days=k) for k in range(max(0, (hi - lo).days + 1))]
    assert [w.last for w in got] == days
    for w in got:
        assert w.full_stop == w.stop and w.full_days == n
        assert w.start == max(w.stop - timedelta(days=n), term[0])


def test_adding_a_holiday_set_is_a_change_in_the_providers_favour() -> None:
    from test_semdiff import ITHR, changed

    def edit(d: dict[str, Any]) -> None:
        d["calendars"]["city-hours"]["public_holidays"] = [{"country": "US", "subdivision": "TX"}]

    (change,) = changed(ITHR, edit)
    assert change.kind == "added" and change.favour == "provider"
    assert "Public holidays" in change.label


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        (
            {"window": "calendar_month", "window_anchor": 16},
            "99.9% availability per month (at most 43 min 12 s of downtime in a 30-day month), "
            "each month running from the 16th to the 15th of the next.",
        ),
        (
            {"window_anchor": 31, "per": "site"},
            "from the 31st (or the last day of a shorter month) to the day before that day of the next month, "
            "judged for each site on its own.",
        ),
        (
            {"window": "rolling", "rolling_days": 28},
            "per rolling window, each window being the 28 days up to and including the day it is judged, once a day.",
        ),
        ({"window": "calendar_month"}, "per calendar month (at most 43 min 12 s of downtime in a 30-day month)."),
    ],
)
def test_windows_are_said_in_plain_words(extra: dict[str, Any], said: str) -> None:
    from slactl.model.agreement import ServiceLevel
    from slactl.wording import say_service_level

    level = ServiceLevel.model_validate(
        {"id": "a", "service": "s", "metric": "availability", "target": "99.9%", **extra}
    )
    assert say_service_level(level, service_name="Hosting").endswith(said)


def test_public_holidays_are_said_with_the_calendar() -> None:
    from slactl.model.agreement import Calendar, ServiceLevel
    from slactl.wording import say_service_level

    cal = Calendar.model_validate(
        {
            "timezone": "Europe/Madrid",
            "hours": {"mon-fri": "08:00-17:00"},
            "public_holidays": [{"country": "ES", "subdivision": "AN"}],
            "holidays": ["2027-12-24"],
        }
    )
    level = ServiceLevel.model_validate(
        {"id": "b", "service": "s", "metric": "response_time", "target": "4h", "window": "calendar_month"}
    )
    assert "(Mon-Fri 08:00-17:00 Central European Time, ES-AN holidays and December 24, 2027 excluded)" in (
        say_service_level(level, calendar=cal, service_name="Desk")
    )
