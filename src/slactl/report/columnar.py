"""Columnar inputs: Parquet and Arrow files through pyarrow, folders and queries through DuckDB.

Both give the measure code the rows it reads from a CSV file, a record batch at a time, so the
numbers are the CSV path's numbers: each needed column of a batch is turned into the text the
CSV path reads (a typed timestamp into ISO 8601: naive stays local time in the calendar's zone,
zoned becomes UTC with ``+00:00``; a boolean into true/false; a list of hold strings into
``a/b;c/d``), and the scanner runs on that text. Only one batch is in memory at a time.

* ``x.parquet``/``.pq``: :mod:`pyarrow.parquet`, row group by row group;
* ``x.arrow``/``.feather``/``.ipc``: the Arrow IPC file format (Feather v2), else the stream format;
* a folder: DuckDB reads every ``*.parquet`` file in it (else every ``*.csv``, all columns as
  text, so the same strings as the CSV path), one table, files in name order;
* ``x.sql``: the rows of the DuckDB query in the file (e.g. over a warehouse export or an
  attached database).

pyarrow and duckdb are optional (``pip install 'slactl[data]'``) and imported only here, only
when such an input is read. A bad row is reported as ``file:row N`` (the row number from 1;
these formats have no lines).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from slactl.errors import SlactlError

if TYPE_CHECKING:
    import pyarrow as pa  # type: ignore[import-untyped]

ARROW_SUFFIXES = (".arrow", ".feather", ".ipc")
PARQUET_SUFFIXES = (".parquet", ".pq")
QUERY_SUFFIXES = (".sql",)
BATCH_ROWS = 65_536
"""Rows per record batch read (a batch's text is what is held in memory at a time)."""


def kind_of(path: Path) -> str | None:
    """'parquet', 'arrow', 'duckdb' (a folder or a .sql query) or None (a CSV/JSON Lines file)."""
    suffix = path.suffix.lower()
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    if suffix in ARROW_SUFFIXES:
        return "arrow"
    if suffix in QUERY_SUFFIXES or path.is_dir():
        return "duckdb"
    return None


def folder_files(folder: Path) -> list[Path]:
    """The exports a folder input reads: its ``*.parquet`` files, else its ``*.csv`` files, by name."""
    for pattern in ("*.parquet", "*.csv"):
        found = sorted(p for p in folder.glob(pattern) if p.is_file())
        if found:
            return found
    raise SlactlError(
        "the folder has no *.parquet or *.csv file", path=str(folder), hint="give a folder of monthly exports"
    )


def _need(module: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise SlactlError(
            f"reading this input needs {module.split('.')[0]}, which is not installed",
            hint="pip install 'slactl[data]'",
        ) from None


class BatchTable:
    """Rows of an Arrow record-batch stream as sequences of strings: the interface of ``inputs.Table``.

    :meth:`use` names the columns the scanner reads; the others are given as empty text and
    never converted.
    """

    def __init__(self, path: Path, fmt: str, names: list[str], batches: Iterable[pa.RecordBatch], closer: Any) -> None:
        self.path = path
        self.name = os.fspath(path)
        self.fmt = fmt
        self.simple = False
        self.header = names
        self._batches = batches
        self._closer = closer
        self._wanted: set[int] | None = None

    def use(self, indices: Iterable[int]) -> None:
        """Convert only these columns (by index in :attr:`header`)."""
        self._wanted = set(indices)

    def line(self, index: int) -> int:
        """Row number (from 1) of the ``index``-th row (from 0)."""
        return index + 1

    def __iter__(self) -> Iterator[tuple[str, ...]]:
        width = len(self.header)
        wanted = self._wanted if self._wanted is not None else set(range(width))
        for batch in self._batches:
            n = batch.num_rows
            if not n:
                continue
            blank = [""] * n
            columns = [_strings(batch.column(i)) if i in wanted else blank for i in range(width)]
            yield from zip(*columns, strict=True)

    def close(self) -> None:
        if self._closer is not None:
            self._closer()
            self._closer = None

    def __enter__(self) -> BatchTable:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _strings(array: Any) -> list[str]:
    """One column of a batch as the text the CSV path reads (null: empty)."""
    pa = _need("pyarrow")
    pc = _need("pyarrow.compute")
    kind = array.type
    if pa.types.is_dictionary(kind):
        array = array.cast(kind.value_type)
        kind = array.type
    if pa.types.is_timestamp(kind):
        zoned = kind.tz is not None
        if zoned:  # the same instants, written in UTC with their offset
            array = array.cast(pa.timestamp(kind.unit, "UTC")).cast(pa.timestamp(kind.unit))
        text = array.cast(pa.string())
        if kind.unit != "s":  # '16:55:00.000000' -> '16:55:00' (the stamps tables cache fewer shapes)
            text = pc.replace_substring_regex(text, r"\.0+$", "")
        text = pc.replace_substring(text, " ", "T", max_replacements=1)
        if zoned:
            text = pc.binary_join_element_wise(text, pa.scalar("+00:00"), "")
        array = text
    elif pa.types.is_list(kind) or pa.types.is_large_list(kind):
        # on_hold as a list of 'start/end' strings (a list of lists is not read: say so by its text)
        array = pc.binary_join(array.cast(pa.list_(pa.string())), ";")
    elif not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        array = array.cast(pa.string())
    values: list[str] = array.fill_null("").to_pylist()
    return values


def open_columnar(path: Path) -> BatchTable:
    """Open a Parquet/Arrow file, a folder of exports or a .sql query as a :class:`BatchTable`."""
    kind = kind_of(path)
    if kind == "parquet":
        return _parquet(path)
    if kind == "arrow":
        return _arrow(path)
    if kind == "duckdb":
        return _duckdb(path)
    raise SlactlError("not a Parquet, Arrow, folder or .sql input", path=str(path))  # pragma: no cover - dispatch


def _parquet(path: Path) -> BatchTable:
    pq = _need("pyarrow.parquet")
    try:
        # pre_buffer off: with it, pyarrow keeps every row group's column chunks it read (memory
        # grew by 27 MB per 1,000,000 tickets); a 1 MB read buffer streams each column chunk.
        handle = pq.ParquetFile(path, pre_buffer=False, buffer_size=1 << 20)
    except (OSError, ValueError) as exc:
        raise SlactlError(f"cannot read the file as Parquet ({exc})", path=str(path)) from None
    names = list(handle.schema_arrow.names)
    return BatchTable(path, "parquet", names, handle.iter_batches(batch_size=BATCH_ROWS), handle.close)


def _arrow(path: Path) -> BatchTable:
    pa = _need("pyarrow")
    ipc = _need("pyarrow.ipc")
    source = pa.memory_map(os.fspath(path), "r")
    try:
        reader = ipc.open_file(source)
        batches: Iterable[Any] = (reader.get_batch(i) for i in range(reader.num_record_batches))
    except (OSError, ValueError, pa.ArrowInvalid):
        source.seek(0)
        try:
            reader = ipc.open_stream(source)
        except (OSError, ValueError, pa.ArrowInvalid) as exc:
            source.close()
            raise SlactlError(f"cannot read the file as Arrow IPC (Feather v2) ({exc})", path=str(path)) from None
        batches = reader
    return BatchTable(path, "arrow", list(reader.schema.names), batches, source.close)


def _duckdb(path: Path) -> BatchTable:
    duckdb = _need("duckdb")
    if path.is_dir():
        files = folder_files(path)
        listed = ", ".join(_sql_text(os.fspath(p)) for p in files)
        if files[0].suffix == ".parquet":
            query = f"SELECT * FROM read_parquet([{listed}], union_by_name = true)"
        else:
            query = f"SELECT * FROM read_csv([{listed}], {_CSV_OPTIONS})"
    else:
        try:
            query = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise SlactlError(f"cannot read the query: {exc.strerror}", path=str(path)) from None
    con = duckdb.connect(":memory:")
    try:
        reader = con.sql(query).to_arrow_reader(BATCH_ROWS)
    except duckdb.Error as exc:
        con.close()
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise SlactlError(f"DuckDB cannot read this input: {first}", path=str(path)) from None

    def close() -> None:
        reader.close()
        con.close()

    return BatchTable(path, "duckdb", list(reader.schema.names), reader, close)


# all_varchar: each field's text, as the CSV path reads it; a short row is padded with empty
# fields (the CSV path names it as a bad row; here its missing required field does).
_CSV_OPTIONS = (
    "union_by_name = true, all_varchar = true, header = true, delim = ',', quote = '\"', escape = '\"', "
    "null_padding = true"
)


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
