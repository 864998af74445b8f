"""Pure work run in another process while this one goes on with its own (the audit's duplicate detection).

After the audit has read its terms, one core idles while the parent runs stage after stage. `aside(function,
*args)` hands `function(*args)` to one pool worker (`index.process_pool`: forked while this process has one
thread, else a fork server) and yields `result()`, which waits for the answer. With one core (`workers` < 2),
no pool to be had (under the UI's threads a fork server may refuse to start) or a worker that died, `result()`
computes it here instead: the same function on the same arguments, so the answer never depends on where it ran.
A fault of the function itself is raised by `result()` from this process's own run of it.

Must never: hand anything but pure, picklable work to a worker (it runs with the standard streams let go);
leave a worker behind (the pool is shut down on every way out).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from typing import Any, TypeVar

_Result = TypeVar("_Result")


@contextlib.contextmanager
def aside(function: Callable[..., _Result], *args: Any, workers: int) -> Iterator[Callable[[], _Result]]:
    """`function(*args)` started in another process when `workers` > 1; yields `result()`, which waits for it."""
    from authoring.repo.index import process_pool

    with contextlib.ExitStack() as stack:
        future: Future[_Result] | None = None
        if workers > 1:
            with contextlib.suppress(Exception):  # no pool here: computed in this process when asked for
                pool = stack.enter_context(process_pool(1))
                future = pool.submit(function, *args)

        def result() -> _Result:
            if future is not None:
                with contextlib.suppress(Exception):  # a worker that died, a pool that broke: do it here
                    return future.result()
            return function(*args)

        yield result
