"""Judging approvals: one approval against a stage, a digest and a roster; a stage's decisive approval.

``judge`` is the one function that judges an approval: ``status`` calls it for every
approval of a file (``slactl.approvals.status``), ``history`` through ``judge_approval`` for
the approvals made on one revision, and ``render``'s approval table through ``status``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from slactl import git as gitio
from slactl.approvals import trailers
from slactl.approvals.roster import Person, Roster, identify

if TYPE_CHECKING:
    from slactl.model.agreement import Agreement, ApprovalStage


StageState = Literal["approved", "stale", "rejected", "missing"]


@dataclass(frozen=True, slots=True)
class ApprovalRecord:
    """One approval commit as read from git (nothing judged yet)."""

    commit: str
    agreement_id: str
    stage: str
    digest: str
    when: datetime  # committer date (set by whoever committed: informative only)
    author: str  # "Name <email>": shown as a claim for unsigned approvals, never trusted
    signature: gitio.Signature
    problem: str | None = None  # malformed trailers
    committer: str = ""  # "Name <email>"
    author_email: str = ""
    author_date: datetime | None = None


def _records(commits: Sequence[gitio.CommitWithTrailers]) -> list[ApprovalRecord]:
    out: list[ApprovalRecord] = []
    for c in commits:
        found = trailers.read(c)
        ids, stages, digests = found.agreements, found.stages, found.digests
        if not ids:
            continue
        problem = found.problem
        assert c.signature is not None  # read with verify=True
        # a malformed commit is listed (and rejected) under every agreement and stage it names
        out.extend(
            ApprovalRecord(
                commit=c.commit,
                agreement_id=agreement_id,
                stage=stage,
                digest=digests[0] if digests else "",
                when=c.committer_date,
                author=f"{c.author_name} <{c.author_email}>",
                signature=c.signature,
                problem=problem,
                committer=f"{c.committer_name} <{c.committer_email}>",
                author_email=c.author_email,
                author_date=c.author_date,
            )
            for agreement_id in sorted(set(ids))
            for stage in sorted(set(stages or [""]))
        )
    return out


@dataclass(frozen=True, slots=True)
class Judged:
    """One approval judged against the current content, roster and stage."""

    record: ApprovalRecord
    state: Literal["approved", "stale", "rejected", "superseded"]
    verified: bool
    person: Person | None
    reason: str | None  # why rejected / not counted
    changed: tuple[str, ...] = ()  # stale: what changed since the approved content

    @property
    def who(self) -> str:
        if self.person is not None:
            return self.person.label
        if self.identity_unsigned:
            return f"unverified (unsigned; commit author {self.record.author})"
        return "unknown"

    @property
    def identity_unsigned(self) -> bool:
        return self.record.signature.status == "N"


def not_as_approve_makes_it(record: ApprovalRecord, person: Person | None, empty: bool) -> str | None:
    """Why ``record`` is not an approval commit as ``slactl approve`` makes it (None when it is).

    ``approve`` makes an empty commit whose author and committer are one person with one
    date, the person whose key signs it. A rebase or cherry-pick re-creates the commit
    (new committer or date), re-signed by whoever ran it: the signer did not make that
    approval, so it does not count.
    """
    if record.committer != record.author:
        return f"rewritten approval: authored by {record.author} but committed by {record.committer} (rebased or cherry-picked)"  # noqa: E501
    if record.author_date is not None and (
        record.author_date != record.when or record.author_date.utcoffset() != record.when.utcoffset()
    ):
        return (
            f"rewritten approval: authored {record.author_date.isoformat()} but committed "
            f"{record.when.isoformat()} (dated differently: rebased, amended or cherry-picked)"
        )
    if not empty:
        return "not an approval as `slactl approve` makes it: the commit is not empty (it changes files)"
    if person is not None and record.author_email.lower() != person.email.lower():
        return (
            f"signed with {person.name}'s key but authored as {record.author}: "
            "an approval is authored by the person whose key signs it"
        )
    return None


def judge(
    record: ApprovalRecord,
    stage: RequiredStage | ApprovalStage,
    digest: str,
    roster: Roster,
    require_signed: bool,
    history: _History | _NoHistory,
    empty: bool = True,
) -> Judged:
    """One approval judged: the one judging function (``status``, ``history`` and ``render`` all end here).

    Rejected when malformed, signed by nobody in ``roster`` (or unsigned with
    ``require_signed``), not made as ``slactl approve`` makes it (``empty``: the commit
    changes no file), or by a person without one of the stage's roles; ``stale`` when it
    names another ``digest`` (``history`` says what changed since); else ``approved``.
    """
    if record.problem:
        return Judged(record, "rejected", False, None, f"malformed approval: {record.problem}")
    ident = identify(record.signature, roster)
    if ident.unsigned:
        if require_signed:
            return Judged(record, "rejected", False, None, "unsigned: --require-signed counts only verified approvals")
    elif ident.person is None:
        return Judged(record, "rejected", False, None, ident.reason)
    made = not_as_approve_makes_it(record, ident.person, empty)
    if made is not None:
        return Judged(record, "rejected", False, ident.person, made)
    if ident.person is not None and not set(ident.person.roles) & set(stage.roles):
        held = ", ".join(ident.person.roles) or "none"
        need = ", ".join(stage.roles)
        return Judged(
            record, "rejected", True, ident.person,
            f"{ident.person.name} holds {'role' if len(ident.person.roles) == 1 else 'roles'} {held}; "
            f"stage {stage.stage} needs {need}",
        )  # fmt: skip
    if record.digest != digest:
        return Judged(record, "stale", ident.verified, ident.person, None, history.changed_since(record.digest))
    return Judged(record, "approved", ident.verified, ident.person, None)


def judge_approval(
    commit: gitio.CommitWithTrailers,
    stage: RequiredStage | ApprovalStage,
    digest: str,
    roster: Roster,
    *,
    empty: bool,
    require_signed: bool = False,
) -> Judged:
    """One approval commit judged by the rules of ``status`` against the content ``digest``.

    For displays that name one revision (``history``): the same identity, role and
    as-approve-makes-it checks as the gate; a digest other than ``digest`` is ``stale``
    with no description of what changed.
    """
    records = _records([commit])
    record = next((r for r in records if r.stage == stage.stage), None) or records[0]
    return judge(record, stage, digest, roster, require_signed, _NoHistory(), empty)


class _NoHistory:
    def changed_since(self, digest: str) -> tuple[str, ...]:  # noqa: ARG002 - the _History interface
        return ()


def describe_change(old: Any, new: Any, limit: int = 8) -> tuple[str, ...]:
    """What changed from ``old`` to ``new`` (validated documents), in the semantic diff's words."""
    from slactl.semdiff import diff_documents

    return _sentences(diff_documents(old, new), limit)


def _sentences(changes: Sequence[Any], limit: int = 8) -> tuple[str, ...]:
    lines = [change.sentence() for change in changes]
    if len(lines) > limit:
        lines = [*lines[:limit], f"... and {len(lines) - limit} more changes"]
    return tuple(lines)


class _History:
    """Every committed version of one file (read lazily through slactl.revisions), for 'what changed since'."""

    def __init__(self, repo: Path, relpath: str, path: Path, current: Any) -> None:
        self.repo, self.relpath, self.path, self.current = repo, relpath, path, current
        self._by_digest: dict[str, dict[str, Any]] | None = None

    def _load(self) -> dict[str, dict[str, Any]]:
        from slactl.revisions import Revisions

        service = Revisions(self.repo, self.relpath)
        try:
            return service.dumps_by_digest()  # invalid versions left out: they were never approvable
        finally:
            service.close()

    def changed_since(self, digest: str) -> tuple[str, ...]:
        from slactl.semdiff import diff_dumps, dump_of

        if self._by_digest is None:
            self._by_digest = self._load()
        old = self._by_digest.get(digest)
        if old is None:
            return (f"the approved digest matches no committed version of {self.relpath}",)
        return _sentences(diff_dumps(old, dump_of(self.current))) or ("(no field differs)",)


@dataclass(frozen=True, slots=True)
class RequiredStage:
    """A stage that must hold, the roles that may approve it, and what requires it."""

    stage: str
    roles: tuple[str, ...]
    required_by: str  # e.g. "agreements/a.yaml at main", "policy (slactl.yaml at main)", "this file"


@dataclass(frozen=True, slots=True)
class StageStatus:
    """One required stage: its state, the approval that decides it, and the others seen."""

    stage: str
    roles: tuple[str, ...]
    state: StageState
    decisive: Judged | None
    others: tuple[Judged, ...] = ()
    required_by: str = ""

    @property
    def holds(self) -> bool:
        return self.state == "approved"


def required_stages(
    current: Agreement,
    bases: Sequence[tuple[str, Agreement]] = (),
    policy: Sequence[RequiredStage] | None = None,
    deleted: Sequence[tuple[str, Agreement]] = (),
) -> list[RequiredStage]:
    """The stages that must hold, who may approve each, and what requires it.

    ``bases`` are the agreement's counterparts in the base (label, document). A change
    cannot lower its own bar: every stage a counterpart requires stays required with the
    counterpart's roles (a stage two counterparts name needs a role both allow). With no
    counterpart the agreement is new: the ``policy`` (the base's, for new agreements)
    requires its stages, and so does every agreement the same branch ``deleted`` (a file
    rewritten beyond git's rename detection, under a new id, looks exactly like that). The
    file's own stages that none of those name are required too, with the roles it gives.
    """
    out: dict[str, RequiredStage] = {}

    def add(stage: str, roles: Sequence[str], by: str) -> None:
        have = out.get(stage)
        if have is None:
            out[stage] = RequiredStage(stage, tuple(roles), by)
        else:
            both = tuple(r for r in have.roles if r in roles)
            out[stage] = RequiredStage(stage, both, f"{have.required_by}; {by}")

    for label, doc in bases:
        for s in doc.approvals.stages if doc.approvals else ():
            add(s.stage, s.roles, label)
    if not bases:
        for req in policy or ():
            add(req.stage, req.roles, req.required_by)
        for label, doc in deleted:
            for s in doc.approvals.stages if doc.approvals else ():
                add(s.stage, s.roles, label)
    for s in current.approvals.stages if current.approvals else ():
        if s.stage not in out:
            out[s.stage] = RequiredStage(s.stage, tuple(s.roles), "this file")
    return list(out.values())


class _Ancestry:
    """Topological order of HEAD's ancestry, and which commits are ancestors of which."""

    def __init__(self, repo: Path) -> None:
        listed = gitio.ancestry(repo, "HEAD")
        self.index = {sha: i for i, (sha, _) in enumerate(listed)}
        self.parents = dict(listed)
        self._below: dict[str, set[str]] = {}

    def ancestors(self, commit: str) -> set[str]:
        found = self._below.get(commit)
        if found is None:
            found, todo = set(), list(self.parents.get(commit, ()))
            while todo:
                sha = todo.pop()
                if sha not in found:
                    found.add(sha)
                    todo.extend(self.parents.get(sha, ()))
            self._below[commit] = found
        return found


def _stage_status(stage: RequiredStage, judged: list[Judged], ancestry: _Ancestry) -> StageStatus:
    """The decisive approval of one stage: its latest approval that would count.

    Latest by ancestry (``git rev-list --topo-order``), never by commit date. Only approvals
    that would count (signed where required, by an entitled person, made as ``approve``
    makes them) supersede: one that would not cannot cancel a valid one. An approval of
    the current content counts only if every counting approval of other content is older
    in the ancestry; one beside it on a parallel branch makes the order unknown.
    """
    roles, by = stage.roles, stage.required_by
    if not judged:
        return StageStatus(stage.stage, roles, "missing", None, (), by)
    ordered = sorted(judged, key=lambda j: ancestry.index.get(j.record.commit, len(ancestry.index)))
    counting = [j for j in ordered if j.state in ("approved", "stale")]
    if not counting:
        return StageStatus(stage.stage, roles, "rejected", ordered[0], tuple(ordered[1:]), by)
    decisive = counting[0]
    if decisive.state == "approved":
        older = ancestry.ancestors(decisive.record.commit)
        unclear = [
            j for j in counting[1:] if j.record.digest != decisive.record.digest and j.record.commit not in older
        ]
        if unclear:
            decisive = unclear[0]
    others = []
    for j in ordered:
        if j is decisive:
            continue
        if j.state == "approved" and decisive.state != "approved":
            j = replace(
                j,
                state="superseded",
                reason=f"superseded by {decisive.record.commit[:12]}, a later (or parallel) approval of this stage "
                "for other content",
            )
        others.append(j)
    state: StageState = "approved" if decisive.state == "approved" else "stale"
    return StageStatus(stage.stage, roles, state, decisive, tuple(others), by)


def status_text(stage: StageStatus) -> str:
    """Short human wording of a stage's state."""
    j = stage.decisive
    if j is None:
        return "missing"
    if j.state == "approved":
        return "approved (verified)" if j.verified else "approved (unverified: unsigned)"
    if j.state == "stale":
        return "stale: changed since approval: " + "; ".join(j.changed)
    return f"rejected: {j.reason}"
