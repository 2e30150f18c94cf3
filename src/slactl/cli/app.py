"""The typer app and the options every command shares."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import typer

from slactl import __version__


@dataclass
class State:
    """Global flags, read by the error handler in ``slactl.cli.main``."""

    debug: bool = False


state = State()

app = typer.Typer(
    name="slactl",
    help=(
        "Service-level agreements as code: one YAML file per agreement, checked, rendered "
        "into the document people sign, negotiated and approved in Git."
    ),
    rich_markup_mode=None,  # plain help: importing rich would double `--help` start-up
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"slactl {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    *,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    state.debug = state.debug or debug


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print a usage-level error to stderr and return the Exit to raise."""
    typer.echo(f"slactl: error: {message}", err=True)
    return typer.Exit(code)
