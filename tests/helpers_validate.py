"""Helpers for the validate tests: a throw-away agreements repository and the CLI run in-process."""

from __future__ import annotations

import shutil
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
