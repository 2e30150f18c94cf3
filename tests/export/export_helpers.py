"""What the export tests compare against, read from the agreement YAML without slactl's model.

The numbers here come from the format's documentation (docs/format.md), not from slactl.export:
a percentage is a share of 100, a duration is counted on the level's clock, a business day is
the calendar's open hours in a week over its open days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EXAMPLE_FILES = sorted(
    p
    for p in EXAMPLES.glob("*.yaml")
    if (yaml.safe_load(p.read_text(encoding="utf-8")) or {}).get("kind") == "Agreement"
)
TIME_METRICS = ("response_time", "resolution_time")
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
UNIT_SECONDS = {
    "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
    "d": 86400, "day": 86400, "days": 86400,
    "w": 604800, "week": 604800, "weeks": 604800,
}  # fmt: skip


@dataclass(frozen=True)
class RawLevel:
    """A service level as the YAML says it, with the calendar it runs on."""

    agreement: str
    data: dict[str, Any]
    calendar: dict[str, Any] | None
    calendar_name: str | None

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def metric(self) -> str:
        return str(self.data["metric"])


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def raw_levels(path: Path) -> list[RawLevel]:
    doc = load(path)
    services = {s["id"]: s for s in doc["services"]}
    calendars = doc.get("calendars") or {}
    out = []
    for level in doc.get("service_levels") or []:
        name = level.get("calendar") or services[level["service"]].get("support_hours")
        out.append(RawLevel(doc["metadata"]["id"], level, calendars.get(name) if name else None, name))
    return out


def percent(text: str) -> Decimal:
    """'99.95%' -> Decimal('0.9995')."""
    return Decimal(text.strip().rstrip("%").strip()) / 100


def objective(level: RawLevel) -> Decimal:
    """Availability: its target; a time target: its attainment, 100% when not given."""
    if level.metric == "availability":
        return percent(level.data["target"])
    return percent(level.data.get("attainment", "100%"))


def open_minutes_by_day(calendar: dict[str, Any] | None) -> dict[int, int]:
    if calendar is None or calendar["hours"] == "24x7":
        return dict.fromkeys(range(7), 1440)
    out = dict.fromkeys(range(7), 0)
    for spec, spans in calendar["hours"].items():
        first, _, last = spec.partition("-")
        days = range(DAY_NAMES.index(first), DAY_NAMES.index(last or first) + 1)
        for span in [spans] if isinstance(spans, str) else spans:
            start, end = span.split("-")
            minutes = _minute(end) - _minute(start)
            for day in days:
                out[day] += minutes
    return out


def _minute(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def threshold_seconds(level: RawLevel) -> int:
    """A time target in seconds of its clock; a business day is the week's open time over its open days.

    Written as docs/format.md allows: `4h`, `30 minutes`, `1h 30m`, `2 business days`, `PT4H`.
    """
    text = str(level.data["target"]).strip()
    iso = re.fullmatch(r"P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+)S)?)?", text)
    if iso:
        weeks, days, hours, minutes, seconds = (Decimal(g or 0) for g in iso.groups())
        return int(weeks * 604800 + days * 86400 + hours * 3600 + minutes * 60 + seconds)
    total = Decimal(0)
    parts = re.findall(
        r"(\d+(?:\.\d+)?)\s*(business days?|working days?|calendar days?|business hours?|[a-z]+)", text.lower()
    )
    assert parts, text
    for amount_text, unit in parts:
        amount = Decimal(amount_text)
        if unit in ("business day", "business days", "working day", "working days", "bd"):
            week = open_minutes_by_day(level.calendar)
            open_days = [m for m in week.values() if m]
            total += amount * Decimal(sum(open_days) * 60) / len(open_days)
        else:
            total += amount * UNIT_SECONDS[unit.removeprefix("calendar ").removeprefix("business ")]
    return int(total)


def term(path: Path) -> tuple[date, date | None]:
    doc = load(path)
    return doc["term"]["start"], doc["term"].get("end")


# US federal holidays of FY2027 (5 U.S.C. 6103), observed days, written out by hand:
# Juneteenth 2027 falls on a Saturday (observed Friday June 18), Independence Day on a Sunday
# (observed Monday July 5).
US_FEDERAL_FY2027 = [
    date(2026, 10, 12), date(2026, 11, 11), date(2026, 11, 26), date(2026, 12, 25), date(2027, 1, 1),
    date(2027, 1, 18), date(2027, 2, 15), date(2027, 5, 31), date(2027, 6, 18), date(2027, 7, 5),
    date(2027, 9, 6),
]  # fmt: skip
