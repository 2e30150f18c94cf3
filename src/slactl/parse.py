"""From a loaded YAML tree to a typed document, with every schema error as a finding."""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from slactl.findings import Finding, Severity, format_path
from slactl.loading import Loaded, Path_
from slactl.model import KINDS, Agreement, Catalog

SUPPORTED = "slactl/v1"


@dataclass(frozen=True)
class Parsed:
    """A file's typed document (None when it did not validate) and its findings."""

    document: Agreement | Catalog | None
    findings: list[Finding]


def parse_document(loaded: Loaded, file: str) -> Parsed:
    """Check the envelope (apiVersion, kind), then the model; never raises on bad input."""
    data = loaded.data

    def at(path: Path_, code: str, message: str, *, key: bool = False) -> Finding:
        line, column = loaded.locate(path, key=key)
        return Finding(file, line, column, format_path(path), Severity.ERROR, code, message)

    if not isinstance(data, dict):
        return Parsed(None, [at((), "SLA010", "the document must be a mapping with apiVersion, kind, metadata, ...")])
    api = data.get("apiVersion")
    if api != SUPPORTED:
        if api is None:
            msg = f"missing `apiVersion` (expected `{SUPPORTED}`)"
        else:
            msg = f"unsupported apiVersion {api!r}; this slactl reads `{SUPPORTED}`"
        return Parsed(None, [at(("apiVersion",), "SLA011", msg)])
    kind = data.get("kind")
    model = KINDS.get(kind) if isinstance(kind, str) else None
    if model is None:
        choices = ", ".join(KINDS)
        return Parsed(None, [at(("kind",), "SLA011", f"`kind` must be one of {choices} (got {kind!r})")])
    try:
        return Parsed(model.model_validate(data), [])
    except ValidationError as exc:
        return Parsed(None, schema_findings(exc, loaded, file, model))


def schema_findings(exc: ValidationError, loaded: Loaded, file: str, model: type[BaseModel]) -> list[Finding]:
    """Map pydantic errors back to the file: position, field path and a message a person can act on."""
    out: dict[tuple[str, str], Finding] = {}
    for err in exc.errors(include_url=False):
        path = _data_path(loaded.data, err["loc"])
        kind = err["type"]
        if kind == "extra_forbidden":
            key = str(path[-1]) if path else "?"
            allowed = _allowed_keys(model, path[:-1], loaded.data)
            guess = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            if guess:
                hint = f"; did you mean `{guess[0]}`?"
            else:
                hint = f"; expected one of: {', '.join(sorted(allowed))}" if allowed else ""
            code, message, use_key = "SLA021", f"unknown key `{key}`{hint}", True
        elif kind == "missing":
            missing = str(err["loc"][-1])
            code, message, use_key = "SLA022", f"missing required field `{missing}`", False
            path = _data_path(loaded.data, err["loc"][:-1])
        elif kind in ("literal_error", "enum"):
            code, message, use_key = "SLA020", _choice_message(err), False
        elif kind == "bool_type":
            # YAML 1.1 habits (yes, on) are text under YAML 1.2: say what to write instead.
            code, message, use_key = "SLA020", f"expected true or false (got {err['input']!r})", False
        else:
            msg = str(err["msg"])
            for prefix in ("Value error, ", "Assertion failed, "):
                msg = msg.removeprefix(prefix)
            code, message, use_key = "SLA020", msg, False
        line, column = loaded.locate(path, key=use_key)
        finding = Finding(file, line, column, format_path(path), Severity.ERROR, code, message)
        out.setdefault((finding.path, message), finding)
    return sorted(out.values(), key=Finding.sort_key)


def _choice_message(err: Any) -> str:
    """`'availabilty' is not one of ...; did you mean `availability`?` (pydantic names only the choices)."""
    import re

    expected = str(err.get("ctx", {}).get("expected", ""))
    choices = re.findall(r"'((?:[^'\\]|\\.)*)'", expected)
    given = err.get("input")
    shown = f"{given!r}" if not isinstance(given, str) else f"`{given}`"
    listed = ", ".join(f"`{c}`" for c in choices) if choices else expected
    message = f"{shown} is not one of {listed}"
    if isinstance(given, str):
        guess = difflib.get_close_matches(given, choices, n=1, cutoff=0.6) or [
            c for c in choices if c.lower() == given.lower().replace(" ", "_").replace("-", "_")
        ]
        if guess:
            message += f"; did you mean `{guess[0]}`?"
    return message


def _data_path(data: Any, loc: tuple[int | str, ...]) -> Path_:
    """Keep the parts of a pydantic location that exist in the data (drop union branch names)."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and part == loc[-1]:
            path.append(part)  # an unknown or missing key: point at the key itself
            break
    return tuple(path)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model class inside list[...], dict[..., ...], Optional[...], Annotated[...]."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (list, dict, typing.Union, types.UnionType, typing.Annotated):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None


def _allowed_keys(model: type[BaseModel], path: Path_, data: Any) -> list[str]:
    """The keys the model accepts at ``path`` (for "did you mean")."""
    current: type[BaseModel] | None = model
    node = data
    for part in path:
        if current is None:
            return []
        if isinstance(node, dict) and isinstance(part, str):
            field = next(
                (f for name, f in current.model_fields.items() if (f.alias or name) == part),
                None,
            )
            node = node.get(part)
            if field is None:
                continue  # a free-form mapping key (calendar name): stay on the same model
            current = _model_in(field.annotation)
            if isinstance(node, dict) and typing.get_origin(field.annotation) is dict:
                continue
        elif isinstance(node, list) and isinstance(part, int):
            node = node[part] if part < len(node) else None
    if current is None:
        return []
    return [f.alias or name for name, f in current.model_fields.items()]
