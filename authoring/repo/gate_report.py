"""What the gates say about a move of a term, without acting: `authoring gates` and the review
screen's checklist (the actions themselves are `repo.actions`').

Must never: take the repository lock or write anything; count an event that is not in committed
history (`repo.trail.committed_events`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from authoring.core.model import Status
from authoring.core.roundtrip import Editor
from authoring.core.termfile import unparsed_reason
from authoring.errors import GateRefused, ParseError, UsageError
from authoring.repo.actions import Loaded, _target, gate_input
from authoring.repo.trail import committed_events
from authoring.workflow import gates
from authoring.workflow.gaps import Gap, Gate, messages
from authoring.workflow.review_log import term_revision
from authoring.workflow.statuses import Move, end_of_line, next_up, status_of

if TYPE_CHECKING:
    from authoring.repo.service import Glossary


@dataclass
class GateReport:
    """Where a term stands against the gates of a move, for the TUI's checklist and `authoring gates`."""

    term_id: str
    status: str
    move: str
    target: str | None
    gaps: list[Gap] = field(default_factory=list)
    """Every unmet gate, filed by gate (`workflow.gaps`)."""
    approvals: gates.ApprovalTally = field(default_factory=gates.ApprovalTally)
    revision: str = ""
    end: str | None = None  # when nothing follows the status (`promote` without a target): said instead of gates

    @property
    def missing(self) -> list[str]:
        """The unmet gates as sentences (what a refusal would name)."""
        return messages(self.gaps)

    @property
    def ready(self) -> bool:
        """True when the move would pass every gate."""
        return self.target is not None and not self.missing

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `--json`."""
        tally = self.approvals
        return {"term": self.term_id, "status": self.status, "move": self.move, "target": self.target,
                "ready": self.ready, "missing": self.missing, "revision": self.revision, "end": self.end,
                "gaps": [gap.to_json() for gap in self.gaps],
                "approvals": {"valid": tally.valid, "stale": tally.stale, "by_authors": tally.by_authors,
                              "by_non_editors": tally.by_non_editors, "before_demotion": tally.before_demotion},
                "open_requests": [{"who": e.who, "when": e.when.isoformat(), "note": e.note, "action": e.action.value}
                                  for e in tally.open_requests]}


def gate_report(glossary: Glossary, term_id: str, kind: Move = Move.PROMOTE, to: Status | None = None,
                note: str | None = None) -> GateReport:
    """What a move of the term would need, as the acting identity, without taking the lock or writing."""
    actor = glossary.actor()
    term = glossary.load(term_id)
    if not term.parses or term.entry is None:
        raise ParseError(unparsed_reason(term.display, term.errors or list(term.problems)),
                         term.errors or list(term.problems))
    entry = term.entry
    current = status_of(entry)
    if current is None:
        raise UsageError(f"{term_id}: status {entry.get('status')!r} is not a workflow status")
    events, unreadable = committed_events(glossary, term_id)
    revision = term_revision(term) or ""
    loaded = Loaded(term, Editor(term), entry, current, events, unreadable, revision)
    from authoring.repo.authorship_history import content_commit_authors

    report = GateReport(term_id, current.value, kind.value, None, revision=revision,
                        approvals=gates.tally(entry, events, glossary.config.people, revision=revision,
                                              commit_authors=content_commit_authors(glossary, term_id)))
    if kind is Move.PROMOTE and to is None and next_up(current) is None:
        report.end = end_of_line(current)  # an answer, not an unmet gate
        return report
    try:
        target = _target(kind, current, to, term_id)
    except GateRefused as exc:
        report.gaps = [Gap(Gate.MOVE, said) for said in exc.missing]
        return report
    report.target = target.value
    gi = gate_input(glossary, loaded, actor, with_sources=kind is Move.PROMOTE and target is Status.CANDIDATE)
    report.gaps = gates.move_gaps(gi, kind, current, target, note)
    return report
