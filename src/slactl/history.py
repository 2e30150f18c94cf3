"""Revisions of agreements in Git: the history of one file and the diff between two revisions.

The revisions themselves (parsed once per repository, cached by blob id in one SQLite file,
parsed on all cores when not cached) come from ``slactl.revisions``; this module lists them
with what changed between them and places the approvals made on each.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from slactl import git as gitio
from slactl.discovery import classify
from slactl.errors import SlactlError
from slactl.revisions import Parsed, Revisions, Workers, cache_dir, diffs, parse_bytes, summaries
from slactl.semdiff import Change, diff_dumps

if TYPE_CHECKING:
    from slactl.approvals import RequiredStage, Roster
    from slactl.model.agreement import Agreement
    from slactl.validate import Progress

__all__ = [
    "ApprovalMark",
    "DiffReport",
    "FileDiff",
    "History",
    "HistoryEntry",
    "Parsed",
    "cache_dir",
    "diff_revisions",
    "file_history",
    "parse_bytes",
]

YAML_SUFFIXES = (".yaml", ".yml")


# --------------------------------------------------------------------------- history


@dataclass(frozen=True, slots=True)
class ApprovalMark:
    """An approval commit shown in a file's history: who its signature proves, and whether it counts.

    ``approver`` is the roster person the signature proves (never the commit's author);
    ``verdict`` says how the approval was judged against the roster and the stage's roles,
    and ``counts`` whether that holds (the digest is judged apart: ``matches``).
    """

    commit: str
    stage: str
    agreement: str
    digest: str
    author: str  # the commit's author: a claim, shown only as such
    date: datetime
    signature: str  # git's %G? letter: G good, U unknown key, N unsigned, B bad, E cannot check...
    signer: str  # git's %GS: the allowed-signers principal (an e-mail) for SSH
    revision: str | None  # the commit of the revision whose content was approved
    matches: bool  # the approval's digest is that revision's content digest
    approver: str | None = None  # "Name <email>" of the roster person the signature proves
    verdict: str = "not judged: no roster given"
    counts: bool = False  # signature, roster and role hold (the digest aside)
    author_email: str = ""


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One revision that changed the file, with what changed since the previous valid one."""

    revision: gitio.Revision
    parsed: Parsed | None  # None when the file was deleted in this commit
    changes: list[Change]
    compared_with: str | None  # commit of the revision the changes are against
    approvals: list[ApprovalMark] = field(default_factory=list)  # approvals made on this content

    @property
    def status(self) -> Literal["deleted", "invalid", "valid"]:
        if self.parsed is None:
            return "deleted"
        return "valid" if self.parsed.valid else "invalid"


@dataclass(frozen=True)
class History:
    """Every revision of one file (following renames), newest first."""

    path: str
    entries: list[HistoryEntry]
    cache: Path | None


def file_history(
    repo: Path,
    relpath: str,
    *,
    jobs: int | None = None,
    use_cache: bool = True,
    allowed_signers: Path | None = None,
    progress: Progress | None = None,
    roster: Roster | None = None,
    base: str | None = None,
) -> History:
    """The history of ``relpath`` (relative to the work tree top ``repo``) from HEAD.

    Approvals are judged against ``roster`` (the one ``allowed_signers`` was written from),
    with the stages of the revision they approved, or of ``base`` too when given; without a
    roster they are listed with their signature only.
    Without ``use_cache`` the parsed revisions are kept in memory only, nothing is written.
    ``progress`` hears of the revisions parsed (none when all are in the cache).
    """
    service = Revisions(repo, relpath, use_cache=use_cache, jobs=jobs)
    revisions = service.revisions
    if not revisions:
        raise SlactlError(
            "the file has no history: it was never committed",
            path=relpath,
            hint="commit it first, or check the path with `git log --follow -- PATH`",
        )
    oldest_first = list(reversed(revisions))
    blobs = service.blobs()
    workers = Workers(jobs)
    with contextlib.ExitStack() as stack:
        stack.callback(workers.close)
        stack.callback(service.close)
        cache = service.cache
        parsed, made = summaries(repo, blobs, cache, workers, progress)
        service.adopt(parsed)
        # Each valid revision is compared with the file in its first parent (what the commit
        # changed, also on a branch); when that is invalid, with the previous valid revision.
        against: dict[str, tuple[str, str]] = {}  # commit -> (commit compared with, its blob)
        pairs: list[tuple[str, str]] = []
        last: tuple[str, str] | None = None
        introduced: dict[str, str] = {}  # blob -> the latest listed commit that produced it
        for rev in oldest_first:
            if rev.blob_id is None or not parsed[rev.blob_id].valid:
                if rev.blob_id is not None:
                    introduced[rev.blob_id] = rev.commit
                continue
            before = rev.previous_blob_id
            if before is not None and parsed[before].valid and before in introduced:
                against[rev.commit] = (introduced[before], before)
            elif last is not None:
                against[rev.commit] = last
            if rev.commit in against and against[rev.commit][1] != rev.blob_id:
                pairs.append((against[rev.commit][1], rev.blob_id))
            introduced[rev.blob_id] = rev.commit
            last = (rev.commit, rev.blob_id)
        changes = diffs(repo, list(dict.fromkeys(pairs)), cache, workers, made)
    entries: list[HistoryEntry] = []
    for rev in revisions:
        if rev.blob_id is None:
            entries.append(HistoryEntry(rev, None, [], None))
            continue
        previous = against.get(rev.commit)
        found = changes.get((previous[1], rev.blob_id), []) if previous else []
        if previous and (_library_digest(parsed[rev.blob_id]) or _library_digest(parsed[previous[1]])):
            found = _history_clause_diff(repo, service, previous, rev, found)
        here = parsed[rev.blob_id]
        if _library_digest(here):  # its digest is per commit: the clauses' words at that commit
            here = replace(here, digest=service.digest_for(rev))
        entries.append(HistoryEntry(rev, here, found, previous[0] if previous else None))
    ids = {e.parsed.document_id for e in entries if e.parsed is not None and e.parsed.document_id}
    judge = None
    if roster is not None:
        paths = [relpath, *(p for r in revisions for p in (r.path_at_revision, r.old_path) if p)]
        judge = _RosterJudge(repo, list(dict.fromkeys(paths)), roster, base)
    digests = {e.revision.commit: service.digest_for(e.revision) for e in entries if e.parsed is not None}
    _place_approvals(repo, entries, ids, allowed_signers, judge, digests)
    return History(relpath, entries, cache.root)


def _library_digest(parsed: Parsed) -> bool:
    """A valid revision whose digest is per commit: it uses library clauses (slactl.revisions)."""
    return parsed.valid and parsed.digest is None


def _history_clause_diff(
    repo: Path, service: Revisions, previous: tuple[str, str], rev: gitio.Revision, found: list[Change]
) -> list[Change]:
    """``found`` with the library clauses' changes said in business terms, each side's words read at its commit."""
    from slactl.clause_sources import folder_of, library_at

    assert rev.blob_id is not None
    folder = folder_of(repo, service.relpath)
    old_library, new_library = library_at(repo, previous[0], folder), library_at(repo, rev.commit, folder)
    if not (old_library.clauses or new_library.clauses):
        return found  # no clause words on either side: the walk of the file says it all
    dumps = _dumps(repo, service, [previous[1], rev.blob_id])
    old, new = dumps.get(previous[1]), dumps.get(rev.blob_id)
    if old is None or new is None:
        return found
    return _clause_diff(old, new, old_library, new_library, found)


def _dumps(repo: Path, service: Revisions, blobs: list[str]) -> dict[str, dict[str, Any]]:
    """The canonical dumps of valid blobs: from the cache (parsed already), else parsed again."""
    import json
    import zlib

    out: dict[str, dict[str, Any]] = {}
    for blob, body in service.cache.bodies(blobs).items():
        with contextlib.suppress(zlib.error, ValueError):
            out[blob] = json.loads(zlib.decompress(body))
    missing = [b for b in dict.fromkeys(blobs) if b not in out]
    for blob, raw in gitio.read_blobs(repo, missing) if missing else ():
        dump = parse_bytes(raw, "").dump
        if dump is not None:
            out[blob] = dump
    return out


def _place_approvals(
    repo: Path,
    entries: list[HistoryEntry],
    ids: set[str],
    allowed_signers: Path | None,
    judge: _Judge | None = None,
    digests: dict[str, str | None] | None = None,
) -> None:
    """Attach each approval of this agreement to the revision whose content it approved, judged by ``judge``."""
    if not ids:
        return
    from slactl.approvals import trailers

    commits = trailers.approval_commits(repo, "HEAD", allowed_signers, verify=True)
    paths = list(dict.fromkeys(e.revision.path_at_revision for e in entries))
    if digests is None:
        digests = {e.revision.commit: e.parsed.digest for e in entries if e.parsed is not None}
    for commit in commits:
        found = trailers.read(commit)
        agreement = next((v for v in found.agreements if v in ids), None)
        if agreement is None:
            continue
        blob = next((b for p in paths if (b := gitio.blob_at(repo, commit.commit, p)) is not None), None)
        candidates = [e for e in entries if e.revision.committer_date <= commit.committer_date] or entries
        target = next((e for e in candidates if e.revision.blob_id == blob), None) if blob else None
        target = target or candidates[0]
        digest, stage = found.digest, found.stage
        sig = commit.signature
        mark = ApprovalMark(
            commit=commit.commit,
            stage=stage,
            agreement=agreement,
            digest=digest,
            author=commit.author_name,
            author_email=commit.author_email,
            date=commit.committer_date,
            signature=sig.status if sig else "N",
            signer=sig.signer if sig else "",
            revision=target.revision.commit,
            matches=bool(digest) and digest == digests.get(target.revision.commit),
        )
        if judge is not None:
            approver, verdict, counts = judge(commit, stage, target.revision, digests.get(target.revision.commit) or "")
            mark = replace(mark, approver=approver, verdict=verdict, counts=counts)
        target.approvals.append(mark)
    if judge is not None:
        _mark_superseded(entries, {sha: i for i, (sha, _parents) in enumerate(gitio.ancestry(repo, "HEAD"))})
    for entry in entries:
        entry.approvals.sort(key=lambda m: m.date, reverse=True)


# --------------------------------------------------------------------------- judging approvals
# The one place history judges an approval: through `approvals.judge_approval`, the function
# `status` judges with (identity, role, as-approve-makes-it), plus supersession in ancestry order.

# (approval commit, its stage trailer, the revision it approved) -> (approver, verdict, counts)
_Judge = Callable[[gitio.CommitWithTrailers, str, gitio.Revision, str], tuple[str | None, str, bool]]


class _RosterJudge:
    """Judges approvals as `status` does: the verified signer in ``roster``, holding a role of the stage.

    The stages and roles are those of the approved revision; with ``base``, every stage the
    agreement has at ``base`` keeps the base's roles (a revision cannot lower its own bar).
    The agreement at ``base`` is looked for under every path the file had (a rename in the
    branch does not lose it).
    """

    def __init__(self, repo: Path, paths: Sequence[str], roster: Roster, base: str | None) -> None:
        self.repo, self.roster = repo, roster
        self._base_doc = None
        if base is not None:
            self._base_doc = next((d for p in paths if (d := self._document(base, p)) is not None), None)
        self._stages: dict[str, dict[str, RequiredStage] | None] = {}

    def _document(self, rev: str, relpath: str) -> Agreement | None:
        from slactl.documents import load_valid

        raw = gitio.read_file_at(self.repo, rev, relpath)
        if raw is None:
            return None
        try:
            doc = load_valid(Path(relpath), kind="Agreement", raw=raw).document
        except SlactlError:
            return None
        return doc  # type: ignore[return-value]

    def stages(self, revision: gitio.Revision) -> dict[str, RequiredStage] | None:
        """Stage id -> the required stage that governs an approval of ``revision``; None when not a valid agreement."""
        if revision.commit not in self._stages:
            from slactl.approvals import required_stages

            doc = self._document(revision.commit, revision.path_at_revision)
            found = None
            if doc is not None:
                bases = [("base", self._base_doc)] if self._base_doc is not None else []
                found = {s.stage: s for s in required_stages(doc, bases)}
            self._stages[revision.commit] = found
        return self._stages[revision.commit]

    def __call__(
        self, commit: gitio.CommitWithTrailers, stage: str, revision: gitio.Revision, digest: str
    ) -> tuple[str | None, str, bool]:
        from slactl.approvals import identify, judge_approval

        sig = commit.signature or gitio.Signature("N", "", "", "", "")
        ident = identify(sig, self.roster)
        if ident.unsigned:
            return None, f"unsigned (claims: {commit.author_name} <{commit.author_email}>)", False
        if ident.person is None:
            if sig.status in ("G", "U"):  # a good signature, by a key the roster does not list
                return None, f"not in the roster: key {sig.fingerprint or sig.key} ({self.roster.source})", False
            return None, ident.reason or "signature not verified", False
        who = ident.person.label
        required = (self.stages(revision) or {}).get(stage)
        if required is None:
            return who, f"{who} is verified, but the agreement has no stage {stage!r}", False
        # The gate's own judging: roster person, role of the stage, made as `slactl approve` makes it.
        empty = commit.commit in gitio.empty_commits(self.repo, [commit.commit])
        judged = judge_approval(commit, required, digest, self.roster, empty=empty, require_signed=True)
        if judged.state == "rejected":
            return who, judged.reason or "rejected", False
        if judged.state == "stale":
            return who, "approves other content than this revision", False
        return who, "verified", True


def _mark_superseded(entries: list[HistoryEntry], order: dict[str, int]) -> None:
    """A stage's latest counting approval in ancestry order decides (as in `status`); earlier ones are superseded."""
    marks = [m for e in entries for m in e.approvals if m.counts]
    latest: dict[str, ApprovalMark] = {}
    for mark in sorted(marks, key=lambda m: order.get(m.commit, len(order))):
        latest.setdefault(mark.stage, mark)
    for entry in entries:
        entry.approvals[:] = [
            m
            if not m.counts or latest[m.stage] is m
            else replace(m, counts=False, verdict=f"superseded by the later approval {latest[m.stage].commit[:12]}")
            for m in entry.approvals
        ]


# --------------------------------------------------------------------------- diff


@dataclass(frozen=True)
class FileDiff:
    """What changed in one file between two revisions."""

    path: str
    old_path: str | None  # the path at the old revision when it differs (a rename)
    # "clauses": the file is the same on both sides, but words of the library clauses it uses changed.
    status: Literal["added", "deleted", "modified", "renamed", "unchanged", "clauses"]
    old: Parsed | None  # None when the file is absent on that side
    new: Parsed | None
    changes: list[Change]
    content_differs: bool  # the bytes differ (a comment-only edit differs but changes nothing)

    @property
    def invalid(self) -> bool:
        return any(p is not None and not p.valid for p in (self.old, self.new))

    @property
    def has_changes(self) -> bool:
        """A change of terms: fields changed, the file added or deleted, or an unreadable side that differs."""
        return bool(self.changes) or self.status in ("added", "deleted") or (self.invalid and self.content_differs)


@dataclass(frozen=True)
class DiffReport:
    """A semantic diff of one or more files between two revisions."""

    base: str  # commit id
    base_label: str  # how the base was chosen, e.g. "merge base with main"
    target: str | None  # commit id, None for the working tree
    target_label: str
    files: list[FileDiff]

    @property
    def has_changes(self) -> bool:
        return any(f.has_changes for f in self.files)


def diff_revisions(repo: Path, rev_a: str | None, rev_b: str | None, paths: Sequence[str] = ()) -> DiffReport:
    """Diff ``paths`` (relative to ``repo``; none: every slactl file that changed) from A to B.

    A defaults to the merge base of HEAD with the default branch (what a pull request
    changes), else to the root commit (everything the branch holds); B to the working tree.
    The report's ``base_label`` says which base was used.
    """
    if rev_a is None:
        base = gitio.merge_base_with_default(repo)
        ref = gitio.default_branch(repo)
        label = f"merge base with {ref.removeprefix('refs/heads/').removeprefix('refs/remotes/')}" if ref else ""
        if base is None:
            base = gitio.root_commit(repo)
            why = "no common ancestor with the default branch" if ref else "no main or master branch"
            label = f"root commit: {why}"
        if base is None:
            raise SlactlError("the repository has no commit yet: nothing to diff against", path=str(repo))
    else:
        base, label = gitio.resolve(repo, rev_a), rev_a
    target = gitio.resolve(repo, rev_b) if rev_b is not None else None
    changed = gitio.changed_files(repo, base, target)
    selected = _select(repo, changed, paths, base, target)
    if not paths:
        selected += _clause_dependents(repo, changed, selected, target)
    files = [_file_diff(repo, base, target, item) for item in selected]
    return DiffReport(base, label, target, rev_b or "working tree", [f for f in files if f is not None])


def _select(
    repo: Path, changed: list[gitio.ChangedFile], paths: Sequence[str], base: str, target: str | None
) -> list[gitio.ChangedFile]:
    if not paths:
        return [c for c in changed if _is_yaml(c.path)]
    out: list[gitio.ChangedFile] = []
    for path in paths:
        if path == "." or (repo / path).is_dir() or path.endswith("/"):
            prefix = "" if path == "." else path.rstrip("/") + "/"
            out += [c for c in changed if c.path.startswith(prefix) and _is_yaml(c.path) and c not in out]
            continue
        found = next((c for c in changed if path in (c.path, c.old_path)), None)
        if found is None:
            exists = gitio.blob_at(repo, base, path) is not None or (
                (repo / path).is_file() if target is None else gitio.blob_at(repo, target, path) is not None
            )
            if not exists:
                raise SlactlError("no such file at either revision", path=path)
            found = gitio.ChangedFile("=", path, None)
        if found not in out:
            out.append(found)
    return out


def _clause_dependents(
    repo: Path, changed: list[gitio.ChangedFile], selected: list[gitio.ChangedFile], target: str | None
) -> list[gitio.ChangedFile]:
    """The slactl files not listed yet (they did not change) whose clause library holds a clause
    file that changed: an edited clause changes the words of every agreement using it (and its
    digest), so the diff says so. Status ``C``: kept only when a clause it uses changed."""
    from slactl.clause_sources import folder_of

    edited = [p for c in changed for p in (c.path, c.old_path) if p is not None and p.endswith(".md")]
    if not edited:
        return []
    listed = {c.path for c in selected}
    out = []
    for path, _blob in gitio.tree_files(repo, target or "HEAD"):
        if path in listed or not _is_yaml(path):
            continue
        folder = folder_of(repo, path)
        if folder is None:
            continue
        prefix = "" if folder in ("", ".") else folder.rstrip("/") + "/"
        if any(p.startswith(prefix) for p in edited):
            out.append(gitio.ChangedFile("C", path, None))
    return out


def _is_yaml(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return name.lower().endswith(YAML_SUFFIXES) and name != "slactl.yaml"


def content_at(repo: Path, rev: str | None, path: str) -> bytes | None:
    """The bytes of ``path`` at commit ``rev`` (None: the work tree); None when it is absent there."""
    if rev is None:
        from slactl.loading import read_bounded

        try:
            return read_bounded(repo / path)  # a huge file is refused by decode, not read whole
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise SlactlError(f"cannot read file: {exc.strerror}", path=path) from None
    return gitio.read_file_at(repo, rev, path)


def _file_diff(repo: Path, base: str, target: str | None, item: gitio.ChangedFile) -> FileDiff | None:
    old_path = item.old_path or item.path
    old_raw = None if item.status == "A" else content_at(repo, base, old_path)
    new_raw = None if item.status == "D" else content_at(repo, target, item.path)
    if item.status not in ("=", "C") and not any(r is not None and classify(r).slactl_like for r in (old_raw, new_raw)):
        return None  # a YAML file that is not a slactl document (decided by parsing: slactl.discovery)
    old = parse_bytes(old_raw, old_path) if old_raw is not None else None
    new = parse_bytes(new_raw, item.path) if new_raw is not None else None
    status: Literal["added", "deleted", "modified", "renamed", "unchanged", "clauses"]
    if old is None and new is None:
        raise SlactlError("no such file at either revision", path=item.path)
    if old is None:
        status = "added"
    elif new is None:
        status = "deleted"
    elif item.old_path:
        status = "renamed"
    else:
        status = "modified" if old_raw != new_raw else "clauses" if item.status == "C" else "unchanged"
    changes = diff_dumps(old.dump, new.dump) if old and new and old.dump is not None and new.dump is not None else []
    if _uses_library(*(p.dump for p in (old, new) if p is not None and p.dump is not None)):
        old_library, new_library = _libraries(repo, base, target, item.path)
        if old and new and old.dump is not None and new.dump is not None:
            changes = _clause_diff(old.dump, new.dump, old_library, new_library, changes)
        # The digest approvals bind: with the words of the library clauses at each revision.
        old, new = _with_library_digest(old, old_library), _with_library_digest(new, new_library)
    if item.status == "C" and (status != "clauses" or not changes):
        return None  # its clauses did not change (a clause of the library it does not use did)
    return FileDiff(item.path, item.old_path, status, old, new, changes, old_raw != new_raw)


def _uses_library(*dumps: dict[str, Any]) -> bool:
    return any(isinstance(e, dict) and e.get("use") for d in dumps for e in d.get("clauses") or [])


def _libraries(repo: Path, base: str, target: str | None, path: str) -> tuple[Any, Any]:
    """The clause library of the file ``path`` at ``base`` and at ``target`` (None: the work tree)."""
    from slactl.clause_sources import clause_folder_of, library_at, library_of

    folder = clause_folder_of(repo, repo / path)
    old_library = library_at(repo, base, folder)
    new_library = library_at(repo, target, folder) if target is not None else library_of(repo / path)
    return old_library, new_library


def _with_library_digest(parsed: Parsed | None, library: Any) -> Parsed | None:
    """``parsed`` with its content digest covering the words of the library clauses it uses."""
    import dataclasses

    from slactl.clauses import resolve_entries
    from slactl.digest import digest_of_dump

    if parsed is None or parsed.dump is None or not _uses_library(parsed.dump):
        return parsed
    if not library.clauses and not library.problems:
        return parsed  # no clause library at all: the file's digest (slactl.clauses.digest_part)
    entries = resolve_entries(parsed.dump.get("clauses") or [], library, strict=False)
    words = [r.as_dict() for r in entries if r.id is not None]
    return dataclasses.replace(parsed, digest=digest_of_dump(parsed.dump, words))


def _clause_diff(
    old: dict[str, Any], new: dict[str, Any], old_library: Any, new_library: Any, changes: list[Change]
) -> list[Change]:
    from slactl.clauses import resolve_entries
    from slactl.semdiff.clauses import clause_changes, without_library_clauses

    said = clause_changes(
        resolve_entries(old.get("clauses") or [], old_library, strict=False),
        resolve_entries(new.get("clauses") or [], new_library, strict=False),
    )
    return [*without_library_clauses(changes, old, new), *said]


def iter_changes(report: DiffReport) -> Iterable[tuple[FileDiff, Change]]:
    """Every change of a report with its file."""
    for item in report.files:
        for change in item.changes:
            yield item, change
