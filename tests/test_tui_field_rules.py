"""The field editor's round trip and the field prompt's rules (issue 15, wrong results 1 and 2), in the real
app on a real repository, and the CLI `set` that follows the same rules."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static, TextArea

from authoring.core.termfile import load_term
from authoring.repo.service import Glossary
from authoring.tui.screens.browser import BrowserScreen
from authoring.tui.screens.dialogs import ConfirmDialog, FieldPrompt
from authoring.tui.screens.edit import EditFieldScreen
from authoring.tui.widgets.term_table import TermTable
from tests.conftest import git, run_cli
from tests.tui_support import make_app, press, settle, shown


async def open_field(pilot, term_id: str, dotted: str) -> None:  # type: ignore[no-untyped-def]
    pilot.app.screen.query_one(TermTable).move_to(term_id)
    await settle(pilot)
    await press(pilot, "e", *dotted, "enter")
    assert isinstance(pilot.app.screen, EditFieldScreen), type(pilot.app.screen)


async def test_empty_lists_and_an_empty_symbol_read_back_unchanged_and_save_nothing(demo_repo: Path) -> None:
    path = demo_repo / "terms" / "SLACK_WATER.md"
    path.write_text(path.read_text(encoding="utf-8").replace('symbol: ""', "symbol:", 1), encoding="utf-8")
    git(demo_repo, "commit", "-qam", "an empty symbol")
    before = {p.name: p.read_bytes() for p in (demo_repo / "terms").iterdir()}
    head = git(demo_repo, "rev-parse", "HEAD").strip()
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for term_id, dotted, shown_text in (("SLACK_WATER", "crosslinks.near_synonyms", "[]\n"),
                                            ("WEFT_PRESSURE", "aliases", "[]\n"),
                                            ("SLACK_WATER", "operational_definition.symbol_table", "[]\n"),
                                            ("SLACK_WATER", "symbol", "")):
            await open_field(pilot, term_id, dotted)
            assert app.screen.query_one("#editor", TextArea).text == shown_text, dotted
            await press(pilot, "ctrl+s")  # untouched: said so, nothing to commit
            assert "No change" in shown(app.screen.query_one("#edit-preview", Static))
            await press(pilot, "ctrl+s")
            assert isinstance(app.screen, EditFieldScreen)
            if shown_text:  # typed again by hand: the service sees the same value, no change
                await press(pilot, "f7", *shown_text.strip(), "ctrl+s")
                assert "No change: the field already has this value" in shown(
                    app.screen.query_one("#edit-preview", Static))
                await press(pilot, "ctrl+s")
                assert isinstance(app.screen, EditFieldScreen)
            await press(pilot, "escape")
            if isinstance(app.screen, ConfirmDialog):
                await press(pilot, "y")
            assert isinstance(app.screen, BrowserScreen)
    assert git(demo_repo, "rev-parse", "HEAD").strip() == head
    assert {p.name: p.read_bytes() for p in (demo_repo / "terms").iterdir()} == before
    # the shown text parses back to the value, through the service as well
    glossary = Glossary.open(demo_repo)
    assert glossary.set_field("SLACK_WATER", "crosslinks.near_synonyms", "[]\n").commit is None
    assert glossary.set_field("SLACK_WATER", "symbol", glossary.field_text("SLACK_WATER", "symbol")).commit is None


async def test_the_field_prompt_completes_and_refuses_unknown_paths(demo_repo: Path) -> None:
    head = git(demo_repo, "rev-parse", "HEAD").strip()
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.query_one(TermTable).move_to("SLACK_WATER")
        await settle(pilot)
        await press(pilot, "e", *"triad.atr", "enter")  # a typo is refused, with what was meant
        assert isinstance(app.screen, FieldPrompt)
        error = shown(app.screen.query_one("#field-error", Static))
        assert "SLACK_WATER: no field triad.atr" in error and "triad.art" in error
        field = app.screen.query_one("#field", Input)
        field.value = ""
        await press(pilot, *"foo.bar", "enter")
        assert isinstance(app.screen, FieldPrompt)
        assert "no field foo.bar" in shown(app.screen.query_one("#field-error", Static))
        field.value = ""
        await press(pilot, *"tri", "enter")  # a prefix does not open a new top-level field
        assert isinstance(app.screen, FieldPrompt)
        assert "no field tri " in shown(app.screen.query_one("#field-error", Static))
        await press(pilot, "tab")  # completes to what every match shares, and lists them
        assert field.value == "triad"
        assert "triad.art" in shown(app.screen.query_one("#field-error", Static))
        await press(pilot, *".a", "tab")
        assert field.value == "triad.art"
        field.value = "naming_"  # a schema field the term lacks is offered too
        await press(pilot, "tab")
        assert field.value == "naming_notes"
        field.value = ""
        await press(pilot, *"triad", "enter")
        assert isinstance(app.screen, EditFieldScreen)
        # a mapping replaced by a string: refused, then only on an explicit yes
        await press(pilot, "f7", *"just text", "ctrl+s")
        assert isinstance(app.screen, ConfirmDialog)
        await press(pilot, "n")
        assert "triad is a mapping (3 items)" in shown(app.screen.query_one("#edit-preview", Static))
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ConfirmDialog)
        await press(pilot, "y")
        preview = shown(app.screen.query_one("#edit-preview", Static))
        assert "ctrl+s again to commit" in preview
        assert git(demo_repo, "rev-parse", "HEAD").strip() == head
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, BrowserScreen)
    entry = load_term(demo_repo / "terms" / "SLACK_WATER.md").entry
    assert entry is not None and entry["triad"] == "just text"
    assert "foo" not in entry and "tri" not in entry


def test_cli_set_refuses_unknown_keys_and_kind_changes_unless_asked(demo_repo: Path) -> None:
    path = demo_repo / "terms" / "SLACK_WATER.md"
    before = path.read_bytes()
    typo = run_cli("--repo", demo_repo, "set", "SLACK_WATER", "triad.atr", "x")
    assert typo.code == 2 and "no field triad.atr" in typo.err and "did you mean triad.art" in typo.err
    assert "--new-key" in typo.err
    kind = run_cli("--repo", demo_repo, "set", "SLACK_WATER", "crosslinks", "none")
    assert kind.code == 2 and "crosslinks is a mapping" in kind.err and "--force" in kind.err
    emptied = run_cli("--repo", demo_repo, "set", "SLACK_WATER", "aliases", "")
    assert emptied.code == 2 and "aliases is a list" in emptied.err
    assert path.read_bytes() == before
    added = run_cli("--repo", demo_repo, "set", "SLACK_WATER", "local_note", "kept", "--new-key")
    assert added.code == 0, added.err
    forced = run_cli("--repo", demo_repo, "set", "SLACK_WATER", "aliases", "null", "--force")
    assert forced.code == 0, forced.err
    entry = load_term(path).entry
    assert entry is not None and entry["local_note"] == "kept" and entry["aliases"] is None
    schema_known = run_cli("--repo", demo_repo, "set", "SLACK_WATER", "naming_notes.disambiguation", "not a tide")
    assert schema_known.code == 0, schema_known.err
