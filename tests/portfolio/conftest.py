"""A git repository holding the bundled examples (agreements, catalog, slactl.yaml, report data)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from gitrepo import GitRepo, pin_git_env

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def fill(repo: GitRepo) -> GitRepo:
    """Copy the examples into ``repo`` and commit them once, on 2026-11-02."""
    for item in EXAMPLES.iterdir():
        if item.is_dir():
            shutil.copytree(item, repo.path / item.name, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
        else:
            shutil.copy2(item, repo.path / item.name)
    repo.commit("the examples", date="2026-11-02T10:00:00+00:00")
    return repo


@pytest.fixture
def examples_repo(git_repo: GitRepo) -> GitRepo:
    """The examples committed in a repository of their own (one commit)."""
    return fill(git_repo)


@pytest.fixture(scope="module")
def shared_examples_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GitRepo]:
    """The same, once for a whole test module (its environment pinned while the module runs); never modify it."""
    root = tmp_path_factory.mktemp("examples")
    with pytest.MonkeyPatch.context() as mp:
        env = pin_git_env(mp, root / "home")
        mp.chdir(root)
        repo = fill(GitRepo(root / "repo", env))
        mp.chdir(repo.path)
        yield repo
