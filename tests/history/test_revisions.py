"""slactl.revisions: the revisions of a file parsed once per repository, cached in one SQLite file."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gitrepo import GitRepo
from slactl import revisions
from slactl.history import History, file_history
from slactl.report.terms import load_terms
from slactl.revisions import CACHE_FILE, Revisions, cache_dir

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ITHR = (EXAMPLES / "it-hr-support-fy2027.yaml").read_text(encoding="utf-8")
P1 = "    scope: {priority: P1}\n    target: 30 minutes\n"


def with_p1(target: str) -> str:
    assert P1 in ITHR
    return ITHR.replace(P1, P1.replace("30 minutes", target), 1)


def shown(hist: History) -> list[tuple[str, object, list[str]]]:
    """What a history says of each revision: its commit, what it parsed to, what changed."""
    return [(e.revision.commit, e.parsed, [c.sentence() for c in e.changes]) for e in hist.entries]


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the revisions parsed (in this process: the histories below run with jobs=1)."""
    count = [0]
    real = revisions._parse

    def counted(*args: Any, **kwargs: Any) -> Any:
        count[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(revisions, "_parse", counted)
    return count


@pytest.fixture
def three(git_repo: GitRepo) -> GitRepo:
    """hr.yaml in three revisions, the second one invalid."""
    git_repo.write("hr.yaml", ITHR)
    git_repo.commit("Initial draft")
    git_repo.write("hr.yaml", "apiVersion: [unclosed\n")
    git_repo.commit("Broken")
    git_repo.write("hr.yaml", with_p1("15 minutes"))
    git_repo.commit("Faster P1")
    return git_repo


def cache_files(repo: GitRepo) -> list[Path]:
    return sorted(p for p in cache_dir(repo.path).rglob("*") if p.is_file())


def test_one_file_per_repository_and_a_second_run_parses_nothing(three: GitRepo, parses: list[int]) -> None:
    first = file_history(three.path, "hr.yaml", jobs=1)
    assert parses[0] == 3
    assert cache_files(three) == [cache_dir(three.path) / CACHE_FILE]
    assert [e.status for e in first.entries] == ["valid", "invalid", "valid"]
    assert shown(first)[0][2] == [
        "Service levels › help-desk-p1-response › Target: 30 business minutes → 15 business minutes"
    ]

    again = file_history(three.path, "hr.yaml", jobs=1)
    assert parses[0] == 3  # every revision, valid or not, came from the cache
    assert shown(again) == shown(first)
    assert cache_files(three) == [cache_dir(three.path) / CACHE_FILE]


def _garbage(path: Path) -> None:
    path.write_bytes(b"this is not a database\n" * 50)


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _foreign(path: Path) -> None:
    """Another application's SQLite database under our name."""
    path.unlink()
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("CREATE TABLE parsed (anything TEXT)")
        db.execute("INSERT INTO parsed VALUES ('x')")


def _old_schema(path: Path) -> None:
    """Our application id, another format: never read as this one."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA user_version=1")


@pytest.mark.parametrize("damage", [_garbage, _truncated, _empty, _foreign, _old_schema])
def test_a_damaged_or_foreign_cache_file_is_rebuilt_and_gives_the_same_history(
    three: GitRepo, parses: list[int], damage: Callable[[Path], None]
) -> None:
    first = file_history(three.path, "hr.yaml", jobs=1)
    damage(cache_dir(three.path) / CACHE_FILE)
    parsed_before = parses[0]
    again = file_history(three.path, "hr.yaml", jobs=1)
    assert shown(again) == shown(first)
    assert parses[0] - parsed_before in (0, 3)  # an empty file holds nothing: parsed again, never wrong
    if damage is not _empty:
        assert parses[0] - parsed_before == 3
    assert cache_files(three) == [cache_dir(three.path) / CACHE_FILE]
    with contextlib.closing(sqlite3.connect(cache_dir(three.path) / CACHE_FILE)) as db:
        assert db.execute("SELECT count(*) FROM parsed").fetchone() == (3,)
    settled = parses[0]
    assert shown(file_history(three.path, "hr.yaml", jobs=1)) == shown(first)
    assert parses[0] == settled  # the rebuilt file is read again


def test_rows_of_another_slactl_version_are_not_read_and_are_dropped(
    three: GitRepo, parses: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = file_history(three.path, "hr.yaml", jobs=1)
    monkeypatch.setitem(revisions._KEYS, revisions._PARSE_SOURCES, "0.0.0-upgraded")
    monkeypatch.setitem(revisions._KEYS, revisions._DIFF_SOURCES, "0.0.0-upgraded-diff")
    again = file_history(three.path, "hr.yaml", jobs=1)
    assert parses[0] == 6  # an upgrade reads no old row
    assert shown(again) == shown(first)
    with contextlib.closing(sqlite3.connect(cache_dir(three.path) / CACHE_FILE)) as db:
        assert {v for (v,) in db.execute("SELECT version FROM parsed")} == {"0.0.0-upgraded"}
        assert {v for (v,) in db.execute("SELECT version FROM diffs")} == {"0.0.0-upgraded-diff"}


def test_a_cache_that_cannot_be_opened_costs_speed_not_correctness(three: GitRepo, parses: list[int]) -> None:
    first = file_history(three.path, "hr.yaml", jobs=1)
    target = cache_dir(three.path) / CACHE_FILE
    target.unlink()
    target.mkdir()  # nothing SQLite can open, nothing slactl removes
    (target / "keep").write_text("x")
    again = file_history(three.path, "hr.yaml", jobs=1)
    assert shown(again) == shown(first)
    assert parses[0] == 6 and (target / "keep").read_text() == "x"


def test_history_and_the_stale_approval_wording_share_the_parsed_revisions(three: GitRepo, parses: list[int]) -> None:
    file_history(three.path, "hr.yaml", jobs=1)
    done = parses[0]
    service = Revisions(three.path, "hr.yaml", jobs=1)
    try:
        dumps = service.dumps_by_digest()
    finally:
        service.close()
    assert parses[0] == done  # read from the cache history wrote
    valid = [e.parsed for e in file_history(three.path, "hr.yaml", jobs=1).entries if e.parsed and e.parsed.valid]
    assert set(dumps) == {p.digest for p in valid}
    assert all(d["metadata"]["id"] == "it-hr-support-fy2027" for d in dumps.values())


def test_terms_load_each_blob_once(git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    from slactl import documents

    git_repo.write("hr.yaml", ITHR)
    git_repo.commit("Initial draft")
    git_repo.write("hr.yaml", with_p1("15 minutes"))
    git_repo.commit("Faster P1")
    git_repo.write("hr.yaml", ITHR)
    git_repo.commit("Back to the draft")  # the first blob again
    loaded: list[bytes | None] = []
    real = documents.load_valid

    def counted(path: Path, *, kind: str | None = "Agreement", raw: bytes | None = None) -> Any:
        loaded.append(raw)
        return real(path, kind=kind, raw=raw)

    monkeypatch.setattr(documents, "load_valid", counted)
    terms = load_terms(git_repo.file("hr.yaml"))
    assert [v.source.split()[0] for v in terms.versions] == ["commit"] * 3
    assert terms.versions[0].digest == terms.versions[2].digest != terms.versions[1].digest
    assert len(loaded) == 3  # the working tree, and each of the two blobs once


def test_the_folders_of_the_old_two_files_per_revision_cache_are_removed(three: GitRepo) -> None:
    folder = cache_dir(three.path)
    old = [folder / "parsed-0.1.0-1-2513f050959a" / "ab" / "cdef", folder / "diffs-0.1.0-1-af51c36c7443" / "ab" / "c-d"]
    for path in old:
        path.parent.mkdir(parents=True)
        path.write_bytes(b"{}")
    file_history(three.path, "hr.yaml", jobs=1)
    assert cache_files(three) == [folder / CACHE_FILE]
