"""Calendars and service levels of an agreement: business hours, holidays, targets, measurement.

Split from ``slactl.model.agreement`` (which re-exports every name here) to keep each module
to one role. No ``from __future__ import annotations``, as in ``agreement``: pydantic builds
faster from real annotations, so a model is defined after the models its fields name.
"""

import itertools
import re
from typing import TYPE_CHECKING, Annotated, Any, Literal, Self

from pydantic import (
    PlainValidator,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from slactl.model.fields import F
from slactl.model.types import (
    Bool,
    DurationT,
    Int,
    IsoDate,
    Model,
    PercentT,
    Slug,
    Target,
    Text,
    TimeZone,
)

if TYPE_CHECKING:
    from slactl.holidays import HolidaySet


# --------------------------------------------------------------------------- calendars

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAYSPEC = re.compile(r"(mon|tue|wed|thu|fri|sat|sun)(?:-(mon|tue|wed|thu|fri|sat|sun))?")
_SPAN = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-4]):([0-5][0-9])")


def day_indexes(spec: str) -> list[int]:
    """'mon-fri' -> [0..4]; 'sat' -> [5]."""
    match = _DAYSPEC.fullmatch(spec)
    if not match:
        raise ValueError(f"{spec!r} is not a day or day range (mon, tue, ... or mon-fri)")
    first = _DAYS.index(match.group(1))
    last = _DAYS.index(match.group(2) or match.group(1))
    if last < first:
        raise ValueError(f"day range {spec!r} runs backwards")
    return list(range(first, last + 1))


def span_minutes(span: str) -> tuple[int, int]:
    """'08:00-17:00' -> (480, 1020); '00:00-24:00' is a whole day."""
    match = _SPAN.fullmatch(span)
    if not match:
        raise ValueError(f"{span!r} is not a time span like 08:00-17:00")
    start = int(match.group(1)) * 60 + int(match.group(2))
    end = int(match.group(3)) * 60 + int(match.group(4))
    if end > 1440 or end <= start:
        raise ValueError(f"time span {span!r} must end after it starts, by 24:00 at the latest")
    return start, end


HoursSpec = str | dict[str, str | list[str]]


def parse_hours(value: Any) -> HoursSpec:
    """Check a weekly-hours spec: `24x7`, or days to one or more time spans."""
    if value == "24x7":
        return "24x7"
    if not isinstance(value, dict):
        raise ValueError("hours are `24x7` or days to time spans, e.g. {mon-fri: '08:00-17:00'}")
    seen: dict[int, str] = {}
    for spec, spans in value.items():
        for day in day_indexes(str(spec)):
            if day in seen:
                raise ValueError(f"{_DAYS[day]} is given twice ({seen[day]!r} and {spec!r})")
            seen[day] = spec
        listed = [spans] if isinstance(spans, str) else spans
        if not isinstance(listed, list) or not all(isinstance(s, str) for s in listed) or not listed:
            raise ValueError(f"hours for {spec!r} must be a time span like '08:00-17:00' or a list of them")
        parsed = sorted(span_minutes(s) for s in listed)
        for (_, end), (start, _) in itertools.pairwise(parsed):
            if start < end:
                raise ValueError(f"time spans for {spec!r} overlap")
    if not seen:
        raise ValueError("a calendar needs at least one open day (or `24x7`)")
    return value


Hours = Annotated[
    HoursSpec,
    PlainValidator(parse_hours),
    WithJsonSchema(
        {
            "anyOf": [
                {"const": "24x7"},
                {
                    "type": "object",
                    "propertyNames": {"pattern": "^(mon|tue|wed|thu|fri|sat|sun)(-(mon|tue|wed|thu|fri|sat|sun))?$"},
                    "additionalProperties": {
                        "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
                    },
                },
            ]
        }
    ),
]


class PublicHolidays(Model):
    """The public holidays of a country or one of its subdivisions, from the `holidays` package."""

    country: Text = F("ISO 3166-1 alpha-2 country code as the `holidays` package knows it, e.g. `US`, `ES`, `GB`.")
    subdivision: str | None = F(
        "State, region or province code (or name) of that country, e.g. `TX` (Texas), `AN` (Andalusia); "
        "without it, the holidays of the whole country.",
        default=None,
    )
    categories: list[Text] = F(
        "Holiday categories of that country, e.g. `public`, `bank`, `government`, `optional`.",
        default_factory=lambda: ["public"],
        min_length=1,
    )
    observed: Bool = F(
        "true: a holiday the country moves (e.g. from a Saturday to the Friday before) is closed on the "
        "day it is observed instead of its own date; false: on its own date only.",
        default=True,
    )

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        _holiday_problem("country", value)
        return value

    @field_validator("subdivision")
    @classmethod
    def _subdivision(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and "country" in info.data:
            _holiday_problem("subdivision", info.data["country"], value)
        return value

    @field_validator("categories")
    @classmethod
    def _categories(cls, value: list[str], info: ValidationInfo) -> list[str]:
        if "country" in info.data:
            _holiday_problem("categories", info.data["country"], None, tuple(value))
        return value

    def holiday_set(self) -> "HolidaySet":
        """The set as the clock takes it."""
        from slactl.holidays import HolidaySet

        return HolidaySet(self.country, self.subdivision, tuple(self.categories), self.observed)


def _holiday_problem(
    field: str, country: str, subdivision: str | None = None, categories: tuple[str, ...] = ()
) -> None:
    # The package's own lists (imported only here, when a calendar names a country): pure, no I/O.
    from slactl.holidays import holiday_set_problem

    problem = holiday_set_problem(country, subdivision, categories)
    if problem is not None and problem[0] == field:
        raise ValueError(problem[1])


class Calendar(Model):
    """Business hours in a time zone, with holidays; service levels are measured on one."""

    timezone: TimeZone = F("IANA time zone the hours are in, e.g. America/New_York.")
    hours: Hours = F("`24x7`, or days to time spans: `{mon-fri: '08:00-17:00', sat: ['09:00-12:00', '13:00-15:00']}`.")
    federal_holidays: Bool = F(
        "Exclude the US federal holidays with their observed days (the same as `public_holidays: [{country: US}]`).",
        default=False,
    )
    public_holidays: list[PublicHolidays] = F(
        "Public holidays of countries or subdivisions to exclude, from the `holidays` package: "
        "`[{country: US, subdivision: TX}, {country: ES, subdivision: AN}]`.",
        default_factory=list,
        exclude_if=lambda value: not value,  # unused fields stay out of the digest: older approvals hold
    )
    holidays: list[IsoDate] = F("Further closed dates.", default_factory=list)

    def weekly(self) -> dict[int, list[tuple[int, int]]]:
        """Weekday (0 = Monday) -> open spans in minutes after midnight."""
        if isinstance(self.hours, str):
            return {day: [(0, 1440)] for day in range(7)}
        out: dict[int, list[tuple[int, int]]] = {day: [] for day in range(7)}
        for spec, spans in self.hours.items():
            for day in day_indexes(spec):
                out[day] = sorted(span_minutes(s) for s in ([spans] if isinstance(spans, str) else spans))
        return out


# --------------------------------------------------------------------------- service levels

Metric = Literal["availability", "response_time", "resolution_time", "satisfaction", "incident_count", "custom"]
Priority = Literal["P1", "P2", "P3", "P4"]
Window = Literal["calendar_month", "calendar_quarter", "fiscal_quarter", "fiscal_year", "term", "week", "rolling"]


class Scope(Model):
    """Which work a service level applies to."""

    priority: Priority | None = F("Ticket priority, P1 (critical) to P4 (low).", default=None)
    site: str | None = F("Site the service level applies to (multi-level agreements).", default=None)
    request_type: str | None = F("Kind of request, e.g. `incident`, `new user`, `change`.", default=None)


class MaintenanceWindow(Model):
    """A planned maintenance window excluded from (or counted in) the measurement."""

    name: Text = F("Name, e.g. `Sunday patching`.")
    schedule: dict[str, str] = F(
        "Days to time spans in the service level's calendar time zone, e.g. `{sun: '02:00-06:00'}`."
    )
    notice: DurationT | None = F("Advance notice the provider gives before using the window.", default=None)

    @field_validator("schedule")
    @classmethod
    def _schedule(cls, value: dict[str, str]) -> dict[str, str]:
        for spec, span in value.items():
            day_indexes(spec)
            span_minutes(span)
        return value


class Measurement(Model):
    """How a service level is measured."""

    method: Text = F("How the value is measured, in words a customer can check.")
    source: str | None = F("System of record, e.g. the ticketing system or the monitoring service.", default=None)
    planned_maintenance: Literal["excluded", "counted_as_up"] = F(
        "excluded: planned maintenance minutes are left out of the measured time; counted_as_up: "
        "they count as available.",
        default="excluded",
    )


class Link(Model):
    """One service level of another agreement that a service level rests on."""

    agreement: Slug = F(
        "Id (`metadata.id`) of the agreement the level is in: an OLA (`internal`) or a contract (`vendor`)."
    )
    level: Slug = F("Id of the service level in that agreement.")


class AnyOf(Model):
    """Redundant dependencies: the service level holds while any one of them does."""

    any_of: list[Link] = F(
        "Levels of which any one suffices (redundant, parallel paths), e.g. two transit providers.", min_length=2
    )


Dependency = Link | AnyOf


class ServiceLevel(Model):
    """One measurable commitment: a metric, a target and a window."""

    id: Slug = F("Id of the service level; credits and termination refer to it.")
    service: Slug = F("Id of the service (in `services`) this service level belongs to.")
    name: str | None = F("Short human name.", default=None)
    metric: Metric = F("What is measured.")
    scope: Scope = F("Which tickets or sites it applies to.", default_factory=Scope)
    target: Target = F("The target: a percentage (`99.9%`), a duration (`1h`), a score (`4.5/5`) or a count (`3`).")
    comparison: Literal["at_least", "at_most"] | None = F(
        "Whether the measured value must be at least or at most the target; the default follows "
        "the metric (availability and satisfaction: at_least; times and counts: at_most).",
        default=None,
    )
    attainment: PercentT | None = F(
        "For time targets: the share of tickets that must meet the target (default 100%).", default=None
    )
    window: Window | None = F("The period each measurement covers.", default=None)
    window_anchor: Int | None = F(
        "For monthly windows (`calendar_month`, the default): the day of the month each window starts on, "
        "1..31, e.g. `16` for billing cycles from the 16th to the 15th of the next month. A day past the "
        "end of a shorter month is that month's last day (31 -> Feb 28, Apr 30).",
        default=None,
        ge=1,
        le=31,
        exclude_if=lambda value: value is None,
    )
    rolling_days: Int | None = F(
        "For `window: rolling`: each window is this many days (1..366) up to and including the day it "
        "ends on, and one window ends on each day of the report (one verdict per day; no credits).",
        default=None,
        ge=1,
        le=366,
        exclude_if=lambda value: value is None,
    )
    per: Literal["site"] | None = F(
        "`site`: judge each site (node, region: the `site` column of the data) as its own set of "
        "windows, each with its own verdict and credit; the sites are the service's `sites`.",
        default=None,
        exclude_if=lambda value: value is None,
    )
    calendar: Slug | None = F(
        "Calendar (in `calendars`) the clock runs on; defaults to the service's support hours.", default=None
    )
    depends_on: list[Dependency] = F(
        "Service levels of other agreements this one rests on (docs/chains.md), all of which must hold "
        "(serial): `[{agreement: northwind-colocation-fy2027, level: power-availability}]`; an "
        "`{any_of: [...]}` entry holds while any one of its levels does (redundant).",
        default_factory=list,
        exclude_if=lambda value: not value,  # unused fields stay out of the digest: older approvals hold
    )
    exclusions: list[MaintenanceWindow] = F("Planned maintenance windows.", default_factory=list)
    measurement: Measurement | None = F("Measurement method.", default=None)
    description: str | None = F("Anything a reader needs to know about it.", default=None)

    @model_validator(mode="after")
    def _window_shape(self) -> Self:
        if self.window_anchor is not None and self.window not in (None, "calendar_month"):
            raise ValueError(f"`window_anchor` is for monthly windows (`calendar_month`), not `{self.window}`")
        if (self.window == "rolling") != (self.rolling_days is not None):
            raise ValueError(
                "`window: rolling` needs `rolling_days` (e.g. 28), and `rolling_days` needs `window: rolling`"
            )
        if self.per is not None and self.scope.site is not None:
            raise ValueError("give `per: site` (every site on its own) or `scope.site` (one site), not both")
        if self.per is not None and self.metric in ("satisfaction", "custom"):
            raise ValueError(f"`per: site` needs data with a site column: tickets or outages, not {self.metric}")
        return self

    @model_validator(mode="after")
    def _typed(self) -> Self:
        from slactl.model.types import Count, Duration, Percent, Score

        expected: dict[str, tuple[type, ...]] = {
            "availability": (Percent,),
            "response_time": (Duration,),
            "resolution_time": (Duration,),
            "satisfaction": (Score, Percent),
            "incident_count": (Count,),
        }
        kinds = expected.get(self.metric)
        if kinds and not isinstance(self.target, kinds):
            names = " or ".join(k.__name__.lower() for k in kinds)
            raise ValueError(f"a {self.metric} target must be a {names} (got {self.target})")
        return self

    @property
    def direction(self) -> Literal["at_least", "at_most"]:
        """The comparison in force, explicit or the metric's default."""
        if self.comparison:
            return self.comparison
        return "at_least" if self.metric in ("availability", "satisfaction", "custom") else "at_most"
