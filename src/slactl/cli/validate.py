"""`slactl validate`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from slactl.cli.app import Color, ColorOption, command


class Format(StrEnum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"


@command(
    summary="Check agreements and catalogs: YAML, schema and rules.",
    epilog=(
        "slactl validate                      # every agreement under the current folder\n"
        "slactl validate agreements/ --strict\n"
        "slactl validate -f json agreements/its-fy2027.yaml"
    ),
)
def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Files or folders (searched recursively for slactl YAML files). Default: the current folder."
        ),
    ] = None,
    *,
    fmt: Annotated[
        Format | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="Output: text, json, github annotations (default when GITHUB_ACTIONS=true), or sarif "
            "(SARIF 2.1.0 for code scanning, file paths relative to the repository root).",
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Warnings fail too (exit 1). Findings the file accepts with a reason (`ignore`) never count.",
        ),
    ] = False,
    config: Annotated[
        Path | None, typer.Option("--config", help="Path to slactl.yaml (default: found upward).")
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", help="Worker processes (default: one per core, up to 4, for 25+ files).", min=1),
    ] = None,
    only_slactl: Annotated[
        bool,
        typer.Option(
            "--only-slactl",
            help="Named files are judged like files found in folders (for pre-commit hooks, which pass every "
            "changed YAML file): slactl documents are validated, near misses (a misspelt `apiVersion`...) are "
            "findings, other YAML is skipped. A run of named files only may find no agreement.",
        ),
    ] = False,
    allow_empty: Annotated[
        bool,
        typer.Option("--allow-empty", help="Exit 0 when the folders given hold no agreement or catalog."),
    ] = False,
    color: ColorOption = Color.auto,
) -> int:
    """Check agreements and catalogs: YAML, schema and rules, every problem at its line and column.

    Exit 0 when clean, 1 when there are findings (warnings only with --strict) or when the
    folders given hold no agreement or catalog (unless --allow-empty), 2 for a usage or
    configuration error. Findings accepted in the file (`ignore: [{code, path, reason}]`) are
    not counted; the text output gives their number, `--format json` lists them with the reason.
    """
    from slactl.cli.fast import run_validate

    code = run_validate(
        paths,
        fmt=fmt.value if fmt else None,
        strict=strict,
        config=config,
        jobs=jobs,
        only_slactl=only_slactl,
        allow_empty=allow_empty,
        color=color.value,
    )
    raise typer.Exit(code)
