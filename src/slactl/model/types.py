"""Typed values of the format: durations, percentages, money amounts, dates, zones.

Each is an ``Annotated`` type: a pure parser (no I/O beyond the tz database), a serializer
back to the canonical text, and a JSON Schema that editors can check against.
"""

from __future__ import annotations

import decimal
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel as _Base
from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StrictBool,
    StrictInt,
    WithJsonSchema,
)
from pydantic.functional_validators import AfterValidator


def text_of(value: Any) -> str:
    """``str(value)``, as a serializer: pydantic reads a serializer's signature for every field that
    uses it, and a builtin's (``str``, ``date.isoformat``) is parsed from its text each time."""
    return str(value)


def _iso_date(value: date) -> str:
    return value.isoformat()


class Model(_Base):
    """Base of every model: the exact YAML shape, frozen, unknown keys refused.

    Built on first use (``defer_build``): a document model (``Agreement``, ``Catalog``) is
    built when its module is imported and generates the schema of every model nested in it,
    so building each nested model on its own as well would only cost start-up time.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


BUILT_AT_IMPORT = ConfigDict(defer_build=False)
"""``model_config`` of a document model: built at import, so that processes forked after it
(the pools of ``validate``, ``history`` and ``report``) inherit it ready."""


# --------------------------------------------------------------------------- limits
# Every number, duration and date is bounded where it is read, so that no value a user can
# write reaches arithmetic that overflows, loops for minutes or prints a million digits.

MAX_DIGITS = 18
"""Digits before the decimal point of any number, amount, percentage or score."""
MAX_PLACES = 6
"""Digits after the decimal point (trailing zeros aside)."""
MAX_DURATION_DAYS = 3660
"""Longest duration, in days (ten years); also the most business days."""
MAX_TERM_DAYS = 36600
"""Longest term of an agreement, in days (a century): a report walks its windows one by one."""
MIN_DATE = date(1900, 1, 1)
"""Earliest date of the format."""
MAX_DATE = date(8999, 12, 31)
"""Latest date of the format: dates are before 9000-01-01, so a term can still be renewed."""
_MAX_TEXT_NUMBER = 100
"""A number written with more characters than this is refused before it is parsed."""


def check_decimal(value: Decimal, what: str = "a number") -> Decimal:
    """``value`` when finite, with at most MAX_DIGITS digits before the point and MAX_PLACES after.

    Pure arithmetic on the digit tuple: no decimal context, so it never raises on huge exponents.
    """
    if not value.is_finite():
        raise ValueError(f"{what} must be a finite number")
    _sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite
    while len(digits) > 1 and digits[-1] == 0 and exponent < 0:
        digits, exponent = digits[:-1], exponent + 1
    whole = len(digits) + exponent if any(digits) else 0
    places = -exponent if exponent < 0 else 0
    if whole > MAX_DIGITS:
        raise ValueError(f"{what} has at most {MAX_DIGITS} digits before the decimal point")
    if places > MAX_PLACES:
        raise ValueError(f"{what} has at most {MAX_PLACES} digits after the decimal point")
    return value


def _short(value: Any) -> str:
    """``repr`` of a value, cut to a readable length for a message."""
    text = repr(value)
    return text if len(text) <= 60 else text[:50] + "...(" + str(len(text)) + " characters)"


def _int_decimal(value: int, what: str) -> Decimal:
    if abs(value) >= 10**MAX_DIGITS:  # compared, never printed: no int-to-text digit limit
        raise ValueError(f"{what} has at most {MAX_DIGITS} digits before the decimal point")
    return Decimal(value)


def _decimal_text(text: str, what: str) -> Decimal:
    """Text of a number -> Decimal, refusing absurd lengths before reading them."""
    if len(text) > _MAX_TEXT_NUMBER:
        raise ValueError(f"{what} has at most {MAX_DIGITS} digits before the decimal point (got {_short(text)})")
    if not text.isascii():  # Decimal() reads any script's digits ('١٢٣'); the format is ASCII
        raise ValueError(f"{what} is written with the digits 0-9 (got {_short(text)})")
    return check_decimal(Decimal(text), what)


# --------------------------------------------------------------------------- durations

DurationUnit = Literal["minutes", "hours", "days", "weeks", "business_days"]

_UNIT_WORDS: dict[str, DurationUnit] = {}
for _unit, _words in {
    "minutes": ("m", "min", "mins", "minute", "minutes"),
    "hours": ("h", "hr", "hrs", "hour", "hours", "business hour", "business hours"),
    "days": ("d", "day", "days", "calendar day", "calendar days"),
    "weeks": ("w", "wk", "week", "weeks"),
    "business_days": ("bd", "business day", "business days", "working day", "working days"),
}.items():
    for _word in _words:
        _UNIT_WORDS[_word] = _unit  # type: ignore[assignment]

_DUR_PART = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-z]+(?: [a-z]+)?)\s*")
_ISO_DUR = re.compile(
    r"P(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?(?:(?P<s>\d+)S)?)?"
)
_SECONDS = {"minutes": 60, "hours": 3600, "days": 86400, "weeks": 604800}


@dataclass(frozen=True, slots=True)
class Duration:
    """An amount of time on a service level's clock.

    ``minutes``/``hours``/``days``/``weeks`` count time on the calendar the service level
    names (business time on a business-hours calendar, wall time on a 24x7 one);
    ``business_days`` counts business days of that calendar, each as long as
    ``slactl.clock.business_day`` says (its open hours of a week over its open days).
    """

    value: Decimal
    unit: DurationUnit

    def __str__(self) -> str:
        amount = _num(self.value)
        word = self.unit.replace("_", " ")
        return f"{amount} {word[:-1] if amount == '1' else word}"

    def canonical(self) -> str:
        """One spelling per length on each clock: '60 minutes', '1h' and 'PT1H' all give '1 hour'.

        The clock stays: '1.5 days' (36 wall-clock hours) is not '36 hours' (36 hours on the
        service level's calendar). The text reads back (``parse_duration``) as the same value.
        """
        return str(self.normalized())

    def normalized(self) -> Duration:
        """The one value of this length on this clock: the largest unit it is a whole number of.

        Hours and minutes stay hours or minutes, days and weeks stay days or weeks (a fraction of
        a day stays in days), business days stay business days; zero is '0 minutes' or '0 days'.
        """
        if self.unit == "business_days" or not self.value.is_finite():
            return self
        exact, size = _EXACT, _SIZE[self.unit]
        if self.unit in ("minutes", "hours"):
            minutes = exact.multiply(self.value, size)
            if minutes and not exact.remainder(minutes, _HOUR):
                return Duration(exact.divide(minutes, _HOUR), "hours")
            return Duration(minutes, "minutes")
        days = exact.multiply(self.value, size)
        if days and not exact.remainder(days, _WEEK):
            return Duration(exact.divide(days, _WEEK), "weeks")
        return Duration(days, "days")

    @property
    def seconds(self) -> int:
        """Length in seconds; a business day counts as 24 hours unless the caller knows better."""
        return int(self.value * _SECONDS.get(self.unit, 86400))

    def to_timedelta(self, business_day: timedelta = timedelta(hours=24)) -> timedelta:
        """The length, with ``business_day`` as the length of one open day."""
        if self.unit == "business_days":
            return business_day * float(self.value)
        return timedelta(seconds=self.seconds)


def _num(value: Decimal) -> str:
    """Exact text of a number: no exponent, no trailing zeros, never rounded; -0 is 0."""
    if not value.is_finite():
        return str(value)
    if value.is_zero():
        return "0"
    # normalize() in the default context rounds to 28 digits: 30-digit values would print alike.
    return format(value.normalize(_EXACT), "f")


# Exact arithmetic (the decimal module's recipe): products, remainders and whole quotients never
# round, and a result that would is an error instead of a silent collision of two lengths.
_EXACT = decimal.Context(
    prec=decimal.MAX_PREC,
    Emax=decimal.MAX_EMAX,
    Emin=decimal.MIN_EMIN,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow, decimal.Inexact],
)
_HOUR, _WEEK = Decimal(60), Decimal(7)
_SIZE = {"minutes": Decimal(1), "hours": _HOUR, "days": Decimal(1), "weeks": _WEEK}  # in minutes, in days


def parse_duration(value: Any) -> Duration:
    """'4h', '1 business day', '2 weeks', '1h 30m', ISO 8601 'PT4H' -> ``Duration``."""
    if isinstance(value, Duration):
        return value
    if isinstance(value, bool) or not isinstance(value, str):
        raise ValueError("a duration is text like '4h', '30 minutes', '1 business day' or 'PT4H'")
    text = value.strip()
    if len(text) > _MAX_TEXT_NUMBER:
        raise ValueError(f"a duration is at most {_MAX_TEXT_NUMBER} characters (got {_short(value)})")
    return _bounded_duration(_parse_duration_text(text, value))


def _bounded_duration(duration: Duration) -> Duration:
    if duration.unit == "business_days":
        days = duration.value
    else:
        days = duration.value * _SECONDS[duration.unit] / 86400
    if days > MAX_DURATION_DAYS:
        raise ValueError(f"a duration is at most {MAX_DURATION_DAYS} days (got {days:.0f} days)")
    check_decimal(duration.value, "a duration")
    return duration


def _parse_duration_text(text: str, value: str) -> Duration:
    iso = _ISO_DUR.fullmatch(text)
    if iso and text not in ("P", "PT"):
        parts = iso.groupdict()
        seconds = (
            Decimal(parts["w"] or 0) * 604800
            + Decimal(parts["d"] or 0) * 86400
            + Decimal(parts["h"] or 0) * 3600
            + Decimal(parts["m"] or 0) * 60
            + Decimal(parts["s"] or 0)
        )
        # P2D / P1W are calendar days; any time part makes it clock time (hours on the calendar).
        return _from_seconds(seconds, clock=bool(parts["h"] or parts["m"] or parts["s"]))
    lowered = text.lower()
    pos, total, units = 0, Decimal(0), set()
    while pos < len(lowered):
        part = _DUR_PART.match(lowered, pos)
        if not part:
            break
        amount, word = Decimal(part.group(1)), part.group(2)
        unit = _UNIT_WORDS.get(word)
        if unit is None:
            # "2 hours 30" would swallow the next number's unit; try the first word alone
            unit = _UNIT_WORDS.get(word.split(" ")[0])
            if unit is None:
                raise ValueError(f"unknown duration unit {word!r} in {value!r}")
            pos = part.start(2) + len(word.split(" ")[0])
        else:
            pos = part.end()
        units.add(unit)
        if unit == "business_days":
            if len(units) > 1:
                raise ValueError(f"do not mix business days with other units in {value!r}")
            total = amount
        else:
            total += amount * _SECONDS[unit]
    if pos != len(lowered) or not units:
        raise ValueError(
            f"cannot read {value!r} as a duration; write e.g. '4h', '30 minutes', '1 business day', 'PT4H'"
        )
    if units == {"business_days"}:
        return Duration(total, "business_days")
    if "business_days" in units:
        raise ValueError(f"do not mix business days with other units in {value!r}")
    if len(units) == 1:
        only = next(iter(units))
        return Duration(total / _SECONDS[only], only)
    # Mixed units ("1h 30m", "1 day 2 hours") are clock time: the sum, in hours or minutes.
    return _from_seconds(total, clock=bool(units & {"minutes", "hours"}))


def _from_seconds(seconds: Decimal, *, clock: bool) -> Duration:
    """Largest whole unit of the same family: clock time (hours, minutes) or calendar time (weeks, days).

    The families never mix: 24 hours of business time is not one calendar day, and 1.5
    calendar days are not 36 hours of business time (nor 0 calendar days 0 minutes).
    """
    # Enough digits for the quotient of any length the parser read; an ISO 'PT1S' is 1/60 minute,
    # as exact as that many digits go.
    digits = max(len(seconds.as_tuple().digits), seconds.adjusted() + 1) if seconds.is_finite() else 0
    context = decimal.Context(prec=max(28, digits + 8), Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)
    if clock:
        return Duration(context.divide(seconds, 60), "minutes").normalized()
    return Duration(context.divide(seconds, 86400), "days").normalized()


DurationT = Annotated[
    Duration,
    BeforeValidator(parse_duration),
    PlainSerializer(Duration.canonical, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^(P.+|\s*\d+(\.\d+)?\s*[A-Za-z][A-Za-z ]*)+$",
            "examples": ["4h", "30 minutes", "1 business day", "2 weeks", "PT4H"],
        }
    ),
]


# --------------------------------------------------------------------------- percent

_PCT = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*%\s*")


@dataclass(frozen=True, slots=True)
class Percent:
    """A percentage such as 99.9%, kept exact."""

    value: Decimal

    def __str__(self) -> str:
        return f"{_num(self.value)}%"

    @property
    def fraction(self) -> Decimal:
        return self.value / 100


def parse_percent(value: Any) -> Percent:
    """'99.9%' -> ``Percent``; the % sign is required so 0.999 and 99.9 cannot be confused."""
    if isinstance(value, Percent):
        return value
    if isinstance(value, str):
        match = _PCT.fullmatch(value)
        if match:
            return Percent(_decimal_text(match.group(1), "a percentage"))
    raise ValueError(f"a percentage is written with a % sign, like '99.9%' (got {_short(value)})")


PercentT = Annotated[
    Percent,
    BeforeValidator(parse_percent),
    PlainSerializer(text_of, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^\s*[0-9]+(\.[0-9]+)?\s*%\s*$", "examples": ["99.9%"]}),
]


# --------------------------------------------------------------------------- money

_MONEY = re.compile(r"-?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|-?[0-9]+(?:\.[0-9]+)?")


def parse_amount(value: Any) -> Decimal:
    """A money amount: an integer, an exact decimal, or text like '12,000.00'. Never a float."""
    if isinstance(value, bool):
        raise ValueError("an amount is a number like 12000 or '12,000.00'")
    if isinstance(value, float):
        raise ValueError("money is never a binary float; write the amount as text, e.g. '12000.50'")
    if isinstance(value, int):
        return check_decimal(_int_decimal(value, "an amount"), "an amount")
    if isinstance(value, Decimal):
        return check_decimal(value, "an amount")
    if isinstance(value, str) and len(value) > _MAX_TEXT_NUMBER:
        raise ValueError(f"an amount has at most {MAX_DIGITS} digits before the decimal point (got {_short(value)})")
    if isinstance(value, str) and _MONEY.fullmatch(value.strip()):
        try:
            return _decimal_text(value.strip().replace(",", ""), "an amount")
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            pass
    raise ValueError(f"an amount is a number like 12000 or '12,000.00' (got {_short(value)})")


def _amount_str(value: Decimal) -> str:
    # Normalized so that 1500, 1500.00 and "1,500.00" serialize (and digest) alike; exact, so
    # that two amounts that differ in the 29th digit never do.
    return _num(value)


def _plain_zero(value: Decimal) -> Decimal:
    # '-0' and '0' are one amount: the model never holds a negative zero that prints as '-0.00'.
    return value.copy_abs() if value.is_zero() else value


Amount = Annotated[
    Decimal,
    BeforeValidator(parse_amount),
    AfterValidator(_plain_zero),
    PlainSerializer(_amount_str, return_type=str),
    WithJsonSchema(
        {
            "anyOf": [{"type": "number"}, {"type": "string", "pattern": r"^-?[0-9][0-9,]*(\.[0-9]+)?$"}],
            "examples": [12000, "12,000.00"],
        }
    ),
]

# --------------------------------------------------------------------------- numbers


def parse_number(value: Any) -> Decimal:
    """A plain exact number (quantities, scores)."""
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError("expected a number")
    if isinstance(value, int):
        return check_decimal(_int_decimal(value, "a number"), "a number")
    if isinstance(value, Decimal):
        return check_decimal(value, "a number")
    if isinstance(value, str):
        try:
            return _decimal_text(value.strip(), "a number")
        except InvalidOperation:
            pass
    raise ValueError(f"expected a number (got {_short(value)})")


Number = Annotated[
    Decimal,
    BeforeValidator(parse_number),
    AfterValidator(_plain_zero),
    PlainSerializer(_amount_str, return_type=str),
    WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$"}]}),
]

# --------------------------------------------------------------------------- dates

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def check_date(value: date) -> date:
    """``value`` when it is from MIN_DATE (1900-01-01) and before 9000-01-01."""
    if not MIN_DATE <= value <= MAX_DATE:
        raise ValueError(f"a date is from {MIN_DATE} and before 9000-01-01 (got {value.isoformat()})")
    return value


def parse_date(value: Any) -> date:
    """ISO 8601 calendar dates only (``2026-10-01``), 1900-01-01 to 8999-12-31; never timestamps."""
    if isinstance(value, date):
        return check_date(value)
    if isinstance(value, str) and _DATE.fullmatch(value.strip()):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a real date ({exc})") from None
        return check_date(day)
    raise ValueError(f"a date is written YYYY-MM-DD, like 2026-10-01 (got {_short(value)})")


IsoDate = Annotated[
    date,
    BeforeValidator(parse_date),
    PlainSerializer(_iso_date, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "format": "date"}),
]

# --------------------------------------------------------------------------- time zones


@lru_cache(maxsize=256)
def _zone_ok(name: str) -> bool:
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return False
    return True


def parse_timezone(value: Any) -> str:
    """An IANA time zone name such as ``America/New_York``."""
    if isinstance(value, str) and re.fullmatch(r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+)*", value):
        if _zone_ok(value):
            return value
    raise ValueError(f"{value!r} is not an IANA time zone (e.g. America/New_York, Europe/Berlin, UTC)")


TimeZone = Annotated[
    str,
    BeforeValidator(parse_timezone),
    WithJsonSchema({"type": "string", "examples": ["America/New_York", "UTC"]}),
]

# --------------------------------------------------------------------------- small strings

SLUG = r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"
Slug = Annotated[str, Field(pattern=SLUG, description="A lowercase id: letters, digits and dashes.")]
_FISCAL_YEAR = r"^FY(?:19|[2-8][0-9])[0-9]{2}$"


def parse_fiscal_year(value: Any) -> Any:
    """'FY2027': FY and the year the fiscal year ends in, FY1900 to FY8999 (the years of dates)."""
    if not isinstance(value, str) or re.fullmatch(_FISCAL_YEAR, value):
        return value  # a non-string is refused by the str type itself ("Input should be a valid string")
    raise ValueError(f"a fiscal year is FY and its year, FY1900 to FY8999, like FY2027 (got {_short(value)})")


FiscalYear = Annotated[
    str,
    BeforeValidator(parse_fiscal_year),
    WithJsonSchema({"type": "string", "pattern": _FISCAL_YEAR, "description": "A fiscal year such as FY2027."}),
]
Email = Annotated[str, Field(pattern=r'^[^@\s<>"]+@[^@\s<>"]+\.[^@\s<>"]+$', description="An e-mail address.")]
Currency = Annotated[
    str,
    Field(pattern=r"^[A-Z]{3}$", description="An ISO 4217 currency code such as USD or EUR."),
]
Text = Annotated[str, Field(min_length=1)]
Bool = StrictBool
Int = StrictInt

# --------------------------------------------------------------------------- targets


@dataclass(frozen=True, slots=True)
class Score:
    """A satisfaction score on a scale: 4.5 out of 5."""

    value: Decimal
    scale: Decimal

    def __str__(self) -> str:
        return f"{_num(self.value)}/{_num(self.scale)}"


@dataclass(frozen=True, slots=True)
class Count:
    """A whole number of events (incidents, tickets)."""

    value: int

    def __str__(self) -> str:
        return str(self.value)


TargetValue = Duration | Percent | Score | Count
_SCORE = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*(?:/|out of)\s*([0-9]+(?:\.[0-9]+)?)\s*")


def parse_target(value: Any) -> TargetValue:
    """A target: '99.9%' (percent), '4h' (duration), '4.5/5' (score) or 3 (count)."""
    if isinstance(value, Duration | Percent | Score | Count):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ValueError("a count cannot be negative")
        if value >= 10**MAX_DIGITS:
            raise ValueError(f"a count has at most {MAX_DIGITS} digits")
        return Count(value)
    if isinstance(value, str):
        if value.strip().isascii() and value.strip().isdigit() and len(value.strip()) > MAX_DIGITS:
            raise ValueError(f"a count has at most {MAX_DIGITS} digits (got {_short(value)})")
        if len(value) > _MAX_TEXT_NUMBER:
            raise ValueError(f"a target is at most {_MAX_TEXT_NUMBER} characters (got {_short(value)})")
        if "%" in value:
            return parse_percent(value)
        score = _SCORE.fullmatch(value)
        if score:
            return Score(_decimal_text(score.group(1), "a score"), _decimal_text(score.group(2), "a scale"))
        try:
            return parse_duration(value)
        except ValueError:
            pass
    raise ValueError(
        f"cannot read target {_short(value)}: write a percentage ('99.9%'), a duration ('4h'), "
        "a score ('4.5/5') or a whole count (3)"
    )


def _target_out(value: TargetValue) -> str | int:
    if isinstance(value, Count):
        return value.value
    return value.canonical() if isinstance(value, Duration) else str(value)


Target = Annotated[
    TargetValue,
    BeforeValidator(parse_target),
    PlainSerializer(_target_out),
    WithJsonSchema(
        {
            "anyOf": [{"type": "string"}, {"type": "integer", "minimum": 0}],
            "examples": ["99.9%", "1h", "1 business day", "4.5/5", 3],
        }
    ),
]
