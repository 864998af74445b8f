"""What a gate says is missing, as data: which gate (from a closed set) and the sentence for the user.

The checklist files a gap under its gate by `Gap.gate`, never by reading the sentence, so rewording a
message cannot misfile it.

Must never: touch Git, files or a UI; decide a gate (that is `workflow.gates`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Gate(StrEnum):
    """Every gate a move or a review can be refused by (the closed set the checklist groups by)."""

    PERMISSION = "permission"
    MOVE = "move"
    """The move does not exist from the current status (`workflow.statuses`)."""
    NOTE = "note"
    SUCCESSOR = "superseded_by"
    STATUS = "status"
    SELF_APPROVAL = "self-approval"
    TRIAD = "triad"
    DEFINITION = "pirouette_definition"
    OPERATIONAL = "operational_definition"
    CROSSLINKS = "crosslinks"
    PROVENANCE = "provenance"
    PROBLEMS = "problems"
    REVIEW_LOG = "review log"
    APPROVALS = "approvals"
    OPEN_REQUESTS = "open requests"


@dataclass(frozen=True)
class Gap:
    """One unmet gate: the gate, and the sentence that says what is missing."""

    gate: Gate
    message: str
    path: str | None = None
    """The field the gap is about (dotted), when there is one."""

    def __str__(self) -> str:
        return self.message

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `--json`."""
        return {"gate": self.gate.value, "message": self.message, "path": self.path}


def messages(gaps: Iterable[Gap]) -> list[str]:
    """The sentences of `gaps`, in order (what a refusal names)."""
    return [gap.message for gap in gaps]
