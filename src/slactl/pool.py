"""slactl's one process pool: when work is worth other processes, how many, and the ordered map.

Workers are forked, so they inherit the parent's imports and state ready-built (a module
global set just before the pool starts is how a worker gets a large object without
pickling it). Below a threshold of work, or where fork does not exist, the work is done
in this process: results are the same either way, and come back in the order of the tasks.

A worker that dies (killed by the kernel for memory, by a signal, by a crash) loses its
task for good: ``multiprocessing.Pool`` would wait for that result forever. The pool
watches its workers while results are awaited and raises :class:`WorkerLost` instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from slactl.errors import SlactlError

T = TypeVar("T")
R = TypeVar("R")

_WATCH_SECONDS = 0.25  # how often a wait for a result looks at the workers


class WorkerLost(SlactlError):
    """A worker process ended before the pool was closed: its task's result will never come."""


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity where the platform tells), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether worker processes can be forked here."""
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def worker_count(jobs: int | None, amount: int, *, threshold: int, cap: int | None = None) -> int:
    """Processes for ``amount`` of work (files, revisions, bytes): 1 below ``threshold``.

    ``jobs`` asked for (None or 0: one per usable core, at most ``cap``); 1 too where fork
    does not exist.
    """
    if amount < threshold:
        return 1
    if not jobs:
        jobs = usable_cores() if cap is None else min(usable_cores(), cap)
    return max(1, jobs) if can_fork() else 1


class ForkPool:
    """``workers`` forked processes, started at construction (they see the parent as it is then).

    Use as a context manager, or call :meth:`close`; closing stops workers still at work.
    """

    def __init__(self, workers: int) -> None:
        import multiprocessing

        self.workers = workers
        before = set(multiprocessing.active_children())
        self._pool: Any = multiprocessing.get_context("fork").Pool(workers)
        # The workers, forked just now; they exit only when the pool is closed.
        self._procs = [p for p in multiprocessing.active_children() if p not in before]

    def map(self, fn: Callable[[T], R], tasks: Iterable[T]) -> Iterator[R]:
        """``fn`` over ``tasks`` in the workers, results yielded as they come, in task order.

        Tasks are handed out one at a time as a thread of the pool takes them from ``tasks``,
        so a generator may still be making the later ones while the first are worked on. A
        worker's exception, or the generator's, is raised where the results are read, and so
        is :class:`WorkerLost` when a worker has died.
        """
        return self._watched(self._pool.imap(fn, tasks))

    def _watched(self, results: Any) -> Iterator[R]:
        import multiprocessing

        while True:
            try:
                yield results.next(_WATCH_SECONDS)
            except StopIteration:
                return
            except multiprocessing.TimeoutError:
                self._check_workers()

    def _check_workers(self) -> None:
        import signal

        for proc in self._procs:
            code = proc.exitcode
            if code is None:
                continue
            if code < 0:
                try:
                    how = f"was killed by {signal.Signals(-code).name}"
                except ValueError:
                    how = f"was killed by signal {-code}"
                if code == -signal.SIGKILL:
                    how += " (the kernel does this when memory runs out)"
            else:
                how = f"exited with status {code}"
            raise WorkerLost(
                f"a worker process (pid {proc.pid}) {how} while the work was under way; "
                "its part may be lost, so nothing is given as a result",
                hint="run again; if it happens again, use -j 1 (all the work in this one process)",
            )

    def close(self) -> None:
        """Stop the workers and wait for them to exit."""
        self._pool.terminate()
        self._pool.join()

    def __enter__(self) -> ForkPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
