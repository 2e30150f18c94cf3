"""``slactl report``: each service level of an agreement measured against operational data.

:func:`build_report` reads the agreement (every committed revision, for the terms in force),
streams the ticket, outage and survey files once, and returns a :class:`Report` of plain
values; :mod:`slactl.report.render` writes it as Markdown, HTML or JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from slactl.errors import SlactlError
from slactl.report.credits import Credits, RewardResult, TerminationResult
from slactl.report.inputs import Problems
from slactl.report.measure import Engine, InputSummary, LevelResult
from slactl.report.periods import Period

if TYPE_CHECKING:
    from slactl.report.parallel import PendingTickets
    from slactl.report.ticketclock import VerdictCheck

__all__ = ["Report", "VersionUse", "build_report"]


@dataclass
class VersionUse:
    """One content of the agreement and the windows it judged."""

    source: str
    commit: str | None
    digest: str
    windows: list[str] = field(default_factory=list)
    first: date | None = None  # first day judged by this content
    last: date | None = None  # last day judged by this content

    def span(self) -> str:
        """'October 1, 2026 to September 30, 2027 (16 windows)'."""
        from slactl.wording import say_date

        if self.first is None or self.last is None:
            return ""
        n = len(self.windows)
        return f"{say_date(self.first)} to {say_date(self.last)} ({n} window{'s' if n != 1 else ''})"


@dataclass
class Report:
    """Everything a report shows, computed; renderers only format it."""

    agreement_id: str
    title: str
    path: str
    period: Period
    as_of: datetime
    currency: str | None
    inputs: list[InputSummary]
    problems: Problems
    levels: list[LevelResult]
    credits: Credits
    termination: list[TerminationResult]
    rewards: list[RewardResult]
    versions: list[VersionUse]
    notes: list[str]
    tool_checks: list[VerdictCheck] = field(default_factory=list)  # a tool's own verdicts beside slactl's


def build_report(
    agreement: Path,
    *,
    tickets: Path | None = None,
    outages: Path | None = None,
    surveys: Path | None = None,
    charges: Path | None = None,
    period: str | None = None,
    columns: dict[str, str] | None = None,
    fy_start: tuple[int, int] = (10, 1),
    now: datetime,
    top: int = 10,
    jobs: int = 1,
    sources: dict[str, str] | None = None,
    source_zone: str | None = None,
    date_format: str | None = None,
) -> Report:
    """Measure the agreement at ``agreement`` over ``period`` (default: its term) from the given files.

    ``jobs``: processes reading the tickets file; 0 picks one per core from 4 MB on.
    ``sources``: kind (tickets, outages) -> the tool whose export the file is
    (:mod:`slactl.report.sources`; ``csv``: slactl's layout); a file without one is
    detected when no column mapping is given. ``source_zone`` and ``date_format``: the
    export's time zone and display date format.
    """
    from slactl.report.credits import check_rewards, check_termination, compute_credits, read_charges
    from slactl.report.periods import parse_period
    from slactl.report.terms import load_terms
    from slactl.wording import credit_currency

    terms = load_terms(agreement)
    latest = terms.latest.agreement
    if period:
        chosen = parse_period(period, fy_start)
    elif latest.term.end is None:
        raise SlactlError(
            f"the term has no end date (it runs from {latest.term.start.isoformat()} until terminated): "
            "there is no whole term to report on",
            path=str(agreement),
            hint="give the period to measure, e.g. --period 2027-Q1",
        )
    else:
        label = latest.term.fiscal_year or f"{latest.term.start.isoformat()} to {latest.term.end.isoformat()}"
        chosen = Period(latest.term.start, latest.term.end, f"the term ({label})")
    engine = Engine(terms, chosen, fy_start=fy_start, now=now, top=top)
    mapping = columns or {}
    # Surveys first: the ticket pass then dates the answers that name only a ticket.
    if surveys is not None:
        engine.read("surveys", surveys, mapping)
    from slactl.report.sources import read_sources

    source_notes, tool_checks, tickets, outages = read_sources(
        engine, {"tickets": tickets, "outages": outages}, sources or {}, bool(mapping), source_zone, date_format
    )
    _read_tickets_and_outages(engine, tickets, outages, mapping, jobs)
    levels = engine.results()
    credits = compute_credits(levels, read_charges(charges) if charges is not None else None)
    uses: dict[str, VersionUse] = {}
    for lr in levels:
        for wr in lr.windows:
            if wr.version is None:
                continue
            use = uses.setdefault(wr.version.key, VersionUse(wr.version.source, wr.version.commit, wr.version.digest))
            use.windows.append(f"{lr.id} {wr.window.label}")
            use.first = min(use.first or wr.window.start, wr.window.start)
            use.last = max(use.last or wr.window.last, wr.window.last)
    notes = list(terms.notes) + source_notes
    approximated: dict[str, list[str]] = {}
    for lr in levels:
        for wr in lr.windows:
            if wr.terms_note:
                labels = approximated.setdefault(wr.terms_note, [])
                if wr.window.label not in labels:
                    labels.append(wr.window.label)
    for note, labels in approximated.items():
        shown = ", ".join(labels) if len(labels) <= 3 else f"{labels[0]} to {labels[-1]}"
        notes.append(f"{shown}: {note}.")
    if chosen.start < latest.term.start or (latest.term.end is not None and chosen.end > latest.term.end):
        notes.append(
            f"The period {chosen.label} reaches outside the term ({latest.term.start.isoformat()} to "
            f"{latest.term.end.isoformat() if latest.term.end else 'no end date'}): "
            "only the days inside the term are measured."
        )
    return Report(
        agreement_id=latest.metadata.id,
        title=latest.metadata.title,
        path=str(agreement),
        period=chosen,
        as_of=engine.as_of,
        currency=credit_currency(latest),
        inputs=engine.summaries,
        problems=engine.problems,
        levels=levels,
        credits=credits,
        termination=check_termination(latest, levels),
        rewards=check_rewards(latest, levels),
        versions=list(uses.values()),
        notes=notes,
        tool_checks=[check() for check in tool_checks],
    )


def _read_tickets(engine: Engine, tickets: Path, mapping: dict[str, str], jobs: int) -> PendingTickets | None:
    """Start the pass over the tickets file: ``jobs`` processes (0: one per core when big).

    Returns the running workers, or None when the file was read in this process.
    """
    from slactl.report.columnar import kind_of
    from slactl.report.parallel import default_jobs, start_tickets

    if kind_of(tickets) is not None:  # Parquet, Arrow, DuckDB: streamed in record batches here
        jobs = 1
    if jobs == 0:
        jobs = default_jobs(tickets)
    if jobs > 1:
        return start_tickets(engine, tickets, mapping, jobs)
    engine.read("tickets", tickets, mapping)
    return None


def _read_tickets_and_outages(
    engine: Engine, tickets: Path | None, outages: Path | None, mapping: dict[str, str], jobs: int
) -> None:
    pending = _read_tickets(engine, tickets, mapping, jobs) if tickets is not None else None
    if pending is None:
        if outages is not None:
            engine.read("outages", outages, mapping)
        return
    # Ticket workers run: read the outages meanwhile, their problems listed after the tickets'.
    from slactl.report.inputs import Problems

    held, engine.problems = engine.problems, Problems()
    try:
        if outages is not None:
            engine.read("outages", outages, mapping)
            engine.judge_outages()  # they need no ticket: judged while the workers read
        engine.digest_versions()  # so are the digests the report names
    except BaseException:
        pending.cancel()
        raise
    finally:
        outage_problems, engine.problems = engine.problems, held
    pending.finish()
    engine.problems.merge(outage_problems)
