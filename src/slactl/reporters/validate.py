"""Reporters for findings, chosen by name; each writes to the stream it is given."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TextIO
from urllib.parse import quote

from slactl.findings import Finding
from slactl.textsafe import for_terminal, json_text
from slactl.validate import Result


def text(result: Result, out: TextIO, *, colour: bool = False) -> None:
    """``path:line:col: error SLA123 message``, then a one-line summary.

    File names, messages and paths can quote the document: no control character gets through.
    With ``colour`` the severities are coloured (see slactl.reporters.terminal); the words stay the same.
    """
    if colour:
        _text_in_colour(result, out)
        return
    for f in result.findings:
        where = f" [{for_terminal(f.path)}]" if f.path else ""
        message = for_terminal(f.message)
        out.write(f"{for_terminal(f.file)}:{f.line}:{f.column}: {f.severity.value} {f.code} {message}{where}\n")
    out.write(_summary(result) + "\n")


def _summary(result: Result) -> str:
    return (
        f"{result.files} file{'s' if result.files != 1 else ''} checked: "
        f"{result.errors} error{'s' if result.errors != 1 else ''}, "
        f"{result.warnings} warning{'s' if result.warnings != 1 else ''}{_accepted(result)}"
    )


def _text_in_colour(result: Result, out: TextIO) -> None:
    from rich.text import Text

    from slactl.reporters.terminal import SEVERITY_STYLE, console

    con = console(out)
    for f in result.findings:
        where = f" [{for_terminal(f.path)}]" if f.path else ""
        line = Text(f"{for_terminal(f.file)}:{f.line}:{f.column}: ")
        line.append(f.severity.value, style=SEVERITY_STYLE.get(f.severity.value, ""))
        line.append(f" {f.code} {for_terminal(f.message)}{where}")
        con.print(line)
    style = "red" if result.errors else ("yellow" if result.warnings else "green")
    con.print(Text(_summary(result), style=style))


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
    out.write(json_text(doc, indent=2))
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


SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
RULES_DOC_URL = "https://github.com/slactl/slactl/blob/main/docs/rules.md"
"""Where code scanning links each rule (``#sla123``); the anchors are in the generated docs/rules.md."""


def sarif(result: Result, out: TextIO, *, root: Path | None = None) -> None:
    """SARIF 2.1.0 for code scanning: one run, every rule, a result per finding.

    File URIs are relative to ``root`` (the repository's work tree; default: the current
    folder) under ``%SRCROOT%``; a file outside it gets an absolute ``file:`` URI. Accepted
    findings are results with an ``inSource`` suppression carrying their reason.
    """
    from slactl import __version__
    from slactl.rules import iter_rules

    base = Path(os.path.abspath(root or Path.cwd()))  # noqa: PTH100 - no symlink resolution, like the file names
    rules = list(iter_rules())
    index = {r.code: i for i, r in enumerate(rules)}

    def location(file: str, line: int, column: int) -> dict[str, object]:
        physical: dict[str, object] = {"artifactLocation": _artifact(file, base)}
        if line >= 1:
            physical["region"] = {"startLine": line, **({"startColumn": column} if column >= 1 else {})}
        return {"physicalLocation": physical}

    def one(f: Finding) -> dict[str, object]:
        res: dict[str, object] = {"ruleId": f.code}
        if f.code in index:
            res["ruleIndex"] = index[f.code]
        res["level"] = "error" if f.severity.value == "error" else "warning"
        res["message"] = {"text": f.message}
        res["locations"] = [location(f.file, f.line, f.column)]
        if f.path:
            res["properties"] = {"path": f.path}
        return res

    results = [one(f) for f in result.findings]
    for a in result.accepted:
        res = one(a.finding)
        res["suppressions"] = [
            {"kind": "inSource", "justification": a.reason, "location": location(a.finding.file, a.line, a.column)}
        ]
        results.append(res)
    doc = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "slactl",
                        "version": __version__,
                        "informationUri": RULES_DOC_URL,
                        "rules": [
                            {
                                "id": r.code,
                                "shortDescription": {"text": r.summary},
                                "helpUri": f"{RULES_DOC_URL}#{r.code.lower()}",
                                "defaultConfiguration": {"level": r.severity.value},
                            }
                            for r in rules
                        ],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": base.as_uri().rstrip("/") + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    # ASCII only: the document quotes file contents, and no control or bidi character reaches a terminal.
    json.dump(doc, out, indent=2, ensure_ascii=True)
    out.write("\n")


def _artifact(file: str, base: Path) -> dict[str, str]:
    path = Path(os.path.abspath(file))  # noqa: PTH100 - as given, symlinks kept
    try:
        relative = path.relative_to(base)
    except ValueError:
        return {"uri": path.as_uri()}
    return {"uri": quote(relative.as_posix(), safe="/"), "uriBaseId": "%SRCROOT%"}


REPORTERS: dict[str, Callable[[Result, TextIO], None]] = {
    "text": text,
    "json": as_json,
    "github": github,
    "sarif": sarif,
}
