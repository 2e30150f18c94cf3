"""SeriesLoader: the revisions of a file loaded piece by piece must equal loading each whole.

The loader cuts a document where its indentation proves an entry starts and reuses the pieces
a revision did not change. These tests hold it to one promise: its answer is always exactly
``load_text(text).data``, or None (then history loads the text whole), never something else,
and it never accepts a text ``load_text`` refuses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import slactl.loading as loading
from slactl.loading import LoadError, SeriesLoader, load_text

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
CASES = sorted((ROOT / "tests" / "cases").rglob("*.yaml"))
BASE = (ROOT / "examples" / "cec-fy2027-rural-lending.yaml").read_text(encoding="utf-8")
BASES = [p.read_text(encoding="utf-8") for p in EXAMPLES if p.name not in ("catalog.yaml", "slactl.yaml")]


def whole(text: str) -> Any:
    """What ``load_text`` makes of the text, or the LoadError class when it refuses it."""
    try:
        return load_text(text).data
    except LoadError:
        return LoadError


def check(series: SeriesLoader, text: str) -> Any:
    """Load ``text`` through ``series``; fail unless the answer is None or the whole load's."""
    got = series.data(text)
    expected = whole(text)
    if got is not None:
        assert expected is not LoadError, "the series loader accepted a text load_text refuses"
        assert got == expected
    return got


@pytest.mark.parametrize("path", EXAMPLES + CASES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_example_and_case_loads_as_whole(path: Path) -> None:
    text = path.read_text(encoding="utf-8", errors="replace")
    check(SeriesLoader(), text)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_the_examples_are_cut_not_refused(path: Path) -> None:
    # The fast path must actually apply to the files slactl itself writes.
    assert SeriesLoader().data(path.read_text(encoding="utf-8")) is not None


def test_a_revision_builds_only_the_pieces_it_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str] = []
    real = loading._build_piece

    def spy(piece: str, depth: int) -> Any:
        built.append(piece)
        return real(piece, depth)

    monkeypatch.setattr(loading, "_build_piece", spy)
    series = SeriesLoader()
    check(series, BASE)
    first = len(built)
    built.clear()
    changed = BASE.replace("attainment: 95%", "attainment: 96%", 1)
    assert changed != BASE
    check(series, changed)
    assert len(built) == 1 and "attainment: 96%" in built[0]
    assert first > 10


@pytest.mark.parametrize(
    "text",
    [
        # A quoted scalar running across a line that looks like the next key.
        'a: "one\nb: two"\n',
        "a: 'one\nb: two'\n",
        "a: [1,\nb]\n",
        "a: {x: 1,\nb: 2}\n",
        # Block and plain scalars end at a less indented line: the same either way.
        "a: |\n  text\n\n\nb: 1\n",
        "a: |+\n  text\n\n\nb: 1\n",
        "a: >-\n  folded\n  more\n# note\nb: 1\n",
        "a: plain\n  continued\nb: 1\n",
        # Shapes the cut does not prove: loaded whole, whatever they mean.
        "a:\n- 1\n- 2\nb: 3\n",
        "a: 1\na: 2\n",
        "? a\n: 1\n",
        '"a": 1\nb: 2\n',
        "a: &x 1\nb: *x\n",
        "a: 1\nb: *x\n",
        "%YAML 1.2\n---\na: 1\n",
        "a: 1\n---\nb: 2\n",
        "a: 1\r\nb: 2\r\n",
        "a: 1\n\tb: 2\n",
        "a: !!binary aGk=\nb: 1\n",
        "a:b: 1\n",
        "# only a comment\n",
        "a:\n    x: 1\n  y: 2\n",
        "a:\n  - 1\n  -2\n",
        "a:\n  - 1\n   - 2\n",
        # A more indented line above the first key: cut or not, never dropped.
        "  junk: 1\nkey:\n  a: 1\n  b: 2\n",
        "# c\n  - junk\nkey:\n  - 1\n",
    ],
)
def test_tricky_texts(text: str) -> None:
    # Cut at every size: the examples above are far below the size an entry is cut at.
    series = SeriesLoader()
    series.SPLIT_ABOVE = 0
    check(series, text)
    check(SeriesLoader(), text)


def test_a_deep_entry_keeps_the_depth_limit() -> None:
    # Cut three levels down, a piece is still checked against the depth of the whole document.
    deep = "a:\n  b:\n    - " + "[" * (loading.MAX_DEPTH - 2) + "1" + "]" * (loading.MAX_DEPTH - 2) + "\n"
    assert whole(deep) is LoadError
    series = SeriesLoader()
    series.SPLIT_ABOVE = 0
    assert check(series, deep) is None


FRAGMENTS = [
    'key: "open quote',
    'close quote"',
    "'single open",
    "x: [a,",
    "b]",
    "y: {a: 1,",
    "}",
    "- item",
    "-",
    "- id: extra",
    "z: |",
    "z: |+",
    "z: >-",
    "block text",
    "# comment",
    "\t- tab",
    "k: v # c",
    "? complex",
    ": value",
    "---",
    "...",
    "%YAML 1.2",
    "a: &anchor x",
    "b: *anchor",
    "c: !!str tagged",
    "apiVersion: slactl/v1",
    "kind: Agreement",
    "metadata:",
    '"quoted": key',
    "a:b: c",
    "k:",
    "",
    "x: 'it''s",
    "target: 4h",
    "- 1",
    "id: p1-response",
]


@st.composite
def edits(draw: st.DrawFn) -> tuple[str, str]:
    """An example agreement, and it with a few lines inserted, removed, replaced or re-indented."""
    base = draw(st.sampled_from(BASES))
    lines = base.split("\n")
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["insert", "delete", "replace", "indent", "dedent", "top"]))
        if op == "top":  # the first entries go, so a large one comes first, under a stray line
            at = next((i for i, line in enumerate(lines) if line.startswith("metadata:")), 0)
            lines[:at] = [" " * draw(st.sampled_from([0, 2])) + draw(st.sampled_from(FRAGMENTS))]
            continue
        if op in ("insert", "replace"):
            line = " " * draw(st.sampled_from([0, 1, 2, 4, 6, 8])) + draw(st.sampled_from(FRAGMENTS))
            if op == "insert":
                lines.insert(at, line)
            else:
                lines[at] = line
        elif op == "delete":
            del lines[at]
        elif op == "indent":
            lines[at] = "  " + lines[at]
        else:
            lines[at] = lines[at][2:] if lines[at].startswith("  ") else lines[at]
    return base, "\n".join(lines)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits(), st.sampled_from([0, 200, SeriesLoader.SPLIT_ABOVE]))
def test_edited_revisions_load_as_whole(revisions: tuple[str, str], split_above: int) -> None:
    base, text = revisions
    warm = SeriesLoader()
    warm.SPLIT_ABOVE = split_above
    check(warm, base)  # pieces of the unedited text are reused where the edit left them
    check(warm, text)
    cold = SeriesLoader()
    cold.SPLIT_ABOVE = split_above
    check(cold, text)
