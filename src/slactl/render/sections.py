"""The sections of the view from escalation on: costs, service credits, termination,
communication, transition, approvals, signatures and distribution (see :mod:`slactl.render.view`)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from slactl.render.common import (
    _contacts_by_name,
    _Names,
    _notice_key,
    _Outline,
    _owner,
    _when,
    level_label,
    level_phrase,
    party_label,
    role_title,
    say_items,
    stage_title,
)

if TYPE_CHECKING:
    from slactl.model.agreement import Agreement, CreditSchedule
    from slactl.render.provenance import ApprovalRecord


def _escalation(agreement: Agreement, outline: _Outline) -> dict[str, Any] | None:
    from slactl.wording import say_duration

    if agreement.escalation is None:
        return None
    outline.section("escalation", "Escalation")
    contacts = _contacts_by_name(agreement)
    rows = []
    for step in agreement.escalation.levels:
        party, contact = contacts.get(step.contact, ("", None))
        who = f"{step.contact}, {contact.role} ({party})" if contact else step.contact
        action = " ".join(step.description.split()) if step.description else "—"
        rows.append([str(step.level), f"after {say_duration(step.after)}", who, action])
    return {"rows": rows}


def _costs(agreement: Agreement, outline: _Outline, names: _Names) -> dict[str, Any] | None:
    from slactl.wording import say_date, say_funding_method, say_money, say_number

    pricing = agreement.pricing
    if pricing is None:
        return None
    section = outline.section("costs", "Costs and payment schedule")
    currency = pricing.currency
    outline.sub(section, "prices", "Costs")
    items = []
    for item in pricing.items:
        amount = item.amount if item.amount is not None else item.quantity * item.unit_price
        what = names.services.get(item.service, item.service)
        if item.description:
            what += f": {' '.join(item.description.split())}"
        unit_price, total = say_money(item.unit_price, currency), say_money(amount, currency)
        items.append([what, say_number(item.quantity), item.unit or "—", unit_price, total])
    payments = []
    if pricing.payment_schedule:
        outline.sub(section, "payments", "Payment schedule")
        payments = [
            [say_date(p.due), " ".join(p.description.split()) if p.description else "—", say_money(p.amount, currency)]
            for p in pricing.payment_schedule
        ]
    paid = sum((p.amount for p in pricing.payment_schedule), Decimal(0))
    funding = []
    if pricing.funding is not None:
        outline.sub(section, "funding", "Funding")
        f = pricing.funding
        funding.append(["Method", say_funding_method(f.method)])
        if f.reference:
            funding.append(["Reference", f.reference])
        if f.note:
            funding.append(["Note", " ".join(f.note.split())])
    return {
        "currency": currency,
        "items": items,
        "total": say_money(pricing.total, currency),
        "payments": payments,
        "payments_total": say_money(paid, currency),
        "funding": funding,
    }


def _band_rows(schedule: CreditSchedule, of: str = "the monthly fee") -> list[list[str]]:
    """The rows of a credit table, top band first: what is measured, what it earns (a share of ``of``)."""
    from slactl.model.types import Percent
    from slactl.wording import say_percent

    rows = []
    for band in sorted(schedule.bands, key=lambda b: (b.high is None, b.high or b.low), reverse=True):
        if band.to is None:
            measured = f"{say_percent(Percent(band.low))} or more"
        elif band.low == 0:
            measured = f"below {say_percent(band.to)}"
        else:
            measured = f"{say_percent(Percent(band.low))} to under {say_percent(band.to)}"
        earns = "no credit" if band.credit.value == 0 else f"{say_percent(band.credit)} of {of}"
        rows.append([measured, earns])
    return rows


def _credits(agreement: Agreement, outline: _Outline, names: _Names) -> dict[str, Any] | None:
    from slactl.wording import (
        credit_basis,
        credit_example,
        credit_terms,
        say_credit_share,
        say_duration,
        say_monthly_cap,
        say_per_event,
        say_service_level,
    )

    credits = agreement.credits
    if credits is None:
        return None
    section = outline.section("credits", "Service credits, rewards and penalties")
    levels = {level.id: level for level in agreement.service_levels}
    basis = credit_basis(agreement)
    fees, currency = basis.fees, basis.currency
    schedules = []
    per_event: list[str] = []
    for schedule in credits.schedules:
        level = levels.get(schedule.service_level)
        service = names.services.get(level.service, level.service) if level else schedule.service_level
        label = level_label(level, service) if level else schedule.service_level
        # The section already says "credits": the heading names the service level once, in words.
        outline.sub(section, f"schedule-{schedule.service_level}", level_phrase(level, service) if level else label)
        bands = _band_rows(schedule, "the window's charges" if basis.usage else basis.of)
        example = credit_example(
            schedule,
            level,
            service_name=service,
            monthly_fee=fees.get(level.service) if level else None,
            currency=currency,
            basis=basis,
        )
        commitment = None
        if level is not None:
            commitment = say_service_level(level, calendar=agreement.calendar_for(level), service_name=service)
        if schedule.per_event is not None:
            per_event.append(
                say_per_event(schedule, level, fees.get(level.service) if level else None, currency, basis)
            )
        if not bands:
            continue  # a schedule of credits per event only: its sentence is among the rules
        schedules.append({"commitment": commitment, "bands": bands, "example": example.sentence})
    rules = list(per_event)
    if any(schedule.bands for schedule in credits.schedules):
        rules.append(
            f"A credit is a share of {say_credit_share(credits, basis)}, set by the measured value in the table."
        )
    if credits.monthly_cap is not None:
        rules.append(say_monthly_cap(credits.monthly_cap, basis))
    rules += credit_terms(credits, fees, currency)
    if credits.claim_window is not None:
        rules.append(
            f"The customer claims a credit within {say_duration(credits.claim_window)} after the end of the month "
            "in which it was earned."
        )
    if rules:
        outline.sub(section, "rules", "Applying credits")

    def _label(level_id: str) -> str:
        level = levels.get(level_id)
        return level_label(level, names.services.get(level.service, level.service)) if level else level_id

    rewards = [[_label(r.service_level), r.condition, r.reward] for r in credits.rewards]
    penalties = [[_label(p.service_level), p.condition, p.penalty] for p in credits.penalties]
    if rewards:
        outline.sub(section, "rewards", "Rewards")
    if penalties:
        outline.sub(section, "penalties", "Penalties")
    return {"schedules": schedules, "rules": rules, "rewards": rewards, "penalties": penalties}


def _termination(agreement: Agreement, outline: _Outline, names: _Names) -> dict[str, Any] | None:
    from slactl.wording import say_termination_right, window_noun

    termination = agreement.termination
    if termination is None:
        return None
    outline.section("termination", "Termination")
    levels = {level.id: level for level in agreement.service_levels}
    conditions = []
    for condition in termination.conditions:
        text = " ".join(condition.description.split()).rstrip(".")
        level = levels.get(condition.service_level) if condition.service_level else None
        if level is not None and condition.missed is not None:
            label = level_label(level, names.services.get(level.service, level.service))
            windows = window_noun(level, plural=True)
            text += (
                f" (counted on “{label}”: missed in {condition.missed} of {condition.of_consecutive} "
                f"consecutive {windows})"
            )
        conditions.append(text + ".")
    # Conditions that share who may terminate, the notice and the cure period share one sentence.
    groups: dict[tuple[str, str, str], dict[str, Any]] = {}
    for condition, text in zip(termination.conditions, conditions, strict=True):
        by = condition.by or termination.by
        notice = condition.notice if condition.notice is not None else termination.notice
        cure = condition.cure if condition.cure is not None else termination.cure
        key = (by, _notice_key(notice), str(cure))
        if key not in groups:
            groups[key] = {"intro": say_termination_right(by, notice, cure, conditions=True), "conditions": []}
        groups[key]["conditions"].append(text)
    if not groups:
        intro = say_termination_right(termination.by, termination.notice, termination.cure, conditions=False)
        groups[("", "", "")] = {"intro": intro, "conditions": []}
    return {"groups": list(groups.values())}


def _communication(agreement: Agreement, outline: _Outline) -> dict[str, Any] | None:
    from slactl.wording import say_cadence, say_delivery, say_list

    comm, reporting = agreement.communication, agreement.reporting
    if comm is None and reporting is None:
        return None
    section = outline.section("communication", "Communication and reporting")
    methods = None
    meetings: list[list[str]] = []
    updates = None
    if comm is not None:
        if comm.methods or comm.progress_updates:
            outline.sub(section, "methods", "Communication")
        if comm.methods:
            methods = f"The parties communicate by {say_list(m[:1].lower() + m[1:] for m in comm.methods)}."
        if comm.progress_updates:
            p = comm.progress_updates
            updates = f"The provider sends progress updates {say_cadence(p.cadence)} by {p.method}."
        if comm.meetings:
            outline.sub(section, "meetings", "Meetings")
        meetings = [
            [m.name, say_cadence(m.cadence).capitalize(), say_list(m.attendees) or "—", m.purpose or "—"]
            for m in comm.meetings
        ]
    reports = []
    if reporting is not None:
        outline.sub(section, "reports", "Performance reports")
        reports = [
            [
                r.name,
                say_cadence(r.frequency).capitalize(),
                say_delivery(r.delivery).capitalize(),
                say_list(r.audience) or "—",
                say_items(r.contents) or "—",
            ]
            for r in reporting.reports
        ]
    return {"methods": methods, "updates": updates, "meetings": meetings, "reports": reports}


def _transition(agreement: Agreement, outline: _Outline) -> dict[str, Any] | None:
    from slactl.wording import say_date

    if agreement.transition is None:
        return None
    outline.section("transition", "Start-up and transition")
    parties = agreement.parties
    rows = [
        [t.task, _owner(t.owner, getattr(parties, t.owner)), say_date(t.due) if t.due else "—"]
        for t in agreement.transition.tasks
    ]
    return {"rows": rows}


def _approvals(agreement: Agreement, outline: _Outline, records: Sequence[ApprovalRecord]) -> dict[str, Any] | None:
    from slactl.wording import say_list

    if agreement.approvals is None:
        return None
    outline.section("approvals", "Approvals")
    rows = []
    for stage in agreement.approvals.stages:
        roles = say_list(role_title(r) for r in stage.roles)
        title = stage_title(stage.stage, stage.roles)
        done = [r for r in records if r.stage == stage.stage]
        if not done:
            expected = say_list(stage.approvers, "or") if stage.approvers else "—"
            rows.append([title, roles, expected, "—", "Not yet recorded"])
        for record in done:
            role = say_list(role_title(r.strip()) for r in record.role.split(",")) if record.role else roles
            status = record.status[:1].upper() + record.status[1:]
            rows.append([title, role, record.who, _when(record.when), status])
    descriptions = [
        f"{stage_title(s.stage, s.roles)}: {' '.join(s.description.split())}"
        for s in agreement.approvals.stages
        if s.description
    ]
    intro = "The agreement is approved in these stages, in this order"
    intro += ", before it is signed." if agreement.signatories else "."
    return {"intro": intro, "rows": rows, "descriptions": descriptions}


def _signatures(agreement: Agreement, outline: _Outline) -> dict[str, Any] | None:
    if not agreement.signatories:
        return None  # terms accepted without signatures (click-through): no signature blocks
    outline.section("signatures", "Signatures")
    contacts = _contacts_by_name(agreement)
    blocks = []
    signatories = list(agreement.signatories)
    for signatory in signatories:
        party = getattr(agreement.parties, signatory.party)
        contact = contacts.get(signatory.name, ("", None))[1]
        title = signatory.title or (contact.title or contact.role if contact else None) or ""
        blocks.append(
            {
                "for": f"For the {signatory.party}",
                "party": party.organization or party_label(party),
                "name": signatory.name,
                "title": title,
            }
        )
    intro = "By signing, each party agrees to this agreement as identified by the content digest on its first page."
    return {"blocks": blocks, "intro": intro}


def _distribution(agreement: Agreement, outline: _Outline) -> dict[str, Any] | None:
    if not agreement.distribution:
        return None
    outline.section("distribution", "Distribution")
    parties = agreement.parties
    rows = [
        [d.department, getattr(parties, d.party).organization or party_label(getattr(parties, d.party))]
        for d in agreement.distribution
    ]
    intro = "Copies of this agreement go to:"
    if agreement.signatories:
        intro = "Once signed, copies of this agreement go to:"
    return {"intro": intro, "rows": rows}
