"""`slactl export`."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from slactl.cli.app import command
from slactl.textsafe import json_text


class Target(StrEnum):
    openslo = "openslo"
    sloth = "sloth"
    servicenow = "servicenow"
    jsm = "jsm"


class Format(StrEnum):
    text = "text"
    json = "json"


@command(
    summary="Compile service levels to SLO tools and service desks.",
    epilog=(
        "slactl export --to openslo agreements/ -o build/openslo\n"
        "slactl export --to jsm agreements/its-fy2027.yaml -o build/jsm --format json"
    ),
)
def export(
    paths: Annotated[list[Path], typer.Argument(help="Agreement files, or folders searched for agreements.")],
    *,
    to: Annotated[
        Target,
        typer.Option("--to", "-t", metavar="TARGET", help="openslo, sloth, servicenow or jsm.", case_sensitive=False),
    ],
    out_dir: Annotated[Path, typer.Option("--output", "-o", metavar="DIR", help="Folder to write the files into.")],
    fmt: Annotated[
        Format, typer.Option("--format", "-f", metavar="FORMAT", help="Summary on stdout: text, or json for machines.")
    ] = Format.text,
    force: Annotated[
        bool, typer.Option("--force", help="Replace files that are not slactl's export to this target, or symlinks.")
    ] = False,
    config: Annotated[Path | None, typer.Option("--config", help="Path to slactl.yaml (default: found upward).")] = (
        None
    ),
) -> None:
    """Compile each measurable service level to the format of the tool that enforces it.

    openslo: OpenSLO v1 Service and SLO objects (YAML); sloth: Sloth prometheus/v1 specs (YAML);
    servicenow: contract_sla and cmn_schedule records (JSON); jsm: Jira Service Management SLA
    goals and calendars (JSON). One file per agreement, named <id>.<target>.<ext>.

    What the target cannot express (a credit, a satisfaction score, a window or a calendar the
    tool does not have) is listed on stderr and in the json summary, never dropped in silence.
    Exit 0: everything expressed; 1: files written, with terms that could not be expressed;
    2: bad input, or a file in the way (a file slactl did not export is replaced only with --force).
    """
    from slactl.config import load_config
    from slactl.export import export_all, load_agreements, write_all
    from slactl.textsafe import for_terminal

    cfg = load_config(paths[0], explicit=config)
    agreements = load_agreements(paths)
    run = export_all(agreements, to.value, fy_start=cfg.fiscal_year_start)
    written = write_all(run, out_dir, force=force)
    for gap in run.gaps:
        typer.echo(f"not expressed in {to.value}: {for_terminal(gap.text())}", err=True)
    if fmt is Format.json:
        summary = run.summary() | {"written": [str(p) for p in written]}
        sys.stdout.write(json_text(summary, indent=2) + "\n")
    else:
        for path in written:
            typer.echo(f"wrote {for_terminal(str(path))}")
        count = sum(len(ids) for ids in run.exported.values())
        typer.echo(
            f"{count} service level{'s' if count != 1 else ''} of {len(run.agreements)} "
            f"agreement{'s' if len(run.agreements) != 1 else ''} exported to {to.value}; "
            f"{len(run.gaps)} term{'s' if len(run.gaps) != 1 else ''} not expressed"
        )
    raise typer.Exit(1 if run.gaps else 0)
