"""The detail pane: one term's sections, rendered readably, scrollable.

Must never: do I/O or call the service (the screen hands it what to show).
"""

from __future__ import annotations

from rich.console import RenderableType
from textual.app import ComposeResult
from textual.containers import VerticalScroll

from authoring.tui.formatting import inert_renderable
from authoring.tui.plain import Static


class TermDetail(VerticalScroll):
    """Shows whatever renderable the screen gives it (see `formatting.term_sections`)."""

    def compose(self) -> ComposeResult:
        yield Static("Select a term to see it here.", id="detail-body")

    def show(self, renderable: RenderableType) -> None:
        """Replace the content and scroll back to the top."""
        self.query_one("#detail-body", Static).update(inert_renderable(renderable))
        self.scroll_home(animate=False)
