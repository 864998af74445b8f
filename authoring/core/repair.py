"""Repairs for the front-matter faults that agent-written YAML commonly has, proposed as readable changes.

Measured on the corpus, the faults are values YAML reads as syntax: prose containing `: `
(`where: Chapter 5: Microbial Growth`), values starting with a backtick, `*`/`**bold**`, `|x|`, `>`
or `@`, text after a closing `]` (`[-1, 1], where …`), `"a" or "b"`, unknown escapes such as `\\D`
in double quotes, flow lists whose items are such prose; and structure: an entry that lost its
`---` fences, a block with no closing `---`.

A repair works one fault at a time: find the first syntax error, propose the smallest change to the
line that causes it, keep the change only when the error moves on, and repeat (bounded). The result
is accepted only when the whole file parses, every repaired value reads as exactly the text the
author wrote (the quoted value equals the raw text after `key: `), and every other value is what the
untouched lines say (checked with deepdiff against the file with each repaired value masked by a
placeholder). Lines outside the repairs stay byte-identical.

Must never: write files, touch Git, or accept a repair whose result reads differently from the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from authoring.core.frontmatter import lines_of
from authoring.core.paths import FieldPath, format_path, get_value
from authoring.core.render import double_quoted, single_quoted
from authoring.core.termfile import TermFile, load_term
from authoring.core.textfile import Text
from authoring.core.valueparse import parse_value
from authoring.core.yamlio import quick_syntax_error_lines, syntax_error_lines
from authoring.errors import AuthoringError, Problem

# Each step fixes one fault; the corpus's worst file has a dozen. A bound keeps a pathological file
# from looping.
MAX_STEPS = 80

_KEYED = re.compile(r"^(?P<lead>[ \t]*(?:-[ \t]+)*)(?P<key>[A-Za-z_][A-Za-z0-9_\-]*):(?P<gap>[ \t]+)"
                    r"(?P<rest>\S.*?)[ \t]*$")
_ITEM = re.compile(r"^(?P<lead>[ \t]*(?:-[ \t]+)*-[ \t]+)(?P<rest>\S.*?)[ \t]*$")
_BLOCK_INDICATOR = re.compile(r"^[|>](?:[1-9][-+]?|[-+][1-9]?)?[ \t]*(#.*)?$")
_HEADING = re.compile(r"^#{1,6}[ \t]+\S")
_PLACEHOLDER = "__authoring_repair_{}__"
_PAIRS = {"(": ")", "[": "]", "{": "}"}


@dataclass(frozen=True)
class Repair:
    """One fault fixed: which rule, where (1-based line of the file as it was), and what it now reads as.

    `field` is the dotted path of the repaired value (None for structural repairs such as a missing
    fence); `value` is what that field reads as after the repair: the text the author wrote.
    """

    rule: str
    line: int
    message: str
    field: str | None = None
    value: Any = None

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `--json`."""
        return {"rule": self.rule, "line": self.line, "message": self.message, "field": self.field,
                "value": self.value}


@dataclass(frozen=True)
class Hunk:
    """Lines of the file as it was (`old`, from line `line`) and what the repairs make of them (`new`).

    A pure insertion has no old lines; `line` is then the line it goes before.
    """

    line: int
    old: tuple[str, ...]
    new: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `--json`."""
        return {"line": self.line, "old": list(self.old), "new": list(self.new)}


@dataclass
class RepairPlan:
    """The repairs proposed for one file, the bytes they produce, and what they could not fix.

    `after` is None when no change is proposed. `refused` says why proposed changes must not be
    applied (a verification failed); `remaining` holds the problems still there afterwards.
    """

    path: Path
    display: str
    before: bytes
    after: bytes | None = None
    repairs: list[Repair] = field(default_factory=list)
    hunks: list[Hunk] = field(default_factory=list)
    remaining: list[Problem] = field(default_factory=list)
    refused: str | None = None

    @property
    def needed(self) -> bool:
        """True when the file has something to repair (fixable or not)."""
        return bool(self.repairs) or bool(self.remaining) or self.refused is not None

    @property
    def applicable(self) -> bool:
        """True when the repairs may be written: they fix every fault and were verified."""
        return self.after is not None and self.refused is None and not self.remaining and bool(self.repairs)

    def describe(self) -> str:
        """The repairs as a person reads them: each fault with its line, then the old and new lines."""
        lines: list[str] = []
        for item in self.repairs:
            lines.append(f"line {item.line}: {item.rule}: {item.message}")
        for hunk in self.hunks:
            lines.append(f"@@ line {hunk.line}")
            lines.extend(f"- {old}" for old in hunk.old)
            lines.extend(f"+ {new}" for new in hunk.new)
        if self.refused:
            lines.append(f"refused: {self.refused}")
        for problem in self.remaining:
            lines.append("still: " + problem.format_long())
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `--json`."""
        return {"path": self.display, "applicable": self.applicable, "repairs": [r.to_json() for r in self.repairs],
                "hunks": [h.to_json() for h in self.hunks], "remaining": [p.to_json() for p in self.remaining],
                "refused": self.refused}


@dataclass
class _Fix:
    rule: str
    message: str
    line: int  # 0-based line of the current text
    # where the repaired value now stands: (line, col) to (line, col), end exclusive; None: structural
    span: tuple[tuple[int, int], tuple[int, int]] | None = None
    expected: Any = None
    path: FieldPath | None = None


@dataclass
class _Proposal:
    rule: str
    message: str
    first: int
    new_lines: dict[int, str]
    old_region: tuple[tuple[int, int], tuple[int, int]]
    span: tuple[tuple[int, int], tuple[int, int]]
    expected: Any
    old_line: str = ""


class _Lines:
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

    def copy(self) -> _Lines:
        other = _Lines.__new__(_Lines)
        other.content, other.eol, other.origin = list(self.content), list(self.eol), list(self.origin)
        return other


def propose(term: TermFile) -> RepairPlan:
    """The repairs for one loaded file. Pure: reads nothing, writes nothing."""
    plan = RepairPlan(term.path, term.display, term.data)
    if term.text is None or term.split is None:
        plan.remaining = term.errors or list(term.problems)
        return plan
    lines = _Lines(term.text.body)
    original = list(lines.content)
    fixes: list[_Fix] = []
    _fix_structure(term, lines, fixes)
    loaded = _load(term, lines) if fixes else term
    current: TermFile | None = loaded
    error: _Error | None = _first_error(loaded) if not loaded.parses else None
    next_error: _Error | None = None
    steps = 0
    while error is not None and steps < MAX_STEPS:
        steps += 1
        accepted = None
        for proposal in _proposals(lines, error):
            if _overlaps(proposal, fixes):
                continue
            trial = lines.copy()
            for index, content in proposal.new_lines.items():
                trial.content[index] = content
            quick = _quick_error(trial, error)
            if quick is not None:
                # still a syntax error in this block: keep the change only if the error moved on
                if _moved_on(error, quick, proposal):
                    accepted, current, next_error = proposal, None, quick
                    break
                continue
            attempt = _load(term, trial)
            following = None if attempt.parses else _first_error(attempt)
            if attempt.parses or _moved_on(error, following, proposal):
                accepted, current, next_error = proposal, attempt, following
                break
        if accepted is None:
            break
        _shift_spans(fixes, accepted)
        for index, content in accepted.new_lines.items():
            lines.content[index] = content
        fixes.append(_Fix(accepted.rule, accepted.message, accepted.first, accepted.span, accepted.expected))
        error = next_error
    if current is None:
        current = _load(term, lines)
    if not fixes:
        plan.remaining = [] if current.parses else (current.errors or list(current.problems))
        return plan
    plan.hunks = _hunks(original, lines)
    after = Text(term.text.bom, lines.text())
    plan.after = after.encode()
    if not current.parses:
        plan.remaining = current.errors or list(current.problems)
    else:
        plan.refused = _verify(term, original, lines, current, fixes)
    plan.repairs = [Repair(f.rule, _original_line(lines, f.line), f.message,
                           format_path(f.path) if f.path is not None else None, f.expected) for f in fixes]
    return plan


# -- structure ------------------------------------------------------------------------------------


def _fix_structure(term: TermFile, lines: _Lines, fixes: list[_Fix]) -> None:
    """Fence an unfenced entry, or close an unterminated last block, before any value repair."""
    assert term.split is not None
    unfenced = next((p for p in term.problems if p.code == "unfenced-entry"), None)
    if unfenced is not None:
        start = unfenced.line - 1
        end = _yaml_end(lines, start + 1)
        closed = any(_is_fence(lines.content[i]) for i in range(start, end))
        if not closed:
            lines.insert(end, "---")
        lines.insert(start, "---")
        what = "opening '---' fence" if closed else "'---' fences"
        fixes.append(_Fix("fence-entry", f"the entry from line {unfenced.line} had no {what}; added", start))
        return
    last = term.split.entry
    if last is not None and not last.terminated:
        first = last.first_line - 1
        end = _yaml_end(lines, first)
        lines.insert(end, "---")
        fixes.append(_Fix("close-block", "the last front-matter block had no closing '---' line; added one", end))


def _is_fence(text: str) -> bool:
    return text.rstrip(" \t") == "---"


def _yaml_end(lines: _Lines, start: int) -> int:
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


# -- finding faults and proposing changes ---------------------------------------------------------------


@dataclass(frozen=True)
class _Error:
    line: int  # 0-based, in the file
    col: int
    context: int | None
    lo: int  # the block's first content line (0-based)
    hi: int  # just past its last content line


def _load(term: TermFile, lines: _Lines) -> TermFile:
    assert term.text is not None
    return load_term(term.path, term.display, Text(term.text.bom, lines.text()).encode())


def _quick_error(lines: _Lines, before: _Error) -> _Error | None:
    """The first syntax error left in the block that `before` was in (libyaml, so loops stay fast)."""
    content = "".join(c + e for c, e in zip(lines.content[before.lo : before.hi], lines.eol[before.lo : before.hi],
                                             strict=True))
    found = quick_syntax_error_lines(content)
    if found is None:
        return None
    line, col, context = found
    return _Error(before.lo + line, col, before.lo + context if context is not None else None, before.lo, before.hi)


def _first_error(term: TermFile) -> _Error | None:
    if term.split is None:
        return None
    for block, parsed in zip(term.split.blocks, term.blocks, strict=False):
        if parsed is not None:
            continue
        base = block.first_line - 1
        hi = base + len(lines_of(term.split.content(block)))
        found = syntax_error_lines(term.split.content(block))
        if found is None:
            # it composes but does not construct: a date that is no date can be quoted; a duplicate key
            # or an alias bomb has no repair that keeps what the text says
            bad = next((p for p in term.problems if p.code == "invalid-value" and base < p.line <= hi), None)
            if bad is None:
                return None
            return _Error(bad.line - 1, bad.col - 1, None, base, hi)
        line, col, context = found
        return _Error(base + line, col, base + context if context is not None else None, base, hi)
    return None


def _moved_on(before: _Error, after: _Error | None, proposal: _Proposal) -> bool:
    """True when the first error now stands later in the file than before (beyond what the change shifted)."""
    if after is None:
        return True  # no syntax error left (what remains, if anything, is for the final check)
    if after.line != before.line:
        return after.line > before.line
    shift = 0
    if proposal.first == before.line and proposal.old_region[0][1] <= before.col:
        shift = len(proposal.new_lines.get(before.line, "")) - len(proposal.old_line)
    return after.col > before.col + shift


def _proposals(lines: _Lines, error: _Error) -> list[_Proposal]:
    candidates: list[int] = []
    for line in (error.line, _owner(lines, error.line, error.lo), error.context,
                 _owner(lines, error.context, error.lo) if error.context is not None else None):
        if line is not None and error.lo <= line < error.hi and line not in candidates:
            candidates.append(line)
    found: list[_Proposal] = []
    for line in candidates:
        col = error.col if line == error.line else None
        for proposal in _for_line(lines, line, error.hi, col):
            proposal.old_line = lines.content[proposal.first]
            found.append(proposal)
    return found


def _owner(lines: _Lines, index: int, lo: int) -> int | None:
    """The line whose value line `index` continues (a less-indented `key: text` above it), if any."""
    indent = _indent(lines.content[index])
    for above in range(index - 1, lo - 1, -1):
        text = lines.content[above]
        if not text.strip():
            continue
        if _indent(text) < indent:
            match = _KEYED.match(text) or _ITEM.match(text)
            return above if match and not _BLOCK_INDICATOR.match(match["rest"]) else None
    return None


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _for_line(lines: _Lines, index: int, hi: int, error_col: int | None) -> list[_Proposal]:
    text = lines.content[index]
    found: list[_Proposal] = []
    if error_col is not None:
        escape = _escapes(text, index, error_col)
        if escape is not None:
            found.append(escape)
    keyed = _KEYED.match(text)
    match = keyed or _ITEM.match(text)
    if match is None:
        return found
    rest = match["rest"]
    start = match.start("rest")
    owner_col = keyed.start("key") if keyed else len(match["lead"].rstrip()) - 1
    if _BLOCK_INDICATOR.match(rest) or rest[0] in "&!":
        return found
    what = f"`{keyed['key']}`" if keyed else "the list item"
    if rest[0] == "{":
        close = _matching(rest)
        if close is None or close == len(rest) - 1:
            return found  # a whole flow mapping, or one over several lines: not a one-line fault
        quoted = _quote_whole(lines, index, start, owner_col, hi, "text-after-bracket",
                              f"{what}: text follows the closing '}}'; quoted the whole value as written")
    elif rest[0] == "[":
        close = _matching(rest)
        if close == len(rest) - 1:
            items = _flow_items(text, index, start, rest, what)
            if items is not None:
                found.append(items)
            return found
        if close is None and _continuation(lines, index, owner_col, hi):
            return found  # a flow list over several lines: not a one-line fault
        message = (f"{what}: text follows the closing ']'; quoted the whole value as written" if close is not None
                   else f"{what}: '[' opens a list that never closes; quoted the value as written")
        quoted = _quote_whole(lines, index, start, owner_col, hi, "text-after-bracket", message)
    elif rest[0] in "\"'":
        if _quoted_end(rest, 0) in (len(rest) - 1, None):
            return found  # a whole quoted scalar (escapes are handled above), or one over several lines
        quoted = _quote_whole(lines, index, start, owner_col, hi, "quoted-prefix",
                              f"{what}: a quoted part is followed by more text; quoted the whole value as written")
    else:
        quoted = _quote_whole(lines, index, start, owner_col, hi, "quote-value",
                              f"{what}: {_why_plain_fails(rest)}; quoted the value as written")
    if quoted is not None:
        found.append(quoted)
    return found


def _why_plain_fails(rest: str) -> str:
    if rest[0] in "`*|>@%":
        return f"the value starts with {rest[0]!r}, which YAML reads as syntax"
    if re.match(r"^\d{4}-\d\d-\d\d$", rest):
        return "the value reads as a date but is no real date"
    if ": " in rest:
        return "the value contains ': ', which YAML reads as a nested key"
    return "the value is not valid plain YAML"


def _continuation(lines: _Lines, index: int, owner_col: int, hi: int) -> list[int]:
    """The lines after `index` that continue its plain value (more indented than its key), blank lines inside."""
    found: list[int] = []
    pending: list[int] = []
    for below in range(index + 1, hi):
        text = lines.content[below]
        if not text.strip():
            pending.append(below)
            continue
        if _indent(text) > owner_col and not text.lstrip().startswith("#"):
            found.extend(pending)
            pending = []
            found.append(below)
            continue
        break
    return found


def _quote_whole(lines: _Lines, index: int, start: int, owner_col: int, hi: int, rule: str,
                 message: str) -> _Proposal | None:
    """Quote the raw text of a value (with the lines that continue it) so that it reads as written."""
    first = lines.content[index]
    rest_end = len(first.rstrip(" \t"))
    extra = _continuation(lines, index, owner_col, hi)
    pieces = [first[start:rest_end]] + [lines.content[i].strip() for i in extra]
    raw = "\n".join([first[start:rest_end]] + [lines.content[i] for i in extra])
    if _reads_as_scalar(raw):
        return None  # the value is fine as it stands; the fault is elsewhere
    expected = _fold(pieces)
    if any("\t" in p for p in pieces):
        return None
    use_double = any("'" in p for p in pieces) and not any('"' in p or "\\" in p for p in pieces)
    quote = '"' if use_double else "'"

    def escaped(piece: str) -> str:
        return piece if use_double else piece.replace("'", "''")

    new_lines: dict[int, str] = {}
    last = extra[-1] if extra else index
    tail = first[rest_end:]
    if not extra:
        new_lines[index] = first[:start] + quote + escaped(pieces[0]) + quote + tail
        span = ((index, start), (index, len(new_lines[index]) - len(tail)))
    else:
        new_lines[index] = first[:start] + quote + escaped(pieces[0]) + tail
        for i in extra:
            text = lines.content[i]
            if not text.strip():
                continue
            body = text.rstrip(" \t")
            lead = body[: len(body) - len(body.lstrip())]
            closing = quote if i == last else ""
            new_lines[i] = lead + escaped(body.strip()) + closing + text[len(body):]
        end_col = len(new_lines[last].rstrip(" \t"))
        span = ((index, start), (last, end_col))
    return _Proposal(rule, message, index, new_lines, ((index, start), (last, len(lines.content[last]))), span,
                     expected)


def _fold(pieces: list[str]) -> str:
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


def _reads_as_scalar(text: str) -> bool:
    try:
        value = parse_value(text)
    except AuthoringError:
        return False
    return not isinstance(value, dict | list)


def _matching(text: str) -> int | None:
    """Index of the bracket closing the one at `text[0]`, skipping quoted strings and nested brackets."""
    stack: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == '"' and (index == 0 or text[index - 1] in " ,[{"):
            end = _quoted_end(text, index)
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


def _quoted_end(text: str, start: int) -> int | None:
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


def _split_items(inner: str) -> list[tuple[int, int]] | None:
    """Spans of a flow list's items, split at commas outside brackets, double quotes and backticks."""
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
            if char == quote:
                quote = None
        elif char in '"`':
            quote = char
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


def _flow_items(text: str, index: int, start: int, rest: str, what: str) -> _Proposal | None:
    """Quote the items of a one-line flow list that YAML cannot read, each as its raw text."""
    try:
        parse_value(rest)
    except AuthoringError:
        pass
    else:
        return None
    inner = rest[1:-1]
    spans = _split_items(inner)
    if spans is None:
        return None
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
        kept = _flow_item_value(item)
        if kept is not None:
            pieces.append(item)
            values.append(kept[0])
        else:
            meant = _unescaped_if_quoted(item)
            if meant is None:
                return None
            pieces.append(_quote(meant))
            values.append(meant)
            quoted += 1
        cursor = lead + len(item)
    pieces.append(inner[cursor:])
    if not quoted:
        return None
    new_rest = "[" + "".join(pieces) + "]"
    line = text[:start] + new_rest + text[start + len(rest):]
    return _Proposal("quote-list-items", f"{what}: {quoted} list item(s) YAML cannot read as written; quoted them",
                     index, {index: line}, ((index, start), (index, start + len(rest))),
                     ((index, start), (index, start + len(new_rest))), values)


def _flow_item_value(item: str) -> tuple[Any] | None:
    """(value,) when `item` reads alone as one flow-list item that is not a mapping; else None."""
    try:
        value = parse_value("[" + item + "]")
    except AuthoringError:
        return None
    if not isinstance(value, list) or len(value) != 1 or (isinstance(value[0], dict) and not item.startswith("{")):
        return None
    return (value[0],)


def _unescaped_if_quoted(item: str) -> str | None:
    """The text an item means: its raw text, or for a whole double-quoted item with bad escapes, its
    content with backslashes taken literally. None when that reading is ambiguous (`\\\\`)."""
    if item.startswith('"') and _quoted_end(item, 0) == len(item) - 1:
        content = item[1:-1]
        if "\\\\" in content:
            return None
        return content.replace('\\"', '"')
    return item


def _quote(text: str) -> str:
    if "'" in text and '"' not in text and "\\" not in text:
        return double_quoted(text)
    return single_quoted(text)


def _escapes(text: str, index: int, error_col: int) -> _Proposal | None:
    """A double-quoted scalar with an escape YAML does not know (`\\D`, `\\(`): rewrite it single-quoted,
    taking its backslashes literally, which is what LaTeX-writing authors mean."""
    for start in range(len(text)):
        if text[start] != '"' or (start > 0 and text[start - 1] not in " [,:-\t"):
            continue
        end = _quoted_end(text, start)
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
        proposal = _Proposal("unknown-escape", f"a double-quoted value has backslashes YAML does not know "
                             f"(`{_first_escape(content)}`); rewrote it single-quoted so they stay as written",
                             index, {index: line}, ((index, start), (index, end + 1)),
                             ((index, start), (index, start + len(new))), meant)
        return proposal
    return None


def _first_escape(content: str) -> str:
    at = content.find("\\")
    return content[at : at + 2]


def _overlaps(proposal: _Proposal, fixes: list[_Fix]) -> bool:
    a0, a1 = proposal.old_region
    return any(f.span is not None and not (f.span[1] <= a0 or a1 <= f.span[0]) for f in fixes)


def _shift_spans(fixes: list[_Fix], proposal: _Proposal) -> None:
    """Move the spans of earlier fixes that stand after a one-line change on the same line."""
    (line, _), (end_line, end_col) = proposal.old_region
    if line != end_line:
        return
    delta = proposal.span[1][1] - end_col
    for fix in fixes:
        if fix.span is not None and fix.span[0][0] == line and fix.span[0][1] >= end_col:
            (l0, c0), (l1, c1) = fix.span
            fix.span = ((l0, c0 + delta), (l1, c1 + delta))


# -- verification -----------------------------------------------------------------------------------


def _verify(term: TermFile, original: list[str], lines: _Lines, repaired: TermFile, fixes: list[_Fix]) -> str | None:
    """Why the repaired file must not be written, or None when every check holds."""
    touched = {i for f in fixes if f.span is not None for i in range(f.span[0][0], f.span[1][0] + 1)}
    for index, origin in enumerate(lines.origin):
        if origin is not None and index not in touched and lines.content[index] != original[origin]:
            return f"line {origin + 1} changed outside the repairs"
    assert repaired.split is not None
    for fix in fixes:
        if fix.span is None:
            continue
        path = _path_at(repaired, fix.span[0])
        if path is None:
            return f"line {_original_line(lines, fix.line)}: the repaired value is not where it was written"
        fix.path = path[1]
        value = get_value(repaired.blocks[path[0]].plain, path[1])  # type: ignore[union-attr]
        if value != fix.expected:
            return (f"line {_original_line(lines, fix.line)}: the repaired value reads as {value!r}, not as the"
                    f" text written, {fix.expected!r}")
    masked = _masked(lines, fixes)
    masked_term = _load(term, masked)
    if not masked_term.parses or len(masked_term.blocks) != len(repaired.blocks):
        return "the file without the repaired values does not parse the same way"
    expected_values = {_PLACEHOLDER.format(n): f.expected for n, f in enumerate(fixes) if f.span is not None}
    for mine, theirs in zip(masked_term.blocks, repaired.blocks, strict=True):
        assert mine is not None and theirs is not None
        expected = _unmask(mine.plain, expected_values)
        if expected != theirs.plain:
            from deepdiff import DeepDiff  # to say what differs (imported here: it brings numpy)

            diff = DeepDiff(expected, theirs.plain, threshold_to_diff_deeper=0)
            return f"the repairs would change other values: {diff.pretty()[:300]}"
    if term.parses:
        # a structural repair of a file that already parsed must not change what it says
        for old, new in zip(term.blocks, repaired.blocks, strict=False):
            assert old is not None and new is not None
            if old.plain != new.plain:
                from deepdiff import DeepDiff

                diff = DeepDiff(old.plain, new.plain, threshold_to_diff_deeper=0)
                return f"closing the block would change its values: {diff.pretty()[:300]}"
    return None


def _masked(lines: _Lines, fixes: list[_Fix]) -> _Lines:
    """The repaired lines with every repaired value replaced by a placeholder scalar."""
    masked = lines.copy()
    ordered = sorted(((f.span, n) for n, f in enumerate(fixes) if f.span is not None), reverse=True)
    for ((l0, c0), (l1, c1)), number in ordered:
        placeholder = _PLACEHOLDER.format(number)
        if l0 == l1:
            text = masked.content[l0]
            masked.content[l0] = text[:c0] + placeholder + text[c1:]
            continue
        masked.content[l0] = masked.content[l0][:c0] + placeholder
        for middle in range(l0 + 1, l1):
            masked.content[middle] = ""
        masked.content[l1] = masked.content[l1][c1:].strip()
    return masked


def _unmask(data: Any, values: dict[str, Any]) -> Any:
    if isinstance(data, dict):
        return {k: _unmask(v, values) for k, v in data.items()}
    if isinstance(data, list):
        return [_unmask(v, values) for v in data]
    if isinstance(data, str) and data in values:
        return values[data]
    return data


def _path_at(term: TermFile, at: tuple[int, int]) -> tuple[int, FieldPath] | None:
    """(block index, path) of the value node that starts at file line/column `at`."""
    assert term.split is not None
    line, col = at
    for number, (block, parsed) in enumerate(zip(term.split.blocks, term.blocks, strict=True)):
        base = block.first_line - 1
        if parsed is None or parsed.node is None or not base <= line:
            continue
        found = _find(parsed.node, line - base, col, ())
        if found is not None:
            return number, found
    return None


def _find(node: Node, line: int, col: int, path: FieldPath) -> FieldPath | None:
    if path and node.start_mark.line == line and node.start_mark.column == col:
        return path
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if isinstance(key, ScalarNode):
                found = _find(value, line, col, (*path, str(key.value)))
                if found is not None:
                    return found
    elif isinstance(node, SequenceNode):
        for number, item in enumerate(node.value):
            found = _find(item, line, col, (*path, number))
            if found is not None:
                return found
    return None


# -- presenting -------------------------------------------------------------------------------------


def _original_line(lines: _Lines, index: int) -> int:
    """1-based line in the original file of current line `index` (inserted lines: the next original line)."""
    for origin in lines.origin[index:]:
        if origin is not None:
            return origin + 1
    last = max((o for o in lines.origin if o is not None), default=-1)
    return last + 2


def _hunks(original: list[str], lines: _Lines) -> list[Hunk]:
    hunks: list[Hunk] = []
    group: list[int] = []

    def flush() -> None:
        if group:
            olds = tuple(original[o] for o in (lines.origin[i] for i in group) if o is not None)
            hunks.append(Hunk(_original_line(lines, group[0]), olds, tuple(lines.content[i] for i in group)))
            group.clear()

    for index, origin in enumerate(lines.origin):
        if origin is None or lines.content[index] != original[origin]:
            group.append(index)
        else:
            flush()
    flush()
    return hunks
