"""Write a large tickets Parquet file for `slactl report` without going through CSV (vectorized, pyarrow).

The rows have the shape of bench_report.py's tickets (one year from 2026-10-01 America/New_York,
priorities P1-P4, a response 1-300 minutes after opening, a resolution 10-5000 minutes after
that, a three-hour hold on every tenth ticket), with typed UTC timestamps, written one row group
of 1,000,000 rows at a time so memory stays flat. Deterministic (seeded).

    python bench/make_parquet.py 50000000 /tmp/slactl-bench-report/tickets-50000000.parquet
"""

from __future__ import annotations

import argparse
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

START_US = int(datetime(2026, 10, 1, tzinfo=ZoneInfo("America/New_York")).timestamp()) * 1_000_000
MINUTE_US = 60_000_000
YEAR_MIN = 365 * 24 * 60
CHUNK = 1_000_000


def minutes(n: int, low: int, high: int, seed: int) -> pa.Array:
    """``n`` whole minutes in [low, high), as microseconds."""
    spread = pc.floor(pc.multiply(pc.random(n, initializer=seed), high - low))
    return pc.multiply(pc.add(spread.cast(pa.int64()), low), MINUTE_US)


def stamp(us: pa.Array) -> pa.Array:
    return us.cast(pa.timestamp("us", tz="UTC"))


def utc_text(us: pa.Array) -> pa.Array:
    text = pc.replace_substring(us.cast(pa.timestamp("us")).cast(pa.string()), ".000000", "")
    return pc.binary_join_element_wise(pc.replace_substring(text, " ", "T"), pa.scalar("+00:00"), "")


def chunk(first: int, n: int) -> pa.Table:
    index = pa.array(range(first, first + n), pa.int64())
    opened = pc.add(minutes(n, 0, YEAR_MIN, first * 3 + 1), START_US)
    resp = pc.add(opened, minutes(n, 1, 300, first * 3 + 2))
    res = pc.add(resp, minutes(n, 10, 5000, first * 3 + 3))
    h0 = pc.add(resp, 5 * MINUTE_US)
    hold = pc.binary_join_element_wise(utc_text(h0), utc_text(pc.add(h0, 180 * MINUTE_US)), "/")
    every_tenth = pa.array([i % 10 == 0 for i in range(first, first + n)])
    prios = pa.array(["P1", "P2", "P2", "P3", "P3", "P3", "P4", "P4"])
    return pa.table(
        {
            "id": pc.binary_join_element_wise(pa.scalar("T"), index.cast(pa.string()), ""),
            "priority": prios.take(pc.bit_wise_and(index, 7)),
            "service": pa.array(["service-desk"] * n),
            "site": pa.array(["HQ"] * n),
            "opened": stamp(opened),
            "first_response": stamp(resp),
            "resolved": stamp(res),
            "on_hold": pc.if_else(every_tenth, hold, pa.scalar(None, pa.string())),
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("tickets", type=int)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    t0 = time.perf_counter()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".parquet-part")
    writer: pq.ParquetWriter | None = None
    for first in range(0, args.tickets, CHUNK):
        table = chunk(first, min(CHUNK, args.tickets - first))
        if writer is None:
            writer = pq.ParquetWriter(tmp, table.schema)
        writer.write_table(table)
    if writer is not None:
        writer.close()
    tmp.rename(args.out)
    size = args.out.stat().st_size / 1e6
    print(f"{args.out}: {args.tickets:,} tickets, {size:.0f} MB, written in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
