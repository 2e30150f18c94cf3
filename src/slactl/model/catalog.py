"""The provider's service catalog (``kind: Catalog``): standard services, prices, defaults."""

from typing import Literal

from slactl.model.agreement import Acceptance
from slactl.model.fields import F
from slactl.model.levels import Calendar, Metric, Scope, Window
from slactl.model.types import BUILT_AT_IMPORT, Amount, Currency, DurationT, Model, Slug, Target, Text


class CatalogMetadata(Model):
    """Id and title of the catalog."""

    id: Slug = F("Unique id of the catalog in the repository; agreements name it in `metadata.catalog`.")
    title: Text = F("Title, e.g. `ITS Service Catalog FY2027`.")
    provider: Text = F("Organization that offers the services.")
    description: str | None = F("What the catalog covers.", default=None)


class DefaultServiceLevel(Model):
    """A service level a catalog service comes with unless the agreement says otherwise."""

    metric: Metric = F("What is measured.")
    scope: Scope = F("Which tickets or sites it applies to.", default_factory=Scope)
    target: Target = F("The standard target.")
    window: Window = F("The standard window.")


class CatalogService(Model):
    """A standard service with its standard price."""

    id: Slug = F("Service id; agreements refer to it in `services[].catalog`.")
    name: Text = F("Service name.")
    description: str | None = F("What the service is.", default=None)
    unit: Text = F("Unit of sale, e.g. `user-month`.")
    unit_price: Amount = F("Standard price per unit, in the catalog currency.")
    support_hours: Slug | None = F("Calendar (in `calendars`) of the standard support hours.", default=None)
    lead_time: DurationT | None = F("Usual time to start the service.", default=None)
    service_levels: list[DefaultServiceLevel] = F("Default service levels.", default_factory=list)


class Catalog(Model):
    """A provider's service catalog (``kind: Catalog``)."""

    model_config = BUILT_AT_IMPORT

    api_version: Literal["slactl/v1"] = F("Format version.", alias="apiVersion")
    kind: Literal["Catalog"] = F("Document kind.")
    metadata: CatalogMetadata = F("Id, title and provider.")
    currency: Currency = F("ISO 4217 currency of the prices.")
    calendars: dict[Slug, Calendar] = F("Named business-hours calendars.", default_factory=dict)
    services: list[CatalogService] = F("Standard services.", min_length=1)
    ignore: list[Acceptance] = F(
        "Findings accepted on purpose, each with its code and reason (docs/rules.md#accepting-a-finding).",
        default_factory=list,
        exclude_if=lambda value: not value,  # absent and empty digest alike
    )
