"""An exclusive lock on a file, waited for a bounded time (POSIX `flock`).

Used to serialise actions on a repository and writes of the term index. Must never wait forever.
"""

from __future__ import annotations

import contextlib
import fcntl
import time
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def exclusive_lock(path: Path, wait_seconds: float, poll_seconds: float = 0.05) -> Iterator[None]:
    """Hold an exclusive lock on `path` (created if missing); `TimeoutError` after `wait_seconds`."""
    with open(path, "a+b") as handle:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise TimeoutError(f"{path} is locked") from None
                time.sleep(poll_seconds)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
