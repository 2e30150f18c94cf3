"""The content digest: what a rendered document prints and what an approval binds to.

Defined once, here. It is the SHA-256 of the canonical JSON form of the *validated*
document, so comments, key order, quoting, flow vs block style, ``1h`` vs ``60 minutes`` and
``1500`` vs ``"1,500.00"`` do not change it, while any change of content does.

The canonical form is the models' JSON dump; each typed value serializes to one text per
meaning (``slactl.model.types``): a duration keeps its clock (``1.5 days`` is calendar time,
``36 hours`` is time on the service level's calendar, ``1 day 12 hours`` is ``36 hours``) and
its exact length, numbers are exact at any number of digits, ``-0`` is ``0``. So two documents
with one digest render and report alike, and two spellings digest alike exactly when they
mean the same (tests/test_digest_properties.py). The JSON has no version prefix on purpose:
a change of the canonical form changes only the digests of documents whose old form was
ambiguous, instead of every digest, so other approvals stay valid (docs/approvals.md).
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
