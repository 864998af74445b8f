"""Where a term's cited snippets stand in their source modules now.

Module references resolve through `core.module_refs` (stem, id up to the first `_`, or declared
`id:`; `*.md` directly in each folder of the configured module sources). A snippet is looked for as `core.snippets`
compares texts (whitespace, emphasis, code ticks, quote and dash variants ignored; `...` a gap), and its place is
reported as lines `L<a>-L<b>` of the module file and the `§N` section those lines are in, so that
a citation whose lines drifted can say where the text went.

Must never: write files, touch Git, import a UI.
"""

from __future__ import annotations

import bisect
import re
from array import array
from dataclasses import dataclass, field
from pathlib import Path

from authoring.core.module_refs import ModuleIndex, ModuleSources
from authoring.core.snippets import SnippetIndex
from authoring.drafting.modules import Module, load_module
from authoring.errors import NotFound, ParseError

_LINES = re.compile(r"^\s*L?#?(?P<a>[0-9]+)\s*(?:[-–]\s*L?#?(?P<b>[0-9]+))?\s*$")
_SECTION = re.compile(r"^\s*(?:§|Section\s+)\s*(?P<sec>[0-9]+(?:\.[0-9A-Za-z]+)*)")


@dataclass(frozen=True)
class Place:
    """Where a snippet stands in a module: first and last line (1-based) and the section of the first."""

    first: int
    last: int
    section: str | None

    def describe(self) -> str:
        """`L32-L34 in §2`."""
        lines = f"L{self.first}" if self.first == self.last else f"L{self.first}-L{self.last}"
        return f"{lines} in §{self.section}" if self.section else lines


@dataclass(frozen=True)
class Citation:
    """What a source's `lines` says: a line range, a section, or something we cannot check."""

    first: int | None = None
    last: int | None = None
    section: str | None = None

    @property
    def checkable(self) -> bool:
        """True when the citation names lines or a section."""
        return self.first is not None or self.section is not None

    def holds(self, place: Place) -> bool:
        """True when `place` lies where the citation says."""
        if self.first is not None and self.last is not None:
            return self.first <= place.first and place.last <= self.last
        if self.section is not None and place.section is not None:
            return place.section == self.section or place.section.startswith(self.section + ".")
        return False


def parse_citation(lines: object) -> Citation:
    """`L29-L30`, `29-30`, `L5`, `§2`, `§3.1`, `Section 4` → a citation; anything else is uncheckable."""
    text = "" if lines is None else str(lines)
    match = _LINES.match(text)
    if match:
        first = int(match["a"])
        last = int(match["b"]) if match["b"] else first
        return Citation(min(first, last), max(first, last))
    section = _SECTION.match(text)
    if section:
        return Citation(section=section["sec"])
    return Citation()


@dataclass
class ModuleText:
    """A module's text, indexed for snippet search (`core.snippets`) and line/section lookup."""

    path: Path
    text: str
    module: Module | None = None
    """The module as drafting reads it: the one notion of its `§` sections (None when unreadable)."""
    index: SnippetIndex | None = None
    _line_starts: array[int] = field(default_factory=lambda: array("q"))

    def __post_init__(self) -> None:
        self.index = SnippetIndex(self.text)
        self._line_starts = array("q", [0, *(m.end() for m in re.finditer("\n", self.text))])

    def line_of(self, offset: int) -> int:
        """The 1-based line of a character offset in the text."""
        return bisect.bisect_right(self._line_starts, offset)

    def section_of(self, line: int) -> str | None:
        """The section (`2`, `3.1`) whose heading is the last one at or before `line`."""
        section = self.module.section_of(line) if self.module is not None else None
        return section.number if section is not None else None

    def find(self, snippet: str) -> list[Place]:
        """Every place the snippet stands, compared as `core.snippets` compares (ellipses are gaps)."""
        assert self.index is not None
        places: list[Place] = []
        for first_offset, last_offset in self.index.find(snippet):
            first = self.line_of(first_offset)
            places.append(Place(first, self.line_of(last_offset), self.section_of(first)))
        return places


class Modules:
    """The modules directory: references resolved through the core's `ModuleIndex`, texts read once."""

    def __init__(self, where: Path | ModuleSources, root: Path | None = None) -> None:
        self.index = ModuleIndex.scan(where, root)
        self._texts: dict[Path, ModuleText | None] = {}
        self._resolved: dict[str, Path | None] = {}

    def resolve(self, reference: str) -> Path | None:
        """The module file a reference names, or None (each reference resolved once: resolving scans every
        module, and terms cite the same modules over and over)."""
        if reference not in self._resolved:
            self._resolved[reference] = self.index.resolve(reference)
        return self._resolved[reference]

    def text(self, path: Path) -> ModuleText | None:
        """A module's indexed text (None when it cannot be read)."""
        if path not in self._texts:
            if self.index.outside(path):  # a symbolic link out of the repository: never read
                self._texts[path] = None
                return None
            try:
                module = load_module(path, root=self.index.root or self.index.directory)
                self._texts[path] = ModuleText(path, module.text, module)
            except (ParseError, NotFound):  # not UTF-8, too large or unreadable: search what can be read
                try:
                    self._texts[path] = ModuleText(path, path.read_bytes().decode("utf-8", errors="replace"))
                except OSError:
                    self._texts[path] = None
        return self._texts[path]
