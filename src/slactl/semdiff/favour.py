"""Whose favour a change is in: the favour rules of ``slactl.semdiff``'s docstring, as tables.

Part of ``slactl.semdiff``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from slactl.model import agreement as am
from slactl.model import types as tm
from slactl.semdiff.say import _Ctx, _duration, _target

Json = Any  # a value of a canonical JSON dump

Favour = Literal["customer", "provider"]


# --------------------------------------------------------------------------- favour

Rule = Literal["higher", "lower", "target", "later", "counted_as_up", "true_provider", "holder"]
# Paths with '*' for a list key or map key. "higher": a higher value favours the customer.
_CHANGED: dict[tuple[str, ...], Rule] = {
    ("service_levels", "*", "target"): "target",
    ("service_levels", "*", "attainment"): "higher",
    ("service_levels", "*", "exclusions", "*", "notice"): "higher",
    ("service_levels", "*", "measurement", "planned_maintenance"): "counted_as_up",
    ("credits", "schedules", "*", "bands", "*", "credit"): "higher",
    ("credits", "monthly_cap"): "higher",
    ("credits", "claim_window"): "higher",
    ("credits", "agreement_cap"): "higher",
    ("credits", "base"): "higher",
    ("credits", "schedules", "*", "per_event", "amount"): "higher",
    ("credits", "schedules", "*", "per_event", "percent"): "higher",
    ("credits", "minimum"): "lower",
    ("credits", "claim", "deadline"): "higher",
    ("termination", "notice"): "higher",
    ("termination", "conditions", "*", "notice"): "higher",
    ("termination", "by"): "holder",
    ("termination", "conditions", "*", "by"): "holder",
    ("term", "renewal", "notice"): "higher",
    ("termination", "conditions", "*", "missed"): "lower",
    ("escalation", "levels", "*", "after"): "lower",
    ("pricing", "items", "*", "unit_price"): "lower",
    ("pricing", "items", "*", "amount"): "lower",
    ("pricing", "total"): "lower",
    ("services", "*", "custom_fee"): "lower",  # also a catalog's unit_price below
    ("services", "*", "unit_price"): "lower",
    ("pricing", "payment_schedule", "*", "due"): "later",
    ("calendars", "*", "federal_holidays"): "true_provider",
}
# Whose favour adding something is in (removing it is in the other party's).
_ADDED: dict[tuple[str, ...], Favour] = {
    ("service_levels", "*"): "customer",
    ("credits", "schedules", "*"): "customer",
    ("credits", "penalties", "*"): "customer",
    ("credits", "rewards", "*"): "provider",
    ("credits", "monthly_cap"): "provider",
    ("credits", "agreement_cap"): "provider",
    ("credits", "schedules", "*", "per_event"): "customer",
    ("credits", "minimum"): "provider",
    ("credits", "claim", "deadline"): "provider",
    ("service_levels", "*", "exclusions", "*"): "provider",
    ("calendars", "*", "holidays"): "provider",
    ("calendars", "*", "public_holidays", "*"): "provider",
}
_OTHER: dict[Favour, Favour] = {"customer": "provider", "provider": "customer"}


def _pattern(path: tuple[str, ...], shape: tuple[bool, ...]) -> tuple[str, ...]:
    return tuple("*" if is_key else part for part, is_key in zip(path, shape, strict=True))


def _comparable(leaf: str, value: Json) -> tuple[str, Decimal] | None:
    """A value as (family, number) so two values of one family can be ordered."""
    try:
        if leaf == "notice" and value == "immediate":
            return "calendar", Decimal(0)
        if leaf in ("duration", "target", "notice"):
            parsed: Any = _target(value) if leaf == "target" else _duration(value)
        elif leaf == "percent" or (leaf == "cap" and isinstance(value, str) and value.endswith("%")):
            parsed = tm.parse_percent(value)
        elif leaf in ("money", "cap"):
            money = am.parse_money(value)
            return f"money {money.currency}", money.amount
        elif leaf == "deadline":
            deadline = am.parse_claim_deadline(value)
            return f"deadline {deadline.unit} {deadline.after}", Decimal(deadline.count)
        elif leaf in ("amount", "number"):
            return "number", tm.parse_amount(value) if leaf == "amount" else tm.parse_number(value)
        elif leaf == "int" and isinstance(value, int):
            return "number", Decimal(value)
        elif leaf == "date":
            return "date", Decimal(tm.parse_date(value).toordinal())
        else:
            return None
    except ValueError:
        return None
    if isinstance(parsed, tm.Duration):
        # Business days are a clock of their own; calendar days and weeks are one only against
        # hours on a business-hours calendar (``_favour_changed``): '2 days' vs '36h' there.
        if parsed.unit == "business_days":
            return "business_days", parsed.value
        return ("calendar" if parsed.unit in ("days", "weeks") else "time"), Decimal(parsed.seconds)
    if isinstance(parsed, tm.Percent):
        return "percent", parsed.value
    if isinstance(parsed, tm.Score):
        return f"score/{parsed.scale}", parsed.value
    if isinstance(parsed, tm.Count):
        return "count", Decimal(parsed.value)
    return None


def _business(*contexts: _Ctx) -> bool:
    """Whether a service level's clock runs on business hours in either document."""
    return any(ctx.calendar is not None and ctx.calendar.hours != "24x7" for ctx in contexts)


def _favour_changed(rule: Rule, leaf: str, old: Json, new: Json, ctx_old: _Ctx, ctx_new: _Ctx) -> Favour | None:
    if rule == "counted_as_up":
        return "provider" if new == "counted_as_up" else "customer"
    if rule == "true_provider":
        return "provider" if new is True else "customer"
    if rule == "holder":
        # A right to terminate taken from one party is in the other's favour.
        if new == "customer" or old == "provider":
            return "customer"
        if new == "provider" or old == "customer":
            return "provider"
        return None
    a, b = _comparable(leaf, old), _comparable(leaf, new)
    if a is not None and b is not None and {a[0], b[0]} == {"time", "calendar"} and not _business(ctx_old, ctx_new):
        a, b = ("time", a[1]), ("time", b[1])  # hours on a 24x7 calendar (or none) are wall-clock hours
    if a is None or b is None or a[0] != b[0] or a[1] == b[1]:
        return None
    higher = b[1] > a[1]
    if rule == "target":
        direction = ctx_new.direction()
        if direction is None or direction != ctx_old.direction():
            return None
        tighter = higher if direction == "at_least" else not higher
        return "customer" if tighter else "provider"
    if rule in ("higher", "later"):
        return "customer" if higher else "provider"
    return "provider" if higher else "customer"
