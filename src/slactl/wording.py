"""Human wording of the values of an agreement: what a person would say, computed in Python.

Templates only place these strings; every number, unit and plural is decided here so that the
rendered agreement, ``slactl diff`` and ``slactl report`` all say a value the same way.

Stable API (pure functions, no I/O, no jinja2):

* :func:`say_value` -- any typed value of the model (Duration, Percent, Score, Count, date,
  Calendar, money with ``currency=``, numbers, booleans, lists).
* Specific helpers: :func:`say_money`, :func:`say_number`, :func:`say_date`, :func:`say_date_range`,
  :func:`say_duration`, :func:`say_percent`, :func:`say_score`, :func:`say_calendar`,
  :func:`say_window`, :func:`say_cadence`, :func:`say_metric`, :func:`say_target`,
  :func:`say_availability`, :func:`allowed_downtime`, :func:`say_elapsed`, :func:`say_scope`,
  :func:`say_service_level`, :func:`say_credit_band`, :func:`credit_example`,
  :func:`say_escalation_step`, :func:`say_renewal`, :func:`say_funding_method`,
  :func:`say_delivery`, :func:`say_list`, :func:`monthly_fees`.

Duration semantics (as in the format): ``minutes``/``hours`` are time on the service level's
calendar (business time on a business-hours calendar, so "1 business hour"; wall time on a
24x7 one); ``business_days`` are business days of that calendar (``slactl.clock.business_day``:
its open hours of a week over its open days); ``days``/``weeks`` are
calendar (wall-clock) days, so on a business-hours calendar they are said as "calendar days".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import TYPE_CHECKING, Any

from slactl.model.types import Count, Duration, Percent, Score

if TYPE_CHECKING:
    from slactl.model.agreement import (
        Agreement,
        Calendar,
        Contact,
        CreditBand,
        Credits,
        CreditSchedule,
        EscalationLevel,
        Renewal,
        ServiceLevel,
    )

__all__ = [
    "CreditBasis",
    "CreditExample",
    "allowed_downtime",
    "credit_basis",
    "credit_example",
    "credit_terms",
    "monthly_fees",
    "say_availability",
    "say_cadence",
    "say_calendar",
    "say_credit_band",
    "say_date",
    "say_date_range",
    "say_delivery",
    "say_duration",
    "say_elapsed",
    "say_escalation_step",
    "say_funding_method",
    "say_level_window",
    "say_list",
    "say_metric",
    "say_money",
    "say_number",
    "say_percent",
    "say_renewal",
    "say_scope",
    "say_score",
    "say_service_level",
    "say_target",
    "say_termination_right",
    "say_value",
    "say_window",
    "window_noun",
]

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_DAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_CENT = Decimal("0.01")
# Digits for money arithmetic: amounts and quantities have at most 18 + 6 digits each
# (model/types.py), so a product or sum of a few of them fits exactly.
_WIDE = 100


# --------------------------------------------------------------------------- small pieces


def _plural(amount: Decimal | int, singular: str, plural: str | None = None) -> str:
    text = say_number(Decimal(amount))
    return f"{text} {singular if Decimal(amount) == 1 else (plural or singular + 's')}"


def say_number(value: Decimal | int) -> str:
    """An exact number with thousands separators and no trailing zeros: 5400 -> '5,400', 2.50 -> '2.5'."""
    number = Decimal(value).normalize()
    if number == number.to_integral_value():
        return f"{int(number):,}"
    whole, _, frac = format(abs(number), "f").partition(".")
    sign = "-" if number < 0 else ""
    return f"{sign}{int(whole):,}.{frac}"


def say_money(amount: Decimal | int, currency: str) -> str:
    """'USD 448,200.00': ISO code, thousands separators, two decimals (half-up, never a float)."""
    with localcontext(prec=_WIDE):  # a product of bounded amounts has more digits than the default 28
        cents = Decimal(amount).quantize(_CENT, rounding=ROUND_HALF_UP)
    return f"{currency} {cents:,.2f}"


def say_date(day: date) -> str:
    """'October 1, 2026' (English month names, independent of the locale)."""
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"


def say_date_range(start: date, end: date | None) -> str:
    """'October 1, 2026 to September 30, 2027' (both days included); 'from ..., no end date' when open."""
    if end is None:
        return f"from {say_date(start)}, no end date"
    return f"{say_date(start)} to {say_date(end)}"


def say_list(items: Iterable[str], conjunction: str = "and") -> str:
    """'a', 'a and b', 'a, b and c'."""
    words = list(items)
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def say_percent(value: Percent) -> str:
    """'99.9%'."""
    return f"{say_number(value.value)}%"


def say_score(value: Score) -> str:
    """'4.2 out of 5'."""
    return f"{say_number(value.value)} out of {say_number(value.scale)}"


# --------------------------------------------------------------------------- durations


def _is_business(calendar: Calendar | None) -> bool:
    return calendar is not None and calendar.hours != "24x7"


def _split(seconds: Decimal, units: Sequence[tuple[int, str]]) -> list[str]:
    """Seconds into words of the given units, largest first, dropping zero parts."""
    parts: list[str] = []
    rest = seconds
    for size, word in units:
        count = rest // size if size != units[-1][0] else rest / size
        rest -= count * size
        if count:
            parts.append(_plural(count, word))
    return parts


def say_duration(value: Duration, *, calendar: Calendar | None = None) -> str:
    """A duration in words, on the clock of ``calendar`` when one is given.

    '1 business hour' and '30 business minutes' on a business-hours calendar, '4 hours' on a
    24x7 one or without a calendar, '2 business days', '1 week', '60 days' ('60 calendar days'
    on a business-hours calendar, since days and weeks always run on the wall clock).
    """
    business = _is_business(calendar)
    value = value.normalized()  # one wording per length and clock, as the digest counts them ('7 days' is '1 week')
    amount = value.value
    if value.unit == "business_days":
        return _plural(amount, "business day") + _business_day_length(calendar)
    if value.unit in ("days", "weeks"):
        word = "week" if value.unit == "weeks" else "day"
        if amount == amount.to_integral_value():
            text = _plural(amount, word)
        else:
            parts = _split(amount * (604800 if value.unit == "weeks" else 86400), _WALL_UNITS)
            text = " ".join(parts)
        if business and value.unit == "days":
            text = text.replace(" day", " calendar day", 1)
        return text
    seconds = amount * (3600 if value.unit == "hours" else 60)
    parts = _split(seconds, ((3600, "hour"), (60, "minute"), (1, "second")))
    if not parts:
        return "0 minutes"
    if not business:
        return " ".join(parts)
    if len(parts) == 1:
        number, word = parts[0].split(" ", 1)
        return f"{number} business {word}"
    return " ".join(parts) + " of business time"


_WALL_UNITS = ((604800, "week"), (86400, "day"), (3600, "hour"), (60, "minute"), (1, "second"))


def _business_day_length(calendar: Calendar | None) -> str:
    """' of 8 business hours each' when the calendar's open days differ in length, else ''.

    A business day is ``slactl.clock.business_day`` (the open hours of a week over its open
    days); where every open day is as long, '2 business days' needs no more words.
    """
    if not _is_business(calendar):
        return ""
    from slactl.clock import business_day

    assert calendar is not None
    weekly = calendar.weekly()
    if len({sum(e - s for s, e in spans) for spans in weekly.values() if spans}) < 2:
        return ""
    seconds = Decimal(business_day(weekly) // timedelta(microseconds=1)) / 1_000_000
    parts = _split(seconds, ((3600, "hour"), (60, "minute"), (1, "second")))
    length = f"{parts[0].split(' ', 1)[0]} business {parts[0].split(' ', 1)[1]}" if len(parts) == 1 else " ".join(parts)
    return f" of {length} each"


def say_elapsed(span: timedelta) -> str:
    """A short length such as '43 min 12 s', '3 h 36 min' or '1 d 19 h 48 min' (for downtime)."""
    micro = span // timedelta(microseconds=1)
    seconds = Decimal(micro) / Decimal(1_000_000)
    seconds = seconds.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    parts: list[str] = []
    for size, word in ((86400, "d"), (3600, "h"), (60, "min"), (1, "s")):
        count = seconds // size
        seconds -= count * size
        if count:
            parts.append(f"{count} {word}")
    return " ".join(parts) or "0 s"


# --------------------------------------------------------------------------- calendars


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _day_runs(days: Sequence[int]) -> str:
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(_DAY_ABBR[r[0]] if len(r) == 1 else f"{_DAY_ABBR[r[0]]}-{_DAY_ABBR[r[-1]]}" for r in runs)


def say_calendar(calendar: Calendar) -> str:
    """'Mon-Fri 08:00-17:00 America/New_York, federal holidays excluded'; '24 hours a day, 7 days a week'."""
    if calendar.hours == "24x7":
        head = "24 hours a day, 7 days a week"
    else:
        groups: dict[tuple[tuple[int, int], ...], list[int]] = {}
        for day, spans in calendar.weekly().items():
            if spans:
                groups.setdefault(tuple(spans), []).append(day)
        pieces = [
            f"{_day_runs(days)} " + " and ".join(f"{_hhmm(a)}-{_hhmm(b)}" for a, b in spans)
            for spans, days in sorted(groups.items(), key=lambda item: item[1][0])
        ]
        head = "; ".join(pieces) + f" {calendar.timezone}"
    closed = ["federal holidays"] if calendar.federal_holidays else []
    closed += [f"{h.holiday_set().describe()} holidays" for h in calendar.public_holidays]
    closed += [say_date(d) for d in sorted(calendar.holidays)]
    if not closed:
        return head
    return f"{head}, {say_list(closed)} excluded"


def _weekly_open_minutes(calendar: Calendar) -> int:
    return sum(end - start for spans in calendar.weekly().values() for start, end in spans)


# --------------------------------------------------------------------------- windows, cadences, labels

_WINDOWS = {
    "calendar_month": "per calendar month",
    "calendar_quarter": "per calendar quarter",
    "fiscal_quarter": "per fiscal quarter",
    "fiscal_year": "per fiscal year",
    "term": "over the term of the agreement",
    "week": "per week",
    "rolling": "per rolling window",
}
# The length a window's allowed downtime is stated for: exact for a month/quarter/year of that length.
_WINDOW_DAYS = {
    "calendar_month": (30, "a 30-day month"),
    "calendar_quarter": (91, "a 91-day quarter"),
    "fiscal_quarter": (91, "a 91-day quarter"),
    "fiscal_year": (365, "a 365-day year"),
    "week": (7, "a week"),
}
_CADENCES = {
    "daily": "daily",
    "weekly": "weekly",
    "biweekly": "every two weeks",
    "monthly": "monthly",
    "quarterly": "quarterly",
    "semiannually": "twice a year",
    "annually": "once a year",
    "as_needed": "as needed",
}
_METRICS = {
    "availability": "Availability",
    "response_time": "Response time",
    "resolution_time": "Resolution time",
    "satisfaction": "Customer satisfaction",
    "incident_count": "Number of incidents",
    "custom": "Custom measure",
}
_FUNDING = {
    "interagency_transfer": "Interagency transfer (IAA)",
    "purchase_order": "Purchase order",
    "chargeback": "Chargeback",
    "appropriation": "Appropriation",
    "invoice": "Invoice",
    "other": "Other",
}
_DELIVERY = {
    "online": "online",
    "individual": "sent individually",
    "both": "online and sent individually",
}


def say_window(window: str | None) -> str:
    """'per calendar month', 'per fiscal quarter', 'over the term of the agreement'; '' for None."""
    if window is None:
        return ""
    return _WINDOWS.get(window, f"per {window.replace('_', ' ')}")


def say_cadence(cadence: str) -> str:
    """'monthly', 'every two weeks', 'twice a year', 'as needed'."""
    return _CADENCES.get(cadence, cadence.replace("_", " "))


def say_metric(metric: str) -> str:
    """'Availability', 'Response time', 'Customer satisfaction', 'Number of incidents'."""
    return _METRICS.get(metric, metric.replace("_", " ").capitalize())


def say_funding_method(method: str) -> str:
    """'Interagency transfer (IAA)', 'Purchase order', 'Chargeback'..."""
    return _FUNDING.get(method, method.replace("_", " ").capitalize())


def say_delivery(delivery: str) -> str:
    """'online', 'sent individually', 'online and sent individually'."""
    return _DELIVERY.get(delivery, delivery)


def say_renewal(renewal: Renewal | None) -> str | None:
    """What happens at the end of the term, in one sentence; None when the file does not say."""
    if renewal is None:
        return None
    if renewal.mode == "none":
        return "The agreement does not renew."
    notice = say_duration(renewal.notice) if renewal.notice is not None else None
    if renewal.mode == "auto":
        if notice is None:
            return "The agreement renews automatically for a further term at the end of each term."
        return (
            "The agreement renews automatically for a further term unless either party gives "
            f"notice at least {notice} before the end of the term."
        )
    if notice is None:
        return "The agreement is renegotiated for each term: a new agreement replaces it."
    return (
        f"The agreement is renegotiated for each term; negotiation starts at least {notice} before the end of the term."
    )


_HOLDERS = {"either": "Either party", "customer": "The customer", "provider": "The provider"}


def say_termination_right(by: str, notice: Duration | str | None, cure: Duration | None, *, conditions: bool) -> str:
    """Who may end the agreement early, with what notice and cure period: only what is stated.

    No notice stated says nothing about notice; ``immediate`` (or a zero duration) says
    "with immediate effect"; a cure period lets the other party put things right first.
    """
    from slactl.model.agreement import is_immediate

    text = f"{_HOLDERS[by]} may end this agreement early"
    if is_immediate(notice):
        text += " with immediate effect"
    elif isinstance(notice, Duration):
        text += f" by giving the other party notice at least {say_duration(notice)} in advance"
    if conditions:
        text += " when one of the following conditions is met"
    if cure is not None:
        text += f", unless the other party remedies the cause within {say_duration(cure)} of the notice"
    return text + (":" if conditions else ".")


# --------------------------------------------------------------------------- availability


def allowed_downtime(
    target: Percent, window: str | None, *, calendar: Calendar | None = None
) -> tuple[timedelta, str] | None:
    """Most downtime a target allows, and the period it is stated for.

    On a 24x7 calendar (or none) the period is the window's reference length ('a 30-day
    month'); on a business-hours calendar it is one business week of open hours, since the
    open minutes of a month depend on its holidays. None when the window has no fixed length.
    """
    share = (100 - target.value) / 100
    if _is_business(calendar):
        assert calendar is not None
        minutes = _weekly_open_minutes(calendar)
        hours = Decimal(minutes) / 60
        label = f"a business week of {say_number(hours)} hours"
        seconds = share * minutes * 60
    else:
        if window not in _WINDOW_DAYS:
            return None
        days, label = _WINDOW_DAYS[window]
        seconds = share * days * 86400
    return timedelta(microseconds=int((seconds * 1_000_000).to_integral_value(rounding=ROUND_HALF_UP))), label


def say_availability(target: Percent, window: str | None, *, calendar: Calendar | None = None) -> str:
    """'99.9% availability per calendar month (at most 43 min 12 s of downtime in a 30-day month)'."""
    text = f"{say_percent(target)} availability"
    if window:
        text += f" {say_window(window)}"
    allowed = allowed_downtime(target, window, calendar=calendar)
    if allowed is not None:
        span, label = allowed
        text += f" (at most {say_elapsed(span)} of downtime in {label})"
    return text


# --------------------------------------------------------------------------- service levels


def say_scope(level: ServiceLevel, service_name: str | None = None) -> str:
    """Who the level is about: 'Service Desk, P1 incidents', 'New user requests', 'Help Desk at Kansas City'.

    A priority or request type is named with its service when the service is known, so that
    two services' P1 commitments can never be read as one.
    """
    scope = level.scope
    if scope.request_type and scope.priority:
        subject = f"{scope.priority} {scope.request_type} requests"
    elif scope.priority:
        subject = f"{scope.priority} incidents"
    elif scope.request_type:
        subject = f"{scope.request_type} requests"
    else:
        subject = ""
    if not subject:
        subject = service_name or level.name or level.service
    elif service_name:
        subject = f"{service_name}, {subject}"
    else:
        subject = subject[:1].upper() + subject[1:]
    if scope.site:
        subject += f" at {scope.site}"
    return subject


def _items_noun(level: ServiceLevel) -> tuple[str, str]:
    """What a time target counts, singular and plural: ('ticket', 'tickets')."""
    if level.scope.request_type and level.scope.request_type != "incident":
        return f"{level.scope.request_type} request", f"{level.scope.request_type} requests"
    return "ticket", "tickets"


def say_target(level: ServiceLevel, *, calendar: Calendar | None = None) -> str:
    """The commitment alone: 'first response within 1 business hour', '99.9% availability'."""
    target = level.target
    at_most = level.direction == "at_most"
    bound = "at most" if at_most else "at least"
    if isinstance(target, Duration):
        length = say_duration(target, calendar=calendar)
        verbs = {"response_time": "first response", "resolution_time": "resolution"}
        verb = verbs.get(level.metric, level.name or "time")
        return f"{verb} within {length}" if at_most else f"{verb} after at least {length}"
    if level.metric == "availability" and isinstance(target, Percent):
        return f"{bound} {say_percent(target)} availability" if at_most else f"{say_percent(target)} availability"
    if level.metric == "satisfaction":
        if isinstance(target, Score):
            return f"an average satisfaction score of {bound} {say_score(target)}"
        return f"{bound} {say_value(target)} of surveyed customers satisfied"
    if isinstance(target, Count):
        noun = "incident" if level.metric == "incident_count" else "occurrence"
        return f"{bound} {_plural(target.value, noun)}"
    name = level.name or say_metric(level.metric).lower()
    return f"{name} of {bound} {say_value(target)}"


def say_service_level(level: ServiceLevel, *, calendar: Calendar | None = None, service_name: str | None = None) -> str:
    """The whole commitment in one sentence, as printed in the agreement.

    'P1 incidents: first response within 1 business hour (Mon-Fri 08:00-17:00
    America/New_York, federal holidays excluded), for at least 95% of tickets per calendar month.'
    """
    subject = say_scope(level, service_name)
    target = level.target
    if level.metric == "availability" and isinstance(target, Percent) and level.direction == "at_least":
        body = say_availability(target, level.window, calendar=calendar)
        if calendar is not None and _is_business(calendar):
            body += f", measured during {say_calendar(calendar)}"
        return f"{subject}: {_anchored(level, body)}{say_window_shape(level)}."
    body = say_target(level, calendar=calendar)
    if isinstance(target, Duration) and calendar is not None and target.unit not in ("days", "weeks"):
        body += f" ({say_calendar(calendar)})"
    if isinstance(target, Duration):
        share = level.attainment.value if level.attainment else Decimal(100)
        one, many = _items_noun(level)
        body += f", for every {one}" if share == 100 else f", for at least {say_number(share)}% of {many}"
    if level.window:
        body += f" {say_window(level.window)}"
    return f"{subject}: {_anchored(level, body)}{say_window_shape(level)}."


def _anchored(level: ServiceLevel, body: str) -> str:
    # A month from the 16th is not a calendar month: say "per month", the shape follows.
    if level.window_anchor is not None and level.window_anchor != 1:
        return body.replace(say_window("calendar_month"), "per month", 1)
    return body


def say_level_window(level: ServiceLevel) -> str:
    """One level's window in a few words: 'per calendar month', 'per month from the 16th', 'per rolling 30 days'.

    '' when the level gives no window.
    """
    anchor = level.window_anchor
    if level.window == "rolling" and level.rolling_days:
        return "per day" if level.rolling_days == 1 else f"per rolling {level.rolling_days} days"
    if level.window in (None, "calendar_month") and anchor is not None and anchor != 1:
        return f"per month from the {_ordinal(anchor)}"
    return say_window(level.window)


def window_noun(level: ServiceLevel | None, *, plural: bool = False) -> str:
    """A level's window as a noun: 'calendar month', 'month from the 16th', 'rolling window of 30 days'."""
    s = "s" if plural else ""
    if level is None or (level.window is None and level.window_anchor is None):
        return f"measurement window{s}"
    if level.window == "term":
        return f"term{s} of the agreement"
    if level.window == "rolling" and level.rolling_days:
        return f"rolling window{s} of {level.rolling_days} day{'s' if level.rolling_days > 1 else ''}"
    if level.window_anchor is not None and level.window_anchor != 1:
        return f"month{s} from the {_ordinal(level.window_anchor)}"
    return say_window(level.window).removeprefix("per ") + s


def say_window_shape(level: ServiceLevel) -> str:
    """', each month running from the 16th to the 15th of the next month; judged for each site on its own'."""
    parts: list[str] = []
    anchor = level.window_anchor
    if anchor is not None and anchor != 1:
        if anchor <= 28:
            parts.append(f"each month running from the {_ordinal(anchor)} to the {_ordinal(anchor - 1)} of the next")
        else:
            parts.append(
                f"each month running from the {_ordinal(anchor)} (or the last day of a shorter month) "
                "to the day before that day of the next month"
            )
    if level.window == "rolling" and level.rolling_days:
        days = "day" if level.rolling_days == 1 else f"{level.rolling_days} days"
        parts.append(f"each window being the {days} up to and including the day it is judged, once a day")
    if level.per == "site":
        parts.append("judged for each site on its own")
    return "".join(f", {p}" for p in parts)


def _ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


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


def credit_basis(agreement: Agreement) -> CreditBasis:
    """The credit base of an agreement: its priced monthly fees, a fixed fee for every service, or usage."""
    from slactl.model.agreement import Money

    base = agreement.credits.base if agreement.credits else None
    currency = agreement.pricing.currency if agreement.pricing else None
    if base == "usage":
        return CreditBasis("the charges", {}, currency, usage=True)
    if isinstance(base, Money):
        fees = {level.service: base.amount for level in agreement.service_levels}
        return CreditBasis("the fixed monthly fee", fees, base.currency or currency)
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


# --------------------------------------------------------------------------- escalation


def say_escalation_step(step: EscalationLevel, contact: Contact | None = None) -> str:
    """'Level 2: after 1 business day, escalate to Jordan Okafor (Service Line Manager).'"""
    who = step.contact
    if contact is not None:
        who = f"{contact.name} ({contact.role})"
    text = f"Level {step.level}: after {say_duration(step.after)} unresolved, escalate to {who}."
    if step.description:
        text += f" {step.description.strip()}"
    return text


# --------------------------------------------------------------------------- any value


def say_value(value: Any, *, calendar: Calendar | None = None, currency: str | None = None) -> str:
    """Any typed value of the model, the way a person says it.

    Durations on ``calendar``'s clock; a ``Decimal`` is money when ``currency`` is given, else
    a number; dates spelled out; calendars described; lists joined with 'and'; None is ''.
    """
    from slactl.model.agreement import Calendar as _Calendar

    if value is None:
        return ""
    if isinstance(value, Duration):
        return say_duration(value, calendar=calendar)
    if isinstance(value, Percent):
        return say_percent(value)
    if isinstance(value, Score):
        return say_score(value)
    if isinstance(value, Count):
        return say_number(value.value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal | int):
        return say_money(value, currency) if currency and isinstance(value, Decimal) else say_number(value)
    if isinstance(value, date):
        return say_date(value)
    if isinstance(value, _Calendar):
        return say_calendar(value)
    if isinstance(value, timedelta):
        return say_elapsed(value)
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {say_value(v, calendar=calendar, currency=currency)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return say_list(say_value(v, calendar=calendar, currency=currency) for v in value)
    return str(value)


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
