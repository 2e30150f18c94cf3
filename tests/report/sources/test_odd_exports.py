"""Odd and hostile exports: bad rows with their lines or a usage error (exit 2), never an internal error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from slactl.cli import main

FIXTURES = Path(__file__).parents[2] / "fixtures"

ZENDESK_HEAD = "Id,Group,Priority,Created at,Solved at,First reply time in minutes\n"
SN_HEAD = "task,task.priority,task.business_service,task.opened_at,task.resolved_at,sla,stage,has_breached,"
SN_HEAD += "start_time,end_time,business_duration,pause_duration\n"
ODD = {
    "pagerduty": (
        "tickets",
        "p.json",
        '{"incidents": [1, {"incident_number": 5, "created_at": 7, "acknowledgements": "x",'
        ' "escalation_policy": {}}, {"incident_number": 6, "created_at": "2027-01-20T15:00:00Z",'
        ' "acknowledgements": [{"at": "nope"}]}]}',
        3,
    ),
    "statuspage": (
        "outages",
        "s.json",
        '[{"impact": "major", "components": 5, "incident_updates": "x"}, 7,'
        ' {"id": "a", "impact": "critical", "components": [{"name": "Hosting"}], "incident_updates": [],'
        ' "started_at": "2027-01-20T15:00:00Z", "resolved_at": "later"}]',
        2,
    ),
    "uptimerobot": (
        "outages",
        "u.json",
        '{"monitors": [{"friendly_name": "Hosting", "mwindows": 3, "logs": [{"type": 1, "datetime": 1e300,'
        ' "duration": 1e300}, {"type": 1, "datetime": 1800000000, "duration": "x"}, 5]}, "m"]}',
        4,
    ),
    "zendesk": ("tickets", "z.csv", ZENDESK_HEAD + "1,Service Desk,Urgent,2027-01-20 10:00,,inf\n2,x,y,z,,1e30\n", 2),
    "servicenow": (
        "tickets",
        "n.csv",
        SN_HEAD + "INC1,1 - Critical,Hosting,2027-01-20 10:00:00,,P1 response,Completed,maybe,,,,\n"
        "INC2,1 - Critical,Hosting,2027-01-20 10:00:00,,P1 response,Completed,true,,,99999999999 Days,\n",
        2,
    ),
}


@pytest.mark.parametrize("source", sorted(ODD))
def test_odd_records_are_bad_rows(tmp_path: Path, source: str, capsys: pytest.CaptureFixture[str]) -> None:
    kind, name, text, bad = ODD[source]
    agreement = tmp_path / "agreement.yaml"
    shutil.copy(FIXTURES / "report" / "agreement.yaml", agreement)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    code = main(["report", str(agreement), f"--{kind}", str(path), "--source", source, "--as-of", "2028-01-01"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert f"{bad} bad rows" in err


@pytest.mark.parametrize("source", ["uptime-kuma", "pagerduty", "statuspage"])
def test_a_file_that_is_not_the_export_is_a_usage_error(
    tmp_path: Path, source: str, capsys: pytest.CaptureFixture[str]
) -> None:
    agreement = tmp_path / "agreement.yaml"
    shutil.copy(FIXTURES / "report" / "agreement.yaml", agreement)
    path = tmp_path / "garbage.bin"
    path.write_bytes(b"\x00\x01not what it says\xff")
    kind = "outages" if source != "pagerduty" else "tickets"
    assert main(["report", str(agreement), f"--{kind}", str(path), "--source", source]) == 2
    assert "slactl: error" in capsys.readouterr().err
