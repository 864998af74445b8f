"""The gate checklist of a promotion: every gate of the move, ticked or not, with the reason.

It takes what the gates themselves said is missing and files each unmet gate under the gate it
belongs to (`Gap.gate`, never the wording of its message), so the checklist can never disagree with
what a promotion would refuse, and rewording a message cannot misfile it.

Must never: touch Git, files or a UI; decide a gate differently from `gates`; read a gap's message to
decide where it goes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from authoring.core.model import Status
from authoring.workflow.gaps import Gap, Gate

# The gates of each promotion, in the order a user would fix them: name, what passing means, and the
# gates (`gaps.Gate`) whose gaps it collects.
CANDIDATE_GATES: tuple[tuple[str, str, frozenset[Gate]], ...] = (
    ("permission", "you may promote", frozenset({Gate.PERMISSION})),
    ("triad", "art, law and philosophy filled in", frozenset({Gate.TRIAD})),
    ("definition", "pirouette_definition filled in", frozenset({Gate.DEFINITION})),
    ("operational definition", "units, symbol table or measurement",
     frozenset({Gate.OPERATIONAL})),
    ("crosslinks", "crosslinks present", frozenset({Gate.CROSSLINKS})),
    ("provenance", "a source whose snippet is found in its module", frozenset({Gate.PROVENANCE})),
    ("no errors", "no error-level problems", frozenset({Gate.PROBLEMS})),
)
RATIFIED_GATES: tuple[tuple[str, str, frozenset[Gate]], ...] = (
    ("permission", "you may promote", frozenset({Gate.PERMISSION})),
    ("review log readable", "every review event could be read", frozenset({Gate.REVIEW_LOG})),
    ("approvals", "enough valid approvals on the current content", frozenset({Gate.APPROVALS})),
    ("no open requests", "no open request for changes", frozenset({Gate.OPEN_REQUESTS})),
)


@dataclass
class GateItem:
    """One gate: whether it passes, and why (the unmet reasons, or what satisfied it)."""

    name: str
    passed: bool
    reason: str
    gates: tuple[str, ...] = ()
    """The `gaps.Gate` values whose gaps this item collected (empty when it passed)."""

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `--json`."""
        return {"name": self.name, "passed": self.passed, "reason": self.reason}


@dataclass
class Checklist:
    """The gates between a term's status and the next one (empty `items` when nothing follows)."""

    term_id: str
    current: str
    target: str | None
    items: list[GateItem] = field(default_factory=list)

    @property
    def passes(self) -> bool:
        """True when a promotion would go through."""
        return self.target is not None and all(item.passed for item in self.items)

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `--json`."""
        return {"term": self.term_id, "current": self.current, "target": self.target, "passes": self.passes,
                "gates": [item.to_json() for item in self.items]}


def promotion_checklist(term_id: str, current: str, target: str | None, missing: list[Gap], actor: str,
                        approvers: list[str]) -> Checklist:
    """Every gate of `current → target`, each ticked or crossed with its reasons.

    `missing` is what the gates said (`gates.move_gaps`, via the service's `gate_report`); each gap is
    filed under its own gate, so the checklist never disagrees with a real promotion.
    """
    if target is None:
        return Checklist(term_id, current, None,
                         [GateItem(gap.gate.value, False, gap.message, (gap.gate.value,)) for gap in missing])
    spec = CANDIDATE_GATES if target == Status.CANDIDATE.value else \
        RATIFIED_GATES if target == Status.RATIFIED.value else ()
    items: list[GateItem] = []
    claimed: set[int] = set()
    for name, meaning, kinds in spec:
        filed = [(index, gap) for index, gap in enumerate(missing) if gap.gate in kinds]
        claimed.update(index for index, _gap in filed)
        if filed:
            items.append(GateItem(name, False, "; ".join(gap.message for _index, gap in filed),
                                  tuple(dict.fromkeys(gap.gate.value for _index, gap in filed))))
        elif name == "permission":
            items.append(GateItem(name, True, f"{actor} may promote"))
        elif name == "approvals" and approvers:
            items.append(GateItem(name, True, f"{len(approvers)} valid: {', '.join(approvers)}"))
        else:
            items.append(GateItem(name, True, meaning))
    for index, gap in enumerate(missing):  # a gate the table above does not name (a move that does not exist)
        if index not in claimed:
            items.append(GateItem(gap.gate.value, False, gap.message, (gap.gate.value,)))
    return Checklist(term_id, current, target, items)
