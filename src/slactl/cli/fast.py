"""`slactl validate` without typer: the command of a pre-commit hook, started on every commit.

Importing typer and letting it build the command (a pydantic adapter per option) is about a
quarter of a one-file `slactl validate`. A plain call, `validate` followed by paths and the
command's own options written out, needs neither: ``validate_args`` reads it here. Anything
else (help, a root option, `--`, an unknown or repeated option, a value typer would refuse or
convert, a path typer would check) is left to typer, so help and every error stay typer's.
``run_validate`` is the command's body, which the typer command calls as well.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

FORMATS = ("text", "json", "github", "sarif")
FLAGS = {"--strict": "strict", "--only-slactl": "only_slactl", "--allow-empty": "allow_empty"}
VALUED = {"--format": "fmt", "-f": "fmt", "--config": "config", "--jobs": "jobs", "-j": "jobs", "--color": "color"}
COLORS = ("auto", "always", "never")
_JOBS = re.compile(r"[1-9][0-9]{0,5}")


def validate_args(args: Sequence[str]) -> dict[str, Any] | None:
    """The keyword arguments of ``run_validate`` for ``args``, or None when typer must read them."""
    if not args or args[0] != "validate" or any(name.endswith("_COMPLETE") for name in os.environ):
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
        name, value = _option(arg, rest)
        if name in FLAGS and value is None:
            key: str = FLAGS[name]
            found[key] = True
            continue
        if name not in VALUED or value is None or VALUED[name] in found:
            return None  # help, `--`, a lone `-`, an unknown or repeated option, a missing value
        key = VALUED[name]
        if key == "fmt" and value not in FORMATS:
            return None
        if key == "color" and value not in COLORS:
            return None
        if key == "jobs" and not _JOBS.fullmatch(value):
            return None
        if key == "config" and (not value or "\x00" in value or value.startswith("-")):
            return None
        found[key] = int(value) if key == "jobs" else Path(value) if key == "config" else value
    checked = [*paths, *([found["config"]] if "config" in found else [])]
    if not all(_typer_accepts(path) for path in checked):
        return None
    return {
        "paths": paths or None,
        "fmt": found.get("fmt"),
        "strict": found.get("strict", False),
        "config": found.get("config"),
        "jobs": found.get("jobs"),
        "only_slactl": found.get("only_slactl", False),
        "allow_empty": found.get("allow_empty", False),
        "color": found.get("color", "auto"),
    }


def _option(arg: str, rest: list[str]) -> tuple[str, str | None]:
    """(option name, its value or None) of ``arg``; a value option takes the next argument."""
    if arg.startswith("--"):
        name, equals, value = arg.partition("=")
        if equals:
            return name, value
    elif len(arg) > 2:
        return arg[:2], arg[2:]  # `-fjson`, `-j4`
    else:
        name = arg
    if name in VALUED and rest and not rest[0].startswith("-"):
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
