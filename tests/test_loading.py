"""The loader: YAML 1.2 scalars, every refusal with its code and position, and the marks map."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from slactl import loading
from slactl.errors import SlactlError
from slactl.loading import MAX_BYTES, MAX_DEPTH, LoadError, load_bytes, load_path, load_text

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def refused(source: str | bytes) -> LoadError:
    """The LoadError a document is refused with (fails the test when it loads)."""
    with pytest.raises(LoadError) as info:
        if isinstance(source, bytes):
            load_bytes(source)
        else:
            load_text(source)
    return info.value


def value(text: str) -> Any:
    """The value of key `v` in a one-line document `v: <text>`."""
    return load_text(f"v: {text}\n").data["v"]


# --------------------------------------------------------------------------- YAML 1.2 scalars


@pytest.mark.parametrize("text", ["no", "yes", "on", "off", "y", "n", "Yes", "NO", "On", "OFF"])
def test_yaml_1_1_booleans_stay_strings(text: str) -> None:
    assert value(text) == text


@pytest.mark.parametrize(("text", "expected"), [("true", True), ("false", False), ("True", True), ("FALSE", False)])
def test_yaml_1_2_booleans(text: str, expected: bool) -> None:
    assert value(text) is expected


@pytest.mark.parametrize("text", ["1:20", "190:20:30", "190:20:30.15", "-1:30"])
def test_no_sexagesimal_numbers(text: str) -> None:
    assert value(text) == text


@pytest.mark.parametrize("text", ["2026-10-01", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5"])
def test_no_implicit_timestamps(text: str) -> None:
    assert value(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12),
        ("-3", -3),
        ("+12", 12),
        ("017", 17),  # YAML 1.2: decimal, not the 1.1 octal 15
        ("0o17", 15),
        ("0x1f", 31),
        ("45.5", Decimal("45.5")),
        ("45.50", Decimal("45.50")),
        ("-.5", Decimal("-0.5")),
        ("1e3", Decimal("1e3")),
        ("0.1", Decimal("0.1")),
    ],
)
def test_numbers_are_ints_and_exact_decimals(text: str, expected: object) -> None:
    got = value(text)
    assert got == expected
    assert type(got) is type(expected)


@pytest.mark.parametrize("text", ["1_000", "0b101", ".inf", "-.inf", ".nan", "1.2.3", "12abc"])
def test_not_numbers_in_yaml_1_2_stay_strings(text: str) -> None:
    assert value(text) == text


def test_no_float_anywhere_in_a_document() -> None:
    loaded = load_text("a: 0.1\nb: [1.5, 2e-3, {c: 3.25}]\nd: 7\n")

    def walk(node: Any) -> None:
        assert not isinstance(node, float)
        for child in node.values() if isinstance(node, dict) else node if isinstance(node, list) else ():
            walk(child)

    walk(loaded.data)
    assert loaded.data["b"][2]["c"] == Decimal("3.25")


@pytest.mark.parametrize("text", ["", "~", "null", "Null", "NULL"])
def test_nulls(text: str) -> None:
    assert value(text) is None


@pytest.mark.parametrize("text", ["'yes'", '"1:20"', "'12'", '"true"', "!!str 12"])
def test_quoted_and_str_tagged_scalars_are_strings(text: str) -> None:
    assert isinstance(value(text), str)


def test_merge_key_is_an_ordinary_key() -> None:
    assert load_text("a:\n  <<: {b: 1}\n").data == {"a": {"<<": {"b": 1}}}


# --------------------------------------------------------------------------- refusals


def test_duplicate_key_names_both_lines() -> None:
    err = refused("apiVersion: slactl/v1\nkind: Agreement\nmetadata:\n  id: a\n  title: t\n  id: b\n")
    assert (err.code, err.line, err.column) == ("SLA005", 6, 3)
    assert "line 4" in err.message
    assert err.hint is not None
    assert "lines 4 and 6" in err.hint


def test_duplicate_key_in_a_flow_mapping() -> None:
    err = refused("a: {x: 1, y: 2, x: 3}\n")
    assert (err.code, err.line, err.column) == ("SLA005", 1, 17)


def test_anchor_is_refused_at_the_anchor() -> None:
    err = refused("a: 1\nb: &x {c: 1}\nd: *x\n")
    assert (err.code, err.line, err.column) == ("SLA006", 2, 4)


def test_alias_without_anchor_is_refused_as_an_alias() -> None:
    err = refused("a: 1\nb: *x\n")
    assert (err.code, err.line, err.column) == ("SLA006", 2, 4)


def billion_laughs(levels: int = 9) -> str:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_refused_before_any_value_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    # Were the aliases expanded, 9**10 strings would be built; the builder must never run.
    def boom(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the builder ran on an alias bomb")

    monkeypatch.setattr(loading._Builder, "build", boom)
    err = refused(billion_laughs())
    assert (err.code, err.line, err.column) == ("SLA006", 1, 5)


def test_billion_laughs_never_reaches_pydantic(tmp_path: Path) -> None:
    from slactl.config import Config
    from slactl.validate import validate_paths

    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("apiVersion: slactl/v1\nkind: Agreement\n" + billion_laughs())
    result = validate_paths([bomb], Config(root=None), jobs=1)
    assert [(f.code, f.line) for f in result.findings] == [("SLA006", 3)]


def test_an_anchor_the_quick_scan_misses_is_still_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # The text scan only decides whether to walk the events; the builder refuses shared nodes regardless.
    monkeypatch.setattr(loading, "_ANCHOR_HINT", re.compile(r"(?!)"))
    err = refused("a: &x [1]\nb: *x\n")
    assert (err.code, err.line, err.column) == ("SLA006", 1, 4)  # the shared node is where the anchor is


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("a: !!python/object/apply:os.system ['echo pwned']\n", 1, 4),
        ("a: 1\nb: !!python/object:os.system {}\n", 2, 4),
        ("a: !!python/name:os.system\n", 1, 4),
        ("a:\n  - !!binary aGVsbG8=\n", 2, 5),
        ("a: !!set {x}\n", 1, 4),
        ("a: !custom 1\n", 1, 4),
        ("a: !<tag:example.com,2026:thing> x\n", 1, 4),
        ("!!python/str key: 1\n", 1, 1),
    ],
)
def test_tags_are_refused_never_constructed(text: str, line: int, column: int, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    monkeypatch.setattr("os.system", lambda *a: calls.append(a))
    err = refused(text)
    assert (err.code, err.line, err.column) == ("SLA007", line, column)
    assert calls == []


def test_size_cap() -> None:
    raw = b"a: " + b"x" * MAX_BYTES + b"\n"
    err = refused(raw)
    assert (err.code, err.line, err.column) == ("SLA008", 1, 1)
    assert f"{MAX_BYTES:,}" in err.message


def test_a_file_at_the_size_cap_loads() -> None:
    raw = b"a: " + b"x" * (MAX_BYTES - 4) + b"\n"
    assert len(raw) == MAX_BYTES
    assert len(load_bytes(raw).data["a"]) == MAX_BYTES - 4


@pytest.mark.parametrize(
    ("raw", "line", "column", "byte"),
    [
        (b"a: b\n\xff: c\n", 2, 1, "0xff"),
        (b"a: 1\nb: caf\xc3\xa9 \xe9t\xc3\xa9\n", 2, 9, "0xe9"),  # the column counts characters
        (b"a: \xc3\n", 1, 4, "0xc3"),  # a truncated sequence
        (b"\xef\xbb\xbfa: 1\nb: \x80\n", 2, 4, "0x80"),
    ],
)
def test_non_utf8_points_at_the_bad_byte(raw: bytes, line: int, column: int, byte: str) -> None:
    err = refused(raw)
    assert (err.code, err.line, err.column) == ("SLA002", line, column)
    assert byte in err.message


def test_utf8_bom_is_tolerated() -> None:
    assert load_bytes(b"\xef\xbb\xbfa: 1\n").data == {"a": 1}


def test_latin1_file_is_refused() -> None:
    raw = "title: Équipe\n".encode("latin-1")
    assert refused(raw).code == "SLA002"


def test_nul_byte_position() -> None:
    err = refused(b"a: 1\nbb: x\x00y\n")
    assert (err.code, err.line, err.column) == ("SLA002", 2, 6)


def test_control_character_position() -> None:
    err = refused("a: 1\nb: x\x07\n")
    assert (err.code, err.line, err.column) == ("SLA001", 2, 5)
    assert "U+0007" in err.message


@pytest.mark.parametrize("text", ["", "   \n\n", "\t\n"])
def test_empty_file(text: str) -> None:
    err = refused(text)
    assert (err.code, err.line, err.column) == ("SLA003", 1, 1)


def test_comments_only_file() -> None:
    err = refused("# nothing here\n# yet\n")
    assert (err.code, err.line, err.column) == ("SLA003", 1, 1)


@pytest.mark.parametrize(
    ("text", "line"),
    [("a: 1\n---\nb: 2\n", 2), ("---\na: 1\n---\nb: 2\n", 3), ("a: 1\n...\n---\nb: 2\n", 3)],
)
def test_multi_document_file(text: str, line: int) -> None:
    err = refused(text)
    assert (err.code, err.line, err.column) == ("SLA004", line, 1)
    assert err.hint is not None


def test_one_document_with_explicit_markers_loads() -> None:
    assert load_text("---\na: 1\n...\n").data == {"a": 1}


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("a: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n", 1, 4 + MAX_DEPTH),
        ("- " * (MAX_DEPTH + 2) + "x\n", 1, 1 + 2 * (MAX_DEPTH + 1)),
        ("a: " + "{b: " * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1) + "\n", 1, 4 + 4 * MAX_DEPTH),
    ],
)
def test_deep_nesting(text: str, line: int, column: int) -> None:
    err = refused(text)
    assert (err.code, err.line, err.column) == ("SLA009", line, column)


@pytest.mark.parametrize("depth", [50_000, 400_000])
@pytest.mark.parametrize("opener", ["[", "- ", "? ", "{a: "])
def test_pathological_nesting_is_refused_without_crashing(opener: str, depth: int) -> None:
    # libyaml's composer recurses in C: composing this would overflow the C stack (a segfault).
    err = refused("a: " + opener * depth + "\n" if opener in "[{a: " else opener * depth + "x\n")
    assert err.code == "SLA009"
    assert err.line == 1


def test_nesting_at_the_limit_loads() -> None:
    text = "a: " + "[" * (MAX_DEPTH - 1) + "x" + "]" * (MAX_DEPTH - 1) + "\n"
    node = load_text(text).data["a"]
    for _ in range(MAX_DEPTH - 1):
        node = node[0]
    assert node == "x"


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [("? [a, b]\n: 1\n", 1, 3), ("? {a: 1}\n: 1\n", 1, 3), ("a:\n  ? - x\n  : 1\n", 2, 5)],
)
def test_non_text_mapping_keys(text: str, line: int, column: int) -> None:
    err = refused(text)
    assert (err.code, err.line, err.column) == ("SLA009", line, column)


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [("a: [1, 2\nb: 3\n", 2, 2), ("a: b: c\n", 1, 5), ("a:\n  - x\n - y\n", 3, 2), ("a: 'open\n", 1, 4)],
)
def test_syntax_errors_have_positions(text: str, line: int, column: int) -> None:
    # An unclosed quote is reported where it opens (tests/test_messages.py has the wording).
    err = refused(text)
    assert (err.code, err.line, err.column) == ("SLA001", line, column)


@pytest.mark.parametrize(("text", "data"), [("- a\n- b\n", ["a", "b"]), ("just text\n", "just text"), ("42\n", 42)])
def test_non_mapping_documents_load(text: str, data: object) -> None:
    # The loader reads any single document; the parse layer refuses non-mappings (SLA010).
    assert load_text(text).data == data


def test_mapping_keys_stay_text() -> None:
    assert load_text("1: a\ntrue: b\nnull: c\n1.5: d\n").data == {"1": "a", "true": "b", "null": "c", "1.5": "d"}


def test_load_error_is_a_slactl_error() -> None:
    err = refused("a: *x\n")
    assert isinstance(err, SlactlError)


def test_load_path_reports_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(SlactlError, match="cannot read file") as info:
        load_path(tmp_path / "missing.yaml")
    assert not isinstance(info.value, LoadError)
    assert info.value.path == str(tmp_path / "missing.yaml")


# --------------------------------------------------------------------------- marks


def test_marks_map_points_deep_into_lists() -> None:
    text = (
        "service_levels:\n"
        "  - id: one\n"
        "    target: 1h\n"
        "  - id: two\n"
        "    exclusions:\n"
        "      - {name: patching, schedule: {sun: '02:00-06:00'}}\n"
        "    target:    99.9%\n"
    )
    loaded = load_text(text)
    assert loaded.marks[("service_levels", 1, "target")] == (7, 16)
    assert loaded.marks[("service_levels", 1, "exclusions", 0, "schedule", "sun")] == (6, 42)
    assert loaded.key_marks[("service_levels", 1, "exclusions", 0, "schedule", "sun")] == (6, 37)
    assert loaded.marks[("service_levels", 0)] == (2, 5)
    assert loaded.key_marks[("service_levels",)] == (1, 1)
    assert loaded.locate(("service_levels", 1, "target")) == (7, 16)
    assert loaded.locate(("service_levels", 1, "target"), key=True) == (7, 5)


def test_marks_of_an_example_file_match_the_text() -> None:
    path = EXAMPLES / "cec-fy2027-rural-lending.yaml"
    loaded = load_path(path)
    lines = path.read_text().splitlines()
    for field_path, (line, column) in loaded.marks.items():
        node = loaded.data
        for part in field_path:
            node = node[part]
        if isinstance(node, str) and node and "\n" not in node and field_path:
            source = lines[line - 1][column - 1 :]
            if source.startswith((">", "|")):
                continue  # a block scalar's mark is its indicator
            assert source.lstrip("'\"").startswith(node[:10]), (field_path, source)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (("metadata", "id"), (2, 7)),
        (("metadata", "nope"), (2, 3)),  # missing key: its parent mapping
        (("metadata", "labels", "x", "y"), (2, 3)),
        (("parties", 0, "name"), (1, 1)),  # nothing of it exists: the document
        (("list", 5), (5, 7)),  # index past the end: the list
        ((), (1, 1)),
    ],
)
def test_locate_falls_back_to_the_nearest_existing_parent(
    path: tuple[str | int, ...], expected: tuple[int, int]
) -> None:
    loaded = load_text("metadata:\n  id: a-b\n  title: T\nlist:\n      [1, 2]\n")
    assert loaded.locate(path) == expected


def test_locate_key_falls_back_to_the_value() -> None:
    loaded = load_text("a:\n  b: 1\n")
    assert loaded.locate(("a", "b"), key=True) == (2, 3)
    assert loaded.locate(("a",), key=True) == (1, 1)
    assert loaded.locate(("a", "c"), key=True) == (2, 3)


def test_examples_load_like_pyyaml_except_for_yaml_1_1_quirks() -> None:
    # Our own construction must agree with PyYAML on every example, up to dates (kept as text).
    def normalize(node: Any) -> Any:
        if isinstance(node, dict):
            return {str(k): normalize(v) for k, v in node.items()}
        if isinstance(node, list):
            return [normalize(v) for v in node]
        if hasattr(node, "isoformat"):
            return node.isoformat()
        if isinstance(node, float):
            return Decimal(repr(node))
        return node

    for path in sorted(EXAMPLES.glob("*.yaml")):
        ours = load_path(path).data
        theirs = normalize(yaml.load(path.read_text(), Loader=yaml.CSafeLoader))
        assert normalize(ours) == theirs, path.name


def test_ampersands_in_prose_are_not_anchors() -> None:
    loaded = load_text("title: Research & Development\nnote: R&D, B&B\n")
    assert loaded.data == {"title": "Research & Development", "note": "R&D, B&B"}
