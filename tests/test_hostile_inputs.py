"""Never exit 3 on input: every value a user can write is bounded where it is read.

Regression tests for each case of issue 9 (a 5,000-digit quantity, `1e999999999`, a 400-digit
price, a notice of 10^20 days or 800,000 business days, a term ending 9999-12-31, lone-CR line
ends in `renew`, a 200 KB CSV field, thousands of hold intervals, deeply nested JSON Lines, a
5,000-digit score, a resolution in year 9999), then a hypothesis search that drives every
command with one hostile value at a time and asserts that none exits 3 or prints a traceback.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gitrepo import GitRepo
from slactl.cli import main
from slactl.clock import BusinessCalendar, business_deadline
from slactl.documents import load_valid
from slactl.renew import renew_file

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CEC = "cec-fy2027-rural-lending.yaml"
DATA = EXAMPLES / "data" / "cec-fy2027-rural-lending"
NAMES = ("catalog.yaml", "slactl.yaml", CEC, "it-hr-support-fy2027.yaml", "northwind-colocation-fy2027.yaml")


@dataclass
class Run:
    code: int
    out: str
    err: str


def run(capsys: pytest.CaptureFixture[str], *args: str) -> Run:
    capsys.readouterr()
    code = main(list(args))
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


def assert_handled(result: Run, *args: object) -> None:
    """The one property of this file: input never reaches the internal-error path."""
    assert result.code != 3, (args, result.err[-2000:])
    assert "Traceback" not in result.err + result.out, (args, result.err[-2000:])
    assert "internal error" not in result.err, (args, result.err[-2000:])


def copy_examples(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in NAMES:
        shutil.copy(EXAMPLES / name, folder / name)
    return folder / CEC


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


# --------------------------------------------------------------------------- agreements

# (value as found in the CEC example, hostile replacement, words the finding must contain)
DOCUMENT_CASES = [
    pytest.param("quantity: 450", "quantity: " + "9" * 5000, "at most 18 digits", id="quantity-5000-digits"),
    pytest.param("quantity: 450", "quantity: 1e999999999", "at most 18 digits", id="quantity-exponent"),
    pytest.param("quantity: 450", "quantity: '1e999999999'", "at most 18 digits", id="quantity-exponent-text"),
    pytest.param("quantity: 450", "quantity: 0.0000000001", "after the decimal point", id="quantity-places"),
    pytest.param("quantity: 450", "quantity: NaN", "finite", id="quantity-nan"),
    pytest.param("quantity: 450", "quantity: '١٢٣'", "digits 0-9", id="quantity-arabic-digits"),
    pytest.param('custom_fee: "1,500.00"', 'custom_fee: "' + "9" * 400 + '"', "at most 18 digits", id="price-400"),
    pytest.param('custom_fee: "1,500.00"', "custom_fee: " + "9" * 400, "at most 18 digits", id="price-400-int"),
    pytest.param("notice: 90 days", "notice: 100000000000000000000 days", "at most 3660 days", id="notice-1e20"),
    pytest.param("notice: 90 days", "notice: 800000 business days", "at most 3660 days", id="notice-800k-bd"),
    pytest.param("notice: 90 days", "notice: P99999999999999D", "at most 3660 days", id="notice-iso"),
    pytest.param("end: 2027-09-30", "end: 9999-12-31", "before 9000-01-01", id="term-end-9999"),
    pytest.param("start: 2026-10-01", "start: 0001-01-01", "from 1900-01-01", id="term-start-0001"),
    pytest.param("target: 4h", "target: " + "9" * 5000 + "h", "at most", id="target-duration-5000"),
    pytest.param("target: 1h", "target: " + "9" * 5000 + "/5", "at most", id="score-5000-digits"),
    pytest.param("target: 1h", "target: 4.5/" + "9" * 30, "at most 18 digits", id="score-scale-30-digits"),
    pytest.param("target: 1h", "target: " + "9" * 30, "at most 18 digits", id="count-30-digits"),
    pytest.param("attainment: 95%", "attainment: " + "9" * 5000 + "%", "at most", id="attainment-5000"),
    pytest.param("fiscal_year: FY2027", "fiscal_year: FY9999", "FY", id="fiscal-year-9999"),
]


@pytest.mark.parametrize(("old", "new", "words"), DOCUMENT_CASES)
def test_out_of_range_values_are_findings_at_their_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, words: str
) -> None:
    path = copy_examples(tmp_path)
    text = path.read_text(encoding="utf-8")
    line = line_of(text, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")

    result = run(capsys, "validate", str(path))
    assert_handled(result)
    assert result.code == 1
    findings = [f for f in result.out.splitlines() if f.startswith(f"{path}:{line}:") and " error " in f]
    assert findings, result.out
    assert any(words in f for f in findings), findings
    assert all(len(f) < 600 for f in findings), "a finding quotes a bounded part of the value"
    for args in (
        ("render", str(path), "-o", str(tmp_path / "out.md")),
        ("render", str(path), "-o", str(tmp_path / "out.html")),
        ("renew", str(path), "-o", str(tmp_path / "next.yaml")),
        ("credits", str(path), "--service-level", "hosting-availability", "--availability", "99.5"),
    ):
        assert_handled(run(capsys, *args), args)


def test_a_term_of_more_than_a_century_is_a_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A term from 1900 to 8999 is valid dates, but a report over it would walk 85,000 monthly windows."""
    path = copy_examples(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("start: 2026-10-01", "start: 1900-01-01")
        .replace("end: 2027-09-30", "end: 8999-12-31")
        .replace("  fiscal_year: FY2027\n", ""),
        encoding="utf-8",
    )
    result = run(capsys, "validate", str(path))
    assert_handled(result)
    assert result.code == 1
    assert f"{path}:{line_of(text, 'start: 2026-10-01')}:" in result.out  # the term mapping starts there
    assert "a term is at most 100 years" in result.out
    result = run(capsys, "report", str(path), "--tickets", str(DATA / "tickets.csv"), "-o", str(tmp_path / "r.md"))
    assert_handled(result)
    assert result.code == 2


def test_a_term_renewed_past_8999_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = copy_examples(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("start: 2026-10-01", "start: 8900-01-01")
        .replace("end: 2027-09-30", "end: 8999-12-31")
        .replace("  fiscal_year: FY2027\n", ""),
        encoding="utf-8",
    )
    assert load_valid(path).document.term.end.year == 8999
    result = run(capsys, "renew", str(path), "-o", str(tmp_path / "next.yaml"))
    assert_handled(result)
    assert result.code == 2
    assert "after 8999-12-31" in result.err
    result = run(capsys, "renew", str(path), "--fiscal-year", "FY9999", "-o", str(tmp_path / "next.yaml"))
    assert_handled(result)
    assert result.code == 2


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\u2028"], ids=["lone-cr", "crlf", "line-separator"])
def test_renew_reads_every_line_end(tmp_path: Path, newline: str) -> None:
    path = copy_examples(tmp_path)
    text = path.read_text(encoding="utf-8")
    if newline == "\u2028":  # one LS line break among LFs, inside a comment's line
        text = text.replace("# Step 1 of the process", "#\u2028# Step 1 of the process", 1)
    else:
        text = text.replace("\n", newline)
    path.write_bytes(text.encode("utf-8"))

    result = renew_file(path)

    assert result.path is not None
    new_text = result.path.read_bytes().decode("utf-8")
    doc = load_valid(result.path).document
    assert doc.metadata.renews == "cec-fy2027-rural-lending"
    assert (doc.term.start.isoformat(), doc.term.end.isoformat()) == ("2027-10-01", "2028-09-30")
    if newline != "\u2028":
        # the inserted `renews:` line has the file's own line ends, and no other kind appears
        assert f"  renews: cec-fy2027-rural-lending{newline}" in new_text
        assert new_text.count(newline) == text.count(newline) + 1
        rest = new_text.replace("\r\n", "") if newline == "\r\n" else new_text
        assert ("\n" not in rest) and (newline == "\r" or "\r" not in rest)


@pytest.mark.parametrize(
    "option",
    [("--fiscal-year", "FY0000"), ("--fiscal-year", "FY9999"), ("--start", "9999-12-31", "--end", "9999-12-31")],
)
def test_new_and_renew_options_outside_the_years(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: tuple[str, ...]
) -> None:
    path = copy_examples(tmp_path)
    result = run(capsys, "new", str(tmp_path / "a.yaml"), "--no-input", *option)
    assert_handled(result, option)
    assert result.code == 2
    assert ("1900" in result.err and "9000" in result.err) or "FY8999" in result.err
    result = run(capsys, "renew", str(path), "-o", str(tmp_path / "next.yaml"), *option)
    assert_handled(result, option)
    assert result.code == 2


# --------------------------------------------------------------------------- report data


def report(capsys: pytest.CaptureFixture[str], tmp_path: Path, *data: str) -> Run:
    return run(capsys, "report", str(EXAMPLES / CEC), *data, "-o", str(tmp_path / "report.md"), "--force")


def tickets_with(tmp_path: Path, column: str, value: str, *, name: str = "tickets.csv") -> Path:
    lines = (DATA / "tickets.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    row = lines[3].split(",")
    row[header.index(column)] = value
    path = tmp_path / name
    path.write_text("\n".join([lines[0], lines[1], ",".join(row), lines[2]]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("quoted", [True, False], ids=["quoted", "plain"])
def test_a_200kb_csv_field_is_a_bad_row_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], quoted: bool
) -> None:
    field = "x" * 200_000
    path = tickets_with(tmp_path, "Location", f'"{field}"' if quoted else field)
    result = report(capsys, tmp_path, "--tickets", str(path))
    assert_handled(result)
    assert result.code == 0
    assert f"{path}:3: a field longer than 131,072 characters" in result.err
    assert len(result.err) < 5000


def test_too_many_hold_intervals_are_a_bad_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    holds = ";".join(["2026-10-01T16:35/2026-10-01T16:36"] * 2000)
    path = tickets_with(tmp_path, "On Hold", holds)
    result = report(capsys, tmp_path, "--tickets", str(path))
    assert_handled(result)
    assert f"{path}:3: on_hold has more than 1,000 intervals" in result.err

    # as JSON lists: the same bound, and 50,000 of them make a line over the length limit
    def row(ident: str, count: int) -> str:
        holds = [["2026-10-01T09:00", "2026-10-01T09:01"]] * count
        return json.dumps(
            {
                "id": ident,
                "service": "service-desk",
                "priority": "P2",
                "opened": "2026-10-01 08:00",
                "resolved": "2026-10-02 08:00",
                "on_hold": holds,
            }
        )

    jpath = tmp_path / "tickets.jsonl"
    jpath.write_text("\n".join([row("A", 1), row("B", 2000), row("C", 50_000)]) + "\n", encoding="utf-8")
    result = report(capsys, tmp_path, "--tickets", str(jpath))
    assert_handled(result)
    assert result.code == 0
    assert f"{jpath}:2: on_hold has more than 1,000 intervals" in result.err
    assert f"{jpath}:3: longer than 131,072 characters" in result.err


@pytest.mark.parametrize("depth", [100_000, 3_000])
def test_deeply_nested_json_lines_are_bad_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str], depth: int) -> None:
    good = {"id": "A", "service": "service-desk", "opened": "2026-10-02 10:00"}
    deep = '{"id": ' + "[" * depth + "]" * depth + "}"
    path = tmp_path / "tickets.jsonl"
    path.write_text(json.dumps(good) + "\n" + deep + "\n" + '{"id": ' + "9" * 5000 + "}\n", encoding="utf-8")
    result = report(capsys, tmp_path, "--tickets", str(path))
    assert_handled(result)
    assert result.code == 0
    assert re.search(
        rf"{re.escape(str(path))}:2: (not JSON a report can read \(nested too deeply\)|longer than)", result.err
    )
    assert f"{path}:3: not JSON a report can read (Exceeds the limit (4300 digits)" in result.err
    # on the first line, the file's fields cannot be known: a usage error naming the line
    path.write_text(deep + "\n" + json.dumps(good) + "\n", encoding="utf-8")
    result = report(capsys, tmp_path, "--tickets", str(path))
    assert_handled(result)
    assert result.code == 2
    assert "line 1 is " in result.err


@pytest.mark.parametrize(
    ("score", "words"),
    [
        ("9" * 5000, "is not a number of at most 18 digits"),
        ("1e999999999", "at most 18 digits"),
        ("NaN", "is not a number of at least 0"),
        ("١٢٣", "is not a number of at most 18 digits"),
    ],
)
def test_hostile_scores_are_bad_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], score: str, words: str
) -> None:
    path = tmp_path / "surveys.csv"
    path.write_text(f"ticket,date,score,scale\nA,2026-10-02,4,5\nB,2026-10-02,{score},5\nC,2026-10-02,4,{score}\n")
    result = report(capsys, tmp_path, "--surveys", str(path))
    assert_handled(result)
    assert result.code == 0
    assert f"{path}:3: score" in result.err and words in result.err
    assert f"{path}:4: " in result.err
    assert len(result.err) < 3000


@pytest.mark.parametrize("column", ["Resolved", "Opened", "First Response", "On Hold"])
@pytest.mark.parametrize("year", ["9999", "0001", "9000"])
def test_timestamps_outside_the_years_are_bad_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], column: str, year: str
) -> None:
    value = f"{year}-12-31 23:59"
    if column == "On Hold":
        value = f"2026-10-01T10:05/{year}-12-31T23:59"
    path = tickets_with(tmp_path, column, value)
    result = report(capsys, tmp_path, "--tickets", str(path))
    assert_handled(result)
    assert f"{path}:3: " in result.err


def test_a_year_9999_resolution_of_an_unmeasured_ticket_that_dates_a_survey(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tickets = tmp_path / "tickets.csv"
    tickets.write_text("id,service,priority,opened,resolved\nT1,storage,P9,2026-10-02 10:00,9999-12-31 23:00\n")
    surveys = tmp_path / "surveys.csv"
    surveys.write_text("ticket,score\nT1,4\n")
    result = report(capsys, tmp_path, "--tickets", str(tickets), "--surveys", str(surveys))
    assert_handled(result)
    assert f"{tickets}:2: resolved is not from 1900-01-01 and before 9000-01-01" in result.err


@pytest.mark.parametrize(
    "option",
    [
        ("--period", "0001-01-01..9999-12-31"),
        ("--period", "9999-12"),
        ("--period", "FY0001"),
        ("--as-of", "9999-12-31T23:59:59-12:00"),
        ("--as-of", "0001-01-01"),
    ],
)
def test_report_options_outside_the_years(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: tuple[str, str]
) -> None:
    result = report(capsys, tmp_path, "--tickets", str(DATA / "tickets.csv"), *option)
    assert_handled(result, option)
    assert result.code == 2
    assert "1900-01-01" in result.err or "not a real date" in result.err


@pytest.mark.parametrize(
    "option",
    [
        ("--availability", "1e-999999999"),
        ("--availability", "0." + "9" * 5000),
        ("--availability", "99.5", "--fee", "1e999999"),
        ("--availability", "99.5", "--fee", "9" * 400),
        ("--attainment", "NaN"),
    ],
)
def test_credits_numbers_are_bounded(capsys: pytest.CaptureFixture[str], option: tuple[str, ...]) -> None:
    level = "hosting-availability" if option[0] == "--availability" else "desk-p1-response"
    result = run(capsys, "credits", str(EXAMPLES / CEC), "--service-level", level, *option)
    assert_handled(result, option)
    assert result.code == 2
    assert len(result.err) < 500


def test_a_deadline_beyond_a_century_is_refused_at_once() -> None:
    """800,000 business days on a calendar open one minute a week: no year-by-year walk to 9998."""
    sparse = BusinessCalendar.from_minutes("UTC", {0: [(0, 1)]})
    with pytest.raises(ValueError, match="no deadline within 100 years"):
        business_deadline(sparse, datetime(2026, 1, 1, tzinfo=UTC), timedelta(days=800_000))
    office = BusinessCalendar.office_hours("America/New_York")
    with pytest.raises(ValueError, match="no deadline within 100 years"):
        business_deadline(office, datetime(2026, 1, 1, tzinfo=UTC), timedelta(hours=9 * 800_000))


# --------------------------------------------------------------------------- the search

HOSTILE_TEXT = [
    "9" * 5000,
    "-" + "9" * 30,
    "1e999999999",
    "-1e999999999",
    "1e-999999999",
    "'1e999999999'",
    "NaN",
    ".nan",
    "Infinity",
    "-.inf",
    "'١٢٣'",
    "1_000",
    "0x10",
    "0o17",
    "0001-01-01",
    "9999-12-31",
    "8999-12-31",
    "'2026-02-30'",
    "99999999999999999999 days",
    "800000 business days",
    "-5 days",
    "P99999999999999D",
    "PT99999999999H",
    "0.0000001 hours",
    "'" + "x" * 100_000 + "'",
    '"\\x1b[8m\\0\\x07"',
    '"a\\rb"',
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    "{a: {b: {c: {d: [1, [2, [3]]]}}}}",
    "'9" + "9" * 40 + "%'",
    "'1e9999/5'",
    "'4.5/0'",
    "0",
    "-1",
    "FY9999",
    "FY0000",
    "''",
    "~",
    "true",
]


def _scalar_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of every scalar value (not key) of the document."""
    spans: list[tuple[int, int]] = []

    def walk(node: yaml.Node) -> None:
        if isinstance(node, yaml.MappingNode):
            for _key, value in node.value:
                walk(value)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                walk(item)
        elif isinstance(node, yaml.ScalarNode) and node.style in (None, "", "'", '"') and "\n" not in node.value:
            spans.append((node.start_mark.index, node.end_mark.index))

    walk(yaml.compose(text, Loader=yaml.SafeLoader))
    return spans


_TEXTS = {name: (EXAMPLES / name).read_text(encoding="utf-8") for name in NAMES}
_SPANS = {name: _scalar_spans(text) for name, text in _TEXTS.items()}

hostile_value = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.integers(min_value=-(10**60), max_value=10**60).map(str),
    st.decimals(allow_nan=False, allow_infinity=False).map(lambda d: f"'{d}'"),
    st.integers(min_value=0, max_value=10**30).map(lambda n: f"{n} business days"),
    st.integers(min_value=0, max_value=10**30).map(lambda n: f"{n} days"),
    st.dates().map(lambda d: d.isoformat()),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30).map(json.dumps),
)


def subject(folder: Path, name: str) -> Path:
    """The agreement a command is run on: the edited file, or the CEC one when slactl.yaml or the catalog was."""
    return folder / (name if name.endswith("-fy2027.yaml") or name == CEC else CEC)


@st.composite
def hostile_document(draw: st.DrawFn) -> tuple[str, str]:
    name = draw(st.sampled_from(sorted(_TEXTS)))
    start, end = draw(st.sampled_from(_SPANS[name]))
    value = draw(hostile_value)
    text = _TEXTS[name]
    return name, text[:start] + value + text[end:]


def hostile(examples: int) -> settings:
    """Modest searches (the suite runs them every time): no deadline, fixtures shared by examples.

    ``SLACTL_SEARCH_SCALE=20`` multiplies the examples, for a long search before a release.
    """
    return settings(
        max_examples=examples * max(1, int(os.environ.get("SLACTL_SEARCH_SCALE", "1") or "1")),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


@hostile(25)
@given(doc=hostile_document(), fmt=st.sampled_from(["md", "html"]))
def test_search_validate_render_renew(
    tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str], doc: tuple[str, str], fmt: str
) -> None:
    folder = tmp_path_factory.mktemp("hostile")
    copy_examples(folder)
    name, text = doc
    (folder / name).write_text(text, encoding="utf-8")
    path = subject(folder, name)
    for args in (
        ("validate", str(folder)),
        ("render", str(path), "-o", str(folder / f"out.{fmt}"), "--force"),
        ("renew", str(path), "-o", str(folder / "next.yaml")),
    ):
        assert_handled(run(capsys, *args), args)


@hostile(20)
@given(doc=hostile_document())
def test_search_diff_history_status(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str], doc: tuple[str, str]
) -> None:
    if not git_repo.file(CEC).exists():
        for name in NAMES:
            git_repo.write(name, (EXAMPLES / name).read_text(encoding="utf-8"))
        git_repo.commit("the examples")
        git_repo.git("tag", "base")
    git_repo.git("reset", "-q", "--hard", "base")
    name, text = doc
    git_repo.write(name, text)
    git_repo.commit("a hostile edit")
    path = str(subject(git_repo.file(CEC).parent, name))
    for args in (
        ("diff", "base", "HEAD", path),
        ("diff", "--format", "markdown", "base", "HEAD", path),
        ("history", path),
        ("status", path),
    ):
        assert_handled(run(capsys, *args), args)


@hostile(30)
@given(doc=hostile_document(), measured=st.sampled_from(["99.5", "0", "100", "1e-20", "99.99999"]))
def test_search_report_and_credits_over_hostile_agreements(
    tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str], doc: tuple[str, str], measured: str
) -> None:
    folder = tmp_path_factory.mktemp("hostile")
    copy_examples(folder)
    name, text = doc
    (folder / name).write_text(text, encoding="utf-8")
    path = subject(folder, name)
    tickets = folder / "tickets.csv"
    tickets.write_text("\n".join((DATA / "tickets.csv").read_text(encoding="utf-8").splitlines()[:40]) + "\n")
    args: tuple[str, ...] = (
        "report",
        str(path),
        "--tickets",
        str(tickets),
        "--outages",
        str(DATA / "outages.csv"),
        "--surveys",
        str(DATA / "surveys.csv"),
        "--as-of",
        "2027-10-01",
        "-o",
        str(folder / "r.md"),
    )
    assert_handled(run(capsys, *args), args)
    for level in ("hosting-availability", "desk-p1-resolution"):
        args = ("credits", str(path), "--service-level", level, "--availability", measured)
        assert_handled(run(capsys, *args), args)


DEEP = "\0deep"  # in JSON Lines: the cell becomes 5,000 nested lists
CELL = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.sampled_from(
        [
            "9999-12-31 23:59",
            "9999-12-31T23:59:59-12:00",
            "0001-01-01 00:00",
            "2026-10-01T10:00+99:00",
            "2026-13-01",
            "P1",
            "yes",
            "x" * 200_000,
            ";".join(["2026-10-01T16:35/2026-10-01T16:36"] * 3000),
            DEEP,
        ]
    ),
    st.text(max_size=40),
    st.datetimes().map(lambda d: d.isoformat()),
)


@hostile(40)
@given(
    column=st.sampled_from(["Number", "Priority", "Service", "Opened", "First Response", "Resolved", "On Hold"]),
    value=CELL,
    row=st.integers(min_value=0, max_value=28),
    as_json=st.booleans(),
)
def test_search_report_over_hostile_data(
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    column: str,
    value: str,
    row: int,
    as_json: bool,
) -> None:
    folder = tmp_path_factory.mktemp("data")
    lines = (DATA / "tickets.csv").read_text(encoding="utf-8").splitlines()[:30]
    header = lines[0].split(",")
    rows = [dict(zip(header, line.split(","), strict=True)) for line in lines[1:]]
    rows[row][column] = value
    if as_json:
        path = folder / "tickets.jsonl"
        text = "\n".join(json.dumps(r) for r in rows) + "\n"
        path.write_text(text.replace(json.dumps(DEEP), "[" * 5000 + "]" * 5000), encoding="utf-8")
    else:
        import csv

        path = folder / "tickets.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, header)
            writer.writeheader()
            writer.writerows(rows)
    surveys = folder / "surveys.csv"
    cell = value.replace(",", " ").replace("\n", " ").replace("\r", " ").replace('"', "")
    surveys.write_text(f"ticket,date,score,scale\n{rows[row]['Number']},,{cell},5\nX,2026-10-02,4,{cell}\n")
    args = (
        "report",
        str(EXAMPLES / CEC),
        "--tickets",
        str(path),
        "--surveys",
        str(surveys),
        "--outages",
        str(DATA / "outages.csv"),
        "-o",
        str(folder / "r.md"),
    )
    assert_handled(run(capsys, *args), args)


@hostile(40)
@given(
    option=st.sampled_from(["--fiscal-year", "--start", "--end", "--title", "--provider", "--service"]),
    value=st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=30)),
)
def test_search_new_and_schema(
    tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str], option: str, value: str
) -> None:
    folder = tmp_path_factory.mktemp("new")
    shutil.copy(EXAMPLES / "slactl.yaml", folder / "slactl.yaml")
    shutil.copy(EXAMPLES / "catalog.yaml", folder / "catalog.yaml")
    extra = ["--start", "2026-10-01", "--end", value] if option == "--end" else [option, value]
    args = ("new", str(folder / "a.yaml"), "--no-input", *extra)
    assert_handled(run(capsys, *args), args)
    args = ("schema", value)
    assert_handled(run(capsys, *args), args)


def test_the_docs_state_the_limits_of_the_code() -> None:
    from slactl.model import types
    from slactl.report import inputs

    root = Path(__file__).resolve().parents[1] / "docs"
    report_doc = (root / "report.md").read_text(encoding="utf-8")
    limits = report_doc[report_doc.index("### Limits") : report_doc.index("## How each metric")]
    assert f"{inputs.MAX_FIELD:,} characters" in limits
    assert f"{inputs.MAX_HOLDS:,} intervals" in limits
    assert f"years {inputs.MIN_YEAR} to {inputs.MAX_YEAR}" in limits
    fmt = (root / "format.md").read_text(encoding="utf-8")
    assert f"at most {types.MAX_DIGITS} digits before the decimal point and {types.MAX_PLACES}" in fmt
    assert f"at most {types.MAX_DURATION_DAYS:,} days" in fmt
    assert f"from {types.MIN_DATE.isoformat()} and before {types.MAX_DATE.year + 1}-01-01" in fmt


# --------------------------------------------------------------------------- pipes and devices

# A named pipe with no writer: opening it to read waits forever. Every command that reads an
# agreement, a data file or a pack must refuse it (exit 2) without opening it.
PIPE_CALLS = [
    pytest.param(("validate", "{pipe}"), "is not a regular file or a folder", id="validate"),
    pytest.param(("render", "{pipe}"), "is not a regular file or a folder", id="render"),
    pytest.param(("status", "{pipe}"), "is not a regular file or a folder", id="status"),
    pytest.param(("list", "{pipe}"), "is not a regular file or a folder", id="list"),
    pytest.param(("obligations", "{pipe}"), "is not a regular file or a folder", id="obligations"),
    pytest.param(("export", "{pipe}", "--to", "openslo", "-o", "{tmp}/out"), "is not a regular file", id="export"),
    pytest.param(("report", "{pipe}", "--tickets", str(DATA / "tickets.csv")), "is not a regular file", id="report"),
    pytest.param(("explain", "{pipe}", "T1", "--tickets", str(DATA / "tickets.csv")), "is not a regular", id="explain"),
    pytest.param(("credits", "{pipe}", "--service-level", "x", "--availability", "9"), "is not a", id="credits"),
    pytest.param(("renew", "{pipe}"), "is not a regular file", id="renew"),
    pytest.param(("report", str(EXAMPLES / CEC), "--tickets", "{pipe}"), "is not a regular file", id="report-tickets"),
    pytest.param(("report", str(EXAMPLES / CEC), "--outages", "{pipe}"), "is not a regular file", id="report-outages"),
    pytest.param(("explain", str(EXAMPLES / CEC), "T1", "--tickets", "{pipe}"), "is not a regular", id="explain-data"),
    pytest.param(("report", "--verify", "{pipe}"), "is not a folder", id="verify-pack"),
]


@pytest.mark.parametrize(("args", "words"), PIPE_CALLS)
def test_a_pipe_or_a_device_is_refused_not_waited_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], words: str
) -> None:
    pipe = tmp_path / "agreement.yaml"
    os.mkfifo(pipe)
    for target in (pipe, Path(os.devnull)):
        given = [a.format(pipe=target, tmp=tmp_path) for a in args]
        with _no_wait(30):
            result = run(capsys, *given)
        assert_handled(result, *given)
        assert result.code == 2, (given, result.err)
        assert f"{target}: {words}" in result.err, (given, result.err)
        assert "not found" not in result.err and "no such file" not in result.err


def test_a_folder_is_walked_for_regular_files_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Inside a folder, a pipe would wait for a writer and a link to a device such as /dev/zero
    # would never end: none is an agreement (git holds none), so the walk passes them by. The
    # device here is /dev/null, which a walk that read it would count as an empty file, so
    # that a regression fails this test instead of filling the memory.
    folder = tmp_path / "agreements"
    copy_examples(folder)
    (folder / "link.yaml").symlink_to(folder / CEC)  # a link to a regular file is one
    regular = json.loads(run(capsys, "validate", str(folder), "--format", "json").out)["files"]
    os.mkfifo(folder / "pipe.yaml")
    (folder / "device.yaml").symlink_to(os.devnull)
    with _no_wait(60):
        checked = run(capsys, "validate", str(folder), "--format", "json")
        listed = run(capsys, "list", str(folder), "--format", "json")
    assert_handled(checked)
    assert regular == len(NAMES)  # the examples less slactl.yaml, and the link
    assert json.loads(checked.out)["files"] == regular
    assert_handled(listed)
    assert "pipe.yaml" not in listed.out and "device.yaml" not in listed.out


def test_a_configuration_that_is_a_pipe_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    agreement = copy_examples(tmp_path / "a")
    config = tmp_path / "slactl.yaml"
    os.mkfifo(config)
    with _no_wait(30):
        result = run(capsys, "validate", str(agreement), "--config", str(config))
    assert_handled(result)
    assert result.code == 2
    assert f"{config}: is not a regular file (a pipe, a device or a socket)" in result.err
    assert "hint: save the configuration to a file first" in result.err


class _Waited(BaseException):
    """Raised by the alarm: not an OSError (which the code under test may catch and go on)."""


def _waited(_signum: int, _frame: object) -> None:
    raise _Waited("the command opened a pipe and waited for a writer")


@contextmanager
def _no_wait(seconds: int) -> Iterator[None]:
    """Turn a wait on a pipe into a failure of the test, instead of a hung run."""
    before = signal.signal(signal.SIGALRM, _waited)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, before)


def test_a_huge_yaml_file_is_refused_without_being_read_whole(tmp_path: Path) -> None:
    # A stray dump named *.yaml: 3 GiB (sparse, so it takes no disk). Reading it whole needed
    # more than 9 GB of memory and a minute; only the first 2 MiB + 1 byte are read now, so the
    # run fits in a 2 GiB address space.
    import resource
    import subprocess
    import sys

    folder = tmp_path / "agreements"
    folder.mkdir()
    shutil.copy(EXAMPLES / "it-hr-support-fy2027.yaml", folder)
    huge = folder / "dump.yaml"
    with huge.open("wb") as fh:
        fh.write(b"kind: Agreement\n")
        fh.truncate(3 << 30)

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    for args in (["validate", str(folder)], ["validate", str(huge)], ["render", str(huge), "-o", "-"]):
        proc = subprocess.run(
            [sys.executable, "-m", "slactl", *args], capture_output=True, text=True, preexec_fn=limited, timeout=120
        )
        assert proc.returncode == (1 if args[0] == "validate" else 2), (args, proc.stderr[-2000:])
        assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
        if args[0] == "validate":
            assert "dump.yaml:1:1: error SLA008 file is larger than the limit of 2,097,152 bytes" in proc.stdout


def test_huge_files_beside_the_agreements_are_refused_without_being_read_whole(git_repo: GitRepo) -> None:
    # The same 3 GiB sparse dump, where an agreement's neighbours are read: a clause of the
    # library (validate), the repository's slactl.yaml (status) and the work tree's copy of
    # an agreement (diff against a revision). Each is read up to its limit, then refused
    # (before, each was read whole: a MemoryError under this test's 2 GiB address space).
    import resource
    import subprocess
    import sys

    git_repo.write("slas/hr.yaml", (EXAMPLES / "it-hr-support-fy2027.yaml").read_text(encoding="utf-8"))
    git_repo.write("slactl.yaml", (EXAMPLES / "slactl.yaml").read_text(encoding="utf-8"))
    git_repo.commit("an agreement")
    git_repo.git("tag", "base")

    def huge(relpath: str, head: bytes) -> None:
        target = git_repo.file(relpath)
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as fh:
            fh.write(head)
            fh.truncate(3 << 30)

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    def slactl(*args: str) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            [sys.executable, "-m", "slactl", *args],
            capture_output=True,
            text=True,
            preexec_fn=limited,
            timeout=120,
            cwd=git_repo.path,
        )
        assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr[-2000:]
        return proc

    huge("clauses/dump.md", b"---\nid: dump\n")
    proc = slactl("validate", "slas")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "larger than 256 KiB" in proc.stdout + proc.stderr
    git_repo.file("clauses/dump.md").unlink()

    huge("slas/hr.yaml", b"kind: Agreement\n")
    proc = slactl("diff", "base", "slas/hr.yaml")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "not valid at the new revision" in proc.stdout
    assert "1:1: SLA008 file is larger than the limit of 2,097,152 bytes" in proc.stdout
    git_repo.git("checkout", "-q", "--", "slas/hr.yaml")

    huge("slactl.yaml", b"fiscal_year_start: 10-01\n")
    for command in ("status", "history"):  # the roster is read by each
        proc = slactl(command, "slas/hr.yaml")
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert "slactl.yaml" in proc.stderr and "larger than the limit of 2,097,152 bytes" in proc.stderr


@pytest.mark.parametrize(
    ("key", "value", "said"),
    [
        ("catalogs", "['" + "9" * 5000 + "']", "catalogs: a part of this path is 5,000 bytes long"),
        (
            "clauses",
            "'" + "9" * 256 + "'",
            "clauses: a part of this path is 256 bytes long; a file or folder name has at most 255",
        ),
        ("templates", "'" + "é" * 128 + "'", "templates: a part of this path is 256 bytes long"),
        ("roster", "a/" * 2100 + "people.yaml", "roster: this path is 4,211 bytes long; a path has fewer than 4,096"),
        ("agreements", "['" + "x" * 300 + "/*.yaml']", "agreements: a part of this path is 300 bytes long"),
    ],
    ids=["catalogs", "clauses", "templates", "roster", "agreements"],
)
def test_a_path_in_slactl_yaml_longer_than_the_system_allows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str, value: str, said: str
) -> None:
    # Found by the long search: pathlib's is_file and is_dir raise for such a name (ENAMETOOLONG)
    # instead of answering, deep in whichever command first looks. slactl.yaml is refused at once,
    # at the line. Two of the examples only, so that validate also reads the files beside them.
    folder = tmp_path / "agreements"
    folder.mkdir()
    for name in (CEC, "slactl.yaml"):
        shutil.copy(EXAMPLES / name, folder / name)
    settings = folder / "slactl.yaml"
    text = re.sub(rf"(?m)^{key}: .*\n", "", settings.read_text(encoding="utf-8"))
    settings.write_text(f"{text}{key}: {value}\n", encoding="utf-8")
    line = text.count("\n") + 1
    for args in (
        ("validate", str(folder)),
        ("render", str(folder / CEC), "-o", str(tmp_path / "out.md")),
        ("graph", str(folder)),
        ("report", str(folder / CEC), "--tickets", str(EXAMPLES / "data" / "cec-fy2027-rural-lending" / "tickets.csv")),
    ):
        result = run(capsys, *args)
        assert_handled(result, args)
        assert result.code == 2, (args, result.err)
        assert f"invalid configuration: line {line}: {said}" in result.err, (args, result.err)


LONG = "a" * 5000  # no file system takes a name this long


@pytest.mark.parametrize(
    "args",
    [
        ("validate", LONG),
        ("render", LONG),
        ("list", LONG),
        ("graph", LONG),
        ("status", LONG),
        ("history", LONG),
        ("report", str(EXAMPLES / CEC), "--tickets", LONG),
        ("explain", str(EXAMPLES / CEC), "T1", "--tickets", LONG),
        ("renew", str(EXAMPLES / "it-hr-support-fy2027.yaml"), "-o", LONG),
        ("init", LONG),
        ("site", str(EXAMPLES), "-o", LONG),
        ("validate", "--config", LONG, str(EXAMPLES)),
        ("report", "--verify", LONG),
    ],
    ids=lambda args: " ".join(a if a != LONG else "LONG" for a in args).replace(str(EXAMPLES), "examples"),
)
def test_a_path_argument_longer_than_the_system_allows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    # pathlib raises ENAMETOOLONG from is_file and is_dir (it answers False for a missing file):
    # every command said "internal error". Now the path is named, cut short, with the system's words.
    monkeypatch.chdir(tmp_path)
    result = run(capsys, *args)
    assert_handled(result, args)
    assert result.code == 2, result.err
    assert result.err.startswith("slactl: error: ") and result.err.rstrip().endswith(": File name too long")
    assert "characters cut)..." in result.err and len(result.err) < 400
