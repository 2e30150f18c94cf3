"""Parquet, Arrow and DuckDB inputs give the numbers the CSV path gives.

The CSV path's numbers are checked by hand in tests/report/test_report.py; here the same rows
are written as Parquet (text columns and typed timestamps), Arrow IPC, a folder of monthly
exports (CSV and Parquet) and a DuckDB query, and each report must equal the CSV report value
for value. Typed timestamps are made here with zoneinfo from the CSV text (naive text is New
York local time, docs/report.md), independently of slactl's conversion.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.parquet as pq
import pytest

from slactl.report import build_report
from slactl.report.render import to_json

FIXTURE = Path(__file__).parents[1] / "fixtures" / "report" / "agreement.yaml"
EXAMPLES = Path(__file__).parents[2] / "examples"
NY = ZoneInfo("America/New_York")
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
OUT-2,hosting,2027-02-10 00:00,2027-02-10 12:00,no
S-1,storage,2027-01-25 10:00,2027-01-25 10:10,no
"""

STAMPS = ("opened", "first_response", "resolved", "start", "end")


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def instant(text: str) -> datetime | None:
    """The CSV text as an aware instant (naive: New York local time), or None when empty."""
    if not text:
        return None
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=NY) if value.tzinfo is None else value


def text_table(rows: list[dict[str, str]]) -> pa.Table:
    """Every column as text, empty fields as nulls (as a warehouse export writes them)."""
    names = list(rows[0])
    return pa.table({n: pa.array([r[n] or None for r in rows], pa.string()) for n in names})


def typed_table(rows: list[dict[str, str]], *, zoned: bool) -> pa.Table:
    """Timestamps typed: UTC instants (``zoned``) or New York wall time; holds as a list of strings."""
    columns: dict[str, pa.Array] = {}
    for name in rows[0]:
        values = [r[name] for r in rows]
        if name in STAMPS:
            instants = [instant(v) for v in values]
            if zoned:
                columns[name] = pa.array(instants, pa.timestamp("us", tz="UTC"))
            else:
                local = [v.astimezone(NY).replace(tzinfo=None) if v else None for v in instants]
                columns[name] = pa.array(local, pa.timestamp("ms"))
        elif name == "on_hold":
            columns[name] = pa.array([v.split(";") if v else [] for v in values], pa.list_(pa.string()))
        elif name == "planned":
            columns[name] = pa.array([v == "yes" for v in values], pa.bool_())
        else:
            columns[name] = pa.array(values, pa.string())
    return pa.table(columns)


def report_values(
    agreement: Path,
    *,
    rows: bool = True,
    now: datetime = NOW,
    period: str | None = None,
    **inputs: Path,
) -> dict[str, Any]:
    """The JSON report, the input files (their names differ between formats) left out.

    A miss names its row as ``file:N``: a CSV line (the header is line 1), or a row number (from 1)
    of a columnar input. Both become ``<kind>:row``, so the same row must be named; ``rows=False``
    drops the number (a folder read in month order numbers its rows in another order).
    """
    report = build_report(agreement, now=now, period=period, jobs=1, **inputs)  # type: ignore[arg-type]
    text = to_json(report)
    for kind, path in inputs.items():
        header = 1 if path.suffix == ".csv" else 0

        def ref(match: re.Match[str], kind: str = kind, header: int = header) -> str:
            return f"<{kind}>:{int(match.group(1)) - header if rows else 'N'}"

        text = re.sub(re.escape(json.dumps(str(path))[1:-1]) + r":([0-9]+)", ref, text)
    data = json.loads(text)
    for key in ("inputs", "bad_rows", "$comment"):
        data.pop(key, None)
    return data


@pytest.fixture
def agreement(tmp_path: Path) -> Path:
    target = tmp_path / "agreement.yaml"
    shutil.copy(FIXTURE, target)
    return target


@pytest.fixture
def csv_report(tmp_path: Path, agreement: Path) -> dict[str, Any]:
    (tmp_path / "t.csv").write_text(TICKETS, encoding="utf-8")
    (tmp_path / "o.csv").write_text(OUTAGES, encoding="utf-8")
    return report_values(agreement, tickets=tmp_path / "t.csv", outages=tmp_path / "o.csv")


@pytest.fixture
def csv_report_unnumbered(tmp_path: Path, agreement: Path) -> dict[str, Any]:
    (tmp_path / "t.csv").write_text(TICKETS, encoding="utf-8")
    (tmp_path / "o.csv").write_text(OUTAGES, encoding="utf-8")
    values = report_values(agreement, rows=False, tickets=tmp_path / "t.csv", outages=tmp_path / "o.csv")
    # The fixture's hand-checked numbers hold on the CSV path (tests/report/test_report.py).
    p3 = next(lv for lv in values["levels"] if lv["id"] == "p3-wall")
    march = next(w for w in p3["windows"] if w["label"] == "Mar 2027")
    assert march["detail"]["tickets"] == 2
    return values


WRITERS = {
    "parquet-text": lambda t, p: pq.write_table(text_table(t), p.with_suffix(".parquet")),
    "parquet-utc": lambda t, p: pq.write_table(typed_table(t, zoned=True), p.with_suffix(".parquet")),
    "parquet-local": lambda t, p: pq.write_table(typed_table(t, zoned=False), p.with_suffix(".parquet")),
    "arrow": lambda t, p: feather.write_feather(typed_table(t, zoned=True), p.with_suffix(".arrow")),
    "feather-stream": lambda t, p: _write_stream(typed_table(t, zoned=False), p.with_suffix(".feather")),
}


def _write_stream(table: pa.Table, path: Path) -> None:
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table, max_chunksize=2)  # several record batches


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_columnar_files_give_the_csv_numbers(
    fmt: str, tmp_path: Path, agreement: Path, csv_report: dict[str, Any]
) -> None:
    WRITERS[fmt](rows_of(TICKETS), tmp_path / "tickets")
    WRITERS[fmt](rows_of(OUTAGES), tmp_path / "outages")
    suffix = {"parquet": ".parquet", "arrow": ".arrow", "feather": ".feather"}[fmt.split("-")[0]]
    values = report_values(
        agreement,
        tickets=(tmp_path / "tickets").with_suffix(suffix),
        outages=(tmp_path / "outages").with_suffix(suffix),
    )
    assert values == csv_report


def _split_by_month(text: str, folder: Path, *, parquet: bool) -> None:
    rows = rows_of(text)
    folder.mkdir()
    months = sorted({r["opened"][:7] for r in rows})
    for month in months:
        part = [r for r in rows if r["opened"][:7] == month]
        if parquet:
            pq.write_table(text_table(part), folder / f"{month}.parquet")
        else:
            with (folder / f"{month}.csv").open("w", newline="", encoding="utf-8") as fh:
                writer = csv.DictWriter(fh, fieldnames=list(part[0]), lineterminator="\n")
                writer.writeheader()
                writer.writerows(part)


@pytest.mark.parametrize("parquet", [False, True], ids=["csv", "parquet"])
def test_a_folder_of_monthly_exports_through_duckdb_gives_the_csv_numbers(
    parquet: bool, tmp_path: Path, agreement: Path, csv_report_unnumbered: dict[str, Any]
) -> None:
    _split_by_month(TICKETS, tmp_path / "tickets", parquet=parquet)
    assert len(list((tmp_path / "tickets").iterdir())) == 3
    (tmp_path / "o.csv").write_text(OUTAGES, encoding="utf-8")
    values = report_values(agreement, rows=False, tickets=tmp_path / "tickets", outages=tmp_path / "o.csv")
    assert values == csv_report_unnumbered


def test_a_duckdb_query_gives_the_csv_numbers(tmp_path: Path, agreement: Path, csv_report: dict[str, Any]) -> None:
    pq.write_table(typed_table(rows_of(TICKETS), zoned=True), tmp_path / "all.parquet")
    noise = tmp_path / "all.parquet"
    query = tmp_path / "tickets.sql"
    # The query renames columns and filters in SQL; slactl reads its result in record batches.
    query.write_text(
        f"SELECT id AS ticket_id, priority, service, opened AS created_at, first_response, resolved, on_hold "
        f"FROM read_parquet('{noise}') WHERE service IN ('desk', 'hosting')",
        encoding="utf-8",
    )
    (tmp_path / "o.csv").write_text(OUTAGES, encoding="utf-8")
    values = report_values(agreement, tickets=query, outages=tmp_path / "o.csv")
    assert values == csv_report


def test_a_generated_year_gives_the_same_numbers_on_every_path(tmp_path: Path) -> None:
    """5,000 tickets over a year on the example agreement: CSV, Parquet, and a DuckDB folder agree."""
    agreement = EXAMPLES / "cec-fy2027-rural-lending.yaml"
    rng = random.Random(16)
    start = datetime(2026, 10, 1, tzinfo=NY)
    prios = ("P1", "P2", "P3", "P4")
    rows = []
    for i in range(5000):
        opened = start + timedelta(minutes=rng.randrange(365 * 24 * 60))
        resp = opened + timedelta(minutes=rng.randrange(1, 300))
        res = resp + timedelta(minutes=rng.randrange(10, 5000))
        hold = ""
        if i % 10 == 0:
            h0 = resp + timedelta(minutes=5)
            hold = f"{h0.isoformat()}/{(h0 + timedelta(hours=3)).isoformat()}"
        local = i % 2 == 0
        stamp = (lambda d: d.strftime("%Y-%m-%d %H:%M")) if local else (lambda d: d.isoformat())
        rows.append(
            {
                "id": f"T{i}",
                "priority": prios[rng.randrange(4)],
                "service": "service-desk",
                "site": "HQ",
                "opened": stamp(opened),
                "first_response": stamp(resp),
                "resolved": "" if i % 97 == 0 else stamp(res),
                "on_hold": hold,
            }
        )
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (tmp_path / "tickets.csv").write_text(out.getvalue(), encoding="utf-8")
    pq.write_table(typed_table(rows, zoned=True), tmp_path / "tickets.parquet", row_group_size=700)
    _split_by_month(out.getvalue(), tmp_path / "monthly", parquet=True)
    now = datetime(2027, 10, 1, tzinfo=NY)
    results = [
        report_values(agreement, rows=rows, now=now, period="FY2027", tickets=path)
        for path, rows in (
            (tmp_path / "tickets.csv", True),
            (tmp_path / "tickets.parquet", True),
            (tmp_path / "tickets.csv", False),
            (tmp_path / "monthly", False),
        )
    ]
    assert results[0]["summary"]["windows_met"] + results[0]["summary"]["windows_missed"] > 20
    assert results[1] == results[0]
    assert results[3] == results[2]


def test_a_bad_row_in_parquet_is_named_by_its_row_number(tmp_path: Path, agreement: Path) -> None:
    rows = rows_of(TICKETS)
    rows[3]["opened"] = "2027-02-30 10:00"
    pq.write_table(text_table(rows), tmp_path / "t.parquet")
    report = build_report(agreement, tickets=tmp_path / "t.parquet", now=NOW, jobs=1)
    assert report.problems.count == 1
    assert report.problems.shown[0].startswith(f"{tmp_path / 't.parquet'}:4: opened: '2027-02-30 10:00'")


def test_a_folder_without_exports_is_an_input_error(tmp_path: Path, agreement: Path) -> None:
    from slactl.errors import SlactlError

    (tmp_path / "empty").mkdir()
    with pytest.raises(SlactlError, match=r"no \*\.parquet or \*\.csv file"):
        build_report(agreement, tickets=tmp_path / "empty", now=NOW, jobs=1)


def test_a_broken_query_is_an_input_error(tmp_path: Path, agreement: Path) -> None:
    from slactl.errors import SlactlError

    query = tmp_path / "q.sql"
    query.write_text("SELECT * FROM no_such_table", encoding="utf-8")
    with pytest.raises(SlactlError, match="DuckDB cannot read this input"):
        build_report(agreement, tickets=query, now=NOW, jobs=1)
