"""`slactl validate`: load, check against the models, run the rules, across many files.

Per-file work (read, parse, model, file rules) runs in a pool of processes when there are
enough files to pay for it; cross-file rules then run over the small summaries the workers
send back.
"""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from slactl.config import Config
from slactl.errors import SlactlError
from slactl.findings import Finding, Severity
from slactl.rules import Settings, Summary

YAML_SUFFIXES = (".yaml", ".yml")
# Files found in folders are validated only if they declare the format.
_SNIFF = re.compile(rb"^apiVersion:[ \t]*[\"']?slactl/", re.MULTILINE)
_SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache"}
PARALLEL_FROM = 25  # measured: a pool of two pays off from about 25 files


class Progress(Protocol):
    """Told how much work there is, then how much is done (the CLI draws a bar from it)."""

    def start(self, total: int) -> None: ...

    def advance(self, done: int) -> None: ...


@dataclass(frozen=True)
class Candidate:
    """A file to look at; ``explicit`` files are validated even without a slactl apiVersion."""

    path: Path
    explicit: bool


@dataclass(frozen=True)
class FileResult:
    """What one worker found in one file."""

    file: str
    validated: bool
    findings: list[Finding]
    summary: Summary | None = None


@dataclass
class Result:
    """The outcome of a run: files validated and every finding, sorted."""

    files: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.WARNING)


def discover(paths: Sequence[Path], *, sniff_files: bool = False) -> list[Candidate]:
    """Files given and YAML files under folders given, in a stable order; missing paths fail.

    Files named directly are always validated, unless ``sniff_files``: then, like files found
    in folders, only those that declare a slactl ``apiVersion`` (a pre-commit hook is handed
    every changed YAML file, most of which are not agreements).
    """
    out: list[Candidate] = []
    seen: set[Path] = set()
    for path in paths:
        if path.is_file():
            if path not in seen:
                seen.add(path)
                out.append(Candidate(path, not sniff_files))
        elif path.is_dir():
            for found in _walk(path):
                if found not in seen:
                    seen.add(found)
                    out.append(Candidate(found, False))
        else:
            raise SlactlError("no such file or folder", path=str(path))
    return out


def _walk(folder: Path) -> Iterable[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.endswith(YAML_SUFFIXES) and name != "slactl.yaml" and not name.startswith("."):
                yield Path(root) / name


def check_file(candidate: Candidate, settings: Settings | None = None) -> FileResult:
    """Read, load, model and rules for one file. Never raises on bad input."""
    from slactl.loading import LoadError, decode, load_text
    from slactl.parse import parse_document
    from slactl.rules import FileContext, run_file_rules
    from slactl.rules.repo import summarize

    file = str(candidate.path)
    try:
        raw = candidate.path.read_bytes()
    except OSError as exc:
        unreadable = Finding(file, 1, 1, "", Severity.ERROR, "SLA030", f"cannot read file: {exc.strerror}")
        return FileResult(file, True, [unreadable])
    if not candidate.explicit and not _SNIFF.search(raw):
        return FileResult(file, False, [])
    try:
        loaded = load_text(decode(raw))
    except LoadError as exc:
        message = exc.message + (f" ({exc.hint})" if exc.hint else "")
        return FileResult(file, True, [Finding(file, exc.line, exc.column, "", Severity.ERROR, exc.code, message)])
    parsed = parse_document(loaded, file)
    if parsed.document is None:
        return FileResult(file, True, parsed.findings)
    findings = run_file_rules(FileContext(parsed.document, loaded, file, settings or Settings()))
    return FileResult(file, True, findings, summarize(parsed.document, loaded, file))


def settings_for(config: Config) -> Settings:
    """What the rules need from slactl.yaml: the fiscal-year start and the approval roles."""
    month, day = config.fiscal_year_start
    roles = tuple(config.raw.roles) if config.raw is not None else ()
    return Settings(fiscal_year_start_month=month, fiscal_year_start_day=day, currency=config.currency, roles=roles)


def _check_chunk(args: tuple[list[Candidate], Settings]) -> list[FileResult]:
    candidates, settings = args
    gc.disable()  # parsed trees hold no cycles; the collector only costs time here
    try:
        return [check_file(c, settings) for c in candidates]
    finally:
        gc.enable()


def validate_paths(
    paths: Sequence[Path],
    config: Config,
    *,
    jobs: int | None = None,
    sniff_files: bool = False,
    progress: Progress | None = None,
) -> Result:
    """Validate files and folders; cross-file rules see every file of the run and the config's catalogs."""
    from slactl.rules import run_repo_rules

    candidates = discover(paths, sniff_files=sniff_files)
    given = {c.path.resolve() for c in candidates}
    candidates += [Candidate(p, True) for p in config.catalogs if p.resolve() not in given]
    if progress is not None:
        progress.start(len(candidates))
    results = list(_run(candidates, settings_for(config), jobs, progress.advance if progress else None))
    result = Result()
    summaries: list[Summary] = []
    for item in results:
        result.files += item.validated
        result.findings.extend(item.findings)
        if item.summary is not None:
            summaries.append(item.summary)
    result.findings.extend(run_repo_rules(summaries))
    result.findings.sort(key=Finding.sort_key)
    return result


def _run(
    candidates: list[Candidate],
    settings: Settings,
    jobs: int | None,
    progress: Callable[[int], None] | None,
) -> Iterable[FileResult]:
    workers = jobs if jobs is not None else min(os.cpu_count() or 1, 4)
    if workers <= 1 or len(candidates) < PARALLEL_FROM:
        gc.disable()
        try:
            for candidate in candidates:
                yield check_file(candidate, settings)
                if progress:
                    progress(1)
        finally:
            gc.enable()
        return
    import multiprocessing

    # Import the heavy modules before forking so every worker inherits them ready-built.
    import slactl.parse
    import slactl.rules.repo  # noqa: F401
    from slactl.rules import _load_rules

    _load_rules()
    size = max(4, min(64, len(candidates) // (workers * 8) or 1))
    chunks = [(candidates[i : i + size], settings) for i in range(0, len(candidates), size)]
    gc.freeze()  # keep the parent's objects out of the children's collections (copy-on-write)
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(workers) as pool:
        for chunk in pool.imap(_check_chunk, chunks):
            yield from chunk
            if progress:
                progress(len(chunk))
    gc.unfreeze()
