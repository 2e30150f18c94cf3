"""Findings accepted in the file: ``ignore: [{code, path, reason}]``.

An entry is checked like any other field (SLA170, SLA171 here, at its line); the valid entries
travel with the file's result, and once every finding of the run is known (cross-file rules
included) each entry takes the findings it covers out of the count. An entry that covers
none is stale (SLA370): the file changed and the note no longer says anything true.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from slactl.findings import Finding, Severity
from slactl.loading import Loaded
from slactl.rules import RULES, FileContext, define, file_rule

define("SLA170", Severity.ERROR, "An `ignore` entry names a code that is no rule's (with a did-you-mean).")
define("SLA171", Severity.ERROR, "An `ignore` entry names a code that cannot be accepted: the loader's and the "
       "schema's (SLA0xx; the file could not be read as a document) and the codes about `ignore` itself.")  # fmt: skip
define("SLA370", Severity.WARNING, "An `ignore` entry accepts a finding the file no longer has (a stale acceptance).")

# Codes about the acceptances themselves: accepting them would hide that an acceptance is wrong.
OWN = frozenset({"SLA170", "SLA171", "SLA370"})

ACCEPTING = """\
A finding can be accepted in the file that has it, with the reason, in the top-level `ignore`
list (agreements and catalogs alike):

```yaml
ignore:
  - code: SLA305
    path: escalation          # optional: this field path and every path below it
    reason: public terms have no escalation ladder
```

Without `path`, the entry accepts every finding of that code in the file. An accepted finding
is not counted as an error or a warning (so `--strict` passes), the text and `github` outputs
show only how many were accepted (`1 accepted`), and `--format json` lists each under
`accepted` with its reason and the line of the entry (`accepted_at`).

- `reason` is required and cannot be blank.
- An unknown code is an error at the entry (SLA170), with a did-you-mean.
- The loader's and the schema's codes (SLA0xx) cannot be accepted (SLA171): a file that has
  them is not read as a document at all. Neither can SLA170, SLA171 and SLA370.
- An entry that accepts nothing any more is a warning at the entry (SLA370): remove it.

`ignore` is part of the file, so it is part of the content digest: the approvers approve the
acceptances with the rest, and `slactl diff` shows a change of them ("Accepted findings ›
accepted finding SLA305 at escalation: added: public terms have no escalation ladder"). It is a
note for the tooling, not a term: the rendered document does not print it.

Which sections SLA305 expects of each type of agreement is set for a whole repository in
slactl.yaml, e.g. `required_sections: {customer: [service_levels, pricing], internal: []}`;
a type not listed keeps the default (service_levels, escalation, reporting, termination,
approvals, signatories, and pricing except for internal agreements).
"""


@dataclass(frozen=True, slots=True)
class Entry:
    """A valid ``ignore`` entry and where it was written (small and picklable: it crosses processes)."""

    index: int
    code: str
    path: str | None
    reason: str
    line: int
    column: int

    def covers(self, finding: Finding) -> bool:
        """Whether this entry accepts ``finding`` (same code, at its path or below)."""
        if finding.code != self.code:
            return False
        if self.path is None or finding.path == self.path:
            return True
        return finding.path.startswith((self.path + ".", self.path + "["))


@dataclass(frozen=True, slots=True)
class Accepted:
    """A finding accepted by an ``ignore`` entry of its file."""

    finding: Finding
    reason: str
    line: int  # of the entry
    column: int


def acceptable(code: str) -> bool:
    """Whether an ``ignore`` entry may name ``code``."""
    return code in RULES and not code.startswith("SLA0") and code not in OWN


@file_rule("Agreement")
@file_rule("Catalog")
def ignore_codes(ctx: FileContext) -> None:
    """Each entry names a rule's code that can be accepted."""
    for i, entry in enumerate(ctx.document.ignore):
        code = entry.code
        where = ("ignore", i, "code")
        if code not in RULES:
            guess = difflib.get_close_matches(code.upper(), sorted(RULES), n=1, cutoff=0.5)
            hint = f"; did you mean `{guess[0]}`?" if guess else "; the codes are listed in docs/rules.md"
            ctx.report("SLA170", where, f"`{code}` is not a rule's code{hint}")
        elif not acceptable(code):
            why = (
                "it is about the acceptances themselves"
                if code in OWN
                else "a file with a loader or schema finding is not read as a document; fix the file"
            )
            ctx.report("SLA171", where, f"{code} cannot be accepted: {why}")


def entries(document: Any, loaded: Loaded) -> tuple[Entry, ...]:
    """The document's valid ``ignore`` entries, with their positions."""
    out: list[Entry] = []
    for i, item in enumerate(getattr(document, "ignore", ())):
        if acceptable(item.code):
            line, column = loaded.locate(("ignore", i))
            out.append(Entry(i, item.code, item.path, item.reason, line, column))
    return tuple(out)


def apply(findings: Iterable[Finding], by_file: Mapping[str, Sequence[Entry]]) -> tuple[list[Finding], list[Accepted]]:
    """Split a run's findings into those that count and those accepted; stale entries become findings."""
    kept: list[Finding] = []
    accepted: list[Accepted] = []
    used: set[tuple[str, int]] = set()
    for finding in findings:
        entry = next((e for e in by_file.get(finding.file, ()) if e.covers(finding)), None)
        if entry is None:
            kept.append(finding)
            continue
        accepted.append(Accepted(finding, entry.reason, entry.line, entry.column))
        # Every entry that covers the finding is in use, not only the first.
        used.update((finding.file, e.index) for e in by_file[finding.file] if e.covers(finding))
    for file, found in by_file.items():
        for e in found:
            if (file, e.index) not in used:
                where = f" at `{e.path}`" if e.path else " in this file"
                message = f"no {e.code} finding{where} any more: the acceptance is stale, remove it"
                kept.append(Finding(file, e.line, e.column, f"ignore[{e.index}]", Severity.WARNING, "SLA370", message))
    return kept, accepted
