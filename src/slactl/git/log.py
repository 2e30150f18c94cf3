"""The history of a file and the approval commits: one ``git log`` each, parsed here.

The hot path of ``slactl history``: one ``git log --raw`` with a custom format (fixed
NUL-separated fields per commit), run through the command wrapper; no tree or object is
read per revision.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from slactl.git._runner import _NULL_OID_RE, GitError, StrPath, _decode, _fsdecode, _run
from slactl.git.records import _COMMIT_FIELDS, CommitWithTrailers, Revision, _commit_fields
from slactl.git.repo import _resolve_start
from slactl.git.signatures import _SIG_FIELDS, _signature, _signers_config

_TRAILER_PREFIX_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")

# One record per commit: \x1e then fixed NUL-separated fields; --raw lines follow.
_REV_FORMAT = "--format=%x1e" + "%x00".join(_COMMIT_FIELDS)


@dataclass(frozen=True, slots=True)
class _Raw:
    status: str
    old_path: str
    new_path: str
    old_mode: str
    new_mode: str
    new_blob: str
    old_blob: str = ""


def _parse_log_raw(data: bytes) -> Iterator[tuple[list[bytes], list[_Raw]]]:
    """Split ``git log --format=<_REV_FORMAT> --raw -z`` output into commits."""
    tokens = data.split(b"\0")
    n = len(tokens)
    nf = len(_COMMIT_FIELDS)
    i = 0
    while i < n:
        tok = tokens[i]
        if not tok:  # trailing terminator
            i += 1
            continue
        if not tok.startswith(b"\x1e") or i + nf > n:
            raise ValueError(f"unexpected git log output near token {i}: {tok[:80]!r}")
        fields = [tok[1:], *tokens[i + 1 : i + nf]]
        i += nf
        raws: list[_Raw] = []
        while i < n and tokens[i].lstrip(b"\n").startswith(b":"):
            head = tokens[i].lstrip(b"\n")[1:].split(b" ")
            # :old_mode new_mode old_blob new_blob STATUS[score]
            status = _decode(head[4])[:1]
            two = status in ("R", "C")
            old = _fsdecode(tokens[i + 1])
            new = _fsdecode(tokens[i + 2]) if two else old
            i += 3 if two else 2
            raws.append(_Raw(status, old, new, _decode(head[0]), _decode(head[1]), _decode(head[3]), _decode(head[2])))
        yield fields, raws


def file_revisions(repo: StrPath, relpath: str, rev: str = "HEAD") -> list[Revision]:
    """Every commit reachable from ``rev`` that changed ``relpath``, newest first.

    Renames are followed (``--follow``): older revisions carry the older path in
    ``path_at_revision``. A merge is listed when the file differs from the merge's
    first parent (e.g. a branch that changed it was merged), with the merged blob;
    the branch's own commits are listed too. A deletion has ``blob_id`` None.
    One ``git log`` process; no git objects are read besides the trees.
    Returns [] if the path never existed, or HEAD has no commit yet.
    """
    start = _resolve_start(repo, rev)
    if start is None:
        return []
    proc = _run(
        repo,
        [
            "log",
            "--follow",
            "--diff-merges=first-parent",
            _REV_FORMAT,
            "--raw",
            "--no-abbrev",
            "-z",
            "--no-ext-diff",
            "--no-textconv",
            start,
            "--",
            relpath,
        ],
        what=f"reading the history of {relpath}",
    )
    try:
        parsed = list(_parse_log_raw(proc.stdout))
    except (ValueError, IndexError) as exc:
        raise GitError(
            f"could not understand git's history of {relpath}: {exc}",
            repo=repo,
            hint="please report this with your git version (`git --version`)",
        ) from exc
    out: list[Revision] = []
    current = relpath
    for fields, raws in parsed:
        if not raws:
            continue
        raw = next((r for r in raws if r.new_path == current), raws[0])
        deleted = raw.status == "D"
        out.append(
            Revision(
                **_commit_fields(fields),
                path_at_revision=raw.new_path,
                old_path=raw.old_path if raw.status in ("R", "C") else None,
                change=raw.status,
                blob_id=None if deleted or _NULL_OID_RE.fullmatch(raw.new_blob) else raw.new_blob,
                previous_blob_id=None if not raw.old_blob or _NULL_OID_RE.fullmatch(raw.old_blob) else raw.old_blob,
                mode=raw.new_mode,
            )
        )
        current = raw.old_path
    return out


def trailer_commits(
    repo: StrPath,
    rev: str = "HEAD",
    trailer_key_prefix: str = "Slactl-",
    allowed_signers: StrPath | None = None,
    *,
    verify: bool = True,
) -> list[CommitWithTrailers]:
    """Commits in the ancestry of ``rev`` (newest first) with a trailer key starting
    with ``trailer_key_prefix`` (case-insensitive) in their FINAL trailer block.

    A ``Key: value`` line elsewhere in the message is not a trailer. Continuation
    lines are unfolded. With ``verify`` each commit's signature is checked against
    ``allowed_signers`` (None: the user's configured file) in the same git call;
    otherwise ``signature`` is None. One ``git log`` call in all.
    Returns [] if HEAD has no commit yet.
    """
    if not _TRAILER_PREFIX_RE.fullmatch(trailer_key_prefix):
        raise ValueError(f"a trailer key prefix is letters, digits and '-': {trailer_key_prefix!r}")
    start = _resolve_start(repo, rev)
    if start is None:
        return []
    fields = [
        *_COMMIT_FIELDS,
        "%(trailers:only=true,unfold=true,key_value_separator=%x1f)",
    ]  # fmt: skip
    if verify:
        fields += _SIG_FIELDS
    proc = _run(
        repo,
        [
            "log",
            "-z",
            "--extended-regexp",
            "--regexp-ignore-case",
            f"--grep=^{trailer_key_prefix}",  # cheap prefilter; the trailer block decides
            "--format=" + "%x00".join(fields),
            start,
            "--",
        ],
        what="reading approval commits",
        config=_signers_config(repo, allowed_signers) if verify else (),
    )
    tokens = proc.stdout.split(b"\0")
    nf = len(fields)
    if len(tokens) % nf == 1 and tokens[-1] == b"":
        tokens.pop()  # the -z terminator
    if len(tokens) % nf:
        raise GitError("unexpected git log output while reading trailers", repo=repo)
    prefix = trailer_key_prefix.lower()
    out: list[CommitWithTrailers] = []
    for i in range(0, len(tokens), nf):
        rec = tokens[i : i + nf]
        trailers = tuple(_parse_trailers(rec[9]))
        if not any(k.lower().startswith(prefix) for k, _ in trailers):
            continue
        out.append(
            CommitWithTrailers(
                **_commit_fields(rec),
                trailers=trailers,
                signature=_signature(rec[10:]) if verify else None,
            )
        )
    return out


def _parse_trailers(block: bytes) -> Iterator[tuple[str, str]]:
    for line in _decode(block).split("\n"):
        key, sep, value = line.partition("\x1f")
        if sep and key.strip():
            yield key.strip(), value.strip()
