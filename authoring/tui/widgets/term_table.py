"""The term list: a DataTable of summaries with a status filter, fuzzy search and sorting.

The table only shows what it is given (`TermSummary` rows from the service); the screen loads them.

Must never: do I/O or call the service.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.fuzzy import Matcher
from textual.widgets import DataTable

from authoring.core.summary import TermSummary
from authoring.tui.formatting import problem_count, status_badge

# Status filter values: a status, or one of these views.
FILTERS = ("all", "draft", "candidate", "ratified", "rejected", "deprecated", "problems", "malformed")
SORTS = ("id", "term", "status", "version", "updated", "problems")
_STATUS_ORDER = {"draft": 0, "candidate": 1, "ratified": 2, "rejected": 3, "deprecated": 4}


@dataclass
class View:
    """What the user asked the list to show: a search, a filter and a sort."""

    query: str = ""
    status: str = "all"
    sort: str = "id"
    reverse: bool = False


def _keep(summary: TermSummary, status: str) -> bool:
    if status == "all":
        return True
    if status == "problems":
        return summary.errors + summary.warnings > 0
    if status == "malformed":
        return not summary.parses
    return summary.status == status


def _sort_key(summary: TermSummary, sort: str) -> tuple[object, ...]:
    if sort == "term":
        return ((summary.term or summary.id).casefold(), summary.id)
    if sort == "status":
        return (_STATUS_ORDER.get(summary.status or "", 9), summary.id)
    if sort == "version":
        return (_version(summary.version), summary.id)
    if sort == "updated":
        return (summary.last_updated or "", summary.id)
    if sort == "problems":
        return (-summary.errors, -summary.warnings, summary.id)
    return (summary.id,)


def _version(text: str | None) -> tuple[int, ...]:
    parts: list[int] = []
    for piece in (text or "").split("."):
        parts.append(int(piece) if piece.isdigit() else -1)
    return tuple(parts)


def select(summaries: Sequence[TermSummary], view: View) -> list[TermSummary]:
    """The rows to show: filtered by status, matched fuzzily (best first) or sorted by the chosen column."""
    rows = [s for s in summaries if _keep(s, view.status)]
    if view.query.strip():
        matcher = Matcher(view.query.strip())
        scored: list[tuple[float, TermSummary]] = []
        for summary in rows:
            score = max(matcher.match(summary.id), matcher.match(summary.term or ""),
                        *(matcher.match(alias) for alias in summary.aliases))
            if score > 0:
                scored.append((score, summary))
        scored.sort(key=lambda pair: (-pair[0], pair[1].id))
        return [summary for _, summary in scored]
    return sorted(rows, key=lambda s: _sort_key(s, view.sort), reverse=view.reverse)


class TermTable(DataTable[Text | str]):
    """All terms, one row each: id, term, status badge, version, last updated, problems."""

    # DataTable's own enter (select the row) is hidden from the footer and, being the focused
    # widget's, hides the screen's "enter Review". Selecting a row opens its review (the browser
    # handles `RowSelected`), so say so here: the footer then lists enter first.
    BINDINGS = [Binding("enter", "select_cursor", "Review")]

    # Fixed widths for the long columns (corpus ids run to 40+ characters; they are cut with an
    # ellipsis and shown whole in the detail pane), so status, version and date stay in view.
    COLUMNS = (("id", "ID", 22), ("term", "Term", 18), ("status", "Status", 11), ("version", "Ver", 4),
               ("updated", "Updated", 10), ("problems", "Probl.", 6))

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.summaries: list[TermSummary] = []
        self.view = View()
        self.shown: list[TermSummary] = []
        self.pending: set[str] = set()

    def on_mount(self) -> None:
        for key, label, width in self.COLUMNS:
            self.add_column(label, key=key, width=width)

    def set_summaries(self, summaries: Sequence[TermSummary], pending: set[str] | None = None) -> None:
        """Replace the rows (keeping the cursor on the same term when it is still shown); `pending` rows
        are terms not read yet, shown by id only."""
        self.summaries = list(summaries)
        self.pending = pending or set()
        self.refresh_rows()

    def set_view(self, view: View) -> None:
        """Apply a new search, filter or sort."""
        self.view = view
        self.refresh_rows()

    @property
    def current_id(self) -> str | None:
        """The id of the highlighted row."""
        if not self.shown or self.cursor_row < 0 or self.cursor_row >= len(self.shown):
            return None
        return self.shown[self.cursor_row].id

    def refresh_rows(self) -> None:
        """Rebuild the visible rows from the summaries and the view."""
        keep = self.current_id
        self.shown = select(self.summaries, self.view)
        self.clear()
        self.add_rows([self._cells(s) for s in self.shown])
        if keep is None or self.view.query or not self.move_to(keep):
            # a new search shows its best match first; never leave the view scrolled past the rows
            self.move_cursor(row=0)
            self.scroll_to(0, 0, animate=False)

    def move_to(self, term_id: str) -> bool:
        """Put the cursor on a term; False when it is not in the visible rows."""
        for index, summary in enumerate(self.shown):
            if summary.id == term_id:
                self.move_cursor(row=index)
                return True
        return False

    def _cells(self, summary: TermSummary) -> list[Text | str]:
        term_id = Text(summary.id, overflow="ellipsis", no_wrap=True)
        if summary.id in self.pending:
            return [term_id, Text("…", style="dim"), Text("indexing", style="dim italic"), "", "", ""]
        return [term_id, Text(summary.term or "", overflow="ellipsis", no_wrap=True),
                status_badge(summary.status, summary.parses),
                summary.version or "", summary.last_updated or "",
                problem_count(summary.errors, summary.warnings)]
