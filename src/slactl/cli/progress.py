"""Progress bars on long work: drawn with rich on stderr, only for a person at a terminal."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# Below this much work a bar only flickers.
MIN_TOTAL = 50


class _Bar:
    """Draws nothing until it knows the work is long enough to deserve a bar."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.progress: Any = None
        self.task: Any = None

    def start(self, total: int) -> None:
        if total < MIN_TOTAL:
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.progress.start()
        self.task = self.progress.add_task(self.label, total=total)

    def advance(self, done: int) -> None:
        if self.progress is not None:
            self.progress.advance(self.task, done)

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def wanted() -> bool:
    """A bar helps a person at a terminal; never in CI, in pipes, or with NO_COLOR/TERM=dumb."""
    if os.environ.get("CI") or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return sys.stderr.isatty()


@contextmanager
def progress_bar(label: str) -> Iterator[_Bar | None]:
    """A progress reporter for core functions that accept one (None when no bar is wanted)."""
    if not wanted():
        yield None
        return
    bar = _Bar(label)
    try:
        yield bar
    finally:
        bar.stop()
