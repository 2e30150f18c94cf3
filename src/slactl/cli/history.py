"""`slactl history` and `slactl diff`: the negotiation as Git recorded it."""

from __future__ import annotations

import json
import sys
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from slactl.cli.app import app
from slactl.textsafe import for_terminal as _t
from slactl.textsafe import md_code, md_escape

if TYPE_CHECKING:
    from slactl.findings import Finding
    from slactl.history import ApprovalMark, DiffReport, FileDiff, History, HistoryEntry, Parsed
    from slactl.semdiff import Change


class Format(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


_MARK = {"added": "+", "removed": "-", "changed": "~"}
_SIGNATURE = {
    "G": "good",
    "U": "good, but the key is not in the allowed signers",
    "B": "BAD",
    "X": "good, but expired",
    "Y": "good, but made by an expired key",
    "R": "made by a revoked key",
    "E": "cannot be checked (missing key)",
    "N": "unsigned",
}
_FIRST_FINDINGS = 3


def _short(commit: str | None) -> str:
    return commit[:10] if commit else "-"


def _when(value: Any) -> str:
    return str(value.strftime("%Y-%m-%d %H:%M %z"))


def _favour(change: Change) -> str:
    return f"  [{change.favour}'s favour]" if change.favour else ""


class _Terminal:
    """A text stream that lets no control character through, whatever a caller forgot.

    The reporters below also make each value safe on its own (``_t``), so that a newline in
    a value cannot start a line of its own; this catches anything else on its way out.
    """

    def __init__(self, out: TextIO) -> None:
        self._out = out

    def write(self, text: str) -> int:
        return self._out.write(_t(text, newlines=True))

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)


def _finding_dict(f: Finding) -> dict[str, Any]:
    return {"line": f.line, "column": f.column, "path": f.path, "code": f.code, "message": f.message}


def _parsed_dict(p: Parsed | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {
        "valid": p.valid,
        "kind": p.kind,
        "id": p.document_id,
        "digest": p.digest,
        "findings": [_finding_dict(f) for f in p.findings],
    }


def _findings_lines(p: Parsed, indent: str) -> list[str]:
    lines = [f"{indent}{f.line}:{f.column}: {f.code} {_t(f.message)}" for f in p.findings[:_FIRST_FINDINGS]]
    if len(p.findings) > _FIRST_FINDINGS:
        lines.append(f"{indent}... and {len(p.findings) - _FIRST_FINDINGS} more")
    return lines


def _cell(text: str | None) -> str:
    """Markdown text (a table cell, a heading, a line): inert, on one line (see slactl.textsafe)."""
    return md_escape(text) if text else ""


# --------------------------------------------------------------------------- history


def _approval_line(mark: ApprovalMark) -> str:
    """One approval: the person its signature proves (never the author, unless as a claim), its verdict."""
    sig = _SIGNATURE.get(mark.signature, _t(mark.signature))
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
        f"approval {_t(mark.stage)!r} of {_t(mark.agreement)} by {by}, {_when(mark.date)} "
        f"(commit {_short(mark.commit)}): signature {sig}{principal}; {verdict}; digest {match}"
    )


def _entry_head(entry: HistoryEntry) -> str:
    rev = entry.revision
    extra = ""
    if rev.old_path:
        extra = f"  (renamed from {_t(rev.old_path)})"
    elif rev.is_merge:
        extra = "  (merge)"
    return f"{_short(rev.commit)}  {_when(rev.author_date)}  {_t(rev.author_name)} <{_t(rev.author_email)}>{extra}"


def history_text(hist: History, out: TextIO) -> None:
    """Newest first: each approval above the revision it approved, then the revision and its changes."""
    term = _Terminal(out)
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
            term.writelines(line + "\n" for line in _findings_lines(entry.parsed, "      "))
            continue
        if entry.compared_with is None:
            parsed = entry.parsed
            term.write(f"    first valid revision ({parsed.kind} {_t(parsed.document_id)}, {parsed.digest})\n")
        elif not entry.changes:
            term.write("    no change of terms (formatting, comments or equivalent spellings)\n")
        for change in entry.changes:
            term.write(f"    {_MARK[change.kind]} {_t(change.sentence())}{_favour(change)}\n")


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
                "parsed": _parsed_dict(e.parsed),
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
    out.write(f'{{"path": {json.dumps(hist.path, ensure_ascii=False)}, "revisions": [\n')
    out.write(",\n".join(json.dumps(row, ensure_ascii=False) for row in rows))
    out.write("\n]}\n")


def history_markdown(hist: History, out: TextIO) -> None:
    """A heading per revision, changes as a table, approvals as quotes."""
    out.write(f"## History of {md_code(hist.path)}\n")
    for entry in hist.entries:
        rev = entry.revision
        out.write(f"\n### `{_short(rev.commit)}` {_cell(rev.subject)}\n\n")
        for mark in entry.approvals:
            out.write(f"> **Approval** {_cell(_approval_line(mark))}\n\n")
        out.write(
            f"{_cell(rev.author_name)}, {_when(rev.author_date)}"
            + (f", renamed from {md_code(rev.old_path)}" if rev.old_path else "")
            + "\n\n"
        )
        if entry.parsed is None:
            out.write("File deleted.\n")
        elif not entry.parsed.valid:
            out.write("**Not valid at this revision:**\n\n")
            out.writelines(
                f"- `{f.line}:{f.column}` {f.code} {_cell(f.message)}\n"
                for f in entry.parsed.findings[:_FIRST_FINDINGS]
            )
        elif entry.compared_with is None:
            out.write("First valid revision.\n")
        elif not entry.changes:
            out.write("No change of terms.\n")
        else:
            _changes_table(entry.changes, out)


@app.command()
def history(
    path: Annotated[Path, typer.Argument(help="The agreement (or catalog) file.")],
    *,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output: text, json or markdown.")] = Format.text,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", help="Worker processes for parsing (default: all cores).", min=1)
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Parse every revision again; do not read or write the cache.")
    ] = False,
    allowed_signers: Annotated[
        Path | None,
        typer.Option(
            "--allowed-signers",
            help="SSH allowed signers file for checking approval signatures (default: written from the roster).",
        ),
    ] = None,
    base: Annotated[
        str | None,
        typer.Option(
            "--base",
            help="Judge approvals by the roster (slactl.yaml) and the stages' roles at this revision, "
            "e.g. origin/main, not the work tree's.",
        ),
    ] = None,
) -> None:
    """Every revision of an agreement (following renames), newest first, with what changed in business terms.

    Approvals are shown above the revision they approved: the roster person their signature
    proves (an unsigned one only as the author's claim), whether that person holds a role
    of the stage, and whether their digest matches that revision; a revision that did not
    validate is shown with its first findings.
    """
    from slactl import git as gitio
    from slactl.cli.progress import progress_bar
    from slactl.errors import SlactlError
    from slactl.history import file_history

    repo = gitio.find_repo(path)
    if repo is None:
        raise SlactlError("not inside a git work tree", path=str(path), hint="history reads the file's commits")
    if base is not None:
        base = base.strip()
        gitio.resolve(repo, base)  # an unknown base is a usage error, not an empty roster
    with tempfile.TemporaryDirectory(prefix="slactl-signers-") as tmp:
        from slactl.approvals import roster_for, write_roster_signers

        roster = roster_for(repo, path, base)
        if allowed_signers is None:
            allowed_signers = write_roster_signers(roster, Path(tmp) / "allowed_signers")
        with progress_bar("Reading revisions") as bar:
            hist = file_history(
                repo,
                gitio.rel_path(repo, path),
                jobs=jobs,
                use_cache=not no_cache,
                allowed_signers=allowed_signers,
                progress=bar,
                roster=roster,
                base=base,
            )
    {"text": history_text, "json": history_json, "markdown": history_markdown}[fmt.value](hist, sys.stdout)


# --------------------------------------------------------------------------- diff


def _changes_table(changes: list[Change], out: TextIO) -> None:
    out.write("| Change | Field | Before | After | In favour of |\n|---|---|---|---|---|\n")
    for c in changes:
        out.write(f"| {c.kind} | {_cell(c.label)} | {_cell(c.old)} | {_cell(c.new)} | {c.favour or ''} |\n")


def _file_status(item: FileDiff) -> str:
    if item.status == "renamed":
        return f"renamed from {_t(item.old_path)}"
    return item.status


def _range(report: DiffReport) -> str:
    base = f"{_short(report.base)} ({report.base_label})" if report.base_label else _short(report.base)
    target = "the working tree" if report.target is None else f"{_short(report.target)} ({report.target_label})"
    return f"{base} → {target}"


def diff_text(report: DiffReport, out: TextIO) -> None:
    """A block per file: its status, then one line per change."""
    term = _Terminal(out)
    term.write(f"slactl diff {_t(_range(report))}\n")
    if not report.files:
        term.write("No slactl file changed.\n")
    for item in report.files:
        term.write(f"\n{_t(item.path)}: {_file_status(item)}")
        term.write(f", {len(item.changes)} change{'s' if len(item.changes) != 1 else ''}\n" if item.changes else "\n")
        for side, parsed in (("old", item.old), ("new", item.new)):
            if parsed is not None and not parsed.valid:
                term.write(f"  not valid at the {side} revision:\n")
                term.writelines(line + "\n" for line in _findings_lines(parsed, "    "))
        if item.status in ("modified", "renamed", "unchanged") and not item.changes and not item.invalid:
            term.write("  no change of terms\n")
        for change in item.changes:
            term.write(f"  {_MARK[change.kind]} {_t(change.sentence())}{_favour(change)}\n")


def diff_json(report: DiffReport, out: TextIO) -> None:
    """One JSON object; the shape is public."""
    doc = {
        "base": report.base,
        "base_label": report.base_label,
        "target": report.target,
        "target_label": report.target_label,
        "changed": report.has_changes,
        "files": [
            {
                "path": f.path,
                "old_path": f.old_path,
                "status": f.status,
                "changed": f.has_changes,
                "old": _parsed_dict(f.old),
                "new": _parsed_dict(f.new),
                "changes": [c.as_dict() for c in f.changes],
            }
            for f in report.files
        ],
    }
    json.dump(doc, out, indent=2, ensure_ascii=False)
    out.write("\n")


def diff_markdown(report: DiffReport, out: TextIO) -> None:
    """Ready to post as a pull-request comment: a heading per file, a table of changes with a favour column."""
    out.write("## slactl diff\n\n")
    out.write(f"Comparing {_cell(_range(report))}.\n")
    if not report.has_changes:
        out.write("\n**No change of terms** in any agreement.\n")
    for item in report.files:
        out.write(f"\n### {md_code(item.path)}\n\n")
        if item.status in ("added", "deleted"):
            parsed = item.new if item.status == "added" else item.old
            what = f" ({parsed.kind} {md_code(parsed.document_id)})" if parsed is not None and parsed.valid else ""
            out.write(f"File {item.status}{what}.\n")
        elif item.status == "renamed":
            out.write(f"Renamed from {md_code(item.old_path)}.\n\n")
        for side, parsed in (("old", item.old), ("new", item.new)):
            if parsed is not None and not parsed.valid:
                out.write(f"**Not valid at the {side} revision:**\n\n")
                out.writelines(
                    f"- `{f.line}:{f.column}` {f.code} {_cell(f.message)}\n" for f in parsed.findings[:_FIRST_FINDINGS]
                )
                out.write("\n")
        if item.changes:
            _changes_table(item.changes, out)
        elif item.status not in ("added", "deleted") and not item.invalid:
            out.write("No change of terms (formatting, comments or equivalent spellings only).\n")


def _split_args(args: list[str]) -> tuple[Path, list[str], list[str]]:
    """``[REV_A [REV_B]] [PATH...]``: leading arguments that name commits and no file are revisions."""
    from slactl import git as gitio
    from slactl.errors import SlactlError

    start = Path.cwd()
    repo = gitio.find_repo(start) or next((r for a in args if (r := gitio.find_repo(Path(a))) is not None), None)
    if repo is None:
        raise SlactlError("not inside a git work tree", path=str(start), hint="run slactl diff inside the repository")
    revs: list[str] = []
    for arg in args[:2]:
        if Path(arg).exists() or len(revs) == len(args):
            break
        try:
            gitio.resolve(repo, arg)
        except gitio.GitError:
            break
        revs.append(arg)
    paths = [gitio.rel_path(repo, Path(a)) for a in args[len(revs) :]]
    return repo, revs, paths


@app.command()
def diff(
    args: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[REV_A [REV_B]] [PATH...]",
            help="Revisions (default: the merge base with the default branch, and the working tree) and files "
            "(default: every slactl file changed between them).",
        ),
    ] = None,
    *,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="Output: text, json or markdown (a pull-request comment).")
    ] = Format.text,
    exit_code: Annotated[bool, typer.Option("--exit-code", help="Exit 1 when the terms changed.")] = False,
) -> None:
    """What changed in the agreements between two revisions, field by field, in business terms.

    With no revision: what a pull request changes (the merge base of HEAD with the default
    branch against the working tree). With one: that revision against the working tree.
    Changes are marked as in the customer's or the provider's favour where that is clear.
    """
    from slactl.history import diff_revisions

    repo, revs, paths = _split_args(list(args or []))
    report = diff_revisions(repo, revs[0] if revs else None, revs[1] if len(revs) > 1 else None, paths)
    {"text": diff_text, "json": diff_json, "markdown": diff_markdown}[fmt.value](report, sys.stdout)
    raise typer.Exit(1 if exit_code and report.has_changes else 0)
