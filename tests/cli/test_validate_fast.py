"""`slactl validate` without typer (slactl.cli.fast): the same output and exit code as through typer.

Every plain call is run twice in this process, once on the fast path and once with the fast
path refused (so typer reads the arguments), and the two runs must print the same. Calls the
fast path does not read are left to typer, which keeps help and usage errors its own.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from helpers_validate import EXAMPLES, Run, edit, imported, make_repo, run_main
from slactl.cli import fast


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path)


def both_ways(args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    """The run on the fast path, after checking that typer prints exactly the same."""
    assert fast.validate_args(args) is not None, args
    quick = run_main(args, capsys)
    with monkeypatch.context() as patch:
        patch.setattr(fast, "validate_args", lambda _args: None)
        slow = run_main(args, capsys)
    assert quick == slow
    return quick


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "{repo}"],
        ["validate", "{repo}/cec-fy2027-rural-lending.yaml"],
        ["validate", "{repo}/cec-fy2027-rural-lending.yaml", "{repo}/catalog.yaml", "--strict"],
        ["validate", "--format", "json", "{repo}"],
        ["validate", "{repo}", "-f", "github"],
        ["validate", "{repo}", "-fjson", "--strict"],
        ["validate", "{repo}", "--format=sarif"],
        ["validate", "{repo}", "--jobs", "2"],
        ["validate", "-j1", "{repo}", "--allow-empty"],
        ["validate", "{repo}", "--config", "{repo}/slactl.yaml"],
        ["validate", "{repo}", "--config={repo}/slactl.yaml", "--only-slactl"],
        ["validate", "--only-slactl", "{repo}/catalog.yaml", "{repo}/data"],
    ],
)
def test_plain_calls_print_what_typer_prints(
    args: list[str], repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run = both_ways([a.format(repo=repo) for a in args], capsys, monkeypatch)
    assert run.code in (0, 1)
    assert run.out


def test_findings_errors_and_empty_folders_alike(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    agreement = repo / "cec-fy2027-rural-lending.yaml"
    edit(agreement, "apiVersion: slactl/v1", "apiVersion: slactl/v2")
    broken = both_ways(["validate", str(agreement), "--format", "json"], capsys, monkeypatch)
    assert broken.code == 1
    assert json.loads(broken.out)["findings"][0]["code"] == "SLA011"

    missing = both_ways(["validate", str(repo / "missing.yaml")], capsys, monkeypatch)
    assert missing.code == 2
    assert "no such file or folder" in missing.err

    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / ".git").mkdir()
    nothing = both_ways(["validate", str(empty)], capsys, monkeypatch)
    assert nothing.code == 1
    assert "no agreement or catalog found" in nothing.err
    assert both_ways(["validate", str(empty), "--allow-empty"], capsys, monkeypatch).code == 0


def test_no_paths_is_the_current_folder(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    assert fast.validate_args(["validate"]) == {
        "paths": None,
        "fmt": None,
        "strict": False,
        "config": None,
        "jobs": None,
        "only_slactl": False,
        "allow_empty": False,
        "color": "auto",
    }
    run = both_ways(["validate"], capsys, monkeypatch)
    assert "files checked" in run.out


def test_options_are_read_as_typer_reads_them() -> None:
    assert fast.validate_args(["validate", "a.yaml", "-fjson", "-j3", "--config=c.yaml", "b", "--strict"]) == {
        "paths": [Path("a.yaml"), Path("b")],
        "fmt": "json",
        "strict": True,
        "config": Path("c.yaml"),
        "jobs": 3,
        "only_slactl": False,
        "allow_empty": False,
        "color": "auto",
    }


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--help"],
        ["--debug", "validate", "x.yaml"],
        ["render", "x.yaml"],
        ["validate", "--help"],
        ["validate", "-h"],
        ["validate", "x.yaml", "--format", "xml"],
        ["validate", "x.yaml", "--format", "JSON"],
        ["validate", "x.yaml", "--format"],
        ["validate", "x.yaml", "--format", "--strict"],
        ["validate", "x.yaml", "--format", "json", "-f", "text"],
        ["validate", "x.yaml", "--jobs", "0"],
        ["validate", "x.yaml", "--jobs", "01"],
        ["validate", "x.yaml", "-j", "two"],
        ["validate", "x.yaml", "--strict=yes"],
        ["validate", "x.yaml", "--no-such-option"],
        ["validate", "x.yaml", "-s"],
        ["validate", "--", "x.yaml"],
        ["validate", "-"],
        ["validate", ""],
        ["validate", "--config=", "x.yaml"],
        ["validate", "--debug", "x.yaml"],
    ],
)
def test_everything_else_is_left_to_typer(args: list[str]) -> None:
    assert fast.validate_args(args) is None


def test_usage_errors_are_typers(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_main(["validate", str(EXAMPLES), "--format", "xml"], capsys)
    assert run.code == 2
    assert "Invalid value for '--format'" in run.err
    assert run.err.startswith("slactl: error: ") and "hint: see 'slactl validate --help'" in run.err  # slactl's style


def test_shell_completion_is_left_to_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_SLACTL_COMPLETE", "bash_complete")
    assert fast.validate_args(["validate", "x.yaml"]) is None


def test_an_unreadable_path_is_left_to_typer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked.yaml"
    locked.write_text("kind: Agreement\n")
    assert fast.validate_args(["validate", str(locked)]) is not None
    monkeypatch.setattr(os, "access", lambda path, _mode: Path(path) != locked)  # as if mode 000, not root
    assert fast.validate_args(["validate", str(locked)]) is None
    assert fast.validate_args(["validate", str(tmp_path), "--config", str(locked)]) is None
    assert fast.validate_args(["validate", str(tmp_path / "absent.yaml")]) is not None  # typer passes it on


def test_the_fast_path_imports_no_typer(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    plain, proc = imported("validate", str(EXAMPLES / "it-hr-support-fy2027.yaml"), "--format", "json", cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    assert json.loads(proc.stdout)["files"] >= 1
    assert "typer" not in plain
    helped, proc = imported("validate", "--help", cwd=tmp_path)
    assert proc.returncode == 0
    assert "Usage: slactl validate" in proc.stdout
    assert "typer" in helped
