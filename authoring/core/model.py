"""The schema of a term file's entry, as pydantic models: what each field means in a term file.

Loading is lenient: every field is optional (stub entries carry only the header fields), unknown
keys are kept (`extra="allow"`), and a value of the wrong type is reported as a problem by
`termfile`, never raised at the user. The workflow's gates (not these models) decide what a full
entry needs. `entry_json_schema()` exports the schema for editors' YAML tooling.

Must never: read files, touch Git or a UI.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Status(StrEnum):
    """Where a term stands in the review workflow."""

    DRAFT = "draft"
    CANDIDATE = "candidate"
    RATIFIED = "ratified"
    REJECTED = "rejected"
    DEPRECATED = "deprecated"


class Lenient(BaseModel):
    """Base of every model: unknown keys survive, nothing is coerced silently into another meaning."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, use_attribute_docstrings=True)


Version = str | float | int
"""A version such as `0.1` or `"1.0"`; unquoted versions are YAML floats and keep that style."""

Date = dt.date | str
"""An ISO date (`2025-10-18`); quoted dates are strings and keep that style."""


class Source(Lenient):
    """One cited excerpt of a module that the term is drawn from."""

    module: str | None = None
    """The module reference: an id (`DOMA-036`) or a file stem (`CORE-013_the_river_of_information`)."""
    lines: str | int | None = None
    """Where the snippet stands in the module: `L<a>-L<b>` or `§N` (older entries say `Section 0`)."""
    snippet: str | None = None
    """An exact excerpt of the module; `audit` checks that it still stands there."""


class ReviewLogItem(Lenient):
    """A status change recorded in the term itself (the review trail proper lives in `review_logs/`)."""

    date: Date | None = None
    """When the change was made."""
    reviewer: str | None = None
    """Who made it (`Name <email>`)."""
    notes: str | None = None
    """Why: the note given with the change."""


class Provenance(Lenient):
    """Where the term comes from and who has worked on it."""

    sources: list[Source] | None = None
    """The module excerpts the term is drafted from."""
    editors: list[str] | None = None
    """Agents and people who wrote or edited the content."""
    review_log: list[ReviewLogItem] | None = None
    """Status changes, newest last."""


class Triad(Lenient):
    """The term seen three ways."""

    art: str | None = None
    """An image or metaphor: what the term feels like."""
    law: str | None = None
    """A precise, testable statement of the term."""
    philosophy: str | None = None
    """Why the term matters: what it changes in how we think."""


class SymbolRow(Lenient):
    """One symbol used in the operational definition."""

    name: str | None = None
    """The symbol as written (`𝓛_p`)."""
    meaning: str | None = None
    """What it stands for."""
    dimensions: str | None = None
    """Its physical dimensions or units class."""
    default_range: Any = None
    """Its usual range (`[0, 1]`, `contextual`)."""


class Procedure(Lenient):
    """One way to measure the term."""

    name: str | None = None
    """A short name for the procedure."""
    outline: str | None = None
    """The steps."""
    expected_signals: list[Any] | None = None
    """What a measurement should show."""
    pitfalls: list[Any] | None = None
    """How a measurement goes wrong."""


class Measurement(Lenient):
    """How the term is measured."""

    procedures: list[Procedure] | None = None
    """Measurement procedures."""


class OperationalDefinition(Lenient):
    """The term made measurable."""

    units: Any = None
    """Units of the quantity, in words."""
    symbol_table: list[SymbolRow] | None = None
    """The symbols the definition uses."""
    measurement: Measurement | None = None
    """How to measure it."""


class ContextWindow(Lenient):
    """An excerpt of a module that mentions the term."""

    module: str | None = None
    """The module reference."""
    excerpt: str | None = None
    """The excerpt, exact or lightly trimmed."""


class PoeticConnections(Lenient):
    """Motifs and lines that carry the term's feeling, and its word-association graph."""

    motifs: list[Any] | None = None
    """Short motifs."""
    evocative_lines: list[Any] | None = None
    """Memorable lines, usually quoted from modules."""
    association_matrix: list[Any] | None = None
    """`[TERM_ID, weight]` pairs, weights in [0, 1]."""


class Reference(Lenient):
    """A published source for a formal mapping."""

    title: str | None = None
    """Title of the work."""
    where: str | None = None
    """Chapter, section or author."""
    date: Date | None = None
    """Publication date."""


class FormalMapping(Lenient):
    """An alignment of the term to an established concept in another field."""

    target: str | None = None
    """The established concept."""
    domain: str | None = None
    """Its field (`Thermodynamics`, `GR|QFT`)."""
    mapping_kind: str | None = None
    """`conceptual`, `mathematical`, …"""
    equation_hint: str | None = None
    """An equation that shows the correspondence."""
    justification: str | None = None
    """Why the mapping holds."""
    references: list[Reference] | None = None
    """Where to read more."""
    confidence: float | str | None = None
    """How sure the author is, in [0, 1]."""


class FormalMappings(Lenient):
    """Candidate and adopted mappings to established science."""

    candidates: list[FormalMapping] | None = None
    """Proposed mappings."""
    adopted: list[Any] | None = None
    """Mappings the editors adopted."""


class Claim(Lenient):
    """A falsifiable statement the term makes."""

    statement: str | None = None
    """The claim."""
    domain: str | None = None
    """Where it applies."""
    falsifier: str | None = None
    """What observation would refute it."""
    status: str | None = None
    """`proposed`, `tested`, …"""
    links: list[Any] | None = None
    """Modules or terms the claim rests on."""


class ConstraintsAndFalsifiers(Lenient):
    """What would prove the term wrong."""

    claims: list[Claim] | None = None
    """Falsifiable claims."""


class NamingNotes(Lenient):
    """How the name relates to others'."""

    collisions: list[Any] | None = None
    """Other uses of the same name or symbol."""
    disambiguation: str | None = None
    """How to tell them apart."""


class Crosslinks(Lenient):
    """Links to other terms, by canonical id."""

    near_synonyms: list[Any] | None = None
    """Terms that mean nearly the same."""
    antonyms: list[Any] | None = None
    """Opposites."""
    prerequisites: list[Any] | None = None
    """Terms to understand first."""
    downstream_effects: list[Any] | None = None
    """Terms this one leads to."""


class Entry(Lenient):
    """A term's entry: the last front-matter block of its file.

    A stub entry carries only the header fields, with `provenance` a list of module ids; a full
    entry carries the triad, definitions, provenance with sources, and the rest.
    """

    term: str | None = None
    """The term as written in prose (`Coherence Flux`)."""
    canonical_id: str | None = None
    """Upper-case id (`COHERENCE_FLUX`); must equal the file name stem."""
    symbol: Any = None
    """The term's symbol, if any (`d𝓛_p/dt`)."""
    aliases: list[Any] | None = None
    """Other names for the term."""
    parents: list[Any] | None = None
    """Modules (or terms) the term belongs to."""
    children: list[Any] | None = None
    """Modules or terms that build on it."""
    status: Status | None = None
    """Workflow status: draft, candidate, ratified, rejected or deprecated."""
    version: Version | None = None
    """`major.minor`: ratification sets the next major, a content edit bumps the minor."""
    last_updated: Date | None = None
    """The day of the last change."""
    provenance: Provenance | list[str] | None = None
    """Where the term comes from: sources, editors, review log (a stub has a list of module ids)."""
    triad: Triad | None = None
    """Art, law and philosophy."""
    pirouette_definition: str | None = None
    """The canonical definition in the framework's own terms."""
    operational_definition: OperationalDefinition | None = None
    """Units, symbols and measurement."""
    context_windows: list[ContextWindow] | None = None
    """Excerpts of modules that mention the term."""
    poetic_connections: PoeticConnections | None = None
    """Motifs, evocative lines, association matrix."""
    formal_mappings: FormalMappings | None = None
    """Alignments with established science."""
    constraints_and_falsifiers: ConstraintsAndFalsifiers | None = None
    """Falsifiable claims."""
    naming_notes: NamingNotes | None = None
    """Collisions and disambiguation."""
    crosslinks: Crosslinks | None = None
    """Links to other terms."""
    license: str | None = None
    """The content's licence (`CC-BY-SA-4.0`)."""
    superseded_by: str | None = Field(default=None)
    """For a deprecated term: the canonical id of its successor."""


HEADER_FIELDS = ("term", "canonical_id", "symbol", "aliases", "status", "version", "last_updated", "provenance")
"""The fields a legacy header carries."""

CROSSLINK_KINDS = ("near_synonyms", "antonyms", "prerequisites", "downstream_effects")


def entry_json_schema() -> dict[str, Any]:
    """The JSON Schema of an entry, for editors' YAML tooling."""
    schema = Entry.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "authoring term entry"
    return schema
