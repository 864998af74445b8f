"""Splitting a term file into its front-matter blocks and its Markdown body, losslessly.

A file opens with a `---` line. Each block runs to the next `---` line; after it, blank lines may
separate it from another block opened by `---`. The first other line starts the body, so a `---`
rule or a code fence in the body is never mistaken for front matter. The parts are offsets into
the original text: joining them gives back every character, and edits are spliced at offsets.

Must never: parse YAML, touch the file system, or normalise anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from authoring.core.linescan import FENCE, fence_spans, lines_of

__all__ = ["FENCE", "Block", "Split", "line_of", "lines_of", "split"]


@dataclass(frozen=True)
class Block:
    """One front-matter block, as character offsets into the file's text.

    `start` is where its opening `---` line begins; `content_start`/`content_end` delimit the YAML
    between the fences; `end` is just past the closing `---` line (its newline included).
    `first_line` is the 1-based line number of the first content line. An unterminated block
    (no closing fence before the end of the file) has `terminated=False` and ends at the end.
    """

    index: int
    start: int
    content_start: int
    content_end: int
    end: int
    first_line: int
    terminated: bool


@dataclass(frozen=True)
class Split:
    """A file's blocks and where its body starts. `blocks` is empty when there is no front matter."""

    text: str
    blocks: tuple[Block, ...]
    body_start: int

    @property
    def body(self) -> str:
        """The Markdown after the last block, exactly as written."""
        return self.text[self.body_start :]

    def content(self, block: Block) -> str:
        """The YAML text of one block."""
        return self.text[block.content_start : block.content_end]

    @property
    def entry(self) -> Block | None:
        """The last block: the term's entry. Earlier blocks are legacy headers."""
        return self.blocks[-1] if self.blocks else None


def split(text: str) -> Split:
    """Split `text` into blocks and body. Never fails: oddities are visible in the result."""
    spans, body_start = fence_spans(text)
    return Split(text, tuple(Block(index, *span) for index, span in enumerate(spans)), body_start)


def line_of(text: str, offset: int) -> int:
    """1-based line number of a character offset."""
    return text.count("\n", 0, offset) + 1
