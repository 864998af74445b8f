"""Grounding: how far each sentence an agent wrote is supported by the words of its sources.

The sources of an entry are its own: the cited snippets (`provenance.sources[].snippet`), its context
windows and its name. Every sentence of the prose fields (triad, definition, procedures, mappings,
claims, naming notes) gets a lexical support score: the share of its content words (function words
dropped, light stemming so "couples" meets "coupling") that occur in the sources, with a two-word
phrase shared with the sources counting once more. A sentence scoring below `THRESHOLD` is
*unsupported*: the sources do not say it, so an editor should check it. The measure is
deterministic and needs no model; it catches invention, not paraphrase, and says so by its name.

Must never: read files, touch Git or a UI.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from authoring.drafting.lexicon import words
from authoring.drafting.termhood import STOP_WORDS

THRESHOLD = 0.5
"""Sentences whose support is below this are marked unsupported."""

# The prose fields an agent writes: (path pattern, with `*` for every list item).
PROSE_FIELDS = (
    "triad.art", "triad.law", "triad.philosophy", "pirouette_definition",
    "operational_definition.measurement.procedures.*.outline",
    "formal_mappings.candidates.*.justification",
    "constraints_and_falsifiers.claims.*.statement", "constraints_and_falsifiers.claims.*.falsifier",
    "naming_notes.disambiguation",
)
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")


@dataclass(frozen=True)
class SentenceSupport:
    """One sentence of the entry and how far its sources support it."""

    path: str
    """The field it stands in (`triad.law`, `formal_mappings.candidates.0.justification`)."""
    sentence: str
    """The sentence, as written."""
    score: float
    """Support in [0, 1]: the share of its content words found in the sources (plus shared phrases)."""

    @property
    def supported(self) -> bool:
        """True when the score reaches `THRESHOLD`."""
        return self.score >= THRESHOLD

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `--json`."""
        return {"path": self.path, "sentence": self.sentence, "score": round(self.score, 2),
                "supported": self.supported}


@dataclass
class Grounding:
    """The support of every sentence of an entry."""

    sentences: list[SentenceSupport]
    """Each sentence, in field order."""

    @property
    def unsupported(self) -> list[SentenceSupport]:
        """The sentences below the threshold."""
        return [s for s in self.sentences if not s.supported]

    @property
    def mean(self) -> float:
        """The mean support (1.0 when there is no sentence)."""
        return sum(s.score for s in self.sentences) / len(self.sentences) if self.sentences else 1.0

    def summary(self) -> str:
        """`2 of 9 sentences unsupported (mean support 0.71)`."""
        return (f"{len(self.unsupported)} of {len(self.sentences)} sentences unsupported"
                f" (mean support {self.mean:.2f})")

    def counts(self) -> dict[str, Any]:
        """The figures a draft event records."""
        return {"sentences": len(self.sentences), "unsupported": len(self.unsupported),
                "mean_support": round(self.mean, 2)}

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `--json`."""
        return {**self.counts(), "threshold": THRESHOLD, "details": [s.to_json() for s in self.sentences]}


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s", "ly", "er", "ion", "al"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _content(text: str) -> list[str]:
    return [_stem(w) for w in words(text) if w not in STOP_WORDS and not w.isdigit()]


def _values(data: Any, parts: list[str], prefix: str) -> Iterator[tuple[str, str]]:
    if not parts:
        if isinstance(data, str) and data.strip():
            yield prefix, data
        return
    head, rest = parts[0], parts[1:]
    if head == "*":
        if isinstance(data, list):
            for index, item in enumerate(data):
                yield from _values(item, rest, f"{prefix}.{index}")
        return
    if isinstance(data, dict) and head in data:
        yield from _values(data[head], rest, f"{prefix}.{head}" if prefix else head)


def sources_of(entry: dict[str, Any]) -> str:
    """The entry's own sources: its name, aliases, cited snippets and context windows, as one text."""
    parts: list[str] = [str(entry.get("term") or ""), " ".join(str(a) for a in entry.get("aliases") or [])]
    provenance = entry.get("provenance")
    if isinstance(provenance, dict):
        for source in provenance.get("sources") or []:
            if isinstance(source, dict):
                parts.append(str(source.get("snippet") or ""))
    for window in entry.get("context_windows") or []:
        if isinstance(window, dict):
            parts.append(str(window.get("excerpt") or ""))
    return "\n".join(parts)


def support(sentence: str, source_words: set[str], source_pairs: set[tuple[str, str]]) -> float:
    """The support of one sentence against the sources' stemmed content words and word pairs."""
    content = _content(sentence)
    if not content:
        return 1.0
    found = sum(1 for w in content if w in source_words)
    pairs = list(itertools.pairwise(content))
    shared = sum(1 for p in pairs if p in source_pairs)
    return min(1.0, (found + shared) / (len(content) + (1 if pairs else 0)))


def ground(entry: dict[str, Any], extra_sources: str = "") -> Grounding:
    """Score every sentence of the entry's prose fields against its sources (and `extra_sources`)."""
    source = _content(sources_of(entry) + "\n" + extra_sources)
    source_words = set(source)
    source_pairs = set(itertools.pairwise(source))
    found: list[SentenceSupport] = []
    for pattern in PROSE_FIELDS:
        for path, text in _values(entry, pattern.split("."), ""):
            for match in _SENTENCE.finditer(text):
                sentence = match.group(0).strip()
                if len(words(sentence)) >= 3:
                    found.append(SentenceSupport(path, sentence, support(sentence, source_words, source_pairs)))
    return Grounding(found)
