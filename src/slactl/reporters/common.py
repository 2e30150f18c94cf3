"""What the history, diff and status reporters share: short commits, dates, safe terminal text, cells."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TextIO

from slactl.textsafe import for_terminal as _t
from slactl.textsafe import md_escape

if TYPE_CHECKING:
    from slactl.findings import Finding
    from slactl.history import Parsed
    from slactl.semdiff import Change

MARK = {"added": "+", "removed": "-", "changed": "~"}
SIGNATURE = {
    "G": "good",
    "U": "good, but the key is not in the allowed signers",
    "B": "BAD",
    "X": "good, but expired",
    "Y": "good, but made by an expired key",
    "R": "made by a revoked key",
    "E": "cannot be checked (missing key)",
    "N": "unsigned",
}
FIRST_FINDINGS = 3


def short(commit: str | None) -> str:
    return commit[:10] if commit else "-"


def when(value: Any) -> str:
    return str(value.strftime("%Y-%m-%d %H:%M %z"))


def favour(change: Change) -> str:
    return f"  [{change.favour}'s favour]" if change.favour else ""


class Terminal:
    """A text stream that lets no control character through, whatever a caller forgot.

    The reporters also make each value safe on its own (``_t``), so that a newline in
    a value cannot start a line of its own; this catches anything else on its way out.
    """

    def __init__(self, out: TextIO) -> None:
        self._out = out

    def write(self, text: str) -> int:
        return self._out.write(_t(text, newlines=True))

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)


def finding_dict(f: Finding) -> dict[str, Any]:
    return {"line": f.line, "column": f.column, "path": f.path, "code": f.code, "message": f.message}


def parsed_dict(p: Parsed | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {
        "valid": p.valid,
        "kind": p.kind,
        "id": p.document_id,
        "digest": p.digest,
        "findings": [finding_dict(f) for f in p.findings],
    }


def findings_lines(p: Parsed, indent: str) -> list[str]:
    lines = [f"{indent}{f.line}:{f.column}: {f.code} {_t(f.message)}" for f in p.findings[:FIRST_FINDINGS]]
    if len(p.findings) > FIRST_FINDINGS:
        lines.append(f"{indent}... and {len(p.findings) - FIRST_FINDINGS} more")
    return lines


def cell(text: str | None) -> str:
    """Markdown text (a table cell, a heading, a line): inert, on one line (see slactl.textsafe)."""
    return md_escape(text) if text else ""


def changes_table(changes: list[Change], out: TextIO) -> None:
    """The changes of one revision or file as a Markdown table with a favour column."""
    out.write("| Change | Field | Before | After | In favour of |\n|---|---|---|---|---|\n")
    for c in changes:
        out.write(f"| {c.kind} | {cell(c.label)} | {cell(c.old)} | {cell(c.new)} | {c.favour or ''} |\n")
