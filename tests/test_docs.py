"""docs/format.md is generated from the models and must not drift from them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from slactl.docs import DOCS_PATH, _aliases, _models, generate, type_words, write
from slactl.model import Agreement, Catalog
from slactl.model.config import RepoConfig

ROOT = Path(__file__).resolve().parent.parent
MODELS: list[type[BaseModel]] = []
_seen: set[type[BaseModel]] = set()
for _root in (Agreement, Catalog, RepoConfig):
    MODELS.extend(_models(_root, _seen))


def section(text: str, model: type[BaseModel]) -> str:
    """The part of the docs under a model's heading."""
    match = re.search(rf"^### {model.__name__}\n(.*?)(?=^##|\Z)", text, re.MULTILINE | re.DOTALL)
    assert match, f"no section for {model.__name__}"
    return match.group(1)


def test_committed_docs_match_the_models() -> None:
    assert DOCS_PATH == ROOT / "docs" / "format.md"
    assert DOCS_PATH.read_text(encoding="utf-8") == generate(), (
        "docs/format.md drifted from the models; regenerate it with `python -m slactl.docs`"
    )


def test_every_model_is_reached() -> None:
    names = {m.__name__ for m in MODELS}
    assert {"Agreement", "Catalog", "RepoConfig", "Person", "CreditBand", "CatalogService", "Calendar"} <= names
    assert len(names) == len(MODELS)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_field_has_a_row_with_type_requirement_and_description(model: type[BaseModel]) -> None:
    rows = section(generate(), model)
    for name, info in model.model_fields.items():
        key = info.alias or name
        row = next((line for line in rows.splitlines() if line.startswith(f"| `{key}` |")), None)
        assert row is not None, f"{model.__name__}.{key} is not documented"
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        assert len(cells) == 4 and all(cells), row
        assert cells[2] == "required" if info.is_required() else cells[2].startswith("optional")
        assert cells[3] == " ".join((info.description or "").split())


def test_links_point_at_headings() -> None:
    text = generate()
    anchors = {re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-") for h in re.findall(r"^#+ (.+)$", text, re.M)}
    links = set(re.findall(r"\]\(#([^)]+)\)", text))
    assert links and links <= anchors, links - anchors
    assert "slactlyaml" in anchors  # examples/slactl.yaml points at docs/format.md#slactlyaml


def test_types_in_words() -> None:
    from typing import Literal

    from slactl.model.agreement import Contact
    from slactl.model.types import DurationT, Slug

    aliases = _aliases()
    assert type_words(list[Contact], aliases) == "list of [Contact](#contact)"
    assert type_words(DurationT | None, aliases) == "[duration](#durations)"
    assert type_words(dict[Slug, str], aliases) == "mapping of [id](#value-formats) to [text](#value-formats)"
    assert type_words(Literal["a", "b"], aliases) == "one of `a`, `b`"
    with pytest.raises(TypeError, match="no words"):
        type_words(complex, aliases)


def test_duration_semantics_are_documented() -> None:
    text = generate()
    assert "## Durations" in text
    assert "business days** count business days of that calendar, each as long as its open hours of a" in text
    assert "calendar (wall-clock) days" in text


def test_write_produces_the_generated_text(tmp_path: Path) -> None:
    out = write(tmp_path / "docs" / "format.md")
    assert out.read_text(encoding="utf-8") == generate()
