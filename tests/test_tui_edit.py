"""Editing one field in place: YAML text area, validated preview, then one commit through set_field."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static, TextArea

from authoring.tui.screens.browser import BrowserScreen
from authoring.tui.screens.edit import EditFieldScreen
from authoring.tui.widgets.term_table import TermTable
from tests.conftest import git
from tests.tui_support import make_app, press, settle, shown


async def open_field(pilot, term_id: str, dotted: str) -> None:  # type: ignore[no-untyped-def]
    pilot.app.screen.query_one(TermTable).move_to(term_id)
    await settle(pilot)
    await press(pilot, "e", *dotted, "enter")
    assert isinstance(pilot.app.screen, EditFieldScreen)


async def test_edit_a_field_previews_the_change_then_commits_only_that_line(demo_repo: Path) -> None:
    path = demo_repo / "terms" / "SLACK_WATER.md"
    before = path.read_text(encoding="utf-8").splitlines()
    head = git(demo_repo, "rev-parse", "HEAD").strip()
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_field(pilot, "SLACK_WATER", "symbol")
        editor = app.screen.query_one("#editor", TextArea)
        assert editor.text == '""\n'
        assert editor.language == "yaml"
        await press(pilot, "f6", *"W_s")  # select the line, type over it
        await press(pilot, "ctrl+s")
        preview = shown(app.screen.query_one("#edit-preview", Static))
        assert "symbol changed" in preview and "+ W_s" in preview
        assert "ctrl+s again to commit" in preview
        assert git(demo_repo, "rev-parse", "HEAD").strip() == head  # nothing committed by the preview
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, BrowserScreen)
        assert any("SLACK_WATER: set symbol" in str(n.message) for n in app._notifications)
        assert "W_s" in shown(app.screen.query_one("#detail-body", Static))
    after = path.read_text(encoding="utf-8").splitlines()
    changed = {a: b for a, b in zip(before, after, strict=False) if a != b}
    # the field, kept in its quoting style; a content edit also bumps the minor version and the date
    assert changed['symbol: ""'] == 'symbol: "W_s"'
    assert changed["version: 0.1"] == "version: 0.2"
    assert set(changed) == {'symbol: ""', "version: 0.1", "last_updated: 2026-11-12"}
    log = git(demo_repo, "log", "-1", "--format=%an <%ae>%n%s")
    assert log.splitlines() == ["Test Editor <test-editor@example.org>", "SLACK_WATER: edit symbol"]
    assert git(demo_repo, "show", "--stat", "--format=", "HEAD").count("|") == 2  # the term and its event
    assert git(demo_repo, "status", "--porcelain") == ""


async def test_edit_refuses_invalid_yaml_and_schema_errors_and_writes_nothing(demo_repo: Path) -> None:
    path = demo_repo / "terms" / "WEFT_PRESSURE.md"
    before = path.read_bytes()
    head = git(demo_repo, "rev-parse", "HEAD").strip()
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_field(pilot, "WEFT_PRESSURE", "status")
        await press(pilot, "f6", *"[unclosed", "ctrl+s")
        preview = shown(app.screen.query_one("#edit-preview", Static))
        assert "not valid YAML" in preview and "Nothing was saved" in preview
        await press(pilot, "f6", *"bogus", "ctrl+s")  # status belongs to the workflow, not to edits
        preview = shown(app.screen.query_one("#edit-preview", Static))
        assert "status is kept by the workflow" in preview and "Nothing was saved" in preview
        await press(pilot, "ctrl+s")  # a second ctrl+s does not commit an invalid value
        assert isinstance(app.screen, EditFieldScreen)
        await press(pilot, "escape")  # typed text would be lost: asked first
        assert "Discard your changes" in shown(app.screen.query_one(".dialog-title", Static))
        await press(pilot, "y")
        assert isinstance(app.screen, BrowserScreen)
    assert path.read_bytes() == before
    assert git(demo_repo, "rev-parse", "HEAD").strip() == head


async def test_edit_preview_shows_schema_errors_and_never_commits_them(demo_repo: Path) -> None:
    path = demo_repo / "terms" / "WEFT_PRESSURE.md"
    before = path.read_bytes()
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_field(pilot, "WEFT_PRESSURE", "term")
        await press(pilot, "f6", *"[not, a, name]", "ctrl+s")
        preview = shown(app.screen.query_one("#edit-preview", Static))
        assert "error: schema: term" in preview and "nothing was saved" in preview
        # the preview also shows the bookkeeping the edit would bring
        assert "version changed" in preview and "- 0.2" in preview and "+ 0.3" in preview
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, EditFieldScreen)
    assert path.read_bytes() == before
