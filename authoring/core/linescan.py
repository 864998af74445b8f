"""The line scans of a term file's text that `frontmatter` and `markers` are built on, with `re` alone.

Git starts the merge driver once per file, and its fast path (`repo.merge_driver`) needs just these
scans: where the front-matter fences are, and whether a conflict region is left. So they live here,
as plain tuples, free of `dataclasses`, `typing` and `errors` (whose imports cost more than the scans
on a whole file); `frontmatter.split` and `markers.find_markers` wrap them in their own types, so both
readings are one code.

Must never: parse YAML, touch the file system, or import anything of ours.
"""

from __future__ import annotations

import re

FENCE = "---"
MARKER_SIZE = 7
_OPEN = re.compile(r"^<{7}(?:[ \t].*)?$")
_BASE = re.compile(r"^\|{7}(?:[ \t].*)?$")
_MIDDLE = re.compile(r"^={7}[ \t]*$")
_CLOSE = re.compile(r"^>{7}(?:[ \t].*)?$")


def lines_of(text: str) -> list[str]:
    """Lines split at "\n" only, each keeping its line break (`str.splitlines` splits at more)."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _is_fence(line: str) -> bool:
    return line.rstrip("\r\n").rstrip(" \t") == FENCE


def fence_spans(text: str) -> tuple[list[tuple[int, int, int, int, int, bool]], int]:
    """The front-matter blocks of `text` as (start, content_start, content_end, end, first_line,
    terminated), and where the body starts (see `frontmatter` for the layout). Never fails."""
    lines = lines_of(text)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    blocks: list[tuple[int, int, int, int, int, bool]] = []
    i = 0
    body_start = 0
    while i < len(lines) and _is_fence(lines[i]):
        open_line = i
        j = i + 1
        while j < len(lines) and not _is_fence(lines[j]):
            j += 1
        terminated = j < len(lines)
        content_end = offsets[j]
        end = offsets[j + 1] if terminated else offsets[j]
        blocks.append((offsets[open_line], offsets[open_line + 1], content_end, end, open_line + 2, terminated))
        body_start = end
        if not terminated:
            break
        k = j + 1
        while k < len(lines) and lines[k].strip() == "":
            k += 1
        if k < len(lines) and _is_fence(lines[k]):
            i = k
        else:
            break
    return blocks, body_start


def marker_regions(text: str) -> list[tuple[int, int, int, str]]:
    """Every complete conflict region in `text` as 1-based (start, middle, end) line numbers and the
    label `ours: LABEL` gave. A lone `=======` (a Markdown heading underline) is not one."""
    regions: list[tuple[int, int, int, str]] = []
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
            regions.append((start, middle, number, label))
            start = middle = 0
    return regions


def _label(line: str) -> str:
    label = line[MARKER_SIZE:].strip()
    return label.split(":", 1)[1].strip() if label.startswith("ours:") else ""
