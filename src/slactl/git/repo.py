"""Repositories, paths, revisions, refs, config and the working tree: one git command each.

User-controlled revisions are first resolved to full object ids with
``git rev-parse --verify --end-of-options``; paths always follow ``--``. So no user
string can ever be taken for an option.

:func:`find_repo` runs without GitPython (see :func:`slactl.git._runner.run_plain`):
commands that only look for a repository stay light. GitPython's ``Repo`` finds a
repository and reads its config in Python, which is not what git does (no
``GIT_CEILING_DIRECTORIES``, ``safe.directory``, ``includeIf``, ``--type`` normalisation):
what slactl trusts is what git itself reports, through the command wrapper.
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path
from typing import Literal

from slactl.git._runner import (
    _OID_RE,
    GitError,
    StrPath,
    _abspath,
    _date,
    _decode,
    _fsdecode,
    _lines,
    _run,
    run_plain,
)
from slactl.git.records import ChangedFile, FileState

_CONFIG_KEY_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*\.[^\n\0]*")

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
    # any exit code: outside a work tree git says so with 128
    proc = run_plain(p, ["rev-parse", "--show-toplevel"], what="finding the repository", ok=range(-255, 256))
    top = _fsdecode(proc.stdout).rstrip("\n")
    if proc.returncode != 0 or not top:
        return None
    return Path(top)


def init_repository(folder: StrPath) -> None:
    """``git init`` ``folder`` (made if missing); GitError when git cannot."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    run_plain(folder, ["init", "-q"], what="making a repository")


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


def root_commit(repo: StrPath) -> str | None:
    """The first commit of HEAD's history (the oldest root, if merges brought in several); None without one."""
    if head_commit(repo) is None:
        return None
    proc = _run(repo, ["rev-list", "--max-parents=0", "HEAD"], what="finding the root commit", ok=(0,))
    roots = _lines(proc.stdout).split()
    return roots[-1] if roots else None


def remote_names(repo: StrPath) -> list[str]:
    """The names of the repository's remotes (``origin``...), sorted; empty without any."""
    proc = _run(repo, ["remote"], what="listing remotes", ok=(0,))
    return sorted(line for line in _fsdecode(proc.stdout).splitlines() if line)


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
