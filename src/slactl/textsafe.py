"""Making strings from git or a document safe to show: at a terminal, and in Markdown.

Every text reporter passes what it did not write itself (author names, commit subjects,
stage names from trailers, paths, values and findings quoting a document) through
:func:`for_terminal`; every Markdown writer (``diff``/``history --format markdown``, the
rendered agreement) through :func:`md_escape` or :func:`md_code`. One place decides, so the
terminal and the pull-request comment cannot disagree about what a string says.

Pure functions: no I/O.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the fast paths import this module: nothing more at run time
    from collections.abc import Callable, Iterable
    from typing import Any

__all__ = [
    "DIRECTION_CONTROLS",
    "for_terminal",
    "json_text",
    "md_code",
    "md_escape",
    "md_text",
    "show_direction_controls",
    "yaml_documents",
]

# C0 controls (ESC, CR, BEL, BS...), DEL, C1 controls (U+0080-U+009F: a single-byte CSI is
# U+009B), the bidi embeddings/overrides and isolates (a "Trojan Source" reordering), the
# line and paragraph separators some terminals and editors break lines on, and the BOM /
# zero-width no-break space. Tab and newline are handled by the caller's choice below.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ufeff]")
_UNSAFE_OR_NEWLINE = re.compile(_UNSAFE.pattern[:-1] + r"\n\t]")
# The bidirectional embeddings, overrides and isolates alone: the characters of a "Trojan
# Source" reordering (CVE-2021-42574), which compilers such as rustc refuse in literals and
# comments. `slactl validate` refuses them (SLA013); the rendered document shows them.
DIRECTION_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def for_terminal(value: object, *, newlines: bool = False) -> str:
    """``value`` as text that cannot drive a terminal: every control character shown as an escape.

    ``ESC[8m`` becomes the visible text ``\\x1b[8m``; CR, BEL, DEL, C1 controls and bidi
    overrides likewise. A tab becomes a space. A newline becomes a space too (a value can
    never fake a line of the report), unless ``newlines`` is given, for whole lines of output
    the caller assembled itself.
    """
    text = str(value)
    if newlines:
        return _UNSAFE.sub(_visible, text.replace("\t", " "))
    return _UNSAFE_OR_NEWLINE.sub(lambda m: " " if m.group() in "\n\t" else _visible(m), text)


def show_direction_controls(text: str) -> str:
    """``text`` with each bidirectional control written as its visible escape (``\\u202e``)."""
    return DIRECTION_CONTROLS.sub(_visible, text)


def json_text(value: Any, *, indent: int | None = None, default: Callable[[Any], Any] | None = None) -> str:
    """``value`` as JSON (UTF-8 text, not ASCII escapes), with each bidirectional control
    written as its ``\\u`` escape: the same JSON value, which no reviewer of the file can
    see reordered. Lossless, since JSON's own syntax is ASCII: such a character can only
    stand inside a string, where ``\\u202e`` means the character itself."""
    import json

    return DIRECTION_CONTROLS.sub(_visible, json.dumps(value, indent=indent, ensure_ascii=False, default=default))


def yaml_documents(documents: Iterable[Any], *, width: int = 120) -> str:
    """``documents`` as YAML (``---`` before each, keys in their order), each bidirectional
    control written as its ``\\u`` escape: a string holding one is double-quoted, the one
    style where the escape means the character itself, so the value read back is unchanged."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        style = '"' if DIRECTION_CONTROLS.search(value) else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, represent_str)
    text = yaml.dump_all(
        documents, Dumper=Dumper, sort_keys=False, allow_unicode=True, explicit_start=True, width=width
    )
    return DIRECTION_CONTROLS.sub(_visible, text)


# Characters that can open or close an inline construct in GitHub-flavoured Markdown:
# emphasis, code, links and images, tables, strikethrough, and the backslash itself.
# "(", ")" and "!" make a link or image only after a "[" ... "]", which are escaped, and
# "#" only at the start of a line: escaping those everywhere would only clutter the source.
_MD_INLINE = re.compile(r"([\\`*_\[\]|~])")
# Block markers at the start of a line: headings, bullets, quotes,
# thematic breaks, setext underlines, ordered items.
_MD_LEADING = re.compile(r"^([#+=-](?=[\s#+=-]|$)|\d{1,9}(?=[.)](?:\s|$)))")
# "@name" at the start of a word pings a person or team on GitHub: an entity for the "@"
# keeps the text and drops the mention. Bare URLs and e-mail addresses may still become
# links (GFM's extended autolinks), which is harmless: such a link shows its own target.
# "<https://...>" autolinks cannot form, since "<" is an entity.
_MD_MENTION = re.compile(r"(?<![A-Za-z0-9_.+-])@(?=[A-Za-z0-9])")


def md_escape(value: object) -> str:
    """Text inert anywhere inline in GitHub-flavoured Markdown, a table cell included.

    No raw HTML (``&``, ``<`` and ``>`` become entities, so no tag, ``<!-- -->`` comment or
    ``<details>`` survives), no emphasis, code, link, image, table break or strikethrough
    (their characters are backslash-escaped), no block (newlines become spaces; a leading
    ``#``, ``-``, ``+``, ``=`` or ``1.`` is escaped), no @-mention, and no
    control character (see :func:`for_terminal`). The text reads the same once rendered.
    """
    # CR is a line end in Markdown (CommonMark): a space like any other newline here.
    text = " ".join(for_terminal(str(value).replace("\r", "\n")).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_INLINE.sub(r"\\\1", text)
    text = _MD_MENTION.sub("&#64;", text)
    match = _MD_LEADING.match(text)
    if match:
        marker = match.group(1)
        if marker.isdigit():  # "1. x" would start a list: escape the dot or parenthesis
            text = text[: match.end()] + "\\" + text[match.end() :]
        else:
            text = "\\" + text
    return text


def md_text(value: object) -> str:
    """Like :func:`md_escape`; an empty value gives an empty string (a table cell left blank)."""
    return md_escape(value) if value not in (None, "") else ""


def md_code(value: object) -> str:
    """``value`` as an inline code span that nothing inside can end: the fence is longer than
    any run of backticks in it. Code spans never carry HTML; control characters and newlines
    are made visible first. Not for table cells (a ``|`` there splits the cell)."""
    text = " ".join(for_terminal(str(value).replace("\r", "\n")).split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith(("`", " ")) or text.endswith(("`", " ")) or not text else ""
    return f"{fence}{pad}{text}{pad}{fence}"
