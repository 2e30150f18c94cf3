"""`slactl explain-rule`."""

from __future__ import annotations

import sys
import textwrap
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from slactl.cli.app import command
from slactl.textsafe import json_text

if TYPE_CHECKING:
    from slactl.rules.explain import RuleDoc


class Format(StrEnum):
    text = "text"
    json = "json"


@command(
    summary="Explain a rule, with an example of the fix.",
    epilog="""
slactl explain-rule SLA305
slactl explain-rule sla110 --format json
""",
)
def explain_rule(
    code: Annotated[
        str, typer.Argument(help="A rule code, as validate reports it (SLA123; any case).", metavar="CODE")
    ],
    *,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output: text, or json for machines.")] = Format.text,
) -> None:
    """Explain a rule: what it checks, why it matters, and an example of the fix."""
    from slactl.rules.explain import describe

    doc = describe(code)
    sys.stdout.write(as_json(doc) if fmt is Format.json else as_text(doc))


def _block(snippet: str) -> str:
    lines = snippet.splitlines() or ["(nothing)"]
    return "".join(f"    {line}\n" for line in lines)


def as_text(doc: RuleDoc) -> str:
    """The explanation for a person: code, severity, summary, why, and the fix."""
    why = textwrap.fill(doc.explanation.why, width=88)
    out = [f"{doc.code} ({doc.severity}): {doc.summary}\n\n{why}\n"]
    fix = doc.explanation.fix
    if fix is None:
        out.append(f"\nNo example: {doc.explanation.no_example}.\n")
    else:
        where = "" if fix.target == "agreement.yaml" else f" (in {fix.target})"
        if fix.note:
            out.append(f"\n{textwrap.fill(fix.note, width=88)}\n")
        out.append(f"\nInstead of{where}:\n{_block(fix.bad)}\nwrite:\n{_block(fix.good)}")
    out.append(f"\nMore: docs/rules.md#{doc.code.lower()}\n")
    return "".join(out)


def as_json(doc: RuleDoc) -> str:
    """The same, as one JSON object."""
    fix = doc.explanation.fix
    example = None
    if fix is not None:
        example = {"file": fix.target, "note": fix.note or None, "instead_of": fix.bad, "write": fix.good}
    value = {
        "code": doc.code,
        "severity": doc.severity,
        "summary": doc.summary,
        "explanation": doc.explanation.why,
        "example": example,
        "no_example": doc.explanation.no_example or None,
    }
    return json_text(value, indent=2) + "\n"
