"""`slactl status` as text or JSON, from the StatusReport the core builds."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TextIO

from slactl.textsafe import for_terminal, json_text

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from slactl.approvals import AgreementStatus, Judged, StatusReport


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


def report_dict(report: StatusReport) -> dict[str, Any]:
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


def judged_line(j: Judged) -> str:
    """One approval's verdict on one line."""
    t = for_terminal
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


def status_text(report: StatusReport, out: TextIO, *, colour: bool = False) -> None:
    """A block per agreement: digest, term, roster, then a line per stage; a verdict line last.

    With ``colour`` (a terminal) the stages are a rich table and the verdicts coloured:
    approved green, missing or rejected red, stale or unverified yellow.
    """
    con = _console(out) if colour else None

    def echo(line: str, style: str = "") -> None:
        # every line leaves without a control character, whatever a value held
        if con is None:
            out.write(for_terminal(line, newlines=True) + "\n")
        else:
            from rich.text import Text

            con.print(Text(for_terminal(line, newlines=True), style=style))

    safe = for_terminal
    for i, a in enumerate(report.agreements):
        if i:
            echo("")
        for line in _head_lines(a):
            echo(line)
        if not a.stages:
            echo("  stages   none: the agreement has no approvals.stages, so nothing shows it was accepted")
            continue
        held = sum(1 for s in a.stages if s.holds)
        echo(f"  reached  {a.furthest or 'none'} ({held} of {len(a.stages)} stages hold)")
        if con is not None:
            con.print(_stage_table(a))
            continue
        width = max(len(s.stage) for s in a.stages)
        for s in a.stages:
            line = judged_line(s.decisive) if s.decisive else f"missing (roles: {safe(', '.join(s.roles))})"
            echo(f"  {safe(s.stage):<{width}}  {line}")
            for other in s.others:
                if other.state != "approved":
                    echo(f"  {'':<{width}}    also: {judged_line(other)}")
    if report.deleted or report.problems:
        echo("")
    for path, agreement_id in report.deleted:
        echo(f"{path}: deleted in this branch ({agreement_id}); a deletion is not gated")
    for problem in report.problems:
        echo(problem)
    verdict = "all stages hold" if report.ok else "not every stage holds"
    signed = " (signed approvals only)" if report.require_signed else ""
    echo("")
    count = len(report.agreements)
    echo(f"{count} agreement{'' if count == 1 else 's'}: {verdict}{signed}", "green" if report.ok else "red")


def _head_lines(a: AgreementStatus) -> list[str]:
    """What is judged of one agreement: its digest, term, base counterparts, roster and problems."""
    safe = for_terminal
    t = a.term
    out = [f"{safe(a.relpath)}: {safe(a.agreement_id)}"]
    differs = "  (working tree differs from HEAD" + ("; HEAD is judged)" if a.base is not None else ")")
    out.append(f"  digest   {a.digest}" + (differs if a.uncommitted else ""))
    fy = f" ({t.fiscal_year})" if t.fiscal_year else ""
    notice = f"; renewal notice by {t.renewal_notice_date.isoformat()}" if t.renewal_notice_date else ""
    end = t.end.isoformat() if t.end else "no end date"
    out.append(f"  term     {_TERM_WORDS[t.state]}: {t.start.isoformat()} to {end}{fy}{notice}")
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
        out.extend(f"  {'' if n else 'base':<8} {safe(line)}" for n, line in enumerate(lines))
    out.append(f"  roster   {safe(a.roster_source)}")
    out.extend(f"  problem  {safe(problem)}" for problem in a.problems)
    return out


def _console(out: TextIO) -> Console:
    from slactl.reporters.terminal import console

    return console(out)


def _verdict(j: Judged | None) -> str:
    if j is None:
        return "missing"
    return "unverified" if j.state == "approved" and not j.verified else j.state


def _stage_table(a: AgreementStatus) -> Table:
    """The stages of one agreement as a table: stage, roles, verdict (coloured), detail."""
    from rich.table import Table
    from rich.text import Text

    from slactl.reporters.terminal import VERDICT_STYLE

    table = Table(box=None, padding=(0, 1), pad_edge=False, show_edge=False)
    for column in ("Stage", "Roles", "Verdict", "Detail"):
        table.add_column(column, no_wrap=column != "Detail", header_style="bold")
    for s in a.stages:
        verdict = _verdict(s.decisive)
        detail = judged_line(s.decisive) if s.decisive else "no approval counts for the current content"
        notes = [detail] + [f"also: {judged_line(o)}" for o in s.others if o.state != "approved"]
        table.add_row(
            for_terminal(s.stage),
            for_terminal(", ".join(s.roles)),
            Text(verdict, style=VERDICT_STYLE.get(verdict, "")),
            for_terminal("\n".join(notes), newlines=True),
        )
    return table


def status_json(report: StatusReport, out: TextIO) -> None:
    """One JSON object; the shape is public."""
    out.write(json_text(report_dict(report), indent=2))
    out.write("\n")


STATUS_REPORTERS = {"text": status_text, "json": status_json}
