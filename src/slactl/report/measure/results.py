"""What a report measures: the results of each window and level, and what was read from each file.

Plain values, no behaviour: the judges (:mod:`.judge`) fill them, the renderers and the
credits read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from slactl.model.agreement import ServiceLevel
from slactl.report.periods import Window
from slactl.report.terms import Version

Status = Literal["met", "missed", "no data", "not in force"]


@dataclass(frozen=True, slots=True)
class Miss:
    """One ticket, outage or survey that counted against a window, with how badly."""

    ref: str
    file: str
    line: int
    when: datetime
    value: timedelta | Decimal  # elapsed time, downtime, or a survey score
    over: timedelta | None  # beyond the target (time targets)
    note: str = ""

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class WindowResult:
    """One service level in one window."""

    window: Window
    start_at: datetime
    stop_at: datetime  # exclusive; measured up to here (cut at the report's as-of time)
    version: Version | None
    level: ServiceLevel | None  # the definition in force (None: not in force)
    status: Status = "no data"
    measured: Decimal | None = None
    required: Decimal | None = None
    margin: Decimal | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)
    misses_total: int = 0
    notes: list[str] = field(default_factory=list)
    credit: Any = None  # slactl.report.credits.CreditLine
    terms_note: str | None = None  # how the terms in force were chosen, when approximated


@dataclass
class LevelResult:
    """One service level over the period."""

    id: str
    level: ServiceLevel  # latest definition, for the heading
    sentence: str
    service_name: str
    unit: Literal["%", "score", "count"]
    windows: list[WindowResult]


@dataclass
class InputSummary:
    """What was read from one file."""

    kind: str
    file: str
    format: str
    rows: int = 0
    used: int = 0
    bad: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # field -> column name
