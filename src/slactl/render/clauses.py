"""The sections of the view built from clauses and definitions: Definitions (what the
agreement measures, its own defined terms, clauses of the definitions section) and General
terms (the clauses of the library and the agreement's own, by section)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from slactl.render.common import _Outline

if TYPE_CHECKING:
    from slactl.clauses import Resolved
    from slactl.model.agreement import Agreement


def _blocks(clause: Resolved) -> list[dict[str, Any]]:
    from slactl.clauses import paragraphs

    return paragraphs(clause.text)


def definitions(agreement: Agreement, outline: _Outline, clauses: Sequence[Resolved]) -> dict[str, Any] | None:
    """Definitions: the measured terms (metrics, calendars, windows), the file's own terms, definition clauses."""
    from slactl.wording.definitions import measured_terms

    measured = [[term, meaning[:1].upper() + meaning[1:]] for term, meaning in measured_terms(agreement)]
    own = [[" ".join(term.split()), " ".join(meaning.split())] for term, meaning in agreement.definitions.items()]
    texts = [c for c in clauses if c.section == "definitions"]
    if not (measured or own or texts):
        return None
    outline.section("definitions", "Definitions")
    return {
        "clauses": [{"title": c.title, "blocks": _blocks(c)} for c in texts],
        "measured": measured,
        "own": own,
    }


def general_terms(outline: _Outline, clauses: Sequence[Resolved]) -> dict[str, Any] | None:
    """General terms: one sub-section per clause, grouped in the order of the sections."""
    from slactl.clauses import GENERAL_SECTIONS

    order = list(GENERAL_SECTIONS)
    chosen = sorted(
        (c for c in clauses if c.section in GENERAL_SECTIONS and c.section != "definitions"),
        key=lambda c: order.index(c.section),
    )  # a stable sort: the file's order within a section
    if not chosen:
        return None
    section = outline.section("general_terms", "General terms")
    out = []
    for i, clause in enumerate(chosen, 1):
        heading = outline.sub(section, f"clause-{i}", clause.title)
        out.append({"key": f"general_terms.clause-{i}", "heading": heading, "blocks": _blocks(clause)})
    return {"clauses": out}


def placed(outline: _Outline, key: str, written: bool, clauses: Sequence[Resolved]) -> dict[str, Any] | None:
    """The clauses that join the document's section ``key``, as sub-sections after its content.

    Called right after the section itself was built (``written``: it had content), so that the
    numbering follows the document; a section with nothing but clauses gets its heading here.
    """
    from slactl.clauses import DOCUMENT_SECTIONS

    chosen = [c for c in clauses if DOCUMENT_SECTIONS.get(c.section, ("", ""))[0] == key]
    if not chosen:
        return None
    title = next(title for view_key, title in DOCUMENT_SECTIONS.values() if view_key == key)
    section = outline.by_key[key] if written else outline.section(key, title)
    taken = len(section.children)
    items = []
    for i, clause in enumerate(chosen, taken + 1):
        heading = outline.sub(section, f"clause-{i}", clause.title)
        items.append({"heading": heading, "blocks": _blocks(clause)})
    return {"heading": None if written else section, "clauses": items}
