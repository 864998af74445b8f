"""What a listing needs to know about a term, derived from a loaded `TermFile`.

Summaries are small, JSON-serialisable and content-derived, so an index keyed by file content can
store them and a listing can show them without parsing YAML again.

Must never: touch Git, a UI, or the file system.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from authoring.errors import Problem, Severity, in_line_order

if TYPE_CHECKING:
    # Not imported at run time: reading summaries back from the index must not load ruamel or pydantic.
    from authoring.core.termfile import TermFile


@dataclass
class TermSummary:
    """One row of `list`: identity, workflow state, and problem counts with the problems themselves."""

    id: str
    term: str | None
    status: str | None
    version: str | None
    last_updated: str | None
    parses: bool
    stub: bool
    errors: int
    warnings: int
    problems: list[Problem] = field(default_factory=list)
    crosslinks: list[str] = field(default_factory=list)
    modules: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    canonical_id: str | None = None
    associations: list[str] = field(default_factory=list)
    """The ids in the first column of `poetic_connections.association_matrix` (see `core.crosslinks`)."""

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `list --json` and for the index."""
        data = asdict(self)
        data["problems"] = [p.to_json() for p in self.problems]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TermSummary:
        """The inverse of `to_json`."""
        problems = [Problem(p["path"], p["line"], p["col"], Severity(p["severity"]), p["code"], p["message"],
                            p.get("source_line"), p.get("fix")) for p in data.get("problems", [])]
        fields = {k: v for k, v in data.items() if k != "problems"}
        return cls(**fields, problems=problems)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def summarise(term: TermFile) -> TermSummary:
    """The summary of a loaded term file."""
    from authoring.core import crosslinks

    entry = term.entry or {}
    if not entry:
        # a file whose entry does not parse: show what its header says, if anything
        for parsed in term.blocks:
            if parsed is not None and isinstance(parsed.plain, dict):
                entry = parsed.plain
    provenance = entry.get("provenance")
    stub = isinstance(provenance, list) or provenance is None
    modules: list[str] = []
    if isinstance(provenance, list):
        modules = [str(m) for m in provenance]
    elif isinstance(provenance, dict):
        sources = provenance.get("sources") or []
        if isinstance(sources, list):
            modules = [str(s.get("module")) for s in sources if isinstance(s, dict) and s.get("module")]
    found = crosslinks.links(entry)
    links = list(dict.fromkeys(link.target for link in found if link.kind != crosslinks.ASSOCIATION))
    associations = list(dict.fromkeys(link.target for link in found if link.kind == crosslinks.ASSOCIATION))
    aliases = entry.get("aliases")
    return TermSummary(
        id=term.stem,
        term=_text(entry.get("term")),
        status=_text(entry.get("status")),
        version=_text(entry.get("version")),
        last_updated=_text(entry.get("last_updated")),
        parses=term.parses,
        stub=stub,
        errors=sum(1 for p in term.problems if p.severity == Severity.ERROR),
        warnings=sum(1 for p in term.problems if p.severity == Severity.WARNING),
        problems=in_line_order(term.problems),
        crosslinks=links,
        modules=modules,
        aliases=[str(a) for a in aliases] if isinstance(aliases, list) else [],
        canonical_id=_text(entry.get("canonical_id")),
        associations=associations,
    )


# What a listing can be narrowed to (`list --status`, the UI's filter): a status, or one of these views.
FILTERS = ("all", "draft", "candidate", "ratified", "rejected", "deprecated", "problems", "malformed")
"""`problems`: terms with any error or warning; `malformed`: terms whose front matter does not parse."""


def keeps(summary: TermSummary, status: str) -> bool:
    """True when a listing narrowed to `status` (one of `FILTERS`) shows `summary`."""
    if status == "all":
        return True
    if status == "problems":
        return summary.errors + summary.warnings > 0
    if status == "malformed":
        return not summary.parses
    return summary.status == status
