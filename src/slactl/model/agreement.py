"""The agreement: one YAML file, ``kind: Agreement``, format ``slactl/v1``.

The models are the exact shape of the file. Checks that need more than one field's own
value (sums, references, ordering) are rules in ``slactl.rules``, so they are reported as
findings all at once instead of stopping at the first.
"""

import itertools
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal, Self

from pydantic import (
    BeforeValidator,
    Field,
    PlainSerializer,
    PlainValidator,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from slactl.model.types import (
    BUILT_AT_IMPORT,
    MAX_TERM_DAYS,
    Amount,
    Bool,
    Currency,
    Duration,
    DurationT,
    Email,
    FiscalYear,
    Int,
    IsoDate,
    Model,
    Number,
    Percent,
    PercentT,
    Slug,
    Target,
    Text,
    TimeZone,
    parse_amount,
    parse_duration,
    text_of,
)

if TYPE_CHECKING:
    from slactl.holidays import HolidaySet

API_VERSION = "slactl/v1"
PartyName = Literal["provider", "customer"]


def F(description: str, **kwargs: Any) -> Any:
    """A field with its description (every field has one: it feeds the schema and the docs)."""
    factory = kwargs.get("default_factory")
    if factory is list or factory is dict:
        # pydantic reads each factory's signature; a builtin's is parsed from its text on every
        # field (about a millisecond each at start-up), a Python function's is not.
        kwargs["default_factory"] = _new_list if factory is list else _new_dict
    return Field(description=description, **kwargs)


def _new_list() -> list[Any]:
    return []


def _new_dict() -> dict[Any, Any]:
    return {}


# --------------------------------------------------------------------------- metadata


class Metadata(Model):
    """Who this agreement is and how it relates to others."""

    id: Slug = F("Unique id of the agreement in the repository, e.g. `its-fy2027-nrcs`.")
    title: Text = F("Title printed on the agreement.")
    type: Literal["customer", "internal", "vendor"] = F(
        "customer: a provider and an outside customer; internal: between departments of one "
        "organization (an OLA); vendor: an underpinning contract with a supplier."
    )
    structure: Literal["service-based", "customer-based", "multi-level"] = F(
        "service-based: one service for all customers; customer-based: all services for one "
        "customer; multi-level: corporate, customer and service levels (sites)."
    )
    catalog: Slug | None = F("Id of the provider's `kind: Catalog` that `services[].catalog` refers to.", default=None)
    labels: dict[str, str] = F("Free key/value labels for searching and grouping.", default_factory=dict)
    underpins: list[Slug] = F(
        "Ids of agreements this one supports (a vendor contract underpins an SLA).", default_factory=list
    )
    underpinned_by: list[Slug] = F(
        "Ids of OLAs and underpinning contracts this agreement depends on.", default_factory=list
    )
    renews: Slug | None = F("Id of the agreement whose term this one renews.", default=None)
    description: str | None = F("One paragraph: the purpose of the agreement (the introduction).", default=None)


# --------------------------------------------------------------------------- parties


class Contact(Model):
    """A named person and the role they play in the agreement."""

    name: Text = F("Full name. Escalation, approvals and signatories refer to contacts by this name.")
    role: Text = F("Role, e.g. Service Line Manager, Contracting Officer, Department Head.")
    title: str | None = F("Job title as printed under a signature.", default=None)
    email: Email | None = F("E-mail address.", default=None)
    phone: str | None = F("Telephone number.", default=None)


class Party(Model):
    """One side of the agreement."""

    name: Text = F("Short name used in the text, e.g. ITS.")
    organization: Text = F("Full legal or official name of the organization.")
    address: str | None = F("Postal address.", default=None)
    contacts: list[Contact] = F("Points of contact (exchanged at the start of the process).", min_length=1)


class Customer(Party):
    """The receiving side; public terms (a click-through SLA) leave it unnamed: "the Customer"."""

    name: Text | None = F(  # type: ignore[assignment]
        "Short name used in the text, e.g. HR; without it the text says “the Customer”.", default=None
    )
    organization: Text | None = F(  # type: ignore[assignment]
        "Full legal or official name of the organization; public terms leave it out.", default=None
    )
    contacts: list[Contact] = F("Points of contact; public terms may have none.", default_factory=list)


class Parties(Model):
    """The provider and the customer."""

    provider: Party = F("The organization delivering the services.")
    customer: Customer = F("The organization receiving the services (unnamed in public terms).")


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


# --------------------------------------------------------------------------- needs


class Needs(Model):
    """The customer's business needs, as gathered by the customer survey."""

    summary: str | None = F("The business need in a sentence or two.", default=None)
    hardware: list[Text] = F("Hardware requirements.", default_factory=list)
    software: list[Text] = F("Software requirements.", default_factory=list)
    network: list[Text] = F("Network infrastructure requirements.", default_factory=list)
    security: list[Text] = F("Security requirements.", default_factory=list)
    specialized: list[Text] = F("Specialized IT service requests.", default_factory=list)


# --------------------------------------------------------------------------- services


class Service(Model):
    """One service provided under the agreement."""

    id: Slug = F("Id of the service within the agreement; service levels and prices refer to it.")
    name: str | None = F("Name of the service (taken from the catalog when omitted).", default=None)
    description: str | None = F("What the service is.", default=None)
    catalog: Slug | None = F("Id of the catalog service this is (standard service and pricing).", default=None)
    custom_fee: Amount | None = F(
        "A negotiated unit price that replaces the catalog price; without it a catalog service is "
        "priced exactly as in the catalog.",
        default=None,
    )
    custom_fee_reason: str | None = F("Why the fee differs from the catalog.", default=None)
    quantity: Number | None = F("How much of the service is provided.", default=None)
    unit: str | None = F("Unit of the quantity, e.g. `user-month`, `server`, `TB-month`.", default=None)
    support_hours: Slug | None = F(
        "Name of the calendar (in `calendars`) of the service's support hours.", default=None
    )
    sites: list[Text] = F("Sites covered (multi-level agreements).", default_factory=list)

    @model_validator(mode="after")
    def _named(self) -> Self:
        if self.catalog is None and self.name is None:
            raise ValueError("a service needs a `name` unless it refers to a `catalog` service")
        return self


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
        "Exclude the US federal holidays with their observed days (the same as "
        "`public_holidays: [{country: US}]`).",
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


# --------------------------------------------------------------------------- responsibilities, constraints


class Responsibilities(Model):
    """What each side undertakes."""

    provider: list[Text] = F("Responsibilities of the provider.", default_factory=list)
    customer: list[Text] = F("Responsibilities of the customer (access, information, resources).", default_factory=list)


class Constraints(Model):
    """Limits on the support that can be given."""

    budget: list[Text] = F("Budget constraints.", default_factory=list)
    resources: list[Text] = F("Resource limitations.", default_factory=list)
    exclusions: list[Text] = F("What is explicitly not covered.", default_factory=list)


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


# --------------------------------------------------------------------------- communication, reporting


Cadence = Literal["daily", "weekly", "biweekly", "monthly", "quarterly", "semiannually", "annually", "as_needed"]


class Meeting(Model):
    """A standing meeting between the parties."""

    name: Text = F("Name, e.g. `Service review`.")
    cadence: Cadence = F("How often it is held.")
    attendees: list[Text] = F("Contacts (by name) or roles attending.", default_factory=list)
    purpose: str | None = F("What the meeting is for.", default=None)


class ProgressUpdates(Model):
    """Regular progress updates (the internal SLA notes suggest every two weeks by e-mail)."""

    cadence: Cadence = F("How often updates are sent.")
    method: Text = F("How they are sent, e.g. e-mail.")


class Communication(Model):
    """How the parties talk to each other."""

    methods: list[Text] = F("Preferred communication methods.", default_factory=list)
    meetings: list[Meeting] = F("Standing meetings.", default_factory=list)
    progress_updates: ProgressUpdates | None = F("Progress updates.", default=None)


class Report(Model):
    """A performance report the provider makes available."""

    name: Text = F("Report name.")
    frequency: Cadence = F("How often it is produced.")
    audience: list[Text] = F("Who receives it.", default_factory=list)
    delivery: Literal["online", "individual", "both"] = F(
        "Online (a portal) or individual (sent to a person), or both."
    )
    contents: list[Text] = F("What it contains.", default_factory=list)


class Reporting(Model):
    """Performance reporting."""

    reports: list[Report] = F("Reports.", min_length=1)


# --------------------------------------------------------------------------- escalation


class EscalationLevel(Model):
    """One step of the escalation path."""

    level: Int = F("Level number, starting at 1.", ge=1)
    contact: Text = F("Name of the contact (in `parties`) to escalate to.")
    after: DurationT = F("How long an issue stays unresolved before it reaches this level.")
    description: str | None = F("What happens at this level.", default=None)


class Escalation(Model):
    """How issues that cannot be resolved at the first level move up."""

    levels: list[EscalationLevel] = F("Levels in order; thresholds strictly increase.", min_length=1)


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


# --------------------------------------------------------------------------- termination, transition


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


class TransitionTask(Model):
    """A start-up or transition task."""

    task: Text = F("What is done.")
    owner: PartyName = F("Which party does it.")
    due: IsoDate | None = F("Due date.", default=None)


class Transition(Model):
    """Start-up and transition (customer participation helps a smooth transition)."""

    tasks: list[TransitionTask] = F("Tasks.", min_length=1)


# --------------------------------------------------------------------------- approvals, signatures


class ApprovalStage(Model):
    """A stage of approval and who may give it."""

    stage: Slug = F("Stage id, e.g. `management-initial`, `legal`, `internal-review`, `management-final`, `signature`.")
    roles: list[Slug] = F("Roster roles allowed to approve this stage.", min_length=1)
    approvers: list[Text] = F("Optionally, the contacts (by name) expected to approve.", default_factory=list)
    description: str | None = F("What the stage checks.", default=None)


class Approvals(Model):
    """The approval stages, in order."""

    stages: list[ApprovalStage] = F("Stages in the order they must happen.", min_length=1)


class Signatory(Model):
    """A person who signs for a party."""

    party: PartyName = F("The party signed for.")
    name: Text = F("Name of the contact (in that party's contacts).")
    title: str | None = F("Title printed under the signature (defaults to the contact's title or role).", default=None)


class Distribution(Model):
    """A department that receives the signed agreement."""

    department: Text = F("Department, e.g. Finance.")
    party: PartyName = F("Whose department it is.")


# --------------------------------------------------------------------------- accepted findings


class Acceptance(Model):
    """A finding of `slactl validate` accepted on purpose, with the reason (a tooling note, not rendered)."""

    code: Text = F("The finding's code, e.g. `SLA305`. Loader and schema codes (SLA0xx) cannot be accepted.")
    path: Text | None = F(
        "Where: the finding's field path (`escalation`, `service_levels[2].target`); it also covers every "
        "path below it. Without it, every finding of the code in the file.",
        default=None,
    )
    reason: Text = F("Why the finding is accepted (required; the approvers approve it with the file).")

    @field_validator("reason")
    @classmethod
    def _said(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("say why the finding is accepted: the reason is blank")
        return value


# --------------------------------------------------------------------------- the agreement


class Agreement(Model):
    """A service-level agreement (``kind: Agreement``)."""

    model_config = BUILT_AT_IMPORT

    api_version: Literal["slactl/v1"] = F("Format version.", alias="apiVersion")
    kind: Literal["Agreement"] = F("Document kind.")
    metadata: Metadata = F("Id, title, type and relations.")
    parties: Parties = F("Provider and customer with their contacts.")
    term: Term = F("When the agreement is in force.")
    needs: Needs | None = F("The customer's business needs.", default=None)
    services: list[Service] = F("Services provided.", min_length=1)
    calendars: dict[Slug, Calendar] = F("Named business-hours calendars.", default_factory=dict)
    service_levels: list[ServiceLevel] = F("Measurable service levels.", default_factory=list)
    responsibilities: Responsibilities | None = F("Responsibilities of both sides.", default=None)
    constraints: Constraints | None = F("Support constraints.", default=None)
    pricing: Pricing | None = F("Costs and payment schedule.", default=None)
    communication: Communication | None = F("Communication strategy.", default=None)
    reporting: Reporting | None = F("Performance reporting.", default=None)
    escalation: Escalation | None = F("Escalation procedure.", default=None)
    credits: Credits | None = F("Service credits, penalties and rewards.", default=None)
    termination: Termination | None = F("Early termination.", default=None)
    transition: Transition | None = F("Start-up and transition.", default=None)
    approvals: Approvals | None = F("Approval stages.", default=None)
    signatories: list[Signatory] = F(
        "Who signs for each party; leave it out (or empty) for terms accepted without signatures "
        "(click-through): the document then has no signature blocks.",
        default_factory=list,
    )
    distribution: list[Distribution] = F("Departments that receive the signed agreement.", default_factory=list)
    ignore: list[Acceptance] = F(
        "Findings accepted on purpose, each with its code and reason (docs/rules.md#accepting-a-finding). "
        "Part of the content digest; not printed in the rendered document.",
        default_factory=list,
        exclude_if=lambda value: not value,  # absent and empty digest alike, so old approvals stay valid
    )

    def calendar_for(self, level: ServiceLevel) -> Calendar | None:
        """The calendar a service level's clock runs on (its own, else its service's support hours)."""
        name = level.calendar
        if name is None:
            service = next((s for s in self.services if s.id == level.service), None)
            name = service.support_hours if service else None
        return self.calendars.get(name) if name else None
