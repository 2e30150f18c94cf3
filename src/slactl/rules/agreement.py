"""Rules over one agreement: what a reviewer would catch once the file has the right shape.

Each rule is one concern and reports every problem it sees; none raises on odd input
(empty lists, missing optional sections), so one run shows everything. How durations are
compared is ``DURATIONS`` (also printed in docs/rules.md).
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Sequence
from decimal import ROUND_HALF_UP, Decimal, localcontext
from itertools import pairwise
from typing import TYPE_CHECKING, Any, TypeAlias

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
        CreditBand,
        Credits,
        CreditSchedule,
        Escalation,
        Penalty,
        Pricing,
        Reward,
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


# --------------------------------------------------------------------------- service levels


Measured: TypeAlias = "tuple[int, ServiceLevel, Decimal | None]"  # index, level, ``measure`` of its target


def _group(doc: Agreement, key: Callable[[ServiceLevel], Hashable]) -> Iterable[list[Measured]]:
    """Service levels grouped by ``key``, each with its target measured once."""
    groups: dict[Hashable, list[Measured]] = defaultdict(list)
    for i, level in _levels(doc):
        groups[key(level)].append((i, level, measure(doc, level)))
    return groups.values()


@file_rule("Agreement")
def response_before_resolution(ctx: FileContext) -> None:
    """For one service and scope, the response target is no longer than the resolution target."""
    for levels in _group(_doc(ctx), lambda sl: (sl.service, sl.scope)):
        # Every duration target has a measure; the filter also tells the type checker so.
        timed = [(i, sl, value) for i, sl, value in levels if isinstance(sl.target, Duration) and value is not None]
        resolutions = [(sl, value) for _, sl, value in timed if sl.metric == "resolution_time"]
        for i, response, length in (entry for entry in timed if entry[1].metric == "response_time"):
            for resolution, limit in resolutions:
                if length > limit:
                    ctx.report(
                        "SLA130",
                        ("service_levels", i, "target"),
                        f"response target {response.target} is longer than the resolution target {resolution.target} "
                        f"of `{resolution.id}` (same service and scope)",
                    )


def _looser(direction: str, value: Decimal, other: Decimal) -> bool:
    return value > other if direction == "at_most" else value < other


@file_rule("Agreement")
def priorities_ordered(ctx: FileContext) -> None:
    """A higher priority's target and attainment are no looser than the next lower priority's."""
    doc = _doc(ctx)
    groups = _group(doc, lambda sl: (sl.service, sl.metric, sl.scope.site, sl.scope.request_type, sl.direction))
    for levels in groups:
        ranked = sorted(
            (_PRIORITY_ORDER.index(sl.scope.priority), i, sl, value) for i, sl, value in levels if sl.scope.priority
        )
        for (_, i, high, mine), (_, _, low, theirs) in pairwise(ranked):
            if high.scope.priority == low.scope.priority or type(high.target) is not type(low.target):
                continue
            if mine is not None and theirs is not None and _looser(high.direction, mine, theirs):
                ctx.report(
                    "SLA131",
                    ("service_levels", i, "target"),
                    f"{high.scope.priority} target {high.target} is looser than the {low.scope.priority} target "
                    f"{low.target} of `{low.id}`",
                )
            mine_pct, their_pct = (sl.attainment.value if sl.attainment else HUNDRED for sl in (high, low))
            if mine_pct < their_pct:
                ctx.report(
                    "SLA131",
                    ("service_levels", i, "attainment"),
                    f"{high.scope.priority} attainment {mine_pct}% is lower than the {low.scope.priority} attainment "
                    f"{their_pct}% of `{low.id}`",
                )


@file_rule("Agreement")
def level_ranges(ctx: FileContext) -> None:
    """Percentage targets and attainment are in (0, 100]; a score is above 0 and at most its scale."""
    for i, level in _levels(_doc(ctx)):
        target = level.target
        if isinstance(target, Percent):
            check_percent(ctx, ("service_levels", i, "target"), target, "the target")
        elif isinstance(target, Score) and not 0 < target.value <= target.scale:
            ctx.report(
                "SLA132", ("service_levels", i, "target"), f"score {target} must be above 0 and at most {target.scale}"
            )
        if level.attainment is not None:
            check_percent(ctx, ("service_levels", i, "attainment"), level.attainment, "attainment")


@file_rule("Agreement")
def level_windows(ctx: FileContext) -> None:
    """Every service level says which period it is measured over."""
    for i, level in _levels(_doc(ctx)):
        if level.window is None:
            ctx.report(
                "SLA133",
                ("service_levels", i, "id"),
                f"service level `{level.id}` has no `window`; say which period each measurement covers "
                "(calendar_month, calendar_quarter, fiscal_quarter, fiscal_year, term or week)",
            )


@file_rule("Agreement")
def level_services(ctx: FileContext) -> None:
    """Every service level belongs to a service of the agreement."""
    doc = _doc(ctx)
    known = {s.id for s in doc.services}
    for i, level in _levels(doc):
        check_known(ctx, "SLA134", ("service_levels", i, "service"), level.service, known, "a service in `services`")


@file_rule("Agreement")
def service_calendars(ctx: FileContext) -> None:
    """Support hours name calendars that exist."""
    doc = _doc(ctx)
    for i, service in enumerate(doc.services):
        if service.support_hours is not None:
            check_known(
                ctx,
                "SLA135",
                ("services", i, "support_hours"),
                service.support_hours,
                doc.calendars,
                "a calendar in `calendars`",
            )


@file_rule("Agreement")
def level_calendars(ctx: FileContext) -> None:
    """A service level runs on a calendar that exists: its own, else its service's support hours."""
    doc = _doc(ctx)
    services = {s.id: s for s in doc.services}
    for i, level in _levels(doc):
        service = services.get(level.service)
        if level.calendar is not None:
            check_known(
                ctx,
                "SLA135",
                ("service_levels", i, "calendar"),
                level.calendar,
                doc.calendars,
                "a calendar in `calendars`",
            )
        elif service is not None and service.support_hours is None:
            # An unknown service is SLA134's finding and a wrong support_hours is reported at the service.
            ctx.report(
                "SLA135",
                ("service_levels", i, "id"),
                f"service level `{level.id}` runs on no calendar; give it a `calendar` or service "
                f"`{service.id}` its `support_hours`",
            )


@file_rule("Agreement")
def level_references(ctx: FileContext) -> None:
    """Credit schedules, rewards, penalties and termination conditions name existing service levels."""
    doc = _doc(ctx)
    known = {sl.id for sl in doc.service_levels}
    refs: list[tuple[Path_, str | None]] = []
    if doc.credits is not None:
        lists: dict[str, Sequence[CreditSchedule | Reward | Penalty]] = {
            "schedules": doc.credits.schedules,
            "rewards": doc.credits.rewards,
            "penalties": doc.credits.penalties,
        }
        for name, entries in lists.items():
            refs += [(("credits", name, i, "service_level"), e.service_level) for i, e in enumerate(entries)]
    if doc.termination is not None:
        refs += [
            (("termination", "conditions", i, "service_level"), c.service_level)
            for i, c in enumerate(doc.termination.conditions)
        ]
    for path, ref in refs:
        if ref is not None:
            check_known(ctx, "SLA136", path, ref, known, "a service level in `service_levels`")


@file_rule("Agreement")
def services_measured(ctx: FileContext) -> None:
    """Every service has at least one service level."""
    doc = _doc(ctx)
    measured = {sl.service for sl in doc.service_levels}
    if not doc.service_levels:
        return  # the missing section is SLA305's finding; one per service would only repeat it
    for i, service in enumerate(doc.services):
        if service.id not in measured:
            ctx.report(
                "SLA306", ("services", i, "id"), f"service `{service.id}` has no service level; say how it is measured"
            )


# --------------------------------------------------------------------------- credits


def _bands(doc: Agreement) -> Iterator[tuple[Path_, str, list[CreditBand]]]:
    if doc.credits is not None:
        for i, schedule in enumerate(doc.credits.schedules):
            yield ("credits", "schedules", i, "bands"), schedule.service_level, schedule.bands


@file_rule("Agreement")
def credit_ranges(ctx: FileContext) -> None:
    """Band bounds, credits and the monthly cap are shares in range; a credit may be 0% (none)."""
    doc = _doc(ctx)
    if doc.credits is not None and doc.credits.monthly_cap is not None:
        check_percent(ctx, ("credits", "monthly_cap"), doc.credits.monthly_cap, "the monthly cap")
    for path, _, bands in _bands(doc):
        for j, band in enumerate(bands):
            if band.from_ is not None:
                check_percent(ctx, (*path, j, "from"), band.from_, "`from`", zero_ok=True)
            if band.to is not None:
                check_percent(ctx, (*path, j, "to"), band.to, "`to`")
            if band.credit.value > HUNDRED:
                ctx.report("SLA132", (*path, j, "credit"), f"the credit is {band.credit}; it must be at most 100%")


@section_rule("credits")
def credit_amounts(ctx: FileContext, credits: Credits) -> None:
    """The minimum and an agreement cap in money are above zero and in the agreement's currency."""
    from slactl.model.agreement import Money

    doc = _doc(ctx)
    if isinstance(credits.agreement_cap, Percent):
        check_percent(ctx, ("credits", "agreement_cap"), credits.agreement_cap, "the agreement cap")
    currency = doc.pricing.currency if doc.pricing else None
    for name in ("minimum", "agreement_cap"):
        value = getattr(credits, name)
        if not isinstance(value, Money):
            continue
        if value.amount <= 0:
            ctx.report("SLA144", ("credits", name), f"`{name}` is {value}; it must be above zero")
        elif value.currency is not None and currency is not None and value.currency != currency:
            ctx.report(
                "SLA144",
                ("credits", name),
                f"`{name}` is in {value.currency} but the agreement is priced in {currency}; write it in {currency}",
            )


@file_rule("Agreement")
def credit_band_bounds(ctx: FileContext) -> None:
    """Each band starts below where it ends."""
    for path, _, bands in _bands(_doc(ctx)):
        for j, band in enumerate(bands):
            if band.high is not None and band.low >= band.high:
                ctx.report(
                    "SLA142", (*path, j, "to"), f"band runs from {band.low}% to {band.to}; `from` must be below `to`"
                )


def _num(value: Decimal) -> str:
    return str(Percent(value))[:-1]


def _upper(band: CreditBand) -> Decimal:
    return band.high if band.high is not None else HUNDRED + 1  # open above: past every measured value


@file_rule("Agreement")
def credit_band_coverage(ctx: FileContext) -> None:
    """Bands, ordered by `from`, do not overlap; a gap between two is a warning naming the uncovered range."""
    for path, _, bands in _bands(_doc(ctx)):
        ordered = sorted((b.low, _upper(b), j) for j, b in enumerate(bands) if b.low < _upper(b))
        for (_, low_to, _), (high_from, _, j) in pairwise(ordered):
            if high_from < low_to:
                ends = "is open above" if low_to > HUNDRED else f"ends at {_num(low_to)}%"
                ctx.report(
                    "SLA143",
                    (*path, j, "from"),
                    f"band from {_num(high_from)}% overlaps the band below it, which {ends}; "
                    "each band should start where the one below ends",
                )
            elif high_from > low_to:
                ctx.report(
                    "SLA343",
                    (*path, j, "from"),
                    f"measured values from {_num(low_to)}% up to (not including) {_num(high_from)}% are in no band "
                    "and earn no credit; if that is meant, say so with a band `credit: none`",
                )


@file_rule("Agreement")
def credit_top_band(ctx: FileContext) -> None:
    """The top band that gives a credit ends at the target (percent targets) or the attainment (time targets)."""
    doc = _doc(ctx)
    levels = {sl.id: sl for sl in doc.service_levels}
    for path, ref, bands in _bands(doc):
        level = levels.get(ref)
        if level is None:
            continue
        if isinstance(level.target, Percent):
            expected, what = level.target, "target"
        elif isinstance(level.target, Duration):
            expected, what = level.attainment or Percent(HUNDRED), "attainment"
        else:
            continue  # scores and counts: bands are not in the target's terms
        paying = [(j, b) for j, b in enumerate(bands) if b.credit.value > 0]
        if not paying:
            continue
        j, top = max(paying, key=lambda jb: _upper(jb[1]))
        if top.high is None:
            ctx.report(
                "SLA302",
                (*path, j, "credit"),
                f"the band from {_num(top.low)}% is open above and gives {top.credit} credit even when `{level.id}` "
                f"meets its {what} {expected}; credits should stop at the {what}",
            )
        elif top.high != expected.value:
            ctx.report(
                "SLA302",
                (*path, j, "to"),
                f"the top band ends at {top.to} but `{level.id}` has {what} {expected}; "
                "credits should start just below it",
            )


@section_rule("credits")
def credit_cap(ctx: FileContext, credits: Credits) -> None:
    """No band gives more than the monthly cap."""
    if credits.monthly_cap is None:
        return
    cap = credits.monthly_cap
    for path, _, bands in _bands(_doc(ctx)):
        for j, band in enumerate(bands):
            if band.credit.value > cap.value:
                ctx.report(
                    "SLA303",
                    (*path, j, "credit"),
                    f"credit {band.credit} is above the monthly cap of {cap}; the cap wins",
                )


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
