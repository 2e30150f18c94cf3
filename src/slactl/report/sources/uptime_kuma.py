"""Uptime Kuma: its own database (``data/kuma.db``, SQLite), the ``heartbeat`` and ``monitor`` tables.

Copy the file while Uptime Kuma is stopped (or use ``sqlite3 kuma.db ".backup copy.db"``).
A heartbeat has ``monitor_id``, ``status`` (0 down, 1 up, 2 pending, 3 maintenance) and
``time`` (UTC, ``2026-02-25 22:17:00.123``); ``monitor.name`` names the service. An outage
runs from the first down beat to the next up beat; maintenance beats are planned downtime;
pending beats (retries before a down is confirmed) change nothing. A run still down at the
last beat is still down. Problems name the heartbeat's ``id`` where a CSV names a line.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from slactl.errors import SlactlError
from slactl.report.sources import Options, Translated, header_for

DOWN, UP, PENDING, MAINTENANCE = 0, 1, 2, 3


def detect(head: bytes) -> bool:
    """An SQLite file (Uptime Kuma's database is the only SQLite source)."""
    return head.startswith(b"SQLite format 3\x00")


def _utc(text: str) -> str:
    value = datetime.fromisoformat(text.strip())
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat()


def read(path: Path, options: Options) -> Translated:
    """Runs of down (and maintenance) heartbeats per monitor, as outages."""
    out = Translated("uptime-kuma", "outages", str(path), header_for("outages"))
    out.columns = {
        "id": "monitor.name and the first heartbeat id",
        "service": "monitor.name",
        "start": "heartbeat.time (first down beat)",
        "end": "heartbeat.time (next up beat)",
        "planned": "heartbeat.status 3 (maintenance)",
    }
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise SlactlError(f"cannot open the Uptime Kuma database ({exc})", path=str(path)) from None
    try:
        monitors = {mid: str(name) for mid, name in db.execute("SELECT id, name FROM monitor")}
        query = "SELECT id, monitor_id, status, time FROM heartbeat ORDER BY monitor_id, time, id"
        beats = db.execute(query).fetchall()
    except sqlite3.Error as exc:
        raise SlactlError(
            f"not an Uptime Kuma database ({exc})", path=str(path), hint="give the data/kuma.db of Uptime Kuma"
        ) from None
    finally:
        db.close()
    # Per monitor: the open run (state, first beat id, start), closed by a beat of another state.
    runs: dict[int, tuple[int, int, str]] = {}

    def close(monitor: int, end: str) -> None:
        state, first, start = runs.pop(monitor)
        name = monitors.get(monitor, f"monitor {monitor}")
        out.add(
            first,
            {
                "id": f"{name} #{first}",
                "service": options.services(name),
                "start": start,
                "end": end,
                "planned": "yes" if state == MAINTENANCE else "no",
            },
        )

    for beat_id, monitor, status, when in beats:
        try:
            at = _utc(str(when))
        except ValueError:
            out.problems.append((int(beat_id), f"time {str(when)[:40]!r} is not a date and time"))
            continue
        if status not in (DOWN, UP, PENDING, MAINTENANCE):
            out.problems.append(
                (
                    int(beat_id),
                    f"status {status!r} is not 0 (down), 1 (up), 2 (pending) or 3 (maintenance)",
                )
            )
            continue
        if status == PENDING:
            continue
        current = runs.get(monitor)
        if current is not None and current[0] != status:
            close(monitor, at)
            current = None
        if current is None and status in (DOWN, MAINTENANCE):
            runs[monitor] = (status, int(beat_id), at)
    for monitor in list(runs):
        close(monitor, "")
    out.rows.sort(key=lambda item: item[0])
    return out
