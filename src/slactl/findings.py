"""Findings are values: every check returns them, none raises."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How bad a finding is; warnings fail only with ``--strict``."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem at one place of one file (line and column are 1-based)."""

    file: str
    line: int
    column: int
    path: str
    severity: Severity
    code: str
    message: str

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, self.column, self.code, self.message)


def listed(findings: Sequence[Finding], most: int = 10) -> str:
    """Findings as indented ``line:column: CODE message`` lines for an error message, at most
    ``most`` of them and a line that counts the rest."""
    shown = "\n".join(f"  {f.line}:{f.column}: {f.code} {f.message}" for f in findings[:most])
    return shown + (f"\n  ... and {len(findings) - most} more" if len(findings) > most else "")


def format_path(parts: tuple[str | int, ...]) -> str:
    """Render a field path the way users write it: ``service_levels[2].target``."""
    out: list[str] = []
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        else:
            out.append(f".{part}" if out else part)
    return "".join(out)
