"""Finding the fault to repair next: the first syntax error of a block, the lines that may cause it, and
which rule (see `rules`) to try on each.

Errors are found with libyaml (`yamlio.quick_syntax_error_lines`: the loop re-checks a block after every
small change, and ruamel's scanner costs fifty times as much); ruamel's word is asked only when libyaml
finds none in a block that does not load, and the plan's last check (`load_term`) is the authority.

Must never: write files, touch Git, change lines (rules propose, `plan` applies).
"""

from __future__ import annotations

from dataclasses import dataclass

from authoring.core.frontmatter import lines_of
from authoring.core.termfile import TermFile, load_term
from authoring.core.textfile import Text
from authoring.core.yamlio import quick_syntax_error_lines, syntax_error_lines

from .rules import Doubt, quote_list_items, quote_value, quoted_prefix, text_after_bracket, unknown_escape
from .text import BLOCK_INDICATOR, ITEM, KEYED, Lines, Proposal, continuation, matching, owner, quoted_end


@dataclass(frozen=True)
class Fault:
    """Where the first syntax error of a block stands (0-based lines of the file)."""

    line: int
    col: int
    context: int | None
    """The line where the construct the parser was reading began (a `[` that never closed)."""
    lo: int
    """The block's first content line."""
    hi: int
    """Just past the block's last content line."""


def load(term: TermFile, lines: Lines) -> TermFile:
    """The file as `lines` would make it, loaded as `check` loads it (the fast reader, same values)."""
    assert term.text is not None
    return load_term(term.path, term.display, Text(term.text.bom, lines.text()).encode(), fast=True)


def quick_error(lines: Lines, before: Fault) -> Fault | None:
    """The first syntax error left in the block that `before` was in (libyaml, so loops stay fast)."""
    content = "".join(c + e for c, e in zip(lines.content[before.lo : before.hi], lines.eol[before.lo : before.hi],
                                             strict=True))
    found = quick_syntax_error_lines(content)
    if found is None:
        return None
    line, col, context = found
    return Fault(before.lo + line, col, before.lo + context if context is not None else None, before.lo, before.hi)


def first_error(term: TermFile) -> Fault | None:
    """The first fault of the first block that does not load, or None when there is none a rule could fix."""
    if term.split is None:
        return None
    for block, parsed in zip(term.split.blocks, term.blocks, strict=False):
        if parsed is not None:
            continue
        base = block.first_line - 1
        content = term.split.content(block)
        hi = base + len(lines_of(content))
        found = quick_syntax_error_lines(content) or syntax_error_lines(content)
        if found is None:
            # it composes but does not construct: a date that is no date can be quoted; a duplicate key
            # or an alias bomb has no repair that keeps what the text says
            bad = next((p for p in term.problems if p.code == "invalid-value" and base < p.line <= hi), None)
            if bad is None:
                return None
            return Fault(bad.line - 1, bad.col - 1, None, base, hi)
        line, col, context = found
        return Fault(base + line, col, base + context if context is not None else None, base, hi)
    return None


def moved_on(before: Fault, after: Fault | None, proposal: Proposal) -> bool:
    """True when the first error now stands later in the file than before (beyond what the change shifted)."""
    if after is None:
        return True  # no syntax error left (what remains, if anything, is for the final check)
    if after.line != before.line:
        return after.line > before.line
    shift = 0
    if proposal.first == before.line and proposal.old_region[0][1] <= before.col:
        shift = len(proposal.new_lines.get(before.line, "")) - len(proposal.old_line)
    return after.col > before.col + shift


def proposals(lines: Lines, error: Fault, doubts: list[Doubt]) -> list[Proposal]:
    """Every change a rule proposes for the lines that may cause `error`, most likely first; a rule that
    would have to guess adds a `Doubt` to `doubts` instead."""
    candidates: list[int] = []
    for line in (error.line, owner(lines, error.line, error.lo), error.context,
                 owner(lines, error.context, error.lo) if error.context is not None else None):
        if line is not None and error.lo <= line < error.hi and line not in candidates:
            candidates.append(line)
    found: list[Proposal] = []
    for line in candidates:
        col = error.col if line == error.line else None
        for proposal in _for_line(lines, line, error.hi, col):
            if isinstance(proposal, Doubt):
                doubts.append(proposal)
                continue
            proposal.old_line = lines.content[proposal.first]
            found.append(proposal)
    return found


def _for_line(lines: Lines, index: int, hi: int, error_col: int | None) -> list[Proposal | Doubt]:
    """The rules that apply to line `index`, by the shape of its value."""
    text = lines.content[index]
    found: list[Proposal | Doubt] = []
    if error_col is not None:
        escape = unknown_escape(text, index, error_col)
        if escape is not None:
            found.append(escape)
    keyed = KEYED.match(text)
    match = keyed or ITEM.match(text)
    if match is None:
        return found
    rest = match["rest"]
    start = match.start("rest")
    owner_col = keyed.start("key") if keyed else len(match["lead"].rstrip()) - 1
    if BLOCK_INDICATOR.match(rest) or rest[0] in "&!":
        return found
    what = f"`{keyed['key']}`" if keyed else "the list item"
    proposal: Proposal | Doubt | None
    if rest[0] == "{":
        close = matching(rest)
        if close is None or close == len(rest) - 1:
            return found  # a whole flow mapping, or one over several lines: not a one-line fault
        proposal = text_after_bracket(lines, index, start, owner_col, hi, what, closed=True, bracket="}")
    elif rest[0] == "[":
        close = matching(rest)
        if close == len(rest) - 1:
            proposal = quote_list_items(text, index, start, rest, what)
        elif close is None and continuation(lines, index, owner_col, hi):
            return found  # a flow list over several lines: not a one-line fault
        else:
            proposal = text_after_bracket(lines, index, start, owner_col, hi, what, closed=close is not None)
    elif rest[0] in "\"'":
        if quoted_end(rest, 0) in (len(rest) - 1, None):
            return found  # a whole quoted scalar (escapes are handled above), or one over several lines
        proposal = quoted_prefix(lines, index, start, owner_col, hi, what)
    else:
        proposal = quote_value(lines, index, start, owner_col, hi, what)
    if proposal is not None:
        found.append(proposal)
    return found
