"""The redline: two revisions of an agreement rendered as documents, compared section by
section, insertions and deletions marked in the document text, one self-contained HTML page.

Pure like the rest of this package: the caller gives each revision's validated agreement and
its :class:`~slactl.render.provenance.Provenance` (computed above, from git) and the business-
terms summary as sentences; this module renders both with :func:`render_text`, reads the text
back (:mod:`slactl.render.blocks`), diffs it and places the result in
``templates/render/redline/redline.html.j2`` (autoescaped: the diff works on text, the
template escapes it).

The comparison: sections (by their heading, numbers aside) are aligned with difflib, a section
only on one side is inserted or deleted whole; within a section the blocks (paragraphs, list
items, table rows) are aligned, and a block changed in place is compared word by word. The
cover (the provenance, different by nature) and the approval table (judged per revision, see
``slactl history``) are left out; the page head names both revisions and their digests.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from slactl.render.blocks import Block, html_blocks

if TYPE_CHECKING:
    from jinja2 import Environment

    from slactl.model.agreement import Agreement
    from slactl.model.catalog import Catalog
    from slactl.render.provenance import Provenance

__all__ = ["RedlineFile", "RedlineSide", "Segment", "SummaryLine", "redline_sections", "render_redline", "word_diff"]

Op = Literal["", "ins", "del"]
Segment = tuple[Op, str]
APPROVALS_ID = "slactl-approvals"
_TOKENS = re.compile(r"\s+|\S+")
_TRAILING = re.compile(r"^(.+?)([.,;:!?)\]”’\"']+)$")  # punctuation after a word is a token of its own
_NUMBER = re.compile(r"^\d+(?:\.\d+)*\.?\s+")


@dataclass(frozen=True)
class RedlineSide:
    """One revision of the file: how it is named, and the agreement there (None: absent or not valid)."""

    label: str
    agreement: Agreement | None = None
    provenance: Provenance | None = None
    catalogs: Sequence[Catalog] = ()


@dataclass(frozen=True)
class SummaryLine:
    """One business-terms change, as ``slactl diff`` says it."""

    mark: str  # +, - or ~
    sentence: str
    favour: str = ""  # "customer", "provider" or ""


@dataclass(frozen=True)
class RedlineFile:
    """One changed file: its two sides, the changes in business terms, and notes (invalid sides...)."""

    path: str
    status: str
    old: RedlineSide
    new: RedlineSide
    summary: tuple[SummaryLine, ...] = ()
    notes: tuple[str, ...] = ()


# --------------------------------------------------------------------------- words


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    for token in _TOKENS.findall(text):
        split = _TRAILING.match(token)
        out += split.groups() if split else [token]
    return out


def word_diff(old: str, new: str) -> list[Segment]:
    """``old`` to ``new`` as unchanged, deleted and inserted pieces, compared word by word.

    White space between two changes joins them, so "a b" -> "c d" is one deletion and one
    insertion, not two of each.
    """
    a, b = _tokens(old), _tokens(new)
    ops = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    # (old text, new text, changed) runs, with white-space-only matches between changes folded in.
    runs: list[list[Any]] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(ops):
        old_part, new_part = "".join(a[i1:i2]), "".join(b[j1:j2])
        changed = tag != "equal"
        between = 0 < index < len(ops) - 1 and not old_part.strip() and ops[index + 1][0] != "equal"
        if not changed and between and runs and runs[-1][2]:
            changed = True
        if runs and changed and runs[-1][2]:
            runs[-1][0] += old_part
            runs[-1][1] += new_part
        else:
            runs.append([old_part, new_part, changed])
    out: list[Segment] = []
    for old_part, new_part, changed in runs:
        if not changed:
            out.append(("", new_part))
            continue
        if old_part:
            out.append(("del", old_part))
        if new_part:
            out.append(("ins", new_part))
    return out


# --------------------------------------------------------------------------- sections


@dataclass
class _Section:
    key: str
    heading: Block | None
    blocks: list[Block] = field(default_factory=list)


def _sections(blocks: Sequence[Block]) -> list[_Section]:
    """Blocks split at each section heading; what comes before the first one (the cover) is left out."""
    out: list[_Section] = []
    for block in blocks:
        if block.kind == "h2":
            out.append(_Section(_NUMBER.sub("", block.text).strip().casefold(), block))
        elif out:
            out[-1].blocks.append(block)
    return out


def _signature(block: Block) -> tuple[str, tuple[str, ...]]:
    return block.kind, block.texts


def _whole(block: Block, op: Op) -> dict[str, Any]:
    return _item(block, op, [[(op, text)] if text else [] for text in block.texts])


def _item(block: Block, op: Op | Literal["chg"], cells: list[list[Segment]]) -> dict[str, Any]:
    return {
        "kind": block.kind,
        "css": block.css,
        "op": op,
        "cells": cells,
        "heads": list(block.heads),
        "header": block.header,
        "ordered": block.ordered,
    }


def _pairable(old: Block, new: Block) -> bool:
    return old.kind == new.kind and len(old.cells) == len(new.cells)


def _compare_blocks(old: Sequence[Block], new: Sequence[Block]) -> list[tuple[dict[str, Any], tuple[str, int]]]:
    """The items of one section, each with the table or list it belongs to (for grouping)."""
    matcher = SequenceMatcher(None, [_signature(b) for b in old], [_signature(b) for b in new], autojunk=False)
    opcodes = matcher.get_opcodes()
    # A table or list of the old side continues as the one of the new side it shares a block with.
    same_group: dict[int, int] = {}
    for tag, i1, i2, j1, j2 in opcodes:
        if tag in ("equal", "replace"):
            for o, n in zip(old[i1:i2], new[j1:j2], strict=False):
                if o.group and n.group and _pairable(o, n):
                    same_group.setdefault(o.group, n.group)

    def old_group(block: Block) -> tuple[str, int]:
        if not block.group:
            return ("", 0)
        return ("new", same_group[block.group]) if block.group in same_group else ("old", block.group)

    def new_group(block: Block) -> tuple[str, int]:
        return ("new", block.group) if block.group else ("", 0)

    out: list[tuple[dict[str, Any], tuple[str, int]]] = []
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            out += [(_whole(b, ""), new_group(b)) for b in new[j1:j2]]
            continue
        olds, news = list(old[i1:i2]), list(new[j1:j2])
        while olds and news and _pairable(olds[0], news[0]):
            o, n = olds.pop(0), news.pop(0)
            cells = [word_diff(a, b) for a, b in zip(o.texts, n.texts, strict=True)]
            out.append((_item(n, "chg", cells), new_group(n)))
        out += [(_whole(b, "del"), old_group(b)) for b in olds]
        out += [(_whole(b, "ins"), new_group(b)) for b in news]
    return out


def _grouped(items: list[tuple[dict[str, Any], tuple[str, int]]]) -> list[dict[str, Any]]:
    """Consecutive rows of one table, items of one list, as one group each for the template."""
    groups: list[dict[str, Any]] = []
    for item, group in items:
        kind = "table" if item["kind"] == "row" else "list" if item["kind"] == "li" else "block"
        last = groups[-1] if groups else None
        if kind != "block" and group[1] and last is not None and last["type"] == kind and last["id"] == group:
            last["entries"].append(item)
            continue
        groups.append({"type": kind, "id": group, "css": item["css"], "ordered": item["ordered"], "entries": [item]})
    for table in groups:
        if table["type"] == "table":
            table["head"] = [i for i in table["entries"] if i["header"]]
            table["body"] = [i for i in table["entries"] if not i["header"]]
            labels = table["head"][0]["cells"] if table["head"] else []
            table["labels"] = ["".join(text for op, text in cell if op != "del") for cell in labels]
    return groups


def _changed(items: list[tuple[dict[str, Any], tuple[str, int]]]) -> bool:
    return any(item["op"] != "" for item, _ in items)


def redline_sections(old_html: str | None, new_html: str | None) -> list[dict[str, Any]]:
    """The compared sections of two renderings (either may be None: the file is absent there)."""
    skip = frozenset({APPROVALS_ID})
    old = _sections(html_blocks(old_html, skip_ids=skip)) if old_html is not None else []
    new = _sections(html_blocks(new_html, skip_ids=skip)) if new_html is not None else []
    matcher = SequenceMatcher(None, [s.key for s in old], [s.key for s in new], autojunk=False)
    out: list[dict[str, Any]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for o, n in zip(old[i1:i2], new[j1:j2], strict=True):
                assert o.heading is not None and n.heading is not None
                items = _compare_blocks(o.blocks, n.blocks)
                title = word_diff(o.heading.text, n.heading.text)
                changed = _changed(items) or any(op for op, _ in title)
                out.append(_section(n.heading, title, items, "chg" if changed else ""))
            continue
        for section, op in [(s, "del") for s in old[i1:i2]] + [(s, "ins") for s in new[j1:j2]]:
            assert section.heading is not None
            whole: Op = "del" if op == "del" else "ins"
            items = [(_whole(b, whole), (op, b.group)) for b in section.blocks]
            out.append(_section(section.heading, [(whole, section.heading.text)], items, op))
    return out


def _section(heading: Block, title: list[Segment], items: list[Any], op: str) -> dict[str, Any]:
    plain = "".join(text for o, text in title if o != "del")
    return {"title": title, "plain": plain, "anchor": heading.anchor, "op": op, "groups": _grouped(items)}


# --------------------------------------------------------------------------- the page


def _counts(sections: Sequence[dict[str, Any]]) -> dict[str, int]:
    counts = {"ins": 0, "del": 0}
    for section in sections:
        pieces = list(section["title"])
        for group in section["groups"]:
            for item in group["entries"]:
                for cell in item["cells"]:
                    pieces += cell
        for op, _ in pieces:
            if op in counts:
                counts[op] += 1
    return counts


def _side_view(side: RedlineSide, env: Environment) -> tuple[dict[str, Any], str | None]:
    from slactl.render.document import render_text

    view: dict[str, Any] = {"label": side.label, "commit": None, "digest": None, "state": None}
    if side.agreement is None or side.provenance is None:
        return view, None
    html = render_text(side.agreement, "html", provenance=side.provenance, catalogs=side.catalogs, env=env)
    view.update(
        commit=side.provenance.commit,
        digest=side.provenance.digest,
        state=side.provenance.state,
        title=side.agreement.metadata.title,
    )
    return view, html


def render_redline(
    files: Sequence[RedlineFile],
    *,
    base_label: str,
    target_label: str,
    templates: Path | None = None,
    env: Environment | None = None,
) -> str:
    """The redline page of ``files``: self-contained HTML (inline CSS, no external request), deterministic."""
    from slactl.render.environment import _generate, make_environment

    env = env or make_environment(templates)
    views = []
    for item in files:
        old_view, old_html = _side_view(item.old, env)
        new_view, new_html = _side_view(item.new, env)
        rendered = old_html is not None or new_html is not None
        sections = redline_sections(old_html, new_html) if rendered else []
        title = new_view.get("title") or old_view.get("title") or item.path
        views.append(
            {
                "path": item.path,
                "status": item.status,
                "title": title,
                "old": old_view,
                "new": new_view,
                "summary": item.summary,
                "notes": item.notes,
                "rendered": rendered,
                "sections": sections,
                "changed": [s for s in sections if s["op"]],
                "counts": _counts(sections),
            }
        )
    context = {"files": views, "base": base_label, "target": target_label}
    return _generate(env, "redline/redline.html.j2", {"r": context})
