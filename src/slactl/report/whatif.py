"""`slactl credits`: the credit one window would earn, worked out as `slactl report` works it out.

A what-if with no data files: a measured value for the credit bands, a count of late tickets or
outages for a credit per event, the fee (or the window's charges) a percentage applies to; then
the monthly cap, the agreement cap and the minimum, with the same arithmetic as the report's.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from slactl.model.agreement import Agreement, CreditSchedule, Money, ServiceLevel
from slactl.report.credits import (
    _CENT,
    _HUNDRED,
    CreditLine,
    _band_text,
    _money,
    agreement_limit,
    band_for,
    credit_for,
    pct,
    service_fees,
)
from slactl.wording import credit_currency, say_number

# The `slactl credits` option that gives each metric's measured value (the value credit bands take).
WHATIF_OPTIONS = {
    "availability": "availability",
    "response_time": "attainment",
    "resolution_time": "attainment",
}


def whatif(
    agreement: Agreement,
    level_id: str,
    measured: Decimal | None,
    fee: Decimal | None,
    *,
    given: str | None = None,
    events: int | None = None,
) -> tuple[CreditLine | None, str]:
    """`slactl credits`: the credit one window would earn, as a worked line.

    ``measured`` is the window's measured value for the credit bands; ``given`` names what it is
    (``availability`` or ``attainment``) and must fit the level's metric (``WHATIF_OPTIONS``),
    since an availability read as a share of tickets on time (or the reverse) would give a
    credit the report never would. ``events`` counts the window's late tickets or outages for a
    credit per event. ``fee`` is the base a percentage applies to: the monthly fee (default:
    the fixed `credits.base`, else the priced fee) or, for `credits.base: usage`, the service's
    charges for the window. Then the monthly cap, the agreement cap and the minimum, as the
    report applies them.
    """
    from slactl.errors import SlactlError

    level = next((lv for lv in agreement.service_levels if lv.id == level_id), None)
    if level is None:
        ids = ", ".join(lv.id for lv in agreement.service_levels) or "none"
        raise SlactlError(f"no service level {level_id!r} in the agreement", hint=f"service levels: {ids}")
    right = WHATIF_OPTIONS.get(level.metric)
    if given is not None and given != right:
        if right is None:
            raise SlactlError(
                f"--{given} does not fit {level_id}: it is a {level.metric} level, and `slactl credits` takes "
                "the measured value of an availability level (--availability) or of a response_time or "
                "resolution_time level (--attainment)",
            )
        what = "measured availability" if right == "availability" else "percent of tickets meeting its time target"
        raise SlactlError(
            f"--{given} does not fit {level_id}: it is a {level.metric} level; give its {what} with --{right}",
            hint=f"slactl credits ... --service-level {level_id} --{right} 99.5",
        )
    schedule = next(
        (s for s in (agreement.credits.schedules if agreement.credits else []) if s.service_level == level_id), None
    )
    if schedule is None:
        raise SlactlError(f"the agreement has no credit schedule for {level_id}")
    _check_whatif_inputs(schedule, level_id, right, measured, events)
    credits = agreement.credits
    assert credits is not None
    currency = credit_currency(agreement)
    usage = credits.base == "usage"
    if isinstance(credits.base, Money):
        fee = credits.base.amount if fee is None else fee
    if usage and fee is None and _needs_fee(schedule, measured, events):
        raise SlactlError(
            f"credits of this agreement are a share of the charges for the window (`credits.base: usage`): "
            f"give the charges of {level.service} for the window with --fee",
            hint=f"slactl credits ... --service-level {level_id} --fee 1250.00",
        )
    fee = fee if fee is not None or usage else service_fees(agreement).get(level.service)
    words = "charges for the window" if usage else "monthly fee"
    noun = "" if level.metric == "availability" else " of tickets on time"
    parts: list[str] = []
    line: CreditLine | None = None
    if measured is not None:
        line = credit_for(
            level_id, level.service, measured, schedule, fee=fee, currency=currency, noun=noun, words=words
        )
        if line is None:
            band = band_for(schedule, measured)
            where = f"falls in the {_band_text(band)} band" if band is not None else "is in no credit band"
            parts.append(f"{level_id} at {pct(measured)}{noun} {where}: no credit")
        else:
            parts.append(line.sentence)
    if events is not None:
        event = _whatif_events(schedule, level, events, fee, currency, words)
        parts.append(event.sentence)
        line = event if line is None else _add(line, event)
    if line is None or line.owed is None or line.owed == 0:
        return line, "; ".join(parts) + "."
    sentence = "; ".join(parts)
    if len(parts) > 1:
        sentence += f"; together {_money(line.owed, currency)}"
    return line, _apply_limits(agreement, line, sentence, currency) + "."


def _apply_limits(agreement: Agreement, line: CreditLine, sentence: str, currency: str | None) -> str:
    """The monthly cap, the agreement cap and the minimum on one window's credit, said after ``sentence``."""
    credits = agreement.credits
    assert credits is not None and line.owed is not None
    cap = credits.monthly_cap.value if credits.monthly_cap else None
    if cap is not None and line.base is not None:
        limit = (line.base * cap / _HUNDRED).quantize(_CENT, rounding=ROUND_HALF_UP)
        if line.owed > limit:
            line.owed = limit
            sentence += f", capped at the monthly cap of {say_number(cap)}%: {_money(limit, currency)}"
    usage = credits.base == "usage"
    whole = agreement_limit(agreement, [line]) if not usage or isinstance(credits.agreement_cap, Money) else None
    if whole is not None and line.owed > whole[0]:
        line.owed = whole[0]
        sentence += f", capped at {whole[1]}: {_money(whole[0], currency)}"
    elif usage and credits.agreement_cap is not None and not isinstance(credits.agreement_cap, Money):
        share = say_number(credits.agreement_cap.value)
        sentence += f" (the agreement cap, {share}% of every service's charges, needs them all: see `slactl report`)"
    minimum = credits.minimum
    if minimum is not None and 0 < line.owed < minimum.amount:
        line.owed = Decimal(0)
        code = minimum.currency or currency
        sentence += f"; that is below the minimum credit of {_money(minimum.amount, code)}: none is issued"
    return sentence


def _check_whatif_inputs(
    schedule: CreditSchedule, level_id: str, right: str | None, measured: Decimal | None, events: int | None
) -> None:
    """The measured value and the event count the schedule needs, and no other."""
    from slactl.errors import SlactlError

    if measured is not None and not schedule.bands:
        raise SlactlError(
            f"{level_id} has no credit bands, only a credit per event: give the window's late tickets or outages "
            "with --events instead of a measured value",
            hint=f"slactl credits ... --service-level {level_id} --events 3",
        )
    if events is not None and schedule.per_event is None:
        raise SlactlError(f"{level_id} has no credit per event (`per_event`): leave out --events")
    if measured is None and events is None:
        wanted = [f"--{right}"] if schedule.bands and right else []
        wanted += ["--events"] if schedule.per_event is not None else []
        raise SlactlError(f"give {' and '.join(wanted) or 'a measured value'} for {level_id}")


def _needs_fee(schedule: CreditSchedule, measured: Decimal | None, events: int | None) -> bool:
    """Whether the inputs reach a percentage of the base (a band, or a per-event percent)."""
    per = schedule.per_event
    return measured is not None or (events is not None and per is not None and per.percent is not None)


def _whatif_events(
    schedule: CreditSchedule, level: ServiceLevel, events: int, fee: Decimal | None, currency: str | None, words: str
) -> CreditLine:
    """The credit per event of ``events`` late tickets or outages, worked out as the report does."""
    per = schedule.per_event
    assert per is not None
    noun = "late ticket" if level.metric in ("response_time", "resolution_time") else "outage"
    nouns = noun if events == 1 else noun + "s"
    if per.amount is not None:
        code = per.amount.currency or currency
        amount = (per.amount.amount * events).quantize(_CENT, rounding=ROUND_HALF_UP)
        sentence = f"{events} {nouns} x {_money(per.amount.amount, code)} = {_money(amount, code)}"
        return CreditLine(
            level.id, level.service, "", Decimal(events), None, Decimal(0), fee, fee, amount, amount, code, sentence
        )
    assert per.percent is not None
    head = f"{events} {nouns} x {say_number(per.percent.value)}% of the {level.service} {words}"
    if fee is None:
        return CreditLine(
            level.id, level.service, "", Decimal(events), None, per.percent.value, None, None, None, None, currency,
            f"{head} (no fee is priced for {level.service})",
        )  # fmt: skip
    amount = (fee * per.percent.value * events / _HUNDRED).quantize(_CENT, rounding=ROUND_HALF_UP)
    return CreditLine(
        level.id, level.service, "", Decimal(events), None, per.percent.value, fee, fee, amount, amount, currency,
        f"{head} {_money(fee, currency)} = {_money(amount, currency)}",
    )  # fmt: skip


def _add(band: CreditLine, event: CreditLine) -> CreditLine:
    """A band's credit and the window's credit per event, as one line (caps apply to their sum)."""
    owed = None if band.owed is None or event.owed is None else band.owed + event.owed
    amount = None if band.amount is None or event.amount is None else band.amount + event.amount
    return CreditLine(
        band.level_id, band.service, band.window, band.measured, band.band, band.percent, band.fee,
        band.base if band.base is not None else event.base, amount, owed, band.currency or event.currency,
        f"{band.sentence}; {event.sentence}",
    )  # fmt: skip
