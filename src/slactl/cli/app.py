"""The typer app and the options every command shares."""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated

import typer
from typer.models import CommandInfo

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
    version: Annotated[  # noqa: ARG001 - handled by its eager callback
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    state.debug = state.debug or debug


def _listed_only(info: CommandInfo) -> CommandInfo:
    """A copy of a command that keeps its name and help but has no parameters to read."""

    def stub() -> None:  # pragma: no cover - never invoked: only listed in the top-level help
        raise RuntimeError("a listing-only command was invoked")

    callback = info.callback
    stub.__name__ = getattr(callback, "__name__", "command")
    stub.__doc__ = getattr(callback, "__doc__", None)
    listed = copy.copy(info)
    listed.callback = stub
    return listed


@contextmanager
def commands_for(args: Sequence[str]) -> Iterator[None]:
    """Let typer build only the command this run invokes.

    typer turns every registered command into a click command on each start, reading its
    signature and evaluating each annotation: about a third of `slactl --help`. The command
    is the first argument that is not an option (the root options take no values). With no
    command, only the top-level help or the version can be shown: commands are listed, never
    run, so their parameters are left out. An unknown name builds everything, for the error.
    """
    registered = list(app.registered_commands)
    wanted = next((arg for arg in args if not arg.startswith("-")), None)
    if wanted is None:
        app.registered_commands = [_listed_only(info) for info in registered]
    else:
        chosen = [info for info in registered if _command_name(info) == wanted]
        app.registered_commands = chosen or registered
    try:
        yield
    finally:
        app.registered_commands = registered


def _command_name(info: CommandInfo) -> str | None:
    if info.name:
        return info.name
    name = getattr(info.callback, "__name__", None)
    return name.lower().replace("_", "-") if name else None  # typer's own rule for the default name


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print a usage-level error to stderr and return the Exit to raise."""
    typer.echo(f"slactl: error: {message}", err=True)
    return typer.Exit(code)
