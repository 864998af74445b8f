"""The draft preview keeps what the module settles (issue 15, wrong result 3) and an editor acting in the
UI requests a draft that its agent authors (wrong result 7): real app, real repositories."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from textual.widgets import Static, TextArea

from authoring.errors import ParseError
from authoring.repo.service import Glossary
from authoring.tui.screens.browser import BrowserScreen
from authoring.tui.screens.draft import DraftPreviewScreen, DraftScreen
from tests.conftest import EDITOR, git, make_repo, run_cli
from tests.tui_support import make_app, press, settle, shown

MODULE = Path(__file__).parent.parent / "modules" / "DEMO-001_the_tidal_loom.md"


async def open_preview(pilot) -> DraftPreviewScreen:  # type: ignore[no-untyped-def]
    """Draft from §4 of DEMO-001 and open the preview."""
    await settle(pilot)
    await press(pilot, "n")
    assert isinstance(pilot.app.screen, DraftScreen)
    await press(pilot, "enter")
    pilot.app.screen.choice.section = "4"
    pilot.app.screen.choice.term = "Knot Drift Echo"
    pilot.app.screen.query_one("#candidates").focus()
    await press(pilot, "ctrl+d")
    screen = pilot.app.screen
    assert isinstance(screen, DraftPreviewScreen), [str(n.message) for n in pilot.app._notifications]
    return screen


def row_of(text: str, start: str) -> int:
    return next(i for i, line in enumerate(text.split("\n")) if line.lstrip().startswith(start))


async def test_the_cited_snippet_is_read_only_in_the_preview(demo_repo: Path) -> None:
    app = make_app(demo_repo)
    async with app.run_test(size=(140, 44)) as pilot:
        screen = await open_preview(pilot)
        area = screen.query_one("#draft-text", TextArea)
        original = area.text
        for start in ("snippet:", "lines:", "- module:", "sources:"):
            row = row_of(original, start)
            area.move_cursor((row, len(area.document.get_line(row))))
            await press(pilot, *"xy", "backspace")
            area.move_cursor((row, 0))
            await press(pilot, "x", "delete", "enter")
            area.select_line(row)
            await press(pilot, "backspace")
            assert area.text == original, start
        assert "settled by the module" in shown(screen.query_one("#draft-save-status", Static))
        row = row_of(original, "art:")  # the prose stays editable: inside `art: ""`
        area.move_cursor((row, len(area.document.get_line(row)) - 1))
        await press(pilot, *"Edited.")
        assert area.text != original and "Edited." in area.text
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, BrowserScreen)
    saved = (demo_repo / "terms" / "KNOT_DRIFT_ECHO.md").read_text(encoding="utf-8")
    assert "Edited." in saved
    for start in ("snippet:", "lines:", "- module:"):
        assert original.split("\n")[row_of(original, start)] in saved.split("\n")


def test_the_service_refuses_a_snippet_that_is_not_an_exact_excerpt(demo_repo: Path) -> None:
    glossary = Glossary.open(demo_repo)
    head = git(demo_repo, "rev-parse", "HEAD").strip()
    preview = glossary.preview_draft("DEMO-001", section="4", term="Knot Drift Echo")
    snippet = preview.entry["provenance"]["sources"][0]["snippet"]
    word = next(w for w in snippet.split() if len(w) > 5 and w.isalpha())
    altered = preview.text.replace(word, word.upper(), 1)
    with pytest.raises(ParseError) as edited:  # an edited text from any face
        glossary.save_draft(preview, altered)
    problem = edited.value.problems[0]
    assert problem.code == "draft-settled-field" and problem.line > 1
    assert "provenance.sources is settled by the module" in problem.message
    # a forged preview (its own entry and text changed alike) is refused as well: not in the module
    forged_entry = {**preview.entry, "provenance": {**preview.entry["provenance"], "sources": [
        {**preview.entry["provenance"]["sources"][0], "snippet": snippet.replace(word, word.upper(), 1)}]}}
    forged = dataclasses.replace(preview, text=altered, entry=forged_entry)
    with pytest.raises(ParseError) as sent:
        glossary.save_draft(forged)
    assert any("not an exact excerpt of DEMO-001" in p.message for p in sent.value.problems)
    assert git(demo_repo, "rev-parse", "HEAD").strip() == head
    assert not (demo_repo / "terms" / "KNOT_DRIFT_ECHO.md").exists()


async def test_an_editor_acting_in_the_ui_requests_a_draft_the_agent_authors(tmp_path: Path) -> None:
    config = ('[people]\neditors = ["Alice Editor <alice@example.org>"]\n'
              'agents = ["Drafting Bot <bot@example.org>"]\n')
    repo = make_repo(tmp_path / "g", {"modules/DEMO-001_the_tidal_loom.md": MODULE.read_text(encoding="utf-8"),
                                      "terms/.gitkeep": ""}, config)
    app = make_app(repo, EDITOR)
    async with app.run_test(size=(140, 44)) as pilot:
        screen = await open_preview(pilot)
        assert "commits as Drafting Bot" in shown(screen.query_one("#draft-preview-title", Static), width=300)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, BrowserScreen)
    assert git(repo, "log", "-1", "--format=%an <%ae>").strip() == "Drafting Bot <bot@example.org>"
    assert f"Requested-by: {EDITOR}" in git(repo, "log", "-1", "--format=%B")
    assert (repo / "terms" / "KNOT_DRIFT_ECHO.md").exists()


def test_with_no_editors_listed_anyone_acting_requests_and_the_agent_authors(demo_repo: Path) -> None:
    # the demo's configuration lists agents but no editors: every other identity is an editor
    done = run_cli("--repo", demo_repo, "--as", EDITOR, "draft", "DEMO-001", "--section", "4", "--term",
                   "Knot Drift Echo")
    assert done.code == 0, done.err
    assert git(demo_repo, "log", "-1", "--format=%an <%ae>").strip() == "Extractive Agent <agent@authoring.invalid>"
    assert f"Requested-by: {EDITOR}" in git(demo_repo, "log", "-1", "--format=%B")
