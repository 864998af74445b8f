"""One review of one term, as every face shows it: what it is, where it stands, and which moves exist.

The review screen renders a `ReviewView` and offers only its moves; `authoring gates --json` prints
the same view (`to_json`). The status graph comes from `workflow.statuses.allowed_moves`, the gates
from `repo.gate_report`: a face keeps no table of its own, so the UI and the CLI cannot disagree on
what a term may do next.

A term without `status:` is a draft (as the workflow reads it) and says so; a status that is not a
workflow status, or a file that does not parse, offers no move and says why.

Must never: write anything or take the repository lock; decide a gate or a move itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from authoring.core.model import Status
from authoring.core.termfile import unparsed_reason
from authoring.errors import AuthoringError, NotFound, ParseError, Problem, UsageError
from authoring.workflow.checklist import Checklist, promotion_checklist
from authoring.workflow.statuses import Move, MoveOption, allowed_moves, status_of

if TYPE_CHECKING:
    from authoring.repo.gate_report import GateReport
    from authoring.repo.history import TermDiff
    from authoring.repo.service import Glossary
    from authoring.workflow.review_log import ReviewEvent


@dataclass
class ReviewView:
    """Everything a review of one term shows, and the moves it may offer."""

    term_id: str
    name: str | None
    status: str
    """The workflow status (`draft` for a term with no `status:`), the file's own text when that is not
    a workflow status, or `malformed` when the front matter does not parse."""
    workflow_status: Status | None
    """The status as the workflow reads it; None when there is none to read."""
    status_note: str = ""
    """What to know about the status (`no status: in the file …`), empty when nothing."""
    parses: bool = True
    problems: list[Problem] = field(default_factory=list)
    headers: int = 0
    """How many legacy header blocks stand above the entry."""
    revision: str | None = None
    """The content revision shown: a review recorded from this view is bound to it."""
    diff: TermDiff | None = None
    """The changes since the last approval or status change, when there is a history to compare."""
    diff_note: str = ""
    """Why there is no diff (a term never committed), empty when there is one."""
    gates: GateReport | None = None
    """The gates of the promotion (or of the move to `to`); None when the term cannot move at all."""
    checklist: Checklist | None = None
    events: list[ReviewEvent] = field(default_factory=list)
    moves: list[MoveOption] = field(default_factory=list)
    refusal: AuthoringError | None = None
    """Why no gate could be evaluated (the file does not parse, the status is not a workflow status)."""
    entry: dict[str, Any] = field(default_factory=dict, repr=False)
    """The entry as parsed, for a face's headline (not in `to_json`: `authoring show` prints terms)."""

    def option(self, move: Move) -> MoveOption:
        """The view's option for one move."""
        return next(option for option in self.moves if option.move is move)

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `--json`: the gate report's keys (`term`, `status`, `target`, `ready`, `missing`,
        `revision`, `approvals`, …) and the rest of the view beside them."""
        data: dict[str, Any] = self.gates.to_json() if self.gates is not None else {
            "term": self.term_id, "status": self.status, "move": Move.PROMOTE.value, "target": None,
            "ready": False, "missing": [], "revision": self.revision, "end": None, "gaps": []}
        data.update({
            "name": self.name, "status_note": self.status_note or None, "parses": self.parses,
            "problems": [problem.to_json() for problem in self.problems], "headers": self.headers,
            "diff": self.diff.model_dump(mode="json") if self.diff is not None else None,
            "diff_note": self.diff_note or None,
            "checklist": self.checklist.to_json() if self.checklist is not None else None,
            "events": [event.to_json() for event in self.events],
            "moves": [option.to_json() for option in self.moves],
            "refusal": str(self.refusal) if self.refusal is not None else None,
        })
        return data


def review_view(glossary: Glossary, term_id: str, to: Status | None = None) -> ReviewView:
    """The review of `term_id` as the acting identity sees it (gates for promoting it, or for the move to
    `to`); writes nothing. An unknown term is `NotFound`; every other trouble is in the view."""
    from authoring.repo.gate_report import gate_report
    from authoring.workflow.review_log import term_revision

    term = glossary.load(term_id)
    entry = term.entry if term.parses else None
    if entry is None:
        view = ReviewView(term_id, None, "malformed", None, parses=False)
        why = "the front matter does not parse: repair it before any move"
        view.moves = [MoveOption(move, (), why, move.value) for move in Move]
        located = term.errors or list(term.problems)
        view.refusal = ParseError(unparsed_reason(term.display, located), located)
    else:
        raw = entry.get("status")
        current = status_of(entry)
        name = entry.get("term")
        view = ReviewView(term_id, str(name) if name is not None else None,
                          current.value if current is not None else str(raw), current)
        if current is not None and (raw is None or raw == ""):
            view.status_note = "no `status:` in the file: the workflow counts it as a draft"
        elif current is None:
            view.status_note = f"status {raw!r} is not a workflow status"
        view.entry = entry
        view.moves = allowed_moves(current, raw)
        view.revision = term_revision(term)
        try:
            view.gates = gate_report(glossary, term_id, Move.PROMOTE, to)
        except (ParseError, UsageError) as exc:
            view.refusal = exc
        if view.gates is not None:
            report = view.gates
            view.checklist = promotion_checklist(term_id, report.status, report.target, report.gaps,
                                                 str(glossary.actor()), report.approvals.valid)
    view.problems = list(term.problems)
    view.headers = len(term.headers)
    view.events = glossary.review_events(term_id)
    try:
        view.diff = glossary.diff(term_id)
    except NotFound as exc:
        view.diff_note = str(exc)
    return view
