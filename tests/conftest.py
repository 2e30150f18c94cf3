"""Shared pytest fixtures.

Git fixtures (real temporary repositories, pinned identities and dates, SSH keys):
see ``tests/gitrepo.py``.
"""

from gitrepo import git_env, git_repo, ssh_key_factory

__all__ = ["git_env", "git_repo", "ssh_key_factory"]
