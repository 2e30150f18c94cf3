"""The approval trailers: their names, reading them from a commit and writing them into a message.

An approval commit's final trailer block reads::

    Slactl-Agreement: <metadata.id>
    Slactl-Approval: <stage id from approvals.stages>
    Slactl-Digest: sha256:<hex>            (slactl.digest.content_digest of the committed file)

The one place these names are spelled: ``approve`` writes them, ``status`` and ``history``
read them (through git's own trailer parsing in ``slactl.git``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from slactl import git as gitio

__all__ = ["AGREEMENT", "APPROVAL", "DIGEST", "PREFIX", "ApprovalTrailers", "approval_commits", "message", "read"]

AGREEMENT = "Slactl-Agreement"
APPROVAL = "Slactl-Approval"
DIGEST = "Slactl-Digest"
PREFIX = "Slactl-"  # git is asked for commits whose final trailer block has a key starting so
_DIGEST_RE = re.compile(r"sha256:[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class ApprovalTrailers:
    """The approval trailers of one commit, as many of each as it has (in message order)."""

    agreements: tuple[str, ...]
    stages: tuple[str, ...]
    digests: tuple[str, ...]

    @property
    def problem(self) -> str | None:
        """Why these trailers are not one approval (None when they are exactly one, well formed)."""
        ids, stages, digests = self.agreements, self.stages, self.digests
        if len(ids) != 1 or len(stages) != 1 or len(digests) != 1:
            return (
                f"needs exactly one each of {AGREEMENT}, {APPROVAL} and {DIGEST} "
                f"(found {len(ids)}, {len(stages)}, {len(digests)})"
            )
        if not _DIGEST_RE.fullmatch(digests[0]):
            return f"{DIGEST} is not sha256:<64 hex digits>"
        return None

    @property
    def stage(self) -> str:
        """The first stage named ("?" when none): what a listing shows."""
        return self.stages[0] if self.stages else "?"

    @property
    def digest(self) -> str:
        """The first digest named ("" when none)."""
        return self.digests[0] if self.digests else ""


def read(commit: gitio.CommitWithTrailers) -> ApprovalTrailers:
    """The approval trailers of ``commit`` (git parsed its final trailer block)."""
    return ApprovalTrailers(
        tuple(commit.values(AGREEMENT)), tuple(commit.values(APPROVAL)), tuple(commit.values(DIGEST))
    )


def message(agreement_id: str, stage: str, digest: str, note: str | None = None) -> str:
    """The approval commit message: subject, optional note, then the three trailers as the final block."""
    body = f"Approve {agreement_id}: {stage}\n\n"
    if note and note.strip():
        body += note.strip() + "\n\n"
    body += f"{AGREEMENT}: {agreement_id}\n{APPROVAL}: {stage}\n{DIGEST}: {digest}\n"
    return body


def approval_commits(
    repo: Path, rev: str, allowed_signers: Path | None, *, verify: bool = True
) -> list[gitio.CommitWithTrailers]:
    """Commits reachable from ``rev`` whose final trailer block has a ``Slactl-`` trailer."""
    from slactl import git as gitio

    return gitio.trailer_commits(repo, rev, PREFIX, allowed_signers, verify=verify)
