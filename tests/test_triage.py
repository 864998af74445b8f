"""Triage of long reports: `check`/`audit` filters and per-code summaries, audit since adoption, and the
UI's audit view (filters, its place kept, a cached result) and the review screen's own findings."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import DataTable, Static

from authoring.repo.audit_cache import AuditCache
from authoring.tui.screens.history import AuditScreen
from authoring.tui.screens.review import ReviewScreen
from authoring.tui.widgets.term_table import TermTable
from tests.conftest import EDITOR, run_cli
from tests.test_adoption import _commit_as, make_upstream
from tests.tui_support import data_table_column, make_app, press, settle, shown


def test_audit_filters_by_severity_code_and_term_and_prints_a_summary_table(demo_repo: Path) -> None:
    everything = json.loads(run_cli("audit", "--repo", demo_repo, "--json").out)
    assert {f["severity"] for f in everything["findings"]} == {"error", "warning", "info"}
    errors = run_cli("audit", "--repo", demo_repo, "--severity", "error")
    assert errors.code == 1
    listed = [line for line in errors.out.splitlines() if ": error: " in line or ": warning: " in line]
    assert listed and all(": error: " in line for line in listed)
    assert "CODE" in errors.out and "yaml-syntax" in errors.out.split("CODE", 1)[1]
    assert "shown: 1 (errors only)" in errors.out
    warnings = run_cli("audit", "--repo", demo_repo, "--code", "ratified-without-review", "--code",
                       "unreviewed-status", "--json")
    assert warnings.code == 0  # no error among those shown
    data = json.loads(warnings.out)
    assert {f["code"] for f in data["findings"]} == {"ratified-without-review", "unreviewed-status"}
    assert data["summary"]["shown"]["by_code"]["unreviewed-status"]["warning"] == 1
    one = json.loads(run_cli("audit", "TIDAL_LOOM", "--repo", demo_repo, "--json").out)
    assert {f["term"] for f in one["findings"]} == {"TIDAL_LOOM"}
    assert run_cli("audit", "--repo", demo_repo, "--severity", "loud").code == 2


def test_check_filters_and_summarises(demo_repo: Path) -> None:
    result = run_cli("check", "--repo", demo_repo, "--severity", "error", "--json")
    data = json.loads(result.out)
    assert data["by_code"] == {"yaml-syntax": {"error": 1, "warning": 0, "info": 0, "total": 1}}
    assert result.code == 1
    quiet = run_cli("check", "--repo", demo_repo, "--code", "header-disagrees", "--term", "KNOT_DRIFT")
    assert quiet.code == 0 and "1 term(s) checked" in quiet.out


def test_audit_since_adoption_judges_only_terms_changed_since(tmp_path: Path) -> None:
    repo = make_upstream(tmp_path / "pirouette")
    assert run_cli("adopt", "--repo", repo, "--as", EDITOR).code == 0
    before = run_cli("audit", "--repo", repo, "--since-adoption", "--severity", "error")
    assert before.code == 0 and "no term changed" in before.out  # the imported SHUTTLE_ECHO error is baseline
    path = repo / "modules" / "dictionary" / "KNOT_DRIFT.md"
    path.write_text(path.read_text(encoding="utf-8").replace("term:", "term: [", 1), encoding="utf-8")
    _commit_as(repo, EDITOR, "break a term")
    after = run_cli("audit", "--repo", repo, "--since-adoption", "--severity", "error", "--json")
    assert after.code == 1
    assert {f["term"] for f in json.loads(after.out)["findings"]} == {"KNOT_DRIFT"}


async def test_audit_view_filters_keeps_its_place_and_reuses_the_result(demo_repo: Path) -> None:
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "a")
        screen = app.screen
        assert isinstance(screen, AuditScreen)
        table: DataTable[object] = screen.query_one("#findings", DataTable)
        assert len(data_table_column(table, 1)) == 6
        await press(pilot, "e")  # errors only
        assert data_table_column(table, 1) == ["yaml-syntax"]
        await press(pilot, "e")  # errors and warnings
        assert data_table_column(table, 1) == ["yaml-syntax", "ratified-without-review", "unreviewed-status"]
        await press(pilot, "x", "down", "down", "down", "down")  # snippet-found on TIDAL_LOOM
        assert data_table_column(table, 2)[table.cursor_row] == "TIDAL_LOOM"
        await press(pilot, "t")
        assert set(data_table_column(table, 2)) == {"TIDAL_LOOM"}
        assert data_table_column(table, 1)[table.cursor_row] == "snippet-found"  # the same finding, still
        await press(pilot, "c")
        assert data_table_column(table, 1) == ["snippet-found"]
        assert "showing code snippet-found; term TIDAL_LOOM" in shown(screen.query_one("#audit-summary", Static))
        await press(pilot, "escape")
        store = AuditCache(app.glossary).path  # the persistent store: rewritten only when an audit runs
        stored = store.stat().st_mtime_ns
        await press(pilot, "a")  # back again: the same filter and finding, no new audit run
        again = app.screen
        assert isinstance(again, AuditScreen) and again is not screen
        table = again.query_one("#findings", DataTable)
        assert data_table_column(table, 1) == ["snippet-found"] and data_table_column(table, 2) == ["TIDAL_LOOM"]
        assert store.stat().st_mtime_ns == stored  # served from the store: no new audit run


async def test_review_of_a_candidate_shows_its_own_audit_findings(demo_repo: Path) -> None:
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        app.screen.query_one(TermTable).move_to("WEFT_PRESSURE")
        await settle(pilot)
        await press(pilot, "enter")
        assert isinstance(app.screen, ReviewScreen)
        await settle(pilot)
        text = shown(app.screen.query_one("#review-audit", Static), 110)
        assert "Audit findings for this term" in text
        assert "warning unreviewed-status: arrived as candidate" in text
        assert "TIDAL_LOOM" not in text
