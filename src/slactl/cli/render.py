"""`slactl render`."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from slactl.cli import write_stdout
from slactl.cli.app import command


class RenderFormat(str, Enum):  # noqa: UP042 - typer needs a str Enum
    md = "md"
    html = "html"
    pdf = "pdf"
    docx = "docx"


@command(
    summary="Render agreements as documents to sign: Markdown, HTML or PDF.",
    epilog=(
        "slactl render agreements/its-fy2027.yaml -o its-fy2027.pdf\nslactl render agreements/ --out-dir site/ -f html"
    ),
)
def render(
    paths: Annotated[list[Path], typer.Argument(help="Agreement files, or folders searched for agreements.")],
    *,
    fmt: Annotated[
        RenderFormat | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="md, html (one self-contained file), pdf or docx (Word, slactl[docx]); default: from -o's suffix, "
            "else html.",
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Output file for one agreement ('-' for standard output).")
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out-dir", metavar="DIR", help="Folder to write each agreement into, as <id>.<format>."),
    ] = None,
    templates: Annotated[
        Path | None,
        typer.Option(
            "--templates", metavar="DIR", help="Folder of template overrides (default: `templates:` of slactl.yaml)."
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace a file that is not slactl's rendering of this agreement, or a symlink."),
    ] = False,
    config: Annotated[Path | None, typer.Option("--config", help="Path to slactl.yaml (default: found upward).")] = (
        None
    ),
    final: Annotated[
        bool,
        typer.Option(
            "--final",
            help="Refuse (exit 1) unless the document is final: committed, no placeholder, every approval stage held.",
        ),
    ] = False,
) -> int:
    """Render agreements into the document people sign: Markdown, HTML or PDF.

    The output is named after the agreement id unless -o is given. A file that is not slactl's
    unchanged rendering of the same agreement, or a symlink, is never replaced without --force
    (exit 2); a symlink is never written through.

    A document is final when it is committed, holds no placeholder (TODO) and every required
    approval stage holds for its content (as `slactl status` judges); otherwise every page is
    marked DRAFT and the cover says why. With --final nothing is written unless every agreement
    is final (exit 1).
    """
    from slactl.config import load_config
    from slactl.provenance import provenance_of
    from slactl.render import (
        check_overwrite,
        load_catalogs,
        load_related,
        make_environment,
        plan_jobs,
        render_document,
        write_output,
    )

    if fmt is None:
        suffix = output.suffix.lower().lstrip(".") if output is not None else ""
        fmt = RenderFormat(suffix) if suffix in RenderFormat.__members__ else RenderFormat.html
    cfg = load_config(paths[0], explicit=config)
    jobs = plan_jobs(paths, fmt.value, output=output, out_dir=out_dir)
    for job in jobs:
        check_overwrite(job, force=force)
    env = make_environment(templates or cfg.templates)
    catalogs = load_catalogs(cfg.catalogs)
    provenances = [provenance_of(job.valid) for job in jobs]
    if final:
        from slactl.render import draft_reasons

        refused = [(job, draft_reasons(p)) for job, p in zip(jobs, provenances, strict=True) if not p.final]
        for job, reasons in refused:
            typer.echo(f"{job.source}: not final, so not rendered with --final:", err=True)
            for reason in reasons:
                typer.echo(f"  - {reason}", err=True)
        if refused:
            typer.echo("render without --final for a draft (every page is marked DRAFT)", err=True)
            raise typer.Exit(1)
    for job, provenance in zip(jobs, provenances, strict=True):
        related = load_related(job.valid.document, job.source)  # type: ignore[arg-type]
        data = render_document(job.valid, fmt.value, provenance=provenance, catalogs=catalogs, related=related, env=env)
        if job.output is None:
            write_stdout(data)
            sys.stdout.flush()
        else:
            write_output(job.output, data, agreement_id=job.valid.document.metadata.id, force=force)  # type: ignore[attr-defined]
            typer.echo(f"wrote {job.output}", err=True)
    raise typer.Exit(0)
