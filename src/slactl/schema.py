"""JSON Schema of the format, for editors (yaml-language-server) and check-jsonschema.

pydantic writes JSON Schema 2020-12 (``$defs``, ``$ref`` beside other keywords). Editors
and most validators still speak draft-07 best, so the schema is converted: ``$defs`` become
``definitions``, a ``$ref`` with siblings is wrapped in ``allOf`` (draft-07 ignores the
siblings of a ``$ref``), and any keyword draft-07 does not know is refused rather than
silently dropped. Output is deterministic (sorted keys) so the committed files in
``schema/`` can be checked for drift: regenerate them with ``python -m slactl.schema``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DRAFT_07 = "http://json-schema.org/draft-07/schema#"
# Where the schema files are published; `$id` only names the schema (every `$ref` is local).
SCHEMA_BASE_URL = "https://slactl.dev/schema/v1/"
FILES = {"Agreement": "agreement.schema.json", "Catalog": "catalog.schema.json"}
TITLES = {"Agreement": "slactl Agreement (slactl/v1)", "Catalog": "slactl Catalog (slactl/v1)"}

# Keywords whose value is one subschema, a list of them, or a name -> subschema map.
_ONE = ("items", "additionalItems", "additionalProperties", "propertyNames", "contains", "not", "if", "then", "else")
_MANY = ("allOf", "anyOf", "oneOf")
_MAP = ("properties", "patternProperties", "definitions")
# 2019-09 / 2020-12 keywords with no draft-07 equivalent that the models could produce.
_UNSUPPORTED = (
    "unevaluatedProperties",
    "unevaluatedItems",
    "$anchor",
    "$dynamicRef",
    "$dynamicAnchor",
    "$recursiveRef",
    "$recursiveAnchor",
    "minContains",
    "maxContains",
    "$vocabulary",
    "contentSchema",
    "dependentRequired",
    "dependentSchemas",
)


def schema_url(kind: str) -> str:
    """The published address of a kind's schema (its ``$id``)."""
    return SCHEMA_BASE_URL + FILES[kind]


def json_schema(kind: str) -> dict[str, Any]:
    """The draft-07 JSON Schema of ``kind`` (``Agreement`` or ``Catalog``)."""
    from slactl.model import KINDS

    if kind not in KINDS:
        from slactl.errors import UsageError

        raise UsageError(f"unknown kind {kind!r}; choose one of {', '.join(KINDS)}")
    raw = KINDS[kind].model_json_schema(by_alias=True, mode="validation")
    converted = to_draft07(raw)
    converted["$schema"] = DRAFT_07
    converted["$id"] = schema_url(kind)
    converted["title"] = TITLES[kind]
    return converted


SCHEMA_OWNER = "schema"


def schema_text(kind: str) -> str:
    """The schema as the committed file holds it: sorted keys, two-space indent, final newline.

    Its ``$comment`` is slactl's sealed stamp (see :mod:`slactl.safewrite`), so ``slactl schema
    -o`` replaces its own earlier output, and only that, without ``--force``.
    """
    from slactl.safewrite import placeholder, seal

    schema = {**json_schema(kind), "$comment": placeholder(SCHEMA_OWNER)}
    text = json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return seal(text.encode("utf-8")).decode("utf-8")


def to_draft07(schema: dict[str, Any]) -> dict[str, Any]:
    """Convert a pydantic (2020-12 style) schema to draft-07; raise on keywords draft-07 lacks."""
    return _convert(schema, "#")


def _convert(node: dict[str, Any], where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _UNSUPPORTED:
            raise ValueError(f"{where}: JSON Schema keyword {key!r} has no draft-07 equivalent")
        if key == "$defs":
            out["definitions"] = {name: _convert(sub, f"{where}/definitions/{name}") for name, sub in value.items()}
        elif key == "$ref":
            out["$ref"] = value.replace("#/$defs/", "#/definitions/", 1)
        elif key == "prefixItems":
            # 2020-12 tuples: prefixItems + items -> draft-07 items (list) + additionalItems
            out["items"] = [_convert(sub, f"{where}/items/{i}") for i, sub in enumerate(value)]
            if "items" in node:
                out["additionalItems"] = _sub(node["items"], f"{where}/additionalItems")
        elif key == "items" and "prefixItems" in node:
            continue  # handled with prefixItems
        elif key in _ONE:
            out[key] = _sub(value, f"{where}/{key}")
        elif key in _MANY:
            out[key] = [_convert(sub, f"{where}/{key}/{i}") for i, sub in enumerate(value)]
        elif key == "patternProperties":
            out[key] = {ecma_pattern(name): _convert(sub, f"{where}/{key}/{name}") for name, sub in value.items()}
        elif key in _MAP:
            out[key] = {name: _convert(sub, f"{where}/{key}/{name}") for name, sub in value.items()}
        elif key == "pattern" and isinstance(value, str):
            out[key] = ecma_pattern(value)
        else:
            out[key] = value  # annotations and data (description, default, examples, enum, const)
    if "$ref" in out and len(out) > 1:
        # draft-07 ignores everything beside a $ref; keep the description by wrapping the ref
        out = {"allOf": [{"$ref": out.pop("$ref")}], **out}
    if "patternProperties" in out and "properties" not in out and "additionalProperties" not in out:
        # dict[Slug, X]: the model refuses keys that do not match, so the schema does too
        out["additionalProperties"] = False
    return out


# Characters an ECMA-262 (unicode mode) pattern may escape; `\\"` is fine in Python, an error there.
_ECMA_ESCAPABLE = set("^$\\.*+?()[]{}|/-")


def ecma_pattern(pattern: str) -> str:
    """A Python regex as an ECMA-262 pattern: drop identity escapes ECMA refuses (e.g. `\\"`)."""
    out: list[str] = []
    chars = iter(pattern)
    for char in chars:
        if char != "\\":
            out.append(char)
            continue
        escaped = next(chars, "")
        if escaped.isalnum() or escaped in _ECMA_ESCAPABLE:
            out.append(char + escaped)  # class escapes (\\s, \\d) and syntax characters stay escaped
        else:
            out.append(escaped)
    return "".join(out)


def _sub(value: Any, where: str) -> Any:
    """A subschema, a boolean schema, or (draft-07 tuple ``items``) a list of subschemas."""
    if isinstance(value, list):
        return [_sub(sub, f"{where}/{i}") for i, sub in enumerate(value)]
    return _convert(value, where) if isinstance(value, dict) else value


def write_all(folder: Path) -> list[Path]:
    """Regenerate every kind's schema file in ``folder`` (a developer tool: replaces them); return the paths."""
    from slactl.safewrite import write_file

    written = []
    for kind, name in FILES.items():
        path = folder / name
        write_file(path, schema_text(kind).encode("utf-8"), owner=SCHEMA_OWNER, force=True)
        written.append(path)
    return written


if __name__ == "__main__":  # `python -m slactl.schema`: regenerate the committed schema/ files
    write_all(Path(__file__).resolve().parents[2] / "schema")
