"""The statuses a term moves through and which moves exist.

    draft ──promote──▶ candidate ──promote──▶ ratified ──deprecate──▶ deprecated
      ▲ ◀──demote──────── │ ◀──────demote────── │
      │                   │
      └─ reject ─▶ rejected ◀─ reject ┘   (demote --to draft revives a rejected term)

`promote` moves one step up the line; `demote` moves back down it (a ratified term reopened is a
candidate again; `ratified → draft` skips a step and is allowed: it is a move back); `reject` ends a
draft or candidate; `deprecate` retires a ratified term. A term without a status counts as a draft
(stubs in the wild sometimes lack one).

This module is the one place the status graph is written down: `allowed_moves` derives what a face
offers from `move_problems`, so a screen never keeps its own table of next or previous statuses.

Must never: touch Git, files or a UI.
"""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class MoveOption:
    """One move as the workflow offers it from a status: where it can go, or why it cannot."""

    move: Move
    targets: tuple[Status, ...]
    """Where the move can go from the status, the usual choice first (empty: not allowed)."""
    reason: str = ""
    """Why the move is not allowed (empty when it is)."""
    label: str = ""
    """What a face calls it: the move's name, or `revive` for a rejected term moved back to draft."""

    @property
    def allowed(self) -> bool:
        """True when the move exists from the status."""
        return bool(self.targets)

    @property
    def needs_note(self) -> bool:
        """True when the move must say why (`needs_note`)."""
        return needs_note(self.move)

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `--json`."""
        return {"move": self.move.value, "label": self.label or self.move.value, "allowed": self.allowed,
                "targets": [target.value for target in self.targets], "reason": self.reason or None,
                "needs_note": self.needs_note}


def allowed_moves(current: Status | None, raw: object = None) -> list[MoveOption]:
    """Every move (promote, demote, reject, deprecate) from `current`, each with its targets or the reason
    it is not allowed. `current` None means the file's status (`raw`) is not a workflow status at all.

    Targets are exactly those `move_problems` accepts, so what a face offers is what an action allows."""
    if current is None:
        why = (f"status {raw!r} is not a workflow status ({', '.join(s.value for s in Status)});"
               " fix the status before any move")
        return [MoveOption(move, (), why, move.value) for move in Move]
    options: list[MoveOption] = []
    for move in Move:
        # reject and deprecate each have one end state; promote and demote move along the line
        ends = {Move.REJECT: (Status.REJECTED,), Move.DEPRECATE: (Status.DEPRECATED,)}.get(move, tuple(Status))
        targets = [target for target in ends if not move_problems(move, current, target)]
        if move is Move.DEMOTE:
            targets.sort(key=lambda target: -LINE.index(target) if target in LINE else 0)  # one step back first
        label = "revive" if move is Move.DEMOTE and current is Status.REJECTED else move.value
        options.append(MoveOption(move, tuple(targets), "" if targets else _why_not(move, current), label))
    return options


def _why_not(move: Move, current: Status) -> str:
    """Why `move` does not exist from `current`, in words."""
    if move is Move.PROMOTE:
        return f"{current.value}: {end_of_line(current)}"
    if move is Move.DEMOTE and current is Status.DRAFT:
        return "a draft is at the start of the line: there is nothing to move it back to"
    if move is Move.DEMOTE:
        return f"a {current.value} term cannot be moved back"
    target = Status.REJECTED if move is Move.REJECT else Status.DEPRECATED
    return move_problems(move, current, target)[0].removeprefix("move: ")
