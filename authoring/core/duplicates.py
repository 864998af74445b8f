"""Duplicate detection: terms that may be one concept written twice.

Three review aids, each a pure function of the terms' labels and definitions:

- `label-collision`: a name or alias that, normalised (Unicode NFKC, case-folded, every run of
  punctuation, underscores and spaces read as one space), belongs to more than one term;
- `id-variant`: canonical ids that differ only by separators (`COHERENCE_FLUX`, `COHERENCE-FLUX`,
  `COHERENCEFLUX`) or by the plural of their last word (`KNOT`, `KNOTS`; `-IES`/`-Y`; `-ES`);
- `similar-definition`: definitions whose TF-IDF cosine similarity (word unigrams, IDF over the
  glossary's own definitions) reaches a threshold; pairs at or above it are grouped by connected
  components, so a cluster of near-copies is one finding.

Each finding is a `DuplicateGroup`: the members and why they were grouped. `possible_duplicates`
answers the drafting question "does this new name already exist in another form?".

Must never: read files, touch Git or a UI; decide anything (these are warnings for a person).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from authoring.core.similarity import similar_pairs

DEFAULT_SIMILARITY = 0.5
"""The `similar-definition` threshold when the configuration sets none (cosine, 0–1)."""

MIN_DEFINITION_WORDS = 8
"""Definitions shorter than this (in content words) are not compared: too little to judge by."""

_NON_WORD = re.compile(r"[\W_]+")
_WORD = re.compile(r"[^\W_]+")
_SEPARATORS = re.compile(r"[\s_\-.]+")
_STOP = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "in", "is", "it", "its", "of", "on",
    "or", "that", "the", "this", "to", "was", "which", "with", "within", "into", "their", "they", "them", "than",
    "then", "there", "these", "those", "such", "not", "no", "can", "may", "will", "would", "should", "also",
    "any", "all", "each", "between", "over", "under", "when", "where", "how", "what", "who", "whose", "while",
    "through",
})


@dataclass(frozen=True)
class Labelled:
    """What duplicate detection knows of one term."""

    id: str
    """The canonical id (file stem)."""
    name: str | None
    """The term's name (`term:`)."""
    aliases: tuple[str, ...] = ()
    """Its aliases."""
    definition: str = ""
    """The text compared for `similar-definition` (the Pirouette definition)."""


@dataclass
class DuplicateGroup:
    """Terms that may duplicate one another, and why."""

    code: str
    """`label-collision`, `id-variant` or `similar-definition`."""
    key: str
    """What they share: the normalised label, the id's variant key, or empty for definitions."""
    members: list[str]
    """The terms' ids, sorted."""
    how: dict[str, str] = field(default_factory=dict)
    """For each member, how it carries the key (`name`, `alias "Flux Ratio"`, its id)."""
    score: float | None = None
    """For `similar-definition`: the highest similarity between two members."""

    def describe(self) -> str:
        """One sentence naming every member."""
        members = ", ".join(f"{m} ({self.how[m]})" if self.how.get(m) else m for m in self.members)
        if self.code == "label-collision":
            return f"the label \"{self.key}\" is shared by {len(self.members)} terms: {members}"
        if self.code == "id-variant":
            return f"{len(self.members)} ids differ only by separators or a plural: {members}"
        return (f"{len(self.members)} terms have similar definitions (similarity up to {self.score:.2f}):"
                f" {members}")

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `--json`."""
        return {"code": self.code, "key": self.key, "members": self.members, "how": self.how, "score": self.score}


def normalise_label(text: str) -> str:
    """A label as compared: NFKC, case-folded, punctuation/underscore/space runs as one space."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NON_WORD.sub(" ", folded).split())


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ses", "xes", "zes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def id_key(term_id: str) -> str:
    """The key two id variants share: separators dropped, the last word in the singular, case-folded."""
    parts = [p for p in _SEPARATORS.split(unicodedata.normalize("NFKC", term_id).casefold()) if p]
    if not parts:
        return ""
    parts[-1] = _singular(parts[-1])
    return "".join(parts)


def label_collisions(terms: Iterable[Labelled]) -> list[DuplicateGroup]:
    """Every normalised name or alias carried by more than one term, by label."""
    owners: dict[str, dict[str, str]] = defaultdict(dict)
    for term in terms:
        labels = [("name", term.name)] if term.name else []
        labels += [("alias", alias) for alias in term.aliases]
        for kind, label in labels:
            key = normalise_label(label)
            if key:
                # a term whose alias repeats its own name counts once, as its name
                owners[key].setdefault(term.id, "name" if kind == "name" else f"alias \"{label}\"")
    return [DuplicateGroup("label-collision", key, sorted(ids), dict(sorted(ids.items())))
            for key, ids in sorted(owners.items()) if len(ids) > 1]


def id_variants(term_ids: Iterable[str]) -> list[DuplicateGroup]:
    """Ids that differ only by separators or a plural ending, grouped by their shared key."""
    groups: dict[str, set[str]] = defaultdict(set)
    for term_id in term_ids:
        key = id_key(term_id)
        if key:
            groups[key].add(term_id)
    return [DuplicateGroup("id-variant", key, sorted(ids)) for key, ids in sorted(groups.items()) if len(ids) > 1]


def _tokens(text: str) -> list[str]:
    words = _WORD.findall(unicodedata.normalize("NFKC", text).casefold())
    return [_singular(w) for w in words if len(w) > 2 and w not in _STOP]


def _vectors(tokenised: Sequence[list[str]]) -> list[dict[str, float]]:
    """Unit TF-IDF vectors of texts' `_tokens` (log-scaled term frequency, smoothed IDF over the texts)."""
    counted: list[dict[str, int]] = []
    for tokens in tokenised:
        counts: dict[str, int] = defaultdict(int)
        for token in tokens:
            counts[token] += 1
        counted.append(counts)
    df: dict[str, int] = defaultdict(int)
    for counts in counted:
        for token in counts:
            df[token] += 1
    n = len(tokenised)
    vectors: list[dict[str, float]] = []
    for counts in counted:
        weights = {t: (1 + math.log(c)) * (math.log((1 + n) / (1 + df[t])) + 1) for t, c in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        vectors.append({t: w / norm for t, w in weights.items()})
    return vectors


def definition_pairs(terms: Sequence[Labelled], threshold: float) -> list[tuple[str, str, float]]:
    """Pairs of terms whose definitions' cosine similarity is at least `threshold`, best first.

    Exact, without scoring every pair that shares a word (`core.similarity.similar_pairs`).
    """
    tokenised = [(t, _tokens(t.definition)) for t in terms]  # once each: tokenising is most of the cost
    usable = [t for t, tokens in tokenised if len(tokens) >= MIN_DEFINITION_WORDS]
    vectors = _vectors([tokens for _, tokens in tokenised if len(tokens) >= MIN_DEFINITION_WORDS])
    pairs: list[tuple[str, str, float]] = []
    for index, other, score in similar_pairs(vectors, threshold):
        a, b = sorted((usable[index].id, usable[other].id))
        pairs.append((a, b, min(score, 1.0)))
    pairs.sort(key=lambda p: (-p[2], p[0], p[1]))
    return pairs


def similar_definitions(terms: Sequence[Labelled], threshold: float = DEFAULT_SIMILARITY) -> list[DuplicateGroup]:
    """Terms whose definitions are alike, grouped: each group is a connected set of similar pairs."""
    parent: dict[str, str] = {}

    def find(item: str) -> str:
        while parent.setdefault(item, item) != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    best: dict[str, float] = {}
    pairs = definition_pairs(terms, threshold)
    for a, b, _score in pairs:
        parent[find(a)] = find(b)
    for a, _b, score in pairs:
        root = find(a)
        best[root] = max(best.get(root, 0.0), score)
    members: dict[str, list[str]] = defaultdict(list)
    for item in list(parent):
        members[find(item)].append(item)
    groups = [DuplicateGroup("similar-definition", "", sorted(ids), score=round(best[root], 3))
              for root, ids in members.items() if len(ids) > 1]
    groups.sort(key=lambda g: (-(g.score or 0.0), g.members))
    return groups


def find_duplicates(terms: Sequence[Labelled], threshold: float = DEFAULT_SIMILARITY) -> list[DuplicateGroup]:
    """All three kinds of finding over `terms`."""
    return [*label_collisions(terms), *id_variants(t.id for t in terms), *similar_definitions(terms, threshold)]


def possible_duplicates(name: str, term_id: str, terms: Iterable[Labelled]) -> list[str]:
    """Existing terms (other than `term_id` itself) that a new term named `name` with id `term_id` may
    duplicate: a shared normalised label, a label equal to the name's id form, or an id variant."""
    label = normalise_label(name)
    key = id_key(term_id)
    found: list[str] = []
    for term in terms:
        if term.id == term_id:
            continue
        labels = {normalise_label(x) for x in (term.name or "", *term.aliases)}
        if (label and label in labels) or (key and id_key(term.id) == key):
            found.append(term.id)
    return sorted(found)
