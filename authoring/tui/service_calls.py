"""How screens reach the repository service: one `Glossary`, one lock, calls made from worker threads.

GitPython is not thread-safe, so every service call that may touch Git runs under the app's lock;
a screen's workers pass `call` a function of the glossary (`self.call(lambda g: g.promote(term_id))`),
typed end to end, and post the result back.

Must never: be called on the UI thread for work that touches files or Git.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Protocol, TypeVar

from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from authoring.repo.service import Glossary

T = TypeVar("T")


class ServiceHost(Protocol):
    """What the app offers its screens: the glossary and the lock around it."""

    glossary: Glossary
    service_lock: threading.RLock

    def report_failure(self, error: BaseException | None) -> None:
        """Show a failed worker's error to the user."""


class ServiceScreenMixin:
    """Gives a screen `glossary` and `call` through its app."""

    @property
    def glossary(self) -> Glossary:
        """The repository service the app was opened on."""
        host: ServiceHost = self.app  # type: ignore[attr-defined]
        return host.glossary

    @contextlib.contextmanager
    def service(self) -> Iterator[Glossary]:
        """The glossary, held under the service lock for the length of the `with` block."""
        host: ServiceHost = self.app  # type: ignore[attr-defined]
        with host.service_lock:
            yield host.glossary

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Every screen's failed worker goes to the app's one report (a notification or a modal)."""
        if event.state == WorkerState.ERROR:
            host: ServiceHost = self.app  # type: ignore[attr-defined]
            host.report_failure(event.worker.error)

    def call(self, service_call: Callable[[Glossary], T]) -> T:
        """Run `service_call(glossary)` under the service lock (from a worker thread); mypy checks the call."""
        host: ServiceHost = self.app  # type: ignore[attr-defined]
        with host.service_lock:
            return service_call(host.glossary)

