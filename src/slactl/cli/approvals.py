"""`slactl approve`, `slactl status` and `slactl renew`."""

from __future__ import annotations

import json
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from slactl.cli.app import app

if TYPE_CHECKING:
    from slactl.approvals import AgreementStatus, Judged, StatusReport


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


@app.command()
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
    message: Annotated[str | None, typer.Option("--message", "-m", help="A note kept in the approval commit.")] = None,
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
    Exit 2, with nothing committed, when the file is invalid, not committed or modified, the
    stage is not one of the agreement's, the signing key is not a roster key of a person
    holding one of the stage's roles, or the approval is unsigned without --allow-unsigned.
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


@app.command()
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
            help="The protected revision, e.g. origin/main: roster, policy and each agreement's bar are read from "
            "it, the content judged is HEAD's, and every agreement the branch changed is judged too.",
        ),
    ] = None,
    require_signed: Annotated[
        bool, typer.Option("--require-signed", help="Count only approvals with a verified signature by a roster key.")
    ] = False,
    fmt: Annotated[StatusFormat, typer.Option("--format", "-f", help="Output: text or json.")] = StatusFormat.text,
    today: Annotated[
        str | None, typer.Option("--today", help="Judge the term on this day (YYYY-MM-DD; default: today).")
    ] = None,
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
    if fmt is StatusFormat.json:
        json.dump(_report_dict(report), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        _print_text(report)
    raise typer.Exit(0 if report.ok else 1)


def _judged_dict(j: Judged) -> dict[str, Any]:
    return {
        "state": j.state,
        "verified": j.verified,
        "by": {"name": j.person.name, "email": j.person.email} if j.person else None,
        "claimed_author": j.record.author if j.person is None else None,
        "when": j.record.when.isoformat(),
        "commit": j.record.commit,
        "digest": j.record.digest,
        "key": j.record.signature.fingerprint or None,
        "signature_status": j.record.signature.status,
        "reason": j.reason,
        "changed": list(j.changed),
    }


def _agreement_dict(a: AgreementStatus) -> dict[str, Any]:
    t = a.term
    return {
        "path": a.relpath,
        "id": a.agreement_id,
        "digest": a.digest,
        "uncommitted": a.uncommitted,
        "complete": a.complete,
        "furthest_stage": a.furthest,
        "roster": a.roster_source,
        "base_counterparts": list(a.counterparts),
        "new_in_branch": a.new_in_branch,
        "policy": a.policy_source,
        "problems": list(a.problems),
        "term": {
            "state": t.state,
            "start": t.start.isoformat(),
            "end": t.end.isoformat() if t.end else None,
            "fiscal_year": t.fiscal_year,
            "renewal_notice_date": t.renewal_notice_date.isoformat() if t.renewal_notice_date else None,
            "days_left": t.days_left,
        },
        "stages": [
            {
                "stage": s.stage,
                "roles": list(s.roles),
                "required_by": s.required_by,
                "state": s.state,
                "approval": _judged_dict(s.decisive) if s.decisive else None,
                "others": [_judged_dict(o) for o in s.others],
            }
            for s in a.stages
        ],
    }


def _report_dict(report: StatusReport) -> dict[str, Any]:
    return {
        "ok": report.ok,
        "today": report.today.isoformat(),
        "base": report.base,
        "require_signed": report.require_signed,
        "agreements": [_agreement_dict(a) for a in report.agreements],
        "deleted": [{"path": path, "id": agreement_id} for path, agreement_id in report.deleted],
        "problems": list(report.problems),
    }


_TERM_WORDS = {"not-started": "not yet started", "active": "active", "expiring": "expiring", "expired": "expired"}


def _judged_line(j: Judged) -> str:
    from slactl.textsafe import for_terminal as t

    # Names, reasons and changed values come from git and the document: each made safe alone.
    when = j.record.when.strftime("%Y-%m-%d %H:%M %z")
    commit = t(j.record.commit[:12])
    if j.state == "approved" and j.verified:
        return f"approved by {t(j.who)} on {when}, verified ({t(j.record.signature.fingerprint)}), commit {commit}"
    if j.state == "approved":
        return f"approved, unverified: unsigned commit {commit} of {when} (author, not proven: {t(j.record.author)})"
    if j.state == "superseded":
        return f"superseded: {t(j.who)} approved this content on {when} (commit {commit}), {t(j.reason)}"
    if j.state == "stale":
        changed = "; ".join(t(c) for c in j.changed)
        digest = t(j.record.digest[:19])
        return f"stale: {t(j.who)} approved {digest}... on {when} (commit {commit}); changed since: {changed}"
    return f"rejected: {t(j.reason)} (commit {commit}, {when})"


def _print_text(report: StatusReport) -> None:
    from slactl.textsafe import for_terminal

    def echo(line: str) -> None:
        # every line leaves without a control character, whatever a value held
        typer.echo(for_terminal(line, newlines=True))

    safe = for_terminal
    for i, a in enumerate(report.agreements):
        if i:
            echo("")
        t = a.term
        echo(f"{safe(a.relpath)}: {safe(a.agreement_id)}")
        differs = "  (working tree differs from HEAD" + ("; HEAD is judged)" if a.base is not None else ")")
        echo(f"  digest   {a.digest}" + (differs if a.uncommitted else ""))
        fy = f" ({t.fiscal_year})" if t.fiscal_year else ""
        notice = f"; renewal notice by {t.renewal_notice_date.isoformat()}" if t.renewal_notice_date else ""
        end = t.end.isoformat() if t.end else "no end date"
        echo(f"  term     {_TERM_WORDS[t.state]}: {t.start.isoformat()} to {end}{fy}{notice}")
        if a.base is not None:
            lines = list(a.counterparts)
            if a.new_in_branch:
                policy = (
                    f"stages from the policy in {a.policy_source}"
                    if a.policy_source
                    else f"no policy in {a.settings_source}, so its own stages decide"
                )
                also = ", and those of every agreement the branch deletes:" if lines else ""
                lines.insert(0, f"none: new in this branch; {policy}{also}")
            for n, line in enumerate(lines):
                echo(f"  {'' if n else 'base':<8} {safe(line)}")
        echo(f"  roster   {safe(a.roster_source)}")
        for problem in a.problems:
            echo(f"  problem  {safe(problem)}")
        if not a.stages:
            echo("  stages   none: the agreement has no approvals.stages, so nothing shows it was accepted")
            continue
        held = sum(1 for s in a.stages if s.holds)
        echo(f"  reached  {a.furthest or 'none'} ({held} of {len(a.stages)} stages hold)")
        width = max(len(s.stage) for s in a.stages)
        for s in a.stages:
            line = _judged_line(s.decisive) if s.decisive else f"missing (roles: {safe(', '.join(s.roles))})"
            echo(f"  {safe(s.stage):<{width}}  {line}")
            for other in s.others:
                if other.state != "approved":
                    echo(f"  {'':<{width}}    also: {_judged_line(other)}")
    if report.deleted or report.problems:
        echo("")
    for path, agreement_id in report.deleted:
        echo(f"{path}: deleted in this branch ({agreement_id}); a deletion is not gated")
    for problem in report.problems:
        echo(problem)
    verdict = "all stages hold" if report.ok else "not every stage holds"
    signed = " (signed approvals only)" if report.require_signed else ""
    echo(f"\n{len(report.agreements)} agreement(s): {verdict}{signed}")


@app.command()
def renew(
    path: Annotated[Path, typer.Argument(help="The agreement to renew.")],
    *,
    fiscal_year: Annotated[
        str | None,
        typer.Option("--fiscal-year", help="The new term's fiscal year, e.g. FY2028 (shifts by whole years)."),
    ] = None,
    start: Annotated[str | None, typer.Option("--start", help="New term start (YYYY-MM-DD); give --end too.")] = None,
    end: Annotated[str | None, typer.Option("--end", help="New term end (YYYY-MM-DD), inclusive.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Where to write the new agreement.")] = None,
    new_id: Annotated[
        str | None, typer.Option("--id", help="The new agreement id (default: fyNNNN bumped, or -renewal).")
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
