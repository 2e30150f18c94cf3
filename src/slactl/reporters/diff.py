"""`slactl diff` as text, JSON or Markdown (a pull-request comment), from the DiffReport the core builds."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from slactl.reporters.common import (
    FIRST_FINDINGS,
    MARK,
    Terminal,
    cell,
    changes_table,
    favour,
    findings_lines,
    parsed_dict,
    short,
)
from slactl.textsafe import for_terminal as _t
from slactl.textsafe import json_text, md_code

if TYPE_CHECKING:
    from slactl.history import DiffReport, FileDiff


def _file_status(item: FileDiff) -> str:
    if item.status == "renamed":
        return f"renamed from {_t(item.old_path)}"
    if item.status == "clauses":
        return "clause text changed (the file itself did not)"
    return item.status


def _range(report: DiffReport) -> str:
    base = f"{short(report.base)} ({report.base_label})" if report.base_label else short(report.base)
    target = "the working tree" if report.target is None else f"{short(report.target)} ({report.target_label})"
    return f"{base} → {target}"


def diff_text(report: DiffReport, out: TextIO) -> None:
    """A block per file: its status, then one line per change."""
    term = Terminal(out)
    term.write(f"slactl diff {_t(_range(report))}\n")
    if not report.files:
        term.write("No slactl file changed.\n")
    for item in report.files:
        term.write(f"\n{_t(item.path)}: {_file_status(item)}")
        term.write(f", {len(item.changes)} change{'s' if len(item.changes) != 1 else ''}\n" if item.changes else "\n")
        for side, parsed in (("old", item.old), ("new", item.new)):
            if parsed is not None and not parsed.valid:
                term.write(f"  not valid at the {side} revision:\n")
                term.writelines(line + "\n" for line in findings_lines(parsed, "    "))
        if item.status in ("modified", "renamed", "unchanged") and not item.changes and not item.invalid:
            term.write("  no change of terms\n")
        for change in item.changes:
            term.write(f"  {MARK[change.kind]} {_t(change.sentence())}{favour(change)}\n")


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
                "old": parsed_dict(f.old),
                "new": parsed_dict(f.new),
                "changes": [c.as_dict() for c in f.changes],
            }
            for f in report.files
        ],
    }
    out.write(json_text(doc, indent=2))
    out.write("\n")


def diff_markdown(report: DiffReport, out: TextIO) -> None:
    """Ready to post as a pull-request comment: a heading per file, a table of changes with a favour column."""
    out.write("## slactl diff\n\n")
    out.write(f"Comparing {cell(_range(report))}.\n")
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
                    f"- `{f.line}:{f.column}` {f.code} {cell(f.message)}\n" for f in parsed.findings[:FIRST_FINDINGS]
                )
                out.write("\n")
        if item.changes:
            changes_table(item.changes, out)
        elif item.status not in ("added", "deleted") and not item.invalid:
            out.write("No change of terms (formatting, comments or equivalent spellings only).\n")


DIFF_REPORTERS = {"text": diff_text, "json": diff_json, "markdown": diff_markdown}
