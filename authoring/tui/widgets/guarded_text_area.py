"""A text area in which some runs of whole lines cannot be changed (a draft's cited sources).

The lines are given as exact text; an edit (typing, deleting, pasting, cutting) that would leave any of
them other than it was is not made, and the widget posts `Refused`. The service checks the same rule
again on saving: this only spares the editor a refusal at the end.

Must never: parse YAML or do I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.document._document import EditResult
from textual.document._edit import Edit
from textual.message import Message
from textual.widgets import TextArea


class GuardedTextArea(TextArea):
    """A `TextArea` whose `protected` texts (each a run of whole lines, line breaks included) stay as they are."""

    class Refused(Message):
        """An edit would have changed protected lines and was not made."""

    def __init__(self, text: str = "", *, protected: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(text, **kwargs)
        # a run of whole lines is found after a line break, so typing before its first line is caught too
        self.protected = [f"\n{run}" for run in protected if run]

    def edit(self, edit: Edit) -> EditResult:
        """Make the edit unless it would change a protected run of lines."""
        if self.protected:
            current = self.text
            start, end = self._index(edit.top), self._index(edit.bottom)
            after = current[:start] + edit.text + current[end:]
            if any(after.count(run) < current.count(run) for run in self.protected):
                self.app.bell()
                self.post_message(self.Refused())
                return EditResult(end_location=edit.top, replaced_text="")
        return super().edit(edit)

    def _index(self, location: tuple[int, int]) -> int:
        """The offset in `text` of a (row, column) location."""
        row, column = location
        lines = self.document.lines
        width = len(self.document.newline)
        return sum(len(line) + width for line in lines[:row]) + column
