"""Editing a term's text in the UI: the body in place (b) and the whole file in $EDITOR (E), each checked by
the service and shown as a diff before the one commit (issue 15, "the body and the whole file are
editable"). Real app, real repositories, a real script as the editor."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pytest
from textual.widgets import Static, TextArea

from authoring.core.termfile import load_term
from authoring.tui.screens.browser import BrowserScreen
from authoring.tui.screens.dialogs import ConfirmDialog, MessageDialog
from authoring.tui.screens.text_edit import BodyEditScreen
from authoring.tui.widgets.term_table import TermTable
from tests.conftest import git
from tests.tui_support import make_app, press, settle, shown


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


def use_editor(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *replacements: tuple[str, str]) -> None:
    """$EDITOR is a script that makes these replacements in the file it is given."""
    script = tmp_path / "fake_editor.py"
    script.write_text("import pathlib, sys\n"
                      "p = pathlib.Path(sys.argv[1])\n"
                      "t = p.read_bytes().decode('utf-8')\n"
                      f"for old, new in {list(replacements)!r}:\n"
                      "    t = t.replace(old, new, 1)\n"
                      "p.write_bytes(t.encode('utf-8'))\n", encoding="utf-8")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # a refused edit's kept copy stays in the test's folder
    monkeypatch.delenv("VISUAL", raising=False)


async def select(pilot, term_id: str) -> None:  # type: ignore[no-untyped-def]
    pilot.app.screen.query_one(TermTable).move_to(term_id)
    await settle(pilot)


async def test_a_body_edit_is_previewed_as_a_diff_then_committed_as_one_event(demo_repo: Path) -> None:
    path = demo_repo / "terms" / "SLACK_WATER.md"
    before = path.read_text(encoding="utf-8").split("\n")
    commit = head(demo_repo)
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await select(pilot, "SLACK_WATER")
        await press(pilot, "b")
        assert isinstance(app.screen, BodyEditScreen)
        area = app.screen.query_one("#body-editor", TextArea)
        assert "## Canonical (Pirouette)" in area.text and "canonical_id" not in area.text
        row = next(i for i, line in enumerate(area.text.split("\n")) if line.startswith("## Canonical"))
        area.move_cursor((row, len(area.document.get_line(row))))
        await press(pilot, "enter", *"Written in the UI.", "ctrl+s")
        preview = shown(app.screen.query_one("#body-preview", Static), width=200)
        assert "+Written in the UI." in preview and "ctrl+s again to commit" in preview
        assert head(demo_repo) == commit  # the preview writes nothing
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, BrowserScreen)
    after = path.read_text(encoding="utf-8").split("\n")
    assert [line for line in after if line not in before][-1] == "Written in the UI."
    assert len([line for line in before if line not in after]) == 2  # version and date, nothing else
    files = git(demo_repo, "show", "--name-only", "--format=", "HEAD").split()
    assert len(files) == 2 and "-edit-" in files[0]
    assert git(demo_repo, "log", "-1", "--format=%s").strip() == "SLACK_WATER: edit body"


async def test_a_body_edit_that_breaks_the_front_matter_is_refused_with_its_location(demo_repo: Path) -> None:
    path = demo_repo / "terms" / "SLACK_WATER.md"
    before, commit = path.read_bytes(), head(demo_repo)
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await select(pilot, "SLACK_WATER")
        await press(pilot, "b")
        area = app.screen.query_one("#body-editor", TextArea)
        area.load_text("---\nbroken: [unclosed\n---\n" + area.text)  # a new last block: the entry now
        await press(pilot, "ctrl+s")
        preview = shown(app.screen.query_one("#body-preview", Static), width=200)
        assert "terms/SLACK_WATER.md:" in preview and "yaml-syntax" in preview and "nothing was saved" in preview
        await press(pilot, "ctrl+s")  # never committed
        assert isinstance(app.screen, BodyEditScreen)
        await press(pilot, "escape", "y")
        assert isinstance(app.screen, BrowserScreen)
    assert path.read_bytes() == before and head(demo_repo) == commit


async def test_editor_fixes_a_file_that_does_not_parse_after_showing_the_diff(demo_repo: Path, tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    path = demo_repo / "terms" / "SHUTTLE_ECHO.md"
    use_editor(monkeypatch, tmp_path, ("symbol: `S_e`", 'symbol: "`S_e`"'),
               ("where: Chapter 2: Reflection", 'where: "Chapter 2: Reflection"'))
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await select(pilot, "SHUTTLE_ECHO")
        await press(pilot, "E")
        assert isinstance(app.screen, ConfirmDialog)
        assert "+symbol: \"`S_e`\"" in shown(app.screen.query_one("#confirm-detail", Static), width=200)
        await press(pilot, "y")
        assert isinstance(app.screen, BrowserScreen)
    fixed = load_term(path)
    assert fixed.parses and fixed.entry is not None and fixed.entry["symbol"] == "`S_e`"
    assert git(demo_repo, "log", "-1", "--format=%s").strip() == "SHUTTLE_ECHO: edit file"


async def test_editor_result_that_does_not_parse_is_refused_and_kept(demo_repo: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path = demo_repo / "terms" / "SLACK_WATER.md"
    before, commit = path.read_bytes(), head(demo_repo)
    use_editor(monkeypatch, tmp_path, ("triad:", "triad: [unclosed"))
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await select(pilot, "SLACK_WATER")
        await press(pilot, "E")
        assert isinstance(app.screen, MessageDialog)
        body = shown(app.screen.query_one("#message-body", Static), width=200)
        assert "terms/SLACK_WATER.md:" in body and "yaml-syntax" in body and "Your text is kept in" in body
        kept = Path(body.split("Your text is kept in ")[1].split()[0])
        assert b"triad: [unclosed" in kept.read_bytes()
    assert path.read_bytes() == before and head(demo_repo) == commit
