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


def not_a_regular_file(path: str, *, what: str, folder_too: bool = False) -> SlactlError:
    """The error for a path that exists but is a pipe (``<(...)``), a device or a socket.

    Reading one could wait forever for a writer, and slactl may read a file more than once.
    ``what`` names the thing to save first ("the agreement"); ``folder_too``: a folder would do.
    """
    kind = "a regular file or a folder" if folder_too else "a regular file"
    return SlactlError(f"is not {kind} (a pipe, a device or a socket)", path=path, hint=f"save {what} to a file first")
