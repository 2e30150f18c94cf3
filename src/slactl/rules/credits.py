"""Rules over an agreement's credits: band bounds, coverage and the top band, amounts and caps.

Registered after the service-level rules (see ``RULE_MODULES``); their codes and the shared
helpers are defined in ``slactl.rules.agreement``.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from itertools import pairwise
from typing import TYPE_CHECKING

from slactl.loading import Path_
from slactl.model.types import Duration, Percent
from slactl.rules import FileContext, file_rule
from slactl.rules.agreement import HUNDRED, _doc, check_percent, section_rule

if TYPE_CHECKING:
    from slactl.model.agreement import Agreement, CreditBand, Credits


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
