"""The text a repair works on: a file as lines that remember where they came from, and the small
scanners the rules share (brackets, quoted scalars, flow-list items, continuation lines).

Must never: parse YAML beyond one value (libyaml, to tell a scalar), write files, touch Git.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from authoring.core.frontmatter import lines_of
from authoring.core.paths import kind_of
from authoring.core.render import double_quoted, single_quoted
from authoring.core.valueparse import parse_value
from authoring.errors import AuthoringError

KEYED = re.compile(r"^(?P<lead>[ \t]*(?:-[ \t]+)*)(?P<key>[A-Za-z_][A-Za-z0-9_\-]*):(?P<gap>[ \t]+)"
                    r"(?P<rest>\S.*?)[ \t]*$")
ITEM = re.compile(r"^(?P<lead>[ \t]*(?:-[ \t]+)*-[ \t]+)(?P<rest>\S.*?)[ \t]*$")
BLOCK_INDICATOR = re.compile(r"^[|>](?:[1-9][-+]?|[-+][1-9]?)?[ \t]*(#.*)?$")
_HEADING = re.compile(r"^#{1,6}[ \t]+\S")
_PAIRS = {"(": ")", "[": "]", "{": "}"}


class Lines:
    """The file as lines (without line ends), each remembering its line in the original file."""

    def __init__(self, text: str) -> None:
        raw = lines_of(text)
        self.content = [line.rstrip("\r\n") for line in raw]
        self.eol = [line[len(c):] for line, c in zip(raw, self.content, strict=True)]
        self.origin: list[int | None] = list(range(len(raw)))

    def text(self) -> str:
        return "".join(c + e for c, e in zip(self.content, self.eol, strict=True))

    def newline(self) -> str:
        return next((e for e in self.eol if e), "\n")

    def insert(self, index: int, content: str) -> None:
        if index == len(self.content) and self.content and not self.eol[-1]:
            self.eol[-1] = self.newline()  # the last line needs a break before the new one
            self.insert_raw(index, content, "")
            return
        self.insert_raw(index, content, self.newline())

    def insert_raw(self, index: int, content: str, eol: str) -> None:
        self.content.insert(index, content)
        self.eol.insert(index, eol)
        self.origin.insert(index, None)

    def copy(self) -> Lines:
        other = Lines.__new__(Lines)
        other.content, other.eol, other.origin = list(self.content), list(self.eol), list(self.origin)
        return other


@dataclass
class Proposal:
    rule: str
    message: str
    first: int
    new_lines: dict[int, str]
    old_region: tuple[tuple[int, int], tuple[int, int]]
    span: tuple[tuple[int, int], tuple[int, int]]
    expected: Any
    old_line: str = ""


def is_fence(text: str) -> bool:
    return text.rstrip(" \t") == "---"


def yaml_end(lines: Lines, start: int) -> int:
    """Where the YAML that starts at line `start` ends: before the first Markdown heading (and the
    blank lines before it), or at the end of the file."""
    for index in range(start, len(lines.content)):
        if _HEADING.match(lines.content[index]):
            while index > start and not lines.content[index - 1].strip():
                index -= 1
            return index
    end = len(lines.content)
    while end > start and not lines.content[end - 1].strip():
        end -= 1
    return end


def owner(lines: Lines, index: int, lo: int) -> int | None:
    """The line whose value line `index` continues (a less-indented `key: text` above it), if any."""
    own = indent(lines.content[index])
    for above in range(index - 1, lo - 1, -1):
        text = lines.content[above]
        if not text.strip():
            continue
        if indent(text) < own:
            match = KEYED.match(text) or ITEM.match(text)
            return above if match and not BLOCK_INDICATOR.match(match["rest"]) else None
    return None


def indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def continuation(lines: Lines, index: int, owner_col: int, hi: int) -> list[int]:
    """The lines after `index` that continue its plain value (more indented than its key), blank lines inside."""
    found: list[int] = []
    pending: list[int] = []
    for below in range(index + 1, hi):
        text = lines.content[below]
        if not text.strip():
            pending.append(below)
            continue
        if indent(text) > owner_col and not text.lstrip().startswith("#"):
            found.extend(pending)
            pending = []
            found.append(below)
            continue
        break
    return found


def fold(pieces: list[str]) -> str:
    """How YAML folds the lines of a multi-line flow scalar: one break is a space, n blank lines n breaks."""
    out = pieces[0]
    breaks = 0
    for piece in pieces[1:]:
        if not piece:
            breaks += 1
            continue
        out += ("\n" * breaks if breaks else " ") + piece
        breaks = 0
    return out


def reads_as_scalar(text: str) -> bool:
    """True when `text` reads as one scalar value. libyaml answers (the loop asks this of every candidate
    value; ruamel costs fifty times as much): where the two disagree, a rule either leaves a fine value
    alone or proposes a quoting that the plan's verification then checks against the text written."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)("---\n" + text + "\n")
    try:
        node = loader.get_single_node()
    except (yaml.YAMLError, RecursionError):
        return False
    finally:
        loader.dispose()
    if node is None or kind_of(node) != "scalar":
        return False
    try:
        parse_value(text, fast=True)  # it composes; does it construct (`2018-00-00` is a date that is none)?
    except AuthoringError:
        return False
    return True


def matching(text: str) -> int | None:
    """Index of the bracket closing the one at `text[0]`, skipping quoted strings and nested brackets."""
    stack: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == '"' and (index == 0 or text[index - 1] in " ,[{"):
            end = quoted_end(text, index)
            if end is None:
                return None
            index = end
        elif char in _PAIRS:
            stack.append(_PAIRS[char])
        elif stack and char == stack[-1]:
            stack.pop()
            if not stack:
                return index
        index += 1
    return None


def quoted_end(text: str, start: int) -> int | None:
    """Index of the quote closing the quoted scalar that opens at `start`, or None (not on this line)."""
    quote = text[start]
    index = start + 1
    while index < len(text):
        char = text[index]
        if quote == '"' and char == "\\":
            index += 2
            continue
        if char == quote:
            if quote == "'" and index + 1 < len(text) and text[index + 1] == "'":
                index += 2
                continue
            return index
        index += 1
    return None


def split_items(inner: str) -> list[tuple[int, int]] | None:
    """Spans of a flow list's items, split at commas outside brackets, double quotes, backticks and
    single-quoted items."""
    spans: list[tuple[int, int]] = []
    stack: list[str] = []
    quote: str | None = None
    start = 0
    index = 0
    while index < len(inner):
        char = inner[index]
        if quote is not None:
            if quote == '"' and char == "\\":
                index += 2
                continue
            if quote == "'" and inner.startswith("''", index):
                index += 2  # an escaped quote inside a single-quoted item
                continue
            if char == quote:
                quote = None
        elif char in '"`' or (char == "'" and not stack and not inner[start:index].strip()):
            quote = char  # a single quote opens a quoted item only where the item starts, as in YAML
        elif char in _PAIRS:
            stack.append(_PAIRS[char])
        elif stack and char == stack[-1]:
            stack.pop()
        elif char == "," and not stack:
            spans.append((start, index))
            start = index + 1
        index += 1
    if quote is not None or stack:
        return None
    spans.append((start, len(inner)))
    return spans


def quoted_text(text: str) -> str:
    """`text` as one YAML scalar that reads back as exactly `text` (single quotes unless only double fit)."""
    if "'" in text and '"' not in text and "\\" not in text:
        return double_quoted(text)
    return single_quoted(text)
