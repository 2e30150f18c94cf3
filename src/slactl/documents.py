"""Read one agreement for a command that needs a valid one (render, approve, report...)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from slactl.errors import SlactlError
from slactl.loading import Loaded


@dataclass(frozen=True)
class ValidDocument:
    """A document that passed the schema, with its loaded tree (for positions) and raw bytes."""

    document: object  # Agreement | Catalog; typed loosely so this module stays import-light
    loaded: Loaded
    raw: bytes
    path: Path


def load_valid(path: Path, *, kind: str | None = "Agreement", raw: bytes | None = None) -> ValidDocument:
    """Load and model-validate one file; any finding becomes a ``SlactlError`` that lists them."""
    from slactl.loading import LoadError, decode, load_text, read_file
    from slactl.parse import parse_document

    if raw is None:
        raw = read_file(path)
    try:
        loaded = load_text(decode(raw))
    except LoadError as exc:
        raise exc.at(str(path)) from None
    parsed = parse_document(loaded, str(path))
    if parsed.document is None:
        from slactl.findings import listed

        raise SlactlError(
            f"the file is not a valid slactl document:\n{listed(parsed.findings)}",
            path=str(path),
            hint=f"run `slactl validate {path}` for every finding",
        )
    found = type(parsed.document).__name__
    if kind is not None and found != kind:
        raise SlactlError(f"expected a `kind: {kind}` document, found `kind: {found}`", path=str(path))
    return ValidDocument(parsed.document, loaded, raw, path)
