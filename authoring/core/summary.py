"""What a listing needs to know about a term, derived from a loaded `TermFile`.

Summaries are small, JSON-serialisable and content-derived, so an index keyed by file content can
store them and a listing can show them without parsing YAML again.

Must never: touch Git, a UI, or the file system.
"""

from __future__ import annotations

import re
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
        """Every field, problems included: what the index stores (`from_json` reads it back)."""
        data = asdict(self)
        data["problems"] = [p.to_json() for p in self.problems]
        return data

    def row_json(self) -> dict[str, Any]:
        """The row of `list --json` (stable keys for scripts): id, term, status, version, last update, counts."""
        return {"id": self.id, "term": self.term, "status": self.status, "version": self.version,
                "last_updated": self.last_updated, "errors": self.errors, "warnings": self.warnings}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TermSummary:
        """The inverse of `to_json`."""
        problems = [Problem(p["path"], p["line"], p["col"], Severity(p["severity"]), p["code"], p["message"],
                            p.get("source_line"), p.get("fix")) for p in data.get("problems", [])]
        fields = {k: v for k, v in data.items() if k != "problems"}
        return cls(**fields, problems=problems)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


# A top-level `status:` line with a plain word (quoted or not, maybe a comment after it).
_STATUS_LINE = re.compile(r"^status:[ \t]*(['\"]?)(?P<status>[A-Za-z][\w-]*)\1[ \t]*(?:#.*)?\r?$", re.MULTILINE)


def lenient_status(term: TermFile) -> str | None:
    """The status a term's entry block states, read as a line when the block does not parse as YAML (the
    entry is what the file means; a legacy header's older `status` is not). None when it states none."""
    if term.split is None or term.split.entry is None:
        return None
    match = _STATUS_LINE.search(term.split.content(term.split.entry))
    return match["status"] if match else None


def summarise(term: TermFile) -> TermSummary:
    """The summary of a loaded term file."""
    from authoring.core import crosslinks

    entry = term.entry or {}
    status: str | None = _text(entry.get("status"))
    if not entry:
        # a file whose entry does not parse: its status line if it has one, else what a header says
        for parsed in term.blocks:
            if parsed is not None and isinstance(parsed.plain, dict):
                entry = parsed.plain
        status = lenient_status(term) or _text(entry.get("status"))
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
        status=status,
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
