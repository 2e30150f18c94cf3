"""The portfolio: every agreement at a glance (``slactl list``), its obligations (``slactl
obligations``) and the static portal (``slactl site``).

- :mod:`~slactl.portfolio.entries`: agreements found and judged as ``slactl status`` judges them,
  their rows, filters and sorting (services);
- :mod:`~slactl.portfolio.obligations`: the dated obligations derived from each agreement (services);
- :mod:`~slactl.portfolio.ics` and :mod:`~slactl.portfolio.site`: the calendar file and the
  portal (presentation; icalendar and jinja2 are imported only there).
"""

from slactl.portfolio.entries import (
    Entry,
    Filter,
    Portfolio,
    load_portfolio,
    parse_days,
    parse_filters,
    row,
    sort_entries,
    with_credits,
)
from slactl.portfolio.obligations import (
    KINDS,
    Obligation,
    Person,
    dependencies,
    obligation_json,
    obligations_of,
    within,
)

__all__ = [
    "KINDS",
    "Entry",
    "Filter",
    "Obligation",
    "Person",
    "Portfolio",
    "dependencies",
    "load_portfolio",
    "obligation_json",
    "obligations_of",
    "parse_days",
    "parse_filters",
    "row",
    "sort_entries",
    "with_credits",
    "within",
]
