"""Real, throw-away git repositories for tests, with pinned identities and dates.

Use the fixtures (exposed through ``tests/conftest.py``)::

    def test_something(git_repo: GitRepo) -> None:
        git_repo.write("slas/a.yaml", "name: a\\n")
        first = git_repo.commit("add a")              # dated BASE_DATE
        git_repo.mv("slas/a.yaml", "slas/b.yaml")
        git_repo.commit("rename", author="Bob <bob@example.com>")
        key = git_repo.make_ssh_key("alice")          # SshKey(private_path, public_line)
        sha = git_repo.commit_empty_signed("Approve\\n\\nSlactl-Approve: slas/b.yaml", key)

``git_env`` pins the process environment too (``HOME`` in tmp, no system or
global git config, fixed author/committer names, e-mails and dates, no
ssh-agent), so code under test that runs git sees the same world as the helper.

Helper commits get dates from a clock: ``BASE_DATE``, then one hour later for each
further commit, unless ``date=`` is given. Commits made by code under test get
``PINNED_DATE`` from the environment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

import pytest

BASE_DATE = datetime(2024, 1, 1, 9, 0, 0, tzinfo=UTC)
STEP = timedelta(hours=1)
PINNED_DATE = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)

AUTHOR = ("Alice Author", "alice@example.com")
COMMITTER = ("Carl Committer", "carl@example.com")


def git_date(when: datetime | str) -> str:
    """A date as git takes it in GIT_*_DATE: ``@<epoch> <+hhmm>`` (strings pass through)."""
    if isinstance(when, str):
        return when
    if when.tzinfo is None:
        raise ValueError("use an aware datetime")
    return f"@{int(when.timestamp())} {when.strftime('%z')}"


def git_test_env(home: Path) -> dict[str, str]:
    """The current environment minus every GIT_* / ssh-agent variable, plus pinned ones.

    ``home`` should be a folder inside the test's tmp folder: its parent becomes a
    git ceiling directory.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") and k != "SSH_AUTH_SOCK"}
    env.update(
        {
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "GNUPGHOME": str(home / ".gnupg"),
            "GIT_CONFIG_NOSYSTEM": "1",
            # never discover a repository above the test's tmp folder
            "GIT_CEILING_DIRECTORIES": str(home.parent),
            "GIT_AUTHOR_NAME": AUTHOR[0],
            "GIT_AUTHOR_EMAIL": AUTHOR[1],
            "GIT_AUTHOR_DATE": git_date(PINNED_DATE),
            "GIT_COMMITTER_NAME": COMMITTER[0],
            "GIT_COMMITTER_EMAIL": COMMITTER[1],
            "GIT_COMMITTER_DATE": git_date(PINNED_DATE),
            "LC_ALL": "C",
            "GIT_TERMINAL_PROMPT": "0",
        }
    )
    return env


def pin_git_env(monkeypatch: pytest.MonkeyPatch, home: Path) -> dict[str, str]:
    """Make ``os.environ`` equal to :func:`git_test_env` for this test; return it."""
    home.mkdir(parents=True, exist_ok=True)
    env = git_test_env(home)
    for key in list(os.environ):
        if key not in env:
            monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


def _identity(who: str | tuple[str, str]) -> tuple[str, str]:
    if isinstance(who, tuple):
        return who
    name, _, rest = who.partition("<")
    if not rest.endswith(">"):
        raise ValueError(f"expected 'Name <email>', got {who!r}")
    return name.strip(), rest[:-1].strip()


class SshKey(NamedTuple):
    """An SSH key pair made by ssh-keygen (no passphrase)."""

    private_path: Path
    public_line: str  # "ssh-ed25519 AAAA... comment"

    @property
    def public_path(self) -> Path:
        return self.private_path.with_name(self.private_path.name + ".pub")

    def fingerprint(self) -> str:
        """``SHA256:...`` as git reports it in ``%GF``."""
        out = subprocess.run(
            ["ssh-keygen", "-l", "-E", "sha256", "-f", str(self.public_path)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return out.split()[1]


def make_ssh_key(directory: Path, name: str, key_type: str = "ed25519") -> SshKey:
    """Make ``directory/name`` (+ ``.pub``) with ssh-keygen; skip the test if there is none."""
    if shutil.which("ssh-keygen") is None:
        pytest.skip("ssh-keygen is not installed")
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    subprocess.run(
        ["ssh-keygen", "-q", "-t", key_type, "-N", "", "-C", name, "-f", str(path)],
        check=True,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )
    return SshKey(path, path.with_name(name + ".pub").read_text().strip())


class GitRepo:
    """A work tree at ``path``; every git call uses the pinned ``env``."""

    def __init__(self, path: Path, env: Mapping[str, str], *, init: bool = True, branch: str = "main") -> None:
        self.path = path
        self.env = dict(env)
        self._ticks = 0
        if init:
            path.mkdir(parents=True, exist_ok=True)
            self.git("init", "-q", "-b", branch)

    # -- plumbing --------------------------------------------------------------

    def run(
        self, *args: str, input: str | None = None, env: Mapping[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run git; return the completed process whatever its exit code."""
        return subprocess.run(
            ["git", *args],
            cwd=self.path,
            env={**self.env, **(env or {})},
            input=input,
            capture_output=True,
            text=True,
            check=False,
        )

    def git(self, *args: str, input: str | None = None, env: Mapping[str, str] | None = None) -> str:
        """Run git; return stdout with the final newline removed; fail the test on error."""
        proc = self.run(*args, input=input, env=env)
        if proc.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr}")
        return proc.stdout.removesuffix("\n")

    def next_date(self) -> datetime:
        """The helper clock: BASE_DATE, +1h, +2h ... (one tick per call)."""
        when = BASE_DATE + self._ticks * STEP
        self._ticks += 1
        return when

    # -- files -----------------------------------------------------------------

    def file(self, relpath: str) -> Path:
        return self.path / relpath

    def write(self, relpath: str, text: str) -> Path:
        """Write a file (folders made as needed); not staged until commit/add."""
        target = self.file(relpath)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return target

    def write_bytes(self, relpath: str, data: bytes) -> Path:
        target = self.file(relpath)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return target

    def read(self, relpath: str) -> str:
        return self.file(relpath).read_text(encoding="utf-8")

    def add(self, *relpaths: str) -> None:
        self.git("add", "--", *(relpaths or (".",)))

    def rm(self, relpath: str) -> None:
        """``git rm`` (staged deletion)."""
        self.git("rm", "-q", "--", relpath)

    def mv(self, src: str, dst: str) -> None:
        """``git mv`` (staged rename; folders of ``dst`` made as needed)."""
        self.file(dst).parent.mkdir(parents=True, exist_ok=True)
        self.git("mv", "--", src, dst)

    # -- history ---------------------------------------------------------------

    def _commit_env(
        self,
        date: datetime | str | None,
        author: str | tuple[str, str] | None,
        committer: str | tuple[str, str] | None,
    ) -> dict[str, str]:
        when = git_date(date if date is not None else self.next_date())
        env = {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
        if author is not None:
            env["GIT_AUTHOR_NAME"], env["GIT_AUTHOR_EMAIL"] = _identity(author)
        if committer is not None:
            env["GIT_COMMITTER_NAME"], env["GIT_COMMITTER_EMAIL"] = _identity(committer)
        return env

    def commit(
        self,
        message: str,
        *,
        date: datetime | str | None = None,
        author: str | tuple[str, str] | None = None,
        committer: str | tuple[str, str] | None = None,
        add_all: bool = True,
        allow_empty: bool = False,
        sign_with: SshKey | None = None,
        cleanup: str = "whitespace",
    ) -> str:
        """Commit (staging everything first unless ``add_all=False``); return the sha.

        ``author``/``committer`` are ``"Name <email>"`` or ``(name, email)``.
        ``sign_with`` signs with that SSH key (``gpg.format=ssh`` for this commit only).
        ``cleanup`` is git's ``--cleanup`` mode ("verbatim" keeps the message byte for byte).
        """
        if add_all:
            self.git("add", "-A")
        args = ["commit", "-q", f"--cleanup={cleanup}", "-F", "-"]
        config: list[str] = []
        if allow_empty:
            args.append("--allow-empty")
        if sign_with is not None:
            config = ["-c", "gpg.format=ssh", "-c", f"user.signingkey={sign_with.private_path}"]
            args.append("-S")
        self.git(*config, *args, input=message, env=self._commit_env(date, author, committer))
        return self.head()

    def commit_empty_signed(
        self,
        message: str,
        key: SshKey,
        *,
        date: datetime | str | None = None,
        author: str | tuple[str, str] | None = None,
    ) -> str:
        """An SSH-signed commit without file changes (what ``slactl approve`` records)."""
        return self.commit(message, date=date, author=author, add_all=False, allow_empty=True, sign_with=key)

    def branch(self, name: str, start: str = "HEAD") -> None:
        self.git("branch", "--", name, start)

    def checkout(self, name: str) -> None:
        self.git("checkout", "-q", name, "--")

    def merge(
        self,
        name: str,
        message: str | None = None,
        *,
        date: datetime | str | None = None,
        author: str | tuple[str, str] | None = None,
        ff: bool = False,
    ) -> str:
        """Merge branch ``name`` into the current one (``--no-ff`` unless ``ff``); return HEAD."""
        args = ["merge", "-q", "--ff" if ff else "--no-ff", "-m", message or f"Merge {name}", name]
        self.git(*args, env=self._commit_env(date, author, None))
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")

    def rev(self, rev: str) -> str:
        """Full sha of any object name (``HEAD~1``, ``HEAD:path`` for a blob id...)."""
        return self.git("rev-parse", "--verify", rev)

    def config(self, key: str, value: str) -> None:
        self.git("config", key, value)

    # -- signing ---------------------------------------------------------------

    def make_ssh_key(self, name: str) -> SshKey:
        """A new key pair in ``<repo>/../keys`` (outside the work tree)."""
        return make_ssh_key(self.path.parent / "keys", name)

    def use_signing_key(self, key: SshKey) -> None:
        """Configure the repository to sign with ``key`` (gpg.format=ssh, user.signingkey)."""
        self.config("gpg.format", "ssh")
        self.config("user.signingkey", str(key.private_path))


@pytest.fixture
def git_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Pinned git environment (also applied to os.environ for the test)."""
    return pin_git_env(monkeypatch, tmp_path / "home")


@pytest.fixture
def git_repo(tmp_path: Path, git_env: dict[str, str]) -> GitRepo:
    """An empty repository at ``tmp_path/"repo"`` on branch ``main``."""
    return GitRepo(tmp_path / "repo", git_env)


@pytest.fixture
def ssh_key_factory(tmp_path: Path) -> Iterator[Callable[[str], SshKey]]:
    """``factory(name) -> SshKey``: keys in ``tmp_path/"keys"``."""
    yield lambda name: make_ssh_key(tmp_path / "keys", name)
