"""Placeholders left to fill: `slactl new` marks what it could not know with ``TODO``."""

from __future__ import annotations

import re
from typing import Any

from slactl.findings import Severity
from slactl.loading import Path_
from slactl.rules import FileContext, define, file_rule

define("SLA390", Severity.WARNING, "A placeholder (`TODO`) is left to fill.")

MARKER = re.compile(r"\bTODO\b")
_SHOWN = 60  # characters of the placeholder quoted in the message


def _strings(value: Any, path: Path_) -> list[tuple[Path_, str]]:
    # Iterative walk: documents nest at most 64 deep, but recursion is not needed.
    found: list[tuple[Path_, str]] = []
    stack: list[tuple[Any, Path_]] = [(value, path)]
    while stack:
        node, where = stack.pop()
        if isinstance(node, str):
            if MARKER.search(node):
                found.append((where, node))
        elif isinstance(node, dict):
            stack.extend((child, (*where, key)) for key, child in node.items())
        elif isinstance(node, list):
            stack.extend((child, (*where, i)) for i, child in enumerate(node))
    return found


def placeholder_paths(data: Any) -> list[Path_]:
    """The paths of every text value of a loaded tree that still holds a placeholder, in file order."""
    found: list[Path_] = []
    stack: list[tuple[Any, Path_]] = [(data, ())]
    while stack:
        node, where = stack.pop()
        if isinstance(node, str):
            if MARKER.search(node):
                found.append(where)
        elif isinstance(node, dict):
            stack.extend(reversed([(child, (*where, key)) for key, child in node.items()]))
        elif isinstance(node, list):
            stack.extend(reversed([(child, (*where, i)) for i, child in enumerate(node)]))
    return found


@file_rule("Agreement")
@file_rule("Catalog")
def placeholders(ctx: FileContext) -> None:
    """Every text value that still says TODO, in file order."""
    hits = _strings(ctx.loaded.data, ())
    hits.sort(key=lambda hit: ctx.loaded.locate(hit[0]))
    for path, text in hits:
        shown = text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."
        ctx.report("SLA390", path, f"placeholder left to fill: {shown!r}")
