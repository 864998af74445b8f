"""A term file reduced to what reading many revisions needs: whether it parses, and where a field stands.

A loaded `TermFile` keeps its bytes, its decoded text and every block's YAML node graph (libyaml's
nodes carry two position marks each): about 90 KB a corpus term, so an audit holding every term of
a 10× corpus held gigabytes. `SlimTerm.of(term)` keeps, per block, a tree of the node positions
(scalar values dropped; marshalled, since a tree of small objects costs ten times its bytes) and the
block's line starts, so `locate(path)` gives the line `TermFile.locate` gives, in a fraction of the
memory. The caller keeps the entry's plain data (pickled) and the problems apart (`revisions.Revision`).

Must never: read files; answer a locate differently from `TermFile.locate` (line numbers).
"""

from __future__ import annotations

import bisect
import marshal
import sys
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from authoring.core.paths import FieldPath, kind_of
from authoring.core.summary import summarise
from authoring.core.termfile import TermFile

# A position tree: (start index in the block, children). Children: a mapping's dict of
# key text → (key's start index, value's tree); a sequence's list of item trees; None for a scalar.
_Tree = tuple[int, Any]


def _tree(node: Any) -> _Tree:
    kind = kind_of(node)
    index = int(node.start_mark.index)
    if kind == "mapping":
        children: dict[str, tuple[int, _Tree]] = {}
        for key_node, value_node in node.value:
            # `paths.mapping_get` matches scalar keys as text, and the first match wins
            if kind_of(key_node) == "scalar" and key_node.value not in children:
                children[sys.intern(str(key_node.value))] = (int(key_node.start_mark.index), _tree(value_node))
        return index, children
    if kind == "sequence":
        return index, [_tree(item) for item in node.value]
    return index, None


def _line_starts(content: str) -> array[int]:
    """The offsets just past each newline of `content` (found by `str.find`: a loop per line, not per character)."""
    starts = array("l")
    found = content.find("\n")
    while found != -1:
        starts.append(found + 1)
        found = content.find("\n", found + 1)
    return starts


_last: tuple[bytes, Any] = (b"", None)
"""The tree decoded last, with its bytes: an audit locates several fields of one term in a row."""


def _decoded(tree: bytes) -> Any:
    """`marshal.loads(tree)`, the last one kept (read only: a tuple swapped whole, so safe across threads)."""
    global _last
    last = _last
    if last[0] is tree:
        return last[1]
    decoded = marshal.loads(tree)
    _last = (tree, decoded)
    return decoded


@dataclass(frozen=True)
class _Block:
    first_line: int
    line_starts: array[int]  # offsets (in the block's text) where each line after the first starts
    tree: bytes | None  # the position tree, marshalled (a tenth of its size as objects); None: did not parse

    def line(self, index: int) -> int:
        return self.first_line + bisect.bisect_right(self.line_starts, max(index, 0))


class SlimTerm:
    """What `TermFile` answers about a parsed revision that reading history needs, held compactly."""

    __slots__ = ("_blocks", "label", "parses", "path")

    def __init__(self, path: Path, parses: bool, blocks: list[_Block],
                 label: tuple[str | None, tuple[str, ...]] = (None, ())) -> None:
        self.path = path
        self.parses = parses
        self._blocks = blocks
        self.label = label
        """The term's name and aliases as `list` shows them (`summary.summarise`: from a legacy header
        when the entry does not parse), for duplicate detection."""

    @classmethod
    def of(cls, term: TermFile) -> SlimTerm:
        """The slim form of a loaded term (its text and nodes can then be let go)."""
        blocks: list[_Block] = []
        if term.split is not None:
            for block, parsed in zip(term.split.blocks, term.blocks, strict=False):
                content = term.split.content(block)
                starts = _line_starts(content)
                tree = (marshal.dumps(_tree(parsed.node)) if parsed is not None and parsed.node is not None
                        else None)
                blocks.append(_Block(block.first_line, starts, tree))
        summary = summarise(term)
        return cls(term.path, term.parses, blocks, (summary.term, tuple(summary.aliases)))

    def locate(self, path: FieldPath, block_index: int = -1) -> tuple[int, int, str]:
        """The line of the deepest node on `path` that exists (as `TermFile.locate`); column and text are
        not kept (0 and "")."""
        block = self._blocks[block_index]
        if block.tree is None:
            return block.line(0), 0, ""
        index, children = _decoded(block.tree)
        for part in path:
            if isinstance(children, dict) and str(part) in children:
                index, (_, children) = children[str(part)]  # a key is located at the key
            elif isinstance(children, list) and isinstance(part, int) and part < len(children):
                index, children = children[part]
            else:
                break
        return block.line(index), 0, ""
