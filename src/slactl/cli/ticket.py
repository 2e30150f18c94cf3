"""`slactl explain`: one ticket's clock, slice by slice."""

from __future__ import annotations

import sys
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from slactl.cli.app import command
from slactl.textsafe import json_text

if TYPE_CHECKING:
    from slactl.report.ticketclock import Explanation


class Format(StrEnum):
    text = "text"
    json = "json"


@command(
    summary="Show one ticket's clock, slice by slice, and why.",
    epilog="""
slactl explain agreements/its-fy2027.yaml INC0010003 --tickets task_sla.csv
slactl explain agreements/its-fy2027.yaml DESK-1 --tickets jira.csv --source jira --format json
""",
)
def explain(
    agreement: Annotated[Path, typer.Argument(help="The agreement YAML file.")],
    ticket_id: Annotated[str, typer.Argument(help="The ticket's id as the export writes it.", metavar="TICKET_ID")],
    *,
    tickets: Annotated[Path, typer.Option("--tickets", help="Tickets export holding the ticket.")],
    source: Annotated[
        str | None,
        typer.Option(
            "--source", metavar="TOOL", help="jira, servicenow, zendesk, pagerduty, or csv (default: detected)."
        ),
    ] = None,
    mapping: Annotated[
        list[str] | None,
        typer.Option("--map", metavar="COLUMN=FIELD", help="Which column is which field (slactl's CSV layout)."),
    ] = None,
    source_timezone: Annotated[
        str | None, typer.Option("--source-timezone", metavar="ZONE", help="Time zone of times without offset.")
    ] = None,
    date_format: Annotated[
        str | None, typer.Option("--date-format", metavar="FORMAT", help="The export's display date format.")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", metavar="DATE", help="Judge as at this date or time (default: now).")
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="Path to slactl.yaml (default: found upward).")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output: text, or json for machines.")] = Format.text,
) -> None:
    """Show how the report measures one ticket: for each service level that measures it, every counted,
    paused and closed slice of its clock with the rule that decided it, and the totals."""
    from datetime import UTC

    from slactl.cli.report_run import as_of_time, data_file_problem
    from slactl.config import load_config
    from slactl.errors import SlactlError
    from slactl.report.inputs import columns_from_config, parse_map_options
    from slactl.report.sources import KINDS
    from slactl.report.ticketclock import explain_ticket

    if (problem := data_file_problem(tickets, folder=False)) is not None:
        raise problem
    if source is not None and source != "csv" and KINDS.get(source) != "tickets":
        raise SlactlError(
            f"--source {source!r} is not a source of tickets",
            hint="give csv, " + ", ".join(k for k, v in KINDS.items() if v == "tickets"),
        )
    cfg = load_config(agreement, explicit=config)
    columns = columns_from_config(cfg.raw)
    columns.update(parse_map_options(mapping or []))
    result = explain_ticket(
        agreement,
        ticket_id,
        tickets,
        source=source,
        columns=columns or None,
        source_zone=source_timezone,
        date_format=date_format,
        fy_start=cfg.fiscal_year_start,
        now=as_of_time(as_of) if as_of else datetime.now(UTC),
    )
    sys.stdout.write(as_json(result) if fmt is Format.json else as_text(result))


def _when(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M %Z")


def as_text(result: Explanation) -> str:
    """The clocks for a person: a table of slices per level, then the totals."""
    from slactl.report.ticketclock import say_span
    from slactl.textsafe import for_terminal

    t = result.ticket
    lines = [
        f"Ticket {t.id} ({t.file}:{t.line}, read as {result.source}): service {t.service or '-'}, "
        f"priority {t.priority or '-'}, opened {_when(t.opened)}"
    ]
    if not result.clocks:
        lines.append(
            "No time service level of the agreement measures this ticket (its service, priority, "
            "site, request type, or the window it was opened in)."
        )
    for clock in result.clocks:
        verdict = {True: "met", False: "missed", None: "open, not late yet"}[clock.met]
        ends = "still open at the as-of time" if clock.still_open else f"the {clock.measure}"
        lines += [
            "",
            f"{clock.level} ({clock.measure}, {clock.window}): target {say_span(clock.target)} on {clock.calendar}",
            f"  from the opening to {ends}, {_when(clock.end)}",
        ]
        lines.extend(
            f"  {_when(s.start):<22} {_when(s.end):<22} {say_span(s.duration):>10}  {s.state:<8} {s.rule}"
            for s in clock.slices
        )
        lines.append(
            f"  counted {say_span(clock.counted)}, paused {say_span(clock.total('paused'))}, "
            f"closed {say_span(clock.total('closed'))}: {verdict}"
        )
    # Ids, services and rules come from the files: no control character reaches the terminal.
    return "".join(for_terminal(line) + "\n" for line in lines)


def as_json(result: Explanation) -> str:
    """The same, as one JSON object (durations in seconds)."""
    t = result.ticket

    def seconds(value: Any) -> int:
        return int(value.total_seconds())

    value = {
        "agreement": result.agreement_id,
        "as_of": result.as_of.isoformat(),
        "ticket": {
            "id": t.id,
            "where": f"{t.file}:{t.line}",
            "source": result.source,
            "service": t.service,
            "priority": t.priority,
            "opened": t.opened.isoformat(),
            "first_response": t.first_response.isoformat() if t.first_response else None,
            "resolved": t.resolved.isoformat() if t.resolved else None,
            "on_hold": [[a.isoformat(), b.isoformat()] for a, b in t.on_hold],
        },
        "levels": [
            {
                "id": c.level,
                "measure": c.measure,
                "window": c.window,
                "calendar": c.calendar,
                "target_seconds": seconds(c.target),
                "end": c.end.isoformat(),
                "still_open": c.still_open,
                "status": {True: "met", False: "missed", None: "open"}[c.met],
                "counted_seconds": seconds(c.counted),
                "paused_seconds": seconds(c.total("paused")),
                "closed_seconds": seconds(c.total("closed")),
                "slices": [
                    {
                        "start": s.start.isoformat(),
                        "end": s.end.isoformat(),
                        "seconds": seconds(s.duration),
                        "state": s.state,
                        "rule": s.rule,
                    }
                    for s in c.slices
                ],
            }
            for c in result.clocks
        ],
    }
    return json_text(value, indent=2) + "\n"
