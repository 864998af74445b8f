"""The gate checklist of a promotion: every gate of the move, ticked or not, with the reason.

It takes what the gates themselves said is missing and files each unmet gate under the gate it
belongs to, so the checklist can never disagree with what a promotion would refuse.

Must never: touch Git, files or a UI; decide a gate differently from `gates`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from authoring.core.model import Status

# The gates of each promotion, in the order a user would fix them, with the prefixes of their gaps.
CANDIDATE_GATES = (
    ("permission", "you may promote", ("permission",)),
    ("triad", "art, law and philosophy filled in", ("triad",)),
    ("definition", "pirouette_definition filled in", ("pirouette_definition",)),
    ("operational definition", "units, symbol table or measurement", ("operational_definition",)),
    ("crosslinks", "crosslinks present", ("crosslinks",)),
    ("provenance", "a source whose snippet is found in its module", ("provenance",)),
    ("no errors", "no error-level problems", ("problems",)),
)
RATIFIED_GATES = (
    ("permission", "you may promote", ("permission",)),
    ("review log readable", "every review event could be read", ("review log",)),
    ("approvals", "enough valid approvals on the current content", ("approvals",)),
    ("no open requests", "no open request for changes", ("open request",)),
)


@dataclass
class GateItem:
    """One gate: whether it passes, and why (the unmet reasons, or what satisfied it)."""

    name: str
    passed: bool
    reason: str

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


def promotion_checklist(term_id: str, current: str, target: str | None, missing: list[str], actor: str,
                        approvers: list[str]) -> Checklist:
    """Every gate of `current → target`, each ticked or crossed with its reasons.

    `missing` is what the gates said (`gates.move_gaps`, via the service's `gate_report`); each gap is
    filed under the gate it belongs to, so the checklist never disagrees with a real promotion.
    """
    if target is None:
        return Checklist(term_id, current, None, [GateItem(gap.split(":", 1)[0], False, gap) for gap in missing])
    spec = CANDIDATE_GATES if target == Status.CANDIDATE.value else \
        RATIFIED_GATES if target == Status.RATIFIED.value else ()
    items: list[GateItem] = []
    claimed: set[str] = set()
    for name, meaning, prefixes in spec:
        gaps = [gap for gap in missing if gap.startswith(prefixes)]
        claimed.update(gaps)
        if gaps:
            items.append(GateItem(name, False, "; ".join(gaps)))
        elif name == "permission":
            items.append(GateItem(name, True, f"{actor} may promote"))
        elif name == "approvals" and approvers:
            items.append(GateItem(name, True, f"{len(approvers)} valid: {', '.join(approvers)}"))
        else:
            items.append(GateItem(name, True, meaning))
    for gap in missing:  # anything the table above does not name (a move that is not allowed at all)
        if gap not in claimed:
            items.append(GateItem(gap.split(":", 1)[0], False, gap))
    return Checklist(term_id, current, target, items)
