"""`slactl site`: a static portal of the portfolio, as a mapping of relative paths to bytes.

Pages (docs/site.md): ``index.html`` (the portfolio table, sortable and filterable by a
little inline script, with a search box), ``obligations.html`` and ``obligations.ics``, and
per agreement ``a/<id>/index.html`` (status and stages, dependencies, obligations, history
in business terms, reports), ``a/<id>/document.html`` (the rendered document, from
slactl.render) and, with report data, ``a/<id>/reports/<period>.html`` (slactl.report's
HTML). Every link is relative and names a file, so the portal works from a file system and
from any static host; nothing is fetched from elsewhere. The same repository gives the same
bytes: no wall clock (the day judged on is the caller's), files in a fixed order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from slactl.errors import SlactlError
from slactl.portfolio.entries import data_files
from slactl.portfolio.obligations import Obligation

if TYPE_CHECKING:
    from jinja2 import Environment

    from slactl.portfolio.entries import Entry, Portfolio

SITE_OWNER = "site"
MARKER = ".slactl-site"
UPCOMING_DAYS = 90


@dataclass(frozen=True)
class SiteFile:
    """One file of the portal: its path relative to the output folder, its bytes and its write stamp owner."""

    path: str
    data: bytes
    owner: str


def report_periods(entry: Entry, fy_start: tuple[int, int], as_of: date) -> list[str]:
    """Fiscal quarters (``FY2027-Q1``) of the term that have begun by ``as_of``, oldest first."""
    from slactl.fiscal import fiscal_year_first, fiscal_year_of
    from slactl.portfolio.obligations import add_months

    term = entry.agreement.term
    last = min(term.end, as_of) if term.end is not None else as_of
    out: list[str] = []
    fy = fiscal_year_of(term.start, fy_start)
    while fiscal_year_first(fy, fy_start) <= last:
        first = fiscal_year_first(fy, fy_start)
        for q in range(4):
            start = add_months(first, 3 * q)
            stop = add_months(first, 3 * q + 3) - timedelta(days=1)
            if start <= last and stop >= term.start:
                out.append(f"FY{fy}-Q{q + 1}")
        fy += 1
    return out


def build_site(
    portfolio: Portfolio,
    *,
    data: Path | None = None,
    templates: Path | None = None,
    history: bool = True,
) -> list[SiteFile]:
    """Every file of the portal, in a fixed order."""
    from slactl.portfolio.ics import to_ics
    from slactl.safewrite import placeholder, seal

    env = _environment()
    by_id = {e.id: e for e in portfolio.entries}
    dependents: dict[str, list[str]] = {}
    for e in portfolio.entries:
        for dep in e.dependencies:
            dependents.setdefault(dep, []).append(e.id)
    files: list[SiteFile] = []
    made: dict[Path | None, tuple[Any, Any]] = {}
    stamp = placeholder(SITE_OWNER)

    def page(path: str, template: str, **context: Any) -> None:
        root = "../" * path.count("/")
        html = env.get_template(template).render(root=root, as_of=portfolio.as_of.isoformat(), stamp=stamp, **context)
        files.append(SiteFile(path, seal(html.encode()), SITE_OWNER))

    everything = portfolio.all_obligations()
    upcoming = [o for o in everything if portfolio.as_of <= o.due <= portfolio.as_of + timedelta(days=UPCOMING_DAYS)]
    rows = [_row(e, portfolio.credits_owed.get(e.id)) for e in portfolio.entries]
    page(
        "index.html",
        "index.html.j2",
        rows=rows,
        upcoming=[_ob(o, by_id) for o in upcoming],
        types=sorted({r["type"] for r in rows}),
        stages=sorted({r["stage"] for r in rows}),
        upcoming_days=UPCOMING_DAYS,
    )
    page(
        "obligations.html",
        "obligations.html.j2",
        obligations=[_ob(o, by_id) for o in everything],
        kinds=sorted({o.kind for o in everything}),
    )
    files.append(SiteFile("obligations.ics", seal(to_ics(everything, stamp=portfolio.as_of, note=stamp)), SITE_OWNER))
    for e in portfolio.entries:
        base = f"a/{e.id}/"
        doc = _document(e, templates, made)
        from slactl.render import stamp_owner

        files.append(SiteFile(base + "document.html", doc, stamp_owner(e.id)))
        reports = []
        inputs = data_files(data, e.id)
        if inputs:
            for period in report_periods(e, portfolio.fy_start, portfolio.as_of):
                files.append(
                    SiteFile(f"{base}reports/{period}.html", _report(e, inputs, period, portfolio), SITE_OWNER)
                )
                reports.append({"period": period, "href": f"reports/{period}.html"})
        deps = [
            {
                "id": d,
                "href": f"../{d}/index.html" if d in by_id else None,
                "title": by_id[d].agreement.metadata.title if d in by_id else None,
            }
            for d in e.dependencies
        ]
        users = [
            {"id": d, "href": f"../{d}/index.html", "title": by_id[d].agreement.metadata.title}
            for d in dependents.get(e.id, [])
        ]
        page(
            base + "index.html",
            "agreement.html.j2",
            e=_row(e, portfolio.credits_owed.get(e.id)),
            stages=_stages(e),
            deps=deps,
            users=users,
            obligations=[_ob(o, by_id, here=e.id) for o in portfolio.obligations(e)],
            history=_history(e) if history else None,
            reports=reports,
            data_given=data is not None,
        )
    return files


def _environment() -> Environment:
    from jinja2 import FileSystemLoader

    from slactl.render import make_environment
    from slactl.templates_dir import builtin_templates

    return make_environment(None).overlay(loader=FileSystemLoader(str(builtin_templates() / "site")))


def _days(n: int | None) -> str:
    if n is None:
        return ""
    return "today" if n == 0 else (f"in {n} days" if n > 0 else f"{-n} days ago")


def _row(e: Entry, owed: tuple[str, Any, str | None] | None = None) -> dict[str, Any]:
    a = e.agreement
    total = e.total
    notice = e.renewal_notice
    held = sum(1 for s in e.status.stages if s.holds) if e.status is not None else 0
    count = len(e.status.stages) if e.status is not None else 0
    search = " ".join(
        [
            e.id,
            a.metadata.title,
            a.metadata.type,
            *e.parties,
            a.parties.provider.organization,
            a.parties.customer.organization or "",
            e.stage,
            *(s.name or s.id for s in a.services),
            *(f"{k} {v}" for k, v in sorted(a.metadata.labels.items())),
        ]
    )
    return {
        "id": e.id,
        "href": f"a/{e.id}/index.html",
        "title": a.metadata.title,
        "type": a.metadata.type,
        "provider": e.parties[0],
        "customer": e.parties[1],
        "provider_org": a.parties.provider.organization,
        "customer_org": a.parties.customer.organization,
        "start": a.term.start.isoformat(),
        "end": a.term.end.isoformat() if a.term.end else "",
        "end_shown": a.term.end.isoformat() if a.term.end else "open-ended",
        "fiscal_year": a.term.fiscal_year or "",
        "notice": notice.isoformat() if notice else "",
        "notice_days": _days(e.days_to_notice),
        "end_days": _days(e.days_to_end),
        "stage": e.stage,
        "stages_sort": f"{held:03d}",
        "held": f"{held} of {count}" if e.status is not None else "",
        "missing": ", ".join(e.missing),
        "complete": e.complete,
        "status_error": e.status_error or "",
        "total": f"{total[0]} {total[1]:,}" if total else "",
        "total_sort": f"{total[1]:020.2f}" if total else "",
        "path": e.relpath,
        "search": search.casefold(),
        "description": a.metadata.description or "",
        "credits": f"{owed[2] + ' ' if owed[2] else ''}{owed[1]:,} for {owed[0]}" if owed else "",
    }


def _stages(e: Entry) -> list[dict[str, str]]:
    from slactl.approvals import status_text

    if e.status is None:
        return []
    out = []
    for s in e.status.stages:
        j = s.decisive
        out.append(
            {
                "stage": s.stage,
                "roles": ", ".join(s.roles),
                "status": status_text(s),
                "who": j.who if j is not None else "",
                "when": j.record.when.date().isoformat() if j is not None else "",
                "holds": "yes" if s.holds else "no",
            }
        )
    return out


def _ob(o: Obligation, by_id: Mapping[str, Entry], here: str | None = None) -> dict[str, Any]:
    prefix = "" if here is None else "../../"
    return {
        "due": o.due.isoformat(),
        "agreement": o.agreement_id,
        "href": f"{prefix}a/{o.agreement_id}/index.html" if o.agreement_id in by_id else None,
        "kind": o.kind,
        "summary": o.summary,
        "detail": o.detail,
        "owner": o.owner or "",
        "uid": o.uid,
    }


def _document(e: Entry, templates: Path | None, made: dict[Path | None, tuple[Any, Any]]) -> bytes:
    """The rendered HTML document; the template environment and catalogs made once per settings file."""
    from slactl.config import load_config
    from slactl.provenance import provenance_of
    from slactl.render import load_catalogs, make_environment, render_document

    cfg = load_config(e.valid.path)
    if cfg.path not in made:
        made[cfg.path] = (make_environment(templates or cfg.templates), load_catalogs(cfg.catalogs))
    env, catalogs = made[cfg.path]
    return render_document(e.valid, "html", provenance=provenance_of(e.valid), catalogs=catalogs, env=env)


def _report(e: Entry, inputs: Mapping[str, Path], period: str, portfolio: Portfolio) -> bytes:
    from slactl.portfolio.entries import measure
    from slactl.report.render import to_html
    from slactl.safewrite import placeholder, seal

    html = to_html(measure(e, dict(inputs), period, portfolio.as_of, portfolio.fy_start))
    return seal(f"{html}<!-- {placeholder(SITE_OWNER)} -->\n".encode())


def _history(e: Entry) -> list[dict[str, Any]]:
    """The file's revisions in business terms, newest first: when, who committed, the subject, what changed."""
    from slactl.git import GitError, find_repo, rel_path
    from slactl.history import file_history

    try:
        repo = find_repo(e.valid.path)
        if repo is None:
            return []
        hist = file_history(repo, rel_path(repo, e.valid.path), use_cache=False, jobs=1)
    except (SlactlError, GitError):
        return []
    out = []
    for entry in hist.entries:
        rev = entry.revision
        if entry.parsed is None:
            what = ["the file was deleted"]
        elif not entry.parsed.valid:
            what = ["not valid at this revision"]
        elif entry.compared_with is None:
            what = ["first version"]
        elif not entry.changes:
            what = ["no change of terms (formatting, comments or equivalent spellings)"]
        else:
            what = [c.sentence() for c in entry.changes]
        approvals = [f"approval of stage {m.stage} recorded on {m.date.date().isoformat()}" for m in entry.approvals]
        out.append(
            {
                "date": rev.author_date.date().isoformat(),
                "who": rev.author_name,
                "subject": rev.subject,
                "commit": rev.commit[:12],
                "what": what,
                "approvals": approvals,
            }
        )
    return out


# --------------------------------------------------------------------------- writing


def check_output(folder: Path, *, force: bool) -> None:
    """Refuse a folder that holds anything and was not made by ``slactl site`` (unless ``force``)."""
    from slactl.safewrite import existing_owner

    if folder.is_symlink() and not folder.is_dir():
        raise SlactlError("the output is a symbolic link to no folder", path=str(folder))
    if folder.exists() and not folder.is_dir():
        raise SlactlError("the output exists and is not a folder", path=str(folder), hint="name a folder")
    if not folder.exists() or force:
        return
    if not any(folder.iterdir()):
        return
    if existing_owner(folder / MARKER) != SITE_OWNER:
        raise SlactlError(
            "refusing to write: the folder is not empty and was not made by `slactl site`",
            path=str(folder),
            hint="choose an empty or new folder, or pass --force to write into it anyway",
        )


def write_site(folder: Path, files: Sequence[SiteFile], *, force: bool = False) -> int:
    """Write every file through slactl.safewrite, the marker first; returns how many were written."""
    from slactl.safewrite import placeholder, seal, write_file

    check_output(folder, force=force)
    marker = seal(f"This folder is a portal written by `slactl site`.\n{placeholder(SITE_OWNER)}\n".encode())
    write_file(folder / MARKER, marker, owner=SITE_OWNER, force=force)
    for f in files:
        write_file(folder / f.path, f.data, owner=f.owner, force=force)
    return len(files)


def as_of_of(portfolio_paths: Sequence[Path]) -> date | None:
    """The day of the last commit of the repository holding the first path (None outside git)."""
    from slactl.git import GitError, commit_date, find_repo, head_commit

    try:
        repo = find_repo((portfolio_paths or [Path()])[0].resolve())
        head = head_commit(repo) if repo is not None else None
        if repo is None or head is None:
            return None
        return commit_date(repo, head).astimezone(UTC).date()
    except GitError:
        return None
