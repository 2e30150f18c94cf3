"""The command line. Only this package imports typer, prompts, prints or picks exit codes.

Each command module registers its commands on ``app``; command bodies import the core
lazily so that ``slactl --help`` stays cheap (no pydantic, jinja2 or git). This module
imports no typer itself: a plain `slactl validate` (a pre-commit hook) runs without it
(``slactl.cli.fast``), and ``app`` is built on first use.
"""

from __future__ import annotations

import os
import sys
from typing import Any

_TYPER_NAMES = ("app", "commands_for", "state", "COMPLETE_VAR", "completion_init")


def _typer_app() -> Any:
    """``slactl.cli.app`` with every command registered (imports typer)."""
    from importlib import import_module

    # Not `import slactl.cli.app as module`: that reads the package's `app`, the Typer once built.
    module = import_module("slactl.cli.app")

    # Registering commands: each module adds its own to `app`.
    from slactl.cli import validate as _validate  # noqa: F401  isort: skip
    from slactl.cli import render as _render  # noqa: F401  isort: skip
    from slactl.cli import history as _history  # noqa: F401  isort: skip
    from slactl.cli import report as _report  # noqa: F401  isort: skip
    from slactl.cli import approvals as _approvals  # noqa: F401  isort: skip
    from slactl.cli import scaffold as _scaffold  # noqa: F401  isort: skip
    from slactl.cli import explain as _explain  # noqa: F401  isort: skip
    from slactl.cli import export as _export  # noqa: F401  isort: skip
    from slactl.cli import ticket as _ticket  # noqa: F401  isort: skip
    from slactl.cli import portfolio as _portfolio  # noqa: F401  isort: skip
    from slactl.cli import graph as _graph  # noqa: F401  isort: skip

    # Importing the submodule `slactl.cli.app` bound its name here to the module: `app` is the Typer.
    globals().update({name: getattr(module, name) for name in _TYPER_NAMES})
    return module


def __getattr__(name: str) -> Any:
    if name in _TYPER_NAMES:
        return getattr(_typer_app(), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app and map failures to exit codes (0, 1 findings, 2 usage, 3 bug, 130)."""
    from slactl.errors import SlactlError

    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args or os.environ.get("SLACTL_DEBUG") == "1"
    state: Any = None  # the typer app's flags, when typer runs
    try:
        from slactl.cli import fast

        plain = fast.plain_call(args)
        if plain is not None:
            body, chosen = plain
            code: Any = body(**chosen)
        else:
            cli = _typer_app()
            state = cli.state
            state.debug = debug
            state.argv = tuple(args)
            if os.environ.get(cli.COMPLETE_VAR):
                cli.completion_init()
            with cli.commands_for(args):
                code = cli.app(args=args, prog_name="slactl", standalone_mode=False)
    except SlactlError as exc:
        sys.stderr.write(f"slactl: error: {exc}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("slactl: interrupted\n")
        return 130
    except Exception as exc:  # the one place that turns bugs into exit 3
        debug = debug or (state is not None and state.debug)
        if isinstance(exc, OSError) and exc.filename is not None and not debug:
            # The system refused a path given to slactl (a name longer than it allows...) where
            # slactl first touched it: said as the system says it, naming the path.
            sys.stderr.write(f"slactl: error: {_shown_path(exc.filename)}: {exc.strerror or exc}\n")
            return 2
        if "typer" in sys.modules:
            from typer import Abort
            from typer._click.exceptions import ClickException

            if isinstance(exc, ClickException):
                return _usage_error(exc)
            if isinstance(exc, Abort):
                sys.stderr.write("slactl: aborted\n")
                return 130
        if debug:
            import traceback

            traceback.print_exc()
        else:
            sys.stderr.write(
                f"slactl: internal error: {type(exc).__name__}: {exc}\n"
                "This is a bug in slactl. Run again with --debug for the traceback and report it.\n"
            )
        return 3
    return code if isinstance(code, int) else 0


def _shown_path(name: object) -> str:
    """A path for an error message: made safe to show, its middle cut when it is very long."""
    from slactl.textsafe import for_terminal

    text = for_terminal(name.decode(errors="replace") if isinstance(name, bytes) else name)
    return text if len(text) <= 200 else f"{text[:120]}...({len(text) - 170:,} characters cut)...{text[-50:]}"


def write_stdout(data: bytes) -> None:
    """Bytes to standard output as they are; a stream of text only (``main`` called with
    ``sys.stdout`` a StringIO, a notebook's) gets them as UTF-8 text, or an error when binary."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is not None:
        buffer.write(data)
        return
    from slactl.errors import SlactlError

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SlactlError(
            "this output is binary, and standard output here takes text only", hint="write it to a file with -o FILE"
        ) from None
    sys.stdout.write(text)


def _usage_error(exc: Exception) -> int:
    """click's usage errors in slactl's one style: ``slactl: error: ...`` and a hint, exit 2."""
    from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError

    assert isinstance(exc, ClickException)
    if isinstance(exc, NoArgsIsHelpError):  # `slactl` alone: the help, as a usage error
        exc.show()
        return exc.exit_code
    hint = ""
    if isinstance(exc, UsageError) and exc.ctx is not None:
        hint = f"\n  hint: see '{exc.ctx.command_path} --help'"
    sys.stderr.write(f"slactl: error: {exc.format_message()}{hint}\n")
    return exc.exit_code


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
