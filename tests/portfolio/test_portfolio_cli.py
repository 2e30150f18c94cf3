"""`slactl list` and `slactl obligations` on the bundled examples, through the command line."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path

import icalendar
import pytest

from gitrepo import GitRepo
from helpers_validate import run_main

AS_OF = "2027-03-01"
IDS = [
    "cec-fy2027-rural-lending",
    "cec-platform-ola-fy2027",
    "cloud-compute-public-sla",
    "it-hr-support-fy2027",
    "lawyer-standard-sla",
    "northwind-colocation-fy2027",
    "public-sector-es-support",
]


@pytest.fixture
def repo(examples_repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(examples_repo.path)
    return examples_repo.path


pytestmark = pytest.mark.usefixtures("repo")


def listed(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    run = run_main(["list", "--as-of", AS_OF, "-f", "json", *args], capsys)
    assert run.code == 0, run.err
    rows: list[dict[str, object]] = json.loads(run.out)["agreements"]
    return rows


def test_list_shows_each_agreement_with_its_stage_and_dates(capsys: pytest.CaptureFixture[str]) -> None:
    rows = listed(capsys)
    assert [r["id"] for r in rows] == IDS
    cec = rows[0]
    # 2027-09-30 minus 90 days (renegotiate, 90 days' notice), counted from 2027-03-01
    assert cec["renewal_notice"] == (date(2027, 9, 30) - timedelta(days=90)).isoformat()
    assert cec["days_to_notice"] == (date(2027, 7, 2) - date(2027, 3, 1)).days
    assert cec["days_to_end"] == (date(2027, 9, 30) - date(2027, 3, 1)).days
    assert cec["stage"] == "none"  # nothing approved in this repository
    assert cec["missing"] == ["management-initial", "legal", "internal-review", "management-final", "signature"]
    assert (cec["currency"], cec["total"]) == ("USD", "448200.00")
    cloud = rows[2]
    assert (cloud["end"], cloud["days_to_end"], cloud["stage"]) == (None, None, "no stages")
    text = run_main(["list", "--as-of", AS_OF], capsys)
    assert text.code == 0
    assert "renewal notice 2027-07-02 (in 123 days); ends in 213 days" in text.out
    assert "7 of 7 agreements, as of 2027-03-01" in text.out


def test_list_stage_is_the_one_status_shows(capsys: pytest.CaptureFixture[str]) -> None:
    status = run_main(["status", "--today", AS_OF, "-f", "json"], capsys)
    judged = json.loads(status.out)
    by_path = {Path(a["path"]).name: a for a in judged["agreements"]}
    for row in listed(capsys):
        stages = by_path[Path(str(row["path"])).name]["stages"]
        assert row["missing"] == [s["stage"] for s in stages if s["state"] != "approved"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (["type=vendor"], ["northwind-colocation-fy2027", "public-sector-es-support"]),
        (
            ["type=internal,vendor"],
            [
                "cec-platform-ola-fy2027",
                "it-hr-support-fy2027",
                "northwind-colocation-fy2027",
                "public-sector-es-support",
            ],
        ),
        (["party=rlpo"], ["cec-fy2027-rural-lending"]),
        (["party=CEC", "type=vendor"], ["northwind-colocation-fy2027"]),
        (
            ["expiring=213"],
            [
                "cec-fy2027-rural-lending",
                "cec-platform-ola-fy2027",
                "it-hr-support-fy2027",
                "northwind-colocation-fy2027",
            ],
        ),
        (["expiring=212d"], []),
        (["stage=no stages"], ["cloud-compute-public-sla"]),
        (["stage=incomplete"], IDS),
        (["stage=complete"], []),
    ],
)
def test_list_filters(capsys: pytest.CaptureFixture[str], filters: list[str], expected: list[str]) -> None:
    args = [a for f in filters for a in ("--filter", f)]
    assert [r["id"] for r in listed(capsys, *args)] == expected


def test_list_sorts(capsys: pytest.CaptureFixture[str]) -> None:
    by_total = [r["id"] for r in listed(capsys, "--sort", "-total")]
    # 448,200 USD; 222,000 USD; 120,000 GBP; 84,000 EUR; 67,752 USD; unpriced last, in path order
    assert by_total == [
        "cec-fy2027-rural-lending",
        "northwind-colocation-fy2027",
        "lawyer-standard-sla",
        "public-sector-es-support",
        "it-hr-support-fy2027",
        "cec-platform-ola-fy2027",
        "cloud-compute-public-sla",
    ]
    by_notice = [r["renewal_notice"] for r in listed(capsys, "--sort", "notice")]
    assert by_notice == ["2027-06-02", "2027-07-02", "2027-07-02", "2027-08-01", "2027-09-02", "2027-10-02", None]


def test_list_csv(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_main(["list", "--as-of", AS_OF, "-f", "csv", "--filter", "type=vendor"], capsys)
    rows = list(csv.DictReader(io.StringIO(run.out)))
    assert [r["id"] for r in rows] == ["northwind-colocation-fy2027", "public-sector-es-support"]
    assert rows[0]["missing"] == "legal contracting-officer signature"
    assert rows[0]["renewal_notice"] == "2027-06-02"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--filter", "colour=red"], "cannot read the filter"),
        (["--filter", "type=partner"], "unknown agreement type"),
        (["--filter", "expiring=soon"], "not a number of days"),
        (["--sort", "price"], "cannot sort by"),
        (["--as-of", "tomorrow"], "not a date"),
    ],
)
def test_list_usage_errors(capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    run = run_main(["list", *args], capsys)
    assert run.code == 2
    assert message in run.err


def test_no_agreement_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    run = run_main(["list", str(empty)], capsys)
    assert run.code == 2
    assert "no agreement files found" in run.err


# --------------------------------------------------------------------------- obligations


def test_obligations_within_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_main(["obligations", "--as-of", AS_OF, "--within", "30d", "-f", "json"], capsys)
    assert run.code == 0
    found = json.loads(run.out)["obligations"]
    days = [date.fromisoformat(o["due"]) for o in found]
    assert days == sorted(days)
    assert all(date(2027, 3, 1) <= d <= date(2027, 3, 31) for d in days)
    kinds = {o["kind"] for o in found}
    assert {"report", "meeting", "claim-deadline", "payment"} <= kinds
    payment = next(o for o in found if o["kind"] == "payment")
    assert (payment["agreement"], payment["due"]) == ("northwind-colocation-fy2027", "2027-03-31")


def test_fail_within_exits_1_when_something_falls_due(capsys: pytest.CaptureFixture[str]) -> None:
    # The first obligation after 2027-03-02 is on 2027-03-30 (claim deadlines for February).
    assert run_main(["obligations", "--as-of", "2027-03-03", "--fail-within", "26"], capsys).code == 0
    late = run_main(["obligations", "--as-of", "2027-03-03", "--fail-within", "27"], capsys)
    assert late.code == 1
    assert "fall due within 27 days; the first: 2027-03-30" in late.err


def ics(capsys: pytest.CaptureFixture[str], *args: str) -> bytes:
    run = run_main(["obligations", "--as-of", AS_OF, "-f", "ics", *args], capsys)
    assert run.code == 0, run.err
    return run.out.encode()


def test_ics_parses_with_icalendar_and_lists_the_events(capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(run_main(["obligations", "--as-of", AS_OF, "--within", "90", "-f", "json"], capsys).out)
    cal = icalendar.Calendar.from_ical(ics(capsys, "--within", "90"))
    events = list(cal.walk("VEVENT"))
    assert len(events) == len(data["obligations"])
    for event, ob in zip(events, data["obligations"], strict=True):
        assert str(event["UID"]) == ob["uid"]
        assert event.decoded("DTSTART") == date.fromisoformat(ob["due"])
        assert event.decoded("DTEND") == date.fromisoformat(ob["due"]) + timedelta(days=1)
        assert str(event["SUMMARY"]) == f"{ob['summary']} ({ob['agreement']})"
        attendees = event.get("ATTENDEE", [])
        attendees = attendees if isinstance(attendees, list) else [attendees]
        assert sorted(str(a) for a in attendees) == sorted(f"mailto:{p['email']}" for p in ob["people"] if p["email"])
    review = next(e for e in events if str(e["SUMMARY"]).startswith("Service review"))
    people = sorted((a.params["CN"], str(a)) for a in review["ATTENDEE"])
    assert people == [
        ("Jordan Okafor", "mailto:jordan.okafor@cec.example.gov"),
        ("Samuel Ortiz", "mailto:samuel.ortiz@rlpo.example.gov"),
    ]


def test_ics_uids_are_stable_across_runs_and_days(capsys: pytest.CaptureFixture[str]) -> None:
    one = ics(capsys)
    assert ics(capsys) == one  # byte-identical
    later = run_main(["obligations", "--as-of", "2027-05-01", "-f", "ics"], capsys).out.encode()
    uids = [str(e["UID"]) for e in icalendar.Calendar.from_ical(one).walk("VEVENT")]
    later_uids = [str(e["UID"]) for e in icalendar.Calendar.from_ical(later).walk("VEVENT")]
    assert uids == later_uids
    assert len(set(uids)) == len(uids)


def test_obligations_file_is_replaced_only_when_slactl_wrote_it(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = repo / "out.ics"
    for _ in range(2):  # the second run replaces its own file
        run = run_main(["obligations", "--as-of", AS_OF, "-f", "ics", "-o", str(target)], capsys)
        assert run.code == 0, run.err
    cal = icalendar.Calendar.from_ical(target.read_bytes())
    assert len(list(cal.walk("VEVENT"))) > 100
    mine = repo / "mine.json"
    mine.write_text("{}")
    refused = run_main(["obligations", "-f", "json", "-o", str(mine)], capsys)
    assert refused.code == 2
    assert mine.read_text() == "{}"


def test_list_with_data_shows_the_credits_report_measures(capsys: pytest.CaptureFixture[str]) -> None:
    rows = {r["id"]: r for r in listed(capsys, "--data", "data")}
    for ident, tickets in (("lawyer-standard-sla", "tickets"), ("public-sector-es-support", "tickets")):
        report = run_main(
            [
                "report",
                f"{ident}.yaml",
                f"--{tickets}",
                f"data/{ident}/{tickets}.csv",
                "--period",
                "2027-02",
                "--as-of",
                "2027-03-02T00:00:00+00:00",
                "-f",
                "json",
            ],
            capsys,
        )
        assert report.code == 0, report.err
        total = json.loads(report.out)["credits"]["total"]
        assert (rows[ident]["credits_owed"], rows[ident]["credits_period"]) == (total, "2027-02")
    assert rows["lawyer-standard-sla"]["credits_owed"] == "1000.00"
    assert rows["it-hr-support-fy2027"]["credits_owed"] is None  # no data for it
