"""`slactl export` on the command line: files, the report of what is not expressed, exit codes,
deterministic output, no overwrite of a file slactl did not export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from export_helpers import EXAMPLES

from helpers_validate import run_main

# One level every target can hold in full: 24x7, no holidays, a rolling 30 days (Sloth's
# default period), 99.9% (below 100%, as OpenSLO needs), no credits, a closed term.
CLEAN = """\
apiVersion: slactl/v1
kind: Agreement
metadata: {id: clean-uptime, title: Uptime Terms, type: customer, structure: service-based}
parties:
  provider: {name: Acme, organization: Acme Hosting Ltd, contacts: [{name: Jo Park, role: Service Manager}]}
  customer: {}
term: {start: 2027-01-01, end: 2027-12-31}
services:
  - {id: hosting, name: Web hosting, support_hours: always}
calendars:
  always: {timezone: Europe/London, hours: 24x7}
service_levels:
  - id: uptime
    service: hosting
    metric: availability
    target: 99.9%
    window: rolling
    rolling_days: 30
"""


@pytest.mark.parametrize("target", ["openslo", "sloth", "servicenow", "jsm"])
def test_examples_export_with_what_is_not_expressed_on_stderr_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    out = tmp_path / "out"
    run = run_main(["export", "--to", target, str(EXAMPLES), "-o", str(out)], capsys)
    assert run.code == 1, run.err
    assert sorted(p.name for p in out.iterdir()) == sorted(
        line.removeprefix("wrote ").rsplit("/", 1)[-1] for line in run.out.splitlines() if line.startswith("wrote ")
    )
    assert f"not expressed in {target}: it-hr-support-fy2027/hr-satisfaction: service_levels[5].metric" in run.err
    assert "not expressed" in run.out.splitlines()[-1]


def test_json_summary_lists_the_gaps(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = run_main(["export", "--to", "openslo", str(EXAMPLES), "-o", str(tmp_path), "--format", "json"], capsys)
    assert run.code == 1
    summary = json.loads(run.out)
    assert summary["target"] == "openslo"
    assert "it-hr-support-fy2027.openslo.yaml" in summary["files"]
    assert "hris-availability" in summary["exported"]["it-hr-support-fy2027"]
    gap = next(g for g in summary["gaps"] if g["level"] == "hr-satisfaction")
    assert gap == {
        "target": "openslo",
        "agreement": "it-hr-support-fy2027",
        "level": "hr-satisfaction",
        "field": "service_levels[5].metric",
        "reason": gap["reason"],
    }
    assert "satisfaction" in gap["reason"]


@pytest.mark.parametrize("target", ["openslo", "sloth"])
def test_a_level_the_target_holds_in_full_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    source = tmp_path / "clean.yaml"
    source.write_text(CLEAN, encoding="utf-8")
    run = run_main(["export", "--to", target, str(source), "-o", str(tmp_path / "out")], capsys)
    assert (run.code, run.err) == (0, "")
    assert "1 service level of 1 agreement exported" in run.out


def test_output_is_deterministic_and_replaces_its_own_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    run_main(["export", "--to", "jsm", str(EXAMPLES), "-o", str(first)], capsys)
    run_main(["export", "--to", "jsm", str(EXAMPLES), "-o", str(second)], capsys)
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    assert all((first / n).read_bytes() == (second / n).read_bytes() for n in names)
    again = run_main(["export", "--to", "jsm", str(EXAMPLES), "-o", str(first)], capsys)
    assert again.code == 1  # the gaps again; its own files are replaced without --force


def test_a_file_slactl_did_not_export_is_kept_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mine = tmp_path / "it-hr-support-fy2027.servicenow.json"
    mine.write_text('{"hand": "written"}\n', encoding="utf-8")
    run = run_main(["export", "--to", "servicenow", str(EXAMPLES), "-o", str(tmp_path)], capsys)
    assert run.code == 2
    assert "refusing to overwrite" in run.err
    assert mine.read_text(encoding="utf-8") == '{"hand": "written"}\n'
    assert list(tmp_path.iterdir()) == [mine]  # nothing else written either
    forced = run_main(["export", "--to", "servicenow", str(EXAMPLES), "-o", str(tmp_path), "--force"], capsys)
    assert forced.code == 1
    assert json.loads(mine.read_text(encoding="utf-8"))["contract_sla"]


def test_an_exported_file_is_not_replaced_by_another_target(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The stamp names the target: a sloth file renamed to an openslo name is not openslo's to replace."""
    run_main(["export", "--to", "sloth", str(EXAMPLES), "-o", str(tmp_path)], capsys)
    sloth = tmp_path / "it-hr-support-fy2027.sloth.yaml"
    sloth.rename(tmp_path / "it-hr-support-fy2027.openslo.yaml")
    run = run_main(["export", "--to", "openslo", str(EXAMPLES), "-o", str(tmp_path)], capsys)
    assert run.code == 2


def test_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_main(["export", "--to", "nagios", str(EXAMPLES), "-o", str(tmp_path)], capsys).code == 2
    assert run_main(["export", str(EXAMPLES), "-o", str(tmp_path)], capsys).code == 2  # --to is required
    empty = tmp_path / "empty"
    empty.mkdir()
    run = run_main(["export", "--to", "jsm", str(empty), "-o", str(tmp_path / "out")], capsys)
    assert run.code == 2
    assert "no agreements found" in run.err
