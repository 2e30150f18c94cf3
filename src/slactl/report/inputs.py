"""Reading the operational exports: tickets, outages and surveys, as CSV or JSON Lines.

Column names differ between ticket systems, so each file's header is mapped to slactl's
field names: an explicit mapping (``--map column=field`` and ``report.columns`` in
slactl.yaml) first, then the field's own name, then a few common aliases (``created``,
``closed_at``...), compared without case, spaces or dashes.

Encodings (documented in docs/report.md):

* timestamps are ISO 8601 (``2027-03-05T16:55:00-05:00``, ``2027-03-05 16:55``, ``...Z``);
  a timestamp without an offset is local time in the service's calendar zone;
* ``on_hold`` is zero or more ``start/end`` pairs separated by ``;``;
* ``planned`` is yes/no (also true/false, y/n, 1/0, planned/unplanned; empty is no).

Rows are never dropped silently: a row that cannot be read is counted and reported as
``file:line: reason`` by :class:`Problems`, and the report goes on.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from decimal import Decimal, InvalidOperation
from itertools import repeat
from pathlib import Path
from typing import Any, TypeVar

from slactl.errors import SlactlError

FIELDS: dict[str, tuple[str, ...]] = {
    "tickets": (
        "id",
        "priority",
        "service",
        "site",
        "type",
        "opened",
        "first_response",
        "resolved",
        "on_hold",
        "first_response_by",
    ),
    "outages": ("id", "service", "site", "start", "end", "planned", "notified"),
    "surveys": ("ticket", "date", "score", "scale", "service"),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "tickets": ("id", "service", "opened"),
    "outages": ("service", "start", "end"),
    "surveys": ("score",),
}
ALL_FIELDS = frozenset(f for names in FIELDS.values() for f in names)

# Common spellings in ticketing and monitoring exports (compared normalized).
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("ticket_id", "ticket", "number", "key", "incident_id", "outage_id", "ref", "reference"),
    "priority": ("prio", "severity", "urgency_priority"),
    "service": ("service_id", "application", "system"),
    "site": ("location", "site_name"),
    "type": ("request_type", "category", "ticket_type", "kind"),
    "opened": ("created", "created_at", "opened_at", "open_time", "submitted", "submitted_at", "reported_at"),
    "first_response": ("responded", "responded_at", "first_response_at", "first_reply_at", "acknowledged_at"),
    "resolved": ("resolved_at", "closed", "closed_at", "resolution_time", "done_at"),
    "on_hold": ("hold", "holds", "on_hold_intervals", "paused"),
    "start": ("started", "started_at", "start_time", "down_at", "begin"),
    "end": ("ended", "ended_at", "end_time", "up_at", "finish", "restored_at"),
    "planned": ("is_planned", "maintenance", "scheduled"),
    "date": ("surveyed", "survey_date", "answered_at", "submitted_on", "responded_on"),
    "score": ("rating", "csat", "satisfaction"),
    "scale": ("out_of", "max_score"),
    "ticket": ("ticket_id", "ticket_number", "incident"),
    "first_response_by": ("responder", "first_responder", "responded_by", "first_reply_by", "first_response_author"),
    "notified": ("notified_at", "notice", "notice_sent", "notice_sent_at", "announced", "announced_at"),
}

# Who made a first response (`first_response_by`), compared normalized: an automated reply is
# not a response by the provider (docs/report.md, "Response semantics").
AUTOMATED = frozenset(
    ("automation", "automated", "auto", "system", "bot", "autoresponder", "auto_responder", "auto_reply", "autoreply")
)


def normalize(name: str) -> str:
    """'First Response At' -> 'first_response_at'."""
    return "_".join(name.strip().lower().replace("-", " ").replace(".", " ").split())


@dataclass
class Problems:
    """Bad rows: all counted, the first ``keep`` kept as ``file:line: reason``."""

    keep: int = 50
    count: int = 0
    by_file: dict[str, int] = field(default_factory=dict)
    shown: list[str] = field(default_factory=list)

    def add(self, file: str, line: int, reason: str) -> None:
        self.count += 1
        self.by_file[file] = self.by_file.get(file, 0) + 1
        if len(self.shown) < self.keep:
            self.shown.append(f"{file}:{line}: {reason}")

    def merge(self, other: Problems) -> None:
        """Add another collector's problems (from a worker process), keeping file order."""
        self.count += other.count
        for name, n in other.by_file.items():
            self.by_file[name] = self.by_file.get(name, 0) + n
        room = self.keep - len(self.shown)
        if room > 0:
            self.shown.extend(other.shown[:room])


# --------------------------------------------------------------------------- mapping


def parse_map_options(items: list[str]) -> dict[str, str]:
    """``["Created=opened", "Ticket #=id"]`` -> ``{"Created": "opened", "Ticket #": "id"}``."""
    out: dict[str, str] = {}
    for item in items:
        column, sep, name = item.rpartition("=")
        if not sep or not column.strip() or not name.strip():
            raise SlactlError(f"--map {item!r}: write column=field, e.g. --map 'Created At=opened'")
        out[column.strip()] = name.strip()
    check_mapping(out, "--map")
    return out


def check_mapping(mapping: Mapping[str, str], where: str) -> None:
    """Every mapped-to field must be one slactl knows."""
    for column, name in mapping.items():
        if name not in ALL_FIELDS:
            raise SlactlError(
                f"{where}: column {column!r} is mapped to unknown field {name!r}",
                hint="fields are " + ", ".join(sorted(ALL_FIELDS)),
            )


def resolve_columns(header: list[str], kind: str, mapping: Mapping[str, str], file: str) -> dict[str, int]:
    """Field name -> column index for one file; a missing required field is a ``SlactlError``."""
    wanted = FIELDS[kind]
    explicit = {normalize(k): v for k, v in mapping.items()}
    alias = {normalize(a): f for f in wanted for a in ALIASES.get(f, ())}
    found: dict[str, int] = {}
    # Three passes so an explicit mapping beats a column that merely has the field's name.
    for i, column in enumerate(header):
        name = explicit.get(normalize(column)) or mapping.get(column)
        if name in wanted and name not in found:
            found[name] = i
    for i, column in enumerate(header):
        key = normalize(column)
        if key in wanted and key not in found and key not in explicit:
            found[key] = i
    for i, column in enumerate(header):
        key = normalize(column)
        name = alias.get(key)
        if name and name not in found and key not in explicit and i not in found.values():
            found[name] = i
    missing = [f for f in REQUIRED[kind] if f not in found]
    if kind == "surveys" and "ticket" not in found and "date" not in found:
        missing.append("ticket or date")
    if missing:
        shown = ", ".join(repr(c) for c in header) or "none"
        raise SlactlError(
            f"the {kind} file has no column for {', '.join(missing)} (columns: {shown})",
            path=file,
            hint="say which column is which with --map COLUMN=FIELD or `report: columns:` in slactl.yaml",
        )
    return found


# --------------------------------------------------------------------------- tables


def open_table(path: Path) -> Table:
    """The rows of one input: a CSV or JSON Lines :class:`Table`, or (by extension, or a folder)
    a Parquet/Arrow file, a folder of exports or a DuckDB query (:mod:`slactl.report.columnar`).
    """
    from slactl.report import columnar

    if columnar.kind_of(path) is None:
        return Table(path)
    # The same interface as Table (header, name, fmt, line, rows of strings), from record batches.
    return columnar.open_columnar(path)  # type: ignore[return-value]


def sniff_format(path: Path) -> str:
    """'jsonl' or 'csv', by extension, else by the first non-blank character."""
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix in (".csv", ".tsv", ".txt"):
        return "csv"
    with path.open("rb") as fh:
        head = fh.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    return "jsonl" if head.startswith(b"{") else "csv"


_BLOCK = 1 << 20

# Input limits (docs/report.md#limits): a longer field, deeper JSON or more hold intervals make
# the row a bad row, reported with its line number; the report goes on.
MAX_FIELD = csv.field_size_limit()
"""Characters in one CSV field (the csv module's own limit, 131,072), or in one JSON Lines line."""
MAX_HOLDS = 1000
"""``start/end`` intervals in one ticket's ``on_hold``."""
MAX_NUMBER_TEXT = 40
"""Characters of a score or scale (at most 18 digits before the point, 6 after)."""
MIN_YEAR, MAX_YEAR = 1900, 8999
"""Years of the timestamps and dates read (as in agreements: before 9000-01-01)."""


def plain_csv(path: Path, start: int = 0, stop: int | None = None) -> bool:
    """Whether bytes ``[start, stop)`` hold no ``"``, no NUL and no line longer than MAX_FIELD.

    Then no field is quoted and none is too long, so rows can be split at commas.
    """
    try:
        with path.open("rb") as fh:
            fh.seek(start)
            left = (stop if stop is not None else path.stat().st_size) - start
            carry = 0  # length of the line that runs on from the previous block
            while left > 0:
                block = fh.read(min(_BLOCK, left))
                if not block:
                    break
                if b'"' in block or b"\0" in block:
                    return False
                first = block.find(b"\n")
                if first < 0:
                    carry += len(block)
                else:
                    if carry + first > MAX_FIELD or _long_line_inside(block):
                        return False
                    carry = len(block) - block.rfind(b"\n") - 1
                if carry > MAX_FIELD:
                    return False
                left -= len(block)
    except OSError:
        return False
    return True


def _long_line_inside(block: bytes) -> bool:
    """Whether a line wholly inside ``block`` is longer than MAX_FIELD.

    Such a line covers a whole aligned stretch of MAX_FIELD // 2 bytes, so a few ``find`` calls
    per block rule it out; only a stretch without a newline costs a split of the block.
    """
    step = MAX_FIELD // 2
    for i in range(0, len(block) - step + 1, step):
        if block.find(b"\n", i, i + step) < 0:
            return max(map(len, block.split(b"\n")[1:-1]), default=0) > MAX_FIELD
    return False


class _Limited(io.RawIOBase):
    """A read-only view of bytes ``[start, stop)`` of a file (for splitting work by byte range)."""

    def __init__(self, path: Path, start: int, stop: int) -> None:
        self._fh = path.open("rb")
        self._fh.seek(start)
        self._left = stop - start

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._left <= 0:
            return 0
        view = memoryview(buffer)[: self._left]
        n = self._fh.readinto(view)
        self._left -= n
        return n

    def close(self) -> None:
        self._fh.close()
        super().close()


class Table:
    """Rows of one CSV or JSON Lines file as lists of strings, with the current line number.

    Iterate for rows; :meth:`line` is the line of the row just returned (read lazily, so
    it costs nothing on good rows). ``start``/``stop``/``first_line`` read only a byte
    range, which must begin at the start of a line. ``simple``: whether the CSV has no
    quote (None: look).
    """

    def __init__(
        self,
        path: Path,
        fmt: str | None = None,
        *,
        header: list[str] | None = None,
        start: int | None = None,
        stop: int | None = None,
        first_line: int = 1,
        simple: bool | None = None,
    ) -> None:
        self.path = path
        self.name = os.fspath(path)
        self.fmt = fmt or sniff_format(path)
        self._first_line = first_line
        self._jline = first_line - 1
        raw: io.RawIOBase | io.BufferedReader
        try:
            if start is None:
                raw = path.open("rb")
            else:
                raw = io.BufferedReader(
                    _Limited(path, start, stop if stop is not None else path.stat().st_size), 1 << 16
                )
        except OSError as exc:
            raise SlactlError(f"cannot read file: {exc.strerror}", path=self.name) from None
        self._text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
        self.header: list[str]
        # A CSV without any quote (or NUL) has one row per line, split at commas: the
        # same rows as csv.reader gives, in half the time. Decided once for the range read.
        self.simple = self.fmt == "csv" and (simple if simple is not None else plain_csv(path, start or 0, stop))
        try:
            self._open(header, first_line)
        except BaseException:
            self._text.close()
            raise

    def _open(self, header: list[str] | None, first_line: int) -> None:
        if self.fmt == "csv":
            self._reader = csv.reader(self._text)
            if header is None:
                try:
                    self.header = next(self._reader, [])
                except csv.Error as exc:
                    line = self._reader.line_num
                    raise SlactlError(f"line {line} cannot be read as the header ({exc})", path=self.name) from None
                self._offset = 0
            else:
                self.header = header
                self._offset = first_line - 1
            # Line of the first data row (simple rows are single lines: line = this + index).
            self._first_row = self._reader.line_num + self._offset + 1
        else:
            self._lines = self._json_rows()
            self.header = header if header is not None else self._json_header()

    def line(self, index: int) -> int:
        """Line number (1-based, in the whole file) of the row last returned, the ``index``-th (from 0)."""
        if self.simple:
            return self._first_row + index
        if self.fmt == "csv":
            return self._reader.line_num + self._offset
        return self._jline

    def __iter__(self) -> Iterator[list[str]]:
        if self.simple:
            # All in C: no Python frame per row. A blank line gives [''] where csv gives [];
            # readers treat both as blank (no non-empty field).
            return map(str.split, map(str.rstrip, self._text, repeat("\r\n")), repeat(","))
        if self.fmt == "csv":
            return self._csv_rows()
        return self._lines

    def _csv_rows(self) -> Iterator[list[str]]:
        reader = self._reader
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:  # a field over MAX_FIELD, a NUL: the row is bad, the file goes on
                text = str(exc)
                if "field limit" in text:
                    text = f"a field longer than {MAX_FIELD:,} characters"
                yield ["\0" + text]
                continue
            yield row

    def close(self) -> None:
        self._text.close()

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # JSON Lines: the header is the keys of the first object; each row lists its values in
    # that order (missing keys are empty), so the rest of the code sees one shape.
    def _json_header(self) -> list[str]:
        self._pending: list[str] | None = None
        for text in self._text:
            self._jline += 1
            if not text.strip():
                continue
            row, obj, problem = _json_row(text, None)
            if problem is not None or obj is None or row is None:
                raise SlactlError(f"line {self._jline} is {problem}; cannot read the file's fields", path=self.name)
            self._keys = list(obj)
            self._pending = row
            return list(self._keys)
        self._keys = []
        return []

    def _json_rows(self) -> Iterator[list[str]]:
        if getattr(self, "_pending", None) is not None:
            first, self._pending = self._pending, None
            assert first is not None
            yield first
        keys: list[str] | None = None
        for text in self._text:
            self._jline += 1
            if not text.strip():
                continue
            if keys is None:
                keys = getattr(self, "_keys", None) or self.header
            row, _obj, problem = _json_row(text, keys)
            yield row if row is not None else ["\0" + (problem or "not a JSON object")]


def _json_row(text: str, keys: list[str] | None) -> tuple[list[str] | None, dict[str, Any] | None, str | None]:
    """One JSON Lines line -> (row of ``keys``' values, the object, None) or (None, None, why not)."""
    if len(text) > MAX_FIELD:
        return None, None, f"longer than {MAX_FIELD:,} characters"
    try:
        obj = json.loads(text)
        if not isinstance(obj, dict):
            return None, None, "not a JSON object"
        return [_jstr(obj.get(k)) for k in (keys if keys is not None else obj)], obj, None
    except json.JSONDecodeError as exc:
        return None, None, f"not JSON ({exc.msg})"
    except RecursionError:  # json.loads and str() recurse once per level of nesting
        return None, None, "not JSON a report can read (nested too deeply)"
    except ValueError as exc:  # an integer of more than 4,300 digits
        return None, None, f"not JSON a report can read ({str(exc).split(';')[0]})"


def _jstr(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):  # on_hold given as [[start, end], ...] or ["start/end", ...]
        return ";".join("/".join(str(v) for v in item) if isinstance(item, list) else str(item) for item in value)
    return str(value)


def row_error(row: list[str]) -> str | None:
    """The reason a JSON Lines row could not be read at all (None for a real row)."""
    if len(row) == 1 and row[0].startswith("\0"):
        return row[0][1:]
    return None


# --------------------------------------------------------------------------- values


def parse_instant(text: str, zone: tzinfo) -> datetime:
    """An ISO 8601 timestamp of the years MIN_YEAR..MAX_YEAR; without an offset it is local time in ``zone``."""
    value = datetime.fromisoformat(text)
    check_year(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=zone)
    return value


def check_year(value: datetime) -> None:
    """ValueError when ``value`` is not in the years MIN_YEAR..MAX_YEAR (arithmetic near year 9999 overflows)."""
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"is not from {MIN_YEAR}-01-01 and before {MAX_YEAR + 1}-01-01")


T = TypeVar("T")


def check_holds(text: str) -> None:
    """ValueError when ``on_hold`` lists more than MAX_HOLDS intervals."""
    if text.count(";") >= MAX_HOLDS and sum(1 for part in text.split(";") if part.strip()) > MAX_HOLDS:
        raise ValueError(f"on_hold has more than {MAX_HOLDS:,} intervals")


def parse_holds(text: str, parse: Callable[[str], T]) -> list[tuple[T, T]]:
    """``start/end;start/end`` -> intervals, each end read by ``parse`` (ValueError on a bad or
    backwards pair, or too many). The one reader of `on_hold`, whatever the time is kept as."""
    check_holds(text)
    out: list[tuple[T, T]] = []
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        a, sep, b = part.partition("/")
        if not sep:
            raise ValueError(f"on_hold {part!r} is not start/end")
        try:
            start, end = parse(a.strip()), parse(b.strip())
        except ValueError:
            raise ValueError(f"on_hold {part!r} is not two ISO 8601 timestamps") from None
        if end < start:  # type: ignore[operator]  # datetimes or microseconds: both ordered
            raise ValueError(f"on_hold {part!r} ends before it starts")
        out.append((start, end))
    return out


_YES = frozenset({"yes", "y", "true", "t", "1", "planned", "scheduled", "x"})
_NO = frozenset({"", "no", "n", "false", "f", "0", "unplanned", "unscheduled"})


def parse_flag(text: str) -> bool:
    """yes/no and friends (ValueError otherwise)."""
    key = text.strip().lower()
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise ValueError(f"planned {text!r} is not yes or no")


def parse_priority(text: str) -> str:
    """'P1', 'p1', '1', 'Priority 1' -> 'P1'; anything else as given (it then matches no scope)."""
    key = text.strip()
    digits = key.upper().removeprefix("PRIORITY").removeprefix("P").strip()
    if digits in ("1", "2", "3", "4"):
        return "P" + digits
    return key


def parse_score(text: str) -> Decimal:
    """A survey score (ValueError when it is not a number of at least 0, or too long to be one)."""
    from slactl.model.types import check_decimal

    shown = text if len(text) <= 40 else text[:30] + f"...({len(text):,} characters)"
    if len(text) > MAX_NUMBER_TEXT or not text.isascii():
        raise ValueError(f"score {shown!r} is not a number of at most 18 digits")
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(f"score {shown!r} is not a number") from None
    if not value.is_finite() or value < 0:
        raise ValueError(f"score {shown!r} is not a number of at least 0")
    try:
        return check_decimal(value, "a score")
    except ValueError as exc:
        raise ValueError(f"score {shown!r}: {exc}") from None


def columns_from_config(raw: Any) -> dict[str, str]:
    """The ``report.columns`` mapping of slactl.yaml, read defensively (model, dict or absent)."""
    report = getattr(raw, "report", None)
    if report is None and isinstance(raw, Mapping):
        report = raw.get("report")
    if report is None:
        return {}
    columns = getattr(report, "columns", None)
    if columns is None and isinstance(report, Mapping):
        columns = report.get("columns")
    if not isinstance(columns, Mapping):
        return {}
    out = {str(k): str(v) for k, v in columns.items()}
    check_mapping(out, "slactl.yaml report.columns")
    return out
