"""Clause changes in business terms: a library clause added, removed, moved to another version
("Limitation of liability: version 2 → 3"), a parameter's value changed, and the sentences of
its rendered words that changed (a clause file edited in place shows that way too).

Works on the agreement's clauses resolved at each revision (``slactl.clauses.Resolved``, from
the clause library of that revision); the generic walk of the dump says the rest.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from slactl.semdiff import SEP, Change, ChangeKind

if TYPE_CHECKING:
    from slactl.clauses import Resolved

__all__ = ["SECTION", "clause_changes", "without_library_clauses"]

SECTION = "General terms"


def without_library_clauses(changes: Sequence[Change], old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """``changes`` less the generic ones of library clauses (``clauses › <id>``): :func:`clause_changes` says those."""
    ids = {str(e["use"]) for d in (old, new) for e in d.get("clauses") or [] if isinstance(e, dict) and e.get("use")}
    # A clause's key in the walk is "<use> / <title>" (schema._KEYS): its id comes first.
    return [
        c for c in changes if not (len(c.path) >= 2 and c.path[0] == "clauses" and c.path[1].split(" / ")[0] in ids)
    ]


def clause_changes(old: Sequence[Resolved], new: Sequence[Resolved]) -> list[Change]:
    """What changed in the library clauses between two revisions, in the order of the new one."""
    from slactl.clauses import sentences

    before = {c.id: c for c in old if c.id is not None}
    after = {c.id: c for c in new if c.id is not None}
    out: list[Change] = []
    for clause_id, clause in after.items():
        title = clause.title
        was = before.get(clause_id)
        if was is None:
            out.append(Change("added", ("clauses", clause_id), SECTION, f"{SECTION}{SEP}{title}", None,
                              f"version {clause.version}", None, None, clause.version))  # fmt: skip
            continue
        if was.version != clause.version:
            out.append(Change("changed", ("clauses", clause_id, "version"), SECTION, title, f"version {was.version}",
                              str(clause.version), None, was.version, clause.version))  # fmt: skip
        old_values, new_values = dict(was.values), dict(clause.values)
        for name in sorted(set(old_values) | set(new_values)):
            a, b = old_values.get(name), new_values.get(name)
            if a != b:
                kind: ChangeKind = "added" if a is None else "removed" if b is None else "changed"
                out.append(Change(kind, ("clauses", clause_id, "with", name), SECTION, f"{title}{SEP}{name}", a, b,
                                  None, a, b))  # fmt: skip
        a_sentences, b_sentences = sentences(was.text), sentences(clause.text)
        matcher = difflib.SequenceMatcher(a=a_sentences, b=b_sentences, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            label = f"{title}{SEP}sentence"
            path = ("clauses", clause_id, "text")
            out.extend(Change("removed", path, SECTION, label, x, None, None, x, None) for x in a_sentences[i1:i2])
            out.extend(Change("added", path, SECTION, label, None, x, None, None, x) for x in b_sentences[j1:j2])
    for clause_id, clause in before.items():
        if clause_id not in after:
            out.append(Change("removed", ("clauses", clause_id), SECTION, f"{SECTION}{SEP}{clause.title}",
                              f"version {clause.version}", None, None, clause.version, None))  # fmt: skip
    return out
