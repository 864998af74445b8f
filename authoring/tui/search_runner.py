"""As-you-type search for a screen: one search at a time, always for the latest text, none wasted.

Each keystroke calls `want(text, status)`. When no search is running it returns True and the screen starts
one worker, which calls `run(search, post)`: it searches for the latest wish, posts the result, and goes on
while the wish changed meanwhile. Keystrokes that arrive during a search only replace the wish, so a burst
of typing costs at most one search in progress plus one for the last text: no queue of stale searches,
no timer to wait for. The screen applies a result only when it is for the text now in the box (`settled`),
and keys that need the results (Enter on the list) wait until then.

Must never: touch widgets (it runs in a worker thread), or run two searches at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

R = TypeVar("R")


class SearchRunner(Generic[R]):
    """The wish (latest text and filter) and whether a worker is serving it; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._wish: tuple[str, str] = ("", "all")
        self._running = False
        self.applied: tuple[str, str] | None = None
        """The wish whose results the screen shows (set by the screen, in its thread)."""

    def want(self, text: str, status: str) -> bool:
        """Record what to search for; True when the caller must start a worker running `run`."""
        with self._lock:
            self._wish = (text, status)
            if self._running:
                return False
            self._running = True
            return True

    def clear(self, status: str) -> None:
        """No search wanted (the box is empty): a running worker stops after its current search."""
        with self._lock:
            self._wish = ("", status)
        self.applied = ("", status)

    @property
    def wish(self) -> tuple[str, str]:
        """The latest text and filter asked for."""
        with self._lock:
            return self._wish

    def settled(self) -> bool:
        """True when the results shown are for the latest wish."""
        return self.applied == self.wish

    def run(self, search: Callable[[str, str], R], post: Callable[[str, str, R], None]) -> None:
        """In a worker: search for the latest wish and post it, until the wish stops changing."""
        try:
            while True:
                text, status = self.wish
                if text.strip():
                    post(text, status, search(text, status))
                with self._lock:
                    if self._wish == (text, status):
                        self._running = False
                        return
        except BaseException:
            with self._lock:
                self._running = False
            raise
