"""Withdrawn reviews: which approvals and requests for changes their givers undid.

`authoring undo` (`repo.undo`) never rewrites history: it records an `undo` event whose `withdraws` lists
the ids of the events it takes back. A withdrawal counts only for events of the same identity (matched
by email) recorded before it, so nobody can withdraw another editor's approval or request.

Must never: touch Git, files or a UI.
"""

from __future__ import annotations

from collections.abc import Sequence

from authoring.workflow.review_log import Action, ReviewEvent

WITHDRAWABLE = frozenset({Action.APPROVE, Action.REQUEST_CHANGES, Action.COMMENT, Action.DEMOTE})
"""Events an undo takes back by withdrawal: reviews, and a demotion (whose note is a request for changes
and which reopens the review, `workflow.gates`); the file of a status move or an edit is put back by the
undo's own change."""


def withdrawn_ids(event: ReviewEvent) -> list[str]:
    """The event ids an `undo` event says it withdraws (empty for any other event, or a malformed list)."""
    if event.action is not Action.UNDO:
        return []
    named = (event.model_extra or {}).get("withdraws")
    if isinstance(named, str):
        named = [named]
    return [str(n) for n in named if isinstance(n, str | int)] if isinstance(named, list) else []


def withdrawn_reviews(events: Sequence[ReviewEvent]) -> set[str]:
    """Ids of the reviews in `events` (oldest first) that a later `undo` event by the same identity
    withdraws."""
    seen: dict[str, ReviewEvent] = {}
    withdrawn: set[str] = set()
    for event in events:
        for target in withdrawn_ids(event):
            earlier = seen.get(target)
            if earlier is not None and earlier.action in WITHDRAWABLE and earlier.who_email == event.who_email:
                withdrawn.add(target)
        seen[event.id] = event
    return withdrawn
