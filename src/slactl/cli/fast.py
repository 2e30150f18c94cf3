"""Plain calls of `slactl validate` and `slactl report` without typer.

`validate` is the command of a pre-commit hook, started on every commit; `report` runs in CI
on every export. Importing typer and letting it build the command (a pydantic adapter per
option) is about a quarter of a one-file `slactl validate`, and about 0.15 s of CPU of any
report (a tenth of one on a small export). A plain call, the command followed by its
arguments and its own options written out, needs neither: ``plain_call`` reads it here.
Anything else (help, a root option, `--`, an unknown or repeated option, a value typer would
refuse or convert, a path typer would check, `report --verify`) is left to typer, so help and
every error stay typer's. The bodies, ``run_validate`` here and
``slactl.cli.report_run.run_report``, are what the typer commands call as well.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

FORMATS = ("text", "json", "github", "sarif")
COLORS = ("auto", "always", "never")
_JOBS = re.compile(r"[1-9][0-9]{0,5}")
_REPORT_JOBS = re.compile(r"0|[1-9][0-9]{0,5}")  # report -j 0: one process per core


class _Options(NamedTuple):
    """A command's options as typer declares them: option -> the keyword of its value."""

    flags: dict[str, str]  # True when given
    valued: dict[str, str]  # one value
    repeated: dict[str, str]  # a list, one value per use
    paths: frozenset[str]  # keywords whose values are paths
    checks: dict[str, Callable[[str], bool]]  # keyword -> whether typer takes the value as it is


_VALIDATE = _Options(
    flags={"--strict": "strict", "--only-slactl": "only_slactl", "--allow-empty": "allow_empty"},
    valued={"--format": "fmt", "-f": "fmt", "--config": "config", "--jobs": "jobs", "-j": "jobs", "--color": "color"},
    repeated={},
    paths=frozenset({"config"}),
    checks={
        "fmt": FORMATS.__contains__,
        "color": COLORS.__contains__,
        "jobs": lambda value: _JOBS.fullmatch(value) is not None,
    },
)
_REPORT = _Options(
    flags={"--force": "force"},
    valued={
        "--tickets": "tickets",
        "--outages": "outages",
        "--surveys": "surveys",
        "--charges": "charges",
        "--period": "period",
        "--format": "fmt",
        "-f": "fmt",
        "--output": "output",
        "-o": "output",
        "--config": "config",
        "--as-of": "as_of",
        "--jobs": "jobs",
        "-j": "jobs",
        "--source-timezone": "source_timezone",
        "--date-format": "date_format",
        "--pack": "pack",
    },
    repeated={"--map": "mapping", "--source": "source"},
    paths=frozenset({"tickets", "outages", "surveys", "charges", "output", "config", "pack"}),
    checks={
        "fmt": ("md", "html", "json").__contains__,
        "jobs": lambda value: _REPORT_JOBS.fullmatch(value) is not None,
    },
)


def plain_call(args: Sequence[str]) -> tuple[Callable[..., int], dict[str, Any]] | None:
    """The body to run and its keyword arguments for a plain call, or None when typer must read ``args``."""
    if not args:
        return None
    if args[0] == "validate":
        chosen = validate_args(args)
        return None if chosen is None else (run_validate, chosen)
    if args[0] == "report":
        chosen = report_args(args)
        if chosen is None:
            return None
        from slactl.cli.report_run import run_report

        return run_report, chosen
    return None


def validate_args(args: Sequence[str]) -> dict[str, Any] | None:
    """The keyword arguments of ``run_validate`` for ``args``, or None when typer must read them."""
    read = _read(args, "validate", _VALIDATE)
    if read is None:
        return None
    paths, found = read
    return {
        "paths": paths or None,
        "fmt": found.get("fmt"),
        "strict": found.get("strict", False),
        "config": found.get("config"),
        "jobs": int(found["jobs"]) if "jobs" in found else None,
        "only_slactl": found.get("only_slactl", False),
        "allow_empty": found.get("allow_empty", False),
        "color": found.get("color", "auto"),
    }


def report_args(args: Sequence[str]) -> dict[str, Any] | None:
    """The keyword arguments of ``run_report`` for ``args``, or None when typer must read them.

    One agreement, no --verify (typer says what is wrong with any other shape).
    """
    read = _read(args, "report", _REPORT)
    if read is None:
        return None
    paths, found = read
    if len(paths) != 1:
        return None
    found.setdefault("fmt", "md")
    found["jobs"] = int(found.get("jobs", "0"))
    return {"agreement": paths[0], **found, "argv": tuple(args)}


def _read(args: Sequence[str], command: str, options: _Options) -> tuple[list[Path], dict[str, Any]] | None:
    """``args`` of ``command`` as (positional paths, keyword -> value), or None when typer must read them."""
    if not args or args[0] != command or any(name.endswith("_COMPLETE") for name in os.environ):
        return None  # shell completion (`_SLACTL_COMPLETE`) is typer's too
    found: dict[str, Any] = {}
    paths: list[Path] = []
    rest = list(args[1:])
    while rest:
        arg = rest.pop(0)
        if not arg or "\x00" in arg:
            return None
        if not arg.startswith("-"):
            paths.append(Path(arg))
            continue
        name, value = _option(arg, rest, options)
        if name in options.flags and value is None:
            found[options.flags[name]] = True
            continue
        if value is None or "\x00" in value:
            return None  # help, `--`, a lone `-`, an unknown option, a missing value
        if name in options.repeated:
            found.setdefault(options.repeated[name], []).append(value)
            continue
        key = options.valued.get(name)
        if key is None or key in found:
            return None  # an unknown or repeated option
        check = options.checks.get(key)
        if check is not None and not check(value):
            return None
        if key in options.paths:
            if not value or value.startswith("-"):
                return None
            found[key] = Path(value)
        else:
            found[key] = value
    checked = [*paths, *(value for key, value in found.items() if key in options.paths)]
    if not all(_typer_accepts(path) for path in checked):
        return None
    return paths, found


def _option(arg: str, rest: list[str], options: _Options) -> tuple[str, str | None]:
    """(option name, its value or None) of ``arg``; a value option takes the next argument."""
    if arg.startswith("--"):
        name, equals, value = arg.partition("=")
        if equals:
            return name, value
    elif len(arg) > 2:
        return arg[:2], arg[2:]  # `-fjson`, `-j4`
    else:
        name = arg
    if (name in options.valued or name in options.repeated) and rest and not rest[0].startswith("-"):
        return name, rest.pop(0)
    return name, None


def _typer_accepts(path: Path) -> bool:
    """False for a path that typer refuses: one that exists and cannot be read."""
    try:
        path.stat()
    except OSError:
        return True  # typer passes on what it cannot stat
    return os.access(path, os.R_OK)


def run_validate(
    paths: list[Path] | None,
    *,
    fmt: str | None,
    strict: bool,
    config: Path | None,
    jobs: int | None,
    only_slactl: bool,
    allow_empty: bool,
    color: str = "auto",
) -> int:
    """Validate, print the report and return the exit code (1 for findings that fail)."""
    from slactl.config import load_config
    from slactl.loading import slow_parser_note
    from slactl.reporters import REPORTERS
    from slactl.validate import validate_paths

    note = slow_parser_note()
    if note:
        _err(f"slactl: warning: {note}")

    targets = paths or [Path()]
    cfg = load_config(targets[0], explicit=config)
    chosen = fmt or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    from slactl.cli.progress import progress_bar

    with progress_bar("Validating") as bar:
        result = validate_paths(targets, cfg, jobs=jobs, sniff_files=only_slactl, progress=bar)
    if chosen == "sarif":
        from slactl.discovery import repo_root_of
        from slactl.reporters import sarif

        sarif(result, sys.stdout, root=repo_root_of(targets[0]) or Path.cwd())
    elif chosen == "text":
        from slactl.reporters import text
        from slactl.reporters.terminal import colour_wanted

        text(result, sys.stdout, colour=colour_wanted(color, sys.stdout))
    else:
        REPORTERS[chosen](result, sys.stdout)
    if result.beside and chosen == "text":
        # The chain checks read them (docs/chains.md); say so, as they are not in the count.
        read = ", ".join(result.beside)
        _err(f"slactl: note: to check `depends_on` links, also read (not validated) the agreements beside: {read}")
    failed = result.errors > 0 or (strict and result.warnings > 0)
    # A hook is handed only the changed files: none of them being an agreement is normal.
    files_only = only_slactl and not any(p.is_dir() for p in targets)
    if result.found == 0 and not (allow_empty or files_only):
        shown = ", ".join(str(p) for p in targets)
        _err(f"slactl: no agreement or catalog found in {shown} (pass --allow-empty if that is expected)")
        failed = True
    return 1 if failed else 0


def _err(message: str) -> None:
    """A line on stderr, as ``typer.echo(message, err=True)`` writes it."""
    sys.stderr.write(message + "\n")
    sys.stderr.flush()
