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
class StageVerdict:
    """One required stage of the agreement and whether it holds for the rendered content (as ``slactl status``)."""

    stage: str
    roles: tuple[str, ...]
    holds: bool


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
    # Every required stage, judged as `slactl status` judges it; None when nothing was judged
    # (no repository, or a value built by hand): such a rendering is never final.
    stages: tuple[StageVerdict, ...] | None = None
    # Where the file still holds a placeholder (``TODO``), as dotted paths: "metadata.title".
    placeholders: tuple[str, ...] = ()
    # Why the approvals could not be judged, when they could not (said on the cover).
    problems: tuple[str, ...] = ()
    # Revisions of the agreement approved at its last stage, this one included when it is.
    approved_revisions: int = 0
    # The agreement's clauses with their words (slactl.clauses.Resolved), as the digest covers them.
    clauses: tuple[Any, ...] = ()

    @property
    def draft(self) -> bool:
        """Not rendered from a committed version of the file."""
        return self.state != "committed"

    @property
    def final(self) -> bool:
        """Committed, no placeholder left, and every required stage holds for this content."""
        return not draft_reasons(self)


# The name of the value before it carried the approvals; callers and tests still use it.
Fingerprint = Provenance


def term_epoch(agreement: Agreement) -> int:
    """The output's timestamp when no commit dates it: midnight UTC of the term's start."""
    return int(datetime.combine(agreement.term.start, time(0), tzinfo=UTC).timestamp())


def draft_reasons(provenance: Provenance) -> list[str]:
    """Why a rendering is a draft, in plain words (empty when it is final).

    Final means: rendered from a committed version, no placeholder left, and every required
    approval stage holds for the content's digest (the judgement of ``slactl status``).
    """
    from slactl.render.common import stage_title

    reasons: list[str] = []
    if provenance.state == "untracked":
        reasons.append("the file is not under version control, so no approval can be recorded for it")
    elif provenance.state == "modified":
        reasons.append("the file has changes that are not committed")
    if provenance.placeholders:
        count = len(provenance.placeholders)
        shown = ", ".join(provenance.placeholders[:5]) + (f" and {count - 5} more" if count > 5 else "")
        reasons.append(f"placeholders remain ({'TODO' if count == 1 else f'{count} TODOs'}: {shown})")
    reasons.extend(provenance.problems)
    if provenance.stages is None:
        if provenance.state != "untracked":
            reasons.append("the approvals were not judged")
    elif not provenance.stages:
        reasons.append("the agreement names no approval stage, so nothing shows it was accepted")
    else:
        missing = [s for s in provenance.stages if not s.holds]
        if missing:
            names = [stage_title(s.stage, s.roles) for s in missing]
            which = "this approval stage does" if len(missing) == 1 else "these approval stages do"
            reasons.append(f"{which} not hold for this content: {_and(names)}")
    return reasons


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
