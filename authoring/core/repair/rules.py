"""The repair rules: one small function per fault, each with its code and a docstring that says what it
finds and how it fixes it. `RULES` (code → that docstring's first paragraph) is the catalogue shown by
`authoring repair --kind` and the docs.

A value rule proposes the smallest change to one value (`Proposal`) or returns None when it does not
apply; `search` decides which rule to try on which line, `plan` whether the change is kept. A rule
never changes what the author wrote: a quoted value reads back as its raw text, a flow list keeps its
items, and a flow list whose commas may be inside prose is a `Doubt` for a person, never a guess.

Must never: write files, touch Git, or return a change whose value differs from the text written.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from authoring.core.render import single_quoted
from authoring.core.termfile import TermFile
from authoring.core.valueparse import parse_value
from authoring.errors import AuthoringError

from .text import (
    Lines,
    Proposal,
    continuation,
    fold,
    is_fence,
    quoted_end,
    quoted_text,
    reads_as_scalar,
    split_items,
    yaml_end,
)

RULES: dict[str, str] = {}
"""Every repair's code and what it does (the first paragraph of its rule's docstring)."""

_F = TypeVar("_F", bound=Callable[..., Any])


def rule(code: str) -> Callable[[_F], _F]:
    """Register a rule function under `code`, with its docstring as the catalogue's description."""

    def register(function: _F) -> _F:
        doc = inspect.getdoc(function) or ""
        RULES[code] = " ".join(doc.split("\n\n", 1)[0].split())
        return function

    return register


@dataclass(frozen=True)
class Structural:
    """A structural repair made in place on the lines: its code, its message, and the line it stands on."""

    code: str
    message: str
    line: int


@dataclass(frozen=True)
class Doubt:
    """A fault whose repair would have to guess what the author meant: listed for a person."""

    line: int
    """0-based line of the current text."""
    message: str


# -- structure ----------------------------------------------------------------------------------------


@rule("fence-entry")
def fence_entry(term: TermFile, lines: Lines) -> Structural | None:
    """An entry written without its `---` fences: add the opening fence (and the closing one when missing)
    around the YAML, which ends before the first Markdown heading."""
    unfenced = next((p for p in term.problems if p.code == "unfenced-entry"), None)
    if unfenced is None:
        return None
    start = unfenced.line - 1
    end = yaml_end(lines, start + 1)
    closed = any(is_fence(lines.content[i]) for i in range(start, end))
    if not closed:
        lines.insert(end, "---")
    lines.insert(start, "---")
    what = "opening '---' fence" if closed else "'---' fences"
    return Structural("fence-entry", f"the entry from line {unfenced.line} had no {what}; added", start)


@rule("close-block")
def close_block(term: TermFile, lines: Lines) -> Structural | None:
    """The last front-matter block has no closing `---` line: add one where its YAML ends."""
    last = term.split.entry if term.split is not None else None
    if last is None or last.terminated:
        return None
    end = yaml_end(lines, last.first_line - 1)
    lines.insert(end, "---")
    return Structural("close-block", "the last front-matter block had no closing '---' line; added one", end)


# -- values ---------------------------------------------------------------------------------------------


@rule("unknown-escape")
def unknown_escape(text: str, index: int, error_col: int) -> Proposal | None:
    """A double-quoted value with a backslash escape YAML does not know (`\\D`, `\\(`): rewrite it
    single-quoted, taking its backslashes literally, which is what LaTeX-writing authors mean."""
    for start in range(len(text)):
        if text[start] != '"' or (start > 0 and text[start - 1] not in " [,:-\t"):
            continue
        end = quoted_end(text, start)
        if end is None:
            return None
        if not start <= error_col <= end:
            continue
        after = text[end + 1:].lstrip()
        if after and after[0] not in ",]}#":
            return None  # `"a" or "b"`: text follows; quoting the whole value handles it
        content = text[start + 1 : end]
        if "\\\\" in content or "\\" not in content:
            return None
        meant = content.replace('\\"', '"')
        new = single_quoted(meant)
        line = text[:start] + new + text[end + 1:]
        at = content.find("\\")
        return Proposal("unknown-escape", f"a double-quoted value has backslashes YAML does not know "
                        f"(`{content[at:at + 2]}`); rewrote it single-quoted so they stay as written",
                        index, {index: line}, ((index, start), (index, end + 1)),
                        ((index, start), (index, start + len(new))), meant)
    return None


@rule("quote-value")
def quote_value(lines: Lines, index: int, start: int, owner_col: int, hi: int, what: str) -> Proposal | None:
    """A plain value YAML reads as syntax (it starts with a backtick, `*`, `|`, `>`, `@`, contains `: `, or
    looks like a date that is none): quote its raw text, with the lines that continue it."""
    rest = lines.content[index][start:].rstrip(" \t")
    return quote_whole(lines, index, start, owner_col, hi, "quote-value",
                       f"{what}: {why_plain_fails(rest)}; quoted the value as written")


@rule("quoted-prefix")
def quoted_prefix(lines: Lines, index: int, start: int, owner_col: int, hi: int, what: str) -> Proposal | None:
    """A value that opens with a quoted part followed by more text (`"a" or "b"`): quote the whole value."""
    return quote_whole(lines, index, start, owner_col, hi, "quoted-prefix",
                       f"{what}: a quoted part is followed by more text; quoted the whole value as written")


@rule("text-after-bracket")
def text_after_bracket(lines: Lines, index: int, start: int, owner_col: int, hi: int, what: str,
                       closed: bool, bracket: str = "]") -> Proposal | None:
    """Text after a closing `]` or `}` (`[-1, 1], where …`), or a `[` that never closes: the author wrote
    prose, not a list; quote the whole value as written."""
    message = (f"{what}: text follows the closing '{bracket}'; quoted the whole value as written" if closed
               else f"{what}: '[' opens a list that never closes; quoted the value as written")
    return quote_whole(lines, index, start, owner_col, hi, "text-after-bracket", message)


@rule("quote-list-items")
def quote_list_items(text: str, index: int, start: int, rest: str, what: str) -> Proposal | Doubt | None:
    """A one-line flow list with items YAML cannot read (`[*bold*, x: y]`): quote each such item as its raw
    text, keeping the number of items.

    When a comma sits inside prose (the text ends like a sentence and every later item continues it,
    `[A value in [0, 1], often as a time series.]`), the author wrote one item: see `quote-list-sentence`.
    When it ends like a sentence and some items continue it while others start anew, the repair would
    have to guess: a `Doubt` for a person."""
    try:
        parse_value(rest, fast=True)
    except AuthoringError:
        pass
    else:
        return None
    inner = rest[1:-1]
    spans = split_items(inner)
    if spans is None:
        return None
    items = [inner[a:b].strip() for a, b in spans]
    reading = _reading(items)
    if reading == "sentence":
        return quote_list_sentence(text, index, start, rest, what)
    if reading == "doubt":
        return Doubt(index, f"{what}: a comma inside the flow list may be inside prose ({_excerpt(inner)}):"
                     " one item or several? quote it by hand")
    pieces: list[str] = []
    values: list[Any] = []
    quoted = 0
    cursor = 0
    for number, (a, b) in enumerate(spans):
        item = inner[a:b].strip()
        if not item:
            if number == len(spans) - 1 and number > 0:
                pieces.append(inner[cursor:])
                cursor = len(inner)
                continue
            return None
        lead = a + len(inner[a:b]) - len(inner[a:b].lstrip())
        pieces.append(inner[cursor:lead])
        kept = _item_value(item)
        if kept is not None:
            pieces.append(item)
            values.append(kept[0])
        else:
            meant = _unescaped_if_quoted(item)
            if meant is None:
                return None
            pieces.append(quoted_text(meant))
            values.append(meant)
            quoted += 1
        cursor = lead + len(item)
    pieces.append(inner[cursor:])
    if not quoted:
        return None
    new_rest = "[" + "".join(pieces) + "]"
    line = text[:start] + new_rest + text[start + len(rest):]
    return Proposal("quote-list-items", f"{what}: {quoted} list item(s) YAML cannot read as written; quoted them",
                    index, {index: line}, ((index, start), (index, start + len(rest))),
                    ((index, start), (index, start + len(new_rest))), values)


@rule("quote-list-sentence")
def quote_list_sentence(text: str, index: int, start: int, rest: str, what: str) -> Proposal | None:
    """A one-line flow list that holds one sentence with commas inside it (`[A value in [0, 1], often as a
    time series.]`): quote the sentence as the list's one item, so that YAML does not split it."""
    inner = rest[1:-1]
    sentence = inner.strip()
    if not sentence or "\t" in sentence:
        return None
    lead = inner[: len(inner) - len(inner.lstrip())]
    trail = inner[len(inner.rstrip()):]
    new_rest = "[" + lead + quoted_text(sentence) + trail + "]"
    line = text[:start] + new_rest + text[start + len(rest):]
    return Proposal("quote-list-sentence", f"{what}: the list holds one sentence with commas inside it;"
                    " quoted it as one item", index, {index: line}, ((index, start), (index, start + len(rest))),
                    ((index, start), (index, start + len(new_rest))), [sentence])


def quote_whole(lines: Lines, index: int, start: int, owner_col: int, hi: int, code: str,
                message: str) -> Proposal | None:
    """Quote the raw text of a value (with the lines that continue it) so that it reads as written."""
    first = lines.content[index]
    rest_end = len(first.rstrip(" \t"))
    extra = continuation(lines, index, owner_col, hi)
    pieces = [first[start:rest_end]] + [lines.content[i].strip() for i in extra]
    raw = "\n".join([first[start:rest_end]] + [lines.content[i] for i in extra])
    if reads_as_scalar(raw):
        return None  # the value is fine as it stands; the fault is elsewhere
    expected = fold(pieces)
    if any("\t" in p for p in pieces):
        return None
    use_double = any("'" in p for p in pieces) and not any('"' in p or "\\" in p for p in pieces)
    mark = '"' if use_double else "'"

    def escaped(piece: str) -> str:
        return piece if use_double else piece.replace("'", "''")

    new_lines: dict[int, str] = {}
    last = extra[-1] if extra else index
    tail = first[rest_end:]
    if not extra:
        new_lines[index] = first[:start] + mark + escaped(pieces[0]) + mark + tail
        span = ((index, start), (index, len(new_lines[index]) - len(tail)))
    else:
        new_lines[index] = first[:start] + mark + escaped(pieces[0]) + tail
        for i in extra:
            line = lines.content[i]
            if not line.strip():
                continue
            body = line.rstrip(" \t")
            lead = body[: len(body) - len(body.lstrip())]
            closing = mark if i == last else ""
            new_lines[i] = lead + escaped(body.strip()) + closing + line[len(body):]
        end_col = len(new_lines[last].rstrip(" \t"))
        span = ((index, start), (last, end_col))
    return Proposal(code, message, index, new_lines, ((index, start), (last, len(lines.content[last]))), span,
                    expected)


def why_plain_fails(rest: str) -> str:
    """Why YAML cannot read `rest` as a plain value, in words."""
    if rest[0] in "`*|>@%":
        return f"the value starts with {rest[0]!r}, which YAML reads as syntax"
    if re.match(r"^\d{4}-\d\d-\d\d$", rest):
        return "the value reads as a date but is no real date"
    if ": " in rest:
        return "the value contains ': ', which YAML reads as a nested key"
    return "the value is not valid plain YAML"


# -- telling a list from a sentence -------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?…][)\]\\\"'’”*_`]*$")
_OPENERS = "\"'‘“`*_([{\\"


def _starts_lower(item: str) -> bool:
    """True when `item`'s first word (past quotes, emphasis and brackets) starts with a lower-case letter,
    as a sentence's continuation does (`often as a time series.`); a symbol such as `μ` is no word here."""
    return re.match(r"[a-z]", item.lstrip(_OPENERS + " ")) is not None


def _reading(items: list[str]) -> str:
    """How to read a flow list's comma-separated pieces: `list` (each its own item), `sentence` (one
    sentence: it ends like one and every later piece continues it) or `doubt` (prose whose commas may or
    may not separate items: only the author knows).

    Later pieces that start in lower case are continuations of prose unless they are keywords (one or
    two words, `[spiral, coherence]`) in a list that does not end like a sentence; `e.g.` is prose."""
    later = [item for item in items[1:] if _starts_lower(item)]
    if not later:
        return "list"
    ends = _SENTENCE_END.search(items[-1]) is not None
    if ends and len(later) == len(items) - 1:
        return "sentence"
    prose = any(re.match(r"(e\.g|i\.e|etc)\b", item.lstrip(_OPENERS + " ")) for item in later)
    if not ends and not prose and all(len(item.split()) <= 2 for item in later):
        return "list"
    return "doubt"


def _excerpt(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _item_value(item: str) -> tuple[Any] | None:
    """(value,) when `item` reads alone as one flow-list item that is not a mapping; else None."""
    try:
        value = parse_value("[" + item + "]", fast=True)
    except AuthoringError:
        return None
    if not isinstance(value, list) or len(value) != 1 or (isinstance(value[0], dict) and not item.startswith("{")):
        return None
    return (value[0],)


def _unescaped_if_quoted(item: str) -> str | None:
    """The text an item means: its raw text, or for a whole double-quoted item with bad escapes, its
    content with backslashes taken literally. None when that reading is ambiguous (`\\\\`)."""
    if item.startswith('"') and quoted_end(item, 0) == len(item) - 1:
        content = item[1:-1]
        if "\\\\" in content:
            return None
        return content.replace('\\"', '"')
    return item
