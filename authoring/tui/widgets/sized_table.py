"""Filling a Textual DataTable whose columns are sized to their content before any row is drawn.

DataTable widens an auto-width column only on idle, after the rows are added, and does not draw again the
lines it drew in between: a frame drawn in that gap keeps a header (or cells) at the narrow widths. Seen as
flaky snapshots of the audit and the queue, and as a header out of line with its rows on a busy machine.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.text import Text

from authoring.tui.formatting import inert_renderable
from authoring.tui.plain import DataTable


def fill_sized(table: DataTable[Any], labels: Sequence[str], rows: Sequence[Sequence[Text]], keys: Sequence[str],
               caps: Mapping[str, int] | None = None) -> None:
    """Replace the table's columns and rows: each column as wide as its label and widest cell (cut to its
    cap in `caps`, if any), each row under its key, every cell one line (cut at its column's width, as
    DataTable cuts a plain string) and made inert (`inert_renderable`)."""
    caps = caps or {}
    table.clear(columns=True)
    for column, label in enumerate(labels):
        width = max([Text(label).cell_len, *(row[column].cell_len for row in rows)])
        table.add_column(label, width=min(width, caps[label]) if label in caps else width)
    for key, row in zip(keys, rows, strict=True):
        for cell in row:
            cell.no_wrap = True
        table.add_row(*(inert_renderable(cell) for cell in row), key=key)
