"""`slactl validate`."""

from __future__ import annotations

import os
import sys
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
    from slactl.config import load_config
    from slactl.loading import slow_parser_note
    from slactl.reporters import REPORTERS, text
    from slactl.validate import validate_paths

    note = slow_parser_note()
    if note:
        typer.echo(f"slactl: warning: {note}", err=True)

    targets = paths or [Path()]
    cfg = load_config(targets[0], explicit=config)
    chosen = fmt.value if fmt else ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    from slactl.cli.progress import progress_bar

    with progress_bar("Validating") as bar:
        result = validate_paths(targets, cfg, jobs=jobs, sniff_files=only_slactl, progress=bar)
    if chosen == "sarif":
        from slactl.discovery import repo_root_of
        from slactl.reporters import sarif

        sarif(result, sys.stdout, root=repo_root_of(targets[0]) or Path.cwd())
    elif chosen == "text":
        from slactl.reporters.terminal import colour_wanted

        text(result, sys.stdout, colour=colour_wanted(color.value, sys.stdout))
    else:
        REPORTERS[chosen](result, sys.stdout)
    failed = result.errors > 0 or (strict and result.warnings > 0)
    # A hook is handed only the changed files: none of them being an agreement is normal.
    files_only = only_slactl and not any(p.is_dir() for p in targets)
    if result.found == 0 and not (allow_empty or files_only):
        shown = ", ".join(str(p) for p in targets)
        typer.echo(
            f"slactl: no agreement or catalog found in {shown} (pass --allow-empty if that is expected)", err=True
        )
        failed = True
    raise typer.Exit(1 if failed else 0)
