"""Helpers for driving the real terminal UI with Pilot on real repositories."""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path
from typing import Any

from rich.console import Console
from textual import events
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static, TextArea

from authoring.repo.service import Glossary
from authoring.tui.app import AuthoringApp
from authoring.tui.widgets.term_table import TermTable
from tests.pilot_support import quiet, track_threads


def make_app(repo: Path, actor: str | None = None) -> AuthoringApp:
    """The app on a repository, as `authoring --repo REPO [--as ACTOR]` would open it."""
    track_threads()  # before the app starts its first worker (see `pilot_support`)
    return AuthoringApp(Glossary.open(repo, actor))


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until the app has finished everything it started: every message handled, every worker and
    worker thread done (a cancelled one's too), the screen refreshed (`pilot_support.quiet`)."""
    await quiet(pilot.app)


def key_event(key: str) -> events.Key:
    """The event a key press sends, as `Pilot.press` builds it (a character or a key name)."""
    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    original = REPLACED_KEYS.get(key, key)
    try:
        char: str | None = unicodedata.lookup(_get_unicode_name_from_key(original))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


def typing_into_text(app: Any, key: str) -> bool:
    """`key` is a character typed into a text field that has the focus (where it can only edit the text)."""
    return len(key) == 1 and key.isprintable() and isinstance(app.focused, (Input, TextArea))


async def press(pilot: Pilot[Any], *keys: str) -> None:
    """Press keys one at a time, letting the app settle after each, as a person does who looks before the
    next key; characters typed into a text field go in as one burst, as a person types a word, and the app
    settles after the word. Each key goes to the app as the driver would send it."""
    app = pilot.app
    index = 0
    while index < len(keys):
        burst = 1
        if typing_into_text(app, keys[index]):
            while index + burst < len(keys) and len(keys[index + burst]) == 1 and keys[index + burst].isprintable():
                burst += 1
        for key in keys[index : index + burst]:
            event = key_event(key)
            event.set_sender(app)
            app.post_message(event)
        index += burst
        await settle(pilot)


def shown(widget: Any, width: int = 100) -> str:
    """The text a Static widget (or a renderable) shows, rendered as the terminal would (without colours)."""
    console = Console(file=io.StringIO(), width=width, color_system=None, legacy_windows=False)
    content: Any = widget.content if isinstance(widget, Static) else widget
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
