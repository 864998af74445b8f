"""Drafting from a module in the UI: read it with line numbers, select lines, pick a candidate, run
the extractive agent in a worker, preview the draft, save it (committed as the agent)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList, Static, TextArea

from authoring.tui.screens.browser import BrowserScreen
from authoring.tui.screens.draft import DraftPreviewScreen, DraftScreen
from authoring.tui.widgets.term_table import TermTable
from tests.conftest import git, make_repo
from tests.tui_support import make_app, press, settle, shown, table_column


async def test_draft_a_new_term_from_selected_lines_and_save_it_as_the_agent(demo_repo: Path) -> None:
    app = make_app(demo_repo)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        assert isinstance(app.screen, DraftScreen)
        await press(pilot, "enter")  # the first (only) module: DEMO-001
        text = app.screen.query_one("#module-text", TextArea)
        assert text.document.get_line(42).startswith("| Loom Period |")  # line 43, numbered as in the file
        sections = app.screen.query_one("#sections", OptionList)
        assert "§4 Knot Drift" in str(sections.get_option_at_index(3).prompt)
        candidates = app.screen.query_one("#candidates", OptionList)
        labels = [str(candidates.get_option_at_index(i).prompt) for i in range(candidates.option_count)]
        assert labels[0].startswith("○ Weft Pressure (WEFT_PRESSURE, candidate)")
        loom = next(i for i, label in enumerate(labels) if label.startswith("● Loom Period"))
        for _ in range(42):  # to line 43
            await pilot.press("down")
        await press(pilot, "shift+end", "ctrl+l")
        assert "lines 43-43" in shown(app.screen.query_one("#draft-status", Static))
        await press(pilot, "tab", "tab")  # sections, then candidates
        assert app.focused is candidates
        await press(pilot, "home", *["down"] * loom, "enter")  # Loom Period (new)
        assert "term: Loom Period" in shown(app.screen.query_one("#draft-status", Static))
        await press(pilot, "ctrl+d")
        assert isinstance(app.screen, DraftPreviewScreen)
        draft = app.screen.query_one("#draft-text", TextArea).text
        assert "canonical_id: LOOM_PERIOD" in draft and "L43-L43" in draft and "status: draft" in draft
        assert not (demo_repo / "terms" / "LOOM_PERIOD.md").exists()  # nothing written by the preview
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, BrowserScreen)
        await settle(pilot)
        table = app.screen.query_one(TermTable)
        assert "LOOM_PERIOD" in table_column(table)
        assert table.current_id == "LOOM_PERIOD"
        assert "Loom Period" in shown(app.screen.query_one("#detail-body", Static))
    saved = (demo_repo / "terms" / "LOOM_PERIOD.md").read_text(encoding="utf-8")
    assert saved == draft
    author = git(demo_repo, "log", "-1", "--format=%an <%ae>").strip()
    assert author == "Extractive Agent <agent@authoring.invalid>"
    assert git(demo_repo, "status", "--porcelain") == ""


async def test_modules_sharing_an_id_and_sections_numbered_alike_are_listed_and_cited_exactly(tmp_path: Path) -> None:
    # Real modules do this: two files whose names start with the same id, and a module that numbers two
    # sections alike. Both are listed (each under a reference naming it alone); a twice-numbered section
    # is cited by its lines, since `§1` would name both.
    module = ("---\nid: {id}\ntitle: {title}\n---\n# {title}\n\n## §1 Tides\nThe tide comes in.\n\n"
              "## §1 Tides again\nThe tide goes out.\n")
    repo = make_repo(tmp_path / "mods", {
        "terms/ONE.md": "---\ncanonical_id: ONE\nterm: One\nstatus: draft\n---\n",
        "modules/TIDE-001_first.md": module.format(id="TIDE-001", title="First"),
        "modules/TIDE-001_second.md": module.format(id="TIDE-001", title="Second")})
    app = make_app(repo)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        assert isinstance(app.screen, DraftScreen)
        modules = app.screen.query_one("#modules", OptionList)
        ids = [modules.get_option_at_index(i).id for i in range(modules.option_count)]
        assert ids == ["TIDE-001_first", "TIDE-001_second"]
        await press(pilot, "down", "enter")  # the second file
        assert "The tide goes out." in app.screen.query_one("#module-text", TextArea).text
        sections = app.screen.query_one("#sections", OptionList)
        assert sections.option_count == 2
        sections.focus()
        await press(pilot, "down", "down", "enter")  # the second "§1"
        status = shown(app.screen.query_one("#draft-status", Static))
        assert "TIDE-001_second" in status and "lines 10-11" in status, status


async def test_the_module_list_filters_as_you_type(tmp_path: Path) -> None:
    module = "---\nid: {id}\ntitle: {title}\n---\n# {title}\n\nSome text.\n"
    repo = make_repo(tmp_path / "many", {
        "terms/ONE.md": "---\ncanonical_id: ONE\nterm: One\nstatus: draft\n---\n",
        **{f"modules/MOD-{n:03d}_m.md": module.format(id=f"MOD-{n:03d}", title=title)
           for n, title in enumerate(["The Tidal Loom", "Slack Water", "Knot Drift", "Weft and Warp"])}})
    app = make_app(repo)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        modules = app.screen.query_one("#modules", OptionList)
        assert modules.option_count == 4
        await press(pilot, "slash", *"water")  # words of the title, any case
        assert [modules.get_option_at_index(i).id for i in range(modules.option_count)] == ["MOD-001"]
        await press(pilot, "enter", "enter")  # to the list, then read the module
        assert "Slack Water" in app.screen.query_one("#module-text", TextArea).text


async def test_the_draft_screen_marks_a_candidate_that_may_duplicate_a_term(demo_repo: Path) -> None:
    # "Loom Periods" exists under the plural id: the module's new candidate "Loom Period" may duplicate it
    (demo_repo / "terms" / "LOOM_PERIODS.md").write_text(
        "---\nterm: Loom Periods\ncanonical_id: LOOM_PERIODS\nstatus: draft\n---\n# Loom Periods\n", encoding="utf-8")
    git(demo_repo, "add", "--all")
    git(demo_repo, "commit", "--quiet", "-m", "a plural term")
    app = make_app(demo_repo)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await press(pilot, "n", "enter")
        candidates = app.screen.query_one("#candidates", OptionList)
        labels = [str(candidates.get_option_at_index(i).prompt) for i in range(candidates.option_count)]
        loom = next(label for label in labels if label.startswith("● Loom Period"))
        assert "≈ may duplicate LOOM_PERIODS" in loom
        assert not any("may duplicate" in label for label in labels if label.startswith("○"))
