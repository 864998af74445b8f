"""The names of the existing terms, indexed by their words, for finding them in module text.

Every term's name, aliases and id (read as words: `COHERENCE_FLUX` → "coherence flux") become word
tuples in a dictionary keyed by their first word. One pass over a text's words then finds every
mention of every term (longest name first at each position), so matching 1,691 terms against a
module costs one scan, not 1,691 searches.

Must never: read files, touch Git or a UI.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> tuple[str, ...]:
    """The words of `text`, case-folded and NFC-normalised (`Γ-Stiffness` → ("γ", "stiffness"))."""
    return tuple(m.group(0).casefold() for m in _WORD.finditer(unicodedata.normalize("NFC", text)))


_ARTICLES = {"the", "a", "an"}


def name_key(text: str) -> tuple[str, ...]:
    """How names are compared: their words, without a leading article (`The Weaving Shore` ~ `weaving shore`)."""
    key = words(text)
    if len(key) > 1 and key[0] in _ARTICLES:
        return key[1:]
    return key


@dataclass(frozen=True)
class KnownTerm:
    """What candidates need to know of an existing term."""

    id: str
    """The canonical id (file stem)."""
    term: str | None
    """Its name as written."""
    aliases: tuple[str, ...] = ()
    """Other names for it."""
    status: str | None = None
    """Its workflow status (`rejected` terms are flagged to drafting agents)."""
    modules: tuple[str, ...] = ()
    """The modules its provenance cites."""


@dataclass(frozen=True)
class Mention:
    """One place a text names an existing term."""

    term_id: str
    """The term named."""
    kind: str
    """`name`, `alias` or `id`: which of the term's names matched."""
    start: int
    """Offset of the first character in the scanned text."""
    end: int
    """Offset just past the last character."""
    capitalised: bool
    """True when every significant word is written with a capital, as a coined name usually is."""


@dataclass
class _Phrase:
    words: tuple[str, ...]
    term_id: str
    kind: str
    exact: str | None = None  # short names (`Ki`, `CD`) must match with their case, or they match everywhere


_KIND_ORDER = {"name": 0, "alias": 1, "id": 2}
_MINOR = {"of", "the", "and", "in", "for", "to", "a", "an", "on", "as", "by", "with", "de", "la"}


@dataclass
class _Node:
    """A word trie: the names that end here, and the words that may follow."""

    ends: list[_Phrase] = field(default_factory=list)
    next: dict[str, _Node] = field(default_factory=dict)


@dataclass
class Lexicon:
    """Every existing term's names, in a trie of words."""

    terms: dict[str, KnownTerm] = field(default_factory=dict)
    _root: _Node = field(default_factory=_Node)
    _exact: dict[tuple[str, ...], list[_Phrase]] = field(default_factory=dict)

    @classmethod
    def build(cls, terms: Iterable[KnownTerm]) -> Lexicon:
        """Index the names, aliases and ids of `terms`."""
        lexicon = cls()
        for term in terms:
            lexicon.terms[term.id] = term
            names: list[tuple[str, str]] = []
            if term.term:
                names.append((term.term, "name"))
            names.extend((alias, "alias") for alias in term.aliases if alias)
            names.append((term.id.replace("_", " "), "id"))
            seen: set[tuple[str, ...]] = set()
            for text, kind in names:
                key = name_key(text)
                if not key or key in seen:
                    continue
                seen.add(key)
                short = len(key) == 1 and len(key[0]) <= 2
                phrase = _Phrase(key, term.id, kind, text.strip() if short else None)
                node = lexicon._root
                for word in key:
                    node = node.next.setdefault(word, _Node())
                node.ends.append(phrase)
                lexicon._exact.setdefault(key, []).append(phrase)
        return lexicon

    def __len__(self) -> int:
        return len(self.terms)

    def lookup(self, name: str) -> list[tuple[KnownTerm, str]]:
        """The terms one of whose names is `name` (compared word by word, case-folded), best kind first."""
        found = sorted(self._exact.get(name_key(name), []), key=lambda p: (_KIND_ORDER[p.kind], p.term_id))
        result: list[tuple[KnownTerm, str]] = []
        seen: set[str] = set()
        for phrase in found:
            if phrase.term_id not in seen:
                seen.add(phrase.term_id)
                result.append((self.terms[phrase.term_id], phrase.kind))
        return result

    def scan(self, text: str) -> Iterator[Mention]:
        """Every mention of an existing term in `text`, left to right, the longest name at each place."""
        tokens = [(m.group(0).casefold(), m.start(), m.end()) for m in _WORD.finditer(text)]
        i = 0
        while i < len(tokens):
            # Walk the trie as far as the words go; remember the longest place where names end.
            node = self._root
            best: list[_Phrase] = []
            length = 0
            j = i
            while j < len(tokens):
                child = node.next.get(tokens[j][0])
                if child is None:
                    break
                node = child
                j += 1
                if node.ends:
                    start, end = tokens[i][1], tokens[j - 1][2]
                    fitting = [p for p in node.ends if p.exact is None or text[start:end] == p.exact]
                    if fitting:
                        best, length = fitting, j - i
            if best:
                start, end = tokens[i][1], tokens[i + length - 1][2]
                capitalised = _capitalised(text, tokens[i : i + length])
                seen: set[str] = set()
                for phrase in sorted(best, key=lambda p: (_KIND_ORDER[p.kind], p.term_id)):
                    if phrase.term_id not in seen:
                        seen.add(phrase.term_id)
                        yield Mention(phrase.term_id, phrase.kind, start, end, capitalised)
            i += length or 1


def _capitalised(text: str, tokens: list[tuple[str, int, int]]) -> bool:
    significant = [(w, s) for w, s, _ in tokens if w not in _MINOR] or [(w, s) for w, s, _ in tokens]
    return all(not text[s].islower() for _, s in significant)
