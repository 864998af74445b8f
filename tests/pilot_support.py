"""Waiting for the real app to be quiet, on a condition rather than a clock: what `tui_support.settle` uses.

Pilot's own `pause()` sleeps in 20 ms steps until the process looks idle, and `press()` does so twice per
key; a test pressing a few hundred keys spends most of its time asleep. Here the app counts as settled
when every one of these holds at once, checked again after anything was done:

- every message pump (the app, and every widget of every screen on the stack) has handled what was queued;
- no thread started through the event loop's executor is still running: a worker that an exclusive worker
  replaced is cancelled at once, but its thread runs on and may still post (waiting only for workers that
  are `running` lets such a message arrive after the test has looked);
- no worker is pending or running, and no animation is scheduled;
- the screen has no pending layout or after-refresh callback (it is waited for, at the screen's own
  refresh rate, which draws every change since in one go: forcing a refresh per change costs a render each).

Must never: sleep for a fixed time (the one poll, every millisecond, is for an app started before
`track_threads` could see its threads: a snapshot test's), or return while the app still has work it has
started. It reads Textual's private state (`_message_queue`, the screen's refresh flags), as Pilot itself
does; the Textual version is bounded in pyproject.toml.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from typing import Any

from textual.app import App
from textual.dom import DOMNode

# A settle that goes round this often without the app going quiet is a bug in the app or the test.
MAX_ROUNDS = 1_000_000


class TrackingExecutor(concurrent.futures.ThreadPoolExecutor):
    """The event loop's default executor (where Textual runs thread workers), knowing which jobs are running."""

    def __init__(self) -> None:
        super().__init__(thread_name_prefix="pilot-worker")
        self._lock = threading.Lock()
        self._running: set[concurrent.futures.Future[Any]] = set()

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> concurrent.futures.Future[Any]:
        future = super().submit(fn, *args, **kwargs)
        with self._lock:
            self._running.add(future)
        future.add_done_callback(self._finished)
        return future

    def _finished(self, future: concurrent.futures.Future[Any]) -> None:
        with self._lock:
            self._running.discard(future)

    def running(self) -> list[concurrent.futures.Future[Any]]:
        """The jobs not finished yet."""
        with self._lock:
            return list(self._running)


def track_threads() -> TrackingExecutor | None:
    """Make the running event loop's default executor a `TrackingExecutor` (before the app starts a worker,
    so every thread is seen); None when no loop is running here."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None
    current = getattr(loop, "_default_executor", None)
    if isinstance(current, TrackingExecutor):
        return current
    executor = TrackingExecutor()
    loop.set_default_executor(executor)
    if isinstance(current, concurrent.futures.ThreadPoolExecutor):
        _previous[id(executor)] = current
    return executor


# An executor replaced after it had run jobs (an app started before `track_threads`): its threads are
# watched through its queue and idle count until it has none busy.
_previous: dict[int, concurrent.futures.ThreadPoolExecutor] = {}


def _previous_busy(executor: TrackingExecutor) -> bool:
    old = _previous.get(id(executor))
    if old is None:
        return False
    busy = not old._work_queue.empty() or len(old._threads) > old._idle_semaphore._value  # type: ignore[attr-defined]
    if not busy:
        del _previous[id(executor)]
    return busy


def _pumps(app: App[Any]) -> list[DOMNode]:
    """Every running message pump: the app and every node of every screen on the stack."""
    nodes: list[DOMNode] = [app]
    for screen in app.screen_stack:
        nodes.extend(screen.walk_children(with_self=True))
    return nodes


def _queued(pumps: list[DOMNode]) -> list[DOMNode]:
    """The pumps with a message (or a callback to run after one) waiting."""
    return [pump for pump in pumps if pump._message_queue.values or pump._next_callbacks]


async def _drain(pumps: list[DOMNode]) -> None:
    """Wait until every pump has handled what it holds now, the message it may be in the middle of included
    (a callback queued behind them runs only then). On every pump it is dear (a message to each widget): done
    so once per settle, to confirm what the cheap checks saw."""
    done: list[asyncio.Event] = []
    for pump in pumps:
        event = asyncio.Event()
        if pump.call_later(event.set):
            done.append(event)
    if done:
        await asyncio.gather(*(event.wait() for event in done))


def _refresh_needed(app: App[Any]) -> bool:
    """The screen must lay out, scroll or recompose, or holds callbacks that run after a refresh. (A repaint
    alone changes no state a test reads: a screenshot renders the screen itself.)"""
    screen = app.screen
    return bool(screen._layout_required or screen._scroll_required or screen._recompose_required
                or screen._callbacks)


async def quiet(app: App[Any]) -> None:
    """Return once the app has finished everything it started (see the module's doc)."""
    executor = track_threads()
    confirmed = False  # every pump was drained since anything was last seen to happen
    for _ in range(MAX_ROUNDS):
        if app._exception is not None:  # it will never settle: its screen is gone (a refresh never comes)
            raise AssertionError(f"the app stopped on an error: {app._exception!r}") from app._exception
        pumps = _pumps(app)
        busy = _queued(pumps)
        if busy:
            await _drain(busy)
            confirmed = False
            continue
        threads = executor.running() if executor is not None else []
        if threads:
            await asyncio.wait([asyncio.wrap_future(future) for future in threads])
            confirmed = False
            continue
        if executor is not None and _previous_busy(executor):
            await asyncio.sleep(0.001)  # no future to wait on for a job submitted before tracking began
            confirmed = False
            continue
        workers = [worker for worker in app.workers if not worker.is_finished]
        if workers:
            await asyncio.gather(*(worker.wait() for worker in workers), return_exceptions=True)
            confirmed = False
            continue
        if not app.animator._complete_event.is_set():  # an animation (a scroll) is running or scheduled
            await app.animator.wait_until_complete()
            confirmed = False
            continue
        if _refresh_needed(app):
            await app.screen.wait_for_refresh()  # at the screen's own pace: a refresh draws every change since
            confirmed = False
            continue
        if confirmed:
            return
        await _drain(pumps)
        confirmed = True
    raise AssertionError(f"the app did not settle in {MAX_ROUNDS} rounds")
