"""Edit a term's text in the UI: its Markdown body in place, or the whole file in `$EDITOR`.

`BodyEditScreen`: the body (or the section under the cursor when it opened: `section`) in a text area;
the first `ctrl+s` asks the service for the plan (changes, line diff, problems), the second commits it.
`edit_in_external_editor`: suspends the app (`App.suspend`), runs the editor on a temporary copy of the
whole file, then shows the service's plan and commits only on yes; a refused edit keeps the copy and
says where. Either way the service checks the result (`repo/file_edit.py`) and commits one `edit`.

Must never: parse YAML, write the term file or run Git itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, TextArea
from textual.worker import Worker, WorkerState

from authoring.core.safetext import visible
from authoring.errors import AuthoringError
from authoring.tui.actions import BODY_EDIT_ACTIONS
from authoring.tui.formatting import changes_text, problems_text
from authoring.tui.plain import Label, Static
from authoring.tui.screens.dialogs import ConfirmDialog, MessageDialog
from authoring.tui.service_calls import ServiceScreenMixin

if TYPE_CHECKING:
    from authoring.repo.file_edit import FileEdit
    from authoring.tui.screens.browser import BrowserScreen


def plan_text(plan: FileEdit) -> Text:
    """The plan as the screen shows it: field changes, the line diff (coloured), the problems."""
    text = Text()
    if not plan.changed:
        text.append("No change: the text is as it was; nothing to commit.\n", style="yellow")
        return text
    if plan.changes:
        text.append_text(changes_text(plan.changes))
    for line in plan.diff.splitlines():
        style = ("bold" if line.startswith(("---", "+++")) else "green" if line.startswith("+")
                 else "red" if line.startswith("-") else "cyan" if line.startswith("@@") else "dim")
        text.append(visible(line) + "\n", style=style)
    if plan.problems:
        text.append("\nProblems:\n", style="bold red")
        text.append_text(problems_text(plan.problems))
    return text


class BodyEditScreen(ServiceScreenMixin, Screen[str | None]):
    """Edit the Markdown body of `term_id`; dismisses with the commit id, or None."""

    ACTIONS = BODY_EDIT_ACTIONS
    BINDINGS = BODY_EDIT_ACTIONS.bindings()

    class Loaded(Message):
        """The body's text and the file's bytes (the edit is checked against them) are ready."""

        def __init__(self, text: str, seen: bytes) -> None:
            super().__init__()
            self.text = text
            self.seen = seen

    class Planned(Message):
        """The service's plan for the typed text."""

        def __init__(self, text: str, plan: FileEdit) -> None:
            super().__init__()
            self.text = text
            self.plan = plan

    def __init__(self, term_id: str) -> None:
        super().__init__()
        self.term_id = term_id
        self.seen: bytes | None = None
        self.loaded_text: str | None = None
        self.plan: FileEdit | None = None
        self.planned_text: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="edit"):
            yield Label(f"{self.term_id} · body (Markdown; ctrl+s to preview, again to commit, esc to cancel)",
                        id="body-title")
            yield TextArea("", id="body-editor", show_line_numbers=True, soft_wrap=True)
            yield Static("", id="body-preview")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#body-editor", TextArea).focus()
        self.load_body()

    @work(thread=True, exclusive=True, exit_on_error=False, group="body")
    def load_body(self) -> None:
        edits = self.call(lambda g: g.text_edits())
        seen = self.call(lambda g: edits.term_bytes(self.term_id))
        self.post_message(self.Loaded(self.call(lambda g: edits.body(self.term_id)), seen))

    @on(Loaded)
    def body_loaded(self, message: Loaded) -> None:
        self.seen, self.loaded_text = message.seen, message.text
        self.query_one("#body-editor", TextArea).load_text(message.text)

    @on(TextArea.Changed, "#body-editor")
    def text_changed(self) -> None:
        if self.planned_text is not None and self.query_one("#body-editor", TextArea).text != self.planned_text:
            self.plan = None
            self.query_one("#body-preview", Static).update(Text("Changed since the preview: ctrl+s to preview"
                                                                " again.", style="dim"))

    def action_save(self) -> None:
        if self.seen is None:
            return
        text = self.query_one("#body-editor", TextArea).text
        plan = self.plan
        if plan is not None and text == self.planned_text and plan.changed and not plan.errors:
            self.commit(plan)
        else:
            self.preview(text, self.seen)

    @work(thread=True, exclusive=True, exit_on_error=False, group="body")
    def preview(self, text: str, seen: bytes) -> None:
        from authoring.repo.file_edit import WHOLE_BODY

        plan = self.call(lambda g: g.text_edits().plan_body(self.term_id, WHOLE_BODY, text, seen=seen))
        self.post_message(self.Planned(text, plan))

    @on(Planned)
    def planned(self, message: Planned) -> None:
        self.plan, self.planned_text = message.plan, message.text
        shown = plan_text(message.plan)
        if message.plan.errors:
            shown.append("\nFix the problems above; nothing was saved.", style="bold red")
        elif message.plan.changed:
            shown.append("\nPress ctrl+s again to commit this change.", style="bold")
        self.query_one("#body-preview", Static).update(shown)

    @work(thread=True, exclusive=True, exit_on_error=False, group="body")
    def commit(self, plan: FileEdit) -> None:
        result = self.call(lambda g: g.text_edits().commit(plan))
        self.app.call_from_thread(self.committed, result.message, result.commit)

    def committed(self, message: str, commit: str | None) -> None:
        self.notify(message, title="committed")
        self.dismiss(commit)

    @on(Worker.StateChanged)
    def worker_failed(self, event: Worker.StateChanged) -> None:
        """A refused or conflicting edit is shown beside the text, which stays as typed."""
        error = event.worker.error
        if event.state == WorkerState.ERROR and isinstance(error, AuthoringError):
            event.prevent_default()
            self.plan = None
            text = Text(f"{error}\n", style="bold red")
            text.append_text(problems_text(error.problems))
            text.append("Nothing was saved.", style="bold")
            self.query_one("#body-preview", Static).update(text)

    def action_cancel(self) -> None:
        """Leave; ask first when typed text would be lost."""
        if self.loaded_text is None or self.query_one("#body-editor", TextArea).text == self.loaded_text:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmDialog("Discard your changes to the body?", "Nothing has been saved."), answered)


def edit_in_external_editor(screen: BrowserScreen, term_id: str) -> None:
    """Suspend the app, edit a copy of the term's file in `$EDITOR`, then show the plan and commit on yes."""
    from textual.app import SuspendNotSupported

    from authoring.external_editor import edit_copy

    app = screen.app
    try:
        with screen.service() as glossary:
            edits = glossary.text_edits()
            seen, name = edits.term_bytes(term_id), edits.file_name(term_id)
        failed: AuthoringError | None = None
        try:
            with app.suspend():  # Textual resumes only when the block ends normally: nothing may escape it
                try:
                    scratch = edit_copy(seen, name)
                except AuthoringError as exc:
                    failed = exc
        except SuspendNotSupported:
            if not app.is_headless:
                app.notify("this terminal cannot hand itself to an editor; use `authoring edit "
                           f"{term_id}`", severity="error")
                return
            scratch = edit_copy(seen, name)  # no terminal to hand over (tests): run it as is
        if failed is not None:
            raise failed
        with screen.service() as glossary:
            plan = glossary.text_edits().plan(term_id, scratch.read(), seen=seen)
    except AuthoringError as exc:
        app.push_screen(MessageDialog(f"{term_id}: not edited", problems_text(exc.problems) if exc.problems
                                      else Text(str(exc)), error=True))
        return
    if not plan.changed:
        scratch.discard()
        app.notify(f"{term_id}: no change; nothing to commit")
        return
    if plan.errors:
        body = plan_text(plan)
        body.append(f"\nNothing was written. Your text is kept in {scratch.path}", style="bold")
        app.push_screen(MessageDialog(f"{term_id}: the edit is refused", body, error=True))
        return

    def committed(message: str) -> None:
        scratch.discard()
        app.notify(message, title="committed")
        screen.reload_term(term_id)

    def commit() -> None:
        with screen.service() as glossary:
            result = glossary.text_edits().commit(plan)
        app.call_from_thread(committed, result.message)

    def answered(yes: bool | None) -> None:
        if yes:  # a failure goes to the screen's one report; the copy stays where it is
            screen.run_worker(commit, thread=True, exclusive=True, exit_on_error=False, group="text-edit")
        else:
            app.notify(f"{term_id}: nothing committed; your text is kept in {scratch.path}")

    app.push_screen(ConfirmDialog(f"Commit this edit of {term_id}?", plan_text(plan)), answered)
