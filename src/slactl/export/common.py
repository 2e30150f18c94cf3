"""What every export target reads from an agreement: its levels as numbers, windows and calendars.

Python computes, the targets only arrange: a level's objective as a fraction, its time
threshold in seconds of its clock, the first window start inside the term, and its calendar
with the holidays expanded date by date over the term. What a target cannot say is a
:class:`Gap`, collected by the target and reported by the caller (never dropped in silence).
"""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from slactl.model.agreement import Agreement
    from slactl.model.levels import Calendar, ServiceLevel

# Metrics an SLO tool or a service desk can measure (the others are reported as gaps).
TIME_METRICS = ("response_time", "resolution_time")
DAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
# An open-ended term has no last day; its holidays are expanded over one year from the start.
OPEN_ENDED_SPAN = timedelta(days=365)


@dataclass(frozen=True, slots=True)
class Gap:
    """A term of an agreement that the target cannot express."""

    target: str
    agreement: str
    level: str | None  # None: a term of the whole agreement (credits, ...)
    field: str  # the agreement field, e.g. `service_levels[2].window`
    reason: str

    def text(self) -> str:
        """One line for stderr."""
        where = self.agreement if self.level is None else f"{self.agreement}/{self.level}"
        return f"{where}: {self.field}: {self.reason}"

    def as_json(self) -> dict[str, str | None]:
        """The gap in the `--format json` summary."""
        return {
            "target": self.target,
            "agreement": self.agreement,
            "level": self.level,
            "field": self.field,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class Holiday:
    """One closed date of a calendar, with its name."""

    day: date
    name: str


@dataclass(frozen=True, slots=True)
class ExpandedCalendar:
    """A calendar as the targets take it: weekly open spans, zone, closed dates over the term."""

    name: str
    timezone: str
    weekly: dict[int, list[tuple[int, int]]]  # weekday (0 = Monday) -> spans in minutes, 1440 = 24:00
    holidays: tuple[Holiday, ...]
    is_24x7: bool
    business_day_seconds: int  # slactl.clock.business_day: the length of one business day


@dataclass(frozen=True, slots=True)
class LevelFacts:
    """One service level, computed once for every target."""

    index: int  # position in service_levels, for the field paths of gaps
    level: ServiceLevel
    service_name: str
    calendar: ExpandedCalendar | None  # None: no calendar (24x7 in UTC)
    objective: Decimal | None  # share in 0..1: availability target, or attainment of a time target
    threshold_seconds: int | None  # time targets: the duration on the level's clock, in seconds
    window_start: date | None  # first window start on or before the term start; None for rolling

    @property
    def path(self) -> str:
        """The level's path in the agreement, for gaps."""
        return f"service_levels[{self.index}]"


@dataclass
class Export:
    """What a target made of one agreement: files (name -> text) and what it could not say."""

    files: dict[str, str] = field(default_factory=dict)
    gaps: list[Gap] = field(default_factory=list)
    exported: list[str] = field(default_factory=list)  # level ids written


def percent_text(share: Decimal) -> str:
    """0.95 -> '95'; 0.9995 -> '99.95' (exact, no exponent)."""
    return format((share * 100).normalize(), "f")


def desk_gaps(target: str, agreement_id: str, facts: LevelFacts) -> list[Gap]:
    """A service desk times each ticket: an attainment below 100% over a window is judged in reporting."""
    level = facts.level
    if facts.objective is None or facts.objective >= 1:
        return []
    return [
        Gap(
            target,
            agreement_id,
            level.id,
            f"{facts.path}.attainment",
            f"the share of tickets ({percent_text(facts.objective)}% per {level.window or 'calendar_month'}) is not "
            "expressed: the SLA times each ticket; judge the share in the tool's reports or with slactl report",
        )
    ]


def term_span(agreement: Agreement) -> tuple[date, date]:
    """First and last day of the term (an open-ended term: one year from its start)."""
    start = agreement.term.start
    end = agreement.term.end or (start + OPEN_ENDED_SPAN - timedelta(days=1))
    return start, end


def expand_calendar(name: str, spec: Calendar, first: date, last: date) -> ExpandedCalendar:
    """The calendar with every closed date from ``first`` to ``last`` (inclusive), named, sorted."""
    from slactl.clock import business_day
    from slactl.holidays import US_FEDERAL, holiday_names

    named: dict[date, str] = {}
    sets = [h.holiday_set() for h in spec.public_holidays]
    if spec.federal_holidays:
        sets.insert(0, US_FEDERAL)
    for holiday_set in dict.fromkeys(sets):
        for year in range(first.year, last.year + 1):
            for day, label in holiday_names(holiday_set, year).items():
                if first <= day <= last and day not in named:
                    named[day] = label
    for day in spec.holidays:
        if first <= day <= last and day not in named:
            named[day] = "Holiday (agreement)"
    weekly = spec.weekly()
    return ExpandedCalendar(
        name=name,
        timezone=spec.timezone,
        weekly=weekly,
        holidays=tuple(Holiday(d, named[d]) for d in sorted(named)),
        is_24x7=spec.hours == "24x7",
        business_day_seconds=int(business_day(weekly).total_seconds()),
    )


def calendar_name(agreement: Agreement, level: ServiceLevel) -> str | None:
    """The name of the calendar a level's clock runs on (its own, else its service's support hours)."""
    if level.calendar is not None:
        return level.calendar
    service = next((s for s in agreement.services if s.id == level.service), None)
    return service.support_hours if service is not None else None


def default_timezone(agreement: Agreement) -> str:
    """The zone of a level without a calendar: the agreement's first calendar's, else UTC (as report)."""
    for spec in agreement.calendars.values():
        return spec.timezone
    return "UTC"


def threshold_seconds(level: ServiceLevel, calendar: ExpandedCalendar | None) -> int | None:
    """A time target in seconds on the level's clock; business days count as that calendar's day."""
    from slactl.model.types import Duration

    target = level.target
    if not isinstance(target, Duration):
        return None
    if target.unit == "business_days":
        day = calendar.business_day_seconds if calendar is not None else 86400
        return int(target.value * day)
    return target.seconds


def objective_of(level: ServiceLevel) -> Decimal | None:
    """Availability: the target share; time targets: the attainment (default 100%); else None."""
    from slactl.model.types import Percent

    if level.metric == "availability" and isinstance(level.target, Percent):
        return level.target.fraction
    if level.metric in TIME_METRICS:
        return level.attainment.fraction if level.attainment is not None else Decimal(1)
    return None


def window_start(level: ServiceLevel, term_start: date, fy_start: tuple[int, int]) -> date | None:
    """The start of the window that holds the first day of the term (as slactl.report.periods cuts them)."""
    from slactl.fiscal import fiscal_year_first, fiscal_year_of

    kind = level.window or "calendar_month"
    if kind == "rolling":
        return None
    if kind == "term":
        return term_start
    if kind == "week":
        return term_start - timedelta(days=term_start.weekday())
    if kind == "calendar_month":
        anchor = level.window_anchor or 1
        start = _month_day(term_start.year, term_start.month, anchor)
        if start > term_start:
            year, month = (term_start.year, term_start.month - 1) if term_start.month > 1 else (term_start.year - 1, 12)
            start = _month_day(year, month, anchor)
        return start
    if kind == "calendar_quarter":
        return date(term_start.year, 3 * ((term_start.month - 1) // 3) + 1, 1)
    fy_first = fiscal_year_first(fiscal_year_of(term_start, fy_start), fy_start)
    if kind == "fiscal_year":
        return fy_first
    start = fy_first
    while True:  # fiscal quarters: three months at a time from the fiscal year's first day
        following = _add_months(start, 3)
        if following > term_start:
            return start
        start = following


def _month_day(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, _calendar.monthrange(year, month)[1]))


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return _month_day(index // 12, index % 12 + 1, day.day)


def level_facts(agreement: Agreement, fy_start: tuple[int, int]) -> list[LevelFacts]:
    """Every service level of the agreement, with its numbers computed once."""
    first, last = term_span(agreement)
    expanded: dict[str, ExpandedCalendar] = {}
    out: list[LevelFacts] = []
    for index, level in enumerate(agreement.service_levels):
        name = calendar_name(agreement, level)
        spec = agreement.calendars.get(name) if name else None
        cal: ExpandedCalendar | None = None
        if name is not None and spec is not None:
            cal = expanded.get(name)
            if cal is None:
                cal = expanded[name] = expand_calendar(name, spec, first, last)
        service = next((s for s in agreement.services if s.id == level.service), None)
        out.append(
            LevelFacts(
                index=index,
                level=level,
                service_name=(service.name if service is not None else None) or level.service,
                calendar=cal,
                objective=objective_of(level),
                threshold_seconds=threshold_seconds(level, cal),
                window_start=window_start(level, agreement.term.start, fy_start),
            )
        )
    return out


def common_gaps(target: str, agreement: Agreement) -> list[Gap]:
    """Terms no target expresses: credits and an open-ended term's holidays."""
    gaps: list[Gap] = []
    agreement_id = agreement.metadata.id
    if agreement.credits is not None and agreement.credits.schedules:
        for n, schedule in enumerate(agreement.credits.schedules):
            gaps.append(
                Gap(
                    target,
                    agreement_id,
                    schedule.service_level,
                    f"credits.schedules[{n}]",
                    "service credits are not expressed: the target measures the level; "
                    "slactl credits computes what is owed",
                )
            )
    if agreement.term.end is None:
        gaps.append(
            Gap(
                target,
                agreement_id,
                None,
                "term.end",
                "the term is open-ended: holidays are expanded over one year from its start only",
            )
        )
    return gaps


def level_gaps(target: str, agreement_id: str, facts: LevelFacts, *, desk: bool) -> list[Gap]:
    """What an SLO tool (``desk=False``) or a service desk (``desk=True``) cannot say of a level."""
    level = facts.level
    gaps: list[Gap] = []

    def gap(where: str, reason: str) -> None:
        gaps.append(Gap(target, agreement_id, level.id, f"{facts.path}{where}", reason))

    if level.metric not in (*TIME_METRICS, "availability"):
        gap(
            ".metric",
            f"`metric: {level.metric}` (target {level.target}) is not a time or availability objective; not exported",
        )
        return gaps
    if desk and level.metric == "availability":
        gap(".metric", "availability is measured on outages, not on tickets; a service desk SLA cannot hold it")
        return gaps
    if level.per is not None:
        gap(".per", "each site judged on its own (`per: site`) is not expressed; the level is exported once for all")
    if level.scope.site is not None:
        gap(".scope.site", f"the site scope `{level.scope.site}` has no field in the target; exported unscoped")
    usual = "at_least" if level.metric == "availability" else "at_most"
    if level.direction != usual:
        gap(".comparison", f"`comparison: {level.direction}` on {level.metric} is not expressed; exported as {usual}")
    for n, _exclusion in enumerate(level.exclusions):
        gap(
            f".exclusions[{n}]",
            "planned maintenance windows are not expressed: an outage in one counts against the objective there",
        )
    return gaps
