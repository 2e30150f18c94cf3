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
from collections.abc import Sequence
from typing import Any

PREFIX = "sha256:"
CLAUSES_KEY = "$clauses"  # not a field name: the rendered words of the library clauses used


def canonical_json(document: Any, clauses: Sequence[dict[str, Any]] | None = None) -> bytes:
    """The canonical bytes of a validated Agreement or Catalog (defaults included, keys sorted).

    ``clauses``: the rendered words of the library clauses the agreement uses
    (``slactl.clauses.digest_part``), so an approval binds the words actually rendered; None
    (no library clause) leaves the form of the file alone, byte for byte.
    """
    data = document.model_dump(mode="json", by_alias=True)
    if clauses is not None:
        data[CLAUSES_KEY] = list(clauses)
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def digest_of_dump(data: dict[str, Any], clauses: Sequence[dict[str, Any]] | None = None) -> str:
    """:func:`content_digest` of a document already dumped in canonical form (``model_dump(mode="json",
    by_alias=True)``, as the revisions service keeps it)."""
    if clauses is not None:
        data = {**data, CLAUSES_KEY: list(clauses)}
    body = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return PREFIX + hashlib.sha256(body).hexdigest()


def content_digest(document: Any, clauses: Sequence[dict[str, Any]] | None = None) -> str:
    """``sha256:<hex>`` of the canonical form."""
    return PREFIX + hashlib.sha256(canonical_json(document, clauses)).hexdigest()


def digest_with_library(document: Any, library: Any) -> str:
    """The content digest of ``document`` with the words of the library clauses it uses from ``library``."""
    from slactl.clauses import digest_part

    return content_digest(document, digest_part(document, library))
