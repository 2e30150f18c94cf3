"""`slactl report` and `slactl credits`."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from slactl.cli.app import command


class ReportFormat(str, Enum):  # noqa: UP042 - the pattern of cli/validate.py (typer choices)
    md = "md"
    html = "html"
    json = "json"


@command(
    summary="Measure service levels against ticket, outage and survey data.",
    epilog=(
        "slactl report agreements/its-fy2027.yaml --tickets tickets.csv --period 2027-Q2\n"
        "slactl report agreements/its-fy2027.yaml --outages outages.jsonl -f html -o q2.html\n"
        "slactl report agreements/its-fy2027.yaml --tickets exports/ --as-of 2027-10-01 --pack packs/fy2027\n"
        "slactl report --verify packs/fy2027"
    ),
)
def report(
    agreement: Annotated[
        Path | None, typer.Argument(help="The agreement YAML file (not with --verify).", show_default=False)
    ] = None,
    *,
    tickets: Annotated[
        Path | None,
        typer.Option(
            "--tickets",
            help="Tickets export: CSV, JSON Lines, Parquet, Arrow/Feather, a folder of exports or a DuckDB .sql query.",
        ),
    ] = None,
    outages: Annotated[
        Path | None, typer.Option("--outages", help="Outages export (CSV, JSON Lines or a --tickets format).")
    ] = None,
    surveys: Annotated[
        Path | None, typer.Option("--surveys", help="Satisfaction survey export (as --outages).")
    ] = None,
    charges: Annotated[
        Path | None,
        typer.Option("--charges", help="Charges per window (CSV window,service,amount), for `credits.base: usage`."),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            metavar="PERIOD",
            help="2027-03, 2027-Q2, FY2027, FY2027-Q1 or 2027-01-01..2027-03-31 (default: the term).",
        ),
    ] = None,
    fmt: Annotated[
        ReportFormat, typer.Option("--format", "-f", metavar="FORMAT", help="Output: md, html or json.")
    ] = ReportFormat.md,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an -o file that slactl did not write as a report (or a symlink).")
    ] = False,
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar="COLUMN=FIELD",
            help="Which column of an export is which field (repeat the option).",
        ),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="Path to slactl.yaml (default: found upward).")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", metavar="DATE", help="Judge as at this date or time (default: now); nothing after it is known."
        ),
    ] = None,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs", "-j", help="Processes reading the tickets file (0: one per core, up to 4, from 4 MB on).", min=0
        ),
    ] = 0,
    source: Annotated[
        list[str] | None,
        typer.Option(
            "--source",
            metavar="TOOL",
            help="The tool an export comes from: jira, servicenow, zendesk, pagerduty (tickets); statuspage, "
            "uptime-kuma, uptimerobot (outages); csv for slactl's layout. Default: detected. Repeatable.",
        ),
    ] = None,
    source_timezone: Annotated[
        str | None,
        typer.Option("--source-timezone", metavar="ZONE", help="Time zone of an export's times without offset."),
    ] = None,
    date_format: Annotated[
        str | None,
        typer.Option("--date-format", metavar="FORMAT", help="An export's display date format (dd/MMM/yy h:mm a)."),
    ] = None,
    pack: Annotated[
        Path | None,
        typer.Option(
            "--pack",
            metavar="DIR",
            help="Write a report pack: report.md, .html, .json and manifest.json (inputs, terms, command).",
        ),
    ] = None,
    verify: Annotated[
        Path | None,
        typer.Option("--verify", metavar="DIR", help="Recompute a report pack and say whether every value matches."),
    ] = None,
) -> None:
    """Measure each service level against ticket, outage and survey data: values, misses, credits.

    Every window is judged by the agreement as committed in Git when the window started.
    Unreadable rows are listed as file:line: reason and left out; they never stop the report.
    A pack (--pack) can be checked later with --verify: exit 1 names each changed input or value.
    """
    if verify is not None:
        if agreement is not None or tickets or outages or surveys or charges or pack or output:
            from slactl.errors import SlactlError

            raise SlactlError("--verify DIR takes only --format (the pack records everything else)")
        _verify(verify, json_out=fmt is ReportFormat.json)
    if agreement is None:
        from slactl.errors import SlactlError

        raise SlactlError(
            "missing the agreement file: give AGREEMENT (or --verify DIR)", hint="see 'slactl report --help'"
        )
    from slactl.cli.app import state
    from slactl.cli.report_run import run_report

    code = run_report(
        agreement,
        tickets=tickets,
        outages=outages,
        surveys=surveys,
        charges=charges,
        period=period,
        fmt=fmt.value,
        output=output,
        force=force,
        mapping=mapping or [],
        config=config,
        as_of=as_of,
        jobs=jobs,
        source=source or [],
        source_timezone=source_timezone,
        date_format=date_format,
        pack=pack,
        argv=state.argv,
    )
    raise typer.Exit(code)


def _verify(pack: Path, *, json_out: bool) -> NoReturn:
    from slactl.report.pack import verification_json, verify_pack
    from slactl.textsafe import for_terminal  # the lines quote file names and values from the pack

    result = verify_pack(pack, repo_hint=Path.cwd())
    if json_out:
        typer.echo(verification_json(result), nl=False)
        raise typer.Exit(0 if result.ok else 1)
    for title, lines in (
        ("inputs that changed", result.changed_inputs),
        ("windows whose terms in force changed", result.changed_terms),
        ("values that differ", result.differences),
    ):
        if lines:
            typer.echo(f"{title} ({len(lines)}):")
            for line in lines[:50]:
                typer.echo(f"  {for_terminal(line)}")
            if len(lines) > 50:
                typer.echo(f"  ... and {len(lines) - 50} more (--format json lists all)")
    for note in result.notes:
        typer.echo(f"note: {for_terminal(note)}")
    if result.ok:
        typer.echo(
            f"{for_terminal(str(pack))}: verified: {result.inputs_checked} input file(s) unchanged, "
            f"all {result.values_checked} values of the report match"
        )
        raise typer.Exit(0)
    typer.echo(f"{for_terminal(str(pack))}: does not verify", err=True)
    raise typer.Exit(1)


@command(
    summary="Work out the credit one window would earn (a what-if).",
    epilog=("slactl credits agreements/its-fy2027.yaml --service-level availability --availability 99.7"),
)
def credits(
    agreement: Annotated[Path, typer.Argument(help="The agreement YAML file.")],
    *,
    service_level: Annotated[str, typer.Option("--service-level", help="Id of the service level.")],
    availability: Annotated[
        str | None, typer.Option("--availability", help="Measured availability in percent, e.g. 99.7.")
    ] = None,
    attainment: Annotated[
        str | None, typer.Option("--attainment", help="Percent of tickets meeting a time target, e.g. 92.5.")
    ] = None,
    fee: Annotated[
        str | None,
        typer.Option(
            "--fee",
            help="Fee a credit percentage applies to: the monthly fee (default: `credits.base` or the pricing), "
            "or with `credits.base: usage` the service's charges for the window.",
        ),
    ] = None,
    events: Annotated[
        int | None,
        typer.Option(
            "--events",
            min=0,
            max=1_000_000,
            help="Late tickets (time levels) or outages (availability) in the window, for a credit per event.",
        ),
    ] = None,
) -> None:
    """What-if: the credit one window would earn under the agreement's credit bands and credits per event."""
    from slactl.documents import load_valid
    from slactl.errors import SlactlError
    from slactl.report.whatif import whatif

    given = [v for v in (availability, attainment) if v is not None]
    if len(given) > 1:
        raise SlactlError("give one of --availability or --attainment, not both")

    def number(text: str, what: str) -> Decimal:
        from slactl.model.types import check_decimal

        shown = text if len(text) <= 40 else f"{text[:30]}...({len(text):,} characters)"
        try:
            if len(text) > 60 or not text.isascii():
                raise InvalidOperation
            value = Decimal(text.strip().rstrip("%").replace(",", ""))
        except InvalidOperation:
            raise SlactlError(f"{what} {shown!r} is not a number of at most 18 digits") from None
        if not value.is_finite() or value < 0:
            raise SlactlError(f"{what} {shown!r} must be a number of at least 0")
        try:
            return check_decimal(value, what)
        except ValueError as exc:
            raise SlactlError(f"{what} {shown!r}: {exc}") from None

    measured = number(given[0], "--availability" if availability is not None else "--attainment") if given else None
    if measured is not None and measured > 100:
        raise SlactlError(f"a percentage cannot be above 100 (got {given[0]})")
    doc = load_valid(agreement).document
    _line, sentence = whatif(
        doc,  # type: ignore[arg-type]
        service_level,
        measured,
        number(fee, "--fee") if fee is not None else None,
        given=None if not given else "availability" if availability is not None else "attainment",
        events=events,
    )
    from slactl.textsafe import for_terminal  # the sentence names the document's service level

    typer.echo(for_terminal(sentence))
    raise typer.Exit(0)
