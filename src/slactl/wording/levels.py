"""The words for service levels: availability with its allowed downtime, scope, target and window.

Part of ``slactl.wording`` (which re-exports every public name).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from slactl.model.types import Count, Duration, Percent, Score
from slactl.wording.values import (
    _WINDOW_DAYS,
    _is_business,
    _plural,
    _weekly_open_minutes,
    say_calendar,
    say_duration,
    say_elapsed,
    say_metric,
    say_number,
    say_percent,
    say_score,
    say_value,
    say_window,
)

if TYPE_CHECKING:
    from slactl.model.agreement import (
        Calendar,
        ServiceLevel,
    )

# --------------------------------------------------------------------------- availability


def allowed_downtime(
    target: Percent, window: str | None, *, calendar: Calendar | None = None
) -> tuple[timedelta, str] | None:
    """Most downtime a target allows, and the period it is stated for.

    On a 24x7 calendar (or none) the period is the window's reference length ('a 30-day
    month'); on a business-hours calendar it is one business week of open hours, since the
    open minutes of a month depend on its holidays. None when the window has no fixed length.
    """
    share = (100 - target.value) / 100
    if _is_business(calendar):
        assert calendar is not None
        minutes = _weekly_open_minutes(calendar)
        hours = Decimal(minutes) / 60
        label = f"a business week of {say_number(hours)} hours"
        seconds = share * minutes * 60
    else:
        if window not in _WINDOW_DAYS:
            return None
        days, label = _WINDOW_DAYS[window]
        seconds = share * days * 86400
    return timedelta(microseconds=int((seconds * 1_000_000).to_integral_value(rounding=ROUND_HALF_UP))), label


def say_availability(target: Percent, window: str | None, *, calendar: Calendar | None = None) -> str:
    """'99.9% availability per calendar month (at most 43 min 12 s of downtime in a 30-day month)'."""
    text = f"{say_percent(target)} availability"
    if window:
        text += f" {say_window(window)}"
    allowed = allowed_downtime(target, window, calendar=calendar)
    if allowed is not None:
        span, label = allowed
        text += f" (at most {say_elapsed(span)} of downtime in {label})"
    return text


# --------------------------------------------------------------------------- service levels


def say_scope(level: ServiceLevel, service_name: str | None = None) -> str:
    """Who the level is about: 'Service Desk, P1 incidents', 'New user requests', 'Help Desk at Kansas City'.

    A priority or request type is named with its service when the service is known, so that
    two services' P1 commitments can never be read as one.
    """
    scope = level.scope
    if scope.request_type and scope.priority:
        subject = f"{scope.priority} {scope.request_type} requests"
    elif scope.priority:
        subject = f"{scope.priority} incidents"
    elif scope.request_type:
        subject = f"{scope.request_type} requests"
    else:
        subject = ""
    if not subject:
        subject = service_name or level.name or level.service
    elif service_name:
        subject = f"{service_name}, {subject}"
    else:
        subject = subject[:1].upper() + subject[1:]
    if scope.site:
        subject += f" at {scope.site}"
    return subject


def _items_noun(level: ServiceLevel) -> tuple[str, str]:
    """What a time target counts, singular and plural: ('ticket', 'tickets')."""
    if level.scope.request_type and level.scope.request_type != "incident":
        return f"{level.scope.request_type} request", f"{level.scope.request_type} requests"
    return "ticket", "tickets"


def say_target(level: ServiceLevel, *, calendar: Calendar | None = None) -> str:
    """The commitment alone: 'first response within 1 business hour', '99.9% availability'."""
    target = level.target
    at_most = level.direction == "at_most"
    bound = "at most" if at_most else "at least"
    if isinstance(target, Duration):
        length = say_duration(target, calendar=calendar)
        verbs = {"response_time": "first response", "resolution_time": "resolution"}
        verb = verbs.get(level.metric, level.name or "time")
        return f"{verb} within {length}" if at_most else f"{verb} after at least {length}"
    if level.metric == "availability" and isinstance(target, Percent):
        return f"{bound} {say_percent(target)} availability" if at_most else f"{say_percent(target)} availability"
    if level.metric == "satisfaction":
        if isinstance(target, Score):
            return f"an average satisfaction score of {bound} {say_score(target)}"
        return f"{bound} {say_value(target)} of surveyed customers satisfied"
    if isinstance(target, Count):
        noun = "incident" if level.metric == "incident_count" else "occurrence"
        return f"{bound} {_plural(target.value, noun)}"
    name = level.name or say_metric(level.metric).lower()
    return f"{name} of {bound} {say_value(target)}"


def say_service_level(level: ServiceLevel, *, calendar: Calendar | None = None, service_name: str | None = None) -> str:
    """The whole commitment in one sentence, as printed in the agreement.

    'P1 incidents: first response within 1 business hour (Mon-Fri 08:00-17:00
    America/New_York, federal holidays excluded), for at least 95% of tickets per calendar month.'
    """
    subject = say_scope(level, service_name)
    target = level.target
    if level.metric == "availability" and isinstance(target, Percent) and level.direction == "at_least":
        body = say_availability(target, level.window, calendar=calendar)
        if calendar is not None and _is_business(calendar):
            body += f", measured during {say_calendar(calendar)}"
        return f"{subject}: {_anchored(level, body)}{say_window_shape(level)}."
    body = say_target(level, calendar=calendar)
    if isinstance(target, Duration) and calendar is not None and target.unit not in ("days", "weeks"):
        body += f" ({say_calendar(calendar)})"
    if isinstance(target, Duration):
        share = level.attainment.value if level.attainment else Decimal(100)
        one, many = _items_noun(level)
        body += f", for every {one}" if share == 100 else f", for at least {say_number(share)}% of {many}"
    if level.window:
        body += f" {say_window(level.window)}"
    return f"{subject}: {_anchored(level, body)}{say_window_shape(level)}."


def _anchored(level: ServiceLevel, body: str) -> str:
    # A month from the 16th is not a calendar month: say "per month", the shape follows.
    if level.window_anchor is not None and level.window_anchor != 1:
        return body.replace(say_window("calendar_month"), "per month", 1)
    return body


def say_level_window(level: ServiceLevel) -> str:
    """One level's window in a few words: 'per calendar month', 'per month from the 16th', 'per rolling 30 days'.

    '' when the level gives no window.
    """
    anchor = level.window_anchor
    if level.window == "rolling" and level.rolling_days:
        return "per day" if level.rolling_days == 1 else f"per rolling {level.rolling_days} days"
    if level.window in (None, "calendar_month") and anchor is not None and anchor != 1:
        return f"per month from the {_ordinal(anchor)}"
    return say_window(level.window)


def window_noun(level: ServiceLevel | None, *, plural: bool = False) -> str:
    """A level's window as a noun: 'calendar month', 'month from the 16th', 'rolling window of 30 days'."""
    s = "s" if plural else ""
    if level is None or (level.window is None and level.window_anchor is None):
        return f"measurement window{s}"
    if level.window == "term":
        return f"term{s} of the agreement"
    if level.window == "rolling" and level.rolling_days:
        return f"rolling window{s} of {level.rolling_days} day{'s' if level.rolling_days > 1 else ''}"
    if level.window_anchor is not None and level.window_anchor != 1:
        return f"month{s} from the {_ordinal(level.window_anchor)}"
    return say_window(level.window).removeprefix("per ") + s


def say_window_shape(level: ServiceLevel) -> str:
    """', each month running from the 16th to the 15th of the next month; judged for each site on its own'."""
    parts: list[str] = []
    anchor = level.window_anchor
    if anchor is not None and anchor != 1:
        if anchor <= 28:
            parts.append(f"each month running from the {_ordinal(anchor)} to the {_ordinal(anchor - 1)} of the next")
        else:
            parts.append(
                f"each month running from the {_ordinal(anchor)} (or the last day of a shorter month) "
                "to the day before that day of the next month"
            )
    if level.window == "rolling" and level.rolling_days:
        days = "day" if level.rolling_days == 1 else f"{level.rolling_days} days"
        parts.append(f"each window being the {days} up to and including the day it is judged, once a day")
    if level.per == "site":
        parts.append("judged for each site on its own")
    return "".join(f", {p}" for p in parts)


def _ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
