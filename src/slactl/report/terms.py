"""Terms in force: which content of the agreement judges each window.

When the agreement file is tracked in Git, a window is judged by the file as it was
committed last before the window started (committer date), so a target raised in
April does not re-judge March. Outside a repository the working-tree content judges
every window, and the report says so.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from slactl.errors import SlactlError


@dataclass(frozen=True)
class Version:
    """One content of the agreement, and where it came from.

    Its digest is computed when first asked for: a report names the digest of the versions
    that judge a window only, and a digest with clauses renders their words at that commit.
    """

    agreement: Any  # slactl.model.Agreement (kept loose so this module imports cheaply)
    commit: str | None  # None: the working tree
    committed: datetime | None
    source: str  # human wording: 'commit 1a2b3c4 of 2027-03-02' or 'working tree (...)'
    digest_of: Callable[[], str] = field(repr=False, compare=False)

    @cached_property
    def digest(self) -> str:
        """The content digest approvals bind (with the words of the clauses it uses)."""
        return self.digest_of()

    @property
    def key(self) -> str:
        return self.commit or "worktree"


@dataclass(frozen=True)
class Terms:
    """The versions of the agreement, oldest first, and how to pick one for an instant."""

    versions: tuple[Version, ...]
    dates: tuple[datetime, ...]  # commit date of each version (empty for the working tree)
    latest: Version
    notes: tuple[str, ...]

    def at(self, instant: datetime) -> tuple[Version, str | None]:
        """The version in force at ``instant`` and a note when it had to be approximated."""
        if not self.dates:
            return self.latest, None
        i = bisect_right(self.dates, instant)
        if i == 0:
            first = self.versions[0]
            return (
                first,
                f"the agreement was first committed after the window started, so its first committed content "
                f"({first.source}) judges it",
            )
        return self.versions[i - 1], None


def load_terms(path: Path) -> Terms:
    """Read the agreement's versions: every committed revision (when in a repository), else the working tree."""
    from slactl import git as gitio
    from slactl.documents import load_valid

    current = load_valid(path)  # the working tree must be valid: it names the levels to report
    from slactl.digest import content_digest

    def worktree_digest() -> str:
        from slactl.clause_sources import library_of
        from slactl.clauses import digest_part

        # The digest covers the words of the clauses the file uses, from the work tree.
        return content_digest(current.document, digest_part(current.document, library_of(path)))

    try:
        repo = gitio.find_repo(path.parent)
    except gitio.GitError:
        repo = None
    if repo is None:
        worktree = Version(current.document, None, None, "working tree (not in a Git repository)", worktree_digest)
        return Terms(
            (worktree,),
            (),
            worktree,
            ("The agreement is not in a Git repository: every window is judged by the working-tree content.",),
        )
    rel = gitio.rel_path(repo, path)
    from slactl.revisions import Revisions

    service = Revisions(repo, rel)  # each blob loaded once, however many commits have it
    revisions = [r for r in service.revisions if r.blob_id is not None]
    if not revisions:
        worktree = Version(current.document, None, None, "working tree (not committed)", worktree_digest)
        note = "The agreement is not committed to Git yet: every window is judged by the working-tree content."
        return Terms((worktree,), (), worktree, (note,))
    revisions.sort(key=lambda r: r.committer_date)
    documents = service.documents(path)
    versions: list[Version] = []
    notes: list[str] = []
    for rev in revisions:
        assert rev.blob_id is not None
        source = f"commit {rev.commit[:10]} of {rev.committer_date.date().isoformat()}"
        doc = documents[rev.blob_id]
        if isinstance(doc, SlactlError):
            notes.append(f"The revision in {source} is not a valid agreement; the revision before it stays in force.")
        else:
            versions.append(Version(doc, rev.commit, rev.committer_date, source, _committed_digest(service, rev, doc)))
    if not versions:
        raise SlactlError(
            "no committed revision of the agreement is valid", path=str(path), hint=f"run `slactl validate {path}`"
        )
    state = gitio.file_state(repo, rel)
    if state != "clean":
        notes.append(f"The working-tree file is {state}: uncommitted changes judge no window.")
    return Terms(tuple(versions), tuple(v.committed for v in versions if v.committed), versions[-1], tuple(notes))


def _committed_digest(service: Any, rev: Any, doc: Any) -> Callable[[], str]:
    """The digest of ``doc`` as committed in ``rev``, with its clauses' words at that commit."""

    def digest() -> str:
        from slactl.digest import content_digest

        return service.digest_for(rev) or content_digest(doc)

    return digest
