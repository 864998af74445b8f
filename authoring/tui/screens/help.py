"""The help screen: every key of every screen, generated from the action tables (`tui.actions`) with
the keys in force (after the user's `[ui.keys]`), and how the workflow goes.

Must never: list a key by hand (a key the table does not hold would be a lie after a remap).
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen

from authoring.tui.actions import HELP_ACTIONS, HELP_TABLES, ActionTable
from authoring.tui.commands import key_display
from authoring.tui.plain import Static

WORKFLOW = """Statuses go draft → candidate → ratified. Promoting to candidate needs a full entry whose
snippets are found in their modules; ratifying needs approvals from editors who did not write the
content, given after its last change. Moves back need a note. A ratified term is retired with
deprecate, optionally naming the term that supersedes it. Every action is one Git commit made
as the acting identity shown in the title bar. Keys can be remapped in your own config (see the
README: `[ui.keys]`); ctrl+p finds every action of a screen by name."""


# Wide enough for most keys (`ctrl+s`, `? f1`), so the columns of the sections line up.
KEY_COLUMN = 12


class HelpScreen(ModalScreen[None]):
    """Key bindings by screen, and the workflow in a paragraph."""

    ACTIONS = HELP_ACTIONS
    BINDINGS = HELP_ACTIONS.bindings()

    def rows(self, table: ActionTable, keymap: Mapping[str, str]) -> list[tuple[str, str]]:
        """(keys, what they do) for each action of `table`, once per distinct row; "palette" for an
        action no key runs."""
        rows: list[tuple[str, str]] = []
        for action in table:
            keys = key_display(self, action, keymap) or "palette"
            if (keys, action.help_text) not in rows:
                rows.append((keys, action.help_text))
        return rows

    def compose(self) -> ComposeResult:
        keymap: Mapping[str, str] = getattr(self.app, "keymap", {})
        parts: list[RenderableType] = []
        for section in HELP_TABLES:
            parts.append(Text(f"\n{section.title}", style="bold underline"))
            table = Table(show_header=False, box=None, expand=True, padding=(0, 1))
            table.add_column("key", style="bold cyan", width=KEY_COLUMN, overflow="fold")
            table.add_column("does", ratio=1)
            for keys, does in self.rows(section, keymap):
                table.add_row(keys, does)
            parts.append(table)
        with VerticalScroll(id="help", classes="dialog"):
            yield Static(Text("authoring — help", style="bold"))
            yield Static(Group(*parts))
            yield Static(Text("\n" + WORKFLOW, style="italic"))

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
