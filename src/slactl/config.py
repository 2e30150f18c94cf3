"""``slactl.yaml``: the settings of an agreements repository.

Found by walking up from the working directory (or the first path given) to the top of the
git work tree. Read through the same loader as agreements, so its errors have positions too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slactl.errors import SlactlError, not_a_regular_file

CONFIG_NAME = "slactl.yaml"


@dataclass(frozen=True)
class Config:
    """Repository settings with their defaults applied."""

    root: Path | None  # folder holding slactl.yaml, None when there is none
    fiscal_year_start: tuple[int, int] = (10, 1)  # US federal: October 1
    currency: str | None = None
    templates: Path | None = None
    catalogs: tuple[Path, ...] = ()
    raw: Any = None  # the validated RepoConfig model, for commands that need more

    @property
    def path(self) -> Path | None:
        return self.root / CONFIG_NAME if self.root else None


def find_config(start: Path) -> Path | None:
    """The nearest slactl.yaml at or above ``start``, not leaving the git work tree."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
        if (folder / ".git").exists():
            return None
    return None


def load_config(start: Path | None = None, *, explicit: Path | None = None) -> Config:
    """Load slactl.yaml (or defaults when there is none); problems are ``SlactlError``."""
    path = explicit or find_config(start or Path.cwd())
    if path is None:
        return Config(root=None)
    if not path.is_file():
        if path.exists() and not path.is_dir():
            raise not_a_regular_file(str(path), what="the configuration")
        raise SlactlError("configuration file not found", path=str(path))
    from pydantic import ValidationError

    from slactl.loading import LoadError, load_path
    from slactl.model.config import RepoConfig
    from slactl.parse import schema_findings

    try:
        loaded = load_path(path)
    except LoadError as exc:
        raise exc.at(str(path)) from None
    try:
        model = RepoConfig.model_validate(loaded.data if loaded.data is not None else {})
    except ValidationError as exc:
        first = schema_findings(exc, loaded, str(path), RepoConfig)
        lines = "; ".join(f"line {f.line}: {f.path}: {f.message}" for f in first[:5])
        raise SlactlError(f"invalid configuration: {lines}", path=str(path)) from None
    root = path.parent
    month, day = (int(p) for p in model.fiscal_year_start.split("-"))
    return Config(
        root=root,
        fiscal_year_start=(month, day),
        currency=model.currency,
        templates=(root / model.templates) if model.templates else None,
        catalogs=tuple(root / c for c in model.catalogs),
        raw=model,
    )
