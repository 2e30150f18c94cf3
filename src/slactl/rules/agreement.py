"""Rules over one agreement: what a reviewer would catch once the file has the right shape.

Each rule is one concern and reports every problem it sees; none raises on odd input
(empty lists, missing optional sections), so one run shows everything. How durations are
compared is ``DURATIONS`` (also printed in docs/rules.md).

This module holds the codes of every agreement rule (one table), the helpers the rules share,
and the rules over the term, pricing, people, escalation and approvals; the rules over service
levels, credits and free text are ``slactl.rules.levels``, ``.credits`` and ``.prose``.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection, Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal, localcontext
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from slactl.findings import Severity, format_path
from slactl.fiscal import fiscal_year_bounds
from slactl.loading import Path_
from slactl.model.types import Count, Duration, Percent, Score
from slactl.rules import FileContext, define, file_rule

if TYPE_CHECKING:
    from slactl.model.agreement import (
        Agreement,
        Approvals,
        Calendar,
        Escalation,
        Pricing,
        ServiceLevel,
    )

E, W = Severity.ERROR, Severity.WARNING
define("SLA100", E, "The term ends on or before the day it starts.")
define("SLA101", E, "`term.fiscal_year` does not contain the term, given the configured fiscal-year start.")
define("SLA110", E, "The payment schedule does not sum to `pricing.total`.")
define("SLA111", E, "A payment is due outside the term.")
define("SLA112", E, "`pricing.total` is not the sum of the items (quantity x unit_price).")
define("SLA113", E, "A price item's `amount` is not its quantity x unit_price.")
define("SLA114", E, "A service with a `custom_fee` is priced at a different `unit_price`.")
define("SLA115", E, "A price item names a service that is not in `services`.")
define("SLA120", E, "An escalation contact or a stage approver is not a contact of either party.")
define("SLA121", E, "A signatory is not a contact of the party they sign for.")
define("SLA122", E, "Escalation levels are not numbered 1, 2, 3... in order.")
define("SLA123", E, "Escalation thresholds (`after`) do not strictly increase.")
define("SLA124", E, "An approval stage names a role that slactl.yaml `roles` does not list.")
define("SLA130", E, "A response target is longer than the resolution target of the same service and scope.")
define("SLA131", E, "A higher priority has a looser target (or attainment) than a lower one of the same metric.")
define("SLA132", E, "A percentage or score is out of range (targets, attainment, credits, cap).")
define("SLA133", E, "A service level has no `window`.")
define("SLA134", E, "A service level names a service that is not in `services`.")
define("SLA135", E, "A calendar is named but not defined in `calendars`, or a service level runs on no calendar.")
define("SLA136", E, "Credits, rewards, penalties or termination name a service level that does not exist.")
define("SLA140", E, "An id is used twice in the file (services, service levels, approval stages).")
define("SLA141", E, "Two contacts of one party have the same name.")
define("SLA142", E, "A credit band's `from` is not below its `to`.")
define("SLA144", E, "A credit amount (`minimum`, `agreement_cap`) is not above zero, or is in a currency other than "
       "`pricing.currency`.")  # fmt: skip
define("SLA143", E, "Credit bands of one schedule overlap (or a band open above is not the top one).")
define("SLA300", W, "Payments are not in date order.")
define("SLA301", W, "A meeting attendee or report audience is neither a contact, a contact's role nor a party.")
define("SLA302", W, "The top credit band does not end at the service level's target (or attainment).")
define("SLA303", W, "A credit band gives more than `credits.monthly_cap`.")
define("SLA304", W, "Vague wording (asap, best effort, reasonable, promptly, timely, etc.) in free text.")
define("SLA305", W, "A section a reviewer expects is missing (escalation, reporting, approvals, pricing...); which "
       "ones, per type of agreement, is set by slactl.yaml `required_sections`.")  # fmt: skip
define("SLA306", W, "A service has no service level.")
define("SLA343", W, "Credit bands of one schedule leave a gap: measured values in it earn no credit.")

DURATIONS = """\
Durations are compared in minutes on the clock they run on (`length_minutes`): minutes,
hours, days and weeks by their length; a business day as the business day of the calendar in
force, that is the service level's own calendar or its service's support hours: its open hours
of a week over its open days (`mon-fri: 08:00-17:00` makes a business day 9 hours; Mon-Thu
08:00-17:00 with Fri 08:00-12:00 makes it 8), or 24 hours without a calendar or on a 24x7 one,
the same length `slactl report` measures (see [Durations](format.md#durations)). Escalation
names no calendar, so its business day is the longest business day of the agreement's
calendars. So `4h` comes before `1 business day`, and `2 business days` before `3 days`; on an
agreement with a 24x7 calendar `1 business day` equals `1 day`.
"""
SectionRule = Callable[[FileContext, Any], None]
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
_UNIT_MINUTES = {"minutes": Decimal(1), "hours": Decimal(60), "days": Decimal(1440), "weeks": Decimal(10080)}
_PRIORITY_ORDER = ("P1", "P2", "P3", "P4")
_LISTED = 8  # names listed when an unknown one has no close match


# --------------------------------------------------------------------------- shared helpers


def _doc(ctx: FileContext) -> Agreement:
    document: Agreement = ctx.document
    return document


def section_rule(name: str) -> Callable[[SectionRule], SectionRule]:
    """Decorator: an agreement rule over the optional section ``name``, run only when it is there."""

    def register(func: SectionRule) -> SectionRule:
        def rule(ctx: FileContext) -> None:
            section = getattr(ctx.document, name)
            if section is not None:
                func(ctx, section)

        rule.__name__ = func.__name__
        rule.__module__ = func.__module__
        file_rule("Agreement")(rule)
        return func

    return register


def _money(value: Decimal) -> str:
    return format(value, ",f")


def _hint(name: str, known: Collection[str]) -> str:
    guess = difflib.get_close_matches(name, list(known), n=1)
    if guess:
        return f"; did you mean `{guess[0]}`?"
    names = sorted(known)
    listed = ", ".join(f"`{k}`" for k in names[:_LISTED]) or "none"
    more = f" and {len(names) - _LISTED} more" if len(names) > _LISTED else ""
    return f" (known: {listed}{more})"


def check_known(ctx: FileContext, code: str, path: Path_, name: str, known: Collection[str], what: str) -> None:
    """Report ``name`` at ``path`` unless it is one of ``known``."""
    if name not in known:
        ctx.report(code, path, f"`{name}` is not {what}{_hint(name, known)}")


def check_unique(ctx: FileContext, code: str, what: str, entries: Iterable[tuple[str, Path_]]) -> None:
    """Report every repeat of a name, pointing back at its first use."""
    first: dict[str, Path_] = {}
    for name, path in entries:
        if name not in first:
            first[name] = path
            continue
        line, _ = ctx.loaded.locate(first[name])
        ctx.report(code, path, f"{what} `{name}` is used twice (first at {format_path(first[name])}, line {line})")


def check_percent(ctx: FileContext, path: Path_, value: Percent, what: str, *, zero_ok: bool = False) -> None:
    """A share must be in (0%, 100%] ([0%, 100%) for a lower bound, with ``zero_ok``)."""
    low_ok = value.value >= 0 if zero_ok else value.value > 0
    high_ok = value.value < HUNDRED if zero_ok else value.value <= HUNDRED
    if not (low_ok and high_ok):
        allowed = "from 0% up to but not including 100%" if zero_ok else "above 0% and at most 100%"
        ctx.report("SLA132", path, f"{what} is {value}; it must be {allowed}")


def business_day_minutes(calendars: Iterable[Calendar]) -> Decimal:
    """The longest business day of the calendars (``slactl.clock.business_day``), in minutes; 1440 without one."""
    from datetime import timedelta

    from slactl.clock import business_day

    lengths = [business_day(calendar.weekly()) for calendar in calendars]
    longest = max(lengths, default=timedelta(days=1))
    return Decimal(longest // timedelta(microseconds=1)) / 60_000_000


def length_minutes(duration: Duration, business_day: Decimal) -> Decimal:
    """A duration in minutes, a business day counting ``business_day`` minutes."""
    if duration.unit == "business_days":
        return duration.value * business_day
    return duration.value * _UNIT_MINUTES[duration.unit]


def _level_business_day(doc: Agreement, level: ServiceLevel) -> Decimal:
    calendar = doc.calendar_for(level)
    return business_day_minutes([calendar] if calendar else [])


def measure(doc: Agreement, level: ServiceLevel) -> Decimal | None:
    """A target as one comparable number: minutes, percent, share of the scale or count."""
    target = level.target
    if isinstance(target, Duration):
        return length_minutes(target, _level_business_day(doc, level))
    if isinstance(target, Percent):
        return target.value
    if isinstance(target, Score):
        return target.value / target.scale if target.scale else None
    if isinstance(target, Count):
        return Decimal(target.value)
    return None  # pragma: no cover - the model admits no other target


def _contacts(doc: Agreement) -> set[str]:
    return {c.name for party in (doc.parties.provider, doc.parties.customer) for c in party.contacts}


def _levels(doc: Agreement) -> Iterator[tuple[int, ServiceLevel]]:
    yield from enumerate(doc.service_levels)


# --------------------------------------------------------------------------- term


@file_rule("Agreement")
def term_order(ctx: FileContext) -> None:
    """The term ends after it starts."""
    term = _doc(ctx).term
    if term.end is not None and term.end <= term.start:
        ctx.report(
            "SLA100",
            ("term", "end"),
            f"the term ends {term.end} but starts {term.start}; the end must come after the start",
        )


@file_rule("Agreement")
def term_fiscal_year(ctx: FileContext) -> None:
    """A term labelled FYnnnn lies inside that fiscal year."""
    term = _doc(ctx).term
    if term.fiscal_year is None or term.end is None or term.end <= term.start:
        return
    month, day = ctx.settings.fiscal_year_start_month, ctx.settings.fiscal_year_start_day
    first, last = fiscal_year_bounds(int(term.fiscal_year[2:]), (month, day))
    if first <= term.start and term.end <= last:
        return
    ctx.report(
        "SLA101",
        ("term", "fiscal_year"),
        f"{term.fiscal_year} runs {first} to {last} (fiscal years start on {month:02d}-{day:02d}) but the term runs "
        f"{term.start} to {term.end}; change the term dates or the fiscal year",
    )


# --------------------------------------------------------------------------- pricing


def _cents(value: Decimal) -> Decimal:
    # Money is compared to the cent, so 0.5 x 33.33 = 16.665 may be written 16.67.
    with localcontext(prec=100):  # bounded amounts (model/types.py), but products pass 28 digits
        return value.quantize(CENT, rounding=ROUND_HALF_UP)


@section_rule("pricing")
def payments_sum(ctx: FileContext, pricing: Pricing) -> None:
    """The payment schedule adds up to the total."""
    if not pricing.payment_schedule:
        return
    paid = sum((p.amount for p in pricing.payment_schedule), Decimal(0))
    if paid != pricing.total:
        ctx.report(
            "SLA110",
            ("pricing", "payment_schedule"),
            f"payments sum to {_money(paid)} but pricing.total is {_money(pricing.total)} "
            f"(difference {_money(pricing.total - paid)})",
            key=True,
        )


@section_rule("pricing")
def payments_in_term(ctx: FileContext, pricing: Pricing) -> None:
    """Every payment falls due within the term."""
    term = _doc(ctx).term
    if term.end is not None and term.end <= term.start:
        return  # SLA100's finding; every payment would only repeat it
    for i, payment in enumerate(pricing.payment_schedule):
        if payment.due < term.start or (term.end is not None and payment.due > term.end):
            ctx.report(
                "SLA111",
                ("pricing", "payment_schedule", i, "due"),
                f"payment due {payment.due} is outside the term ({term.start} to {term.end or 'no end date'})",
            )


@section_rule("pricing")
def payments_in_order(ctx: FileContext, pricing: Pricing) -> None:
    """Payments are listed in date order."""
    for i, (before, after) in enumerate(pairwise(pricing.payment_schedule), start=1):
        if after.due < before.due:
            ctx.report(
                "SLA300",
                ("pricing", "payment_schedule", i, "due"),
                f"payment due {after.due} is listed after one due {before.due}; list payments in date order",
            )


@section_rule("pricing")
def pricing_total(ctx: FileContext, pricing: Pricing) -> None:
    """The total is the sum of quantity x unit_price over the items."""
    expected = sum((_cents(item.quantity * item.unit_price) for item in pricing.items), Decimal(0))
    if _cents(pricing.total) != expected:
        ctx.report(
            "SLA112",
            ("pricing", "total"),
            f"pricing.total is {_money(pricing.total)} but the items (quantity x unit_price) sum to {_money(expected)}",
        )


@section_rule("pricing")
def item_amounts(ctx: FileContext, pricing: Pricing) -> None:
    """A stated amount is quantity x unit_price."""
    for i, item in enumerate(pricing.items):
        expected = _cents(item.quantity * item.unit_price)
        if item.amount is not None and _cents(item.amount) != expected:
            ctx.report(
                "SLA113",
                ("pricing", "items", i, "amount"),
                f"amount is {_money(item.amount)} but quantity {item.quantity} x unit_price "
                f"{_money(item.unit_price)} = {_money(expected)}",
            )


@section_rule("pricing")
def custom_fee_prices(ctx: FileContext, pricing: Pricing) -> None:
    """A service with a custom fee is priced at that fee."""
    fees = {s.id: s.custom_fee for s in _doc(ctx).services if s.custom_fee is not None}
    for i, item in enumerate(pricing.items):
        fee = fees.get(item.service)
        if fee is not None and item.unit_price != fee:
            ctx.report(
                "SLA114",
                ("pricing", "items", i, "unit_price"),
                f"service `{item.service}` has custom_fee {_money(fee)} but is priced at "
                f"{_money(item.unit_price)} here",
            )


@section_rule("pricing")
def item_services(ctx: FileContext, pricing: Pricing) -> None:
    """Every price item names a service of the agreement."""
    known = {s.id for s in _doc(ctx).services}
    for i, item in enumerate(pricing.items):
        check_known(ctx, "SLA115", ("pricing", "items", i, "service"), item.service, known, "a service in `services`")


# --------------------------------------------------------------------------- people


@section_rule("escalation")
def escalation_contacts(ctx: FileContext, escalation: Escalation) -> None:
    """Escalation goes to contacts of the parties."""
    known = _contacts(_doc(ctx))
    for i, level in enumerate(escalation.levels):
        check_known(
            ctx, "SLA120", ("escalation", "levels", i, "contact"), level.contact, known, "a contact of either party"
        )


@section_rule("approvals")
def approver_contacts(ctx: FileContext, approvals: Approvals) -> None:
    """Named approvers are contacts of the parties."""
    known = _contacts(_doc(ctx))
    for i, stage in enumerate(approvals.stages):
        for j, name in enumerate(stage.approvers):
            check_known(
                ctx, "SLA120", ("approvals", "stages", i, "approvers", j), name, known, "a contact of either party"
            )


@file_rule("Agreement")
def signatory_contacts(ctx: FileContext) -> None:
    """A signatory is a contact of the party they sign for."""
    doc = _doc(ctx)
    for i, signatory in enumerate(doc.signatories):
        party = getattr(doc.parties, signatory.party)
        known = {c.name for c in party.contacts}
        what = f"a contact of the {signatory.party} ({party.name})"
        check_known(ctx, "SLA121", ("signatories", i, "name"), signatory.name, known, what)


@file_rule("Agreement")
def audience_names(ctx: FileContext) -> None:
    """Meeting attendees and report audiences are contacts, their roles or parties."""
    doc = _doc(ctx)
    parties = (doc.parties.provider, doc.parties.customer)
    known = (
        _contacts(doc)
        | {c.role for p in parties for c in p.contacts}
        | {n for p in parties for n in (p.name, p.organization)}
    )
    places: list[tuple[Path_, list[str]]] = []
    if doc.communication is not None:
        places += [
            (("communication", "meetings", i, "attendees"), m.attendees)
            for i, m in enumerate(doc.communication.meetings)
        ]
    if doc.reporting is not None:
        places += [(("reporting", "reports", i, "audience"), r.audience) for i, r in enumerate(doc.reporting.reports)]
    for path, names in places:
        for j, name in enumerate(names):
            check_known(ctx, "SLA301", (*path, j), name, known, "a contact, a contact's role or a party")


@file_rule("Agreement")
def contact_names_unique(ctx: FileContext) -> None:
    """Contact names are unique within a party (they are how contacts are referred to)."""
    parties = _doc(ctx).parties
    for side in ("provider", "customer"):
        contacts = getattr(parties, side).contacts
        check_unique(
            ctx,
            "SLA141",
            "contact",
            ((c.name, ("parties", side, "contacts", i, "name")) for i, c in enumerate(contacts)),
        )


# --------------------------------------------------------------------------- escalation


@section_rule("escalation")
def escalation_numbering(ctx: FileContext, escalation: Escalation) -> None:
    """Levels are numbered 1..n in the order listed."""
    for i, level in enumerate(escalation.levels):
        if level.level != i + 1:
            ctx.report(
                "SLA122",
                ("escalation", "levels", i, "level"),
                f"level {level.level} is listed in position {i + 1}; number levels 1, 2, 3... in order",
            )


@section_rule("escalation")
def escalation_thresholds(ctx: FileContext, escalation: Escalation) -> None:
    """Each level is reached later than the one before (durations compared as ``DURATIONS`` says)."""
    business_day = business_day_minutes(_doc(ctx).calendars.values())
    for i, (before, after) in enumerate(pairwise(escalation.levels), start=1):
        if length_minutes(after.after, business_day) <= length_minutes(before.after, business_day):
            ctx.report(
                "SLA123",
                ("escalation", "levels", i, "after"),
                f"level {after.level} is reached after {after.after}, not later than level {before.level} "
                f"({before.after}); "
                f"thresholds must strictly increase (a business day counts as {business_day / 60:g} hours here)",
            )


# --------------------------------------------------------------------------- approvals


@section_rule("approvals")
def approval_roles(ctx: FileContext, approvals: Approvals) -> None:
    """Stage roles are among the roles slactl.yaml lists (when it lists any)."""
    if not ctx.settings.roles:
        return
    for i, stage in enumerate(approvals.stages):
        for j, role in enumerate(stage.roles):
            check_known(
                ctx,
                "SLA124",
                ("approvals", "stages", i, "roles", j),
                role,
                ctx.settings.roles,
                "a role listed in slactl.yaml",
            )


@file_rule("Agreement")
def ids_unique(ctx: FileContext) -> None:
    """Services, service levels and approval stages each have unique ids."""
    doc = _doc(ctx)
    check_unique(ctx, "SLA140", "service id", ((s.id, ("services", i, "id")) for i, s in enumerate(doc.services)))
    check_unique(ctx, "SLA140", "service level id", ((s.id, ("service_levels", i, "id")) for i, s in _levels(doc)))
    if doc.approvals is not None:
        stages = enumerate(doc.approvals.stages)
        check_unique(
            ctx, "SLA140", "approval stage", ((s.stage, ("approvals", "stages", i, "stage")) for i, s in stages)
        )
