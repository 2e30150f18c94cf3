"""The agreement: one YAML file, ``kind: Agreement``, format ``slactl/v1``.

The models are the exact shape of the file. Checks that need more than one field's own
value (sums, references, ordering) are rules in ``slactl.rules``, so they are reported as
findings all at once instead of stopping at the first.
"""

from typing import Annotated, Literal, Self

from pydantic import (
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)

from slactl.model.commercial import (
    Claim,
    ClaimDeadline,
    ClaimDeadlineT,
    ClaimFrom,
    ClaimUnit,
    CreditBand,
    CreditKind,
    Credits,
    CreditSchedule,
    CreditT,
    Funding,
    Money,
    MoneyT,
    Payment,
    Penalty,
    PerEvent,
    PriceItem,
    Pricing,
    Reward,
    parse_claim_deadline,
    parse_credit,
    parse_money,
)
from slactl.model.fields import F
from slactl.model.levels import (
    AnyOf,
    Calendar,
    Dependency,
    Hours,
    HoursSpec,
    Link,
    MaintenanceWindow,
    Measurement,
    Metric,
    Priority,
    PublicHolidays,
    Scope,
    ServiceLevel,
    Window,
    day_indexes,
    parse_hours,
    span_minutes,
)
from slactl.model.term import (
    Holder,
    NoticeT,
    Renewal,
    Term,
    Termination,
    TerminationCondition,
    is_immediate,
    parse_notice,
)
from slactl.model.types import (
    BUILT_AT_IMPORT,
    Amount,
    DurationT,
    Email,
    Int,
    IsoDate,
    Model,
    Number,
    Slug,
    Text,
)

# Calendars and service levels (``levels``), pricing and credits (``commercial``), the term and
# termination (``term``) have their own modules; their names stay importable from here, where
# callers have always found them.
__all__ = [
    "API_VERSION",
    "Acceptance",
    "Agreement",
    "AnyOf",
    "ApprovalStage",
    "Approvals",
    "Cadence",
    "Calendar",
    "Claim",
    "ClaimDeadline",
    "ClaimDeadlineT",
    "ClaimFrom",
    "ClaimUnit",
    "Communication",
    "Constraints",
    "Contact",
    "CreditBand",
    "CreditKind",
    "CreditSchedule",
    "CreditT",
    "Credits",
    "Customer",
    "Dependency",
    "Distribution",
    "Escalation",
    "EscalationLevel",
    "Funding",
    "Holder",
    "Hours",
    "HoursSpec",
    "Link",
    "MaintenanceWindow",
    "Measurement",
    "Meeting",
    "Metadata",
    "Metric",
    "Money",
    "MoneyT",
    "Needs",
    "NoticeT",
    "Parties",
    "Party",
    "PartyName",
    "Payment",
    "Penalty",
    "PerEvent",
    "PriceItem",
    "Pricing",
    "Priority",
    "ProgressUpdates",
    "PublicHolidays",
    "Renewal",
    "Report",
    "Reporting",
    "Responsibilities",
    "Reward",
    "Scope",
    "Service",
    "ServiceLevel",
    "Signatory",
    "Term",
    "Termination",
    "TerminationCondition",
    "Transition",
    "TransitionTask",
    "Window",
    "day_indexes",
    "is_immediate",
    "parse_claim_deadline",
    "parse_credit",
    "parse_hours",
    "parse_money",
    "parse_notice",
    "span_minutes",
]

API_VERSION = "slactl/v1"
PartyName = Literal["provider", "customer"]


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


# --------------------------------------------------------------------------- transition


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


# --------------------------------------------------------------------------- clauses

ClauseSection = Literal[
    "definitions",
    "governing-law",
    "liability",
    "confidentiality",
    "amendments",
    "notices",
    "disputes",
    "general",
    # Sections of the document itself (slactl.clauses.DOCUMENT_SECTIONS): the clause follows their content.
    "scope",
    "service-levels",
    "responsibilities",
    "terms",
    "escalation",
    "costs",
    "credits",
    "termination",
    "communication",
    "transition",
]
ParameterValue = StrictBool | StrictInt | StrictFloat | StrictStr
ParameterName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,62}$", description="A parameter's name.")]


class ClauseUse(Model):
    """A clause: one of the clause library (`use`, `version`, `with`) or the agreement's own (`title`, `text`)."""

    use: Slug | None = F("Id of a clause of the clause library (docs/clauses.md): `governing-law`.", default=None)
    version: Int | None = F("The library clause's version this agreement uses (required with `use`).", default=None)
    with_: dict[ParameterName, ParameterValue] = F(
        "Values of the library clause's parameters, by name (`state: Virginia`).",
        alias="with",
        default_factory=dict,
        exclude_if=lambda value: not value,
    )
    title: Text | None = F("Title of a clause of the agreement's own (with `text`).", default=None)
    section: ClauseSection | None = F(
        "Where an own clause goes: definitions, governing-law, liability, confidentiality, amendments, notices, "
        "disputes or general (the General terms section), or a section of the document (scope, service-levels, "
        "responsibilities, terms, escalation, costs, credits, termination, communication, transition).",
        default=None,
    )
    text: Text | None = F("The words of a clause of the agreement's own (paragraphs separated by a blank line).",
                          default=None)  # fmt: skip

    @model_validator(mode="after")
    def _one_kind(self) -> Self:
        if self.use is not None:
            if self.version is None:
                raise ValueError(f"say which version of clause `{self.use}` this agreement uses: `version: N`")
            if self.title is not None or self.text is not None or self.section is not None:
                raise ValueError("a library clause (`use`) takes its title, section and text from the library")
        else:
            if self.title is None or self.text is None:
                raise ValueError(
                    "a clause names a library clause (`use` and `version`) or has its own `title` and `text`"
                )
            if self.version is not None or self.with_:
                raise ValueError("`version` and `with` go with `use` (a library clause)")
        return self


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
    definitions: dict[Text, Text] = F(
        "The agreement's own defined terms, term -> meaning; printed in the Definitions section after the "
        "definitions of the metrics, calendars and windows it uses.",
        default_factory=dict,
        exclude_if=lambda value: not value,  # absent and empty digest alike, so old approvals stay valid
    )
    clauses: list[ClauseUse] = F(
        "Standard terms: clauses from the clause library by id and version with their parameters, or the "
        "agreement's own (docs/clauses.md). The digest covers their rendered text.",
        default_factory=list,
        exclude_if=lambda value: not value,
    )
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
