"""A command line that feels native: help for people, colour only for a terminal, one error style, completion."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gitrepo import GitRepo
from helpers_validate import EXAMPLES, edit, make_repo, run_main

COMMANDS = [
    "validate",
    "render",
    "history",
    "diff",
    "report",
    "credits",
    "approve",
    "status",
    "renew",
    "schema",
    "new",
    "init",
    "explain-rule",
    "export",
    "explain",
    "list",
    "obligations",
    "site",
    "graph",
]
ESC = "\x1b["
ITHR = (EXAMPLES / "it-hr-support-fy2027.yaml").read_text(encoding="utf-8")


def slactl(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m slactl ARGS`` in a process of its own, its output a pipe (not a terminal)."""
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "GITHUB_ACTIONS", "FORCE_COLOR")}
    return subprocess.run(
        [sys.executable, "-m", "slactl", *args],
        env={**base, **(env or {})},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def at_a_terminal(*args: str, env: dict[str, str], cwd: Path) -> str:
    """What ``slactl ARGS`` writes to stdout when stdout is a terminal (a pseudo-terminal)."""
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "GITHUB_ACTIONS", "FORCE_COLOR", "TERM")}
    leader, follower = pty.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "slactl", *args],
            env={**base, "TERM": "xterm", **env},
            cwd=cwd,
            stdout=follower,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: the process is done writing
                break
            if not chunk:
                break
            chunks.append(chunk)
        proc.wait(timeout=120)
    finally:
        os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


# --------------------------------------------------------------------------- help


@pytest.mark.parametrize("command", COMMANDS)
def test_help_names_values_for_people(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    run = run_main([command, "--help"], capsys)
    assert run.code == 0
    for leak in ("<list[", "<int", "<str>", "<path>", "<text|", "<md|", "{path}", "{paths}", "{agreement}", "{folder}"):
        assert leak not in run.out, (leak, run.out)
    usage = run.out.splitlines()[0]
    assert usage.startswith(f"Usage: slactl {command} [OPTIONS]")
    assert "{" not in usage
    assert "Examples:" in run.out
    assert f"slactl {command}" in run.out.split("Examples:")[1]


@pytest.mark.parametrize(
    ("command", "shown"),
    [
        (
            "validate",
            ["Usage: slactl validate [OPTIONS] [PATH...]", "-j, --jobs N ", "-f, --format FORMAT ", "--color WHEN "],
        ),
        ("render", ["Usage: slactl render [OPTIONS] PATH...", "--out-dir DIR "]),
        ("history", ["Usage: slactl history [OPTIONS] PATH", "--base REV ", "--color WHEN "]),
        ("status", ["Usage: slactl status [OPTIONS] [PATH...]", "--today DATE ", "--base REV "]),
        ("renew", ["--start DATE ", "--fiscal-year FY "]),
        ("report", ["--as-of DATE ", "--map COLUMN=FIELD ", "-j, --jobs N "]),
        ("new", ["-s, --service ID ", "--type TYPE "]),
        ("init", ["Usage: slactl init [OPTIONS] [FOLDER]", "--fiscal-year-start MM-DD "]),
    ],
)
def test_metavars(command: str, shown: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    run = run_main([command, "--help"], capsys)
    for text in shown:
        assert text in run.out


def test_summaries_are_whole_sentences_on_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_main(["--help"], capsys)
    rows = [line for line in run.out.split("Commands:")[1].splitlines() if line.strip()]
    assert [row.split()[0] for row in rows] == COMMANDS  # one line each: no wrapped continuation
    for row in rows:
        summary = row.split(None, 1)[1]
        assert summary.endswith("."), row
        assert not summary.endswith("..."), row
        assert summary[0].isupper(), row


# --------------------------------------------------------------------------- colour


@pytest.fixture
def finding_repo(tmp_path: Path) -> Path:
    """A copy of the examples with one error in the HR agreement."""
    repo = make_repo(tmp_path)
    edit(repo / "it-hr-support-fy2027.yaml", "target: 30 minutes", "target: soon")
    return repo


def test_plain_output_has_no_escape_codes_and_never_changes_it(finding_repo: Path) -> None:
    plain = slactl("validate", str(finding_repo))
    assert plain.returncode == 1
    assert " error " in plain.stdout
    assert ESC not in plain.stdout
    for variant in (["--color", "never"], ["--color", "auto"]):
        again = slactl("validate", *variant, str(finding_repo))
        assert (again.returncode, again.stdout) == (1, plain.stdout)
    with_no_color = slactl("validate", str(finding_repo), env={"NO_COLOR": "1"})
    assert with_no_color.stdout == plain.stdout


def test_color_always_colours_severities(finding_repo: Path) -> None:
    run = slactl("validate", "--color", "always", str(finding_repo), env={"NO_COLOR": "1"})  # the flag wins
    assert run.returncode == 1
    assert f"{ESC}1;31merror{ESC}0m" in run.stdout
    assert re.sub(r"\x1b\[[0-9;]*m", "", run.stdout) == slactl("validate", str(finding_repo)).stdout


@pytest.mark.parametrize(
    ("args", "env", "coloured"),
    [
        ([], {}, True),
        ([], {"NO_COLOR": "1"}, False),
        ([], {"NO_COLOR": ""}, True),  # no-color.org: an empty value does not count
        ([], {"TERM": "dumb"}, False),
        (["--color", "never"], {}, False),
    ],
)
def test_a_terminal_gets_colour_unless_told_not_to(
    finding_repo: Path, args: list[str], env: dict[str, str], coloured: bool
) -> None:
    out = at_a_terminal("validate", *args, str(finding_repo), env=env, cwd=finding_repo)
    assert "error SLA" in re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert (ESC in out) is coloured


def test_status_and_history_draw_tables_in_colour_only_when_asked(git_repo: GitRepo) -> None:
    git_repo.write("hr.yaml", ITHR)
    git_repo.commit("Initial draft")
    git_repo.write("hr.yaml", ITHR.replace("target: 30 minutes", "target: 15 minutes", 1))
    git_repo.commit("Faster P1 response")
    env = {**git_repo.env, "COLUMNS": "120"}
    hr = str(git_repo.file("hr.yaml"))

    plain = slactl("status", hr, "--today", "2027-01-01", env=env, cwd=git_repo.path)
    assert plain.returncode == 1
    assert ESC not in plain.stdout
    assert "  legal" in plain.stdout and "missing (roles: legal)" in plain.stdout
    never = slactl("status", hr, "--today", "2027-01-01", "--color", "never", env=env, cwd=git_repo.path)
    assert never.stdout == plain.stdout
    coloured = slactl("status", hr, "--today", "2027-01-01", "--color", "always", env=env, cwd=git_repo.path)
    assert coloured.returncode == 1
    assert f"{ESC}31mmissing{ESC}0m" in coloured.stdout
    assert re.search(r"Stage\S*\s.*Roles.*Verdict.*Detail", coloured.stdout)

    history = slactl("history", hr, env=env, cwd=git_repo.path)
    assert ESC not in history.stdout
    assert "Faster P1 response" in history.stdout
    table = slactl("history", hr, "--color", "always", env=env, cwd=git_repo.path)
    assert table.returncode == 0
    assert ESC in table.stdout
    assert re.search(r"Commit.*Date.*Author.*What", table.stdout)
    assert "Faster P1 response" in table.stdout


# --------------------------------------------------------------------------- usage errors


@pytest.mark.parametrize(
    ("args", "message", "hint"),
    [
        (["validate", "--no-such-option"], "No such option: --no-such-option", "slactl validate --help"),
        (["validate", "--format", "xml"], "Invalid value for '--format'", "slactl validate --help"),
        (["history", "--format", "pdf", "x.yaml"], "Invalid value for '--format'", "slactl history --help"),
        (["valdate"], "No such command 'valdate'", "slactl --help"),
        (["report"], "missing the agreement file: give AGREEMENT (or --verify DIR)", "slactl report --help"),
        (["status", "--today", "2027-13-01"], "'2027-13-01' is not a date", "slactl status --help"),
    ],
)
def test_usage_errors_in_slactl_style(
    args: list[str], message: str, hint: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(Path(__file__).parents[1])
    run = run_main(args, capsys)
    assert run.code == 2
    assert run.out == ""
    first, *rest = run.err.splitlines()
    assert first.startswith("slactl: error: ")
    assert message in first
    assert rest == [f"  hint: see '{hint}'"]
    assert "Error:" not in run.err and "Usage:" not in run.err


def test_no_arguments_still_show_the_help_with_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_main([], capsys)
    assert run.code == 2
    assert "Usage: slactl" in run.out + run.err


# --------------------------------------------------------------------------- completion


def test_completion_script_for_the_shell(tmp_path: Path) -> None:
    proc = subprocess.run(
        ["bash", "-c", f"{sys.executable} -m slactl --show-completion"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "_slactl_completion()" in proc.stdout
    assert "_SLACTL_COMPLETE=complete_bash" in proc.stdout


@pytest.mark.parametrize(
    ("words", "cword", "expected"),
    [
        ("slactl val", "1", "validate"),
        ("slactl status --f", "2", "--format"),
        ("slactl --sh", "1", "--show-completion"),
    ],
)
def test_completion_answers_the_shell(words: str, cword: str, expected: str, tmp_path: Path) -> None:
    proc = slactl(env={"_SLACTL_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": cword}, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert expected in proc.stdout.split()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["render", str(EXAMPLES / "it-hr-support-fy2027.yaml"), "--format", "md", "-o", "-"],
            "# IT Support Agreement",
        ),
        (
            [
                "report",
                str(EXAMPLES / "cec-fy2027-rural-lending.yaml"),
                "--tickets",
                str(EXAMPLES / "data" / "cec-fy2027-rural-lending" / "tickets.csv"),
                "--as-of",
                "2027-10-01",
                "--format",
                "json",
            ],
            '"agreement":',
        ),
        (["obligations", str(EXAMPLES), "--format", "ics"], "BEGIN:VCALENDAR"),
    ],
    ids=["render", "report", "obligations"],
)
def test_main_called_with_a_text_stream_as_stdout(
    args: list[str], expected: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # As in a notebook, or a program that captures with io.StringIO: no `.buffer` to write bytes to.
    import io

    from slactl.cli import main

    stream = io.StringIO()
    monkeypatch.setattr(sys, "stdout", stream)
    assert main(args) == 0, capsys.readouterr().err
    assert expected in stream.getvalue()


def test_binary_output_to_a_text_stream_is_refused_in_words(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    from slactl.cli import main

    monkeypatch.setattr(sys, "stdout", io.StringIO())
    code = main(["render", str(EXAMPLES / "it-hr-support-fy2027.yaml"), "--format", "docx", "-o", "-"])
    assert code == 2
    assert "this output is binary, and standard output here takes text only" in capsys.readouterr().err
