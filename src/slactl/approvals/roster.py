"""Who may approve: the roster of ``slactl.yaml``, and who a commit signature proves.

Core module: never prints or exits; failures a user can fix are ``SlactlError``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from slactl import git as gitio
from slactl.errors import SlactlError

if TYPE_CHECKING:
    from slactl.model.config import RepoConfig

CONFIG_NAME = "slactl.yaml"
_GPG_FPR_RE = re.compile(r"[0-9A-F]{40}|[0-9A-F]{64}")
_SSH_STATUS_REASONS = {
    "B": "bad signature: the commit does not match its signature",
    "X": "the signature has expired",
    "Y": "the signature was made by an expired key",
    "R": "the signature was made by a revoked key",
    "E": "the signature cannot be checked (is the signer's public key in the keyring?)",
}


@dataclass(frozen=True, slots=True)
class Person:
    """One roster entry; ``ssh_fingerprints`` are ``SHA256:...`` of ``ssh_keys``, in order."""

    name: str
    email: str
    roles: tuple[str, ...]
    ssh_keys: tuple[str, ...]
    ssh_fingerprints: tuple[str, ...]
    gpg_fingerprints: tuple[str, ...]  # upper-case hex, no spaces

    @property
    def label(self) -> str:
        return f"{self.name} <{self.email}>"


@dataclass(frozen=True)
class Roster:
    """Who may approve, and where the list was read from (``slactl.yaml at origin/main``)."""

    people: tuple[Person, ...]
    source: str

    def by_email(self, email: str) -> Person | None:
        wanted = email.lower()
        return next((p for p in self.people if p.email.lower() == wanted), None)

    def by_ssh_fingerprint(self, fingerprint: str) -> Person | None:
        return next((p for p in self.people if fingerprint in p.ssh_fingerprints), None)

    def by_gpg_fingerprint(self, fingerprint: str) -> Person | None:
        wanted = _norm_gpg(fingerprint)
        if not wanted:
            return None
        return next((p for p in self.people if wanted in p.gpg_fingerprints), None)

    def allowed_signers(self) -> list[tuple[str, str]]:
        """``(principal, key line)`` for git's allowed-signers file; the principal is the e-mail."""
        return [(p.email, key) for p in self.people for key in p.ssh_keys]


def _norm_gpg(fingerprint: str) -> str:
    return re.sub(r"\s+", "", fingerprint).upper()


def ssh_fingerprint(key_line: str) -> str:
    """``SHA256:<base64>`` of an SSH public key line, as ``ssh-keygen -l`` and git's ``%GF`` show it."""
    parts = key_line.split()
    if len(parts) < 2:
        raise ValueError(f"not an SSH public key line: {key_line[:60]!r}")
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except binascii.Error:
        raise ValueError(f"bad base64 in SSH public key: {key_line[:60]!r}") from None
    digest = base64.b64encode(hashlib.sha256(blob).digest()).decode("ascii").rstrip("=")
    return f"SHA256:{digest}"


def roster_from_config(people: Iterable[Any], source: str) -> Roster:
    """A checked roster from ``Person`` models: duplicate e-mails or keys are refused (ambiguous identity)."""
    out: list[Person] = []
    emails: dict[str, str] = {}
    keys: dict[str, str] = {}
    for model in people:
        email = model.email.lower()
        if email in emails:
            raise SlactlError(
                f"the roster lists {model.email} twice ({emails[email]} and {model.name})",
                path=source,
                hint="one roster entry per person: the e-mail is the identity a signature maps to",
            )
        emails[email] = model.name
        fingerprints = []
        for key in model.ssh_keys:
            # gitio.write_allowed_signers checks principal and key strictly later; this names the person
            try:
                fingerprints.append(ssh_fingerprint(key))
            except ValueError as exc:
                raise SlactlError(f"roster entry {model.name}: {exc}", path=source) from None
        gpg = []
        for fpr in model.gpg_fingerprints:
            norm = _norm_gpg(fpr)
            if not _GPG_FPR_RE.fullmatch(norm):
                raise SlactlError(
                    f"roster entry {model.name}: {fpr!r} is not a full GPG fingerprint (40 hex digits)",
                    path=source,
                    hint="`gpg --fingerprint <email>` shows it; short key ids can collide",
                )
            gpg.append(norm)
        for fpr in (*fingerprints, *gpg):
            if fpr in keys and keys[fpr] != model.name:
                raise SlactlError(
                    f"the roster gives the same key {fpr} to {keys[fpr]} and {model.name}",
                    path=source,
                    hint="a key proves one person's identity; give each person their own key",
                )
            keys[fpr] = model.name
        out.append(
            Person(
                name=model.name,
                email=model.email,
                roles=tuple(model.roles),
                ssh_keys=tuple(model.ssh_keys),
                ssh_fingerprints=tuple(fingerprints),
                gpg_fingerprints=tuple(gpg),
            )
        )
    return Roster(tuple(out), source)


def _parse_yaml_model(raw: bytes, where: str, model: type[Any]) -> Any:
    from pydantic import ValidationError

    from slactl.loading import LoadError, load_bytes
    from slactl.parse import schema_findings

    try:
        loaded = load_bytes(raw)
    except LoadError as exc:
        raise exc.at(where) from None
    try:
        return model.model_validate(loaded.data if loaded.data is not None else {})
    except ValidationError as exc:
        first = schema_findings(exc, loaded, where, model)
        lines = "; ".join(f"line {f.line}: {f.path}: {f.message}" for f in first[:5])
        raise SlactlError(f"invalid {model.__name__}: {lines}", path=where) from None


def _inside(relpath: str) -> str | None:
    """A repository-relative posix path without ``..`` escapes, or None."""
    parts: list[str] = []
    for part in PurePosixPath(relpath).parts:
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts) if parts else None


def load_roster(repo: Path, config_relpath: str, base: str | None = None) -> Roster:
    """The roster from ``slactl.yaml`` (its ``people``, or the file its ``roster:`` names).

    With ``base`` both files are read from that revision, not from the working tree: a
    change under review cannot add its own keys. A missing ``slactl.yaml`` gives an
    empty roster (nobody is trusted).
    """
    from slactl.model.config import RepoConfig, RosterFile

    def read(relpath: str) -> bytes | None:
        from slactl.loading import read_bounded  # a huge file is refused by decode, not read whole

        if base is not None:
            return gitio.read_file_at(repo, base, relpath)
        target = repo / relpath
        try:
            return read_bounded(target) if target.is_file() else None
        except OSError as exc:
            raise SlactlError(f"cannot read file: {exc.strerror}", path=str(target)) from None

    where = f"{config_relpath} at {base}" if base is not None else config_relpath
    raw = read(config_relpath)
    if raw is None:
        return Roster((), f"{where} (not found: nobody may approve)")
    config: RepoConfig = _parse_yaml_model(raw, where, RepoConfig)
    if config.roster is None:
        return roster_from_config(config.people, where)
    if config.people:
        raise SlactlError(
            "slactl.yaml gives both `people` and `roster`",
            path=where,
            hint="keep the people in one place: either list them under `people` or name a roster file",
        )
    folder = PurePosixPath(config_relpath).parent
    roster_rel = _inside(str(folder / config.roster))
    if roster_rel is None:
        raise SlactlError(f"the roster file {config.roster!r} is outside the repository", path=where)
    roster_where = f"{roster_rel} at {base}" if base is not None else roster_rel
    roster_raw = read(roster_rel)
    if roster_raw is None:
        raise SlactlError(f"the roster file {config.roster!r} named in slactl.yaml does not exist", path=roster_where)
    roster_file: RosterFile = _parse_yaml_model(roster_raw, roster_where, RosterFile)
    return roster_from_config(roster_file.people, roster_where)


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a signature proves, or why it proves nobody.

    ``verified`` with a ``person``: a good signature by a roster key. ``unsigned``: no
    signature at all (may count as unverified). Otherwise ``reason`` says what is wrong.
    """

    person: Person | None
    verified: bool
    unsigned: bool
    reason: str | None
    key: str  # the key fingerprint git reported, "" when none


def _is_ssh(fingerprint: str) -> bool:
    return fingerprint.startswith("SHA256:")


def identify(signature: gitio.Signature, roster: Roster) -> Identity:
    """Map git's signature check (``%G? %GS %GF %GP``) to a roster person. Pure."""
    status, fpr = signature.status, signature.fingerprint
    if status == "N":
        return Identity(None, False, True, "unsigned", "")
    if status in _SSH_STATUS_REASONS:
        return Identity(None, False, False, _SSH_STATUS_REASONS[status], fpr)
    if status not in ("G", "U"):
        return Identity(None, False, False, f"unknown signature status {status!r}", fpr)
    if _is_ssh(fpr):
        if status != "G":
            reason = f"signed with SSH key {fpr}, which is not in the roster ({roster.source})"
            return Identity(None, False, False, reason, fpr)
        person = roster.by_email(signature.signer)
        if person is None or fpr not in person.ssh_fingerprints:
            # Only possible if the allowed-signers file was not the roster's: never trust it.
            reason = f"signer {signature.signer!r} with key {fpr} does not match the roster"
            return Identity(None, False, False, reason, fpr)
        return Identity(person, True, False, None, fpr)
    # OpenPGP (or X.509): git's trust level comes from the local keyring; the roster decides
    # instead, so a good signature of unknown validity (U) counts when the key is listed.
    person = roster.by_gpg_fingerprint(fpr) or roster.by_gpg_fingerprint(signature.primary_fingerprint)
    if person is None:
        reason = f"signed with key {fpr or signature.key}, which is not in the roster ({roster.source})"
        return Identity(None, False, False, reason, fpr)
    return Identity(person, True, False, None, fpr)


def _config_relpath(repo: Path, start: Path) -> str:
    """The repository path of the slactl.yaml that governs ``start`` (root's when there is none yet)."""
    from slactl.config import find_config

    found = find_config(start)
    if found is None:
        return CONFIG_NAME
    return gitio.rel_path(repo, found)


def _nearest_config(relpath: str, configs: set[str]) -> str:
    """The nearest ``slactl.yaml`` above ``relpath`` among ``configs`` (root's when none)."""
    for folder in PurePosixPath(relpath).parents:
        candidate = CONFIG_NAME if str(folder) == "." else f"{folder}/{CONFIG_NAME}"
        if candidate in configs:
            return candidate
    return CONFIG_NAME


def write_roster_signers(roster: Roster, path: Path) -> Path:
    """Git's allowed-signers file for the roster's SSH keys (principal: the person's e-mail)."""
    try:
        gitio.write_allowed_signers(roster.allowed_signers(), path)
    except ValueError as exc:
        raise SlactlError(f"cannot use the roster: {exc}", path=roster.source) from None
    return path


def roster_for(repo: Path, start: Path, base: str | None = None) -> Roster:
    """The roster that governs ``start``: the nearest slactl.yaml above it, in ``base`` when given."""
    if base is None:
        return load_roster(repo, _config_relpath(repo, start), None)
    configs = {p for p, _ in gitio.tree_files(repo, base) if PurePosixPath(p).name == CONFIG_NAME}
    return load_roster(repo, _nearest_config(gitio.rel_path(repo, start), configs), base)


def _repo_of(path: Path) -> Path:
    repo = gitio.find_repo(path)
    if repo is None:
        raise SlactlError(
            "not inside a git repository",
            path=str(path),
            hint="approvals live in git: run `git init` and commit the agreement",
        )
    return repo
