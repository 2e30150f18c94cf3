"""Exports of the tools teams use, translated into slactl's ticket and outage records.

One module per tool (``jira``, ``servicenow``, ``zendesk``, ``pagerduty``, ``statuspage``,
``uptime_kuma``, ``uptimerobot``). Each reads the tool's own export (its column names, date
formats, status and priority names) and returns a :class:`Translated`: rows in slactl's
fields (ISO 8601 times, ``P1``..``P4``, the agreement's service ids), each with the line of
the export it came from, the rows it could not read (``line``, reason) and, where the export
carries it, the tool's own verdict on each ticket (:class:`ToolVerdict`). The engine then
scans the rows exactly as it scans slactl's own CSV layout, so a source is only a
translation: the clock and the judging are the report's. See docs/report.md ("Sources").
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from slactl.errors import SlactlError
from slactl.report.inputs import FIELDS, normalize

if TYPE_CHECKING:
    from slactl.model.agreement import Agreement
    from slactl.report.measure.engine import Engine
    from slactl.report.ticketclock import VerdictCheck

__all__ = [
    "KINDS",
    "SOURCES",
    "Options",
    "ServiceNames",
    "ToolVerdict",
    "Translated",
    "as_list",
    "choose_sources",
    "detect",
    "read_into",
    "read_sources",
    "translate",
]

SOURCES: dict[str, str] = {
    "jira": "Jira Service Management CSV export",
    "servicenow": "ServiceNow incident or task_sla CSV export",
    "zendesk": "Zendesk ticket CSV export",
    "pagerduty": "PagerDuty incidents (REST API JSON)",
    "statuspage": "Atlassian Statuspage incidents (API JSON)",
    "uptime-kuma": "Uptime Kuma database (SQLite, heartbeat table)",
    "uptimerobot": "UptimeRobot monitors with logs (API JSON)",
}
"""Source name -> what it reads."""

KINDS: dict[str, str] = {
    "jira": "tickets",
    "servicenow": "tickets",
    "zendesk": "tickets",
    "pagerduty": "tickets",
    "statuspage": "outages",
    "uptime-kuma": "outages",
    "uptimerobot": "outages",
}
"""Source name -> the records it gives."""


@dataclass(frozen=True, slots=True)
class ToolVerdict:
    """What the tool itself says of one ticket against one of its SLAs."""

    ticket: str
    line: int
    sla: str  # the tool's name for the SLA
    measure: str | None  # "response" or "resolution" (None: the name does not say)
    breached: bool | None  # the tool's breach flag (None: not given)
    elapsed: timedelta | None  # the tool's elapsed business time (None: not given)
    paused: timedelta | None = None  # time the tool paused the clock (None: not given)


@dataclass
class Translated:
    """One export read: slactl rows, unreadable rows and the tool's verdicts."""

    source: str
    kind: str
    file: str
    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)
    verdicts: list[ToolVerdict] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # slactl field -> the tool's column
    notes: list[str] = field(default_factory=list)

    def add(self, line: int, values: Mapping[str, str]) -> None:
        """One record (missing fields empty)."""
        self.rows.append((line, [values.get(name, "") for name in self.header]))


class ServiceNames:
    """The agreement's services by id and by name (compared normalized): a tool's name -> id."""

    def __init__(self, agreement: Agreement | None = None, extra: Mapping[str, str] | None = None) -> None:
        self.names: dict[str, str] = {}
        if agreement is not None:
            for svc in agreement.services:
                self.names[normalize(svc.id)] = svc.id
                if svc.name:
                    self.names.setdefault(normalize(svc.name), svc.id)
        for name, sid in (extra or {}).items():
            self.names[normalize(name)] = sid

    def known(self, text: str) -> bool:
        """Whether ``text`` names a service of the agreement."""
        return normalize(text) in self.names

    def __call__(self, text: str) -> str:
        """The service id ``text`` names, else ``text`` as given (then measured by no level)."""
        return self.names.get(normalize(text), text.strip())

    def first(self, candidates: Sequence[str]) -> str:
        """The first candidate naming a known service, else the first non-empty one."""
        for text in candidates:
            if text.strip() and self.known(text):
                return self(text)
        return next((t.strip() for t in candidates if t.strip()), "")


@dataclass
class Options:
    """How to read an export: its time zone, its declared date format, the service names."""

    zone: tzinfo | None = None  # the export's time zone (None: times without offset are the service's)
    date_format: str | None = None  # the tool's display format (strptime %-codes, or Java's dd/MMM/yy h:mm a)
    services: ServiceNames = field(default_factory=ServiceNames)


# --------------------------------------------------------------------------- values

# Jira's default display format and the other forms exports use; a declared format goes first.
_FORMATS = (
    "%d/%b/%y %I:%M %p",  # 25/Feb/26 10:17 PM (Jira's default)
    "%d/%b/%Y %I:%M %p",
    "%d/%b/%y %H:%M",
    "%d/%b/%Y %H:%M",
    "%Y-%m-%d %H:%M:%S %z",  # 2026-02-25 22:17:00 +0000
    "%Y/%m/%d %H:%M:%S %z",
    "%Y-%m-%d %I:%M:%S %p",
    "%d %b %Y %H:%M",
)

_JAVA = (
    ("yyyy", "%Y"),
    ("yy", "%y"),
    ("MMMM", "%B"),
    ("MMM", "%b"),
    ("MM", "%m"),
    ("dd", "%d"),
    ("HH", "%H"),
    ("hh", "%I"),
    ("h", "%I"),
    ("mm", "%M"),
    ("ss", "%S"),
    ("a", "%p"),
    ("d", "%d"),
    ("M", "%m"),
    ("H", "%H"),
)


def strptime_format(declared: str) -> str:
    """A date format as strptime wants it: ``%``-codes kept, Java's (``dd/MMM/yy h:mm a``) translated."""
    if "%" in declared:
        return declared
    out = ""
    i = 0
    while i < len(declared):
        for token, code in _JAVA:
            if declared.startswith(token, i):
                out += code
                i += len(token)
                break
        else:
            out += declared[i]
            i += 1
    return out


def parse_when(text: str, options: Options) -> str:
    """A tool's timestamp -> ISO 8601 (ValueError when no known format reads it).

    Without an offset the time is in the export's zone (``options.zone``), else left without
    one: the report then reads it in the service's calendar zone, as it does its own CSV.
    """
    text = text.strip()
    value: datetime | None = None
    formats = ((strptime_format(options.date_format),) if options.date_format else ()) + _FORMATS
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        for fmt in formats:
            try:
                value = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if value is None:
        shown = text if len(text) <= 40 else text[:30] + "..."
        declared = f", the declared {options.date_format!r}" if options.date_format else ""
        raise ValueError(f"{shown!r} is not a date (ISO 8601{declared} or dd/MMM/yy h:mm a)")
    if value.tzinfo is None and options.zone is not None:
        value = value.replace(tzinfo=options.zone)
    return value.isoformat()


def epoch(seconds: float | int) -> str:
    """Unix seconds -> ISO 8601 in UTC."""
    return datetime.fromtimestamp(seconds, UTC).isoformat()


_DURATION_WORDS = re.compile(
    r"(-?\d+(?:\.\d+)?)\s*(d|days?|h|hours?|hrs?|m|mins?|minutes?|s|secs?|seconds?)\b", re.IGNORECASE
)
_UNIT = {"d": 86400, "h": 3600, "m": 60, "s": 1}


def parse_span(text: str) -> timedelta:
    """A tool's duration display: '1 Day 2 Hours 3 Minutes', '2h 15m', '1970-01-01 02:15:00', '8100' (seconds)."""
    text = text.strip()
    if not text:
        raise ValueError("is empty")
    if re.fullmatch(r"\d{1,10}", text):
        return timedelta(seconds=int(text))
    if re.fullmatch(r"1970-01-\d\d \d\d:\d\d:\d\d", text):  # ServiceNow's internal duration value
        value = datetime.fromisoformat(text + "+00:00")
        return value - datetime(1970, 1, 1, tzinfo=UTC)
    sign = -1 if text.startswith("-") else 1
    total = 0.0
    found = False
    for number, unit in _DURATION_WORDS.findall(text):
        found = True
        total += abs(float(number)) * _UNIT[unit[0].lower()]
    if not found:
        raise ValueError(f"{text[:40]!r} is not a duration")
    if total > MAX_SPAN_SECONDS:
        raise ValueError(f"{text[:40]!r} is longer than 100 years")
    return timedelta(seconds=sign * total)


MAX_SPAN_SECONDS = 100 * 366 * 86400
"""Longest duration a tool's field may give (a longer one is a bad row, not an overflow)."""


_TRUE = frozenset({"true", "yes", "1", "y"})
_FALSE = frozenset({"false", "no", "0", "n", ""})


def tool_flag(text: str) -> bool | None:
    """A tool's boolean ('true', 'false', empty -> None)."""
    key = text.strip().lower()
    if not key:
        return None
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValueError(f"{text!r} is not true or false")


def measure_of(name: str) -> str | None:
    """'Priority 1 resolution (8 hour)' -> 'resolution'; 'Time to first response' -> 'response'."""
    key = name.lower()
    if "response" in key or "reply" in key or "acknowledg" in key:
        return "response"
    if "resolution" in key or "resolve" in key or "solve" in key:
        return "resolution"
    return None


# --------------------------------------------------------------------------- files


@dataclass
class CsvExport:
    """A tool's CSV: the header (names may repeat), data rows with their lines, repeated headers skipped."""

    header: list[str]
    rows: list[tuple[int, list[str]]]
    repeated_headers: list[int]

    def index(self) -> dict[str, list[int]]:
        """Column name (normalized) -> every index carrying it (Jira repeats multi-value columns)."""
        out: dict[str, list[int]] = {}
        for i, name in enumerate(self.header):
            out.setdefault(normalize(name), []).append(i)
        return out


def read_csv(path: Path) -> CsvExport:
    """A CSV export read whole (exports of these tools are small): BOM, quoting and repeated headers handled."""
    try:
        text = path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError as exc:
        raise SlactlError(f"cannot read file: {exc.strerror}", path=str(path)) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    repeated: list[int] = []
    line = 1
    try:
        for row in reader:
            if not header:
                if any(cell.strip() for cell in row):
                    header = [cell.strip() for cell in row]
            elif [cell.strip() for cell in row] == header:
                repeated.append(line)  # an export concatenated from pages repeats its header
            elif any(cell.strip() for cell in row):
                rows.append((line, row))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise SlactlError(f"line {reader.line_num} cannot be read as CSV ({exc})", path=str(path)) from None
    return CsvExport(header, rows, repeated)


class Row:
    """One CSV row read by column name: the first non-empty cell of a name that repeats."""

    def __init__(self, index: Mapping[str, list[int]], cells: list[str]) -> None:
        self._index = index
        self._cells = cells

    def get(self, *names: str) -> str:
        """The first non-empty value among the columns ``names`` (compared normalized)."""
        for name in names:
            for i in self._index.get(normalize(name), ()):
                if i < len(self._cells) and self._cells[i].strip():
                    return self._cells[i].strip()
        return ""

    def all(self, name: str) -> list[str]:
        """Every non-empty value of a repeated column."""
        return [
            self._cells[i].strip()
            for i in self._index.get(normalize(name), ())
            if i < len(self._cells) and self._cells[i].strip()
        ]


def json_items(text: str, key: str | None, start: int = 0, stop: int | None = None) -> list[tuple[int, int, Any]]:
    """The elements of the JSON array at ``key`` (None: the top-level array), each as (line, offset, value).

    Lines let a bad record be reported as ``file:line`` like a CSV row. ``start``/``stop``
    look for ``key`` inside one enclosing object only.
    """
    stop = len(text) if stop is None else stop
    if key is None:
        pos = text.find("[", start, stop)
    else:
        m = re.compile(r'"' + re.escape(key) + r'"\s*:\s*\[').search(text, start, stop)
        pos = -1 if m is None else m.end() - 1
    if pos < 0:
        return []
    decoder = json.JSONDecoder()
    out: list[tuple[int, int, Any]] = []
    i = pos + 1
    while True:
        while i < stop and text[i] in " \t\r\n,":
            i += 1
        if i >= stop or text[i] == "]":
            return out
        try:
            value, end = decoder.raw_decode(text, i)
        except (json.JSONDecodeError, RecursionError):  # the key was met inside a string, not as a member
            return out
        out.append((text.count("\n", 0, i) + 1, i, value))
        i = end


def as_list(value: object) -> list[Any]:
    """A JSON member that should be an array (anything else: empty)."""
    return value if isinstance(value, list) else []


def read_json(path: Path) -> tuple[str, Any]:
    """The text and value of a JSON export (a SlactlError when it is not JSON)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
        return text, json.loads(text)
    except OSError as exc:
        raise SlactlError(f"cannot read file: {exc.strerror}", path=str(path)) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SlactlError(f"not a JSON export ({exc})", path=str(path)) from None


# --------------------------------------------------------------------------- registry


def _module(name: str) -> Any:
    if name not in SOURCES:
        raise SlactlError(f"unknown source {name!r}", hint="sources are " + ", ".join(SOURCES))
    return import_module(f"slactl.report.sources.{name.replace('-', '_')}")


def detect(path: Path) -> str | None:
    """The source whose export ``path`` is, when its header or content says so unambiguously."""
    try:
        with path.open("rb") as fh:
            head = fh.read(65536)
    except OSError:
        return None
    found = [name for name in SOURCES if _module(name).detect(head)]
    return found[0] if len(found) == 1 else None


def translate(name: str, path: Path, options: Options) -> Translated:
    """Read ``path`` as an export of source ``name``."""
    result: Translated = _module(name).read(path, options)
    return result


class RowsTable:
    """Translated rows in the shape of :class:`slactl.report.inputs.Table` for the scanners."""

    def __init__(self, name: str, fmt: str, header: list[str], rows: list[tuple[int, list[str]]]) -> None:
        self.name = name
        self.fmt = fmt
        self.header = header
        self.simple = False
        self._rows = rows

    def line(self, index: int) -> int:
        """Line of the export the ``index``-th row came from."""
        return self._rows[index][0]

    def __iter__(self) -> Iterator[list[str]]:
        return (row for _line, row in self._rows)

    def close(self) -> None:
        """Nothing to close: the export was read whole."""


def read_into(engine: Engine, kind: str, path: Path, name: str, options: Options) -> Translated:
    """Translate one export and scan its records into ``engine`` (bad rows become its problems)."""
    from slactl.report.measure.results import InputSummary

    if KINDS[name] != kind:
        raise SlactlError(
            f"--source {name} reads {KINDS[name]}, not {kind}",
            path=str(path),
            hint=f"give this file as --{KINDS[name]}",
        )
    translated = translate(name, path, options)
    file = str(path)
    for line, reason in translated.problems:
        engine.problems.add(file, line, reason)
    table = RowsTable(file, name, translated.header, translated.rows)
    columns = {f: i for i, f in enumerate(translated.header)}
    summary = InputSummary(kind, file, name, columns=dict(translated.columns))
    before = engine.problems.count
    scanner: Callable[[Any, dict[str, int], InputSummary], None] = {
        "tickets": engine.scan_tickets,
        "outages": engine.scan_outages,
    }[kind]
    if kind == "tickets":
        engine.ticket_file = file
    scanner(table, columns, summary)
    summary.rows += len(translated.problems)
    summary.bad = engine.problems.count - before + len(translated.problems)
    engine.summaries.append(summary)
    return translated


def header_for(kind: str) -> list[str]:
    """slactl's fields of ``kind`` (the translated rows' columns)."""
    return list(FIELDS[kind])


def read_sources(
    engine: Engine,
    files: dict[str, Path | None],
    chosen: Mapping[str, str],
    mapped: bool,
    zone: str | None,
    date_format: str | None,
) -> tuple[list[str], list[Callable[[], VerdictCheck]], Path | None, Path | None]:
    """Read the files that are a tool's export (named in ``chosen``, or detected when not ``mapped``).

    Returns notes saying which source read which file, the verdict checks to run once every
    file is read, and the tickets and outages files left for slactl's own layout.
    """
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        tz = ZoneInfo(zone) if zone else None
    except (ZoneInfoNotFoundError, ValueError):
        raise SlactlError(f"--source-timezone {zone!r} is not an IANA time zone", hint="e.g. Europe/Madrid") from None
    options = Options(tz, date_format, ServiceNames(engine.latest))
    notes: list[str] = []
    checks: list[Callable[[], VerdictCheck]] = []
    left: dict[str, Path | None] = dict(files)
    for kind, path in files.items():
        if path is None:
            continue
        name = chosen.get(kind)
        how = "as asked"
        if name is None and not mapped:
            name = detect(path)
            how = "detected from the file"
        if name is None or name == "csv":
            continue
        translated = read_into(engine, kind, path, name, options)
        left[kind] = None
        notes.append(f"{path.name} was read as: {SOURCES[name]} ({how}).")
        notes.extend(n if n.endswith(".") else n + "." for n in translated.notes)
        if translated.verdicts:
            checks.append(_checker(engine, translated))
    return notes, checks, left.get("tickets"), left.get("outages")


def _checker(engine: Engine, translated: Translated) -> Callable[[], VerdictCheck]:
    def run() -> VerdictCheck:
        from slactl.report.ticketclock import compare_verdicts

        return compare_verdicts(
            engine, translated.source, translated.file, translated.header, translated.rows, translated.verdicts
        )

    return run


def choose_sources(names: Sequence[str]) -> dict[str, str]:
    """``--source`` values -> kind -> source (``csv``: slactl's own layout, no detection)."""
    out: dict[str, str] = {}
    for raw in names:
        name = raw.strip().lower()
        if name == "csv":
            for kind in ("tickets", "outages"):
                out.setdefault(kind, "csv")
            continue
        if name not in SOURCES:
            raise SlactlError(f"unknown --source {raw!r}", hint="sources are csv, " + ", ".join(SOURCES))
        kind = KINDS[name]
        if out.get(kind) not in (None, "csv"):
            raise SlactlError(f"--source {out[kind]} and --source {name} both read {kind}: give one")
        out[kind] = name
    return out
