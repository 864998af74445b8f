"""The façade's calls for the editor's workbench: the review of one term and what its moves need, the
review queue, undo, one action over several terms.

`Glossary` inherits them (kept apart so `repo/service.py` stays small); each is a thin call into its
module (`repo.review_view`, `repo.gate_report`, `repo.queue`, `repo.undo`, `repo.bulk`).

Must never: hold logic of its own; import a UI.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from authoring.core.model import Status
    from authoring.repo.action_path import ActionResult
    from authoring.repo.bulk import BulkResult
    from authoring.repo.gate_report import GateReport
    from authoring.repo.queue import Queue
    from authoring.repo.review_view import ReviewView
    from authoring.repo.service import Glossary
    from authoring.repo.undo import UndoPlan


class WorkbenchCalls:
    """`Glossary.review_view`, `gate_report`, `move_report`, `queue`, `undo`, `last_action` and `each`."""

    def review_view(self, term_id: str, to: Status | str | None = None) -> ReviewView:
        """The review of one term as every face shows it: status, problems, diff, checklist, events,
        revision and the moves the workflow allows (`repo.review_view`); writes nothing."""
        from authoring.repo.review_view import review_view

        return review_view(_glossary(self), term_id, status_arg(to))

    def gate_report(self, term_id: str, to: Status | str | None = None) -> GateReport:
        """What promoting the term (to the next status, or `to`) would need; writes nothing."""
        from authoring.repo.gate_report import gate_report
        from authoring.workflow.statuses import Move

        return gate_report(_glossary(self), term_id, Move.PROMOTE, status_arg(to))

    def move_report(self, term_id: str, move: str, to: Status | str | None = None) -> GateReport:
        """What a move (`promote`, `demote`, `reject`, `deprecate`) would need apart from its note, which
        the UI asks for only once the move is known to be allowed; writes nothing."""
        from authoring.repo.gate_report import gate_report
        from authoring.workflow.statuses import Move

        return gate_report(_glossary(self), term_id, Move(move), status_arg(to), note="(asked for next)")

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



def status_arg(value: Status | str | None) -> Status | None:
    """A status given by name (from a face) as the enum, or a usage error naming the statuses."""
    from authoring.core.model import Status
    from authoring.errors import UsageError

    if value is None or isinstance(value, Status):
        return value
    try:
        return Status(value)
    except ValueError:
        raise UsageError(f"{value!r} is not a status; use one of {', '.join(s.value for s in Status)}") from None
