"""Snapshot tests of the main screens at fixed sizes on the demo glossary (its dates are fixed in the
files; the identity comes from the tests' Git configuration). Review updates by eye:
`pytest tests/test_tui_snapshots.py --snapshot-update`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import TextArea

from authoring.repo.action_path import FixedClock
from authoring.tui.widgets.term_table import TermTable
from tests.tui_support import make_app, press, settle


@pytest.fixture(autouse=True)
def _frozen_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fixed commit dates (so commit ids are the same every run) and a fixed "today" for edits."""
    for variable in ("GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"):
        monkeypatch.setenv(variable, "2026-11-20T12:00:00+00:00")
    noon = dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC)
    monkeypatch.setattr("authoring.repo.service.SYSTEM_CLOCK", FixedClock(noon))  # the app's glossary's clock


@pytest.fixture
def demo_repo(tmp_path: Path, _frozen_time: None) -> Path:
    """The demo glossary built here, under the fixed dates (the shared template's commits carry the time it
    was built, and a commit id is on screen)."""
    from authoring.repo.demo import make_demo_repository

    return make_demo_repository(tmp_path / "glossary")


def at(term_id: str, *keys: str) -> Any:
    """A `run_before` that waits for loading, moves to a term and presses keys."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        pilot.app.screen.query_one(TermTable).move_to(term_id)
        await settle(pilot)
        await press(pilot, *keys)

    return run_before


def test_snapshot_browser_wide(demo_repo: Path, snap_compare: Any) -> None:
    assert snap_compare(make_app(demo_repo), terminal_size=(120, 40), run_before=at("TIDAL_LOOM"))


def test_snapshot_browser_small_terminal(demo_repo: Path, snap_compare: Any) -> None:
    assert snap_compare(make_app(demo_repo), terminal_size=(80, 24), run_before=at("WEFT_PRESSURE"))


def test_snapshot_malformed_term(demo_repo: Path, snap_compare: Any) -> None:
    assert snap_compare(make_app(demo_repo), terminal_size=(120, 40), run_before=at("SHUTTLE_ECHO"))


def test_snapshot_edit_preview(demo_repo: Path, snap_compare: Any) -> None:
    typing = at("SLACK_WATER", "e", *"symbol", "enter", "f6", *"W_s", "ctrl+s")

    async def run_before(pilot: Pilot[Any]) -> None:
        await typing(pilot)
        pilot.app.screen.query_one(TextArea).cursor_blink = False  # a blinking cursor makes the snapshot flaky
        await settle(pilot)

    assert snap_compare(make_app(demo_repo), terminal_size=(100, 30), run_before=run_before)


def test_snapshot_help(demo_repo: Path, snap_compare: Any) -> None:
    assert snap_compare(make_app(demo_repo), terminal_size=(100, 40), run_before=at("KNOT_DRIFT", "question_mark"))


def test_snapshot_review_with_gate_checklist(demo_repo: Path, snap_compare: Any) -> None:
    assert snap_compare(make_app(demo_repo), terminal_size=(110, 36), run_before=at("SLACK_WATER", "enter"))


def test_snapshot_audit(demo_repo: Path, snap_compare: Any) -> None:
    assert snap_compare(make_app(demo_repo), terminal_size=(120, 30), run_before=at("KNOT_DRIFT", "a"))


def test_snapshot_queue_small_terminal(demo_repo: Path, snap_compare: Any) -> None:
    """What awaits the tests' editor on the demo (WEFT_PRESSURE to approve), at 80×24."""
    assert snap_compare(make_app(demo_repo), terminal_size=(80, 24), run_before=at("KNOT_DRIFT", "w"))


def test_snapshot_list_with_selection_small_terminal(demo_repo: Path, snap_compare: Any) -> None:
    """The list at 80×24 with two rows selected for a bulk action (marked, counted in the status line)."""
    assert snap_compare(make_app(demo_repo), terminal_size=(80, 24),
                        run_before=at("KNOT_DRIFT", "space", "down", "down", "space"))
