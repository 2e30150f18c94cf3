"""Read a big tickets file with several processes: byte ranges scanned apart, results merged.

The file is cut at line starts into four ranges per process, handed out to ``jobs``
forked workers as they come free (a worker slowed by other work on its core takes fewer);
each scans a range with a copy of the engine and sends back only its accumulators (counts
and the few worst misses), so the parent's memory does not grow with the file. Line
numbers stay those of the whole file. A CSV whose quoted fields may span lines is read by one
process (a cut could fall inside such a field).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

from slactl.pool import ForkPool, can_fork, worker_count
from slactl.report import inputs as io_
from slactl.report.measure import CountAcc, Engine, InputSummary, TimeAcc

_BLOCK = 1 << 20
# Ranges per process, handed out as processes come free: a process slowed by other work on
# its core takes fewer, so the last one does not finish long after the others.
_PIECES = 4


def _bounds(path: Path, pieces: int, data_start: int) -> list[int]:
    """Where the ranges start, and the file's size: ``pieces`` cuts at line starts."""
    size = path.stat().st_size
    bounds = [data_start]
    with path.open("rb") as fh:
        for k in range(1, pieces):
            fh.seek(data_start + (size - data_start) * k // pieces)
            fh.readline()
            pos = fh.tell()
            if bounds[-1] < pos < size:
                bounds.append(pos)
    bounds.append(size)
    return bounds


def _cuts(path: Path, bounds: list[int]) -> Iterator[tuple[int, int, int]]:
    """(start, stop, first line number) of each range, the lines before each counted as it is needed.

    A generator: the pool takes the ranges from it as it hands them out, so the workers start
    on the first ones while the later ones are counted (about 0.08 s for 100 MB).
    """
    with path.open("rb") as fh:
        line = _lines_before(fh, bounds[0]) + 1
        for start, stop in pairwise(bounds):
            yield start, stop, line
            if stop < bounds[-1]:  # the last range's lines are not needed
                line += _count_lines(fh, start, stop)


def _lines_before(fh: Any, pos: int) -> int:
    return _count_lines(fh, 0, pos)


def _count_lines(fh: Any, start: int, stop: int) -> int:
    fh.seek(start)
    left, n = stop - start, 0
    while left > 0:
        block = fh.read(min(_BLOCK, left))
        if not block:
            break
        n += block.count(b"\n")
        left -= len(block)
    return n


def _splittable(path: Path, fmt: str, plain: bool) -> bool:
    """JSON Lines always; CSV when no line has an odd number of quotes (no field spans lines)."""
    if fmt != "csv" or plain:
        return True
    with path.open("rb") as fh:
        return not any(line.count(b'"') & 1 for line in fh)


_ENGINE: Engine | None = None


def _work(args: tuple[str, str, list[str], dict[str, int], int, int, int, bool]) -> tuple[Any, ...]:
    file, fmt, header, columns, start, stop, first_line, plain = args
    engine = _ENGINE
    assert engine is not None
    # Fresh accumulators: the forked copy must report only its own range.
    for track in engine.tracks:
        for plan in track.plans:
            if plan is not None and plan.acc is not None:
                plan.acc = TimeAcc(engine.top) if isinstance(plan.acc, TimeAcc) else CountAcc(engine.top)
    engine.fast = {}  # flattened plans point at accumulators: rebuild them on the fresh ones
    engine.problems = io_.Problems()
    engine.want_tickets = dict.fromkeys(engine.want_tickets)
    summary = InputSummary("tickets", file, fmt)
    with io_.Table(
        Path(file), fmt, header=header, start=start, stop=stop, first_line=first_line, simple=plain
    ) as table:
        engine.scan_tickets(table, columns, summary)
    accs = [[None if p is None else p.acc for p in track.plans] for track in engine.tracks]
    found = {k: v for k, v in engine.want_tickets.items() if v is not None}
    return accs, engine.problems, summary.rows, summary.used, found


# Below this a single process is as fast (forking and merging cost about 0.05 s; measured
# on 2 cores: 1 MB 0.12 s vs 0.13 s, 2 MB 0.23 vs 0.18, 5 MB 0.43 vs 0.30, 19 MB 1.46 vs 0.87).
PARALLEL_MIN_BYTES = 4 << 20


def default_jobs(path: Path) -> int:
    """Processes for a tickets file: one per usable core (at most 4) from 4 MB on, else 1."""
    try:
        size = path.stat().st_size
    except OSError:
        return 1
    return worker_count(None, size, threshold=PARALLEL_MIN_BYTES, cap=4)


def read_tickets_parallel(engine: Engine, path: Path, mapping: dict[str, str], jobs: int) -> None:
    """Like ``engine.read("tickets", ...)``, with ``jobs`` forked processes when the file allows."""
    pending = start_tickets(engine, path, mapping, jobs)
    if pending is not None:
        pending.finish()


class PendingTickets:
    """Ticket workers at work; :meth:`finish` waits for them and merges what they found.

    Meanwhile the parent may read the outages file (its problems kept apart and merged
    after the tickets', so the report lists them in file order, as one process would).
    """

    def __init__(self, engine: Engine, pool: ForkPool, result: Iterator[Any], summary: InputSummary) -> None:
        self._engine = engine
        self._pool = pool
        self._result = result
        self._summary = summary
        self._before = engine.problems.count
        engine.summaries.append(summary)  # its place in the list; filled by finish()

    def finish(self) -> None:
        """Wait for the workers and merge their accumulators into the engine."""
        engine, summary = self._engine, self._summary
        try:
            parts = list(self._result)
        finally:
            self.cancel()
        for accs, problems, rows, used, found in parts:
            for track, part in zip(engine.tracks, accs, strict=True):
                for plan, acc in zip(track.plans, part, strict=True):
                    if plan is not None and plan.acc is not None and acc is not None:
                        plan.acc.merge(acc)
            engine.problems.merge(problems)
            summary.rows += rows
            summary.used += used
            for key, value in found.items():
                engine.want_tickets[key] = value
        summary.bad = engine.problems.count - self._before

    def cancel(self) -> None:
        """Stop the workers (after finish, or when the report failed meanwhile)."""
        self._pool.close()


def start_tickets(engine: Engine, path: Path, mapping: dict[str, str], jobs: int) -> PendingTickets | None:
    """Fork the ticket workers and return at once; None when the file was read here instead.

    A CSV whose quoted fields may span lines, or a platform without fork, is read by this
    process before returning.
    """
    global _ENGINE
    if not can_fork():
        engine.read("tickets", path, mapping)
        return None
    fmt = io_.sniff_format(path)
    plain = fmt == "csv" and io_.plain_csv(path)  # a pass over the whole file: once, for the header and the workers
    with io_.Table(path, fmt, simple=plain) as table:
        header, name = table.header, table.name
        columns = io_.resolve_columns(header, "tickets", mapping, name)
        data_start = _header_end(path) if fmt == "csv" else 0
    if not _splittable(path, fmt, plain):
        engine.read("tickets", path, mapping)
        return None
    bounds = _bounds(path, jobs * _PIECES, data_start)
    engine.have["tickets"] = True
    engine.ticket_file = name
    summary = InputSummary("tickets", name, fmt, columns={f: header[i] for f, i in columns.items()})
    _ENGINE = engine
    try:
        # The workers are forked here, with the engine as it is now.
        pool = ForkPool(min(jobs, len(bounds) - 1))
    finally:
        _ENGINE = None
    tasks = ((name, fmt, header, columns, a, b, line, plain) for a, b, line in _cuts(path, bounds))
    return PendingTickets(engine, pool, pool.map(_work, tasks), summary)


def _header_end(path: Path) -> int:
    """Byte offset just after the CSV header line."""
    with path.open("rb") as fh:
        fh.readline()
        return fh.tell()


__all__ = ["PARALLEL_MIN_BYTES", "PendingTickets", "default_jobs", "read_tickets_parallel", "start_tickets"]
