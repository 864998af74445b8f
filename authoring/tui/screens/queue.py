"""The review queue: what awaits the acting identity (the service's `Glossary.queue`), one row per item.

Enter opens the term's review (the browser does, once this screen is dismissed with the term's id);
Esc or q closes. The queue is worked out in a thread worker; results come back as a message.

Must never: parse YAML or run Git (it calls `Glossary`), touch widgets from a worker thread.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from authoring.core.safetext import visible
from authoring.repo.queue import KINDS, Queue
from authoring.tui.actions import QUEUE_ACTIONS
from authoring.tui.service_calls import ServiceScreenMixin
from authoring.tui.widgets.sized_table import fill_sized

COLUMNS = ("Awaits", "ID", "Status", "✓", "Why")
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
        table.add_columns(*COLUMNS)
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
        # long ids are cropped on a narrow terminal, so that the reason (the column that says why) still shows
        rows: list[list[Text]] = []
        keys: list[str] = []
        self.rows = []
        for kind in KINDS:
            for item in queue.items(kind):
                approvals = f"{item.approvals}/{queue.needed}" if item.status == "candidate" else ""
                rows.append([Text(LABELS[kind]), Text(item.term, overflow="ellipsis"),  # a cut id says so
                             *(Text(cell) for cell in (item.status, approvals, item.reason))])
                keys.append(f"{kind}:{item.term}")
                self.rows.append(item.term)
        fill_sized(table, COLUMNS, rows, keys, {"ID": max(14, self.size.width - 56)})
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
