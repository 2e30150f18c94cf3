"""Clause references: each library clause an agreement uses exists in that version, with a value
of the right type for each of its parameters (docs/clauses.md)."""

from __future__ import annotations

import difflib

from slactl.findings import Severity
from slactl.rules import FileContext, define, file_rule

define("SLA180", Severity.ERROR, "A clause names an id the clause library does not have.")
define("SLA181", Severity.ERROR, "A clause names a version of a library clause that the library does not have.")
define("SLA182", Severity.ERROR, "A library clause's parameter has no value (`with`) and no default.")
define("SLA183", Severity.ERROR, "A clause gives a value for a parameter the library clause does not have.")
define(
    "SLA184", Severity.ERROR, "A clause parameter's value does not fit its type (text, choice, number, duration, date)."
)
define("SLA185", Severity.ERROR, "A file of the clause library cannot be used (front matter, types, duplicates).")


@file_rule("Agreement")
def clause_references(ctx: FileContext) -> None:
    """SLA180-SLA185: every library clause resolves, with its parameters' values."""
    from slactl.clauses import Library, check_value

    uses = ctx.document.clauses
    if not uses:
        return
    library = ctx.settings.clauses if isinstance(ctx.settings.clauses, Library) else Library()
    if any(u.use is not None for u in uses):
        for path, why in library.problems:
            ctx.report("SLA185", ("clauses",), f"clause file {path}: {why}", key=True)
    for i, use in enumerate(uses):
        if use.use is None:
            continue
        versions = library.versions(use.use)
        if not versions:
            guess = difflib.get_close_matches(use.use, library.ids(), n=1)
            hint = f"; did you mean `{guess[0]}`?" if guess else ""
            folder = f" ({library.folder})" if library.folder else " (no clause library: see docs/clauses.md)"
            ctx.report("SLA180", ("clauses", i, "use"), f"no clause `{use.use}` in the clause library{folder}{hint}")
            continue
        clause = library.get(use.use, use.version)
        if clause is None:
            have = ", ".join(map(str, versions))
            ctx.report(
                "SLA181",
                ("clauses", i, "version"),
                f"clause `{use.use}` has no version {use.version} in the library; it has version(s) {have}",
            )
            continue
        for needed in clause.parameters:
            if needed.name not in use.with_ and needed.default is None:
                where: tuple[str | int, ...] = ("clauses", i, "with") if use.with_ else ("clauses", i, "use")
                ctx.report("SLA182", where, f"clause `{clause.id}` needs a value for `{needed.name}` ({needed.type})",
                           key=bool(use.with_))  # fmt: skip
        for name, value in use.with_.items():
            param = clause.parameter(name)
            if param is None:
                known = ", ".join(p.name for p in clause.parameters) or "none"
                message = f"clause `{clause.id}` has no parameter `{name}` (its parameters: {known})"
                ctx.report("SLA183", ("clauses", i, "with", name), message, key=True)
                continue
            problem = check_value(param, value)
            if problem:
                ctx.report("SLA184", ("clauses", i, "with", name), f"`{name}` of clause `{clause.id}` {problem}")
