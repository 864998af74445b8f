"""Deprecating a term and folding legacy headers in the UI, and the browser footer offering Review:
keys pressed on the real app over real repositories; what the user sees, the files and the commits."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import OptionList, Static
from textual.widgets._footer import FooterKey

from authoring.tui.screens.browser import BrowserScreen
from authoring.tui.screens.dialogs import ConfirmDialog, DeprecateDialog, MessageDialog
from authoring.tui.screens.review import ReviewScreen
from authoring.tui.widgets.term_table import TermTable
from tests.conftest import AGENT, EDITOR_2, git, run_cli
from tests.test_tui_review import events, notified, open_review, review_text, status_line
from tests.tui_support import make_app, press, settle, shown


def dialog_title(pilot: Pilot[Any]) -> str:
    return shown(pilot.app.screen.query_one(".dialog-title", Static), 110)


def notifications(pilot: Pilot[Any]) -> list[str]:
    return [str(n.message) for n in pilot.app._notifications]


def unchanged(repo: Path, head: str, term_id: str, before: bytes) -> bool:
    """Nothing was written or committed."""
    return (git(repo, "rev-parse", "HEAD") == head and (repo / "terms" / f"{term_id}.md").read_bytes() == before
            and not git(repo, "status", "--porcelain").strip())


# -- deprecate ----------------------------------------------------------------------------------------


async def test_deprecate_a_ratified_term_naming_its_successor(demo_repo: Path) -> None:
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_review(pilot, "TIDAL_LOOM")
        await press(pilot, "D")
        assert isinstance(app.screen, DeprecateDialog)
        assert dialog_title(pilot) == "Deprecate TIDAL_LOOM: why is it retired?\n"
        await press(pilot, "enter")  # moves to the successor field
        await press(pilot, "enter")  # no note: refused in the dialog
        assert "A note is required" in shown(app.screen.query_one("#deprecate-error", Static))
        await press(pilot, *"folded into the pressure term", "enter", *"WEFT_PRES_X", "enter")
        assert "No term 'WEFT_PRES_X' in this glossary" in shown(app.screen.query_one("#deprecate-error", Static))
        assert isinstance(app.screen, DeprecateDialog)  # a typo never reaches the service
        await press(pilot, *(["backspace"] * 6), "enter")  # "weft_pres" … begins exactly one id
        assert isinstance(app.screen, ConfirmDialog)
        assert dialog_title(pilot).startswith(
            "Deprecate TIDAL_LOOM (ratified → deprecated, superseded by WEFT_PRESSURE)?")
        await press(pilot, "y")
        assert isinstance(app.screen, ReviewScreen)
        assert notified(pilot, "TIDAL_LOOM: deprecate ratified → deprecated")
        text = review_text(pilot)
        assert "deprecated   v1.0" in text and "superseded by WEFT_PRESSURE" in text
        assert "deprecate by Test Editor <test-editor@example.org>  ratified → deprecated" in text
        assert "folded into the pressure term" in text
        await press(pilot, "escape")
        assert isinstance(app.screen, BrowserScreen)
        table = app.screen.query_one(TermTable)
        assert table.shown[table.cursor_row].status == "deprecated"  # the list follows
    # the header and the entry both carry the new status; the successor and the note are in the entry
    assert status_line(demo_repo, "TIDAL_LOOM") == ['status: "deprecated"', 'version: "1.0"',
                                                    "status: deprecated", 'version: "1.0"']
    text = (demo_repo / "terms" / "TIDAL_LOOM.md").read_text(encoding="utf-8")
    assert "\nsuperseded_by: WEFT_PRESSURE\n---\n" in text
    assert "notes: folded into the pressure term" in text
    message = git(demo_repo, "log", "-1", "--format=%an <%ae>%n%B")
    assert message.splitlines()[:2] == ["Test Editor <test-editor@example.org>",
                                        "TIDAL_LOOM: deprecate ratified → deprecated"]
    for trailer in ("Term: TIDAL_LOOM", "Action: deprecate", "Status: ratified → deprecated",
                    "Superseded-by: WEFT_PRESSURE"):
        assert trailer in message.splitlines()
    changed = git(demo_repo, "show", "--format=", "--name-only", "HEAD").split()
    assert changed[0].startswith("review_logs/TIDAL_LOOM/") and changed[1:] == ["terms/TIDAL_LOOM.md"]
    assert [name.split("-")[-2] for name in events(demo_repo, "TIDAL_LOOM")] == ["deprecate"]


async def test_deprecate_without_a_successor_and_cancelling_changes_nothing(demo_repo: Path) -> None:
    head = git(demo_repo, "rev-parse", "HEAD")
    before = (demo_repo / "terms" / "TIDAL_LOOM.md").read_bytes()
    app = make_app(demo_repo)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_review(pilot, "TIDAL_LOOM")
        await press(pilot, "D", "escape")  # cancel the dialog
        await press(pilot, "D", *"no longer used", "enter", "enter", "n")  # say no at the confirmation
        assert isinstance(app.screen, ReviewScreen)
        assert unchanged(demo_repo, head, "TIDAL_LOOM", before)
        await press(pilot, "D", *"no longer used", "enter", "enter")
        assert dialog_title(pilot).startswith("Deprecate TIDAL_LOOM (ratified → deprecated)?")
        await press(pilot, "y")
        assert notified(pilot, "TIDAL_LOOM: deprecate ratified → deprecated")
    assert "superseded_by" not in (demo_repo / "terms" / "TIDAL_LOOM.md").read_text(encoding="utf-8")
    assert "Superseded-by" not in git(demo_repo, "log", "-1", "--format=%B")


async def test_deprecating_a_candidate_is_refused_with_the_gate_before_any_prompt(demo_repo: Path) -> None:
    head = git(demo_repo, "rev-parse", "HEAD")
    before = (demo_repo / "terms" / "WEFT_PRESSURE.md").read_bytes()
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_review(pilot, "WEFT_PRESSURE")
        await press(pilot, "D")
        assert isinstance(app.screen, MessageDialog)
        assert dialog_title(pilot).startswith("Refused: WEFT_PRESSURE: deprecate candidate → deprecated refused")
        body = shown(app.screen.query_one("#message-body", Static), 110)
        assert body.strip() == "✗ move: only a ratified term can be deprecated; this term is candidate"
        await press(pilot, "escape")
        assert isinstance(app.screen, ReviewScreen)
    assert unchanged(demo_repo, head, "WEFT_PRESSURE", before)
    assert events(demo_repo, "WEFT_PRESSURE") == []


async def test_a_deprecation_the_service_refuses_shows_every_unmet_gate(demo_repo: Path) -> None:
    """An agent may not deprecate: the dialog is filled in, the service refuses, nothing is written."""
    head = git(demo_repo, "rev-parse", "HEAD")
    before = (demo_repo / "terms" / "TIDAL_LOOM.md").read_bytes()
    app = make_app(demo_repo, AGENT)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_review(pilot, "TIDAL_LOOM")
        await press(pilot, "D", *"superseded", "enter", *"SLACK_WATER", "enter", "y")
        assert isinstance(app.screen, MessageDialog)
        assert "TIDAL_LOOM: deprecate ratified → deprecated refused" in dialog_title(pilot)
        body = shown(app.screen.query_one("#message-body", Static), 110)
        assert body.startswith("✗ permission:") and "Extractive Agent" in body
    assert unchanged(demo_repo, head, "TIDAL_LOOM", before)


async def test_deprecate_and_fold_on_a_malformed_term_say_to_repair_first(demo_repo: Path) -> None:
    head = git(demo_repo, "rev-parse", "HEAD")
    before = (demo_repo / "terms" / "SHUTTLE_ECHO.md").read_bytes()
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_review(pilot, "SHUTTLE_ECHO")
        assert app.screen.sub_title == "review SHUTTLE_ECHO (malformed)"
        await press(pilot, "D", "f")
        assert isinstance(app.screen, ReviewScreen)  # no dialog: nothing could be done
        said = notifications(pilot)
        assert "SHUTTLE_ECHO does not parse: repair it before you deprecate it (see Problems)" in said
        assert "SHUTTLE_ECHO does not parse: repair it before you fold it (see Problems)" in said
    assert unchanged(demo_repo, head, "SHUTTLE_ECHO", before)


# -- fold legacy headers ------------------------------------------------------------------------------


def with_stale_header(repo: Path) -> bytes:
    """TIDAL_LOOM whose legacy header still says version 0.9 (the entry says 1.0), committed."""
    path = repo / "terms" / "TIDAL_LOOM.md"
    text = path.read_text(encoding="utf-8")
    assert text.count('version: "1.0"') == 2
    path.write_text(text.replace('version: "1.0"', 'version: "0.9"', 1), encoding="utf-8")
    git(repo, "commit", "-qam", "an old header")
    return path.read_bytes()


async def test_fold_headers_rewrites_the_stale_header_as_the_cli_does(demo_repo: Path, tmp_path: Path) -> None:
    with_stale_header(demo_repo)
    by_cli = shutil.copytree(demo_repo, tmp_path / "by-cli")
    assert run_cli("fold-headers", "TIDAL_LOOM", "--repo", by_cli).code == 0
    head = git(demo_repo, "rev-parse", "HEAD").strip()
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = await open_review(pilot, "TIDAL_LOOM")
        assert "Legacy headers\n1 legacy header block above the entry" in text
        assert "✗ it disagrees with the entry" in text
        assert "legacy header disagrees with the entry on version '0.9' (entry: '1.0')" in " ".join(text.split())
        await press(pilot, "f")
        assert dialog_title(pilot).startswith("Fold the legacy headers of TIDAL_LOOM into its entry?")
        await press(pilot, "y")
        assert notified(pilot, "TIDAL_LOOM: fold legacy headers: header 1 version")
        text = review_text(pilot)
        assert "✓ it agrees with the entry" in text and "header-disagrees" not in text
        assert "edit by Test Editor <test-editor@example.org>" in text
        await press(pilot, "f", "y")  # again: the service finds nothing to do and says so
        assert any("TIDAL_LOOM: the legacy headers already agree with the entry" in n for n in notifications(pilot))
    after = (demo_repo / "terms" / "TIDAL_LOOM.md").read_bytes()
    assert after == (by_cli / "terms" / "TIDAL_LOOM.md").read_bytes()  # exactly what `fold-headers` writes
    assert status_line(demo_repo, "TIDAL_LOOM")[:2] == ['status: "ratified"', 'version: "1.0"']
    assert git(demo_repo, "rev-list", "--count", f"{head}..HEAD").strip() == "1"  # one commit, not two
    message = git(demo_repo, "log", "-1", "--format=%B")
    assert message.splitlines()[0] == "TIDAL_LOOM: fold legacy headers"
    assert "Action: edit" in message and "Folded: header 1 version" in message
    assert [name.split("-")[-2] for name in events(demo_repo, "TIDAL_LOOM")] == ["edit"]


async def test_fold_headers_is_not_offered_without_a_legacy_header_and_says_why(demo_repo: Path) -> None:
    head = git(demo_repo, "rev-parse", "HEAD")
    before = (demo_repo / "terms" / "SLACK_WATER.md").read_bytes()
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = await open_review(pilot, "SLACK_WATER")
        assert "Legacy headers" not in text
        footer = [key.description for key in app.screen.query(FooterKey)]
        assert "Deprecate" in footer and "Fold headers" not in footer
        await press(pilot, "f")
        assert isinstance(app.screen, ReviewScreen)  # no confirmation for a fold that cannot happen
        why = "SLACK_WATER has no legacy header above its entry: there is nothing to fold"
        assert notifications(pilot).count(why) == 1
        await press(pilot, "ctrl+p", *"fold legacy", "enter")  # the palette's command says the same
        assert isinstance(app.screen, ReviewScreen)
        assert notifications(pilot).count(why) == 2
        await press(pilot, "escape")
        footer = [key.description for key in app.screen.query(FooterKey)]
        assert "Fold headers" not in footer
    assert unchanged(demo_repo, head, "SLACK_WATER", before)


async def test_fold_from_the_browser_palette_opens_the_review_and_asks(demo_repo: Path) -> None:
    with_stale_header(demo_repo)
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.query_one(TermTable).move_to("TIDAL_LOOM")
        await settle(pilot)
        detail = shown(app.screen.query_one("#detail-body", Static), 110)
        assert "warning: header-disagrees" in detail
        assert "Here: enter opens the review, where f folds the legacy headers." in detail
        await press(pilot, "ctrl+p", *"fold legacy", "enter")
        assert isinstance(app.screen, ConfirmDialog)
        assert dialog_title(pilot).startswith("Fold the legacy headers of TIDAL_LOOM into its entry?")
        await press(pilot, "y")
        assert isinstance(app.screen, ReviewScreen)
        assert notified(pilot, "TIDAL_LOOM: fold legacy headers")


# -- following links -------------------------------------------------------------------------------------


async def test_go_to_link_offers_a_successor_also_named_as_a_crosslink_once(demo_repo: Path) -> None:
    """TIDAL_LOOM names WEFT_PRESSURE as a downstream effect; superseded by it too, it is one choice."""
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_review(pilot, "TIDAL_LOOM")
        await press(pilot, "D", *"merged", "enter", *"WEFT_PRESSURE", "enter", "y", "escape")
        assert isinstance(app.screen, BrowserScreen)
        assert "superseded by WEFT_PRESSURE" in shown(app.screen.query_one("#detail-body", Static), 110)
        await press(pilot, "l")
        options = app.screen.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert labels == ["downstream effects, superseded by: WEFT_PRESSURE", "downstream effects: KNOT_DRIFT"]
        await press(pilot, "enter")
        table = app.screen.query_one(TermTable)
        assert table.current_id == "WEFT_PRESSURE"


# -- the browser footer ---------------------------------------------------------------------------------


async def test_the_browser_footer_lists_enter_as_review_and_enter_opens_it(demo_repo: Path) -> None:
    for size in ((80, 24), (120, 40)):
        app = make_app(demo_repo)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            assert app.focused is app.screen.query_one(TermTable)
            keys = [(key.key_display, key.description, key.region) for key in app.screen.query(FooterKey)]
            # Help and Quit first, then Review: all three show even at 80 columns
            assert [(display, description) for display, description, _ in keys[:3]] == [
                ("?", "Help"), ("^q", "Quit"), ("⏎", "Review")]
            region = keys[2][2]
            assert region.right <= size[0] and region.y == size[1] - 1
            assert [k[1] for k in keys].count("Review") == 1
            app.screen.query_one(TermTable).move_to("WEFT_PRESSURE")
            await press(pilot, "enter")
            assert isinstance(app.screen, ReviewScreen) and app.screen.term_id == "WEFT_PRESSURE"


async def test_help_lists_deprecate_and_fold_and_scrolls_to_them_at_80x24(demo_repo: Path) -> None:
    app = make_app(demo_repo)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "question_mark")
        help_pane = app.screen.query_one("#help")
        assert help_pane.scroll_y == 0 and help_pane.max_scroll_y > 0  # the keys do not all fit
        await press(pilot, "end")
        assert help_pane.scroll_y == help_pane.max_scroll_y
        text = " ".join(shown(static, 80) for static in help_pane.query(Static))
        assert "deprecate a ratified term (a note, an optional successor)" in " ".join(text.split())
        assert "fold legacy headers into the entry (when the term has them)" in " ".join(text.split())


# -- reviewing what was shown -----------------------------------------------------------------------------


async def test_an_approval_of_content_changed_since_it_was_shown_is_refused_and_the_review_reloads(
        demo_repo: Path) -> None:
    """Bob edits WEFT_PRESSURE while the review is open: approving what the screen showed would approve
    content nobody reviewed. The service refuses (the screen passes the revision it showed)."""
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_review(pilot, "WEFT_PRESSURE")
        edited = run_cli("set", "WEFT_PRESSURE", "pirouette_definition", "A changed definition.", "--repo",
                         demo_repo, "--as", EDITOR_2)
        assert edited.code == 0, edited.out + edited.err
        head = git(demo_repo, "rev-parse", "HEAD")
        await press(pilot, "a", *"looks right", "enter")
        assert isinstance(app.screen, ReviewScreen)
        assert any("WEFT_PRESSURE: the content changed since you read it" in n for n in notifications(pilot))
        assert git(demo_repo, "rev-parse", "HEAD") == head  # nothing recorded
        assert [name.split("-")[-2] for name in events(demo_repo, "WEFT_PRESSURE")] == ["edit"]  # Bob's only
        text = review_text(pilot)  # reloaded: Bob's change is on screen now
        assert "pirouette_definition" in text and "A changed definition." in text
        await press(pilot, "a", *"looks right", "enter")  # approving what is shown now goes through
        assert notified(pilot, "WEFT_PRESSURE: approve recorded")
    assert [name.split("-")[-2] for name in events(demo_repo, "WEFT_PRESSURE")] == ["edit", "approve"]
