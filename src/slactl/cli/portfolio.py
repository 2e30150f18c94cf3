"""`slactl list`, `slactl obligations` and `slactl site`: the portfolio."""

from __future__ import annotations

import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from slactl.cli import write_stdout
from slactl.cli.app import command

if TYPE_CHECKING:
    from slactl.portfolio import Obligation, Portfolio


class ListFormat(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"


class ObligationsFormat(StrEnum):
    text = "text"
    json = "json"
    ics = "ics"


PathsArg = Annotated[
    list[Path] | None,
    typer.Argument(help="Agreement files or folders (searched for kind: Agreement). Default: the current folder."),
]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", metavar="DATE", help="Count days from this day (YYYY-MM-DD; default: today)."),
]


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; write YYYY-MM-DD", param_hint=option) from None


def _load(paths: list[Path] | None, as_of: str | None, *, judge: bool = True) -> Portfolio:
    from slactl.portfolio import load_portfolio

    day = _day(as_of, "--as-of") or date.today()  # the one place wall-clock time enters
    return load_portfolio(paths or [Path()], as_of=day, judge=judge)


@command(
    name="list",
    summary="List every agreement: stage, term, renewal dates and price.",
    epilog=(
        "slactl list\n"
        "slactl list agreements/ --filter type=vendor --sort end\n"
        "slactl list --filter expiring=90 --filter stage=incomplete -f csv"
    ),
)
def list_agreements(
    paths: PathsArg = None,
    *,
    fmt: Annotated[
        ListFormat, typer.Option("--format", "-f", metavar="FORMAT", help="Output: text, json or csv.")
    ] = ListFormat.text,
    filters: Annotated[
        list[str] | None,
        typer.Option(
            "--filter",
            metavar="KEY=VALUE",
            help="Keep only: type=customer|internal|vendor (comma-separated), party=TEXT (in a party's name), "
            "stage=STAGE|complete|incomplete, expiring=N (the term ends within N days). Repeat to combine.",
        ),
    ] = None,
    sort: Annotated[
        str,
        typer.Option(
            "--sort",
            metavar="KEY",
            help="Sort by id, title, type, end, notice, stage (stages held), total or path; -KEY descending.",
        ),
    ] = "path",
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            metavar="DIR",
            help="Report data (DIR/<agreement id>/tickets.csv...; docs/site.md): adds the credits owed for the "
            "last calendar month before --as-of.",
        ),
    ] = None,
    as_of: AsOfOption = None,
) -> None:
    """List every agreement: id, title, type, parties, term, days to the renewal notice and to the end,
    the furthest approval stage that holds and what is missing, and the total price.

    Stages are judged as `slactl status` judges them. Exit 0 when agreements were listed (even
    none left by the filters); 2 for a usage error or an agreement that does not load.
    """
    from slactl.errors import SlactlError
    from slactl.portfolio import parse_filters, row, sort_entries, with_credits

    wanted = parse_filters(filters or [])
    ordered = sort_entries([], sort)  # checks the key before anything is read
    if data is not None and not data.is_dir():
        raise SlactlError("the report data folder does not exist", path=str(data), hint="see docs/site.md")
    portfolio = _load(paths, as_of)
    if data is not None:
        portfolio = with_credits(portfolio, data)
    ordered = sort_entries([e for e in portfolio.entries if wanted.keeps(e)], sort)
    rows = [row(e, portfolio) for e in ordered]
    if fmt is ListFormat.json:
        from slactl.textsafe import json_text

        doc = {"as_of": portfolio.as_of.isoformat(), "agreements": rows}
        sys.stdout.write(json_text(doc, indent=2) + "\n")
    elif fmt is ListFormat.csv:
        _csv(rows)
    else:
        _text(rows, portfolio)


def _csv(rows: list[dict[str, Any]]) -> None:
    import csv

    from slactl.portfolio.entries import COLUMNS

    writer = csv.DictWriter(sys.stdout, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    for r in rows:
        out = dict(r)
        out["missing"] = " ".join(r["missing"])
        writer.writerow({k: "" if v is None else _cell(v) for k, v in out.items()})


def _cell(value: object) -> str:
    # A spreadsheet runs a cell that starts with = + - @ (or a tab or CR before one) as a
    # formula: quote those from the files. A bidirectional control is shown as its escape, as
    # in every document slactl writes (SLA013): a sheet cell has no escape of its own for it.
    from slactl.textsafe import show_direction_controls

    text = show_direction_controls(str(value))
    formula = text[:1] in ("=", "+", "@", "\t", "\r") or (text[:1] == "-" and not text[1:2].isdigit())
    return "'" + text if formula else text


def _text(rows: list[dict[str, Any]], portfolio: Portfolio) -> None:
    from slactl.textsafe import for_terminal

    if not rows:
        typer.echo("no agreement matches the filters")
        return
    for i, r in enumerate(rows):
        if i:
            typer.echo("")
        term = f"{r['start']} to {r['end']}" if r["end"] else f"from {r['start']} (open-ended)"
        fy = f" ({r['fiscal_year']})" if r["fiscal_year"] else ""
        typer.echo(for_terminal(f"{r['id']}  [{r['type']}]  {r['path']}"))
        typer.echo(for_terminal(f"  title    {r['title']}"))
        typer.echo(for_terminal(f"  parties  {r['provider']} for {r['customer']}"))
        typer.echo(for_terminal(f"  term     {term}{fy}"))
        dates = []
        if r["renewal_notice"]:
            dates.append(f"renewal notice {r['renewal_notice']} ({_days(r['days_to_notice'])})")
        if r["end"]:
            dates.append(f"ends {_days(r['days_to_end'])}")
        if dates:
            typer.echo(f"  dates    {'; '.join(dates)}")
        missing = f"; missing: {', '.join(r['missing'])}" if r["missing"] else ""
        typer.echo(for_terminal(f"  stage    {r['stage']}{missing}"))
        if r["total"]:
            typer.echo(for_terminal(f"  total    {r['currency']} {r['total']}"))
        if r["credits_owed"] is not None:
            owed = f"{r['credits_currency']} {r['credits_owed']}" if r["credits_currency"] else r["credits_owed"]
            typer.echo(for_terminal(f"  credits  {owed} owed for {r['credits_period']}"))
    typer.echo(f"\n{len(rows)} of {len(portfolio.entries)} agreements, as of {portfolio.as_of.isoformat()}")


def _days(days: int | None) -> str:
    if days is None:
        return ""
    if days == 0:
        return "today"
    return f"in {days} days" if days > 0 else f"{-days} days ago"


@command(
    summary="List dated obligations: notices, payments, reports, meetings.",
    epilog=(
        "slactl obligations --within 90d\n"
        "slactl obligations agreements/ -f ics -o obligations.ics\n"
        "slactl obligations --fail-within 14   # in a scheduled CI job: exit 1 when something is due"
    ),
)
def obligations(
    paths: PathsArg = None,
    *,
    within: Annotated[
        str | None,
        typer.Option(
            "--within",
            metavar="DAYS",
            help="Only what falls due from --as-of to this many days after it (90 or 90d). "
            "Default: every obligation of the terms.",
        ),
    ] = None,
    fmt: Annotated[
        ObligationsFormat, typer.Option("--format", "-f", metavar="FORMAT", help="Output: text, json or ics.")
    ] = ObligationsFormat.text,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an -o file that slactl did not write (or a symlink).")
    ] = False,
    fail_within: Annotated[
        int | None,
        typer.Option(
            "--fail-within",
            metavar="N",
            min=0,
            help="Exit 1 when an obligation falls due from --as-of to N days after it (a reminder in CI).",
        ),
    ] = None,
    as_of: AsOfOption = None,
) -> None:
    """List every dated obligation the agreements make, in date order (docs/portfolio.md says which, and how
    each day is worked out).

    Exit 0; 1 with --fail-within N when something falls due within N days; 2 for a usage error.
    """
    from slactl.portfolio import parse_days
    from slactl.portfolio import within as due_within
    from slactl.safewrite import refusal, write_file

    days = parse_days(within, "--within") if within is not None else None
    if output is not None and (problem := refusal(output, owner=OBLIGATIONS_OWNER, force=force)) is not None:
        raise problem
    portfolio = _load(paths, as_of, judge=False)  # obligations come from the terms, not from approvals
    everything = portfolio.all_obligations()
    shown = due_within(everything, portfolio.as_of, days) if days is not None else everything
    data = _render_obligations(shown, portfolio, fmt, stamped=output is not None)
    if output is None:
        write_stdout(data)
        sys.stdout.flush()
    else:
        write_file(output, data, owner=OBLIGATIONS_OWNER, force=force)
        typer.echo(f"wrote {output}: {len(shown)} obligations", err=True)
    if fail_within is not None:
        soon = due_within(everything, portfolio.as_of, fail_within)
        if soon:
            typer.echo(
                f"slactl: {len(soon)} obligations fall due within {fail_within} days; the first: "
                f"{soon[0].due.isoformat()} {soon[0].agreement_id}: {soon[0].summary}",
                err=True,
            )
            raise typer.Exit(1)


OBLIGATIONS_OWNER = "obligations"


def _render_obligations(
    shown: list[Obligation], portfolio: Portfolio, fmt: ObligationsFormat, *, stamped: bool
) -> bytes:
    """The obligations in ``fmt``; ``stamped`` (a file): with slactl's stamp, so a later run may replace it."""
    from slactl.safewrite import placeholder, seal

    stamp = placeholder(OBLIGATIONS_OWNER) if stamped else None
    if fmt is ObligationsFormat.ics:
        from slactl.portfolio.ics import to_ics

        data = to_ics(shown, stamp=portfolio.as_of, note=stamp)
    elif fmt is ObligationsFormat.json:
        from slactl.portfolio import obligation_json
        from slactl.textsafe import json_text

        doc: dict[str, Any] = {"as_of": portfolio.as_of.isoformat(), "obligations": [obligation_json(o) for o in shown]}
        if stamp is not None:
            doc["$comment"] = stamp
        data = (json_text(doc, indent=2) + "\n").encode()
    else:
        from slactl.textsafe import for_terminal

        lines = [
            for_terminal(f"{o.due.isoformat()}  {o.agreement_id}  {o.kind}  {o.summary}")
            + (for_terminal(f": {o.detail}") if o.detail else "")
            for o in shown
        ]
        lines.append(f"{len(shown)} obligations, as of {portfolio.as_of.isoformat()}")
        if stamp is not None:
            lines.append(f"# {stamp}")
        data = ("\n".join(lines) + "\n").encode()
    return seal(data) if stamp is not None else data


@command(
    summary="Write a static portal of every agreement and its obligations.",
    epilog=(
        "slactl site -o public/\n"
        "slactl site agreements/ -o public/ --data reports-data/\n"
        "slactl site -o public/ --as-of 2027-03-01 --force"
    ),
)
def site(
    paths: PathsArg = None,
    *,
    output: Annotated[Path, typer.Option("--output", "-o", metavar="DIR", help="The folder to write the portal into.")],
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            metavar="DIR",
            help="Report data: DIR/<agreement id>/tickets.csv (and outages, surveys, charges; .csv or .jsonl), "
            "measured per fiscal quarter (docs/site.md).",
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="DATE",
            help="Count days from this day (YYYY-MM-DD; default: the day of the repository's last commit, "
            "so the same repository writes the same portal).",
        ),
    ] = None,
    templates: Annotated[
        Path | None,
        typer.Option("--templates", metavar="DIR", help="Template overrides for the rendered documents."),
    ] = None,
    no_history: Annotated[bool, typer.Option("--no-history", help="Leave each agreement's history out.")] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Write into a folder that holds files slactl did not write.")
    ] = False,
) -> None:
    """Write a static portal of the agreements into DIR: the portfolio table (sortable, filterable, with a
    search box), the obligations and their calendar file, and one page per agreement with its rendered
    document, status and stages, dependencies, obligations, history and performance reports.

    Links are relative: the folder works opened from disk and from any static host. A folder that
    holds anything and was not written by `slactl site` is refused without --force (exit 2).
    """
    from slactl.errors import SlactlError
    from slactl.portfolio import load_portfolio, with_credits
    from slactl.portfolio.site import as_of_of, build_site, check_output, write_site

    given = paths or [Path()]
    if data is not None and not data.is_dir():
        raise SlactlError("the report data folder does not exist", path=str(data), hint="see docs/site.md")
    check_output(output, force=force)
    day = _day(as_of, "--as-of") or as_of_of(given) or date.today()
    portfolio = load_portfolio(given, as_of=day)
    if data is not None:
        portfolio = with_credits(portfolio, data)
    files = build_site(portfolio, data=data, templates=templates, history=not no_history)
    count = write_site(output, files, force=force)
    typer.echo(f"wrote {output}: {count} files, {len(portfolio.entries)} agreements, as of {day.isoformat()}", err=True)
