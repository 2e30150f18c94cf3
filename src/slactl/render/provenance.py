"""What a rendering shows besides the agreement: which version of the file, and who approved it.

A plain frozen value, computed once by the caller (:func:`slactl.provenance.provenance_of`
asks git and the approvals engine) and only read here, so rendering never touches git.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from slactl.model.agreement import Agreement

State = Literal["committed", "modified", "untracked"]


@dataclass(frozen=True)
class ApprovalRecord:
    """One judged approval row, as the approvals engine supplies it (``slactl approve``)."""

    stage: str
    who: str
    when: date | datetime | None = None
    status: str = "approved"
    role: str | None = None


@dataclass(frozen=True)
class Provenance:
    """Which version of the file a rendering shows, and the approvals recorded for it.

    ``state`` is ``committed`` (the file is clean at ``commit``), ``modified`` (it differs from
    ``commit`` or is not committed yet) or ``untracked`` (no git repository).
    ``epoch`` is the reproducible timestamp of the output: the commit date when committed,
    else the start of the term (derived from the file, never the wall clock).
    ``approvals`` are the judged approval rows of the current content (stages not yet
    approved left out); the section lists every stage of the agreement either way.
    """

    digest: str
    state: State
    commit: str | None
    epoch: int
    approvals: tuple[ApprovalRecord, ...] = ()
    # The agreement's clauses with their words (slactl.clauses.Resolved), as the digest covers them.
    clauses: tuple[Any, ...] = ()

    @property
    def draft(self) -> bool:
        return self.state != "committed"


# The name of the value before it carried the approvals; callers and tests still use it.
Fingerprint = Provenance


def term_epoch(agreement: Agreement) -> int:
    """The output's timestamp when no commit dates it: midnight UTC of the term's start."""
    return int(datetime.combine(agreement.term.start, time(0), tzinfo=UTC).timestamp())
