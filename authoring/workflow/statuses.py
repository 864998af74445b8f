"""The statuses a term moves through and which moves exist.

    draft ──promote──▶ candidate ──promote──▶ ratified ──deprecate──▶ deprecated
      ▲ ◀──demote──────── │ ◀──────demote────── │
      │                   │
      └─ reject ─▶ rejected ◀─ reject ┘   (demote --to draft revives a rejected term)

`promote` moves one step up the line; `demote` moves back down it (a ratified term reopened is a
candidate again; `ratified → draft` skips a step and is allowed: it is a move back); `reject` ends a
draft or candidate; `deprecate` retires a ratified term. A term without a status counts as a draft
(stubs in the wild sometimes lack one).

Must never: touch Git, files or a UI.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from authoring.core.model import Status

LINE = (Status.DRAFT, Status.CANDIDATE, Status.RATIFIED)
"""The main line, lowest first."""


class Move(StrEnum):
    """A change of status."""

    PROMOTE = "promote"
    DEMOTE = "demote"
    REJECT = "reject"
    DEPRECATE = "deprecate"


def status_of(entry: dict[str, Any]) -> Status | None:
    """The entry's status; a missing one is a draft; None when it is not a workflow status at all."""
    raw = entry.get("status")
    if raw is None or raw == "":
        return Status.DRAFT
    try:
        return Status(str(raw).strip())
    except ValueError:
        return None


def next_up(status: Status) -> Status | None:
    """The status `promote` moves to without `--to`, or None at the top or off the line."""
    if status in LINE and status != LINE[-1]:
        return LINE[LINE.index(status) + 1]
    return None


def end_of_line(status: Status) -> str:
    """What to say of a status `promote` cannot move on from: an answer, not a refusal."""
    if status is Status.RATIFIED:
        return "nothing follows; `deprecate` retires it"
    if status is Status.REJECTED:
        return "nothing follows; `demote --to draft` revives it"
    return "nothing follows; it is an end state"


def move_problems(move: Move, current: Status, target: Status) -> list[str]:
    """Why `move` from `current` to `target` does not exist ([] when it does)."""
    if move is Move.PROMOTE:
        if current not in LINE or target not in LINE:
            return [f"move: promote works along draft → candidate → ratified; {current} → {target} is not on it"]
        if LINE.index(target) <= LINE.index(current):
            return [f"move: {current} → {target} is not a promotion (use demote to move back)"]
        if LINE.index(target) > LINE.index(current) + 1:
            return [f"move: promote one step at a time: {current} → {next_up(current)} first"]
        return []
    if move is Move.DEMOTE:
        if current is Status.REJECTED and target is Status.DRAFT:
            return []
        if current not in LINE or target not in LINE or LINE.index(target) >= LINE.index(current):
            return [f"move: {current} → {target} is not a move back (demote goes down draft ← candidate ← ratified,"
                    " or revives a rejected term as a draft)"]
        return []
    if move is Move.REJECT:
        if current not in (Status.DRAFT, Status.CANDIDATE):
            return [f"move: only a draft or a candidate can be rejected; this term is {current}"]
        return []
    if current is not Status.RATIFIED:
        return [f"move: only a ratified term can be deprecated; this term is {current}"]
    return []


def needs_note(move: Move) -> bool:
    """Moves back and end states must say why."""
    return move is not Move.PROMOTE
