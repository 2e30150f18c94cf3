"""Definitions of what an agreement measures: each metric, calendar and window it uses, in the
words of how `slactl report` measures them (docs/report.md, "How each metric is measured").

One source: the rendered Definitions section prints these sentences, and they state the rules
the measurement engine (``slactl.report.measure``) follows; a change of those rules changes
these words in the same commit. Only what the file uses is defined.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from slactl.wording.levels import window_noun
from slactl.wording.values import say_calendar, say_metric

if TYPE_CHECKING:
    from slactl.model.agreement import Agreement, Calendar
    from slactl.model.levels import ServiceLevel

__all__ = ["METRIC_DEFINITIONS", "define_calendar", "define_metric", "define_window", "measured_terms"]

METRIC_DEFINITIONS: dict[str, str] = {
    "availability": (
        "the time the service is up as a share of the measured time: the level's support hours in the "
        "measurement window (every minute on a 24x7 calendar), less the unplanned outages of the service, "
        "overlapping outages counted once. An outage announced as planned counts as planned maintenance only "
        "inside the level's maintenance windows and with the notice they require; otherwise it is downtime."
    ),
    "response_time": (
        "for each ticket, the time from when it is opened to the provider's first response, counted on the "
        "level's calendar and less the time the ticket is on hold. An automated acknowledgement is not a "
        "response. The measured value is the share of tickets that met the target."
    ),
    "resolution_time": (
        "for each ticket, the time from when it is opened to when it is resolved, counted on the level's "
        "calendar and less the time the ticket is on hold. An unresolved ticket already over the target counts "
        "as missed. The measured value is the share of tickets that met the target."
    ),
    "satisfaction": (
        "the customer's survey answers in the window: for a score target, the mean score on the target's "
        "scale; for a percentage target, the share of answers of at least 80% of the scale."
    ),
    "incident_count": (
        "the number of matching tickets opened in the window (for a level scoped to a priority or request "
        "type), otherwise the number of unplanned outages of the service that started in it."
    ),
    "custom": "as the service level's measurement method describes; it is not measured from operational data.",
}

_WINDOWS: dict[str, str] = {
    "calendar_month": "each calendar month, from its first day to its last",
    "calendar_quarter": "each calendar quarter (January-March, April-June, July-September, October-December)",
    "fiscal_quarter": "each quarter of the fiscal year",
    "fiscal_year": "each fiscal year",
    "term": "the whole term of the agreement, judged once",
    "week": "each week, Monday to Sunday",
}


def define_metric(metric: str) -> tuple[str, str]:
    """(term, meaning) of a metric: ('Availability', 'the time the service is up ...')."""
    return say_metric(metric), METRIC_DEFINITIONS.get(metric, METRIC_DEFINITIONS["custom"])


def define_calendar(name: str, calendar: Calendar) -> tuple[str, str]:
    """(term, meaning) of a named calendar: ('Business hours', 'Mon-Fri 08:00-17:00 ...')."""
    title = name.replace("-", " ").replace("_", " ")
    title = title[:1].upper() + title[1:] + " calendar"
    if calendar.hours == "24x7":
        meaning = f"{say_calendar(calendar)}: time on this calendar is elapsed time."
    else:
        meaning = (
            f"{say_calendar(calendar)}. Minutes and hours on this calendar are counted only within these "
            "hours; a business day is its open hours of a week divided by its open days."
        )
    return title, meaning


def define_window(level: ServiceLevel) -> tuple[str, str]:
    """(term, meaning) of a level's measurement window: ('Calendar month', 'each calendar month ...')."""
    noun = window_noun(level)
    term = noun[:1].upper() + noun[1:]
    window = level.window or "calendar_month"
    if window == "rolling":
        meaning = f"the {level.rolling_days} days up to and including each day of the report, judged daily"
    elif window == "calendar_month" and level.window_anchor not in (None, 1):
        meaning = f"each month from day {level.window_anchor} to the day before it in the next month"
    else:
        meaning = _WINDOWS.get(window, f"each {window.replace('_', ' ')}")
    return term, meaning + "; each window is measured and judged on its own."


def measured_terms(agreement: Agreement) -> list[tuple[str, str]]:
    """The definitions of every metric, calendar and window the agreement's service levels use, in order."""
    out: dict[str, str] = {}
    for level in agreement.service_levels:
        term, meaning = define_metric(level.metric)
        out.setdefault(term, meaning)
    for level in agreement.service_levels:
        calendar = agreement.calendar_for(level)
        name = level.calendar or next((s.support_hours for s in agreement.services if s.id == level.service), None)
        if calendar is not None and name:
            term, meaning = define_calendar(name, calendar)
            out.setdefault(term, meaning)
    for level in agreement.service_levels:
        term, meaning = define_window(level)
        out.setdefault(term, meaning)
    return list(out.items())
