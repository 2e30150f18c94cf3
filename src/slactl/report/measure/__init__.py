"""Measure each service level of an agreement, window by window, against operational data.

:class:`Engine` (:mod:`.engine`) builds the tracks and plans; the scanners (:mod:`.scan`)
read the files into tallies (:mod:`.tally`); the judges (:mod:`.judge`) turn the tallies
into results (:mod:`.results`). The names other modules use are exported here.
"""

from __future__ import annotations

from slactl.report.measure.engine import Engine
from slactl.report.measure.judge import SATISFIED_SHARE
from slactl.report.measure.results import InputSummary, LevelResult, Miss, Status, WindowResult
from slactl.report.measure.tally import TICKET_METRICS, CountAcc, Plan, TimeAcc, Track

__all__ = [
    "SATISFIED_SHARE",
    "TICKET_METRICS",
    "CountAcc",
    "Engine",
    "InputSummary",
    "LevelResult",
    "Miss",
    "Plan",
    "Status",
    "TimeAcc",
    "Track",
    "WindowResult",
]
