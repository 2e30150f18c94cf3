"""Where an agreement's clause library is read from: the work tree, or git at a revision.

The words of an agreement's library clauses at a revision come from the clause files of that
revision (the approvals, ``status`` and ``history`` judge the words that were committed), the
folder named by ``clauses`` in slactl.yaml (default ``clauses/`` beside it).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from slactl import git as gitio
from slactl.errors import SlactlError

__all__ = ["clause_folder_of", "digest_at", "folder_of", "library_at", "library_key", "library_of"]


def clause_folder_of(repo: Path, path: Path) -> str | None:
    """The clause library folder of the agreement at ``path``, relative to ``repo`` (None: outside it)."""
    from slactl.clauses import DEFAULT_FOLDER
    from slactl.config import load_config

    try:
        config = load_config(path.parent if path.parent.is_dir() else repo)
    except SlactlError:
        return None
    if config.root is None:
        return None
    chosen = getattr(config.raw, "clauses", None) or DEFAULT_FOLDER
    try:
        return (config.root / chosen).resolve().relative_to(repo.resolve()).as_posix()
    except ValueError:
        return None


def library_key(library: Any) -> str:
    """A key of a library's content (the same clauses, the same key)."""
    parts = [(c.path, c.id, c.version, c.title, c.section, c.body, repr(c.parameters)) for c in library.clauses]
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


_LIBRARIES: dict[tuple[str, str, str], Any] = {}


def library_at(repo: Path, commit: str, folder: str | None) -> Any:
    """The clause library (``slactl.clauses.Library``) as committed in ``commit``: the agreement's
    words at a revision come from the clause files of that revision, not the work tree."""
    from slactl.clauses import Library, library_from_files

    if folder is None:
        return Library()
    key = (str(repo), commit, folder)
    if key not in _LIBRARIES:
        prefix = "" if folder in ("", ".") else folder.rstrip("/") + "/"
        files = [(p, b) for p, b in gitio.tree_files(repo, commit) if p.startswith(prefix) and p.endswith(".md")]
        contents = dict(gitio.read_blobs(repo, [b for _, b in files])) if files else {}
        _LIBRARIES[key] = library_from_files([(p, contents[b]) for p, b in files], folder)
    return _LIBRARIES[key]


def library_of(path: Path) -> Any:
    """The clause library the agreement at ``path`` uses, from the work tree (slactl.yaml's `clauses`)."""
    from slactl.clauses import DEFAULT_FOLDER, Library, load_library
    from slactl.config import load_config

    config = load_config(path.parent)
    if config.root is None:
        return Library()
    return load_library(config.root / (getattr(config.raw, "clauses", None) or DEFAULT_FOLDER))


_DIGESTS: dict[tuple[str, str, str], str] = {}  # (repo, blob, library key) -> digest
_FOLDERS: dict[tuple[str, str], str | None] = {}


def digest_at(repo: Path, relpath: str, commit: str, blob: str) -> str:
    """The content digest of ``blob`` (the file ``relpath``) as committed in ``commit``: with the words
    of the library clauses it uses, read from the clause library of that commit."""
    from slactl.digest import digest_with_library
    from slactl.loading import decode, load_text
    from slactl.parse import parse_document

    library = library_at(repo, commit, folder_of(repo, relpath))
    key = (str(repo), blob, library_key(library))
    if key not in _DIGESTS:
        raw = next(iter(gitio.read_blobs(repo, [blob])))[1]
        document = parse_document(load_text(decode(raw)), "").document
        if document is None:
            raise SlactlError("the revision is not a valid document", path=relpath)
        _DIGESTS[key] = digest_with_library(document, library)
    return _DIGESTS[key]


def folder_of(repo: Path, relpath: str) -> str | None:
    """:func:`clause_folder_of` for the file ``relpath`` of ``repo``, looked up once."""
    where = (str(repo), relpath)
    if where not in _FOLDERS:
        _FOLDERS[where] = clause_folder_of(repo, repo / relpath)
    return _FOLDERS[where]
