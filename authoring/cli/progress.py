"""Progress of long command-line work (indexing, checking, auditing), shown on a terminal only.

A counter on stderr, redrawn in place at most ten times a second and erased when the work ends, so
what stays on screen is the command's result. Nothing is written when stderr is not a terminal
(piped, redirected, CI) or under `--json`: scripts see exactly the output they parse.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TYPE_CHECKING

from authoring.cli.options import GLOBALS

if TYPE_CHECKING:
    from authoring.repo.index import IndexProgress

_INTERVAL = 0.1


class TerminalProgress:
    """A `progress` callback for service calls: `with TerminalProgress("checking") as progress: ...`."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.enabled = not GLOBALS.json and sys.stderr.isatty()
        self._last = 0.0
        self._shown = False
        self._stage: str | None = None

    def __call__(self, step: IndexProgress) -> None:
        self.update(step.done, step.total)

    def update(self, done: int, total: int, stage: str | None = None) -> None:
        """Show `done` of `total` (throttled), after `stage` when the work has stages (a new stage is shown
        at once; a stage whose `total` is not known yet, 0, is shown without a count)."""
        if not self.enabled or (total <= 0 and stage is None):
            return
        now = time.monotonic()
        if now - self._last < _INTERVAL and done < total and stage == self._stage:
            return
        self._last = now
        self._stage = stage
        head = f"{self.label}: {stage}" if stage else self.label
        count = f" {done}/{total} ({100 * done // total}%)" if total > 0 else "…"
        sys.stderr.write(f"\r{head}{count}\x1b[K")
        sys.stderr.flush()
        self._shown = True

    def __enter__(self) -> TerminalProgress:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
