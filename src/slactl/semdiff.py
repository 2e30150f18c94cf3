"""The semantic diff: two validated documents in, the changes in business terms out.

Works on canonical dumps (``model_dump(mode="json", by_alias=True)``, what the history cache
keeps), walked with a schema compiled once from the models: which lists are keyed by what
(services and service levels by id, contacts by name, payments by due date...), so a reorder
is never a change; each leaf's type, so a value is said the way the rendered agreement says
it (``slactl.wording``); and which changes favour the customer or the provider.

Favour rules (also in docs/negotiation.md): a tighter target (shorter time for an
``at_most`` level, higher percent or score for an ``at_least`` one), a higher attainment, a
bigger credit, a higher monthly cap, a longer claim window, a longer notice (termination,
renewal, maintenance), a lower price or fee, a later payment date, a shorter escalation
threshold, fewer misses before termination, an added service level, credit schedule or
penalty, a removed maintenance window or holiday favour the customer; the opposite changes
favour the provider. Anything else (a new contact, a quantity, a calendar's hours) is left
unmarked, as is a comparison between values that cannot be compared (business days against
hours, calendar days against hours on a business-hours calendar, a percent against a duration,
a level whose direction changed too).
"""

from __future__ import annotations

import ast
import json
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any, Literal

from pydantic import BaseModel

from slactl import wording
from slactl.model import agreement as am
from slactl.model import catalog as cm
from slactl.model import types as tm

__all__ = ["Change", "ChangeKind", "Favour", "diff_documents", "diff_dumps", "dump_of"]

ChangeKind = Literal["added", "removed", "changed"]
Favour = Literal["customer", "provider"]
SEP = " › "

Json = Any  # a value of a canonical JSON dump


@dataclass(frozen=True, slots=True)
class Change:
    """One field or list item added, removed or changed."""

    kind: ChangeKind
    path: tuple[str, ...]  # field names and list keys: ("service_levels", "desk-p1-response", "target")
    section: str  # "Service levels"
    label: str  # "Service levels › desk-p1-response › Target"
    old: str | None  # the old value as the agreement says it (None when added)
    new: str | None  # the new value as the agreement says it (None when removed)
    favour: Favour | None  # whose favour the change is in, where the direction is clear
    old_value: Json = None  # the canonical values, for machines
    new_value: Json = None

    def sentence(self) -> str:
        """'Service levels › x › Target: 1 business hour → 30 business minutes'."""
        if self.kind == "added":
            return f"{self.label}: added{': ' + self.new if self.new else ''}"
        if self.kind == "removed":
            return f"{self.label}: removed{' (was ' + self.old + ')' if self.old else ''}"
        return f"{self.label}: {self.old or '(none)'} → {self.new or '(none)'}"

    @classmethod
    def from_dict(cls, data: dict[str, Json]) -> Change:
        """The inverse of :meth:`as_dict` (the history cache keeps changes this way)."""
        return cls(
            data["kind"], tuple(data["path"]), data["section"], data["label"], data["old"], data["new"],
            data["favour"], data["old_value"], data["new_value"],
        )  # fmt: skip

    def as_dict(self) -> dict[str, Json]:
        """The JSON shape of a change (public: CI tools read it)."""
        return {
            "kind": self.kind,
            "path": list(self.path),
            "section": self.section,
            "label": self.label,
            "old": self.old,
            "new": self.new,
            "favour": self.favour,
            "old_value": self.old_value,
            "new_value": self.new_value,
        }


def dump_of(document: BaseModel) -> dict[str, Json]:
    """The canonical dump a diff works on (the same form the content digest hashes)."""
    return document.model_dump(mode="json", by_alias=True)


def diff_documents(old: BaseModel, new: BaseModel) -> list[Change]:
    """Changes from one validated document to another (same kind)."""
    return diff_dumps(dump_of(old), dump_of(new))


def diff_dumps(old: dict[str, Json], new: dict[str, Json]) -> list[Change]:
    """Changes between two canonical dumps of the same kind; [] when equal."""
    if old == new:
        return []
    kind = new.get("kind") if new.get("kind") == old.get("kind") else None
    root = _schema(kind if isinstance(kind, str) else "Agreement")
    out: list[Change] = []
    _walk(root, old, new, (), (), _Ctx(old), _Ctx(new), out)
    return out


# --------------------------------------------------------------------------- the schema

NodeKind = Literal["model", "keyed", "set", "map", "leaf"]


@dataclass(eq=False)
class _Node:
    kind: NodeKind
    model: type[BaseModel] | None = None
    fields: dict[str, _Node] = field(default_factory=dict)  # alias -> node, in model order
    item: _Node | None = None  # item of a list or map
    key: tuple[str, ...] = ()  # fields naming an item of a keyed list
    leaf: str = "text"  # duration, percent, amount, number, date, target, hours, bool, int, literal, text
    # Fields the canonical dump leaves out while at their default (``exclude_if``): alias -> default.
    defaults: dict[str, Json] = field(default_factory=dict)


# How the items of each list of models are matched: never by position, so a reorder is no change.
_KEYS: dict[type[BaseModel], tuple[str, ...]] = {
    am.Contact: ("name",),
    am.Service: ("id",),
    am.ServiceLevel: ("id",),
    am.MaintenanceWindow: ("name",),
    am.PublicHolidays: ("country", "subdivision"),
    am.PriceItem: ("service",),
    am.Payment: ("due",),
    am.Meeting: ("name",),
    am.Report: ("name",),
    am.EscalationLevel: ("level",),
    am.CreditSchedule: ("service_level",),
    am.CreditBand: ("from", "to"),
    am.Reward: ("service_level",),
    am.Penalty: ("service_level",),
    am.TerminationCondition: ("description",),
    am.TransitionTask: ("task",),
    am.ApprovalStage: ("stage",),
    am.Signatory: ("party", "name"),
    am.Distribution: ("department", "party"),
    am.Acceptance: ("code", "path"),
    cm.CatalogService: ("id",),
    cm.DefaultServiceLevel: ("metric", "scope"),
}

_LEAVES: list[tuple[Any, str]] = [
    (tm.DurationT, "duration"),
    (am.NoticeT, "notice"),
    (tm.PercentT, "percent"),
    (am.CreditT, "percent"),
    (am.MoneyT, "money"),
    (am.ClaimDeadlineT, "deadline"),
    (tm.Amount, "amount"),
    (tm.Number, "number"),
    (tm.IsoDate, "date"),
    (tm.Target, "target"),
    (am.Hours, "hours"),
    (tm.Bool, "bool"),
    (tm.Int, "int"),
]


def _strip_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _node_for(annotation: Any) -> _Node:
    ann = _strip_optional(annotation)
    if typing.get_origin(ann) in (typing.Union, types.UnionType) and am.MoneyT in typing.get_args(ann):
        return _Node("leaf", leaf="cap")  # a share of the fee or an amount (credits.agreement_cap)
    for known, leaf in _LEAVES:
        if ann == known:
            return _Node("leaf", leaf=leaf)
    origin = typing.get_origin(ann)
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return _model_node(ann)
    if origin is list:
        (item,) = typing.get_args(ann)
        inner = _node_for(item)
        if inner.kind == "model":
            assert inner.model is not None
            return _Node("keyed", item=inner, key=_KEYS.get(inner.model, ()))
        return _Node("set", item=inner)
    if origin is dict:
        _, value = typing.get_args(ann)
        return _Node("map", item=_node_for(value))
    if origin is typing.Literal:
        return _Node("leaf", leaf="literal")
    return _Node("leaf", leaf="text")


def _model_node(model: type[BaseModel]) -> _Node:
    hints = typing.get_type_hints(model, include_extras=True)
    node = _Node("model", model=model)
    for name, info in model.model_fields.items():
        node.fields[info.alias or name] = _node_for(hints[name])
        if info.exclude_if is not None and isinstance(info.default, str | int | bool):
            node.defaults[info.alias or name] = info.default
    return node


@cache
def _schema(kind: str) -> _Node:
    return _model_node(cm.Catalog if kind == "Catalog" else am.Agreement)


def unkeyed_lists(kind: str = "Agreement") -> list[str]:
    """Lists of models without a key (matched by position): kept empty by a test."""
    found: list[str] = []

    def visit(node: _Node, where: str) -> None:
        if node.kind == "model":
            for name, child in node.fields.items():
                visit(child, f"{where}.{name}" if where else name)
        elif node.item is not None:
            if node.kind == "keyed" and not node.key:
                found.append(where)
            visit(node.item, f"{where}[]")

    visit(_schema(kind), "")
    return found


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


# --------------------------------------------------------------------------- the walk


def _walk(
    node: _Node,
    old: Json,
    new: Json,
    path: tuple[str, ...],
    shape: tuple[bool, ...],  # for each part of path: is it a list/map key?
    ctx_old: _Ctx,
    ctx_new: _Ctx,
    out: list[Change],
    labels: tuple[str, ...] = (),
) -> None:
    if old == new:
        return
    name = next((p for p, k in zip(reversed(path), reversed(shape), strict=True) if not k), "")
    empty_old, empty_new = old in (None, [], {}), new in (None, [], {})
    if node.kind == "leaf" or (empty_old != empty_new and node.kind == "model"):
        _leaf_change(node, old, new, path, shape, labels, name, ctx_old, ctx_new, out)
        return
    if node.kind == "model":
        for alias, child in node.fields.items():
            a, b = old.get(alias, node.defaults.get(alias)), new.get(alias, node.defaults.get(alias))
            if a != b:  # most fields are equal: decide before building paths and labels
                _walk(child, a, b, (*path, alias), (*shape, False), ctx_old, ctx_new, out, (*labels, _human(alias)))
        return
    assert node.item is not None
    if node.kind == "set":
        _set_changes(node, old or [], new or [], path, shape, labels, name, ctx_old, ctx_new, out)
        return
    if node.kind == "map":
        a, b = old or {}, new or {}
        keys: list[str] = sorted({*a, *b})
    else:
        a, b = _keyed(node, old), _keyed(node, new)
        keys = [*b, *(k for k in a if k not in b)]
    is_levels = path == ("service_levels",)
    for key in keys:
        item_old, item_new = a.get(key), b.get(key)
        if item_old == item_new:
            continue
        label = str(key) if node.kind == "map" else _item_label(node, item_new or item_old, key)
        c_old = ctx_old.with_level(item_old) if is_levels and isinstance(item_old, dict) else ctx_old
        c_new = ctx_new.with_level(item_new) if is_levels and isinstance(item_new, dict) else ctx_new
        if item_old is None or item_new is None:
            _leaf_change(node.item, item_old, item_new, (*path, key), (*shape, True), (*labels, label), name,
                         c_old, c_new, out)  # fmt: skip
        else:
            _walk(node.item, item_old, item_new, (*path, key), (*shape, True), c_old, c_new, out, (*labels, label))


def _set_changes(
    node: _Node,
    old: list[Json],
    new: list[Json],
    path: tuple[str, ...],
    shape: tuple[bool, ...],
    labels: tuple[str, ...],
    name: str,
    ctx_old: _Ctx,
    ctx_new: _Ctx,
    out: list[Change],
) -> None:
    """A list of plain values is a set: items added and removed, never a reorder."""
    assert node.item is not None
    remaining = list(new)
    gone = []
    for item in old:
        if item in remaining:
            remaining.remove(item)
        else:
            gone.append(item)
    label = SEP.join(labels)
    added = _ADDED.get(_pattern(path, shape))
    for item in gone:
        said = _say_node(node.item, item, ctx_old, name)
        out.append(Change("removed", path, labels[0], label, said, None, _OTHER[added] if added else None, item, None))
    for item in remaining:
        said = _say_node(node.item, item, ctx_new, name)
        out.append(Change("added", path, labels[0], label, None, said, added, None, item))


def _leaf_change(
    node: _Node,
    old: Json,
    new: Json,
    path: tuple[str, ...],
    shape: tuple[bool, ...],
    labels: tuple[str, ...],
    name: str,
    ctx_old: _Ctx,
    ctx_new: _Ctx,
    out: list[Change],
) -> None:
    empty_old, empty_new = old in (None, [], {}), new in (None, [], {})
    kind: ChangeKind = "added" if empty_old else "removed" if empty_new else "changed"
    pattern = _pattern(path, shape)
    favour: Favour | None = None
    if kind == "changed":
        rule = _CHANGED.get(pattern)
        if rule is not None:
            favour = _favour_changed(rule, node.leaf, old, new, ctx_old, ctx_new)
    else:
        added = _ADDED.get(pattern)
        if added is not None:
            favour = added if kind == "added" else _OTHER[added]
    said_old = None if empty_old else _say_node(node, old, ctx_old, name)
    said_new = None if empty_new else _say_node(node, new, ctx_new, name)
    out.append(Change(kind, path, labels[0] if labels else "", SEP.join(labels), said_old, said_new, favour, old, new))
