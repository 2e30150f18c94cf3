"""`slactl approve`, `slactl status` and `slactl renew`."""

from __future__ import annotations

import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from slactl.cli.app import Color, ColorOption, command


class StatusFormat(StrEnum):
    text = "text"
    json = "json"


def _parse_day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; write YYYY-MM-DD") from None


@command(
    summary="Record an approval of a committed agreement as a git commit.",
    epilog=(
        "slactl approve agreements/its-fy2027.yaml --stage legal\n"
        'slactl approve agreements/its-fy2027.yaml --stage finance -m "budget line 4711"'
    ),
)
def approve(
    path: Annotated[Path, typer.Argument(help="The agreement file, committed and unmodified.")],
    *,
    stage: Annotated[
        str | None,
        typer.Option(
            "--stage",
            help="The approval stage id from the agreement's approvals.stages (e.g. legal, management-final).",
        ),
    ] = None,
    role: Annotated[
        str | None, typer.Option("--role", hidden=True, help="Deprecated name of --stage (it takes a stage id).")
    ] = None,
    message: Annotated[
        str | None, typer.Option("--message", "-m", metavar="TEXT", help="A note kept in the approval commit.")
    ] = None,
    sign: Annotated[
        bool | None,
        typer.Option(
            "--sign/--no-sign",
            "-S",
            help="Sign the commit with git's own signing settings (gpg.format, user.signingkey). "
            "Default: git's commit.gpgSign.",
        ),
    ] = None,
    allow_unsigned: Annotated[
        bool,
        typer.Option(
            "--allow-unsigned",
            help="Record an unsigned approval: a claim by your git e-mail that never counts under "
            "status --require-signed.",
        ),
    ] = False,
) -> None:
    """Record an approval of the committed agreement as an empty commit with Slactl-* trailers.

    The commit binds the agreement id, the stage and the content digest of the file as
    committed at HEAD; its author and committer are the roster person whose key signs it.
    Exit 2, with nothing committed, when the file is invalid (any error `slactl validate`
    reports), not committed or modified, the stage is not one of the agreement's, the signing
    key is not a roster key of a person holding one of the stage's roles, or the approval is
    unsigned without --allow-unsigned.
    """
    from slactl.approvals import record_approval
    from slactl.errors import UsageError

    if stage is not None and role is not None:
        raise UsageError("give the stage once: --stage (--role is its deprecated old name)")
    if role is not None:
        typer.echo("slactl: warning: --role is deprecated; use --stage (it takes a stage id)", err=True)
    chosen = stage if stage is not None else role
    if chosen is None:
        raise UsageError("which stage? give --stage STAGE (a stage id from the agreement's approvals.stages)")
    done = record_approval(
        path, chosen, note=message, sign=sign, allow_unsigned=allow_unsigned, stage_named_as_role=role is not None
    )
    head = f"approved {done.agreement_id} for stage {done.stage}: commit {done.commit[:12]}"
    if done.signed:
        typer.echo(f"{head}, signed by {done.person} with {done.key}")
    else:
        typer.echo(f"{head}, unsigned: a claim by {done.person} that counts only without --require-signed")
    typer.echo(f"  digest {done.digest}")
    typer.echo(f"  roster {done.roster}")


@command(
    summary="Show each agreement's approvals, stage by stage, and its term.",
    epilog=(
        "slactl status\n"
        "slactl status agreements/ --base origin/main --require-signed\n"
        "slactl status -f json --today 2027-10-01"
    ),
)
def status(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Agreement files or folders (searched for kind: Agreement). Default: the current folder."),
    ] = None,
    *,
    base: Annotated[
        str | None,
        typer.Option(
            "--base",
            metavar="REV",
            help="The protected revision, e.g. origin/main: roster, policy and each agreement's bar are read from "
            "it, the content judged is HEAD's, and every agreement the branch changed is judged too.",
        ),
    ] = None,
    require_signed: Annotated[
        bool, typer.Option("--require-signed", help="Count only approvals with a verified signature by a roster key.")
    ] = False,
    fmt: Annotated[
        StatusFormat, typer.Option("--format", "-f", metavar="FORMAT", help="Output: text or json.")
    ] = StatusFormat.text,
    today: Annotated[
        str | None,
        typer.Option("--today", metavar="DATE", help="Judge the term on this day (YYYY-MM-DD; default: today)."),
    ] = None,
    color: ColorOption = Color.auto,
) -> None:
    """Show each agreement's approvals: per stage approved, stale, rejected or missing, and its term.

    Exit 0 only when every required stage of every agreement holds for the current content
    (with --require-signed: every counted approval is verified); 1 otherwise; 2 for a usage
    or configuration error.
    """
    from slactl.approvals import agreement_files, status_paths
    from slactl.errors import SlactlError

    day = _parse_day(today) or date.today()  # the one place wall-clock time enters
    given = paths or [Path()]
    files = agreement_files(given)
    if not files and base is None:
        raise SlactlError("no agreement files found", hint="give an agreement file or a folder holding some")
    report = status_paths(files, base=base, require_signed=require_signed, today=day, scope=given)
    if not report.agreements and not report.deleted and not report.problems:
        raise SlactlError("no agreement files found", hint="give an agreement file or a folder holding some")
    from slactl.reporters.status import status_json, status_text
    from slactl.reporters.terminal import colour_wanted

    if fmt is StatusFormat.json:
        status_json(report, sys.stdout)
    else:
        status_text(report, sys.stdout, colour=colour_wanted(color.value, sys.stdout))
    raise typer.Exit(0 if report.ok else 1)


@command(
    summary="Draft the next term of an agreement as a new file.",
    epilog=(
        "slactl renew agreements/its-fy2027.yaml\n"
        "slactl renew agreements/its-fy2027.yaml --fiscal-year FY2029 -o agreements/its-fy2029.yaml"
    ),
)
def renew(
    path: Annotated[Path, typer.Argument(help="The agreement to renew.")],
    *,
    fiscal_year: Annotated[
        str | None,
        typer.Option(
            "--fiscal-year", metavar="FY", help="The new term's fiscal year, e.g. FY2028 (shifts by whole years)."
        ),
    ] = None,
    start: Annotated[
        str | None, typer.Option("--start", metavar="DATE", help="New term start (YYYY-MM-DD); give --end too.")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--end", metavar="DATE", help="New term end (YYYY-MM-DD), inclusive.")
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Where to write the new agreement.")] = None,
    new_id: Annotated[
        str | None,
        typer.Option("--id", metavar="ID", help="The new agreement id (default: fyNNNN bumped, or -renewal)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite the output file if it exists.")] = False,
) -> None:
    """Draft the next term as a new agreement file that renews this one (metadata.renews).

    Without options the term moves forward by its own length (one fiscal year for a
    one-year term). Term, payment and transition task dates shift; comments and layout
    are kept. Approvals live in git, so the new file starts with none.
    """
    from slactl.config import load_config
    from slactl.renew import renew_file

    cfg = load_config(path)
    result = renew_file(
        path,
        fiscal_year=fiscal_year,
        start=_parse_day(start),
        end=_parse_day(end),
        output=output,
        new_id=new_id,
        force=force,
        fiscal_year_start=cfg.fiscal_year_start,
    )
    typer.echo(f"wrote {result.path}: {result.new_id} renews {result.old_id}")
    fy = f" ({result.fiscal_year})" if result.fiscal_year else ""
    typer.echo(f"  term {result.start.isoformat()} to {result.end.isoformat()}{fy}, shifted by {result.shift}")
    typer.echo("  approvals start empty: they are commits in git, and the new file has none yet")
    for note in result.notes:
        typer.echo(f"  note: {note}", err=True)
