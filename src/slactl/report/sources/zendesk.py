"""Zendesk: the ticket CSV export (Admin Center > Account > Tools > Reports > Export, CSV).

Columns are named in words (``Id``, ``Created at``, ``Solved at``, ``Priority``, ``Group``,
``First reply time in minutes``); times carry their offset (``2026-02-25 22:17:00 +0000``) or
are in the account's time zone. The first reply is ``Created at`` plus ``First reply time in
minutes`` (calendar minutes); ``... within business hours`` is Zendesk's own elapsed time
on its schedule: the tool's verdict.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from slactl.report.inputs import normalize
from slactl.report.sources import Options, Row, ToolVerdict, Translated, header_for, parse_when, read_csv

PRIORITIES = {"urgent": "P1", "high": "P2", "normal": "P3", "low": "P4"}
"""Zendesk's four priorities -> P1..P4."""

SERVICE_COLUMNS = ("Group", "Organization", "Brand")
REPLY = "First reply time in minutes"
REPLY_BUSINESS = "First reply time in minutes within business hours"
RESOLUTION_BUSINESS = "Full resolution time in minutes within business hours"


def detect(head: bytes) -> bool:
    """A CSV with Zendesk's ``Created at`` and ``First reply time in minutes`` columns."""
    first = head.decode("utf-8-sig", errors="replace").split("\n", 1)[0]
    return "Created at" in first and REPLY in first


def _minutes(text: str, what: str) -> timedelta:
    shown = text[:40]
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{what} {shown!r} is not a number of minutes") from None
    if not 0 <= value <= MAX_MINUTES:  # also NaN and infinity
        raise ValueError(f"{what} {shown!r} is not a number of minutes from 0 to {MAX_MINUTES:,}")
    return timedelta(minutes=value)


MAX_MINUTES = 100 * 366 * 1440
"""A hundred years of minutes: more is a bad row."""


def read(path: Path, options: Options) -> Translated:
    """Tickets; Zendesk's business-hours reply and resolution times as its verdicts."""
    export = read_csv(path)
    index = export.index()
    out = Translated("zendesk", "tickets", str(path), header_for("tickets"))
    out.columns = {
        "id": "Id",
        "priority": "Priority",
        "service": next((c for c in SERVICE_COLUMNS if normalize(c) in index), "Group"),
        "type": "Ticket type",
        "opened": "Created at",
        "first_response": f"Created at + {REPLY}",
        "resolved": "Solved at",
    }
    for line, cells in export.rows:
        row = Row(index, cells)
        number = row.get("Id")
        if not number:
            out.problems.append((line, "no Id"))
            continue
        what = "Created at"
        try:
            opened = parse_when(row.get("Created at"), options)
            values = {
                "id": number,
                "priority": PRIORITIES.get(row.get("Priority").lower(), row.get("Priority")),
                "service": options.services.first([row.get(c) for c in SERVICE_COLUMNS]),
                "type": row.get("Ticket type"),
                "opened": opened,
            }
            what = "Solved at"
            if text := row.get("Solved at"):
                values["resolved"] = parse_when(text, options)
            what = ""  # _minutes names its column
            if text := row.get(REPLY):
                try:
                    values["first_response"] = (datetime.fromisoformat(opened) + _minutes(text, REPLY)).isoformat()
                except OverflowError:
                    raise ValueError(f"{REPLY} {text[:40]!r} ends after the year 9999") from None
            verdicts = []
            for column, name, measure in (
                (REPLY_BUSINESS, "first reply time (business hours)", "response"),
                (RESOLUTION_BUSINESS, "full resolution time (business hours)", "resolution"),
            ):
                if text := row.get(column):
                    verdicts.append(ToolVerdict(number, line, name, measure, None, _minutes(text, column)))
        except ValueError as exc:
            out.problems.append((line, f"{what} {exc}".strip()))
            continue
        out.add(line, values)
        out.verdicts.extend(verdicts)
    return out
