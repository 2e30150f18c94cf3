"""Report packs: a report an auditor can reproduce, and the check that it still is.

``slactl report ... --pack DIR`` writes ``report.md``, ``report.html``, ``report.json`` and
``manifest.json``: the agreement (path, latest commit, content digest, working-tree state), the
terms in force per window (commit and digest, as :mod:`slactl.report.terms` chose them), every
input file (name, size, SHA-256), slactl's version, the command line and the options in a form
that re-runs it (period, as-of time, column mapping, fiscal year start).

Where inputs live: a file inside the agreement's Git work tree is recorded relative to its top
(``"base": "repo"``), a file inside the pack relative to the pack (``"base": "pack"``); any
other input is copied into ``DIR/inputs/<kind>/`` and recorded there, so the pack needs nothing
outside itself and the repository.

:func:`verify_pack` finds the inputs again, checks each file's size and SHA-256, recomputes the
report with the recorded options and the agreement's history as it is now, and compares every
value of the JSON report with the pack's. A changed input is named by its file; a changed
history is named by the windows whose terms (commit, digest) moved and the values that differ.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from slactl.errors import SlactlError
from slactl.textsafe import json_text

if TYPE_CHECKING:
    from slactl.report import Report

PACK_FORMAT = 1
MANIFEST = "manifest.json"
REPORT_FILES = {"md": "report.md", "html": "report.html", "json": "report.json"}
PACK_OWNER = "report-pack"
KINDS = ("tickets", "outages", "surveys", "charges")
_CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _files_of(path: Path) -> list[Path]:
    """The files an input reads: a folder's exports (see columnar.folder_files), else the file."""
    if path.is_dir():
        from slactl.report.columnar import folder_files

        return folder_files(path)
    return [path]


def _inside(path: Path, folder: Path) -> str | None:
    """``path`` relative to ``folder`` in posix form, or None when it is not inside."""
    try:
        return path.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return None


@dataclass(frozen=True)
class PackPlan:
    """What ``--pack`` will write: the manifest and the files to copy into the pack."""

    manifest: dict[str, Any]
    copies: tuple[tuple[Path, Path], ...]  # (source, destination inside the pack)


def plan_pack(
    report: Report,
    *,
    pack: Path,
    agreement: Path,
    inputs: Mapping[str, Path | None],
    options: Mapping[str, Any],
    argv: list[str],
    reports: Mapping[str, bytes],
) -> PackPlan:
    """The manifest of a pack for ``report`` (computed from finished values; writes nothing)."""
    from slactl import __version__
    from slactl import git as gitio

    repo = gitio.find_repo(agreement.parent)
    entries: list[dict[str, Any]] = []
    copies: list[tuple[Path, Path]] = []
    recorded: dict[str, str | None] = {}
    for kind in KINDS:
        path = inputs.get(kind)
        if path is None:
            recorded[kind] = None
            continue
        base, where = _place(path, repo, pack)
        if base == "copy":
            base, where = "pack", f"inputs/{kind}/{path.name}"
            if path.is_dir():
                copies += [(f, pack / where / f.name) for f in _files_of(path)]
            else:
                copies.append((path, pack / where))
        recorded[kind] = where
        files = [
            {
                "name": where if not path.is_dir() else f"{where}/{f.name}",
                "size": f.stat().st_size,
                "sha256": sha256_file(f),
            }
            for f in _files_of(path)
        ]
        entries.append({"kind": kind, "base": base, "path": where, "given": str(path), "files": files})
    manifest: dict[str, Any] = {
        "generator": "slactl report --pack",
        "format": PACK_FORMAT,
        "slactl_version": __version__,
        "command": {"argv": ["slactl", *argv], "options": {**options, **recorded}},
        "agreement": _agreement_entry(report, agreement, repo),
        "terms": _terms_of(report),
        "inputs": entries,
        "reports": {name: hashlib.sha256(reports[fmt]).hexdigest() for fmt, name in REPORT_FILES.items()},
    }
    return PackPlan(manifest, tuple(copies))


def _place(path: Path, repo: Path | None, pack: Path) -> tuple[str, str]:
    if (rel := _inside(path, pack)) is not None:
        return "pack", rel
    if repo is not None and (rel := _inside(path, repo)) is not None:
        return "repo", rel
    return "copy", ""


def _agreement_entry(report: Report, agreement: Path, repo: Path | None) -> dict[str, Any]:
    from slactl import git as gitio
    from slactl.digest import content_digest
    from slactl.documents import load_valid

    digest = content_digest(load_valid(agreement).document)
    if repo is None:
        return {"base": "absolute", "path": str(agreement.resolve()), "commit": None, "digest": digest, "state": None}
    rel = gitio.rel_path(repo, agreement)
    commits = [v.commit for v in report.versions if v.commit]
    revisions = gitio.file_revisions(repo, rel)
    latest = revisions[0].commit if revisions else (commits[-1] if commits else None)
    return {"base": "repo", "path": rel, "commit": latest, "digest": digest, "state": gitio.file_state(repo, rel)}


def _terms_of(report: Report) -> list[dict[str, Any]]:
    """The terms in force per window: level, window, the commit and digest that judged it."""
    out: list[dict[str, Any]] = []
    for level in report.levels:
        for wr in level.windows:
            version = wr.version
            out.append(
                {
                    "service_level": level.id,
                    "window": wr.window.label,
                    "commit": version.commit if version else None,
                    "digest": version.digest if version else None,
                }
            )
    return out


def write_pack(pack: Path, plan: PackPlan, reports: Mapping[str, bytes], *, report_owner: str, force: bool) -> None:
    """Write the reports, copied inputs and the manifest (last: a pack with a manifest is whole)."""
    from slactl.safewrite import placeholder, seal, write_file

    try:
        pack.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a file in the way, no permission, a full disk
        raise SlactlError(f"cannot make the pack's folder: {exc.strerror}", path=str(pack)) from None
    for fmt, name in REPORT_FILES.items():
        write_file(pack / name, reports[fmt], owner=report_owner, force=force)
    for source, dest in plan.copies:
        if dest.is_file() and not dest.is_symlink() and sha256_file(dest) == sha256_file(source):
            continue  # the same bytes are already in the pack
        dest.parent.mkdir(parents=True, exist_ok=True)
        write_file(dest, source.read_bytes(), force=force)
    manifest = {**plan.manifest, "$comment": placeholder(PACK_OWNER)}
    write_file(pack / MANIFEST, seal(_dump(manifest).encode()), owner=PACK_OWNER, force=force)


def _dump(value: Any) -> str:
    return json_text(value, indent=2) + "\n"


# --------------------------------------------------------------------------- verify


@dataclass
class Verification:
    """The outcome of ``report --verify``: whether every value matches, and what does not."""

    pack: str
    inputs_checked: int = 0
    values_checked: int = 0
    changed_inputs: list[str] = field(default_factory=list)  # 'tickets.csv: sha256 differs ...'
    changed_terms: list[str] = field(default_factory=list)  # 'desk-p1-response Jan 2027: commit a -> b'
    differences: list[str] = field(default_factory=list)  # 'levels[x].windows[Jan 2027].measured: 87.50 -> 90.00'
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.changed_inputs or self.changed_terms or self.differences)


def read_manifest(pack: Path) -> dict[str, Any]:
    """The pack's manifest (SlactlError when absent or not one)."""
    path = pack / MANIFEST
    if pack.exists() and not pack.is_dir():
        raise SlactlError(
            "is not a folder: a report pack is a folder", path=str(pack), hint="give the folder of `--pack DIR`"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SlactlError(
            "no manifest.json: not a report pack", path=str(pack), hint="write one with `slactl report ... --pack DIR`"
        ) from None
    except (OSError, ValueError) as exc:
        raise SlactlError(f"manifest.json cannot be read ({exc})", path=str(path)) from None
    if not isinstance(data, dict) or data.get("generator") != "slactl report --pack":
        raise SlactlError("manifest.json is not a slactl report pack manifest", path=str(path))
    if data.get("format") != PACK_FORMAT:
        raise SlactlError(f"pack format {data.get('format')!r} is not {PACK_FORMAT}", path=str(path))
    return data


def verify_pack(pack: Path, *, repo_hint: Path) -> Verification:
    """Recompute the pack's report from its recorded inputs and options; compare every value."""
    from slactl import git as gitio

    manifest = read_manifest(pack)
    result = Verification(str(pack))
    repo = gitio.find_repo(pack) or gitio.find_repo(repo_hint)
    paths = _check_inputs(manifest, pack, repo, result)
    agreement = _locate(manifest["agreement"], pack, repo, "the agreement")
    if not agreement.is_file():
        raise SlactlError(
            "the pack's agreement is not found",
            path=str(agreement),
            hint="run `slactl report --verify` inside the agreement's repository (or keep the pack in it)",
        )
    _check_reports(manifest, pack, result)
    if len(paths) < len(manifest["inputs"]):
        result.notes.append("The report was not recomputed: an input is missing.")
        return result
    recomputed, report = _recompute(manifest, agreement, paths)
    _compare_terms(manifest["terms"], _terms_of(report), result)
    recorded = _normalized(_load_report(pack), {e["given"]: e["kind"] for e in manifest["inputs"]}, manifest)
    fresh = _normalized(recomputed, {str(p): k for k, p in paths.items()}, manifest, agreement=str(agreement))
    _compare_values(recorded, fresh, result)
    from slactl.digest import content_digest
    from slactl.documents import load_valid

    digest = content_digest(load_valid(agreement).document)
    if digest != manifest["agreement"]["digest"]:
        result.notes.append(
            f"The agreement's working-tree content has changed since the pack (digest {digest[:19]}, "
            f"was {manifest['agreement']['digest'][:19]}); windows are judged by the committed terms in force."
        )
    return result


def _locate(entry: Mapping[str, Any], pack: Path, repo: Path | None, what: str) -> Path:
    base, where = str(entry["base"]), str(entry["path"])
    if base == "pack":
        return pack / where
    if base == "repo":
        if repo is None:
            raise SlactlError(
                f"{what} is recorded relative to a Git repository, and none is found",
                path=where,
                hint="run `slactl report --verify` inside the repository (or keep the pack in it)",
            )
        return repo / where
    return Path(where)


def _check_inputs(manifest: Mapping[str, Any], pack: Path, repo: Path | None, result: Verification) -> dict[str, Path]:
    """Each recorded file's size and SHA-256 again; the inputs found whole, by kind."""
    found: dict[str, Path] = {}
    for entry in manifest["inputs"]:
        path = _locate(entry, pack, repo, f"the {entry['kind']} input")
        whole = True
        for f in entry["files"]:
            name = f["name"]
            actual = _locate({"base": entry["base"], "path": name}, pack, repo, name)
            result.inputs_checked += 1
            if not actual.is_file():
                result.changed_inputs.append(f"{name}: not found (looked at {actual})")
                whole = False
                continue
            size = actual.stat().st_size
            digest = sha256_file(actual)
            if digest != f["sha256"]:
                result.changed_inputs.append(
                    f"{name}: sha256 {digest[:12]}... is not the recorded {f['sha256'][:12]}... "
                    f"(size {size:,} bytes, recorded {f['size']:,})"
                )
        if path.is_dir():
            extra = sorted({p.name for p in _files_of(path)} - {Path(f["name"]).name for f in entry["files"]})
            result.changed_inputs += [f"{entry['path']}/{n}: not in the pack's manifest" for n in extra]
        if whole:
            found[entry["kind"]] = path
    return found


def _check_reports(manifest: Mapping[str, Any], pack: Path, result: Verification) -> None:
    for name, digest in manifest["reports"].items():
        path = pack / name
        if not path.is_file():
            result.changed_inputs.append(f"{name}: not found in the pack")
        elif sha256_file(path) != digest:
            result.changed_inputs.append(f"{name}: changed since the pack was written (sha256 differs)")


def _load_report(pack: Path) -> Any:
    try:
        return json.loads((pack / REPORT_FILES["json"]).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SlactlError(f"report.json cannot be read ({exc})", path=str(pack / REPORT_FILES["json"])) from None


def _recompute(manifest: Mapping[str, Any], agreement: Path, paths: Mapping[str, Path]) -> tuple[Any, Report]:
    from slactl.report import build_report
    from slactl.report.render import to_json
    from slactl.report.sources import choose_sources

    options = manifest["command"]["options"]
    fy = options.get("fy_start") or [10, 1]
    report = build_report(
        agreement,
        tickets=paths.get("tickets"),
        outages=paths.get("outages"),
        surveys=paths.get("surveys"),
        charges=paths.get("charges"),
        period=options.get("period"),
        columns=dict(options.get("columns") or {}),
        fy_start=(int(fy[0]), int(fy[1])),
        now=datetime.fromisoformat(options["as_of"]),
        jobs=1,
        sources=choose_sources([str(name) for name in options.get("sources") or []]),
        source_zone=options.get("source_timezone"),
        date_format=options.get("date_format"),
    )
    return json.loads(to_json(report)), report


def _normalized(
    report: Any, given: Mapping[str, str], manifest: Mapping[str, Any], *, agreement: str | None = None
) -> dict[str, Any]:
    """Leaf path -> value of a JSON report, with file paths (which differ between runs) as <kind>."""
    names = dict(given)
    names[agreement or manifest["command"]["options"].get("agreement", "")] = "agreement"
    ordered = sorted((k for k in names if k), key=len, reverse=True)

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            for name in ordered:
                value = value.replace(name, f"<{names[name]}>")
        return value

    return {clean(path): clean(value) for path, value in _leaves(report, "") if not path.startswith("$comment")}


def _leaves(value: Any, prefix: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, f"{prefix}.{key}" if prefix else key)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            label: Any = i
            if isinstance(item, dict):
                label = item.get("id") or item.get("label") or item.get("service_level") or i
                if "window" in item and isinstance(item["window"], str):
                    label = f"{label} {item['window']}"
            yield from _leaves(item, f"{prefix}[{label}]")
    else:
        yield prefix, value


def _compare_terms(recorded: list[dict[str, Any]], fresh: list[dict[str, Any]], result: Verification) -> None:
    before = {(t["service_level"], t["window"]): t for t in recorded}
    for t in fresh:
        key = (t["service_level"], t["window"])
        old = before.pop(key, None)
        if old is None:
            result.changed_terms.append(f"{key[0]} {key[1]}: not in the pack")
        elif (old["commit"], old["digest"]) != (t["commit"], t["digest"]):
            result.changed_terms.append(
                f"{key[0]} {key[1]}: judged by commit {_short(t['commit'])} ({_short(t['digest'], 19)}), "
                f"the pack by commit {_short(old['commit'])} ({_short(old['digest'], 19)})"
            )
    result.changed_terms += [f"{level} {window}: in the pack, not recomputed" for level, window in before]


def _short(value: str | None, n: int = 10) -> str:
    return value[:n] if value else "none (working tree)"


def _compare_values(recorded: Mapping[str, Any], fresh: Mapping[str, Any], result: Verification) -> None:
    for path in list(recorded) + [p for p in fresh if p not in recorded]:
        result.values_checked += 1
        old, new = recorded.get(path, "(absent)"), fresh.get(path, "(absent)")
        if old != new:
            result.differences.append(f"{path}: {_show(old)} in the pack, {_show(new)} now")


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."


def verification_json(result: Verification) -> str:
    """The verdict as JSON (``report --verify DIR --format json``)."""
    return _dump(
        {
            "pack": result.pack,
            "ok": result.ok,
            "inputs_checked": result.inputs_checked,
            "values_checked": result.values_checked,
            "changed_inputs": result.changed_inputs,
            "changed_terms": result.changed_terms,
            "differences": result.differences,
            "notes": result.notes,
        }
    )


__all__ = [
    "MANIFEST",
    "PACK_OWNER",
    "REPORT_FILES",
    "PackPlan",
    "Verification",
    "plan_pack",
    "read_manifest",
    "sha256_file",
    "verification_json",
    "verify_pack",
    "write_pack",
]
