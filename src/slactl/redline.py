"""What `slactl diff --format html` needs from git, asked once, above the pure renderer.

For each file of a :class:`~slactl.history.DiffReport`: the agreement at both revisions (the
working tree when the newer side is not a commit), the provenance of each (digest, commit and
its date; no approvals: the redline leaves the approval table out), the catalogs of slactl.yaml
as they were at that revision, and the business-terms summary as ``slactl diff`` words it.
:func:`slactl.render.redline.render_redline` does the rest without touching git.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from slactl.errors import SlactlError

if TYPE_CHECKING:
    from jinja2 import Environment

    from slactl.history import DiffReport, FileDiff
    from slactl.model.agreement import Agreement
    from slactl.model.catalog import Catalog
    from slactl.render.redline import RedlineFile, RedlineSide

__all__ = ["REDLINE_OWNER", "redline_files", "redline_html"]

REDLINE_OWNER = "redline"  # the stamp's owner: a redline may be written over an earlier redline


def _raw(repo: Path, rev: str | None, relpath: str) -> bytes | None:
    from slactl.history import content_at

    return content_at(repo, rev, relpath)


def _document(raw: bytes | None, relpath: str, kind: str) -> object | None:
    """The valid document of ``kind`` in ``raw``, else None (the diff summary says why)."""
    from slactl.documents import load_valid

    if raw is None:
        return None
    try:
        return load_valid(Path(relpath), kind=kind, raw=raw).document
    except SlactlError:
        return None


def _catalogs(repo: Path, rev: str | None) -> list[Catalog]:
    """The catalogs slactl.yaml names, as they were at ``rev`` (the work tree's list of them)."""
    from slactl import git as gitio
    from slactl.config import load_config

    try:
        config = load_config(repo)
    except SlactlError:
        return []
    found: list[Catalog] = []
    for path in config.catalogs:
        catalog = _document(_raw(repo, rev, gitio.rel_path(repo, path)), str(path), "Catalog")
        if catalog is not None:
            found.append(catalog)  # type: ignore[arg-type]
    return found


def _side(repo: Path, rev: str | None, relpath: str | None, label: str) -> RedlineSide:
    from slactl import git as gitio
    from slactl.digest import content_digest
    from slactl.provenance import fingerprint
    from slactl.render.provenance import Provenance
    from slactl.render.redline import RedlineSide

    if relpath is None:
        return RedlineSide(label)
    agreement: Agreement | None = _document(_raw(repo, rev, relpath), relpath, "Agreement")  # type: ignore[assignment]
    if agreement is None:
        return RedlineSide(label)
    if rev is None:
        provenance = fingerprint(repo / relpath, agreement)
    else:
        from slactl.clause_sources import folder_of, library_at
        from slactl.clauses import digest_part, resolve

        # The clauses' words as committed in ``rev``: the redline compares the words each side rendered.
        library = library_at(repo, rev, folder_of(repo, relpath))
        clauses = tuple(resolve(agreement, library, strict=False)) if agreement.clauses else ()
        epoch = int(gitio.commit_date(repo, rev).timestamp())
        digest = content_digest(agreement, digest_part(agreement, library))
        provenance = Provenance(digest, "committed", rev, epoch, clauses=clauses)
    return RedlineSide(label, agreement, provenance, tuple(_catalogs(repo, rev)))


def _notes(item: FileDiff) -> tuple[str, ...]:
    notes = []
    for side, parsed in (("older", item.old), ("newer", item.new)):
        if parsed is not None and not parsed.valid:
            first = parsed.findings[0]
            notes.append(
                f"Not valid at the {side} revision ({first.line}:{first.column} {first.code} {first.message}): "
                "no document to compare there; run slactl validate."
            )
        elif parsed is not None and parsed.kind != "Agreement":
            notes.append(f"A {parsed.kind} at the {side} revision, not an agreement: only its terms are compared.")
    return tuple(notes)


def _labels(report: DiffReport) -> tuple[str, str]:
    """How the two revisions are named, as ``slactl diff`` names them."""
    from slactl.reporters.common import short

    base = f"{short(report.base)} ({report.base_label})" if report.base_label else short(report.base)
    target = "the working tree" if report.target is None else f"{short(report.target)} ({report.target_label})"
    return base, target


def redline_files(report: DiffReport, repo: Path) -> list[RedlineFile]:
    """The inputs of the redline for every file of ``report``."""
    from slactl.render.redline import RedlineFile, SummaryLine
    from slactl.reporters.common import MARK

    base_label, target_label = _labels(report)
    files = []
    for item in report.files:
        old_path = None if item.status == "added" else (item.old_path or item.path)
        new_path = None if item.status == "deleted" else item.path
        summary = tuple(SummaryLine(MARK[c.kind], c.sentence(), c.favour or "") for c in item.changes)
        files.append(
            RedlineFile(
                path=item.path,
                status=f"renamed from {item.old_path}" if item.status == "renamed" else item.status,
                old=_side(repo, report.base, old_path, base_label),
                new=_side(repo, report.target, new_path, target_label),
                summary=summary,
                notes=_notes(item),
            )
        )
    return files


def redline_html(report: DiffReport, repo: Path, *, env: Environment | None = None) -> bytes:
    """The redline page of ``report``, stamped (so a later redline may replace it) and sealed."""
    from slactl.render.redline import render_redline
    from slactl.safewrite import placeholder, seal

    base_label, target_label = _labels(report)
    html = render_redline(redline_files(report, repo), base_label=base_label, target_label=target_label, env=env)
    # Added by code, after the text, as render does: the last stamp in the file is the one that counts.
    return seal(f"{html}<!-- {placeholder(REDLINE_OWNER)} -->\n".encode())
