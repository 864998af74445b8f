"""Every key of the UI, one table per screen: each table generates its screen's `BINDINGS`, its
command-palette entries and its section of the help screen, so the three can never disagree.

A `ScreenAction` is one thing a screen can do: a stable binding id (`review.approve` — what a user's
`[ui.keys]` table names to remap it, see `tui.keymap`), its default keys, the words the footer and
the palette show, the Textual action it runs on the screen (or `app.…` on the app), and whether the
footer shows it. A screen declares

    ACTIONS = REVIEW_ACTIONS
    BINDINGS = REVIEW_ACTIONS.bindings()

and the palette (`tui.commands`) and the help (`screens.help`) read `ACTIONS` and `HELP_TABLES`.
To add a key, add a `ScreenAction` to the screen's table and an `action_…` method to the screen.

Must never: import a screen (screens import this), do I/O.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from textual.binding import ActiveBinding, Binding, BindingType


@dataclass(frozen=True)
class ScreenAction:
    """One action of one screen, with its keys.

    `id` is `<table>.<name>`, unique across the app and stable (users' keymaps name it). `keys` are
    Textual key names, comma-separated (`"down,j"`). `description` names it (palette, help); `footer`
    is a shorter name for the footer (the description when empty); `help` says more (help screen,
    palette help). `action` is a Textual
    action string run on the screen (`"review"`, `"open_term('X')"`; the app's table runs on the app).
    Empty `keys`: the palette offers the action, no key does. `group` puts
    several actions under one footer item (`"Move"`: `↓j ↑k Move`). `palette=False` keeps it out of
    the palette (moving a cursor means nothing there; a hidden fallback of another action).
    """

    id: str
    keys: str
    description: str
    action: str
    show: bool = True
    group: str | None = None
    palette: bool = True
    footer: str = ""
    help: str = ""
    priority: bool = False
    key_display: str | None = None

    @property
    def help_text(self) -> str:
        """What the help screen and the palette say the action does."""
        return self.help or self.description

    def binding(self) -> Binding:
        """The Textual binding (with its id, so a keymap can rebind it)."""
        group = Binding.Group(self.group, compact=True) if self.group else None
        return Binding(self.keys, self.action, self.footer or self.description, show=self.show,
                       key_display=self.key_display, priority=self.priority, tooltip=self.help, id=self.id,
                       group=group)


@dataclass(frozen=True)
class ActionTable:
    """The actions of one screen (or widget, or of the app everywhere), under the help section `title`."""

    title: str
    actions: tuple[ScreenAction, ...]

    def __iter__(self) -> Iterator[ScreenAction]:
        return iter(self.actions)

    def bindings(self) -> list[BindingType]:
        """The screen's `BINDINGS` (an action without keys is offered by the palette only)."""
        return [action.binding() for action in self.actions if action.keys]

    def palette(self) -> list[ScreenAction]:
        """The actions the command palette offers on this screen."""
        return [action for action in self.actions if action.palette]

    def by_id(self) -> dict[str, ScreenAction]:
        """The actions by binding id."""
        return {action.id: action for action in self.actions}


class AppKeysFirst:
    """A screen mixin: the footer lists Help and Quit first, so that they show at 80 columns, where
    the footer has room for seven or eight keys (the footer shows `active_bindings` in order)."""

    FIRST_IN_FOOTER = ("app.help", "app.quit")

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The screen's active bindings, Help and Quit first, then each widget's (the focused one first) in
        its table's order (a keymap moves a remapped binding to the end of Textual's list)."""
        bindings: dict[str, ActiveBinding] = super().active_bindings  # type: ignore[misc]
        order = {binding_id: index for index, binding_id in enumerate(all_actions())}
        nodes = list(dict.fromkeys(id(active.node) for active in bindings.values()))

        def rank(item: tuple[str, ActiveBinding]) -> tuple[int, int, int]:
            binding = item[1].binding
            if binding.id in self.FIRST_IN_FOOTER:
                return (0, self.FIRST_IN_FOOTER.index(binding.id), 0)
            return (1, nodes.index(id(item[1].node)), order.get(binding.id or "", len(order)))

        return dict(sorted(bindings.items(), key=rank))


def keys_of(action: ScreenAction, keymap: Mapping[str, str]) -> list[str]:
    """The keys that run `action` now: the user's keymap's, else the table's defaults."""
    return [key.strip() for key in keymap.get(action.id, action.keys).split(",") if key.strip()]


def _a(id: str, keys: str, description: str, action: str, help: str = "", **options: object) -> ScreenAction:
    return ScreenAction(id, keys, description, action, help=help, **options)  # type: ignore[arg-type]


APP_ACTIONS = ActionTable("Everywhere", (
    _a("app.quit", "ctrl+q", "Quit", "quit", "leave authoring", priority=True),
    # while typing (a text area has the focus) `?` is a character: the footer then shows f1
    _a("app.help", "question_mark,f1", "Help", "help", "this help: every key of every screen"),
    _a("app.palette", "ctrl+p", "Command palette", "command_palette",
       "every action of this screen by name", show=False, palette=False, priority=True, footer="palette"),
))

# The term list widget (the browser's focused widget): moving the cursor.
LIST_ACTIONS = ActionTable("Moving in the term list", (
    _a("list.review", "enter", "Review term", "select_cursor", "review the highlighted term", palette=False,
       footer="Review"),
    _a("list.up", "up,k", "Up", "cursor_up", "previous term", show=False, palette=False),
    _a("list.down", "down,j", "Down", "cursor_down", "next term", show=False, palette=False),
    _a("list.page_up", "pageup", "Page up", "page_up", "a page up", show=False, palette=False),
    _a("list.page_down", "pagedown", "Page down", "page_down", "a page down", show=False, palette=False),
    _a("list.top", "home", "First term", "first_row", "go to the first term", show=False),
    # `g g`: the first press arms, the second (the very next key) goes to the top
    _a("list.top_twice", "g", "First term (g g)", "first_row_twice", "pressed twice: go to the first term",
       show=False, palette=False, key_display="g g"),
    _a("list.bottom", "end,G", "Last term", "last_row", "go to the last term", show=False),
    # several rows for a bulk action (the browser's `B`): space toggles one, shift+arrows extend
    _a("list.select", "space", "Select term", "toggle_row", "select or unselect the highlighted term (bulk actions)",
       show=False, palette=False),
    _a("list.select_up", "shift+up", "Select up", "extend_up", "extend the selection up", show=False,
       palette=False),
    _a("list.select_down", "shift+down", "Select down", "extend_down", "extend the selection down", show=False,
       palette=False),
))

BROWSER_ACTIONS = ActionTable("Term list", (
    # first in the footer: "what awaits me" is the first thing an editor can jump to
    _a("browser.queue", "w", "What awaits me", "queue",
       "the review queue: candidates to approve, requests for changes, agent drafts, your drafts", footer="Queue"),
    _a("browser.undo", "u", "Undo my last action", "undo",
       "show your last action, then take it back as a new commit (history is kept)", show=False),
    _a("browser.bulk", "B", "Bulk action", "bulk",
       "approve, fold headers or repair each selected term (space / shift+arrows select)", show=False),
    # A priority binding acts when the key arrives, before the keys typed after it are passed on
    # (an ordinary one acts only once `/` has been through the list): `/loom` typed fast, or while
    # the UI is still starting, puts "loom" in the search.
    _a("browser.search", "slash", "Search terms", "search",
       "search ids, names, aliases, definitions, bodies, notes", priority=True, footer="Search"),
    _a("browser.filter", "f", "Filter by status", "cycle_filter",
       "cycle the status filter (all, draft, …, problems, malformed)", footer="Filter"),
    # off the footer, so that Links still shows at 80 columns (help and the palette have it)
    _a("browser.sort", "s", "Sort", "cycle_sort", "cycle the sort column (or click a column header)", show=False),
    _a("browser.reverse_sort", "S", "Reverse sort", "reverse_sort", "reverse the sort", show=False),
    # short footer names: with enter Review first, the footer must still reach "? Help" at 120 columns
    _a("browser.review", "enter", "Review term", "review",
       "diff, gates, approve, request changes, comment, promote, demote", footer="Review"),
    _a("browser.edit", "e", "Edit field", "edit", "edit one field of the selected term in place (YAML)",
       footer="Edit"),
    _a("browser.edit_body", "b", "Edit body", "edit_body",
       "edit the Markdown body in place; checked and shown as a diff before the commit", show=False),
    _a("browser.external_editor", "E", "Edit in $EDITOR", "external_editor",
       "edit the whole file in $EDITOR (also fixes a file that does not parse); diffed before the commit",
       show=False),
    _a("browser.links", "l", "Go to crosslink", "follow_link",
       "open one of the term's crosslinks (or its successor)", footer="Links"),
    _a("browser.go_back", "left_square_bracket,alt+left", "Go back", "go_back",
       "back to the term you came from (after a crosslink, the palette or the audit)", show=False),
    _a("browser.go_forward", "right_square_bracket,alt+right", "Go forward", "go_forward",
       "forward again to the term you went back from", show=False),
    _a("browser.history", "h", "History", "history", "the selected term's history"),
    _a("browser.audit", "a", "Audit", "audit", "audit the whole glossary"),
    _a("browser.draft", "n", "Draft from module", "draft", "draft a new term from a module snippet",
       footer="Draft"),
    _a("browser.repair", "r", "Repair", "repair",
       "show the proposed repair of a malformed term; y commits it", show=False),
    _a("browser.deprecate", "", "Deprecate term", "deprecate",
       "retire the selected ratified term, naming its successor (opens its review)", show=False),
    _a("browser.fold_headers", "", "Fold legacy headers", "fold_headers",
       "fold the selected term's legacy headers into its entry (opens its review)", show=False),
    _a("browser.reload", "ctrl+r", "Reload", "reload", "reload every term from disk", show=False),
    _a("browser.quit", "q", "Quit", "app.quit", "leave authoring (as ctrl+q)", show=False, palette=False),
    _a("browser.clear_search", "escape", "Clear search", "clear_search", "clear the search, back to the list",
       show=False),
))

REVIEW_ACTIONS = ActionTable("Review", (
    _a("review.approve", "a", "Approve", "approve", "approve the term's current content"),
    _a("review.request_changes", "c", "Request changes", "request_changes", "request changes (with a note)"),
    _a("review.comment", "m", "Comment", "comment", "add a review comment"),
    _a("review.promote", "p", "Promote", "promote", "move to the next status through its gate (asks first)"),
    _a("review.demote", "d", "Demote", "demote", "move back, or revive a rejected term as a draft, with a note"),
    _a("review.reject", "x", "Reject", "reject", "reject the term, with a note"),
    _a("review.deprecate", "D", "Deprecate", "deprecate",
       "deprecate a ratified term (a note, an optional successor)"),
    _a("review.fold_headers", "f", "Fold legacy headers", "fold_headers",
       "fold legacy headers into the entry (when the term has them)", footer="Fold headers"),
    # `f` when the footer does not offer it (no legacy header): say why nothing happens
    _a("review.explain_fold", "f", "Fold legacy headers", "explain_fold",
       "fold legacy headers into the entry (when the term has them)", show=False, palette=False),
    _a("review.back", "escape,q", "Back", "back", "back to the list"),
))

EDIT_ACTIONS = ActionTable("Edit a field", (
    _a("edit.save", "ctrl+s", "Preview / commit", "save",
       "preview the change (validated), then again to commit", priority=True),
    _a("edit.cancel", "escape", "Cancel", "cancel", "leave without saving (asks when there are changes)",
       priority=True),
))

BODY_EDIT_ACTIONS = ActionTable("Edit the body", (
    _a("body_edit.save", "ctrl+s", "Preview / commit", "save",
       "show the diff and problems (checked), then again to commit", priority=True),
    _a("body_edit.cancel", "escape", "Cancel", "cancel", "leave without saving (asks when there are changes)",
       priority=True),
))

DRAFT_ACTIONS = ActionTable("Draft from a module", (
    _a("draft.filter", "slash", "Filter modules", "filter_modules", "filter the modules by id or title words",
       priority=True),
    _a("draft.use_lines", "ctrl+l", "Use selected lines", "use_lines",
       "use the lines selected in the module as the snippet"),
    _a("draft.run", "ctrl+d", "Draft", "run_agent", "run the agent and preview its draft"),
    _a("draft.back", "escape", "Back", "back", "back to the list"),
    _a("draft.close", "q", "Back", "back", "back to the list (when not typing)", show=False, palette=False),
))

DRAFT_PREVIEW_ACTIONS = ActionTable("Draft preview", (
    _a("draft_preview.save", "ctrl+s", "Save draft", "save", "save the draft (checked, committed as the agent)",
       priority=True),
    _a("draft_preview.discard", "escape", "Discard", "back", "discard the draft (asks first when you edited it)",
       priority=True),
))

QUEUE_ACTIONS = ActionTable("What awaits me (the review queue)", (
    # not a priority binding: one would act before the arrow keys typed just ahead of it have moved the
    # cursor; the table's own enter (RowSelected) opens the row the cursor is on
    _a("queue.open", "enter", "Review term", "open", "open the highlighted term's review", footer="Review"),
    _a("queue.close", "escape,q", "Close", "close", "back to the list"),
    _a("queue.refresh", "ctrl+r", "Refresh", "refresh", "work the queue out again"),
    _a("queue.down", "j", "Down", "cursor_down", "next item", show=False, palette=False),
    _a("queue.up", "k", "Up", "cursor_up", "previous item", show=False, palette=False),
))

HISTORY_ACTIONS = ActionTable("History", (
    _a("history.back", "escape,q", "Back", "back", "back to the list"),
))

AUDIT_ACTIONS = ActionTable("Audit", (
    _a("audit.back", "escape,q", "Back", "back", "back to the list"),
    _a("audit.severity", "e", "Errors/warnings", "severity", "show every finding, errors only, errors and warnings"),
    _a("audit.by_code", "c", "This code", "by_code", "only the highlighted finding's code"),
    _a("audit.by_term", "t", "This term", "by_term", "only the highlighted finding's term"),
    _a("audit.clear_filter", "x", "All findings", "clear_filter", "every finding again"),
))

HELP_ACTIONS = ActionTable("Help", (
    _a("help.close", "escape,q,question_mark", "Close help", "dismiss", "close the help", footer="Close"),
))

CONFIRM_ACTIONS = ActionTable("Confirmation", (
    _a("confirm.yes", "y", "Yes", "yes", "yes: do it"),
    _a("confirm.no", "n,escape", "No", "no", "no: nothing is done"),
))

MESSAGE_ACTIONS = ActionTable("Message", (
    _a("message.close", "escape,enter,q", "Close", "close", "close the message"),
))

DIALOG_ACTIONS = ActionTable("Dialogs (note, choice, field, deprecation)", (
    _a("dialog.cancel", "escape", "Cancel", "cancel", "close the dialog; nothing is done"),
))

FIELD_PROMPT_ACTIONS = ActionTable("Which field to edit", (
    _a("field_prompt.complete", "tab", "Complete", "complete",
       "complete the field path (to what every match shares, listing them)", priority=True),
    _a("field_prompt.cancel", "escape", "Cancel", "cancel", "close the prompt; nothing is done"),
))

HELP_TABLES: tuple[ActionTable, ...] = (
    APP_ACTIONS, BROWSER_ACTIONS, LIST_ACTIONS, QUEUE_ACTIONS, REVIEW_ACTIONS, EDIT_ACTIONS, BODY_EDIT_ACTIONS,
    DRAFT_ACTIONS, DRAFT_PREVIEW_ACTIONS, HISTORY_ACTIONS, AUDIT_ACTIONS, CONFIRM_ACTIONS, MESSAGE_ACTIONS,
    DIALOG_ACTIONS, FIELD_PROMPT_ACTIONS, HELP_ACTIONS,
)
"""Every table, in the order the help screen shows them (a new screen's table goes here too)."""


def all_actions() -> dict[str, ScreenAction]:
    """Every action of every table, by binding id."""
    return {action.id: action for table in HELP_TABLES for action in table}


def markdown_table() -> str:
    """Every key of every screen with its binding id, as the Markdown page `docs/KEYS.md`."""
    lines = ["# Keys of the terminal UI", "",
             "Generated from `authoring/tui/actions.py` (`python -m authoring.tui.actions > docs/KEYS.md`; a test",
             "checks it is current). Remap any of them by its id in your own configuration,",
             "`$XDG_CONFIG_HOME/authoring/config.toml` (usually `~/.config/authoring/config.toml`):", "",
             "```toml", "[ui.keys]", '"review.approve" = "A"', '"list.down" = "down,j,ctrl+n"', "```", "",
             "Keys are Textual key names (`ctrl+s`, `escape`, `pageup`, `f5`, `question_mark`, a character),",
             "several separated by commas. No key means the action is in the command palette (ctrl+p) only.", ""]
    for table in HELP_TABLES:
        lines += [f"## {table.title}", "", "| id | keys | does |", "|---|---|---|"]
        for action in table:
            keys = ", ".join(f"`{key}`" for key in action.keys.split(",") if key) or "palette"
            lines.append(f"| `{action.id}` | {keys} | {action.help_text} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_table(), end="")
