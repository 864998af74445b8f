"""Splitting a term file into its front-matter blocks and its Markdown body, losslessly.

A file opens with a `---` line. Each block runs to the next `---` line; after it, blank lines may
separate it from another block opened by `---`. The first other line starts the body, so a `---`
rule or a code fence in the body is never mistaken for front matter. The parts are offsets into
the original text: joining them gives back every character, and edits are spliced at offsets.

Must never: parse YAML, touch the file system, or normalise anything.
"""

from __future__ import annotations

from dataclasses import dataclass

FENCE = "---"


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


def _is_fence(line: str) -> bool:
    return line.rstrip("\r\n").rstrip(" \t") == FENCE


def split(text: str) -> Split:
    """Split `text` into blocks and body. Never fails: oddities are visible in the result."""
    lines = lines_of(text)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    blocks: list[Block] = []
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
        blocks.append(Block(len(blocks), offsets[open_line], offsets[open_line + 1], content_end, end,
                            open_line + 2, terminated))
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
    return Split(text, tuple(blocks), body_start)


def lines_of(text: str) -> list[str]:
    """Lines split at "\n" only, each keeping its line break (`str.splitlines` splits at more)."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def line_of(text: str, offset: int) -> int:
    """1-based line number of a character offset."""
    return text.count("\n", 0, offset) + 1
