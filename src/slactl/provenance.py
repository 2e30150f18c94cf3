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

from slactl.errors import SlactlError
from slactl.render.provenance import ApprovalRecord, Provenance, StageVerdict, term_epoch

if TYPE_CHECKING:
    from slactl.approvals.judge import StageStatus
    from slactl.documents import ValidDocument
    from slactl.model.agreement import Agreement

__all__ = ["fingerprint", "placeholders_in", "provenance_of", "recorded_approvals"]


def provenance_of(valid: ValidDocument, *, base: str | None = None) -> Provenance:
    """Which version of ``valid``'s file a rendering shows, its judged approvals and what keeps it a draft."""
    agreement: Agreement = valid.document  # type: ignore[assignment]
    found = replace(fingerprint(valid.path, agreement), placeholders=placeholders_in(valid.loaded.data))
    if found.state == "untracked":
        return found
    try:
        rows, stages, revisions = _judged(valid.path, base)
    except SlactlError as exc:
        # No roster, no commit yet...: rendered, but as a draft that says why.
        return replace(found, problems=(f"the approvals could not be judged: {exc.message}",))
    return replace(found, approvals=tuple(rows), stages=tuple(stages), approved_revisions=revisions)


def placeholders_in(data: object) -> tuple[str, ...]:
    """Where the loaded file still holds a placeholder (``TODO``), as dotted paths in file order."""
    from slactl.rules.placeholders import placeholder_paths

    return tuple(".".join(str(part) for part in path) for path in placeholder_paths(data))


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
    from slactl.git import find_repo

    if find_repo(path) is None:
        return []
    return _judged(path, base)[0]


def _judged(path: Path, base: str | None) -> tuple[list[ApprovalRecord], list[StageVerdict], int]:
    """The approval rows (in plain words), every required stage's verdict and the approved revisions."""
    from datetime import date

    from slactl.approvals import status_paths
    from slactl.git import find_repo, head_commit, merge_base_with_default

    repo = find_repo(path)
    assert repo is not None
    if base is None:
        base = merge_base_with_default(repo) or head_commit(repo)
    # The table has no term column, so the day only fills a field nobody reads here.
    status = status_paths([path], base=base, today=date(1970, 1, 1)).agreements[0]
    rows: list[ApprovalRecord] = []
    verdicts: list[StageVerdict] = []
    for stage in status.stages:
        verdicts.append(StageVerdict(stage.stage, tuple(stage.roles), stage.holds))
        j = stage.decisive
        if j is None:
            continue
        rows.append(ApprovalRecord(stage.stage, j.who, j.record.when, _plain_status(stage), ", ".join(stage.roles)))
    revisions = 0
    if status.stages:
        last = status.stages[-1]
        judged = [j for j in (last.decisive, *last.others) if j is not None and j.state != "rejected"]
        revisions = len({j.record.digest for j in judged})
    return rows, verdicts, revisions


def _plain_status(stage: StageStatus) -> str:
    """A stage's state in the words of the rendered approval table."""
    from slactl.render.common import role_title, say_items, stage_title

    j = stage.decisive
    assert j is not None
    if j.state == "approved":
        return "Approved (signature verified)" if j.verified else "Approved (unsigned: not verified)"
    if j.state == "stale":
        changed = "; ".join(j.changed)
        return "Out of date: the agreement changed since this approval" + (f" ({changed})" if changed else "")
    person = j.person
    if person is not None and not set(person.roles) & set(stage.roles):
        held = say_items([role_title(r) for r in person.roles]) or "no role"
        need = (
            say_items(
                [role_title(r) for r in stage.roles],
            )
            if stage.roles
            else "an"
        )
        article = "an" if need[:1].lower() in "aeiou" else "a"
        return (
            f"Not counted: {person.name} signed as {held}; the {stage_title(stage.stage, stage.roles)} stage "
            f"needs {article} {need} approver"
        )
    reason = j.reason or "not made as `slactl approve` makes it"
    return f"Not counted: {reason}"
