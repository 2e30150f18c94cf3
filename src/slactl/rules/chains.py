"""Chain checks: a service level against the levels of other agreements it rests on (`depends_on`).

A customer SLA rests on internal OLAs and vendor underpinning contracts (docs/chains.md). Each
file's facts are taken once, by ``chain_facts`` when the file is summarized (small, picklable,
so the checks run over the summaries of a parallel run); the checks are repo rules over them.
Every message states its arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING, Any

from slactl.findings import Finding, Severity, format_path
from slactl.loading import Loaded, Path_
from slactl.rules import RULES, Summary, define, repo_rule

if TYPE_CHECKING:
    from slactl.model.agreement import Agreement, Calendar, ServiceLevel

define("SLA157", Severity.WARNING, "A dependency's termination notice is longer than the notice of the agreement "
       "resting on it: the provider stays bound to its supplier after its own customer has left.")  # fmt: skip
define("SLA160", Severity.ERROR, "`depends_on` names an agreement or a service level that is not found among the "
       "files validated (nor the agreements beside them).")  # fmt: skip
define("SLA161", Severity.ERROR, "`depends_on` names a level of a `customer` agreement or of the agreement itself: "
       "a level rests on OLAs (`internal`) and underpinning contracts (`vendor`).")  # fmt: skip
define(
    "SLA162",
    Severity.ERROR,
    "The agreement a level rests on is not in force for the whole term of the one it supports.",
)
define("SLA163", Severity.WARNING, "A link declared on one side only: the agreement a level rests on does not "
       "list the dependent agreement in `metadata.underpins`.")  # fmt: skip
define("SLA164", Severity.ERROR, "The availability a level promises is higher than its dependencies compose to "
       "(serial: the product; redundant: 1 - the product of the unavailabilities).")  # fmt: skip
define("SLA165", Severity.ERROR, "A dependency's response or resolution target is longer than the target of the "
       "level resting on it.")  # fmt: skip
define("SLA166", Severity.ERROR, "A time target on a 24x7 clock rests on a level measured in business hours: "
       "the two clocks cannot be compared.")  # fmt: skip
define("SLA167", Severity.WARNING, "A dependency is measured over a longer window than the level resting on it "
       "(a quarterly OLA under a monthly SLA).")  # fmt: skip
define(
    "SLA168",
    Severity.ERROR,
    "The support hours of a dependency do not cover the support hours of the level resting on it.",
)
define("SLA169", Severity.WARNING, "A level owes service credits but a level it rests on owes none: the provider "
       "pays for an outage its supplier does not.")  # fmt: skip

HUNDRED = Decimal(100)
WEEK = 7 * 1440
_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# Approximate length of each window, in days, to order them; `term` and `rolling` are exact.
_WINDOW_DAYS = {"week": 7, "calendar_month": 30, "calendar_quarter": 91, "fiscal_quarter": 91, "fiscal_year": 365}
_WINDOW_WORD = {
    "week": "weekly",
    "calendar_month": "monthly",
    "calendar_quarter": "quarterly",
    "fiscal_quarter": "quarterly",
    "fiscal_year": "yearly",
}


# --------------------------------------------------------------------------- facts


@dataclass(frozen=True)
class Clock:
    """A calendar as the chain checks compare it: its name, zone and open spans of the week."""

    name: str
    timezone: str
    always: bool
    weekly: tuple[tuple[tuple[int, int], ...], ...]  # weekday (0 = Monday) -> open spans in minutes

    def describe(self) -> str:
        """`24x7` or the open hours by day, with the zone."""
        if self.always:
            return f"`{self.name}` (24x7)"
        return f"`{self.name}` ({_hours_text(self.weekly)} {self.timezone})"


@dataclass(frozen=True)
class LinkFacts:
    """One `{agreement, level}` of a `depends_on` entry, with where it is written."""

    agreement: str
    level: str
    path: Path_
    line: int
    column: int


@dataclass(frozen=True)
class GroupFacts:
    """One entry of `depends_on`: a single link, or redundant links (`any_of`)."""

    links: tuple[LinkFacts, ...]
    redundant: bool


@dataclass(frozen=True)
class LevelFacts:
    """What the chain checks need of one service level."""

    index: int
    id: str
    name: str | None
    metric: str
    target: Any  # Percent | Duration | Score | Count
    minutes: Decimal | None  # a time target in minutes of its clock
    window: str
    window_days: int
    clock: Clock | None
    support: Clock | None
    credit: Decimal | None  # the largest credit a miss earns, in percent; None: no credit schedule
    depends: tuple[GroupFacts, ...]
    target_mark: tuple[int, int]


@dataclass(frozen=True)
class AgreementFacts:
    """What the chain checks (and ``slactl graph``) need of one agreement."""

    id: str
    title: str
    type: str
    start: date
    end: date | None
    notice: Any  # Duration | 'immediate' | None
    underpins: tuple[str, ...]
    underpinned_by: tuple[str, ...]
    levels: tuple[LevelFacts, ...]

    def level(self, ident: str) -> LevelFacts | None:
        """The service level of that id."""
        return next((lv for lv in self.levels if lv.id == ident), None)

    def term_text(self) -> str:
        """`2026-10-01 to 2027-09-30` (or `from ...` when open-ended)."""
        return f"{self.start} to {self.end}" if self.end else f"from {self.start}, open-ended"


def _clock(name: str | None, calendar: Calendar | None) -> Clock | None:
    if calendar is None or name is None:
        return None
    weekly = calendar.weekly()
    return Clock(name, str(calendar.timezone), calendar.hours == "24x7", tuple(tuple(weekly[d]) for d in range(7)))


def _credit(doc: Agreement, level: ServiceLevel) -> Decimal | None:
    from slactl.model.types import Percent

    credits = doc.credits
    schedule = next((s for s in credits.schedules if s.service_level == level.id), None) if credits else None
    if schedule is None:
        return None
    shares = [band.credit.value for band in schedule.bands if isinstance(band.credit, Percent)]
    return max(shares, default=Decimal(0))


def chain_facts(doc: Agreement, loaded: Loaded) -> AgreementFacts:
    """The facts of one validated agreement."""
    from slactl.model.types import Duration
    from slactl.rules.agreement import business_day_minutes, length_minutes

    # Each calendar read once (a file has a few calendars and many levels on them).
    clocks = {name: _clock(name, calendar) for name, calendar in doc.calendars.items()}
    days = {name: business_day_minutes([calendar]) for name, calendar in doc.calendars.items()}
    levels = []
    for i, level in enumerate(doc.service_levels):
        groups = []
        for j, entry in enumerate(level.depends_on):
            base: Path_ = ("service_levels", i, "depends_on", j)
            if hasattr(entry, "any_of"):
                links = tuple(_link(loaded, (*base, "any_of", k), link) for k, link in enumerate(entry.any_of))
                groups.append(GroupFacts(links, redundant=True))
            else:
                groups.append(GroupFacts((_link(loaded, base, entry),), redundant=False))
        clock_name = level.calendar
        service = next((s for s in doc.services if s.id == level.service), None)
        support_name = service.support_hours if service else None
        clock_name = clock_name or support_name
        known = clock_name if clock_name in doc.calendars else None  # calendar_for's choice
        window = level.window or "calendar_month"
        target = level.target
        levels.append(
            LevelFacts(
                index=i,
                id=level.id,
                name=level.name,
                metric=level.metric,
                target=level.target,
                minutes=length_minutes(target, days[known] if known else business_day_minutes([]))
                if isinstance(target, Duration)
                else None,
                window=window,
                window_days=_window_days(window, level.rolling_days, doc.term.start, doc.term.end),
                clock=clocks[known] if known else None,
                support=clocks.get(support_name) if support_name else None,
                credit=_credit(doc, level),
                depends=tuple(groups),
                target_mark=loaded.locate(("service_levels", i, "target")),
            )
        )
    meta = doc.metadata
    return AgreementFacts(
        id=meta.id,
        title=meta.title,
        type=meta.type,
        start=doc.term.start,
        end=doc.term.end,
        notice=doc.termination.notice if doc.termination else None,
        underpins=tuple(meta.underpins),
        underpinned_by=tuple(meta.underpinned_by),
        levels=tuple(levels),
    )


def _link(loaded: Loaded, path: Path_, link: Any) -> LinkFacts:
    line, column = loaded.locate(path)
    return LinkFacts(link.agreement, link.level, path, line, column)


def _window_days(window: str, rolling: int | None, start: date, end: date | None) -> int:
    if window == "rolling":
        return rolling or 1
    if window == "term":
        return (end - start).days + 1 if end else 36600
    return _WINDOW_DAYS[window]


# --------------------------------------------------------------------------- the chain, resolved


@dataclass(frozen=True)
class Resolved:
    """One link with both ends found (or not): the dependent side and what it names."""

    summary: Summary
    owner: AgreementFacts
    level: LevelFacts
    link: LinkFacts
    target: AgreementFacts | None  # None: no agreement of that id
    target_level: LevelFacts | None  # None: the agreement has no such level
    target_file: str | None


@dataclass(frozen=True)
class DependencyRef:
    """One thing an agreement rests on: a level of another agreement, or (``level`` None) a whole one.

    ``group`` numbers the `depends_on` entry of ``from_level``; links of one `any_of` share it.
    """

    agreement: str
    level: str | None
    from_level: str | None
    group: int | None = None
    redundant: bool = False


def dependencies(agreement: Agreement) -> list[DependencyRef]:
    """What ``agreement`` rests on, in file order: each `depends_on` link of its service levels, then
    each id of `metadata.underpinned_by` that no link names (a portfolio view lists them all)."""
    out: list[DependencyRef] = []
    for level in agreement.service_levels:
        for group, entry in enumerate(level.depends_on):
            links = entry.any_of if hasattr(entry, "any_of") else [entry]
            out += [DependencyRef(x.agreement, x.level, level.id, group, hasattr(entry, "any_of")) for x in links]
    named = {ref.agreement for ref in out}
    out += [DependencyRef(i, None, None) for i in agreement.metadata.underpinned_by if i not in named]
    return out


def resolve(summaries: list[Summary]) -> Iterator[Resolved]:
    """Every link of every agreement of the run, with what it names."""
    by_id = {s.id: s for s in summaries if isinstance(s.chain, AgreementFacts)}
    for summary in summaries:
        facts = summary.chain
        if not isinstance(facts, AgreementFacts):
            continue
        for level in facts.levels:
            for group in level.depends:
                for link in group.links:
                    other = by_id.get(link.agreement)
                    target = other.chain if other is not None else None
                    assert target is None or isinstance(target, AgreementFacts)
                    found = target.level(link.level) if target is not None else None
                    yield Resolved(summary, facts, level, link, target, found, other.file if other else None)


def _emit(
    report: Callable[[Finding], None], code: str, file: str, mark: tuple[int, int], path: Path_, message: str
) -> None:
    report(Finding(file, mark[0], mark[1], format_path(path), RULES[code].severity, code, message))


def _name(agreement: str, level: str) -> str:
    return f"`{agreement}`/`{level}`"


@repo_rule
def chain_links(summaries: list[Summary], report: Callable[[Finding], None]) -> None:
    """Both ends of every link, and the checks of one link at a time."""
    pairs: set[tuple[str, str, str]] = set()  # (dependent id, dependency id, check) reported once a pair
    for r in resolve(summaries):
        mark, file, link = (r.link.line, r.link.column), r.summary.file, r.link
        if r.target is None:
            _emit(report, "SLA160", file, mark, link.path,
                  f"agreement `{link.agreement}` is not among the files validated nor beside them; validate it "
                  "together with this one")  # fmt: skip
            continue
        if r.target.id == r.owner.id or r.target.type == "customer":
            why = "its own agreement" if r.target.id == r.owner.id else "a customer agreement (`type: customer`)"
            _emit(report, "SLA161", file, mark, link.path,
                  f"`{link.level}` of `{link.agreement}` is in {why}; a level rests on OLAs (`internal`) and "
                  "underpinning contracts (`vendor`)")  # fmt: skip
            continue
        if r.target_level is None:
            known = ", ".join(f"`{lv.id}`" for lv in r.target.levels) or "none"
            _emit(report, "SLA160", file, mark, link.path,
                  f"`{link.agreement}` has no service level `{link.level}` (its levels: {known})")  # fmt: skip
            continue
        once = (r.owner.id, r.target.id)
        if (*once, "term") not in pairs:
            pairs.add((*once, "term"))
            _term(r, report)
        if (*once, "side") not in pairs and r.owner.id not in r.target.underpins:
            pairs.add((*once, "side"))
            listed = ", ".join(f"`{x}`" for x in r.target.underpins) or "nothing"
            _emit(report, "SLA163", file, mark, link.path,
                  f"`{r.level.id}` rests on {_name(link.agreement, link.level)}, but `{link.agreement}` does not "
                  f"say it underpins `{r.owner.id}` (its `metadata.underpins` lists {listed}); add "
                  f"`{r.owner.id}` there")  # fmt: skip
        if (*once, "notice") not in pairs:
            pairs.add((*once, "notice"))
            _notice(r, report)
        _time_budget(r, report)
        _window(r, report)
        _support(r, report)
        _credits(r, report)


def _term(r: Resolved, report: Callable[[Finding], None]) -> None:
    assert r.target is not None
    owner, target = r.owner, r.target
    gaps = []
    if target.start > owner.start:
        gaps.append(
            f"starts {target.start}, {(target.start - owner.start).days} days after `{owner.id}` starts {owner.start}"
        )
    if target.end is not None and (owner.end is None or target.end < owner.end):
        until = f"`{owner.id}` ends {owner.end}" if owner.end else f"`{owner.id}` is open-ended"
        days = f"{(owner.end - target.end).days} days before " if owner.end else "while "
        gaps.append(f"ends {target.end}, {days}{until}")
    if gaps:
        _emit(report, "SLA162", r.summary.file, (r.link.line, r.link.column), r.link.path,
              f"`{target.id}` ({target.term_text()}) {' and '.join(gaps)}: `{r.level.id}` rests on it for "
              f"the whole term {owner.term_text()}")  # fmt: skip


def _notice_days(notice: Any) -> Decimal | None:
    from slactl.model.types import Duration

    if notice == "immediate":
        return Decimal(0)
    if isinstance(notice, Duration) and notice.unit != "business_days":
        return Decimal(notice.seconds) / 86400
    if isinstance(notice, Duration):
        return notice.value * 7 / 5  # five business days to a week
    return None


def _notice(r: Resolved, report: Callable[[Finding], None]) -> None:
    assert r.target is not None
    mine, theirs = _notice_days(r.owner.notice), _notice_days(r.target.notice)
    if mine is None or theirs is None or theirs <= mine:
        return
    _emit(report, "SLA157", r.summary.file, (r.link.line, r.link.column), r.link.path,
          f"`{r.target.id}` takes {r.target.notice} notice to end, `{r.owner.id}` {r.owner.notice}: ended on "
          f"notice, `{r.owner.id}` leaves the provider bound to `{r.target.id}` for {_num(theirs - mine)} days more "
          f"({_num(theirs)} - {_num(mine)})")  # fmt: skip


_TIMED = ("response_time", "resolution_time")


def _time_budget(r: Resolved, report: Callable[[Finding], None]) -> None:
    mine, theirs = r.level, r.target_level
    assert theirs is not None
    if mine.metric not in _TIMED or theirs.metric not in _TIMED or mine.minutes is None or theirs.minutes is None:
        return
    mark, file = (r.link.line, r.link.column), r.summary.file
    if mine.clock is not None and theirs.clock is not None and mine.clock.always and not theirs.clock.always:
        _emit(report, "SLA166", file, mark, r.link.path,
              f"`{mine.id}` ({mine.target}) runs on {mine.clock.describe()} but {_name(r.link.agreement, theirs.id)} "
              f"({theirs.target}) on {theirs.clock.describe()}: its clock stops at night and on weekends while "
              f"this one runs; measure the dependency on a 24x7 calendar too")  # fmt: skip
        return
    if theirs.minutes > mine.minutes:
        _emit(report, "SLA165", file, mark, r.link.path,
              f"`{mine.id}` promises {mine.target} ({_num(mine.minutes)} minutes) but rests on "
              f"{_name(r.link.agreement, theirs.id)} at {theirs.target} ({_num(theirs.minutes)} minutes): "
              f"{_num(theirs.minutes - mine.minutes)} minutes over the budget")  # fmt: skip


def _window(r: Resolved, report: Callable[[Finding], None]) -> None:
    mine, theirs = r.level, r.target_level
    assert theirs is not None
    if theirs.window_days <= mine.window_days:
        return
    _emit(report, "SLA167", r.summary.file, (r.link.line, r.link.column), r.link.path,
          f"`{mine.id}` is measured {_window_text(mine)} but {_name(r.link.agreement, theirs.id)} "
          f"{_window_text(theirs)}: a {_unit(mine)} it misses may still pass its "
          f"{_unit(theirs)}")  # fmt: skip


def _window_text(level: LevelFacts) -> str:
    word = _WINDOW_WORD.get(level.window)
    if word:
        return f"{word} (`{level.window}`, about {level.window_days} days)"
    return f"over `{level.window}` ({level.window_days} days)"


def _unit(level: LevelFacts) -> str:
    return {"weekly": "week", "monthly": "month", "quarterly": "quarter", "yearly": "year"}.get(
        _WINDOW_WORD.get(level.window, ""), "window"
    )


def _credits(r: Resolved, report: Callable[[Finding], None]) -> None:
    mine, theirs = r.level, r.target_level
    assert theirs is not None
    if mine.credit is None or not mine.credit or theirs.credit:
        return
    _emit(report, "SLA169", r.summary.file, (r.link.line, r.link.column), r.link.path,
          f"a miss of `{mine.id}` costs the provider up to {_exact(mine.credit)}% of its charges in credits, but "
          f"{_name(r.link.agreement, theirs.id)} owes it 0% for the same outage (no credit schedule): "
          f"{_exact(mine.credit)}% - 0% = {_exact(mine.credit)}% not passed through")  # fmt: skip


# --------------------------------------------------------------------------- support hours


def _utc_week(clock: Clock, on: date) -> list[tuple[int, int]]:
    """The open spans of a week in minutes from Monday 00:00 UTC (the zone's offset on ``on``)."""
    from zoneinfo import ZoneInfo

    offset = datetime.combine(on, time(12), ZoneInfo(clock.timezone)).utcoffset()
    shift = -int(offset.total_seconds() // 60) if offset is not None else 0
    out: list[tuple[int, int]] = []
    for day, spans in enumerate(clock.weekly):
        for start, end in spans:
            a, b = day * 1440 + start + shift, day * 1440 + end + shift
            for lo, hi in ((a, b),) if 0 <= a and b <= WEEK else _wrap(a, b):
                out.append((lo, hi))
    return _merge(out)


def _wrap(a: int, b: int) -> list[tuple[int, int]]:
    a, b = a % WEEK, b % WEEK or WEEK
    return [(a, b)] if a < b else [(a, WEEK), (0, b)]


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(spans):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def uncovered(need: list[tuple[int, int]], have: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of ``need`` outside ``have`` (both merged, sorted spans)."""
    out: list[tuple[int, int]] = []
    for lo, hi in need:
        cursor = lo
        for a, b in have:
            if b <= cursor or a >= hi:
                continue
            if a > cursor:
                out.append((cursor, a))
            cursor = max(cursor, b)
        if cursor < hi:
            out.append((cursor, hi))
    return out


def _support(r: Resolved, report: Callable[[Finding], None]) -> None:
    mine, theirs = r.level.support, r.target_level.support if r.target_level else None
    if mine is None or theirs is None or theirs.always:
        return
    gaps = uncovered(_utc_week(mine, r.owner.start), _utc_week(theirs, r.owner.start))
    if not gaps:
        return
    minutes = sum(b - a for a, b in gaps)
    first = gaps[0]
    _emit(report, "SLA168", r.summary.file, (r.link.line, r.link.column), r.link.path,
          f"`{r.level.id}` is supported {mine.describe()} but {_name(r.link.agreement, r.link.level)} only "
          f"{theirs.describe()}: {_num(Decimal(minutes) / 60)} hours a week uncovered, the first "
          f"{_utc_text(first)} UTC")  # fmt: skip


def _utc_text(span: tuple[int, int]) -> str:
    (d1, m1), (d2, m2) = divmod(span[0], 1440), divmod(span[1], 1440)
    start = f"{_DAY_NAMES[d1 % 7]} {m1 // 60:02d}:{m1 % 60:02d}"
    end = f"{m2 // 60:02d}:{m2 % 60:02d}" if d2 == d1 else f"{_DAY_NAMES[d2 % 7]} {m2 // 60:02d}:{m2 % 60:02d}"
    if m2 == 0 and d2 == d1 + 1:
        end = "24:00"
    return f"{start}-{end}"


def _hours_text(weekly: tuple[tuple[tuple[int, int], ...], ...]) -> str:
    parts: list[str] = []
    day = 0
    while day < 7:
        spans = weekly[day]
        last = day
        while last + 1 < 7 and weekly[last + 1] == spans:
            last += 1
        if spans:
            when = _DAY_NAMES[day] if last == day else f"{_DAY_NAMES[day]}-{_DAY_NAMES[last]}"
            times = ", ".join(f"{a // 60:02d}:{a % 60:02d}-{b // 60:02d}:{b % 60:02d}" for a, b in spans)
            parts.append(f"{when} {times}")
        day = last + 1
    return "; ".join(parts) or "closed"


# --------------------------------------------------------------------------- composed availability


@dataclass(frozen=True)
class Composition:
    """A level's dependencies composed: the value and the arithmetic that gives it."""

    value: Decimal  # a fraction, 0..1
    text: str  # "99.5% x 99.9%"


def compose(groups: list[list[Decimal]], places: int = 2) -> Composition:
    """Serial over the groups, redundant within each: prod_g (1 - prod_i (1 - a_gi)); values are percent.

    The text shows each redundant group's value cut to ``places`` decimals.
    """
    from decimal import localcontext

    value, words = Decimal(1), []
    with localcontext() as exact:
        # Exact: each factor has at most 8 decimals (a percentage of 6), so any chain a file can hold fits.
        exact.prec = 2000
        for group in groups:
            share = _share(group)
            words.append(_group_text(group, share, places))
            value *= share
    return Composition(value, " x ".join(words))


def _share(group: list[Decimal]) -> Decimal:
    if len(group) == 1:
        return group[0] / HUNDRED
    down = Decimal(1)
    for a in group:
        down *= 1 - a / HUNDRED
    return 1 - down


def _group_text(group: list[Decimal], share: Decimal, places: int) -> str:
    if len(group) == 1:
        return f"{_exact(group[0])}%"
    return "(1 - " + " x ".join(f"(1 - {_exact(a)}%)" for a in group) + f" = {_percent(share, places)})"


def _percent(fraction: Decimal, places: int = 2) -> str:
    """A fraction as a percentage, cut (never rounded up) to ``places`` decimals, at least 2."""
    quantum = Decimal(1).scaleb(-places)
    return f"{(fraction * HUNDRED).quantize(quantum, rounding=ROUND_FLOOR)}%"


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(2, -exponent) if isinstance(exponent, int) else 2


@repo_rule
def composed_availability(summaries: list[Summary], report: Callable[[Finding], None]) -> None:
    """An availability promise against what its availability dependencies compose to."""
    from slactl.model.types import Percent

    groups: dict[tuple[str, str], dict[int, list[Decimal]]] = {}
    owners: dict[tuple[str, str], tuple[Summary, LevelFacts]] = {}
    for r in resolve(summaries):
        level, found = r.level, r.target_level
        if level.metric != "availability" or found is None or found.metric != "availability":
            continue
        if not isinstance(found.target, Percent) or r.target is None or r.target.type == "customer":
            continue
        key = (r.summary.file, level.id)
        index = next(i for i, g in enumerate(level.depends) if r.link in g.links)
        groups.setdefault(key, {}).setdefault(index, []).append(found.target.value)
        owners[key] = (r.summary, level)
    for key, by_group in groups.items():
        summary, level = owners[key]
        promised = level.target
        assert isinstance(promised, Percent)
        places = _places(promised.value)
        composition = compose([by_group[i] for i in sorted(by_group)], places)
        if composition.value * HUNDRED >= promised.value:
            continue
        _emit(report, "SLA164", summary.file, level.target_mark, ("service_levels", level.index, "target"),
              f"{promised} promised, rests on {composition.text} = {_percent(composition.value, places)}: "
              f"at most {_percent(composition.value, places)} can be promised on these dependencies")  # fmt: skip


def _exact(value: Decimal) -> str:
    """A value of a file (a percentage) exactly as it means: no exponent, no trailing zeros."""
    from slactl.model.types import _num as exact

    return exact(value)


def _num(value: Decimal) -> str:
    """A computed amount (minutes, hours, days) to at most two decimals."""
    places = value.as_tuple().exponent
    return _exact(value.quantize(Decimal("0.01")) if isinstance(places, int) and places < -2 else value)
