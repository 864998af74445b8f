"""A fast reading of one front-matter block that agrees with `yamlio.parse_block`, or defers to it.

ruamel.yaml's round-trip parser is pure Python (≈12 ms a block); libyaml, through PyYAML's C
extension, composes the same text in a fraction of that. This module composes with libyaml and
builds the plain data itself, resolving plain scalars with ruamel's own YAML 1.2 resolver table and
constructing every non-string scalar as ruamel's own constructors do, so values are ruamel's (`yaml12`
holds the table and the common forms, checked against ruamel; ruamel itself is imported only for a
rare form or a block it must judge, so the merge driver's fast path never pays its import).
Whenever anything is doubtful it hands the block to `yamlio.parse_block` (the authority):
explicit tags, aliases, merge keys, duplicate keys, non-scalar keys, tabs, directives, unusual
line breaks, nesting past the depth bound — and every text that libyaml rejects, since problems
must carry ruamel's own located messages.

A block that libyaml rejects inside one top-level key of a root block mapping is handed to ruamel
from that key's line on (ruamel's state at a column-0 key of the root mapping is its state at the
start of a document), which gives ruamel's own error at the same place for a fraction of the cost.
The prefix before that line must compose cleanly with libyaml and define no anchor; any other
outcome (ruamel accepts the rest, or fails in its composer or constructor) falls back to the
whole block. `tests/test_fastyaml.py` proves agreement on every block of the corpus.

The node graph of a fast block is PyYAML's (same `.id`, `.tag`, `.value`, `.start_mark.index`);
`paths`, `yamlio` and the `roundtrip.Editor` walk either kind by `node.id`, and the marks agree with
ruamel's on every corpus node except empty scalars (ruamel marks them where the next token starts,
libyaml just after the colon, which is where a value added after it belongs; an empty value
itself is replaced from its key's colon). So a fast reading is
edited directly (`ParsedBlock.round_trip` is False): `tests/test_workflow_corpus.py` and the corpus
conformance test prove that edits write the same bytes on either reading.

The composition and the plain values are `fastplain`'s (the merge driver's fast path reads with it
alone, and declines where this module would ask ruamel).

Must never: write files, touch Git or a UI, or return a value ruamel would not.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import yaml
from yaml._yaml import CParser

from authoring.core import yaml12
from authoring.core.fastplain import compose, needs_ruamel, plain
from authoring.core.frontmatter import Block, Split
from authoring.core.yamlio import (
    ParsedBlock,
    message_of,
    new_yaml,
    parse_block,
    problem_of_marked,
    to_plain,
)
from authoring.errors import ParseError

_TOP_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*:(?:[ \r\n]|$)")


class _Ruamel:
    """ruamel's scalar constructors, made once, for the forms `yaml12` does not construct itself."""

    def __init__(self) -> None:
        from ruamel.yaml.nodes import ScalarNode

        self.constructor = new_yaml().constructor
        self.scalar_node = ScalarNode

    def construct(self, tag: str, node: Any) -> Any:
        """A non-string scalar, constructed by ruamel's own function for its tag, as plain Python."""
        scalar = self.scalar_node(tag, node.value, node.start_mark, node.end_mark, style=None)
        method = self.constructor.yaml_constructors[tag]
        return to_plain(method(self.constructor, scalar))


_RUAMEL: _Ruamel | None = None


def _construct(tag: str, node: Any) -> Any:
    """The plain value ruamel constructs for a non-string scalar (ruamel imported only for rare forms)."""
    global _RUAMEL
    known, value = yaml12.construct(tag, node.value)
    if known:
        return value
    if _RUAMEL is None:
        _RUAMEL = _Ruamel()
    return _RUAMEL.construct(tag, node)


def parse_block_fast(split: Split, block: Block, path: str) -> ParsedBlock:
    """What `yamlio.parse_block` returns for this block (values and problems alike), faster.

    Raises `ParseError` exactly when `parse_block` does, with the same problems.
    """
    content = split.content(block)
    if needs_ruamel(content):  # a block nested too deep is refused at once, before any ruamel scanning
        return parse_block(split, block, path)
    try:
        node = compose(content)
        plain_data = plain(node, _construct) if node is not None else None
    except yaml.YAMLError as exc:
        _raise_ruamel_error(split, block, path, content, exc)
        return parse_block(split, block, path)  # ruamel disagrees with libyaml: its word stands
    except Exception:  # Doubt, or a value ruamel's constructor refuses (2021-13-01): ask ruamel
        return parse_block(split, block, path)
    return ParsedBlock(block, node, plain_data, plain_data, round_trip=False)


def _raise_ruamel_error(split: Split, block: Block, path: str, content: str, exc: yaml.YAMLError) -> None:
    """Raise ruamel's own `ParseError` for a block libyaml rejected, parsing as little as is safe.

    Returns (without raising) when only a whole-block parse can say what ruamel says.
    """
    from ruamel.yaml.error import MarkedYAMLError
    from ruamel.yaml.parser import ParserError
    from ruamel.yaml.scanner import ScannerError

    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is None:
        return
    error_index = int(mark.index)
    region = _region_around(content, error_index)
    if region is None:
        return
    start, end = region
    error_line_end = content.find("\n", error_index)
    error_line_end = len(content) if error_line_end < 0 else error_line_end
    part = dataclasses.replace(block, content_start=block.content_start + start,
                               content_end=block.content_start + end,
                               first_line=block.first_line + content.count("\n", 0, start))
    loader = new_yaml()
    try:
        constructor, parser = loader.get_constructor_parser(content[start:end])
        try:
            constructor.composer.get_single_node()
        finally:
            parser.dispose()
    except (ScannerError, ParserError) as error:
        found = error.problem_mark
        # Only an error ruamel finds inside the region, no later than the line libyaml stopped on,
        # is certainly the one it finds in the whole block; anything else is asked of the whole block.
        if found is None or start + int(found.index) > error_line_end:
            return
        raise ParseError(message_of(error), [problem_of_marked(error, split, part, path)]) from None
    except (MarkedYAMLError, RecursionError):
        return


class _Frame:
    """An open collection while replaying libyaml's events: its kind and the last key it began."""

    __slots__ = ("block_mapping", "expect_key", "last_key")

    def __init__(self, block_mapping: bool) -> None:
        self.block_mapping = block_mapping
        self.expect_key = True
        self.last_key: tuple[int, int] | None = None  # (index, column) of the key's first character


def _region_around(content: str, error_index: int) -> tuple[int, int] | None:
    """The smallest span around `error_index` that ruamel reads exactly as inside the whole block.

    It starts at the line of the last plain key of the innermost block mapping still open where
    libyaml stopped (a key alone at the start of its line, after indentation: ruamel's state there
    is that of a new document whose root mapping sits at that column) and ends before the first
    later line indented less than that key, where that mapping has certainly ended. Found by
    replaying libyaml's events up to its error; None when no such key exists.
    """
    parser = CParser(content)
    frames: list[_Frame] = []
    try:
        while True:
            event = parser.get_event()
            if event is None or isinstance(event, yaml.StreamEndEvent):
                break
            top = frames[-1] if frames else None
            mark = event.start_mark
            if top is not None and top.block_mapping and top.expect_key and isinstance(event, yaml.ScalarEvent) \
                    and not event.style and mark is not None:
                top.last_key = (int(mark.index), int(mark.column))
            if isinstance(event, yaml.MappingStartEvent):
                frames.append(_Frame(block_mapping=not event.flow_style))
            elif isinstance(event, yaml.SequenceStartEvent):
                frames.append(_Frame(block_mapping=False))
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                frames.pop()
                _toggle(frames)
            elif isinstance(event, yaml.ScalarEvent | yaml.AliasEvent):
                _toggle(frames)
    except yaml.YAMLError:
        pass
    finally:
        parser.dispose()
    for frame in reversed(frames):
        if not frame.block_mapping or frame.last_key is None:
            continue
        index, column = frame.last_key
        line_start = index - column
        if index > error_index or line_start < 0 or content[line_start:index].strip(" "):
            continue
        return line_start, _end_of_indented(content, error_index, column)
    return None


def _toggle(frames: list[_Frame]) -> None:
    """A node inside the innermost collection is complete: in a mapping, keys and values alternate."""
    if frames and frames[-1].block_mapping:
        frames[-1].expect_key = not frames[-1].expect_key


def _end_of_indented(content: str, error_index: int, column: int) -> int:
    """Offset of the first line after the error's line indented less than `column` (or the end)."""
    offset = content.find("\n", error_index)
    while offset >= 0:
        start = offset + 1
        offset = content.find("\n", start)
        line = content[start:] if offset < 0 else content[start:offset]
        stripped = line.lstrip(" ")
        if stripped.strip() and len(line) - len(stripped) < column:
            return start
    return len(content)
