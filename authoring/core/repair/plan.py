"""A repair plan: the faults of one file fixed one at a time, verified, and shown as a change to confirm.

The loop (`propose`): find the first syntax error (`search`), try the rules' proposals for the lines
that may cause it, keep a change only when the error moves on, and repeat (bounded). The result is
accepted only when the whole file parses, every repaired value reads as exactly the text the author
wrote, and every other value is what the untouched lines say (checked with deepdiff against the file
with each repaired value masked by a placeholder). Lines outside the repairs stay byte-identical.
`kinds` limits a plan to some rules (`authoring repair --kind`); a fault whose repair would have to
guess (`rules.Doubt`) is listed in `doubts` for a person.

Must never: write files, touch Git, or accept a repair whose result reads differently from the text.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from authoring.core.paths import FieldPath, format_path, get_value, kind_of
from authoring.core.termfile import TermFile
from authoring.core.textfile import Text
from authoring.errors import Problem

from .rules import Doubt, Structural, close_block, fence_entry
from .search import Fault, first_error, load, moved_on, proposals, quick_error
from .text import Lines, Proposal

# Problems no rule can repair without changing what the text says: refused at once, before any search
# (a 40 KB nest of brackets would otherwise be searched for a syntax error it does not have).
UNREPAIRABLE = frozenset({"too-deep", "alias-bomb", "recursive-alias", "unsafe-tag", "file-too-large",
                          "invalid-utf8", "nul-byte", "merge-conflict"})

# Each step fixes one fault; the corpus's worst file has a dozen. A bound keeps a pathological file
# from looping.
MAX_STEPS = 80


_PLACEHOLDER = "__authoring_repair_{}__"


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
    doubts: list[str] = field(default_factory=list)
    """Faults a rule would have had to guess at (`line N: …`): for a person to decide."""
    repaired: TermFile | None = field(default=None, repr=False, compare=False)
    """`after` as loaded (`load_term(..., data=after, fast=True)`), when there is an `after`: the plan has
    read it already, so whoever writes it (the repair's event) need not read it again. See `take_repaired`."""

    def take_repaired(self) -> TermFile | None:
        """`repaired`, forgotten by the plan: a plan kept for a report must not keep a loaded file's node
        graph alive (hundreds of plans' worth made `repair --all` spend its time in the garbage collector)."""
        repaired, self.repaired = self.repaired, None
        return repaired

    @property
    def needed(self) -> bool:
        """True when the file has something to repair (fixable or not)."""
        return bool(self.repairs) or bool(self.remaining) or self.refused is not None or bool(self.doubts)

    @property
    def kinds(self) -> list[str]:
        """The codes of the repairs proposed, in order, each once."""
        return list(dict.fromkeys(r.rule for r in self.repairs))

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
        lines.extend(f"for a person: {doubt}" for doubt in self.doubts)
        for problem in self.remaining:
            lines.append("still: " + problem.format_long())
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `--json`."""
        return {"path": self.display, "applicable": self.applicable, "repairs": [r.to_json() for r in self.repairs],
                "hunks": [h.to_json() for h in self.hunks], "remaining": [p.to_json() for p in self.remaining],
                "refused": self.refused, "doubts": list(self.doubts)}


@dataclass
class _Fix:
    rule: str
    message: str
    line: int  # 0-based line of the current text
    # where the repaired value now stands: (line, col) to (line, col), end exclusive; None: structural
    span: tuple[tuple[int, int], tuple[int, int]] | None = None
    expected: Any = None
    path: FieldPath | None = None


def propose(term: TermFile, kinds: Collection[str] | None = None) -> RepairPlan:
    """The repairs for one loaded file (only rules whose code is in `kinds`, when given). Pure: reads
    nothing, writes nothing."""
    plan = RepairPlan(term.path, term.display, term.data)
    hopeless = [p for p in term.problems if p.code in UNREPAIRABLE]
    if term.text is None or term.split is None or hopeless:
        plan.remaining = hopeless or term.errors or list(term.problems)
        return plan
    lines = Lines(term.text.body)
    original = list(lines.content)
    fixes: list[_Fix] = []
    for structural in (fence_entry, close_block):
        if kinds is None or structural.__name__.replace("_", "-") in kinds:
            made: Structural | None = structural(term, lines)
            if made is not None:
                fixes.append(_Fix(made.code, made.message, made.line))
                break  # a fenced entry is closed by its fences
    loaded = load(term, lines) if fixes else term
    doubts: list[Doubt] = []
    current: TermFile | None = loaded
    error: Fault | None = first_error(loaded) if not loaded.parses else None
    next_error: Fault | None = None
    steps = 0
    while error is not None and steps < MAX_STEPS:
        steps += 1
        accepted = None
        for proposal in proposals(lines, error, doubts):
            if _overlaps(proposal, fixes) or (kinds is not None and proposal.rule not in kinds):
                continue
            trial = lines.copy()
            for index, content in proposal.new_lines.items():
                trial.content[index] = content
            quick = quick_error(trial, error)
            if quick is not None:
                # still a syntax error in this block: keep the change only if the error moved on
                if moved_on(error, quick, proposal):
                    accepted, current, next_error = proposal, None, quick
                    break
                continue
            attempt = load(term, trial)
            following = None if attempt.parses else first_error(attempt)
            if attempt.parses or moved_on(error, following, proposal):
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
        current = load(term, lines)
    plan.doubts = list(dict.fromkeys(f"line {_original_line(lines, d.line)}: {d.message}" for d in doubts))
    if not fixes:
        plan.remaining = [] if current.parses else (current.errors or list(current.problems))
        return plan
    plan.hunks = _hunks(original, lines)
    after = Text(term.text.bom, lines.text())
    plan.after = after.encode()
    plan.repaired = current
    if not current.parses:
        plan.remaining = current.errors or list(current.problems)
    else:
        plan.refused = _verify(term, original, lines, current, fixes)
    plan.repairs = [Repair(f.rule, _original_line(lines, f.line), f.message,
                           format_path(f.path) if f.path is not None else None, f.expected) for f in fixes]
    return plan


def _overlaps(proposal: Proposal, fixes: list[_Fix]) -> bool:
    a0, a1 = proposal.old_region
    return any(f.span is not None and not (f.span[1] <= a0 or a1 <= f.span[0]) for f in fixes)


def _shift_spans(fixes: list[_Fix], proposal: Proposal) -> None:
    """Move the spans of earlier fixes that stand after a one-line change on the same line."""
    (line, _), (end_line, end_col) = proposal.old_region
    if line != end_line:
        return
    delta = proposal.span[1][1] - end_col
    for fix in fixes:
        if fix.span is not None and fix.span[0][0] == line and fix.span[0][1] >= end_col:
            (l0, c0), (l1, c1) = fix.span
            fix.span = ((l0, c0 + delta), (l1, c1 + delta))


def _verify(term: TermFile, original: list[str], lines: Lines, repaired: TermFile, fixes: list[_Fix]) -> str | None:
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
    masked_term = load(term, masked)
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


def _masked(lines: Lines, fixes: list[_Fix]) -> Lines:
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


def _find(node: Any, line: int, col: int, path: FieldPath) -> FieldPath | None:
    # nodes are ruamel's or libyaml's (a fast reading): told apart by `kind_of`, not by class
    if path and node.start_mark.line == line and node.start_mark.column == col:
        return path
    kind = kind_of(node)
    if kind == "mapping":
        for key, value in node.value:
            if kind_of(key) == "scalar":
                found = _find(value, line, col, (*path, str(key.value)))
                if found is not None:
                    return found
    elif kind == "sequence":
        for number, item in enumerate(node.value):
            found = _find(item, line, col, (*path, number))
            if found is not None:
                return found
    return None


def _original_line(lines: Lines, index: int) -> int:
    """1-based line in the original file of current line `index` (inserted lines: the next original line)."""
    for origin in lines.origin[index:]:
        if origin is not None:
            return origin + 1
    last = max((o for o in lines.origin if o is not None), default=-1)
    return last + 2


def _hunks(original: list[str], lines: Lines) -> list[Hunk]:
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
