"""What is an agreement: decided by parsing the file, never by matching its text.

Every command that looks for agreements (``validate``, ``render``, ``status``, ``diff`` and the
pre-commit hook) asks this module. A file is parsed once with slactl's own loader and judged by
its top-level mapping, so no spelling YAML allows (quoted keys, ``kind : Agreement``, the value
on the next line, a BOM, a long comment header, an indented or flow-style document) can hide
an agreement. A file the loader refuses is read again as an event stream, which gives up at
the first error but still shows the top-level keys before it: an agreement with an anchor, a
tag, a second document or a bad byte is reported, not passed over.

Two modes:

* *strict*: a file named on the command line, or under the ``agreements`` paths of
  ``slactl.yaml``, must be a slactl document; anything else is a finding.
* *lenient* (every other file found in a folder, and files a hook passes with
  ``--only-slactl``): a slactl document is validated, a near miss (a misspelt ``apiVersion``,
  ``kind: Agreement`` without ``apiVersion``, the shape of an agreement) is a finding with a
  did-you-mean, and any other YAML file (a workflow, a compose file) is passed over.
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from slactl.errors import SlactlError, not_a_regular_file
from slactl.findings import Finding, Severity

if TYPE_CHECKING:
    from slactl.config import Config
    from slactl.loading import Loaded, LoadError

Kind = Literal["Agreement", "Catalog"]
KINDS: tuple[Kind, ...] = ("Agreement", "Catalog")
SUPPORTED = "slactl/v1"
YAML_SUFFIXES = (".yaml", ".yml")
CONFIG_NAME = "slactl.yaml"
# Folders of tools and vendored code: never walked, whatever slactl.yaml says.
SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".nox", ".mypy_cache",
     ".ruff_cache", ".pytest_cache"}
)  # fmt: skip
NEAR_MISS = "SLA012"
GITATTRIBUTES = "SLA031"
# Attributes that make the bytes in the work tree differ from the blob git stores.
_TRANSFORMING = ("working-tree-encoding", "filter", "ident")


# --------------------------------------------------------------------------- classification


@dataclass(frozen=True)
class NearMiss:
    """Why a file that is not a slactl document looks like one, and where (1-based)."""

    line: int
    column: int
    path: str
    message: str


@dataclass(frozen=True)
class Classification:
    """What one file is, from one parse.

    ``kind`` is what the file is meant to be, over-inclusive by design: a near miss, or an
    agreement the loader refuses (UTF-16, a tag, an anchor), still has its kind, so a gate
    that goes on to load it fails loudly instead of skipping it. ``declared`` is true for a
    slactl document proper (``apiVersion: slactl/...``): the schema decides the rest.
    """

    kind: Kind | None
    declared: bool
    near_miss: NearMiss | None
    loaded: Loaded | None  # the parse, when slactl's loader accepted the file
    error: LoadError | None  # why the loader refused the file

    @property
    def slactl_like(self) -> bool:
        """A slactl document, or something meant to be one: never to be passed over."""
        return self.declared or self.kind is not None or self.near_miss is not None


@dataclass(frozen=True)
class _Entry:
    value: str | None  # a scalar's text; None for a mapping or a list
    line: int
    column: int
    key_line: int
    key_column: int


def kind_of(raw: bytes) -> Kind | None:
    """``Agreement`` or ``Catalog`` when ``raw`` (a file, a git blob) is, or is meant to be, one.

    Parsed, never matched: a BOM is tolerated; UTF-16 or UTF-32 is decoded only to say what the
    file is (every loader refuses it). None for anything else.
    """
    return classify(raw).kind


def classify(raw: bytes) -> Classification:
    """Parse ``raw`` once and say what it is; never raises on any input."""
    from slactl.loading import LoadError, decode, load_text

    wide = _wide_codec(raw)
    if wide is not None:
        text = raw.decode(wide, errors="replace").lstrip("\ufeff")
        error = LoadError(
            f"file is {wide.upper().replace('-LE', '').replace('-BE', '')}, not UTF-8",
            code="SLA002",
            hint="save the file as UTF-8 (a `working-tree-encoding` in .gitattributes converts it on checkout)",
        )
        return _judge(_scan(text), None, error)
    try:
        text = decode(raw)
    except LoadError as exc:
        lenient = raw.decode("utf-8", errors="replace").lstrip("\ufeff").replace("\x00", " ")
        return _judge(_scan(lenient), None, exc)
    try:
        loaded = load_text(text)
    except LoadError as exc:
        return _judge(_scan(text), None, exc)
    data = loaded.data
    if not isinstance(data, dict):
        return Classification(None, False, None, loaded, None)
    return _judge([_entries_of(loaded, data)], loaded, None)


def _wide_codec(raw: bytes) -> str | None:
    """utf-16/utf-32 (by BOM, or by the NUL bytes of ASCII text without one), else None."""
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = raw[:64]
    if len(head) >= 4 and b"\x00" in head:
        odd, even = head[1::2], head[0::2]
        if odd.count(0) > len(odd) * 3 // 4 and even.count(0) == 0:
            return "utf-16-le"
        if even.count(0) > len(even) * 3 // 4 and odd.count(0) == 0:
            return "utf-16-be"
    return None


def _entries_of(loaded: Loaded, data: dict[str, Any]) -> dict[str, _Entry]:
    out: dict[str, _Entry] = {}
    for key, value in data.items():
        # Positions are looked up only for the few keys that matter (the walk is lazy).
        if _interesting(key):
            line, column = loaded.locate((key,))
            key_line, key_column = loaded.locate((key,), key=True)
        else:
            line = column = key_line = key_column = 1
        out[key] = _Entry(value if isinstance(value, str) else None, line, column, key_line, key_column)
    return out


def _interesting(key: str) -> bool:
    low = key.lower()
    return low in ("kind", "metadata", "service_levels") or _distance(low, "apiversion") <= 2


def _scan(text: str) -> list[dict[str, _Entry]]:
    """The top-level mapping of every document, from the event stream, up to the first error."""
    import yaml

    from slactl.loading import FAST

    loader: Any = yaml.CSafeLoader if FAST else yaml.SafeLoader
    docs: list[dict[str, _Entry]] = []
    depth = 0
    current: dict[str, _Entry] | None = None
    key: Any = None  # the key event of the pair being read at depth 1
    expect_value = False
    try:
        for event in yaml.parse(text, Loader=loader):
            node = isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent, yaml.CollectionStartEvent))
            if isinstance(event, yaml.DocumentStartEvent):
                current, key, expect_value, depth = None, None, False, 0
            elif node and depth == 0 and isinstance(event, yaml.MappingStartEvent):
                current = {}
                docs.append(current)
            elif node and depth == 1 and current is not None:
                if not expect_value:
                    key = event if isinstance(event, yaml.ScalarEvent) else None  # complex keys are not ours
                    expect_value = True
                else:
                    if key is not None:
                        value = event.value if isinstance(event, yaml.ScalarEvent) else None
                        current.setdefault(str(key.value), _entry(key, event, value))
                    key, expect_value = None, False
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        pass  # what was read before the error is all there is to judge
    return docs


def _entry(key: Any, value: Any, text: str | None) -> _Entry:
    k, v = key.start_mark, value.start_mark
    return _Entry(text, v.line + 1, v.column + 1, k.line + 1, k.column + 1)


def _judge(docs: list[dict[str, _Entry]], loaded: Loaded | None, error: LoadError | None) -> Classification:
    first: Classification | None = None
    for top in docs:
        found = _judge_one(top, loaded, error)
        if found.slactl_like:
            return found
        first = first or found
    return first or Classification(None, False, None, loaded, error)


def _judge_one(top: dict[str, _Entry], loaded: Loaded | None, error: LoadError | None) -> Classification:
    api = top.get("apiVersion")
    declared = api is not None and api.value is not None and api.value.startswith("slactl/")
    kind_key = next((k for k in top if k.lower() == "kind"), None)
    kind_entry = top.get(kind_key) if kind_key is not None else None
    kind = _near_kind(kind_entry.value if kind_entry else None)
    lowered = {k.lower(): k for k in top}
    shape = "metadata" in lowered and "service_levels" in lowered
    if kind is None and shape:
        kind = "Agreement"
    if declared:
        return Classification(kind, True, None, loaded, error)
    miss = _near_miss(top, api, kind_key, kind_entry, kind, shape)
    return Classification(kind if (kind or miss) else None, False, miss, loaded, error)


def _near_miss(
    top: dict[str, _Entry],
    api: _Entry | None,
    kind_key: str | None,
    kind_entry: _Entry | None,
    kind: Kind | None,
    shape: bool,
) -> NearMiss | None:
    """The most specific reason a file that is not a slactl document looks like one."""
    evidence = kind is not None or shape
    # A misspelt key: evidence only with a slactl-like value or other signs (Helm's `appVersion`
    # is one letter away from `apiversion`).
    for key, entry in top.items():
        if (
            key != "apiVersion"
            and _distance(key.lower(), "apiversion") <= 2
            and (evidence or _near_version(entry.value))
        ):
            return NearMiss(
                entry.key_line, entry.key_column, key,
                f"`{key}` is not a slactl key: did you mean `apiVersion`? (write `apiVersion: {SUPPORTED}`)",
            )  # fmt: skip
    if api is not None and _near_version(api.value):
        return NearMiss(
            api.line, api.column, "apiVersion",
            f"apiVersion {api.value!r} is not a slactl version: did you mean `{SUPPORTED}`?",
        )  # fmt: skip
    if kind_key is not None and kind_key != "kind" and kind is not None and kind_entry is not None:
        return NearMiss(
            kind_entry.key_line, kind_entry.key_column, kind_key,
            f"`{kind_key}` is not a slactl key: did you mean `kind: {kind}` (with `apiVersion: {SUPPORTED}`)?",
        )  # fmt: skip
    if kind is not None and kind_entry is not None and kind_entry.value != kind:
        return NearMiss(
            kind_entry.line, kind_entry.column, "kind",
            f"kind {kind_entry.value!r} is not a slactl kind: did you mean `kind: {kind}` "
            f"(with `apiVersion: {SUPPORTED}`)?",
        )  # fmt: skip
    if kind is not None and kind_entry is not None:
        where = (api.line, api.column, "apiVersion") if api is not None else (kind_entry.key_line, 1, "")
        said = f"`apiVersion: {api.value}`" if api is not None and api.value is not None else "no `apiVersion`"
        return NearMiss(
            *where,
            f"`kind: {kind}` with {said}: did you mean a slactl document? (write `apiVersion: {SUPPORTED}`)",
        )
    if shape:
        meta = top[next(k for k in top if k.lower() == "metadata")]
        return NearMiss(
            meta.key_line, 1, "",
            "this file has `metadata` and `service_levels` like an agreement but does not declare itself one: "
            f"did you mean to start it with `apiVersion: {SUPPORTED}` and `kind: Agreement`?",
        )  # fmt: skip
    return None


def _near_kind(value: str | None) -> Kind | None:
    if not value:
        return None
    low = value.strip().lower()
    for kind in KINDS:
        if _distance(low, kind.lower()) <= 2:
            return kind
    return None


def _near_version(value: str | None) -> bool:
    if not value:
        return False
    low = value.strip().lower()
    return low.startswith("slactl") or _distance(low, SUPPORTED) <= 2


def _distance(a: str, b: str, limit: int = 3) -> int:
    """Edit distance with transpositions (optimal string alignment), capped at ``limit``."""
    if abs(len(a) - len(b)) >= limit:
        return limit
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], prev2[j - 2] + 1)
        if min(row) >= limit:
            return limit
        prev2, prev = prev, row
    return min(prev[-1], limit)


def near_miss_finding(file: str, miss: NearMiss) -> Finding:
    """The finding of a near miss."""
    return Finding(file, miss.line, miss.column, miss.path, Severity.ERROR, NEAR_MISS, miss.message)


# --------------------------------------------------------------------------- finding files


@dataclass(frozen=True)
class Candidate:
    """A file to look at; ``explicit`` (strict) files must be slactl documents."""

    path: Path
    explicit: bool
    named: bool = False  # given on the command line, not found in a folder


@dataclass(frozen=True)
class Scope:
    """Where agreements live, from ``slactl.yaml``: folders/globs relative to its folder."""

    root: Path | None = None
    agreements: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    settings_files: frozenset[Path] = frozenset()

    @classmethod
    def of(cls, config: Config | None) -> Scope:
        if config is None or config.root is None:
            return cls()
        raw = config.raw
        root = _absolute(config.root)
        settings = {root / CONFIG_NAME}
        if raw is not None and getattr(raw, "roster", None):
            settings.add(_absolute(root / raw.roster))
        return cls(
            root,
            tuple(getattr(raw, "agreements", None) or ()),
            tuple(getattr(raw, "exclude", None) or ()),
            frozenset(settings),
        )

    def _rel(self, path: Path) -> str | None:
        if self.root is None:
            return None
        try:
            return _absolute(path).relative_to(self.root).as_posix()
        except ValueError:
            return None

    def is_strict(self, path: Path) -> bool:
        """Under the configured agreement paths (and not excluded)."""
        rel = self._rel(path)
        return rel is not None and any(_matches(rel, p) for p in self.agreements) and not self.is_excluded(path)

    def is_excluded(self, path: Path) -> bool:
        rel = self._rel(path)
        return rel is not None and any(_matches(rel, p) for p in self.exclude)

    def is_settings(self, path: Path) -> bool:
        return _absolute(path) in self.settings_files or path.name.lower() == CONFIG_NAME


def _absolute(path: Path) -> Path:
    return Path(os.path.normpath(path.absolute()))


def is_yaml_name(name: str) -> bool:
    """``.yaml`` or ``.yml`` in any case."""
    return name.lower().endswith(YAML_SUFFIXES)


def find(paths: Sequence[Path], config: Config | None = None, *, only_slactl: bool = False) -> list[Candidate]:
    """Files named and YAML files under folders named, in a stable order; missing paths fail.

    A named file is strict unless ``only_slactl`` (a hook passes every changed YAML file): then
    it is strict only under the agreement paths, and skipped when excluded.
    """
    scope = Scope.of(config)
    out: list[Candidate] = []
    seen: set[Path] = set()
    for path in paths:
        if path.is_file():
            if path in seen or (only_slactl and (scope.is_excluded(path) or scope.is_settings(path))):
                continue
            seen.add(path)
            out.append(Candidate(path, not only_slactl or scope.is_strict(path), named=True))
        elif path.is_dir():
            for found in _walk(path, scope):
                if found not in seen:
                    seen.add(found)
                    out.append(Candidate(found, scope.is_strict(found)))
        elif path.exists():  # "no such file" would be false
            raise not_a_regular_file(str(path), what="the agreement", folder_too=True)
        else:
            raise SlactlError("no such file or folder", path=str(path))
    return out


def _walk(folder: Path, scope: Scope) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        here = Path(root)
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not scope.is_excluded(here / d))
        for name in sorted(files):
            path = here / name
            if is_yaml_name(name) and not scope.is_settings(path) and not scope.is_excluded(path):
                # Only regular files (a link to one included): reading a named pipe waits for
                # a writer, and a link to /dev/zero never ends. Git holds neither.
                if path.is_file():
                    yield path


@cache
def _pattern(pattern: str) -> re.Pattern[str]:
    """A glob relative to slactl.yaml as a regex: ``**`` any folders, ``*`` and ``?`` within one."""
    text = pattern.strip().removeprefix("./").strip("/")
    if text in ("", "."):
        return re.compile(".*", re.DOTALL)
    out, i = "", 0
    while i < len(text):
        if text.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif text.startswith("**", i):
            out, i = out + ".*", i + 2
        elif text[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif text[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(text[i]), i + 1
    # A pattern naming a folder covers everything under it.
    return re.compile(out + "(?:/.*)?", re.DOTALL)


def _matches(rel: str, pattern: str) -> bool:
    return _pattern(pattern).fullmatch(rel) is not None


# --------------------------------------------------------------------------- .gitattributes


def gitattributes_findings(repo_root: Path, relpaths: Iterable[str]) -> list[Finding]:
    """A finding for each file that ``.gitattributes`` transforms between blob and work tree.

    ``working-tree-encoding``, ``filter`` and ``ident`` make what validate reads differ from
    what git stores (and what ``status --base`` judges). End-of-line conversion (``text``,
    ``eol``) changes no value of a YAML document and is fine.
    """
    from slactl import git

    paths = sorted(set(relpaths))
    if not paths:
        return []
    # Paths on stdin: a run over thousands of files must not hit the command-line length limit.
    stdin = b"".join(p.encode("utf-8", "surrogateescape") + b"\0" for p in paths)
    proc = git.run_plain(
        repo_root, ["check-attr", "-z", "--stdin", *_TRANSFORMING], what="reading .gitattributes", input=stdin
    )
    fields = proc.stdout.split(b"\0")
    applied: dict[str, list[str]] = {}
    for i in range(0, len(fields) - 2, 3):
        path, attr, value = (f.decode("utf-8", "surrogateescape") for f in fields[i : i + 3])
        if value in ("unspecified", "unset"):
            continue
        if attr == "working-tree-encoding" and value.lower().replace("-", "") == "utf8":
            continue
        applied.setdefault(path, []).append(attr if value == "set" else f"{attr}={value}")
    out = []
    for path, attrs in sorted(applied.items()):
        listed = ", ".join(f"`{a}`" for a in attrs)
        out.append(
            Finding(
                str(Path(repo_root) / path),
                1,
                1,
                "",
                Severity.ERROR,
                GITATTRIBUTES,
                f".gitattributes applies {listed} to this file: the blob git stores differs from what slactl "
                "reads here; remove the attribute for agreement files",
            )
        )
    return out


def repo_root_of(path: Path) -> Path | None:
    """The work tree holding ``path`` (a ``.git`` folder or file above it), without running git."""
    here = _absolute(path)
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return None
