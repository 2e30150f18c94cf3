"""Property tests: whatever the file holds, the loader refuses cleanly and the validator reports.

Random text, random bytes, YAML-shaped token soup and random mutations of the example files go
through `slactl validate` in this process: it must never raise, never print a traceback, and
always exit 0, 1 or 2 with a JSON report that parses.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers_validate import EXAMPLES, without_clauses
from slactl.cli import main
from slactl.loading import LoadError, load_bytes, load_text

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Validated alone (no clause library): the library clauses some examples end with are left out.
DOCUMENTS = {
    p.name: without_clauses(p.read_text()) if "\nclauses:\n" in p.read_text() else p.read_text()
    for p in sorted(EXAMPLES.glob("*.yaml"))
    if p.name != "slactl.yaml"
}


@contextlib.contextmanager
def folder() -> Iterator[Path]:
    """A fresh folder that is its own work tree (no slactl.yaml above it is used)."""
    with tempfile.TemporaryDirectory() as name:
        root = Path(name)
        (root / ".git").mkdir()
        yield root


def validate_raw(raw: bytes) -> dict[str, object]:
    """`slactl validate FILE --format json` on these bytes, in-process; checks the invariants."""
    with folder() as root:
        path = root / "doc.yaml"
        path.write_bytes(raw)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["validate", str(path), "--format", "json"])
    assert code in (0, 1, 2), (code, err.getvalue())
    assert "Traceback" not in err.getvalue()
    assert "internal error" not in err.getvalue()
    if code == 2:
        assert err.getvalue().startswith("slactl: error: ")
        return {}
    report = json.loads(out.getvalue())
    assert isinstance(report, dict)
    assert report["files"] == 1
    assert (code == 1) == (report["errors"] > 0)
    for finding in report["findings"]:
        assert finding["line"] >= 1
        assert finding["column"] >= 1
        assert finding["code"].startswith("SLA")
    return report


# --------------------------------------------------------------------------- the loader alone


@FAST
@given(st.text(max_size=400))
def test_loader_on_random_text_loads_or_refuses(text: str) -> None:
    try:
        loaded = load_text(text)
    except LoadError as exc:
        assert exc.code.startswith("SLA")
        assert exc.line >= 1
        assert exc.column >= 1
        return
    for line, column in loaded.marks.values():
        assert 1 <= line <= text.count("\n") + 2
        assert column >= 1


@FAST
@given(st.binary(max_size=400))
def test_loader_on_random_bytes_loads_or_refuses(raw: bytes) -> None:
    try:
        load_bytes(raw)
    except LoadError as exc:
        assert exc.code.startswith("SLA")


YAML_TOKENS = st.sampled_from(
    [
        "apiVersion: slactl/v1\n",
        "kind: Agreement\n",
        "kind: Catalog\n",
        "metadata:\n",
        "  id: x\n",
        "a",
        "b:",
        ": ",
        "- ",
        "? ",
        "[",
        "]",
        "{",
        "}",
        ",",
        "\n",
        "  ",
        "\t",
        "&a ",
        "*a",
        "!!python/object:os.system ",
        "!x ",
        "!!str ",
        "'",
        '"',
        "|\n",
        ">-\n",
        "#",
        "---\n",
        "...\n",
        "yes",
        "no",
        "1:20",
        "2026-02-30",
        "1e3",
        "0x1f",
        ".inf",
        "45.5",
        "99.9%",
        "4h",
        "~",
        "null",
        "\\",
        "%YAML 1.2\n",
        "\x00",
        "\x07",
        "\ufeff",
        "é",
    ]
)


@FAST
@given(st.lists(YAML_TOKENS, max_size=60).map("".join))
def test_loader_on_yaml_shaped_soup_loads_or_refuses(text: str) -> None:
    try:
        load_text(text)
    except LoadError as exc:
        assert exc.code.startswith("SLA")


# --------------------------------------------------------------------------- the whole validator


@FAST
@given(st.text(max_size=300))
def test_validate_random_text(text: str) -> None:
    validate_raw(text.encode("utf-8", "surrogatepass"))


@FAST
@given(st.binary(max_size=300))
def test_validate_random_bytes(raw: bytes) -> None:
    validate_raw(raw)


@FAST
@given(st.lists(YAML_TOKENS, max_size=60).map("".join))
def test_validate_yaml_shaped_soup(text: str) -> None:
    validate_raw(("apiVersion: slactl/v1\nkind: Agreement\n" + text).encode("utf-8", "surrogatepass"))


ODD_VALUES = ["[]", "{}", "42", "-1", "true", "~", "''", "1.5", "2026-02-30", "[a, b]", "{x: 1}", "99.9%", "1:20"]


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """An example file with one to four random edits of the kinds people make by mistake."""
    lines = DOCUMENTS[draw(st.sampled_from(sorted(DOCUMENTS)))].splitlines()
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["delete-key", "retype", "duplicate", "garbage", "swap", "dedent"]))
        if kind == "delete-key":  # the line and the block indented under it
            indent = len(lines[i]) - len(lines[i].lstrip())
            end = i + 1
            while end < len(lines) and (len(lines[end]) - len(lines[end].lstrip()) > indent or not lines[end].strip()):
                end += 1
            del lines[i:end]
        elif kind == "retype" and ": " in lines[i]:
            key = lines[i].split(": ", 1)[0]
            lines[i] = f"{key}: {draw(st.sampled_from(ODD_VALUES))}"
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "garbage":
            at = draw(st.integers(0, len(lines[i])))
            junk = draw(st.text(min_size=1, max_size=5))
            lines[i] = lines[i][:at] + junk + lines[i][at:]
        elif kind == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "dedent":
            lines[i] = lines[i].lstrip()
    return "\n".join(lines) + "\n"


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_validate_mutated_examples(text: str) -> None:
    validate_raw(text.encode("utf-8", "surrogatepass"))


def test_mutations_find_errors_and_unchanged_examples_are_clean() -> None:
    # The harness itself: an untouched example passes, a broken one is reported (not both exit 0).
    assert validate_raw(DOCUMENTS["it-hr-support-fy2027.yaml"].encode())["errors"] == 0
    broken = DOCUMENTS["it-hr-support-fy2027.yaml"].replace("kind: Agreement\n", "kind: Agreement\nkind: Catalog\n")
    report = validate_raw(broken.encode())
    assert [f["code"] for f in report["findings"]] == ["SLA005"]  # type: ignore[index, union-attr]
