"""The values slactl's git package returns: frozen dataclasses of plain strings, tuples and aware datetimes.

No GitPython object leaves the package.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from slactl.git._runner import _date, _decode

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


@dataclass(frozen=True, slots=True)
class ChangedFile:
    """One file that differs between two trees (see :func:`changed_files`)."""

    status: str  # A added, D deleted, M modified, R renamed, T type changed
    path: str  # the path on the new side (the old path for a deletion)
    old_path: str | None  # the path on the old side of a rename, else None


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
