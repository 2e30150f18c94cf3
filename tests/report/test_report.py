"""`slactl report`: measured values computed by hand from tests/fixtures/report/agreement.yaml.

Term 2027-01-15 .. 2028-01-14 (January is a partial window of 17 days); business calendar
Mon-Fri 08:00-17:00 America/New_York with federal holidays and 2027-03-17 closed.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from slactl.errors import SlactlError
from slactl.report import Report, build_report
from slactl.report.render import to_html, to_json, to_markdown

FIXTURE = Path(__file__).parents[1] / "fixtures" / "report" / "agreement.yaml"
NOW = datetime(2028, 2, 1, tzinfo=UTC)

TICKETS = """id,priority,service,opened,first_response,resolved,on_hold
T1,P1,desk,2027-01-15 16:55,2027-01-19 09:10,2027-01-19 10:00,
T2,P1,desk,2027-01-20 10:00,2027-01-20 10:20,2027-01-20 11:00,
T3,P2,desk,2027-02-04 09:00,2027-02-04 09:30,2027-02-09 10:00,2027-02-05T12:00/2027-02-08T12:00
T4,P3,desk,2027-03-13 12:00,2027-03-13 12:05,2027-03-15 12:00,
T5,P3,desk,2027-03-13T12:00-05:00,2027-03-13T12:05-05:00,2027-03-15T12:00-04:00,
T6,P2,desk,2027-03-16 16:00,2027-03-16 16:10,2027-03-18 09:00,
H1,P1,hosting,2027-02-11 10:00,2027-02-11 10:30,2027-02-11 12:00,
"""

OUTAGES = """id,service,start,end,planned
PATCH-1,hosting,2027-01-17 02:00,2027-01-17 04:00,yes
OUT-1,hosting,2027-01-20 10:00,2027-01-20 11:00,no
CHG-SAT,hosting,2027-01-23 22:00,2027-01-23 22:30,yes
OUT-2,hosting,2027-02-10 00:00,2027-02-10 12:00,no
S-PATCH,storage,2027-01-24 02:00,2027-01-24 03:00,yes
S-1,storage,2027-01-25 10:00,2027-01-25 10:10,no
"""

SURVEYS = """ticket,date,score
T1,,3
T2,2027-01-21,5
T99,,1
"""


@pytest.fixture
def agreement(tmp_path: Path) -> Path:
    target = tmp_path / "agreement.yaml"
    shutil.copy(FIXTURE, target)
    return target


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def report(tmp_path: Path, agreement: Path) -> Report:
    return build_report(
        agreement,
        tickets=write(tmp_path, "tickets.csv", TICKETS),
        outages=write(tmp_path, "outages.csv", OUTAGES),
        surveys=write(tmp_path, "surveys.csv", SURVEYS),
        period="2027-01-01..2027-03-31",
        now=NOW,
    )


def window(report: Report, level: str, label: str) -> Any:
    lr = next(lr for lr in report.levels if lr.id == level)
    return next(w for w in lr.windows if w.window.label == label)


# --------------------------------------------------------------------------- the clock


def test_friday_before_a_monday_federal_holiday(report: Report) -> None:
    # Fri 16:55-17:00 (5 min), Mon 2027-01-18 is Martin Luther King Jr. Day, Tue 08:00-09:10 (70 min).
    jan = window(report, "p1-response", "Jan 2027")
    assert jan.detail["tickets"] == 2 and jan.detail["met"] == 1
    assert jan.measured == Decimal(50) and jan.status == "met" and jan.margin == 0
    (miss,) = jan.misses
    assert miss.ref == "T1"
    assert miss.value.total_seconds() == 75 * 60
    assert miss.over is not None and miss.over.total_seconds() == 15 * 60


def test_on_hold_across_a_weekend(report: Report) -> None:
    # Thu 8h + Fri 9h + Mon 9h + Tue 2h = 28h, minus hold Fri 12-17 (5h) and Mon 8-12 (4h) = 19h;
    # 2 business days = 2 x 9h = 18h, so one hour over.
    feb = window(report, "p2-resolution", "Feb 2027")
    assert feb.status == "missed" and feb.measured == 0
    (miss,) = feb.misses
    assert (miss.ref, miss.value.total_seconds(), miss.over.total_seconds()) == ("T3", 19 * 3600, 3600)


def test_agreement_calendar_holiday_is_closed(report: Report) -> None:
    # Tue 16:00-17:00, Wed 2027-03-17 is the calendar's own holiday, Thu 08:00-09:00: 2 business hours.
    mar = window(report, "p2-resolution", "Mar 2027")
    assert mar.status == "met"
    assert mar.detail["mean_elapsed"].total_seconds() == 2 * 3600


def test_dst_change_and_naive_vs_offset_timestamps(report: Report) -> None:
    # Sat 12:00 EST to Mon 12:00 EDT on a 24x7 calendar is 47 real hours (the clocks sprang forward).
    mar = window(report, "p3-wall", "Mar 2027")
    assert mar.detail["tickets"] == 2 and mar.detail["missed"] == 2
    refs = sorted(m.ref for m in mar.misses)
    assert refs == ["T4", "T5"]
    assert {m.value.total_seconds() for m in mar.misses} == {47 * 3600}
    assert {m.over.total_seconds() for m in mar.misses} == {3600}


# --------------------------------------------------------------------------- availability


def test_availability_with_maintenance_and_a_partial_month(report: Report) -> None:
    # Jan 15-31 = 17 days = 24,480 min; the Sunday patch (120 min) is excluded; 60 min down plus
    # a 'planned' Saturday change outside the window (30 min) = 90 min: 24,270 / 24,360.
    jan = window(report, "hosting-availability", "Jan 2027")
    assert jan.window.partial and jan.window.days == 17
    assert jan.detail["measured_time"].total_seconds() == 24360 * 60
    assert jan.detail["downtime"].total_seconds() == 90 * 60
    assert jan.measured == Decimal(24270) * 100 / Decimal(24360)
    assert jan.status == "missed"
    assert any("outside the declared maintenance window" in n for n in jan.notes)
    assert [m.ref for m in jan.misses] == ["OUT-1", "CHG-SAT"]
    assert "counted as unplanned" in jan.misses[1].note


def test_outages_on_a_round_the_clock_calendar_count_their_spans(tmp_path: Path, agreement: Path) -> None:
    # hosting-availability's calendar is 24x7 (New York) with no holidays: each outage counts
    # its span to the microsecond, cut at the window's edges; overlapping ones count once; an
    # outage of no length is no miss. Worked by hand.
    outages = write(
        tmp_path,
        "outages.csv",
        "id,service,start,end,planned\n"
        "A,hosting,2027-03-31T23:59:30.250000-04:00,2027-04-01T00:00:10.500001-04:00,no\n"
        "B,hosting,2027-03-10T10:00:00.000001-05:00,2027-03-10T10:00:20-05:00,no\n"
        "C,hosting,2027-03-10T10:00:05-05:00,2027-03-10T10:00:07.5-05:00,no\n"
        "D,hosting,2027-03-12T08:00:00-05:00,2027-03-12T08:00:00-05:00,no\n",
    )
    report = build_report(agreement, outages=outages, period="2027-Q2", now=NOW)
    april = window(report, "hosting-availability", "Apr 2027")
    assert [(m.ref, m.value) for m in april.misses] == [("A", timedelta(seconds=10, microseconds=500001))]
    assert april.detail["downtime"] == timedelta(seconds=10, microseconds=500001)
    assert april.detail["window_time"] == timedelta(days=30)
    report = build_report(agreement, outages=outages, period="2027-Q1", now=NOW)
    march = window(report, "hosting-availability", "Mar 2027")
    assert [(m.ref, m.value) for m in march.misses] == [
        ("A", timedelta(seconds=29, microseconds=750000)),
        ("B", timedelta(seconds=19, microseconds=999999)),
        ("C", timedelta(seconds=2, microseconds=500000)),
    ]
    # B and C overlap: 19.999999 s once, and A's 29.75 s before midnight.
    assert march.detail["downtime"] == timedelta(seconds=49, microseconds=749999)
    assert march.detail["window_time"] == timedelta(days=31) - timedelta(hours=1)  # the clocks went forward


def test_planned_maintenance_counted_as_up(report: Report) -> None:
    jan = window(report, "storage-availability", "Jan 2027")
    assert jan.detail["measured_time"].total_seconds() == 24480 * 60
    assert jan.detail["planned_time"].total_seconds() == 60 * 60
    assert jan.measured == Decimal(24470) * 100 / Decimal(24480)
    assert jan.status == "met"


# --------------------------------------------------------------------------- credits


def test_credit_prorated_for_the_partial_month(report: Report) -> None:
    jan = window(report, "hosting-availability", "Jan 2027")
    credit = jan.credit
    assert credit.amount == Decimal("54.84")  # 10% of USD 1,000.00 x 17/31
    assert credit.sentence == (
        "hosting-availability at 99.63% falls in the 99.5%-99.9% band: 10% of the hosting monthly fee "
        "USD 1,000.00 x 17/31 days = USD 54.84"
    )


def test_monthly_cap(report: Report) -> None:
    # February: availability 98.21% (25% = 250.00) and the P1 response missed (10% = 100.00);
    # the cap is 30% of the fee: 300.00 owed.
    lines = [c for c in report.credits.lines if c.window == "Feb 2027"]
    assert [(c.level_id, c.amount, c.owed) for c in lines] == [
        ("hosting-availability", Decimal("250.00"), Decimal("250.00")),
        ("hosting-response", Decimal("100.00"), Decimal("50.00")),
    ]
    (cap,) = report.credits.caps
    assert cap.total == Decimal("350.00") and cap.owed == Decimal("300.00")
    assert report.credits.total == Decimal("354.84")


def test_termination_and_rewards(report: Report) -> None:
    (cond,) = report.termination
    assert cond.triggered is True and cond.windows == ["Jan 2027", "Feb 2027"]
    (reward,) = report.rewards
    # p2-resolution missed February, and January is partial: no whole quarter earned it.
    assert reward.granted is False


def test_surveys_dated_by_their_ticket(report: Report) -> None:
    q1 = window(report, "desk-satisfaction", "2027-Q1")
    assert q1.detail["responses"] == 2 and q1.measured == Decimal(4) and q1.status == "met"
    assert any(
        "surveys.csv:4: survey has no date and ticket 'T99' is not in the tickets file" in p
        for p in report.problems.shown
    )


def test_credits_whatif(agreement: Path) -> None:
    from slactl.documents import load_valid
    from slactl.report.whatif import whatif

    doc = load_valid(agreement).document
    _line, text = whatif(doc, "hosting-availability", Decimal("99.62"), None)  # type: ignore[arg-type]
    assert (
        text == "hosting-availability at 99.62% falls in the 99.5%-99.9% band: 10% of the hosting monthly fee USD "
        "1,000.00 = USD 100.00."
    )
    _line, text = whatif(doc, "hosting-availability", Decimal("50"), Decimal("2000"))  # type: ignore[arg-type]
    assert text.endswith("= USD 500.00, capped at the monthly cap of 30%: USD 600.00.") is False
    assert "USD 500.00" in text
    _line, text = whatif(doc, "hosting-availability", Decimal("99.95"), None)  # type: ignore[arg-type]
    assert "no credit" in text


# --------------------------------------------------------------------------- inputs


def test_bad_rows_reported_with_line_numbers(tmp_path: Path, agreement: Path) -> None:
    text = TICKETS.splitlines()
    text.insert(2, "B1,P1,desk,2027-02-30 10:00,,,")
    text.insert(4, "B2,P2,desk,2027-02-03 10:00,2027-02-03 10:10,2027-02-02 10:00,")
    text.insert(6, "B3,P1")
    text.insert(8, "B4,P2,desk,2027-02-03 10:00,,,2027-02-03T11:00")
    text.insert(10, "B5,P4,desk,2027-02-03 10:00,2027-02-03T09:30-05:00,,")  # measured by no level, still checked
    result = build_report(
        agreement, tickets=write(tmp_path, "t.csv", "\n".join(text) + "\n"), period="2027-Q1", now=NOW
    )
    name = str(tmp_path / "t.csv")
    assert result.problems.count == 5
    assert result.problems.shown == [
        f"{name}:3: opened: '2027-02-30 10:00' is not a date and time (day is out of range for month)",
        f"{name}:5: resolved is before opened",
        f"{name}:7: 2 columns, expected at least 7",
        f"{name}:9: on_hold '2027-02-03T11:00' is not start/end",
        f"{name}:11: first_response is before opened",
    ]
    # the good rows were still measured
    assert window(result, "p1-response", "Jan 2027").detail["tickets"] == 2


def test_json_lines_and_column_mapping(tmp_path: Path, agreement: Path) -> None:
    rows = [
        {
            "Ticket #": "T1",
            "Prio": "1",
            "Svc": "desk",
            "Created At": "2027-01-15 16:55",
            "Responded": "2027-01-19 09:10",
        },
        {
            "Ticket #": "T2",
            "Prio": "P1",
            "Svc": "desk",
            "Created At": "2027-01-20 10:00",
            "Responded": "2027-01-20 10:20",
        },
    ]
    body = "\n".join(json.dumps(r) for r in rows) + "\n{not json\n"
    path = write(tmp_path, "export.jsonl", body)
    with pytest.raises(SlactlError, match="no column for id, service "):
        build_report(agreement, tickets=path, period="2027-01", now=NOW)
    mapping = {
        "Ticket #": "id",
        "Prio": "priority",
        "Svc": "service",
        "Created At": "opened",
        "Responded": "first_response",
    }
    result = build_report(agreement, tickets=path, period="2027-01", now=NOW, columns=mapping)
    jan = window(result, "p1-response", "Jan 2027")
    assert (jan.detail["tickets"], jan.detail["met"]) == (2, 1)
    assert result.problems.shown == [f"{path}:3: not JSON (Expecting property name enclosed in double quotes)"]


def test_columns_from_config_defensive() -> None:
    from slactl.report.inputs import columns_from_config

    assert columns_from_config(None) == {}
    assert columns_from_config({"report": {"columns": {"Created": "opened"}}}) == {"Created": "opened"}
    with pytest.raises(SlactlError, match="unknown field 'openedd'"):
        columns_from_config({"report": {"columns": {"Created": "openedd"}}})


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2027-03", "2027-03-01", "2027-03-31"),
        ("2027-Q2", "2027-04-01", "2027-06-30"),
        ("FY2027", "2026-10-01", "2027-09-30"),
        ("FY2027-Q3", "2027-04-01", "2027-06-30"),
        ("2027-01-01..2027-03-31", "2027-01-01", "2027-03-31"),
        ("2028-02", "2028-02-01", "2028-02-29"),
    ],
)
def test_period_parsing(text: str, start: str, end: str) -> None:
    from slactl.report.periods import parse_period

    period = parse_period(text, (10, 1))
    assert (period.start.isoformat(), period.end.isoformat()) == (start, end)


@pytest.mark.parametrize("text", ["2027-13", "2027-Q5", "FY27", "2027-03-31..2027-01-01", "last month"])
def test_period_errors(text: str) -> None:
    from slactl.report.periods import parse_period

    with pytest.raises(SlactlError):
        parse_period(text)


def test_windows_cut_to_term_and_period(report: Report) -> None:
    lr = next(lr for lr in report.levels if lr.id == "hosting-availability")
    assert [(w.window.label, w.window.days, w.window.full_days) for w in lr.windows] == [
        ("Jan 2027", 17, 31),
        ("Feb 2027", 28, 28),
        ("Mar 2027", 31, 31),
    ]


# --------------------------------------------------------------------------- terms in force


def test_terms_in_force_from_git(git_repo: Any, tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    git_repo.write("agreement.yaml", text)
    first = git_repo.commit("Agreement", date=datetime(2027, 1, 2, tzinfo=UTC))
    hosting = "    target: 99.9%\n    window: calendar_month\n    exclusions"
    assert text.count(hosting) == 2  # hosting first, storage second
    git_repo.write("agreement.yaml", text.replace(hosting, hosting.replace("99.9%", "99%"), 1))
    second = git_repo.commit("Lower the hosting target to 99%", date=datetime(2027, 1, 20, tzinfo=UTC))
    outages = write(tmp_path, "outages.csv", OUTAGES + "OUT-3,hosting,2027-03-10 00:00,2027-03-10 01:00,no\n")
    result = build_report(git_repo.path / "agreement.yaml", outages=outages, period="2027-Q1", now=NOW)
    jan = window(result, "hosting-availability", "Jan 2027")
    mar = window(result, "hosting-availability", "Mar 2027")
    # January started under the first commit (99.9%), March under the second (99%).
    assert jan.required == Decimal("99.9") and jan.status == "missed" and jan.version.commit == first
    assert mar.required == Decimal("99") and mar.status == "met" and mar.version.commit == second
    assert [v.commit for v in result.versions] == [first, second]
    assert all(v.digest.startswith("sha256:") for v in result.versions)
    assert result.versions[0].digest != result.versions[1].digest


def test_not_in_a_repository_says_so(report: Report) -> None:
    assert any("not in a Git repository" in n for n in report.notes)
    assert [v.source for v in report.versions] == ["working tree (not in a Git repository)"]


# --------------------------------------------------------------------------- output


def _numbers(report: Report) -> list[tuple[str, str, str]]:
    data = json.loads(to_json(report))
    return [
        (lv["id"], w["label"], w["measured"])
        for lv in data["levels"]
        for w in lv["windows"]
        if w["measured"] is not None
    ]


def test_formats_carry_the_same_numbers(report: Report) -> None:
    numbers = _numbers(report)
    assert ("hosting-availability", "Jan 2027", "99.63") in numbers
    md = to_markdown(report)
    html = to_html(report)
    for level, label, value in numbers:
        section_md = md.split(f"## {level.replace('-', '-')}\n", 1)[1]
        row = next(line for line in section_md.splitlines() if line.startswith(f"| {label}"))
        assert value in row, (level, label, value, row)
        section_html = html.split(f'<section id="{level}">', 1)[1].split("</section>", 1)[0]
        assert re.search(
            rf"<td>{re.escape(label)}(?: \(partial\))?</td><td class=num>{re.escape(value)}", section_html
        ), (level, label)
    data = json.loads(to_json(report))
    assert data["credits"]["total"] == "354.84"
    assert "USD 354.84" in md and "USD 354.84" in html


def test_html_has_no_script_and_escapes(tmp_path: Path, agreement: Path) -> None:
    tickets = write(tmp_path, "t.csv", TICKETS.replace("T3,P2", "<script>alert(1)</script>,P2"))
    result = build_report(agreement, tickets=tickets, period="2027-02", now=NOW)
    html = to_html(result)
    assert "<script" not in html.lower() and "javascript:" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Report fixture &lt;Hosting &amp; Desk&gt;" in html
    md = to_markdown(result)
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert "Report fixture &lt;Hosting &amp; Desk&gt;" in md


def test_markdown_cells_escape_pipes() -> None:
    from slactl.textsafe import md_escape as md_cell

    assert md_cell("a|b\nc") == "a\\|b c"


# --------------------------------------------------------------------------- CLI


def test_cli_report_and_overwrite_guard(tmp_path: Path, agreement: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from slactl.cli import main

    tickets = write(tmp_path, "tickets.csv", TICKETS)
    out = tmp_path / "report.html"
    args = [
        "report",
        str(agreement),
        "--tickets",
        str(tickets),
        "--period",
        "2027-Q1",
        "--as-of",
        "2028-01-01",
        "-f",
        "html",
        "-o",
        str(out),
    ]
    assert main(args) == 0
    assert "<svg" in out.read_text(encoding="utf-8")
    assert main(args) == 0  # a slactl report may be replaced
    keep = write(tmp_path, "notes.html", "<p>mine</p>")
    assert main([*args[:-1], str(keep)]) == 2
    assert "refusing to overwrite" in capsys.readouterr().err
    assert keep.read_text(encoding="utf-8") == "<p>mine</p>"
    assert main([*args[:-1], str(keep), "--force"]) == 0


def test_cli_credits(agreement: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from slactl.cli import main

    assert (
        main(
            [
                "credits",
                str(agreement),
                "--service-level",
                "hosting-availability",
                "--availability",
                "99.7",
                "--fee",
                "12200",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.strip() == (
        "hosting-availability at 99.70% falls in the 99.5%-99.9% band: 10% of the hosting monthly fee USD "
        "12,200.00 = USD 1,220.00."
    )
    assert main(["credits", str(agreement), "--service-level", "nope", "--availability", "99"]) == 2


def test_two_processes_give_the_same_report(tmp_path: Path, agreement: Path) -> None:
    lines = TICKETS.splitlines()
    body = [lines[0]]
    for k in range(300):
        body.extend(line.replace(",P", f"-{k},P", 1) for line in lines[1:])
    body.insert(1000, "BAD,P1,desk,not a time,,,")
    tickets = write(tmp_path, "many.csv", "\n".join(body) + "\n")
    outages = write(tmp_path, "outages.csv", OUTAGES)
    one = build_report(agreement, tickets=tickets, outages=outages, period="2027-Q1", now=NOW, jobs=1)
    two = build_report(agreement, tickets=tickets, outages=outages, period="2027-Q1", now=NOW, jobs=2)
    assert to_json(one) == to_json(two)
    assert one.problems.shown == [f"{tickets}:1001: opened: 'not a time' is not an ISO 8601 timestamp"]
    assert window(two, "p1-response", "Jan 2027").detail["tickets"] == 600


_DIE_AT: dict[str, Any] = {}  # the byte where the range of the worker to kill starts; the real task


def _work_then_die(task: Any) -> Any:
    """The ticket worker's task, except that the worker given the second range is killed."""
    import os
    import signal

    if task[4] == _DIE_AT["start"]:
        os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's out-of-memory killer does
    return _DIE_AT["work"](task)


def test_a_ticket_worker_killed_midway_fails_the_report_with_a_message(
    tmp_path: Path, agreement: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from slactl.cli import main
    from slactl.pool import WorkerLost
    from slactl.report import parallel

    lines = TICKETS.splitlines()
    body = [lines[0]] + [line.replace(",P", f"-{k},P", 1) for k in range(300) for line in lines[1:]]
    tickets = write(tmp_path, "many.csv", "\n".join(body) + "\n")
    cuts = list(parallel._cuts(tickets, parallel._bounds(tickets, 2 * parallel._PIECES, parallel._header_end(tickets))))
    assert len(cuts) > 1
    monkeypatch.setitem(_DIE_AT, "start", cuts[1][0])
    monkeypatch.setitem(_DIE_AT, "work", parallel._work)
    monkeypatch.setattr(parallel, "_work", _work_then_die)
    with pytest.raises(WorkerLost, match="was killed by SIGKILL"):
        build_report(agreement, tickets=tickets, period="2027-Q1", now=NOW, jobs=2)
    code = main(["report", str(agreement), "--tickets", str(tickets), "--period", "2027-Q1", "-j", "2"])
    err = capsys.readouterr().err
    assert code == 2
    assert "a worker process (pid" in err and "its part may be lost" in err and "-j 1" in err
    assert "Traceback" not in err


# --------------------------------------------------------------------------- fast paths


def _generated_tickets(n: int, seed: int) -> str:
    """Tickets around the spring DST change, naive and with offsets, some on hold, some bad."""
    import random
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    rng = random.Random(seed)
    ny = ZoneInfo("America/New_York")
    start = datetime(2027, 1, 15, tzinfo=ny)
    lines = ["id,priority,service,opened,first_response,resolved,on_hold"]
    for i in range(n):
        # A third of the tickets near 2027-03-14 (02:00-03:00 does not exist there).
        if i % 3 == 0:
            opened = datetime(2027, 3, 13, tzinfo=ny) + timedelta(minutes=rng.randrange(3 * 1440))
        else:
            opened = start + timedelta(minutes=rng.randrange(75 * 1440))
        resp = opened + timedelta(minutes=rng.randrange(0, 300), seconds=rng.choice((0, 0, 17)))
        res = resp + timedelta(minutes=rng.randrange(0, 5000))

        def show(value: datetime, naive: bool) -> str:
            return value.strftime("%Y-%m-%d %H:%M") if naive else value.isoformat()

        naive = rng.random() < 0.5
        hold = ""
        if i % 7 == 0:
            h0 = resp + timedelta(minutes=5)
            hold = f"{h0.isoformat()}/{(h0 + timedelta(hours=3)).isoformat()}"
        row = [
            f"G{i}",
            rng.choice(("P1", "P2", "P3", "P4", "1", "Priority 2")),
            rng.choice(("desk", "desk", "desk", "hosting", "other")),
            show(opened, naive),
            show(resp, rng.random() < 0.5),
            "" if i % 11 == 0 else show(res, naive),
            hold,
        ]
        if i % 97 == 0:
            row[rng.choice((3, 4, 5))] = rng.choice(("2027-02-30 10:00", "soon", "2027-03-14 02:30"))
        lines.append(",".join(row))
    return "\n".join(lines) + "\n"


def test_parallel_quoted_and_plain_csv_give_the_same_report(tmp_path: Path, agreement: Path) -> None:
    # One file read three ways: one process, two processes (byte ranges), and by csv.reader
    # (a quoted header forces it; the plain file is split at commas).
    text = _generated_tickets(4000, seed=7)
    plain = write(tmp_path, "plain.csv", text)
    quoted = write(tmp_path, "quoted.csv", text.replace("id,", '"id",', 1))
    # A bad outage too: the outages are read while the ticket workers run, yet listed after.
    outages = write(tmp_path, "outages.csv", OUTAGES + "BAD-O,hosting,later,,no\n")
    from slactl.report.inputs import plain_csv

    assert plain_csv(plain) and not plain_csv(quoted)
    args: dict[str, Any] = {"outages": outages, "period": "2027-Q1", "now": NOW}
    one = build_report(agreement, tickets=plain, jobs=1, **args)
    two = build_report(agreement, tickets=plain, jobs=2, **args)
    csv_one = build_report(agreement, tickets=quoted, jobs=1, **args)
    assert one.problems.count > 10  # the bad rows were found...
    assert one.problems.shown[-1].endswith("outages.csv:8: start: 'later' is not an ISO 8601 timestamp")
    assert to_json(one) == to_json(two)
    # ...and the quoted file differs only in its name.
    assert to_json(csv_one).replace("quoted.csv", "plain.csv") == to_json(one)


_DATES = (
    "2027-03-14",
    "2027-11-07",
    "2027-03-13",
    "2027-02-28",
    "2027-02-30",
    "2027-13-01",
    "0001-01-01",
    "9999-12-31",
    "2027-W10-5",
    "20270305",
    "2027-3-5",
    "\uff12027-03-05",
    "1969-12-31",
)
_RESTS = (
    "",
    " 16:55",
    "T02:30",
    "T01:30",
    " 01:59:59.999999",
    "T16:55:00-05:00",
    "Z",
    "T16:55:07Z",
    "T24:00",
    "x16:55",
    "T1655",
    "T16",
    " 16:55 ",
    "T16:55:00.5-04:30",
    "T00:00+23:59",
    "T16:55:60",
    "T16:55:5a",
    "\u00e916:55:07",
    "T16:55:+1",
    "T165507",
    "T01:30:45",
)


@pytest.mark.parametrize("zone_name", ["America/New_York", "Australia/Lord_Howe", "UTC", "Asia/Kolkata"])
def test_timestamp_tables_read_exactly_as_fromisoformat(zone_name: str) -> None:
    import itertools
    import random
    from zoneinfo import ZoneInfo

    from slactl.report.stamps import make_parsers, slow_us

    zone = ZoneInfo(zone_name)
    rng = random.Random(zone_name)
    rests = list(_RESTS) + [
        f"T{rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}"
        + rng.choice(("", "Z", "-04:00", "+05:45", ".125"))
        for _ in range(60)
    ]
    parsers = make_parsers(zone)
    for _round in range(2):  # the second round answers from the filled tables
        for day, rest in itertools.product(_DATES, rests):
            text = day + rest
            try:
                want: int | str = slow_us(text, zone)
            except (ValueError, OverflowError) as exc:
                want = f"{type(exc).__name__}: {exc}"
            try:
                got: int | str = parsers.parse(text)
            except (ValueError, OverflowError) as exc:
                got = f"{type(exc).__name__}: {exc}"
            assert got == want, text
            quick = parsers.quick(text)
            assert quick is None or quick == want, text
            # The scanner's own lookup for a text with seconds: the same instant, or no answer.
            by_minute = parsers.lookups[4](text)
            assert by_minute is None or by_minute == want, text


@pytest.mark.parametrize("priority", ["P1", "P4"])  # measured by p1-response; measured by no level
def test_the_scanner_refuses_exactly_the_rows_the_exact_check_refuses(
    tmp_path: Path, agreement: Path, priority: str
) -> None:
    # The scanner reads good timestamps from its tables, inlined; anything else must reach
    # the exact check. On 2027-03-14 02:30 does not exist: read naive it is 03:30 EDT, so by
    # instants it is after 03:10, by wall clock before.
    from zoneinfo import ZoneInfo

    from slactl.report.measure.scan import _check_unmeasured
    from slactl.report.stamps import slow_us

    zone = ZoneInfo("America/New_York")
    texts = [
        "2027-03-14 02:30",
        "2027-03-14 03:10",
        "2027-03-14T03:10:00-04:00",
        "2027-03-13 23:00",
        "2027-03-15 09:00",
        "2027-03-15T09:00:00-04:00",
        "2027-11-07 01:30",
        "2027-11-07 01:10",
        "2027-03-14 02:30:15",
        "2027-03-14T03:10:20-04:00",
        "2027-11-07 01:30:45",
        "2027-03-15 09:00:59",
        "",
        "bad",
    ]
    for a in texts:
        rows, refused = [], []
        for b in texts:
            for c in ("", "2027-03-16 10:00", "2027-03-14 02:45"):
                line = len(rows) + 2
                rows.append(f"T{line},{priority},desk,{a},{b},{c},")
                if _check_unmeasured([a, b, c], 0, 1, 2, None, lambda t: slow_us(t, zone)) is not None:
                    refused.append(line)
        path = write(
            tmp_path,
            "tickets.csv",
            "id,priority,service,opened,first_response,resolved,on_hold\n" + "\n".join(rows) + "\n",
        )
        result = build_report(agreement, tickets=path, period="2027-03", now=NOW)
        assert [int(shown.split(":")[1]) for shown in result.problems.shown] == refused, a
        assert result.problems.count == len(refused)


def test_timestamps_with_seconds_give_the_exact_paths_report(
    tmp_path: Path, agreement: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Service desks and monitors write seconds. The scanner answers such a text from its
    # minute's table entry plus the seconds; with the tables never filled (every text read by
    # fromisoformat and the zone) the report must be the same, to the microsecond.
    import random

    from slactl.report import stamps

    rng = random.Random(7)
    start = datetime(2027, 1, 1, 5, tzinfo=UTC)
    zone = ZoneInfo("America/New_York")
    rows = ["id,priority,service,opened,first_response,resolved,on_hold"]
    # Across both of 2027's clock changes (14 March, 7 November) and ordinary days.
    days = [59, 71, 72, 73, 100, 309, 310, 311]
    for i in range(1500):
        opened = start + timedelta(days=rng.choice(days), seconds=rng.randrange(86_400))
        responded = opened + timedelta(seconds=rng.randrange(1, 8_000))
        resolved = responded + timedelta(seconds=rng.randrange(1, 400_000))
        hold = ""
        if i % 5 == 0:
            h0 = responded + timedelta(seconds=rng.randrange(60, 4_000))
            h1 = h0 + timedelta(seconds=rng.randrange(60, 9_000))
            hold = f"{h0.astimezone(zone).isoformat()}/{h1.astimezone(zone).isoformat()}"
        if i % 2:  # naive local time, as an export without offsets writes it
            texts = [t.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S") for t in (opened, responded, resolved)]
        else:
            texts = [t.astimezone(zone).isoformat() for t in (opened, responded, resolved)]
        rows.append(",".join([f"T{i}", rng.choice(("P1", "P2", "P3")), "desk", *texts, hold]))
    tickets = write(tmp_path, "tickets.csv", "\n".join(rows) + "\n")
    lines = ["id,service,start,end,planned"]
    for k in range(300):
        down = start + timedelta(days=rng.choice(days), seconds=rng.randrange(86_400))
        lines.append(
            f"O{k},hosting,{down.isoformat()},{(down + timedelta(seconds=rng.randrange(1, 3_000))).isoformat()},no"
        )
    outages = write(tmp_path, "outages.csv", "\n".join(lines) + "\n")

    def run() -> tuple[str, int]:
        result = build_report(agreement, tickets=tickets, outages=outages, period="2027-01-01..2027-12-31", now=NOW)
        return to_json(result), result.problems.count

    fast = run()
    monkeypatch.setattr(stamps, "_LEARN_MAX", 0)
    exact = run()
    assert fast == exact
    read = {i["kind"]: i for i in json.loads(fast[0])["inputs"]}
    assert fast[1] == 0 and read["tickets"]["rows"] == 1500 and read["outages"]["rows"] == 300
    assert read["tickets"]["used"] > 900  # measured by a level, not only checked


@pytest.mark.parametrize("calendar", ["office", "always", "split"])
def test_open_us_counter_matches_business_elapsed(calendar: str) -> None:
    import random
    from datetime import time, timedelta

    from slactl.clock import BusinessCalendar, business_elapsed, open_us_counter
    from slactl.report.stamps import from_us

    cal = {
        "office": BusinessCalendar.office_hours("America/New_York"),
        "always": BusinessCalendar.always("America/New_York"),
        "split": BusinessCalendar("Australia/Lord_Howe", dict.fromkeys(range(7), ((time(1, 45), time(2, 15)),))),
    }[calendar]
    count = open_us_counter(cal)
    rng = random.Random(calendar)
    for _ in range(3000):
        a = rng.randrange(1_780_000_000_000_000, 1_830_000_000_000_000)
        b = a + rng.choice((0, rng.randrange(10**9), rng.randrange(10**12), rng.randrange(4 * 10**13)))
        expected = business_elapsed(cal, from_us(a, UTC), from_us(b, UTC)) // timedelta(microseconds=1)
        assert count(a, b) == expected, (a, b)


# Observed US federal holidays in the fixture's term, typed from the OPM calendar (2027: New
# Year's Day is a Friday; Juneteenth, Independence Day and Christmas fall on weekends and are
# observed on the Friday or Monday; 1 January 2028 is a Saturday, observed on 31 December).
_FEDERAL_2027 = {
    "2027-01-01",
    "2027-01-18",
    "2027-02-15",
    "2027-05-31",
    "2027-06-18",
    "2027-07-05",
    "2027-09-06",
    "2027-10-11",
    "2027-11-11",
    "2027-11-25",
    "2027-12-24",
    "2027-12-31",
}


def _open_minutes(start: datetime, end: datetime, holds: list[tuple[datetime, datetime]]) -> int:
    """Business minutes of the fixture's calendar in [start, end), minute by minute, less holds:
    Monday to Friday 08:00-17:00 New York time, federal holidays and 2027-03-17 closed."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    ny, minute, n = ZoneInfo("America/New_York"), timedelta(minutes=1), 0
    t = start.astimezone(UTC)
    while t < end:
        local = t.astimezone(ny)
        day = local.date().isoformat()
        if (
            local.weekday() < 5
            and 8 <= local.hour < 17
            and day not in _FEDERAL_2027
            and day != "2027-03-17"
            and not any(h0 <= t < h1 for h0, h1 in holds)
        ):
            n += 1
        t += minute
    return n


def test_scanner_business_time_matches_a_minute_by_minute_count(tmp_path: Path, agreement: Path) -> None:
    # Tickets across both DST changes and the year end (where the scanner's year table ends),
    # on a Monday-Friday calendar with holidays, some on hold: each window's tickets, met and
    # mean time must be those of counting business minutes one by one.
    import random
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    ny = ZoneInfo("America/New_York")
    rng = random.Random(2027)
    starts = [datetime(2027, 3, 12, tzinfo=ny), datetime(2027, 11, 5, tzinfo=ny), datetime(2027, 12, 28, tzinfo=ny)]
    rows, expect = [], {}
    for i in range(240):
        opened = rng.choice(starts) + timedelta(minutes=rng.randrange(4 * 1440))
        if i % 5 == 1:  # on the hour the office opens or closes: an interval's own bound
            opened = opened.replace(hour=rng.choice((8, 17)), minute=0)
        resp = opened + timedelta(minutes=rng.randrange(0, 600))
        if i % 5 == 2:
            resp = resp.replace(hour=rng.choice((8, 17)), minute=0) + timedelta(days=1)
        res = resp + timedelta(minutes=rng.randrange(0, 6000))
        holds = []
        hold = ""
        if i % 4 == 0:
            h0 = resp + timedelta(minutes=rng.randrange(0, 120))
            holds = [(h0.astimezone(UTC), (h0 + timedelta(hours=5)).astimezone(UTC))]
            hold = f"{h0.isoformat()}/{(h0 + timedelta(hours=5)).isoformat()}"
        prio = rng.choice(("P1", "P2"))
        naive = i % 2 == 0

        def show(value: datetime, naive: bool = naive) -> str:
            return value.strftime("%Y-%m-%d %H:%M") if naive else value.isoformat()

        rows.append(f"G{i},{prio},desk,{show(opened)},{show(resp)},{show(res)},{hold}")
        level, end, limit = ("p1-response", resp, 60) if prio == "P1" else ("p2-resolution", res, 18 * 60)
        spent = _open_minutes(opened, end, holds)
        cell = expect.setdefault((level, opened.strftime("%b %Y")), [0, 0, 0])
        cell[0] += 1
        cell[1] += spent <= limit
        cell[2] += spent
    header = "id,priority,service,opened,first_response,resolved,on_hold\n"
    result = build_report(agreement, tickets=write(tmp_path, "t.csv", header + "\n".join(rows) + "\n"), now=NOW)
    assert result.problems.count == 0
    for (level, label), (n, met, minutes) in expect.items():
        detail = window(result, level, label).detail
        assert (detail["tickets"], detail["met"]) == (n, met), (level, label)
        assert detail["mean_elapsed"] == timedelta(microseconds=minutes * 60_000_000 // n), (level, label)
