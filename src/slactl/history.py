"""Revisions of agreements in Git: the history of one file and the diff between two revisions.

Every revision is parsed exactly once per repository: parsed revisions are kept in a
content-addressed cache under ``<git-common-dir>/slactl/cache/<version key>/``, one entry per
blob id (a blob never changes, so an entry never goes stale). An entry holds the canonical
model dump and the content digest of a valid document, or the findings of an invalid one.
The version key changes with slactl's version and with the source of the loader, the models
and the digest, so an upgrade never reads an old entry; entries are written atomically, and
one that does not read back whole (truncated, edited, garbage) is ignored and rebuilt.

What is not cached is parsed on all cores: a fork pool fed with chunks of consecutive
revisions, each worker reading its chunk from its own ``git cat-file`` stream, composing only
the pieces of YAML each revision changed (``slactl.loading.SeriesLoader``) and diffing
each revision with the one before while both dumps are still in memory (writing the
entries on a thread meanwhile); only the pairs across chunks are diffed afterwards, from the
cache.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import queue
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from slactl import git as gitio
from slactl.discovery import classify
from slactl.errors import SlactlError
from slactl.findings import Finding, Severity
from slactl.semdiff import Change, diff_dumps

if TYPE_CHECKING:
    from slactl.approvals import RequiredStage, Roster
    from slactl.loading import SeriesLoader
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

CACHE_FORMAT = 1
PARALLEL_FROM = 24  # fewer items than this are done in-process: a pool costs more than it saves
YAML_SUFFIXES = (".yaml", ".yml")
# The source files whose code decides what a parsed revision is, and what a diff says:
# any change to them (an upgrade, a local edit) starts a new cache folder.
_PARSE_SOURCES = ("loading.py", "parse.py", "digest.py", "model/__init__.py", "model/agreement.py",
                  "model/levels.py", "model/commercial.py", "model/term.py", "model/fields.py",
                  "model/catalog.py", "model/types.py")  # fmt: skip
_DIFF_SOURCES = (*_PARSE_SOURCES, "semdiff/__init__.py", "semdiff/schema.py", "semdiff/say.py",
                 "semdiff/favour.py", "wording/__init__.py", "wording/values.py", "wording/levels.py",
                 "wording/terms.py", "wording/credits.py")  # fmt: skip


# --------------------------------------------------------------------------- parsed revisions


@dataclass(frozen=True, slots=True)
class Parsed:
    """One parsed revision of a file: valid (kind, digest, dump) or not (findings)."""

    kind: str | None  # None when invalid
    digest: str | None  # the content digest (slactl.digest) of a valid document
    document_id: str | None  # metadata.id of a valid document
    dump: dict[str, Any] | None = field(repr=False)  # the canonical dump, when asked for
    findings: tuple[Finding, ...]

    @property
    def valid(self) -> bool:
        return self.kind is not None


def _entry(blob: str, raw: bytes) -> bytes:
    """Parse one revision into a cache entry: a JSON header line, then the body."""
    return _build(blob, raw)[0]


def _build(blob: str, raw: bytes, series: SeriesLoader | None = None) -> tuple[bytes, dict[str, Any], bytes]:
    """Parse one revision: its cache entry, the entry's header and its body (the dump of a valid one).

    With ``series`` (the loader of the revisions before it), only the parts of the text that
    changed are composed; a revision that does not validate is loaded again whole, for the
    positions of its findings.
    """
    from slactl.digest import PREFIX, canonical_json
    from slactl.loading import Loaded, LoadError, decode, load_text
    from slactl.parse import parse_document

    header: dict[str, Any] = {"format": _key(_PARSE_SOURCES), "blob": blob, "kind": None, "digest": None, "id": None}
    try:
        text = decode(raw)
        data = series.data(text) if series is not None else None
        parsed = parse_document(Loaded(data, text), "") if data is not None else None
        if parsed is None or parsed.document is None:
            parsed = parse_document(load_text(text), "")
    except LoadError as exc:
        findings = [[exc.line, exc.column, "", exc.code, exc.message + (f" ({exc.hint})" if exc.hint else "")]]
        body = json.dumps(findings, ensure_ascii=False).encode("utf-8")
    else:
        if parsed.document is None:
            rows = [[f.line, f.column, f.path, f.code, f.message] for f in parsed.findings]
            body = json.dumps(rows, ensure_ascii=False).encode("utf-8")
        else:
            # canonical_json is exactly what content_digest hashes: one dump serves both.
            body = canonical_json(parsed.document)
            header["kind"] = type(parsed.document).__name__
            header["digest"] = PREFIX + hashlib.sha256(body).hexdigest()
            header["id"] = parsed.document.metadata.id
    header["check"] = hashlib.blake2b(body, digest_size=16).hexdigest()
    header["head"] = _header_check(header)
    return json.dumps(header, separators=(",", ":")).encode("ascii") + b"\n" + body, header, body


def _header_check(header: dict[str, Any]) -> str:
    """A checksum of the header's own fields, so a listing can trust the header line alone."""
    fields = [header.get(k) for k in ("format", "blob", "kind", "digest", "id", "check")]
    return hashlib.blake2b(json.dumps(fields).encode("utf-8"), digest_size=16).hexdigest()


def _read_entry(data: bytes, blob: str, file: str, *, with_dump: bool) -> Parsed | None:
    """A cache entry back to a ``Parsed``; None when it is not whole and current."""
    head, sep, body = data.partition(b"\n")
    if not sep:
        return None
    try:
        header = json.loads(head)
        if (
            not isinstance(header, dict)
            or header.get("format") != _key(_PARSE_SOURCES)
            or header.get("blob") != blob
            or header.get("check") != hashlib.blake2b(body, digest_size=16).hexdigest()
        ):
            return None
        if header.get("kind") is not None:
            dump = json.loads(body) if with_dump else None
            return Parsed(header["kind"], header.get("digest"), header.get("id"), dump, ())
        rows = json.loads(body)
        findings = tuple(Finding(file, r[0], r[1], r[2], Severity.ERROR, r[3], r[4]) for r in rows)
    except (ValueError, UnicodeDecodeError, TypeError, IndexError, KeyError):
        return None
    return Parsed(None, None, None, None, findings)


def parse_bytes(raw: bytes, file: str) -> Parsed:
    """Parse one file's content (no cache): what a revision is, never raising on bad input."""
    parsed = _read_entry(_entry("-", raw), "-", file, with_dump=True)
    assert parsed is not None  # an entry always reads back
    return parsed


_KEYS: dict[tuple[str, ...], str] = {}


def _key(sources: tuple[str, ...]) -> str:
    """slactl's version and a hash of the code that makes an entry: part of the cache folder's name."""
    if sources not in _KEYS:
        from slactl import __version__

        here = Path(__file__).parent
        digest = hashlib.sha256()
        for name in sources:
            try:
                digest.update((here / name).read_bytes())
            except OSError:
                digest.update(name.encode())
        _KEYS[sources] = f"{__version__}-{CACHE_FORMAT}-{digest.hexdigest()[:12]}"
    return _KEYS[sources]


# --------------------------------------------------------------------------- the cache


def cache_dir(repo: Path) -> Path:
    """Where parsed revisions and diffs of ``repo`` are kept (in the git folder, never the work tree)."""
    return gitio.git_dir(repo) / "slactl" / "cache"


@dataclass(frozen=True)
class _Cache:
    """Entry paths: ``parsed-<key>/<blob[:2]>/<blob[2:]>``, ``diffs-<key>/<b[:2]>/<b[2:]>-<a>``."""

    root: Path

    # Plain string paths: a warm history opens 10,000 entries and pathlib's joins showed up.
    def parsed(self, blob: str) -> str:
        return f"{self.root}/parsed-{_key(_PARSE_SOURCES)}/{blob[:2]}/{blob[2:]}"

    def diff(self, a: str, b: str) -> str:
        return f"{self.root}/diffs-{_key(_DIFF_SOURCES)}/{b[:2]}/{b[2:]}-{a}"


_MADE: set[str] = set()  # folders this process made or saw: one mkdir each, not one per entry


class _Writer:
    """Writes entries on a thread of its own: creating a file mostly waits on the file system
    (profiled: ~1 ms an entry with two processes writing), time the parse goes on meanwhile."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[tuple[str, bytes] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            _write(*item)

    def __call__(self, target: str, data: bytes) -> None:
        self._queue.put((target, data))

    def close(self) -> None:
        """Wait until every entry handed over is written."""
        self._queue.put(None)
        self._thread.join()


def _write(target: str, data: bytes) -> None:
    """Write atomically (a private temporary name, then rename); failing only costs speed."""
    folder, name = os.path.split(target)
    temp = os.path.join(folder, f".{name[:16]}.{os.getpid()}.tmp")
    for _ in range(2):  # a second time when the folder was removed since we made it
        try:
            if folder not in _MADE:
                os.makedirs(folder, exist_ok=True)
                _MADE.add(folder)
            with open(temp, "wb") as handle:
                handle.write(data)
            os.replace(temp, target)
            return
        except OSError:
            _MADE.discard(folder)
            with contextlib.suppress(OSError):
                os.unlink(temp)


def _read(path: str, *, header_only: bool = False) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.readline() if header_only else handle.read()
    except OSError:
        return None


def _load(cache: _Cache, blob: str, file: str, *, with_dump: bool) -> Parsed | None:
    path = cache.parsed(blob)
    # A valid revision's header says all a listing needs (kind, digest, id); its body, the
    # dump, is read (and checked) only when a diff needs it.
    head = _read(path, header_only=not with_dump)
    if head is not None and not with_dump and head.endswith(b"\n"):
        found = _read_header(head[:-1], blob)
        if found is not None:
            return found
    data = head if with_dump else _read(path)
    return None if data is None else _read_entry(data, blob, file, with_dump=with_dump)


def _read_header(head: bytes, blob: str) -> Parsed | None:
    """A valid revision from its header line alone; None to fall back to the whole entry."""
    try:
        header = json.loads(head)
    except ValueError:
        return None
    if (
        isinstance(header, dict)
        and header.get("format") == _key(_PARSE_SOURCES)
        and header.get("blob") == blob
        and isinstance(header.get("kind"), str)
        and isinstance(header.get("digest"), str)
        and header.get("head") == _header_check(header)
    ):
        return Parsed(header["kind"], header["digest"], header.get("id"), None, ())
    return None


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Collection off for a bulk loop: parsing makes many objects, few cycles (profiled: ~10%)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_Pair = tuple[str, str]
_ChunkItem = tuple[str, str, str | None]  # blob, its path, the blob it is likely diffed against


def _parse_chunk(args: tuple[str, str, list[_ChunkItem]]) -> tuple[list[Parsed], list[tuple[_Pair, list[Change]]]]:
    """Parse blobs (read in one stream) and write their entries; while their dumps are still in
    memory, diff the pairs of this chunk the history is likely to show, and write those entries.

    Returns the blobs' ``Parsed`` without dumps (small to send back) and the diffs made; the
    caller diffs whatever pair is still missing (across chunks, or where history branches).
    """
    repo, root, items = args
    cache = _Cache(Path(root))
    hints = {blob: (file, hint) for blob, file, hint in items}
    bodies: dict[str, bytes] = {}  # valid blobs of this chunk -> canonical JSON
    decoded: dict[str, dict[str, Any]] = {}  # the last few of them decoded
    invalid: set[str] = set()
    out: list[Parsed] = []
    diffs: list[tuple[_Pair, list[Change]]] = []
    last: str | None = None

    def dump(blob: str) -> dict[str, Any]:
        if blob not in decoded:
            if len(decoded) >= 4:
                decoded.pop(next(iter(decoded)))
            decoded[blob] = json.loads(bodies[blob])
        return decoded[blob]

    from slactl.loading import SeriesLoader

    series = SeriesLoader()  # consecutive revisions: each composes only what it changed
    write = _Writer()
    with _no_gc(), contextlib.closing(write):
        for blob, raw in gitio.read_blobs(repo, [b for b, _, _ in items]):
            data, header, body = _build(blob, raw, series)
            write(cache.parsed(blob), data)
            file, hint = hints[blob]
            if header["kind"] is None:
                invalid.add(blob)
                parsed = _read_entry(data, blob, file, with_dump=False)
                assert parsed is not None
                out.append(parsed)
                continue
            out.append(Parsed(header["kind"], header["digest"], header["id"], None, ()))
            bodies[blob] = body
            # The revision is compared with its hinted predecessor, or (that one being invalid,
            # or none) with the previous valid one; a predecessor outside this chunk is left to
            # the caller, so no diff is made that the history does not show.
            before = hint if hint in bodies else last if hint is None or hint in invalid else None
            if before is not None and before != blob:
                changes = [] if bodies[before] == body else diff_dumps(dump(before), dump(blob))
                write(*_diff_entry(cache, before, blob, changes))
                diffs.append(((before, blob), changes))
            last = blob
    return out, diffs


def _diff_entry(cache: _Cache, a: str, b: str, changes: list[Change]) -> tuple[str, bytes]:
    """The path and content of the cache entry of a diff."""
    entry = {"format": _key(_DIFF_SOURCES), "a": a, "b": b, "changes": [c.as_dict() for c in changes]}
    return cache.diff(a, b), json.dumps(entry, ensure_ascii=False).encode("utf-8")


def _dump(repo: str, cache: _Cache, blob: str) -> dict[str, Any]:
    """The dump of a valid blob, from the cache; an entry found damaged now is rebuilt."""
    parsed = _load(cache, blob, "", with_dump=True)
    if parsed is None:
        data = _entry(blob, next(iter(gitio.read_blobs(repo, [blob])))[1])
        _write(cache.parsed(blob), data)
        parsed = _read_entry(data, blob, "", with_dump=True)
    assert parsed is not None and parsed.dump is not None
    return parsed.dump


def _diff_chunk(args: tuple[str, str, list[_Pair]]) -> list[list[Change]]:
    """Diff pairs of blobs (each dump read once), write each diff's entry."""
    repo, root, pairs = args
    cache = _Cache(Path(root))
    memo: dict[str, dict[str, Any]] = {}
    out = []
    with _no_gc():
        for a, b in pairs:
            old = memo.get(a) or _dump(repo, cache, a)
            new = memo.get(b) or _dump(repo, cache, b)
            memo = {a: old, b: new}
            changes = diff_dumps(old, new)
            _write(*_diff_entry(cache, a, b, changes))
            out.append(changes)
    return out


def _load_diff(cache: _Cache, a: str, b: str) -> list[Change] | None:
    data = _read(cache.diff(a, b))
    if data is None:
        return None
    try:
        entry = json.loads(data)
        if entry.get("format") != _key(_DIFF_SOURCES) or entry.get("a") != a or entry.get("b") != b:
            return None
        return [Change.from_dict(c) for c in entry["changes"]]
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


class _Workers:
    """Runs chunks of work in a fork pool when there is enough of it, else here; one pool per run."""

    def __init__(self, jobs: int | None) -> None:
        self.workers = jobs if jobs is not None else (os.cpu_count() or 1)
        self._pool: Any = None

    def map(self, fn: Any, tasks: list[Any], items: int) -> Iterator[Any]:
        if self.workers <= 1 or items < PARALLEL_FROM:
            return (fn(task) for task in tasks)
        if self._pool is None:
            import multiprocessing

            # Import the heavy modules before forking so every worker inherits them ready-built.
            import slactl.loading
            import slactl.parse
            import slactl.semdiff  # noqa: F401

            _key(_PARSE_SOURCES), _key(_DIFF_SOURCES)
            gc.freeze()  # keep the parent's objects out of the children's collections (copy-on-write)
            self._pool = multiprocessing.get_context("fork").Pool(self.workers)
        return iter(self._pool.imap(fn, tasks))

    def chunks(self, items: list[Any]) -> list[list[Any]]:
        """Chunks shrinking towards the end ("guided"), so the workers finish together.

        Large early chunks keep the per-chunk costs (a ``git cat-file``, the diffs across a
        chunk's boundary) few; small last ones leave no worker alone with a big one.
        """
        if self.workers <= 1 or len(items) < PARALLEL_FROM:
            return [items] if items else []
        out, start = [], 0
        while start < len(items):
            size = max(8, min(128, (len(items) - start) // (self.workers * 3)))
            out.append(items[start : start + size])
            start += size
        return out

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            gc.unfreeze()


def _summaries(
    repo: Path,
    blobs: dict[str, tuple[str, str | None]],
    cache: _Cache,
    workers: _Workers,
    progress: Progress | None = None,
) -> tuple[dict[str, Parsed], dict[_Pair, list[Change]]]:
    """Every blob's ``Parsed`` (without dump): from the cache, else parsed and cached.

    ``blobs`` maps each blob (oldest first) to its path and the blob it is likely diffed
    against; the diffs made while parsing come back too. ``progress`` is told how many
    blobs are parsed (the cache misses), then each chunk as it is done.
    """
    out: dict[str, Parsed] = {}
    diffs: dict[_Pair, list[Change]] = {}
    misses: list[_ChunkItem] = []
    for blob, (file, hint) in blobs.items():
        hit = _load(cache, blob, file, with_dump=False)
        if hit is None:
            misses.append((blob, file, hint))
        else:
            out[blob] = hit
    tasks = [(str(repo), str(cache.root), chunk) for chunk in workers.chunks(misses)]
    if progress is not None:
        progress.start(len(misses))
    for task, (results, made) in zip(tasks, workers.map(_parse_chunk, tasks, len(misses)), strict=True):
        out.update(zip((blob for blob, _, _ in task[2]), results, strict=True))
        diffs.update(made)
        if progress is not None:
            progress.advance(len(task[2]))
    return out, diffs


def _diffs(
    repo: Path, pairs: list[_Pair], cache: _Cache, workers: _Workers, known: dict[_Pair, list[Change]]
) -> dict[_Pair, list[Change]]:
    """The changes of each (old blob, new blob) pair: known, from the cache, else diffed and cached."""
    out: dict[_Pair, list[Change]] = {}
    misses: list[_Pair] = []
    for pair in pairs:
        hit = known[pair] if pair in known else _load_diff(cache, *pair)
        if hit is None:
            misses.append(pair)
        else:
            out[pair] = hit
    tasks = [(str(repo), str(cache.root), chunk) for chunk in workers.chunks(misses)]
    for task, results in zip(tasks, workers.map(_diff_chunk, tasks, len(misses)), strict=True):
        out.update(zip(task[2], results, strict=True))
    return out


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
    Without ``use_cache`` the work is done in a temporary folder that is removed afterwards.
    ``progress`` hears of the revisions parsed (none when all are in the cache).
    """
    revisions = gitio.file_revisions(repo, relpath)
    if not revisions:
        raise SlactlError(
            "the file has no history: it was never committed",
            path=relpath,
            hint="commit it first, or check the path with `git log --follow -- PATH`",
        )
    oldest_first = list(reversed(revisions))
    # blob -> its path (for findings) and the blob it is likely compared with; oldest first
    blobs: dict[str, tuple[str, str | None]] = {}
    for rev in oldest_first:
        if rev.previous_blob_id is not None:
            blobs.setdefault(rev.previous_blob_id, (rev.old_path or rev.path_at_revision, None))
        if rev.blob_id is not None:
            blobs.setdefault(rev.blob_id, (rev.path_at_revision, rev.previous_blob_id))
    workers = _Workers(jobs)
    with contextlib.ExitStack() as stack:
        stack.callback(workers.close)
        if use_cache:
            root = cache_dir(repo)
        else:
            root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="slactl-history-")))
        cache = _Cache(root)
        parsed, made = _summaries(repo, blobs, cache, workers, progress)
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
        changes = _diffs(repo, list(dict.fromkeys(pairs)), cache, workers, made)
    entries: list[HistoryEntry] = []
    for rev in revisions:
        if rev.blob_id is None:
            entries.append(HistoryEntry(rev, None, [], None))
            continue
        previous = against.get(rev.commit)
        found = changes.get((previous[1], rev.blob_id), []) if previous else []
        entries.append(HistoryEntry(rev, parsed[rev.blob_id], found, previous[0] if previous else None))
    ids = {e.parsed.document_id for e in entries if e.parsed is not None and e.parsed.document_id}
    judge = None
    if roster is not None:
        paths = [relpath, *(p for r in revisions for p in (r.path_at_revision, r.old_path) if p)]
        judge = _RosterJudge(repo, list(dict.fromkeys(paths)), roster, base)
    _place_approvals(repo, entries, ids, allowed_signers, judge)
    return History(relpath, entries, root if use_cache else None)


def _place_approvals(
    repo: Path,
    entries: list[HistoryEntry],
    ids: set[str],
    allowed_signers: Path | None,
    judge: _Judge | None = None,
) -> None:
    """Attach each approval of this agreement to the revision whose content it approved, judged by ``judge``."""
    if not ids:
        return
    commits = gitio.trailer_commits(repo, "HEAD", "Slactl-", allowed_signers, verify=True)
    paths = list(dict.fromkeys(e.revision.path_at_revision for e in entries))
    digests = {e.revision.commit: e.parsed.digest for e in entries if e.parsed is not None}
    for commit in commits:
        agreement = next((v for v in commit.values("Slactl-Agreement") if v in ids), None)
        if agreement is None:
            continue
        blob = next((b for p in paths if (b := gitio.blob_at(repo, commit.commit, p)) is not None), None)
        candidates = [e for e in entries if e.revision.committer_date <= commit.committer_date] or entries
        target = next((e for e in candidates if e.revision.blob_id == blob), None) if blob else None
        target = target or candidates[0]
        digest = (commit.values("Slactl-Digest") or [""])[0]
        stage = (commit.values("Slactl-Approval") or ["?"])[0]
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
    status: Literal["added", "deleted", "modified", "renamed", "unchanged"]
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
    changes), B to the working tree.
    """
    if rev_a is None:
        base = gitio.merge_base_with_default(repo)
        ref = gitio.default_branch(repo)
        label = f"merge base with {ref.removeprefix('refs/heads/').removeprefix('refs/remotes/')}" if ref else ""
        if base is None:
            base = gitio.head_commit(repo)
            label = "HEAD"
        if base is None:
            raise SlactlError("the repository has no commit yet: nothing to diff against", path=str(repo))
    else:
        base, label = gitio.resolve(repo, rev_a), rev_a
    target = gitio.resolve(repo, rev_b) if rev_b is not None else None
    changed = gitio.changed_files(repo, base, target)
    selected = _select(repo, changed, paths, base, target)
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


def _is_yaml(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return name.lower().endswith(YAML_SUFFIXES) and name != "slactl.yaml"


def _content(repo: Path, rev: str | None, path: str) -> bytes | None:
    if rev is None:
        try:
            return (repo / path).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise SlactlError(f"cannot read file: {exc.strerror}", path=path) from None
    return gitio.read_file_at(repo, rev, path)


def _file_diff(repo: Path, base: str, target: str | None, item: gitio.ChangedFile) -> FileDiff | None:
    old_path = item.old_path or item.path
    old_raw = None if item.status == "A" else _content(repo, base, old_path)
    new_raw = None if item.status == "D" else _content(repo, target, item.path)
    if item.status not in ("=",) and not any(r is not None and classify(r).slactl_like for r in (old_raw, new_raw)):
        return None  # a YAML file that is not a slactl document (decided by parsing: slactl.discovery)
    old = parse_bytes(old_raw, old_path) if old_raw is not None else None
    new = parse_bytes(new_raw, item.path) if new_raw is not None else None
    status: Literal["added", "deleted", "modified", "renamed", "unchanged"]
    if old is None and new is None:
        raise SlactlError("no such file at either revision", path=item.path)
    if old is None:
        status = "added"
    elif new is None:
        status = "deleted"
    elif item.old_path:
        status = "renamed"
    else:
        status = "modified" if old_raw != new_raw else "unchanged"
    changes = diff_dumps(old.dump, new.dump) if old and new and old.dump is not None and new.dump is not None else []
    return FileDiff(item.path, item.old_path, status, old, new, changes, old_raw != new_raw)


def iter_changes(report: DiffReport) -> Iterable[tuple[FileDiff, Change]]:
    """Every change of a report with its file."""
    for item in report.files:
        for change in item.changes:
            yield item, change
