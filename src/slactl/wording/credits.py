"""The words for credits: bands, the credit basis, worked examples and the credit terms.

Part of ``slactl.wording`` (which re-exports every public name).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from slactl.model.types import Duration, Percent
from slactl.wording.levels import _items_noun, window_noun
from slactl.wording.values import _CENT, say_list, say_money, say_number, say_percent

if TYPE_CHECKING:
    from slactl.model.agreement import (
        Agreement,
        CreditBand,
        Credits,
        CreditSchedule,
        ServiceLevel,
    )

# --------------------------------------------------------------------------- credits


def say_credit_band(band: CreditBand) -> str:
    """'from 99.5% up to (not including) 99.9%: 10% credit'; open ends and no-credit bands said as such."""
    return f"{say_band_range(band)}: {say_band_credit(band)}"


def say_band_range(band: CreditBand) -> str:
    """'below 99%', 'from 99.5% up to (not including) 99.9%', '99.9% or more'."""
    if band.to is None:
        return f"{say_percent(Percent(band.low))} or more"
    if band.low == 0:
        return f"below {say_percent(band.to)}"
    return f"from {say_percent(Percent(band.low))} up to (not including) {say_percent(band.to)}"


def say_band_credit(band: CreditBand) -> str:
    """'10% credit', or 'no credit'."""
    return "no credit" if band.credit.value == 0 else f"{say_percent(band.credit)} credit"


def monthly_fees(agreement: Agreement) -> dict[str, Decimal]:
    """Monthly fee per service id: the priced amount for the service over the term, per month.

    Empty when the term is not a whole number of months or there is no pricing: then no
    amount can be stated honestly.
    """
    pricing = agreement.pricing
    if agreement.term.end is None:
        return {}  # an open-ended term has no term total to divide
    months = _whole_months(agreement.term.start, agreement.term.end)
    if pricing is None or not months:
        return {}
    fees: dict[str, Decimal] = {}
    for item in pricing.items:
        amount = item.amount if item.amount is not None else item.quantity * item.unit_price
        fees[item.service] = fees.get(item.service, Decimal(0)) + amount
    return {service: total / months for service, total in fees.items()}


def _whole_months(start: date, end: date) -> int:
    """Months from ``start`` to ``end`` inclusive, when that is whole months; else 0."""
    after = end + timedelta(days=1)
    if after.day != start.day:
        return 0
    return (after.year - start.year) * 12 + after.month - start.month


@dataclass(frozen=True)
class CreditBasis:
    """What a credit percentage is a share of (`credits.base`), said, with the amounts a worked example may use.

    ``fees`` holds a monthly amount per service id only where the file states one: the priced
    fee, or the fixed `base` amount; `usage` states none (the charges come from data).
    """

    of: str  # "the monthly fee", "the charges", "the fixed monthly fee"
    fees: Mapping[str, Decimal]
    currency: str | None
    usage: bool = False

    def of_service(self, service_name: str | None) -> str:
        """'the monthly fee for Hosting', 'the charges for Hosting in the window'."""
        where = f" for {service_name}" if service_name else ""
        return f"{self.of}{where} in the window" if self.usage else f"{self.of}{where}"


def credit_currency(agreement: Agreement) -> str | None:
    """The currency of credits: the pricing's, else the one a credit term names (base, minimum, cap, per event)."""
    from slactl.model.agreement import Money

    if agreement.pricing is not None:
        return agreement.pricing.currency
    credits = agreement.credits
    if credits is None:
        return None
    named = [credits.base, credits.minimum, credits.agreement_cap]
    named += [s.per_event.amount for s in credits.schedules if s.per_event is not None]
    return next((m.currency for m in named if isinstance(m, Money) and m.currency), None)


def credit_basis(agreement: Agreement) -> CreditBasis:
    """The credit base of an agreement: its priced monthly fees, a fixed fee for every service, or usage."""
    from slactl.model.agreement import Money

    base = agreement.credits.base if agreement.credits else None
    currency = credit_currency(agreement)
    if base == "usage":
        return CreditBasis("the charges", {}, currency, usage=True)
    if isinstance(base, Money):
        fees = {level.service: base.amount for level in agreement.service_levels}
        return CreditBasis("the fixed monthly fee", fees, currency)
    return CreditBasis("the monthly fee", monthly_fees(agreement), currency)


@dataclass(frozen=True)
class CreditExample:
    """A worked example of a credit schedule: a measured value and what it earns."""

    measured: Percent
    credit: Percent
    fee: Decimal | None
    amount: Decimal | None
    sentence: str


def credit_example(
    schedule: CreditSchedule,
    level: ServiceLevel | None,
    *,
    service_name: str | None = None,
    monthly_fee: Decimal | None = None,
    currency: str | None = None,
    basis: CreditBasis | None = None,
) -> CreditExample:
    """The worked example printed under a credit table.

    The measured value is the lower bound of the band nearest the target (the first miss a
    reader meets): 'At 99.5% availability in a calendar month the customer receives a 10%
    credit of the monthly fee for Virtual Server Hosting: USD 1,220.00 of USD 12,200.00.'
    A credit of usage charges has no amount the file states, so none is worked out.
    """
    paying = sorted(
        (b for b in schedule.bands if b.credit.value > 0), key=lambda b: b.high if b.high is not None else Decimal(101)
    )
    if not paying:
        return CreditExample(Percent(Decimal(0)), Percent(Decimal(0)), monthly_fee, None, "No band gives a credit.")
    band = paying[-1]
    if band.low == 0 and len(paying) > 1:
        band = paying[-2]
    measured = Percent(band.low)
    value = say_percent(measured)
    if level is not None and level.metric == "availability":
        lead = f"At {value} availability"
    elif level is not None and isinstance(level.target, Duration):
        lead = f"When {value} of {_items_noun(level)[1]} meet the target"
    else:
        lead = f"At a measured {value}"
    period = ""
    if level is not None and level.window != "term" and (level.window or level.window_anchor):
        period = f" in a {window_noun(level)}"
    basis = basis or CreditBasis("the monthly fee", {}, currency)
    sentence = f"{lead}{period}, the customer receives a {say_percent(band.credit)} credit of "
    sentence += basis.of_service(service_name)
    amount = None
    if monthly_fee is not None and currency and not basis.usage:
        amount = (monthly_fee * band.credit.value / 100).quantize(_CENT, rounding=ROUND_HALF_UP)
        sentence += f": {say_money(amount, currency)} of {say_money(monthly_fee, currency)}"
    return CreditExample(measured, band.credit, monthly_fee, amount, sentence + ".")


_KIND_WORDS = {
    "service_credit": "A credit is a service credit.",
    "penalty": "A credit is a penalty, deducted from the invoice of the period in which it is earned.",
    "fee_reduction": "A credit is a reduction of the fee.",
    "refund": "A credit is a refund of part of the fee paid.",
}
_PAID_WORDS = {
    "future_invoices_only": "Credits are set against future invoices only; they are never paid out.",
    "refund": "Credits are paid back to the customer as a refund.",
}


def say_credit_share(credits: Credits, basis: CreditBasis) -> str:
    """What a band's credit is a share of: 'the monthly fee of the service whose level was missed'."""
    if basis.usage:
        return "the charges for the window of the service whose level was missed"
    if credits.base is not None and basis.fees and basis.currency:
        fixed = say_money(next(iter(basis.fees.values())), basis.currency)
        return f"a fixed monthly fee of {fixed} for the service whose level was missed"
    return "the monthly fee of the service whose level was missed"


def say_monthly_cap(cap: Percent, basis: CreditBasis) -> str:
    """The `monthly_cap` sentence: 'Credits for one month never exceed 30% of the monthly fee.'"""
    if basis.usage:
        return f"Credits of one service for one window never exceed {say_percent(cap)} of its charges for that window."
    return f"Credits for one month never exceed {say_percent(cap)} of {basis.of}."


def credit_terms(credits: Credits, fees: Mapping[str, Decimal], currency: str | None) -> list[str]:
    """The sentences for what credits are, how they are paid, the agreement cap, the minimum and the claim.

    Only what the file says: a term that is absent gives no sentence. Worked amounts use the
    monthly fees when the agreement prices every service it caps.
    """
    from slactl.model.agreement import Money

    def money(amount: Decimal, code: str | None = None) -> str:
        code = code or currency
        return say_money(amount, code) if code else say_number(amount.quantize(_CENT, rounding=ROUND_HALF_UP))

    out: list[str] = []
    if credits.kind is not None:
        out.append(_KIND_WORDS[credits.kind])
    if credits.paid_as is not None:
        out.append(_PAID_WORDS[credits.paid_as])
    cap = credits.agreement_cap
    if isinstance(cap, Money):
        out.append(
            "All credits of one measurement window, across every service, never exceed "
            f"{money(cap.amount, cap.currency)}."
        )
    elif cap is not None:
        of = "the charges" if credits.base == "usage" else "the fees"
        sentence = (
            f"All credits of one measurement window, across every service, never exceed {say_percent(cap)} "
            f"of {of} of all services for that window"
        )
        if fees and credits.base != "usage":
            total = sum(fees.values(), Decimal(0))
            limit = (total * cap.value / 100).quantize(_CENT, rounding=ROUND_HALF_UP)
            sentence += f": for one month, {money(limit)} of {money(total)}"
        out.append(sentence + ".")
    if credits.minimum is not None:
        low, code = credits.minimum.amount, credits.minimum.currency
        below = low - _CENT if low > _CENT else None
        sentence = f"A credit below {money(low, code)} is not issued"
        if below is not None:
            sentence += f": a credit worked out at {money(below, code)} is not issued, one of {money(low, code)} is"
        out.append(sentence + ".")
    claim = credits.claim
    if claim is not None and claim.deadline is not None:
        out.append(f"The customer claims a credit within {claim.deadline}.")
    if claim is not None and claim.must_include:
        out.append(f"A claim must include {say_list(claim.must_include)}.")
    return out


def say_per_event(
    schedule: CreditSchedule,
    level: ServiceLevel | None,
    monthly_fee: Decimal | None,
    currency: str | None,
    basis: CreditBasis | None = None,
) -> str:
    """'For each late ticket of X, a credit of USD 50.00: three late tickets in a month earn USD 150.00.'"""
    per = schedule.per_event
    assert per is not None
    if level is not None and isinstance(level.target, Duration):
        noun = "late ticket"
    elif level is not None and level.metric == "availability":
        noun = "outage"
    else:
        noun = "incident"
    what = f"of {schedule.service_level}"
    if per.amount is not None:
        code = per.amount.currency or currency
        each = per.amount.amount
        said = say_money(each, code) if code else say_number(each)
        total = say_money(each * 3, code) if code else say_number(each * 3)
        return f"For each {noun} {what}, a credit of {said}: three {noun}s in a window earn {total}."
    assert per.percent is not None
    basis = basis or CreditBasis("the monthly fee", {}, currency)
    sentence = f"For each {noun} {what}, a credit of {say_percent(per.percent)} of {basis.of_service(None)}"
    if monthly_fee is not None and currency and not basis.usage:
        amount = (monthly_fee * per.percent.value * 3 / 100).quantize(_CENT, rounding=ROUND_HALF_UP)
        fee = say_money(monthly_fee, currency)
        sentence += f": three {noun}s in a window earn {say_money(amount, currency)} ({basis.of} {fee})"
    return sentence + "."
