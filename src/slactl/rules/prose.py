"""Rules over an agreement's (or a catalog's) free text and completeness: vague wording, missing sections.

Registered after the credit rules (see ``RULE_MODULES``); their codes and the shared helpers are
defined in ``slactl.rules.agreement``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from slactl.loading import Path_
from slactl.rules import FileContext, file_rule
from slactl.rules.agreement import _doc

# --------------------------------------------------------------------------- wording and completeness

VAGUE = re.compile(
    r"\b(asap|as\s+soon\s+as\s+possible|best[-\s]efforts?|reasonabl[ey]|promptly|timely|etc\b\.?)", re.IGNORECASE
)
# A substring of every vague word: a few C-speed scans of the raw text clear most files
# (scanning it with VAGUE itself costs more than the rest of the rules together).
_VAGUE_HINTS = ("asap", "soon", "best", "reasonabl", "promptly", "timely", "etc")
# Keys whose values are ids, addresses or structured values, not prose.
_NOT_PROSE = frozenset(
    {
        "apiVersion",
        "kind",
        "id",
        "service",
        "service_level",
        "catalog",
        "stage",
        "roles",
        "calendar",
        "support_hours",
        "underpins",
        "underpinned_by",
        "renews",
        "email",
        "phone",
        "timezone",
        "currency",
        "ignore",  # accepted findings: a note for the tooling, never printed in the document
    }
)


def prose(data: Any, path: Path_ = ()) -> Iterator[tuple[Path_, str]]:
    """Every free-text string of a loaded document, with its path."""
    if isinstance(data, dict):
        for name, value in data.items():
            if name not in _NOT_PROSE:
                yield from prose(value, (*path, name))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from prose(value, (*path, i))
    elif isinstance(data, str):
        yield path, data


@file_rule("Agreement")
@file_rule("Catalog")
def vague_wording(ctx: FileContext) -> None:
    """Free text says what it means in measurable terms."""
    lowered = ctx.loaded.text.lower()
    if not any(hint in lowered for hint in _VAGUE_HINTS):
        return
    for path, text in prose(ctx.loaded.data):
        seen: set[str] = set()
        for match in VAGUE.finditer(text):
            word = " ".join(match.group(1).lower().split())
            if word not in seen:
                seen.add(word)
                ctx.report(
                    "SLA304",
                    path,
                    f'vague wording "{match.group(1)}"; say it in terms that can be checked '
                    "(a time, a date, a number, a list)",
                )


# What each section is for, in the SLA305 message.
_PURPOSE = {
    "needs": "what the customer's business needs",
    "calendars": "when the services are supported",
    "service_levels": "how the services are measured",
    "responsibilities": "what each side does",
    "constraints": "the limits of the support",
    "pricing": "what the agreement costs",
    "communication": "how the parties keep in touch",
    "reporting": "how performance is reported",
    "escalation": "who handles issues that cannot be resolved at the first level",
    "credits": "what the customer gets when a target is missed",
    "termination": "how the agreement can end early",
    "transition": "how the service starts",
    "approvals": "who approves the agreement before signature",
    "signatories": "who signs for each party",
    "distribution": "who receives the signed agreement",
}


@file_rule("Agreement")
def expected_sections(ctx: FileContext) -> None:
    """The sections a reviewer looks for (per type of agreement, slactl.yaml `required_sections`) are there."""
    doc = _doc(ctx)
    for section in ctx.settings.sections_for(doc.metadata.type):
        value = getattr(doc, section, None)
        if value is None or value == [] or value == {}:
            purpose = _PURPOSE.get(section, "what it covers")
            if section == "pricing":
                purpose = f"what a {doc.metadata.type} agreement costs"
            ctx.report("SLA305", (section,), f"no `{section}` section: a reviewer expects it to say {purpose}")
