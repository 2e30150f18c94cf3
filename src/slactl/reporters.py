"""Reporters for findings, chosen by name; each writes to the stream it is given."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TextIO

from slactl.findings import Finding
from slactl.textsafe import for_terminal
from slactl.validate import Result


def text(result: Result, out: TextIO) -> None:
    """``path:line:col: error SLA123 message``, then a one-line summary.

    File names, messages and paths can quote the document: no control character gets through.
    """
    for f in result.findings:
        where = f" [{for_terminal(f.path)}]" if f.path else ""
        message = for_terminal(f.message)
        out.write(f"{for_terminal(f.file)}:{f.line}:{f.column}: {f.severity.value} {f.code} {message}{where}\n")
    out.write(
        f"{result.files} file{'s' if result.files != 1 else ''} checked: "
        f"{result.errors} error{'s' if result.errors != 1 else ''}, "
        f"{result.warnings} warning{'s' if result.warnings != 1 else ''}{_accepted(result)}\n"
    )


def _accepted(result: Result) -> str:
    # Accepted findings are shown as a count only: their reasons are in the file (and in --format json).
    return f", {len(result.accepted)} accepted" if result.accepted else ""


def as_json(result: Result, out: TextIO) -> None:
    """One JSON object; the shape is public (CI tools parse it).

    ``accepted`` lists the findings an ``ignore`` entry accepts, each with its ``reason`` and
    the entry's position (``accepted_at``); they are not counted in ``errors`` or ``warnings``.
    """
    doc = {
        "files": result.files,
        "errors": result.errors,
        "warnings": result.warnings,
        "findings": [_finding_dict(f) for f in result.findings],
        "accepted": [
            {**_finding_dict(a.finding), "reason": a.reason, "accepted_at": {"line": a.line, "column": a.column}}
            for a in result.accepted
        ],
    }
    json.dump(doc, out, indent=2, ensure_ascii=False)
    out.write("\n")


def _finding_dict(f: Finding) -> dict[str, object]:
    return {
        "file": f.file,
        "line": f.line,
        "column": f.column,
        "path": f.path,
        "severity": f.severity.value,
        "code": f.code,
        "message": f.message,
    }


def _escape_data(value: str) -> str:
    # Newlines are escaped the way GitHub decodes them; every other control character
    # (an ESC would colour the job log) is made visible.
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return for_terminal(value)


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github(result: Result, out: TextIO) -> None:
    """GitHub Actions workflow commands: an annotation on the line of each finding."""
    for f in result.findings:
        level = "error" if f.severity.value == "error" else "warning"
        props = ",".join(
            f"{k}={_escape_property(v)}"
            for k, v in (("file", f.file), ("line", str(f.line)), ("col", str(f.column)), ("title", f.code))
        )
        message = f.message + (f" [{f.path}]" if f.path else "")
        out.write(f"::{level} {props}::{_escape_data(message)}\n")
    # Accepted findings are not annotations: only their count is in the log.
    out.write(f"{result.files} files checked: {result.errors} errors, {result.warnings} warnings{_accepted(result)}\n")


REPORTERS: dict[str, Callable[[Result, TextIO], None]] = {"text": text, "json": as_json, "github": github}
