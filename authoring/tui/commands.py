"""The command palette: every action of the app by name, on the screen that can run it.

Must never: do I/O (each command runs a screen action, which does its work in a worker).
"""

from __future__ import annotations

import inspect
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

# (name, help, action on the browser screen)
BROWSER_COMMANDS = [
    ("What awaits me", "the review queue: candidates to approve, requests for changes, drafts (w)", "queue"),
    ("Undo my last action", "take back your last action as a new commit, after showing it (u)", "undo"),
    ("Bulk action on selected terms", "approve, fold headers or repair each selected term (space selects; b)", "bulk"),
    ("Search terms", "fuzzy search by id, term or alias (/)", "search"),
    ("Filter by status", "cycle the status filter (f)", "cycle_filter"),
    ("Sort", "cycle the sort column (s)", "cycle_sort"),
    ("Review term", "diff, gates, approve, request changes, comment, promote, demote (enter)", "review"),
    ("Edit field", "edit one field of the selected term (e)", "edit"),
    ("Go to crosslink", "open one of the term's crosslinks (g)", "follow_link"),
    ("History", "the selected term's history (h)", "history"),
    ("Audit", "audit the whole glossary (a)", "audit"),
    ("Draft from module", "draft a new term from a module snippet (n)", "draft"),
    ("Repair", "show the proposed repair of a malformed term and apply it on confirmation (r)", "repair"),
    ("Deprecate term", "retire the selected ratified term, naming its successor (opens its review)", "deprecate"),
    ("Fold legacy headers", "fold the selected term's legacy headers into its entry (opens its review)",
     "fold_headers"),
    ("Reload", "reload every term from disk (ctrl+r)", "reload"),
]
REVIEW_COMMANDS = [
    ("Approve", "approve the term's current content (a)", "approve"),
    ("Request changes", "ask for changes, with a note (c)", "request_changes"),
    ("Comment", "add a review comment (m)", "comment"),
    ("Promote", "move to the next status through its gate (p)", "promote"),
    ("Demote", "move back, with a note (d)", "demote"),
    ("Reject", "reject the term, with a note (x)", "reject"),
    ("Deprecate", "retire a ratified term, with a note and an optional successor (D)", "deprecate"),
    ("Fold legacy headers", "fold the legacy headers into the entry (f)", "fold_headers"),
]
APP_COMMANDS = [("Help", "key bindings and the workflow (?)", "help"), ("Quit", "leave authoring (ctrl+q)", "quit")]


class GlossaryCommands(Provider):
    """Commands for the current screen, plus help and quit."""

    def _commands(self) -> list[tuple[str, str, str, bool]]:
        from authoring.tui.screens.browser import BrowserScreen
        from authoring.tui.screens.review import ReviewScreen

        screen = self.screen
        found: list[tuple[str, str, str, bool]] = []
        if isinstance(screen, BrowserScreen):
            found.extend((name, help_text, action, False) for name, help_text, action in BROWSER_COMMANDS)
        if isinstance(screen, ReviewScreen):
            found.extend((name, help_text, action, False) for name, help_text, action in REVIEW_COMMANDS)
        found.extend((name, help_text, action, True) for name, help_text, action in APP_COMMANDS)
        return found

    async def _run(self, action: str, on_app: bool) -> None:
        """Call the action method itself: a command chosen by name runs even when its key is not
        offered on this screen (the action then says why it cannot act, rather than nothing happening)."""
        target = self.app if on_app else self.screen
        result = getattr(target, f"action_{action}")()
        if inspect.isawaitable(result):
            await result

    async def discover(self) -> Hits:
        for name, help_text, action, on_app in self._commands():
            yield DiscoveryHit(name, partial(self._run, action, on_app), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, action, on_app in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), partial(self._run, action, on_app), help=help_text)
