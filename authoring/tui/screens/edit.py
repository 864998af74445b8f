"""Edit one field in place: a YAML text area, a preview of what will be committed, then the commit.

First `ctrl+s` validates the text (through the service: the UI never parses YAML) and shows the
field-level changes and any problems the edit would introduce; a second `ctrl+s` commits it with
`Glossary.set_field`. Any keystroke after the preview asks for a new one.

Must never: write files or run Git itself.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, TextArea
from textual.worker import Worker, WorkerState

from authoring.core.field_paths import KindChange
from authoring.core.safetext import visible
from authoring.errors import AuthoringError
from authoring.repo.field_preview import FieldPreview
from authoring.tui.actions import EDIT_ACTIONS
from authoring.tui.formatting import changes_text, problems_text
from authoring.tui.plain import Label, Static
from authoring.tui.screens.dialogs import ConfirmDialog
from authoring.tui.service_calls import ServiceScreenMixin


def preview_text(preview: FieldPreview) -> Text:
    """The changes an edit makes (path: old → new, with the bookkeeping that follows) and its problems."""
    text = Text()
    if not preview.changes:
        text.append("No change: the field already has this value.\n", style="yellow")
    else:
        text.append_text(changes_text(preview.changes))
    if preview.problems:
        text.append("\nProblems after this edit:\n", style="bold red" if preview.errors else "bold yellow")
        text.append_text(problems_text(preview.problems))
    if preview.changes and not preview.errors:
        text.append("\nPress ctrl+s again to commit this change.", style="bold")
    elif preview.errors:
        text.append("\nFix the errors above; nothing was saved.", style="bold red")
    return text


class EditFieldScreen(ServiceScreenMixin, Screen[str | None]):
    """Edit `dotted` of `term_id`; dismisses with the commit id, or None when cancelled."""

    ACTIONS = EDIT_ACTIONS
    BINDINGS = EDIT_ACTIONS.bindings()

    class FieldLoaded(Message):
        """The field's current YAML text is ready."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Previewed(Message):
        """The service has validated the text and computed what would change."""

        def __init__(self, text: str, preview: FieldPreview) -> None:
            super().__init__()
            self.text = text
            self.preview = preview

    def __init__(self, term_id: str, dotted: str) -> None:
        super().__init__()
        self.term_id = term_id
        self.dotted = dotted
        self.previewed_text: str | None = None
        self.loaded_text = ""
        self.can_commit = False
        self.force_text: str | None = None  # the text the user agreed may replace a mapping or list

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="edit"):
            yield Label(f"{self.term_id} · {self.dotted}  (YAML; ctrl+s to preview, again to commit, esc to cancel)",
                        id="edit-title")
            yield TextArea("", language="yaml", id="editor", show_line_numbers=True, tab_behavior="indent",
                           soft_wrap=True)
            yield Static("", id="edit-preview")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#editor", TextArea).focus()
        self.load_field()

    @work(thread=True, exclusive=True, exit_on_error=False, group="edit")
    def load_field(self) -> None:
        self.post_message(self.FieldLoaded(self.call(lambda g: g.field_text(self.term_id, self.dotted))))

    @on(FieldLoaded)
    def field_loaded(self, message: FieldLoaded) -> None:
        editor = self.query_one("#editor", TextArea)
        editor.load_text(message.text)
        self.loaded_text = message.text
        self.previewed_text = None

    @on(TextArea.Changed, "#editor")
    def text_changed(self) -> None:
        if self.previewed_text is not None and self.query_one("#editor", TextArea).text != self.previewed_text:
            self.can_commit = False
            self.query_one("#edit-preview", Static).update(Text("Changed since the preview: ctrl+s to preview again.",
                                                                style="dim"))

    def action_save(self) -> None:
        text = self.query_one("#editor", TextArea).text
        if text == self.loaded_text:  # untouched: nothing to preview or commit, and no version bump
            self.can_commit = False
            self.query_one("#edit-preview", Static).update(
                Text("No change: the text is as loaded; nothing to commit.", style="yellow"))
            return
        if self.can_commit and text == self.previewed_text:
            self.commit(text)
        else:
            self.preview(text)

    @work(thread=True, exclusive=True, exit_on_error=False, group="edit")
    def preview(self, text: str) -> None:
        force = text == self.force_text
        self.post_message(self.Previewed(text, self.call(
            lambda g: g.preview_field(self.term_id, self.dotted, text, force=force))))

    @on(Previewed)
    def previewed(self, message: Previewed) -> None:
        self.previewed_text = message.text
        self.can_commit = bool(message.preview.changes) and not message.preview.errors
        self.query_one("#edit-preview", Static).update(preview_text(message.preview))

    @work(thread=True, exclusive=True, exit_on_error=False, group="edit")
    def commit(self, text: str) -> None:
        force = text == self.force_text
        result = self.call(lambda g: g.set_field(self.term_id, self.dotted, text, force=force))
        self.app.call_from_thread(self.committed, result.message, result.commit)

    def committed(self, message: str, commit: str | None) -> None:
        self.notify(message, title="committed")
        self.dismiss(commit)

    @on(Worker.StateChanged)
    def worker_failed(self, event: Worker.StateChanged) -> None:
        """A value that does not parse or cannot be written is shown beside the editor, not in a toast."""
        error = event.worker.error
        if event.state == WorkerState.ERROR and isinstance(error, AuthoringError):
            event.prevent_default()  # shown here, not by the app's general report
            self.can_commit = False
            text = Text(f"{error}\n", style="bold red")
            text.append_text(problems_text(error.problems))
            text.append("Nothing was saved.", style="bold")
            self.query_one("#edit-preview", Static).update(text)
            if isinstance(error, KindChange):
                self.ask_to_force(str(error))

    def ask_to_force(self, reason: str) -> None:
        """A mapping or list replaced by another kind of value: only on an explicit yes."""
        text = self.query_one("#editor", TextArea).text

        def answered(force: bool | None) -> None:
            if force and self.query_one("#editor", TextArea).text == text:
                self.force_text = text
                self.preview(text)

        self.app.push_screen(ConfirmDialog("Replace it anyway?", visible(reason)), answered)

    def action_cancel(self) -> None:
        """Leave without saving; ask first when there is typed text that would be lost."""
        if self.query_one("#editor", TextArea).text == self.loaded_text:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmDialog("Discard your changes to this field?", "Nothing has been saved."),
                             answered)
