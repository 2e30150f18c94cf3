"""Signatures: checking a commit's signature, the allowed signers file, the key git signs with.

Every principal and public key that reaches the allowed signers file is checked here
(plain names, known SSH key types, base64 that matches its type, key files read to 64 KB
at most and never from a FIFO or device).
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from slactl.errors import SlactlError
from slactl.git._runner import GitError, StrPath, _abspath, _decode, _run
from slactl.git.records import Signature, SigningKey
from slactl.git.repo import config_get, ident, resolve

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
