"""Reviewing in the UI: approve, request changes, comment, promote through a gate, be refused by
one, demote — each one commit, named in a notification; the files and commits checked after."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Static

from authoring.tui.screens.browser import BrowserScreen
from authoring.tui.screens.dialogs import MessageDialog
from authoring.tui.screens.review import ReviewScreen
from authoring.tui.widgets.term_table import TermTable
from tests.conftest import EDITOR_2, git
from tests.tui_support import make_app, press, settle, shown


async def open_review(pilot: Pilot[Any], term_id: str) -> str:
    """Select a term, press enter, and return what the review screen shows."""
    pilot.app.screen.query_one(TermTable).move_to(term_id)
    await settle(pilot)
    await press(pilot, "enter")
    assert isinstance(pilot.app.screen, ReviewScreen)
    return review_text(pilot)


def review_text(pilot: Pilot[Any]) -> str:
    return shown(pilot.app.screen.query_one("#review-body", Static), 110)


def notified(pilot: Pilot[Any], text: str) -> bool:
    """True when a notification names the action and the commit it made (`… (1a2b3c4d)`)."""
    head = git(Path(pilot.app.glossary.root), "rev-parse", "--short=8", "HEAD").strip()  # type: ignore[attr-defined]
    return any(text in str(n.message) and head in str(n.message) for n in pilot.app._notifications)


def events(repo: Path, term_id: str) -> list[str]:
    folder = repo / "review_logs" / term_id
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def status_line(repo: Path, term_id: str) -> list[str]:
    text = (repo / "terms" / f"{term_id}.md").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.startswith(("status:", "version:"))]


async def test_approve_then_promote_candidate_to_ratified(demo_repo: Path) -> None:
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = await open_review(pilot, "WEFT_PRESSURE")
        assert "Gates for candidate → ratified" in text
        assert "✗ approvals" in text and "Promotion would be refused" in text
        await press(pilot, "a", *"cites the threshold", "enter")
        assert notified(pilot, "WEFT_PRESSURE: approve recorded")
        text = review_text(pilot)
        assert "✓ approvals — 1 valid: Test Editor <test-editor@example.org>" in text
        assert "approve by Test Editor <test-editor@example.org>" in text and "cites the threshold" in text
        await press(pilot, "p")
        assert "Promote WEFT_PRESSURE from candidate to ratified?" in shown(app.screen.query_one(".dialog-title",
                                                                                                  Static))
        await press(pilot, "y")
        assert notified(pilot, "WEFT_PRESSURE: promote candidate → ratified")
        await press(pilot, "escape")
        assert isinstance(app.screen, BrowserScreen)
        await settle(pilot)
        table = app.screen.query_one(TermTable)
        assert table.shown[table.cursor_row].status == "ratified"  # the list follows
    assert status_line(demo_repo, "WEFT_PRESSURE")[-2:] == ["status: ratified", "version: 1.0"]
    subjects = git(demo_repo, "log", "-2", "--format=%s").splitlines()
    assert subjects == ["WEFT_PRESSURE: promote candidate → ratified", "WEFT_PRESSURE: approve"]
    trailers = git(demo_repo, "log", "-1", "--format=%(trailers)")
    assert "Reviewed-by: Test Editor <test-editor@example.org>" in trailers
    assert [name.split("-")[-2] for name in events(demo_repo, "WEFT_PRESSURE")] == ["approve", "promote"]


async def test_promote_draft_to_candidate_through_the_full_entry_gate(demo_repo: Path) -> None:
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = await open_review(pilot, "SLACK_WATER")
        assert "Gates for draft → candidate" in text
        assert "✓ provenance — a source whose snippet is found in its module" in text
        assert "All gates pass" in text
        await press(pilot, "p", "y")
        assert notified(pilot, "SLACK_WATER: promote draft → candidate")
        assert "Gates for candidate → ratified" in review_text(pilot)
    assert "status: candidate" in status_line(demo_repo, "SLACK_WATER")
    assert git(demo_repo, "log", "-1", "--format=%an%n%s").splitlines() == [
        "Test Editor", "SLACK_WATER: promote draft → candidate"]


async def test_a_refused_promotion_shows_every_unmet_gate_and_changes_nothing(demo_repo: Path) -> None:
    head = git(demo_repo, "rev-parse", "HEAD")
    before = (demo_repo / "terms" / "KNOT_DRIFT.md").read_bytes()
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = await open_review(pilot, "KNOT_DRIFT")
        assert "✗ triad" in text and "✗ provenance" in text
        await press(pilot, "p", "y")
        assert isinstance(app.screen, MessageDialog)
        body = shown(app.screen.query_one("#message-body", Static), 110)
        for gate in ("triad", "pirouette_definition", "operational_definition", "crosslinks", "provenance"):
            assert f"✗ {gate}" in body
        await press(pilot, "escape")
        assert isinstance(app.screen, ReviewScreen)
    assert (demo_repo / "terms" / "KNOT_DRIFT.md").read_bytes() == before
    assert git(demo_repo, "rev-parse", "HEAD") == head
    assert events(demo_repo, "KNOT_DRIFT") == []


async def test_request_changes_blocks_ratification_until_resolved(demo_repo: Path) -> None:
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_review(pilot, "WEFT_PRESSURE")
        await press(pilot, "c", "enter")  # an empty note is refused in the dialog
        assert "A note is required" in shown(app.screen.query_one("#note-error", Static))
        await press(pilot, *"cite the module lines", "enter")
        assert notified(pilot, "WEFT_PRESSURE: request changes recorded")
        text = review_text(pilot)
        assert "✗ no open requests — open request for changes by Test Editor" in text
        assert "request changes by Test Editor" in text
    assert [n.split("-")[-2] for n in events(demo_repo, "WEFT_PRESSURE")] == ["request_changes"]
    assert git(demo_repo, "log", "-1", "--format=%s").strip() == "WEFT_PRESSURE: request changes"


async def test_comment_is_recorded_as_one_commit(demo_repo: Path) -> None:
    before = (demo_repo / "terms" / "SLACK_WATER.md").read_bytes()
    app = make_app(demo_repo, EDITOR_2)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "acting as Bob Editor <bob@example.org>" in app.sub_title
        await open_review(pilot, "SLACK_WATER")
        await press(pilot, "m", *"nice image", "enter")
        assert notified(pilot, "SLACK_WATER: comment recorded")
        assert "comment by Bob Editor <bob@example.org>" in review_text(pilot)
    assert (demo_repo / "terms" / "SLACK_WATER.md").read_bytes() == before  # a comment changes no term
    assert git(demo_repo, "log", "-1", "--format=%an <%ae>|%s").strip() == (
        "Bob Editor <bob@example.org>|SLACK_WATER: comment")
    assert git(demo_repo, "show", "--format=", "--name-only", "HEAD").strip().startswith("review_logs/SLACK_WATER/")


async def test_demote_asks_for_a_note_and_moves_the_term_back(demo_repo: Path) -> None:
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_review(pilot, "TIDAL_LOOM")
        await press(pilot, "d")  # ratified can go back to candidate or draft: choose
        await press(pilot, "enter")  # the first choice: candidate
        assert "Demote TIDAL_LOOM to candidate: why?" in shown(app.screen.query_one(".dialog-title", Static))
        await press(pilot, *"reopened for the new module", "enter")
        assert notified(pilot, "TIDAL_LOOM: demote ratified → candidate")
    assert "status: candidate" in status_line(demo_repo, "TIDAL_LOOM")
    body = git(demo_repo, "log", "-1", "--format=%B")
    assert "Action: demote" in body and "Status: ratified → candidate" in body
    text = (demo_repo / "terms" / "TIDAL_LOOM.md").read_text(encoding="utf-8")
    assert "reopened for the new module" in text  # appended to provenance.review_log
