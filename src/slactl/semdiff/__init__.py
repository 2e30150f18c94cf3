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

The package: this module (``Change``, the entry points and the walk), ``schema`` (the schema
compiled from the models), ``say`` (values and item labels in words) and ``favour`` (the favour
rules as tables).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from slactl.semdiff.favour import _ADDED, _CHANGED, _OTHER, Favour, _favour_changed, _pattern
from slactl.semdiff.say import _Ctx, _human, _item_label, _keyed, _say_node
from slactl.semdiff.schema import _Node, _schema, unkeyed_lists

__all__ = ["Change", "ChangeKind", "Favour", "diff_documents", "diff_dumps", "dump_of", "unkeyed_lists"]

ChangeKind = Literal["added", "removed", "changed"]
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
