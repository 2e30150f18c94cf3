"""slactl.history and `slactl history` / `slactl diff` on real temporary repositories."""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
from pathlib import Path

import pytest

from gitrepo import GitRepo
from slactl import git as gitio
from slactl.cli import main
from slactl.digest import content_digest
from slactl.history import DiffReport, History, cache_dir, diff_revisions, file_history, parse_bytes
from slactl.model import Agreement
from slactl.revisions import CACHE_FILE

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ITHR = (EXAMPLES / "it-hr-support-fy2027.yaml").read_text(encoding="utf-8")
P1 = "    scope: {priority: P1}\n    target: 30 minutes\n"
P1_ROW = (
    "| changed | Service levels › help-desk-p1-response › Target "
    "| 30 business minutes | 15 business minutes | customer |"
)


def with_p1(text: str, target: str) -> str:
    assert P1 in text
    return text.replace(P1, P1.replace("30 minutes", target), 1)


def with_termination_notice(text: str, notice: str) -> str:
    return re.sub(r"termination:\n  notice: [^\n]+", f"termination:\n  notice: {notice}", text, count=1)


def p1(old: str, new: str) -> str:
    """The sentence a change of the HR help desk's P1 response target reads as."""
    return f"Service levels › help-desk-p1-response › Target: {old} business minutes → {new} business minutes"


def digest_of(text: str) -> str:
    parsed = parse_bytes(text.encode(), "x")
    assert parsed.digest is not None
    return parsed.digest


def sentences(hist: History) -> list[list[str]]:
    return [[c.sentence() for c in e.changes] for e in hist.entries]


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    out, err = capsys.readouterr()
    assert "internal error" not in err, err
    return code, out


# --------------------------------------------------------------------------- gitio additions


def test_git_dir_and_changed_files(git_repo: GitRepo) -> None:
    git_repo.write("a.yaml", "a: 1\n")
    git_repo.write("b.yaml", "b: 1\n")
    first = git_repo.commit("two files")
    git_repo.mv("a.yaml", "sub/a.yaml")
    git_repo.rm("b.yaml")
    git_repo.write("c.yaml", "c: 1\n")
    second = git_repo.commit("rename, delete, add")
    assert gitio.git_dir(git_repo.path) == (git_repo.path / ".git").resolve()
    got = gitio.changed_files(git_repo.path, first, second)
    assert got == [
        gitio.ChangedFile("D", "b.yaml", None),
        gitio.ChangedFile("A", "c.yaml", None),
        gitio.ChangedFile("R", "sub/a.yaml", "a.yaml"),
    ]
    git_repo.write("c.yaml", "c: 2\n")
    git_repo.write("new.yaml", "n: 1\n")
    assert gitio.changed_files(git_repo.path, second) == [
        gitio.ChangedFile("M", "c.yaml", None),
        gitio.ChangedFile("A", "new.yaml", None),
    ]


def test_revisions_know_the_blob_they_replaced(git_repo: GitRepo) -> None:
    git_repo.write("a.yaml", "a: 1\n")
    git_repo.commit("add")
    git_repo.mv("a.yaml", "b.yaml")
    git_repo.write("b.yaml", "a: 1\nb: 2\n")
    git_repo.commit("rename and edit")
    newest, oldest = gitio.file_revisions(git_repo.path, "b.yaml")
    assert oldest.previous_blob_id is None
    assert newest.previous_blob_id == git_repo.rev("HEAD~1:a.yaml") == oldest.blob_id


# --------------------------------------------------------------------------- history


def test_history_follows_renames_and_says_what_changed(git_repo: GitRepo) -> None:
    git_repo.write("slas/hr.yaml", ITHR)
    first = git_repo.commit("Initial draft")
    git_repo.write("slas/hr.yaml", with_p1(ITHR, "15 minutes"))
    git_repo.commit("HR asks for a faster P1 response", author="Monica Patel <monica@example.org>")
    git_repo.mv("slas/hr.yaml", "slas/internal/hr.yaml")
    git_repo.commit("Move to internal/")
    git_repo.write("slas/internal/hr.yaml", with_termination_notice(with_p1(ITHR, "15 minutes"), "45 days"))
    git_repo.commit("Longer notice")

    hist = file_history(git_repo.path, "slas/internal/hr.yaml")
    assert [e.revision.subject for e in hist.entries] == [
        "Longer notice",
        "Move to internal/",
        "HR asks for a faster P1 response",
        "Initial draft",
    ]
    assert [e.revision.path_at_revision for e in hist.entries] == [
        "slas/internal/hr.yaml",
        "slas/internal/hr.yaml",
        "slas/hr.yaml",
        "slas/hr.yaml",
    ]
    assert hist.entries[1].revision.old_path == "slas/hr.yaml"
    assert sentences(hist) == [
        ["Termination › Notice: 30 days → 45 days"],
        [],
        [p1("30", "15")],
        [],
    ]
    assert hist.entries[2].changes[0].favour == "customer"
    assert hist.entries[-1].compared_with is None
    assert hist.entries[0].compared_with == hist.entries[1].revision.commit
    assert hist.entries[-1].revision.commit == first
    assert hist.entries[-1].parsed is not None and hist.entries[-1].parsed.digest == digest_of(ITHR)


def test_an_invalid_revision_is_shown_not_skipped(git_repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    git_repo.write("hr.yaml", ITHR)
    good = git_repo.commit("Initial draft")
    git_repo.write("hr.yaml", with_p1(ITHR, "soon"))
    git_repo.commit("Oops")
    git_repo.write("hr.yaml", with_p1(ITHR, "20 minutes"))
    git_repo.commit("Fix the target")

    hist = file_history(git_repo.path, "hr.yaml")
    assert [e.status for e in hist.entries] == ["valid", "invalid", "valid"]
    broken = hist.entries[1]
    assert broken.parsed is not None and broken.parsed.findings
    assert broken.parsed.findings[0].file == "hr.yaml"
    assert "soon" in broken.parsed.findings[0].message
    # where `slactl validate` would point: the revision was loaded whole for its findings
    text = with_p1(ITHR, "soon")
    line, row = next((n, row) for n, row in enumerate(text.splitlines(), 1) if "soon" in row)
    finding = broken.parsed.findings[0]
    assert (finding.line, finding.column) == (line, row.index("soon") + 1)
    # the fix is compared with the last valid revision
    assert hist.entries[0].compared_with == good
    assert sentences(hist)[0] == [p1("30", "20")]

    code, out = run_cli(["history", str(git_repo.file("hr.yaml"))], capsys)
    assert code == 0
    assert "NOT VALID at this revision (1 finding):" in out
    assert "SLA020" in out


def test_a_merge_from_a_branch(git_repo: GitRepo) -> None:
    git_repo.write("hr.yaml", ITHR)
    git_repo.commit("Initial draft")
    git_repo.branch("hr-proposal")
    git_repo.checkout("hr-proposal")
    git_repo.write("hr.yaml", with_p1(ITHR, "15 minutes"))
    proposal = git_repo.commit("HR proposal")
    git_repo.checkout("main")
    git_repo.write("hr.yaml", with_termination_notice(ITHR, "45 days"))
    git_repo.commit("IT: longer notice")
    merge = git_repo.merge("hr-proposal", "Merge the HR proposal")

    hist = file_history(git_repo.path, "hr.yaml")
    commits = [e.revision.commit for e in hist.entries]
    assert commits[0] == merge and hist.entries[0].revision.is_merge
    assert proposal in commits
    merged = git_repo.read("hr.yaml")
    assert "target: 15 minutes" in merged and "notice: 45 days" in merged
    assert hist.entries[0].parsed is not None and hist.entries[0].parsed.digest == digest_of(merged)
    by_commit = {e.revision.commit: e for e in hist.entries}
    # each commit is compared with its first parent: the branch's commit with the draft it
    # started from (not with main's later notice change), the merge with main's side
    branch = by_commit[proposal]
    assert [c.sentence() for c in branch.changes] == [p1("30", "15")]
    assert by_commit[branch.compared_with or ""].revision.subject == "Initial draft"
    assert [c.sentence() for c in hist.entries[0].changes] == [p1("30", "15")]
    assert by_commit[hist.entries[0].compared_with or ""].revision.subject == "IT: longer notice"
    assert all(e.status == "valid" for e in hist.entries)


def test_approvals_are_shown_where_they_happened(git_repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    git_repo.write("hr.yaml", ITHR)
    draft = git_repo.commit("Initial draft")
    approve = (
        "Approve {stage}\n\nSlactl-Agreement: it-hr-support-fy2027\nSlactl-Approval: {stage}\nSlactl-Digest: {digest}\n"
    )
    git_repo.commit(approve.format(stage="management-initial", digest=digest_of(ITHR)), allow_empty=True)
    git_repo.write("hr.yaml", with_p1(ITHR, "15 minutes"))
    changed = git_repo.commit("Faster P1")
    git_repo.commit(approve.format(stage="legal", digest=digest_of(ITHR)), allow_empty=True)  # the old digest

    hist = file_history(git_repo.path, "hr.yaml")
    newest, oldest = hist.entries
    assert newest.revision.commit == changed and oldest.revision.commit == draft
    assert [(m.stage, m.matches, m.signature) for m in newest.approvals] == [("legal", False, "N")]
    assert [(m.stage, m.matches) for m in oldest.approvals] == [("management-initial", True)]

    code, out = run_cli(["history", str(git_repo.file("hr.yaml"))], capsys)
    assert code == 0
    blocks = out.split("\n\n")
    assert "approval 'legal'" in blocks[1] and "does NOT match" in blocks[1] and "Faster P1" in blocks[1]
    assert "approval 'management-initial'" in blocks[2] and "matches this revision" in blocks[2]
    assert "signature unsigned" in blocks[2]


def test_a_signed_approval_shows_its_signature(git_repo: GitRepo, tmp_path: Path) -> None:
    git_repo.write("hr.yaml", ITHR)
    git_repo.commit("Initial draft")
    key = git_repo.make_ssh_key("marcus")
    git_repo.commit_empty_signed(
        "Approve\n\nSlactl-Agreement: it-hr-support-fy2027\nSlactl-Approval: legal\n"
        f"Slactl-Digest: {digest_of(ITHR)}\n",
        key,
    )
    signers = tmp_path / "allowed_signers"
    gitio.write_allowed_signers([("marcus@example.org", key.public_line)], signers)
    (mark,) = file_history(git_repo.path, "hr.yaml", allowed_signers=signers).entries[0].approvals
    assert (mark.signature, mark.signer, mark.matches) == ("G", "marcus@example.org", True)


def test_history_checks_signatures_against_the_repository_roster(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    marcus, mallory = git_repo.make_ssh_key("marcus"), git_repo.make_ssh_key("mallory")
    git_repo.write(
        "slactl.yaml",
        "people:\n  - name: Marcus Lee\n    email: marcus@example.org\n    roles: [legal]\n"
        f"    ssh_keys: ['{marcus.public_line}']\n",
    )
    git_repo.write("hr.yaml", ITHR)
    git_repo.commit("Initial draft")
    message = (
        "Approve {stage}\n\nSlactl-Agreement: it-hr-support-fy2027\nSlactl-Approval: {stage}\n"
        f"Slactl-Digest: {digest_of(ITHR)}\n"
    )
    git_repo.commit_empty_signed(message.format(stage="legal"), marcus)
    git_repo.commit_empty_signed(message.format(stage="management-final"), mallory)
    code, out = run_cli(["history", str(git_repo.file("hr.yaml"))], capsys)
    assert code == 0
    assert "approval 'legal' of it-hr-support-fy2027 by " in out
    assert "signature good (marcus@example.org)" in out
    assert "approval 'management-final'" in out and "key is not in the allowed signers" in out


# --------------------------------------------------------------------------- the cache


def cache_files(repo: GitRepo) -> list[Path]:
    return sorted(p for p in cache_dir(repo.path).rglob("*") if p.is_file())


def cache_rows(repo: GitRepo) -> dict[tuple[str, ...], tuple[object, ...]]:
    """Every row of the cache file: ("parsed", blob) or ("diffs", a, b) -> the whole row."""
    with contextlib.closing(sqlite3.connect(cache_dir(repo.path) / CACHE_FILE)) as db:
        parsed = {("parsed", r[1]): r for r in db.execute("SELECT * FROM parsed")}
        bodies = {("bodies", r[1]): r for r in db.execute("SELECT * FROM bodies")}
        diffs = {("diffs", r[1], r[2]): r for r in db.execute("SELECT * FROM diffs")}
    return parsed | bodies | diffs


def cache_edit(repo: GitRepo, sql: str, *args: object) -> None:
    with contextlib.closing(sqlite3.connect(cache_dir(repo.path) / CACHE_FILE)) as db, db:
        db.execute(sql, args)


def test_the_cache_is_written_read_and_rebuilt_when_corrupt(git_repo: GitRepo) -> None:
    git_repo.write("hr.yaml", ITHR)
    git_repo.commit("Initial draft")
    git_repo.write("hr.yaml", with_p1(ITHR, "15 minutes"))
    git_repo.commit("Faster P1")
    assert not cache_dir(git_repo.path).exists()

    first = file_history(git_repo.path, "hr.yaml")
    assert cache_files(git_repo) == [cache_dir(git_repo.path) / CACHE_FILE]  # one file, not one per revision
    good = cache_rows(git_repo)
    parsed = [k for k in good if k[0] == "parsed"]
    assert len(parsed) == 2 and len(good) == 5  # their two bodies, and one diff
    assert cache_dir(git_repo.path).is_relative_to(git_repo.path / ".git")

    cache_edit(git_repo, "UPDATE bodies SET body = ? WHERE blob = ?", b"garbage", parsed[0][1])
    body = good[("bodies", parsed[1][1])][2]
    assert isinstance(body, bytes)
    cache_edit(git_repo, "UPDATE bodies SET body = ? WHERE blob = ?", body[:-40], parsed[1][1])  # truncated
    cache_edit(git_repo, "UPDATE diffs SET changes = ?", b'{"format": "something else"}')
    again = file_history(git_repo.path, "hr.yaml")
    assert sentences(again) == sentences(first)
    assert [e.parsed for e in again.entries] == [e.parsed for e in first.entries]
    assert cache_rows(git_repo) == good  # rebuilt, byte for byte


def test_a_cache_entry_whose_body_was_edited_is_not_trusted(git_repo: GitRepo) -> None:
    git_repo.write("hr.yaml", ITHR)
    git_repo.commit("Initial draft")
    file_history(git_repo.path, "hr.yaml")
    cache_edit(git_repo, "UPDATE parsed SET doc_id = 'forged-id-0000000000', digest = 'sha256:' || hex(zeroblob(32))")
    hist = file_history(git_repo.path, "hr.yaml")
    assert hist.entries[0].parsed is not None and hist.entries[0].parsed.digest == digest_of(ITHR)
    assert hist.entries[0].parsed.document_id == "it-hr-support-fy2027"
    assert not any(b"forged" in str(row).encode() for row in cache_rows(git_repo).values())


def test_no_cache_leaves_nothing_behind(git_repo: GitRepo) -> None:
    git_repo.write("hr.yaml", ITHR)
    git_repo.commit("Initial draft")
    git_repo.write("hr.yaml", with_p1(ITHR, "15 minutes"))
    git_repo.commit("Faster P1")
    hist = file_history(git_repo.path, "hr.yaml", use_cache=False)
    assert sentences(hist)[0] == [p1("30", "15")]
    assert not cache_dir(git_repo.path).exists()


def test_many_revisions_in_a_pool_match_the_serial_result(git_repo: GitRepo) -> None:
    git_repo.write("hr.yaml", ITHR)
    git_repo.commit("r0")
    for i in range(1, 30):
        git_repo.write("hr.yaml", with_p1(ITHR, f"{10 + i} minutes"))
        git_repo.commit(f"r{i}")
    pooled = file_history(git_repo.path, "hr.yaml", jobs=2, use_cache=False)
    serial = file_history(git_repo.path, "hr.yaml", jobs=1, use_cache=False)
    assert len(pooled.entries) == 30
    assert sentences(pooled) == sentences(serial)
    assert sentences(pooled)[0] == [p1("38", "39")]


def test_a_pool_diffs_across_invalid_revisions_chunks_and_a_half_warm_cache(git_repo: GitRepo) -> None:
    git_repo.write("hr.yaml", ITHR)
    git_repo.commit("r0")
    for i in range(1, 60):
        invalid = i % 13 == 0 or i == 20  # r20 would repeat r0's blob
        git_repo.write("hr.yaml", "apiVersion: [unclosed\n" if invalid else with_p1(ITHR, f"{10 + i} minutes"))
        git_repo.commit(f"r{i}")
    serial = file_history(git_repo.path, "hr.yaml", jobs=1, use_cache=False)
    pooled = file_history(git_repo.path, "hr.yaml", jobs=2)
    assert sentences(pooled) == sentences(serial)
    assert [e.parsed for e in pooled.entries] == [e.parsed for e in serial.entries]
    assert [e.compared_with for e in pooled.entries] == [e.compared_with for e in serial.entries]
    r53, r52, r51 = pooled.entries[6:9]  # newest first; r52 is invalid
    assert r52.status == "invalid" and r53.compared_with == r51.revision.commit and len(r53.changes) == 1
    assert sentences(pooled)[58] == [p1("30", "11")]
    good = cache_rows(git_repo)
    assert len([k for k in good if k[0] == "diffs"]) == 54  # one a compared pair: 60 revisions, 5 invalid, r0 with none
    assert cache_files(git_repo) == [cache_dir(git_repo.path) / CACHE_FILE]
    for key in sorted(good)[::2]:  # every other row gone: parsed ones and diffs across all chunks
        if key[0] in ("parsed", "bodies"):
            cache_edit(git_repo, f"DELETE FROM {key[0]} WHERE blob = ?", key[1])
        else:
            cache_edit(git_repo, "DELETE FROM diffs WHERE a = ? AND b = ?", key[1], key[2])
    again = file_history(git_repo.path, "hr.yaml", jobs=2)
    assert sentences(again) == sentences(serial)
    now = cache_rows(git_repo)
    assert all(now[k] == row for k, row in good.items())  # rebuilt, byte for byte
    # A chunk of scattered misses may also diff a pair the history does not show: a true row all the same.
    assert all(k[0] == "diffs" for k in set(now) - set(good))


def test_history_of_a_file_never_committed(git_repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    git_repo.write("other.txt", "x\n")
    git_repo.commit("something")
    git_repo.write("hr.yaml", ITHR)
    code = main(["history", str(git_repo.file("hr.yaml"))])
    assert code == 2
    assert "never committed" in capsys.readouterr().err


def test_history_json_and_markdown(git_repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    git_repo.write("hr.yaml", ITHR)
    git_repo.commit("Initial draft")
    git_repo.write("hr.yaml", with_p1(ITHR, "15 minutes"))
    git_repo.commit("Faster P1")
    code, out = run_cli(["history", str(git_repo.file("hr.yaml")), "--format", "json"], capsys)
    doc = json.loads(out)
    assert code == 0 and doc["path"] == "hr.yaml"
    assert [r["subject"] for r in doc["revisions"]] == ["Faster P1", "Initial draft"]
    assert doc["revisions"][0]["changes"][0]["favour"] == "customer"
    assert doc["revisions"][1]["parsed"]["digest"] == digest_of(ITHR)
    code, out = run_cli(["history", str(git_repo.file("hr.yaml")), "--format", "markdown"], capsys)
    assert out.startswith("## History of `hr.yaml`\n")
    assert P1_ROW in out


# --------------------------------------------------------------------------- diff


def pull_request(git_repo: GitRepo) -> tuple[str, str]:
    """main: draft, then a notice change after the branch point; branch: a P1 change. Returns (base, tip)."""
    git_repo.write("slas/hr.yaml", ITHR)
    base = git_repo.commit("Initial draft")
    git_repo.branch("faster-p1")
    git_repo.write("slas/hr.yaml", with_termination_notice(ITHR, "45 days"))
    git_repo.commit("Longer notice on main")
    git_repo.checkout("faster-p1")
    git_repo.write("slas/hr.yaml", with_p1(ITHR, "15 minutes"))
    tip = git_repo.commit("Faster P1")
    return base, tip


def test_diff_defaults_to_the_merge_base_with_main(git_repo: GitRepo) -> None:
    base, _ = pull_request(git_repo)
    report = diff_revisions(git_repo.path, None, None)
    assert (report.base, report.base_label, report.target) == (base, "merge base with main", None)
    (item,) = report.files
    assert (item.path, item.status) == ("slas/hr.yaml", "modified")
    # only what the branch changes: main's later notice change is not part of it
    assert [c.sentence() for c in item.changes] == [p1("30", "15")]
    assert report.has_changes


def test_diff_of_the_working_tree_and_of_a_new_file(git_repo: GitRepo) -> None:
    git_repo.write("slas/hr.yaml", ITHR)
    git_repo.write("README.md", "notes\n")
    git_repo.commit("Initial draft")
    git_repo.write("slas/hr.yaml", with_termination_notice(ITHR, "90 days"))
    git_repo.write("slas/copy.yaml", ITHR.replace("id: it-hr-support-fy2027", "id: it-hr-copy"))
    git_repo.write("slas/not-slactl.yaml", "just: yaml\n")
    report = diff_revisions(git_repo.path, "HEAD", None)
    assert report.target is None and report.target_label == "working tree"
    assert [(f.path, f.status) for f in report.files] == [("slas/copy.yaml", "added"), ("slas/hr.yaml", "modified")]
    assert report.files[1].changes[0].sentence() == "Termination › Notice: 30 days → 90 days"
    assert report.files[1].changes[0].favour == "customer"


def test_diff_between_two_commits_with_paths_renames_and_deletions(git_repo: GitRepo) -> None:
    git_repo.write("a.yaml", ITHR)
    git_repo.write("gone.yaml", ITHR.replace("id: it-hr-support-fy2027", "id: it-hr-gone"))
    first = git_repo.commit("two agreements")
    git_repo.mv("a.yaml", "b.yaml")
    git_repo.write("b.yaml", with_p1(ITHR, "45 minutes"))
    git_repo.rm("gone.yaml")
    second = git_repo.commit("rename, loosen, delete")

    everything = diff_revisions(git_repo.path, first, second)
    assert [(f.path, f.old_path, f.status) for f in everything.files] == [
        ("b.yaml", "a.yaml", "renamed"),
        ("gone.yaml", None, "deleted"),
    ]
    assert everything.files[0].changes[0].favour == "provider"
    assert everything.files[1].has_changes

    one = diff_revisions(git_repo.path, first, second, ["b.yaml"])
    assert [f.path for f in one.files] == ["b.yaml"] and one.files[0].changes
    backwards = diff_revisions(git_repo.path, second, first, ["gone.yaml"])
    assert [(f.path, f.status) for f in backwards.files] == [("gone.yaml", "added")]


def test_a_comment_only_change_changes_no_terms(git_repo: GitRepo) -> None:
    git_repo.write("hr.yaml", ITHR)
    git_repo.commit("Initial draft")
    git_repo.write("hr.yaml", "# reviewed by legal\n" + ITHR.replace("target: 2h", "target: 120 minutes"))
    report = diff_revisions(git_repo.path, "HEAD", None, ["hr.yaml"])
    (item,) = report.files
    assert item.status == "modified" and item.content_differs
    assert item.changes == [] and not report.has_changes


def test_diff_exit_code_and_revision_arguments(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, tip = pull_request(git_repo)
    monkeypatch.chdir(git_repo.path)
    code, out = run_cli(["diff", "--exit-code"], capsys)
    assert code == 1
    assert "slas/hr.yaml: modified, 1 change" in out
    assert "+ " not in out and "~ Service levels › help-desk-p1-response › Target" in out
    assert "[customer's favour]" in out
    code, out = run_cli(["diff", "--exit-code", "HEAD"], capsys)
    assert code == 0 and "No slactl file changed." in out
    code, out = run_cli(["diff", "--exit-code", base, tip, "slas/hr.yaml"], capsys)
    assert code == 1 and "Target: 30 business minutes → 15 business minutes" in out
    code, out = run_cli(["diff", tip, base, "slas/hr.yaml", "--format", "json"], capsys)
    doc = json.loads(out)
    assert code == 0 and doc["changed"] is True
    assert doc["files"][0]["changes"][0]["favour"] == "provider"  # backwards: the target loosens
    code = main(["diff", "HEAD", "slas/missing.yaml"])
    assert code == 2 and "no such file" in capsys.readouterr().err


def test_diff_markdown_is_a_pull_request_comment(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pull_request(git_repo)
    monkeypatch.chdir(git_repo.path)
    git_repo.write("slas/new.yaml", ITHR.replace("id: it-hr-support-fy2027", "id: it-hr-new"))
    code, out = run_cli(["diff", "--format", "markdown"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "## slactl diff"
    assert lines[2].startswith("Comparing ") and "(merge base with main) → the working tree" in lines[2]
    assert "### `slas/hr.yaml`" in lines and "### `slas/new.yaml`" in lines
    table = lines.index("| Change | Field | Before | After | In favour of |")
    assert lines[table + 1] == "|---|---|---|---|---|"
    assert lines[table + 2] == P1_ROW
    assert "File added (Agreement `it-hr-new`)." in lines

    git_repo.file("slas/new.yaml").unlink()
    git_repo.checkout("main")  # on main with a clean tree: the merge base is HEAD, nothing changed
    code, out = run_cli(["diff", "--format", "markdown"], capsys)
    assert code == 0
    assert "**No change of terms** in any agreement." in out


def test_diff_reports_an_invalid_side(git_repo: GitRepo) -> None:
    git_repo.write("hr.yaml", ITHR)
    git_repo.commit("Initial draft")
    git_repo.write("hr.yaml", with_p1(ITHR, "whenever"))
    report: DiffReport = diff_revisions(git_repo.path, "HEAD", None, ["hr.yaml"])
    (item,) = report.files
    assert item.invalid and item.new is not None and not item.new.valid
    assert item.changes == [] and report.has_changes


def test_parse_bytes_digest_is_the_content_digest() -> None:
    parsed = parse_bytes(ITHR.encode(), "hr.yaml")
    from slactl.loading import load_text

    assert parsed.digest == content_digest(Agreement.model_validate(load_text(ITHR).data))


def test_revisions_loaded_piece_by_piece_read_as_each_loaded_whole(git_repo: GitRepo) -> None:
    # A history reuses the unchanged pieces of the revision before; each entry must still say
    # exactly what loading that revision on its own says (parse_bytes loads whole).
    texts = [
        ITHR,
        with_p1(ITHR, "20 minutes"),
        "# a comment on top\n" + with_p1(ITHR, "20 minutes").replace("\n\n", "\n"),  # layout only
        with_p1(ITHR, "20 minutes").replace("service_levels:\n", "service_levels:\n  # reordered below\n", 1),
        with_p1(ITHR, 'later"'),  # an unterminated quote: not valid YAML
        with_p1(ITHR, "25 minutes"),
        with_p1(ITHR, "25 minutes") + "service_levels: []\n",  # a duplicate top-level key
        with_p1(ITHR, "30 minutes"),
    ]
    for n, text in enumerate(texts):
        git_repo.write("hr.yaml", text)
        git_repo.commit(f"revision {n}")
    hist = file_history(git_repo.path, "hr.yaml", use_cache=False)
    got = [(e.parsed.kind, e.parsed.digest, [f.code for f in e.parsed.findings]) for e in reversed(hist.entries)]
    expected = []
    for text in texts:
        whole = parse_bytes(text.encode(), "hr.yaml")
        expected.append((whole.kind, whole.digest, [f.code for f in whole.findings]))
    assert got == expected
    assert [kind is None for kind, _, _ in got] == [False, False, False, False, True, False, True, False]


class Recorder:
    """A Progress that keeps what it was told."""

    def __init__(self) -> None:
        self.totals: list[int] = []
        self.done = 0

    def start(self, total: int) -> None:
        self.totals.append(total)

    def advance(self, done: int) -> None:
        self.done += done


@pytest.mark.parametrize("jobs", [1, 2])
def test_progress_hears_of_the_revisions_parsed_and_of_none_when_cached(git_repo: GitRepo, jobs: int) -> None:
    for n in range(30):  # enough for the pool (two chunks at least)
        git_repo.write("hr.yaml", with_p1(ITHR, f"{10 + n} minutes"))
        git_repo.commit(f"revision {n}")
    cold = Recorder()
    file_history(git_repo.path, "hr.yaml", jobs=jobs, progress=cold)
    assert cold.totals == [30] and cold.done == 30
    warm = Recorder()
    file_history(git_repo.path, "hr.yaml", jobs=jobs, progress=warm)
    assert warm.totals == [0] and warm.done == 0
