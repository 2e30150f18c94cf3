"""The commercial terms of an agreement: pricing, money, and service credits with their claims.

Split from ``slactl.model.agreement`` (which re-exports every name here) to keep each module
to one role. No ``from __future__ import annotations``, as in ``agreement``: pydantic builds
faster from real annotations, so a model is defined after the models its fields name.
"""

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BeforeValidator,
    PlainSerializer,
    PlainValidator,
    WithJsonSchema,
    model_validator,
)

from slactl.model.fields import F
from slactl.model.types import (
    Amount,
    Currency,
    DurationT,
    IsoDate,
    Model,
    Number,
    Percent,
    PercentT,
    Slug,
    Text,
    parse_amount,
    text_of,
)

# --------------------------------------------------------------------------- pricing


class PriceItem(Model):
    """One line of the price: a service, a quantity and a unit price."""

    service: Slug = F("Id of the service priced.")
    description: str | None = F("What the line covers, if not obvious from the service.", default=None)
    quantity: Number = F("Quantity over the term.")
    unit: str | None = F("Unit of the quantity, e.g. `user-month`.", default=None)
    unit_price: Amount = F("Price per unit, in the pricing currency.")
    amount: Amount | None = F(
        "quantity x unit_price; stated so the document shows it, checked by slactl.", default=None
    )


class Payment(Model):
    """One instalment of the payment schedule."""

    due: IsoDate = F("Due date.")
    amount: Amount = F("Amount due.")
    description: str | None = F("What the payment is for, e.g. `Q1 transfer`.", default=None)


class Funding(Model):
    """How the money moves."""

    method: Literal["interagency_transfer", "purchase_order", "chargeback", "appropriation", "invoice", "other"] = F(
        "Funding mechanism; US federal customers typically fund by interagency transfer (IAA)."
    )
    reference: str | None = F("Agreement or order number, e.g. an IAA number.", default=None)
    note: str | None = F("Anything else about funding.", default=None)


class Pricing(Model):
    """Costs, payment schedule and funding."""

    currency: Currency = F("ISO 4217 currency of every amount in the agreement.")
    items: list[PriceItem] = F("Price lines.", min_length=1)
    total: Amount = F("Total price for the term; must equal the sum of the items.")
    payment_schedule: list[Payment] = F("Payments, in date order; they must sum to the total.", default_factory=list)
    funding: Funding | None = F("Funding mechanism.", default=None)


# --------------------------------------------------------------------------- credits


@dataclass(frozen=True)
class Money:
    """An amount of money, with its currency when the file names one (`USD 1.00`)."""

    amount: Decimal
    currency: str | None

    def __str__(self) -> str:
        text = str(Percent(self.amount))[:-1]  # the exact, normalized number
        return f"{self.currency} {text}" if self.currency else text


_MONEY_TEXT = re.compile(r"\s*([A-Z]{3})\s+(\S+)\s*")


def parse_money(value: Any) -> Money:
    """'USD 1.00' or '1.00' (the agreement's currency) -> ``Money``; never a float."""
    if isinstance(value, Money):
        return value
    if isinstance(value, str):
        match = _MONEY_TEXT.fullmatch(value)
        if match:
            return Money(parse_amount(match.group(2)), match.group(1))
    return Money(parse_amount(value), None)


MoneyT = Annotated[
    Money,
    PlainValidator(parse_money),
    PlainSerializer(text_of, return_type=str),
    WithJsonSchema(
        {
            "anyOf": [{"type": "integer"}, {"type": "string", "pattern": r"^([A-Z]{3} )?[0-9][0-9,]*(\.[0-9]+)?$"}],
            "examples": ["USD 1.00", "5,000"],
        }
    ),
]


def _none(value: object) -> bool:
    return value is None


def parse_credit(value: Any) -> Any:
    """A band's credit: a percentage, or `none` (no credit), read as 0%."""
    if isinstance(value, str) and value.strip().lower() in {"none", "no credit"}:
        return "0%"
    return value


CreditT = Annotated[
    PercentT,
    BeforeValidator(parse_credit),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^\s*[0-9]+(\.[0-9]+)?\s*%\s*$"},
                {"type": "string", "enum": ["none"]},
            ],
            "examples": ["10%", "0%", "none"],
        }
    ),
]


class CreditBand(Model):
    """A range of measured attainment and the credit it earns: measured in [from, to).

    Either end may be left open: no `from` is every value below `to`, no `to` every value
    from `from` up (100% included).
    """

    from_: PercentT | None = F(
        "Lower bound (inclusive) of the measured value; absent: open below (from 0%).",
        alias="from",
        default=None,
        exclude_if=lambda value: value is None,
    )
    to: PercentT | None = F(
        "Upper bound (exclusive) of the measured value; absent: open above (up to and including 100%).",
        default=None,
        exclude_if=lambda value: value is None,
    )
    credit: CreditT = F(
        "Credit as a share of the monthly fee of the service; `0%` or `none`: this band earns no credit."
    )

    @property
    def low(self) -> Decimal:
        """The lower bound as a number (0 when open below)."""
        return self.from_.value if self.from_ is not None else Decimal(0)

    @property
    def high(self) -> Decimal | None:
        """The upper bound as a number (None when open above)."""
        return self.to.value if self.to is not None else None

    def covers(self, measured: Decimal) -> bool:
        """``from <= measured < to``, an open end holding every value on its side."""
        return self.low <= measured and (self.to is None or measured < self.to.value)


class PerEvent(Model):
    """A credit for each late ticket (time levels) or each outage (availability and count levels)."""

    amount: MoneyT | None = F("A fixed amount per event, e.g. `USD 50`.", default=None, exclude_if=_none)
    percent: PercentT | None = F(
        "A share of the service's monthly fee per event, e.g. `5%`.", default=None, exclude_if=_none
    )

    @model_validator(mode="after")
    def _one(self) -> Self:
        if (self.amount is None) == (self.percent is None):
            raise ValueError("give exactly one of `amount` or `percent`")
        return self


class CreditSchedule(Model):
    """The credit bands of one service level, and its credit per event."""

    service_level: Slug = F("Id of the service level.")
    bands: list[CreditBand] = F(
        "Bands, without overlaps; a gap between two bands earns no credit. Needed unless `per_event` is given.",
        default_factory=list,
    )
    per_event: PerEvent | None = F(
        "A credit per late ticket or per outage of the window, added to the band's credit.",
        default=None,
        exclude_if=_none,
    )

    @model_validator(mode="after")
    def _something(self) -> Self:
        if not self.bands and self.per_event is None:
            raise ValueError("a credit schedule needs `bands`, `per_event` or both")
        return self


class Reward(Model):
    """A reward for meeting or exceeding a service level (internal agreements)."""

    service_level: Slug = F("Id of the service level.")
    condition: Text = F("When the reward is earned, e.g. `target met for a full quarter`.")
    reward: Text = F("What is given.")


class Penalty(Model):
    """A non-monetary consequence of missing a service level."""

    service_level: Slug = F("Id of the service level.")
    condition: Text = F("When it applies.")
    penalty: Text = F("What happens.")


ClaimFrom = Literal["window", "incident"]
ClaimUnit = Literal["days", "business_days", "billing_cycles", "months"]
_CLAIM_UNITS: dict[str, ClaimUnit] = {
    "day": "days",
    "business day": "business_days",
    "billing cycle": "billing_cycles",
    "month": "months",
}
_DEADLINE = re.compile(
    r"\s*([0-9]{1,4})\s+(day|business day|billing cycle|month)s?\s+after\s+(?:the\s+)?"
    r"(?:end\s+of\s+the\s+)?(window|incident)\s*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ClaimDeadline:
    """How long after the window (or the incident) a claim may be made: `2 billing cycles after the incident`."""

    count: int
    unit: ClaimUnit
    after: ClaimFrom

    def __str__(self) -> str:
        word = self.unit.replace("_", " ")
        return f"{self.count} {word[:-1] if self.count == 1 else word} after the {self.after}"


def parse_claim_deadline(value: Any) -> ClaimDeadline:
    """'30 days after the window', '2 billing cycles after the incident' -> ``ClaimDeadline``."""
    if isinstance(value, ClaimDeadline):
        return value
    match = _DEADLINE.fullmatch(value) if isinstance(value, str) else None
    if match is None or int(match.group(1)) == 0:
        raise ValueError(
            "a claim deadline is a count of days, business days, billing cycles or months after the window "
            "or the incident, like '30 days after the window' or '2 billing cycles after the incident'"
        )
    return ClaimDeadline(int(match.group(1)), _CLAIM_UNITS[match.group(2).lower()], match.group(3).lower())  # type: ignore[arg-type]


ClaimDeadlineT = Annotated[
    ClaimDeadline,
    PlainValidator(parse_claim_deadline),
    PlainSerializer(text_of, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^[0-9]+ (days?|business days?|billing cycles?|months?) after the (window|incident)$",
            "examples": ["30 days after the window", "2 billing cycles after the incident"],
        }
    ),
]


class Claim(Model):
    """How the customer claims a credit."""

    deadline: ClaimDeadlineT | None = F(
        "Latest time for a claim: `30 days after the window`, `2 billing cycles after the incident`.",
        default=None,
        exclude_if=lambda value: value is None,
    )
    must_include: list[Text] = F(
        "What a claim must contain, e.g. `the dates and times of each incident`.",
        default_factory=list,
        exclude_if=lambda value: not value,
    )


CreditKind = Literal["service_credit", "penalty", "fee_reduction", "refund"]


class Credits(Model):
    """Service credits, penalties and rewards."""

    schedules: list[CreditSchedule] = F("Credit bands per service level.", default_factory=list)
    kind: CreditKind | None = F(
        "What a credit is: `service_credit` (the default), `penalty` (deducted from the invoice), "
        "`fee_reduction` or `refund`.",
        default=None,
        exclude_if=lambda value: value is None,
    )
    paid_as: Literal["future_invoices_only", "refund"] | None = F(
        "How credits are paid: `future_invoices_only` (set against future invoices, never paid out) or `refund`.",
        default=None,
        exclude_if=lambda value: value is None,
    )
    monthly_cap: PercentT | None = F(
        "Most credit of one service in one window, as a share of its fee for the window.", default=None
    )
    agreement_cap: PercentT | MoneyT | None = F(
        "Most credit across all services of the agreement in one window: a share of the agreement's total fee "
        "for the window (`20%`), or an amount (`USD 5,000`).",
        default=None,
        exclude_if=lambda value: value is None,
    )
    minimum: MoneyT | None = F(
        "Smallest credit issued: a credit (one service level, one window, after the caps) below it is not issued.",
        default=None,
        exclude_if=lambda value: value is None,
    )
    base: Literal["pricing", "usage"] | MoneyT | None = F(
        "What a credit percentage is a share of: `pricing` (the default: the service's priced monthly fee), "
        "`usage` (the service's charges for the window, from `slactl report --charges`), or a fixed monthly "
        "fee for every service (`USD 2,000`).",
        default=None,
        exclude_if=lambda value: value is None,
    )
    claim_window: DurationT | None = F("How long after the month the customer may claim a credit.", default=None)
    claim: Claim | None = F(
        "How and by when the customer claims a credit.", default=None, exclude_if=lambda value: value is None
    )
    rewards: list[Reward] = F("Rewards.", default_factory=list)
    penalties: list[Penalty] = F("Penalties other than credits.", default_factory=list)
