"""History of a term and the repository audit, in the UI, on histories built through the tool."""

from __future__ import annotations

from pathlib import Path

from textual.message import Message
from textual.widgets import DataTable, Static

from authoring.repo.service import Glossary
from authoring.tui.screens.browser import BrowserScreen
from authoring.tui.screens.history import AuditScreen, HistoryScreen
from authoring.tui.widgets.term_table import TermTable
from tests.conftest import EDITOR_2, git
from tests.tui_support import data_table_column, make_app, press, settle, shown


async def test_history_shows_each_commit_with_action_versions_reviews_and_field_changes(demo_repo: Path) -> None:
    with Glossary.open(demo_repo) as glossary:  # build a history through the tool
        glossary.set_field("SLACK_WATER", "symbol", "W_s")
    with Glossary.open(demo_repo, EDITOR_2) as glossary:
        glossary.review("SLACK_WATER", "comment", "symbol reads well")
    commit = git(demo_repo, "rev-parse", "--short=8", "HEAD~1").strip()
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.query_one(TermTable).move_to("SLACK_WATER")
        await settle(pilot)
        await press(pilot, "h")
        assert isinstance(app.screen, HistoryScreen)
        text = shown(app.screen.query_one("#history-body", Static), 110)
        lines = text.splitlines()
        # newest first: the comment, the edit, then the import
        assert lines[0].split()[3:6] == ["comment", "by", "Bob"]
        assert "review: comment by Bob Editor <bob@example.org> — symbol reads well" in text
        assert f"{commit} " in text and "edit by Test Editor <test-editor@example.org>" in text
        assert "version 0.1 → 0.2" in text
        assert "symbol changed" in text and "+ W_s" in text
        assert "create (inferred) by Authoring Demo <demo@authoring.invalid>" in text
        assert "created with 16 fields: term, canonical_id" in text
        await press(pilot, "escape")
        assert isinstance(app.screen, BrowserScreen)


async def test_audit_lists_findings_by_severity_and_enter_opens_the_term(demo_repo: Path) -> None:
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "a")
        assert isinstance(app.screen, AuditScreen)
        summary = shown(app.screen.query_one("#audit-summary", Static))
        assert "1 error" in summary and "2 warning" in summary
        table: DataTable[object] = app.screen.query_one("#findings", DataTable)
        codes = data_table_column(table, 1)
        assert codes[:3] == ["yaml-syntax", "ratified-without-review", "unreviewed-status"]
        assert "snippet-found" in codes
        await press(pilot, "down")  # ratified-without-review on TIDAL_LOOM
        await press(pilot, "enter")
        assert isinstance(app.screen, BrowserScreen)
        assert app.screen.query_one(TermTable).current_id == "TIDAL_LOOM"
        assert "Tidal Loom" in shown(app.screen.query_one("#detail-body", Static))


async def test_audit_shows_each_stage_then_the_summary_and_the_highlighted_finding_in_full(demo_repo: Path) -> None:
    app = make_app(demo_repo)
    lines: list[str] = []

    def watch(message: Message) -> None:
        """Before each message is handled: what the audit's progress line shows (the last one's doing)."""
        screen = app.screen_stack[-1] if app.screen_stack else None
        for widget in screen.query("#audit-summary").results(Static) if isinstance(screen, AuditScreen) else []:
            text = shown(widget, 200).strip()
            if not lines or lines[-1] != text:
                lines.append(text)

    async with app.run_test(size=(80, 30), message_hook=watch) as pilot:
        await settle(pilot)
        await press(pilot, "a")
        assert isinstance(app.screen, AuditScreen)
        summary = shown(app.screen.query_one("#audit-summary", Static)).strip()
        assert summary.startswith("Audit: 1 error, ") and lines[-1] == summary
        # every stage was on screen, in order, each as it started (later counts are throttled)
        starts = ["Auditing every term, its snippets and its history…",
                  "Auditing (1 of 5): reading terms 0/5…", "Auditing (2 of 5): checking integrity 0/5…",
                  "Auditing (3 of 5): checking provenance 0/5…", "Auditing (4 of 5): walking history…",
                  "Auditing (5 of 5): checking workflow 0/5…"]
        assert [line for line in lines if line in starts] == starts, lines

        table: DataTable[object] = app.screen.query_one("#findings", DataTable)
        detail = app.screen.query_one("#finding-detail", Static)
        first = shown(detail, 78)
        assert first.startswith("error  yaml-syntax  "), first
        await press(pilot, "down")
        text = " ".join(shown(detail, 78).split())  # the message, wrapped to the pane
        assert text.startswith("warning ratified-without-review TIDAL_LOOM terms/TIDAL_LOOM.md")
        assert "arrived as ratified (imported or committed outside the workflow) with no recorded review" in text
        found = data_table_column(table, 1).index("snippet-found")
        table.move_cursor(row=found)
        await settle(pilot)
        finding = app.screen.findings[found]
        assert finding.module and finding.lines and finding.now
        text = " ".join(shown(detail, 78).split())
        assert finding.message in text
        assert f"module {finding.module} · cited at {finding.lines} · now at {finding.now}" in text
        await press(pilot, "enter")  # enter still opens the highlighted finding's term
        assert isinstance(app.screen, BrowserScreen)
        assert app.screen.query_one(TermTable).current_id == finding.term
