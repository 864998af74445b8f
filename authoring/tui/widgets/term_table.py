"""The term list: every term's summary, one row each, with a status filter, search results and sorting.

The table is drawn line by line (Textual's Line API): only the rows on screen are rendered, so
showing, filtering or sorting 1,691 terms (or four times as many) costs what a screenful costs.
Textual's DataTable measures and renders every cell of every row whenever the rows change, which
took most of a second on the corpus, at start-up and on each search keystroke.

The table only shows what it is given (`TermSummary` rows from the service); the screen loads them.

Must never: do I/O or call the service.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from authoring.core.safetext import visible
from authoring.core.summary import TermSummary
from authoring.core.summary import keeps as _keep
from authoring.tui.actions import LIST_ACTIONS
from authoring.tui.formatting import problem_count, status_badge

SORTS = ("id", "term", "status", "version", "updated", "problems")
_STATUS_ORDER = {"draft": 0, "candidate": 1, "ratified": 2, "rejected": 3, "deprecated": 4}


@dataclass
class View:
    """What the user asked the list to show: a search, a filter and a sort."""

    query: str = ""
    status: str = "all"
    sort: str = "id"
    reverse: bool = False
    ranked: tuple[str, ...] | None = None
    """The ids matching `query`, best first (the service's search); None: no search, every row sorted."""


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
    """The rows to show: filtered by status, in the search's ranking or sorted by the chosen column."""
    if view.ranked is not None:
        by_id = {s.id: s for s in summaries}
        return [by_id[i] for i in view.ranked if i in by_id and _keep(by_id[i], view.status)]
    rows = [s for s in summaries if _keep(s, view.status)]
    return sorted(rows, key=lambda s: _sort_key(s, view.sort), reverse=view.reverse)


class _TableMessage(Message):
    """A message from the term table; `control` is the table, so `@on(..., "#terms")` selects it."""

    def __init__(self, table: TermTable) -> None:
        super().__init__()
        self.table = table

    @property
    def control(self) -> TermTable:
        return self.table


class _RowMessage(_TableMessage):
    """A message about one row: its term and its index in the rows shown."""

    def __init__(self, table: TermTable, term_id: str | None, row: int) -> None:
        super().__init__(table)
        self.term_id = term_id
        self.cursor_row = row


class TermTable(ScrollView, can_focus=True):
    """All terms, one row each: id, term, status badge, version, last updated, problems.

    A fixed header line, then one line per shown row. The cursor is a row; moving it posts
    `RowHighlighted`, enter (or a click on the highlighted row) posts `RowSelected`, a click on a
    column's header posts `HeaderSelected`.
    """

    # Enter selects the row, which opens its review (the browser handles `RowSelected`): the footer
    # lists it as Review.
    ACTIONS = LIST_ACTIONS
    BINDINGS = LIST_ACTIONS.bindings()

    COMPONENT_CLASSES = {"term-table--header", "term-table--cursor", "term-table--even-row", "term-table--selected"}

    # The look of Textual's DataTable, which this table replaced.
    DEFAULT_CSS = """
    TermTable {
        background: $surface;
        color: $foreground;
        &:focus {
            background-tint: $foreground 5%;
            & > .term-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
        & > .term-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        & > .term-table--even-row {
            background: $surface-lighten-1 50%;
        }
        &:dark > .term-table--even-row {
            background: $surface-darken-1 40%;
        }
        & > .term-table--selected {
            background: $accent 30%;
            text-style: bold;
        }
        & > .term-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    # Column widths at 83 columns; narrower, the id column gives up room down to ID_WIDTHS[0], then the
    # term's down to TERM_MIN (cut text ends in an ellipsis and shows whole in the detail pane), so that
    # status, version, date and problems stay in view down to a 66-column list; wider, the id and then
    # the term column grow up to ID_WIDTHS[1] (corpus ids run to 40+ characters).
    # `approvals`: valid approvals on the current content (the review queue counts them), `✓2`
    COLUMNS = (("id", "ID", 22), ("term", "Term", 18), ("status", "Status", 11), ("version", "Ver", 4),
               ("updated", "Updated", 10), ("problems", "Probl.", 6), ("approvals", "✓", 2))
    ID_WIDTHS = (12, 40)
    TERM_MIN = 10
    PADDING = 1
    """Blank cells on each side of every cell."""

    class RowHighlighted(_RowMessage):
        """The cursor moved to another row (`term_id` is None when no row is shown)."""

    class RowSelected(_RowMessage):
        """The highlighted row was chosen (enter, or a click on it)."""

    class SelectionChanged(_TableMessage):
        """Rows were selected or unselected for a bulk action (`selected` holds their ids)."""

    class HeaderSelected(_TableMessage):
        """A column's header was clicked; `column_key` is one of `SORTS`."""

        def __init__(self, table: TermTable, column_key: str) -> None:
            super().__init__(table)
            self.column_key = column_key

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.summaries: list[TermSummary] = []
        self.view = View()
        self.shown: list[TermSummary] = []
        self.pending: set[str] = set()
        self._cursor = 0
        self._widths = self._default_widths()
        self.approvals: dict[str, int] = {}
        """Valid approvals per term (from the service's review queue); absent: none known."""
        self.selected: list[str] = []
        """Ids selected for a bulk action, in the order they were selected."""

    # -- the rows ---------------------------------------------------------------------------------------

    def set_summaries(self, summaries: Sequence[TermSummary], pending: set[str] | None = None) -> None:
        """Replace the rows (keeping the cursor on the same term when it is still shown); `pending` rows
        are terms not read yet, shown by id only."""
        self.summaries = list(summaries)
        self.pending = pending or set()
        self.refresh_rows()

    def set_approvals(self, approvals: dict[str, int]) -> None:
        """Show these approval counts in the ✓ column."""
        self.approvals = dict(approvals)
        self.refresh()

    def select_ids(self, term_ids: Sequence[str]) -> None:
        """Make exactly these rows the selection (posts `SelectionChanged`)."""
        self.selected = list(dict.fromkeys(term_ids))
        self.post_message(self.SelectionChanged(self))
        self.refresh()

    def set_view(self, view: View) -> None:
        """Apply a new search, filter or sort."""
        self.view = view
        self.refresh_rows()

    @property
    def current_id(self) -> str | None:
        """The id of the highlighted row."""
        if not self.shown or self._cursor >= len(self.shown):
            return None
        return self.shown[self._cursor].id

    @property
    def cursor_row(self) -> int:
        """The index (in `shown`) of the highlighted row."""
        return self._cursor

    def refresh_rows(self) -> None:
        """Rebuild the visible rows from the summaries and the view."""
        keep = self.current_id
        self.shown = select(self.summaries, self.view)
        self.virtual_size = Size(self._row_width, len(self.shown) + 1)
        if keep is None or self.view.query or not self.move_to(keep):
            # a new search shows its best match first; never leave the view scrolled past the rows
            self._cursor = 0
            self.scroll_to(0, 0, animate=False)
            self.post_message(self.RowHighlighted(self, self.current_id, 0))
        self.refresh()

    def move_to(self, term_id: str) -> bool:
        """Put the cursor on a term; False when it is not in the visible rows."""
        for index, summary in enumerate(self.shown):
            if summary.id == term_id:
                self.move_cursor(index)
                return True
        return False

    def move_cursor(self, row: int) -> None:
        """Highlight row `row` (clamped to the rows shown), scrolling it into view."""
        row = max(0, min(row, len(self.shown) - 1))
        moved = row != self._cursor
        self._cursor = row
        self._scroll_cursor_into_view()
        self.refresh()
        if moved:
            self.post_message(self.RowHighlighted(self, self.current_id, row))

    def _scroll_cursor_into_view(self) -> None:
        visible = self._visible_rows()
        top = round(self.scroll_y)
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False)
        elif self._cursor >= top + visible:
            self.scroll_to(y=self._cursor - visible + 1, animate=False)

    @property
    def _row_width(self) -> int:
        return self._row_width_of(self._widths)

    def _row_width_of(self, widths: list[int]) -> int:
        return sum(width + 2 * self.PADDING for width in widths)

    def _default_widths(self) -> list[int]:
        return [width for _, _, width in self.COLUMNS]

    def column_widths(self) -> list[int]:
        """The columns' widths as drawn now (the id column's depends on the table's width)."""
        return list(self._widths)

    def on_resize(self) -> None:
        room = self.scrollable_content_region.width - self._row_width_of(self._default_widths())
        low, high = self.ID_WIDTHS
        default_id, default_term = self.COLUMNS[0][2], self.COLUMNS[1][2]
        self._widths[0] = max(low, min(high, default_id + room))
        # what the id column cannot give or take, the term's does (down to TERM_MIN, up to the same width)
        self._widths[1] = max(self.TERM_MIN, min(high, default_term + room - (self._widths[0] - default_id)))
        self.virtual_size = Size(self._row_width, len(self.shown) + 1)
        self.refresh()

    def _visible_rows(self) -> int:
        """How many rows fit under the header."""
        return max(1, self.scrollable_content_region.height - 1)

    # -- keys and the mouse ---------------------------------------------------------------------------

    def action_cursor_up(self) -> None:
        self.move_cursor(self._cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self._cursor + 1)

    def action_page_up(self) -> None:
        self.move_cursor(self._cursor - self._visible_rows())

    def action_page_down(self) -> None:
        self.move_cursor(self._cursor + self._visible_rows())

    def action_first_row(self) -> None:
        self.move_cursor(0)

    def action_last_row(self) -> None:
        self.move_cursor(len(self.shown) - 1)

    def action_toggle_row(self) -> None:
        term_id = self.current_id
        if term_id is not None:
            self.select_ids([t for t in self.selected if t != term_id] if term_id in self.selected
                            else [*self.selected, term_id])

    def action_extend_up(self) -> None:
        self._extend(-1)

    def action_extend_down(self) -> None:
        self._extend(1)

    def _extend(self, step: int) -> None:
        """Select the highlighted row and the one the cursor moves to (shift+arrows, as in a file manager)."""
        before = self.current_id
        self.move_cursor(self._cursor + step)
        after = self.current_id
        self.select_ids([*self.selected, *(t for t in (before, after) if t is not None)])

    def action_select_cursor(self) -> None:
        term_id = self.current_id
        if term_id is not None:
            self.post_message(self.RowSelected(self, term_id, self._cursor))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            x = offset.x + round(self.scroll_x)
            for (key, _, _), width in zip(self.COLUMNS, self._widths, strict=True):
                x -= width + 2 * self.PADDING
                if x < 0:
                    if key in SORTS:
                        self.post_message(self.HeaderSelected(self, key))
                    break
            return
        row = round(self.scroll_y) + offset.y - 1
        if row >= len(self.shown):
            return
        if row == self._cursor:
            self.action_select_cursor()
        else:
            self.move_cursor(row)
        event.stop()

    def on_focus(self) -> None:
        self.refresh()  # the cursor's style depends on focus

    def on_blur(self) -> None:
        self.refresh()

    # -- drawing --------------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        scroll_x, scroll_y = self.scroll_offset
        base = self.rich_style
        if y == 0:
            labels = [Text(label) for _, label, _ in self.COLUMNS]
            strip = self._strip(labels, self.get_component_rich_style("term-table--header"))
        else:
            index = scroll_y + y - 1
            if index >= len(self.shown):
                return Strip.blank(width, base)
            if index == self._cursor:
                style = self.get_component_rich_style("term-table--cursor")
            elif self.shown[index].id in self.selected:
                style = self.get_component_rich_style("term-table--selected")
            elif index % 2 == 0:  # zebra stripes, counted from 0 as DataTable counts them
                style = self.get_component_rich_style("term-table--even-row")
            else:
                style = Style()
            strip = self._strip(self._cells(self.shown[index]), style)
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def _strip(self, cells: Sequence[Text | str], style: Style) -> Strip:
        """One line of cells, each cut or padded to its column, on the line's `style` (the cells' own
        styles, a status badge's colours, stay on top of it, the cursor's included)."""
        console = self.app.console
        pad = Segment(" " * self.PADDING)
        segments: list[Segment] = []
        for width, cell in zip(self._widths, cells, strict=True):
            text = cell.copy() if isinstance(cell, Text) else Text(cell)
            text.truncate(width, overflow="ellipsis")
            segments.append(pad)
            # `Text.render` draws the spans; the text's own style (a badge's colours) goes under them
            segments.extend(Segment.apply_style(text.render(console), console.get_style(text.style)))
            segments.append(Segment(" " * (width - text.cell_len) + " " * self.PADDING))
        drawn = [segment for segment in segments if segment.text]
        return Strip(Segment.apply_style(drawn, self.rich_style + style), self._row_width)

    def _cells(self, summary: TermSummary) -> list[Text | str]:
        # a selected row is marked in its first cell too, so the selection shows without colours
        mark = "● " if summary.id in self.selected else ""
        term_id = Text(mark + visible(summary.id), overflow="ellipsis", no_wrap=True)
        if summary.id in self.pending:
            return [term_id, Text("…", style="dim"), Text("indexing", style="dim italic"), "", "", "", ""]
        count = self.approvals.get(summary.id, 0)
        return [term_id, Text(visible(summary.term or ""), overflow="ellipsis", no_wrap=True),
                status_badge(visible(summary.status) if summary.status else None, summary.parses),
                Text(visible(summary.version or "")), Text(visible(summary.last_updated or "")),
                problem_count(summary.errors, summary.warnings),
                Text(f"✓{count}", style="green") if count else ""]
