"""The one base class for failures a user can fix.

Anything below ``cli.py`` raises these instead of printing or exiting; the CLI maps
them to exit code 2 with the message. Anything else is a bug (exit 3).
"""

from __future__ import annotations


class SlactlError(Exception):
    """An expected failure: bad input, missing file, bad configuration."""

    def __init__(self, message: str, *, hint: str | None = None, path: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.path = path

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        tail = f"\n  hint: {self.hint}" if self.hint else ""
        return f"{where}{self.message}{tail}"


class UsageError(SlactlError):
    """The command line asked for something impossible."""
