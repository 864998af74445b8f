"""A term file, loaded: its text, its blocks, its entry, and every problem with its location.

`load_term` never raises for what a file contains: a file that does not decode or parse comes back
with error problems and no entry, so listings show it with its error instead of hiding it.
`TermFile.problems` is what `check` reports.

Must never: write files (edits go through `roundtrip`), touch Git or a UI.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from authoring.core import ids
from authoring.core.frontmatter import Block, Split, split
from authoring.core.markers import find_markers
from authoring.core.model import HEADER_FIELDS, Entry
from authoring.core.paths import FieldPath, locate_index
from authoring.core.textfile import MAX_FILE_BYTES, Text, decode
from authoring.core.yamlio import ParsedBlock, location, parse_block, unusual_tags
from authoring.errors import ParseError, Problem, Severity

# Schema problems in these fields break the workflow, so they are errors; elsewhere, warnings.
_CRITICAL_FIELDS = {"status", "canonical_id", "version", "last_updated", "term"}


@dataclass
class TermFile:
    """One term file as read. `entry` is the last block's data as plain Python, or None."""

    path: Path
    display: str
    data: bytes
    text: Text | None = None
    split: Split | None = None
    blocks: list[ParsedBlock | None] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def stem(self) -> str:
        """The file name without `.md`: what `canonical_id` must equal."""
        return self.path.stem

    @property
    def entry_block(self) -> ParsedBlock | None:
        """The parsed last block, or None when it does not parse."""
        return self.blocks[-1] if self.blocks else None

    @property
    def entry(self) -> dict[str, Any] | None:
        """The entry as plain data, when the last block parsed to a mapping."""
        block = self.entry_block
        if block is not None and isinstance(block.plain, dict):
            return block.plain
        return None

    @property
    def headers(self) -> list[ParsedBlock | None]:
        """The legacy header blocks (all but the last)."""
        return self.blocks[:-1]

    @property
    def parses(self) -> bool:
        """True when every block parsed and the entry is a mapping: the file may be edited."""
        return bool(self.blocks) and all(b is not None for b in self.blocks) and self.entry is not None

    @property
    def round_trip(self) -> bool:
        """True when every parsed block holds ruamel's round-trip objects, so the file may be edited."""
        return all(b is None or b.round_trip for b in self.blocks)

    @property
    def errors(self) -> list[Problem]:
        """The error-level problems."""
        return [p for p in self.problems if p.severity == Severity.ERROR]

    def locate(self, path: FieldPath, block_index: int = -1) -> tuple[int, int, str]:
        """Line, column and text of the field at `path` in a block (default: the entry)."""
        assert self.split is not None
        parsed = self.blocks[block_index] if self.blocks else None
        if parsed is None:
            block = self.split.blocks[block_index]
            return location(self.split, block, 0)
        return location(self.split, parsed.block, locate_index(parsed.node, path))

    def problem_at(self, path: FieldPath, severity: Severity, code: str, message: str,
                   fix: str | None = None, block_index: int = -1) -> Problem:
        """A problem located at a field of a block."""
        line, col, source = self.locate(path, block_index)
        return Problem(self.display, line, col, severity, code, message, source, fix)


def load_term(path: Path, display: str | None = None, data: bytes | None = None, *, fast: bool = False) -> TermFile:
    """Read and check one term file. Never raises for the file's content.

    `fast=True` reads blocks with `fastyaml` (same values and problems, a fraction of the time, but
    blocks that are not round-trip objects): for listing and checking, never for editing.
    """
    shown = display or str(path)
    if data is None:
        try:
            with path.open("rb") as handle:
                # never read more than a term file may hold: a huge file is refused, not loaded
                data = handle.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            term = TermFile(path, shown, b"")
            term.problems.append(Problem(shown, 0, 0, Severity.ERROR, "unreadable", f"cannot read: {exc.strerror}"))
            return term
    term = TermFile(path, shown, data)
    try:
        term.text = decode(data, shown)
    except ParseError as exc:
        term.problems.extend(exc.problems)
        return term
    term.split = split(term.text.body)
    _check_structure(term)
    if _check_markers(term):
        # Front matter holding conflict markers is not YAML; its parse errors would only hide the cause.
        term.blocks = [None] * len(term.split.blocks)
        return term
    parse = _fast_parser() if fast else parse_block
    for block in term.split.blocks:
        try:
            term.blocks.append(parse(term.split, block, shown))
        except ParseError as exc:
            term.blocks.append(None)
            term.problems.extend(exc.problems)
    _check_entry(term)
    return term


def _fast_parser() -> Callable[[Split, Block, str], ParsedBlock]:
    """`fastyaml`'s reading, or ruamel's where PyYAML was built without libyaml (its C parser is what
    makes the fast reading fast; without it ruamel is the only reader, slower but the same answers)."""
    try:
        from authoring.core.fastyaml import parse_block_fast
    except ImportError:
        return parse_block
    return parse_block_fast


def _check_structure(term: TermFile) -> None:
    assert term.split is not None
    sp = term.split
    if not sp.blocks:
        first = sp.text.split("\n", 1)[0].rstrip("\r")
        term.problems.append(Problem(term.display, 1, 1, Severity.ERROR, "no-front-matter",
                                     "the file does not open with a '---' front-matter block", first,
                                     "start the file with a '---' line, the YAML entry, and another '---' line"))
        return
    last = sp.blocks[-1]
    if not last.terminated:
        line, _, _ = location(sp, last, 0)
        term.problems.append(Problem(term.display, line - 1, 1, Severity.WARNING, "unterminated-block",
                                     "this front-matter block has no closing '---' line; it runs to the end of"
                                     " the file", "---", "add a '---' line after the block's last line"))
    body_lines = sp.body.split("\n")
    for offset, line_text in enumerate(body_lines):
        if not line_text.strip():
            continue
        if line_text.startswith(("term:", "canonical_id:")):
            line_no = sp.text.count("\n", 0, sp.body_start) + offset + 1
            term.problems.append(Problem(term.display, line_no, 1, Severity.WARNING, "unfenced-entry",
                                         "the body starts with YAML fields: an entry block is missing its '---'"
                                         " fences", line_text.rstrip("\r"),
                                         "fence the entry with '---' lines (see `authoring repair`)"))
        break


def _check_markers(term: TermFile) -> bool:
    """Report every conflict region a merge left; True when one lies in the front matter."""
    assert term.split is not None
    text = term.split.text
    lines = text.split("\n")
    in_front_matter = False
    body_line = text.count("\n", 0, term.split.body_start) + 1
    for region in find_markers(text):
        term.problems.append(region.problem(term.display, lines[region.start - 1].rstrip("\r")))
        in_front_matter = in_front_matter or region.start < body_line
    return in_front_matter


def _check_entry(term: TermFile) -> None:
    block = term.entry_block
    if block is None or block.node is None:
        if term.split is not None and term.split.blocks and term.blocks and term.blocks[-1] is not None:
            term.problems.append(Problem(term.display, term.split.blocks[-1].first_line, 1, Severity.ERROR,
                                         "empty-entry", "the entry block is empty"))
        return
    if not isinstance(block.plain, dict):
        line, col, source = location(term.split, block.block, 0) if term.split else (1, 1, "")
        term.problems.append(Problem(term.display, line, col, Severity.ERROR, "entry-not-mapping",
                                     "the entry is not a mapping of fields", source))
        return
    for parsed in term.blocks:
        # A fast reading (not round-trip) refuses every explicit tag, so it has none to report.
        if parsed is not None and parsed.node is not None and parsed.round_trip:
            for node in unusual_tags(parsed.node):
                line, col, source = location(term.split, parsed.block, node.start_mark.index)  # type: ignore[arg-type]
                term.problems.append(Problem(term.display, line, col, Severity.WARNING, "unknown-tag",
                                             f"unknown tag {node.tag!r}; the value is kept as written", source))
    entry = block.plain
    _check_schema(term, entry)
    _check_id(term, entry)
    _check_headers(term, entry)


def _check_schema(term: TermFile, entry: dict[str, Any]) -> None:
    try:
        Entry.model_validate(entry)
    except ValidationError as exc:
        seen: set[FieldPath] = set()
        for error in exc.errors():
            loc = _field_path(error["loc"])
            if loc in seen:
                continue
            seen.add(loc)
            severity = Severity.ERROR if loc and loc[0] in _CRITICAL_FIELDS else Severity.WARNING
            dotted = ".".join(str(p) for p in loc)
            term.problems.append(term.problem_at(loc, severity, "schema",
                                                 f"{dotted}: {error['msg'].lower()}"))


def _field_path(loc: tuple[Any, ...]) -> FieldPath:
    """A pydantic error location without the union-branch names pydantic inserts."""
    parts: list[str | int] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(item)
        elif isinstance(item, str) and ("[" in item or item in {"str", "float", "int", "date", "list", "dict"}
                                        or item[0].isupper() or "function" in item):
            continue
        else:
            parts.append(str(item))
    return tuple(parts)


def _check_id(term: TermFile, entry: dict[str, Any]) -> None:
    raw = entry.get("canonical_id")
    if raw is None:
        term.problems.append(term.problem_at(("canonical_id",), Severity.ERROR, "missing-id",
                                             "the entry has no canonical_id",
                                             f"add `canonical_id: {term.stem}`"))
        return
    value = str(raw)
    reason = ids.unsafe_reason(value)
    if reason is not None:
        term.problems.append(term.problem_at(("canonical_id",), Severity.ERROR, "unsafe-id",
                                             f"canonical_id {value!r} cannot name a term file: {reason}",
                                             f"set canonical_id to {term.stem}"))
    elif value != term.stem:
        term.problems.append(term.problem_at(("canonical_id",), Severity.ERROR, "id-mismatch",
                                             f"canonical_id {value} differs from the file name {term.stem}",
                                             f"set canonical_id to {term.stem}, or rename the file to {value}.md"))
    elif not ids.is_canonical(value):
        term.problems.append(term.problem_at(("canonical_id",), Severity.WARNING, "id-style",
                                             f"canonical_id {value} is not upper-case letters, digits and '_'"))


def comparable(value: Any) -> str:
    """How a header value is compared with the entry's: as text, ignoring YAML's typing of it."""
    if isinstance(value, list):
        return "[" + ", ".join(comparable(v) for v in value) + "]"
    return "" if value is None else str(value)


def _check_headers(term: TermFile, entry: dict[str, Any]) -> None:
    """One warning per legacy header that disagrees with the entry, listing every field it disagrees on."""
    for index, parsed in enumerate(term.headers):
        if parsed is None or not isinstance(parsed.plain, dict):
            continue
        differing = [name for name in HEADER_FIELDS
                     if name != "provenance" and name in parsed.plain and name in entry
                     and comparable(parsed.plain[name]) != comparable(entry[name])]
        if not differing:
            continue
        said = ", ".join(f"{name} {comparable(parsed.plain[name])!r} (entry: {comparable(entry[name])!r})"
                         for name in differing)
        term.problems.append(term.problem_at(
            (differing[0],), Severity.WARNING, "header-disagrees",
            f"legacy header disagrees with the entry on {said}",
            "fold the headers into the entry with `authoring fold-headers ID`", block_index=index))


# Problems `repair` may propose a fix for; any other reason a file cannot be read is said as it is.
_REPAIRABLE = {"yaml-syntax", "duplicate-key", "yaml-error"}


def unparsed_reason(display: str, errors: list[Problem]) -> str:
    """Why a term file cannot be edited, in words: the real reason (`file-too-large`, `invalid-utf8`, …), and
    `repair` only when it may help."""
    first = errors[0] if errors else None
    if first is None or first.code in _REPAIRABLE:
        return f"{display}: the front matter does not parse; fix it first (see `repair`)"
    return f"{display}: cannot be edited: {first.code}: {first.message}"


# A top-level `key: value` line with a one-line value (quoted or a flow list, shown as written); block
# scalars, anchors, aliases and tags are skipped.
_TOP_LINE = re.compile(r"^([A-Za-z_][\w-]*):[ \t]+(?![|>&*!])(.+?)[ \t]*$")


def readable_fields(term: TermFile) -> tuple[dict[str, Any], str | None]:
    """What can still be shown of a term whose entry does not parse: the entry's top-level one-line values
    read line by line, unvalidated (`"entry, read line by line"`), else the last legacy header that parses
    (`"legacy header"`); `({}, None)` when there is nothing, or when the entry parses (use `entry`)."""
    if term.entry is not None or term.split is None or not term.split.blocks:
        return {}, None
    found: dict[str, Any] = {}
    for line in term.split.content(term.split.blocks[-1]).split("\n"):
        match = _TOP_LINE.match(line.rstrip("\r"))
        if match and match[1] not in found:
            value = match[2]
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            found[match[1]] = value
    if found:
        return found, "entry, read line by line"
    for parsed in reversed(term.headers):
        if parsed is not None and isinstance(parsed.plain, dict) and parsed.plain:
            return dict(parsed.plain), "legacy header"
    return {}, None
