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
from typing import TYPE_CHECKING, Protocol

from slactl.config import Config
from slactl.discovery import Candidate, classify, find, gitattributes_findings, near_miss_finding, repo_root_of
from slactl.findings import Finding, Severity
from slactl.rules import Settings, Summary

if TYPE_CHECKING:
    from slactl.loading import Loaded
    from slactl.rules.accept import Accepted, Entry

__all__ = ["Candidate", "FileResult", "Progress", "Result", "check_file", "settings_for", "validate_paths"]

PARALLEL_FROM = 25  # measured: a pool of two pays off from about 25 files


class Progress(Protocol):
    """Told how much work there is, then how much is done (the CLI draws a bar from it)."""

    def start(self, total: int) -> None: ...

    def advance(self, done: int) -> None: ...


@dataclass(frozen=True)
class FileResult:
    """What one worker found in one file."""

    file: str
    validated: bool
    findings: list[Finding]
    summary: Summary | None = None
    acceptances: tuple[Entry, ...] = ()  # the file's valid `ignore` entries


@dataclass
class Result:
    """The outcome of a run: files validated and every finding, sorted.

    ``found`` counts the files of the paths given that are (or are meant to be) slactl
    documents; catalogs named in slactl.yaml are validated but not counted there.
    """

    files: int = 0
    found: int = 0
    findings: list[Finding] = field(default_factory=list)
    accepted: list[Accepted] = field(default_factory=list)  # findings an `ignore` entry accepts: not counted
    summaries: list[Summary] = field(default_factory=list)  # every validated document's cross-file facts
    beside: list[str] = field(default_factory=list)  # agreements read only to resolve `depends_on` (not validated)
    beside_summaries: list[Summary] = field(default_factory=list)  # their facts

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.WARNING)


def check_file(candidate: Candidate, settings: Settings | None = None) -> FileResult:
    """Read, classify (one parse), model and rules for one file. Never raises on bad input."""
    from slactl.loading import read_bounded
    from slactl.parse import parse_document
    from slactl.rules import FileContext, run_file_rules
    from slactl.rules.accept import entries
    from slactl.rules.repo import summarize

    file = str(candidate.path)
    try:
        raw = read_bounded(candidate.path)
    except OSError as exc:
        unreadable = Finding(file, 1, 1, "", Severity.ERROR, "SLA030", f"cannot read file: {exc.strerror}")
        return FileResult(file, True, [unreadable])
    found = classify(raw)
    if not candidate.explicit and not found.slactl_like:
        return FileResult(file, False, [])  # a workflow, a compose file: not ours
    findings: list[Finding] = []
    if found.error is not None:
        findings.append(found.error.finding(file))
    if found.near_miss is not None:
        findings.append(near_miss_finding(file, found.near_miss))
    if findings or found.loaded is None:
        return FileResult(file, True, findings)
    loaded = found.loaded
    hidden = direction_controls(loaded, file)
    parsed = parse_document(loaded, file)
    if parsed.document is None:
        partial = partial_rules(loaded, file, parsed.findings, settings)
        return FileResult(file, True, hidden + parsed.findings + partial)
    findings = hidden + run_file_rules(FileContext(parsed.document, loaded, file, settings or Settings()))
    return FileResult(file, True, findings, summarize(parsed.document, loaded, file), entries(parsed.document, loaded))


_DIRECTION_SHOWN = 50  # findings of the text's own characters, then one that counts the rest


def direction_controls(loaded: Loaded, file: str) -> list[Finding]:
    """SLA013 for each bidirectional control character in the file's text, comments included,
    and in its values (a double-quoted ``"\\u202e"`` escape writes one without showing it)."""
    import unicodedata

    from slactl.findings import format_path
    from slactl.textsafe import DIRECTION_CONTROLS

    def error(line: int, column: int, path: str, message: str) -> Finding:
        return Finding(file, line, column, path, Severity.ERROR, "SLA013", message)

    def hidden(where: str, char: str) -> str:
        return (
            f"{where} a hidden bidirectional control character, U+{ord(char):04X} "
            f"({unicodedata.name(char, '')}): it changes the order in which the text around it is "
            "shown, so a reader of the file or of the rendered document can see something other than "
            "what it says; remove it"
        )

    text = loaded.text
    out: list[Finding] = []
    lines: set[int] = set()
    line, seen = 1, 0  # lines counted up to `seen` only once: a file full of them stays linear
    for count, match in enumerate(DIRECTION_CONTROLS.finditer(text)):
        at = match.start()
        line += text.count("\n", seen, at)
        seen = at
        column = at - text.rfind("\n", 0, at)
        if count == _DIRECTION_SHOWN:
            more = len(DIRECTION_CONTROLS.findall(text, at))
            message = f"{more} more hidden bidirectional control characters from here on (the first {count} are shown)"
            return [*out, error(line, column, "", f"{message}; remove every one")]
        lines.add(line)
        out.append(error(line, column, "", hidden("the text holds", match.group())))
    if "\\u" not in text and "\\U" not in text:
        return out  # no escape: a value holds only the characters the text shows
    stack: list[tuple[object, tuple[str | int, ...]]] = [(loaded.data, ())]
    while stack:
        node, where = stack.pop()
        if isinstance(node, str) and (hit := DIRECTION_CONTROLS.search(node)):
            line, column = loaded.locate(where)
            if line not in lines:
                out.append(error(line, column, format_path(where), hidden("the value holds", hit.group())))
        elif isinstance(node, dict):
            stack.extend((child, (*where, str(key))) for key, child in node.items())
            stack.extend((key, where) for key in node if isinstance(key, str))
        elif isinstance(node, list):
            stack.extend((child, (*where, i)) for i, child in enumerate(node))
    return out


# Optional sections other sections point into: when one is set aside, so are those that refer
# to it (a credit naming a service level that was set aside is not a finding), and the codes
# that read it from elsewhere are not reported.
_REFERRED = {
    "calendars": ("service_levels",),
    "service_levels": ("credits", "termination"),
}
_READS = {"calendars": ("SLA135",), "service_levels": ("SLA306",)}
_SECTION = re.compile(r"[A-Za-z_]+")


def partial_rules(loaded: Loaded, file: str, schema: list[Finding], settings: Settings | None) -> list[Finding]:
    """The semantic rules on every part of a document that passed the schema.

    The sections with schema findings (and the sections that refer to them) are set aside; if
    what is left is a valid document (every section set aside is optional), the rules run on
    it, so one run reports both kinds. Findings about what was set aside are left out: a
    missing-section warning for it, or a reference into it.
    """
    from slactl.model import KINDS
    from slactl.rules import FileContext, run_file_rules

    data = loaded.data
    kind = data.get("kind") if isinstance(data, dict) else None
    model = KINDS.get(kind) if isinstance(kind, str) else None
    sections = [_SECTION.match(f.path) for f in schema]
    if model is None or not schema or any(m is None for m in sections):
        return []  # no kind, or a finding on the whole document: nothing can be set aside
    failed = {m.group(0) for m in sections if m is not None}
    aside = set(failed)
    for section in sorted(failed):
        aside.update(_REFERRED.get(section, ()))
    fields = {info.alias or name: info for name, info in model.model_fields.items()}
    if any(key not in fields or fields[key].is_required() for key in aside):
        return []
    try:
        document = model.model_validate({k: v for k, v in data.items() if k not in aside})
    except ValueError:  # what is left is still no document (pydantic's ValidationError is a ValueError)
        return []
    quiet = {code for section in aside for code in _READS.get(section, ())}
    found = run_file_rules(FileContext(document, loaded, file, settings or Settings()))
    return [f for f in found if f.code not in quiet and not (f.code == "SLA305" and _section(f.path) in aside)]


def _section(path: str) -> str | None:
    match = _SECTION.match(path)
    return match.group(0) if match else None


def settings_for(config: Config) -> Settings:
    """What the rules need from slactl.yaml: the fiscal-year start and the approval roles."""
    month, day = config.fiscal_year_start
    raw = config.raw
    roles = tuple(raw.roles) if raw is not None else ()
    chosen = raw.required_sections if raw is not None else None
    required = tuple((kind, chosen.for_type(kind)) for kind in ("customer", "internal", "vendor")) if chosen else ()
    library = None
    if config.root is not None:
        from slactl.clauses import DEFAULT_FOLDER, load_library

        library = load_library(config.root / (getattr(raw, "clauses", None) or DEFAULT_FOLDER))
    return Settings(
        clauses=library,
        fiscal_year_start_month=month,
        fiscal_year_start_day=day,
        currency=config.currency,
        roles=roles,
        required_sections=required,
    )


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
    from slactl.rules.accept import apply

    candidates = find(paths, config, only_slactl=sniff_files)
    given = {c.path.resolve() for c in candidates}
    from_paths = len(candidates)
    candidates += [Candidate(p, True) for p in config.catalogs if p.resolve() not in given]
    if progress is not None:
        progress.start(len(candidates))
    results = list(_run(candidates, settings_for(config), jobs, progress.advance if progress else None))
    result = Result()
    summaries: list[Summary] = []
    acceptances: dict[str, tuple[Entry, ...]] = {}
    for index, item in enumerate(results):
        result.files += item.validated
        result.found += item.validated and index < from_paths
        result.findings.extend(item.findings)
        if item.summary is not None:
            summaries.append(item.summary)
        if item.acceptances:
            acceptances[item.file] = item.acceptances
    beside = _beside(candidates, summaries, settings_for(config), config)
    result.summaries, result.beside, result.beside_summaries = summaries, [s.file for s in beside], beside
    # Agreements read beside the files given resolve their links; their own findings are not this run's.
    skip = set(result.beside)
    result.findings.extend(f for f in run_repo_rules(summaries + beside) if f.file not in skip)
    result.findings.extend(_attribute_findings([Path(r.file) for r in results if r.validated]))
    if acceptances:
        result.findings, result.accepted = apply(result.findings, acceptances)
    result.findings.sort(key=Finding.sort_key)
    return result


def _beside(candidates: list[Candidate], summaries: list[Summary], settings: Settings, config: Config) -> list[Summary]:
    """Agreements in the folders of the files given that resolve a `depends_on` link the run cannot.

    A chain check needs the agreements a level rests on: when they are not among the files given,
    the YAML files beside each file given are read (docs/chains.md); only their summaries are used.
    """
    known = {s.id for s in summaries}
    wanted = {
        link.agreement
        for s in summaries
        if s.chain is not None
        for level in s.chain.levels
        for group in level.depends
        for link in group.links
    }
    if not wanted - known:
        return []
    wanted |= {ref.target for s in summaries for ref in s.references}  # then the other links resolve too
    wanted -= known
    done = {c.path.resolve() for c in candidates}
    folders = sorted({c.path.parent for c in candidates if c.explicit and c.path.is_file()})
    found: list[Summary] = []
    for candidate in find(folders, config, only_slactl=True) if folders else []:
        if candidate.path.resolve() in done:
            continue
        done.add(candidate.path.resolve())
        item = check_file(Candidate(candidate.path, False), settings)
        if item.summary is not None and item.summary.id in wanted:
            found.append(item.summary)
    return found


def _attribute_findings(files: list[Path]) -> list[Finding]:
    """.gitattributes that make a checked file differ from its blob (files inside a git work tree)."""
    from dataclasses import replace

    from slactl import git as gitio

    roots: dict[Path, Path | None] = {}
    by_repo: dict[Path, dict[str, str]] = {}
    for file in files:
        if file.parent not in roots:
            roots[file.parent] = repo_root_of(file.parent)
        root = roots[file.parent]
        if root is not None:
            rel = os.path.relpath(file.absolute(), root).replace(os.sep, "/")
            by_repo.setdefault(root, {})[rel] = str(file)
    out: list[Finding] = []
    for root, names in by_repo.items():
        try:
            found = gitattributes_findings(root, names)
        except gitio.GitError:
            continue  # no git, or not a real repository: there is no blob to differ from
        out += [replace(f, file=names[os.path.relpath(f.file, root).replace(os.sep, "/")]) for f in found]
    return out


def _run(
    candidates: list[Candidate],
    settings: Settings,
    jobs: int | None,
    progress: Callable[[int], None] | None,
) -> Iterable[FileResult]:
    from slactl.pool import ForkPool, worker_count

    workers = worker_count(jobs, len(candidates), threshold=PARALLEL_FROM, cap=4)
    if workers <= 1:
        gc.disable()
        try:
            for candidate in candidates:
                yield check_file(candidate, settings)
                if progress:
                    progress(1)
        finally:
            gc.enable()
        return
    # Import the heavy modules before forking so every worker inherits them ready-built.
    import slactl.parse
    import slactl.rules.repo  # noqa: F401
    from slactl.rules import _load_rules

    _load_rules()
    size = max(4, min(64, len(candidates) // (workers * 8) or 1))
    chunks = [(candidates[i : i + size], settings) for i in range(0, len(candidates), size)]
    gc.freeze()  # keep the parent's objects out of the children's collections (copy-on-write)
    try:
        with ForkPool(workers) as pool:
            for chunk in pool.map(_check_chunk, chunks):
                yield from chunk
                if progress:
                    progress(len(chunk))
    finally:
        gc.unfreeze()
