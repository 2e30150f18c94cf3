"""Where the built-in templates are: package data in a wheel, the repo's folder when editable."""

from __future__ import annotations

from pathlib import Path

from slactl.errors import SlactlError


def builtin_templates() -> Path:
    """The folder of built-in templates (``new/``, ``init/``, ...).

    A wheel ships the repository's top-level ``templates/`` as ``slactl/templates``; an
    editable install has no copy inside the package, so the repository folder is used.
    """
    from importlib.resources import files

    packaged = files("slactl") / "templates"
    if packaged.is_dir():
        return Path(str(packaged))
    repo = Path(__file__).resolve().parents[2] / "templates"
    if repo.is_dir():
        return repo
    raise SlactlError(
        "the built-in templates are missing from this installation",
        hint="reinstall slactl (the wheel ships them as slactl/templates)",
    )
