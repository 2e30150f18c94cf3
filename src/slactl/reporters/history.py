"""`slactl history` as text, JSON or Markdown, from the History the core builds."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from slactl.reporters.common import (
    FIRST_FINDINGS,
    MARK,
    SIGNATURE,
    Terminal,
    cell,
    changes_table,
    favour,
    findings_lines,
    parsed_dict,
    short,
    when,
)
from slactl.textsafe import for_terminal as _t
from slactl.textsafe import json_text, md_code

if TYPE_CHECKING:
    from slactl.history import ApprovalMark, History, HistoryEntry


def _approval_line(mark: ApprovalMark) -> str:
    """One approval: the person its signature proves (never the author, unless as a claim), its verdict."""
    sig = SIGNATURE.get(mark.signature, _t(mark.signature))
    principal = f" ({_t(mark.signer)})" if mark.signer else ""
    if mark.approver:
        by = _t(mark.approver)
    elif mark.signature == "N":
        by = f"nobody proven, unsigned (claims: {_t(mark.author)} <{_t(mark.author_email)}>)"
    else:
        by = "nobody proven"
    verdict = "counts" if mark.counts else f"does not count: {_t(mark.verdict)}"
    match = "matches this revision" if mark.matches else "does NOT match this revision's content digest"
    return (
        f"approval {_t(mark.stage)!r} of {_t(mark.agreement)} by {by}, {when(mark.date)} "
        f"(commit {short(mark.commit)}): signature {sig}{principal}; {verdict}; digest {match}"
    )


def _entry_head(entry: HistoryEntry) -> str:
    rev = entry.revision
    extra = ""
    if rev.old_path:
        extra = f"  (renamed from {_t(rev.old_path)})"
    elif rev.is_merge:
        extra = "  (merge)"
    return f"{short(rev.commit)}  {when(rev.author_date)}  {_t(rev.author_name)} <{_t(rev.author_email)}>{extra}"


def history_text(hist: History, out: TextIO, *, colour: bool = False) -> None:
    """Newest first: each approval above the revision it approved, then the revision and its changes.

    With ``colour`` (a terminal) the revisions are a rich table, approvals green when they
    count and red when they do not, a revision that did not validate red.
    """
    if colour:
        _history_table(hist, out)
        return
    term = Terminal(out)
    count = len(hist.entries)
    term.write(f"History of {_t(hist.path)}: {count} revision{'s' if count != 1 else ''}, newest first\n")
    for entry in hist.entries:
        term.write("\n")
        for mark in entry.approvals:
            term.write(f"* {_approval_line(mark)}\n")
        term.write(_entry_head(entry) + "\n")
        term.write(f"    {_t(entry.revision.subject)}\n")
        if entry.parsed is None:
            term.write("    file deleted\n")
            continue
        if not entry.parsed.valid:
            count = len(entry.parsed.findings)
            term.write(f"    NOT VALID at this revision ({count} finding{'s' if count != 1 else ''}):\n")
            term.writelines(line + "\n" for line in findings_lines(entry.parsed, "      "))
            continue
        if entry.compared_with is None:
            parsed = entry.parsed
            term.write(f"    first valid revision ({parsed.kind} {_t(parsed.document_id)}, {parsed.digest})\n")
        elif not entry.changes:
            term.write("    no change of terms (formatting, comments or equivalent spellings)\n")
        for change in entry.changes:
            term.write(f"    {MARK[change.kind]} {_t(change.sentence())}{favour(change)}\n")


def _what(entry: HistoryEntry) -> tuple[list[str], str]:
    """The lines under a revision in the table, and their style."""
    if entry.parsed is None:
        return ["file deleted"], "dim"
    if not entry.parsed.valid:
        count = len(entry.parsed.findings)
        head = f"NOT VALID at this revision ({count} finding{'s' if count != 1 else ''}):"
        return [head, *findings_lines(entry.parsed, "  ")], "red"
    if entry.compared_with is None:
        parsed = entry.parsed
        return [f"first valid revision ({parsed.kind} {_t(parsed.document_id)}, {parsed.digest})"], ""
    if not entry.changes:
        return ["no change of terms (formatting, comments or equivalent spellings)"], "dim"
    return [f"{MARK[c.kind]} {_t(c.sentence())}{favour(c)}" for c in entry.changes], ""


def _history_table(hist: History, out: TextIO) -> None:
    from rich.table import Table
    from rich.text import Text

    from slactl.reporters.terminal import VERDICT_STYLE, console

    con = console(out)
    count = len(hist.entries)
    con.print(Text(f"History of {_t(hist.path)}: {count} revision{'s' if count != 1 else ''}, newest first"))
    table = Table(box=None, padding=(0, 1), pad_edge=False, show_edge=False, show_lines=False)
    table.add_column("Commit", no_wrap=True, style="cyan", header_style="bold")
    table.add_column("Date", no_wrap=True, header_style="bold")
    table.add_column("Author", header_style="bold")
    table.add_column("What", header_style="bold", overflow="fold")
    for entry in hist.entries:
        for mark in entry.approvals:
            style = VERDICT_STYLE["approved" if mark.counts else "rejected"]
            table.add_row("", "", "", Text(_t(f"* {_approval_line(mark)}"), style=style))
        rev = entry.revision
        lines, style = _what(entry)
        table.add_row(
            short(rev.commit),
            when(rev.author_date),
            _t(rev.author_name),
            Text.assemble((_t(rev.subject), "bold"), ("\n" + _t("\n".join(lines), newlines=True), style)),
        )
    con.print(table)


def history_json(hist: History, out: TextIO) -> None:
    """One JSON object; the shape is public."""
    rows = []
    for e in hist.entries:
        r = e.revision
        rows.append(
            {
                "commit": r.commit,
                "parents": list(r.parents),
                "author": r.author_name,
                "author_email": r.author_email,
                "date": r.author_date.isoformat(),
                "subject": r.subject,
                "message": r.message,
                "path": r.path_at_revision,
                "old_path": r.old_path,
                "change": r.change,
                "status": e.status,
                "parsed": parsed_dict(e.parsed),
                "compared_with": e.compared_with,
                "changes": [c.as_dict() for c in e.changes],
                "approvals": [
                    {
                        "commit": m.commit,
                        "stage": m.stage,
                        "agreement": m.agreement,
                        "digest": m.digest,
                        "author": m.author,
                        "date": m.date.isoformat(),
                        "signature": m.signature,
                        "signer": m.signer,
                        "approver": m.approver,
                        "counts": m.counts,
                        "verdict": m.verdict,
                        "revision": m.revision,
                        "digest_matches": m.matches,
                    }
                    for m in e.approvals
                ],
            }
        )
    # One line per revision: readable, and json.dumps without indent runs in C (a long
    # history's indented dump cost more than the rest of the command).
    out.write(f'{{"path": {json_text(hist.path)}, "revisions": [\n')
    out.write(",\n".join(json_text(row) for row in rows))
    out.write("\n]}\n")


def history_markdown(hist: History, out: TextIO) -> None:
    """A heading per revision, changes as a table, approvals as quotes."""
    out.write(f"## History of {md_code(hist.path)}\n")
    for entry in hist.entries:
        rev = entry.revision
        out.write(f"\n### `{short(rev.commit)}` {cell(rev.subject)}\n\n")
        for mark in entry.approvals:
            out.write(f"> **Approval** {cell(_approval_line(mark))}\n\n")
        out.write(
            f"{cell(rev.author_name)}, {when(rev.author_date)}"
            + (f", renamed from {md_code(rev.old_path)}" if rev.old_path else "")
            + "\n\n"
        )
        if entry.parsed is None:
            out.write("File deleted.\n")
        elif not entry.parsed.valid:
            out.write("**Not valid at this revision:**\n\n")
            out.writelines(
                f"- `{f.line}:{f.column}` {f.code} {cell(f.message)}\n" for f in entry.parsed.findings[:FIRST_FINDINGS]
            )
        elif entry.compared_with is None:
            out.write("First valid revision.\n")
        elif not entry.changes:
            out.write("No change of terms.\n")
        else:
            changes_table(entry.changes, out)


HISTORY_REPORTERS = {"text": history_text, "json": history_json, "markdown": history_markdown}
