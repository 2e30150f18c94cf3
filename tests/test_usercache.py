"""The user cache (slactl.usercache) and the holiday year tables kept in it (slactl.holidays).

Expected tables come from the holidays package itself, called here, and from dates typed in
from the OPM federal holiday calendar; never from the cache under test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from importlib import metadata
from pathlib import Path

import holidays as package
import pytest

from slactl import holidays
from slactl.holidays import US_FEDERAL, HolidaySet, holiday_names
from slactl.usercache import JsonStore, cache_folder

# OPM's federal holidays for 2027 (observed dates): https://www.opm.gov/policy-data-oversight/pay-leave/federal-holidays/
OPM_2027 = {
    date(2027, 1, 1),
    date(2027, 1, 18),
    date(2027, 2, 15),
    date(2027, 5, 31),
    date(2027, 6, 18),
    date(2027, 7, 5),
    date(2027, 9, 6),
    date(2027, 10, 11),
    date(2027, 11, 11),
    date(2027, 11, 25),
    date(2027, 12, 24),
    date(2027, 12, 31),  # New Year's Day 2028 falls on a Saturday
}


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh, empty cache folder, and slactl.holidays' in-process tables forgotten."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("SLACTL_CACHE_DIR", str(folder))
    holidays._store.cache_clear()
    holidays._year_table.cache_clear()
    holidays.holiday_dates.cache_clear()
    yield folder
    holidays._store.cache_clear()
    holidays._year_table.cache_clear()
    holidays.holiday_dates.cache_clear()


def forget() -> None:
    """As a new process would start: nothing in memory, the cache file as it is."""
    holidays._store.cache_clear()
    holidays._year_table.cache_clear()
    holidays.holiday_dates.cache_clear()


def stored(folder: Path) -> dict[str, object]:
    (path,) = folder.glob("holidays-*.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == 1
    values: dict[str, object] = data["values"]
    return values


def test_a_year_is_computed_once_then_read_back_the_same(cache: Path) -> None:
    cold = holiday_names(US_FEDERAL, 2027)
    assert set(cold) == OPM_2027
    assert stored(cache)["US||public|1|2027"] == [[d.isoformat(), n] for d, n in sorted(cold.items())]
    forget()
    warm = holiday_names(US_FEDERAL, 2027)
    assert warm == cold
    assert list(warm) == sorted(warm)


@pytest.mark.usefixtures("cache")
def test_a_cached_table_is_the_package_table() -> None:
    spec = HolidaySet("ES", "AN", ("public",), observed=False)
    holiday_names(spec, 2027)
    forget()
    warm = holiday_names(spec, 2027)
    own = package.country_holidays("ES", subdiv="AN", years=2027, observed=False)
    assert warm == {d: n for d, n in sorted(own.items())}


def test_the_key_is_the_package_version_and_the_code(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    holiday_names(US_FEDERAL, 2027)
    (first,) = cache.glob("holidays-*.json")
    assert first.name.startswith(f"holidays-{metadata.version('holidays')}-")
    forget()
    monkeypatch.setattr("importlib.metadata.version", lambda _name: "0.0-other")
    holiday_names(US_FEDERAL, 2027)
    assert sorted(p.name for p in cache.glob("holidays-*.json")) == sorted(
        [first.name, f"holidays-0.0-other-{first.name.rsplit('-', 1)[1]}"]
    )


@pytest.mark.parametrize(
    "damage",
    [
        b"not json",
        b'{"format": 2, "values": {}}',
        b'{"format": 1, "values": []}',
        b'{"format": 1, "values": {"US||public|1|2027": "2027-01-01"}}',
        b'{"format": 1, "values": {"US||public|1|2027": [["2027-13-01", "x"]]}}',
        b'{"format": 1, "values": {"US||public|1|2027": [["2026-12-25", "Christmas Day"]]}}',
        b'{"format": 1, "values": {"US||public|1|2027": [["2027-01-01", 1]]}}',
    ],
)
def test_a_damaged_file_costs_only_speed(cache: Path, damage: bytes) -> None:
    holiday_names(US_FEDERAL, 2027)
    (path,) = cache.glob("holidays-*.json")
    path.write_bytes(damage)
    forget()
    assert set(holiday_names(US_FEDERAL, 2027)) == OPM_2027
    assert stored(cache)["US||public|1|2027"] == [
        [d.isoformat(), n] for d, n in sorted(holiday_names(US_FEDERAL, 2027).items())
    ]


def test_no_cache_when_the_folder_is_empty_or_cannot_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACTL_CACHE_DIR", "")
    forget()
    assert cache_folder() is None
    assert set(holiday_names(US_FEDERAL, 2027)) == OPM_2027
    blocked = tmp_path / "a-file"
    blocked.write_text("mine\n")
    monkeypatch.setenv("SLACTL_CACHE_DIR", str(blocked / "cache"))
    forget()
    assert set(holiday_names(US_FEDERAL, 2027)) == OPM_2027
    assert blocked.read_text() == "mine\n"
    forget()


def test_the_folder_follows_xdg_then_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SLACTL_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_folder() == tmp_path / "xdg" / "slactl"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # not absolute: ignored, as the spec says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_folder() == tmp_path / "home" / ".cache" / "slactl"


def test_writes_merge_with_other_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACTL_CACHE_DIR", str(tmp_path))
    one, two = JsonStore("t", "k"), JsonStore("t", "k")
    assert one.get("a") is None and two.get("b") is None  # both read the (absent) file first
    one.put("a", [1])
    two.put("b", [2])
    assert JsonStore("t", "k").get("a") == [1] and JsonStore("t", "k").get("b") == [2]
    assert [p.name for p in tmp_path.iterdir()] == ["t-k.json"]  # no temporary file left


def test_a_warm_process_does_not_import_the_package(cache: Path) -> None:
    code = (
        "import sys; from slactl.holidays import US_FEDERAL, holiday_names; "
        "print(len(holiday_names(US_FEDERAL, 2027)), 'holidays.countries' in sys.modules)"
    )
    env = {**os.environ, "SLACTL_CACHE_DIR": str(cache)}
    runs = [
        subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
        for _ in range(2)
    ]
    assert runs == ["12 True\n", "12 False\n"]
