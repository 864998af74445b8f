"""The help screen: what each key does, where, and how the workflow goes."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = [
    ("Everywhere", [("ctrl+p", "command palette: every action by name"), ("?", "this help"),
                    ("ctrl+q", "quit"), ("esc", "back / close")]),
    ("Term list", [("↑ ↓ pgup pgdn", "move through the terms"),
                   ("/", "search ids, names, aliases, definitions, bodies, notes"),
                   ("f", "cycle the status filter (all, draft, …, problems, malformed)"),
                   ("s / S", "cycle the sort column / reverse it (or click a column header)"),
                   ("enter", "review the term: diff, gates, approve, promote, demote"),
                   ("e", "edit one field in place (YAML)"),
                   ("g", "go to one of the term's crosslinks (or its successor)"),
                   ("h", "the term's history"), ("a", "audit the whole glossary"),
                   ("n", "draft a new term from a module"),
                   ("r", "show the proposed repair; y commits it (malformed files)"),
                   ("ctrl+r", "reload the list from disk")]),
    ("Review", [("a", "approve"), ("c", "request changes (with a note)"), ("m", "comment (with a note)"),
                ("p", "promote to the next status (asks first)"), ("d", "demote (with a note)"),
                ("x", "reject (with a note)"),
                ("D", "deprecate a ratified term (a note, an optional successor)"),
                ("f", "fold legacy headers into the entry (when the term has them)"),
                ("esc", "back to the list")]),
    ("Edit", [("ctrl+s", "preview the change (validated), then ctrl+s again to commit"),
              ("esc", "cancel without saving")]),
    ("Draft", [("/", "filter the modules by id or title words"), ("enter", "choose the module / section / candidate"),
               ("ctrl+l", "use the lines selected in the module as the snippet"),
               ("ctrl+d", "run the agent and preview its draft"), ("ctrl+s", "save the draft (commit as the agent)")]),
]

WORKFLOW = """Statuses go draft → candidate → ratified. Promoting to candidate needs a full entry whose
snippets are found in their modules; ratifying needs approvals from editors who did not write the
content, given after its last change. Moves back need a note. A ratified term is retired with
deprecate, optionally naming the term that supersedes it. Every action is one Git commit made
as the acting identity shown in the title bar."""


class HelpScreen(ModalScreen[None]):
    """Key bindings by screen, and the workflow in a paragraph."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        table = Table(show_header=False, box=None, expand=True, padding=(0, 1))
        table.add_column("key", style="bold cyan", no_wrap=True)
        table.add_column("does")
        for section, keys in KEYS:
            table.add_row(Text(section, style="bold underline"), "")
            for key, does in keys:
                table.add_row(key, does)
        with VerticalScroll(id="help", classes="dialog"):
            yield Static(Text("authoring — help", style="bold"))
            yield Static(table)
            yield Static(Text("\n" + WORKFLOW, style="italic"))

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
