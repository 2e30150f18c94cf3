"""Saying a diffed value the way the rendered agreement says it, and labelling list items.

Part of ``slactl.semdiff``: a value's context (its document's currency, its service level's
calendar), the leaf types said through ``slactl.wording``, and the labels of keyed items.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from slactl import wording
from slactl.model import agreement as am
from slactl.model import catalog as cm
from slactl.model import types as tm
from slactl.semdiff.schema import _Node

Json = Any  # a value of a canonical JSON dump


# --------------------------------------------------------------------------- context


class _Ctx:
    """What saying a value needs from its document: the currency, a service level's calendar."""

    def __init__(self, doc: dict[str, Json], level: dict[str, Json] | None = None) -> None:
        self.doc = doc
        self.level = level
        self._calendar: Any = None
        self._looked = False

    def with_level(self, level: dict[str, Json]) -> _Ctx:
        return _Ctx(self.doc, level)

    @property
    def currency(self) -> str | None:
        pricing = self.doc.get("pricing")
        if isinstance(pricing, dict) and isinstance(pricing.get("currency"), str):
            return str(pricing["currency"])
        currency = self.doc.get("currency")  # a catalog
        return currency if isinstance(currency, str) else None

    @property
    def calendar(self) -> am.Calendar | None:
        """The calendar the current service level's clock runs on (as ``Agreement.calendar_for``)."""
        if self._looked or self.level is None:
            return self._calendar  # type: ignore[no-any-return]
        self._looked = True
        name = self.level.get("calendar")
        if name is None:
            wanted = self.level.get("service")
            service = next((s for s in self.doc.get("services") or () if s.get("id") == wanted), None)
            name = service.get("support_hours") if service else None
        spec = (self.doc.get("calendars") or {}).get(name) if name else None
        if spec is not None:
            self._calendar = _calendar(repr(spec))
        return self._calendar  # type: ignore[no-any-return]

    def direction(self) -> str | None:
        if self.level is None:
            return None
        return _direction(self.level.get("metric"), self.level.get("comparison"))


@lru_cache(maxsize=64)
def _direction(metric: Any, comparison: Any) -> str:
    """``ServiceLevel.direction`` for a metric and comparison (the model decides, not this module)."""
    return am.ServiceLevel.model_construct(metric=metric, comparison=comparison).direction


@lru_cache(maxsize=256)
def _calendar(spec: str) -> am.Calendar:
    # The key is the repr of a JSON-loaded dict: literal_eval reads it back exactly.
    return am.Calendar.model_validate(ast.literal_eval(spec))


# --------------------------------------------------------------------------- saying values

# Who holds a termination right, and how a term renews, in the words of the rendered agreement.
_HOLDERS = {"either": "either party", "customer": "the customer only", "provider": "the provider only"}
_RENEWAL_MODES = {
    "auto": "renews automatically",
    "renegotiate": "renegotiated for each term",
    "none": "does not renew",
}
_LITERALS: dict[str, Callable[[str], str]] = {
    "window": wording.say_window,
    "cadence": wording.say_cadence,
    "frequency": wording.say_cadence,
    "metric": wording.say_metric,
    "delivery": wording.say_delivery,
    "by": lambda by: _HOLDERS.get(by, by),
    "mode": lambda mode: _RENEWAL_MODES.get(mode, mode),
}


@lru_cache(maxsize=4096)
def _target(value: str | int) -> tm.TargetValue:
    return tm.parse_target(value)


@lru_cache(maxsize=4096)
def _duration(value: str) -> tm.Duration:
    return tm.parse_duration(value)


def _say_notice(value: Json) -> str:
    return "immediately" if value == "immediate" else wording.say_duration(_duration(str(value)))


def _say_hours(value: Json) -> str:
    if isinstance(value, dict):
        spans = {k: v if isinstance(v, str) else " and ".join(map(str, v or ())) for k, v in value.items()}
        return ", ".join(f"{k} {v}" for k, v in spans.items())
    return "24 hours a day, 7 days a week" if value == "24x7" else str(value)


def _say_money(value: Json, ctx: _Ctx) -> str:
    """A money amount (in the agreement's currency unless it names one), or (an agreement cap) a percentage."""
    if isinstance(value, str) and value.endswith("%"):
        return wording.say_percent(tm.parse_percent(value))
    money = am.parse_money(value)
    currency = money.currency or ctx.currency
    return wording.say_money(money.amount, currency) if currency else wording.say_number(money.amount)


def _say(leaf: str, value: Json, ctx: _Ctx, name: str) -> str:
    """A leaf value as the rendered agreement says it."""
    if value is None:
        return ""
    try:
        if leaf == "duration":
            return wording.say_duration(_duration(value), calendar=ctx.calendar)
        if leaf == "notice":
            return _say_notice(value)
        if leaf == "percent":
            return wording.say_percent(tm.parse_percent(value))
        if leaf in ("money", "cap", "amount"):
            return _say_money(value, ctx)
        if leaf == "number":
            return wording.say_number(tm.parse_number(value))
        if leaf == "date":
            return wording.say_date(tm.parse_date(value))
        if leaf == "target":
            target = _target(value)
            if isinstance(target, tm.Duration):
                return wording.say_duration(target, calendar=ctx.calendar)
            return wording.say_value(target)
        if leaf == "hours":
            return _say_hours(value)
        if leaf == "bool":
            return "yes" if value else "no"
        if leaf == "literal":
            if name == "method" and value in ("interagency_transfer", "purchase_order", "chargeback", "appropriation"):
                return wording.say_funding_method(value)
            sayer = _LITERALS.get(name)
            return sayer(value) if sayer else str(value).replace("_", " ")
    except ValueError:
        pass  # a value the dump should never hold: say it as it is
    return str(value)


def _say_node(node: _Node, value: Json, ctx: _Ctx, name: str) -> str:
    """A whole value (a model, list or map) in one short line."""
    if value is None:
        return ""
    if node.kind == "leaf":
        return _say(node.leaf, value, ctx, name)
    if node.kind == "model":
        assert node.model is not None
        if node.model is am.ServiceLevel:
            return _say_level(value, ctx)
        if node.model is am.CreditBand:
            credit = value.get("credit")
            return _band_label(value) + (": no credit" if credit == "0%" else f": {credit} credit")
        if node.model is am.Acceptance:
            return str(value.get("reason"))
        parts = []
        for alias, child in node.fields.items():
            item = value.get(alias)
            if item in (None, [], {}) or child.kind == "model":
                continue
            said = _say_node(child, item, ctx, alias)
            if said:
                parts.append(f"{_human(alias).lower()} {said}")
        return "; ".join(parts)
    assert node.item is not None
    if node.kind == "map":
        return "; ".join(f"{k}: {_say_node(node.item, v, ctx, k)}" for k, v in value.items())
    return wording.say_list(_say_node(node.item, v, ctx, name) for v in value)


def _say_level(value: dict[str, Json], ctx: _Ctx) -> str:
    level_ctx = ctx.with_level(value)
    try:
        level = am.ServiceLevel.model_validate(value)
    except ValueError:
        return str(value.get("id"))
    service = next((s for s in ctx.doc.get("services") or () if s.get("id") == level.service), None)
    name = (service.get("name") if service else None) or level.service
    return wording.say_service_level(level, calendar=level_ctx.calendar, service_name=name)


# --------------------------------------------------------------------------- labels

_HUMAN = {
    "apiVersion": "API version", "from": "From", "to": "To", "sla": "SLA", "iaa": "IAA",
    "ignore": "Accepted findings",
}  # fmt: skip


def _human(name: str) -> str:
    if name in _HUMAN:
        return _HUMAN[name]
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _band_label(band: dict[str, Json]) -> str:
    low, high = band.get("from"), band.get("to")
    if high is None:
        return f"{low or '0%'} and above"
    if low is None:
        return f"below {high}"
    return f"{low} to {high}"


def _item_label(node: _Node, item: Json, key: str) -> str:
    model = node.item.model if node.item else None
    if model is am.Payment:
        return _say("date", item.get("due"), _Ctx({}), "due")
    if model is am.CreditBand:
        return _band_label(item)
    if model is am.EscalationLevel:
        return f"Level {item.get('level')}"
    if model is am.Signatory:
        return f"{item.get('name')} ({item.get('party')})"
    if model is am.Distribution:
        return f"{item.get('department')} ({item.get('party')})"
    if model is am.Acceptance:
        where = f" at {item.get('path')}" if item.get("path") else " anywhere in the file"
        return f"accepted finding {item.get('code')}{where}"
    if model is am.ClauseUse:
        return str(item.get("use") or item.get("title"))
    if model is cm.DefaultServiceLevel:
        scope = item.get("scope") or {}
        extra = ", ".join(str(v) for v in scope.values() if v)
        return wording.say_metric(str(item.get("metric"))) + (f" ({extra})" if extra else "")
    return key


def _item_key(node: _Node, item: Json, index: int) -> str:
    if not node.key or not isinstance(item, dict):
        return f"#{index + 1}"
    if len(node.key) == 1:
        value = item.get(node.key[0])
        if isinstance(value, str):
            return value
    parts = [item.get(k) for k in node.key]
    return " / ".join(v if isinstance(v, str) else json.dumps(v, sort_keys=True) for v in parts)


def _keyed(node: _Node, items: list[Json] | None) -> dict[str, Json]:
    """Items by key; a repeated key gets '#2', '#3' so nothing is lost."""
    out: dict[str, Json] = {}
    for index, item in enumerate(items or ()):
        key = _item_key(node, item, index)
        if key in out:
            n = 2
            while f"{key} #{n}" in out:
                n += 1
            key = f"{key} #{n}"
        out[key] = item
    return out
