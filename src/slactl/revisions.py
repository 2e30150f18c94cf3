"""The revisions service: every revision of a file, parsed, validated and cached by blob id.

``history``, ``status`` (what changed since a stale approval) and ``report``'s terms in
force all read a file's revisions through here, so each blob is parsed once per repository.

The cache is ONE SQLite file per repository, ``<git-common-dir>/slactl/cache/revisions.sqlite``
(standard library ``sqlite3``), with one table of parsed revisions keyed by (version key, blob
id) and one of diffs keyed by (version key, old blob, new blob). A blob never changes, so a row
never goes stale. A parsed row holds the kind, content digest and ``metadata.id`` of a valid
document with its canonical dump (zlib), or the findings of an invalid one. The version key
changes with slactl's version and with the source of the loader, the models and the digest (and,
for diffs, the semantic diff and its wording), so an upgrade never reads an old row; rows of
other versions are dropped when this one writes. Every row carries checksums of its fields and
body: a row that does not check out is ignored and rebuilt, and a file that is not our database
(garbage, truncated, another application's, another schema) is removed and made anew.

What is not cached is parsed on all cores: a fork pool fed with chunks of consecutive
revisions, each worker reading its chunk from its own ``git cat-file`` stream, composing only
the pieces of YAML each revision changed (``slactl.loading.SeriesLoader``) and diffing each
revision with the one before while both dumps are still in memory. Workers never open the
database: they hand their rows back and this process writes them while the others work.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import sqlite3
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from slactl import git as gitio
from slactl.errors import SlactlError
from slactl.findings import Finding, Severity
from slactl.semdiff import Change, diff_dumps

if TYPE_CHECKING:
    from slactl.loading import SeriesLoader
    from slactl.pool import ForkPool
    from slactl.validate import Progress

__all__ = ["CACHE_FILE", "Cache", "Parsed", "Revisions", "cache_dir", "parse_bytes"]

# 1: two files per revision under cache/parsed-<key>/ and cache/diffs-<key>/; 2: bodies inline
CACHE_FORMAT = 3
CACHE_FILE = "revisions.sqlite"
PARALLEL_FROM = 24  # fewer items than this are done in-process: a pool costs more than it saves
_APPLICATION_ID = 0x534C4131  # "SLA1": a SQLite file with another id is not ours
# The source files whose code decides what a parsed revision is, and what a diff says:
# any change to them (an upgrade, a local edit) changes the version key of new rows.
_PARSE_SOURCES = ("loading.py", "parse.py", "digest.py", "model/__init__.py", "model/agreement.py",
                  "model/levels.py", "model/commercial.py", "model/term.py", "model/fields.py",
                  "model/catalog.py", "model/types.py")  # fmt: skip
_DIFF_SOURCES = (*_PARSE_SOURCES, "semdiff/__init__.py", "semdiff/schema.py", "semdiff/say.py", "semdiff/favour.py",
                 "semdiff/clauses.py", "wording/__init__.py", "wording/values.py", "wording/levels.py",
                 "wording/terms.py", "wording/credits.py", "wording/definitions.py", "clock.py")  # fmt: skip
# Small rows in their own table (a warm history reads only those), the bodies beside them.
_SCHEMA = """
CREATE TABLE parsed (
    version TEXT NOT NULL, blob TEXT NOT NULL, kind TEXT, digest TEXT, doc_id TEXT,
    body_check TEXT NOT NULL, row_check TEXT NOT NULL,
    PRIMARY KEY (version, blob)
) WITHOUT ROWID;
CREATE TABLE bodies (version TEXT NOT NULL, blob TEXT NOT NULL, body BLOB NOT NULL, PRIMARY KEY (version, blob));
CREATE TABLE diffs (
    version TEXT NOT NULL, a TEXT NOT NULL, b TEXT NOT NULL, row_check TEXT NOT NULL, changes BLOB NOT NULL,
    PRIMARY KEY (version, a, b)
);
"""
_BATCH = 400  # ids per query: under every SQLite's limit of bound parameters


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


# A parsed row as stored: blob, kind, digest, doc_id, body, body_check, row_check.
_Row = tuple[str, str | None, str | None, str | None, bytes, str, str]
_DiffRow = tuple[str, str, str, bytes]  # a, b, row_check, changes (JSON)
_FindingRow = list[Any]  # line, column, path, code, message


def _check(*parts: str | None) -> str:
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()


def _body_check(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=16).hexdigest()


def _parse(raw: bytes, series: SeriesLoader | None = None) -> tuple[str | None, str | None, str | None, bytes]:
    """Parse one revision: (kind, digest, id, canonical JSON) when valid, else (None, None, None, findings JSON).

    With ``series`` (the loader of the revisions before it), only the parts of the text that
    changed are composed; a revision that does not validate is loaded again whole, for the
    positions of its findings.
    """
    from slactl.digest import PREFIX, canonical_json
    from slactl.loading import Loaded, LoadError, decode, load_text
    from slactl.parse import parse_document

    try:
        text = decode(raw)
        data = series.data(text) if series is not None else None
        parsed = parse_document(Loaded(data, text), "") if data is not None else None
        if parsed is None or parsed.document is None:
            parsed = parse_document(load_text(text), "")
    except LoadError as exc:
        found = exc.finding("")
        rows = [[found.line, found.column, found.path, found.code, found.message]]
        return None, None, None, json.dumps(rows, ensure_ascii=False).encode("utf-8")
    if parsed.document is None:
        rows = [[f.line, f.column, f.path, f.code, f.message] for f in parsed.findings]
        return None, None, None, json.dumps(rows, ensure_ascii=False).encode("utf-8")
    # canonical_json is exactly what content_digest hashes: one dump serves both.
    body = canonical_json(parsed.document)
    library = any(use.use is not None for use in getattr(parsed.document, "clauses", ()))
    digest = None if library else PREFIX + hashlib.sha256(body).hexdigest()  # else per commit: digest_for
    return type(parsed.document).__name__, digest, parsed.document.metadata.id, body


def _findings(rows: list[_FindingRow], file: str) -> tuple[Finding, ...]:
    return tuple(Finding(file, r[0], r[1], r[2], Severity.ERROR, r[3], r[4]) for r in rows)


def _row(blob: str, kind: str | None, digest: str | None, doc_id: str | None, body: bytes) -> _Row:
    """The stored row: a valid revision's canonical JSON compressed (zlib is ~10x on YAML dumps)."""
    stored = zlib.compress(body, 1) if kind is not None else body
    check = _body_check(stored)
    return blob, kind, digest, doc_id, stored, check, _check(_key(_PARSE_SOURCES), blob, kind, digest, doc_id, check)


def _diff_row(a: str, b: str, changes: list[Change]) -> _DiffRow:
    data = json.dumps([c.as_dict() for c in changes], ensure_ascii=False).encode("utf-8")
    return a, b, _check(_key(_DIFF_SOURCES), a, b, _body_check(data)), data


def parse_bytes(raw: bytes, file: str) -> Parsed:
    """One file's content parsed (no cache), never raising; its digest is the file's alone (see digest_for)."""
    kind, digest, doc_id, body = _parse(raw)
    if kind is None:
        return Parsed(None, None, None, None, _findings(json.loads(body), file))
    return Parsed(kind, digest or f"sha256:{hashlib.sha256(body).hexdigest()}", doc_id, json.loads(body), ())


_KEYS: dict[tuple[str, ...], str] = {}


def _key(sources: tuple[str, ...]) -> str:
    """slactl's version and a hash of the code that makes a row: the rows' version key."""
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
    """The folder of ``repo``'s cache file (in the git folder, never the work tree)."""
    return gitio.git_dir(repo) / "slactl" / "cache"


class Cache:
    """The cache file of one repository (``root`` None: a private one in memory, gone afterwards).

    Every failure of the file (unreadable, not ours, damaged, locked) costs only speed: a
    damaged file is removed and made anew once; after that the run goes on without a cache.
    """

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.path = root / CACHE_FILE if root is not None else None
        self._db: sqlite3.Connection | None = None
        self._off = False
        self._reset = False
        self._pruned = False

    # -- the file
    def _connect(self) -> sqlite3.Connection | None:
        if self._db is None and not self._off:
            try:
                self._db = self._open()
            except (sqlite3.Error, OSError):
                self._damaged()
        return self._db

    def _open(self) -> sqlite3.Connection:
        if self.path is None:
            db = sqlite3.connect(":memory:", isolation_level=None)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            db.execute("PRAGMA synchronous=OFF")  # a row lost in a crash is only parsed again
            app = db.execute("PRAGMA application_id").fetchone()[0]
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if app == 0 and version == 0 and not db.execute("SELECT 1 FROM sqlite_master").fetchone():
                db.executescript(
                    f"BEGIN; {_SCHEMA} PRAGMA application_id={_APPLICATION_ID}; PRAGMA user_version={CACHE_FORMAT};"
                    " COMMIT;"
                )
                self._remove_old_format()
            elif app != _APPLICATION_ID or version != CACHE_FORMAT:
                raise sqlite3.DatabaseError("not a slactl revisions cache of this format")
        except BaseException:
            db.close()
            raise
        return db

    def _remove_old_format(self) -> None:
        """The folders of the first format (two files per revision) are never read again: free their room."""
        import shutil

        if self.root is None:
            return
        for folder in (*self.root.glob("parsed-*"), *self.root.glob("diffs-*")):
            if folder.is_dir() and not folder.is_symlink():
                shutil.rmtree(folder, ignore_errors=True)

    def _damaged(self) -> None:
        """Drop the connection; remove the file and start anew the first time, else go on without."""
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None
        if self._reset or self.path is None:
            self._off = True
            return
        self._reset = True
        for suffix in ("", "-journal", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                self.path.with_name(self.path.name + suffix).unlink()

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None

    # -- reading
    def _rows(self, sql: str, keys: Sequence[str], *args: str) -> Iterator[tuple[Any, ...]]:
        """Rows of ``sql`` (ending in ``IN ({})``) for ``keys``, a batch of ids at a time."""
        db = self._connect()
        if db is None:
            return
        try:
            for start in range(0, len(keys), _BATCH):
                batch = keys[start : start + _BATCH]
                yield from db.execute(sql.format(",".join("?" * len(batch))), (*args, *batch)).fetchall()
        except sqlite3.Error:
            self._damaged()

    def _bodies(self, blobs: Sequence[str]) -> dict[str, bytes]:
        version = _key(_PARSE_SOURCES)
        sql = "SELECT blob, body FROM bodies WHERE version=? AND blob IN ({})"
        return {blob: body for blob, body in self._rows(sql, blobs, version) if isinstance(body, bytes)}

    def summaries(self, blobs: dict[str, str]) -> dict[str, Parsed]:
        """The ``Parsed`` (no dump) of each blob (-> its path, for findings) found whole in the cache."""
        version = _key(_PARSE_SOURCES)
        sql = "SELECT blob, kind, digest, doc_id, body_check, row_check FROM parsed WHERE version=? AND blob IN ({})"
        out: dict[str, Parsed] = {}
        invalid: dict[str, str] = {}  # blob -> its body check
        for blob, kind, digest, doc_id, body_check, row_check in self._rows(sql, list(blobs), version):
            if blob not in blobs or row_check != _check(version, blob, kind, digest, doc_id, body_check):
                continue
            if kind is not None:
                out[blob] = Parsed(kind, digest, doc_id, None, ())
            else:
                invalid[blob] = body_check
        for blob, body in self._bodies(list(invalid)).items():
            if _body_check(body) == invalid[blob]:
                with contextlib.suppress(ValueError, TypeError, IndexError):
                    out[blob] = Parsed(None, None, None, None, _findings(json.loads(body), blobs[blob]))
        return out

    def bodies(self, blobs: Sequence[str]) -> dict[str, bytes]:
        """The stored (compressed) canonical JSON of valid blobs, those whose row and body check out."""
        version = _key(_PARSE_SOURCES)
        wanted = list(dict.fromkeys(blobs))
        sql = "SELECT blob, kind, digest, doc_id, body_check, row_check FROM parsed WHERE version=? AND blob IN ({})"
        checks = {
            blob: body_check
            for blob, kind, digest, doc_id, body_check, row_check in self._rows(sql, wanted, version)
            if kind is not None and row_check == _check(version, blob, kind, digest, doc_id, body_check)
        }
        return {blob: body for blob, body in self._bodies(list(checks)).items() if _body_check(body) == checks[blob]}

    def diffs(self, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], list[Change]]:
        version = _key(_DIFF_SOURCES)
        wanted = set(pairs)
        sql = "SELECT a, b, row_check, changes FROM diffs WHERE version=? AND b IN ({})"
        out: dict[tuple[str, str], list[Change]] = {}
        for a, b, row_check, changes in self._rows(sql, list(dict.fromkeys(b for _, b in pairs)), version):
            if (a, b) not in wanted or not isinstance(changes, bytes):
                continue
            if row_check != _check(version, a, b, _body_check(changes)):
                continue
            with contextlib.suppress(ValueError, TypeError, KeyError, AttributeError):
                out[(a, b)] = [Change.from_dict(c) for c in json.loads(changes)]
        return out

    # -- writing
    def put(self, rows: Sequence[_Row], diffs: Sequence[_DiffRow] = ()) -> None:
        """Store rows in one transaction; rows of other versions go the first time (an upgrade's leftovers)."""
        db = self._connect()
        if db is None or not (rows or diffs):
            return
        parse_key, diff_key = _key(_PARSE_SOURCES), _key(_DIFF_SOURCES)
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                if not self._pruned:
                    for table, key in (("parsed", parse_key), ("bodies", parse_key), ("diffs", diff_key)):
                        db.execute(f"DELETE FROM {table} WHERE version != ?", (key,))
                    self._pruned = True
                db.executemany(
                    "INSERT OR REPLACE INTO parsed VALUES (?,?,?,?,?,?,?)",
                    [(parse_key, blob, kind, digest, doc_id, body_check, row_check)
                     for blob, kind, digest, doc_id, _body, body_check, row_check in rows],
                )  # fmt: skip
                db.executemany(
                    "INSERT OR REPLACE INTO bodies VALUES (?,?,?)", [(parse_key, row[0], row[4]) for row in rows]
                )
                db.executemany("INSERT OR REPLACE INTO diffs VALUES (?,?,?,?,?)", [(diff_key, *d) for d in diffs])
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        except sqlite3.OperationalError:
            pass  # locked by another slactl for longer than the timeout: this run's rows are not kept
        except sqlite3.Error:
            self._damaged()


# --------------------------------------------------------------------------- parsing in chunks


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


Pair = tuple[str, str]
ChunkItem = tuple[str, str, str | None]  # blob, its path, the blob it is likely diffed against
_ChunkResult = tuple[list[Parsed], list[tuple[Pair, list[Change]]], list[_Row], list[_DiffRow]]


def _parse_chunk(args: tuple[str, list[ChunkItem]]) -> _ChunkResult:
    """Parse blobs (read in one stream); while their dumps are still in memory, diff the pairs of
    this chunk the history is likely to show.

    Returns the blobs' ``Parsed`` without dumps, the diffs made, and the rows to store; the
    caller diffs whatever pair is still missing (across chunks, or where history branches).
    """
    repo, items = args
    hints = {blob: (file, hint) for blob, file, hint in items}
    bodies: dict[str, bytes] = {}  # valid blobs of this chunk -> canonical JSON
    decoded: dict[str, dict[str, Any]] = {}  # the last few of them decoded
    invalid: set[str] = set()
    out: list[Parsed] = []
    diffs: list[tuple[Pair, list[Change]]] = []
    rows: list[_Row] = []
    diff_rows: list[_DiffRow] = []
    last: str | None = None

    def dump(blob: str) -> dict[str, Any]:
        if blob not in decoded:
            if len(decoded) >= 4:
                decoded.pop(next(iter(decoded)))
            decoded[blob] = json.loads(bodies[blob])
        return decoded[blob]

    from slactl.loading import SeriesLoader

    series = SeriesLoader()  # consecutive revisions: each composes only what it changed
    with _no_gc():
        for blob, raw in gitio.read_blobs(repo, [b for b, _, _ in items]):
            kind, digest, doc_id, body = _parse(raw, series)
            rows.append(_row(blob, kind, digest, doc_id, body))
            file, hint = hints[blob]
            if kind is None:
                invalid.add(blob)
                out.append(Parsed(None, None, None, None, _findings(json.loads(body), file)))
                continue
            out.append(Parsed(kind, digest, doc_id, None, ()))
            bodies[blob] = body
            # The revision is compared with its hinted predecessor, or (that one being invalid,
            # or none) with the previous valid one; a predecessor outside this chunk is left to
            # the caller, so no diff is made that the history does not show.
            before = hint if hint in bodies else last if hint is None or hint in invalid else None
            if before is not None and before != blob:
                changes = [] if bodies[before] == body else diff_dumps(dump(before), dump(blob))
                diff_rows.append(_diff_row(before, blob, changes))
                diffs.append(((before, blob), changes))
            last = blob
    return out, diffs, rows, diff_rows


_DiffResult = tuple[list[list[Change]], list[_Row], list[_DiffRow]]


def _diff_chunk(args: tuple[str, list[Pair], dict[str, bytes]]) -> _DiffResult:
    """Diff pairs of blobs (each dump decoded once) from the stored bodies given; a blob without
    one (damaged since) is parsed again from git, and its row handed back with the diffs'."""
    repo, pairs, stored = args
    memo: dict[str, dict[str, Any]] = {}
    out: list[list[Change]] = []
    rows: list[_Row] = []
    diff_rows: list[_DiffRow] = []

    def dump(blob: str) -> dict[str, Any]:
        if blob in memo:
            return memo[blob]
        body = stored.get(blob)
        if body is not None:
            with contextlib.suppress(zlib.error, ValueError):
                found: dict[str, Any] = json.loads(zlib.decompress(body))
                return found
        kind, digest, doc_id, canonical = _parse(next(iter(gitio.read_blobs(repo, [blob])))[1])
        assert kind is not None  # only valid blobs are diffed
        rows.append(_row(blob, kind, digest, doc_id, canonical))
        found = json.loads(canonical)
        return found

    with _no_gc():
        for a, b in pairs:
            old, new = dump(a), dump(b)
            memo = {a: old, b: new}
            changes = diff_dumps(old, new)
            diff_rows.append(_diff_row(a, b, changes))
            out.append(changes)
    return out, rows, diff_rows


class Workers:
    """Runs chunks of work in a fork pool when there is enough of it, else here; one pool per run."""

    def __init__(self, jobs: int | None) -> None:
        from slactl.pool import usable_cores

        self.workers = jobs if jobs is not None else usable_cores()
        self._pool: ForkPool | None = None

    def map(self, fn: Any, tasks: list[Any], items: int) -> Iterator[Any]:
        from slactl.pool import ForkPool, worker_count

        if worker_count(self.workers, items, threshold=PARALLEL_FROM) <= 1:
            return (fn(task) for task in tasks)
        if self._pool is None:
            # Import the heavy modules before forking so every worker inherits them ready-built.
            import slactl.loading
            import slactl.parse
            import slactl.semdiff  # noqa: F401

            _key(_PARSE_SOURCES), _key(_DIFF_SOURCES)
            gc.freeze()  # keep the parent's objects out of the children's collections (copy-on-write)
            self._pool = ForkPool(self.workers)
        return self._pool.map(fn, tasks)

    def chunks(self, items: list[Any]) -> list[list[Any]]:
        """Chunks shrinking towards the end ("guided"), so the workers finish together.

        Large early chunks keep the per-chunk costs (a ``git cat-file``, the diffs across a
        chunk's boundary) few; small last ones leave no worker alone with a big one.
        """
        from slactl.pool import worker_count

        if worker_count(self.workers, len(items), threshold=PARALLEL_FROM) <= 1:
            return [items] if items else []
        out, start = [], 0
        while start < len(items):
            size = max(8, min(128, (len(items) - start) // (self.workers * 3)))
            out.append(items[start : start + size])
            start += size
        return out

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None
            gc.unfreeze()


def summaries(
    repo: Path,
    blobs: dict[str, tuple[str, str | None]],
    cache: Cache,
    workers: Workers,
    progress: Progress | None = None,
) -> tuple[dict[str, Parsed], dict[Pair, list[Change]]]:
    """Every blob's ``Parsed`` (without dump): from the cache, else parsed and cached.

    ``blobs`` maps each blob (oldest first) to its path and the blob it is likely diffed
    against; the diffs made while parsing come back too. ``progress`` is told how many
    blobs are parsed (the cache misses), then each chunk as it is done.
    """
    out = cache.summaries({blob: file for blob, (file, _) in blobs.items()})
    diffs: dict[Pair, list[Change]] = {}
    misses = [(blob, file, hint) for blob, (file, hint) in blobs.items() if blob not in out]
    tasks = [(str(repo), chunk) for chunk in workers.chunks(misses)]
    if progress is not None:
        progress.start(len(misses))
    for task, (results, made, rows, diff_rows) in zip(
        tasks, workers.map(_parse_chunk, tasks, len(misses)), strict=True
    ):
        out.update(zip((blob for blob, _, _ in task[1]), results, strict=True))
        diffs.update(made)
        cache.put(rows, diff_rows)
        if progress is not None:
            progress.advance(len(task[1]))
    return out, diffs


def diffs(
    repo: Path, pairs: list[Pair], cache: Cache, workers: Workers, known: dict[Pair, list[Change]]
) -> dict[Pair, list[Change]]:
    """The changes of each (old blob, new blob) pair: known, from the cache, else diffed and cached."""
    out = {pair: known[pair] for pair in pairs if pair in known}
    out.update(cache.diffs([pair for pair in pairs if pair not in out]))
    misses = [pair for pair in pairs if pair not in out]
    chunks = workers.chunks(misses)
    tasks = [(str(repo), chunk, cache.bodies([blob for pair in chunk for blob in pair])) for chunk in chunks]
    for task, (results, rows, diff_rows) in zip(tasks, workers.map(_diff_chunk, tasks, len(misses)), strict=True):
        out.update(zip(task[1], results, strict=True))
        cache.put(rows, diff_rows)
    return out


# --------------------------------------------------------------------------- the service


class Revisions:
    """The revisions of one file from HEAD (renames followed, newest first), parsed through the cache.

    ``use_cache`` False keeps the parsed revisions in memory for this object only.
    """

    def __init__(self, repo: Path, relpath: str, *, use_cache: bool = True, jobs: int | None = None) -> None:
        self.repo, self.relpath = repo, relpath
        self.revisions: list[gitio.Revision] = gitio.file_revisions(repo, relpath)
        self.cache = Cache(cache_dir(repo) if use_cache else None)
        self.jobs = jobs
        self._parsed: dict[str, Parsed] | None = None
        self._documents: dict[str, Any] = {}

    def blobs(self) -> dict[str, tuple[str, str | None]]:
        """Each blob (oldest first) -> its path (for findings) and the blob it is likely compared with."""
        out: dict[str, tuple[str, str | None]] = {}
        for rev in reversed(self.revisions):
            if rev.previous_blob_id is not None:
                out.setdefault(rev.previous_blob_id, (rev.old_path or rev.path_at_revision, None))
            if rev.blob_id is not None:
                out.setdefault(rev.blob_id, (rev.path_at_revision, rev.previous_blob_id))
        return out

    def parsed(self, progress: Progress | None = None) -> dict[str, Parsed]:
        """Every blob's ``Parsed`` (without dump)."""
        if self._parsed is None:
            workers = Workers(self.jobs)
            try:
                self._parsed, _ = summaries(self.repo, self.blobs(), self.cache, workers, progress)
            finally:
                workers.close()
        return self._parsed

    def adopt(self, parsed: dict[str, Parsed]) -> None:
        """Use blobs parsed elsewhere (``summaries`` with a shared pool) as this service's."""
        self._parsed = parsed

    def dumps_by_digest(self) -> dict[str, dict[str, Any]]:
        """Content digest -> canonical dump, of every committed revision that is a valid agreement."""
        parsed = self.parsed()
        blobs = dict.fromkeys(r.blob_id for r in self.revisions if r.blob_id is not None)
        wanted = dict.fromkeys(b for b in blobs if parsed[b].kind == "Agreement")
        stored = self.cache.bodies(list(wanted))
        out: dict[str, dict[str, Any]] = {}
        digests = [(r.blob_id, self.digest_for(r)) for r in self.revisions if r.blob_id in wanted]
        for blob, digest in digests:
            if blob is None or digest is None or digest in out:
                continue
            body = stored.get(blob)
            if body is None:  # the row went away or is damaged: parse the blob again
                kind, _digest, doc_id, canonical = _parse(next(iter(gitio.read_blobs(self.repo, [blob])))[1])
                self.cache.put([_row(blob, kind, _digest, doc_id, canonical)])
                out[digest] = json.loads(canonical)
            else:
                out[digest] = json.loads(zlib.decompress(body))
        return out

    def documents(self, path: Path, kind: str = "Agreement") -> dict[str, Any]:
        """Blob -> its validated model (``slactl.documents.load_valid`` as ``path``), or the
        SlactlError that refused it; every blob of the file read in one stream, loaded once."""
        from slactl.documents import load_valid

        wanted = [r.blob_id for r in self.revisions if r.blob_id is not None and r.blob_id not in self._documents]
        for blob, raw in gitio.read_blobs(self.repo, list(dict.fromkeys(wanted))):
            try:
                self._documents[blob] = load_valid(path, kind=kind, raw=raw).document
            except SlactlError as exc:
                self._documents[blob] = exc
        return dict(self._documents)

    def digest_for(self, rev: gitio.Revision) -> str | None:
        """The content digest at ``rev`` (None: invalid); with library clauses, their words at that commit."""
        parsed = self.parsed()[rev.blob_id] if rev.blob_id is not None else None
        if parsed is None or not parsed.valid or parsed.digest is not None:
            return parsed.digest if parsed is not None else None
        from slactl.clause_sources import digest_at

        return digest_at(self.repo, self.relpath, rev.commit, rev.blob_id or "")

    def close(self) -> None:
        self.cache.close()
