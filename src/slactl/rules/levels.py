"""Rules over an agreement's service levels: targets in order, windows, services and calendars.

Registered after the rules of ``slactl.rules.agreement`` (see ``RULE_MODULES``); their codes and the
shared helpers are defined there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from decimal import Decimal
from itertools import pairwise
from typing import TYPE_CHECKING, TypeAlias

from slactl.loading import Path_
from slactl.model.types import Duration, Percent, Score
from slactl.rules import FileContext, file_rule
from slactl.rules.agreement import _PRIORITY_ORDER, HUNDRED, _doc, _levels, check_known, check_percent, measure

if TYPE_CHECKING:
    from slactl.model.agreement import Agreement, CreditSchedule, Penalty, Reward, ServiceLevel


# --------------------------------------------------------------------------- service levels


Measured: TypeAlias = "tuple[int, ServiceLevel, Decimal | None]"  # index, level, ``measure`` of its target


def _group(doc: Agreement, key: Callable[[ServiceLevel], Hashable]) -> Iterable[list[Measured]]:
    """Service levels grouped by ``key``, each with its target measured once."""
    groups: dict[Hashable, list[Measured]] = defaultdict(list)
    for i, level in _levels(doc):
        groups[key(level)].append((i, level, measure(doc, level)))
    return groups.values()


@file_rule("Agreement")
def response_before_resolution(ctx: FileContext) -> None:
    """For one service and scope, the response target is no longer than the resolution target."""
    for levels in _group(_doc(ctx), lambda sl: (sl.service, sl.scope)):
        # Every duration target has a measure; the filter also tells the type checker so.
        timed = [(i, sl, value) for i, sl, value in levels if isinstance(sl.target, Duration) and value is not None]
        resolutions = [(sl, value) for _, sl, value in timed if sl.metric == "resolution_time"]
        for i, response, length in (entry for entry in timed if entry[1].metric == "response_time"):
            for resolution, limit in resolutions:
                if length > limit:
                    ctx.report(
                        "SLA130",
                        ("service_levels", i, "target"),
                        f"response target {response.target} is longer than the resolution target {resolution.target} "
                        f"of `{resolution.id}` (same service and scope)",
                    )


def _looser(direction: str, value: Decimal, other: Decimal) -> bool:
    return value > other if direction == "at_most" else value < other


@file_rule("Agreement")
def priorities_ordered(ctx: FileContext) -> None:
    """A higher priority's target and attainment are no looser than the next lower priority's."""
    doc = _doc(ctx)
    groups = _group(doc, lambda sl: (sl.service, sl.metric, sl.scope.site, sl.scope.request_type, sl.direction))
    for levels in groups:
        ranked = sorted(
            (_PRIORITY_ORDER.index(sl.scope.priority), i, sl, value) for i, sl, value in levels if sl.scope.priority
        )
        for (_, i, high, mine), (_, _, low, theirs) in pairwise(ranked):
            if high.scope.priority == low.scope.priority or type(high.target) is not type(low.target):
                continue
            if mine is not None and theirs is not None and _looser(high.direction, mine, theirs):
                ctx.report(
                    "SLA131",
                    ("service_levels", i, "target"),
                    f"{high.scope.priority} target {high.target} is looser than the {low.scope.priority} target "
                    f"{low.target} of `{low.id}`",
                )
            mine_pct, their_pct = (sl.attainment.value if sl.attainment else HUNDRED for sl in (high, low))
            if mine_pct < their_pct:
                ctx.report(
                    "SLA131",
                    ("service_levels", i, "attainment"),
                    f"{high.scope.priority} attainment {mine_pct}% is lower than the {low.scope.priority} attainment "
                    f"{their_pct}% of `{low.id}`",
                )


@file_rule("Agreement")
def level_ranges(ctx: FileContext) -> None:
    """Percentage targets and attainment are in (0, 100]; a score is above 0 and at most its scale."""
    for i, level in _levels(_doc(ctx)):
        target = level.target
        if isinstance(target, Percent):
            check_percent(ctx, ("service_levels", i, "target"), target, "the target")
        elif isinstance(target, Score) and not 0 < target.value <= target.scale:
            ctx.report(
                "SLA132", ("service_levels", i, "target"), f"score {target} must be above 0 and at most {target.scale}"
            )
        if level.attainment is not None:
            check_percent(ctx, ("service_levels", i, "attainment"), level.attainment, "attainment")


@file_rule("Agreement")
def level_windows(ctx: FileContext) -> None:
    """Every service level says which period it is measured over."""
    for i, level in _levels(_doc(ctx)):
        if level.window is None:
            ctx.report(
                "SLA133",
                ("service_levels", i, "id"),
                f"service level `{level.id}` has no `window`; say which period each measurement covers "
                "(calendar_month, calendar_quarter, fiscal_quarter, fiscal_year, term or week)",
            )


@file_rule("Agreement")
def level_services(ctx: FileContext) -> None:
    """Every service level belongs to a service of the agreement."""
    doc = _doc(ctx)
    known = {s.id for s in doc.services}
    for i, level in _levels(doc):
        check_known(ctx, "SLA134", ("service_levels", i, "service"), level.service, known, "a service in `services`")


@file_rule("Agreement")
def service_calendars(ctx: FileContext) -> None:
    """Support hours name calendars that exist."""
    doc = _doc(ctx)
    for i, service in enumerate(doc.services):
        if service.support_hours is not None:
            check_known(
                ctx,
                "SLA135",
                ("services", i, "support_hours"),
                service.support_hours,
                doc.calendars,
                "a calendar in `calendars`",
            )


@file_rule("Agreement")
def level_calendars(ctx: FileContext) -> None:
    """A service level runs on a calendar that exists: its own, else its service's support hours."""
    doc = _doc(ctx)
    services = {s.id: s for s in doc.services}
    for i, level in _levels(doc):
        service = services.get(level.service)
        if level.calendar is not None:
            check_known(
                ctx,
                "SLA135",
                ("service_levels", i, "calendar"),
                level.calendar,
                doc.calendars,
                "a calendar in `calendars`",
            )
        elif service is not None and service.support_hours is None:
            # An unknown service is SLA134's finding and a wrong support_hours is reported at the service.
            ctx.report(
                "SLA135",
                ("service_levels", i, "id"),
                f"service level `{level.id}` runs on no calendar; give it a `calendar` or service "
                f"`{service.id}` its `support_hours`",
            )


@file_rule("Agreement")
def level_references(ctx: FileContext) -> None:
    """Credit schedules, rewards, penalties and termination conditions name existing service levels."""
    doc = _doc(ctx)
    known = {sl.id for sl in doc.service_levels}
    refs: list[tuple[Path_, str | None]] = []
    if doc.credits is not None:
        lists: dict[str, Sequence[CreditSchedule | Reward | Penalty]] = {
            "schedules": doc.credits.schedules,
            "rewards": doc.credits.rewards,
            "penalties": doc.credits.penalties,
        }
        for name, entries in lists.items():
            refs += [(("credits", name, i, "service_level"), e.service_level) for i, e in enumerate(entries)]
    if doc.termination is not None:
        refs += [
            (("termination", "conditions", i, "service_level"), c.service_level)
            for i, c in enumerate(doc.termination.conditions)
        ]
    for path, ref in refs:
        if ref is not None:
            check_known(ctx, "SLA136", path, ref, known, "a service level in `service_levels`")


@file_rule("Agreement")
def services_measured(ctx: FileContext) -> None:
    """Every service has at least one service level."""
    doc = _doc(ctx)
    measured = {sl.service for sl in doc.service_levels}
    if not doc.service_levels:
        return  # the missing section is SLA305's finding; one per service would only repeat it
    for i, service in enumerate(doc.services):
        if service.id not in measured:
            ctx.report(
                "SLA306", ("services", i, "id"), f"service `{service.id}` has no service level; say how it is measured"
            )
