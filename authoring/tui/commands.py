"""The command palette: every action of the current screen and of the app, by name, from the screens'
action tables (`tui.actions`), with the keys that run them now (after the user's keymap), and every term by
id or name. Hits are built with `tui.plain.hit`: a term's name is shown as written, never read as markup.

Must never: do I/O (each command runs a screen action, which does its work in a worker).
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from functools import partial

from textual.actions import parse
from textual.binding import Binding
from textual.command import Hits, Provider
from textual.dom import DOMNode

from authoring.tui.actions import APP_ACTIONS, ActionTable, ScreenAction, keys_of
from authoring.tui.plain import discovery_hit, hit


def key_display(node: DOMNode, action: ScreenAction, keymap: Mapping[str, str]) -> str:
    """The keys that run `action` now, as the footer shows them (`↑ k`), or "" when none does."""
    return " ".join(node.app.get_key_display(Binding(key, action.action)) for key in keys_of(action, keymap))


class GlossaryCommands(Provider):
    """Commands for the current screen (its `ACTIONS` table), plus the app's."""

    def _commands(self) -> list[tuple[ScreenAction, DOMNode]]:
        found: list[tuple[ScreenAction, DOMNode]] = []
        table: ActionTable | None = getattr(self.screen, "ACTIONS", None)
        if table is not None:
            found.extend((action, self.screen) for action in table.palette())
        found.extend((action, self.app) for action in APP_ACTIONS.palette())
        return found

    def _help(self, action: ScreenAction) -> str:
        keymap: Mapping[str, str] = getattr(self.app, "keymap", {})
        keys = key_display(self.screen, action, keymap)
        return f"{action.help_text} ({keys})" if keys else action.help_text

    async def _run(self, action: ScreenAction, target: DOMNode) -> None:
        """Call the action method itself: a command chosen by name runs even when its key is not
        offered on this screen (the action then says why it cannot act, rather than nothing happening)."""
        _, name, arguments = parse(action.action)
        result = getattr(target, f"action_{name}")(*arguments)
        if inspect.isawaitable(result):
            await result

    async def discover(self) -> Hits:
        for action, target in self._commands():
            yield discovery_hit(action.description, partial(self._run, action, target), self._help(action))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for action, target in self._commands():
            score = matcher.match(action.description)
            if score > 0:
                yield hit(score, matcher, action.description, partial(self._run, action, target), self._help(action))


class TermCommands(Provider):
    """`Open TERM_ID`: every term of the list by id or name, on the term list (the crosslink history
    remembers where you came from, so `[` goes back)."""

    def _terms(self) -> list[tuple[str, str]]:
        from authoring.tui.screens.browser import BrowserScreen
        from authoring.tui.widgets.term_table import TermTable

        if not isinstance(self.screen, BrowserScreen):
            return []
        return [(s.id, s.term or "") for s in self.screen.query_one(TermTable).summaries]

    async def _open(self, term_id: str) -> None:
        self.screen.action_open_term(term_id)  # type: ignore[attr-defined]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for term_id, name in self._terms():
            label = f"Open {term_id}" + (f" — {name}" if name else "")
            score = max(matcher.match(term_id), matcher.match(name) if name else 0)
            if score > 0:
                yield hit(score, matcher, label, partial(self._open, term_id), "go to this term")
