"""The queue view (`w`), undo (`u`) and bulk approve (space / shift+arrows, then `B`) in the real app over a
real repository with two editors and an agent: keys pressed, what the user sees, the commits that result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from authoring.tui.screens.browser import BrowserScreen
from authoring.tui.screens.dialogs import ChoiceDialog, ConfirmDialog, MessageDialog
from authoring.tui.screens.queue import QueueScreen
from authoring.tui.screens.review import ReviewScreen
from authoring.tui.widgets.term_table import TermTable
from tests.conftest import git, run_cli
from tests.test_queue_undo import ALICE, BOB
from tests.test_queue_undo import repo as repo  # the fixture: two editors, an agent, an agent draft
from tests.tui_support import make_app, press, settle, shown, table_column


def progress(pilot: Pilot[Any]) -> str:
    return shown(pilot.app.screen.query_one("#progress", Static), 200)


def subjects(repo: Path, since: str) -> list[str]:
    return git(repo, "log", "--format=%s", f"{since}..HEAD").splitlines()


@pytest.fixture
def candidates(repo: Path) -> Path:
    """Alice has edited SLACK_WATER and made it a candidate (WEFT_PRESSURE is one already)."""
    for args in (("set", "SLACK_WATER", "symbol", '"W_s"'), ("promote", "SLACK_WATER")):
        assert run_cli(*args, "--repo", repo, "--as", ALICE).code == 0
    return repo


async def test_queue_view_lists_what_awaits_me_and_opens_the_review(candidates: Path) -> None:
    app = make_app(candidates, BOB)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert "awaits you: 2 to approve · 1 agent draft(s)" in progress(pilot)
        await press(pilot, "w")  # the first key of the footer
        assert isinstance(app.screen, QueueScreen)
        title = shown(app.screen.query_one("#queue-title", Static), 200)
        assert title.startswith(f"{BOB} (editor) — awaits you: 2 to approve · 1 agent draft(s)")
        table: DataTable[str] = app.screen.query_one("#queue-items", DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert [r[:3] for r in rows[:2]] == [["approve", "SLACK_WATER", "candidate"],
                                             ["approve", "WEFT_PRESSURE", "candidate"]]
        assert rows[2][0] == "agent draft" and "drafted by Extractive Agent" in rows[2][4]
        await press(pilot, "down", "enter")
        assert isinstance(app.screen, ReviewScreen) and app.screen.term_id == "WEFT_PRESSURE"
        await press(pilot, "escape")
        assert isinstance(app.screen, BrowserScreen)
        assert app.screen.query_one(TermTable).current_id == "WEFT_PRESSURE"


async def test_queue_view_for_an_author_has_nothing_to_approve(candidates: Path) -> None:
    app = make_app(candidates, ALICE)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "w")
        table: DataTable[str] = app.screen.query_one("#queue-items", DataTable)
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == ["agent draft"]
        await press(pilot, "q")
        assert isinstance(app.screen, BrowserScreen)


async def test_undo_key_shows_the_last_action_and_takes_it_back_on_y(candidates: Path) -> None:
    assert run_cli("review", "WEFT_PRESSURE", "--approve", "--repo", candidates, "--as", BOB).code == 0
    approval = git(candidates, "rev-parse", "HEAD").strip()
    app = make_app(candidates, BOB)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(TermTable)
        table.move_to("WEFT_PRESSURE")
        await settle(pilot)
        assert "✓1" in table.render_line(table.cursor_row + 1 - round(table.scroll_y)).text  # the approval shows
        await press(pilot, "u")
        assert isinstance(app.screen, ConfirmDialog)
        assert "WEFT_PRESSURE: approve — WEFT_PRESSURE: approve (" in shown(app.screen.query("Static").last(), 110)
        await press(pilot, "n")
        assert git(candidates, "rev-parse", "HEAD").strip() == approval  # "no" writes nothing
        await press(pilot, "u", "y")
        assert isinstance(app.screen, BrowserScreen)
        assert subjects(candidates, approval) == ["WEFT_PRESSURE: undo approve (" + approval[:10] + ")"]
        assert "✓1" not in table.render_line(table.cursor_row + 1 - round(table.scroll_y)).text
        assert "awaits you: 2 to approve" in progress(pilot)
        # now nothing of Bob's is left: the key says why instead of asking
        await press(pilot, "u")
        assert isinstance(app.screen, MessageDialog)
        assert "nothing to undo" in shown(app.screen.query_one("#message-body", Static), 200)


async def test_bulk_approve_commits_each_term_and_reports_each_outcome(candidates: Path) -> None:
    head = git(candidates, "rev-parse", "HEAD").strip()
    app = make_app(candidates, ALICE)  # Alice authored SLACK_WATER and is named in WEFT_PRESSURE
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(TermTable)
        table.move_to("KNOT_DRIFT")
        await settle(pilot)
        await press(pilot, "space")  # KNOT_DRIFT
        table.move_to("SLACK_WATER")
        await settle(pilot)
        await press(pilot, "shift+down")  # SLACK_WATER and the row below it, TIDAL_LOOM
        assert table.selected == ["KNOT_DRIFT", "SLACK_WATER", "TIDAL_LOOM"]
        assert "3 selected" in progress(pilot)
        assert table_column(table)[0].startswith("● ")  # KNOT_DRIFT, marked
        await press(pilot, "B")
        assert isinstance(app.screen, ChoiceDialog)
        await press(pilot, "enter")  # the first choice: approve each
        assert isinstance(app.screen, ConfirmDialog)
        listed = shown(app.screen.query("Static").last(), 110)
        assert all(t in listed for t in ("KNOT_DRIFT", "SLACK_WATER", "TIDAL_LOOM"))
        await press(pilot, "y")
        assert isinstance(app.screen, MessageDialog)
        report = shown(app.screen.query_one("#message-body", Static), 200)
        assert "approve: 1 of 3 done, 2 failed" in shown(app.screen.query_one(".dialog-title", Static), 110)
        assert "ok   KNOT_DRIFT: approve recorded" in report
        assert "FAIL SLACK_WATER" in report and "self-approval" in report
        assert "FAIL TIDAL_LOOM" in report and "only drafts and candidates" in report
        await press(pilot, "escape")
        assert table.selected == ["SLACK_WATER", "TIDAL_LOOM"]  # what failed stays selected
    assert subjects(candidates, head) == ["KNOT_DRIFT: approve"]


async def test_a_request_note_shows_as_written_and_the_header_lines_up_with_the_rows(candidates: Path) -> None:
    """A note is the reviewer's text, not markup: brackets show as typed (a string cell was read as Rich
    markup, so "[/]" broke the view and "[b]" vanished). The columns are sized before the rows are drawn, so
    the header is as wide as the widest cell (DataTable widened them on idle, after a frame could be drawn)."""
    note = "use [b]W_s[/b] as in [1] [/]"
    assert run_cli("review", "SLACK_WATER", "--request-changes", "--note", note, "--repo", candidates,
                   "--as", BOB).code == 0
    app = make_app(candidates, ALICE)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "w")
        table: DataTable[str] = app.screen.query_one("#queue-items", DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert [r[0] for r in rows] == ["request", "agent draft"]
        assert rows[0][4].endswith(f"asks you for changes: {note}")
        widths = [column.get_render_width(table) - 2 * table.cell_padding for column in table.ordered_columns]
        assert widths == [max(len(label), *(len(r[i]) for r in rows)) for i, label in
                          enumerate(("Awaits", "ID", "Status", "✓", "Why"))]
