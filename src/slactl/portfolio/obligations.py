"""Every dated obligation an agreement makes, derived from its terms (pure: no git, no clock).

Each rule is written down in docs/portfolio.md ("Which obligations, on which day"); in short:

- ``renewal-notice``: the term end minus ``term.renewal.notice`` (``slactl status``'s date);
- ``term-end``: the term's last day;
- ``payment``: each ``pricing.payment_schedule`` instalment on its ``due`` day;
- ``report``: each report of ``reporting`` once per window of its frequency, due the day
  after the window closes (monthly: calendar months; quarterly, semiannually and annually:
  fiscal quarters, halves and years from ``fiscal_year_start``; weekly: Monday weeks;
  biweekly: fortnights from the term start);
- ``meeting``: each standing meeting on the term start and every step of its cadence after
  it, counted from the start (a month after January 31 is February 28, then March 31);
- ``claim-deadline``: the last day to claim a credit for each window of a service level
  with a credit schedule, by ``credits.claim.deadline`` after the window
  (slactl.report.claims; business days on the level's calendar);
- ``start-up-task``: each ``transition.tasks`` task with a ``due`` day;
- ``underpinning-notice``: the renewal notice day of each agreement this one is
  ``underpinned_by`` that is in the same portfolio.

`daily` and `as_needed` cadences have no calendar day of their own and are not listed; an
open-ended term is followed up to a horizon the caller gives.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from slactl.model.agreement import Agreement, Cadence

ObligationKind = Literal[
    "renewal-notice",
    "term-end",
    "payment",
    "report",
    "meeting",
    "claim-deadline",
    "start-up-task",
    "underpinning-notice",
]
KINDS: tuple[ObligationKind, ...] = (
    "renewal-notice",
    "term-end",
    "payment",
    "report",
    "meeting",
    "claim-deadline",
    "start-up-task",
    "underpinning-notice",
)
_ONE = timedelta(days=1)
# An open-ended term is followed this long after the day asked about, unless the caller says otherwise.
OPEN_ENDED_HORIZON = timedelta(days=366)


@dataclass(frozen=True, slots=True)
class Person:
    """Someone an obligation concerns: a contact of the agreement (by name), with an e-mail when known."""

    name: str
    email: str | None
    role: str | None = None


@dataclass(frozen=True, slots=True)
class Obligation:
    """One dated obligation of one agreement."""

    agreement_id: str
    kind: ObligationKind
    due: date
    summary: str  # one line, from the agreement's words: "Monthly service level report for Mar 2027"
    owner: str | None  # who acts: "provider", "customer", "either", "both" (a meeting), or None when not said
    source: str  # the field it comes from, e.g. "pricing.payment_schedule[2]"
    detail: str = ""
    people: tuple[Person, ...] = ()
    seq: str = ""  # distinguishes two obligations of one kind on one day (the field's index, the name)

    @property
    def uid(self) -> str:
        """A stable identifier: the same agreement, kind, day and item give the same uid, run after run."""
        tail = f"-{_slug(self.seq)}" if self.seq else ""
        return f"{self.agreement_id}.{self.kind}.{self.due.isoformat()}{tail}@slactl"


def _slug(text: str) -> str:
    out = "".join(c if c.isalnum() else "-" for c in text.lower())
    return "-".join(part for part in out.split("-") if part)


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, clamped to the month's last day (Jan 31 + 1 month = Feb 28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


_STEP_MONTHS: dict[str, int] = {"monthly": 1, "quarterly": 3, "semiannually": 6, "annually": 12}
_STEP_DAYS: dict[str, int] = {"weekly": 7, "biweekly": 14}


def cadence_days(cadence: Cadence, first: date, last: date) -> list[date]:
    """Days of a standing cadence from ``first`` to ``last`` (inclusive), each counted from ``first``."""
    out: list[date] = []
    if cadence in _STEP_DAYS:
        step = timedelta(days=_STEP_DAYS[cadence])
        day = first
        while day <= last:
            out.append(day)
            day += step
    elif cadence in _STEP_MONTHS:
        n = 0
        while (day := add_months(first, n * _STEP_MONTHS[cadence])) <= last:
            out.append(day)
            n += 1
    return out  # daily and as_needed: no day of their own


def report_windows(
    cadence: Cadence, first: date, last: date, fy_start: tuple[int, int]
) -> list[tuple[str, date, date]]:
    """(label, first day, last day) of each whole or cut reporting window of ``cadence`` inside first..last."""
    from slactl.report.periods import Period, windows

    period = Period(first, last, "term")
    kind = {"monthly": "calendar_month", "quarterly": "fiscal_quarter", "annually": "fiscal_year", "weekly": "week"}
    if cadence in kind:
        return [(w.label, w.start, w.stop - _ONE) for w in windows(kind[cadence], period, (first, last), fy_start)]
    if cadence == "semiannually":
        out = []
        for w in windows("fiscal_year", period, (first, last), fy_start):
            half = add_months(w.full_start, 6)
            for label, a, b in (
                (f"{w.label} H1", w.full_start, half - _ONE),
                (f"{w.label} H2", half, w.full_stop - _ONE),
            ):
                lo, hi = max(a, first), min(b, last)
                if lo <= hi:
                    out.append((label, lo, hi))
        return out
    if cadence == "biweekly":
        days = cadence_days("biweekly", first, last)
        return [(f"Fortnight from {d.isoformat()}", d, min(d + timedelta(days=13), last)) for d in days]
    return []


def _people(agreement: Agreement, names: Iterable[str]) -> tuple[Person, ...]:
    """Contacts named (by name or by role) among both parties, in the order named; unknown names kept bare."""
    contacts = [*agreement.parties.provider.contacts, *agreement.parties.customer.contacts]
    out: list[Person] = []
    for name in names:
        found = [c for c in contacts if c.name == name] or [c for c in contacts if c.role == name]
        if not found:
            out.append(Person(name, None))
        out.extend(Person(c.name, c.email, c.role) for c in found)
    return tuple(dict.fromkeys(out))


def _signatories(agreement: Agreement) -> tuple[Person, ...]:
    named = [s.name for s in agreement.signatories]
    if named:
        return _people(agreement, named)
    return _people(agreement, [c.name for c in agreement.parties.provider.contacts[:1]])


def term_last_day(agreement: Agreement, as_of: date, horizon: timedelta = OPEN_ENDED_HORIZON) -> date:
    """The last day obligations are followed to: the term end, or ``as_of`` plus the horizon when open-ended."""
    end = agreement.term.end
    return end if end is not None else max(as_of, agreement.term.start) + horizon


def obligations_of(
    agreement: Agreement,
    *,
    fy_start: tuple[int, int],
    as_of: date,
    others: Mapping[str, Agreement] | None = None,
    horizon: timedelta = OPEN_ENDED_HORIZON,
) -> list[Obligation]:
    """Every dated obligation of ``agreement``, in date order (then kind, then source).

    ``others``: the agreements of the same portfolio by id, for the notice days of those it is
    ``underpinned_by``. ``as_of`` only bounds an open-ended term (with ``horizon``).
    """
    from slactl.approvals.term import term_status

    ident = agreement.metadata.id
    term = agreement.term
    first, last = term.start, term_last_day(agreement, as_of, horizon)
    out: list[Obligation] = []
    signers = _signatories(agreement)

    status = term_status(term, as_of)
    if status.renewal_notice_date is not None and term.renewal is not None and term.renewal.notice is not None:
        what = (
            "negotiation of the renewal starts"
            if term.renewal.mode == "renegotiate"
            else "last day to give notice not to renew"
        )
        out.append(
            Obligation(
                ident,
                "renewal-notice",
                status.renewal_notice_date,
                f"Renewal notice: {what}",
                "either",
                "term.renewal.notice",
                f"{term.renewal.notice.canonical()} before the term ends on {term.end}",
                signers,
            )
        )
    if term.end is not None:
        out.append(
            Obligation(
                ident,
                "term-end",
                term.end,
                "Term ends",
                None,
                "term.end",
                f"the term runs {term.start} to {term.end}" + (f" ({term.fiscal_year})" if term.fiscal_year else ""),
                signers,
            )
        )
    out += _payments(agreement, signers)
    out += _reports(agreement, first, last, fy_start)
    out += _meetings(agreement, first, last)
    out += _claims(agreement, first, last, fy_start)
    if agreement.transition is not None:
        for i, task in enumerate(agreement.transition.tasks):
            if task.due is not None:
                out.append(
                    Obligation(
                        ident,
                        "start-up-task",
                        task.due,
                        f"Start-up task: {task.task}",
                        task.owner,
                        f"transition.tasks[{i}]",
                        seq=str(i),
                    )
                )
    for dep in dependencies(agreement):
        other = (others or {}).get(dep)
        if other is None:
            continue
        dep_status = term_status(other.term, as_of)
        if dep_status.renewal_notice_date is not None:
            out.append(
                Obligation(
                    ident,
                    "underpinning-notice",
                    dep_status.renewal_notice_date,
                    f"Renewal notice of underpinning {other.metadata.title}",
                    None,
                    "metadata.underpinned_by",
                    f"{dep}: its renewal notice falls due",
                    signers,
                    seq=dep,
                )
            )
    return sorted(out, key=lambda o: (o.due, KINDS.index(o.kind), o.source, o.seq))


def dependencies(agreement: Agreement) -> list[str]:
    """Ids of the agreements this one depends on: those its service levels rest on (`depends_on`),
    then `metadata.underpinned_by` (the one place of the portfolio that knows which fields say so)."""
    from slactl.rules.chains import dependencies as links

    return list(dict.fromkeys(ref.agreement for ref in links(agreement)))


def _payments(agreement: Agreement, signers: tuple[Person, ...]) -> list[Obligation]:
    pricing = agreement.pricing
    if pricing is None:
        return []
    method = pricing.funding.method.replace("_", " ") if pricing.funding is not None else None
    out: list[Obligation] = []
    for i, pay in enumerate(pricing.payment_schedule):
        said = pay.description or (f"{method} due" if method else "Payment due")
        out.append(
            Obligation(
                agreement.metadata.id,
                "payment",
                pay.due,
                f"Payment: {said}",
                "customer",
                f"pricing.payment_schedule[{i}]",
                f"{pricing.currency} {pay.amount:,}" + (f" by {method}" if method else ""),
                signers,
                seq=str(i),
            )
        )
    return out


def _reports(agreement: Agreement, first: date, last: date, fy_start: tuple[int, int]) -> list[Obligation]:
    if agreement.reporting is None:
        return []
    out: list[Obligation] = []
    for i, report in enumerate(agreement.reporting.reports):
        people = _people(agreement, report.audience)
        for label, a, b in report_windows(report.frequency, first, last, fy_start):
            out.append(
                Obligation(
                    agreement.metadata.id,
                    "report",
                    b + _ONE,
                    f"{report.name} for {label}",
                    "provider",
                    f"reporting.reports[{i}]",
                    f"covers {a} to {b}; delivery: {report.delivery}",
                    people,
                    seq=report.name,
                )
            )
    return out


def _meetings(agreement: Agreement, first: date, last: date) -> list[Obligation]:
    if agreement.communication is None:
        return []
    out: list[Obligation] = []
    for i, meeting in enumerate(agreement.communication.meetings):
        people = _people(agreement, meeting.attendees)
        out.extend(
            Obligation(
                agreement.metadata.id,
                "meeting",
                day,
                meeting.name,
                "both",
                f"communication.meetings[{i}]",
                meeting.purpose or f"{meeting.cadence} meeting",
                people,
                seq=meeting.name,
            )
            for day in cadence_days(meeting.cadence, first, last)
        )
    return out


def _claims(agreement: Agreement, first: date, last: date, fy_start: tuple[int, int]) -> list[Obligation]:
    from slactl.report.claims import claim_by, claim_deadline
    from slactl.report.periods import Period, windows

    deadline = claim_deadline(agreement)
    if deadline is None or deadline.after != "window" or agreement.credits is None:
        return []
    credited = {s.service_level for s in agreement.credits.schedules}
    people = _people(agreement, [c.name for c in agreement.parties.customer.contacts[:1]])
    out: list[Obligation] = []
    for level in agreement.service_levels:
        if level.id not in credited or level.window == "rolling":
            continue
        for window in windows(level.window, Period(first, last, "term"), (first, last), fy_start, level.window_anchor):
            found = claim_by(agreement, level, window, None)
            if found is None:
                continue
            out.append(
                Obligation(
                    agreement.metadata.id,
                    "claim-deadline",
                    found[0],
                    f"Last day to claim credits of {level.id} for {window.label}",
                    "customer",
                    f"credits (service level {level.id})",
                    found[1],
                    people,
                    seq=level.id,
                )
            )
    return out


def within(obligations: Sequence[Obligation], start: date, days: int | None) -> list[Obligation]:
    """Those due from ``start`` to ``start + days`` (inclusive); all from ``start`` on when ``days`` is None."""
    stop = start + timedelta(days=days) if days is not None else date.max
    return [o for o in obligations if start <= o.due <= stop]


def obligation_json(ob: Obligation) -> dict[str, object]:
    """One obligation as plain JSON values."""
    return {
        "uid": ob.uid,
        "agreement": ob.agreement_id,
        "kind": ob.kind,
        "due": ob.due.isoformat(),
        "summary": ob.summary,
        "detail": ob.detail,
        "owner": ob.owner,
        "source": ob.source,
        "people": [{"name": p.name, "email": p.email} for p in ob.people],
    }
