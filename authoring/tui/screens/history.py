"""History of one term (a timeline of commits with actions, statuses, versions, reviewers and field
changes) and the repository audit (findings by severity; enter opens the term).

Must never: run Git or parse YAML: `Glossary.history` and `Glossary.audit` do that.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from authoring.tui.formatting import scalar
from authoring.tui.screens.review import _get, changes_text
from authoring.tui.service_calls import ServiceScreenMixin

SEVERITY_STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def timeline_text(entries: list[Any]) -> Text:
    """Newest first: commit, date, author, action, status and version before → after, reviews, changes."""
    text = Text()
    if not entries:
        return Text("No commits touch this term.", style="dim")
    for item in entries:
        text.append(f"{str(_get(item, 'commit', ''))[:8]} ", style="yellow")
        text.append(f"{scalar(_get(item, 'date'))}  ", style="dim")
        text.append(f"{_get(item, 'action')} ", style="bold")
        text.append(f"by {_get(item, 'author')}\n")
        before, after = _get(item, "status_before"), _get(item, "status_after")
        if before != after:
            text.append(f"    status {before} → {after}\n", style="cyan")
        vb, va = _get(item, "version_before"), _get(item, "version_after")
        if vb != va:
            text.append(f"    version {vb} → {va}\n", style="cyan")
        for review in _get(item, "reviews", []) or []:
            text.append(f"    review: {_get(review, 'action')} by {_get(review, 'who')}", style="magenta")
            if _get(review, "note"):
                text.append(f" — {_get(review, 'note')}", style="italic")
            text.append("\n")
        changes = list(_get(item, "changes", []) or [])
        if changes:
            body = changes_text(changes)
            body.pad_left(4)
            text.append_text(body)
        text.append("\n")
    return text


class HistoryScreen(ServiceScreenMixin, Screen[None]):
    """The history of one term."""

    BINDINGS = [Binding("escape", "back", "Back")]

    class Loaded(Message):
        """The timeline is ready."""

        def __init__(self, body: Text) -> None:
            super().__init__()
            self.body = body

    def __init__(self, term_id: str) -> None:
        super().__init__()
        self.term_id = term_id

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="history"):
            yield Static(f"Reading the history of {self.term_id}…", id="history-body")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"history of {self.term_id}"
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="history")
    def load(self) -> None:
        entries = list(self.call_service("history", self.term_id))
        self.post_message(self.Loaded(timeline_text(entries)))

    @on(Loaded)
    def loaded(self, message: Loaded) -> None:
        self.query_one("#history-body", Static).update(message.body)

    def action_back(self) -> None:
        self.dismiss(None)


class AuditScreen(ServiceScreenMixin, Screen[str | None]):
    """The audit of the whole repository; enter on a finding opens its term."""

    BINDINGS = [Binding("escape", "back", "Back")]

    class Loaded(Message):
        """The findings are ready."""

        def __init__(self, findings: list[Any]) -> None:
            super().__init__()
            self.findings = findings

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Auditing every term, its snippets and its history…", id="audit-summary")
        yield DataTable(id="findings", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "audit"
        table: DataTable[Any] = self.query_one("#findings", DataTable)
        table.add_columns("Severity", "Code", "Term", "Where", "Finding")
        table.focus()
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="audit")
    def load(self) -> None:
        report = self.call_service("audit")
        findings = _get(report, "findings", report)
        self.post_message(self.Loaded(list(findings)))

    @on(Loaded)
    def loaded(self, message: Loaded) -> None:
        table: DataTable[Any] = self.query_one("#findings", DataTable)
        counts: dict[str, int] = {}
        for finding in message.findings:
            severity = str(_get(finding, "severity", ""))
            counts[severity] = counts.get(severity, 0) + 1
            where = " ".join(str(x) for x in (_get(finding, "module"), _get(finding, "lines"),
                                              str(_get(finding, "commit") or "")[:8]) if x)
            table.add_row(Text(severity, style=SEVERITY_STYLES.get(severity, "")), str(_get(finding, "code")),
                          str(_get(finding, "term") or ""), where, str(_get(finding, "message")),
                          key=str(len(table.rows)))
        summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no findings"
        self.query_one("#audit-summary", Static).update(f"Audit: {summary}. Enter opens a finding's term.")
        self.findings = message.findings

    @on(DataTable.RowSelected, "#findings")
    def open_finding(self, event: DataTable.RowSelected) -> None:
        term = _get(self.findings[event.cursor_row], "term")
        if term:
            self.dismiss(str(term))

    def action_back(self) -> None:
        self.dismiss(None)
