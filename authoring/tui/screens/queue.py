"""The review queue: what awaits the acting identity (the service's `Glossary.queue`), one row per item.

Enter opens the term's review (the browser does, once this screen is dismissed with the term's id);
Esc or q closes. The queue is worked out in a thread worker; results come back as a message.

Must never: parse YAML or run Git (it calls `Glossary`), touch widgets from a worker thread.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from authoring.core.safetext import visible
from authoring.repo.queue import KINDS, Queue
from authoring.tui.actions import QUEUE_ACTIONS
from authoring.tui.service_calls import ServiceScreenMixin

LABELS = {"to_approve": "approve", "requests": "request", "agent_drafts": "agent draft", "my_drafts": "my draft"}
"""How each list of the queue is named in its column (short: the screen may be 80 columns wide)."""


def counts_text(queue: Queue) -> str:
    """`awaits you: 2 to approve · 1 request · 1 agent draft` (empty lists left out), or `nothing awaits you`."""
    words = {"to_approve": "to approve", "requests": "request(s)", "agent_drafts": "agent draft(s)",
             "my_drafts": "own draft(s)"}
    parts = [f"{n} {words[kind]}" for kind, n in queue.counts.items() if n]
    return "awaits you: " + " · ".join(parts) if parts else "nothing awaits you"


class QueueScreen(ServiceScreenMixin, Screen[str | None]):
    """What awaits me: candidates to approve, open requests for changes, agent drafts, my drafts."""

    ACTIONS = QUEUE_ACTIONS
    BINDINGS = QUEUE_ACTIONS.bindings()

    class Loaded(Message):
        """The queue is ready."""

        def __init__(self, queue: Queue) -> None:
            super().__init__()
            self.queue = queue

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[str] = []
        self.queue: Queue | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("working out what awaits you …", id="queue-title")
        table: DataTable[str] = DataTable(id="queue-items", cursor_type="row", zebra_stripes=True)
        table.add_columns("Awaits", "ID", "Status", "✓", "Why")
        yield table
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    def action_cursor_down(self) -> None:
        self.query_one("#queue-items", DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#queue-items", DataTable).action_cursor_up()

    @work(thread=True, exclusive=True, exit_on_error=False, group="queue")
    def load(self) -> None:
        """Ask the service (from its store when nothing changed), then post the answer."""
        self.post_message(self.Loaded(self.call(lambda g: g.queue())))

    @on(Loaded)
    def loaded(self, message: Loaded) -> None:
        queue = self.queue = message.queue
        table: DataTable[str] = self.query_one("#queue-items", DataTable)
        table.clear(columns=True)
        # long ids are cropped on a narrow terminal, so that the reason (the column that says why) still shows
        longest = max((len(item.term) for kind in KINDS for item in queue.items(kind)), default=2)
        table.add_column("Awaits")
        table.add_column("ID", width=min(longest, max(14, self.size.width - 56)))
        table.add_columns("Status", "✓", "Why")
        self.rows = []
        for kind in KINDS:
            for item in queue.items(kind):
                approvals = f"{item.approvals}/{queue.needed}" if item.status == "candidate" else ""
                table.add_row(LABELS[kind], visible(item.term), visible(item.status), approvals,
                              visible(item.reason), key=f"{kind}:{item.term}")
                self.rows.append(item.term)
        self.query_one("#queue-title", Static).update(
            f"{visible(queue.actor)} ({queue.role}) — {counts_text(queue)}"
            + (" · ⏎ opens the review" if self.rows else ". Press Esc to go back to the list."))
        table.focus()

    def action_open(self) -> None:
        table: DataTable[str] = self.query_one("#queue-items", DataTable)
        if self.rows and 0 <= table.cursor_row < len(self.rows):
            self.dismiss(self.rows[table.cursor_row])

    @on(DataTable.RowSelected, "#queue-items")
    def row_selected(self) -> None:
        self.action_open()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_refresh(self) -> None:
        self.load()
