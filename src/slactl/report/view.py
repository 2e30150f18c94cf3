"""One view of a :class:`~slactl.report.Report` for its templates: every cell already worded.

Python computes here what a reader sees (numbers rounded by :func:`number`, money through
``wording.say_money``, the wording of targets, misses and counts); the templates of
``templates/report/`` only place these strings, and escape them for their format (the
``md`` filter in Markdown, autoescape in HTML). The Markdown and the HTML differ in a few
places on purpose, so the view carries both: the HTML lists at most five misses a window,
shortens digests and gives file names without their folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path
from typing import Any

from markupsafe import Markup

from slactl.model.types import Count, Duration, Percent, Score
from slactl.report import Report
from slactl.report.credits import pct
from slactl.report.measure import LevelResult, Miss, WindowResult
from slactl.report.svg import Bar, bar_chart
from slactl.wording import say_date, say_duration, say_elapsed, say_money, say_number

_CENT = Decimal("0.01")
HTML_MISSES = 5  # misses listed per window in HTML (the Markdown lists all that were kept)


# --------------------------------------------------------------------------- numbers and wording


def number(unit: str, value: Decimal | None) -> str | None:
    """The measured value as printed (without its unit): '99.62', '4.31', '3'."""
    if value is None:
        return None
    if unit == "count":
        return str(int(value))
    return str(value.quantize(_CENT, rounding=ROUND_FLOOR))


def show(unit: str, value: Decimal | None) -> str:
    """The measured value with its unit: '99.62%', '4.31', '3'; an em dash without data."""
    if value is None:
        return "—"
    return pct(value) if unit == "%" else str(number(unit, value))


def show_margin(unit: str, margin: Decimal | None) -> str:
    """'+0.12 pts', '−1.50 pts', '+0.30', '−1'."""
    if margin is None:
        return ""
    sign = "+" if margin >= 0 else "−"
    size = abs(margin)
    if unit == "count":
        return f"{sign}{int(size)}"
    text = str(
        size.quantize(_CENT, rounding=ROUND_FLOOR) if margin >= 0 else -((-size).quantize(_CENT, rounding=ROUND_FLOOR))
    )
    return f"{sign}{text} pts" if unit == "%" else f"{sign}{text}"


def target_text(wr: WindowResult | None, lr: LevelResult) -> str:
    """The target as a short cell: '95% within 1 business hour', '99.9%', '4.2/5', 'at most 2'."""
    if wr is None:  # the summary row: the latest terms the level was judged by
        wr = next((w for w in reversed(lr.windows) if w.version is not None and w.level is not None), None)
    level = wr.level if wr is not None and wr.level is not None else lr.level
    agreement = wr.version.agreement if wr is not None and wr.version is not None else None
    calendar = agreement.calendar_for(level) if agreement is not None else None
    target = level.target
    if isinstance(target, Duration):
        share = level.attainment.value if level.attainment else Decimal(100)
        return f"{say_number(share)}% within {say_duration(target, calendar=calendar)}"
    if isinstance(target, Percent):
        return (
            f"{say_number(target.value)}% satisfied"
            if level.metric == "satisfaction"
            else f"{say_number(target.value)}%"
        )
    if isinstance(target, Score):
        return str(target)
    if isinstance(target, Count):
        return f"{'at most' if level.direction == 'at_most' else 'at least'} {target.value}"
    return str(target)


def when_text(value: datetime) -> str:
    """'2027-10-01 00:00 EDT'."""
    return value.strftime("%Y-%m-%d %H:%M %Z").strip()


def miss_text(lr: LevelResult, miss: Miss) -> str:
    """One line about a miss: what, where in the data, how bad."""
    kind = lr.level.metric
    if kind == "availability":
        text = f"{miss.ref} ({miss.where}) from {when_text(miss.when)}: {say_elapsed(miss.value)} of downtime"  # type: ignore[arg-type]
    elif kind == "satisfaction":
        text = f"{miss.ref} ({miss.where}) on {miss.when.date().isoformat()}: score {miss.value}"
    elif isinstance(miss.value, timedelta) and miss.over is not None:
        spent, over = say_elapsed(miss.value), say_elapsed(miss.over)
        text = f"{miss.ref} ({miss.where}) opened {when_text(miss.when)}: {spent}, {over} over target"
    else:
        text = f"{miss.ref} ({miss.where}) at {when_text(miss.when)}"
    return f"{text} ({miss.note})" if miss.note else text


def detail_text(wr: WindowResult) -> str:
    """The counts behind a measured value: '41 of 43 tickets on time, 2 open' or downtime."""
    d = wr.detail
    if "tickets" in d:
        text = f"{d['met']} of {d['tickets']} tickets on time"
        return text + (f", {d['open']} still open" if d.get("open") else "")
    if "downtime" in d:
        text = f"{say_elapsed(d['downtime'])} down in {say_elapsed(d['measured_time'])}"
        if d.get("planned_time"):
            verb = "excluded" if d["planned_maintenance"] == "excluded" else "counted as up"
            text += f"; {say_elapsed(d['planned_time'])} planned maintenance {verb}"
        return text
    if "responses" in d:
        return f"{d['responses']} responses" + (f", {d['satisfied']} satisfied" if "satisfied" in d else "")
    if "incidents" in d:
        return f"{d['incidents']} incidents"
    return ""


def money(value: Decimal | None) -> str | None:
    """An amount as JSON carries it: two decimals, no currency."""
    return None if value is None else str(value.quantize(_CENT))


def summary(report: Report) -> dict[str, Any]:
    """The counts of the summary line (JSON's ``summary`` object)."""
    met = sum(1 for lr in report.levels for w in lr.windows if w.status == "met")
    missed = sum(1 for lr in report.levels for w in lr.windows if w.status == "missed")
    return {
        "service_levels": len(report.levels),
        "windows_met": met,
        "windows_missed": missed,
        "credits_owed": money(report.credits.total),
        "termination_triggered": sum(1 for t in report.termination if t.triggered),
        "bad_rows": report.problems.count,
    }


def credits_total(report: Report) -> str:
    """'USD 354.84', or the bare number when the agreement names no currency."""
    return say_money(report.credits.total, report.currency) if report.currency else say_number(report.credits.total)


def sections(report: Report) -> list[LevelResult]:
    """Levels in the order their sections appear: those with a missed window first."""
    missed = [lr for lr in report.levels if any(w.status == "missed" for w in lr.windows)]
    return missed + [lr for lr in report.levels if lr not in missed]


def breaches(report: Report) -> list[tuple[str, str, str]]:
    """Missed windows, worst first within each level: (level id, window, one line)."""
    out: list[tuple[str, str, str]] = []
    for lr in report.levels:
        for wr in lr.windows:
            if wr.status != "missed":
                continue
            text = f"{show(lr.unit, wr.measured)} against {target_text(wr, lr)} ({show_margin(lr.unit, wr.margin)})"
            if wr.misses:
                worst = wr.misses[0]
                text += f"; worst: {worst.ref}"
            if wr.credit is not None and wr.credit.owed is not None and wr.credit.currency:
                text += f"; credit {say_money(wr.credit.owed, wr.credit.currency)}"
            out.append((lr.id, wr.window.label, text))
    return out


# --------------------------------------------------------------------------- the view


@dataclass(frozen=True)
class Card:
    """One figure of the HTML summary cards."""

    value: str
    label: str
    bad: bool


@dataclass(frozen=True)
class SummaryRow:
    """A level in the summary table."""

    id: str
    target: str
    met: str
    missed: str
    worst: str
    credits: str


@dataclass(frozen=True)
class Breach:
    """A triggered termination condition (``who`` is 'Termination') or a missed window."""

    who: str
    window: str  # empty for a termination condition
    text: str
    termination: bool


@dataclass(frozen=True)
class WindowRow:
    """A window of a level's table."""

    label: str
    measured: str
    target: str
    status: str
    pill: str  # the CSS class of the status pill: met, missed or none
    margin: str
    detail: str
    credit: str


@dataclass(frozen=True)
class Misses:
    """The misses listed under a level's table for one window."""

    window: str
    more: str  # ' (worst 5 of 12)' when more were counted than listed, else ''
    items: list[str]


@dataclass(frozen=True)
class Section:
    """One service level: its sentence, chart, windows, misses and notes."""

    id: str
    sentence: str
    chart: Markup  # an SVG built and escaped by slactl.report.svg (empty when not asked for)
    rows: list[WindowRow]
    misses: list[Misses]  # every miss kept (Markdown)
    misses_short: list[Misses]  # the first HTML_MISSES of each window (HTML)
    notes: list[str]


@dataclass(frozen=True)
class Line:
    """A list item with an optional lead-in: '<b>lead</b>: text'."""

    lead: str
    text: str


@dataclass(frozen=True)
class TermsRow:
    """One content of the agreement that judged windows."""

    source: str
    digest: str
    digest_short: str
    span: str


@dataclass(frozen=True)
class InputRow:
    """One data file read."""

    file: str
    name: str  # without its folder (HTML)
    kind: str
    format: str
    rows: str
    used: str
    rows_grouped: str  # '1,000,000' (HTML)
    used_grouped: str
    bad: str


@dataclass(frozen=True)
class ReportView:
    """Everything the report templates show, as strings."""

    title: str
    agreement_id: str
    period: str
    period_start: str
    period_end: str
    as_of: str
    levels: str
    windows_met: str
    windows_missed: str
    credits_total: str
    termination_triggered: str
    bad_rows: str
    cards: list[Card]
    summary_rows: list[SummaryRow]
    breaches: list[Breach]
    sections: list[Section]
    credit_lines: list[Line]
    credit_caps: list[str]
    termination: list[str]
    rewards: list[Line]
    terms: list[TermsRow]
    inputs: list[InputRow]
    problems_shown: list[str]
    problems_first: str  # ' (first 20 listed)' when not all bad rows are listed, else ''
    notes: list[str]
    tool_checks: list[ToolCheck] = field(default_factory=list)


@dataclass(frozen=True)
class ToolCheck:
    """A tool's verdicts beside slactl's: how many compared, and where they differ."""

    tool: str  # the source's description, e.g. 'ServiceNow incident or task_sla CSV export'
    compared: str
    disagreements: list[Any]  # slactl.report.ticketclock.Disagreement


def _level_row(lr: LevelResult) -> SummaryRow:
    met = sum(1 for w in lr.windows if w.status == "met")
    missed = sum(1 for w in lr.windows if w.status == "missed")
    judged = [w for w in lr.windows if w.measured is not None and w.margin is not None]
    worst = min(judged, key=lambda w: w.margin or 0, default=None)
    owed = sum((w.credit.owed for w in lr.windows if w.credit is not None and w.credit.owed is not None), Decimal(0))
    currency = next((w.credit.currency for w in lr.windows if w.credit is not None and w.credit.currency), None)
    worst_text = f"{show(lr.unit, worst.measured)} ({worst.window.label})" if worst is not None else "—"
    owed_text = say_money(owed, currency) if owed and currency else ""
    return SummaryRow(lr.id, target_text(None, lr), str(met), str(missed), worst_text, owed_text)


def _bar_label(wr: WindowResult) -> str:
    label = wr.window.label
    parts = label.split(" ")
    if len(parts) == 2 and len(parts[0]) == 3 and parts[1].isdigit():  # 'Mar 2027' -> "Mar '27"
        return f"{parts[0]} '{parts[1][2:]}"
    return label


def _nominal(lr: LevelResult) -> Decimal:
    target = lr.level.target
    if isinstance(target, Duration):
        return lr.level.attainment.value if lr.level.attainment else Decimal(100)
    if isinstance(target, Percent | Score):
        return target.value
    if isinstance(target, Count):
        return Decimal(target.value)
    return Decimal(0)


def _chart(lr: LevelResult) -> Markup:
    bars = [Bar(_bar_label(wr), wr.measured, wr.status == "met", show(lr.unit, wr.measured)) for wr in lr.windows]
    latest = next((wr for wr in reversed(lr.windows) if wr.required is not None), None)
    required = latest.required if latest is not None and latest.required is not None else _nominal(lr)
    scale = lr.level.target.scale if isinstance(lr.level.target, Score) else None
    target_label = show(lr.unit, required) if lr.unit != "count" else str(int(required))
    return Markup(bar_chart(bars, required, target_label, lr.unit, top=scale, title=f"{lr.id} per window"))


def _misses(lr: LevelResult, limit: int | None) -> list[Misses]:
    out: list[Misses] = []
    for wr in lr.windows:
        if wr.status == "missed" and wr.misses:
            kept = wr.misses[:limit]
            more = f" (worst {len(kept)} of {wr.misses_total})" if wr.misses_total > len(kept) else ""
            out.append(Misses(wr.window.label, more, [miss_text(lr, m) for m in kept]))
    return out


def _section(lr: LevelResult, charts: bool) -> Section:
    rows = []
    for wr in lr.windows:
        credit = (
            say_money(wr.credit.owed, wr.credit.currency)
            if wr.credit is not None and wr.credit.owed is not None and wr.credit.currency
            else ""
        )
        rows.append(
            WindowRow(
                label=wr.window.label + (" (partial)" if wr.window.partial else ""),
                measured=show(lr.unit, wr.measured),
                target=target_text(wr, lr),
                status=wr.status,
                pill={"met": "met", "missed": "missed"}.get(wr.status, "none"),
                margin=show_margin(lr.unit, wr.margin),
                detail=detail_text(wr),
                credit=credit,
            )
        )
    notes = sorted({n for wr in lr.windows for n in wr.notes if not n.startswith("Partial window")})
    chart = _chart(lr) if charts else Markup()
    return Section(lr.id, lr.sentence, chart, rows, _misses(lr, None), _misses(lr, HTML_MISSES), notes)


def build_view(report: Report, *, charts: bool = True) -> ReportView:
    """The report as the templates show it (``charts``: draw each level's SVG, for HTML)."""
    counts = summary(report)
    total = credits_total(report)
    trig = counts["termination_triggered"]
    cards = [
        Card(str(counts["windows_met"]), "windows met", False),
        Card(str(counts["windows_missed"]), "windows missed", bool(counts["windows_missed"])),
        Card(total, "credits owed", bool(report.credits.total)),
        Card(str(trig), "termination triggers", bool(trig)),
        Card(str(report.problems.count), "bad data rows", bool(report.problems.count)),
    ]
    found = [Breach("Termination", "", t.sentence, True) for t in report.termination if t.triggered]
    found += [Breach(level, label, text, False) for level, label, text in breaches(report)]
    shown = report.problems.shown
    return ReportView(
        title=report.title,
        agreement_id=report.agreement_id,
        period=report.period.label,
        period_start=say_date(report.period.start),
        period_end=say_date(report.period.end),
        as_of=when_text(report.as_of),
        levels=str(counts["service_levels"]),
        windows_met=str(counts["windows_met"]),
        windows_missed=str(counts["windows_missed"]),
        credits_total=total,
        termination_triggered=str(trig),
        bad_rows=str(report.problems.count),
        cards=cards,
        summary_rows=[_level_row(lr) for lr in report.levels],
        breaches=found,
        sections=[_section(lr, charts) for lr in sections(report)],
        credit_lines=[Line(c.window, c.sentence) for c in report.credits.lines],
        credit_caps=[c.sentence for c in report.credits.caps],
        termination=[t.sentence for t in report.termination],
        rewards=[Line(r.level_id, r.sentence) for r in report.rewards],
        terms=[TermsRow(v.source, v.digest, v.digest[:19] + "…", v.span()) for v in report.versions],
        inputs=[
            InputRow(
                s.file,
                Path(s.file).name,
                s.kind,
                s.format,
                str(s.rows),
                str(s.used),
                f"{s.rows:,}",
                f"{s.used:,}",
                str(s.bad),
            )
            for s in report.inputs
        ],
        problems_shown=list(shown),
        problems_first=f" (first {len(shown)} listed)" if report.problems.count > len(shown) else "",
        notes=list(report.notes),
        tool_checks=[_tool_check(c) for c in report.tool_checks],
    )


def _tool_check(check: Any) -> ToolCheck:
    from slactl.report.sources import SOURCES

    return ToolCheck(SOURCES.get(check.source, check.source), str(check.compared), list(check.disagreements))
