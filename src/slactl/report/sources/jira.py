"""Jira Service Management: the issue navigator's CSV export ("Export > CSV (all fields)").

Dates come in the exporting user's display format (``25/Feb/26 10:17 PM`` by default, or the
site's declared format) and time zone, with no offset; multi-value fields repeat their column
(``Component/s`` twice); an export pasted together from pages of 1,000 repeats its header.
The SLA fields (``Custom field (Time to resolution)``) hold the time remaining when the cycle
stopped, negative when breached: that is the tool's verdict.
"""

from __future__ import annotations

from pathlib import Path

from slactl.report.inputs import normalize
from slactl.report.sources import (
    CsvExport,
    Options,
    Row,
    ToolVerdict,
    Translated,
    header_for,
    measure_of,
    parse_when,
    read_csv,
)

PRIORITIES = {
    "blocker": "P1",
    "highest": "P1",
    "critical": "P1",
    "high": "P2",
    "major": "P2",
    "medium": "P3",
    "normal": "P3",
    "low": "P4",
    "minor": "P4",
}
"""Jira priority names -> P1..P4 (Lowest and Trivial match no scope of an agreement)."""

SERVICE_COLUMNS = ("Custom field (Affected services)", "Custom field (Service)", "Component/s")
FIRST_RESPONSE = ("Custom field (Date of First Response)", "Custom field (First response date)")
SLA_PREFIX = "custom_field_(time_to_"


def detect(head: bytes) -> bool:
    """A CSV whose header has Jira's ``Issue key`` and ``Issue id``."""
    first = head.decode("utf-8-sig", errors="replace").split("\n", 1)[0]
    return "Issue key" in first and "Issue id" in first


def read(path: Path, options: Options) -> Translated:
    """The export's issues as tickets; each SLA column's remaining time as the tool's verdict."""
    export: CsvExport = read_csv(path)
    index = export.index()
    out = Translated("jira", "tickets", str(path), header_for("tickets"))
    out.columns = {
        "id": "Issue key",
        "priority": "Priority",
        "service": next((c for c in SERVICE_COLUMNS if normalize(c) in index), "Component/s"),
        "type": "Custom field (Request Type)" if normalize("Custom field (Request Type)") in index else "Issue Type",
        "opened": "Created",
        "resolved": "Resolved",
    }
    if any(normalize(c) in index for c in FIRST_RESPONSE):
        out.columns["first_response"] = next(c for c in FIRST_RESPONSE if normalize(c) in index)
    sla_columns = [name for name in dict.fromkeys(export.header) if normalize(name).startswith(SLA_PREFIX)]
    if export.repeated_headers:
        out.notes.append(
            f"{path.name}: the header repeats at line {', '.join(map(str, export.repeated_headers))} "
            "(an export joined from pages); those lines were skipped"
        )
    for line, cells in export.rows:
        row = Row(index, cells)
        key = row.get("Issue key")
        if not key:
            out.problems.append((line, "no Issue key"))
            continue
        what = "Created"
        try:
            values = {
                "id": key,
                "priority": PRIORITIES.get(row.get("Priority").lower(), row.get("Priority")),
                "service": options.services.first([v for c in SERVICE_COLUMNS for v in row.all(c)]),
                "type": row.get("Custom field (Request Type)", "Issue Type"),
                "opened": parse_when(row.get("Created"), options),
            }
            what = "Resolved"
            if text := row.get("Resolved"):
                values["resolved"] = parse_when(text, options)
            what = "first response"
            if text := row.get(*FIRST_RESPONSE):
                values["first_response"] = parse_when(text, options)
        except ValueError as exc:
            out.problems.append((line, f"{what} {exc}"))
            continue
        out.add(line, values)
        for column in sla_columns:
            text = row.get(column)
            if not text:
                continue
            name = column.removeprefix("Custom field (").removesuffix(")")
            # A cycle that stopped shows the time left then; below zero it was breached.
            out.verdicts.append(ToolVerdict(key, line, name, measure_of(name), text.startswith("-"), None))
    return out
