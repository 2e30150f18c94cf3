"""Service credits, termination conditions and rewards, from the measured windows.

Credits: the measured attainment of a window (availability percent, or the percent of
tickets meeting the time target) falls in a credit band ``[from, to)``; the credit is that
band's percent of the service's monthly fee (prorated for a partial window). The
``monthly_cap`` limits the credits of one service in one window to that percent of the fee.
Money is Decimal, rounded half-up to cents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from slactl.model.agreement import Agreement, CreditBand, CreditSchedule, Money
from slactl.report.claims import claim_by
from slactl.report.measure import LevelResult, WindowResult
from slactl.report.periods import Window
from slactl.wording import credit_currency, monthly_fees, say_money, say_number

_CENT = Decimal("0.01")
_HUNDRED = Decimal(100)
_WINDOW_MONTHS = {
    "calendar_month": Decimal(1),
    "calendar_quarter": Decimal(3),
    "fiscal_quarter": Decimal(3),
    "fiscal_year": Decimal(12),
}


@dataclass
class CreditLine:
    """One credit earned by one service level in one window, with its worked line."""

    level_id: str
    service: str
    window: str
    measured: Decimal
    band: CreditBand | None
    percent: Decimal  # credit percent of the fee
    fee: Decimal | None  # the monthly fee
    base: Decimal | None  # fee the percent applies to (prorated, scaled to the window)
    amount: Decimal | None
    owed: Decimal | None  # after the cap
    currency: str | None
    sentence: str
    claim_by: date | None = None  # the last day to claim it (`credits.claim.deadline`), when known
    claim_from: str = ""  # the deadline: "30 days after the window", "2 billing cycles after the incident of ..."


@dataclass
class CapLine:
    """A limit applied to credits of one window: the monthly cap of a service, the agreement cap, the minimum."""

    service: str  # the service, or "" for the agreement cap
    window: str
    total: Decimal
    cap: Decimal
    owed: Decimal
    sentence: str
    kind: str = "monthly_cap"  # or "agreement_cap", "minimum"


@dataclass
class Credits:
    """All credits of a report."""

    lines: list[CreditLine] = field(default_factory=list)
    caps: list[CapLine] = field(default_factory=list)
    total: Decimal = Decimal(0)
    currency: str | None = None


@dataclass
class TerminationResult:
    """One termination condition and whether the measured windows trigger it."""

    description: str
    level_id: str | None
    triggered: bool | None  # None: not checkable from data
    windows: list[str]
    sentence: str


@dataclass
class RewardResult:
    """One reward and the windows (or groups of windows) that earned it."""

    level_id: str
    condition: str
    reward: str
    granted: bool | None  # None: the condition could not be read
    earned_in: list[str]
    sentence: str


def pct(value: Decimal) -> str:
    """A measured percentage for people: two decimals, rounded down (so a miss never reads as met)."""
    return f"{value.quantize(_CENT, rounding='ROUND_FLOOR')}%"


def band_for(schedule: CreditSchedule, measured: Decimal) -> CreditBand | None:
    """The band with ``from <= measured < to``, if any."""
    for band in schedule.bands:
        if band.covers(measured):
            return band
    return None


def _band_text(band: CreditBand) -> str:
    if band.high is None:
        return f"{say_number(band.low)}%-and-above"
    if band.from_ is None:
        return f"below-{say_number(band.high)}%"
    return f"{say_number(band.low)}%-{say_number(band.high)}%"


Charges = dict[tuple[str, str], Decimal]  # (service, window first day or label) -> the window's charges


def read_charges(path: Path) -> Charges:
    """A charges file (CSV: `window,service,amount`): what each service was charged for each window.

    `window` is the window's first day (`2027-02-01`) or its label as the report writes it
    (`Feb 2027`); amounts are exact decimals (`1,250.00`).
    """
    import csv

    from slactl.errors import SlactlError
    from slactl.model.types import parse_amount

    out: Charges = {}
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError) as exc:
        raise SlactlError(f"cannot read the charges file: {exc}", path=str(path)) from None
    if not rows or [c.strip().lower() for c in rows[0]] != ["window", "service", "amount"]:
        raise SlactlError("a charges file starts with the header `window,service,amount`", path=str(path))
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            if len(row) != 3:
                raise ValueError("a row has three cells: window, service, amount")
            window, service, amount = (cell.strip() for cell in row)
            out[(service, window)] = out.get((service, window), Decimal(0)) + parse_amount(amount)
        except ValueError as exc:
            raise SlactlError(f"line {line}: {exc}", path=str(path), hint="fix the row; charges are money") from None
    return out


@dataclass(frozen=True)
class FeeBase:
    """What a credit percentage applies to in one window for one service."""

    fee: Decimal | None  # the monthly fee, or the window's charges
    months: Decimal  # monthly fees the window stands for (1 for charges)
    prorate: bool  # a partial window takes its share of days (not for charges)
    words: str  # "monthly fee" or "charges for Feb 2027"
    missing: str  # why there is no fee, when there is none


def fee_base(agreement: Agreement, wr: WindowResult, service: str, charges: Charges | None) -> FeeBase:
    """The fee of `credits.base` for the window: priced, a fixed amount, or the charges file's."""
    from slactl.model.agreement import Money

    base = agreement.credits.base if agreement.credits else None
    kind = wr.level.window if wr.level else None
    if base == "usage":
        label = wr.window.label
        got = None
        if charges is not None:
            got = charges.get((service, wr.window.start.isoformat()), charges.get((service, label)))
        missing = "no charges file was given" if charges is None else f"the charges file has no row for {label}"
        return FeeBase(got, Decimal(1), False, f"charges for {label}", missing)
    months = window_months(kind, agreement)
    if isinstance(base, Money):
        return FeeBase(base.amount, months, True, "monthly fee", "")
    fee = service_fees(agreement).get(service)
    return FeeBase(fee, months, True, "monthly fee", f"no fee is priced for {service}")


def window_fees(agreement: Agreement, wr: WindowResult, charges: Charges | None) -> dict[str, Decimal]:
    """Every service's fee for the agreement cap, in the terms of `fee_base` (before months and proration)."""
    out: dict[str, Decimal] = {}
    for service in agreement.services:
        fee = fee_base(agreement, wr, service.id, charges).fee
        if fee is not None:
            out[service.id] = fee
    return out


def service_fees(agreement: Agreement) -> dict[str, Decimal]:
    """Monthly fee per service: the priced amount over the term / months in the term.

    ``wording.monthly_fees`` states no fee for a term of broken months; then the months
    are counted with the broken part as a fraction of its month (a report must still
    prorate), so the amounts stay exact Decimals.
    """
    fees = monthly_fees(agreement)
    if fees or agreement.pricing is None or agreement.term.end is None:
        return fees  # an open-ended term has no term total to divide into months
    months = _months(agreement.term.start, agreement.term.end)
    if months <= 0:
        return {}
    totals: dict[str, Decimal] = {}
    for item in agreement.pricing.items:
        amount = item.amount if item.amount is not None else item.quantity * item.unit_price
        totals[item.service] = totals.get(item.service, Decimal(0)) + amount
    return {svc: total / months for svc, total in totals.items()}


def _months(start: date, end: date) -> Decimal:
    """Months from start to end inclusive; a broken month counts its share of days."""
    stop = end + timedelta(days=1)
    whole = (stop.year - start.year) * 12 + stop.month - start.month
    anchor = _add_months(start, whole)
    if anchor > stop:
        whole -= 1
        anchor = _add_months(start, whole)
    nxt = _add_months(start, whole + 1)
    return Decimal(whole) + Decimal((stop - anchor).days) / Decimal((nxt - anchor).days)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def window_months(kind: str | None, agreement: Agreement) -> Decimal:
    """How many monthly fees one full window stands for."""
    if kind == "term" and agreement.term.end is not None:
        return _months(agreement.term.start, agreement.term.end)
    if kind == "week":
        return Decimal(7) * 12 / Decimal("365.25")
    return _WINDOW_MONTHS.get(kind or "calendar_month", Decimal(1))


def credit_for(
    level_id: str,
    service: str,
    measured: Decimal,
    schedule: CreditSchedule,
    *,
    fee: Decimal | None,
    currency: str | None,
    window: Window | None = None,
    months: Decimal = Decimal(1),
    label: str = "",
    noun: str = "",
    words: str = "monthly fee",
    missing: str = "",
) -> CreditLine | None:
    """The credit a measured value earns, with the worked line; None when it is in no band or a no-credit band."""
    band = band_for(schedule, measured)
    if band is None or band.credit.value == 0:
        return None
    head = f"{level_id} at {pct(measured)}{noun} falls in the {_band_text(band)} band: {say_number(band.credit.value)}%"
    if fee is None:
        sentence = f"{head} of the {service} {words} ({missing or f'no fee is priced for {service}'})"
        return CreditLine(
            level_id, service, label, measured, band, band.credit.value, None, None, None, None, currency, sentence
        )
    base = fee * months
    of = f"the {service} {words} {_money(fee, currency)}"
    if months != 1:
        of = f"{say_number(months.quantize(Decimal('0.0001')).normalize())} x {of}"
    if window is not None and window.partial:
        base = base * window.fraction
        of += f" x {window.days}/{window.full_days} days"
    amount = (base * band.credit.value / _HUNDRED).quantize(_CENT, rounding=ROUND_HALF_UP)
    sentence = f"{head} of {of} = {_money(amount, currency)}"
    return CreditLine(
        level_id, service, label, measured, band, band.credit.value, fee, base, amount, amount, currency, sentence
    )


def _money(amount: Decimal, currency: str | None) -> str:
    """An amount in the agreement's currency; a fee given with no pricing has none (``credits --fee``)."""
    if currency is not None:
        return say_money(amount, currency)
    return f"{amount.quantize(_CENT, rounding=ROUND_HALF_UP):,}"


def compute_credits(levels: list[LevelResult], charges: Charges | None = None) -> Credits:
    """Credits for every window: a band's credit, a credit per event, then the caps and the minimum.

    In order: each service's `monthly_cap`, then the `agreement_cap` over all services of the
    window, then the `minimum` (a credit owed below it is not issued).
    """
    out = Credits()
    groups: dict[tuple[str, date, date], list[CreditLine]] = {}
    caps: dict[tuple[str, date, date], tuple[Decimal | None, Decimal | None, str | None, str]] = {}
    windows: dict[tuple[date, date], tuple[Agreement, str, list[CreditLine], dict[str, Decimal]]] = {}
    for lr in levels:
        for wr in lr.windows:
            for line in (_window_credit(lr, wr, charges), _event_credit(lr, wr, charges)):
                if line is None or wr.version is None:
                    continue
                wr.credit = wr.credit or line
                out.lines.append(line)
                agreement: Agreement = wr.version.agreement
                if wr.level is not None:
                    first = min((m.when for m in wr.misses), default=None)
                    complete = len(wr.misses) == wr.misses_total
                    claim = claim_by(agreement, wr.level, wr.window, first if complete else None)
                    if claim is not None:
                        line.claim_by, line.claim_from = claim
                key = (line.service, wr.window.start, wr.window.stop)
                groups.setdefault(key, []).append(line)
                credits = agreement.credits
                cap = credits.monthly_cap.value if credits and credits.monthly_cap else None
                caps[key] = (cap, _window_fee(agreement, wr, line.service, charges), line.currency, wr.window.label)
                at = (wr.window.start, wr.window.stop)
                windows.setdefault(at, (agreement, wr.window.label, [], window_fees(agreement, wr, charges)))[2].append(
                    line
                )
    for key, lines in groups.items():
        cap, base, currency, label = caps[key]
        amounts = [ln.amount for ln in lines if ln.amount is not None]
        if cap is None or base is None or currency is None or not amounts:
            continue
        total = sum(amounts, Decimal(0))
        limit = (base * cap / _HUNDRED).quantize(_CENT, rounding=ROUND_HALF_UP)
        if total <= limit:
            continue
        _reduce(lines, limit)
        sentence = (
            f"Credits for {key[0]} in {label} total {say_money(total, currency)}, above the monthly cap of "
            f"{say_number(cap)}% of the fee: {say_money(limit, currency)} is owed"
        )
        out.caps.append(CapLine(key[0], label, total, limit, limit, sentence))
    for agreement, label, lines, fees in windows.values():
        out.caps.extend(_agreement_limits(agreement, label, lines, fees))
    for ln in out.lines:
        if ln.owed is not None:
            out.total += ln.owed
            out.currency = out.currency or ln.currency
        if ln.claim_by is not None and ln.owed:
            ln.sentence += f"; claim by {ln.claim_by.isoformat()} ({ln.claim_from})"
    return out


def _window_fee(agreement: Agreement, wr: WindowResult, service: str, charges: Charges | None) -> Decimal | None:
    """The service's fee for the window: the monthly fee x the months the window stands for, prorated."""
    base = fee_base(agreement, wr, service, charges)
    if base.fee is None:
        return None
    amount = base.fee * base.months
    return amount * wr.window.fraction if base.prorate and wr.window.partial else amount


def events_of(wr: WindowResult) -> int | None:
    """The events a per-event credit counts: late tickets of a time level, outages of an availability or count level."""
    for name in ("missed", "outages", "incidents"):
        value = wr.detail.get(name)
        if isinstance(value, int):
            return value
    return None


def _event_credit(lr: LevelResult, wr: WindowResult, charges: Charges | None = None) -> CreditLine | None:
    """The credit per event of the window: count x (an amount, or a share of the monthly fee)."""
    if wr.level is None or wr.version is None or wr.level.window == "rolling":
        return None
    agreement: Agreement = wr.version.agreement
    schedules = agreement.credits.schedules if agreement.credits else []
    schedule = next((s for s in schedules if s.service_level == lr.id), None)
    if schedule is None or schedule.per_event is None:
        return None
    count = events_of(wr)
    if not count:
        return None
    service = wr.level.service
    pricing_currency = credit_currency(agreement)
    noun = "late ticket" if "missed" in wr.detail else "outage" if "outages" in wr.detail else "incident"
    nouns = noun if count == 1 else noun + "s"
    per = schedule.per_event
    if per.amount is not None:
        currency = per.amount.currency or pricing_currency
        each = per.amount.amount
        amount = (each * count).quantize(_CENT, rounding=ROUND_HALF_UP)
        sentence = f"{lr.id}: {count} {nouns} x {_money(each, currency)} = {_money(amount, currency)}"
        return CreditLine(
            lr.id, service, wr.window.label, Decimal(count), None, Decimal(0), None, None, amount, amount, currency,
            sentence,
        )  # fmt: skip
    assert per.percent is not None
    base = fee_base(agreement, wr, service, charges)
    fee = base.fee
    head = f"{lr.id}: {count} {nouns} x {say_number(per.percent.value)}% of the {service} {base.words}"
    if fee is None:
        sentence = f"{head} ({base.missing})"
        return CreditLine(
            lr.id, service, wr.window.label, Decimal(count), None, per.percent.value, None, None, None, None,
            pricing_currency, sentence,
        )  # fmt: skip
    amount = (fee * per.percent.value * count / _HUNDRED).quantize(_CENT, rounding=ROUND_HALF_UP)
    sentence = f"{head} {_money(fee, pricing_currency)} = {_money(amount, pricing_currency)}"
    return CreditLine(
        lr.id, service, wr.window.label, Decimal(count), None, per.percent.value, fee, fee, amount, amount,
        pricing_currency, sentence,
    )  # fmt: skip


def _reduce(lines: list[CreditLine], limit: Decimal) -> None:
    """Lower the owed amounts in order so they add up to ``limit``."""
    left = limit
    for ln in lines:
        if ln.owed is None:
            continue
        ln.owed = min(ln.owed, left)
        left -= ln.owed


def agreement_limit(
    agreement: Agreement, lines: list[CreditLine], fees: dict[str, Decimal] | None = None
) -> tuple[Decimal, str] | None:
    """The agreement cap of one window in money, and how it is said; None without one or without fees to share."""
    cap = agreement.credits.agreement_cap if agreement.credits else None
    if cap is None:
        return None
    if isinstance(cap, Money):
        return cap.amount, f"the agreement cap of {_money(cap.amount, lines[0].currency if lines else None)}"
    fees = service_fees(agreement) if fees is None else fees
    priced = [ln for ln in lines if ln.fee is not None and ln.base is not None and ln.fee != 0]
    if not fees or not priced:
        return None
    factor = priced[0].base / priced[0].fee  # type: ignore[operator]  # months x the partial window's share
    total_fee = sum(fees.values(), Decimal(0)) * factor
    limit = (total_fee * cap.value / _HUNDRED).quantize(_CENT, rounding=ROUND_HALF_UP)
    fee_text = _money(total_fee.quantize(_CENT, rounding=ROUND_HALF_UP), priced[0].currency)
    return limit, f"the agreement cap of {say_number(cap.value)}% of all fees for the window ({fee_text})"


def _agreement_limits(
    agreement: Agreement, label: str, lines: list[CreditLine], fees: dict[str, Decimal]
) -> list[CapLine]:
    out: list[CapLine] = []
    currency = next((ln.currency for ln in lines if ln.currency), None)
    owed = [ln.owed for ln in lines if ln.owed is not None]
    limit = agreement_limit(agreement, lines, fees)
    if limit is not None and owed:
        cap, said = limit
        total = sum(owed, Decimal(0))
        if total > cap:
            _reduce(lines, cap)
            sentence = (
                f"Credits of all services in {label} total {_money(total, currency)}, above {said}: "
                f"{_money(cap, currency)} is owed"
            )
            out.append(CapLine("", label, total, cap, cap, sentence, kind="agreement_cap"))
    minimum = agreement.credits.minimum if agreement.credits else None
    if minimum is not None:
        for ln in lines:
            if ln.owed is not None and 0 < ln.owed < minimum.amount:
                sentence = (
                    f"The {ln.level_id} credit for {label}, {_money(ln.owed, currency)}, is below the minimum credit "
                    f"of {_money(minimum.amount, currency)}: none is issued"
                )
                out.append(CapLine(ln.service, label, ln.owed, minimum.amount, Decimal(0), sentence, kind="minimum"))
                ln.owed = Decimal(0)
    return out


def _window_credit(lr: LevelResult, wr: WindowResult, charges: Charges | None = None) -> CreditLine | None:
    if wr.measured is None or wr.level is None or wr.version is None or lr.unit != "%":
        return None
    if wr.level.window == "rolling":
        return None  # a trailing window ends every day: a view of the service, not a billing period
    agreement: Agreement = wr.version.agreement
    if agreement.credits is None:
        return None
    schedule = next((s for s in agreement.credits.schedules if s.service_level == lr.id), None)
    if schedule is None:
        return None
    service = wr.level.service
    base = fee_base(agreement, wr, service, charges)
    currency = credit_currency(agreement)
    noun = "" if wr.level.metric == "availability" else " of tickets on time"
    return credit_for(
        lr.id,
        service,
        wr.measured,
        schedule,
        fee=base.fee,
        currency=currency,
        window=wr.window if base.prorate else None,
        months=base.months,
        label=wr.window.label,
        noun=noun,
        words=base.words,
        missing=base.missing,
    )


def check_termination(agreement: Agreement, levels: list[LevelResult]) -> list[TerminationResult]:
    """Each condition with counts: triggered when some run of ``of_consecutive`` windows holds ``missed`` misses."""
    out: list[TerminationResult] = []
    if agreement.termination is None:
        return out
    by_id = {lr.id: lr for lr in levels}
    for cond in agreement.termination.conditions:
        if cond.service_level is None or cond.missed is None or cond.of_consecutive is None:
            out.append(
                TerminationResult(
                    cond.description, cond.service_level, None, [], f"Not checked from data: {cond.description}"
                )
            )
            continue
        lr = by_id.get(cond.service_level)
        if lr is None:
            out.append(
                TerminationResult(
                    cond.description,
                    cond.service_level,
                    None,
                    [],
                    f"{cond.service_level} is not measured in this report.",
                )
            )
            continue
        wins = lr.windows
        hit: list[str] | None = None
        for i in range(max(1, len(wins) - cond.of_consecutive + 1)):
            run = wins[i : i + cond.of_consecutive]
            missed = [w.window.label for w in run if w.status == "missed"]
            if len(missed) >= cond.missed and len(run) >= min(cond.of_consecutive, len(wins)):
                hit = missed
                span = f"{run[0].window.label} to {run[-1].window.label}"
                break
        if hit is not None:
            sentence = (
                f"Triggered: {cond.service_level} was missed in {', '.join(hit)} "
                f"({len(hit)} of the {cond.of_consecutive} consecutive windows {span}). {cond.description}"
            )
            out.append(TerminationResult(cond.description, cond.service_level, True, hit, sentence))
        else:
            worst = max(
                (sum(1 for w in wins[i : i + cond.of_consecutive] if w.status == "missed") for i in range(len(wins))),
                default=0,
            )
            sentence = (
                f"Not triggered: at most {worst} missed in any {cond.of_consecutive} consecutive windows "
                f"(the condition needs {cond.missed})."
            )
            out.append(TerminationResult(cond.description, cond.service_level, False, [], sentence))
    return out


_GROUPS = (("quarter", 3), ("year", 12), ("term", 0), ("month", 1), ("window", 1))


def check_rewards(agreement: Agreement, levels: list[LevelResult]) -> list[RewardResult]:
    """Rewards whose condition reads 'target met ... month / quarter / year': granted per group of met windows.

    Conditions are free text; one that names none of month, quarter, year or term is
    listed as not checkable rather than guessed.
    """
    out: list[RewardResult] = []
    if agreement.credits is None:
        return out
    by_id = {lr.id: lr for lr in levels}
    for reward in agreement.credits.rewards:
        lr = by_id.get(reward.service_level)
        text = reward.condition.lower()
        size = next((n for word, n in _GROUPS if re.search(rf"\b{word}", text)), None)
        if lr is None or size is None or ("met" not in text and "meet" not in text):
            sentence = f"Not checked from data: {reward.condition} ({reward.reward})."
            out.append(RewardResult(reward.service_level, reward.condition, reward.reward, None, [], sentence))
            continue
        earned: list[str] = []
        for label, group in _group(lr.windows, size):
            if group and all(w.status == "met" and not w.window.partial for w in group):
                earned.append(label)
        granted = bool(earned)
        if granted:
            sentence = f"Granted for {', '.join(earned)}: {reward.reward}."
        else:
            sentence = f"Not earned in this period: {reward.condition}."
        out.append(RewardResult(reward.service_level, reward.condition, reward.reward, granted, earned, sentence))
    return out


def _group(wins: list[WindowResult], size: int) -> list[tuple[str, list[WindowResult]]]:
    """Windows grouped into whole calendar quarters (size 3), years (12), the period (0), or one by one.

    A quarter or year counts only when its windows cover all of its days.
    """
    if size == 1:
        return [(w.window.label, [w]) for w in wins]
    if size == 0:
        return [("the period", wins)] if wins else []
    groups: dict[tuple[date, date, str], list[WindowResult]] = {}
    for w in wins:
        start = w.window.start
        if size == 3:
            first = date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
            stop = _add_months(first, 3)
            label = f"{first.year}-Q{(first.month - 1) // 3 + 1}"
        else:
            first, stop, label = date(start.year, 1, 1), date(start.year + 1, 1, 1), str(start.year)
        groups.setdefault((first, stop, label), []).append(w)
    return [
        (label, g) for (first, stop, label), g in groups.items() if sum(w.window.days for w in g) == (stop - first).days
    ]
