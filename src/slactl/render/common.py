"""What every section builder of the view shares: the numbered outline, the names of
services and parties, and small wording helpers."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from slactl.model.agreement import Agreement, Party, ServiceLevel
    from slactl.model.catalog import Catalog


@dataclass(frozen=True)
class Heading:
    """A numbered heading: level 1 is a section ('3.'), level 2 a subsection ('3.2')."""

    key: str
    number: str
    title: str
    anchor: str
    level: int
    children: list[Heading] = field(default_factory=list)

    @property
    def slug(self) -> str:
        """GitHub's anchor of the Markdown heading text."""
        text = f"{self.number} {self.title}".lower()
        return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


class _Outline:
    """Numbers sections in order as they are added."""

    def __init__(self) -> None:
        self.sections: list[Heading] = []
        self.by_key: dict[str, Heading] = {}

    def section(self, key: str, title: str) -> Heading:
        heading = Heading(key, f"{len(self.sections) + 1}.", title, key, 1)
        self.sections.append(heading)
        self.by_key[key] = heading
        return heading

    def sub(self, parent: Heading, key: str, title: str) -> Heading:
        number = f"{parent.number}{len(parent.children) + 1}"
        heading = Heading(key, number, title, f"{parent.anchor}-{key}", 2)
        parent.children.append(heading)
        self.by_key[f"{parent.key}.{key}"] = heading
        return heading


_TYPE_LABELS = {
    "customer": "Service Level Agreement",
    "internal": "Operational Level Agreement",
    "vendor": "Underpinning Contract",
}
_STRUCTURE_LABELS = {
    "service-based": "service-based (one service for all customers)",
    "customer-based": "customer-based (all services for one customer)",
    "multi-level": "multi-level (corporate, customer and service levels)",
}


def join_items(items: Sequence[str]) -> str:
    """List entries as one sentence: 'A, b and c.' (see :func:`say_items`), ending with a full stop."""
    text = say_items(items)
    return text[:1].upper() + text[1:] + "." if text else ""


def say_items(items: Sequence[str]) -> str:
    """List entries joined as a sentence: 'a, b and c'; 'a; b, c; and d' when an entry holds a comma.

    Each entry's own final full stop is dropped, and the capital that starts an entry after the
    first is lowered unless it looks like a proper name (see :func:`lower_initial`).
    """
    words = [" ".join(i.split()).rstrip(".") for i in items]
    words = [w for w in words if w]
    if len(words) <= 1:
        return "".join(words)
    words = [words[0], *(lower_initial(w) for w in words[1:])]
    if any("," in w or ";" in w for w in words):
        return f"{'; '.join(words[:-1])}; and {words[-1]}"
    return f"{', '.join(words[:-1])} and {words[-1]}"


def lower_initial(text: str) -> str:
    """``text`` with its first capital lowered when it only starts a sentence: 'Support for x' -> 'support for x'.

    Kept when it looks like a proper name or an acronym: a first word that is not a plain
    capitalized word ('HR', 'PostgreSQL', 'iPad'), or one followed by another capitalized word
    ('Microsoft Office', 'Northwind Traders').
    """
    words = text.split(" ")
    first = words[0]
    if len(first) < 2 or not (first[0].isupper() and first[1:].islower()):
        return text
    if len(words) > 1 and words[1][:1].isupper():
        return text
    return first[0].lower() + text[1:]


def stage_title(stage: str, roles: Sequence[str] = ()) -> str:
    """An approval stage in words: 'management-initial' of role management -> 'Management (initial)'."""
    for role in sorted(roles, key=len, reverse=True):
        if stage != role and stage.startswith(f"{role}-"):
            return f"{_title(role)} ({stage[len(role) + 1 :].replace('-', ' ')})"
    return _title(stage)


def role_title(role: str) -> str:
    """A role in words, as a name: 'contracting-officer' -> 'Contracting Officer'."""
    return " ".join(part.capitalize() for part in role.replace("_", "-").split("-") if part)


def _title(slug: str) -> str:
    text = slug.replace("-", " ").replace("_", " ")
    return text[:1].upper() + text[1:]


def _schedule(spec: Mapping[str, str]) -> str:
    return ", ".join(f"{'-'.join(p.capitalize() for p in day.split('-'))} {span}" for day, span in spec.items())


@dataclass
class _Names:
    services: dict[str, str]
    descriptions: dict[str, str | None]
    catalog_prices: dict[str, tuple[Decimal, str]]
    catalog_title: str | None


def _names(agreement: Agreement, catalogs: Sequence[Catalog]) -> _Names:
    catalog = next((c for c in catalogs if c.metadata.id == agreement.metadata.catalog), None)
    entries = {s.id: s for s in catalog.services} if catalog else {}
    names: dict[str, str] = {}
    descriptions: dict[str, str | None] = {}
    prices: dict[str, tuple[Decimal, str]] = {}
    for service in agreement.services:
        entry = entries.get(service.catalog) if service.catalog else None
        names[service.id] = service.name or (entry.name if entry else _title(service.catalog or service.id))
        descriptions[service.id] = service.description or (entry.description if entry else None)
        if entry is not None:
            prices[service.id] = (entry.unit_price, entry.unit)
    return _Names(names, descriptions, prices, catalog.metadata.title if catalog else None)


def level_label(level: ServiceLevel, service_name: str) -> str:
    """A short name for a service level: its own name, else service, measure and scope."""
    if level.name:
        return level.name
    from slactl.wording import say_metric

    scope = [s for s in (level.scope.priority, level.scope.request_type, level.scope.site) if s]
    tail = f" ({', '.join(scope)})" if scope else ""
    return f"{service_name}: {say_metric(level.metric).lower()}{tail}"


def level_phrase(level: ServiceLevel, service_name: str) -> str:
    """A service level as a heading, without a label's colon: 'Virtual Server Hosting availability (P1)'."""
    if level.name:
        return level.name
    from slactl.wording import say_metric

    scope = [s for s in (level.scope.priority, level.scope.request_type, level.scope.site) if s]
    tail = f" ({', '.join(scope)})" if scope else ""
    return f"{service_name} {say_metric(level.metric).lower()}{tail}"


def party_label(party: Party) -> str:
    """How the text names a party: its short name, its organization, else “the Customer” (public terms)."""
    return party.name or party.organization or "the Customer"


def _party_phrase(party: Party, role: str | None = None) -> str:
    """'Org (“Name”)', or with its role: 'Org (“Name”, the customer)'; an unnamed customer is “the Customer”."""
    tail = f", {role}" if role else ""
    if party.organization and party.name:
        return f"{party.organization} (“{party.name}”{tail})"
    if party.organization:
        return f"{party.organization}{f' ({role})' if role else ''}"
    return party_label(party)


def _owner(key: str, party: Party) -> str:
    return f"{_title(key)} ({party.name})" if party.name else _title(key)


def _notice_key(notice: object) -> str:
    return notice if isinstance(notice, str) else str(notice)


def _contacts_by_name(agreement: Agreement) -> dict[str, tuple[str, Any]]:
    parties = agreement.parties
    return {c.name: (party_label(party), c) for party in (parties.provider, parties.customer) for c in party.contacts}


def _when(value: date | datetime | None) -> str:
    from slactl.wording import say_date

    if value is None:
        return "—"
    if isinstance(value, datetime):
        return f"{say_date(value.date())} {value:%H:%M} UTC{value:%z}".replace("UTC+0000", "UTC")
    return say_date(value)
