"""The term browser driven with Pilot on real demo repositories: list, filter, search, sort,
malformed files, crosslinks, help, command palette, quitting."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.widgets import Input, Select, Static

from authoring.repo.service import Glossary
from authoring.tui.app import AuthoringApp
from authoring.tui.screens.browser import BrowserScreen
from authoring.tui.screens.dialogs import ConfirmDialog, MessageDialog
from authoring.tui.screens.help import HelpScreen
from authoring.tui.widgets.term_table import TermTable
from tests.conftest import git, make_repo, run_cli
from tests.tui_support import make_app, press, settle, shown, table_column

DEMO_IDS = ["KNOT_DRIFT", "SHUTTLE_ECHO", "SLACK_WATER", "TIDAL_LOOM", "WEFT_PRESSURE"]


async def test_list_shows_every_term_with_status_and_the_acting_identity(demo_repo: Path) -> None:
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(TermTable)
        assert table_column(table) == DEMO_IDS
        statuses = dict(zip(table_column(table), table_column(table, 2), strict=True))
        assert statuses["TIDAL_LOOM"].strip() == "ratified"
        assert statuses["SHUTTLE_ECHO"].strip() == "malformed"
        assert "acting as Test Editor <test-editor@example.org>" in app.sub_title
        progress = shown(app.screen.query_one("#progress", Static))
        assert "5 of 5 terms shown" in progress and "1 malformed" in progress
        # the first term's detail is shown without any key press
        assert "Knot Drift" in shown(app.screen.query_one("#detail-body", Static))


async def test_status_filter_cycles_and_hides_other_statuses(demo_repo: Path) -> None:
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(TermTable)
        await press(pilot, "f")  # all → draft
        assert app.screen.query_one("#status-filter", Select).value == "draft"
        # SHUTTLE_ECHO does not parse, but its entry's `status: draft` line is read all the same
        assert table_column(table) == ["KNOT_DRIFT", "SHUTTLE_ECHO", "SLACK_WATER"]
        await press(pilot, "f", "f")  # → candidate → ratified
        assert table_column(table) == ["TIDAL_LOOM"]
        for _ in range(4):  # → rejected, deprecated, problems, malformed
            await pilot.press("f")
        await settle(pilot)
        assert table_column(table) == ["SHUTTLE_ECHO"]
        assert "1 of 5 terms shown" in shown(app.screen.query_one("#progress", Static))


async def test_search_narrows_as_you_type_and_escape_clears_it(demo_repo: Path) -> None:
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(TermTable)
        await press(pilot, "slash")
        assert app.focused is app.screen.query_one("#search", Input)
        await press(pilot, "w", "p")  # an abbreviation: W…P starts the words of WEFT_PRESSURE
        assert table_column(table) == ["WEFT_PRESSURE"]
        await press(pilot, "backspace", "e", "f", "t")  # "weft": the name first, then a definition saying it
        assert table_column(table) == ["WEFT_PRESSURE", "TIDAL_LOOM"]
        await press(pilot, "space", "p", "r")  # both words: still the two, the name's first
        assert table_column(table) == ["WEFT_PRESSURE", "TIDAL_LOOM"]
        await press(pilot, "enter")  # back to the list, search kept
        assert isinstance(app.focused, TermTable)
        assert "Weft Pressure" in shown(app.screen.query_one("#detail-body", Static))
        await press(pilot, "escape")
        assert table_column(table) == DEMO_IDS
        # search by alias: TIDAL_LOOM is also "The Weaving Shore"
        await press(pilot, "slash", *"weaving")
        assert table_column(table) == ["TIDAL_LOOM"]


async def test_sort_cycles_through_columns_and_reverses(demo_repo: Path) -> None:
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(TermTable)
        await press(pilot, "s")  # by term (the malformed file has no term: it sorts by its id)
        assert table.view.sort == "term"
        await press(pilot, "s")  # by status
        # the malformed SHUTTLE_ECHO sorts as the draft its entry says it is
        assert table_column(table) == ["KNOT_DRIFT", "SHUTTLE_ECHO", "SLACK_WATER", "WEFT_PRESSURE", "TIDAL_LOOM"]
        await press(pilot, "s", "s")  # version, then updated
        assert table.view.sort == "updated"  # the malformed file has no date: it comes first
        assert table_column(table) == ["SHUTTLE_ECHO", "TIDAL_LOOM", "WEFT_PRESSURE", "KNOT_DRIFT", "SLACK_WATER"]
        await press(pilot, "S")
        assert table.view.reverse
        assert table_column(table) == ["SLACK_WATER", "KNOT_DRIFT", "WEFT_PRESSURE", "TIDAL_LOOM", "SHUTTLE_ECHO"]


async def test_malformed_term_is_listed_with_its_located_error_and_the_fix(demo_repo: Path) -> None:
    app = make_app(demo_repo)
    before = (demo_repo / "terms" / "SHUTTLE_ECHO.md").read_bytes()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "down")  # SHUTTLE_ECHO
        detail = shown(app.screen.query_one("#detail-body", Static))
        assert "terms/SHUTTLE_ECHO.md:4:9: error: yaml-syntax" in detail
        assert "symbol: `S_e`" in detail
        assert "fix: quote the value" in detail
        # editing a file that does not parse is refused with a pointer to the repair
        await press(pilot, "e")
        assert isinstance(app.screen, BrowserScreen)
        assert any("does not parse" in str(n.message) for n in app._notifications)
    assert (demo_repo / "terms" / "SHUTTLE_ECHO.md").read_bytes() == before


async def test_crosslinks_navigate_to_the_linked_term(demo_repo: Path) -> None:
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(TermTable)
        table.move_to("TIDAL_LOOM")
        await settle(pilot)
        assert "Crosslinks" in shown(app.screen.query_one("#detail-body", Static))
        await press(pilot, "g")
        options = app.screen.query_one("#choices")
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any("WEFT_PRESSURE" in label for label in labels)
        target = next(i for i, label in enumerate(labels) if "WEFT_PRESSURE" in label)
        for _ in range(target):
            await pilot.press("down")
        await press(pilot, "enter")
        assert table.current_id == "WEFT_PRESSURE"
        assert "Weft Pressure" in shown(app.screen.query_one("#detail-body", Static))


async def test_help_screen_and_command_palette_list_the_actions(demo_repo: Path) -> None:
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        help_text = " ".join(shown(s, 110) for s in app.screen.query(Static))
        assert "request changes" in help_text and "^q" in help_text  # keys shown as the footer shows them
        await press(pilot, "escape")
        assert isinstance(app.screen, BrowserScreen)
        # the palette finds "Filter by status" and running it filters the list
        await press(pilot, "ctrl+p", *"filter by")
        await press(pilot, "enter")
        assert app.screen.query_one("#status-filter", Select).value == "draft"


async def test_small_terminal_stacks_list_and_detail(demo_repo: Path) -> None:
    app = make_app(demo_repo)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.screen.has_class("-narrow")
        table = app.screen.query_one(TermTable)
        detail = app.screen.query_one("#detail")
        assert detail.region.y >= table.region.bottom  # below the list, not squeezed beside it
        assert table.region.width >= 78
        # every column fits (the id column gave up room): nothing to scroll sideways for
        assert table.virtual_size.width <= table.scrollable_content_region.width
        assert table_column(table, 5)[1] == "1E"  # SHUTTLE_ECHO's problems, in view


async def test_ctrl_q_quits_and_leaves_the_repository_untouched(demo_repo: Path) -> None:
    head = git(demo_repo, "rev-parse", "HEAD")
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0
    assert not app.is_running
    assert git(demo_repo, "rev-parse", "HEAD") == head
    assert git(demo_repo, "status", "--porcelain") == ""


async def test_repair_a_malformed_term_from_the_browser(demo_repo: Path) -> None:
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(TermTable)
        table.move_to("SHUTTLE_ECHO")
        await settle(pilot)
        detail = shown(app.screen.query_one("#detail-body", Static))
        assert "Proposed repair" in detail and "press r to apply it" in detail
        head = git(demo_repo, "rev-parse", "HEAD")
        await press(pilot, "r")
        # the change is shown and nothing is written until the user says yes
        assert isinstance(app.screen, ConfirmDialog)
        assert any("`S_e`" in shown(part) for part in app.screen.query(Static))
        assert git(demo_repo, "rev-parse", "HEAD") == head
        await press(pilot, "y")
        assert any("SHUTTLE_ECHO: repaired front matter" in str(n.message) for n in app._notifications)
        await settle(pilot)
        row = table.shown[table.cursor_row]
        assert row.id == "SHUTTLE_ECHO" and row.parses and row.term == "Shuttle Echo"
        assert "yaml-syntax" not in shown(app.screen.query_one("#detail-body", Static))
    assert git(demo_repo, "log", "-1", "--format=%s").strip() == "SHUTTLE_ECHO: repair front matter"
    text = (demo_repo / "terms" / "SHUTTLE_ECHO.md").read_text(encoding="utf-8")
    assert "symbol: \"`S_e`\"" in text or "symbol: '`S_e`'" in text


async def test_declining_the_shown_repair_writes_nothing(demo_repo: Path) -> None:
    head = git(demo_repo, "rev-parse", "HEAD")
    before = (demo_repo / "terms" / "SHUTTLE_ECHO.md").read_bytes()
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.query_one(TermTable).move_to("SHUTTLE_ECHO")
        await settle(pilot)
        await press(pilot, "r")
        assert isinstance(app.screen, ConfirmDialog)
        await press(pilot, "n")
        assert not isinstance(app.screen, ConfirmDialog)
        assert any("repair not applied" in str(n.message) for n in app._notifications)
    assert git(demo_repo, "rev-parse", "HEAD") == head
    assert (demo_repo / "terms" / "SHUTTLE_ECHO.md").read_bytes() == before


def drawn_ids(table: TermTable) -> list[str]:
    """The ids on the table's lines as the terminal shows them now (header line excluded)."""
    visible = table.scrollable_content_region.height - 1
    width = table.column_widths()[0]
    lines = [table.render_line(y).text for y in range(1, visible + 1)]
    return [line[table.PADDING : table.PADDING + width].strip() for line in lines]


async def test_a_long_list_scrolls_with_the_cursor_and_answers_clicks(tmp_path: Path) -> None:
    # 150 terms, far more than fit: only the rows on screen are drawn, and the cursor stays on screen
    terms = {f"terms/TERM_{n:03d}.md": f"---\ncanonical_id: TERM_{n:03d}\nterm: Term {149 - n:03d}\nstatus: draft\n"
             f"version: 0.1\n---\n" for n in range(150)}
    repo = make_repo(tmp_path / "long", terms)
    app = make_app(repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(TermTable)
        visible = table.scrollable_content_region.height - 1
        assert 5 < visible < 150 and drawn_ids(table)[:2] == ["TERM_000", "TERM_001"]
        await press(pilot, "end")
        assert table.current_id == "TERM_149" and drawn_ids(table)[-1] == "TERM_149"
        await press(pilot, "pageup")
        assert table.current_id == f"TERM_{149 - visible:03d}"
        assert table.current_id in drawn_ids(table)
        await press(pilot, "home")
        assert table.current_id == "TERM_000" and drawn_ids(table)[0] == "TERM_000"
        # the detail pane follows the cursor
        detail = shown(app.screen.query_one("#detail-body", Static))
        assert "TERM_000" in detail
        # a click on a row highlights it; a click on the highlighted row opens its review
        region = table.content_region
        await pilot.click(offset=(region.x + 3, region.y + 3))
        await settle(pilot)
        assert table.current_id == "TERM_002"
        await pilot.click(offset=(region.x + 3, region.y + 3))
        await settle(pilot)
        assert type(app.screen).__name__ == "ReviewScreen"
        await press(pilot, "escape")
        # a click on the Term column's header sorts by term (Term 000 is TERM_149's); the cursor stays on
        # its term (Term 147, near the end now), scrolled into view
        term_x = table.PADDING * 3 + table.column_widths()[0] + 1
        await pilot.click(offset=(region.x + term_x, region.y))
        await settle(pilot)
        assert table.view.sort == "term" and [s.id for s in table.shown[:2]] == ["TERM_149", "TERM_148"]
        assert table.current_id == "TERM_002" and drawn_ids(table)[-2:] == ["TERM_003", "TERM_002"]


async def test_a_wrong_configuration_is_shown_once_the_list_is_drawn(tmp_path: Path) -> None:
    # The UI opens the glossary as `authoring` does, leaving the configuration's schema check until the
    # list is on screen: the terms are listed, then the error is shown with its file and field.
    repo = make_repo(tmp_path / "badconf", {"terms/ONE.md": "---\ncanonical_id: ONE\nterm: One\nstatus: draft\n---\n"},
                     config='[people]\neditors = "not a list"\n')
    app = AuthoringApp(Glossary.open(repo, check_config=False))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MessageDialog)
        assert "authoring.toml: people.editors: Input should be a valid list" in app.screen.title_text
        await press(pilot, "escape")
        assert table_column(app.screen.query_one(TermTable)) == ["ONE"]
    # the command line refuses the same file on opening, exit 2
    result = run_cli("list", "--repo", repo)
    assert result.code == 2 and "people.editors" in result.err


async def test_keys_typed_ahead_of_the_ui_land_where_they_were_meant(demo_repo: Path) -> None:
    # Keys that arrive together (typed fast, or while the UI is busy starting) are all queued before the
    # first is handled: `/` must move the focus before the letters after it are passed on.
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for key, character in [("slash", "/"), ("t", "t"), ("i", "i"), ("d", "d")]:
            app.post_message(events.Key(key, character))
        await settle(pilot)
        search = app.screen.query_one("#search", Input)
        assert search.value == "tid" and app.focused is search
        assert table_column(app.screen.query_one(TermTable))[0] == "TIDAL_LOOM"  # then terms that say "tide"
        await press(pilot, "slash")  # in the search, `/` is a character like any other
        assert search.value == "tid/"
