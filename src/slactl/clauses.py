"""The clause library: standard terms as versioned Markdown files with typed parameters.

A clause file (``clauses/governing-law.md``) is YAML front matter between ``---`` lines
(``id``, ``version``, ``title``, ``section``, ``parameters``) and a Markdown body that may
use its parameters as ``{{ name }}``. An agreement names clauses by id and version with the
parameters' values (``clauses: [{use: governing-law, version: 1, with: {state: Virginia}}]``)
or carries its own (``title``, ``section``, ``text``); docs/clauses.md has the format.

This module is pure: it parses clause files from bytes, checks references and values, and
renders bodies (Jinja, in a sandbox, imported only when a body is rendered); who reads the
files (the working tree, git at a revision) is the caller's business (:mod:`slactl.revisions`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from slactl.errors import SlactlError

__all__ = [
    "DEFAULT_FOLDER",
    "DOCUMENT_SECTIONS",
    "GENERAL_SECTIONS",
    "PARAMETER_TYPES",
    "ClauseFile",
    "Library",
    "Parameter",
    "Resolved",
    "check_value",
    "digest_part",
    "library_from_files",
    "load_library",
    "parse_clause",
    "resolve",
    "resolve_entries",
    "sentences",
]

DEFAULT_FOLDER = "clauses"
PARAMETER_TYPES = ("text", "choice", "number", "duration", "date")
# The sections a clause may belong to, in the order of the General terms section; definitions
# go to the Definitions section of their own.
GENERAL_SECTIONS: dict[str, str] = {
    "definitions": "Definitions",
    "governing-law": "Governing law",
    "liability": "Limitation of liability",
    "confidentiality": "Confidentiality",
    "amendments": "Amendments",
    "notices": "Notices",
    "disputes": "Dispute resolution",
    "general": "General",
}
# Sections of the document itself a clause may join instead: the clause follows the section's
# own content as a sub-section (the section is written for it when the file has nothing else
# for it). Section name -> (key of the section in the rendered view, its title).
DOCUMENT_SECTIONS: dict[str, tuple[str, str]] = {
    "scope": ("scope", "Scope of services"),
    "service-levels": ("service_levels", "Service levels"),
    "responsibilities": ("responsibilities", "Responsibilities"),
    "terms": ("terms", "Terms and conditions"),
    "escalation": ("escalation", "Escalation"),
    "costs": ("costs", "Costs and payment schedule"),
    "credits": ("credits", "Service credits, rewards and penalties"),
    "termination": ("termination", "Termination"),
    "communication": ("communication", "Communication and reporting"),
    "transition": ("transition", "Start-up and transition"),
}
MAX_FILE = 256 * 1024  # bytes of one clause file
MAX_TEXT = 64 * 1024  # characters a rendered clause may have
_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?\Z")


class ClauseError(SlactlError):
    """A clause file that cannot be used (its path and what is wrong)."""


@dataclass(frozen=True, slots=True)
class Parameter:
    """A typed parameter of a clause."""

    name: str
    type: str
    description: str = ""
    choices: tuple[str, ...] = ()
    default: str | None = None


@dataclass(frozen=True, slots=True)
class ClauseFile:
    """One version of a clause, as its file says."""

    id: str
    version: int
    title: str
    section: str
    parameters: tuple[Parameter, ...]
    body: str
    path: str = ""

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)


@dataclass(frozen=True, slots=True)
class Library:
    """The clauses of a library folder, with the files that could not be read (path, why)."""

    clauses: tuple[ClauseFile, ...] = ()
    problems: tuple[tuple[str, str], ...] = ()
    folder: str = ""

    def get(self, clause_id: str, version: int) -> ClauseFile | None:
        return next((c for c in self.clauses if c.id == clause_id and c.version == version), None)

    def versions(self, clause_id: str) -> list[int]:
        return sorted(c.version for c in self.clauses if c.id == clause_id)

    def ids(self) -> list[str]:
        return sorted({c.id for c in self.clauses})


@dataclass(frozen=True, slots=True)
class Resolved:
    """A clause of an agreement with its words: rendered from the library, or the agreement's own."""

    title: str
    section: str
    text: str
    id: str | None = None  # None: the agreement's own clause
    version: int | None = None
    values: tuple[tuple[str, str], ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "version": self.version, "title": self.title, "section": self.section,
                "text": self.text}  # fmt: skip


# --------------------------------------------------------------------------- parsing


def parse_clause(raw: bytes, path: str = "") -> ClauseFile:
    """One clause file; a :class:`ClauseError` says what is wrong with it."""
    import yaml

    def fail(message: str) -> ClauseError:
        return ClauseError(message, path=path, hint="see docs/clauses.md for the format of a clause file")

    if len(raw) > MAX_FILE:
        raise fail(f"the clause file is larger than {MAX_FILE // 1024} KiB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise fail("the clause file is not UTF-8 text") from None
    match = _FRONT.match(text)
    if match is None:
        raise fail("the clause file does not start with front matter between `---` lines")
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        raise fail(f"the front matter is not valid YAML: {str(exc).splitlines()[0]}") from None
    if not isinstance(meta, dict):
        raise fail("the front matter is not a mapping")
    unknown = sorted(str(k) for k in meta if k not in {"id", "version", "title", "section", "parameters"})
    if unknown:
        raise fail(f"unknown front matter key(s): {', '.join(unknown)}")
    clause_id, version, title, section = meta.get("id"), meta.get("version"), meta.get("title"), meta.get("section")
    if not isinstance(clause_id, str) or not _SLUG.match(clause_id):
        raise fail("`id` must be a lowercase id (letters, digits and dashes)")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise fail("`version` must be a whole number from 1")
    if not isinstance(title, str) or not title.strip():
        raise fail("`title` is missing")
    if section not in GENERAL_SECTIONS and section not in DOCUMENT_SECTIONS:
        raise fail(f"`section` must be one of: {', '.join([*GENERAL_SECTIONS, *DOCUMENT_SECTIONS])}")
    parameters = _parameters(meta.get("parameters") or {}, fail)
    body = text[match.end() :].strip("\n")
    if not body.strip():
        raise fail("the clause has no text after its front matter")
    return ClauseFile(clause_id, version, " ".join(title.split()), section, parameters, body, path)


def _parameters(raw: Any, fail: Any) -> tuple[Parameter, ...]:
    if not isinstance(raw, dict):
        raise fail("`parameters` must map each parameter's name to its `type`")
    out = []
    for name, spec in raw.items():
        if not isinstance(name, str) or not _NAME.match(name):
            raise fail(f"parameter name {name!r} must be lowercase letters, digits and underscores")
        if not isinstance(spec, dict):
            raise fail(f"parameter `{name}` must be a mapping with its `type`")
        extra = sorted(str(k) for k in spec if k not in {"type", "description", "choices", "default"})
        if extra:
            raise fail(f"parameter `{name}`: unknown key(s) {', '.join(extra)}")
        kind = spec.get("type")
        if kind not in PARAMETER_TYPES:
            raise fail(f"parameter `{name}`: `type` must be one of {', '.join(PARAMETER_TYPES)}")
        choices = spec.get("choices") or []
        if kind == "choice" and (not isinstance(choices, list) or not choices):
            raise fail(f"parameter `{name}` is a choice: list its `choices`")
        if kind != "choice" and choices:
            raise fail(f"parameter `{name}`: `choices` go with `type: choice`")
        param = Parameter(name, kind, str(spec.get("description") or ""), tuple(str(c) for c in choices))
        default = spec.get("default")
        if default is not None:
            problem = check_value(param, default)
            if problem:
                raise fail(f"parameter `{name}`: the default {problem}")
            param = Parameter(param.name, param.type, param.description, param.choices, _text_of(default))
        out.append(param)
    return tuple(out)


def library_from_files(files: Iterable[tuple[str, bytes]], folder: str = "") -> Library:
    """The library of these (path, content) files; files that cannot be used are listed as problems."""
    clauses: list[ClauseFile] = []
    problems: list[tuple[str, str]] = []
    seen: dict[tuple[str, int], str] = {}
    for path, raw in sorted(files):
        try:
            clause = parse_clause(raw, path)
        except ClauseError as exc:
            problems.append((path, exc.message))
            continue
        key = (clause.id, clause.version)
        if key in seen:
            problems.append((path, f"clause `{clause.id}` version {clause.version} is also in {seen[key]}"))
            continue
        seen[key] = path
        clauses.append(clause)
    return Library(tuple(clauses), tuple(problems), folder)


def load_library(folder: Path) -> Library:
    """The library in ``folder`` (its ``*.md`` files, below it too); an absent folder is an empty library."""
    if not folder.is_dir():
        return Library(folder=str(folder))
    files = []
    for path in sorted(folder.rglob("*.md")):
        if path.is_symlink() or not path.is_file():
            continue  # a link could read a file outside the repository
        try:
            with path.open("rb") as fh:  # at most one byte past the limit: parse_clause refuses it
                files.append((str(path), fh.read(MAX_FILE + 1)))
        except OSError as exc:
            files.append((str(path), f"\0unreadable: {exc.strerror}".encode()))
    return library_from_files(files, str(folder))


# --------------------------------------------------------------------------- values


def _text_of(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def check_value(param: Parameter, value: Any) -> str | None:
    """Why ``value`` does not fit ``param`` (a phrase to follow "the value"), or None."""
    if isinstance(value, bool) or value is None or isinstance(value, list | dict):
        return f"must be {_expects(param)}"
    text = _text_of(value).strip()
    if not text:
        return "is empty"
    if param.type == "number":
        if isinstance(value, int | float) or _NUMBER.match(text):
            return None
        return f"must be a number, not {text!r}"
    if param.type == "choice":
        return None if text in param.choices else f"must be one of {', '.join(param.choices)}, not {text!r}"
    if param.type == "date":
        try:
            date.fromisoformat(text)
        except ValueError:
            return f"must be a date as YYYY-MM-DD, not {text!r}"
        return None
    if param.type == "duration":
        from slactl.model.types import parse_duration

        try:
            parse_duration(text)
        except (ValueError, TypeError):
            return f"must be a duration such as `30 days` or `4h`, not {text!r}"
        return None
    if not isinstance(value, str):
        return f"must be text, not {text!r}"
    return None


def _expects(param: Parameter) -> str:
    return {
        "text": "text",
        "choice": f"one of {', '.join(param.choices)}",
        "number": "a number",
        "duration": "a duration such as `30 days`",
        "date": "a date as YYYY-MM-DD",
    }[param.type]


def _say(param: Parameter, value: Any) -> str:
    """A parameter's value as the clause prints it (durations in words)."""
    text = " ".join(_text_of(value).split())
    if param.type == "duration":
        from slactl.model.types import parse_duration
        from slactl.wording import say_duration

        return say_duration(parse_duration(text))
    if param.type == "date":
        from slactl.wording import say_date

        return say_date(date.fromisoformat(text))
    return text


# --------------------------------------------------------------------------- rendering


def _render_body(clause: ClauseFile, values: Mapping[str, str]) -> str:
    """The clause's words: its body rendered in a sandbox with the parameters' values as data.

    The output is plain text: the document's templates escape it for Markdown or HTML where
    they place it, so neither a value nor the body can inject markup.
    """
    from jinja2 import StrictUndefined, TemplateError
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(autoescape=False, undefined=StrictUndefined, keep_trailing_newline=False)
    try:
        template = env.from_string(clause.body)
        pieces: list[str] = []
        size = 0
        for piece in template.generate(**values):
            size += len(piece)
            if size > MAX_TEXT:
                raise ClauseError(f"clause `{clause.id}` renders to more than {MAX_TEXT // 1024} K characters",
                                  path=clause.path)  # fmt: skip
            pieces.append(piece)
    except ClauseError:
        raise
    except (TemplateError, TypeError, ValueError, ArithmeticError, LookupError, RecursionError) as exc:
        # A clause file is input: whatever its template does wrong is its error, never slactl's crash.
        raise ClauseError(
            f"clause `{clause.id}` version {clause.version} cannot be rendered: {exc}",
            path=clause.path,
            hint="a clause body may only print its parameters, as {{ name }}",
        ) from None
    return "".join(pieces).strip()


def resolve(agreement: Any, library: Library, *, strict: bool = True) -> list[Resolved]:
    """Every clause of ``agreement`` with its words, in the file's order.

    ``strict`` False (for digests and diffs of past revisions) keeps a clause the library lacks,
    or whose values do not fit, as a clause with no text instead of raising.
    """
    entries = [use.model_dump(mode="json", by_alias=True) for use in agreement.clauses]
    return resolve_entries(entries, library, strict=strict)


def resolve_entries(entries: Iterable[Mapping[str, Any]], library: Library, *, strict: bool = True) -> list[Resolved]:
    """:func:`resolve` over the canonical dump of an agreement's ``clauses`` (what the history keeps)."""
    out: list[Resolved] = []
    for use in entries:
        clause_id, version, given = use.get("use"), use.get("version"), use.get("with") or {}
        if clause_id is None:
            out.append(
                Resolved(str(use.get("title")), str(use.get("section") or "general"), str(use.get("text")).strip())
            )
            continue
        clause = library.get(clause_id, version) if isinstance(version, int) else None
        try:
            if clause is None:
                have = library.versions(clause_id)
                known = f"; the library has version(s) {', '.join(map(str, have))}" if have else ""
                raise ClauseError(
                    f"clause `{clause_id}` version {version} is not in the clause library{known}",
                    path=library.folder or None,
                    hint="run `slactl validate` for the references that do not resolve",
                )
            values = _values(clause, given)
            text = _render_body(clause, values)
        except ClauseError:
            if strict:
                raise
            shown = tuple((str(k), _text_of(v)) for k, v in sorted(given.items()))
            out.append(Resolved(clause_id, "general", "", clause_id, version, shown))
            continue
        shown = tuple((k, v) for k, v in sorted(values.items()))
        out.append(Resolved(clause.title, clause.section, text, clause.id, clause.version, shown))
    return out


def _values(clause: ClauseFile, given: Mapping[str, Any]) -> dict[str, str]:
    values: dict[str, str] = {}
    for param in clause.parameters:
        if param.name in given:
            problem = check_value(param, given[param.name])
            if problem:
                raise ClauseError(f"clause `{clause.id}`: the value of `{param.name}` {problem}")
            values[param.name] = _say(param, given[param.name])
        elif param.default is not None:
            values[param.name] = _say(param, param.default)
        else:
            raise ClauseError(f"clause `{clause.id}`: parameter `{param.name}` has no value")
    unknown = sorted(set(given) - {p.name for p in clause.parameters})
    if unknown:
        raise ClauseError(f"clause `{clause.id}` has no parameter {', '.join(unknown)}")
    return values


def digest_part(agreement: Any, library: Library) -> list[dict[str, Any]] | None:
    """What the content digest adds for the agreement's library clauses: their rendered words.

    None when the agreement uses no library clause, so its digest stays that of the file alone
    (an agreement's own clauses are in the file already), and when there is no clause library at
    all: the digest is then the file's, and adding the library later makes approvals stale.
    """
    if not any(use.use is not None for use in getattr(agreement, "clauses", ())):
        return None
    if not library.clauses and not library.problems:
        return None  # no clause library at all (a file copied out of its repository): the file alone
    return [r.as_dict() for r in resolve(agreement, library, strict=False) if r.id is not None]


def paragraphs(text: str) -> list[dict[str, Any]]:
    """A clause's text as blocks: a paragraph, or a list when every line starts with ``- `` (key ``list``)."""
    blocks: list[dict[str, Any]] = []
    for chunk in re.split(r"\n[ \t]*\n", text.strip()):
        lines = [line.strip() for line in chunk.strip().splitlines() if line.strip()]
        if not lines:
            continue
        if all(line.startswith(("- ", "* ")) for line in lines):
            blocks.append({"text": "", "list": [line[2:].strip() for line in lines]})
        else:
            blocks.append({"text": " ".join(lines), "list": []})
    return blocks


def sentences(text: str) -> list[str]:
    """A clause's text as sentences (for diffs): split after a full stop, question or exclamation mark."""
    flat = " ".join(text.split())
    return [part for part in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(])", flat) if part]
