"""Models of the slactl/v1 format.

Importing this package builds the pydantic models (about 100 ms): only commands that read
agreements import it, never ``slactl --help``.
"""

from slactl.model.agreement import API_VERSION, Agreement
from slactl.model.catalog import Catalog

Document = Agreement | Catalog
KINDS: dict[str, type[Agreement] | type[Catalog]] = {"Agreement": Agreement, "Catalog": Catalog}

__all__ = ["API_VERSION", "KINDS", "Agreement", "Catalog", "Document"]
