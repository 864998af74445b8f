"""The Textual application: opens the browser on a glossary, shows who is acting, turns failures into messages.

`run_app(glossary)` is what `authoring` (no command) and `authoring demo` call. Every screen's
long work runs in thread workers; one `Worker.StateChanged` handler here turns a failed worker into
a notification, or a modal listing every unmet gate when a move was refused.

Must never: parse YAML or run Git (screens call the `Glossary` service).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from pathlib import Path

from textual.app import App
from textual.content import Content
from textual.notifications import SeverityLevel

from authoring.core.safetext import visible
from authoring.errors import AuthoringError, GateRefused
from authoring.repo.service import Glossary
from authoring.tui.actions import APP_ACTIONS
from authoring.tui.commands import GlossaryCommands, TermCommands
from authoring.tui.formatting import problems_text
from authoring.tui.screens.browser import BrowserScreen
from authoring.tui.screens.dialogs import MessageDialog
from authoring.tui.screens.help import HelpScreen

# When set, the app writes this file once the term list first shows every term (for benchmarks).
READY_MARKER_ENV = "AUTHORING_UI_READY_FILE"


class AuthoringApp(App[None]):
    """The authoring workbench."""

    CSS_PATH = "app.tcss"
    TITLE = "authoring"
    COMMANDS = App.COMMANDS | {GlossaryCommands, TermCommands}
    ACTIONS = APP_ACTIONS
    BINDINGS = APP_ACTIONS.bindings()

    def __init__(self, glossary: Glossary, demo: bool = False, keymap: Mapping[str, str] | None = None) -> None:
        """`keymap`: the user's remapping, binding id → keys (`tui.keymap.load_keymap`, already checked)."""
        super().__init__()
        self.glossary = glossary
        self.demo = demo
        self.keymap = dict(keymap or {})  # what help and the palette show; Textual's own copy is normalised
        self.set_keymap(self.keymap)
        self.ready_marker = os.environ.get(READY_MARKER_ENV)

    def on_mount(self) -> None:
        where = f"demo glossary at {self.glossary.root}" if self.demo else self.glossary.root.name
        self.sub_title = visible(f"{where} · acting as {self.acting_identity()}")
        self.push_screen(BrowserScreen())

    def format_title(self, title: str, sub_title: str) -> Content:
        """The header's title and sub-title (Textual shows them as plain text, not markup), with every control
        character visible: screens name terms and files there."""
        return super().format_title(visible(title), visible(sub_title))

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Every notification of every screen: its text made inert (`visible`) and, unless asked, read
        as plain text, not markup (messages quote term fields, file names and errors)."""
        super().notify(visible(message), title=visible(title), severity=severity, timeout=timeout, markup=markup)

    def acting_identity(self) -> str:
        """Who the actions will be recorded as (or why there is nobody)."""
        try:
            return str(self.glossary.actor())
        except AuthoringError as exc:
            return f"nobody ({exc})"

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def list_ready(self, stage: str, count: int) -> None:
        """Called by the browser when the list first shows (`listed`) and when indexing ends (`indexed`).

        Writes one line per stage to the benchmark marker file when one was asked for.
        """
        if self.ready_marker:
            with Path(self.ready_marker).open("a", encoding="utf-8") as marker:
                marker.write(f"{stage} {count}\n")

    def report_failure(self, error: BaseException | None) -> None:
        """The one place a failed worker becomes something the user sees (screens forward their
        workers' failures here: `Worker.StateChanged` does not bubble)."""
        if isinstance(error, GateRefused):
            body = "\n".join(f"✗ {missing}" for missing in error.missing) or str(error)
            self.push_screen(MessageDialog(f"Refused: {error}", body, error=True))
        elif isinstance(error, AuthoringError):
            if error.problems:
                self.push_screen(MessageDialog(str(error), problems_text(error.problems), error=True))
            else:
                self.notify(str(error), title="not done", severity="error", timeout=8)
        else:
            self.notify(f"{type(error).__name__}: {error}", title="unexpected error", severity="error", timeout=10)


def start_process_helpers() -> None:
    """Start multiprocessing's fork server and resource tracker before Textual takes over stderr.

    The index builds summaries in a process pool; once the UI's threads run it must use the fork
    server, and starting that (or the resource tracker) passes `sys.stderr.fileno()` to the child,
    which Textual's stand-in stderr cannot give ("bad value(s) in fds_to_keep").
    """
    import multiprocessing.forkserver
    import multiprocessing.resource_tracker

    with contextlib.suppress(OSError, ValueError, RuntimeError):
        multiprocessing.resource_tracker.ensure_running()
        multiprocessing.forkserver.ensure_running()


def run_app(glossary: Glossary, demo: bool = False) -> None:
    """Run the UI until the user quits; the terminal is restored by Textual on the way out."""
    from authoring.tui.keymap import load_keymap

    try:
        keymap = load_keymap()  # a wrong `[ui.keys]` is a located error before the terminal is taken over
    except BaseException:
        glossary.close()
        raise
    start_process_helpers()
    try:
        AuthoringApp(glossary, demo, keymap).run()
    finally:
        glossary.close()
