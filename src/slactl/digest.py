"""The content digest: what a rendered document prints and what an approval binds to.

Defined once, here. It is the SHA-256 of the canonical JSON form of the *validated*
document, so comments, key order, quoting, flow vs block style, ``1h`` vs ``60 minutes`` and
``1500`` vs ``"1,500.00"`` do not change it, while any change of content does.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

PREFIX = "sha256:"


def canonical_json(document: Any) -> bytes:
    """The canonical bytes of a validated Agreement or Catalog (defaults included, keys sorted)."""
    data = document.model_dump(mode="json", by_alias=True)
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def content_digest(document: Any) -> str:
    """``sha256:<hex>`` of the canonical form."""
    return PREFIX + hashlib.sha256(canonical_json(document)).hexdigest()
