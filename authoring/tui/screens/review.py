"""Review one term: what changed since the last approval or status change, the gate checklist for the
next status, the term's own audit findings before it is ratified (from the service's cached audit,
loaded after the rest), and the review actions (approve, request changes, comment, promote, demote,
reject, deprecate) and folding legacy headers into the entry.

Each action is one commit made by the service; the notification names the commit (or says why none
was needed). What it shows and the moves it offers are the service's review view
(`Glossary.review_view`, the same that `authoring gates --json` prints): a move the view does not
allow is refused with the workflow's reason before any prompt, and a refused move comes back as
`GateRefused` with every unmet gate.

Must never: parse YAML, run Git, keep its own table of statuses, or decide a gate or a move itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header
from textual.worker import Worker, WorkerState

from authoring.core.model import Status
from authoring.errors import Conflict, GateRefused, Problem, Severity
from authoring.repo.audit import Finding
from authoring.repo.drafting_service import term_grounding
from authoring.repo.history import TermDiff
from authoring.repo.review_view import ReviewView
from authoring.repo.service import ActionResult, Glossary
from authoring.tui.actions import REVIEW_ACTIONS
from authoring.tui.formatting import changes_text, heading, headline, inert_renderable, problems_text
from authoring.tui.plain import Static
from authoring.tui.screens.dialogs import ChoiceDialog, ConfirmDialog, DeprecateDialog, NoteDialog
from authoring.tui.screens.draft import grounding_text
from authoring.tui.service_calls import ServiceHost, ServiceScreenMixin
from authoring.workflow.checklist import Checklist
from authoring.workflow.review_log import ReviewEvent
from authoring.workflow.statuses import Move, MoveOption


def diff_text(diff: TermDiff) -> Text:
    """A term's diff: what it compares, then the changes."""
    target = diff.target if diff.target == "working tree" else diff.target[:8]
    text = Text(f"{diff.base[:8]} ({diff.base_reason}) → {target}\n", style="dim")
    if diff.error:
        text.append(f"{diff.error}\n", style="red")
    text.append_text(changes_text(diff.changes))
    return text


def checklist_text(checklist: Checklist) -> Text:
    """Each gate of the next move ticked or crossed, with its reason."""
    text = Text()
    for item in checklist.items:
        text.append("✓ " if item.passed else "✗ ", style="bold green" if item.passed else "bold red")
        text.append(item.name, style="bold")
        text.append(f" — {item.reason}\n", style="dim" if item.passed else "red")
    if checklist.items:
        text.append("All gates pass: p promotes.\n" if checklist.passes else
                    "Promotion would be refused until every ✗ is fixed.\n", style="bold")
    return text or Text("No gate for this move.", style="dim")


def moves_text(moves: list[MoveOption]) -> Text:
    """The moves the workflow allows from the term's status (and why the others are not), as offered."""
    text = Text()
    for option in moves:
        if option.allowed:
            text.append("→ ", style="bold green")
            text.append(option.label, style="bold")
            if option.move in (Move.PROMOTE, Move.DEMOTE):  # reject and deprecate have one end state
                text.append(f" to {' or '.join(t.value for t in option.targets)}")
            text.append(" (a note says why)\n" if option.needs_note else "\n", style="dim")
        else:
            text.append("· ", style="dim")
            text.append(option.label, style="dim bold")
            text.append(f": {option.reason}\n", style="dim")
    return text


def headers_text(count: int, problems: list[Problem]) -> Text:
    """What the legacy headers above the entry are, where they disagree with it, and what `f` does."""
    blocks = "1 legacy header block" if count == 1 else f"{count} legacy header blocks"
    text = Text(f"{blocks} above the entry (old front matter kept for compatibility).\n")
    disagreements = [p for p in problems if p.code == "header-disagrees"]
    if disagreements:
        which = "it disagrees" if count == 1 else f"{len(disagreements)} of them disagree"
        text.append(f"✗ {which} with the entry (the header-disagrees warning above says on what)\n", style="yellow")
    else:
        which = "it agrees" if count == 1 else "they agree"
        text.append(f"✓ {which} with the entry on every field both carry\n", style="green")
    text.append("f folds them: fields only a header has are copied into the entry, and headers take the entry's "
                "values where they differ.\n", style="dim")
    return text


def events_text(events: list[ReviewEvent]) -> Text:
    """The review trail, newest first: when, who, action, from → to, note."""
    text = Text()
    for event in reversed(events):
        text.append(f"{event.when:%Y-%m-%d %H:%M}  ", style="dim")
        text.append(f"{event.action.value.replace('_', ' ')} ", style="bold")
        text.append(f"by {event.who}")
        if event.to_status and event.to_status != event.from_status:
            text.append(f"  {event.from_status} → {event.to_status}", style="cyan")
        if event.version:
            text.append(f"  v{event.version}", style="dim")
        if event.note:
            text.append(f"\n    {event.note}", style="italic")
        text.append("\n")
    return text or Text("No review events yet.", style="dim")


def audit_findings_text(term_id: str, findings: list[Finding]) -> Text:
    """The audit's errors and warnings about one term (info counted), or that there are none."""
    own = [f for f in findings if f.term == term_id]
    serious = [f for f in own if f.severity != Severity.INFO]
    text = Text()
    for finding in serious:
        style = "bold red" if finding.severity == Severity.ERROR else "yellow"
        text.append(f"{finding.severity} ", style=style)
        text.append(f"{finding.code}: ", style="bold")
        text.append(f"{finding.message}\n")
    infos = len(own) - len(serious)
    if not serious:
        text.append("✓ no error or warning about this term", style="green")
        text.append(f" ({infos} info)\n" if infos else "\n", style="dim")
    elif infos:
        text.append(f"and {infos} info finding(s)\n", style="dim")
    return text


@dataclass
class Shown:
    """What the review last showed of the term, which the actions go by: the service's view (its status,
    revision and allowed moves) and the ids a successor may name."""

    view: ReviewView
    known_ids: list[str]

    @property
    def parses(self) -> bool:
        """Whether the front matter parses."""
        return self.view.parses

    @property
    def headers(self) -> int:
        """How many legacy header blocks stand above the entry."""
        return self.view.headers

    @property
    def revision(self) -> str | None:
        """The content revision shown: a review of content changed since is refused."""
        return self.view.revision


class ReviewScreen(ServiceScreenMixin, Screen[None]):
    """The review of one term."""

    ACTIONS = REVIEW_ACTIONS
    BINDINGS = REVIEW_ACTIONS.bindings()

    class Loaded(Message):
        """Everything the review shows, gathered by the service."""

        def __init__(self, body: RenderableType, shown: Shown) -> None:
            super().__init__()
            self.body = body
            self.shown = shown

    class AuditLoaded(Message):
        """The audit's findings about this term (for a candidate, before it is ratified)."""

        def __init__(self, body: RenderableType) -> None:
            super().__init__()
            self.body = body

    class Done(Message):
        """An action committed."""

        def __init__(self, result: ActionResult) -> None:
            super().__init__()
            self.result = result

    def __init__(self, term_id: str, then: str | None = None) -> None:
        """`then` names an action to run once the review has loaded (the browser's palette opens a
        review this way to deprecate or fold from the list)."""
        super().__init__()
        self.term_id = term_id
        self.then = then
        self.shown: Shown | None = None  # None until loaded

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="review"):
            yield Static(f"Loading the review of {self.term_id}…", id="review-body")
            audit = Static("", id="review-audit")
            audit.display = False  # shown for a candidate only: the findings to see before ratifying
            yield audit
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="review")
    def load(self) -> None:
        with self.service() as glossary:
            view = glossary.review_view(self.term_id)
            grounding = term_grounding(glossary, self.term_id) if view.parses else None
            known_ids = glossary.term_ids()
        parts: list[RenderableType] = [headline(view.entry, self.term_id, view.parses)]
        if view.status_note:
            parts.append(Text(view.status_note, style="yellow"))
        if view.problems:
            parts += [heading("Problems"), problems_text(view.problems)]
        if view.headers:
            parts += [heading("Legacy headers"), headers_text(view.headers, view.problems)]
        parts.append(heading("Changes since the last approval or status change"))
        parts.append(diff_text(view.diff) if view.diff is not None else Text(view.diff_note, style="dim italic"))
        if grounding is not None and grounding.sentences:
            parts += [heading("Grounding: support of each sentence by the term's own sources"),
                      grounding_text(grounding)]
        if not view.parses:
            parts.append(Text("\nThe front matter does not parse: repair it before reviewing.", style="bold red"))
        elif view.checklist is not None and view.checklist.target:
            parts.append(heading(f"Gates for {view.checklist.current} → {view.checklist.target}"))
            parts.append(checklist_text(view.checklist))
        parts += [heading("Moves"), moves_text(view.moves)]
        parts.append(heading("Review events"))
        parts.append(events_text(view.events))
        self.post_message(self.Loaded(Group(*parts), Shown(view, known_ids)))

    @on(Loaded)
    def loaded(self, message: Loaded) -> None:
        self.shown = message.shown
        view = self.shown.view
        lenient = ", no status: in the file" if view.status_note and view.workflow_status else ""
        self.sub_title = f"review {self.term_id} ({view.status}{lenient})"
        self.query_one("#review-body", Static).update(inert_renderable(message.body))
        self.refresh_bindings()  # `f` is offered only when the term has legacy headers
        if self.shown.view.workflow_status is Status.CANDIDATE:
            self.query_one("#review-audit", Static).display = True
            self.query_one("#review-audit", Static).update(Group(
                heading("Audit findings for this term"),
                Text("Auditing the repository (reused until something changes)…", style="dim")))
            self.load_audit()
        if self.then:
            then, self.then = self.then, None
            self.call_later(getattr(self, f"action_{then}"))  # the action itself says when it cannot run

    @work(thread=True, exclusive=True, exit_on_error=False, group="review-audit")
    def load_audit(self) -> None:
        with self.service() as glossary:
            report = glossary.audit_cached()
        self.post_message(self.AuditLoaded(Group(heading("Audit findings for this term"),
                                                 audit_findings_text(self.term_id, report.findings))))

    @on(AuditLoaded)
    def audit_loaded(self, message: AuditLoaded) -> None:
        self.query_one("#review-audit", Static).update(message.body)

    @property
    def status(self) -> str:
        """The status as the review shows it (`draft` for a term without one; `…` before loading)."""
        return self.shown.view.status if self.shown else "…"

    def _offered(self, move: Move) -> MoveOption | None:
        """The view's option for `move` when the workflow allows it; otherwise None, after saying why
        (before any prompt, so nothing typed is lost)."""
        if not self._ready_for(move.value):
            return None
        assert self.shown is not None
        option = self.shown.view.option(move)
        if not option.allowed:
            host: ServiceHost = self.app  # type: ignore[assignment]
            end = {Move.REJECT: " → rejected", Move.DEPRECATE: " → deprecated"}.get(move, "")
            host.report_failure(GateRefused(f"{self.term_id}: {option.label} {self.status}{end} refused",
                                            [f"move: {option.reason}"]))
            return None
        return option

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer `f` (fold headers) in the footer only for a term with legacy headers; otherwise the
        key reaches `explain_fold`, and the palette's command (which calls the action) says why."""
        if action == "fold_headers":
            return bool(self.shown and self.shown.headers)
        return True

    def action_explain_fold(self) -> None:
        self.action_fold_headers()

    # -- actions ------------------------------------------------------------------------------------------

    def _seen(self) -> str | None:
        """The content revision this screen showed, so that the service refuses a review of other content."""
        return self.shown.revision if self.shown else None

    def action_approve(self) -> None:
        self._review("approve", NoteDialog(f"Approve {self.term_id}: note (optional)", required=False))

    def action_request_changes(self) -> None:
        self._review("request_changes", NoteDialog(f"Request changes to {self.term_id}: what should change?"))

    def action_comment(self) -> None:
        self._review("comment", NoteDialog(f"Comment on {self.term_id}"))

    def _review(self, kind: str, dialog: NoteDialog) -> None:
        """Ask for the note, then record the review bound to the content revision on screen now."""
        seen = self._seen()

        def review(glossary: Glossary, note: str | None) -> ActionResult:
            return glossary.review(self.term_id, kind, note, seen_revision=seen)

        self.app.push_screen(dialog, self._with_note(review, optional=kind == "approve"))

    def action_promote(self) -> None:
        option = self._offered(Move.PROMOTE)
        if option is None:
            return
        target = option.targets[0]

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.act(lambda g: g.promote(self.term_id, to=target))

        self.if_allowed("promote", target.value, lambda: self.app.push_screen(ConfirmDialog(
            f"Promote {self.term_id} from {self.status} to {target.value}?", "This is one commit, made as you."),
            confirmed))

    def action_demote(self) -> None:
        """Move back (or revive a rejected term as a draft) to a target the workflow allows, with a note."""
        option = self._offered(Move.DEMOTE)
        if option is None:
            return
        verb = "Revive" if option.label == "revive" else "Demote"

        def with_target(target: str | None) -> None:
            if target:
                title = (f"Revive {self.term_id} as a {target}: why?" if verb == "Revive" else
                         f"Demote {self.term_id} to {target}: why?")
                self.if_allowed("demote", target, lambda: self.app.push_screen(
                    NoteDialog(title), self._with_note(lambda g, note: g.demote(self.term_id, target, note or ""))))

        targets = [target.value for target in option.targets]
        if len(targets) == 1:
            with_target(targets[0])
        else:
            self.app.push_screen(ChoiceDialog(f"{verb} to which status?", [(t, t) for t in targets]), with_target)

    def action_reject(self) -> None:
        if self._offered(Move.REJECT) is None:
            return
        self.if_allowed("reject", None, lambda: self.app.push_screen(
            NoteDialog(f"Reject {self.term_id}: why?"), self._with_note(lambda g, note: g.reject(self.term_id,
                                                                                                note or ""))))

    def if_allowed(self, move: str, target: str | None, ask: Callable[[], object]) -> None:
        """Ask for the note or the confirmation (`ask`) only once the service says the move is allowed:
        a refusal after the note was typed would throw the note away."""
        if self._ready_for(move):
            self.check_move(move, target, ask)

    @work(thread=True, exclusive=True, exit_on_error=False, group="review-check")
    def check_move(self, move: str, target: str | None, ask: Callable[[], object]) -> None:
        report = self.call(lambda g: g.move_report(self.term_id, move, target))
        if report.missing:  # shown by the app as a refusal listing every unmet gate
            raise GateRefused(f"{self.term_id}: {move} {report.status} → {report.target or '?'} refused",
                              report.missing)
        self.app.call_from_thread(ask)

    def _ready_for(self, what: str) -> bool:
        """False (saying why) while the review loads or when the front matter does not parse."""
        if self.shown is None:
            self.notify(f"the review of {self.term_id} is still loading", severity="warning")
            return False
        if not self.shown.parses:
            self.notify(f"{self.term_id} does not parse: repair it before you {what} it (see Problems)",
                        title="nothing done", severity="error")
            return False
        return True

    def action_deprecate(self) -> None:
        """Retire a ratified term: a note and an optional successor, a confirmation, one commit."""
        # the workflow says whether the move exists at all: refuse before asking for a note
        if self._offered(Move.DEPRECATE) is None:
            return

        def answered(answer: tuple[str, str | None] | None) -> None:
            if answer is None:
                return
            note, successor = answer
            replaced = f", superseded by {successor}" if successor else ""

            def confirmed(yes: bool | None) -> None:
                if yes:
                    self.act(lambda g: g.deprecate(self.term_id, note, successor))

            self.app.push_screen(ConfirmDialog(
                f"Deprecate {self.term_id} ({self.status} → deprecated{replaced})?",
                f"Note: {note}\nThis is one commit, made as you. A deprecated term stays in the glossary but "
                "cannot be moved back."), confirmed)

        self.app.push_screen(DeprecateDialog(self.term_id, self.shown.known_ids if self.shown else []), answered)

    def action_fold_headers(self) -> None:
        """Fold legacy headers into the entry (only for a term that has some), after a confirmation."""
        if not self._ready_for("fold"):
            return
        if not (self.shown and self.shown.headers):
            self.notify(f"{self.term_id} has no legacy header above its entry: there is nothing to fold",
                        title="nothing done", severity="warning")
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.act(lambda g: g.fold_headers(self.term_id))

        self.app.push_screen(ConfirmDialog(
            f"Fold the legacy headers of {self.term_id} into its entry?",
            "A field only a header carries is copied into the entry (a content edit: minor version bump, and "
            "a ratified term goes back to candidate); a header field that differs from the entry is rewritten "
            "to the entry's value. Nothing else in the file changes. One commit, made as you."), confirmed)

    def _with_note(self, action: Callable[[Glossary, str | None], ActionResult],
                   optional: bool = False) -> Callable[[str | None], None]:
        """A dialog callback that runs `action(glossary, note)` with the note typed (nothing when cancelled)."""

        def run(note: str | None) -> None:
            if note is None or (not note and not optional):
                return
            self.act(lambda g: action(g, note or None))

        return run

    @work(thread=True, exclusive=True, exit_on_error=False, group="review-action")
    def act(self, action: Callable[[Glossary], ActionResult]) -> None:
        """Run one review action through the service; the result (or refusal) comes back as a message."""
        self.post_message(self.Done(self.call(action)))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """When the term changed under the review, show it as it is now. (Textual also runs the mixin's
        handler, which reports the failure: handlers of every class in the MRO get the message.)"""
        if event.state == WorkerState.ERROR and isinstance(event.worker.error, Conflict):
            self.load()

    @on(Done)
    def done(self, message: Done) -> None:
        if message.result.commit is None:  # e.g. headers that already agree: nothing was written
            self.notify(message.result.message, title="nothing to commit")
        else:
            self.notify(message.result.message, title="committed")
        self.load()

    def action_back(self) -> None:
        self.dismiss(None)
