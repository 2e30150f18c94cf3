"""Writing approval commits: an empty commit on top of HEAD, then the branch moved if HEAD did not.

``git commit-tree`` and ``git update-ref``: no hook runs, so nothing can rewrite the message.
"""

from __future__ import annotations

from slactl.git._runner import GitError, StrPath, _check_oid, _lines, _run
from slactl.git.records import _subject
from slactl.git.repo import head_commit, ident

# ------------------------------------------------------------------ committing


def commit_empty(repo: StrPath, message: str, sign: bool, *, identity: tuple[str, str] | None = None) -> str:
    """Record a commit with no file changes on the current branch; return its id.

    Whatever is staged stays staged and is NOT part of the commit: the commit has
    HEAD's tree. With ``sign`` the commit is signed (``-S``) with the user's own
    settings (``gpg.format``, ``user.signingkey``...); without it, it is not signed
    (``commit.gpgSign`` is for the caller to read). The commit is made with ``git
    commit-tree`` and the branch moved with ``git update-ref``: no hook runs, so
    nothing can rewrite the message. Whitespace is cleaned up like ``git commit
    --cleanup=whitespace``. Author and committer are one person with one date:
    ``identity`` (name, e-mail) when given, else git's author identity (an approval
    whose committer differs from its author was rewritten). See
    :func:`write_empty_commit` to check a commit before the branch moves.
    """
    if identity is None:
        name, email, _when = ident(repo, "author")
        identity = (name, email)
    sha, parent = write_empty_commit(repo, message, sign=sign, identity=identity)
    advance_head(repo, sha, parent, f"commit: {_subject(message)}")
    return sha


def _cleanup_whitespace(message: str) -> str:
    """``git stripspace`` without comment stripping: no trailing blanks, one blank line between paragraphs."""
    out: list[str] = []
    for line in message.split("\n"):
        line = line.rstrip()
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"


def write_empty_commit(
    repo: StrPath,
    message: str,
    *,
    sign: bool,
    sign_key: str = "",
    identity: tuple[str, str] | None = None,
    parent: str | None = None,
) -> tuple[str, str]:
    """Write an empty commit on top of HEAD without moving any branch; return ``(commit, parent)``.

    ``sign_key`` is handed to ``-S`` (empty: git's ``user.signingkey`` or the committer's
    identity). With ``identity`` ``(name, e-mail)`` the author AND the committer are that
    person, dated the same instant (git's committer date: ``GIT_COMMITTER_DATE`` if set).
    ``parent`` (default: HEAD now) is the commit to build on. :func:`advance_head` puts
    the commit on the branch, and refuses if HEAD is no longer ``parent``.
    """
    if not message.strip():
        raise ValueError("the commit message is empty")
    if "\n" in sign_key or sign_key.startswith("-"):
        raise ValueError(f"unusable signing key {sign_key!r}")
    parent = head_commit(repo) if parent is None else _check_oid(parent)
    if parent is None:
        raise GitError("the repository has no commit yet", repo=repo, hint="commit something first")
    env: dict[str, str] = {}
    if identity is not None:
        name, email = identity
        env = {
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email,
        }
        when = ident(repo, "committer", env)[2]
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when
    args = ["commit-tree", f"{parent}^{{tree}}", "-p", parent, "-F", "-"]
    args.insert(1, f"-S{sign_key}" if sign else "--no-gpg-sign")
    hint = (
        "check the signing setup: `git config gpg.format`, `git config user.signingkey` "
        "(for SSH: a key file or an agent holding the key)"
        if sign
        else None
    )
    proc = _run(
        repo,
        args,
        env=env,
        input=_cleanup_whitespace(message).encode("utf-8"),
        what="signed commit" if sign else "commit",
        hint=hint,
    )
    return _check_oid(_lines(proc.stdout)), parent


def advance_head(repo: StrPath, commit: str, parent: str, reflog: str) -> None:
    """Move the current branch (or a detached HEAD) from ``parent`` to ``commit``; refused if it moved meanwhile.

    ``reflog`` is the reflog message (one line).
    """
    commit, parent = _check_oid(commit), _check_oid(parent)
    _run(
        repo,
        ["update-ref", "-m", " ".join(reflog.split()), "HEAD", commit, parent],
        what="moving the branch to the new commit",
        hint="HEAD moved while the commit was written: run the command again",
    )
