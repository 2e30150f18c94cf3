"""Shared pytest fixtures.

Git fixtures (real temporary repositories, pinned identities and dates, SSH keys):
see ``tests/gitrepo.py``. slactl's user cache (slactl.usercache) is a folder of the session,
never the home folder's.
"""

import os
from collections.abc import Iterator

import pytest

from gitrepo import git_env, git_repo, ssh_key_factory

__all__ = ["git_env", "git_repo", "ssh_key_factory"]


@pytest.fixture(autouse=True, scope="session")
def _user_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    before = os.environ.get("SLACTL_CACHE_DIR")
    os.environ["SLACTL_CACHE_DIR"] = str(tmp_path_factory.mktemp("user-cache"))
    yield
    if before is None:
        del os.environ["SLACTL_CACHE_DIR"]
    else:
        os.environ["SLACTL_CACHE_DIR"] = before
