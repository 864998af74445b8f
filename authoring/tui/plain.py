"""The one door from data to Textual's text-showing classes: whatever they are given shows as written.

Textual reads a `str` handed to most of its widgets as *markup*: `Static`/`Label` content and `update`,
`DataTable` cells and column labels, `OptionList`/`Select` prompts, `Button` labels, the command palette's
hits (their prompt, help text and `Matcher.highlight`). Every text this product shows can be written by
someone else: term fields, review and request notes, commit authors (`git config user.name "[/]"`), module
files and titles, the LLM's drafts, error messages quoting any of these, what the user typed. Read as markup,
"[/]" raised `MarkupError` and stopped the app, "[b]" vanished, and "[@click=app.quit]" became a live action.

The rule, for every screen (`tests/test_tui_markup.py` checks it):

- The screens take `Static`, `Label`, `Button`, `OptionList`, `Select` and `DataTable` from this module,
  never from `textual.widgets`, and build palette hits with `hit`/`discovery_hit`. Here a `str` is plain
  text, never markup, and every control character in it is shown as a visible escape
  (`formatting.inert_renderable`, `core.safetext.visible`).
- Styled text is built as `rich.text.Text` (`plain`, `Text.assemble`, `Text.append`), with data as plain
  pieces; data is never formatted into a markup string (no `from_markup`, no `markup=True`). A link's
  action goes in a style's `meta` as a parsed `(action, arguments)` pair, never as text to be parsed.

Must never: do I/O, call the service, or read markup from anything it is handed.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any, Generic, TypeVar, cast

from rich.text import Text
from textual import widgets
from textual.command import DiscoveryHit, Hit, Matcher
from textual.content import Content
from textual.visual import VisualType
from textual.widgets.option_list import Option

from authoring.core.safetext import visible
from authoring.tui.formatting import inert_renderable, plain

SelectType = TypeVar("SelectType", bound=Hashable)
CellType = TypeVar("CellType")

__all__ = ["Button", "DataTable", "Label", "OptionList", "Select", "Static", "discovery_hit", "hit", "inert_visual",
           "plain", "plain_content"]


def inert_visual(content: Any) -> Any:
    """`content` ready for a Textual widget: a `str` as plain `Text` (never markup), Rich objects with their
    control characters made visible, Textual `Content` as plain text when it holds any control character."""
    if isinstance(content, Content):
        shown = visible(content.plain)
        return content if shown == content.plain else Content(shown)
    return inert_renderable(content)


def plain_content(text: str) -> Content:
    """`text` as Textual `Content` shown as written (for the APIs that take `Content` or markup)."""
    return Content(visible(text))


class Static(widgets.Static):
    """Textual's Static, showing a `str` as written (not markup) and control characters as visible escapes."""

    def __init__(self, content: VisualType = "", **options: Any) -> None:
        options["markup"] = False
        super().__init__(inert_visual(content), **options)

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        super().update(inert_visual(content), layout=layout)


class Label(widgets.Label):
    """Textual's Label, showing a `str` as written (not markup) and control characters as visible escapes."""

    def __init__(self, content: VisualType = "", **options: Any) -> None:
        options["markup"] = False
        super().__init__(inert_visual(content), **options)

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        super().update(inert_visual(content), layout=layout)


class Button(widgets.Button):
    """Textual's Button with its label shown as written (Textual reads a `str` label as markup)."""

    def __init__(self, label: str | Text | None = None, **options: Any) -> None:
        super().__init__(None if label is None else plain_content(label) if isinstance(label, str)
                         else inert_visual(label), **options)


def _inert_option(item: Any) -> Any:
    if isinstance(item, Option):
        return Option(inert_visual(item.prompt), id=item.id, disabled=item.disabled)
    return None if item is None else inert_visual(item)


class OptionList(widgets.OptionList):
    """Textual's OptionList with every prompt shown as written (markup off; control characters visible)."""

    def __init__(self, *content: Any, **options: Any) -> None:
        options["markup"] = False
        super().__init__(*content, **options)

    def add_options(self, new_options: Iterable[Any]) -> OptionList:
        super().add_options([_inert_option(item) for item in new_options])
        return self

    def replace_option_prompt_at_index(self, index: int, prompt: VisualType) -> OptionList:
        super().replace_option_prompt_at_index(index, inert_visual(prompt))
        return self


def _plain_prompts(options: Iterable[tuple[Any, SelectType]]) -> list[tuple[Any, SelectType]]:
    return [(inert_visual(prompt), value) for prompt, value in options]


class Select(widgets.Select[SelectType], Generic[SelectType]):
    """Textual's Select with every option's prompt shown as written (its overlay and its current value are
    Textual widgets that read a `str` as markup)."""

    def __init__(self, options: Iterable[tuple[Any, SelectType]], **settings: Any) -> None:
        super().__init__(_plain_prompts(options), **settings)

    def set_options(self, options: Iterable[tuple[Any, SelectType]]) -> None:
        super().set_options(_plain_prompts(options))


class DataTable(widgets.DataTable[CellType], Generic[CellType]):
    """Textual's DataTable with every `str` cell and column label shown as written (it reads them as markup)."""

    def add_column(self, label: Any, **options: Any) -> Any:
        return super().add_column(inert_visual(label), **options)

    def add_row(self, *cells: Any, **options: Any) -> Any:
        return super().add_row(*(inert_visual(cell) for cell in cells), **options)

    def update_cell(self, row_key: Any, column_key: Any, value: Any, **options: Any) -> None:
        super().update_cell(row_key, column_key, inert_visual(value), **options)

    def update_cell_at(self, coordinate: Any, value: Any, **options: Any) -> None:
        super().update_cell_at(coordinate, inert_visual(value), **options)


def highlighted(matcher: Matcher, candidate: str) -> Content:
    """`candidate` with the letters `matcher` matched highlighted, as `Matcher.highlight` does, but read
    as plain text (`Matcher.highlight` reads its candidate as markup)."""
    shown = visible(candidate)
    content = Content(shown)
    score, offsets = matcher.fuzzy_search.match(matcher.query, shown)
    if not score:
        return content
    for offset in offsets:
        if not shown[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


def hit(score: float, matcher: Matcher, label: str, command: Callable[[], Any], help_text: str) -> Hit:
    """A palette hit showing `label` (highlighted where the query matched) and `help_text` as written."""
    # `Hit.help` is typed `str`, but the palette passes it to `Content.from_markup`, which returns a
    # `Content` unchanged: the only way to show it without reading it as markup
    return Hit(score, highlighted(matcher, label), command, text=visible(label),
               help=cast(str, plain_content(help_text)))


def discovery_hit(label: str, command: Callable[[], Any], help_text: str) -> DiscoveryHit:
    """A palette entry listed before anything is typed, its label and help shown as written."""
    return DiscoveryHit(plain_content(label), command, text=visible(label), help=cast(str, plain_content(help_text)))
