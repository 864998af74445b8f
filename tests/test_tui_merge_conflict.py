"""The terminal UI after a pull that left a field in conflict: the term shows where, never a crash."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from authoring.tui.widgets.term_table import TermTable
from tests.conftest import EDITOR, EDITOR_2
from tests.remote_helpers import shared_glossary
from tests.tui_support import make_app, settle, shown


async def test_a_conflicted_term_shows_the_located_merge_conflict(tmp_path: Path) -> None:
    _, alice, bob = shared_glossary(tmp_path, EDITOR, EDITOR_2)
    alice.set("SLACK_WATER", "triad.art", "The coast, waiting.")
    alice.push()
    bob.set("SLACK_WATER", "triad.art", "A breath the sea holds.")
    assert bob.pull().returncode != 0
    line = bob.file("SLACK_WATER").read_text(encoding="utf-8").split("\n").index("<<<<<<< ours: triad.art") + 1
    app = make_app(bob.path, EDITOR_2)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.query_one(TermTable).move_to("SLACK_WATER")
        await settle(pilot)
        detail = shown(app.screen.query_one("#detail-body", Static), width=200)
        assert f"terms/SLACK_WATER.md:{line}:1: error: merge-conflict: unresolved merge conflict in triad.art" in detail
        assert "delete the '<<<<<<<', '=======' and '>>>>>>>' lines" in detail
