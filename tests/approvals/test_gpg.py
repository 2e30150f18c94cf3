"""Approvals signed with OpenPGP keys, end to end: real gpg keys, `slactl approve --sign`, `status`.

The roster lists Laura by the fingerprint of her primary key, while gpg signs with her newest
signing subkey: git reports the subkey as %GF and the primary key as %GP, and the roster
must recognise either. A key not in the roster, and a key missing from the verifier's
keyring, must not count.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from gitrepo import GitRepo
from slactl import approvals
from slactl.cli import main
from slactl.digest import content_digest
from slactl.documents import load_valid
from test_approvals import AGREEMENT, AGREEMENT_ID, EXAMPLE, TODAY, stage_of

pytestmark = pytest.mark.skipif(shutil.which("gpg") is None, reason="gpg is not installed")

LAURA = ("Laura Stein", "laura.stein@lakeside.example.org")
MALLORY = ("Mallory Mole", "mallory@evil.example.com")


def gpg(home: Path, *args: str) -> str:
    out = subprocess.run(
        ["gpg", "--homedir", str(home), "--batch", "--pinentry-mode", "loopback", "--passphrase", "", *args],
        check=True,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    return out.stdout


def make_key(home: Path, who: tuple[str, str], *, subkey: bool) -> str:
    """A new key for ``who`` (with a signing subkey when asked); returns the primary fingerprint."""
    gpg(home, "--quick-gen-key", f"{who[0]} <{who[1]}>", "ed25519", "sign", "never")
    listing = gpg(home, "--with-colons", "--list-secret-keys", who[1])
    primary = next(line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr:"))
    if subkey:
        gpg(home, "--quick-add-key", primary, "ed25519", "sign", "never")
    return primary


def fingerprints(home: Path, email: str) -> list[str]:
    """Every fingerprint of ``email``'s key (primary first, then subkeys)."""
    listing = gpg(home, "--with-colons", "--list-keys", email)
    return [line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr:")]


@pytest.fixture
def gnupg(git_env: dict[str, str]) -> Iterator[Path]:
    home = Path(git_env["GNUPGHOME"])
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    yield home
    stop_agents(home)


def stop_agents(home: Path) -> None:
    """Stop the gpg-agent that signing or verifying started for ``home``."""
    env = {**os.environ, "GNUPGHOME": str(home)}  # gpgconf --homedir alone left the agent running
    subprocess.run(["gpgconf", "--kill", "all"], check=False, capture_output=True, env=env)


@pytest.fixture
def signed_repo(git_repo: GitRepo, gnupg: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[GitRepo, str]:
    """The IT/HR agreement with a roster naming Laura (legal) by her primary key's fingerprint.

    `slactl approve` runs as Laura (author e-mail hers): an approval authored by anyone else
    would not count whoever's key signed it.
    """
    monkeypatch.setenv("GIT_AUTHOR_NAME", LAURA[0])
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", LAURA[1])
    laura = make_key(gnupg, LAURA, subkey=True)
    roster = (
        "fiscal_year_start: '10-01'\nroles: [management, legal, signatory]\npeople:\n"
        f"  - name: {LAURA[0]}\n    email: {LAURA[1]}\n    roles: [legal]\n"
        # written the way `gpg --fingerprint` prints it
        f"    gpg_fingerprints: ['{' '.join(laura[i : i + 4] for i in range(0, 40, 4))}']\n"
    )
    git_repo.write("slactl.yaml", roster)
    git_repo.write(AGREEMENT, EXAMPLE.read_text(encoding="utf-8"))
    for clause in sorted((EXAMPLE.parent / "clauses").glob("*.md")):  # the clause library it uses
        git_repo.write(f"clauses/{clause.name}", clause.read_text(encoding="utf-8"))
    git_repo.commit("Add the IT/HR agreement and the roster")
    git_repo.config("gpg.format", "openpgp")
    return git_repo, laura


def approve_as(repo: GitRepo, key: str, capsys: pytest.CaptureFixture[str]) -> None:
    repo.config("user.signingkey", key)
    assert main(["approve", str(repo.file(AGREEMENT)), "--stage", "legal", "--sign"]) == 0
    assert ", signed by " in capsys.readouterr().out.splitlines()[0]  # not "unsigned (...)"


def legal(repo: GitRepo) -> approvals.StageStatus:
    status = approvals.status_paths([repo.file(AGREEMENT)], today=TODAY, require_signed=True).agreements[0]
    assert status.agreement_id == AGREEMENT_ID
    return stage_of(status, "legal")


def test_approval_signed_by_a_subkey_counts_for_the_primary_fingerprint(
    signed_repo: tuple[GitRepo, str], gnupg: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo, laura = signed_repo
    primary, sub = fingerprints(gnupg, LAURA[1])
    assert primary == laura
    approve_as(repo, laura, capsys)
    # gpg chose the subkey: what git reports is not the fingerprint the roster lists
    assert repo.git("log", "-1", "--format=%GF %GP").split() == [sub, primary]
    stage = legal(repo)
    assert stage.state == "approved" and stage.decisive is not None
    assert stage.decisive.verified and stage.decisive.person is not None
    assert stage.decisive.person.name == LAURA[0]


def test_a_key_outside_the_roster_is_rejected_naming_it(signed_repo: tuple[GitRepo, str], gnupg: Path) -> None:
    repo, _ = signed_repo
    mallory = make_key(gnupg, MALLORY, subkey=False)
    # Mallory even claims to be Laura in the commit's author
    repo.config("user.name", LAURA[0])
    repo.config("user.email", LAURA[1])
    # `slactl approve` refuses a key outside the roster (tests/approvals/test_approve_refusals.py): by hand
    digest = content_digest(load_valid(repo.file(AGREEMENT)).document)
    repo.config("user.signingkey", mallory)
    message = approvals.approval_message(AGREEMENT_ID, "legal", digest)
    repo.git("commit", "-q", "--allow-empty", "-S", "-F", "-", input=message)
    stage = legal(repo)
    assert stage.state == "rejected" and stage.decisive is not None
    assert stage.decisive.person is None and not stage.decisive.verified
    assert stage.decisive.reason is not None
    assert mallory in stage.decisive.reason and "not in the roster" in stage.decisive.reason


def test_a_signature_the_verifier_cannot_check_does_not_count(
    signed_repo: tuple[GitRepo, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
    capsys: pytest.CaptureFixture[str],
) -> None:
    repo, laura = signed_repo
    approve_as(repo, laura, capsys)
    assert legal(repo).state == "approved"
    # CI without Laura's public key in its keyring: the roster's fingerprint alone proves nothing
    empty = tmp_path / "ci-gnupg"
    empty.mkdir(mode=0o700)
    request.addfinalizer(lambda: stop_agents(empty))
    monkeypatch.setenv("GNUPGHOME", str(empty))
    stage = legal(repo)
    assert stage.state == "rejected" and stage.decisive is not None
    assert stage.decisive.reason is not None and "cannot be checked" in stage.decisive.reason
