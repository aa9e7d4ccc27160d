"""A progress bar for long runs: shown on a terminal, silent in scripts.

>>> with ProgressBar("ingest", total=1200, quiet=False) as bar:
...     bar.advance(1)

The bar (articles done, rate, elapsed, ETA) is drawn on standard error by rich, and
only when both standard output and standard error are terminals and ``quiet`` is
false; otherwise every call is a no-op, so callers never need to check.
"""

from __future__ import annotations

import sys
from typing import Optional

from rich.progress import ProgressColumn
from rich.text import Text

UNIT = "articles"


def interactive() -> bool:
    """True when standard output and standard error are both terminals."""
    return _isatty(sys.stdout) and _isatty(sys.stderr)


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class ProgressBar:
    """Context manager around a rich progress bar; a no-op when not ``enabled``."""

    def __init__(self, description: str = "", *, total: Optional[int] = None, quiet: bool = False, enabled: Optional[bool] = None):
        self.description = description
        self.total = total
        self.enabled = (not quiet and interactive()) if enabled is None else enabled
        self.done = 0
        self._progress = None
        self._task = None

    def __enter__(self) -> "ProgressBar":
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                _RateColumn(),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=Console(file=sys.stderr),
                transient=False,
            )
            self._progress.start()
            self._task = self._progress.add_task(self.description, total=self.total)
        return self

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self._progress is not None:
            self._progress.advance(self._task, n)

    def set_total(self, total: Optional[int]) -> None:
        self.total = total
        if self._progress is not None:
            self._progress.update(self._task, total=total)


class _RateColumn(ProgressColumn):
    """Articles per second, from rich's moving estimate."""

    def render(self, task):
        speed = task.finished_speed or task.speed
        return Text("-- art/s" if speed is None else f"{speed:.1f} art/s")
