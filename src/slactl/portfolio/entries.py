"""The portfolio: every agreement found, with its approval stage, its dates and its price.

Agreements are found as ``slactl status`` finds them (slactl.approvals.agreement_files: by
parsing, never by matching text) and judged by the same function (status_paths), so a stage
shown here is the stage ``slactl status`` shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from slactl.errors import SlactlError
from slactl.portfolio.obligations import Obligation, dependencies, obligations_of

if TYPE_CHECKING:
    from slactl.approvals.status import AgreementStatus
    from slactl.documents import ValidDocument
    from slactl.model.agreement import Agreement
    from slactl.report import Report


@dataclass(frozen=True)
class Entry:
    """One agreement of the portfolio."""

    valid: ValidDocument
    relpath: str  # path shown: relative to the repository (or as given outside one)
    status: AgreementStatus | None  # None when its approvals cannot be judged (see ``status_error``)
    status_error: str | None
    as_of: date

    @property
    def agreement(self) -> Agreement:
        doc: Agreement = self.valid.document  # type: ignore[assignment]
        return doc

    @property
    def id(self) -> str:
        return self.agreement.metadata.id

    @property
    def stage(self) -> str:
        """The furthest approval stage that holds (of the unbroken run from the first), or a word for none."""
        if self.status is None:
            return "unknown"
        if not self.status.stages:
            return "no stages"
        return self.status.furthest or "none"

    @property
    def complete(self) -> bool:
        return self.status is not None and self.status.complete

    @property
    def missing(self) -> list[str]:
        """Required stages that do not hold, in order."""
        return [s.stage for s in self.status.stages if not s.holds] if self.status is not None else []

    @property
    def renewal_notice(self) -> date | None:
        from slactl.approvals.term import term_status

        return term_status(self.agreement.term, self.as_of).renewal_notice_date

    @property
    def days_to_notice(self) -> int | None:
        notice = self.renewal_notice
        return (notice - self.as_of).days if notice is not None else None

    @property
    def days_to_end(self) -> int | None:
        end = self.agreement.term.end
        return (end - self.as_of).days if end is not None else None

    @property
    def total(self) -> tuple[str, Decimal] | None:
        pricing = self.agreement.pricing
        return (pricing.currency, pricing.total) if pricing is not None else None

    @property
    def parties(self) -> tuple[str, str]:
        parties = self.agreement.parties
        return parties.provider.name, parties.customer.name or "the Customer"

    @property
    def dependencies(self) -> list[str]:
        return dependencies(self.agreement)


@dataclass(frozen=True)
class Portfolio:
    """Every agreement found under the paths, in path order, and the day it is judged on."""

    entries: tuple[Entry, ...]
    as_of: date
    fy_start: tuple[int, int]
    credits_owed: dict[str, tuple[str, Decimal, str | None]] = field(
        default_factory=dict
    )  # id -> (period, amount, currency)

    def by_id(self) -> dict[str, Agreement]:
        return {e.id: e.agreement for e in self.entries}

    def obligations(self, entry: Entry) -> list[Obligation]:
        return obligations_of(entry.agreement, fy_start=self.fy_start, as_of=self.as_of, others=self.by_id())

    def all_obligations(self) -> list[Obligation]:
        out = [o for e in self.entries for o in self.obligations(e)]
        return sorted(out, key=lambda o: (o.due, o.agreement_id, o.uid))


def load_portfolio(paths: Sequence[Path], *, as_of: date, judge: bool = True) -> Portfolio:
    """Find, load and judge every agreement under ``paths`` (files or folders).

    Raises SlactlError when there is none, or when one cannot be loaded (run validate first).
    Without git, or with ``judge=False``, stages are "unknown" with the reason.
    """
    from slactl.approvals import agreement_files
    from slactl.config import load_config
    from slactl.documents import load_valid

    given = list(paths) or [Path()]
    files = sorted(dict.fromkeys(p.resolve() for p in agreement_files(given)))
    if not files:
        raise SlactlError("no agreement files found", hint="give an agreement file or a folder holding some")
    valids = [load_valid(p, kind="Agreement") for p in files]
    seen: dict[str, Path] = {}
    for v in valids:
        ident = v.document.metadata.id  # type: ignore[attr-defined]
        if ident in seen:
            raise SlactlError(
                f"two agreements have the id {ident!r}: {seen[ident]} and {v.path}",
                path=str(v.path),
                hint="run `slactl validate` on the folder",
            )
        seen[ident] = v.path
    statuses, errors = _judge(files, as_of) if judge else ({}, dict.fromkeys(files, "not judged"))
    cfg = load_config(given[0])
    entries = []
    for v in valids:
        st = statuses.get(v.path)
        entries.append(Entry(v, st.relpath if st is not None else _shown(v.path), st, errors.get(v.path), as_of))
    entries.sort(key=lambda e: e.relpath)
    return Portfolio(tuple(entries), as_of, cfg.fiscal_year_start)


def _shown(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _judge(files: list[Path], as_of: date) -> tuple[dict[Path, AgreementStatus], dict[Path, str]]:
    """Stages of every file, judged as ``slactl status`` judges them; a reason per file that cannot be."""
    from slactl.approvals import status_paths

    try:
        report = status_paths(files, today=as_of)
        return {a.path: a for a in report.agreements}, {}
    except SlactlError:
        pass  # one file outside git (or a repository without commits) should not hide the others' stages
    statuses: dict[Path, AgreementStatus] = {}
    errors: dict[Path, str] = {}
    for path in files:
        try:
            statuses[path] = status_paths([path], today=as_of).agreements[0]
        except SlactlError as exc:
            errors[path] = exc.message
    return statuses, errors


# --------------------------------------------------------------------------- report data

DATA_FILES = ("tickets", "outages", "surveys", "charges")
DATA_SUFFIXES = (".csv", ".jsonl")


def data_files(data: Path | None, agreement_id: str) -> dict[str, Path]:
    """The report inputs of one agreement under ``--data``: ``<data>/<id>/<name>.csv`` (or ``.jsonl``).

    ``<name>`` is tickets, outages, surveys or charges.
    """
    if data is None:
        return {}
    folder = data / agreement_id
    found: dict[str, Path] = {}
    for name in DATA_FILES:
        for suffix in DATA_SUFFIXES:
            path = folder / f"{name}{suffix}"
            if path.is_file():
                if name in found:
                    raise SlactlError(
                        f"two {name} files for {agreement_id}",
                        path=str(folder),
                        hint="keep one: tickets.csv or tickets.jsonl",
                    )
                found[name] = path
    return found


def measure(entry: Entry, inputs: dict[str, Path], period: str, as_of: date, fy_start: tuple[int, int]) -> Report:
    """``slactl report`` of one agreement over ``period`` from its data files, as at the end of ``as_of``."""
    from slactl.config import load_config
    from slactl.report import build_report
    from slactl.report.inputs import columns_from_config

    cfg = load_config(entry.valid.path)
    # "now" is the end of the day judged on, never the wall clock: the same repository, the same answer.
    now = datetime.combine(as_of + timedelta(days=1), time(), UTC)
    return build_report(
        entry.valid.path,
        tickets=inputs.get("tickets"),
        outages=inputs.get("outages"),
        surveys=inputs.get("surveys"),
        charges=inputs.get("charges"),
        period=period,
        columns=columns_from_config(cfg.raw),
        fy_start=fy_start,
        now=now,
    )


def with_credits(portfolio: Portfolio, data: Path) -> Portfolio:
    """The portfolio with the credits each agreement owes for the last calendar month before ``as_of``.

    Measured as ``slactl report --period YYYY-MM`` measures them, from ``data/<id>/`` (docs/site.md);
    agreements without data, or whose term does not cover that month, have none.
    """
    last = portfolio.as_of.replace(day=1) - timedelta(days=1)
    first = last.replace(day=1)
    owed: dict[str, tuple[str, Decimal, str | None]] = {}
    for entry in portfolio.entries:
        inputs = data_files(data, entry.id)
        term = entry.agreement.term
        if not inputs or last < term.start or (term.end is not None and first > term.end):
            continue
        report = measure(entry, inputs, f"{last:%Y-%m}", portfolio.as_of, portfolio.fy_start)
        owed[entry.id] = (f"{last:%Y-%m}", report.credits.total.quantize(Decimal("0.01")), report.credits.currency)
    return replace(portfolio, credits_owed=owed)


# --------------------------------------------------------------------------- rows, filters, sorting

COLUMNS = (
    "id",
    "title",
    "type",
    "provider",
    "customer",
    "start",
    "end",
    "fiscal_year",
    "renewal_notice",
    "days_to_notice",
    "days_to_end",
    "stage",
    "missing",
    "currency",
    "total",
    "credits_owed",
    "credits_period",
    "credits_currency",
    "path",
)
SORT_KEYS = ("id", "title", "type", "end", "notice", "stage", "total", "path")


def row(entry: Entry, portfolio: Portfolio) -> dict[str, Any]:
    """One agreement as plain values (dates as ISO text, money as text), for JSON and CSV alike."""
    a = entry.agreement
    total = entry.total
    owed = portfolio.credits_owed.get(entry.id)
    notice = entry.renewal_notice
    return {
        "id": entry.id,
        "title": a.metadata.title,
        "type": a.metadata.type,
        "provider": entry.parties[0],
        "customer": entry.parties[1],
        "start": a.term.start.isoformat(),
        "end": a.term.end.isoformat() if a.term.end else None,
        "fiscal_year": a.term.fiscal_year,
        "renewal_notice": notice.isoformat() if notice else None,
        "days_to_notice": entry.days_to_notice,
        "days_to_end": entry.days_to_end,
        "stage": entry.stage,
        "missing": entry.missing,
        "currency": total[0] if total else None,
        "total": str(total[1]) if total else None,
        "credits_owed": str(owed[1]) if owed else None,
        "credits_period": owed[0] if owed else None,
        "credits_currency": owed[2] if owed else None,
        "path": entry.relpath,
    }


@dataclass(frozen=True)
class Filter:
    """What ``slactl list`` keeps: every given condition must hold."""

    types: tuple[str, ...] = ()
    party: str | None = None  # a substring of a party's name or organization, any case
    stage: str | None = None  # the furthest stage, "complete" or "incomplete"
    expiring_within: int | None = None  # days to the term end, 0..N

    def keeps(self, entry: Entry) -> bool:
        a = entry.agreement
        if self.types and a.metadata.type not in self.types:
            return False
        if self.party is not None:
            wanted = self.party.casefold()
            names = [
                a.parties.provider.name,
                a.parties.provider.organization,
                a.parties.customer.name or "",
                a.parties.customer.organization or "",
            ]
            if not any(wanted in n.casefold() for n in names):
                return False
        if self.stage is not None:
            if self.stage == "complete":
                if not entry.complete:
                    return False
            elif self.stage == "incomplete":
                if entry.complete:
                    return False
            elif entry.stage != self.stage:
                return False
        if self.expiring_within is not None:
            days = entry.days_to_end
            if days is None or not 0 <= days <= self.expiring_within:
                return False
        return True


def parse_filters(items: Sequence[str]) -> Filter:
    """``type=vendor``, ``party=CEC``, ``stage=legal``, ``expiring=90`` (days; ``90d`` too); each once."""
    values: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip().lower()
        if not sep or key not in ("type", "party", "stage", "expiring") or not value.strip():
            raise SlactlError(
                f"cannot read the filter {item!r}",
                hint="write KEY=VALUE with KEY one of type, party, stage, expiring (days)",
            )
        if key in values:
            raise SlactlError(f"the filter {key} is given twice", hint="give each filter once")
        values[key] = value.strip()
    types: tuple[str, ...] = ()
    if "type" in values:
        types = tuple(t.strip() for t in values["type"].split(","))
        bad = [t for t in types if t not in ("customer", "internal", "vendor")]
        if bad:
            raise SlactlError(f"unknown agreement type {bad[0]!r}", hint="type is customer, internal or vendor")
    return Filter(
        types,
        values.get("party"),
        values.get("stage"),
        parse_days(values["expiring"], "expiring") if "expiring" in values else None,
    )


def parse_days(text: str, what: str) -> int:
    """``90``, ``90d`` or ``90 days`` -> 90 (a count of calendar days, 0 or more)."""
    raw = text.strip().lower().removesuffix("days").removesuffix("day").removesuffix("d").strip()
    if not raw.isdigit():
        raise SlactlError(f"{what}: {text!r} is not a number of days", hint="write it like 90 or 90d")
    return int(raw)


def sort_entries(entries: Sequence[Entry], key: str) -> list[Entry]:
    """Sorted by ``key`` (one of SORT_KEYS; ``-key`` for descending); ties by id. Unknown values last."""
    descending = key.startswith("-")
    name = key.lstrip("-")
    if name not in SORT_KEYS:
        raise SlactlError(f"cannot sort by {name!r}", hint="sort by one of " + ", ".join(SORT_KEYS))

    def value(e: Entry) -> Any:
        a = e.agreement
        found: Any = {
            "id": e.id,
            "title": a.metadata.title.casefold(),
            "type": a.metadata.type,
            "end": a.term.end,
            "notice": e.renewal_notice,
            "stage": len(e.status.stages) - len(e.missing) if e.status is not None else None,
            "total": e.total[1] if e.total else None,
            "path": e.relpath,
        }[name]
        return found

    present = [e for e in entries if value(e) is not None]
    absent = [e for e in entries if value(e) is None]
    present.sort(key=lambda e: e.id)
    present.sort(key=value, reverse=descending)
    return present + sorted(absent, key=lambda e: e.id)
