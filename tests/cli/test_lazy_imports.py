"""Start-up cost: `slactl --help` imports no heavy library, `slactl validate` no renderer or git.

Each case runs a real process with ``-X importtime`` and reads the modules it imported.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers_validate import EXAMPLES, imported, run_main

HEAVY = {
    "pydantic",
    "pydantic_core",
    "jinja2",
    "git",
    "rich",
    "yaml",
    "markdown_it",
    "weasyprint",
    "pyarrow",
    "duckdb",
}


@pytest.mark.parametrize(
    ("args", "code", "shown"),
    [(["--help"], 0, "Usage: slactl"), ([], 2, "Usage: slactl"), (["--version"], 0, "slactl ")],
)
def test_help_imports_nothing_heavy(args: list[str], code: int, shown: str, tmp_path: Path) -> None:
    modules, proc = imported(*args, cwd=tmp_path)
    assert proc.returncode == code, proc.stderr[-2000:]
    assert shown in proc.stdout + proc.stderr
    assert sorted(modules & HEAVY) == []


def test_validate_imports_no_renderer_and_no_git(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    modules, proc = imported("validate", str(EXAMPLES / "it-hr-support-fy2027.yaml"), cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    assert "files checked" in proc.stdout
    assert {"pydantic", "yaml"} <= modules  # it did validate
    assert sorted(modules & {"jinja2", "git", "rich", "markdown_it", "weasyprint"}) == []


def test_validate_of_a_folder_imports_no_renderer_and_no_git(tmp_path: Path) -> None:
    modules, proc = imported("validate", str(EXAMPLES), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-2000:]
    assert sorted(modules & {"jinja2", "git", "rich", "markdown_it", "weasyprint"}) == []


def test_report_of_a_csv_imports_no_pyarrow_and_no_duckdb(tmp_path: Path) -> None:
    data = EXAMPLES / "data" / "cec-fy2027-rural-lending"
    agreement = EXAMPLES / "cec-fy2027-rural-lending.yaml"
    args = ["report", str(agreement), "--tickets", str(data / "tickets.csv"), "--as-of", "2027-10-01", "-f", "json"]
    modules, proc = imported(*args, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert '"windows_met"' in proc.stdout  # it did report
    assert sorted(modules & {"pyarrow", "duckdb"}) == []


def test_report_of_parquet_imports_pyarrow_and_not_duckdb(tmp_path: Path) -> None:
    import pyarrow.csv
    import pyarrow.parquet

    data = EXAMPLES / "data" / "cec-fy2027-rural-lending"
    table = pyarrow.csv.read_csv(data / "outages.csv")
    pyarrow.parquet.write_table(table, tmp_path / "outages.parquet")
    agreement = EXAMPLES / "cec-fy2027-rural-lending.yaml"
    args = ["report", str(agreement), "--outages", str(tmp_path / "outages.parquet"), "--as-of", "2027-10-01"]
    modules, proc = imported(*args, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "pyarrow" in modules
    assert "duckdb" not in modules


# --------------------------------------------------------------------------- building only the command run


def full_build_output(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """What typer prints when it builds every command (the app called directly)."""
    from slactl.cli import app

    capsys.readouterr()
    app(args=args, prog_name="slactl", standalone_mode=False)
    return capsys.readouterr().out


@pytest.mark.parametrize("args", [["--help"], ["--debug", "--help"], ["validate", "--help"], ["--version"]])
def test_lazy_build_prints_what_the_full_build_prints(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    from slactl.cli import app

    registered = list(app.registered_commands)
    expected = full_build_output(args, capsys)
    run = run_main(args, capsys)
    assert run.code == 0
    assert run.out == expected
    assert app.registered_commands == registered  # put back after the run


def test_top_level_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    from slactl.cli import app

    run = run_main(["--help"], capsys)
    listed = [line.split()[0] for line in run.out.split("Commands:")[1].splitlines() if line.strip()]
    names = [info.name or info.callback.__name__.replace("_", "-") for info in app.registered_commands if info.callback]
    assert listed == names
    assert "validate" in listed


def test_unknown_command_is_still_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_main(["--debug", "valdate"], capsys)
    assert run.code == 2
    assert "No such command 'valdate'" in run.err
