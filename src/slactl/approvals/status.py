"""The approval status of agreements, and the gate: every required stage of a file judged.

See ``slactl.approvals`` for the trust rules; ``status_paths`` is what ``slactl status``
runs, ``approval_table`` what the renderer's approval table is made from.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, NamedTuple

from slactl import git as gitio
from slactl.approvals import trailers
from slactl.approvals.judge import (
    ApprovalRecord,
    RequiredStage,
    StageStatus,
    _Ancestry,
    _History,
    _records,
    _stage_status,
    judge,
    required_stages,
    status_text,
)
from slactl.approvals.roster import (
    CONFIG_NAME,
    Roster,
    _config_relpath,
    _nearest_config,
    _parse_yaml_model,
    _repo_of,
    load_roster,
    write_roster_signers,
)
from slactl.approvals.term import TermStatus, term_status
from slactl.errors import SlactlError

if TYPE_CHECKING:
    from slactl.model.agreement import Agreement
    from slactl.model.config import RepoConfig


@dataclass(frozen=True)
class AgreementStatus:
    """The approval status of one agreement file."""

    path: Path
    relpath: str
    agreement_id: str
    digest: str
    uncommitted: bool  # the working-tree file differs from HEAD
    stages: tuple[StageStatus, ...]
    term: TermStatus
    roster_source: str
    require_signed: bool
    base: str | None = None
    # with a base: "<path> at <base> (same path|renamed|same id[, id X])", primary first; () when new
    counterparts: tuple[str, ...] = ()
    policy_source: str | None = None  # where the new-agreement policy applied was read, if one was
    new_in_branch: bool = False  # with a base: no counterpart there by path, rename or id
    settings_source: str = ""  # the slactl.yaml that governs it, e.g. "team-a/slactl.yaml at main"
    problems: tuple[str, ...] = ()  # why it fails the gate besides its stages

    @property
    def furthest(self) -> str | None:
        """Last stage of the unbroken run of held stages from the first (None if the first is open)."""
        reached = None
        for stage in self.stages:
            if not stage.holds:
                break
            reached = stage.stage
        return reached

    @property
    def complete(self) -> bool:
        # An agreement with no stages has nothing that shows it was accepted: not complete.
        return bool(self.stages) and all(s.holds for s in self.stages) and not self.problems


@dataclass(frozen=True)
class StatusReport:
    """Status of every agreement asked about (and, with a base, every one the branch changed)."""

    agreements: tuple[AgreementStatus, ...]
    today: date
    base: str | None
    require_signed: bool
    deleted: tuple[tuple[str, str], ...] = ()  # (path, id) of agreements the branch deletes (not gated)
    problems: tuple[str, ...] = ()  # changed files that fail the gate without being judged

    @property
    def ok(self) -> bool:
        if self.problems:
            return False
        return bool(self.agreements or self.deleted) and all(a.complete for a in self.agreements)


@dataclass(frozen=True)
class Settings:
    """The ``slactl.yaml`` that governs an agreement: its roster and its policy."""

    relpath: str  # repository path of the settings file (it may not exist)
    source: str  # where it was read, e.g. "team-a/slactl.yaml at main"
    roster: Roster
    new_agreement_stages: tuple[RequiredStage, ...] | None  # None: no policy for new agreements


def _load_settings(repo: Path, config_relpath: str, base: str | None) -> Settings:
    from slactl.model.config import RepoConfig

    where = f"{config_relpath} at {base}" if base is not None else config_relpath
    raw = gitio.read_file_at(repo, base, config_relpath) if base is not None else _read_worktree(repo, config_relpath)
    if raw is None:
        return Settings(config_relpath, where, Roster((), f"{where} (not found: nobody may approve)"), None)
    config: RepoConfig = _parse_yaml_model(raw, where, RepoConfig)
    policy = None
    if config.policy is not None and config.policy.new_agreements is not None:
        by = f"policy ({where})"
        policy = tuple(RequiredStage(s.stage, tuple(s.roles), by) for s in config.policy.new_agreements.stages)
    return Settings(config_relpath, where, load_roster(repo, config_relpath, base), policy)


def _read_worktree(repo: Path, relpath: str) -> bytes | None:
    from slactl.loading import read_bounded  # a huge file is refused by decode, not read whole

    target = repo / relpath
    try:
        return read_bounded(target) if target.is_file() else None
    except OSError as exc:
        raise SlactlError(f"cannot read file: {exc.strerror}", path=str(target)) from None


def _kind_of(raw: bytes) -> str | None:
    """What ``raw`` is or is meant to be (discovery's one answer: parsed, never matched)."""
    from slactl.discovery import kind_of

    return kind_of(raw)


def _load_agreement(path: Path, raw: bytes | None) -> Agreement:
    from slactl.documents import load_valid

    doc: Agreement = load_valid(path, kind="Agreement", raw=raw).document  # type: ignore[assignment]
    return doc


def _try_agreement(path: Path, raw: bytes | None) -> Agreement | None:
    if raw is None or _kind_of(raw) != "Agreement":
        return None
    try:
        return _load_agreement(path, raw)
    except SlactlError:
        return None  # invalid in the base: nothing there was approvable


@dataclass(frozen=True, slots=True)
class _Counterpart:
    relpath: str
    how: str  # "same path", "renamed", "same id"
    doc: Agreement


def _resolve_base(repo: Path, base: str) -> str:
    """The commit ``--base`` names; an unknown one is refused with what to give instead, never guessed."""
    try:
        return gitio.resolve(repo, base)
    except gitio.GitError as exc:
        if not exc.message.startswith("unknown revision"):
            raise
        default = gitio.default_branch(repo)
        short = default.removeprefix("refs/heads/").removeprefix("refs/remotes/") if default else None
        if gitio.remote_names(repo):
            hint = "fetch it first (`git fetch --all`)" + (f", or give --base {short}" if short else "")
        elif short:
            hint = f"this repository has no remote; its default branch is {short}: --base {short}"
        else:
            hint = "this repository has no remote and no main or master branch: give a branch, tag or commit id"
        raise SlactlError(f"--base {base!r} names no commit here", path=str(repo), hint=hint) from None


class _Gate:
    """Everything judged in one repository: settings and approvals per settings file, the base."""

    def __init__(self, repo: Path, base: str | None, require_signed: bool) -> None:
        if gitio.head_commit(repo) is None:
            raise SlactlError("the repository has no commit yet", path=str(repo), hint="commit the agreement first")
        self.repo, self.base, self.require_signed = repo, base, require_signed
        self.base_sha = _resolve_base(repo, base) if base is not None else None
        self.head_sha = gitio.resolve(repo, "HEAD")
        self._settings: dict[str, Settings] = {}
        self._records: dict[str, list[ApprovalRecord]] = {}
        self._empty: set[str] | None = None
        self._checked: set[str] = set()
        self._deleted: list[_Counterpart] | None = None
        self._ancestry: _Ancestry | None = None
        self._base_tree: dict[str, str] | None = None
        self._changed: list[gitio.ChangedFile] | None = None
        self._by_id: dict[str, list[str]] | None = None

    # -- base tree
    @property
    def base_tree(self) -> dict[str, str]:
        if self._base_tree is None:
            assert self.base_sha is not None
            self._base_tree = dict(gitio.tree_files(self.repo, self.base_sha))
        return self._base_tree

    @property
    def changed(self) -> list[gitio.ChangedFile]:
        if self._changed is None:
            assert self.base_sha is not None
            self._changed = gitio.changed_files(self.repo, self.base_sha, self.head_sha)
        return self._changed

    def read_base(self, relpath: str) -> bytes | None:
        return self._read(self.base_tree.get(relpath))

    def read_head(self, relpath: str) -> bytes | None:
        return gitio.read_file_at(self.repo, self.head_sha, relpath)

    def _read(self, blob: str | None) -> bytes | None:
        if blob is None:
            return None
        return next(raw for _oid, raw in gitio.read_blobs(self.repo, [blob]))

    def base_agreement(self, relpath: str) -> Agreement | None:
        return _try_agreement(self.repo / relpath, self.read_base(relpath))

    def base_ids(self) -> dict[str, list[str]]:
        """metadata.id -> paths of the valid agreements in the base tree."""
        if self._by_id is None:
            self._by_id = {}
            wanted = [(p, b) for p, b in self.base_tree.items() if PurePosixPath(p).suffix.lower() in _DOC_SUFFIXES]
            blobs = list(dict.fromkeys(b for _, b in wanted))
            contents = dict(gitio.read_blobs(self.repo, blobs))
            for relpath, blob in wanted:
                doc = _try_agreement(self.repo / relpath, contents[blob])
                if doc is not None:
                    self._by_id.setdefault(doc.metadata.id, []).append(relpath)
        return self._by_id

    def counterparts(self, relpath: str, agreement_id: str) -> list[_Counterpart]:
        """The agreement in the base: same path, then the path it was renamed from, then same id."""
        found: list[tuple[str, str]] = []
        if relpath in self.base_tree:
            found.append((relpath, "same path"))
        renamed = next((c.old_path for c in self.changed if c.status == "R" and c.path == relpath), None)
        if renamed is not None and renamed != relpath:
            found.append((renamed, "renamed"))
        out = []
        for path, how in found:
            doc = self.base_agreement(path)
            if doc is not None:
                out.append(_Counterpart(path, how, doc))
        if not any(c.doc.metadata.id == agreement_id for c in out):
            for path in self.base_ids().get(agreement_id, []):
                if path not in {c.relpath for c in out}:
                    doc = self.base_agreement(path)
                    assert doc is not None
                    out.append(_Counterpart(path, "same id", doc))
        return out

    # -- settings and approvals
    def settings(self, relpath: str, path: Path) -> Settings:
        """The settings governing ``relpath``: nearest slactl.yaml in the base tree (work tree without a base)."""
        if self.base is not None:
            configs = {p for p in self.base_tree if PurePosixPath(p).name == CONFIG_NAME}
            config = _nearest_config(relpath, configs)
        else:
            config = _config_relpath(self.repo, path)
        found = self._settings.get(config)
        if found is None:
            found = self._settings[config] = _load_settings(self.repo, config, self.base)
        return found

    def records(self, settings: Settings) -> list[ApprovalRecord]:
        """Approvals in HEAD's ancestry, signatures checked against this settings file's roster."""
        found = self._records.get(settings.relpath)
        if found is None:
            with tempfile.TemporaryDirectory(prefix="slactl-signers-") as tmp:
                signers = write_roster_signers(settings.roster, Path(tmp) / "allowed_signers")
                commits = trailers.approval_commits(self.repo, self.head_sha, signers, verify=True)
            found = self._records[settings.relpath] = _records(commits)
        return found

    def is_empty(self, record: ApprovalRecord) -> bool:
        if self._empty is None:
            self._empty, self._checked = set(), set()
        if record.commit not in self._checked:
            shas = {r.commit for recs in self._records.values() for r in recs} - self._checked
            self._empty |= gitio.empty_commits(self.repo, sorted(shas | {record.commit}))
            self._checked |= shas | {record.commit}
        return record.commit in self._empty

    def deleted_agreements(self) -> list[_Counterpart]:
        """Agreements of the base that the branch deletes (git saw no rename of them)."""
        if self._deleted is None:
            self._deleted = []
            for change in self.changed:
                if change.status == "D":
                    doc = self.base_agreement(change.path)
                    if doc is not None:
                        self._deleted.append(_Counterpart(change.path, "deleted in this branch", doc))
        return self._deleted

    @property
    def ancestry(self) -> _Ancestry:
        if self._ancestry is None:
            self._ancestry = _Ancestry(self.repo)
        return self._ancestry

    # -- one agreement
    def status(self, path: Path, relpath: str, raw: bytes | None, today: date) -> AgreementStatus:
        from slactl.clause_sources import clause_folder_of, library_at, library_of
        from slactl.clauses import digest_part
        from slactl.digest import content_digest

        problems: list[str] = []
        at_head = False
        if self.base is not None and raw is None:
            raw = self.read_head(relpath)
            at_head = raw is not None
            if raw is None:
                problems.append("not committed: the gate judges the content committed at HEAD")
        doc = _load_agreement(path, raw)
        # The library clauses' words from where the agreement was read: HEAD, or the work tree.
        if at_head:
            library = library_at(self.repo, gitio.resolve(self.repo, "HEAD"), clause_folder_of(self.repo, path))
        else:
            library = library_of(path)
        digest = content_digest(doc, digest_part(doc, library))
        state = gitio.file_state(self.repo, relpath)
        counterparts: list[_Counterpart] = []
        maybe: list[_Counterpart] = []  # new: perhaps one of these, rewritten beyond git's rename detection
        policy_source = None
        if self.base is not None:
            counterparts = self.counterparts(relpath, doc.metadata.id)
            settings = self.settings(counterparts[0].relpath if counterparts else relpath, path)
            policy = settings.new_agreement_stages
            if not counterparts:
                maybe = self.deleted_agreements()
                if policy is not None:
                    policy_source = settings.source
        else:
            settings, policy = self.settings(relpath, path), None
        labels = [
            f"{c.relpath} at {self.base} ({c.how}"
            + (f", id {c.doc.metadata.id})" if c.doc.metadata.id != doc.metadata.id else ")")
            for c in (*counterparts, *maybe)
        ]
        required = required_stages(
            doc,
            [(f"{c.relpath} at {self.base}", c.doc) for c in counterparts],
            policy,
            [(f"{c.relpath} at {self.base} (deleted in this branch)", c.doc) for c in maybe],
        )
        ids = {doc.metadata.id} | {c.doc.metadata.id for c in counterparts}
        mine = [r for r in self.records(settings) if r.agreement_id in ids]
        history = _History(self.repo, relpath, path, doc)
        stages = []
        for stage in required:
            judged = [
                judge(r, stage, digest, settings.roster, self.require_signed, history, self.is_empty(r))
                for r in mine
                if r.stage == stage.stage
            ]
            stages.append(_stage_status(stage, judged, self.ancestry))
        return AgreementStatus(
            path=path,
            relpath=relpath,
            agreement_id=doc.metadata.id,
            digest=digest,
            uncommitted=state != "clean",
            stages=tuple(stages),
            term=term_status(doc.term, today),
            roster_source=settings.roster.source,
            require_signed=self.require_signed,
            base=self.base,
            counterparts=tuple(labels),
            policy_source=policy_source,
            new_in_branch=self.base is not None and not counterparts,
            settings_source=settings.source,
            problems=tuple(problems),
        )

    def changed_agreements(
        self, scope: Sequence[str]
    ) -> tuple[list[tuple[str, bytes]], list[tuple[str, str]], list[str]]:
        """Files the branch changed under ``scope`` whose base or head content is an agreement.

        Read from git objects only. Returns (head path, head content) to judge, deletions
        (not gated) and problems (an agreement in the base the branch made into something else).
        """
        to_judge: list[tuple[str, bytes]] = []
        deleted: list[tuple[str, str]] = []
        problems: list[str] = []
        for change in self.changed:
            if not any(_under(change.path, s) or (change.old_path and _under(change.old_path, s)) for s in scope):
                continue
            old = change.old_path or change.path
            base_raw = self.read_base(old) if change.status != "A" or change.old_path else None
            head_raw = None if change.status == "D" else self.read_head(change.path)
            head_kind = _kind_of(head_raw) if head_raw is not None else None
            was_agreement = base_raw is not None and _kind_of(base_raw) == "Agreement"
            if head_kind == "Agreement" and head_raw is not None:
                if not was_agreement or _try_agreement(self.repo / change.path, head_raw) is not None:
                    to_judge.append((change.path, head_raw))
                    continue
                # Meant to be one (a near miss: `kind: Agreements`) but no valid agreement: a problem line.
                head_kind = "invalid"
            if was_agreement:
                assert base_raw is not None
                doc = _try_agreement(self.repo / old, base_raw)
                what = f"{old} ({doc.metadata.id})" if doc is not None else old
                if change.status == "D":
                    deleted.append((old, doc.metadata.id if doc is not None else ""))
                else:
                    found = (
                        "it does not validate: run `slactl validate`"
                        if head_kind == "invalid"
                        else f"kind {head_kind!r}"
                        if head_kind
                        else "not a document with a kind"
                    )
                    problems.append(
                        f"{change.path}: was an agreement at {self.base} ({what}) and no longer parses as one "
                        f"({found}): fix it, or delete it in a change of its own"
                    )
        return to_judge, deleted, problems


_DOC_SUFFIXES = (".yaml", ".yml", ".json")


def _under(relpath: str, scope: str) -> bool:
    return scope in ("", ".") or relpath == scope or relpath.startswith(scope.rstrip("/") + "/")


def status_paths(
    paths: Sequence[Path],
    *,
    base: str | None = None,
    require_signed: bool = False,
    today: date,
    scope: Sequence[Path] | None = None,
) -> StatusReport:
    """Approval status of each agreement file.

    With ``base`` (the gate): the content judged is the one committed at HEAD; the bar
    comes from the agreement's counterpart in the base (same path, the path git's rename
    detection says it came from, or the same ``metadata.id``), or for a new agreement from
    the base's policy; roster and policy come from the nearest ``slactl.yaml`` above it in
    the base tree. Every file the branch changed under ``scope`` (folders or files) whose
    head or base content is an agreement is judged too, read from git objects.
    """
    if base is not None:
        base = base.strip()
    gates: dict[Path, _Gate] = {}

    def gate_of(path: Path) -> tuple[_Gate, Path]:
        repo = _repo_of(path)
        gate = gates.get(repo)
        if gate is None:
            gate = gates[repo] = _Gate(repo, base, require_signed)
        return gate, repo

    out: list[AgreementStatus] = []
    seen: set[tuple[Path, str]] = set()
    for path in paths:
        gate, repo = gate_of(path)
        relpath = gitio.rel_path(repo, path)
        seen.add((repo, relpath))
        out.append(gate.status(path, relpath, None, today))
    deleted: list[tuple[str, str]] = []
    problems: list[str] = []
    if base is not None and scope is not None:
        scopes: dict[Path, list[str]] = {}
        for item in scope:
            gate, repo = gate_of(item)
            scopes.setdefault(repo, []).append(gitio.rel_path(repo, item))
        for repo, within in scopes.items():
            to_judge, gone, bad = gates[repo].changed_agreements(within)
            deleted += gone
            problems += bad
            for relpath, raw in to_judge:
                if (repo, relpath) not in seen:
                    seen.add((repo, relpath))
                    out.append(gates[repo].status(repo / relpath, relpath, raw, today))
    return StatusReport(tuple(out), today, base, require_signed, tuple(deleted), tuple(problems))


def judge_stages(path: Path, *, base: str | None = None, require_signed: bool = False) -> tuple[StageStatus, ...]:
    """Every required stage of one agreement file, judged: the one judging function.

    The same rules as ``slactl status`` (roster and policy of the governing settings file,
    roles, signatures, supersession, rewritten approvals); ``history`` and ``render`` call
    this rather than judging approvals themselves.
    """
    return status_paths([path], base=base, require_signed=require_signed, today=date(1970, 1, 1)).agreements[0].stages


def agreement_files(paths: Sequence[Path]) -> list[Path]:
    """Files given, plus files under folders given that are, or are meant to be, agreements.

    Decided by parsing (slactl.discovery), never by matching text: a near miss or an agreement
    the loader refuses is included, so judging it fails loudly instead of passing it over. Under
    the agreement paths of slactl.yaml every YAML file that is not a catalog is included.
    """
    from slactl.config import load_config
    from slactl.discovery import classify, find
    from slactl.loading import read_bounded

    out = []
    for cand in find(paths, load_config(paths[0]) if paths else None):
        if cand.named:
            out.append(cand.path)
            continue
        try:
            found = classify(read_bounded(cand.path))
        except OSError as exc:
            raise SlactlError(f"cannot read file: {exc.strerror}", path=str(cand.path)) from None
        if found.kind == "Agreement" or (cand.explicit and found.kind is None):
            out.append(cand.path)
    return out


class ApprovalRow(NamedTuple):
    """One row of a rendered approval table."""

    stage: str
    roles: tuple[str, ...]
    who: str  # "" when missing
    when: datetime | None
    status: str  # e.g. "approved (verified)", "stale: term.end changed", "missing"


def approval_table(
    path: Path, *, base: str | None = None, require_signed: bool = False, today: date | None = None
) -> list[ApprovalRow]:
    """Per required stage, in order: (stage, roles, who, when, status) for the file's current content.

    For the renderer's approval table. Raises SlactlError when the file is not in a git
    repository or the roster cannot be read.
    """
    # The table has no term column, so the day only fills a field nobody reads here.
    report = status_paths([path], base=base, require_signed=require_signed, today=today or date(1970, 1, 1))
    rows = []
    for stage in report.agreements[0].stages:
        j = stage.decisive
        rows.append(
            ApprovalRow(
                stage=stage.stage,
                roles=stage.roles,
                who=j.who if j is not None else "",
                when=j.record.when if j is not None else None,
                status=status_text(stage),
            )
        )
    return rows
