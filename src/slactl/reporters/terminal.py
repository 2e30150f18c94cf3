"""Colour and tables for a person at a terminal, drawn with rich; plain text everywhere else.

Colour is on only when the output stream is a terminal, ``NO_COLOR`` is unset or empty
(no-color.org) and ``TERM`` is not ``dumb``; ``--color always`` forces it, ``--color never``
turns it off. rich is imported only once colour is on, so plain runs (pipes, CI, ``--help``,
a pre-commit hook) never pay for it and print exactly the plain text.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.console import Console

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}
"""Findings: errors red, warnings yellow, notes dim."""

VERDICT_STYLE = {
    "approved": "green",
    "unverified": "yellow",
    "superseded": "yellow",
    "stale": "yellow",
    "rejected": "red",
    "missing": "red",
}
"""Approvals: approved green, missing or rejected red, anything in between yellow."""


def colour_wanted(choice: str, stream: TextIO) -> bool:
    """Whether to colour ``stream``: ``always``, ``never`` or ``auto`` (a terminal, without NO_COLOR)."""
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def console(out: TextIO) -> Console:
    """A rich console that writes ``out`` in colour, never wraps a line and reads no markup in values."""
    from rich.console import Console

    return Console(
        file=out,
        force_terminal=True,
        no_color=False,  # the choice was made above; rich would read NO_COLOR again
        color_system="standard",
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=True,
    )
