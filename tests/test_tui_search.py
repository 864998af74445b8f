"""The browser's `/` search driven with Pilot on a real repository: definitions and bodies found, the field
and words that matched shown, matches a status filter hides counted, and Enter acting on settled results."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.widgets import Static

from authoring.tui.screens.review import ReviewScreen
from authoring.tui.widgets.term_table import TermTable
from tests.conftest import make_repo
from tests.test_search import term
from tests.tui_support import make_app, press, settle, shown, table_column


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "g", {
        "terms/ALPHA.md": term("ALPHA", "Alpha Glow", definition="Light of a quasar seen twice.",
                               body="The zephyr carries it."),
        "terms/BRAVO.md": term("BRAVO", "Bravo", art="Wind over the quasar."),
        "terms/CHARLIE.md": term("CHARLIE", "Charlie", status="ratified", body="An old ratio, seldom used."),
        "terms/DELTA.md": term("DELTA", "Delta", status="candidate", body="Seldom seen either."),
    })


async def test_slash_finds_a_definition_word_and_a_body_word_and_says_where(repo: Path) -> None:
    app = make_app(repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(TermTable)
        hit = app.screen.query_one("#search-hit", Static)
        assert not hit.display  # no search: no line for it
        await press(pilot, "slash", *"quasar")
        assert table_column(table) == ["ALPHA", "BRAVO"]  # the definition's, then the triad's
        assert hit.display and shown(hit).startswith("definition: Light of a quasar seen twice.")
        await press(pilot, "enter", "down")  # to the list, the next hit
        assert shown(hit).startswith("triad: Wind over the quasar.")
        await press(pilot, "escape")
        assert table_column(table) == ["ALPHA", "BRAVO", "CHARLIE", "DELTA"] and not hit.display
        await press(pilot, "slash", *"zeph")
        assert table_column(table) == ["ALPHA"]
        assert "body: " in shown(hit) and "The zephyr carries it." in shown(hit)
        await press(pilot, *"yrs")  # no word starts so
        assert table_column(table) == [] and "no term matches" in shown(hit)


async def test_slash_searches_from_the_detail_pane_and_the_status_filter_too(repo: Path) -> None:
    app = make_app(repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(TermTable)
        await pilot.click("#detail")  # reading the detail, then wanting to search: `/` still searches
        await settle(pilot)
        assert app.focused is app.screen.query_one("#detail")
        await press(pilot, "slash", *"quasar")
        assert table_column(table) == ["ALPHA", "BRAVO"]
        await press(pilot, "escape")
        app.screen.query_one("#status-filter").focus()
        await press(pilot, "slash", *"zeph")
        assert table_column(table) == ["ALPHA"]


async def test_a_filter_that_hides_matches_says_so(repo: Path) -> None:
    app = make_app(repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(TermTable)
        await press(pilot, "f")  # → draft
        await press(pilot, "slash", *"seldom")
        assert table_column(table) == []
        progress = shown(app.screen.query_one("#progress", Static))
        assert "2 more matches hidden by filter: draft (1 candidate, 1 ratified)" in progress
        # no row left: the detail pane shows no term (not the one highlighted before the search)
        assert shown(app.screen.query_one("#detail-body", Static)).strip() == "no term selected"
        await press(pilot, "escape", "f")  # → candidate: one shown, one hidden
        await press(pilot, "slash", *"seldom")
        assert table_column(table) == ["DELTA"]
        progress = shown(app.screen.query_one("#progress", Static))
        assert "1 more match hidden by filter: candidate (1 ratified)" in progress


async def test_enter_typed_ahead_acts_on_the_results_of_what_was_typed(repo: Path) -> None:
    # `/zeph ⏎ ⏎` all queued at once: the second Enter opens the review of the search's first hit, never of the
    # row that happened to be highlighted before the results arrived
    app = make_app(repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "down", "down")  # CHARLIE highlighted
        for key, character in [("slash", "/"), *((c, c) for c in "zeph"), ("enter", "\r"), ("enter", "\r")]:
            app.post_message(events.Key(key, character))
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen) and app.screen.term_id == "ALPHA"
