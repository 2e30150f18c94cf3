"""Semantic rules: what a reviewer would catch once the file has the right shape.

A rule is a function registered with a stable code. File rules see one validated document;
repo rules see the summaries of every file in the run (ids, catalog prices) so that cross-file
checks need no second parse and work when files are validated in parallel.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from slactl.findings import Finding, Severity, format_path
from slactl.loading import Loaded, Path_


@dataclass(frozen=True)
class RuleInfo:
    """A rule's stable code, severity and one-line documentation."""

    code: str
    severity: Severity
    summary: str


RULES: dict[str, RuleInfo] = {}


@dataclass(frozen=True)
class Settings:
    """What rules need from ``slactl.yaml``."""

    fiscal_year_start_month: int = 10
    fiscal_year_start_day: int = 1
    currency: str | None = None
    roles: tuple[str, ...] = ()  # approval roles listed in slactl.yaml; empty: not configured
    # (agreement type, sections SLA305 expects) from slactl.yaml; a type not listed keeps the default
    required_sections: tuple[tuple[str, tuple[str, ...]], ...] = ()
    clauses: Any = None  # the clause library (slactl.clauses.Library) of slactl.yaml; None: none

    def sections_for(self, kind: str) -> tuple[str, ...]:
        """The sections an agreement of type ``kind`` must have."""
        from slactl.model.config import DEFAULT_REQUIRED_SECTIONS

        return dict(self.required_sections).get(kind, DEFAULT_REQUIRED_SECTIONS.get(kind, ()))


@dataclass
class FileContext:
    """One validated document and the means to report on it."""

    document: Any  # Agreement | Catalog; Any keeps this module free of pydantic at import
    loaded: Loaded
    file: str
    settings: Settings
    findings: list[Finding] = field(default_factory=list)

    def report(self, code: str, path: Path_, message: str, *, key: bool = False) -> None:
        info = RULES[code]
        line, column = self.loaded.locate(path, key=key)
        self.findings.append(Finding(self.file, line, column, format_path(path), info.severity, code, message))


@dataclass(frozen=True)
class Ref:
    """A reference from one file to another, with where it was written."""

    target: str
    path: Path_
    line: int
    column: int


@dataclass(frozen=True)
class Summary:
    """What cross-file rules need to know about one file (small, picklable)."""

    file: str
    kind: str
    id: str
    id_mark: tuple[int, int]
    # Catalog: service id -> (unit price, currency)
    prices: dict[str, Decimal] = field(default_factory=dict)
    currency: str | None = None
    # Agreement: which catalog, and (service id, catalog service id, unit price in the agreement, custom?)
    catalog: Ref | None = None
    catalog_uses: tuple[tuple[Ref, Decimal | None, bool], ...] = ()
    references: tuple[Ref, ...] = ()  # underpins / underpinned_by / renews
    chain: Any = None  # Agreement: slactl.rules.chains.AgreementFacts (title, term, levels, depends_on)


FileRule = Callable[[FileContext], None]
RepoRule = Callable[[list[Summary], Callable[[Finding], None]], None]
FILE_RULES: list[tuple[str, FileRule]] = []
REPO_RULES: list[RepoRule] = []


def define(code: str, severity: Severity, summary: str) -> None:
    """Register a rule's code and documentation (docs/rules.md is generated from these)."""
    if code in RULES:
        raise RuntimeError(f"rule code {code} defined twice")
    RULES[code] = RuleInfo(code, severity, summary)


def file_rule(kind: str) -> Callable[[FileRule], FileRule]:
    """Decorator: a rule over one document of ``kind`` ('Agreement' or 'Catalog')."""

    def register(func: FileRule) -> FileRule:
        FILE_RULES.append((kind, func))
        return func

    return register


def repo_rule(func: RepoRule) -> RepoRule:
    """Decorator: a rule over all files of a run."""
    REPO_RULES.append(func)
    return func


def run_file_rules(ctx: FileContext) -> list[Finding]:
    """Every file rule for the document's kind; findings accumulate, nothing raises."""
    _load_rules()
    kind = type(ctx.document).__name__
    for rule_kind, func in FILE_RULES:
        if rule_kind == kind:
            func(ctx)
    return ctx.findings


def run_repo_rules(summaries: list[Summary]) -> list[Finding]:
    """Every cross-file rule over the run's summaries."""
    _load_rules()
    out: list[Finding] = []
    for func in REPO_RULES:
        func(summaries, out.append)
    return out


def iter_rules() -> Iterator[RuleInfo]:
    """All rules, by code (for docs/rules.md and `slactl rules`)."""
    _load_rules()
    yield from (RULES[code] for code in sorted(RULES))


# The rule modules, in the order their rules are registered (and run: findings are sorted after).
RULE_MODULES = (
    "accept",
    "agreement",
    "levels",
    "credits",
    "prose",
    "catalog",
    "placeholders",
    "repo",
    "chains",
    "clauses",
)


def _load_rules() -> None:
    # Importing the rule modules registers them; done lazily so `--help` never pays for it.
    import importlib

    for name in RULE_MODULES:
        importlib.import_module(f"slactl.rules.{name}")


# Codes of the loader and the schema: defined here so every code is documented in one table.
define("SLA001", Severity.ERROR, "The file is not valid YAML.")
define("SLA002", Severity.ERROR, "The file is not UTF-8 text.")
define("SLA003", Severity.ERROR, "The file is empty or holds only comments.")
define("SLA004", Severity.ERROR, "The file holds more than one YAML document.")
define("SLA005", Severity.ERROR, "A mapping has the same key twice.")
define("SLA006", Severity.ERROR, "The file uses YAML anchors or aliases.")
define("SLA007", Severity.ERROR, "The file uses a YAML tag (`!!python/object`, `!custom`...).")
define("SLA008", Severity.ERROR, "The file is larger than the size limit (2 MiB).")
define("SLA009", Severity.ERROR, "The file nests too deeply or uses a non-text mapping key.")
define("SLA010", Severity.ERROR, "The document is not a mapping.")
define("SLA011", Severity.ERROR, "`apiVersion` or `kind` is missing or unsupported.")
define("SLA012", Severity.ERROR, "A YAML file nearly declares a slactl document (a misspelt `apiVersion`, "
       "`kind: Agreement` without `apiVersion: slactl/v1`, the shape of an agreement): did you mean...?")  # fmt: skip
define("SLA031", Severity.ERROR, "`.gitattributes` applies `working-tree-encoding`, `filter` or `ident` to the "
       "file: git stores other bytes than the ones validated.")  # fmt: skip
define("SLA013", Severity.ERROR, "The text holds a hidden bidirectional control character (a \"Trojan Source\" "
       "reordering: U+202A-U+202E, U+2066-U+2069).")  # fmt: skip
define("SLA020", Severity.ERROR, "A value has the wrong type or form (a date, duration, percentage, amount...).")
define("SLA021", Severity.ERROR, "An unknown key (with a did-you-mean hint).")
define("SLA022", Severity.ERROR, "A required field is missing.")
define("SLA030", Severity.ERROR, "The file could not be read.")
