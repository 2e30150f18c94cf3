"""All git access of slactl, in one package: GitPython's command wrapper and object database below.

Nothing else in the project runs git or sees a git object; callers get frozen dataclasses
of plain strings, tuples and aware datetimes (:mod:`slactl.git.records`).

Modules by role: :mod:`~slactl.git._runner` (how git is started: pinned environment and
options, errors), :mod:`~slactl.git.repo` (discovery, paths, revisions, refs, config,
working tree), :mod:`~slactl.git.log` (the one ``git log --raw`` of a file's history, the
approval commits), :mod:`~slactl.git.objects` (blobs through one persistent ``cat-file
--batch``, trees), :mod:`~slactl.git.signatures` (verifying, allowed signers, signing
keys), :mod:`~slactl.git.commits` (empty commits, moving HEAD).

Importing this package is cheap: it uses the standard library only. GitPython is imported
by the first command that runs git through it (see :mod:`slactl.git._runner`).
"""

from __future__ import annotations

from slactl.git._runner import GitError, run_plain
from slactl.git.commits import advance_head, commit_empty, write_empty_commit
from slactl.git.log import file_revisions, trailer_commits
from slactl.git.objects import (
    blob_at,
    blob_at_head,
    empty_commits,
    hash_worktree_file,
    is_clean_at_head,
    read_blobs,
    read_file_at,
)
from slactl.git.records import ChangedFile, Commit, CommitWithTrailers, FileState, Revision, Signature, SigningKey
from slactl.git.repo import (
    ancestry,
    changed_files,
    commit_date,
    config_get,
    default_branch,
    file_state,
    find_repo,
    git_dir,
    head_commit,
    ident,
    init_repository,
    is_ancestor,
    merge_base_with_default,
    rel_path,
    remote_names,
    resolve,
    root_commit,
    tree_files,
)
from slactl.git.signatures import signing_key, verify_commit, write_allowed_signers

__all__ = [
    "ChangedFile",
    "Commit",
    "CommitWithTrailers",
    "FileState",
    "GitError",
    "Revision",
    "Signature",
    "SigningKey",
    "advance_head",
    "ancestry",
    "blob_at",
    "blob_at_head",
    "changed_files",
    "commit_date",
    "commit_empty",
    "config_get",
    "default_branch",
    "empty_commits",
    "file_revisions",
    "file_state",
    "find_repo",
    "git_dir",
    "hash_worktree_file",
    "head_commit",
    "ident",
    "init_repository",
    "is_ancestor",
    "is_clean_at_head",
    "merge_base_with_default",
    "read_blobs",
    "read_file_at",
    "rel_path",
    "remote_names",
    "resolve",
    "root_commit",
    "run_plain",
    "signing_key",
    "trailer_commits",
    "tree_files",
    "verify_commit",
    "write_allowed_signers",
    "write_empty_commit",
]
