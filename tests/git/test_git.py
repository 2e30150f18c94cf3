"""slactl.git against real temporary repositories (see tests/gitrepo.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gitrepo import AUTHOR, BASE_DATE, COMMITTER, PINNED_DATE, STEP, GitRepo, SshKey, make_ssh_key
from slactl import git as gitio
from slactl.errors import SlactlError
from slactl.git import GitError


def blob(repo: GitRepo, rev: str, path: str) -> str:
    return repo.rev(f"{rev}:{path}")


def signers_file(tmp_path: Path, *entries: tuple[str, SshKey]) -> Path:
    path = tmp_path / "allowed_signers"
    gitio.write_allowed_signers([(p, k.public_line) for p, k in entries], path)
    return path


# ----------------------------------------------------------------- repo & paths


def test_find_repo_and_rel_path(git_repo: GitRepo, tmp_path: Path) -> None:
    git_repo.write("slas/team/a.yaml", "x: 1\n")
    top = gitio.find_repo(git_repo.file("slas/team"))
    assert top == git_repo.path.resolve()
    assert gitio.find_repo(git_repo.file("slas/team/a.yaml")) == top
    assert gitio.find_repo(git_repo.file("slas/not/yet/there.yaml")) == top
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    assert gitio.find_repo(outside) is None
    assert gitio.find_repo(git_repo.path / ".git") is None

    assert gitio.rel_path(top, git_repo.file("slas/team/a.yaml")) == "slas/team/a.yaml"
    assert gitio.rel_path(top, git_repo.path / "slas" / ".." / "slas" / "x.yaml") == "slas/x.yaml"
    assert gitio.rel_path(top, top) == "."
    with pytest.raises(GitError, match="outside the repository"):
        gitio.rel_path(top, outside / "a.yaml")


def test_rel_path_does_not_follow_a_symlinked_file(git_repo: GitRepo, tmp_path: Path) -> None:
    target = tmp_path / "outside.yaml"
    target.write_text("x\n")
    git_repo.file("link.yaml").symlink_to(target)
    assert gitio.rel_path(git_repo.path, git_repo.file("link.yaml")) == "link.yaml"


def test_relative_path_is_taken_from_cwd(git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    git_repo.write("slas/a.yaml", "x\n")
    monkeypatch.chdir(git_repo.file("slas"))
    assert gitio.rel_path(git_repo.path, "a.yaml") == "slas/a.yaml"


@pytest.mark.usefixtures("git_env")
def test_git_error_is_a_slactl_error_with_repo_and_hint(tmp_path: Path) -> None:
    with pytest.raises(GitError) as info:
        gitio.head_commit(tmp_path)
    err = info.value
    assert isinstance(err, SlactlError)
    assert err.path == str(tmp_path)
    assert "not a git repository" in str(err)
    assert err.hint and "git" in err.hint
    assert err.returncode == 128
    with pytest.raises(GitError, match="does not exist"):
        gitio.head_commit(tmp_path / "no-such-folder")


# --------------------------------------------------------------- file history


def test_renames_are_followed(git_repo: GitRepo) -> None:
    r = git_repo
    r.write("slas/old.yaml", "name: a\nlevel: 1\n" + "pad\n" * 20)
    c1 = r.commit("add old")
    r.write("slas/old.yaml", "name: a\nlevel: 2\n" + "pad\n" * 20)
    c2 = r.commit("bump", author="Bob Builder <bob@example.com>")
    r.mv("slas/old.yaml", "slas/new.yaml")
    c3 = r.commit("rename old to new")
    r.write("other.txt", "unrelated\n")
    r.commit("unrelated change")
    r.write("slas/new.yaml", "name: a\nlevel: 3\n" + "pad\n" * 20)
    c5 = r.commit("bump again\n\nwith a body\n:100644 100644 looks like raw output\n")

    revs = gitio.file_revisions(r.path, "slas/new.yaml")
    assert [v.commit for v in revs] == [c5, c3, c2, c1]
    assert [v.path_at_revision for v in revs] == ["slas/new.yaml", "slas/new.yaml", "slas/old.yaml", "slas/old.yaml"]
    assert [v.change for v in revs] == ["M", "R", "M", "A"]
    assert revs[1].old_path == "slas/old.yaml"
    assert revs[0].old_path is None
    assert [v.blob_id for v in revs] == [
        blob(r, c5, "slas/new.yaml"),
        blob(r, c3, "slas/new.yaml"),
        blob(r, c2, "slas/old.yaml"),
        blob(r, c1, "slas/old.yaml"),
    ]
    assert revs[1].blob_id == revs[2].blob_id  # a pure rename keeps the blob
    assert revs[3].parents == ()
    assert revs[2].parents == (c1,)
    assert revs[2].author_name == "Bob Builder"
    assert revs[2].author_email == "bob@example.com"
    assert revs[3].author_name == AUTHOR[0]
    assert revs[3].committer_name == COMMITTER[0]
    assert revs[3].author_date == BASE_DATE
    assert revs[3].author_date.tzinfo is not None
    assert revs[2].committer_date == BASE_DATE + STEP
    assert revs[0].subject == "bump again"
    assert revs[0].body == "with a body\n:100644 100644 looks like raw output"
    assert revs[0].message.startswith("bump again\n\nwith a body\n")
    assert revs[0].mode == "100644"

    # asking for the old path at an old revision works too
    assert [v.commit for v in gitio.file_revisions(r.path, "slas/old.yaml", rev=c2)] == [c2, c1]


def test_merge_of_a_branch_that_changed_the_file(git_repo: GitRepo) -> None:
    r = git_repo
    r.write("sla.yaml", "".join(f"line {i}\n" for i in range(20)))
    c1 = r.commit("add")
    r.branch("feature")
    r.checkout("feature")
    r.write("sla.yaml", "top\n" + r.read("sla.yaml"))
    f1 = r.commit("feature: change top")
    r.checkout("main")
    r.write("README", "main side\n")
    r.commit("main: unrelated")
    m1 = r.merge("feature")

    revs = gitio.file_revisions(r.path, "sla.yaml")
    commits = [v.commit for v in revs]
    assert commits == [m1, f1, c1]
    merge = revs[0]
    assert merge.is_merge and len(merge.parents) == 2
    assert merge.blob_id == blob(r, m1, "sla.yaml") == blob(r, f1, "sla.yaml")

    # both sides change the file: the merge result is a new blob
    r.checkout("feature")
    r.write("sla.yaml", r.read("sla.yaml") + "bottom from feature\n")
    f2 = r.commit("feature: change bottom")
    r.checkout("main")
    r.write("sla.yaml", r.read("sla.yaml").replace("line 10\n", "line ten\n"))
    c3 = r.commit("main: change middle")
    m2 = r.merge("feature")
    revs = gitio.file_revisions(r.path, "sla.yaml")
    assert revs[0].commit == m2
    assert revs[0].blob_id == blob(r, m2, "sla.yaml")
    assert revs[0].blob_id not in (blob(r, f2, "sla.yaml"), blob(r, c3, "sla.yaml"))
    assert {f2, c3, m1, f1, c1} <= {v.commit for v in revs}
    blobs = dict(gitio.read_blobs(r.path, [revs[0].blob_id or ""]))
    assert blobs[revs[0].blob_id or ""].decode() == r.read("sla.yaml")


def test_deletion_has_no_blob(git_repo: GitRepo) -> None:
    r = git_repo
    r.write("sla.yaml", "a\n")
    c1 = r.commit("add")
    r.write("sla.yaml", "b\n")
    c2 = r.commit("change")
    r.rm("sla.yaml")
    c3 = r.commit("delete", add_all=False)
    revs = gitio.file_revisions(r.path, "sla.yaml")
    assert [v.commit for v in revs] == [c3, c2, c1]
    assert revs[0].change == "D"
    assert revs[0].blob_id is None
    assert revs[0].path_at_revision == "sla.yaml"
    assert revs[0].mode == "000000"
    assert revs[1].blob_id == blob(r, c2, "sla.yaml")


def test_file_revisions_edge_cases(git_repo: GitRepo) -> None:
    r = git_repo
    assert gitio.file_revisions(r.path, "sla.yaml") == []  # no commit yet
    r.write("sla.yaml", "a\n")
    r.commit("add")
    assert gitio.file_revisions(r.path, "never.yaml") == []
    with pytest.raises(GitError, match="unknown revision"):
        gitio.file_revisions(r.path, "sla.yaml", rev="no-such-branch")


def test_paths_are_literal_not_globs(git_repo: GitRepo) -> None:
    r = git_repo
    r.write("*.yaml", "star\n")
    r.write("a.yaml", "a\n")
    r.write("ümlaut [1].yaml", "u\n")
    c1 = r.commit("add")
    r.write("a.yaml", "a2\n")
    r.commit("change a")
    assert [v.commit for v in gitio.file_revisions(r.path, "*.yaml")] == [c1]
    revs = gitio.file_revisions(r.path, "ümlaut [1].yaml")
    assert [v.path_at_revision for v in revs] == ["ümlaut [1].yaml"]
    assert gitio.read_file_at(r.path, "HEAD", "*.yaml") == b"star\n"
    assert gitio.file_state(r.path, "*.yaml") == "clean"


def test_inherited_git_dir_is_ignored(git_repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = GitRepo(tmp_path / "other", git_repo.env)
    other.write("x", "x\n")
    other.commit("other repo")
    git_repo.write("y", "y\n")
    mine = git_repo.commit("my repo")
    monkeypatch.setenv("GIT_DIR", str(other.path / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(other.path))
    assert gitio.head_commit(git_repo.path) == mine


def test_blobs_ignore_inherited_variables_and_replace_refs(
    git_repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GitPython's persistent cat-file gets the pinned environment and options too."""
    other = GitRepo(tmp_path / "other", git_repo.env)
    other.write("x", "theirs\n")
    other.commit("other repo")
    r = git_repo
    r.write("a", "mine\n")
    r.write("b", "swapped\n")
    c = r.commit("two files")
    a, b = blob(r, c, "a"), blob(r, c, "b")
    r.git("replace", a, b)  # refs/replace would make `a` read as `b` without --no-replace-objects
    assert r.git("cat-file", "blob", a) == "swapped"  # (GitRepo.git strips the output)
    monkeypatch.setenv("GIT_DIR", str(other.path / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(other.path))
    monkeypatch.setenv("GIT_OBJECT_DIRECTORY", str(other.path / ".git" / "objects"))
    monkeypatch.setenv("GIT_INDEX_FILE", str(other.path / ".git" / "index"))
    assert list(gitio.read_blobs(r.path, [a, b])) == [(a, b"mine\n"), (b, b"swapped\n")]
    assert gitio.read_file_at(r.path, "HEAD", "a") == b"mine\n"
    assert gitio.file_state(r.path, "a") == "clean"


# ---------------------------------------------------------------------- blobs


def test_read_blobs_in_one_batch(git_repo: GitRepo) -> None:
    r = git_repo
    texts = [f"version {i}\n".encode() * (i * 500 + 1) for i in range(5)] + [b"", b"\x00\xffbinary\n"]
    ids = []
    for i, data in enumerate(texts):
        r.write_bytes("sla.yaml", data)
        ids.append(blob(r, r.commit(f"v{i}"), "sla.yaml"))
    wanted = [*ids, ids[0]]  # order kept, duplicates allowed
    got = list(gitio.read_blobs(r.path, wanted))
    assert [oid for oid, _ in got] == wanted
    assert [data for _, data in got] == [*texts, texts[0]]
    assert list(gitio.read_blobs(r.path, [])) == []


def test_read_blobs_errors_and_early_stop(git_repo: GitRepo) -> None:
    r = git_repo
    r.write("a", "a\n")
    c = r.commit("add")
    a = blob(r, c, "a")
    with pytest.raises(ValueError, match="full git object id"):
        list(gitio.read_blobs(r.path, ["HEAD:a"]))
    with pytest.raises(ValueError):
        list(gitio.read_blobs(r.path, [a[:10]]))
    with pytest.raises(GitError, match="missing"):
        list(gitio.read_blobs(r.path, [a, "0" * 39 + "1"]))
    with pytest.raises(GitError, match="not a blob"):
        list(gitio.read_blobs(r.path, [c]))
    many = gitio.read_blobs(r.path, [a] * 2000)
    assert next(many) == (a, b"a\n")
    many.close()  # ends the git process without warnings (pytest turns those into errors)


def test_read_file_at(git_repo: GitRepo) -> None:
    r = git_repo
    r.write("slas/a.yaml", "one\n")
    c1 = r.commit("one")
    r.write("slas/a.yaml", "two\n")
    r.commit("two")
    assert gitio.read_file_at(r.path, "HEAD", "slas/a.yaml") == b"two\n"
    assert gitio.read_file_at(r.path, c1, "slas/a.yaml") == b"one\n"
    assert gitio.read_file_at(r.path, "HEAD~1", "slas/a.yaml") == b"one\n"
    assert gitio.read_file_at(r.path, "HEAD", "slas/missing.yaml") is None
    assert gitio.read_file_at(r.path, "HEAD", "slas") is None  # a folder is not a file
    assert gitio.blob_at(r.path, c1, "slas/a.yaml") == blob(r, c1, "slas/a.yaml")
    assert gitio.blob_at_head(r.path, "slas/a.yaml") == blob(r, "HEAD", "slas/a.yaml")
    assert gitio.hash_worktree_file(r.path, "slas/a.yaml") == blob(r, "HEAD", "slas/a.yaml")
    with pytest.raises(GitError):
        gitio.read_file_at(r.path, "nope", "slas/a.yaml")


# --------------------------------------------------------------- working tree


def test_file_state(git_repo: GitRepo) -> None:
    r = git_repo
    assert gitio.file_state(r.path, "a.yaml") == "absent"
    r.write("a.yaml", "a\n")
    assert gitio.file_state(r.path, "a.yaml") == "untracked"
    r.add("a.yaml")
    assert gitio.file_state(r.path, "a.yaml") == "staged"
    assert not gitio.is_clean_at_head(r.path, "a.yaml")  # no commit yet
    r.commit("add")
    assert gitio.file_state(r.path, "a.yaml") == "clean"
    assert gitio.is_clean_at_head(r.path, "a.yaml")
    r.write("a.yaml", "changed\n")
    assert gitio.file_state(r.path, "a.yaml") == "modified"
    assert not gitio.is_clean_at_head(r.path, "a.yaml")
    r.add("a.yaml")
    assert gitio.file_state(r.path, "a.yaml") == "staged"
    r.write("a.yaml", "changed again\n")
    assert gitio.file_state(r.path, "a.yaml") == "modified"
    r.git("checkout", "HEAD", "--", "a.yaml")
    assert gitio.file_state(r.path, "a.yaml") == "clean"
    r.file("a.yaml").unlink()
    assert gitio.file_state(r.path, "a.yaml") == "deleted"
    r.rm("a.yaml")
    assert gitio.file_state(r.path, "a.yaml") == "deleted"
    r.write(".gitignore", "*.log\n")
    r.write("x.log", "log\n")
    assert gitio.file_state(r.path, "x.log") == "ignored"
    # no lock was left behind and the other files are not reported for this one
    assert not (r.path / ".git" / "index.lock").exists()


def test_file_state_conflicted(git_repo: GitRepo) -> None:
    r = git_repo
    r.write("a.yaml", "base\n")
    r.commit("base")
    r.branch("other")
    r.write("a.yaml", "main\n")
    r.commit("main")
    r.checkout("other")
    r.write("a.yaml", "other\n")
    r.commit("other")
    r.checkout("main")
    assert r.run("merge", "other").returncode != 0
    assert gitio.file_state(r.path, "a.yaml") == "conflicted"


def test_head_commit_date_resolve(git_repo: GitRepo) -> None:
    r = git_repo
    assert gitio.head_commit(r.path) is None
    r.write("a", "a\n")
    when = datetime(2024, 3, 4, 5, 6, 7, tzinfo=UTC)
    c1 = r.commit("one", date=when)
    assert gitio.head_commit(r.path) == c1
    assert gitio.commit_date(r.path) == when
    assert int(gitio.commit_date(r.path, c1).timestamp()) == int(when.timestamp())
    r.git("tag", "-a", "-m", "annotated", "v1")
    assert gitio.resolve(r.path, "v1") == c1  # peeled to the commit
    assert gitio.resolve(r.path, c1[:12]) == c1
    assert gitio.resolve(r.path, "main") == c1


@pytest.mark.parametrize("rev", ["no-such-rev", "--output=/tmp/slactl-pwned", "-h", "HEAD~5", ""])
def test_unknown_revision_is_a_git_error(git_repo: GitRepo, rev: str) -> None:
    git_repo.write("a", "a\n")
    git_repo.commit("one")
    with pytest.raises(GitError) as info:
        gitio.resolve(git_repo.path, rev)
    assert repr(rev) in str(info.value)
    assert info.value.hint
    assert not Path("/tmp/slactl-pwned").exists()


def test_ancestry_and_merge_base(git_repo: GitRepo) -> None:
    r = git_repo
    r.write("a", "1\n")
    c1 = r.commit("c1")
    r.write("a", "2\n")
    c2 = r.commit("c2")
    r.branch("feature")
    r.checkout("feature")
    r.write("b", "b\n")
    f1 = r.commit("f1")
    r.checkout("main")
    r.write("a", "3\n")
    c3 = r.commit("c3")
    r.checkout("feature")
    assert gitio.is_ancestor(r.path, c1, f1)
    assert gitio.is_ancestor(r.path, f1, f1)
    assert not gitio.is_ancestor(r.path, c3, f1)
    assert gitio.default_branch(r.path) == "refs/heads/main"
    assert gitio.merge_base_with_default(r.path) == c2

    # origin/HEAD wins over local main
    r.git("update-ref", "refs/remotes/origin/trunk", c1)
    r.git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk")
    assert gitio.default_branch(r.path) == "refs/remotes/origin/trunk"
    assert gitio.merge_base_with_default(r.path) == c1


def test_merge_base_without_default_branch(tmp_path: Path, git_env: dict[str, str]) -> None:
    r = GitRepo(tmp_path / "r", git_env, branch="develop")
    assert gitio.merge_base_with_default(r.path) is None
    r.write("a", "a\n")
    r.commit("one")
    assert gitio.default_branch(r.path) is None
    assert gitio.merge_base_with_default(r.path) is None
    r.branch("master")
    assert gitio.merge_base_with_default(r.path) == r.head()


# ------------------------------------------------------- commits & signatures


def test_commit_empty_keeps_the_index_out(git_repo: GitRepo) -> None:
    r = git_repo
    r.write("a", "a\n")
    c1 = r.commit("one")
    r.write("staged", "s\n")
    r.add("staged")
    sha = gitio.commit_empty(r.path, "Approve a\n\nSlactl-Approve: a\n", sign=False)
    assert sha == r.head() != c1
    assert r.git("rev-parse", f"{sha}^{{tree}}") == r.git("rev-parse", f"{c1}^{{tree}}")
    assert r.git("log", "-1", "--format=%B", sha) == "Approve a\n\nSlactl-Approve: a\n"
    assert r.git("log", "-1", "--format=%aI|%an", sha) == f"{PINNED_DATE.isoformat()}|{AUTHOR[0]}"
    assert gitio.file_state(r.path, "staged") == "staged"
    assert gitio.verify_commit(r.path, sha).status == "N"
    with pytest.raises(ValueError):
        gitio.commit_empty(r.path, "  \n", sign=False)


def test_signed_commit_and_verification(git_repo: GitRepo, tmp_path: Path) -> None:
    r = git_repo
    alice = r.make_ssh_key("alice")
    mallory = r.make_ssh_key("mallory")
    r.write("a", "a\n")
    r.commit("one")
    r.use_signing_key(alice)
    sha = gitio.commit_empty(r.path, "Approve\n\nSlactl-Approve: a\n", sign=True)
    allowed = signers_file(tmp_path, ("alice@example.com", alice))

    good = gitio.verify_commit(r.path, sha, allowed)
    assert good.status == "G"
    assert good.good and good.signed
    assert good.signer == "alice@example.com"
    assert good.fingerprint == alice.fingerprint()

    # a valid signature by a key that is not in the allowed signers file: 'U'
    (tmp_path / "m").mkdir()
    only_mallory = signers_file(tmp_path / "m", ("mallory@example.com", mallory))
    unknown = gitio.verify_commit(r.path, sha, only_mallory)
    assert unknown.status == "U"
    assert not unknown.good and unknown.signed
    assert unknown.signer == ""
    assert unknown.fingerprint == alice.fingerprint()

    # no allowed signers at all: still 'U' (git 2.39 alone would say 'N')
    assert gitio.verify_commit(r.path, sha, None).status == "U"
    r.config("gpg.ssh.allowedSignersFile", str(allowed))
    assert gitio.verify_commit(r.path, sha, None).status == "G"

    # tampered content: 'B'
    raw = r.git("cat-file", "commit", sha) + "\n"
    forged = r.git("hash-object", "-t", "commit", "-w", "--stdin", input=raw.replace("Approve\n", "Approved\n"))
    assert forged != sha
    assert gitio.verify_commit(r.path, forged, allowed).status == "B"


def test_signing_failure_is_a_git_error(git_repo: GitRepo) -> None:
    r = git_repo
    r.write("a", "a\n")
    before = r.commit("one")
    r.config("gpg.format", "ssh")
    r.config("user.signingkey", str(r.path.parent / "no-such-key"))
    with pytest.raises(GitError) as info:
        gitio.commit_empty(r.path, "Approve", sign=True)
    assert "signed commit failed" in str(info.value)
    assert info.value.stderr  # git's own words are kept
    assert "signingkey" in (info.value.hint or "")
    assert r.head() == before


def test_trailers_only_from_the_final_block(git_repo: GitRepo, tmp_path: Path) -> None:
    r = git_repo
    alice = r.make_ssh_key("alice")
    bob = r.make_ssh_key("bob")
    r.write("sla.yaml", "a\n")
    c0 = r.commit("Slactl-Approve: sla.yaml")  # a subject is never a trailer
    body_only = r.commit(
        "Mention\n\nSlactl-Approve: sla.yaml\nthis paragraph is prose, not trailers\n\nJust a closing remark.\n",
        allow_empty=True,
    )
    approve = r.commit_empty_signed(
        "Approve sla.yaml\n\n"
        "Slactl-Fake: in the body\n\n"
        "Slactl-Approve: sla.yaml\n"
        "slactl-blob: 0123abcd\n"
        "Slactl-Note: a long\n  folded value\n"
        "Signed-off-by: Alice <alice@example.com>\n",
        alice,
    )
    r.commit("unrelated\n\nSigned-off-by: Bob <bob@example.com>\n", allow_empty=True)
    by_bob = r.commit_empty_signed("Approve again\n\nSlactl-Approve: sla.yaml\n", bob, author="Bob <bob@example.com>")
    unsigned = r.commit("Approve unsigned\n\nSlactl-Approve: sla.yaml\n", allow_empty=True)
    allowed = signers_file(tmp_path, ("alice@example.com", alice))

    found = gitio.trailer_commits(r.path, "HEAD", "Slactl-", allowed)
    assert [c.commit for c in found] == [unsigned, by_bob, approve]
    assert body_only not in {c.commit for c in found} and c0 not in {c.commit for c in found}
    a = found[2]
    assert a.trailers == (
        ("Slactl-Approve", "sla.yaml"),
        ("slactl-blob", "0123abcd"),
        ("Slactl-Note", "a long folded value"),
        ("Signed-off-by", "Alice <alice@example.com>"),
    )
    assert a.values("SLACTL-BLOB") == ["0123abcd"]
    assert a.values("Slactl-Fake") == []
    assert a.subject == "Approve sla.yaml"
    assert a.signature is not None and a.signature.status == "G"
    assert a.signature.signer == "alice@example.com"
    assert found[1].signature is not None and found[1].signature.status == "U"
    assert found[1].author_email == "bob@example.com"
    assert found[0].signature is not None and found[0].signature.status == "N"
    assert found[0].committer_date > a.committer_date

    quick = gitio.trailer_commits(r.path, by_bob, verify=False)
    assert [c.commit for c in quick] == [by_bob, approve]
    assert all(c.signature is None for c in quick)
    sob = gitio.trailer_commits(r.path, "HEAD", "Signed-off", verify=False)
    assert [c.commit for c in sob] == [r.rev("HEAD~2"), approve]
    with pytest.raises(ValueError):
        gitio.trailer_commits(r.path, "HEAD", "Slactl-.*")


def test_trailer_commits_on_empty_repo(git_repo: GitRepo) -> None:
    assert gitio.trailer_commits(git_repo.path) == []


# ------------------------------------------------------------ allowed signers


def test_write_allowed_signers_format(tmp_path: Path) -> None:
    key = make_ssh_key(tmp_path, "me@host")
    kind, b64, comment = key.public_line.split()
    assert comment == "me@host"
    out = tmp_path / "allowed"
    gitio.write_allowed_signers([("alice@example.com", key.public_line), ("bob", f"{kind} {b64}")], out)
    assert out.read_text() == f'alice@example.com namespaces="git" {kind} {b64}\nbob namespaces="git" {kind} {b64}\n'
    gitio.write_allowed_signers([], out)
    assert out.read_text() == ""


HOSTILE_PRINCIPALS = [
    "",
    "alice bob",
    "alice\tx",
    "alice\nbob",
    'alice"',
    "alice'",
    "alice@example.com,*",
    "*",
    "a?c",
    "!alice",
    "#comment",
    'x namespaces="git" ssh-ed25519',
    "-cert-authority",
]


@pytest.mark.parametrize("principal", HOSTILE_PRINCIPALS)
def test_hostile_principal_rejected(tmp_path: Path, principal: str) -> None:
    key = make_ssh_key(tmp_path, "k").public_line
    out = tmp_path / "allowed"
    with pytest.raises(ValueError, match="principal"):
        gitio.write_allowed_signers([("ok@example.com", key), (principal, key)], out)
    assert not out.exists()  # nothing half-written
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".allowed")] == []


def test_hostile_key_lines_rejected(tmp_path: Path) -> None:
    kind, b64, _ = make_ssh_key(tmp_path, "k").public_line.split()
    bad = [
        f'{kind} {b64}\nevil namespaces="git" {kind} {b64}',
        f"cert-authority {kind} {b64}",
        f'{kind} {b64} comment with "quote"',
        f"ssh-rsa {b64}",  # type does not match the key data
        f"{kind} not*base64",
        f"{kind}",
        "",
    ]
    for key in bad:
        with pytest.raises(ValueError):
            gitio.write_allowed_signers([("alice", key)], tmp_path / "allowed")


KEY_LINE = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIERg1cidywVWVj69WoEKAwzkbGk2ZA/TuhTiILVd9Qyt"


@given(st.text(max_size=30))
def test_any_principal_is_rejected_or_one_plain_token(principal: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "allowed"
        try:
            gitio.write_allowed_signers([(principal, KEY_LINE)], out)
        except ValueError:
            return
        text = out.read_text()
    assert text == f'{principal} namespaces="git" {KEY_LINE}\n'
    assert not re.search(r"[\s,\"'*?!#\\]", principal)


# ---------------------------------------------------------------------- config


def test_config_get(git_repo: GitRepo) -> None:
    r = git_repo
    assert gitio.config_get(r.path, "gpg.format") is None
    r.config("gpg.format", "ssh")
    r.config("commit.gpgSign", "yes")
    r.config("user.signingkey", "~/.ssh/id_ed25519.pub")
    assert gitio.config_get(r.path, "gpg.format") == "ssh"
    assert gitio.config_get(r.path, "commit.gpgsign", kind="bool") == "true"
    assert gitio.config_get(r.path, "user.signingKey", kind="path") == str(Path("~/.ssh/id_ed25519.pub").expanduser())
    with pytest.raises(ValueError):
        gitio.config_get(r.path, "--list")


# -------------------------------------------------------------------- import


def test_import_is_cheap() -> None:
    code = "import sys, slactl.git; bad = {'git', 'gitdb', 'smmap', 'yaml'} & set(sys.modules); assert not bad, bad"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


def test_commands_run_through_gitpython(git_repo: GitRepo) -> None:
    """The first command that runs git imports GitPython (the top-level name ``git`` is GitPython, not us)."""
    git_repo.write("a.yaml", "a\n")
    sha = git_repo.commit("one")
    code = (
        "import sys, slactl.git as g; assert 'git' not in sys.modules; "
        f"assert g.head_commit(sys.argv[1]) == {sha!r}; "
        "import git; assert sys.modules['git'].__name__ == 'git' and hasattr(git, 'Repo'), sys.modules['git']; "
        "assert 'gitdb' in sys.modules"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    subprocess.run([sys.executable, "-c", code, str(git_repo.path)], check=True, env=env)


def test_a_git_command_shows_gitpython_by_its_top_level_name(git_repo: GitRepo) -> None:
    """The positive control of tests/cli/test_lazy_imports.py: there ``git`` in an import list is GitPython.

    Read the same way (``-X importtime``, top-level names), ``slactl history`` imports ``git``
    (GitPython), while this package shows up as ``slactl``.
    """
    from helpers_validate import EXAMPLES

    git_repo.write("sla.yaml", (EXAMPLES / "it-hr-support-fy2027.yaml").read_text(encoding="utf-8"))
    git_repo.commit("add the agreement")
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "slactl", "history", "sla.yaml", "--format", "json"],
        cwd=git_repo.path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    names = [line.rsplit("|", 1)[1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")]
    assert "slactl.git" in names
    assert "git" in {name.split(".")[0] for name in names}  # GitPython, by its own name
