"""The browser's workbench actions: the review queue (`w`), undo (`u`), and bulk actions on selected rows
(`B`: approve, fold headers or repair each, one confirmation listing them, every outcome shown).

The base class of `BrowserScreen` (kept apart so the browser stays readable): it uses the browser's term table,
`reload_term`, `action_open_term`, `action_review` and the progress line. Service calls run in thread
workers through `call`; results come back with `call_from_thread` or as messages.

Must never: parse YAML or run Git (it calls `Glossary`), touch widgets from a worker thread, commit
anything the person did not confirm.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.message import Message
from textual.screen import Screen

from authoring.repo.queue import Queue
from authoring.tui.plain import Static
from authoring.tui.screens.dialogs import ChoiceDialog, ConfirmDialog, MessageDialog
from authoring.tui.service_calls import ServiceScreenMixin
from authoring.tui.widgets.term_table import TermTable

if TYPE_CHECKING:
    from authoring.core.repair import RepairPlan
    from authoring.repo.bulk import BulkResult
    from authoring.repo.service import ActionResult, Glossary
    from authoring.repo.undo import UndoPlan

BULK_ACTIONS = (("approve", "Approve each"), ("fold-headers", "Fold the legacy headers of each"),
                ("repair", "Repair the front matter of each"))
"""What `B` offers for the selected rows (each term its own commit)."""


def _plan_repair(glossary: Glossary, term_id: str) -> RepairPlan:
    return glossary.repair(term_id).plan


class WorkbenchScreen(ServiceScreenMixin, Screen[None]):
    """Queue, undo and bulk actions for the term browser (see the module's doc); `BrowserScreen` is one."""

    # The keys (w, u, b) are the browser's, declared in its action table (`tui.actions.BROWSER_ACTIONS`).

    queue_counts: str = ""
    """`awaits you: …` for the progress line, once the queue is known."""
    indexed: bool = False
    """Set by the browser once indexing has finished (the progress line then shows counts)."""

    # provided by the browser
    def action_open_term(self, term_id: str) -> None:
        raise NotImplementedError

    def action_review(self, then: str | None = None) -> None:
        raise NotImplementedError

    def reload_term(self, term_id: str) -> None:
        raise NotImplementedError

    class QueueLoaded(Message):
        """The acting identity's queue is known (counts for the progress line, approvals for the list)."""

        def __init__(self, queue: Queue) -> None:
            super().__init__()
            self.queue = queue

    # -- the queue ----------------------------------------------------------------------------------

    def action_queue(self) -> None:
        """Open "what awaits me"; choosing a term there opens its review here."""
        from authoring.tui.screens.queue import QueueScreen

        def chosen(term_id: str | None) -> None:
            if term_id:
                self.action_open_term(term_id)
                self.action_review()

        self.app.push_screen(QueueScreen(), chosen)

    @work(thread=True, exclusive=True, exit_on_error=False, group="queue")
    def load_queue(self) -> None:
        """Work out the queue (from the service's store when nothing changed) and post it."""
        # A service of its own (its own Git processes), so the shared one's lock is not held while the
        # queue is worked out: an action the person starts meanwhile does not wait for it.
        from authoring.repo.service import Glossary

        shared = self.glossary
        actor = shared.acting_as
        with Glossary.open(shared.root, str(actor) if actor else None, check_config=False) as own:
            queue = own.queue()
        self.post_message(self.QueueLoaded(queue))

    @on(QueueLoaded)
    def queue_loaded(self, message: QueueLoaded) -> None:
        from authoring.tui.screens.queue import counts_text

        self.queue_counts = counts_text(message.queue)
        self.query_one(TermTable).set_approvals(message.queue.approvals)
        self.show_status()

    def status_suffix(self) -> str:
        """What the progress line adds after its term counts: the queue's counts, the selection."""
        parts = [self.queue_counts] if self.queue_counts else []
        selected = self.query_one(TermTable).selected
        if selected:
            parts.append(f"{len(selected)} selected (B)")
        return "".join(f" · {p}" for p in parts)

    def show_status(self) -> None:
        """Redraw the progress line with the current counts (only once indexing has finished)."""
        if not getattr(self, "indexed", False):
            return
        table = self.query_one(TermTable)
        malformed = sum(1 for s in table.summaries if not s.parses)
        self.query_one("#progress", Static).update(
            f"{len(table.shown)} of {len(table.summaries)} terms shown · {malformed} malformed"
            f"{self.status_suffix()} · {self.app.sub_title}")

    @on(TermTable.SelectionChanged, "#terms")
    def selection_changed(self) -> None:
        self.show_status()

    # -- undo ---------------------------------------------------------------------------------------

    def action_undo(self) -> None:
        """Show the acting identity's last action, and take it back only on `y`."""
        self.plan_undo()

    @work(thread=True, exclusive=True, exit_on_error=False, group="action")
    def plan_undo(self) -> None:
        plan = self.call(lambda g: g.last_action())
        self.app.call_from_thread(self.confirm_undo, plan)

    def confirm_undo(self, plan: UndoPlan) -> None:
        blocked = ([plan.refusal] if plan.refusal else []) + [f"later action depends on it: {d}"
                                                               for d in plan.dependents]
        if blocked:
            body = "\n".join([plan.describe(), "", *blocked])
            self.app.push_screen(MessageDialog("Your last action cannot be undone", Text(body),
                                               error=True))
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_undo(plan.commit)
            else:
                self.notify("nothing was undone")

        detail = Text(f"{plan.describe()}\n\nA new commit takes it back; history is kept.")
        self.app.push_screen(ConfirmDialog("Undo your last action?", detail), answered)

    @work(thread=True, exclusive=True, exit_on_error=False, group="action")
    def run_undo(self, commit: str) -> None:
        result: ActionResult = self.call(lambda g: g.undo(None, commit))
        self.app.call_from_thread(self.after_undo, result)

    def after_undo(self, result: ActionResult) -> None:
        self.notify(result.message, title="committed")
        for term_id in result.details.get("terms", {}):
            self.reload_term(term_id)
        self.load_queue()

    # -- bulk actions -------------------------------------------------------------------------------

    def action_bulk(self) -> None:
        """Choose what to do with the selected rows (space / shift+arrows select them)."""
        selected = list(self.query_one(TermTable).selected)
        if not selected:
            self.notify("select terms first: space toggles a row, shift+↑/↓ extends",
                        severity="warning")
            return

        def chosen(kind: str | None) -> None:
            if kind == "repair":
                self.plan_bulk_repair(selected)
            elif kind:
                self.confirm_bulk(kind, selected, {})

        self.app.push_screen(ChoiceDialog(f"Which action, on each of the {len(selected)} selected terms?",
                                          list(BULK_ACTIONS)), chosen)

    @work(thread=True, exclusive=True, exit_on_error=False, group="action")
    def plan_bulk_repair(self, term_ids: list[str]) -> None:
        """Plan each repair (nothing written), so the confirmation shows what each would change."""
        plans: dict[str, tuple[str, bytes | None]] = {}
        for term_id in term_ids:
            plan = self.call(partial(_plan_repair, term_id=term_id))
            said = "nothing to repair" if not plan.needed else (
                plan.describe().split("\n", 1)[0] if plan.applicable else "cannot be repaired automatically")
            plans[term_id] = (said, plan.after if plan.needed and plan.applicable else None)
        self.app.call_from_thread(self.confirm_bulk, "repair", term_ids, plans)

    def confirm_bulk(self, kind: str, term_ids: list[str], plans: dict[str, tuple[str, bytes | None]]) -> None:
        """One confirmation listing every term (and, for repairs, what each would change)."""
        label = dict(BULK_ACTIONS)[kind]
        lines = [f"  {t}" + (f": {plans[t][0]}" if t in plans else "") for t in term_ids]
        detail = Text("\n".join([*lines, "", "Each term is its own commit; a failure does not stop the others."]))

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_bulk(kind, term_ids, {t: after for t, (_, after) in plans.items()})
            else:
                self.notify("bulk action cancelled; nothing was written")

        self.app.push_screen(ConfirmDialog(f"{label}: {len(term_ids)} terms?", detail), answered)

    @work(thread=True, exclusive=True, exit_on_error=False, group="action")
    def run_bulk(self, kind: str, term_ids: list[str], confirmed: dict[str, bytes | None]) -> None:
        def act(glossary: Glossary, term_id: str) -> Any:
            if kind == "approve":
                return glossary.review(term_id, "approve")
            if kind == "fold-headers":
                return glossary.fold_headers(term_id)
            return glossary.repair(term_id, write=True, confirmed=confirmed.get(term_id))

        result: BulkResult = self.call(lambda g: g.each(kind, term_ids, act))
        self.app.call_from_thread(self.after_bulk, result)

    def after_bulk(self, result: BulkResult) -> None:
        done = len(result.outcomes) - len(result.failed)
        title = f"{result.action}: {done} of {len(result.outcomes)} done" + (
            f", {len(result.failed)} failed" if result.failed else "")
        self.app.push_screen(MessageDialog(title, Text(result.describe()), error=bool(result.failed)))
        table = self.query_one(TermTable)
        table.select_ids([o.term_id for o in result.failed])  # what failed stays selected, to try again
        for outcome in result.outcomes:
            if outcome.commit:
                self.reload_term(outcome.term_id)
        self.load_queue()
