"""The life of an agreement: its term, renewal and notice, and early termination.

Split from ``slactl.model.agreement`` (which re-exports every name here) to keep each module
to one role. No ``from __future__ import annotations``, as in ``agreement``: pydantic builds
faster from real annotations, so a model is defined after the models its fields name.
"""

from typing import Annotated, Any, Literal, Self

from pydantic import (
    PlainSerializer,
    PlainValidator,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from slactl.model.fields import F
from slactl.model.types import (
    MAX_TERM_DAYS,
    Duration,
    DurationT,
    FiscalYear,
    Int,
    IsoDate,
    Model,
    Slug,
    Text,
    parse_duration,
)

# --------------------------------------------------------------------------- term


def parse_notice(value: Any) -> Duration | Literal["immediate"]:
    """`immediate`, or a duration (`30 days`; `0 days` is immediate too)."""
    if value == "immediate":
        return "immediate"
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise ValueError(f"a notice is `immediate` or a duration like `30 days`: {exc}") from None


def _notice_out(value: Duration | str) -> str:
    return value if isinstance(value, str) else value.canonical()


NoticeT = Annotated[
    Duration | Literal["immediate"],
    PlainValidator(parse_notice),
    PlainSerializer(_notice_out, return_type=str),
    WithJsonSchema({"type": "string", "examples": ["immediate", "30 days", "90 days"]}),
]


def is_immediate(notice: Duration | str | None) -> bool:
    """True for `immediate` and for a zero duration; False for none stated (None) or a real period."""
    if notice is None:
        return False
    return notice == "immediate" or (isinstance(notice, Duration) and notice.value == 0)


class Renewal(Model):
    """What happens at the end of the term."""

    mode: Literal["renegotiate", "auto", "none"] = F(
        "renegotiate: a new agreement each term (by renegotiation); auto: renews automatically "
        "unless a party gives notice not to renew; none: the agreement does not renew."
    )
    notice: DurationT | None = F(
        "renegotiate: how long before the end of the term negotiation starts; auto: the notice a party "
        "gives before the end of the term to stop the renewal, e.g. `90 days`. Not stated when absent; "
        "`none` takes no notice.",
        default=None,
    )

    @model_validator(mode="after")
    def _notice_needs_renewal(self) -> Self:
        if self.mode == "none" and self.notice is not None:
            raise ValueError("an agreement that does not renew (`mode: none`) takes no renewal `notice`")
        return self


class Term(Model):
    """When the agreement is in force: at most a century (36,600 days), or open-ended."""

    start: IsoDate = F("First day of the term (YYYY-MM-DD).")
    end: IsoDate | None = F(
        "Last day of the term (YYYY-MM-DD), inclusive. Leave it out for an open-ended (evergreen) "
        "agreement that runs until it is terminated; it then renews only with `mode: none` or no renewal.",
        default=None,
    )
    fiscal_year: FiscalYear | None = F("Fiscal year the term covers, e.g. FY2027.", default=None)
    renewal: Renewal | None = F("Renewal terms.", default=None)

    # Field validators, so a finding points at the field that cannot stand without an end.
    @field_validator("fiscal_year")
    @classmethod
    def _fiscal_year_needs_end(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and "end" in info.data and info.data["end"] is None:
            raise ValueError("a term labelled with a `fiscal_year` needs its `end`")
        return value

    @field_validator("renewal")
    @classmethod
    def _renewal_needs_end(cls, value: Renewal | None, info: ValidationInfo) -> Renewal | None:
        if value is not None and value.mode != "none" and "end" in info.data and info.data["end"] is None:
            raise ValueError(
                f"a term without an `end` cannot renew by `{value.mode}`: give the term an end, "
                "or write `renewal: {mode: none}` (or no renewal) for an open-ended agreement"
            )
        return value

    @model_validator(mode="after")
    def _at_most_a_century(self) -> Self:
        if self.end is None:
            return self
        # Reports, renewals and wording walk a term window by window: bound it where it is read.
        if (self.end - self.start).days > MAX_TERM_DAYS:
            raise ValueError(
                f"a term is at most 100 years ({MAX_TERM_DAYS:,} days); this one runs {self.start} to {self.end}"
            )
        return self


# --------------------------------------------------------------------------- termination


Holder = Literal["customer", "provider", "either"]


def _unset(value: object) -> bool:
    # Fields added after agreements were approved stay out of the canonical form while unused,
    # so the content digest (and every approval bound to it) of an older file does not change.
    return value is None


class TerminationCondition(Model):
    """A reason a party may end the agreement early."""

    description: Text = F("The condition in words.")
    by: Holder | None = F(
        "Who may terminate on this condition, when it differs from `termination.by`.", default=None, exclude_if=_unset
    )
    notice: NoticeT | None = F(
        "Notice for this condition, when it differs from `termination.notice` (`immediate` or a duration).",
        default=None,
        exclude_if=_unset,
    )
    cure: DurationT | None = F(
        "Cure period for this condition, when it differs from `termination.cure`.", default=None, exclude_if=_unset
    )
    service_level: Slug | None = F("Service level whose misses trigger it.", default=None)
    missed: Int | None = F("Number of windows missed...", default=None, ge=1)
    of_consecutive: Int | None = F("...out of this many consecutive windows (e.g. 2 of 3).", default=None, ge=1)

    @model_validator(mode="after")
    def _counts(self) -> Self:
        if (self.missed is None) != (self.of_consecutive is None):
            raise ValueError("give both `missed` and `of_consecutive`, or neither")
        if self.missed is not None and self.of_consecutive is not None and self.missed > self.of_consecutive:
            raise ValueError("`missed` cannot be more than `of_consecutive`")
        if self.missed is not None and self.service_level is None:
            raise ValueError("`missed` needs the `service_level` it counts")
        return self


class Termination(Model):
    """How the agreement can end early, and which party may end it."""

    by: Holder = F(
        "Who holds the right to terminate: `customer`, `provider` or `either` party.",
        default="either",
        exclude_if=lambda value: value == "either",
    )
    conditions: list[TerminationCondition] = F("Conditions.", default_factory=list)
    notice: NoticeT | None = F(
        "Notice the terminating party gives: a duration (`30 days`) or `immediate` (as is `0 days`). "
        "Not stated when absent.",
        default=None,
    )
    cure: DurationT | None = F(
        "Cure period: after notice, the other party may cure the failure within this time, and the "
        "termination takes effect only if it does not, e.g. `30 days`.",
        default=None,
        exclude_if=_unset,
    )
