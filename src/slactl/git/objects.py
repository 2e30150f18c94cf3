"""Blobs and trees: one persistent ``git cat-file --batch`` for many blobs, tree lookups.

Blobs are read through GitPython's object database on the command line
(``Repo(..., odbt=GitCmdObjectDB)``): one ``cat-file --batch`` process per call of
:func:`read_blobs`, kept for all the ids it is given.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable

from slactl.git._runner import (
    _OID_RE,
    GitError,
    StrPath,
    _check_oid,
    _decode,
    _fsdecode,
    _git_command,
    _lines,
    _run,
    open_repo,
)
from slactl.git.repo import file_state, head_commit, resolve


def empty_commits(repo: StrPath, commits: Iterable[str]) -> set[str]:
    """The commits, among those given, whose tree is the tree of their first parent.

    A root commit is never empty. One ``git cat-file --batch-check`` process.
    """
    ids = [_check_oid(c) for c in commits]
    if not ids:
        return set()
    names = "".join(f"{c}^{{tree}}\n{c}~1^{{tree}}\n" for c in ids)
    proc = _run(
        repo,
        ["cat-file", "--batch-check=%(objectname)"],
        input=names.encode("ascii"),
        what="reading the trees of approval commits",
    )
    lines = _decode(proc.stdout).splitlines()
    if len(lines) != 2 * len(ids):
        raise GitError("unexpected git cat-file output while reading trees", repo=repo)
    out = set()
    for i, commit in enumerate(ids):
        tree, parent_tree = lines[2 * i], lines[2 * i + 1]
        if _OID_RE.fullmatch(tree) and tree == parent_tree:
            out.add(commit)
    return out


# -------------------------------------------------------------------- blobs


def read_blobs(repo: StrPath, blob_ids: Iterable[str]) -> Generator[tuple[str, bytes], None, None]:
    """Yield ``(blob_id, content)`` for each id, in order, from ONE ``git cat-file --batch``.

    Contents are streamed: only one blob is held at a time. The ids must be full
    object ids (ValueError otherwise). A missing object, or one that is not a
    blob, raises GitError. ``close()`` (or dropping it) before the end ends the git process.
    """
    ids = [_check_oid(b) for b in blob_ids]
    if not ids:
        return
    cmd = _git_command(["cat-file", "--batch"])
    with open_repo(repo) as found:
        odb = found.odb
        for oid in ids:
            try:
                stream = odb.stream(bytes.fromhex(oid))
                data = stream.read()
            except ValueError as exc:  # GitPython: git answered no header, or "<oid> missing"
                text = str(exc)
                if "missing" in text:
                    raise GitError(
                        f"object {oid} is missing from the repository",
                        repo=repo,
                        hint="fetch the missing history (shallow or partial clone?) or check with `git fsck`",
                        command=cmd,
                    ) from None
                raise GitError(
                    f"git cat-file stopped before blob {oid}: {text}",
                    repo=repo,
                    hint="check the repository with `git fsck`",
                    command=cmd,
                ) from None
            kind = _decode(stream.type) if isinstance(stream.type, bytes) else str(stream.type)
            if kind != "blob":  # GitPython hands git's type name over as bytes
                header = f"{oid} {kind} {stream.size}"
                raise GitError(f"object {oid} is not a blob ({header})", repo=repo, command=cmd)
            if len(data) != stream.size:
                raise GitError(f"short read of blob {oid} from git cat-file", repo=repo, command=cmd)
            yield oid, data


def blob_at(repo: StrPath, rev: str, relpath: str) -> str | None:
    """The blob id of ``relpath`` in commit ``rev``, or None if there is no such file."""
    sha = resolve(repo, rev)
    proc = _run(
        repo,
        ["ls-tree", "-z", "--full-tree", sha, "--", relpath],
        what=f"looking up {relpath} in {rev}",
    )
    for entry in proc.stdout.split(b"\0"):
        meta, sep, name = entry.partition(b"\t")
        if not sep or _fsdecode(name) != relpath:
            continue
        _mode, typ, oid = _decode(meta).split(" ")
        return oid if typ == "blob" else None
    return None


def read_file_at(repo: StrPath, rev: str, relpath: str) -> bytes | None:
    """The content of ``relpath`` in commit ``rev``, or None if it has no such file."""
    oid = blob_at(repo, rev, relpath)
    if oid is None:
        return None
    proc = _run(repo, ["cat-file", "blob", oid], what=f"reading {relpath} at {rev}")
    return proc.stdout


def hash_worktree_file(repo: StrPath, relpath: str) -> str:
    """The blob id the working-tree file would get if added (filters applied)."""
    proc = _run(
        repo,
        ["hash-object", f"--path={relpath}", "--", relpath],
        what=f"hashing {relpath}",
        hint="check that the file exists and is readable",
    )
    return _lines(proc.stdout)


def is_clean_at_head(repo: StrPath, relpath: str) -> bool:
    """True if ``relpath`` exists in HEAD and the index and working tree match it."""
    return blob_at_head(repo, relpath) is not None and file_state(repo, relpath) == "clean"


def blob_at_head(repo: StrPath, relpath: str) -> str | None:
    """The blob id of ``relpath`` in HEAD; None if absent or there is no commit yet."""
    head = head_commit(repo)
    return blob_at(repo, head, relpath) if head else None
