"""Small modal dialogs: ask for a note (or a deprecation's note and successor), confirm an action, choose from
a list, show a message.

Each returns its answer through `dismiss`; none does I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import RenderableType
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input
from textual.widgets.option_list import Option

from authoring.core.safetext import visible
from authoring.tui.actions import CONFIRM_ACTIONS, DIALOG_ACTIONS, FIELD_PROMPT_ACTIONS, MESSAGE_ACTIONS
from authoring.tui.formatting import inert_renderable
from authoring.tui.plain import Button, Label, OptionList, Static


class NoteDialog(ModalScreen[str | None]):
    """Ask for a note (a review comment, the reason for a move back); empty is refused when required."""

    ACTIONS = DIALOG_ACTIONS
    BINDINGS = DIALOG_ACTIONS.bindings()

    def __init__(self, title: str, *, required: bool = True, placeholder: str = "why?") -> None:
        super().__init__()
        self.title_text = title
        self.required = required
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Input(placeholder=self.placeholder, id="note")
            yield Static("", id="note-error", classes="error-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button("OK", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    @on(Input.Submitted, "#note")
    @on(Button.Pressed, "#ok")
    def submit(self) -> None:
        note = self.query_one("#note", Input).value.strip()
        if self.required and not note:
            self.query_one("#note-error", Static).update("A note is required: say why.")
            return
        self.dismiss(note)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class DeprecateDialog(ModalScreen[tuple[str, str | None] | None]):
    """Ask why a term is retired (required) and which term replaces it (optional, must exist).

    Answers `(note, successor or None)`; a successor is checked against the glossary's ids here so
    a typo is caught before anything is asked of the service (which would refuse it too).
    """

    ACTIONS = DIALOG_ACTIONS
    BINDINGS = DIALOG_ACTIONS.bindings()

    def __init__(self, term_id: str, known_ids: Sequence[str]) -> None:
        super().__init__()
        self.term_id = term_id
        self.known_ids = list(known_ids)
        self._by_folded = {known.casefold(): known for known in self.known_ids}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Deprecate {self.term_id}: why is it retired?", classes="dialog-title")
            yield Input(placeholder="why? (recorded in the review log)", id="note")
            yield Label("Superseded by (optional): the id of the term replacing it")
            yield Input(placeholder="e.g. WEFT_PRESSURE; empty for none", id="successor",
                        suggester=SuggestFromList(self.known_ids, case_sensitive=False))
            yield Static("", id="deprecate-error", classes="error-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button("OK", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    @on(Input.Submitted, "#note")
    def next_field(self) -> None:
        self.query_one("#successor", Input).focus()

    @on(Input.Submitted, "#successor")
    @on(Button.Pressed, "#ok")
    def submit(self) -> None:
        note = self.query_one("#note", Input).value.strip()
        typed = self.query_one("#successor", Input).value.strip()
        error = self.query_one("#deprecate-error", Static)
        if not note:
            error.update("A note is required: say why the term is retired.")
            self.query_one("#note", Input).focus()
            return
        successor, problem = self._successor(typed)
        if problem:
            error.update(problem)
            self.query_one("#successor", Input).focus()
            return
        if successor == self.term_id:
            error.update(f"{self.term_id} cannot supersede itself: name another term or leave it empty.")
            self.query_one("#successor", Input).focus()
            return
        self.dismiss((note, successor))

    def _successor(self, typed: str) -> tuple[str | None, str | None]:
        """The id typed (any case), or the one id it begins (what the suggestion shows); else why not."""
        if not typed:
            return None, None
        folded = typed.casefold()
        if folded in self._by_folded:
            return self._by_folded[folded], None
        starting = [known for key, known in self._by_folded.items() if key.startswith(folded)]
        if len(starting) == 1:
            return starting[0], None
        if starting:
            shown = ", ".join(sorted(starting)[:5]) + (", …" if len(starting) > 5 else "")
            return None, f"{typed!r} begins {len(starting)} ids ({shown}): type more of it."
        return None, f"No term {typed!r} in this glossary: give an existing id, or leave it empty for none."

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """Yes or no, with the consequence spelled out."""

    ACTIONS = CONFIRM_ACTIONS
    BINDINGS = CONFIRM_ACTIONS.bindings()

    def __init__(self, question: str, detail: RenderableType = "") -> None:
        super().__init__()
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question, classes="dialog-title")
            with VerticalScroll(classes="dialog-body"):  # a long detail (a diff) scrolls, never cut off
                yield Static(self.detail, id="confirm-detail")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Yes (y)", variant="primary", id="yes")
                yield Button("No (n)", id="no")

    @on(Button.Pressed, "#yes")
    def action_yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def action_no(self) -> None:
        self.dismiss(False)


class MessageDialog(ModalScreen[None]):
    """A message the user must read (a refused move with every unmet gate, an error with its location)."""

    ACTIONS = MESSAGE_ACTIONS
    BINDINGS = MESSAGE_ACTIONS.bindings()

    def __init__(self, title: str, body: RenderableType, *, error: bool = False) -> None:
        super().__init__()
        self.title_text = visible(title)
        self.body = inert_renderable(body)
        self.error = error

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog error-dialog" if self.error else "dialog"):
            yield Label(self.title_text, classes="dialog-title")
            with VerticalScroll(classes="dialog-body"):
                yield Static(self.body, id="message-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close", id="close")

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)


class ChoiceDialog(ModalScreen[str | None]):
    """Pick one of a few values (a crosslink to follow, a status to move to, an agent)."""

    ACTIONS = DIALOG_ACTIONS
    BINDINGS = DIALOG_ACTIONS.bindings()

    def __init__(self, title: str, choices: Sequence[tuple[str, str]]) -> None:
        """`choices` are (value, label) pairs."""
        super().__init__()
        self.title_text = title
        self.choices = list(choices)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield OptionList(*(Option(label, id=value) for value, label in self.choices), id="choices")

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class FieldPrompt(ModalScreen[str | None]):
    """Ask which field to edit, as a dotted path: only paths the entry has or its schema names are taken
    (`core.field_paths`); tab completes (to the common part of several matches, listing them)."""

    ACTIONS = FIELD_PROMPT_ACTIONS
    BINDINGS = FIELD_PROMPT_ACTIONS.bindings()

    def __init__(self, term_id: str, entry: dict[str, Any] | None) -> None:
        from authoring.core.field_paths import known_paths

        super().__init__()
        self.term_id = term_id
        self.entry = entry
        self.paths = known_paths(entry)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Edit which field of {self.term_id}?", classes="dialog-title")
            yield Input(placeholder="e.g. triad.art or pirouette_definition", id="field",
                        suggester=SuggestFromList(self.paths, case_sensitive=True))
            yield Static("", id="field-error", classes="error-text")
            yield Static("tab completes; fields: " + ", ".join(p for p in self.paths if "." not in p),
                         id="field-hint", classes="hint")

    def action_complete(self) -> None:
        """Complete the typed path: to the one match, or to what all matches share (and list them)."""
        field = self.query_one("#field", Input)
        typed = field.value.strip()
        matches = [p for p in self.paths if p.startswith(typed)]
        if not matches:
            self._say(f"no field starts with {typed!r}")
            return
        common = matches[0]
        for path in matches[1:]:
            while not path.startswith(common):
                common = common[:-1]
        field.value = common
        field.cursor_position = len(common)
        self._say("" if len(matches) == 1 else "matches: " + ", ".join(matches[:12])
                  + (f" … ({len(matches)})" if len(matches) > 12 else ""))

    def _say(self, text: str) -> None:
        self.query_one("#field-error", Static).update(visible(text))

    @on(Input.Submitted, "#field")
    def submit(self, event: Input.Submitted) -> None:
        from authoring.core.field_paths import require_known
        from authoring.errors import UsageError

        value = event.value.strip()
        if not value:
            return
        try:
            require_known(self.entry, value, self.term_id)
        except UsageError as exc:
            self._say(str(exc).replace(" (a new key needs --new-key in the CLI)", "; new keys: authoring set"
                                       " --new-key"))
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
