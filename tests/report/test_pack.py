"""`slactl report --pack DIR` and `slactl report --verify DIR`, in a real git repository.

The agreement (tests/fixtures/report/agreement.yaml, term from 2027-01-15) is committed twice:
on 2026-12-01 with p1-response at 50% attainment, and on 2027-03-01 at 90%. So Jan and Feb 2027
are judged by the first commit, Mar 2027 on by the second (docs/report.md, "Terms in force").
Expected digests and hashes are computed here with hashlib and slactl.digest on the file text,
not read back from the code under test.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from gitrepo import GitRepo
from slactl.digest import content_digest

FIXTURE = Path(__file__).parents[1] / "fixtures" / "report" / "agreement.yaml"
FIRST = FIXTURE.read_text(encoding="utf-8")
SECOND = FIRST.replace("target: 1h, attainment: 50%", "target: 1h, attainment: 90%")
assert SECOND != FIRST

TICKETS = """id,priority,service,opened,first_response,resolved,on_hold
T1,P1,desk,2027-01-15 16:55,2027-01-19 09:10,2027-01-19 10:00,
T2,P1,desk,2027-01-20 10:00,2027-01-20 10:20,2027-01-20 11:00,
T3,P2,desk,2027-02-04 09:00,2027-02-04 09:30,2027-02-09 10:00,2027-02-05T12:00/2027-02-08T12:00
T7,P1,desk,2027-03-02 09:00,2027-03-02 09:30,2027-03-02 12:00,
T8,P1,desk,2027-03-03 09:00,2027-03-03 11:30,2027-03-03 12:00,
H1,P1,hosting,2027-02-11 10:00,2027-02-11 10:30,2027-02-11 12:00,
"""

OUTAGES = """id,service,start,end,planned
OUT-1,hosting,2027-01-20 10:00,2027-01-20 11:00,no
OUT-2,hosting,2027-02-10 00:00,2027-02-10 12:00,no
"""


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    from slactl.cli import main

    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def digest_of(text: str) -> str:
    from slactl.model import Agreement

    return content_digest(Agreement.model_validate(yaml.safe_load(text)))


@pytest.fixture
def repo(git_repo: GitRepo, tmp_path: Path) -> dict[str, Any]:
    git_repo.write("slas/agreement.yaml", FIRST)
    first = git_repo.commit("agreement", date="2026-12-01T12:00:00+00:00")
    git_repo.write("slas/agreement.yaml", SECOND)
    git_repo.write("data/tickets.csv", TICKETS)
    second = git_repo.commit("raise p1-response to 90%", date="2027-03-01T00:00:00+00:00")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "outages.csv").write_text(OUTAGES, encoding="utf-8")
    return {"git": git_repo, "first": first, "second": second, "outages": outside / "outages.csv"}


def make_pack(repo: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> Path:
    root = repo["git"].path
    pack = root / "packs" / "fy2027"
    args = [
        "report",
        str(root / "slas" / "agreement.yaml"),
        "--tickets",
        str(root / "data" / "tickets.csv"),
        "--outages",
        str(repo["outages"]),
        "--period",
        "2027-01-15..2027-03-31",
        "--as-of",
        "2027-06-01",
        "--map",
        "opened=opened",
        "--pack",
        str(pack),
    ]
    code, out, err = run_cli(args, capsys)
    assert code == 0, err
    assert out == ""  # the reports are in the pack
    assert "wrote the report pack" in err
    return pack


def test_pack_holds_reports_and_a_manifest_of_inputs_terms_and_command(
    repo: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    pack = make_pack(repo, capsys)
    root = repo["git"].path
    assert sorted(p.name for p in pack.iterdir()) == [
        "inputs",
        "manifest.json",
        "report.html",
        "report.json",
        "report.md",
    ]
    manifest = json.loads((pack / "manifest.json").read_text(encoding="utf-8"))
    from slactl import __version__

    assert manifest["slactl_version"] == __version__
    assert manifest["agreement"] == {
        "base": "repo",
        "path": "slas/agreement.yaml",
        "commit": repo["second"],
        "digest": digest_of(SECOND),
        "state": "clean",
    }
    # Terms per window: Jan and Feb by the first commit, Mar by the second.
    by_window = {(t["service_level"], t["window"]): (t["commit"], t["digest"]) for t in manifest["terms"]}
    assert by_window[("p1-response", "Jan 2027")] == (repo["first"], digest_of(FIRST))
    assert by_window[("p1-response", "Feb 2027")] == (repo["first"], digest_of(FIRST))
    assert by_window[("p1-response", "Mar 2027")] == (repo["second"], digest_of(SECOND))
    assert by_window[("hosting-availability", "Mar 2027")] == (repo["second"], digest_of(SECOND))
    # Inputs: the one in the repository by its path there, the one outside copied into the pack.
    tickets, outages = manifest["inputs"]
    assert tickets["kind"] == "tickets" and tickets["base"] == "repo"
    assert tickets["files"] == [
        {"name": "data/tickets.csv", "size": len(TICKETS.encode()), "sha256": sha256(root / "data" / "tickets.csv")}
    ]
    assert outages["base"] == "pack" and outages["path"] == "inputs/outages/outages.csv"
    assert (pack / "inputs" / "outages" / "outages.csv").read_text(encoding="utf-8") == OUTAGES
    assert outages["files"][0]["sha256"] == hashlib.sha256(OUTAGES.encode()).hexdigest()
    # The command line as given, and the options in a form that re-runs it.
    command = manifest["command"]
    assert command["argv"][:2] == ["slactl", "report"] and "--pack" in command["argv"]
    options = command["options"]
    assert options["period"] == "2027-01-15..2027-03-31"
    assert options["as_of"] == "2027-06-01T00:00:00-04:00"
    assert options["columns"] == {"opened": "opened"}
    assert options["fy_start"] == [10, 1]
    assert options["tickets"] == "data/tickets.csv" and options["surveys"] is None
    for name in ("report.md", "report.html", "report.json"):
        assert manifest["reports"][name] == sha256(pack / name)
    # The JSON report in the pack is the report (the attainment of Mar 2027 is 1 of 2 within 1h).
    report = json.loads((pack / "report.json").read_text(encoding="utf-8"))
    level = next(lv for lv in report["levels"] if lv["id"] == "p1-response")
    march = next(w for w in level["windows"] if w["label"] == "Mar 2027")
    assert (march["measured"], march["required"], march["status"]) == ("50.00", "90", "missed")


def test_a_pack_verifies(repo: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    pack = make_pack(repo, capsys)
    code, out, err = run_cli(["report", "--verify", str(pack)], capsys)
    assert code == 0, out + err
    assert "verified: 2 input file(s) unchanged" in out
    code, out, _ = run_cli(["report", "--verify", str(pack), "--format", "json"], capsys)
    verdict = json.loads(out)
    assert code == 0 and verdict["ok"] is True and verdict["values_checked"] > 100


@pytest.mark.parametrize("where", ["repo", "pack"])
def test_a_one_byte_change_to_an_input_fails_naming_the_file(
    where: str, repo: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    pack = make_pack(repo, capsys)
    if where == "repo":
        target, name = repo["git"].path / "data" / "tickets.csv", "data/tickets.csv"
        # 10:20 -> 10:21: one byte, a response one minute later
        data = target.read_bytes().replace(b"2027-01-20 10:20", b"2027-01-20 10:21")
    else:
        target, name = pack / "inputs" / "outages" / "outages.csv", "inputs/outages/outages.csv"
        data = target.read_bytes().replace(b"OUT-2", b"OUT-3")
    assert len(data) == target.stat().st_size and data != target.read_bytes()
    target.write_bytes(data)
    code, out, _err = run_cli(["report", "--verify", str(pack)], capsys)
    assert code == 1
    assert "inputs that changed (1):" in out
    assert f"  {name}: sha256 " in out


def test_changed_terms_name_the_windows_and_the_numbers(
    repo: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    pack = make_pack(repo, capsys)
    git = repo["git"]
    # History rewritten: the second commit now says 40%, not 90%.
    git.git("reset", "-q", "--hard", repo["first"])
    git.write("slas/agreement.yaml", FIRST.replace("attainment: 50%", "attainment: 40%"))
    git.write("data/tickets.csv", TICKETS)
    third = git.commit("p1-response at 40%", date="2027-03-01T00:00:00+00:00")
    code, out, _ = run_cli(["report", "--verify", str(pack), "--format", "json"], capsys)
    verdict = json.loads(out)
    assert code == 1 and verdict["ok"] is False
    assert verdict["changed_inputs"] == []
    assert any(
        line.startswith("p1-response Mar 2027: judged by commit " + third[:10]) for line in verdict["changed_terms"]
    )
    assert not any(line.startswith("p1-response Feb 2027") for line in verdict["changed_terms"])
    diffs = verdict["differences"]
    # Mar 2027: 50% measured against 90% (missed) in the pack, against 40% (met) now.
    assert 'levels[p1-response].windows[Mar 2027].required: "90" in the pack, "40" now' in diffs
    assert 'levels[p1-response].windows[Mar 2027].status: "missed" in the pack, "met" now' in diffs


def test_an_edited_report_in_the_pack_is_named(repo: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    pack = make_pack(repo, capsys)
    path = pack / "report.json"
    path.write_bytes(path.read_bytes().replace(b'"missed"', b'"met"   ', 1))
    code, out, _ = run_cli(["report", "--verify", str(pack)], capsys)
    assert code == 1
    assert "report.json: changed since the pack was written" in out


def test_verify_of_a_folder_without_a_manifest_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run_cli(["report", "--verify", str(tmp_path)], capsys)
    assert code == 2
    assert "no manifest.json: not a report pack" in err


def test_a_pack_where_a_file_is_is_refused_and_the_file_kept(
    repo: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    root = repo["git"].path
    mine = root / "notes.txt"
    mine.write_text("notes of mine\n", encoding="utf-8")
    base = ["report", str(root / "slas" / "agreement.yaml"), "--tickets", str(root / "data" / "tickets.csv")]
    code, out, err = run_cli([*base, "--period", "2027-Q1", "--pack", str(mine)], capsys)
    assert (code, out) == (2, "")
    assert f"{mine}: is not a folder: --pack writes a folder" in err
    assert mine.read_text(encoding="utf-8") == "notes of mine\n"
    code, _out, err = run_cli([*base, "--period", "2027-Q1", "--pack", str(mine / "fy2027")], capsys)
    assert code == 2  # a file in the way of the folder: a message, not an internal error
    assert f"{mine / 'fy2027'}: cannot make the pack's folder: Not a directory" in err
    assert mine.read_text(encoding="utf-8") == "notes of mine\n"


def test_verify_of_a_file_says_a_pack_is_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "report.json"
    report.write_text("{}", encoding="utf-8")
    code, _out, err = run_cli(["report", "--verify", str(report)], capsys)
    assert code == 2
    assert f"{report}: is not a folder: a report pack is a folder" in err
    assert "Errno" not in err


def test_verify_takes_no_agreement_or_data(repo: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    pack = make_pack(repo, capsys)
    code, _out, err = run_cli(["report", "x.yaml", "--verify", str(pack)], capsys)
    assert code == 2
    assert "--verify DIR takes only --format" in err


def test_a_pack_is_written_again_over_itself_but_not_over_a_users_file(
    repo: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    pack = make_pack(repo, capsys)
    make_pack(repo, capsys)  # the same pack again: slactl's own files are replaced
    (pack / "report.md").write_text("my notes\n", encoding="utf-8")
    root = repo["git"].path
    args = ["report", str(root / "slas" / "agreement.yaml"), "--tickets", str(root / "data" / "tickets.csv")]
    code, _out, err = run_cli([*args, "--as-of", "2027-06-01", "--pack", str(pack)], capsys)
    assert code == 2
    assert "report.md" in err
    assert (pack / "report.md").read_text(encoding="utf-8") == "my notes\n"


def test_a_folder_input_is_copied_file_by_file_and_verifies(
    repo: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = repo["git"].path
    monthly = tmp_path / "monthly"
    monthly.mkdir()
    header, *rows = TICKETS.splitlines()
    for month in ("2027-01", "2027-02", "2027-03"):
        part = [r for r in rows if f",{month}-" in r]
        (monthly / f"{month}.csv").write_text("\n".join([header, *part]) + "\n", encoding="utf-8")
    pack = tmp_path / "pack"
    args = ["report", str(root / "slas" / "agreement.yaml"), "--tickets", str(monthly), "--as-of", "2027-06-01"]
    code, _out, err = run_cli([*args, "--period", "2027-01-15..2027-03-31", "--pack", str(pack)], capsys)
    assert code == 0, err
    (entry,) = json.loads((pack / "manifest.json").read_text(encoding="utf-8"))["inputs"]
    assert entry["base"] == "pack" and entry["path"] == "inputs/tickets/monthly"
    assert [f["name"] for f in entry["files"]] == [f"inputs/tickets/monthly/2027-0{m}.csv" for m in (1, 2, 3)]
    assert [f["sha256"] for f in entry["files"]] == [sha256(monthly / f"2027-0{m}.csv") for m in (1, 2, 3)]
    # The pack is outside the repository: --verify finds the agreement from the current folder.
    monkeypatch.chdir(tmp_path)
    code, _out, err = run_cli(["report", "--verify", str(pack)], capsys)
    assert code == 2
    assert "slas/agreement.yaml: the agreement is recorded relative to a Git repository, and none is found" in err
    monkeypatch.chdir(root / "slas")
    code, out, _ = run_cli(["report", "--verify", str(pack)], capsys)
    assert code == 0, out
    (pack / "inputs" / "tickets" / "monthly" / "2027-04.csv").write_text(header + "\n", encoding="utf-8")
    code, out, _ = run_cli(["report", "--verify", str(pack)], capsys)
    assert code == 1
    assert "inputs/tickets/monthly/2027-04.csv: not in the pack's manifest" in out


def test_a_pack_of_a_tool_export_records_its_source_and_verifies(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """--source and its options are part of the command a pack re-runs: without them the export reads otherwise."""
    fixtures = Path(__file__).parents[1] / "fixtures"
    git_repo.write("slas/agreement.yaml", (fixtures / "report" / "agreement.yaml").read_text(encoding="utf-8"))
    git_repo.write("data/jira.csv", (fixtures / "sources" / "jira.csv").read_text(encoding="utf-8"))
    git_repo.commit("agreement and a Jira export", date="2027-04-01T00:00:00+00:00")
    root, pack = git_repo.path, git_repo.path / "packs" / "jira"
    args = ["report", str(root / "slas" / "agreement.yaml"), "--tickets", str(root / "data" / "jira.csv")]
    args += ["--source", "jira", "--source-timezone", "UTC", "--period", "2027-01-01..2027-03-31"]
    code, _out, err = run_cli([*args, "--as-of", "2028-02-01", "--pack", str(pack)], capsys)
    assert code == 0, err
    options = json.loads((pack / "manifest.json").read_text(encoding="utf-8"))["command"]["options"]
    assert options["sources"] == ["jira"] and options["source_timezone"] == "UTC"
    code, out, err = run_cli(["report", "--verify", str(pack)], capsys)
    assert code == 0, out + err
    # The same pack, told its export was slactl's own layout, no longer verifies: the source is what re-reads it.
    manifest = json.loads((pack / "manifest.json").read_text(encoding="utf-8"))
    manifest["command"]["options"]["sources"] = ["csv"]
    (pack / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    code, out, err = run_cli(["report", "--verify", str(pack)], capsys)
    assert code == 2 and "the tickets file has no column for id" in err, out + err
