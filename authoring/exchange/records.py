"""One term as every export sees it: the parsed entry distilled to the fields vocabularies exchange.

`record()` is lenient in the way loading is: a field of the wrong type is left out, never a crash.
Statuses are the workflow's (`draft`, `candidate`, `ratified`, `rejected`, `deprecated`).

Must never: read files, touch Git or a UI.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from authoring.core.crosslinks import links

STATUSES = ("draft", "candidate", "ratified", "rejected", "deprecated")
"""Every workflow status, in the order of the line."""

CROSSLINK_KINDS = ("near_synonyms", "antonyms", "prerequisites", "downstream_effects")


@dataclass
class Source:
    """A provenance source: the module cited, where, and the exact snippet."""

    module: str
    lines: str | None = None
    snippet: str | None = None


@dataclass
class HistoryItem:
    """One step of a term's review history (an event, or a `provenance.review_log` item)."""

    date: str
    """ISO date (or date and time) of the step."""
    who: str
    """Who acted."""
    action: str
    """`approve`, `promote`, `draft`, …, or `review` for a `review_log` item."""
    note: str | None = None
    """The note given."""
    to_status: str | None = None
    """The status the step moved the term to, when it moved it."""


@dataclass
class ExportTerm:
    """A term as exported."""

    id: str
    name: str
    aliases: list[str] = field(default_factory=list)
    symbol: str = ""
    status: str = "draft"
    version: str = ""
    last_updated: str = ""
    definition: str = ""
    """The Pirouette definition."""
    triad: dict[str, str] = field(default_factory=dict)
    """`art`, `law`, `philosophy` (the non-empty ones)."""
    parents: list[str] = field(default_factory=list)
    """As written: module ids or term ids (exports keep only those that are terms for `broader`)."""
    crosslinks: dict[str, list[str]] = field(default_factory=dict)
    sources: list[Source] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    superseded_by: str | None = None
    license: str | None = None
    history: list[HistoryItem] = field(default_factory=list)
    path: str = ""
    """The term file, relative to the repository."""

    @property
    def related(self) -> list[str]:
        """Every crosslinked id, once: the known kinds in their order, then any other kind in file order."""
        kinds = [*CROSSLINK_KINDS, *(k for k in self.crosslinks if k not in CROSSLINK_KINDS)]
        return list(dict.fromkeys(i for kind in kinds for i in self.crosslinks.get(kind, [])))

    @property
    def approvals(self) -> list[HistoryItem]:
        """Who approved or promoted it, and when (the site's short history)."""
        return [h for h in self.history if h.action in ("approve", "promote", "review")]

    def to_json(self) -> dict[str, Any]:
        """Stable keys for the JSON export."""
        return asdict(self)


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value)


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [str(v) for v in value if isinstance(v, str | int | float) and not isinstance(v, bool) and str(v).strip()]


def record(term_id: str, entry: dict[str, Any], path: str = "", events: Iterable[HistoryItem] = ()) -> ExportTerm:
    """The export record of a parsed entry (`events`: review history from the review logs)."""
    name = _text(entry.get("term")).strip() or term_id
    triad_raw = entry.get("triad")
    triad = {k: str(v).strip() for k, v in triad_raw.items()
             if k in ("art", "law", "philosophy") and isinstance(v, str) and v.strip()} \
        if isinstance(triad_raw, dict) else {}
    crosslinks: dict[str, list[str]] = {}
    for link in links(entry, associations=False):  # the one rule of what a link is (`core.crosslinks`)
        crosslinks.setdefault(link.kind, []).append(link.target)
    provenance = entry.get("provenance")
    sources: list[Source] = []
    editors: list[str] = []
    history = list(events)
    if isinstance(provenance, list):
        sources = [Source(m) for m in _strings(provenance)]
    elif isinstance(provenance, dict):
        for item in provenance.get("sources") or []:
            if isinstance(item, dict) and item.get("module"):
                snippet = item.get("snippet")
                sources.append(Source(str(item["module"]), None if item.get("lines") is None else str(item["lines"]),
                                      snippet if isinstance(snippet, str) else None))
        editors = _strings(provenance.get("editors"))
        for item in provenance.get("review_log") or []:
            if isinstance(item, dict) and (item.get("reviewer") or item.get("date")):
                history.append(HistoryItem(_text(item.get("date")), _text(item.get("reviewer")), "review",
                                           _text(item.get("notes")) or None))
    history.sort(key=lambda h: h.date)
    definition = entry.get("pirouette_definition")
    aliases = [a for a in dict.fromkeys(a.strip() for a in _strings(entry.get("aliases"))) if a != name]
    superseded = entry.get("superseded_by")
    license_value = entry.get("license")
    return ExportTerm(
        id=term_id, name=name, aliases=aliases, symbol=_text(entry.get("symbol")).strip(),
        status=_text(entry.get("status")) or "draft", version=_text(entry.get("version")),
        last_updated=_text(entry.get("last_updated")),
        definition=definition.strip() if isinstance(definition, str) else "", triad=triad,
        parents=_strings(entry.get("parents")), crosslinks=crosslinks, sources=sources, editors=editors,
        superseded_by=str(superseded) if isinstance(superseded, str) and superseded else None,
        license=license_value if isinstance(license_value, str) and license_value else None,
        history=history, path=path)


def select(terms: Sequence[ExportTerm], statuses: Sequence[str] | None) -> list[ExportTerm]:
    """The terms whose status is in `statuses` (all when None), in id order."""
    wanted = set(statuses) if statuses else None
    return sorted((t for t in terms if wanted is None or t.status in wanted), key=lambda t: t.id)
