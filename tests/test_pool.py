"""slactl.pool: when work goes to other processes, how many, and that results keep task order."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator

import pytest

from slactl import pool
from slactl.pool import ForkPool, WorkerLost, usable_cores, worker_count

pytestmark = pytest.mark.skipif(not pool.can_fork(), reason="fork pools exist only where fork does")

_SEEN: list[str] = []


def _square(n: int) -> int:
    return n * n


def _pid(_: int) -> int:
    return os.getpid()


def _seen(_: int) -> list[str]:
    return list(_SEEN)


def _killed_at_three(n: int) -> int:
    if n == 3:
        os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's out-of-memory killer does
    return n


def _exits_at_three(n: int) -> int:
    if n == 3:
        os._exit(7)  # a crash that skips all Python cleanup
    return n


def _fail(n: int) -> int:
    if n == 3:
        raise ValueError("three")
    return n


def test_below_the_threshold_one_process() -> None:
    assert worker_count(8, 24, threshold=25) == 1
    assert worker_count(None, 0, threshold=1) == 1


def test_from_the_threshold_the_jobs_asked_for_or_the_usable_cores() -> None:
    assert worker_count(3, 25, threshold=25) == 3
    assert worker_count(None, 25, threshold=25) == usable_cores()
    assert worker_count(0, 25, threshold=25, cap=1) == 1
    assert worker_count(None, 10**9, threshold=25, cap=2) == min(usable_cores(), 2)


def test_without_fork_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "can_fork", lambda: False)
    assert worker_count(4, 100, threshold=25) == 1


def test_usable_cores_is_the_affinity() -> None:
    assert usable_cores() == len(os.sched_getaffinity(0))


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_map_keeps_task_order(workers: int) -> None:
    tasks = list(range(40))
    with ForkPool(workers) as pool:
        assert list(pool.map(_square, tasks)) == [n * n for n in tasks]


def test_map_runs_in_other_processes() -> None:
    with ForkPool(2) as pool:
        assert os.getpid() not in set(pool.map(_pid, [1, 2, 3, 4]))


def test_workers_see_the_parent_as_it_was_when_they_started() -> None:
    _SEEN.append("before")
    try:
        with ForkPool(2) as workers:
            _SEEN.append("after")
            got = list(workers.map(_seen, [1, 2]))
    finally:
        _SEEN.clear()
    assert got == [["before"], ["before"]]


def test_a_worker_error_is_raised_where_results_are_read() -> None:
    with ForkPool(2) as workers:
        results = workers.map(_fail, [1, 2, 3, 4])
        with pytest.raises(ValueError, match="three"):
            list(results)


def test_tasks_are_handed_out_while_the_generator_makes_more() -> None:
    gate = threading.Event()

    def tasks() -> Iterator[int]:
        yield 3
        if not gate.wait(timeout=60):  # the next task only once the first result is back
            raise TimeoutError("the first task was not worked on before the generator ended")
        yield 4

    with ForkPool(2) as workers:
        results = workers.map(_square, tasks())
        assert next(results) == 9
        gate.set()
        assert list(results) == [16]


def test_an_error_of_the_task_generator_is_raised_where_results_are_read() -> None:
    def tasks() -> Iterator[int]:
        yield 1
        raise OSError("the file went away")

    with ForkPool(2) as workers, pytest.raises(OSError, match="went away"):
        list(workers.map(_square, tasks()))


@pytest.mark.parametrize(
    ("task", "how"),
    [
        (_killed_at_three, r"was killed by SIGKILL \(the kernel does this when memory runs out\)"),
        (_exits_at_three, "exited with status 7"),
    ],
)
def test_a_worker_that_dies_fails_the_map_instead_of_hanging(task: object, how: str) -> None:
    # multiprocessing.Pool alone waits forever for the lost task's result.
    started = time.monotonic()
    with ForkPool(2) as workers:
        results = workers.map(task, [1, 2, 3, 4, 5, 6])  # type: ignore[arg-type]
        with pytest.raises(WorkerLost, match=how) as caught:
            list(results)
    assert time.monotonic() - started < 30  # the watch looks every quarter second
    assert "its part may be lost" in str(caught.value)
    assert caught.value.hint is not None and "-j 1" in caught.value.hint


def _slow_square(n: int) -> int:
    time.sleep(0.6)  # longer than the watch: the wait for it times out and looks at the workers
    return n * n


def _exits(code: int) -> None:
    time.sleep(0.3)
    raise SystemExit(code)


def test_slow_tasks_and_other_children_are_not_mistaken_for_a_lost_worker() -> None:
    import multiprocessing

    # A child of this process that is not a worker, started before the pool, ends (status 5)
    # while the workers are busy: only the pool's own workers are watched.
    other = multiprocessing.get_context("fork").Process(target=_exits, args=(5,))
    other.start()
    try:
        with ForkPool(2) as workers:
            assert list(workers.map(_slow_square, [1, 2, 3])) == [1, 4, 9]
    finally:
        other.join()
    assert other.exitcode == 5  # it did end while the tasks ran, and no WorkerLost came of it
