"""Helpers for the CLI tests: a throw-away agreements repository, the CLI run in-process, and
the modules a real `python -m slactl` process imports."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from slactl.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def without_clauses(text: str) -> str:
    """An example without the library clauses it ends with: for tests that copy it away from
    examples/clauses/ and are about something else (docs/clauses.md)."""
    head, sep, _ = text.partition("\nclauses:\n")
    assert sep, "the example uses no library clauses"
    return head + "\n"


@dataclass(frozen=True)
class Run:
    """What one CLI run returned and printed."""

    code: int
    out: str
    err: str


def run_main(args: list[str], capsys: pytest.CaptureFixture[str]) -> Run:
    """Run ``slactl`` in this process (``slactl.cli.main``) and capture what it printed."""
    capsys.readouterr()  # drop anything printed before
    code = main(args)
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


def make_repo(root: Path) -> Path:
    """A copy of examples/ in its own work tree (the `.git` folder stops the slactl.yaml search)."""
    repo = root / "repo"
    shutil.copytree(EXAMPLES, repo)
    (repo / ".git").mkdir()
    return repo


def edit(path: Path, old: str, new: str) -> None:
    """Replace one exact, unique piece of a file (fails loudly when the example changed)."""
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} is not unique in {path.name}"
    path.write_text(text.replace(old, new))


def imported(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    """Top-level packages a `python -m slactl ARGS` process imported (``-X importtime``), and the process.

    ``env``: variables set for the process on top of this one's.
    """
    base = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "PYTHONPROFILEIMPORTTIME")}
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "slactl", *args],
        cwd=cwd,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )
    modules = {
        line.rsplit("|", 1)[1].strip().split(".")[0]
        for line in proc.stderr.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    }
    assert "slactl" in modules or proc.returncode != 0  # the harness really saw the imports
    return modules, proc
