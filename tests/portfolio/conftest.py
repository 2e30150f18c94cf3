"""A git repository holding the bundled examples (agreements, catalog, slactl.yaml, report data)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gitrepo import GitRepo

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def examples_repo(git_repo: GitRepo) -> GitRepo:
    """The examples committed in a repository of their own (one commit, dated by the fixture's clock)."""
    for item in EXAMPLES.iterdir():
        if item.is_dir():
            shutil.copytree(item, git_repo.path / item.name, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
        else:
            shutil.copy2(item, git_repo.path / item.name)
    git_repo.commit("the examples", date="2026-11-02T10:00:00+00:00")
    return git_repo
