"""History of one term (a timeline of commits with actions, statuses, versions, reviewers and field
changes) and the repository audit (its progress, then findings by severity with the highlighted one
in full; enter opens the term). The audit view narrows its findings by severity, code and term
(`core.triage`), keeps its place across filters and visits, and reuses the service's cached audit
while the repository is unchanged.

Must never: run Git or parse YAML: `Glossary.history` and `Glossary.audit` do that.
"""

from __future__ import annotations

import time
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header
from textual.worker import Worker, WorkerState, get_current_worker

from authoring.core.triage import Triage
from authoring.errors import Severity
from authoring.repo.audit import STAGES, AuditProgress, Finding
from authoring.repo.history import HistoryEntry
from authoring.tui.actions import AUDIT_ACTIONS, HISTORY_ACTIONS
from authoring.tui.formatting import changes_text, inert_renderable
from authoring.tui.plain import DataTable, Static
from authoring.tui.service_calls import ServiceScreenMixin
from authoring.tui.widgets.sized_table import fill_sized

SEVERITY_STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}
# The message before the location: its start is on screen at 80 columns; all of it is underneath.
AUDIT_COLUMNS = ("Severity", "Code", "Term", "Finding", "Where")
# A few corpus ids run to 40 characters: beyond this the Term column ends in … (the pane has it whole).
TERM_WIDTH = 30
# The audit's progress line is redrawn at most this often (a step arrives for every term and commit).
PROGRESS_SECONDS = 0.1


def timeline_text(entries: list[HistoryEntry]) -> Text:
    """Newest first: commit, date, author, action, status and version before → after, reviews, changes."""
    text = Text()
    if not entries:
        return Text("No commits touch this term.", style="dim")
    for item in entries:
        text.append(f"{item.commit[:8]} ", style="yellow")
        text.append(f"{item.date[:16].replace('T', ' ')}  ", style="dim")
        text.append(f"{item.action}{' (inferred)' if item.action_inferred else ''} ", style="bold")
        text.append(f"by {item.author}\n")
        if item.status_before != item.status_after:
            text.append(f"    status {item.status_before or '—'} → {item.status_after or '—'}\n", style="cyan")
        if item.version_before != item.version_after:
            text.append(f"    version {item.version_before or '—'} → {item.version_after or '—'}\n", style="cyan")
        for review in item.reviews:
            text.append(f"    review: {str(review.get('action', '')).replace('_', ' ')} by {review.get('who')}",
                        style="magenta")
            if review.get("note"):
                text.append(f" — {review.get('note')}", style="italic")
            if not review.get("counts", True):
                text.append(f"  does not count: {review.get('doubt')}", style="bold red")
            text.append("\n")
        if item.changes:
            text.append_text(changes_text(item.changes, indent=4))
        if item.error:
            text.append(f"    {item.error}\n", style="red")
        text.append("\n")
    return text


class HistoryScreen(ServiceScreenMixin, Screen[None]):
    """The history of one term."""

    ACTIONS = HISTORY_ACTIONS
    BINDINGS = HISTORY_ACTIONS.bindings()

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
        with self.service() as glossary:
            entries = glossary.history(self.term_id)
        self.post_message(self.Loaded(timeline_text(entries)))

    @on(Loaded)
    def loaded(self, message: Loaded) -> None:
        self.query_one("#history-body", Static).update(inert_renderable(message.body))

    def action_back(self) -> None:
        self.dismiss(None)


def finding_text(finding: Finding) -> Text:
    """A finding in full, for the pane under the findings table: what and where on the first line, the
    whole message (wrapped), then the module, cited lines, where the snippet stands now and the commit."""
    severity = str(finding.severity)
    text = Text()
    text.append(severity, style=SEVERITY_STYLES.get(severity, ""))
    text.append(f"  {finding.code}", style="bold")
    if finding.term:
        text.append(f"  {finding.term}")
    if finding.path:
        text.append(f"  {finding.path}{f':{finding.line}' if finding.line else ''}", style="dim")
    text.append(f"\n{finding.message}")
    where = [f"module {finding.module}" if finding.module else "", f"cited at {finding.lines}" if finding.lines else "",
             f"now at {finding.now}" if finding.now else "", f"commit {finding.commit}" if finding.commit else ""]
    if any(where):
        text.append("\n" + " · ".join(w for w in where if w), style="cyan")
    return text


class _Abandoned(Exception):
    """The audit screen was left while its audit ran."""


SEVERITY_CYCLE: tuple[Severity | None, ...] = (None, Severity.ERROR, Severity.WARNING)
"""What `e` steps through: every finding, errors only, errors and warnings."""


def finding_key(finding: Finding) -> tuple[str, str, str, str]:
    """What identifies a finding across two runs of the audit (to keep the cursor on it)."""
    return (finding.code, finding.term or "", finding.message, finding.commit or "")


class AuditScreen(ServiceScreenMixin, Screen[str | None]):
    """The audit of the whole repository: its stage and count while it runs, then the findings by
    severity with the highlighted one in full underneath; enter on a finding opens its term. `e`, `c`
    and `t` narrow the list (severity; the highlighted finding's code; its term), `x` shows all again;
    the filter and the highlighted finding are remembered for the next visit."""

    ACTIONS = AUDIT_ACTIONS
    BINDINGS = AUDIT_ACTIONS.bindings()

    class Progressed(Message):
        """The audit moved on (posted at most every `PROGRESS_SECONDS`, and at each new stage)."""

        def __init__(self, step: AuditProgress) -> None:
            super().__init__()
            self.step = step

    class Loaded(Message):
        """The findings are ready."""

        def __init__(self, findings: list[Finding]) -> None:
            super().__init__()
            self.findings = findings

    def __init__(self, term: str | None = None) -> None:
        super().__init__()
        self.findings: list[Finding] = []
        self.all_findings: list[Finding] | None = None
        self.term = term
        self.triage = Triage()
        self.place: tuple[str, str, str, str] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Auditing every term, its snippets and its history…", id="audit-summary")
        yield DataTable(id="findings", cursor_type="row", zebra_stripes=True)
        yield Static("", id="finding-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "audit"
        # The filter and the highlighted finding of the last visit (kept on the app, for this session).
        remembered = getattr(self.app, "audit_view", None)
        if self.term:
            self.triage = Triage(terms=frozenset({self.term}))
        elif isinstance(remembered, tuple):
            self.triage, self.place = remembered
        table: DataTable[Any] = self.query_one("#findings", DataTable)
        table.add_columns(*AUDIT_COLUMNS)
        table.focus()
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="audit")
    def load(self) -> None:
        # called for every term and commit: only a new stage, or a step after a pause, reaches the screen
        worker = get_current_worker()
        shown = AuditProgress("", 0, 0)
        last = 0.0

        def step(progress: AuditProgress) -> None:
            nonlocal shown, last
            if worker.is_cancelled:  # the screen was left: free the service now, not when the audit ends
                raise _Abandoned
            now = time.monotonic()
            if progress.stage == shown.stage and now - last < PROGRESS_SECONDS:
                return
            shown, last = progress, now
            self.post_message(self.Progressed(progress))

        try:
            with self.service() as glossary:
                report = glossary.audit_cached(progress=step)  # reused while nothing it reads changes
        except _Abandoned:
            return  # the audit only reads: stopping half-way leaves nothing behind
        self.post_message(self.Loaded(report.findings))

    @on(Progressed)
    def progressed(self, message: Progressed) -> None:
        step = message.step
        count = f" {step.done}/{step.total}" if step.total else ""
        stage = STAGES.index(step.stage) + 1 if step.stage in STAGES else 0
        self.query_one("#audit-summary", Static).update(
            f"Auditing ({stage} of {len(STAGES)}): {step.stage}{count}…")

    @on(Loaded)
    def loaded(self, message: Loaded) -> None:
        self.all_findings = message.findings
        self.show_findings()

    def show_findings(self) -> None:
        """Fill the table with the findings the filter keeps, the cursor on the remembered finding."""
        everything = self.all_findings or []
        shown = [f for f in everything if self.triage.keeps(f.severity, f.code, f.term)]
        table: DataTable[Any] = self.query_one("#findings", DataTable)
        counts: dict[str, int] = {}
        rows: list[list[Text]] = []
        for finding in shown:
            severity = str(finding.severity)
            counts[severity] = counts.get(severity, 0) + 1
            where = " ".join(x for x in (finding.module, finding.lines, (finding.commit or "")[:8]) if x)
            rows.append([Text(severity, style=SEVERITY_STYLES.get(severity, "")), Text(finding.code),
                         Text(finding.term or "", overflow="ellipsis"), Text(finding.message), Text(where)])
        fill_sized(table, AUDIT_COLUMNS, rows, [str(index) for index in range(len(rows))], {"Term": TERM_WIDTH})
        plural = {"error": "errors", "warning": "warnings", "info": "info"}
        summary = ", ".join(f"{counts[s]} {s if counts[s] == 1 else plural[s]}" for s in plural if s in counts)
        summary = summary or "no findings"
        if self.triage.narrows:
            summary += f" of {len(everything)} (showing {self.triage.describe()}; x shows all)"
        self.query_one("#audit-summary", Static).update(f"Audit: {summary}. Enter opens a finding's term;"
                                                        " e, c, t narrow the list.")
        self.findings = shown
        keys = [finding_key(f) for f in shown]
        if self.place in keys:
            table.move_cursor(row=keys.index(self.place))
        if not shown:
            self.query_one("#finding-detail", Static).update(Text("Nothing to report.", style="dim"))
        self.remember()

    def remember(self) -> None:
        """Keep the filter and the highlighted finding for the next visit (not a term's own view)."""
        if not self.term:
            self.app.audit_view = (self.triage, self.place)  # type: ignore[attr-defined]

    def _refilter(self, triage: Triage) -> None:
        self.triage = triage
        if self.all_findings is not None:
            self.show_findings()

    def _highlighted(self) -> Finding | None:
        row = self.query_one("#findings", DataTable).cursor_row
        return self.findings[row] if 0 <= row < len(self.findings) else None

    def action_severity(self) -> None:
        """Step through every finding → errors only → errors and warnings."""
        at = SEVERITY_CYCLE.index(self.triage.severity) if self.triage.severity in SEVERITY_CYCLE else 0
        level = SEVERITY_CYCLE[(at + 1) % len(SEVERITY_CYCLE)]
        self._refilter(Triage(level, self.triage.codes, self.triage.terms))

    def action_by_code(self) -> None:
        """Only findings with the highlighted finding's code (again: any code)."""
        finding = self._highlighted()
        codes = frozenset() if self.triage.codes or finding is None else frozenset({finding.code})
        self._refilter(Triage(self.triage.severity, codes, self.triage.terms))

    def action_by_term(self) -> None:
        """Only findings about the highlighted finding's term (again: any term)."""
        finding = self._highlighted()
        terms = None if self.triage.terms is not None or finding is None or not finding.term \
            else frozenset({finding.term})
        self._refilter(Triage(self.triage.severity, self.triage.codes, terms))

    def action_clear_filter(self) -> None:
        """Every finding again."""
        self._refilter(Triage())

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed audit says so where the progress was (the error itself goes to the app's report)."""
        super().on_worker_state_changed(event)
        if event.state == WorkerState.ERROR and event.worker.group == "audit":
            self.query_one("#audit-summary", Static).update(Text("The audit did not finish: see the error reported.",
                                                                 style="bold red"))

    @on(DataTable.RowHighlighted, "#findings")
    def show_finding(self, event: DataTable.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self.findings):
            finding = self.findings[event.cursor_row]
            self.query_one("#finding-detail", Static).update(inert_renderable(finding_text(finding)))
            self.place = finding_key(finding)
            self.remember()

    @on(DataTable.RowSelected, "#findings")
    def open_finding(self, event: DataTable.RowSelected) -> None:
        term = self.findings[event.cursor_row].term
        if term:
            self.dismiss(term)

    def action_back(self) -> None:
        self.dismiss(None)
