"""Pure work run in another process while this one goes on with its own (the audit's duplicate search).

After the audit has read its terms, one core idles while the parent runs stage after stage. `aside(function,
arguments, pool)` hands `function(*arguments())` to a worker of the pool that read the terms (`audit_read.reading_pool`:
forked before this process held them, so the worker starts small) and yields `result()`, which waits for the
answer. With no pool (one core, few terms, none to be had under the UI's threads), a pool that broke or a
worker that died, `result()` computes it here instead: the same function on the same arguments, so the answer
never depends on where it ran, and a fault of the function itself is raised from this process's own run of it.

Must never: hand anything but pure, picklable work to a worker (it runs with the standard streams let go).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from typing import Any, TypeVar

_Result = TypeVar("_Result")


@contextlib.contextmanager
def aside(function: Callable[..., _Result], arguments: Callable[[], tuple[Any, ...]],
          pool: Executor | None) -> Iterator[Callable[[], _Result]]:
    """`function(*arguments())` handed to `pool` (None: none to be had); yields `result()`, which waits for it.
    The arguments are made again should this process have to compute it: none is held meanwhile."""
    future: Future[_Result] | None = None
    if pool is not None:
        with contextlib.suppress(Exception):  # a pool that broke: computed in this process when asked for
            future = pool.submit(function, *arguments())

    def result() -> _Result:
        if future is not None:
            with contextlib.suppress(Exception):  # a worker that died, a pool that broke: do it here
                return future.result()
        return function(*arguments())

    try:
        yield result
    finally:
        if future is not None:
            future.cancel()  # not wanted after all (the caller failed): never started, if it can be helped
