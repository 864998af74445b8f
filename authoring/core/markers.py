"""Finding the merge-conflict markers a merge left in a term file, for `check` to report.

A region is `<<<<<<<`, optionally `|||||||` (diff3), `=======`, `>>>>>>>`, each at the start of a
line. Only complete regions count: a lone `=======` is a Markdown heading underline.

Must never: touch files, Git or a UI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from authoring.errors import Problem, Severity

MARKER_SIZE = 7
_OPEN = re.compile(r"^<{7}(?:[ \t].*)?$")
_BASE = re.compile(r"^\|{7}(?:[ \t].*)?$")
_MIDDLE = re.compile(r"^={7}[ \t]*$")
_CLOSE = re.compile(r"^>{7}(?:[ \t].*)?$")


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
    regions: list[MarkerRegion] = []
    start = middle = 0
    label = ""
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if _OPEN.match(line):
            start, middle, label = number, 0, _label(line)
        elif start and not middle and _BASE.match(line):
            continue
        elif start and not middle and _MIDDLE.match(line):
            middle = number
        elif start and middle and _CLOSE.match(line):
            regions.append(MarkerRegion(start, middle, number, label))
            start = middle = 0
    return regions


def _label(line: str) -> str:
    label = line[MARKER_SIZE:].strip()
    return label.split(":", 1)[1].strip() if label.startswith("ours:") else ""
