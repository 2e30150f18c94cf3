"""All git access of slactl: one small module around the ``git`` command line.

Nothing else in the project runs git or sees a git object; callers get frozen
dataclasses of plain strings, tuples and aware datetimes.

Every git process is started the same way (see :func:`_git_command` and
:func:`_git_env`):

* ``LC_ALL=C``, no pager, no terminal prompts, no editor, no optional locks;
* ``GIT_LITERAL_PATHSPECS=1``: a path is always a literal path, never a glob
  or ``:(magic)`` pathspec;
* ``--no-replace-objects``: ``refs/replace`` cannot make history look different
  from what was really committed and signed;
* repository-locating variables (``GIT_DIR``, ``GIT_WORK_TREE``, ``GIT_INDEX_FILE``
  ...) inherited from e.g. a git hook are dropped: the repository is the one given;
* ``-c`` overrides for user settings that would change machine-readable output
  (``log.showSignature``, ``color.ui``, ``log.showRoot``, ``core.quotepath``, ...).

User-controlled revisions are first resolved to full object ids with
``git rev-parse --verify --end-of-options``; paths always follow ``--``.  So no
user string can ever be taken for an option.

Importing this module is cheap: it uses the standard library only.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import subprocess
import tempfile
import threading
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Literal

from slactl.errors import SlactlError

__all__ = [
    "ChangedFile",
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
    "is_ancestor",
    "is_clean_at_head",
    "merge_base_with_default",
    "read_blobs",
    "read_file_at",
    "rel_path",
    "resolve",
    "signing_key",
    "trailer_commits",
    "tree_files",
    "verify_commit",
    "write_allowed_signers",
    "write_empty_commit",
]

StrPath = str | os.PathLike[str]

#: What :func:`file_state` reports for one path.
FileState = Literal[
    "clean",  # tracked, identical in HEAD, index and working tree
    "modified",  # working tree differs from the index (maybe staged changes too)
    "staged",  # index differs from HEAD, working tree equals the index
    "deleted",  # tracked, but deleted in the working tree or the index
    "conflicted",  # unmerged (a merge or rebase stopped on it)
    "untracked",  # on disk, not known to git
    "ignored",  # on disk, not known to git, matched by .gitignore
    "absent",  # neither on disk nor known to git
]

_GIT = "git"

# Variables that point git at some other repository/index than the one we name.
# (the "local" ones of `git rev-parse --local-env-vars`, minus the config ones)
_DROP_ENV = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_IMPLICIT_WORK_TREE",
    "GIT_GRAFT_FILE",
    "GIT_SHALLOW_FILE",
    "GIT_PREFIX",
    "GIT_NAMESPACE",
    "GIT_REPLACE_REF_BASE",
    "GIT_INTERNAL_SUPER_PREFIX",
    "GIT_EXTERNAL_DIFF",
    "GIT_DIFF_OPTS",
    "GIT_GLOB_PATHSPECS",
    "GIT_NOGLOB_PATHSPECS",
    "GIT_ICASE_PATHSPECS",
)

_PINNED_ENV = {
    "LC_ALL": "C",
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_PAGER": "cat",
    "PAGER": "cat",
    "GIT_EDITOR": ":",
    "GIT_OPTIONAL_LOCKS": "0",
    "GIT_LITERAL_PATHSPECS": "1",
    "GIT_NO_REPLACE_OBJECTS": "1",
}

# Settings a user may have that would change the output we parse.
_PINNED_CONFIG = (
    "core.quotepath=off",
    "color.ui=false",
    "log.showSignature=false",
    "log.showRoot=true",
    "log.follow=false",
    "i18n.logOutputEncoding=UTF-8",
    "i18n.commitEncoding=UTF-8",
    "diff.relative=false",
)

_OID_RE = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")
_NULL_OID_RE = re.compile(r"0+")
# git var GIT_AUTHOR_IDENT: "Name <email> 1700000000 +0100"
_TRAILER_PREFIX_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")
_CONFIG_KEY_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*\.[^\n\0]*")
# Principals end up in a comma-separated pattern list where * ? ! are wildcards
# and negation: allow only what an e-mail address or a user name needs.
_PRINCIPAL_RE = re.compile(r"[A-Za-z0-9_+][A-Za-z0-9._@+-]*")
_SSH_KEY_TYPES = frozenset(
    {
        "ssh-ed25519",
        "ssh-rsa",
        "ssh-dss",
        "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com",
        "sk-ecdsa-sha2-nistp256@openssh.com",
    }
)
_BASE64_RE = re.compile(r"[A-Za-z0-9+/]+={0,2}")


# --------------------------------------------------------------------------- errors


class GitError(SlactlError):
    """A git command failed, or a repository/revision/path is not what was expected.

    ``str(err)`` reads ``<repo>: <what failed>: <git's stderr>`` plus a hint.
    The git command line, its exit code and stderr are kept as attributes.
    """

    def __init__(
        self,
        message: str,
        *,
        repo: StrPath | None = None,
        hint: str | None = None,
        command: Sequence[str] = (),
        returncode: int | None = None,
        stderr: str = "",
    ) -> None:
        super().__init__(message, hint=hint, path=os.fspath(repo) if repo is not None else None)
        self.repo = os.fspath(repo) if repo is not None else None
        self.command = tuple(command)
        self.returncode = returncode
        self.stderr = stderr


# ---------------------------------------------------------------------- dataclasses


@dataclass(frozen=True, slots=True)
class Signature:
    """The signature check of one commit, as git reports it.

    ``status`` is git's ``%G?``: ``G`` good (key found in the allowed signers),
    ``U`` good signature but key not in the allowed signers (unknown validity),
    ``B`` bad (content does not match the signature, or the checker failed),
    ``X``/``Y`` good but expired signature/key, ``R`` revoked key,
    ``E`` cannot be checked (e.g. missing OpenPGP key), ``N`` no signature.
    """

    status: str
    signer: str  # %GS: for SSH the matching principal of the allowed signers file
    fingerprint: str  # %GF: e.g. "SHA256:..." for SSH keys
    key: str  # %GK
    primary_fingerprint: str  # %GP (OpenPGP only)

    @property
    def good(self) -> bool:
        """True only for ``G``: valid signature by a key trusted for ``signer``."""
        return self.status == "G"

    @property
    def signed(self) -> bool:
        """True if the commit carries any signature at all."""
        return self.status != "N"


def _subject(message: str) -> str:
    lines: list[str] = []
    for line in message.splitlines():
        if not line.strip():
            if lines:
                break
            continue
        lines.append(line.strip())
    return " ".join(lines)


def _body(message: str) -> str:
    rest = message.splitlines()
    while rest and not rest[0].strip():  # leading blank lines
        rest.pop(0)
    while rest and rest[0].strip():  # the subject paragraph
        rest.pop(0)
    return "\n".join(rest).strip("\n")


@dataclass(frozen=True, slots=True)
class Commit:
    """Who made a commit, when, and its message (the fields every commit listing shares)."""

    commit: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    author_date: datetime
    committer_name: str
    committer_email: str
    committer_date: datetime
    message: str  # the raw message (%B)

    @property
    def subject(self) -> str:
        """The first paragraph of the message on one line (git's ``%s``)."""
        return _subject(self.message)

    @property
    def body(self) -> str:
        """The message after the subject paragraph (git's ``%b``, without edge newlines)."""
        return _body(self.message)

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1


# git log placeholders of the Commit fields, in field order.
_COMMIT_FIELDS = ("%H", "%P", "%an", "%ae", "%aI", "%cn", "%ce", "%cI", "%B")


def _commit_fields(tokens: Sequence[bytes]) -> dict[str, Any]:
    """The Commit fields from the first nine tokens of a record logged with ``_COMMIT_FIELDS``."""
    return {
        "commit": _decode(tokens[0]),
        "parents": tuple(_decode(tokens[1]).split()),
        "author_name": _decode(tokens[2]),
        "author_email": _decode(tokens[3]),
        "author_date": _date(_decode(tokens[4])),
        "committer_name": _decode(tokens[5]),
        "committer_email": _decode(tokens[6]),
        "committer_date": _date(_decode(tokens[7])),
        "message": _decode(tokens[8]),
    }


@dataclass(frozen=True, slots=True)
class Revision(Commit):
    """One commit that changed a file (see :func:`file_revisions`)."""

    path_at_revision: str  # the file's path in this commit (its new path on a rename)
    old_path: str | None  # the path before a rename/copy in this commit, else None
    change: str  # A added, M modified, D deleted, R renamed, C copied, T type changed
    blob_id: str | None  # the file's blob in this commit; None when it was deleted here
    mode: str  # the file's mode in this commit ("100644", "120000"...), "000000" if deleted
    # the file's blob in the first parent (its old path on a rename); None when added here
    previous_blob_id: str | None = None


@dataclass(frozen=True, slots=True)
class CommitWithTrailers(Commit):
    """A commit whose final trailer block has a key with the asked prefix."""

    trailers: tuple[tuple[str, str], ...]  # ALL trailers of the final block, in order
    signature: Signature | None  # None when asked not to verify

    def values(self, key: str) -> list[str]:
        """Values of trailer ``key`` (case-insensitive, like git), in message order."""
        wanted = key.lower()
        return [v for k, v in self.trailers if k.lower() == wanted]


# --------------------------------------------------------------------- running git


def _git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _DROP_ENV}
    env.update(_PINNED_ENV)
    return env


def _git_command(args: Sequence[str], config: Sequence[str] = ()) -> list[str]:
    cmd = [_GIT, "--no-pager", "--no-replace-objects"]
    for item in (*_PINNED_CONFIG, *config):
        cmd += ["-c", item]
    cmd += args
    return cmd


def _decode(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def _fsdecode(data: bytes) -> str:
    """Paths: round-trip undecodable bytes like the OS layer does."""
    return data.decode("utf-8", errors="surrogateescape")


def _no_git(repo: StrPath | None, cmd: Sequence[str]) -> GitError:
    return GitError(
        "the git executable was not found",
        repo=repo,
        hint="install git (2.34 or newer) and make sure it is on PATH",
        command=cmd,
    )


def _run(
    repo: StrPath,
    args: Sequence[str],
    *,
    what: str,
    hint: str | None = None,
    input: bytes | None = None,
    ok: Iterable[int] = (0,),
    config: Sequence[str] = (),
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run ``git <args>`` in ``repo``; return codes outside ``ok`` raise GitError."""
    cmd = _git_command(args, config)
    try:
        proc = subprocess.run(
            cmd,
            cwd=os.fspath(repo),
            env={**_git_env(), **(env or {})},
            input=input,
            stdin=None if input is not None else subprocess.DEVNULL,
            capture_output=True,
            check=False,
        )
    except (FileNotFoundError, NotADirectoryError) as exc:
        if not Path(repo).is_dir():
            raise GitError(
                f"{what} failed: the repository folder does not exist",
                repo=repo,
                hint="check the path of the repository",
                command=cmd,
            ) from exc
        raise _no_git(repo, cmd) from exc
    if proc.returncode not in tuple(ok):
        raise _failed(repo, what, args[0], cmd, proc.returncode, proc.stderr, hint)
    return proc


def _failed(
    repo: StrPath,
    what: str,
    sub: str,
    cmd: Sequence[str],
    code: int,
    stderr: bytes,
    hint: str | None,
) -> GitError:
    text = _decode(stderr).strip()
    detail = f": {text}" if text else ""
    if hint is None:
        if "not a git repository" in text:
            hint = "run slactl inside a git work tree (or `git init` one)"
        elif "tell me who you are" in text or "empty ident" in text:
            hint = "set your identity: `git config user.name ...` and `git config user.email ...`"
        elif "dubious ownership" in text:
            hint = "the repository belongs to another user; see `git config --global safe.directory`"
        else:
            hint = f"run `git {sub}` in that folder by hand to see more"
    return GitError(
        f"{what} failed (git {sub} exited with {code}){detail}",
        repo=repo,
        hint=hint,
        command=cmd,
        returncode=code,
        stderr=text,
    )


def _lines(out: bytes) -> str:
    return _decode(out).strip()


def _check_oid(oid: str) -> str:
    oid = oid.strip().lower()
    if not _OID_RE.fullmatch(oid):
        raise ValueError(f"not a full git object id: {oid!r}")
    return oid


def _date(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _abspath(path: StrPath) -> Path:
    """Absolute, with ``.``/``..`` removed lexically; symlinks are not resolved."""
    return Path(os.path.normpath(Path(path).absolute()))


# ----------------------------------------------------------------- repo and paths


def find_repo(path: StrPath) -> Path | None:
    """The top folder of the git work tree containing ``path``, or None if none does.

    ``path`` may be a file or a folder, and need not exist (its nearest existing
    parent is asked). Bare repositories and ``.git`` folders give None.
    """
    p = _abspath(path)
    while not p.is_dir():
        if p.parent == p:
            return None
        p = p.parent
    cmd = _git_command(["rev-parse", "--show-toplevel"])
    try:
        proc = subprocess.run(cmd, cwd=p, env=_git_env(), stdin=subprocess.DEVNULL, capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise _no_git(p, cmd) from exc
    top = _fsdecode(proc.stdout).rstrip("\n")
    if proc.returncode != 0 or not top:
        return None
    return Path(top)


def _real(path: StrPath) -> Path:
    """Absolute path with symlinked folders resolved, but not the last component."""
    p = _abspath(path)
    if p.name in ("", ".", ".."):
        return p.resolve()
    return p.parent.resolve() / p.name


def rel_path(repo: StrPath, path: StrPath) -> str:
    """``path`` relative to the work tree top ``repo``, in posix form ("." for the top).

    Relative paths are taken from the current directory. A symlink as the last
    component is not followed (git tracks the link itself).
    Raises GitError if ``path`` is outside ``repo``.
    """
    top = Path(repo).resolve()
    real = _real(path)
    try:
        rel = real.relative_to(top)
    except ValueError:
        raise GitError(
            f"{os.fspath(path)} is outside the repository",
            repo=repo,
            hint="give a path inside the repository's work tree",
        ) from None
    return rel.as_posix() if rel.parts else "."


def git_dir(repo: StrPath) -> Path:
    """The repository's common git folder (shared by all work trees), absolute.

    The place for slactl's own caches: it is never part of the work tree.
    """
    proc = _run(repo, ["rev-parse", "--path-format=absolute", "--git-common-dir"], what="locating the git folder")
    found = _fsdecode(proc.stdout).rstrip("\n")
    if not found:
        raise GitError("git did not name the repository's git folder", repo=repo)
    return Path(found)


# --------------------------------------------------------------------- revisions


def resolve(repo: StrPath, rev: str) -> str:
    """The full commit id that ``rev`` names (branch, tag, ``HEAD~2``, id...).

    Tags are peeled to their commit. Raises GitError if ``rev`` names no commit.
    """
    if not rev or "\n" in rev or "\0" in rev:
        raise GitError(f"invalid revision {rev!r}", repo=repo, hint="give a branch, tag or commit id")
    proc = _run(
        repo,
        ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"],
        what=f"resolving revision {rev!r}",
        ok=(0, 1),
    )
    sha = _lines(proc.stdout)
    if proc.returncode != 0 or not _OID_RE.fullmatch(sha):
        raise GitError(
            f"unknown revision {rev!r}: no commit by that name",
            repo=repo,
            hint="check the name with `git log --oneline`, or fetch it first",
        )
    return sha


def head_commit(repo: StrPath) -> str | None:
    """The commit id of HEAD, or None on an unborn branch (no commit yet)."""
    proc = _run(
        repo,
        ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"],
        what="reading HEAD",
        ok=(0, 1),
    )
    sha = _lines(proc.stdout)
    return sha if proc.returncode == 0 and sha else None


def _resolve_start(repo: StrPath, rev: str) -> str | None:
    """``resolve`` but None for ``HEAD`` of a repository without commits."""
    if rev == "HEAD":
        return head_commit(repo)
    return resolve(repo, rev)


def commit_date(repo: StrPath, rev: str = "HEAD") -> datetime:
    """The committer date of ``rev`` (aware), e.g. for SOURCE_DATE_EPOCH."""
    sha = resolve(repo, rev)
    proc = _run(repo, ["log", "-1", "--no-walk", "--format=%cI", sha], what=f"reading the date of {sha}")
    return _date(_lines(proc.stdout))


def is_ancestor(repo: StrPath, a: str, b: str) -> bool:
    """True if commit ``a`` is ``b`` or one of its ancestors."""
    sa, sb = resolve(repo, a), resolve(repo, b)
    proc = _run(
        repo,
        ["merge-base", "--is-ancestor", sa, sb],
        what=f"checking whether {a} is an ancestor of {b}",
        ok=(0, 1),
    )
    return proc.returncode == 0


def default_branch(repo: StrPath) -> str | None:
    """The full ref of the default branch: origin/HEAD's target if set, else main, else master."""
    proc = _run(
        repo,
        ["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"],
        what="reading origin/HEAD",
        ok=(0, 1, 128),
    )
    candidates = []
    if proc.returncode == 0 and _lines(proc.stdout):
        candidates.append(_lines(proc.stdout))
    candidates += ["refs/heads/main", "refs/heads/master"]
    for ref in candidates:
        found = _run(
            repo,
            ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"],
            what=f"looking up {ref}",
            ok=(0, 1),
        )
        if found.returncode == 0:
            return ref
    return None


def merge_base_with_default(repo: StrPath) -> str | None:
    """The merge base of HEAD and the default branch (see :func:`default_branch`).

    None if there is no commit yet, no default branch, or no common ancestor.
    """
    head = head_commit(repo)
    ref = default_branch(repo) if head else None
    if head is None or ref is None:
        return None
    proc = _run(
        repo,
        ["merge-base", "--end-of-options", head, ref],
        what=f"finding the merge base of HEAD and {ref}",
        ok=(0, 1),
    )
    sha = _lines(proc.stdout)
    return sha if proc.returncode == 0 and sha else None


# ------------------------------------------------------------- history of a file

# One record per commit: \x1e then fixed NUL-separated fields; --raw lines follow.
_REV_FORMAT = "--format=%x1e" + "%x00".join(_COMMIT_FIELDS)


@dataclass(frozen=True, slots=True)
class _Raw:
    status: str
    old_path: str
    new_path: str
    old_mode: str
    new_mode: str
    new_blob: str
    old_blob: str = ""


def _parse_log_raw(data: bytes) -> Iterator[tuple[list[bytes], list[_Raw]]]:
    """Split ``git log --format=<_REV_FORMAT> --raw -z`` output into commits."""
    tokens = data.split(b"\0")
    n = len(tokens)
    nf = len(_COMMIT_FIELDS)
    i = 0
    while i < n:
        tok = tokens[i]
        if not tok:  # trailing terminator
            i += 1
            continue
        if not tok.startswith(b"\x1e") or i + nf > n:
            raise ValueError(f"unexpected git log output near token {i}: {tok[:80]!r}")
        fields = [tok[1:], *tokens[i + 1 : i + nf]]
        i += nf
        raws: list[_Raw] = []
        while i < n and tokens[i].lstrip(b"\n").startswith(b":"):
            head = tokens[i].lstrip(b"\n")[1:].split(b" ")
            # :old_mode new_mode old_blob new_blob STATUS[score]
            status = _decode(head[4])[:1]
            two = status in ("R", "C")
            old = _fsdecode(tokens[i + 1])
            new = _fsdecode(tokens[i + 2]) if two else old
            i += 3 if two else 2
            raws.append(_Raw(status, old, new, _decode(head[0]), _decode(head[1]), _decode(head[3]), _decode(head[2])))
        yield fields, raws


def file_revisions(repo: StrPath, relpath: str, rev: str = "HEAD") -> list[Revision]:
    """Every commit reachable from ``rev`` that changed ``relpath``, newest first.

    Renames are followed (``--follow``): older revisions carry the older path in
    ``path_at_revision``. A merge is listed when the file differs from the merge's
    first parent (e.g. a branch that changed it was merged), with the merged blob;
    the branch's own commits are listed too. A deletion has ``blob_id`` None.
    One ``git log`` process; no git objects are read besides the trees.
    Returns [] if the path never existed, or HEAD has no commit yet.
    """
    start = _resolve_start(repo, rev)
    if start is None:
        return []
    proc = _run(
        repo,
        [
            "log",
            "--follow",
            "--diff-merges=first-parent",
            _REV_FORMAT,
            "--raw",
            "--no-abbrev",
            "-z",
            "--no-ext-diff",
            "--no-textconv",
            start,
            "--",
            relpath,
        ],
        what=f"reading the history of {relpath}",
    )
    try:
        parsed = list(_parse_log_raw(proc.stdout))
    except (ValueError, IndexError) as exc:
        raise GitError(
            f"could not understand git's history of {relpath}: {exc}",
            repo=repo,
            hint="please report this with your git version (`git --version`)",
        ) from exc
    out: list[Revision] = []
    current = relpath
    for fields, raws in parsed:
        if not raws:
            continue
        raw = next((r for r in raws if r.new_path == current), raws[0])
        deleted = raw.status == "D"
        out.append(
            Revision(
                **_commit_fields(fields),
                path_at_revision=raw.new_path,
                old_path=raw.old_path if raw.status in ("R", "C") else None,
                change=raw.status,
                blob_id=None if deleted or _NULL_OID_RE.fullmatch(raw.new_blob) else raw.new_blob,
                previous_blob_id=None if not raw.old_blob or _NULL_OID_RE.fullmatch(raw.old_blob) else raw.old_blob,
                mode=raw.new_mode,
            )
        )
        current = raw.old_path
    return out


@dataclass(frozen=True, slots=True)
class ChangedFile:
    """One file that differs between two trees (see :func:`changed_files`)."""

    status: str  # A added, D deleted, M modified, R renamed, T type changed
    path: str  # the path on the new side (the old path for a deletion)
    old_path: str | None  # the path on the old side of a rename, else None


def changed_files(repo: StrPath, base: str, rev: str | None = None) -> list[ChangedFile]:
    """Files that differ from commit ``base`` to commit ``rev``, renames detected.

    ``rev`` None means the working tree: tracked files as they are on disk (staged or
    not) plus untracked files that are not ignored (as added). Sorted by path.
    """
    old = resolve(repo, base)
    args = ["diff", "--name-status", "-z", "-M", "--no-ext-diff", "--no-textconv", "--end-of-options", old]
    if rev is not None:
        args.append(resolve(repo, rev))
    proc = _run(repo, [*args, "--"], what=f"listing the files changed since {base}")
    tokens = proc.stdout.split(b"\0")
    out: list[ChangedFile] = []
    i = 0
    while i < len(tokens):
        status = _decode(tokens[i])[:1]
        i += 1
        if not status:
            continue
        if status in ("R", "C"):
            old_path, new_path = _fsdecode(tokens[i]), _fsdecode(tokens[i + 1])
            i += 2
            out.append(ChangedFile("R" if status == "R" else "A", new_path, old_path if status == "R" else None))
        else:
            out.append(ChangedFile(status, _fsdecode(tokens[i]), None))
            i += 1
    if rev is None:
        others = _run(
            repo, ["ls-files", "-z", "--others", "--exclude-standard", "--full-name"], what="listing untracked files"
        )
        out += [ChangedFile("A", _fsdecode(p), None) for p in others.stdout.split(b"\0") if p]
    return sorted(out, key=lambda c: c.path)


def tree_files(repo: StrPath, rev: str) -> list[tuple[str, str]]:
    """``(path, blob id)`` of every regular file or symlink in commit ``rev``, sorted by path."""
    sha = resolve(repo, rev)
    proc = _run(repo, ["ls-tree", "-r", "-z", "--full-tree", sha], what=f"listing the files of {rev}")
    out = []
    for entry in proc.stdout.split(b"\0"):
        meta, sep, name = entry.partition(b"\t")
        if not sep:
            continue
        _mode, typ, oid = _decode(meta).split(" ")
        if typ == "blob":
            out.append((_fsdecode(name), oid))
    return sorted(out)


def ancestry(repo: StrPath, rev: str = "HEAD") -> list[tuple[str, tuple[str, ...]]]:
    """``(commit, parents)`` of every commit reachable from ``rev``, in ``--topo-order``.

    A commit is always listed before its parents, whatever the commit dates say
    (anyone can set those). [] when ``rev`` has no commit yet.
    """
    start = _resolve_start(repo, rev)
    if start is None:
        return []
    proc = _run(repo, ["rev-list", "--topo-order", "--parents", start, "--"], what="listing the ancestry")
    out = []
    for line in _decode(proc.stdout).splitlines():
        shas = line.split()
        if shas:
            out.append((shas[0], tuple(shas[1:])))
    return out


def empty_commits(repo: StrPath, commits: Iterable[str]) -> set[str]:
    """The commits, among those given, whose tree is the tree of their first parent.

    A root commit is never empty. One ``git cat-file --batch-check`` process.
    """
    ids = [_check_oid(c) for c in commits]
    if not ids:
        return set()
    names = "".join(f"{c}^{{tree}}\n{c}~1^{{tree}}\n" for c in ids)
    proc = _run(
        repo,
        ["cat-file", "--batch-check=%(objectname)"],
        input=names.encode("ascii"),
        what="reading the trees of approval commits",
    )
    lines = _decode(proc.stdout).splitlines()
    if len(lines) != 2 * len(ids):
        raise GitError("unexpected git cat-file output while reading trees", repo=repo)
    out = set()
    for i, commit in enumerate(ids):
        tree, parent_tree = lines[2 * i], lines[2 * i + 1]
        if _OID_RE.fullmatch(tree) and tree == parent_tree:
            out.add(commit)
    return out


# -------------------------------------------------------------------- blobs


def read_blobs(repo: StrPath, blob_ids: Iterable[str]) -> Generator[tuple[str, bytes], None, None]:
    """Yield ``(blob_id, content)`` for each id, in order, from ONE ``git cat-file --batch``.

    Contents are streamed: only one blob is held at a time. The ids must be full
    object ids (ValueError otherwise). A missing object, or one that is not a
    blob, raises GitError. ``close()`` (or dropping it) before the end kills the git process.
    """
    ids = [_check_oid(b) for b in blob_ids]
    if not ids:
        return
    cmd = _git_command(["cat-file", "--batch", "--buffer"])
    with tempfile.TemporaryFile() as err:
        try:
            proc = subprocess.Popen(
                cmd,
                cwd=os.fspath(repo),
                env=_git_env(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=err,
            )
        except FileNotFoundError as exc:
            raise _no_git(repo, cmd) from exc
        assert proc.stdin is not None and proc.stdout is not None
        writer = threading.Thread(target=_feed, args=(proc.stdin, ids), daemon=True)
        writer.start()
        finished = False
        try:
            for oid in ids:
                yield oid, _read_one(repo, cmd, proc.stdout, oid, err)
            finished = True
        finally:
            if not finished and proc.poll() is None:
                proc.kill()
            writer.join()
            for pipe in (proc.stdin, proc.stdout):
                try:
                    pipe.close()
                except OSError:  # unflushed ids to a killed git
                    pass
            code = proc.wait()
        if code != 0:
            err.seek(0)
            raise _failed(repo, "reading blobs", "cat-file", cmd, code, err.read(), None)


def _feed(stdin: IO[bytes], ids: list[str]) -> None:
    try:
        for oid in ids:
            stdin.write(oid.encode("ascii") + b"\n")
        stdin.close()
    except (OSError, ValueError):  # git died or was killed: the reader reports it
        pass


def _read_one(repo: StrPath, cmd: Sequence[str], out: IO[bytes], oid: str, err: IO[bytes]) -> bytes:
    header = out.readline()
    parts = header.rstrip(b"\n").split(b" ")
    if len(parts) == 3 and parts[1] == b"blob":
        size = int(parts[2])
        data = out.read(size)
        if len(data) != size or out.read(1) != b"\n":
            raise GitError(f"short read of blob {oid} from git cat-file", repo=repo, command=cmd)
        return data
    if not header:
        err.seek(0)
        raise GitError(
            f"git cat-file stopped before blob {oid}: {_lines(err.read())}",
            repo=repo,
            hint="check the repository with `git fsck`",
            command=cmd,
        )
    if len(parts) == 2 and parts[1] == b"missing":
        raise GitError(
            f"object {oid} is missing from the repository",
            repo=repo,
            hint="fetch the missing history (shallow or partial clone?) or check with `git fsck`",
            command=cmd,
        )
    raise GitError(f"object {oid} is not a blob ({_lines(header)})", repo=repo, command=cmd)


def blob_at(repo: StrPath, rev: str, relpath: str) -> str | None:
    """The blob id of ``relpath`` in commit ``rev``, or None if there is no such file."""
    sha = resolve(repo, rev)
    proc = _run(
        repo,
        ["ls-tree", "-z", "--full-tree", sha, "--", relpath],
        what=f"looking up {relpath} in {rev}",
    )
    for entry in proc.stdout.split(b"\0"):
        meta, sep, name = entry.partition(b"\t")
        if not sep or _fsdecode(name) != relpath:
            continue
        _mode, typ, oid = _decode(meta).split(" ")
        return oid if typ == "blob" else None
    return None


def read_file_at(repo: StrPath, rev: str, relpath: str) -> bytes | None:
    """The content of ``relpath`` in commit ``rev``, or None if it has no such file."""
    oid = blob_at(repo, rev, relpath)
    if oid is None:
        return None
    proc = _run(repo, ["cat-file", "blob", oid], what=f"reading {relpath} at {rev}")
    return proc.stdout


def hash_worktree_file(repo: StrPath, relpath: str) -> str:
    """The blob id the working-tree file would get if added (filters applied)."""
    proc = _run(
        repo,
        ["hash-object", f"--path={relpath}", "--", relpath],
        what=f"hashing {relpath}",
        hint="check that the file exists and is readable",
    )
    return _lines(proc.stdout)


# ------------------------------------------------------------ working tree


def _is_tracked(repo: StrPath, relpath: str) -> bool:
    proc = _run(repo, ["ls-files", "-z", "--full-name", "--", relpath], what=f"checking whether {relpath} is tracked")
    return any(_fsdecode(p) == relpath for p in proc.stdout.split(b"\0"))


def file_state(repo: StrPath, relpath: str) -> FileState:
    """The working-tree state of one file (see :data:`FileState`).

    Uses ``git status --porcelain=v2 -z`` limited to the path; takes no lock.
    """
    proc = _run(
        repo,
        [
            "status",
            "--porcelain=v2",
            "-z",
            "--untracked-files=all",
            "--ignored=matching",
            "--no-renames",
            "--",
            relpath,
        ],
        what=f"reading the status of {relpath}",
    )
    tokens = proc.stdout.split(b"\0")
    found: set[FileState] = set()
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        i += 1
        kind = tok[:1]
        state: FileState
        if kind == b"?":
            path, state = tok[2:], "untracked"
        elif kind == b"!":
            path, state = tok[2:], "ignored"
        elif kind == b"u":  # u XY sub m1 m2 m3 mW h1 h2 h3 path
            path, state = tok.split(b" ", 10)[-1], "conflicted"
        elif kind in (b"1", b"2"):  # 1 XY sub mH mI mW hH hI [Xscore] path
            parts = tok.split(b" ", 9 if kind == b"2" else 8)
            path = parts[-1]
            if kind == b"2":
                i += 1  # the original path follows
            xy = _decode(parts[1])
            if "D" in xy:
                state = "deleted"
            elif xy[1:2] != ".":
                state = "modified"
            else:
                state = "staged"
        else:
            continue
        if _fsdecode(path) == relpath:
            found.add(state)
    order: tuple[FileState, ...] = (
        "conflicted", "deleted", "modified", "staged", "untracked", "ignored",
    )  # fmt: skip
    for state in order:
        if state in found:
            return state
    return "clean" if _is_tracked(repo, relpath) else "absent"


def is_clean_at_head(repo: StrPath, relpath: str) -> bool:
    """True if ``relpath`` exists in HEAD and the index and working tree match it."""
    return blob_at_head(repo, relpath) is not None and file_state(repo, relpath) == "clean"


def blob_at_head(repo: StrPath, relpath: str) -> str | None:
    """The blob id of ``relpath`` in HEAD; None if absent or there is no commit yet."""
    head = head_commit(repo)
    return blob_at(repo, head, relpath) if head else None


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


# ----------------------------------------------------- trailers and signatures

_SIG_FIELDS = ("%G?", "%GS", "%GF", "%GK", "%GP")  # never %GT: git 2.39 crashes on it (BUG)


def _signers_config(repo: StrPath, allowed_signers: StrPath | None) -> list[str]:
    """``-c gpg.ssh.allowedSignersFile=...`` for git log.

    With None the user's configured file is used; if none is configured an empty
    one is given, so that SSH-signed commits show ``U`` rather than git 2.39's
    misleading ``N``.
    """
    if allowed_signers is not None:
        path = str(_abspath(allowed_signers))
    elif config_get(repo, "gpg.ssh.allowedSignersFile") is None:
        path = os.devnull
    else:
        return []
    if "\n" in path or "\0" in path:
        raise ValueError(f"unusable allowed signers path {path!r}")
    return [f"gpg.ssh.allowedSignersFile={path}"]


def _signature(fields: Sequence[bytes]) -> Signature:
    status, signer, fpr, key, primary = (_decode(f) for f in fields)
    return Signature(status=status, signer=signer, fingerprint=fpr, key=key, primary_fingerprint=primary)


def verify_commit(repo: StrPath, rev: str, allowed_signers: StrPath | None = None) -> Signature:
    """Check the signature of one commit against an allowed signers file.

    ``allowed_signers`` None means the user's ``gpg.ssh.allowedSignersFile``.
    Never raises for a bad or missing signature: look at ``Signature.status``.
    """
    sha = resolve(repo, rev)
    proc = _run(
        repo,
        ["log", "-1", "--no-walk", "-z", "--format=" + "%x00".join(_SIG_FIELDS), sha],
        what=f"verifying the signature of {sha}",
        config=_signers_config(repo, allowed_signers),
    )
    fields = proc.stdout.split(b"\0")
    if len(fields) == len(_SIG_FIELDS) + 1 and fields[-1] == b"":
        fields.pop()  # the -z terminator
    if len(fields) != len(_SIG_FIELDS):
        raise GitError(f"unexpected output verifying {sha}: {proc.stdout[:200]!r}", repo=repo)
    return _signature(fields)


def trailer_commits(
    repo: StrPath,
    rev: str = "HEAD",
    trailer_key_prefix: str = "Slactl-",
    allowed_signers: StrPath | None = None,
    *,
    verify: bool = True,
) -> list[CommitWithTrailers]:
    """Commits in the ancestry of ``rev`` (newest first) with a trailer key starting
    with ``trailer_key_prefix`` (case-insensitive) in their FINAL trailer block.

    A ``Key: value`` line elsewhere in the message is not a trailer. Continuation
    lines are unfolded. With ``verify`` each commit's signature is checked against
    ``allowed_signers`` (None: the user's configured file) in the same git call;
    otherwise ``signature`` is None. One ``git log`` call in all.
    Returns [] if HEAD has no commit yet.
    """
    if not _TRAILER_PREFIX_RE.fullmatch(trailer_key_prefix):
        raise ValueError(f"a trailer key prefix is letters, digits and '-': {trailer_key_prefix!r}")
    start = _resolve_start(repo, rev)
    if start is None:
        return []
    fields = [
        *_COMMIT_FIELDS,
        "%(trailers:only=true,unfold=true,key_value_separator=%x1f)",
    ]  # fmt: skip
    if verify:
        fields += _SIG_FIELDS
    proc = _run(
        repo,
        [
            "log",
            "-z",
            "--extended-regexp",
            "--regexp-ignore-case",
            f"--grep=^{trailer_key_prefix}",  # cheap prefilter; the trailer block decides
            "--format=" + "%x00".join(fields),
            start,
            "--",
        ],
        what="reading approval commits",
        config=_signers_config(repo, allowed_signers) if verify else (),
    )
    tokens = proc.stdout.split(b"\0")
    nf = len(fields)
    if len(tokens) % nf == 1 and tokens[-1] == b"":
        tokens.pop()  # the -z terminator
    if len(tokens) % nf:
        raise GitError("unexpected git log output while reading trailers", repo=repo)
    prefix = trailer_key_prefix.lower()
    out: list[CommitWithTrailers] = []
    for i in range(0, len(tokens), nf):
        rec = tokens[i : i + nf]
        trailers = tuple(_parse_trailers(rec[9]))
        if not any(k.lower().startswith(prefix) for k, _ in trailers):
            continue
        out.append(
            CommitWithTrailers(
                **_commit_fields(rec),
                trailers=trailers,
                signature=_signature(rec[10:]) if verify else None,
            )
        )
    return out


def _parse_trailers(block: bytes) -> Iterator[tuple[str, str]]:
    for line in _decode(block).split("\n"):
        key, sep, value = line.partition("\x1f")
        if sep and key.strip():
            yield key.strip(), value.strip()


# -------------------------------------------------------------- allowed signers


def write_allowed_signers(entries: Iterable[tuple[str, str]], path: StrPath) -> None:
    """Write git's allowed signers file: one ``principal namespaces="git" type key`` line each.

    ``entries`` are ``(principal, public_key_line)``; the key line is as in a
    ``.pub`` file (``ssh-ed25519 AAAA... comment``; the comment is dropped).
    Raises ValueError for a principal that is not a plain name/e-mail (no
    whitespace, quotes, commas, wildcards...) or a key line that is not one SSH
    public key: nothing can inject extra lines or options. Written atomically.
    """
    lines = []
    for principal, key_line in entries:
        if not _PRINCIPAL_RE.fullmatch(principal):
            raise ValueError(
                f"principal {principal!r} may use only letters, digits and . _ @ + - "
                "(no spaces, quotes, commas or wildcards)"
            )
        lines.append(f'{principal} namespaces="git" {_check_public_key(key_line)}\n')
    target = Path(path)
    fd, name = tempfile.mkstemp(prefix=".allowed_signers.", dir=target.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="ascii", newline="\n") as fh:
            fh.writelines(lines)
        tmp.chmod(0o644)
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _check_public_key(key_line: str) -> str:
    """``type base64`` from an SSH public key line, or ValueError."""
    if any(c in key_line for c in "\r\n\0\"'\\") or not key_line.isascii():
        raise ValueError("an SSH public key line may not contain newlines, quotes or backslashes")
    parts = key_line.split()
    if len(parts) < 2 or parts[0] not in _SSH_KEY_TYPES or not _BASE64_RE.fullmatch(parts[1]):
        raise ValueError(f"not an SSH public key line: {key_line[:60]!r}")
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except binascii.Error:
        raise ValueError(f"bad base64 in SSH public key: {key_line[:60]!r}") from None
    n = int.from_bytes(blob[:4], "big")
    if blob[4 : 4 + n].decode("ascii", errors="replace") != parts[0]:
        raise ValueError(f"SSH public key data does not match its type {parts[0]!r}")
    return f"{parts[0]} {parts[1]}"


# ------------------------------------------------------------------------ config


def config_get(repo: StrPath, key: str, *, kind: Literal["str", "bool", "int", "path"] = "str") -> str | None:
    """The value of git config ``key`` as git sees it in ``repo``, or None if unset.

    ``kind`` lets git normalise the value (``bool`` -> "true"/"false", ``path``
    expands ``~``). The last value wins for multi-valued keys.
    """
    if not _CONFIG_KEY_RE.fullmatch(key):
        raise ValueError(f"not a git config key: {key!r}")
    args = ["config", "--get"]
    if kind != "str":
        args.append(f"--type={kind}")
    proc = _run(repo, [*args, "--end-of-options", key], what=f"reading git config {key}", ok=(0, 1))
    if proc.returncode == 1:
        return None
    return _decode(proc.stdout).rstrip("\n")


# ------------------------------------------------------- approval commits and signing keys


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


def ident(
    repo: StrPath, who: Literal["author", "committer"], env: dict[str, str] | None = None
) -> tuple[str, str, str]:
    """``(name, e-mail, date)`` git would record as the author or committer now (date: ``<epoch> <tz>``)."""
    var = "GIT_AUTHOR_IDENT" if who == "author" else "GIT_COMMITTER_IDENT"
    proc = _run(repo, ["var", var], env=env or {}, what=f"reading the {who} identity")
    m = re.fullmatch(r"(.*) <([^<>]*)> (\d+ [+-]\d{4})", _lines(proc.stdout))
    if m is None:
        raise GitError(f"unexpected {var}: {_lines(proc.stdout)!r}", repo=repo)
    return m.group(1), m.group(2), m.group(3)


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


@dataclass(frozen=True, slots=True)
class SigningKey:
    """The key git will sign a commit with, read from its settings before signing.

    SSH: ``public_key`` is the ``type base64`` line (from ``user.signingKey``: a literal
    ``key::`` / ``ssh-`` key, a public key file, or a private key file with its ``.pub``
    beside it). OpenPGP: ``fingerprints`` of the secret key gpg would pick (primary key
    first, then subkeys), upper-case hex. ``sign_key`` is what to give ``-S``.
    """

    format: Literal["openpgp", "ssh"]
    configured: str  # user.signingKey as set, "" when unset
    public_key: str  # SSH only
    fingerprints: tuple[str, ...]  # OpenPGP only
    sign_key: str


_MAX_KEY_FILE = 64 * 1024


def signing_key(repo: StrPath) -> SigningKey:
    """The key ``git commit -S`` would use in ``repo``; SlactlError when it cannot be told."""
    fmt = (config_get(repo, "gpg.format") or "openpgp").lower()
    configured = config_get(repo, "user.signingkey") or ""
    if fmt == "ssh":
        return SigningKey("ssh", configured, _ssh_public_key(repo, configured), (), "")
    if fmt == "openpgp":
        return _gpg_signing_key(repo, configured)
    raise SlactlError(
        f"gpg.format is {fmt!r}: approvals are signed with SSH or OpenPGP keys",
        path=str(repo),
        hint="`git config gpg.format ssh` (or openpgp) and `git config user.signingKey <your key>`",
    )


def _ssh_public_key(repo: StrPath, configured: str) -> str:
    if not configured:
        raise SlactlError(
            "git has no SSH signing key: user.signingKey is not set",
            path=str(repo),
            hint="`git config user.signingKey ~/.ssh/id_ed25519.pub` (the key listed for you in the roster); "
            "slactl does not run gpg.ssh.defaultKeyCommand",
        )
    # git's rule: "key::<key>" or a value starting "ssh-" is the key itself, anything else a file
    if configured.startswith("key::") or configured.startswith("ssh-"):
        line = configured.removeprefix("key::")
        where = "user.signingKey"
    else:
        path = Path(configured).expanduser()
        if not path.is_absolute():
            path = Path(os.fspath(repo)) / path
        found, where = _first_key_line(path), str(path)
        if found is None:
            pub = path.with_name(path.name + ".pub")
            found, where = _first_key_line(pub), str(pub)
        if found is None:
            raise SlactlError(
                f"cannot tell which SSH key user.signingKey {configured!r} is: "
                "it is not a public key and has no .pub file beside it",
                path=str(path),
                hint="set user.signingKey to your public key file (the agent or the private key beside it signs)",
            )
        line = found
    try:
        return _check_public_key(line)
    except ValueError as exc:
        raise SlactlError(f"user.signingKey: {exc}", path=where) from None


def _first_key_line(path: Path) -> str | None:
    try:
        if not path.is_file():  # never open a FIFO or a device: it could block
            return None
        with path.open("rb") as fh:
            head = fh.read(_MAX_KEY_FILE)
    except OSError:
        return None
    for raw in head.decode("ascii", errors="replace").splitlines():
        parts = raw.split()
        if parts and parts[0] in _SSH_KEY_TYPES:
            return raw.strip()
        if parts:
            return None  # a private key, or not a key at all
    return None


def _gpg_signing_key(repo: StrPath, configured: str) -> SigningKey:
    program = config_get(repo, "gpg.openpgp.program") or config_get(repo, "gpg.program") or "gpg"
    if configured:
        spec, sign_key = configured, ""
    else:
        # what git does without user.signingKey: gpg picks a key for the committer identity
        name, email, _ = ident(repo, "committer")
        spec, sign_key = f"{name} <{email}>", ""
    cmd = [program, "--batch", "--no-tty", "--with-colons", "--fixed-list-mode", "--list-secret-keys", "--"]
    try:
        proc = subprocess.run(
            [*cmd, spec.removesuffix("!")], capture_output=True, stdin=subprocess.DEVNULL, check=False
        )
    except OSError as exc:
        raise SlactlError(f"cannot run {program!r}: {exc.strerror}", hint="install gnupg, or set gpg.program") from None
    blocks: list[tuple[bool, list[str]]] = []
    for line in _decode(proc.stdout).splitlines():
        fields = line.split(":")
        if fields[0] == "sec":
            blocks.append(("S" in (fields[11] if len(fields) > 11 else ""), []))
        elif fields[0] == "fpr" and blocks and len(fields) > 9:
            blocks[-1][1].append(fields[9].upper())
    usable = [fprs for can_sign, fprs in blocks if can_sign and fprs] or [fprs for _, fprs in blocks if fprs]
    if not usable:
        raise SlactlError(
            f"gpg has no secret key for {spec!r}, so git cannot sign with it",
            path=str(repo),
            hint="`gpg --list-secret-keys` shows your keys; `git config user.signingKey <fingerprint>`",
        )
    fingerprints = tuple(usable[0])
    if not configured:
        sign_key = fingerprints[0]  # sign with exactly the key that was checked
    return SigningKey("openpgp", configured, "", fingerprints, sign_key)
