"""The façade's calls for the editor's workbench: the review queue, undo, one action over several terms.

`Glossary` inherits them (kept apart so `repo/service.py` stays small); each is a thin call into its
module (`repo.queue`, `repo.undo`, `repo.bulk`).

Must never: hold logic of its own; import a UI.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from authoring.repo.bulk import BulkResult
    from authoring.repo.queue import Queue
    from authoring.repo.service import Glossary
    from authoring.repo.transaction import ActionResult
    from authoring.repo.undo import UndoPlan


class WorkbenchCalls:
    """`Glossary.queue`, `undo`, `last_action` and `each`."""

    def undo(self, note: str | None = None, expected: str | None = None) -> ActionResult:
        """Take back the actor's last action (`expected`: the commit they were shown) as a new commit (`repo.undo`)."""
        from authoring.repo.undo import undo

        glossary = _glossary(self)
        glossary.recover()
        return undo(glossary, note, expected)

    def last_action(self) -> UndoPlan:
        """The actor's last action, as `undo` would take it back, and what stands in the way; writes nothing."""
        from authoring.repo.undo import last_action

        return last_action(_glossary(self))

    def queue(self) -> Queue:
        """What awaits the actor (`repo.queue`): to approve, requests for changes, agent drafts, own drafts."""
        from authoring.repo.queue import review_queue

        return review_queue(_glossary(self))

    def each(self, action: str, term_ids: Sequence[str],
             act: Callable[[Glossary, str], Any]) -> BulkResult:
        """`act(self, id)` for every id, each its own commit, failures reported, not raised (`repo.bulk`)."""
        from authoring.repo.bulk import each

        return each(_glossary(self), action, term_ids, act)


def _glossary(calls: WorkbenchCalls) -> Glossary:
    """The `Glossary` these calls belong to (its only subclass)."""
    return cast("Glossary", calls)
