"""How far long work has got. The library reports through a callback its caller hands it
(`Models.progress`, silent by default); the CLI hands it a `Bar`, a rich progress bar on
stderr that also remembers the last report for the line Ctrl-C prints.

A report is `progress(stage, done, total)`: `done` of the `total` segments of `stage`
("retranslating", "embedding (e5_sim)", "checks (numbers)") are finished; `total` is None
where the stage has no count ("reading").
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any

Report = Callable[[str, int, int | None], None]

DELAY_S = 2.0  # work that ends sooner never shows a bar


def silent(stage: str, done: int, total: int | None) -> None:
    """The library's default: report nothing."""


class Bar:
    """A transient progress bar on stderr, drawn only once `delay` seconds have passed and
    only where stderr is a terminal (`enabled` None; True: always, False: never). Called as
    a `Report`; `where()` says how far the work got."""

    def __init__(
        self, enabled: bool | None = None, *, unit: str = "segments", delay: float = DELAY_S
    ) -> None:
        self.stage, self.done, self.total = "", 0, None
        self.unit = unit
        self._bar: Any = None
        self._timer: threading.Timer | None = None
        if not (sys.stderr.isatty() if enabled is None else enabled):
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[detail]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
            redirect_stdout=False,  # stdout is the report's; warnings on stderr print above
        )
        self._task = self._bar.add_task("starting", total=None, detail=unit)
        self._timer = threading.Timer(delay, self._bar.start)
        self._timer.daemon = True

    def __call__(self, stage: str, done: int, total: int | None, detail: str = "") -> None:
        if self._bar is not None:
            if stage != self.stage:  # a new stage: its own elapsed and remaining time
                self._bar.reset(self._task, total=total, description=stage)
            detail = detail or self.unit
            self._bar.update(self._task, completed=done, total=total, detail=detail)
        self.stage, self.done, self.total = stage, done, total

    def where(self) -> str:
        """'during embedding (e5_sim) after 1,200 of 2,008 segments', 'during reading',
        'while starting' (nothing reported yet)."""
        if not self.stage:
            return "while starting"
        if self.total is None:
            return f"during {self.stage}"
        return f"during {self.stage} after {self.done:,} of {self.total:,} {self.unit}"

    def __enter__(self) -> Bar:
        if self._timer is not None:
            self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer.join()  # a bar being started now is started before it is stopped
            self._bar.stop()  # erases it (transient); nothing when it never started
