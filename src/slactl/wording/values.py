"""The words for single values: numbers, money, dates, durations, calendars, windows and labels.

Part of ``slactl.wording`` (which re-exports every public name); the other modules of the
package build their sentences from these.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import TYPE_CHECKING, Any

from slactl.clock import day_runs
from slactl.model.types import Count, Duration, Percent, Score

if TYPE_CHECKING:
    from slactl.model.agreement import (
        Calendar,
    )

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
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


# The zones agreements use, in the words people say them. A small table rather than a locale
# database (babel, ICU): the names are few, stable and English-only, and a zone missing here
# is said by its IANA id, which stays exact.
_ZONE_WORDS = {
    "UTC": "UTC",
    "Etc/UTC": "UTC",
    "America/New_York": "Eastern Time",
    "America/Detroit": "Eastern Time",
    "America/Toronto": "Eastern Time",
    "America/Chicago": "Central Time",
    "America/Winnipeg": "Central Time",
    "America/Denver": "Mountain Time",
    "America/Edmonton": "Mountain Time",
    "America/Phoenix": "Mountain Standard Time (Arizona)",
    "America/Los_Angeles": "Pacific Time",
    "America/Vancouver": "Pacific Time",
    "America/Anchorage": "Alaska Time",
    "Pacific/Honolulu": "Hawaii Time",
    "America/Halifax": "Atlantic Time",
    "America/Puerto_Rico": "Atlantic Standard Time",
    "America/Sao_Paulo": "Brasília Time",
    "America/Mexico_City": "Central Time (Mexico)",
    "Europe/London": "UK time",
    "Europe/Dublin": "Irish time",
    "Europe/Lisbon": "Western European Time",
    "Europe/Paris": "Central European Time",
    "Europe/Berlin": "Central European Time",
    "Europe/Madrid": "Central European Time",
    "Europe/Rome": "Central European Time",
    "Europe/Amsterdam": "Central European Time",
    "Europe/Brussels": "Central European Time",
    "Europe/Vienna": "Central European Time",
    "Europe/Zurich": "Central European Time",
    "Europe/Stockholm": "Central European Time",
    "Europe/Oslo": "Central European Time",
    "Europe/Copenhagen": "Central European Time",
    "Europe/Warsaw": "Central European Time",
    "Europe/Prague": "Central European Time",
    "Europe/Helsinki": "Eastern European Time",
    "Europe/Athens": "Eastern European Time",
    "Europe/Bucharest": "Eastern European Time",
    "Asia/Kolkata": "India Standard Time",
    "Asia/Tokyo": "Japan Standard Time",
    "Asia/Singapore": "Singapore Time",
    "Asia/Shanghai": "China Standard Time",
    "Asia/Hong_Kong": "Hong Kong Time",
    "Asia/Dubai": "Gulf Standard Time",
    "Australia/Sydney": "Australian Eastern Time",
    "Australia/Melbourne": "Australian Eastern Time",
    "Australia/Perth": "Australian Western Time",
    "Pacific/Auckland": "New Zealand Time",
}


def say_timezone(zone: str) -> str:
    """A time zone in words: 'America/New_York' -> 'Eastern Time'; a zone not in the table, its IANA id."""
    return _ZONE_WORDS.get(zone, zone)


def say_calendar(calendar: Calendar) -> str:
    """'Mon-Fri 08:00-17:00 Eastern Time, federal holidays excluded'; '24 hours a day, 7 days a week'."""
    if calendar.hours == "24x7":
        head = "24 hours a day, 7 days a week"
    else:
        groups: dict[tuple[tuple[int, int], ...], list[int]] = {}
        for day, spans in calendar.weekly().items():
            if spans:
                groups.setdefault(tuple(spans), []).append(day)
        pieces = [
            f"{day_runs(days)} " + " and ".join(f"{_hhmm(a)}-{_hhmm(b)}" for a, b in spans)
            for spans, days in sorted(groups.items(), key=lambda item: item[1][0])
        ]
        head = "; ".join(pieces) + f" {say_timezone(calendar.timezone)}"
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
