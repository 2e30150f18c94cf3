"""The shape of ``slactl.yaml``."""

import re

from pydantic import field_validator

from slactl.model.fields import F
from slactl.model.types import Currency, Email, Model, Slug, Text


class Person(Model):
    """Someone who may approve: their roles and the keys that prove a signature is theirs."""

    name: Text = F("Full name.")
    email: Email = F("E-mail address; the principal of their SSH signing key.")
    roles: list[Slug] = F("Roles they hold, e.g. `management`, `legal`.", min_length=1)
    ssh_keys: list[Text] = F("SSH public keys they sign with (`ssh-ed25519 AAAA...`).", default_factory=list)
    gpg_fingerprints: list[Text] = F("GPG key fingerprints they sign with.", default_factory=list)


class ReportSettings(Model):
    """Settings of `slactl report`."""

    columns: dict[str, str] = F(
        "Export column -> slactl field (id, priority, service, site, type, opened, first_response, "
        "first_response_by, resolved, on_hold, start, end, planned, notified, ticket, date, score, scale).",
        default_factory=dict,
    )


class StageRequirement(Model):
    """A stage a new agreement must have approved, and who may approve it."""

    stage: Slug = F("Stage id, e.g. `legal`.")
    roles: list[Slug] = F("Roster roles allowed to approve this stage.", min_length=1)


class NewAgreementPolicy(Model):
    """What an agreement that is new in a branch must have approved."""

    stages: list[StageRequirement] = F(
        "Stages required of every new agreement, with these roles, whatever stages it names itself.", min_length=1
    )


class ApprovalPolicy(Model):
    """Rules of `slactl status --base`, read from the base revision: a branch cannot change them."""

    new_agreements: NewAgreementPolicy | None = F(
        "Approvals required of an agreement that has no counterpart in the base (by path, rename or id).",
        default=None,
    )


# What SLA305 expects of each type of agreement unless slactl.yaml says otherwise.
DEFAULT_REQUIRED_SECTIONS: dict[str, tuple[str, ...]] = {
    "customer": ("service_levels", "escalation", "reporting", "termination", "approvals", "signatories", "pricing"),
    "vendor": ("service_levels", "escalation", "reporting", "termination", "approvals", "signatories", "pricing"),
    "internal": ("service_levels", "escalation", "reporting", "termination", "approvals", "signatories"),
}


def optional_sections() -> tuple[str, ...]:
    """The top-level agreement sections a file may leave out (the names `required_sections` accepts)."""
    from slactl.model.agreement import Agreement

    always = {"api_version", "kind", "metadata", "parties", "term", "services", "ignore"}
    return tuple(name for name in Agreement.model_fields if name not in always)


class RequiredSections(Model):
    """The sections each type of agreement must have (SLA305); a type not listed keeps the default."""

    customer: list[str] | None = F(
        "Sections of a customer agreement. Default: service_levels, escalation, reporting, termination, "
        "approvals, signatories, pricing.",
        default=None,
    )
    internal: list[str] | None = F(
        "Sections of an internal agreement. Default: as customer, without pricing.", default=None
    )
    vendor: list[str] | None = F("Sections of a vendor agreement. Default: as customer.", default=None)

    @field_validator("customer", "internal", "vendor")
    @classmethod
    def _sections(cls, value: list[str] | None) -> list[str] | None:
        import difflib

        known = optional_sections()
        for name in value or ():
            if name not in known:
                guess = difflib.get_close_matches(name, known, n=1)
                hint = f"did you mean `{guess[0]}`?" if guess else f"one of: {', '.join(known)}"
                raise ValueError(f"`{name}` is not a section an agreement may leave out; {hint}")
        return value

    def for_type(self, kind: str) -> tuple[str, ...]:
        """The sections required of an agreement of this type."""
        chosen: list[str] | None = getattr(self, kind, None)
        return tuple(chosen) if chosen is not None else DEFAULT_REQUIRED_SECTIONS.get(kind, ())


class RepoConfig(Model):
    """Settings of an agreements repository (``slactl.yaml``)."""

    fiscal_year_start: str = F(
        "First day of the fiscal year as MM-DD; the US federal fiscal year starts 10-01.", default="10-01"
    )
    currency: Currency | None = F("Default currency for new agreements.", default=None)
    templates: str | None = F("Folder of template overrides, relative to this file.", default=None)
    clauses: str | None = F(
        "Folder of the clause library (docs/clauses.md), relative to this file. Default: `clauses`.", default=None
    )
    catalogs: list[str] = F("Catalog files, relative to this file, always loaded by `validate`.", default_factory=list)
    roles: list[Slug] = F("Approval roles used in this repository.", default_factory=list)
    policy: ApprovalPolicy | None = F(
        "Approval policy for the agreements below this file (read from the base by `status --base`).", default=None
    )
    roster: str | None = F(
        "A file (relative to this one) holding `people`, instead of listing them here.", default=None
    )
    people: list[Person] = F("Who may approve, with their roles and signing keys.", default_factory=list)
    report: ReportSettings | None = F("Settings of `slactl report`.", default=None)
    agreements: list[str] = F(
        "Folders or globs (relative to this file; `**` any folders) where agreements live: every YAML file there "
        "must be a slactl document. Elsewhere, YAML files that are not slactl documents are passed over, unless "
        "they nearly are one (SLA012). Default: none, every folder is searched that way.",
        default_factory=list,
    )
    exclude: list[str] = F(
        "Folders, files or globs (relative to this file) never searched for agreements.", default_factory=list
    )
    required_sections: RequiredSections | None = F(
        "Sections each type of agreement must have, checked by SLA305 (`customer: [service_levels, pricing]`); "
        "a finding can also be accepted in one file (`ignore`).",
        default=None,
    )

    @field_validator("fiscal_year_start")
    @classmethod
    def _mmdd(cls, value: str) -> str:
        import re
        from datetime import date

        if not re.fullmatch(r"\d{2}-\d{2}", value):
            raise ValueError("write the fiscal-year start as MM-DD, e.g. 10-01")
        month, day = (int(p) for p in value.split("-"))
        try:
            date(2001, month, day)
        except ValueError:
            raise ValueError(f"{value} is not a day of the year") from None
        return value

    @field_validator("templates", "clauses", "catalogs", "roster")
    @classmethod
    def _nameable(cls, value: str | list[str] | None) -> str | list[str] | None:
        for path in [value] if isinstance(value, str) else value or ():
            problem = name_too_long(path)
            if problem:
                raise ValueError(problem)
        return value

    @field_validator("agreements", "exclude")
    @classmethod
    def _inside(cls, value: list[str]) -> list[str]:

        for pattern in value:
            problem = check_pattern(pattern)
            if problem:
                raise ValueError(problem)
        return value


class RosterFile(Model):
    """A roster file (named by `roster:` in ``slactl.yaml``): the people who may approve."""

    people: list[Person] = F("Who may approve, with their roles and signing keys.", default_factory=list)


NAME_MAX = 255  # bytes of one file or folder name on Linux, macOS and Windows file systems
PATH_MAX = 4096  # bytes of a whole path on Linux


def name_too_long(path: str) -> str | None:
    """Why ``path`` can name no file (longer than a name or a path may be), or None. The system
    would refuse it at every use, and pathlib raises rather than answers for such a name."""
    size = len(path.encode("utf-8", "surrogatepass"))
    parts = path.replace("\\", "/").split("/")
    longest = max(len(part.encode("utf-8", "surrogatepass")) for part in parts)
    if longest > NAME_MAX:
        return f"a part of this path is {longest:,} bytes long; a file or folder name has at most {NAME_MAX}"
    if size >= PATH_MAX:
        return f"this path is {size:,} bytes long; a path has fewer than {PATH_MAX:,}"
    return None


def check_pattern(pattern: str) -> str | None:
    """Why an ``agreements``/``exclude`` entry is refused, or None (pure: for the config model)."""
    text = pattern.strip()
    if not text:
        return "an empty path"
    if problem := name_too_long(text):
        return problem
    if text.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", text):
        return f"{pattern!r} is absolute; write it relative to slactl.yaml"
    if ".." in text.replace("\\", "/").split("/"):
        return f"{pattern!r} leaves the folder of slactl.yaml"
    return None
