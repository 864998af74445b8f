"""The glossary as a SKOS concept scheme (rdflib), serialised as Turtle or JSON-LD, checked with SHACL.

One `skos:Concept` per exported term, IRI = base IRI + canonical id, in one `skos:ConceptScheme`:
`prefLabel` (the name) and `altLabel` (aliases, minus the name), `notation` (the id), `definition`
(the Pirouette definition), `broader` from `parents` that are exported terms (module ids are not
concepts), `related` from crosslinks to exported terms (never where `broader` already links the pair:
SKOS keeps the two disjoint), `historyNote` for each provenance source (module, lines, snippet),
`owl:versionInfo`, `dct:modified`, the workflow status as `vs:term_status` (ratified → stable,
candidate → testing, draft → unstable, deprecated/rejected → archaic), and for deprecated terms
`owl:deprecated true` and `dct:isReplacedBy` the successor. Concepts without a broader concept are
the scheme's top concepts.

`validate()` runs pyshacl against the shape shipped beside this module (`shapes/skos.ttl`).

Must never: read term files, touch Git or a UI, fetch anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING
from urllib.parse import quote

from authoring.exchange.records import ExportTerm

if TYPE_CHECKING:
    from rdflib import Graph, Literal

DEFAULT_BASE_IRI = "https://glossary.invalid/"
"""A placeholder namespace (`.invalid` never resolves): set `[exchange] base_iri` to publish for real."""

VOCAB_STATUS = {"ratified": "stable", "candidate": "testing", "draft": "unstable", "deprecated": "archaic",
                "rejected": "archaic"}
"""Workflow status → W3C vocabulary-status (`vs:term_status`) value."""

VS_NS = "http://www.w3.org/2003/06/sw-vocab-status/ns#"


@dataclass
class ShaclResult:
    """What SHACL validation said."""

    conforms: bool
    """True when the graph meets every constraint of the shape."""
    violations: int
    """How many results the validation report holds."""
    text: str
    """pyshacl's report, for a person."""


def build_graph(terms: Sequence[ExportTerm], base_iri: str = DEFAULT_BASE_IRI, title: str = "Glossary",
                language: str = "en") -> Graph:
    """The concept scheme of `terms` as an rdflib graph."""
    from rdflib import OWL, RDF, SKOS, XSD, Graph, Literal, Namespace, URIRef
    from rdflib.namespace import DCTERMS

    vs = Namespace(VS_NS)
    graph = Graph()
    graph.bind("skos", SKOS)
    graph.bind("dct", DCTERMS)
    graph.bind("owl", OWL)
    graph.bind("vs", vs)
    graph.bind("term", Namespace(base_iri))
    scheme = URIRef(base_iri)
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, SKOS.prefLabel, Literal(title, lang=language)))
    graph.add((scheme, DCTERMS.title, Literal(title, lang=language)))
    exported = {t.id for t in terms}

    def iri(term_id: str) -> URIRef:
        # canonical ids are IRI-safe as a rule; anything else is percent-encoded, never dropped
        return URIRef(base_iri + quote(term_id, safe="-_.~!$&'()*+,;=:@"))

    broader: dict[str, list[str]] = {t.id: [p for p in dict.fromkeys(t.parents) if p in exported and p != t.id]
                                     for t in terms}
    for term in terms:
        concept = iri(term.id)
        graph.add((concept, RDF.type, SKOS.Concept))
        graph.add((concept, SKOS.inScheme, scheme))
        graph.add((concept, SKOS.prefLabel, Literal(term.name, lang=language)))
        graph.add((concept, SKOS.notation, Literal(term.id)))
        for alias in term.aliases:
            graph.add((concept, SKOS.altLabel, Literal(alias, lang=language)))
        if term.definition:
            graph.add((concept, SKOS.definition, Literal(term.definition, lang=language)))
        for parent in broader[term.id]:
            graph.add((concept, SKOS.broader, iri(parent)))
            graph.add((iri(parent), SKOS.narrower, concept))
        if not broader[term.id]:
            graph.add((concept, SKOS.topConceptOf, scheme))
            graph.add((scheme, SKOS.hasTopConcept, concept))
        hierarchy = set(broader[term.id]) | {t.id for t in terms if term.id in broader[t.id]}
        for other in term.related:
            if other in exported and other != term.id and other not in hierarchy:
                graph.add((concept, SKOS.related, iri(other)))
        for source in term.sources:
            where = f"{source.module} {source.lines}" if source.lines else source.module
            note = f"{where}: {source.snippet.strip()}" if source.snippet and source.snippet.strip() else where
            graph.add((concept, SKOS.historyNote, Literal(note, lang=language)))
        if term.version:
            graph.add((concept, OWL.versionInfo, Literal(term.version)))
        if term.last_updated:
            graph.add((concept, DCTERMS.modified, _date(term.last_updated)))
        # a status outside the workflow (a hand-edited file) is not yet settled: unstable
        graph.add((concept, vs.term_status, Literal(VOCAB_STATUS.get(term.status, "unstable"))))
        if term.status == "deprecated":
            graph.add((concept, OWL.deprecated, Literal(True, datatype=XSD.boolean)))
            if term.superseded_by:
                graph.add((concept, DCTERMS.isReplacedBy, iri(term.superseded_by)))
        if term.license:
            graph.add((concept, DCTERMS.license, Literal(term.license)))
    return graph


def _date(text: str) -> Literal:
    from rdflib import XSD, Literal

    try:
        return Literal(dt.date.fromisoformat(text), datatype=XSD.date)
    except ValueError:
        return Literal(text)  # a date the term writes another way is kept as written


def serialise(graph: Graph, fmt: str = "turtle") -> str:
    """`turtle` or `json-ld` text of the graph (JSON-LD compacted with the graph's prefixes as its context)."""
    if fmt == "json-ld":
        context = {prefix: str(namespace) for prefix, namespace in graph.namespaces()
                   if prefix in ("skos", "dct", "owl", "vs", "xsd", "term")}
        return graph.serialize(format="json-ld", context=context, auto_compact=True)
    return graph.serialize(format=fmt)


def shape_text() -> str:
    """The SHACL shape shipped with the package."""
    return resources.files("authoring.exchange").joinpath("shapes/skos.ttl").read_text(encoding="utf-8")


def validate(graph: Graph) -> ShaclResult:
    """Validate the graph against the shipped SHACL shape (no inference, nothing fetched)."""
    from pyshacl import validate as shacl_validate
    from rdflib import Graph

    shapes = Graph().parse(data=shape_text(), format="turtle")
    conforms, report, text = shacl_validate(graph, shacl_graph=shapes, inference="none", advanced=False)
    from rdflib import SH

    violations = sum(1 for _ in report.subjects(predicate=SH.resultSeverity)) if report is not None else 0
    return ShaclResult(bool(conforms), violations, str(text))
