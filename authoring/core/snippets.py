"""Whether a cited snippet stands in a module's text, compared as a reader compares them.

Agents copy snippets out of rendered Markdown, so a citation and its module differ in what a reader
does not see: Markdown emphasis (`*`, `_`, `**`), code ticks, curly versus straight quotes, dash variants
(`–`, `—`, `-`, non-breaking hyphens), non-breaking spaces and line wrapping. `normalise` removes exactly
those differences (on both sides); an ellipsis (`...` or `…`) in a snippet is a gap: the parts around it
must stand in the module in order. Case and every other character still count, so a snippet whose words
differ is not found.

`SnippetIndex(text).find(snippet)` gives every place (as character offsets of the original text) where
the snippet stands; `snippet_in(text, snippet)` says whether it stands anywhere. The gate that a
citation's snippet is in its module and the audit use these, so they agree.

Must never: touch files, Git or a UI.
"""

from __future__ import annotations

import bisect
import re
from array import array
from dataclasses import dataclass, field

_QUOTES = {c: "'" for c in "‘’‚‛′ʼ"} | {c: '"' for c in "“”„‟″«»"}
_DASHES = dict.fromkeys("‐‑‒–—―−﹣－", "-")
_SPACES = dict.fromkeys("\u00a0\u2007\u202f\u2009\u200a", " ")
_DROPPED = dict.fromkeys("*_`\u200b\u00ad")  # emphasis, code ticks, zero-width space, soft hyphen
_TABLE = str.maketrans({**_QUOTES, **_DASHES, **_SPACES, **_DROPPED})
_ELLIPSIS = re.compile(r"\.{3,}|…")
_WORD = re.compile(r"\S+")


def normalise(text: str) -> str:
    """`text` as compared: quotes and dashes made ASCII, emphasis and code ticks dropped, whitespace one space."""
    return " ".join(word for word in text.translate(_TABLE).split() if word)


def parts(snippet: str) -> list[str]:
    """The normalised pieces of a snippet between its ellipses (a snippet without one is one piece)."""
    return [piece for piece in (normalise(p) for p in _ELLIPSIS.split(snippet)) if piece]


@dataclass
class SnippetIndex:
    """A text, normalised once, that snippets are looked for in; places come back as original offsets."""

    text: str
    normalised: str = ""
    # Machine integers, not lists: an audit indexes every module at once, a word each (8 bytes, not 36).
    _starts: array[int] = field(default_factory=lambda: array("q"))
    """Where each word starts in `normalised`."""
    _offsets: array[int] = field(default_factory=lambda: array("q"))
    """Where the same word starts in `text`."""
    _ends: array[int] = field(default_factory=lambda: array("q"))
    """Where it ends in `text`."""

    def __post_init__(self) -> None:
        pieces: list[str] = []
        position = 0
        for match in _WORD.finditer(self.text):  # `\S` already treats non-breaking spaces as spaces
            word = match.group().translate(_TABLE)
            if not word:
                continue  # a word of emphasis marks only (`**`)
            self._starts.append(position)
            self._offsets.append(match.start())
            self._ends.append(match.end())
            pieces.append(word)
            position += len(word) + 1
        self.normalised = " ".join(pieces)

    def find(self, snippet: str) -> list[tuple[int, int]]:
        """Every place the snippet stands: (first, last) character offsets in `text`, first place first.
        Pieces around an ellipsis must follow each other; each place starts at a match of the first piece."""
        pieces = parts(snippet)
        if not pieces:
            return []
        places: list[tuple[int, int]] = []
        start = self.normalised.find(pieces[0])
        while start >= 0:
            end = start + len(pieces[0])
            for piece in pieces[1:]:
                found = self.normalised.find(piece, end)
                if found < 0:
                    return places  # a later piece is nowhere after this start, nor after any later one
                end = found + len(piece)
            places.append((self._original(start, first=True), self._original(end - 1, first=False)))
            start = self.normalised.find(pieces[0], start + 1)
        return places

    def _original(self, position: int, *, first: bool) -> int:
        """The original offset of the word holding normalised `position` (its start, or its last character)."""
        word = bisect.bisect_right(self._starts, position) - 1
        return self._offsets[word] if first else self._ends[word] - 1


def snippet_in(text: str, snippet: str) -> bool:
    """True when `snippet` stands in `text`, compared as `normalise` does, ellipses as gaps."""
    return bool(SnippetIndex(text).find(snippet))
