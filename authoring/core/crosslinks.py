"""The one reading of a term's links to other terms, and how a link's target resolves.

Before this module there were three extractors with three rules (the audit read four kinds and text only,
the index four kinds and numbers too, the UI every key); now `links(entry)` is the rule: every
list-valued key of `crosslinks` in file order (the four known kinds and any other an author added), then
the first column of `poetic_connections.association_matrix`; text or numbers, trimmed, empty ones dropped.

A target resolves (`Resolver.resolve`) as a reader would look it up:
1. `id` — a term file of that name;
2. `declared-id` — a file named differently whose `canonical_id` is the target;
3. `name` — a term's name or alias (case, spaces and dashes ignored: `Temporal Pressure`);
4. `near-miss` — no term, but an id spelt nearly the same (`PIRQUETTE_LAGRANGIAN`): "did you mean";
5. `missing` — none of these: a term the glossary still wants (`authoring wanted`).

Must never: touch files, Git or a UI; suggest a term for a target that resolves.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

ASSOCIATION = "association_matrix"
"""The `kind` of a link read from `poetic_connections.association_matrix`."""

# How alike a spelling must be to be offered as "did you mean" (rapidfuzz's ratio, 0-100).
SIMILARITY = 88
SUGGESTIONS = 3
"""How many ids "did you mean" offers."""
_BATCH = 64


@dataclass(frozen=True)
class Link:
    """One link of an entry: its kind (`prerequisites`, …, or `association_matrix`) and target as written."""

    kind: str
    target: str

    @property
    def path(self) -> tuple[str, ...]:
        """Where the link's list stands in the entry."""
        return ("poetic_connections", ASSOCIATION) if self.kind == ASSOCIATION else ("crosslinks", self.kind)


def links(entry: dict[str, Any] | None, *, associations: bool = True) -> list[Link]:
    """Every link of an entry, in file order (see the module docstring for the rule)."""
    found: list[Link] = []
    crosslinks = (entry or {}).get("crosslinks")
    if isinstance(crosslinks, dict):
        for kind, values in crosslinks.items():
            for value in values if isinstance(values, list) else []:
                target = _target(value)
                if target:
                    found.append(Link(str(kind), target))
    poetic = (entry or {}).get("poetic_connections")
    matrix = poetic.get(ASSOCIATION) if associations and isinstance(poetic, dict) else None
    for row in matrix if isinstance(matrix, list) else []:
        target = _target(row[0]) if isinstance(row, list) and row else None
        if target:
            found.append(Link(ASSOCIATION, target))
    return found


def targets(entry: dict[str, Any] | None, *, associations: bool = False) -> list[str]:
    """The distinct link targets of an entry, in file order (crosslinks only, unless `associations`)."""
    return list(dict.fromkeys(link.target for link in links(entry, associations=associations)))


def _target(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return str(value).strip() or None


def name_key(text: str) -> str:
    """A name compared loosely: NFKC, case folded, every run of spaces, dashes and underscores one `_`."""
    value = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\s\-‐‑‒–—_]+", "_", value).strip("_")


@dataclass(frozen=True)
class Resolution:
    """How a target resolved: `how` (id, declared-id, name, near-miss, missing), the term it names, and
    for a near miss the ids it may have meant, best first."""

    how: str
    term: str | None = None
    suggestions: tuple[str, ...] = ()

    @property
    def resolves(self) -> bool:
        """True when the target names an existing term (by id, declared id or name)."""
        return self.term is not None


@dataclass
class KnownTerm:
    """What resolving needs of one term: its file stem, declared id, name and aliases."""

    id: str
    canonical_id: str | None = None
    name: str | None = None
    aliases: list[str] = field(default_factory=list)


class Resolver:
    """Targets resolved against the glossary's terms (build once per run; lookups are cached)."""

    def __init__(self, terms: Iterable[KnownTerm]) -> None:
        self.ids: set[str] = set()
        self.declared: dict[str, str] = {}
        self.names: dict[str, str] = {}
        for term in terms:
            self.ids.add(term.id)
            if term.canonical_id and term.canonical_id != term.id:
                self.declared.setdefault(term.canonical_id, term.id)
            for name in [term.name, *term.aliases, term.id]:
                if name:
                    self.names.setdefault(name_key(name), term.id)
        self._choices = sorted(self.ids)
        self._cache: dict[str, Resolution] = {}
        self._keys: dict[str, str] = {}
        self._suggested: dict[str, tuple[str, ...]] = {}  # `suggest_all`'s answers, by the id-shaped key

    def resolve(self, target: str) -> Resolution:
        """How `target` resolves (see the module docstring)."""
        if target not in self._cache:
            self._cache[target] = self._resolve(target)
        return self._cache[target]

    def _resolve(self, target: str) -> Resolution:
        if target in self.ids:
            return Resolution("id", target)
        if target in self.declared:
            return Resolution("declared-id", self.declared[target])
        by_name = self.names.get(self._key(target))
        if by_name is not None:
            return Resolution("name", by_name)
        suggestions = self.suggest(target, SUGGESTIONS)
        return Resolution("near-miss", None, suggestions) if suggestions else Resolution("missing")

    def suggest(self, target: str, limit: int = SUGGESTIONS) -> tuple[str, ...]:
        """Term ids spelt nearly like `target` (as an id: `Pirquette Lagrangian` → `PIRQUETTE_LAGRANGIAN`)."""
        from rapidfuzz import fuzz, process

        wanted = self._key(target).upper()
        if len(wanted) < 4:
            return ()  # short ids are alike by chance
        if limit == SUGGESTIONS and wanted in self._suggested:
            return self._suggested[wanted]
        found = process.extract(wanted, self._choices, scorer=fuzz.ratio, score_cutoff=SIMILARITY, limit=limit)
        return tuple(choice for choice, _score, _index in found)

    def suggest_all(self, targets: Iterable[str], workers: int = -1) -> None:
        """Find at once what `suggest` would for every target that resolves to no term, on `workers` threads
        (rapidfuzz's `cdist`, which lets go of the GIL: a caller may run this on a thread of its own while it
        does other work). The answers are `suggest`'s own: the same scores, best first, ties in id order."""
        wanted = sorted({key for target in targets if len(key := self._key(target).upper()) >= 4
                         and key not in self._suggested and not self.resolve_known(target)})
        if len(wanted) < _BATCH:
            return  # a few: `suggest` finds them one by one as fast
        import numpy
        from rapidfuzz import fuzz, process

        for start in range(0, len(wanted), _BATCH):  # a score per id for each: keep the matrix small
            batch = wanted[start:start + _BATCH]
            scores = process.cdist(batch, self._choices, scorer=fuzz.ratio, score_cutoff=SIMILARITY,
                                   dtype=numpy.float64, workers=workers)
            for key, row in zip(batch, scores, strict=True):
                near = numpy.flatnonzero(row >= SIMILARITY)
                best = sorted(near.tolist(), key=lambda i: (-row[i], i))[:SUGGESTIONS]
                self._suggested[key] = tuple(self._choices[i] for i in best)

    def resolve_known(self, target: str) -> bool:
        """True when `target` names a term by id, declared id or name (no suggestion is looked for)."""
        return target in self.ids or target in self.declared or self._key(target) in self.names

    def _key(self, target: str) -> str:
        """`name_key(target)`, each target's once (a target is cited by many terms, and asked of again)."""
        key = self._keys.get(target)
        if key is None:
            key = self._keys[target] = name_key(target)
        return key
