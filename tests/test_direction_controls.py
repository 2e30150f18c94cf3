"""SLA013: the bidirectional controls of a "Trojan Source" reordering, in the text and in values.

Positions are checked against the raw text found here by plain string search, not by the
code's own arithmetic.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slactl.findings import Finding
from slactl.validate import Candidate, check_file

CASES = Path(__file__).resolve().parent / "cases"
COMPLETE = (CASES / "valid" / "complete.yaml").read_text(encoding="utf-8")
TITLE = "  title: Corpus agreement\n"
RLO, LRI, RLM = "\u202e", "\u2066", "\u200f"


def check(tmp_path: Path, text: str) -> list[Finding]:
    path = tmp_path / "agreement.yaml"
    path.write_text(text, encoding="utf-8")
    return [f for f in check_file(Candidate(path, True)).findings if f.code == "SLA013"]


def position(text: str, char: str) -> tuple[int, int]:
    """(line, column), 1-based, of the first ``char`` in ``text``: by splitting the lines."""
    for number, line in enumerate(text.split("\n"), start=1):
        if char in line:
            return number, line.index(char) + 1
    raise AssertionError(f"{char!r} is not in the text")


def test_the_corpus_agreement_has_none(tmp_path: Path) -> None:
    assert check(tmp_path, COMPLETE) == []


def test_an_override_in_a_comment_is_an_error_at_its_place(tmp_path: Path) -> None:
    # The classic attack on a reviewer: the comment's override makes the next text read backwards.
    text = COMPLETE.replace(TITLE, f"{TITLE}  # {RLO} 5.99 :availability\n")
    found = check(tmp_path, text)
    assert [(f.line, f.column, f.severity.value, f.path) for f in found] == [(*position(text, RLO), "error", "")]
    assert "U+202E (RIGHT-TO-LEFT OVERRIDE)" in found[0].message


def test_a_typed_isolate_in_a_value_is_one_finding(tmp_path: Path) -> None:
    text = COMPLETE.replace(TITLE, f"  title: Corpus {LRI}agreement\n")
    found = check(tmp_path, text)
    assert [(f.line, f.column) for f in found] == [position(text, LRI)]
    assert "U+2066 (LEFT-TO-RIGHT ISOLATE)" in found[0].message


def test_an_escape_that_writes_one_is_found_at_its_value(tmp_path: Path) -> None:
    # The text shows `\u202e`, six visible characters; the value holds the control itself.
    text = COMPLETE.replace(TITLE, '  title: "Corpus agreement\\u202E"\n')
    found = check(tmp_path, text)
    line = text.split("\n").index('  title: "Corpus agreement\\u202E"') + 1
    assert [(f.line, f.column, f.path) for f in found] == [(line, 10, "metadata.title")]


def test_every_character_of_the_set_and_only_those(tmp_path: Path) -> None:
    controls = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
    for char in controls:
        assert len(check(tmp_path, COMPLETE.replace(TITLE, f"  title: Corpus{char} agreement\n"))) == 1, hex(ord(char))
    # Right-to-left letters, and the marks that reorder nothing around them, are ordinary text.
    hebrew = COMPLETE.replace(TITLE, f"  title: הסכם רמת שירות{RLM} (SLA)\n")
    assert check(tmp_path, hebrew) == []


def test_a_document_the_schema_refuses_still_says_so(tmp_path: Path) -> None:
    text = f"apiVersion: slactl/v1\nkind: Agreement\n# {RLO}\n"
    found = check(tmp_path, text)
    assert [(f.line, f.column) for f in found] == [(3, 3)]


def test_it_cannot_be_accepted(tmp_path: Path) -> None:
    text = COMPLETE.replace(TITLE, f"  title: Corpus{RLO} agreement\n") + (
        "ignore:\n  - code: SLA013\n    path: metadata.title\n    reason: the title is meant to read backwards\n"
    )
    path = tmp_path / "agreement.yaml"
    path.write_text(text, encoding="utf-8")
    codes = sorted(f.code for f in check_file(Candidate(path, True)).findings)
    assert codes == ["SLA013", "SLA171"]


@pytest.mark.parametrize("escape", ["\\u2067", "\\U0000202D"])
def test_an_escaped_key_is_found_too(tmp_path: Path, escape: str) -> None:
    text = COMPLETE.replace(TITLE, f'{TITLE}  labels: {{"team{escape}": desk}}\n')
    found = check(tmp_path, text)
    assert len(found) == 1 and found[0].line == text.split("\n").index(TITLE.rstrip("\n")) + 2


def test_a_file_full_of_them_gives_fifty_findings_and_a_count(tmp_path: Path) -> None:
    text = "apiVersion: slactl/v1\nkind: Agreement\n" + f"# {RLO}{RLO}\n" * 1000
    found = check(tmp_path, text)
    assert len(found) == 51
    assert [(f.line, f.column) for f in found[:3]] == [(3, 3), (3, 4), (4, 3)]
    assert (found[-1].line, found[-1].column) == (28, 3)  # the 51st: line 3 + 50 // 2
    assert found[-1].message.startswith("1950 more hidden bidirectional control characters from here on")


EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "it-hr-support-fy2027.yaml"
EXAMPLE_TITLE = "  title: IT Support Agreement between Information Technology and Human Resources\n"


def hostile_example(tmp_path: Path) -> Path:
    """The example with an override in its title (written as an escape, so the file's own text is plain)."""
    text = EXAMPLE.read_text(encoding="utf-8")
    assert text.count(EXAMPLE_TITLE) == 1
    folder = tmp_path / "examples"
    shutil.copytree(EXAMPLE.parent, folder)  # its clause library and settings beside it
    path = folder / EXAMPLE.name
    path.write_text(text.replace(EXAMPLE_TITLE, '  title: "IT Support \\u202eAgreement 99.9%"\n'), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "args",
    [
        ("render", "--format", "html", "-o", "-"),
        ("render", "--format", "md", "-o", "-"),
        ("graph", "--format", "mermaid"),
        ("graph", "--format", "dot"),
        ("graph", "--format", "html"),
    ],
    ids=" ".join,
)
def test_every_document_shows_the_control_and_never_lets_it_act(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    from slactl.cli import main

    path = hostile_example(tmp_path)
    capsys.readouterr()
    assert main([*args, str(path)]) == 0
    out = capsys.readouterr().out
    assert RLO not in out
    assert "\\u202eAgreement 99.9%" in out or "\\u202eAgreement 99.9\\%" in out


def test_validate_refuses_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from slactl.cli import main

    path = hostile_example(tmp_path)
    assert main(["validate", str(path)]) == 1
    assert (
        ":13:10: error SLA013 the value holds a hidden bidirectional control character, U+202E"
        in capsys.readouterr().out
    )


# -- machine-readable files: the same values, no control left to act ----------------------


def _texts(value: object) -> list[str]:
    """Every string inside a parsed JSON or YAML value, keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in (*_texts(k), *_texts(v))]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return []


def _plant(value: object) -> object:
    """An override after the first space of every phrase (ids, dates and codes have none)."""
    if isinstance(value, dict):
        return {k: _plant(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plant(v) for v in value]
    if isinstance(value, str) and " " in value and not value[:1].isdigit():
        return value.replace(" ", f" {RLO}", 1)
    return value


CEC = EXAMPLE.parent / "cec-fy2027-rural-lending.yaml"


def hostile_folder(tmp_path: Path) -> Path:
    """The examples, the customer agreement with an override in every phrase (written as escapes)
    and in every ticket id of its data."""
    import yaml

    folder = tmp_path / "examples"
    shutil.copytree(EXAMPLE.parent, folder)
    planted = _plant(yaml.safe_load(CEC.read_text(encoding="utf-8")))
    (folder / CEC.name).write_text(yaml.safe_dump(planted, sort_keys=False, allow_unicode=False), encoding="utf-8")
    tickets = folder / "data" / "cec-fy2027-rural-lending" / "tickets.csv"
    tickets.write_text(tickets.read_text(encoding="utf-8").replace("\nINC", f"\nINC{RLO}"), encoding="utf-8")
    return folder


def test_the_planted_agreement_is_refused_only_for_the_controls(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from slactl.cli import main

    folder = hostile_folder(tmp_path)
    capsys.readouterr()
    assert main(["validate", str(folder), "-f", "json"]) == 1
    out = capsys.readouterr().out
    assert RLO not in out
    findings = json.loads(out)["findings"]
    assert len(findings) > 50 and {f["code"] for f in findings} == {"SLA013"}


@pytest.mark.parametrize("target", ["openslo", "sloth", "servicenow", "jsm"])
def test_an_export_escapes_them_and_keeps_every_value(tmp_path: Path, target: str) -> None:
    import json

    import yaml

    from slactl.cli import main

    folder = hostile_folder(tmp_path)
    out = tmp_path / "out"
    assert main(["export", "--to", target, str(folder / CEC.name), "-o", str(out)]) in (0, 1)
    (written,) = out.iterdir()
    text = written.read_text(encoding="utf-8")
    assert RLO not in text
    parsed = list(yaml.safe_load_all(text)) if written.suffix == ".yaml" else json.loads(text)
    # Each string holding the control holds a whole phrase of the agreement as planted there.
    phrases = [t for t in _texts(yaml.safe_load((folder / CEC.name).read_text(encoding="utf-8"))) if RLO in t]
    carried = [t for t in _texts(parsed) if RLO in t]
    if target != "sloth":  # Sloth's specs carry ids and queries only: no phrase of the agreement
        assert carried and all(any(p in t for p in phrases) for t in carried)


@pytest.mark.parametrize(
    "args",
    [("obligations", "-f", "json"), ("list", "-f", "json"), ("graph", "--format", "json")],
    ids=" ".join,
)
def test_json_output_escapes_them_and_keeps_every_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    import json

    from slactl.cli import main

    folder = hostile_folder(tmp_path)
    capsys.readouterr()
    assert main([*args, str(folder)]) == 0
    out = capsys.readouterr().out
    assert RLO not in out and "\\u202e" in out
    assert any(RLO in t for t in _texts(json.loads(out)))


def test_the_report_json_keeps_a_ticket_id_and_shows_no_control(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from slactl.cli import main

    folder = hostile_folder(tmp_path)
    data = folder / "data" / "cec-fy2027-rural-lending"
    args = ["report", str(folder / CEC.name), "--period", "FY2027", "--as-of", "2027-10-01", "-f", "json"]
    capsys.readouterr()
    assert main([*args, "--tickets", str(data / "tickets.csv"), "-j", "1"]) == 0
    out = capsys.readouterr().out
    assert RLO not in out
    refs = [m["ref"] for level in json.loads(out)["levels"] for w in level["windows"] for m in w["misses"]]
    assert refs and all(ref.startswith(f"INC{RLO}") for ref in refs)


@pytest.mark.parametrize(("fmt", "shown"), [("ics", "\\u202e"), ("csv", "\\u202e")])
def test_a_calendar_and_a_sheet_show_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str, shown: str
) -> None:
    # Neither format has an escape meaning the character: it is written as visible text.
    from slactl.cli import main

    folder = hostile_folder(tmp_path)
    capsys.readouterr()
    command = "obligations" if fmt == "ics" else "list"
    assert main([command, "-f", fmt, str(folder)]) == 0
    out = capsys.readouterr().out
    assert RLO not in out and shown in out


_PHRASES = st.text(alphabet=st.sampled_from(["a", " ", '"', "\\", "\n", "'", ":", "#", "é", RLO, LRI, "\u2069"]))
_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | _PHRASES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_PHRASES, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(value=_VALUES)
def test_json_text_reads_back_the_same_value(value: object) -> None:
    import json

    from slactl.textsafe import DIRECTION_CONTROLS, json_text

    text = json_text(value, indent=2)
    assert not DIRECTION_CONTROLS.search(text)
    assert json.loads(text) == value


@settings(max_examples=200, deadline=None)
@given(documents=st.lists(_VALUES, min_size=1, max_size=3))
def test_yaml_documents_read_back_the_same_values(documents: list[object]) -> None:
    import yaml

    from slactl.textsafe import DIRECTION_CONTROLS, yaml_documents

    text = yaml_documents(documents, width=20)  # narrow: long quoted strings are folded
    assert not DIRECTION_CONTROLS.search(text)
    assert list(yaml.safe_load_all(text)) == documents
