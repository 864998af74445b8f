"""Finding the merge-conflict markers a merge left in a term file, for `check` to report.

A region is `<<<<<<<`, optionally `|||||||` (diff3), `=======`, `>>>>>>>`, each at the start of a
line. Only complete regions count: a lone `=======` is a Markdown heading underline.

Must never: touch files, Git or a UI.
"""

from __future__ import annotations

from dataclasses import dataclass

from authoring.core.linescan import MARKER_SIZE, marker_regions
from authoring.errors import Problem, Severity

__all__ = ["MARKER_SIZE", "MarkerRegion", "find_markers"]


@dataclass(frozen=True)
class MarkerRegion:
    """One `<<<<<<< … ======= … >>>>>>>` region, by 1-based line numbers."""

    start: int
    middle: int
    end: int
    label: str

    def problem(self, display: str, source_line: str) -> Problem:
        """The located error `check` reports for this region."""
        what = f" in {self.label}" if self.label else ""
        return Problem(display, self.start, 1, Severity.ERROR, "merge-conflict",
                       f"unresolved merge conflict{what} (lines {self.start}-{self.end}): ours above the"
                       " '=======' line, theirs below", source_line,
                       "keep the lines you mean, delete the '<<<<<<<', '=======' and '>>>>>>>' lines,"
                       " then `git add` the file")


def find_markers(text: str) -> list[MarkerRegion]:
    """Every complete conflict region in `text`. A lone `=======` (a Markdown heading underline) is not one."""
    return [MarkerRegion(*region) for region in marker_regions(text)]
