"""Keys people bring and navigation, with Pilot on the demo glossary: j/k, g g / G in the list, q to
close a screen (and quit from the list), back and forward after following crosslinks, opening a term
by id from the palette, and a footer that shows Help and Quit at 80×24 on every screen."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList
from textual.widgets._footer import FooterKey

from authoring.tui.screens.browser import BrowserScreen
from authoring.tui.screens.review import ReviewScreen
from authoring.tui.widgets.term_table import TermTable
from tests.conftest import git
from tests.tui_support import make_app, press, settle


async def test_j_k_and_g_g_and_capital_g_move_in_the_list(demo_repo: Path) -> None:
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(TermTable)
        await press(pilot, "j", "j")
        assert table.cursor_row == 2
        await press(pilot, "k")
        assert table.cursor_row == 1
        await press(pilot, "G")
        assert table.cursor_row == len(table.shown) - 1
        await press(pilot, "g")
        assert table.cursor_row == len(table.shown) - 1  # one g is not yet a move
        await press(pilot, "g")
        assert table.cursor_row == 0
        await press(pilot, "j", "g", "k", "g")  # g k g is not g g
        assert table.cursor_row == 0
        await press(pilot, "G", "g", "j", "g")
        assert table.cursor_row == len(table.shown) - 1


async def test_q_closes_a_screen_and_quits_from_the_list_but_is_a_letter_in_the_search(demo_repo: Path) -> None:
    head = git(demo_repo, "rev-parse", "HEAD")
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        assert isinstance(app.screen, ReviewScreen)
        await press(pilot, "q")
        assert isinstance(app.screen, BrowserScreen)
        await press(pilot, "h", "q")  # history
        assert isinstance(app.screen, BrowserScreen)
        await press(pilot, "slash", "q")
        assert app.screen.query_one("#search", Input).value == "q" and app.is_running
        await press(pilot, "escape", "q")
        await pilot.pause()
    assert app.return_code == 0 and not app.is_running
    assert git(demo_repo, "rev-parse", "HEAD") == head


async def test_back_and_forward_after_following_crosslinks(demo_repo: Path) -> None:
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(TermTable)
        table.move_to("TIDAL_LOOM")
        await settle(pilot)
        await press(pilot, "l")
        options = app.screen.query_one("#choices", OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        await press(pilot, *["down"] * next(i for i, label in enumerate(labels) if "KNOT_DRIFT" in label), "enter")
        assert table.current_id == "KNOT_DRIFT"
        await press(pilot, "left_square_bracket")
        assert table.current_id == "TIDAL_LOOM"
        await press(pilot, "right_square_bracket")
        assert table.current_id == "KNOT_DRIFT"
        await press(pilot, "right_square_bracket")  # nothing further: said, not moved
        assert table.current_id == "KNOT_DRIFT"
        assert any("nothing to go forward to" in str(n.message) for n in app._notifications)


async def test_a_term_opens_by_id_from_the_palette_and_back_returns(demo_repo: Path) -> None:
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(TermTable)
        assert table.current_id == "KNOT_DRIFT"
        await press(pilot, "ctrl+p", *"WEFT_PRES", "enter")
        assert isinstance(app.screen, BrowserScreen) and table.current_id == "WEFT_PRESSURE"
        await press(pilot, "ctrl+p", *"slack water", "enter")  # by its name
        assert table.current_id == "SLACK_WATER"
        await press(pilot, "left_square_bracket", "left_square_bracket")
        assert table.current_id == "KNOT_DRIFT"


async def test_at_80x24_the_footer_shows_help_and_quit_on_every_screen(demo_repo: Path) -> None:
    app = make_app(demo_repo)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)

        def visible_keys() -> set[str]:
            return {key.description for key in app.screen.query(FooterKey) if key.region.right <= 80
                    and key.region.width > 0 and "-command-palette" not in key.classes}

        for opening in (["enter"], ["h"], ["a"], ["n"]):
            await press(pilot, *opening)
            assert {"Help", "Quit"} <= visible_keys(), (opening, visible_keys())
            await press(pilot, "escape")
            assert isinstance(app.screen, BrowserScreen)
        assert {"Help", "Quit", "Review", "Search"} <= visible_keys()
        await press(pilot, "e", *"term", "enter")  # the field editor: typing, so f1 is Help's key
        assert {"Help", "Quit"} <= visible_keys()
        assert [key.key_display for key in app.screen.query(FooterKey) if key.description == "Help"] == ["f1"]
