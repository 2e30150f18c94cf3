"""`slactl report` without typer (slactl.cli.fast): the same output, files and exit code as through typer.

Every plain call is run twice in this process, once on the fast path and once with the fast
path refused (so typer reads the arguments), and the two runs must print and write the same.
Calls the fast path does not read are left to typer, which keeps help and usage errors its own.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from helpers_validate import EXAMPLES, Run, imported, make_repo, run_main
from slactl.cli import fast

DATA = "{repo}/data/cec-fy2027-rural-lending"
AGREEMENT = "{repo}/cec-fy2027-rural-lending.yaml"
PLAIN = [AGREEMENT, "--period", "FY2027", "--as-of", "2027-10-01"]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path)


def typer_run(args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    with monkeypatch.context() as patch:
        patch.setattr(fast, "plain_call", lambda _args: None)
        return run_main(args, capsys)


def both_ways(args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    """The run on the fast path, after checking that typer prints exactly the same."""
    assert fast.report_args(args) is not None, args
    quick = run_main(args, capsys)
    assert typer_run(args, capsys, monkeypatch) == quick
    return quick


def expand(args: list[str], repo: Path, tmp_path: Path) -> list[str]:
    return [a.format(repo=repo, tmp=tmp_path) for a in args]


@pytest.mark.parametrize(
    "args",
    [
        [*PLAIN, "--tickets", f"{DATA}/tickets.csv"],
        [*PLAIN, "--tickets", f"{DATA}/tickets.csv", "--outages", f"{DATA}/outages.csv", "-f", "json"],
        [*PLAIN, f"--surveys={DATA}/surveys.csv", f"--tickets={DATA}/tickets.csv", "--format=html"],
        [*PLAIN, "--outages", f"{DATA}/outages.csv", "-fjson", "-j1", "--source", "csv"],
        [AGREEMENT, "--tickets", f"{DATA}/tickets.csv", "--period", "2027-Q1", "--as-of", "2027-04-01", "-j", "0"],
        [*PLAIN, "--tickets", f"{DATA}/tickets.csv", "--config", "{repo}/slactl.yaml", "--map", "Number=id"],
        [*PLAIN, "--outages", f"{DATA}/outages.csv", "--source-timezone", "America/Chicago", "--date-format", "x"],
    ],
)
def test_plain_calls_print_what_typer_prints(
    args: list[str], repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run = both_ways(["report", *expand(args, repo, tmp_path)], capsys, monkeypatch)
    assert run.code == 0, run.err
    assert "Rural Lending Program Office" in run.out  # the report itself, in any format


def test_bad_rows_and_errors_alike(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    tickets = Path(DATA.format(repo=repo)) / "tickets.csv"
    with tickets.open("a", encoding="utf-8") as fh:
        fh.write("INC9,P1,service-desk,HQ,incident,2026-11-31 09:00,,,\n")
    plain = ["report", *expand(PLAIN, repo, tmp_path)]
    bad = both_ways([*plain, "--tickets", str(tickets)], capsys, monkeypatch)
    assert bad.code == 0
    assert "4 bad rows left out of the report" in bad.err  # the example's three, and this one
    assert f"{tickets}:{len(tickets.read_text().splitlines())}: opened: '2026-11-31 09:00'" in bad.err

    missing = both_ways([*plain, "--tickets", str(tmp_path / "absent.csv")], capsys, monkeypatch)
    assert (missing.code, missing.out) == (2, "")
    assert "data file not found" in missing.err

    nothing = both_ways(plain, capsys, monkeypatch)
    assert nothing.code == 2
    assert "give at least one data file" in nothing.err

    when = both_ways(
        ["report", str(repo / "cec-fy2027-rural-lending.yaml"), "--tickets", str(tickets), "--as-of", "soon"],
        capsys,
        monkeypatch,
    )
    assert when.code == 2
    assert "--as-of 'soon' is not an ISO 8601 date or time" in when.err

    both = both_ways(
        [*plain, "--tickets", str(tickets), "--pack", str(tmp_path / "p"), "-o", str(tmp_path / "r.md")],
        capsys,
        monkeypatch,
    )
    assert both.code == 2
    assert "not both" in both.err


def test_inputs_that_are_not_regular_files_are_named_for_what_they_are(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # "not found" would be false for a file that exists: a pipe, a device, a folder of charges.
    plain = ["report", *expand(PLAIN, repo, tmp_path)]
    fifo = tmp_path / "tickets.csv"
    os.mkfifo(fifo)  # opening it to read would wait for a writer forever: it is never opened
    for path, said in [
        (fifo, "is not a regular file or a folder (a pipe, a device or a socket)"),
        (Path(os.devnull), "is not a regular file or a folder"),
    ]:
        run = both_ways([*plain, "--tickets", str(path)], capsys, monkeypatch)
        assert (run.code, run.out) == (2, ""), run.err
        assert f"{path}: {said}" in run.err
        assert "hint: save the export to a file first" in run.err
        assert "not found" not in run.err
    charges = both_ways(
        [*plain, "--tickets", f"{DATA.format(repo=repo)}/tickets.csv", "--charges", str(tmp_path)], capsys, monkeypatch
    )
    assert charges.code == 2
    assert f"{tmp_path}: is a folder, not a data file" in charges.err

    explained = run_main(["explain", str(repo / "cec-fy2027-rural-lending.yaml"), "T1", "--tickets", str(fifo)], capsys)
    assert explained.code == 2
    assert "is not a regular file" in explained.err


def test_one_bad_row_is_one_row(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    tickets = tmp_path / "t.csv"
    tickets.write_text(
        "id,priority,service,site,opened,first_response,resolved\n"
        "T1,P1,service-desk,HQ,2027-01-05 09:00,2027-01-05 09:10,2027-01-05 11:00\n"
        "T2,P1,service-desk,HQ,2027-01-05 09:00,2027-01-05 08:10,\n",
        encoding="utf-8",
    )
    run = both_ways(["report", *expand(PLAIN, repo, tmp_path), "--tickets", str(tickets)], capsys, monkeypatch)
    assert run.code == 0, run.err
    assert "slactl: 1 bad row left out of the report:" in run.err
    assert f"{tickets}:3: first_response is before opened" in run.err


def test_output_files_alike(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["report", *expand([*PLAIN, "--tickets", f"{DATA}/tickets.csv", "-o", "{tmp}/r.md"], repo, tmp_path)]
    assert run_main(args, capsys).code == 0
    quick = (tmp_path / "r.md").read_bytes()
    assert typer_run(args, capsys, monkeypatch).code == 0  # replaces the report it wrote
    assert (tmp_path / "r.md").read_bytes() == quick

    mine = tmp_path / "mine.md"
    mine.write_text("notes of mine\n", encoding="utf-8")
    args[-1] = str(mine)
    refused = both_ways(args, capsys, monkeypatch)
    assert refused.code == 2
    assert mine.read_text(encoding="utf-8") == "notes of mine\n"
    assert both_ways([*args, "--force"], capsys, monkeypatch).code == 0
    assert mine.read_bytes() == quick


def files_in(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_packs_record_the_same_command(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = tmp_path / "pack"
    args = ["report", *expand([*PLAIN, "--tickets", f"{DATA}/tickets.csv", "--pack", str(pack)], repo, tmp_path)]
    quick = run_main(args, capsys)
    assert quick.code == 0, quick.err
    written = files_in(pack)
    assert json.loads(written["manifest.json"])["command"]["argv"] == ["slactl", *args]
    shutil.rmtree(pack)
    slow = typer_run(args, capsys, monkeypatch)
    assert slow == quick
    assert files_in(pack) == written


def test_options_are_read_as_typer_reads_them() -> None:
    args = ["report", "a.yaml", "--tickets=t.csv", "-fjson", "-j0", "--map", "id=Number", "--map=opened=Opened"]
    args += ["--source", "jira", "-o", "out.json", "--force", "--as-of", "2027-10-01"]
    chosen = fast.report_args(args)
    assert chosen == {
        "agreement": Path("a.yaml"),
        "tickets": Path("t.csv"),
        "fmt": "json",
        "jobs": 0,
        "mapping": ["id=Number", "opened=Opened"],
        "source": ["jira"],
        "output": Path("out.json"),
        "force": True,
        "as_of": "2027-10-01",
        "argv": tuple(args),
    }
    assert fast.report_args(["report", "a.yaml"]) == {
        "agreement": Path("a.yaml"),
        "fmt": "md",
        "jobs": 0,
        "argv": ("report", "a.yaml"),
    }


@pytest.mark.parametrize(
    "args",
    [
        ["report"],
        ["report", "--help"],
        ["report", "a.yaml", "-h"],
        ["report", "a.yaml", "b.yaml", "--tickets", "t.csv"],
        ["report", "--verify", "packs/fy2027"],
        ["report", "a.yaml", "--tickets", "t.csv", "--format", "pdf"],
        ["report", "a.yaml", "--tickets", "t.csv", "-f", "JSON"],
        ["report", "a.yaml", "--tickets", "t.csv", "-j", "-1"],
        ["report", "a.yaml", "--tickets", "t.csv", "--jobs", "01"],
        ["report", "a.yaml", "--tickets", "t.csv", "--jobs", "two"],
        ["report", "a.yaml", "--tickets"],
        ["report", "a.yaml", "--tickets", ""],
        ["report", "a.yaml", "--tickets=", "--period", "FY2027"],
        ["report", "a.yaml", "--tickets", "t.csv", "--tickets", "u.csv"],
        ["report", "a.yaml", "--tickets", "t.csv", "--period", "--as-of", "2027-10-01"],
        ["report", "a.yaml", "--tickets", "t.csv", "--force=yes"],
        ["report", "a.yaml", "--tickets", "t.csv", "--no-such-option"],
        ["report", "a.yaml", "--tickets", "t.csv", "--debug"],
        ["report", "--", "a.yaml", "--tickets", "t.csv"],
        ["report", "-", "--tickets", "t.csv"],
        ["report", "a.yaml", "--tickets", "t\x00.csv"],
        ["--debug", "report", "a.yaml", "--tickets", "t.csv"],
    ],
)
def test_everything_else_is_left_to_typer(args: list[str]) -> None:
    assert fast.report_args(args) is None
    assert fast.plain_call(args) is None


def test_usage_errors_are_typers(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_main(
        ["report", str(EXAMPLES / "cec-fy2027-rural-lending.yaml"), "--tickets", "t.csv", "-f", "pdf"], capsys
    )
    assert run.code == 2
    assert "Invalid value for '--format'" in run.err
    assert "hint: see 'slactl report --help'" in run.err


def test_an_unreadable_data_file_is_left_to_typer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked.csv"
    locked.write_text("id\n")
    args = ["report", "a.yaml", "--tickets", str(locked)]
    assert fast.report_args(args) is not None
    monkeypatch.setattr(os, "access", lambda path, _mode: Path(path) != locked)  # as if mode 000, not root
    assert fast.report_args(args) is None


def test_the_fast_path_imports_no_typer(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    data = repo / "data" / "cec-fy2027-rural-lending"
    args = ["report", str(repo / "cec-fy2027-rural-lending.yaml"), "--tickets", str(data / "tickets.csv")]
    modules, proc = imported(*args, "--period", "FY2027", "--as-of", "2027-10-01", "-f", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert json.loads(proc.stdout)["agreement"]["id"] == "cec-fy2027-rural-lending"
    assert "typer" not in modules
    helped, proc = imported("report", "--help", cwd=tmp_path)
    assert proc.returncode == 0
    assert "Usage: slactl report" in proc.stdout
    assert "typer" in helped
