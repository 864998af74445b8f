"""Issue 15, wrong result 8, driven with Pilot on real repositories: keys typed right after a search,
Esc on an edited draft, x and p asking for a note or a confirmation only for a move that is allowed,
and a followed crosslink scrolled into view."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.widgets import OptionList, Static, TextArea

from authoring.tui.screens.browser import BrowserScreen
from authoring.tui.screens.dialogs import ConfirmDialog, MessageDialog, NoteDialog
from authoring.tui.screens.draft import DraftPreviewScreen
from authoring.tui.screens.review import ReviewScreen
from authoring.tui.widgets.term_table import TermTable
from tests.conftest import git
from tests.tui_support import make_app, press, settle, shown


async def test_enter_typed_right_after_a_search_opens_the_match(demo_repo: Path) -> None:
    """`/weft ⏎ ⏎` typed at once, five times: each opens WEFT_PRESSURE's review."""
    for _ in range(5):
        app = make_app(demo_repo)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            for key, character in [("slash", "/"), ("w", "w"), ("e", "e"), ("f", "f"), ("t", "t"),
                                   ("enter", "\r"), ("enter", "\r")]:
                app.post_message(events.Key(key, character))
            await settle(pilot)
            assert isinstance(app.screen, ReviewScreen) and app.screen.term_id == "WEFT_PRESSURE"


async def test_escape_on_an_edited_draft_asks_before_throwing_it_away(demo_repo: Path) -> None:
    app = make_app(demo_repo)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await press(pilot, "n", "enter")  # the demo's only module
        for _ in range(42):  # to line 43, "| Loom Period |"
            await pilot.press("down")
        await press(pilot, "shift+end", "ctrl+l", "tab", "tab")  # the snippet; then the candidates
        candidates = app.screen.query_one("#candidates", OptionList)
        labels = [str(candidates.get_option_at_index(i).prompt) for i in range(candidates.option_count)]
        loom = next(i for i, label in enumerate(labels) if label.startswith("● Loom Period"))
        await press(pilot, "home", *["down"] * loom, "enter", "ctrl+d")
        assert isinstance(app.screen, DraftPreviewScreen)
        editor = app.screen.query_one("#draft-text", TextArea)
        editor.insert("# my edit\n", (0, 0))
        await settle(pilot)
        await press(pilot, "escape")
        assert isinstance(app.screen, ConfirmDialog)  # asked, not thrown away
        await press(pilot, "n")
        assert isinstance(app.screen, DraftPreviewScreen)
        assert app.screen.query_one("#draft-text", TextArea).text.startswith("# my edit\n")
        await press(pilot, "escape", "y")
        assert not isinstance(app.screen, DraftPreviewScreen)


async def test_reject_of_a_ratified_term_is_refused_before_a_note_is_asked(demo_repo: Path) -> None:
    head = git(demo_repo, "rev-parse", "HEAD")
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.query_one(TermTable).move_to("TIDAL_LOOM")  # ratified: it cannot be rejected
        await press(pilot, "enter")
        assert isinstance(app.screen, ReviewScreen)
        await press(pilot, "x")
        assert not isinstance(app.screen, NoteDialog)
        assert isinstance(app.screen, MessageDialog)
        body = shown(app.screen.query_one("#message-body", Static), 110)
        assert "only a draft or a candidate can be rejected" in body
    assert git(demo_repo, "rev-parse", "HEAD") == head


async def test_promote_that_the_gates_refuse_is_refused_before_the_confirmation(demo_repo: Path) -> None:
    head = git(demo_repo, "rev-parse", "HEAD")
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.query_one(TermTable).move_to("KNOT_DRIFT")  # a stub draft: not a full entry
        await press(pilot, "enter")
        await press(pilot, "p")
        assert not isinstance(app.screen, ConfirmDialog)
        assert isinstance(app.screen, MessageDialog)
        assert "Refused" in shown(app.screen.query_one(".dialog-title", Static), 110)
        await press(pilot, "escape")
        assert isinstance(app.screen, ReviewScreen)
    assert git(demo_repo, "rev-parse", "HEAD") == head


def with_fillers(repo: Path, count: int = 40) -> None:
    """Terms sorted between KNOT_DRIFT and SHUTTLE_ECHO, so the list scrolls."""
    for i in range(count):
        term_id = f"MID_FILLER_{i:02d}"
        (repo / "terms" / f"{term_id}.md").write_text(
            f'---\nterm: "Filler {i}"\ncanonical_id: "{term_id}"\nstatus: "draft"\nversion: "0.1"\n'
            f'last_updated: "2026-11-12"\n---\n\n# Filler {i}\n', encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "fillers")


async def test_a_followed_crosslink_is_scrolled_into_view(demo_repo: Path) -> None:
    with_fillers(demo_repo)
    app = make_app(demo_repo)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "slash", *"tidal", "enter")  # one row shown: TIDAL_LOOM
        table = app.screen.query_one(TermTable)
        assert table.current_id == "TIDAL_LOOM"
        await press(pilot, "l")  # its crosslinks; WEFT_PRESSURE is hidden by the search
        options = app.screen.query_one("#choices", OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        await press(pilot, *["down"] * next(i for i, label in enumerate(labels) if "WEFT_PRESSURE" in label),
                    "enter")
        assert isinstance(app.screen, BrowserScreen)
        assert table.current_id == "WEFT_PRESSURE"
        top = round(table.scroll_y)
        assert top <= table.cursor_row < top + table.scrollable_content_region.height - 1  # on screen
