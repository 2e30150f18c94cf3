"""The schema a diff walks, compiled once from the models: which lists are keyed by what, each leaf's type.

Part of ``slactl.semdiff``.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel

from slactl.model import agreement as am
from slactl.model import catalog as cm
from slactl.model import types as tm

Json = Any  # a value of a canonical JSON dump


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
    am.ClauseUse: ("use", "title"),  # a library clause by its id, the agreement's own by its title
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
