"""`slactl approve` refuses an approval that could never count, and writes the ones that can
as `status` expects them (issue 9).

Real temporary repositories, real ssh-keygen keys (and gpg keys where gpg is installed). The
roster (slactl.yaml) lists Alex (management), Laura (legal) and Robert (management, signatory);
Mallory has a key of her own and is in no roster. Every refusal is exit 2 with nothing
committed: HEAD does not move.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from gitrepo import GitRepo, git_date
from slactl import approvals
from slactl.cli import main
from test_approvals import AGREEMENT, APPROVER, PEOPLE, STAGES, TODAY, World, edit, setup_world, stage_of


@pytest.fixture
def world(git_repo: GitRepo) -> World:
    return setup_world(git_repo)


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def approve(world: World, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    return run(["approve", str(world.path), *args], capsys)


def refused(world: World, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Run approve, assert exit 2 with nothing committed; return stderr on one line."""
    head = world.repo.head()
    code, out, err = approve(world, capsys, *args)
    assert code == 2, out + err
    assert world.repo.head() == head  # nothing committed
    assert world.repo.git("rev-parse", "main") == head
    return " ".join(err.split())


def sign_as(world: World, who: str) -> None:
    world.repo.use_signing_key(world.keys[who])


# ------------------------------------------------------------------- who signs


def test_a_key_the_roster_does_not_list_is_refused_naming_the_key(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    sign_as(world, "mallory")
    err = refused(world, capsys, "--stage", "legal", "--sign")
    assert world.keys["mallory"].fingerprint() in err
    assert "not in the roster" in err and "slactl.yaml" in err


@pytest.mark.parametrize(
    ("who", "stage", "expected"),
    [
        ("alex", "legal", "Alex Romero holds management; stage legal needs legal"),
        ("laura", "management-final", "Laura Stein holds legal; stage management-final needs management"),
        ("laura", "signature", "Laura Stein holds legal; stage signature needs signatory"),
    ],
)
def test_a_person_without_a_role_of_the_stage_is_refused_naming_both(
    world: World, capsys: pytest.CaptureFixture[str], who: str, stage: str, expected: str
) -> None:
    sign_as(world, who)
    err = refused(world, capsys, "--stage", stage, "--sign")
    assert expected in err


def test_ssh_signing_without_a_configured_key_is_refused(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    world.repo.config("gpg.format", "ssh")
    err = refused(world, capsys, "--stage", "legal", "--sign")
    assert "user.signingkey" in err.lower()


# ------------------------------------------------------------------- unsigned


def test_unsigned_is_refused_by_default(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    err = refused(world, capsys, "--stage", "legal")
    assert "unsigned" in err and "--require-signed" in err and "--allow-unsigned" in err


def test_no_sign_overrides_commit_gpgsign_and_is_refused(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    sign_as(world, "laura")
    world.repo.config("commit.gpgSign", "true")
    err = refused(world, capsys, "--stage", "legal", "--no-sign")
    assert "unsigned" in err


def test_commit_gpgsign_alone_signs(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    sign_as(world, "laura")
    world.repo.config("commit.gpgSign", "true")
    code, out, _ = approve(world, capsys, "--stage", "legal")
    assert code == 0
    assert f"signed by Laura Stein <laura.stein@lakeside.example.org> with {world.keys['laura'].fingerprint()}" in out


def test_allow_unsigned_records_a_claim_and_never_says_signed(
    world: World, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", PEOPLE["laura"][1])  # the claim: git's author e-mail
    code, out, err = run(["approve", str(world.path), "--stage", "legal", "--allow-unsigned"], capsys)
    assert code == 0, err
    assert "signed by" not in out and ", signed" not in out
    assert "unsigned" in out and "--require-signed" in out
    assert world.repo.git("log", "-1", "--format=%G?") == "N"
    assert stage_of(world.status(), "legal").state == "approved"
    assert stage_of(world.status(require_signed=True), "legal").state == "rejected"


def test_allow_unsigned_still_refuses_a_claim_that_names_nobody_with_the_role(
    world: World, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", PEOPLE["alex"][1])  # Alex is management
    err = refused(world, capsys, "--stage", "legal", "--allow-unsigned")
    assert "Alex Romero holds management; stage legal needs legal" in err
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "nobody@example.com")
    err = refused(world, capsys, "--stage", "legal", "--allow-unsigned")
    assert "nobody@example.com" in err and "roster" in err


# ------------------------------------------------------------------- --stage / --role


def test_unknown_stage_lists_the_stages_with_a_did_you_mean(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    sign_as(world, "laura")
    err = refused(world, capsys, "--stage", "lgeal", "--sign")
    assert "has no approval stage 'lgeal'" in err
    assert "did you mean 'legal'" in err
    assert "management-initial, legal, management-final, signature" in err


def test_a_role_given_as_the_stage_is_refused_with_the_stages_that_take_it(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    sign_as(world, "alex")
    for option in ("--stage", "--role"):
        err = refused(world, capsys, option, "management", "--sign")
        assert "management is a role, not a stage" in err
        assert "did you mean `--stage management-initial`" in err and "management-final" in err


def test_role_is_a_deprecated_alias_that_warns(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    sign_as(world, "laura")
    code, out, err = approve(world, capsys, "--role", "legal", "--sign")
    assert code == 0
    assert "--role is deprecated" in err and "--stage" in err
    assert "for stage legal" in out


def test_role_naming_a_stage_that_is_also_another_stages_role_is_refused(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    # a stage called `management`, while `management` is also the role of two other stages
    edit(world, "- {stage: signature, roles: [signatory]}", "- {stage: management, roles: [signatory]}")
    sign_as(world, "robert")
    err = refused(world, capsys, "--role", "management", "--sign")
    assert "ambiguous" in err and "--stage management" in err
    code, out, _ = approve(world, capsys, "--stage", "management", "--sign")
    assert code == 0 and "for stage management" in out


def test_stage_and_role_together_are_refused(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    sign_as(world, "laura")
    err = refused(world, capsys, "--stage", "legal", "--role", "legal", "--sign")
    assert "--stage" in err and "--role" in err


# ------------------------------------------------------------------- the commit written


def test_the_commit_is_empty_by_the_roster_person_with_author_equal_to_committer(
    world: World, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # the environment names other people and two different dates
    monkeypatch.setenv("GIT_AUTHOR_DATE", "@1700000000 +0100")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "@1700003600 +0000")
    sign_as(world, "laura")
    parent = world.repo.head()
    code, out, err = approve(world, capsys, "--stage", "legal", "--sign", "-m", "Clause 7 reviewed")
    assert code == 0, err
    sha = world.repo.head()
    assert sha != parent and world.repo.git("rev-parse", f"{sha}^") == parent
    assert world.repo.rev(f"{sha}^{{tree}}") == world.repo.rev(f"{parent}^{{tree}}")  # empty
    author, committer = world.repo.git("log", "-1", "--format=%an|%ae|%ad%n%cn|%ce|%cd", "--date=raw").splitlines()
    assert author == committer
    name, email, _ = author.split("|")
    assert (name, email) == PEOPLE["laura"][:2]
    assert "Clause 7 reviewed" in world.repo.git("log", "-1", "--format=%B")
    key = world.keys["laura"].fingerprint()
    assert f"commit {sha[:12]}, signed by Laura Stein <laura.stein@lakeside.example.org> with {key}" in out


@pytest.fixture
def ssh_agent(git_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A fresh ssh-agent for this test (SSH_AUTH_SOCK set after the pinned env), stopped afterwards by its pid."""
    assert "SSH_AUTH_SOCK" not in git_env
    if shutil.which("ssh-agent") is None or shutil.which("ssh-add") is None:
        pytest.skip("ssh-agent is not installed")
    out = subprocess.run(["ssh-agent", "-s"], capture_output=True, text=True, check=True).stdout
    found = dict(re.findall(r"(SSH_AUTH_SOCK|SSH_AGENT_PID)=([^;]+);", out))
    monkeypatch.setenv("SSH_AUTH_SOCK", found["SSH_AUTH_SOCK"])
    try:
        yield
    finally:
        os.kill(int(found["SSH_AGENT_PID"]), signal.SIGTERM)


@pytest.mark.usefixtures("ssh_agent")
@pytest.mark.parametrize("form", ["private-path", "public-path", "literal", "key-prefixed"])
def test_every_form_of_ssh_signing_key_is_understood(
    world: World, capsys: pytest.CaptureFixture[str], form: str
) -> None:
    laura = world.keys["laura"]
    # git signs with a public key file or a literal key through the agent
    subprocess.run(["ssh-add", "-q", str(laura.private_path)], check=True, capture_output=True)
    value = {
        "private-path": str(laura.private_path),
        "public-path": str(laura.public_path),
        "literal": laura.public_line,
        "key-prefixed": "key::" + laura.public_line,
    }[form]
    world.repo.config("gpg.format", "ssh")
    world.repo.config("user.signingkey", value)
    code, out, err = approve(world, capsys, "--stage", "legal", "--sign")
    assert code == 0, err
    assert f"signed by Laura Stein <laura.stein@lakeside.example.org> with {laura.fingerprint()}" in out


def test_a_literal_key_of_somebody_else_is_refused(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    world.repo.config("gpg.format", "ssh")
    world.repo.config("user.signingkey", "key::" + world.keys["mallory"].public_line)
    err = refused(world, capsys, "--stage", "legal", "--sign")
    assert world.keys["mallory"].fingerprint() in err and "not in the roster" in err


def test_approvals_made_by_approve_count_under_require_signed(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    for stage in STAGES:
        sign_as(world, APPROVER[stage])
        code, _, err = approve(world, capsys, "--stage", stage, "--sign")
        assert code == 0, err
    code, out, _ = run(["status", str(world.path), "--require-signed", "--today", TODAY.isoformat()], capsys)
    assert code == 0, out
    assert "4 of 4 stages hold" in out
    status = world.status(require_signed=True)
    assert all(s.decisive is not None and s.decisive.verified for s in status.stages)


def test_record_approval_reports_who_signed(world: World) -> None:
    sign_as(world, "robert")
    done = approvals.record_approval(world.path, "signature", sign=True)
    assert done.signed and done.person == "Robert Chen <robert.chen@lakeside.example.org>"
    assert done.key == world.keys["robert"].fingerprint()
    assert done.commit == world.repo.head()


def test_dates_of_author_and_committer_are_one_instant(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_AUTHOR_DATE", "@1700000000 +0100")
    monkeypatch.setenv("GIT_COMMITTER_DATE", git_date("@1700003600 +0000"))
    sign_as(world, "laura")
    approvals.record_approval(world.path, "legal", sign=True)
    assert world.repo.git("log", "-1", "--format=%ad", "--date=raw") == world.repo.git(
        "log", "-1", "--format=%cd", "--date=raw"
    )
    assert AGREEMENT in world.repo.git("ls-tree", "-r", "--name-only", "HEAD")


# ------------------------------------------------------------------- GPG


@pytest.fixture
def gpg_world(world: World, git_env: dict[str, str]) -> Iterator[tuple[World, Path]]:
    """The world plus a gpg home; Laura's roster entry also lists her OpenPGP key."""
    if shutil.which("gpg") is None:
        pytest.skip("gpg is not installed")
    from test_gpg import LAURA, make_key, stop_agents

    home = Path(git_env["GNUPGHOME"])
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        laura = make_key(home, LAURA, subkey=True)
        text = world.repo.read("slactl.yaml").replace(
            f"    email: {LAURA[1]}\n", f"    email: {LAURA[1]}\n    gpg_fingerprints: ['{laura}']\n"
        )
        world.repo.write("slactl.yaml", text)
        world.repo.commit("Laura's OpenPGP key")
        world.repo.config("gpg.format", "openpgp")
        yield world, home
    finally:
        stop_agents(home)


def test_gpg_key_outside_the_roster_is_refused(
    gpg_world: tuple[World, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    from test_gpg import MALLORY, make_key

    world, home = gpg_world
    mallory = make_key(home, MALLORY, subkey=False)
    world.repo.config("user.signingkey", mallory)
    err = refused(world, capsys, "--stage", "legal", "--sign")
    assert mallory in err and "not in the roster" in err


def test_gpg_default_key_of_the_committer_is_found(
    gpg_world: tuple[World, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_gpg import LAURA

    world, _ = gpg_world
    # no user.signingkey: git signs with the key of the committer identity
    monkeypatch.setenv("GIT_COMMITTER_NAME", LAURA[0])
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", LAURA[1])
    code, out, err = approve(world, capsys, "--stage", "legal", "--sign")
    assert code == 0, err
    assert "signed by Laura Stein <laura.stein@lakeside.example.org> with " in out
    assert stage_of(world.status(require_signed=True), "legal").state == "approved"
    err = refused(world, capsys, "--stage", "management-final", "--sign")
    assert "Laura Stein holds legal; stage management-final needs management" in err


def test_no_hook_can_rewrite_the_approval(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    # a commit-msg hook that would turn the legal approval into one for another stage
    hook = world.repo.path / ".git" / "hooks" / "commit-msg"
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.write_text('#!/bin/sh\nsed -i "s/^Slactl-Approval: legal$/Slactl-Approval: signature/" "$1"\n')
    hook.chmod(0o755)
    sign_as(world, "laura")
    code, _, err = approve(world, capsys, "--stage", "legal", "--sign")
    assert code == 0, err
    trailers = world.repo.git("log", "-1", "--format=%(trailers:key=Slactl-Approval,valueonly)").strip()
    assert trailers == "legal"
    assert stage_of(world.status(require_signed=True), "legal").state == "approved"
