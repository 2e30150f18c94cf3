"""`slactl schema`, `slactl new` and `slactl init`."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from slactl.cli.app import command


class Kind(StrEnum):
    Agreement = "Agreement"
    Catalog = "Catalog"


class AgreementKind(StrEnum):
    customer = "customer"
    internal = "internal"
    vendor = "vendor"


def _interactive() -> bool:
    """Prompt only a person at a terminal; never a pipe, a CI job or a test."""
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError, OSError):
        return False


@command(
    summary="Print the JSON Schema of agreements or catalogs.",
    epilog=("slactl schema > agreement.schema.json\nslactl schema --kind Catalog -o schema/catalog.schema.json"),
)
def schema(
    *,
    kind: Annotated[
        Kind,
        typer.Option(
            "--kind", "-k", case_sensitive=False, metavar="KIND", help="Which document kind: Agreement or Catalog."
        ),
    ] = Kind.Agreement,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an -o file that slactl did not write as a schema (or a symlink).")
    ] = False,
) -> None:
    """Print the JSON Schema (draft-07) of agreements or catalogs, for editors and check-jsonschema.

    An existing -o file is replaced only if it is slactl's own schema output, unchanged, or with --force.
    """
    from slactl.safewrite import write_file
    from slactl.schema import SCHEMA_OWNER, schema_text

    text = schema_text(kind.value)
    if output is None:
        sys.stdout.write(text)
        return
    write_file(output, text.encode("utf-8"), owner=SCHEMA_OWNER, force=force)
    typer.echo(f"wrote {output}", err=True)


@command(
    summary="Start a new agreement from the template, valid at once.",
    epilog=(
        "slactl new agreements/its-fy2028-hr.yaml\n"
        "slactl new agreements/ola-network.yaml --type internal --fiscal-year FY2028 --no-input"
    ),
)
def new(
    path: Annotated[Path, typer.Argument(help="The agreement file to create, e.g. agreements/its-fy2027-nrcs.yaml.")],
    *,
    type_: Annotated[
        AgreementKind, typer.Option("--type", "-t", metavar="TYPE", help="customer, internal (an OLA) or vendor.")
    ] = (AgreementKind.customer),
    title: Annotated[str | None, typer.Option("--title", help="Title printed on the agreement.")] = None,
    provider: Annotated[str | None, typer.Option("--provider", help="The provider's name, e.g. ITS.")] = None,
    customer: Annotated[str | None, typer.Option("--customer", help="The customer's name.")] = None,
    fiscal_year: Annotated[
        str | None,
        typer.Option(
            "--fiscal-year", metavar="FY", help="Term = this fiscal year, e.g. FY2027 (default: the next one)."
        ),
    ] = None,
    start: Annotated[
        str | None, typer.Option("--start", metavar="DATE", help="First day of the term, YYYY-MM-DD.")
    ] = None,
    end: Annotated[str | None, typer.Option("--end", metavar="DATE", help="Last day of the term, YYYY-MM-DD.")] = None,
    service: Annotated[
        list[str] | None,
        typer.Option(
            "--service",
            "-s",
            metavar="ID",
            help="A catalog service id (repeat for more); its name, unit and price are filled in.",
        ),
    ] = None,
    no_input: Annotated[bool, typer.Option("--no-input", help="Never prompt; TODO placeholders instead.")] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing file or symlink (a link is never written through).")
    ] = False,
) -> None:
    """Start a new agreement from the template: it validates at once, with TODO placeholders to fill.

    Asks for what is missing when run at a terminal (unless --no-input). Never overwrites a
    file without --force (exit 2).
    """
    from datetime import date

    from slactl.config import load_config
    from slactl.scaffold import NewRequest, existing_folder, new_agreement, next_fiscal_year, refuse_overwrite

    refuse_overwrite([path], force)  # before any question is asked
    config = load_config(existing_folder(path))
    if _interactive() and not no_input:
        provider = provider or _ask("Provider (short name, e.g. ITS)")
        customer = customer or _ask("Customer (short name)")
        title = title or _ask("Title (empty: a standard title)")
        if not (fiscal_year or start or end):
            default = f"FY{next_fiscal_year(date.today(), config.fiscal_year_start)}"
            fiscal_year = typer.prompt("Fiscal year", default=default)
    request = NewRequest(
        path=path,
        type=type_.value,
        title=title,
        provider=provider,
        customer=customer,
        fiscal_year=fiscal_year,
        start=start,
        end=end,
        services=tuple(service or ()),
        force=force,
    )
    written = new_agreement(request, config)
    typer.echo(f"wrote {written}; fill in the TODOs, then run `slactl validate {written}`", err=True)


def _ask(question: str) -> str | None:
    answer = str(typer.prompt(question, default="", show_default=False)).strip()
    return answer or None


@command(
    summary="Make a folder an agreements repository.",
    epilog=("slactl init\nslactl init contracts/ --fiscal-year-start 01-01 --currency EUR"),
)
def init(
    folder: Annotated[
        Path, typer.Argument(metavar="FOLDER", help="The folder to make an agreements repository.")
    ] = Path(),
    *,
    fiscal_year_start: Annotated[
        str, typer.Option("--fiscal-year-start", metavar="MM-DD", help="First day of the fiscal year, MM-DD.")
    ] = "10-01",
    currency: Annotated[str, typer.Option("--currency", metavar="CODE", help="Default currency (ISO 4217).")] = "USD",
    force: Annotated[
        bool, typer.Option("--force", help="Replace existing files or symlinks (a link is never written through).")
    ] = False,
    git: Annotated[
        bool, typer.Option("--git/--no-git", help="Run `git init` when the folder is in no git repository.")
    ] = True,
    install: Annotated[
        str | None,
        typer.Option(
            "--install",
            help="How the CI workflow installs slactl, a pip requirement "
            "(default: the git commit or version of this slactl, when pip can reach it).",
        ),
    ] = None,
) -> None:
    """Make a folder an agreements repository: git, slactl.yaml with you in the roster, schemas, hooks, CI.

    Runs `git init` when the folder is in no repository; adds the git user with the key git signs
    with to the roster; writes slactl.yaml, the JSON schemas, a pre-commit hook, a CI workflow and
    a .gitignore for rendered output. Writes nothing if any of those files exists, unless --force.
    """
    from slactl.scaffold import InitRequest, init_repo

    request = InitRequest(
        folder, force=force, fiscal_year_start=fiscal_year_start, currency=currency, git=git, install=install
    )
    result = init_repo(request)
    for path in result.written:
        typer.echo(f"wrote {path}", err=True)
    for note in result.notes:
        typer.echo(note, err=True)
