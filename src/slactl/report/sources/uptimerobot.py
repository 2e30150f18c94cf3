"""UptimeRobot: monitors with their logs, as the API gives them (``getMonitors`` with ``logs=1``).

``monitors[].friendly_name`` names the service; each log has a ``type`` (1 down, 2 up, 98
started, 99 paused), a ``datetime`` (Unix seconds, UTC) and a ``duration`` (seconds the state
lasted). A down log is an outage from its ``datetime`` for its ``duration``. A paused monitor
measures nothing: its pauses are not downtime (and are noted), and a monitor's
``mwindows`` (maintenance windows, ``mwindows=1``) make the downs inside them planned.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from slactl.report.sources import Options, Translated, as_list, epoch, header_for, json_items, read_json

DOWN, UP, STARTED, PAUSED = 1, 2, 98, 99


def detect(head: bytes) -> bool:
    """JSON naming ``friendly_name`` and ``monitors``."""
    text = head.decode("utf-8-sig", errors="replace")
    return text.lstrip().startswith("{") and '"monitors"' in text and '"friendly_name"' in text


def _windows(monitor: dict[str, Any]) -> list[tuple[float, float]]:
    """Maintenance windows that happened once (type 1: start_time, duration in minutes)."""
    out = []
    for mw in as_list(monitor.get("mwindows")):
        if not isinstance(mw, dict) or mw.get("type") != 1:
            continue
        start, minutes = mw.get("start_time"), mw.get("duration", 0)
        if isinstance(start, int | float) and isinstance(minutes, int | float):
            out.append((float(start), float(start) + 60 * float(minutes)))
    return out


def read(path: Path, options: Options) -> Translated:
    """Each down log as an outage of its monitor's service."""
    text, _value = read_json(path)
    out = Translated("uptimerobot", "outages", str(path), header_for("outages"))
    out.columns = {
        "id": "logs[].id",
        "service": "friendly_name",
        "start": "logs[].datetime (type 1, down)",
        "end": "datetime + duration",
        "planned": "inside a maintenance window (mwindows)",
    }
    monitors = json_items(text, "monitors")
    pauses = 0
    for k, (line, pos, monitor) in enumerate(monitors):
        if not isinstance(monitor, dict):
            out.problems.append((line, "not a monitor object"))
            continue
        stop = monitors[k + 1][1] if k + 1 < len(monitors) else len(text)
        service = options.services(str(monitor.get("friendly_name") or monitor.get("url") or ""))
        windows = _windows(monitor)
        for log_line, _p, log in json_items(text, "logs", pos, stop):
            if not isinstance(log, dict):
                out.problems.append((log_line, "not a log object"))
                continue
            kind = log.get("type")
            if kind == PAUSED:
                pauses += 1
            if kind != DOWN:
                continue
            when, duration = log.get("datetime"), log.get("duration")
            if not isinstance(when, int | float) or isinstance(when, bool):
                out.problems.append((log_line, f"datetime {when!r} is not Unix seconds"))
                continue
            if duration is not None and (not isinstance(duration, int | float) or duration < 0):
                out.problems.append((log_line, f"duration {duration!r} is not a number of seconds"))
                continue
            try:
                start = epoch(when)
                end = epoch(when + duration) if duration is not None else ""
            except (OverflowError, OSError, ValueError):
                out.problems.append((log_line, f"datetime {when!r} is not a time slactl can read"))
                continue
            planned = any(a <= when < b for a, b in windows)
            ref = str(log.get("id") or f"{service} down at {start}")
            out.add(
                log_line,
                {"id": ref, "service": service, "start": start, "end": end, "planned": "yes" if planned else "no"},
            )
    if pauses:
        out.notes.append(
            f"{path.name}: monitors were paused {pauses} time{'s' if pauses != 1 else ''}; "
            "a paused monitor measures nothing, and its pauses are not counted as downtime"
        )
    return out
