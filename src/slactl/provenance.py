"""The provenance of a rendering, asked of git and the approvals engine once, above the renderer.

:mod:`slactl.render` is a pure function of the validated document and a
:class:`~slactl.render.provenance.Provenance`; this module computes that value (the digest,
the commit the file is clean at and its date, the judged approval rows). Git and the
approvals engine are imported only when it runs.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from slactl.render.provenance import ApprovalRecord, Provenance, term_epoch

if TYPE_CHECKING:
    from slactl.documents import ValidDocument
    from slactl.model.agreement import Agreement

__all__ = ["fingerprint", "provenance_of", "recorded_approvals"]


def provenance_of(valid: ValidDocument, *, base: str | None = None) -> Provenance:
    """Which version of ``valid``'s file a rendering shows, with the approvals recorded for it."""
    agreement: Agreement = valid.document  # type: ignore[assignment]
    return replace(fingerprint(valid.path, agreement), approvals=tuple(recorded_approvals(valid.path, base)))


def fingerprint(path: Path, agreement: Agreement) -> Provenance:
    """The digest, and the git commit when ``path`` is clean at HEAD of its repository (no approvals)."""
    from slactl.clause_sources import library_of
    from slactl.clauses import digest_part, resolve
    from slactl.digest import content_digest
    from slactl.git import GitError, commit_date, find_repo, head_commit, is_clean_at_head, rel_path

    # The clauses' words: the document prints them and the digest covers them.
    library = library_of(path)
    clauses = tuple(resolve(agreement, library)) if agreement.clauses else ()
    digest = content_digest(agreement, digest_part(agreement, library))
    try:
        repo = find_repo(path)
        if repo is None:
            return Provenance(digest, "untracked", None, term_epoch(agreement), clauses=clauses)
        head = head_commit(repo)
        if head is not None and is_clean_at_head(repo, rel_path(repo, path)):
            return Provenance(digest, "committed", head, int(commit_date(repo, head).timestamp()), clauses=clauses)
        return Provenance(digest, "modified", head, term_epoch(agreement), clauses=clauses)
    except GitError:
        # No git on this machine, or an unreadable repository: render as an unversioned draft.
        return Provenance(digest, "untracked", None, term_epoch(agreement), clauses=clauses)


def recorded_approvals(path: Path, base: str | None = None) -> list[ApprovalRecord]:
    """The approvals git records for the file's current content (stages not yet approved are left out).

    Judged as ``slactl status --base`` judges them: by the roster and stages at ``base``, by
    default the merge base of HEAD with the default branch (else HEAD), never the work tree's,
    so a branch that adds its own key to the roster does not render as approved.
    """
    from slactl.approvals import approval_table
    from slactl.git import find_repo, head_commit, merge_base_with_default

    repo = find_repo(path)
    if repo is None:
        return []
    if base is None:
        base = merge_base_with_default(repo) or head_commit(repo)
    return [
        ApprovalRecord(stage=row.stage, who=row.who, when=row.when, status=row.status, role=", ".join(row.roles))
        for row in approval_table(path, base=base)
        if row.status != "missing"
    ]
