"""How slactl runs git: GitPython's command wrapper, with a pinned environment and options.

Every git process is started the same way (see :func:`_git_command` and :func:`_git_env`):

* ``LC_ALL=C``, no pager, no terminal prompts, no editor, no optional locks;
* ``GIT_LITERAL_PATHSPECS=1``: a path is always a literal path, never a glob
  or ``:(magic)`` pathspec;
* ``--no-replace-objects``: ``refs/replace`` cannot make history look different
  from what was really committed and signed;
* repository-locating variables (``GIT_DIR``, ``GIT_WORK_TREE``, ``GIT_INDEX_FILE``
  ...) inherited from e.g. a git hook are dropped: the repository is the one given;
* ``-c`` overrides for user settings that would change machine-readable output
  (``log.showSignature``, ``color.ui``, ``log.showRoot``, ``core.quotepath``, ...).

Commands run through GitPython's :class:`git.cmd.Git` (``execute``), and blobs come from
its persistent ``cat-file --batch`` object database (:func:`open_repo`). GitPython starts
every git from a copy of ``os.environ`` plus what it is given, and has no way to *unset*
a variable, so :func:`_scrub_environ` removes the repository-locating variables from this
process's environment before each start (slactl never wants them: they come from a hook
or a shell, never from the user's intent for slactl); ``Repo`` reads some of them too.

GitPython is imported on first use, never when this package is imported: ``slactl
validate`` (a pre-commit hook, cold start budgeted) runs its one git command,
``check-attr``, through :func:`run_plain`, the same command line and environment started
with :mod:`subprocess`.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from slactl.errors import SlactlError

if TYPE_CHECKING:
    from git.cmd import Git
    from git.repo import Repo

StrPath = str | os.PathLike[str]

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


@dataclass(frozen=True, slots=True)
class Completed:
    """What one git process gave back (the fields of :class:`subprocess.CompletedProcess` we use)."""

    args: tuple[str, ...]
    returncode: int
    stdout: bytes
    stderr: bytes


# --------------------------------------------------------------------- environment


def _scrub_environ() -> None:
    """Remove the repository-locating variables from this process's environment (see the module)."""
    for key in _DROP_ENV:
        os.environ.pop(key, None)


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


# ----------------------------------------------------------------------- errors


def _no_git(repo: StrPath | None, cmd: Sequence[str]) -> GitError:
    return GitError(
        "the git executable was not found",
        repo=repo,
        hint="install git (2.34 or newer) and make sure it is on PATH",
        command=cmd,
    )


def _no_folder(repo: StrPath, what: str, cmd: Sequence[str]) -> GitError:
    return GitError(
        f"{what} failed: the repository folder does not exist",
        repo=repo,
        hint="check the path of the repository",
        command=cmd,
    )


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


# ------------------------------------------------------------------ GitPython


def _gitpython(repo: StrPath | None, cmd: Sequence[str]) -> None:
    """Import GitPython (first use only); GitError when it or the git executable is missing."""
    try:
        import git  # noqa: F401  (GitPython: runs `git version` once, on first import)
    except ModuleNotFoundError as exc:
        if exc.name not in ("git", "gitdb", "smmap"):
            raise
        raise GitError(
            "GitPython is not installed",
            repo=repo,
            hint="install slactl with its dependencies (`pip install slactl`)",
            command=cmd,
        ) from exc
    except ImportError as exc:  # GitPython refuses to load without a git executable
        raise _no_git(repo, cmd) from exc


def _wrapper(repo: StrPath, env: dict[str, str] | None = None) -> Git:
    """GitPython's command wrapper for ``repo``, with the pinned environment and options."""
    _gitpython(repo, [_GIT])
    from git.cmd import Git

    g = Git(os.fspath(repo))
    g.update_environment(**_PINNED_ENV, **(env or {}))
    return g


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
) -> Completed:
    """Run ``git <args>`` in ``repo`` through GitPython; return codes outside ``ok`` raise GitError."""
    from git.exc import GitCommandNotFound

    cmd = _git_command(args, config)
    if not Path(repo).is_dir():  # GitPython would run git in the current folder instead
        raise _no_folder(repo, what, cmd)
    _scrub_environ()
    g = _wrapper(repo, env)
    with tempfile.TemporaryFile() if input is not None else _nothing() as stdin:
        if stdin is not None:
            stdin.write(input or b"")
            stdin.seek(0)
        try:
            code, out, err = g.execute(
                cmd,
                istream=stdin,
                with_extended_output=True,
                with_exceptions=False,
                stdout_as_string=False,
                strip_newline_in_stdout=False,
            )
        except GitCommandNotFound as exc:
            if not Path(repo).is_dir():
                raise _no_folder(repo, what, cmd) from exc
            raise _no_git(repo, cmd) from exc
    stdout = out if isinstance(out, bytes) else os.fsencode(out or "")
    stderr = err.encode("utf-8", "surrogateescape")
    if code not in tuple(ok):
        raise _failed(repo, what, args[0], cmd, code, stderr, hint)
    return Completed(tuple(cmd), code, stdout, stderr)


@contextmanager
def _nothing() -> Iterator[None]:
    yield None


def run_plain(
    repo: StrPath,
    args: Sequence[str],
    *,
    what: str,
    input: bytes | None = None,
    ok: Iterable[int] = (0,),
) -> Completed:
    """:func:`_run` without GitPython: the same command line and environment, through :mod:`subprocess`.

    For the light commands (``slactl validate``'s ``check-attr``, :func:`~slactl.git.find_repo`)
    that must not pay GitPython's import.
    """
    cmd = _git_command(args)
    try:
        proc = subprocess.run(
            cmd,
            cwd=os.fspath(repo),
            env=_git_env(),
            input=input,
            stdin=None if input is not None else subprocess.DEVNULL,
            capture_output=True,
            check=False,
        )
    except (FileNotFoundError, NotADirectoryError) as exc:
        if not Path(repo).is_dir():
            raise _no_folder(repo, what, cmd) from exc
        raise _no_git(repo, cmd) from exc
    if proc.returncode not in tuple(ok):
        raise _failed(repo, what, args[0], cmd, proc.returncode, proc.stderr, None)
    return Completed(tuple(cmd), proc.returncode, proc.stdout, proc.stderr)


@contextmanager
def open_repo(repo: StrPath) -> Iterator[Repo]:
    """GitPython's ``Repo`` for the work tree ``repo`` with the persistent ``cat-file`` object database.

    Its git processes get the pinned environment and options; they end when the block does.
    """
    cmd = _git_command(["cat-file", "--batch"])
    if not Path(repo).is_dir():
        raise _no_folder(repo, "reading blobs", cmd)
    _scrub_environ()
    _gitpython(repo, cmd)
    from git.db import GitCmdObjectDB
    from git.exc import GitError as GitPythonError
    from git.repo import Repo

    try:
        found = Repo(os.fspath(repo), odbt=GitCmdObjectDB, search_parent_directories=True, expand_vars=False)
    except GitPythonError as exc:
        raise GitError(
            f"reading blobs failed: {exc.__class__.__name__}: {exc}",
            repo=repo,
            hint="run slactl inside a git work tree (or `git init` one)",
            command=cmd,
        ) from exc
    with found:
        found.git.update_environment(**_PINNED_ENV)
        # GitPython builds the cat-file command line itself: the same options as _git_command
        found.git.set_persistent_git_options(no_pager=True, no_replace_objects=True, c=list(_PINNED_CONFIG))
        yield found
