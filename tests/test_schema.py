"""The JSON Schema export: draft-07, committed without drift, accepted by check-jsonschema."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from slactl.cli import main
from slactl.schema import DRAFT_07, FILES, ecma_pattern, json_schema, schema_text, to_draft07

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_DIR = ROOT / "schema"
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"
AGREEMENTS = sorted(p for p in (ROOT / "examples").glob("*.yaml") if "kind: Agreement" in p.read_text())
REGEN = "regenerate with `python -m slactl.schema`"


def walk(node: Any) -> list[dict[str, Any]]:
    """Every mapping in a JSON document."""
    found: list[dict[str, Any]] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            found.append(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def check(schema: Path, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CHECK_JSONSCHEMA), "--schemafile", str(schema), *map(str, files)], capture_output=True, text=True
    )


@pytest.mark.parametrize("kind", sorted(FILES))
def test_committed_schema_matches_the_models(kind: str) -> None:
    committed = (SCHEMA_DIR / FILES[kind]).read_text(encoding="utf-8")
    assert committed == schema_text(kind), f"schema/{FILES[kind]} drifted from the models; {REGEN}"


@pytest.mark.parametrize("kind", sorted(FILES))
def test_schema_is_draft07(kind: str) -> None:
    from jsonschema import Draft7Validator

    schema = json_schema(kind)
    Draft7Validator.check_schema(schema)
    assert schema["$schema"] == DRAFT_07
    assert schema["$id"].endswith(FILES[kind])
    assert kind in schema["title"]
    assert "$defs" not in schema
    text = json.dumps(schema)
    for keyword in ("prefixItems", "unevaluatedProperties", "$anchor", "$dynamicRef", "dependentRequired"):
        assert f'"{keyword}"' not in text
    definitions = schema["definitions"]
    for node in walk(schema):
        ref = node.get("$ref")
        if isinstance(ref, str):
            assert ref.startswith("#/definitions/") and ref.removeprefix("#/definitions/") in definitions
            assert set(node) == {"$ref"}, "draft-07 ignores the siblings of a $ref"


def test_output_is_deterministic_with_sorted_keys() -> None:
    text = schema_text("Agreement")
    assert text == schema_text("Agreement")
    assert text.endswith("}\n")
    assert list(json.loads(text)) == sorted(json.loads(text))


def test_descriptions_survive_beside_references() -> None:
    metadata = json_schema("Agreement")["properties"]["metadata"]
    assert metadata == {"allOf": [{"$ref": "#/definitions/Metadata"}], "description": "Id, title, type and relations."}


def test_slug_keyed_mappings_refuse_other_keys() -> None:
    calendars = json_schema("Agreement")["properties"]["calendars"]
    assert calendars["additionalProperties"] is False
    assert calendars["patternProperties"]


def test_conversion_of_2020_keywords() -> None:
    converted = to_draft07(
        {
            "$defs": {"A": {"type": "string"}},
            "properties": {
                "items": {"$ref": "#/$defs/A", "description": "a property named like a keyword"},
                "pair": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}], "items": False},
            },
        }
    )
    assert converted == {
        "definitions": {"A": {"type": "string"}},
        "properties": {
            "items": {"allOf": [{"$ref": "#/definitions/A"}], "description": "a property named like a keyword"},
            "pair": {"type": "array", "items": [{"type": "string"}, {"type": "integer"}], "additionalItems": False},
        },
    }
    with pytest.raises(ValueError, match="unevaluatedProperties"):
        to_draft07({"properties": {"a": {"unevaluatedProperties": False}}})


@pytest.mark.parametrize(
    ("python", "ecma"),
    [(r"^[^@\s<>\"]+$", r'^[^@\s<>"]+$'), (r"^\d+\.\d+$", r"^\d+\.\d+$"), (r"a\\b\-c", r"a\\b\-c")],
)
def test_patterns_become_ecma_compatible(python: str, ecma: str) -> None:
    assert ecma_pattern(python) == ecma


@pytest.mark.parametrize("example", AGREEMENTS, ids=lambda p: p.name)
def test_check_jsonschema_accepts_the_examples(example: Path) -> None:
    result = check(SCHEMA_DIR / "agreement.schema.json", example)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_jsonschema_accepts_the_catalog() -> None:
    result = check(SCHEMA_DIR / "catalog.schema.json", ROOT / "examples" / "catalog.yaml")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("old", "new", "complaint"),
    [
        ("  structure: service-based\n", "  structure: service-based\n  colour: blue\n", "colour"),
        ("kind: Agreement\n", "kind: Agreement\nextras: {}\n", "extras"),
        ("    target: 99.5%\n", "    target: 99.5%\n    targte: 99%\n", "targte"),
    ],
)
def test_check_jsonschema_refuses_unknown_keys(tmp_path: Path, old: str, new: str, complaint: str) -> None:
    source = (ROOT / "examples" / "it-hr-support-fy2027.yaml").read_text()
    assert source.count(old) == 1
    bad = tmp_path / "bad.yaml"
    bad.write_text(source.replace(old, new))
    result = check(SCHEMA_DIR / "agreement.schema.json", bad)
    assert result.returncode == 1
    assert complaint in result.stdout


def test_cli_prints_and_writes_the_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--kind", "catalog"]) == 0
    assert capsys.readouterr().out == schema_text("Catalog")
    out = tmp_path / "a.json"
    assert main(["schema", "-o", str(out)]) == 0
    assert out.read_text() == schema_text("Agreement")


def test_cli_refuses_an_unknown_kind(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--kind", "Contract"]) == 2
    assert "Contract" in capsys.readouterr().err
