"""The typer app and the options every command shares."""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePath
from typing import TYPE_CHECKING, Annotated, get_args

import typer
from typer.core import TyperCommand, TyperGroup
from typer.models import CommandFunctionType, CommandInfo

if TYPE_CHECKING:
    from typer._click import Context, HelpFormatter, Parameter

from slactl import __version__


class Color(StrEnum):
    """When to colour the output (``--color``)."""

    auto = "auto"
    always = "always"
    never = "never"


ColorOption = Annotated[
    Color,
    typer.Option(
        "--color",
        metavar="WHEN",
        help="Colour the output: auto (at a terminal, unless NO_COLOR is set), always or never.",
    ),
]


@dataclass
class State:
    """Global flags, read by the error handler in ``slactl.cli.main``."""

    debug: bool = False
    argv: tuple[str, ...] = ()  # the arguments as given (a report pack records its command line)


state = State()


def _metavar(param: Parameter) -> str:
    """A value's name for people: PATH, N, an option's own name; never typer's ``<list[Path]>``."""
    if param.metavar:
        return str(param.metavar)
    desc = getattr(param, "type_descriptor", None)
    plural = param.nargs != 1 or bool(getattr(param, "multiple", False))
    element = get_args(desc.annotation)[0] if desc is not None and desc.is_list else getattr(desc, "annotation", None)
    if desc is not None and desc.is_choice:
        name = "[" + "|".join(str(getattr(c, "value", c)) for c in desc.choices or ()) + "]"
    elif element is not None and isinstance(element, type) and issubclass(element, PurePath):
        name = "PATH"
    elif element is int:
        name = "N"
    else:
        name = (param.name or "value").upper().replace("_", "-")
    return f"{name}..." if plural and param.param_type_name == "argument" else name


class Command(TyperCommand):
    """A command whose help reads like a person wrote it.

    Every value shows a metavar (``PATH...``, ``N``, ``DATE``) instead of typer's type labels,
    arguments appear in the usage line by that name, and the summary listed by
    ``slactl --help`` is the docstring's whole first sentence, never cut mid-way.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for param in self.params:
            if param.param_type_name == "argument" or not getattr(param, "is_flag", False):
                param.metavar = _metavar(param)

    def get_short_help_str(self, limit: int = 45) -> str:  # noqa: ARG002 - the whole summary, however long
        first = (self.short_help or self.help or "").strip().split("\n\n", 1)[0]
        return " ".join(first.split())

    def collect_usage_pieces(self, ctx: Context) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                name = str(param.metavar)
                pieces.append(name if param.required else f"[{name}]")
        return pieces

    def format_options(self, ctx: Context, formatter: HelpFormatter) -> None:
        args: list[tuple[str, str]] = []
        opts: list[tuple[str, str]] = []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name == "argument":
                args.append((str(param.metavar), record[1]))  # typer adds its type label to the name
            else:
                opts.append(record)
        if args:
            with formatter.section("Arguments"):
                formatter.write_dl(args)
        if opts:
            with formatter.section("Options"):
                formatter.write_dl(opts)


class Group(TyperGroup):
    """The root: its usage errors and help in slactl's own words."""


app = typer.Typer(
    name="slactl",
    help=(
        "Service-level agreements as code: one YAML file per agreement, checked, rendered "
        "into the document people sign, negotiated and approved in Git.\n\n"
        "Run 'slactl COMMAND --help' for a command's options and examples, and "
        "'slactl --install-completion' once for shell completion."
    ),
    cls=Group,
    rich_markup_mode=None,  # plain help: importing rich would double `--help` start-up
    no_args_is_help=True,
    add_completion=False,  # added below, with typer's completion module imported only when used
    context_settings={"help_option_names": ["-h", "--help"]},
)


def command(
    *, summary: str, epilog: str, name: str | None = None
) -> Callable[[CommandFunctionType], CommandFunctionType]:
    """Register a command with slactl's help: metavars, a one-line summary for ``slactl --help``, examples.

    ``name``: the command's name when the function's cannot be it (``list`` would shadow the builtin).
    """
    return app.command(name, cls=Command, short_help=summary, epilog=_examples(epilog))


def _examples(lines: str) -> str:
    # \b keeps click from joining the example lines into one paragraph
    return "Examples:\n\n\b\n" + "\n".join(f"  {line}" for line in lines.strip().splitlines())


def _version(value: bool) -> None:
    if value:
        typer.echo(f"slactl {__version__}")
        raise typer.Exit(0)


def _completion(ctx: typer.Context, param: typer.CallbackParam, value: bool) -> None:
    """typer's own --install-completion and --show-completion (its shell classes registered only for them)."""
    if not value or ctx.resilient_parsing:
        return
    from typer import completion
    from typer._completion_classes import completion_init as typer_completion_init

    typer_completion_init()
    handler = completion.install_callback if param.name == "install_completion" else completion.show_callback
    handler(ctx, param, value)  # prints or installs the script, then exits


def completion_init() -> None:
    """Before a shell's completion request (``_SLACTL_COMPLETE`` set) is answered: typer's shell classes."""
    from typer._completion_classes import completion_init as typer_completion_init

    typer_completion_init()


@app.callback()
def _root(
    *,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")] = False,
    version: Annotated[  # noqa: ARG001 - handled by its eager callback
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
    install_completion: Annotated[  # noqa: ARG001 - handled by its eager callback
        bool,
        typer.Option(
            "--install-completion",
            callback=_completion,
            is_eager=True,
            expose_value=False,
            help="Install shell completion for the current shell (bash, zsh, fish, PowerShell).",
        ),
    ] = False,
    show_completion: Annotated[  # noqa: ARG001 - handled by its eager callback
        bool,
        typer.Option(
            "--show-completion",
            callback=_completion,
            is_eager=True,
            expose_value=False,
            help="Print the completion script for the current shell, to install it by hand.",
        ),
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
    run, so their parameters are left out. An unknown name builds everything, for the error;
    so does shell completion.
    """
    registered = list(app.registered_commands)
    wanted = next((arg for arg in args if not arg.startswith("-")), None)
    if os.environ.get(COMPLETE_VAR) or any(arg in COMPLETION_OPTIONS for arg in args):
        pass  # completion reads the words from the environment: it needs every command
    elif wanted is None:
        app.registered_commands = [_listed_only(info) for info in registered]
    else:
        chosen = [info for info in registered if _command_name(info) == wanted]
        app.registered_commands = chosen or registered
    try:
        yield
    finally:
        app.registered_commands = registered


COMPLETE_VAR = "_SLACTL_COMPLETE"
"""The variable a shell's completion script sets when it asks slactl for completions (click's rule)."""
COMPLETION_OPTIONS = ("--install-completion", "--show-completion")


def _command_name(info: CommandInfo) -> str | None:
    if info.name:
        return info.name
    name = getattr(info.callback, "__name__", None)
    return name.lower().replace("_", "-") if name else None  # typer's own rule for the default name


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print a usage-level error to stderr and return the Exit to raise."""
    typer.echo(f"slactl: error: {message}", err=True)
    return typer.Exit(code)
