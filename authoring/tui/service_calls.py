"""How screens reach the repository service: one `Glossary`, calls made from worker threads.

The service is thread-safe on its own (every `Glossary` method runs under the glossary's lock, which its
`Git` shares: see `repo.serialised`), so a screen takes no lock: its workers call the glossary
(`self.call(lambda g: g.promote(term_id))`, or `with self.service() as glossary:`), typed end to end,
and post the result back.

Must never: be called on the UI thread for work that touches files or Git; hold a lock of its own.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Protocol, TypeVar

from textual.worker import Worker, WorkerState

from authoring.tui.actions import AppKeysFirst

if TYPE_CHECKING:
    from authoring.repo.service import Glossary

T = TypeVar("T")


class ServiceHost(Protocol):
    """What the app offers its screens: the glossary."""

    glossary: Glossary

    def report_failure(self, error: BaseException | None) -> None:
        """Show a failed worker's error to the user."""


class ServiceScreenMixin(AppKeysFirst):
    """Gives a screen `glossary` and `call` through its app (and Help and Quit first in its footer)."""

    @property
    def glossary(self) -> Glossary:
        """The repository service the app was opened on."""
        host: ServiceHost = self.app  # type: ignore[attr-defined]
        return host.glossary

    @contextlib.contextmanager
    def service(self) -> Iterator[Glossary]:
        """The glossary, for the length of the `with` block (each call on it is serialised by the service)."""
        host: ServiceHost = self.app  # type: ignore[attr-defined]
        yield host.glossary

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Every screen's failed worker goes to the app's one report (a notification or a modal)."""
        if event.state == WorkerState.ERROR:
            host: ServiceHost = self.app  # type: ignore[attr-defined]
            host.report_failure(event.worker.error)

    def call(self, service_call: Callable[[Glossary], T]) -> T:
        """Run `service_call(glossary)` (from a worker thread); mypy checks the call."""
        host: ServiceHost = self.app  # type: ignore[attr-defined]
        return service_call(host.glossary)

