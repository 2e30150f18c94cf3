"""The YAML loader the agreement format deserves.

PyYAML composes the node tree (in C when libyaml is there) and this module turns it into
plain Python values itself, so that nothing YAML 1.1 does implicitly survives: only
``true``/``false`` are booleans, ``1:20`` is a string, dates stay strings for the model to
parse, no tag is ever constructed. Anchors and aliases are refused before any value is
built (an alias bomb must never reach pydantic), duplicate keys are refused naming both
lines, and every value's position is kept so findings can point at it.
"""

from __future__ import annotations

import codecs
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from slactl.errors import SlactlError, not_a_regular_file

if TYPE_CHECKING:
    from slactl.findings import Finding

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64

try:
    _Loader: type[Any] = yaml.CSafeLoader
    FAST = True
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader
    FAST = False

_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_TAG + t for t in ("str", "int", "float", "bool", "null"))
_MAP, _SEQ = _TAG + "map", _TAG + "seq"
# Tags the 1.1 resolver may put on a plain scalar; all are re-read with YAML 1.2 rules.
_IMPLICIT = {_STR, _INT, _FLOAT, _BOOL, _NULL, _TAG + "timestamp", _TAG + "merge", _TAG + "value"}
_EXPLICIT_OK = {_STR, _INT, _FLOAT, _BOOL, _NULL, _MAP, _SEQ}

_INT_RE = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT_RE = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_INT_TEXT_MAX = 1000  # longer plain numbers stay text: the model refuses them with its own limit
# Plain scalars the 1.1 resolver calls strings but YAML 1.2 reads as numbers (`1e3`, `-.5`, `0o17`)
# all start like this; checking the first character keeps the regexes off ordinary text.
_NUMBER_START = frozenset("0123456789+-.")
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_NULLS = {"", "~", "null", "Null", "NULL"}
# An anchor token: '&' at the start of the text or right after a node start, followed by a
# name character. Written to begin with the literal '&' so the search jumps from one '&' to
# the next (the form starting with the look-behind tried every position: 0.8 ms on 20 KB).
_ANCHOR_HINT = re.compile(r"&(?<![^\s,\[{:-]&)[^\s,\[\]{}]")
# libyaml's composer recurses in C: a few ten thousand nested `[` or `- ` crash the process.
# Text that could nest deeper than this (counting every opener) is checked on the event
# stream, which does not recurse, before it is composed.
_SCAN_DEPTH_ABOVE = 1000 if FAST else 100
_OPENERS = ("[", "{", "- ", "-\t", "? ", "?\t")

Path_ = tuple[str | int, ...]
Mark = tuple[int, int]


class LoadError(SlactlError):
    """The file cannot be read as one slactl YAML document."""

    def __init__(self, message: str, *, code: str, line: int = 1, column: int = 1, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.code = code
        self.line = line
        self.column = column

    def finding(self, file: str) -> Finding:
        """The finding ``validate`` reports for it: at its line and column, the hint in the message."""
        from slactl.findings import Finding, Severity

        message = self.message + (f" ({self.hint})" if self.hint else "")
        return Finding(file, self.line, self.column, "", Severity.ERROR, self.code, message)

    def at(self, path: str) -> SlactlError:
        """The error a command stops with when it needs the file: 'line L, column C: message', the hint kept."""
        return SlactlError(f"line {self.line}, column {self.column}: {self.message}", path=path, hint=self.hint)


@dataclass(frozen=True)
class Loaded:
    """A parsed document that can say the 1-based position of every value and every key.

    Positions are read from the composed node tree when asked for, not recorded while the
    values are built: most files have no finding, and building a position table for every
    value cost as much as libyaml's parse.
    """

    data: Any
    text: str
    root: yaml.Node | None = field(default=None, repr=False, compare=False)

    def locate(self, path: Path_, *, key: bool = False) -> Mark:
        """Best position for a field path: the deepest part of it that exists in the file."""
        node, key_node, whole = self._walk(path)
        if key and whole and key_node is not None:
            return _mark(key_node)
        return _mark(node) if node is not None else (1, 1)

    def _walk(self, path: Path_) -> tuple[yaml.Node | None, yaml.Node | None, bool]:
        """(deepest node on the path, the key node of the last step, whether the whole path exists)."""
        node, key_node = self.root, None
        for part in path:
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                pair = next(((k, v) for k, v in node.value if k.value == part), None)
                if pair is None:
                    return node, None, False
                key_node, node = pair
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                key_node, node = None, node.value[part]
            else:
                return node, None, False
        return node, key_node, True

    @cached_property
    def marks(self) -> dict[Path_, Mark]:
        """Every value's position by field path (built on first use)."""
        return self._tables[0]

    @cached_property
    def key_marks(self) -> dict[Path_, Mark]:
        """Every mapping key's position by field path (built on first use)."""
        return self._tables[1]

    @cached_property
    def _tables(self) -> tuple[dict[Path_, Mark], dict[Path_, Mark]]:
        marks: dict[Path_, Mark] = {}
        key_marks: dict[Path_, Mark] = {}
        stack: list[tuple[yaml.Node, Path_]] = [(self.root, ())] if self.root is not None else []
        while stack:
            node, path = stack.pop()
            marks[path] = _mark(node)
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    key_marks[(*path, key_node.value)] = _mark(key_node)
                    stack.append((value_node, (*path, key_node.value)))
            elif isinstance(node, yaml.SequenceNode):
                stack.extend((child, (*path, i)) for i, child in enumerate(node.value))
        return marks, key_marks


def _mark(node: yaml.Node) -> Mark:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def decode(raw: bytes) -> str:
    """Bytes to text: UTF-8 only (a BOM is tolerated), with the offending position on failure."""
    if len(raw) > MAX_BYTES:
        raise LoadError(
            f"file is larger than the limit of {MAX_BYTES:,} bytes (2 MiB)",
            code="SLA008",
            hint=(
                "no file slactl reads (an agreement, slactl.yaml, a roster) is this large: "
                "check that it is the file meant, and split an agreement this large"
            ),
        )
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]  # tolerated, and not counted in columns (editors hide it)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        # Columns count characters, as editors and YAML marks do; the line up to the bad byte decodes.
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        raise LoadError(
            f"file is not UTF-8 (byte 0x{raw[exc.start]:02x} cannot be decoded)",
            code="SLA002",
            line=line,
            column=column,
            hint="save the file as UTF-8",
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        line, column = _text_mark(text, nul)
        raise LoadError(
            "file contains a NUL character", code="SLA002", line=line, column=column, hint="is this a binary file?"
        )
    return text


def _text_mark(text: str, index: int) -> Mark:
    """1-based line and column of a character index."""
    line_start = text.rfind("\n", 0, index) + 1
    return (text.count("\n", 0, index) + 1, index - line_start + 1)


def read_bounded(path: Path) -> bytes:
    """The bytes of a file, or its first ``MAX_BYTES + 1`` when it is larger (which ``decode``
    refuses): a stray multi-gigabyte ``.yaml`` in a folder is never read whole. OSError as raised."""
    with path.open("rb") as fh:
        return fh.read(MAX_BYTES + 1)


def read_file(path: Path) -> bytes:
    """The bytes of one agreement file (see read_bounded); I/O problems, and a pipe or a device,
    become ``SlactlError``."""
    try:
        if not stat.S_ISREG(path.stat().st_mode) and not path.is_dir():  # a folder: open says so
            raise not_a_regular_file(str(path), what="the agreement")  # reading could wait forever
        return read_bounded(path)
    except OSError as exc:
        raise SlactlError(f"cannot read file: {exc.strerror}", path=str(path)) from None


def load_path(path: Path) -> Loaded:
    """Read and load one file; I/O problems become ``SlactlError``."""
    return load_text(decode(read_file(path)))


def load_bytes(raw: bytes) -> Loaded:
    """Load a document held in memory (a git blob, a test case)."""
    return load_text(decode(raw))


def load_text(text: str) -> Loaded:
    """Load one YAML document from text; raise ``LoadError`` pointing at the problem."""
    if not text.strip():
        raise LoadError("file is empty", code="SLA003", hint="run `slactl new` to start an agreement")
    if _ANCHOR_HINT.search(text) or sum(text.count(o) for o in _OPENERS) > _SCAN_DEPTH_ABOVE:
        _prescan(text)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.composer.ComposerError as exc:
        if "single document" in f"{exc.problem} {exc.context}":
            line, column = _err_mark(exc)
            raise LoadError(
                "file holds more than one YAML document",
                code="SLA004",
                line=line,
                column=column,
                hint="keep one agreement per file; remove the `---` separator",
            ) from None
        if "undefined alias" in str(exc.problem):
            line, column = _err_mark(exc)
            raise LoadError("anchors and aliases are not allowed", code="SLA006", line=line, column=column) from None
        raise _syntax(exc, text) from None
    except yaml.MarkedYAMLError as exc:
        raise _syntax(exc, text) from None
    except yaml.reader.ReaderError as exc:  # a control character; libyaml gives its UTF-8 byte offset
        index = len(text.encode("utf-8")[: exc.position].decode("utf-8", "ignore"))
        line, column = _text_mark(text, index)
        raise LoadError(
            f"YAML error: character U+{exc.character:04X} is not allowed in YAML text",
            code="SLA001",
            line=line,
            column=column,
        ) from None
    except yaml.YAMLError as exc:  # pragma: no cover - every YAMLError above carries a position
        raise LoadError(f"YAML error: {exc}", code="SLA001") from None
    finally:
        loader.dispose()
    if node is None:
        raise LoadError("file holds no YAML document (only comments?)", code="SLA003")
    data = _Builder(text).build(node, 0)
    return Loaded(data=data, text=text, root=node)


def _err_mark(exc: yaml.MarkedYAMLError) -> Mark:
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return (1, 1)
    return (mark.line + 1, mark.column + 1)


def _syntax(exc: yaml.MarkedYAMLError, text: str = "") -> LoadError:
    line, column = _err_mark(exc)
    problem = exc.problem or "invalid YAML"
    if "maximum nesting depth" in problem:
        # libyaml 0.2.5+ (PyYAML 6.0.2+ wheels) refuses deep nesting itself; one code whatever it does.
        return LoadError(f"nesting deeper than {MAX_DEPTH} levels", code="SLA009", line=line, column=column)
    plain = _plain_words(exc, text, line, column)
    if plain is not None:
        return plain
    context = f" ({exc.context})" if exc.context else ""
    return LoadError(f"YAML syntax error: {problem}{context}", code="SLA001", line=line, column=column)


def _plain_words(exc: yaml.MarkedYAMLError, text: str, line: int, column: int) -> LoadError | None:
    """The YAML mistakes people make most, said as what to do (libyaml's words name its parser states)."""
    problem, context = exc.problem or "", exc.context or ""
    lines = text.split("\n")
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    if "cannot start any token" in problem and source[column - 1 : column] == "\t":
        return LoadError(
            f"a tab in the indentation at {line}:{column}",
            code="SLA001",
            line=line,
            column=column,
            hint=f"YAML indents with spaces: replace the tab at {line}:{column} with spaces",
        )
    if "quoted scalar" in context and exc.context_mark is not None:
        # libyaml reports where it gave up (often the end of the file); the quote that was never
        # closed is where the scalar began.
        opened = exc.context_mark
        quote = text[opened.index : opened.index + 1] if opened.index < len(text) else '"'
        return LoadError(
            f"a quoted value opened here with {quote} is never closed",
            code="SLA001",
            line=opened.line + 1,
            column=opened.column + 1,
            hint=f"add the closing {quote} at the end of the value",
        )
    if "mapping values are not allowed" in problem:
        key, _, value = source.strip().removeprefix("- ").partition(": ")
        if key and value and ": " in value and not value.startswith(("'", '"', "{", "[")):
            quoted = value.replace("\\", "\\\\").replace('"', '\\"')
            return LoadError(
                "a value holds `: `, which YAML reads as the start of another key",
                code="SLA001",
                line=line,
                column=column,
                hint=f'quote the value: `{key}: "{quoted}"`',
            )
    return None


def _prescan(text: str) -> None:
    """Walk the event stream (no recursion, nothing built): refuse the first anchor or too deep a nest.

    Done only when the text looks like it has an anchor or could nest deeply, so ordinary
    files are parsed once.
    """
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            anchor = getattr(event, "anchor", None)
            if anchor is not None:
                line, column = _event_mark(event)
                raise LoadError(
                    f"anchors and aliases are not allowed (found `&{anchor}`)",
                    code="SLA006",
                    line=line,
                    column=column,
                    hint="write the values out; agreements are read by people, not deduplicated",
                )
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1  # now the number of this collection's ancestors, plus one
                if depth > MAX_DEPTH + 1:
                    line, column = _event_mark(event)
                    raise LoadError(f"nesting deeper than {MAX_DEPTH} levels", code="SLA009", line=line, column=column)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return  # the composer reports syntax errors with better context


def _event_mark(event: yaml.Event) -> Mark:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


class _Builder:
    """Turns composed nodes into values, refusing what the format forbids."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.seen: set[int] = set()

    def build(self, node: yaml.Node, depth: int) -> Any:
        if depth > MAX_DEPTH:
            line, column = _mark(node)
            raise LoadError(f"nesting deeper than {MAX_DEPTH} levels", code="SLA009", line=line, column=column)
        ident = id(node)
        if ident in self.seen:
            # The composer shares one node object between an anchor and its aliases.
            line, column = _mark(node)
            raise LoadError("anchors and aliases are not allowed", code="SLA006", line=line, column=column)
        self.seen.add(ident)
        tag = node.tag
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, tag)
        if tag not in (_MAP, _SEQ):
            self._bad_tag(node)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, depth + 1) for child in node.value]
        assert isinstance(node, yaml.MappingNode)
        return self._mapping(node, depth)

    def _mapping(self, node: yaml.MappingNode, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_keys: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                line, column = _mark(key_node)
                raise LoadError("mapping keys must be plain text", code="SLA009", line=line, column=column)
            if key_node.tag not in _IMPLICIT:
                self._bad_tag(key_node)
            key = key_node.value
            if key in first_keys:
                first = _mark(first_keys[key])
                line, column = _mark(key_node)
                raise LoadError(
                    f"duplicate key `{key}`: also defined on line {first[0]}",
                    code="SLA005",
                    line=line,
                    column=column,
                    hint=f"keep one of the two `{key}` entries, on lines {first[0]} and {line}",
                )
            first_keys[key] = key_node
            out[key] = self.build(value_node, depth + 1)
        return out

    def _scalar(self, node: yaml.ScalarNode, tag: str) -> Any:
        value: str = node.value
        if node.style:  # quoted or block scalars are always strings
            if tag not in _IMPLICIT and tag not in _EXPLICIT_OK:
                self._bad_tag(node)
            return value
        if tag == _STR:
            start = node.start_mark.index
            if value and value[0] in _NUMBER_START and self.text[start : start + 1] != "!":
                return self._number_1_2(value)  # resolved as text by YAML 1.1, not tagged `!!str`
            return value
        if tag == _BOOL:
            return True if value in _TRUE else False if value in _FALSE else value
        if tag == _INT:
            if len(value) > _INT_TEXT_MAX:  # int() refuses 4,300 digits; the type says how many it takes
                return value
            if _INT_RE.fullmatch(value):
                return int(value, 0) if value[:2] in ("0o", "0x") else int(value)
            return value  # sexagesimal, underscores, binary: YAML 1.2 says string
        if tag == _FLOAT:
            return Decimal(value) if _FLOAT_RE.fullmatch(value) else value
        if tag == _NULL:
            return None if value in _NULLS else value
        if tag in _IMPLICIT:  # timestamp, merge, value: plain strings
            return value
        self._bad_tag(node)
        return None  # pragma: no cover - _bad_tag raises

    @staticmethod
    def _number_1_2(value: str) -> Any:
        """A plain scalar that YAML 1.1 calls a string: a number when YAML 1.2 says so."""
        if len(value) > _INT_TEXT_MAX:
            return value
        if _INT_RE.fullmatch(value):
            return int(value, 0) if value[:2] in ("0o", "0x") else int(value)
        if _FLOAT_RE.fullmatch(value):
            return Decimal(value)
        return value

    def _bad_tag(self, node: yaml.Node) -> None:
        line, column = _mark(node)
        raise LoadError(
            f"YAML tag `{node.tag}` is not allowed",
            code="SLA007",
            line=line,
            column=column,
            hint="remove the tag; slactl files hold plain text, numbers, lists and mappings",
        )


class SeriesLoader:
    """Loads the revisions of one file one after another, composing only the parts that changed.

    Consecutive revisions of an agreement mostly differ in a field or two, yet composing the
    YAML is most of what reading one costs. So a document is cut into pieces: the entries of
    its top-level mapping and, in an entry large enough, the items of the block sequence or
    mapping under its key (and so on, a few levels down). Each piece is composed and built on
    its own and kept by its text, so the next revision builds only the pieces it changed.

    A cut is made only where the text proves an entry starts: a line at the collection's own
    indentation that begins ``key:`` or ``- ``, with no line above it in that body less
    indented (other than comments). A quoted scalar or flow collection that ran across such a
    line would leave the piece before it unterminated, which fails; a block or plain scalar
    always ends at such a line. Whatever cannot be proved this way (an indentless sequence,
    a complex or quoted key, anchors, directives, a line break other than ``\n``, a piece that
    fails to load) returns None: the caller then loads the whole text with ``load_text``,
    which also gives the exact error and positions. Values are shared between the documents
    returned: callers must not change them.
    """

    SPLIT_ABOVE = 768  # an entry shorter than this many characters is composed whole
    LEVELS = 3  # how many levels of collections are cut

    def __init__(self) -> None:
        self._kept: dict[tuple[str, int], Any] = {}  # pieces of the last document
        self._made: dict[tuple[str, int], Any] = {}  # pieces of the current one

    def data(self, text: str) -> Any:
        """The document's values, equal to ``load_text(text).data``; None when the cut is not proved."""
        if (
            not text.strip()
            or any(c in text for c in _OTHER_BREAKS)
            or _ANCHOR_HINT.search(text)
            or sum(text.count(o) for o in _OPENERS) > _SCAN_DEPTH_ABOVE
        ):
            return None
        try:
            return self._collection(text, 0, 0, sequence=False)
        except (_NotProved, LoadError, yaml.YAMLError):
            return None
        finally:
            self._kept, self._made = self._made, {}

    def _collection(self, body: str, indent: int, level: int, *, sequence: bool) -> Any:
        """The block mapping or sequence whose entries start at ``indent`` in ``body``."""
        pieces = _cut(body, indent, sequence=sequence)
        if pieces is None:
            raise _NotProved
        if sequence:
            items: list[Any] = []
            for piece in pieces:
                value = self._piece(piece, indent, level)
                if not isinstance(value, list) or len(value) != 1:
                    raise _NotProved
                items.extend(value)
            return items
        out: dict[str, Any] = {}
        for piece in pieces:
            value = self._piece(piece, indent, level)
            key = _KEY.match(piece, _start(piece, indent))
            if not isinstance(value, dict) or len(value) != 1 or key is None or key[1] not in value or key[1] in out:
                raise _NotProved  # a duplicate key: load_text names both lines
            out.update(value)
        return out

    def _piece(self, piece: str, indent: int, level: int) -> Any:
        """One entry's value: kept from the last document, cut further when large, else built."""
        memo = (piece, level)
        if memo in self._made:
            return self._made[memo]
        if memo in self._kept:
            value = self._kept[memo]
        else:
            value = self._deeper(piece, indent, level)
            if value is _WHOLE:
                value = _build_piece(piece, level)
        self._made[memo] = value
        return value

    def _deeper(self, piece: str, indent: int, level: int) -> Any:
        """A large ``key:`` entry whose value is a block collection, cut into its own entries."""
        if len(piece) < self.SPLIT_ABOVE or level + 1 >= self.LEVELS:
            return _WHOLE
        start = _start(piece, indent)
        head = _BARE_KEY.match(piece, start)
        if head is None:
            return _WHOLE
        body = piece[head.end() :]
        first = _FIRST_CONTENT.search(body)
        if first is None or len(first[1]) <= indent:
            return _WHOLE
        inner = len(first[1])
        sequence = body.startswith(("- ", "-\n"), first.start(2)) or body[first.start(2) :] == "-"
        if not sequence and _KEY.match(body, first.start(2)) is None:
            return _WHOLE
        return {head[1]: self._collection(body, inner, level + 1, sequence=sequence)}


class _NotProved(Exception):
    """The text cannot be proved to cut where the pieces say: load it whole."""


_WHOLE = object()
_OTHER_BREAKS = ("\r", "\x85", "\u2028", "\u2029")  # line breaks to YAML besides \n; the cut counts \n only
_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?= |\n|$)")
_BARE_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):[ ]*\n")  # `key:` and nothing else on its line
_FIRST_CONTENT = re.compile(r"^( *)([^ #\n])", re.MULTILINE)  # the first line that is not blank or a comment
_LINE_STARTS: dict[int, re.Pattern[str]] = {}


def _lines_at(text: str, indent: int) -> Iterator[tuple[int, int, str]]:
    """(line start, indentation, first character) of each line indented ``indent`` or less.

    The first character is a newline for a blank line. The pattern starts with a literal
    newline (the text is searched with one put before it), which lets the search skip from
    line to line instead of trying every position as ``^`` with MULTILINE does.
    """
    pattern = _LINE_STARTS.get(indent)
    if pattern is None:
        pattern = _LINE_STARTS[indent] = re.compile(rf"\n( {{0,{indent}}})(?=([^ ]))")
    for match in pattern.finditer("\n" + text):
        yield match.start(), len(match[1]), match[2]


def _start(piece: str, indent: int) -> int:
    """Where a piece's entry starts: its first line that is not blank or a comment, which must
    be at ``indent`` (a more indented line above the first top-level key is not proved)."""
    first = _FIRST_CONTENT.search(piece)
    if first is None or len(first[1]) != indent:
        raise _NotProved
    return first.start(2)


def _cut(body: str, indent: int, *, sequence: bool) -> list[str] | None:
    """``body`` cut before each line that starts an entry at ``indent`` (comments and blank lines
    before the first entry go with it); None when some line makes the cut unproved."""
    starts: list[int] = []
    for start, width, first in _lines_at(body, indent):
        if first in "#\n":
            continue  # a comment or blank line belongs to the entry above it
        if width < indent:
            return None  # less indented than the entries, yet not a comment
        at = start + width
        if sequence:
            if not (body.startswith(("- ", "-\n"), at) or body[at:] == "-"):
                return None
        elif _KEY.match(body, at) is None:
            return None
        starts.append(start)
    if not starts:
        return None
    starts[0] = 0
    return [body[a:b] for a, b in zip(starts, [*starts[1:], len(body)], strict=True)]


def _build_piece(piece: str, depth: int) -> Any:
    """Compose and build one piece on its own; ``depth`` is where its collection sits in the document."""
    loader = _Loader(piece)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    if node is None:
        raise _NotProved
    return _Builder(piece).build(node, depth)


SLOW_PARSER_NOTE = (
    "PyYAML was built without libyaml, so slactl parses with its pure-Python parser, about 10x slower; "
    "install libyaml (e.g. `apt-get install libyaml-dev`), then `pip install --force-reinstall --no-cache-dir pyyaml`"
)


def slow_parser_note() -> str | None:
    """What to tell the user when libyaml is missing (None when the fast parser is there)."""
    return None if FAST else SLOW_PARSER_NOTE
