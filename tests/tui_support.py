"""Helpers for driving the real terminal UI with Pilot on real repositories."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from authoring.repo.service import Glossary
from authoring.tui.app import AuthoringApp
from authoring.tui.widgets.term_table import TermTable


def make_app(repo: Path, actor: str | None = None) -> AuthoringApp:
    """The app on a repository, as `authoring --repo REPO [--as ACTOR]` would open it."""
    return AuthoringApp(Glossary.open(repo, actor))


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until every worker has finished and every message it posted has been handled."""
    app = pilot.app
    for _ in range(20):
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(worker.is_running for worker in app.workers):
            return


async def press(pilot: Pilot[Any], *keys: str) -> None:
    """Press keys one at a time, letting the app settle after each."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


def shown(widget: Static, width: int = 100) -> str:
    """The text a Static widget shows, rendered as the terminal would (without colours)."""
    console = Console(file=io.StringIO(), width=width, color_system=None, legacy_windows=False)
    content: Any = widget.content
    console.print(content)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    return str(out)


def data_table_column(table: DataTable[Any], column: int = 0) -> list[str]:
    """The plain text of one column of a Textual DataTable (the audit's findings, the draft's
    candidates), top to bottom."""
    return [str(getattr(row[column], "plain", row[column])) for row in
            (table.get_row_at(i) for i in range(table.row_count))]


def table_column(table: TermTable, column: int = 0) -> list[str]:
    """The text one column of the term table draws, top to bottom, as the terminal shows it (the
    header line and every shown row must be on screen)."""
    visible = table.scrollable_content_region.height - 1
    assert len(table.shown) <= visible, "scroll the table or make the terminal taller"
    widths = table.column_widths()
    start = sum(width + 2 * table.PADDING for width in widths[:column]) + table.PADDING
    width = widths[column]
    lines = [table.render_line(y).text for y in range(1, len(table.shown) + 1)]
    return [line[start : start + width].strip() for line in lines]
