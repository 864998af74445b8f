"""Writing merge-conflict markers around the lines of one field of a term file.

A conflicted field is shown the way Git shows any conflict, so every editor and merge tool knows
it, but only around the lines of that one field:

    <<<<<<< ours: triad.art
      art: |
        Our wording.
    =======
      art: |
        Their wording.
    >>>>>>> theirs: triad.art

The lines between the markers are each side's own lines for that field, unchanged. A field that
does not sit on lines of its own (an item of a `[a, b]` list) widens to the nearest enclosing field
that does. (`markers.find_markers` finds what is left for `check` to report.)

Must never: touch files, Git or a UI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from authoring.core.frontmatter import lines_of
from authoring.core.markers import MARKER_SIZE
from authoring.core.paths import FieldPath, find_node, format_path
from authoring.core.termfile import TermFile

# Before a field's first character on its line only indentation and list dashes may stand, and after
# its last only spaces or a comment: then its lines are its own.
_LINE_PREFIX = re.compile(r"^[ \t]*(?:-[ \t]+)*$")
_LINE_SUFFIX = re.compile(r"^[ \t]*(?:#.*)?$")


@dataclass(frozen=True)
class FieldLines:
    """The lines (0-based, end exclusive) that a field occupies in a file's text."""

    start: int
    end: int


def field_lines(term: TermFile, block: int, path: FieldPath) -> FieldLines | None:
    """The lines that hold the field at `path` in `block`, or None when it is missing or shares its lines."""
    assert term.split is not None
    parsed = term.blocks[block]
    if parsed is None or parsed.node is None:
        return None
    text = term.split.text
    base = parsed.block.content_start
    if not path:
        first = text.count("\n", 0, base)
        last = text.count("\n", 0, parsed.block.content_end)
        return FieldLines(first, last)
    try:
        key_node, node, _ = find_node(parsed.node, path)
    except KeyError:
        return None
    from authoring.core.roundtrip import content_end  # the editor's own notion of where a value ends

    start = base + int((key_node if key_node is not None else node).start_mark.index)
    end = base + content_end(node, term.split.content(parsed.block))
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    if not _LINE_PREFIX.match(text[line_start:start]) or not _LINE_SUFFIX.match(text[end:line_end].rstrip("\r")):
        return None
    return FieldLines(text.count("\n", 0, line_start), text.count("\n", 0, line_end) + 1)


@dataclass(frozen=True)
class ConflictSpan:
    """Where one conflict's markers go: the field (widened as needed) and its lines on each side."""

    block: int
    path: FieldPath
    ours: FieldLines
    theirs: FieldLines
    base: FieldLines | None = None
    """The field's lines at the merge base (diff3 style), None where the base did not have it."""


def conflict_span(ours: TermFile, theirs: TermFile, block: int, path: FieldPath,
                  base: TermFile | None = None) -> ConflictSpan:
    """The narrowest field at or above `path` that sits on lines of its own on both sides.

    A field one side removed is shown with that side empty: where ours lacks it, the markers go at
    the end of its parent on our side.
    """
    original = field_lines(base, block, path) if base is not None and path else None
    if path and _missing(theirs, block, path):
        mine = field_lines(ours, block, path)
        if mine is not None:
            return ConflictSpan(block, path, mine, FieldLines(0, 0), original)
    if path and _missing(ours, block, path):
        other, parent = field_lines(theirs, block, path), field_lines(ours, block, path[:-1])
        if other is not None and parent is not None:
            return ConflictSpan(block, path, FieldLines(parent.end, parent.end), other, original)
    for length in range(len(path), -1, -1):
        candidate = path[:length]
        mine, other = field_lines(ours, block, candidate), field_lines(theirs, block, candidate)
        if mine is not None and other is not None:
            original = field_lines(base, block, candidate) if base is not None else None
            return ConflictSpan(block, candidate, mine, other, original)
    raise AssertionError("the whole block always has lines of its own")  # pragma: no cover


def _missing(term: TermFile, block: int, path: FieldPath) -> bool:
    parsed = term.blocks[block]
    if parsed is None or parsed.node is None:
        return False
    try:
        find_node(parsed.node, path)
    except KeyError:
        return True
    return False


def write_markers(ours: TermFile, theirs: TermFile, spans: list[ConflictSpan], newline: str,
                  base: TermFile | None = None) -> str:
    """Our text with each span's lines replaced by both sides' lines between conflict markers.

    With `base` (Git's `merge.conflictStyle` diff3 or zdiff3) the base's lines for the field follow
    a `|||||||` line, as Git writes them. Spans nested in or overlapping another are folded into it.
    """
    assert ours.split is not None and theirs.split is not None
    chosen = _outermost(spans)
    ours_lines = lines_of(ours.split.text)
    theirs_lines = lines_of(theirs.split.text)
    base_lines = lines_of(base.split.text) if base is not None and base.split is not None else []
    for span in sorted(chosen, key=lambda s: s.ours.start, reverse=True):
        label = format_path(span.path) or ("the whole entry" if span.block == len(ours.blocks) - 1 else
                                           f"header block {span.block + 1}")
        mine = [_ended(line, newline) for line in ours_lines[span.ours.start : span.ours.end]]
        other = [_ended(line, newline) for line in theirs_lines[span.theirs.start : span.theirs.end]]
        original: list[str] = []
        if base is not None:
            kept = base_lines[span.base.start : span.base.end] if span.base is not None else []
            original = [f"{'|' * MARKER_SIZE} base: {label}{newline}", *(_ended(line, newline) for line in kept)]
        region = [f"{'<' * MARKER_SIZE} ours: {label}{newline}", *mine, *original, f"{'=' * MARKER_SIZE}{newline}",
                  *other, f"{'>' * MARKER_SIZE} theirs: {label}{newline}"]
        ours_lines[span.ours.start : span.ours.end] = region
    return "".join(ours_lines)


def _ended(line: str, newline: str) -> str:
    return line if line.endswith("\n") else line + newline


def _outermost(spans: list[ConflictSpan]) -> list[ConflictSpan]:
    chosen: list[ConflictSpan] = []
    for span in sorted(spans, key=lambda s: (s.ours.start, -(s.ours.end - s.ours.start))):
        if chosen and span.ours.start < chosen[-1].ours.end:
            last = chosen[-1]
            if span.ours.end > last.ours.end or span.theirs.end > last.theirs.end:
                chosen[-1] = ConflictSpan(last.block, _common(last.path, span.path),
                                          FieldLines(last.ours.start, max(last.ours.end, span.ours.end)),
                                          _union(last.theirs, span.theirs) or span.theirs,
                                          _union(last.base, span.base))
            continue
        chosen.append(span)
    return chosen


def _union(a: FieldLines | None, b: FieldLines | None) -> FieldLines | None:
    if a is None or b is None:
        return a or b
    return FieldLines(min(a.start, b.start), max(a.end, b.end))


def _common(a: FieldPath, b: FieldPath) -> FieldPath:
    common: list[str | int] = []
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common.append(x)
    return tuple(common)
