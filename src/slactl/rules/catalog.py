"""Rules over one catalog: unique service ids and calendars that exist."""

from __future__ import annotations

from typing import TYPE_CHECKING

from slactl.rules import FileContext, file_rule
from slactl.rules.agreement import check_known, check_unique

if TYPE_CHECKING:
    from slactl.model.catalog import Catalog


def _catalog(ctx: FileContext) -> Catalog:
    document: Catalog = ctx.document
    return document


@file_rule("Catalog")
def catalog_ids_unique(ctx: FileContext) -> None:
    """Agreements refer to catalog services by id, so each id names one service."""
    services = _catalog(ctx).services
    check_unique(ctx, "SLA140", "service id", ((s.id, ("services", i, "id")) for i, s in enumerate(services)))


@file_rule("Catalog")
def catalog_calendars(ctx: FileContext) -> None:
    """Standard support hours name calendars of the catalog."""
    catalog = _catalog(ctx)
    for i, service in enumerate(catalog.services):
        if service.support_hours is not None:
            path = ("services", i, "support_hours")
            check_known(ctx, "SLA135", path, service.support_hours, catalog.calendars, "a calendar in `calendars`")
