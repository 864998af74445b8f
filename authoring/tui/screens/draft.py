"""Draft a term from a module: pick the module, read it with line numbers, choose lines or a § section,
see the ranked candidates, pick an agent, run it in a worker, preview and adjust, save as the agent.

Must never: read modules, parse YAML or run Git itself (the drafting service does).
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from authoring.tui.service_calls import ServiceScreenMixin


class DraftScreen(ServiceScreenMixin, Screen[str | None]):
    """Dismisses with the drafted term's id, or None."""

    BINDINGS = [Binding("escape", "back", "Back")]

    class ModulesLoaded(Message):
        """The module list is ready."""

        def __init__(self, modules: list[Any]) -> None:
            super().__init__()
            self.modules = modules

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="draft"):
            with Vertical(id="draft-modules"):
                yield Static("Modules", classes="pane-title")
                yield OptionList(id="modules")
            with Vertical(id="draft-main"):
                yield Static("Loading modules…", id="draft-status")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "draft a term from a module"
        self.load_modules()

    @work(thread=True, exclusive=True, exit_on_error=False, group="draft")
    def load_modules(self) -> None:
        self.post_message(self.ModulesLoaded(list(self.call_service("modules"))))

    @on(ModulesLoaded)
    def modules_loaded(self, message: ModulesLoaded) -> None:
        options = self.query_one("#modules", OptionList)
        for module in message.modules:
            ident = str(getattr(module, "id", module))
            title = getattr(module, "title", None)
            options.add_option(Option(f"{ident}  {title}" if title else ident, id=ident))
        self.query_one("#draft-status", Static).update(f"{len(message.modules)} modules. Enter opens one.")
        options.focus()

    def action_back(self) -> None:
        self.dismiss(None)
