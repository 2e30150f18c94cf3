"""The command line. Only this package imports typer, prompts, prints or picks exit codes.

Each command module registers its commands on ``app``; command bodies import the core
lazily so that ``slactl --help`` stays cheap (no pydantic, jinja2 or git).
"""

from __future__ import annotations

import os
import sys

from slactl.cli.app import app, commands_for, state

# Registering commands: each module adds its own to `app`.
from slactl.cli import validate as _validate  # noqa: F401  isort: skip
from slactl.cli import render as _render  # noqa: F401  isort: skip
from slactl.cli import history as _history  # noqa: F401  isort: skip
from slactl.cli import report as _report  # noqa: F401  isort: skip
from slactl.cli import approvals as _approvals  # noqa: F401  isort: skip
from slactl.cli import scaffold as _scaffold  # noqa: F401  isort: skip
from slactl.cli import explain as _explain  # noqa: F401  isort: skip


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app and map failures to exit codes (0, 1 findings, 2 usage, 3 bug, 130)."""
    from slactl.errors import SlactlError

    args = sys.argv[1:] if argv is None else argv
    state.debug = "--debug" in args or os.environ.get("SLACTL_DEBUG") == "1"
    try:
        with commands_for(args):
            code = app(args=args, prog_name="slactl", standalone_mode=False)
    except SlactlError as exc:
        sys.stderr.write(f"slactl: error: {exc}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("slactl: interrupted\n")
        return 130
    except Exception as exc:  # the one place that turns bugs into exit 3
        from typer import Abort
        from typer._click.exceptions import ClickException

        if isinstance(exc, ClickException):
            exc.show()
            return exc.exit_code
        if isinstance(exc, Abort):
            sys.stderr.write("slactl: aborted\n")
            return 130
        if state.debug:
            import traceback

            traceback.print_exc()
        else:
            sys.stderr.write(
                f"slactl: internal error: {type(exc).__name__}: {exc}\n"
                "This is a bug in slactl. Run again with --debug for the traceback and report it.\n"
            )
        return 3
    return code if isinstance(code, int) else 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
