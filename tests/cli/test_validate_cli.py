"""`slactl validate` from the outside: formats, exit codes, discovery, parallel runs."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers_validate import EXAMPLES, edit, make_repo, run_main
from slactl.findings import Finding, Severity
from slactl.reporters import github
from slactl.validate import Result

CEC = "cec-fy2027-rural-lending.yaml"
FINDING_KEYS = {"file", "line", "column", "path", "severity", "code", "message"}


def slactl(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m slactl` in a fresh process (the venv's python)."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "SLACTL_DEBUG")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "slactl", *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    # The counts below are of the first four examples and the OLA of issue 14; the examples of issue 10 (which accept
    # findings in `ignore:`) are checked by tests/report/test_new_examples.py.
    root = make_repo(tmp_path)
    for name in ("cloud-compute-public-sla", "lawyer-standard-sla", "public-sector-es-support"):
        (root / f"{name}.yaml").unlink(missing_ok=True)
    return root


def break_cec(repo: Path) -> Path:
    """Two schema errors in the CEC agreement: a bad date and a percentage without %."""
    path = repo / CEC
    edit(path, "  end: 2027-09-30", "  end: 2027-09-31")
    edit(path, "    target: 4h\n    attainment: 95%\n", "    target: 4h\n    attainment: 95\n")
    return path


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


# --------------------------------------------------------------------------- formats


def test_examples_are_clean(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = run_main(["validate", str(repo)], capsys)
    assert run.out.splitlines()[-1] == "5 files checked: 0 errors, 0 warnings"
    assert run.code == 0


def test_text_format(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = break_cec(repo)
    run = run_main(["validate", str(path), "--format", "text"], capsys)
    assert run.code == 1
    end = line_of(path, "  end: 2027-09-31")
    attainment = path.read_text().splitlines().index("    attainment: 95") + 1
    assert run.out.splitlines() == [
        f"{path}:{end}:8: error SLA020 '2027-09-31' is not a real date (day is out of range for month) [term.end]",
        f"{path}:{attainment}:17: error SLA020 a percentage is written with a % sign, like '99.9%' (got 95)"
        " [service_levels[1].attainment]",
        "2 files checked: 2 errors, 0 warnings",  # the catalog of slactl.yaml is always checked
    ]
    assert run.err == ""


def test_json_format(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = break_cec(repo)
    run = run_main(["validate", str(path), "--format", "json"], capsys)
    assert run.code == 1
    doc = json.loads(run.out)
    assert set(doc) == {"files", "errors", "warnings", "findings", "accepted"}
    assert (doc["files"], doc["errors"], doc["warnings"]) == (2, 2, 0)
    assert all(set(f) == FINDING_KEYS for f in doc["findings"])
    first = doc["findings"][0]
    assert first == {
        "file": str(path),
        "line": line_of(path, "  end: 2027-09-31"),
        "column": 8,
        "path": "term.end",
        "severity": "error",
        "code": "SLA020",
        "message": "'2027-09-31' is not a real date (day is out of range for month)",
    }
    assert doc["findings"][1]["path"] == "service_levels[1].attainment"


def test_json_format_when_clean(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = run_main(["validate", str(repo), "-f", "json"], capsys)
    assert json.loads(run.out) == {"files": 5, "errors": 0, "warnings": 0, "findings": [], "accepted": []}
    assert run.code == 0


def test_github_format(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = break_cec(repo)
    run = run_main(["validate", str(path), "--format", "github"], capsys)
    lines = run.out.splitlines()
    end = line_of(path, "  end: 2027-09-31")
    file_prop = str(path).replace(":", "%3A").replace(",", "%2C")
    assert lines[0] == (
        f"::error file={file_prop},line={end},col=8,title=SLA020::"
        "'2027-09-31' is not a real date (day is out of range for month) [term.end]"
    )
    assert lines[1].startswith("::error file=")
    assert lines[1].endswith(
        "::a percentage is written with a %25 sign, like '99.9%25' (got 95) [service_levels[1].attainment]"
    )
    assert run.code == 1


def test_github_escapes_properties_and_data() -> None:
    finding = Finding("dir:x/a,b%.yaml", 3, 4, "p", Severity.WARNING, "SLA1,2", "100% done\r\nnext: a,b")
    result = Result(files=1, findings=[finding])
    out = io.StringIO()
    github(result, out)
    first = out.getvalue().splitlines()[0]
    assert first == "::warning file=dir%3Ax/a%2Cb%25.yaml,line=3,col=4,title=SLA1%2C2::100%25 done%0D%0Anext: a,b [p]"


def test_github_escapes_a_real_file_name_and_message(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    odd = repo / "we,ird:name.yaml"
    shutil.move(repo / CEC, odd)
    edit(odd, "\nservice_levels:\n", '\n"service\\r\\nlevels%":\n')
    run = run_main(["validate", str(odd), "-f", "github"], capsys)
    line = next(x for x in run.out.splitlines() if "SLA021" in x)
    assert "file=" + str(odd).replace(":", "%3A").replace(",", "%2C") + ",line=" in line
    assert "::unknown key `service%0D%0Alevels%25`" in line
    assert run.code == 1


def test_github_is_picked_when_running_in_github_actions(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    break_cec(repo)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert run_main(["validate", str(repo / CEC)], capsys).out.startswith("::error file=")
    # An explicit format wins.
    assert run_main(["validate", str(repo / CEC), "-f", "text"], capsys).out.startswith(str(repo / CEC))
    monkeypatch.setenv("GITHUB_ACTIONS", "false")
    assert run_main(["validate", str(repo / CEC)], capsys).out.startswith(str(repo / CEC))


def test_github_in_a_real_process(repo: Path) -> None:
    break_cec(repo)
    proc = slactl("validate", CEC, cwd=repo, env={"GITHUB_ACTIONS": "true"})
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[0].startswith(f"::error file={CEC},line=")
    assert proc.stderr == ""


# --------------------------------------------------------------------------- exit codes


def test_findings_exit_1_in_a_real_process(repo: Path) -> None:
    break_cec(repo)
    proc = slactl("validate", "--format", "json", cwd=repo)
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["errors"] == 2
    assert proc.stderr == ""


def test_clean_exit_0_in_a_real_process(repo: Path) -> None:
    proc = slactl("validate", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "5 files checked: 0 errors, 0 warnings\n"


def test_warnings_exit_0_unless_strict(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The CEC agreement alone: the OLA it rests on is read beside it, the contract it names in
    # `underpinned_by` is not there (SLA155).
    (repo / "northwind-colocation-fy2027.yaml").unlink()
    path = repo / CEC
    run = run_main(["validate", str(path), "-f", "json"], capsys)
    doc = json.loads(run.out)
    assert doc["errors"] == 0
    assert [f["code"] for f in doc["findings"]] == ["SLA155"]
    assert doc["findings"][0]["severity"] == "warning"
    assert run.code == 0
    assert run_main(["validate", str(path), "--strict"], capsys).code == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["validate", "{repo}/missing.yaml"], "missing.yaml: no such file or folder"),
        (["validate", "{repo}", "--format", "xml"], "Invalid value for '--format'"),
        (["validate", "{repo}", "--jobs", "0"], "Invalid value for '--jobs'"),
        (["validate", "{repo}", "--no-such-option"], "No such option"),
        (["no-such-command"], "No such command"),
        (["validate", "{repo}", "--config", "{repo}/nope.yaml"], "configuration file not found"),
    ],
)
def test_usage_and_io_errors_exit_2(
    repo: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    run = run_main([a.format(repo=repo) for a in args], capsys)
    assert run.code == 2
    assert message in run.err
    assert "Traceback" not in run.err
    assert run.out == ""


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("fiscal_year_start: [\n", "line 2, column 1: YAML syntax error"),
        ("fiscal_year_start: 13-99\n", "invalid configuration: line 1: fiscal_year_start"),
        ("fiscal_year_starts: 10-01\n", "unknown key `fiscal_year_starts`; did you mean `fiscal_year_start`?"),
    ],
)
def test_bad_slactl_yaml_exits_2(repo: Path, capsys: pytest.CaptureFixture[str], config: str, message: str) -> None:
    (repo / "slactl.yaml").write_text(config)
    run = run_main(["validate", str(repo)], capsys)
    assert run.code == 2
    assert run.err.startswith(f"slactl: error: {repo / 'slactl.yaml'}: ")
    assert message in run.err
    assert run.out == ""


def test_missing_path_in_a_real_process(repo: Path) -> None:
    proc = slactl("validate", "nowhere/", cwd=repo)
    assert proc.returncode == 2
    assert proc.stderr == "slactl: error: nowhere: no such file or folder\n"


def test_usage_error_in_a_real_process(repo: Path) -> None:
    proc = slactl("validate", "--format", "xml", cwd=repo)
    assert proc.returncode == 2
    assert "Invalid value for '--format'" in proc.stderr
    assert "Traceback" not in proc.stderr


def explode(*_args: object, **_kwargs: object) -> None:
    raise RuntimeError("the validator fell over")


def test_internal_error_exits_3_without_traceback(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("slactl.validate.validate_paths", explode)
    monkeypatch.delenv("SLACTL_DEBUG", raising=False)
    run = run_main(["validate", str(repo)], capsys)
    assert run.code == 3
    assert run.err == (
        "slactl: internal error: RuntimeError: the validator fell over\n"
        "This is a bug in slactl. Run again with --debug for the traceback and report it.\n"
    )
    assert run.out == ""


@pytest.mark.parametrize("how", ["flag", "env"])
def test_internal_error_traceback_with_debug(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    monkeypatch.setattr("slactl.validate.validate_paths", explode)
    if how == "env":
        monkeypatch.setenv("SLACTL_DEBUG", "1")
    args = ["--debug", "validate", str(repo)] if how == "flag" else ["validate", str(repo)]
    run = run_main(args, capsys)
    assert run.code == 3
    assert run.err.startswith("Traceback (most recent call last):")
    assert "RuntimeError: the validator fell over" in run.err


def test_interrupt_exits_130(repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("slactl.validate.validate_paths", interrupt)
    run = run_main(["validate", str(repo)], capsys)
    assert run.code == 130
    assert "Traceback" not in run.err


# --------------------------------------------------------------------------- discovery


def test_folders_pick_up_only_slactl_files(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "docker-compose.yaml").write_text("services: {web: {image: nginx}}\n")
    (repo / "notes.yml").write_text("- not: [an agreement\n")  # not even valid YAML: never read
    (repo / "README.md").write_text("apiVersion: slactl/v1\n")
    (repo / ".hidden").mkdir()  # dot-folders are searched too (issue 9): x.yaml is a broken slactl document
    hidden = repo / ".hidden" / "x.yaml"
    hidden.write_text("apiVersion: slactl/v1\nkind: Nope\n")
    (repo / "nested" / "deeper").mkdir(parents=True)
    broken = repo / "nested" / "deeper" / "quoted.yml"
    broken.write_text('apiVersion: "slactl/v1"\nkind: Agreement\n')
    run = run_main(["validate", str(repo), "-f", "json"], capsys)
    doc = json.loads(run.out)
    assert doc["files"] == 7
    assert {f["file"] for f in doc["findings"]} == {str(broken), str(hidden)}
    assert run.code == 1


def test_explicitly_named_files_are_always_checked(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = repo / "docker-compose.yaml"
    other.write_text("services: {web: {image: nginx}}\n")
    run = run_main(["validate", str(other), "-f", "json"], capsys)
    doc = json.loads(run.out)
    assert [(f["file"], f["code"], f["path"]) for f in doc["findings"]] == [(str(other), "SLA011", "apiVersion")]
    assert run.code == 1


def test_default_path_is_the_current_folder(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    break_cec(repo)
    monkeypatch.chdir(repo)
    run = run_main(["validate", "-f", "json"], capsys)
    assert json.loads(run.out)["files"] == 5
    assert {f["file"] for f in json.loads(run.out)["findings"] if f["severity"] == "error"} == {CEC}


def test_several_files_with_several_errors_in_one_run(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    break_cec(repo)
    hr = repo / "it-hr-support-fy2027.yaml"
    edit(hr, "apiVersion: slactl/v1\nkind: Agreement\n", "apiVersion: slactl/v1\nkind: Agreement\nextra: 1\n")
    (repo / "dup.yaml").write_text("apiVersion: slactl/v1\nkind: Agreement\nkind: Catalog\n")
    (repo / "latin.yaml").write_bytes(b"apiVersion: slactl/v1\nkind: \xff\n")
    run = run_main(["validate", str(repo), "-f", "json"], capsys)
    doc = json.loads(run.out)
    got = [(Path(f["file"]).name, f["code"]) for f in doc["findings"]]
    assert got == [
        (CEC, "SLA020"),
        (CEC, "SLA020"),
        ("cec-platform-ola-fy2027.yaml", "SLA155"),
        ("dup.yaml", "SLA005"),
        ("it-hr-support-fy2027.yaml", "SLA021"),
        ("latin.yaml", "SLA002"),
        # The broken CEC agreement has no id any more, so the link to it cannot be checked.
        ("northwind-colocation-fy2027.yaml", "SLA155"),
    ]
    assert (doc["files"], doc["errors"], doc["warnings"]) == (7, 5, 2)
    assert run.code == 1


def test_jobs_2_gives_the_same_findings_as_jobs_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path)
    source = (EXAMPLES / CEC).read_text()
    for i in range(34):
        text = source
        if i % 11:  # every eleventh copy keeps the original's id: a cross-file finding
            text = text.replace("id: cec-fy2027-rural-lending", f"id: cec-fy2027-copy-{i:02d}")
        if i % 3 == 0:
            text = text.replace("  end: 2027-09-30", f"  end: 2027-09-{31 + i}")
        if i % 5 == 0:
            text = text.replace("\nservice_levels:\n", "\nservce_levels:\n")
        if i % 7 == 0:
            text = text.replace("metadata:\n", "metadata: &m\n")
        (repo / f"copy-{i:02d}.yaml").write_text(text)
    one = run_main(["validate", str(repo), "-f", "json", "--jobs", "1"], capsys)
    two = run_main(["validate", str(repo), "-f", "json", "--jobs", "2"], capsys)
    assert one.code == two.code == 1
    assert json.loads(one.out) == json.loads(two.out)
    doc = json.loads(two.out)
    assert doc["files"] == 34 + 8  # the copies and the eight files of examples/
    codes = {f["code"] for f in doc["findings"]}
    assert {"SLA006", "SLA020", "SLA021", "SLA150"} <= codes


def test_progress_bar_only_for_a_person_at_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from slactl.cli import progress

    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr("sys.stderr", io.StringIO())  # not a TTY
    assert not progress.wanted()
    with progress.progress_bar("Validating") as bar:
        assert bar is None

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stderr", Tty())
    assert progress.wanted()
    monkeypatch.setenv("CI", "true")
    assert not progress.wanted()


def test_progress_bar_draws_only_long_work() -> None:
    from slactl.cli.progress import MIN_TOTAL, _Bar

    short = _Bar("Validating")
    short.start(MIN_TOTAL - 1)
    assert short.progress is None
    long = _Bar("Validating")
    long.start(MIN_TOTAL)
    long.advance(MIN_TOTAL)
    assert long.progress.tasks[0].completed == MIN_TOTAL
    long.stop()


def test_a_missing_libyaml_is_said_not_hidden(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from slactl import loading
    from slactl.cli import main

    assert loading.slow_parser_note() is None  # this machine's PyYAML has libyaml
    monkeypatch.setattr(loading, "FAST", False)
    assert main(["validate", str(EXAMPLES / "it-hr-support-fy2027.yaml")]) == 0
    assert "without libyaml" in capsys.readouterr().err
