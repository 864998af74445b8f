"""One action table per screen: the bindings, the command palette and the help screen are generated
from it, so every key has a binding id (for remapping), and whatever a key does, help and the
palette say."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

from textual.binding import Binding
from textual.command import CommandPalette
from textual.dom import DOMNode
from textual.widgets import Static

import authoring.tui.screens
import authoring.tui.widgets
from authoring.tui.actions import HELP_TABLES, ActionTable, all_actions
from authoring.tui.app import AuthoringApp
from authoring.tui.screens.help import HelpScreen
from authoring.tui.screens.review import ReviewScreen
from authoring.tui.widgets.term_table import TermTable
from tests.tui_support import make_app, press, settle, shown


def classes_with_bindings() -> list[type[DOMNode]]:
    """Every screen and widget of the UI that declares BINDINGS, and the app."""
    found: list[type[DOMNode]] = [AuthoringApp]
    for package in (authoring.tui.screens, authoring.tui.widgets):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__ == module.__name__ and issubclass(cls, DOMNode) and "BINDINGS" in cls.__dict__:
                    found.append(cls)
    return found


def test_every_binding_of_every_screen_comes_from_its_table_with_an_id() -> None:
    classes = classes_with_bindings()
    assert len(classes) >= 14  # app, browser, list, review, edit, draft ×2, history, audit, help, 6 dialogs
    tables = set()
    for cls in classes:
        table = cls.__dict__.get("ACTIONS")
        assert isinstance(table, ActionTable), f"{cls.__name__} has BINDINGS but no ACTIONS table"
        assert table in HELP_TABLES, f"{cls.__name__}'s table is not on the help screen"
        tables.add(table.title)
        bindings = cls.__dict__["BINDINGS"]
        assert bindings == table.bindings()
        for binding in bindings:
            assert isinstance(binding, Binding) and binding.id, f"{cls.__name__}: {binding} has no id"
    assert tables == {table.title for table in HELP_TABLES}  # no table the help shows that no screen uses


def test_binding_ids_are_unique_and_named_by_their_table() -> None:
    ids = [action.id for table in HELP_TABLES for action in table]
    assert len(ids) == len(set(ids)) == len(all_actions())
    for table in HELP_TABLES:
        prefixes = {action.id.split(".")[0] for action in table}
        assert len(prefixes) == 1, f"{table.title}: one prefix per table, not {prefixes}"


def test_no_two_actions_of_a_screen_share_a_key_unless_one_is_the_hidden_fallback() -> None:
    for table in HELP_TABLES:
        seen: dict[str, str] = {}
        for action in table:
            for key in filter(None, action.keys.split(",")):
                if key in seen:
                    # the only sharing allowed: the same action's words, one of them kept off the footer
                    first = table.by_id()[seen[key]]
                    assert first.help_text == action.help_text and not (first.show and action.show), (table.title, key)
                seen.setdefault(key, action.id)


async def test_help_shows_every_action_of_every_table_with_its_keys(demo_repo: Path) -> None:
    app = make_app(demo_repo)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = " ".join(" ".join(shown(s, 150) for s in app.screen.query(Static)).split())
        for table in HELP_TABLES:
            assert table.title in text
            for action in table:
                assert action.help_text in text, action.id
        assert "^q leave authoring" in text and "/ fuzzy search by id, term or alias" in text


async def palette_names(pilot: object, app: AuthoringApp) -> list[str]:
    """The names the command palette lists with nothing typed."""
    await press(pilot, "ctrl+p")  # type: ignore[arg-type]
    palette = app.screen
    assert isinstance(palette, CommandPalette)
    await settle(pilot)  # type: ignore[arg-type]
    from textual.command import CommandList

    options = palette.query_one(CommandList)
    names = [str(options.get_option_at_index(i).prompt).split("\n")[0] for i in range(options.option_count)]
    await press(pilot, "escape")  # type: ignore[arg-type]
    return names


async def test_the_palette_holds_every_action_of_the_screen_and_the_global_ones(demo_repo: Path) -> None:
    from authoring.tui.actions import APP_ACTIONS, BROWSER_ACTIONS, REVIEW_ACTIONS

    app = make_app(demo_repo)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        names = " | ".join(await palette_names(pilot, app))
        for action in [*BROWSER_ACTIONS.palette(), *APP_ACTIONS.palette()]:
            assert action.description in names, action.id
        app.screen.query_one(TermTable).move_to("WEFT_PRESSURE")
        await press(pilot, "enter")
        assert isinstance(app.screen, ReviewScreen)
        names = " | ".join(await palette_names(pilot, app))
        for action in [*REVIEW_ACTIONS.palette(), *APP_ACTIONS.palette()]:
            assert action.description in names, action.id
        assert "Search terms" not in names  # the browser's actions stay on the browser
