"""Crosslink findings for the audit, and `wanted`: the terms the glossary cites but does not have.

Both read links through `core.crosslinks` (the one extractor) and resolve them with its `Resolver`, so a
link the audit calls dangling is exactly one `wanted` counts. Findings by resolution:
- `crosslink-by-declared-id` (info): the target is a `canonical_id` declared in a file named differently;
- `crosslink-by-name` (warning): the target is a term's name or alias, not its id: write the id;
- `crosslink-near-miss` (warning): no such term, but an id spelt nearly so: "did you mean …";
- `dangling-crosslink` / `dangling-association` (warning): nothing like it: a term still to draft.

Must never: write files, run Git, import a UI.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from authoring.core.crosslinks import ASSOCIATION, KnownTerm, Link, Resolver, links
from authoring.errors import Severity

if TYPE_CHECKING:
    from authoring.repo.action_path import Repository


@dataclass(frozen=True)
class LinkFinding:
    """One crosslink finding, before the audit locates it."""

    severity: Severity
    code: str
    link: Link
    message: str


def known_term(term_id: str, entry: Mapping[str, Any] | None) -> KnownTerm:
    """What resolving needs of a term, from its entry (None: a file that does not parse)."""
    entry = entry or {}
    aliases = entry.get("aliases")
    canonical = entry.get("canonical_id")
    name = entry.get("term")
    return KnownTerm(term_id, str(canonical) if canonical is not None else None,
                     str(name) if name is not None else None,
                     [str(a) for a in aliases] if isinstance(aliases, list) else [])


def link_findings(entry: Mapping[str, Any] | list[Link], resolver: Resolver) -> Iterator[LinkFinding]:
    """The findings for every link of one entry (or its `links`, read already) that does not name a term file by
    its id."""
    for link in entry if isinstance(entry, list) else links(dict(entry)):
        where = "poetic_connections.association_matrix" if link.kind == ASSOCIATION else f"crosslinks.{link.kind}"
        found = resolver.resolve(link.target)
        if found.how == "id":
            continue
        if found.how == "declared-id":
            yield LinkFinding(Severity.INFO, "crosslink-by-declared-id", link,
                              f"{where} names {link.target}, declared as canonical_id by {found.term}.md"
                              " (its file name and id disagree)")
        elif found.how == "name":
            yield LinkFinding(Severity.WARNING, "crosslink-by-name", link,
                              f"{where} names {link.target!r}, a name of {found.term}: write its id, {found.term}")
        elif found.how == "near-miss":
            yield LinkFinding(Severity.WARNING, "crosslink-near-miss", link,
                              f"{where} names {link.target}, which is not a term here; did you mean"
                              f" {' or '.join(found.suggestions)}?")
        else:
            code = "dangling-association" if link.kind == ASSOCIATION else "dangling-crosslink"
            yield LinkFinding(Severity.WARNING, code, link, f"{where} names {link.target}, which is not a term here")


@dataclass
class Wanted:
    """A term the glossary cites but does not have: how many terms cite it, and which."""

    target: str
    cited_by: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        """How many terms cite it."""
        return len(self.cited_by)

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `--json`."""
        return {"target": self.target, "count": self.count, "cited_by": self.cited_by}


def wanted(glossary: Repository) -> list[Wanted]:
    """Every missing link target (not a term by id, declared id, name, nor a near miss of one), most cited
    first, from the term index (fast: no term is parsed again)."""
    summaries = glossary.summaries()
    resolver = Resolver(KnownTerm(s.id, s.canonical_id, s.term, s.aliases) for s in summaries)
    found: dict[str, Wanted] = {}
    for summary in summaries:
        for target in dict.fromkeys([*summary.crosslinks, *summary.associations]):
            if resolver.resolve(target).how == "missing":
                found.setdefault(target, Wanted(target)).cited_by.append(summary.id)
    return sorted(found.values(), key=lambda w: (-w.count, w.target))
