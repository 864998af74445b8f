"""The glossary as TBX v3 (ISO 30042:2019), TBX-Basic dialect, DCA style, built with lxml.

One `conceptEntry` per term (id: the canonical id, made an XML name where it is not one), an
English `langSec` holding the definition (with its provenance sources) and one `termSec` per name:
the term's name as `fullForm` with the administrative status its workflow status gives, each alias
as an admitted `variant`. The workflow status and version, and the symbol, are concept-level notes;
crosslinks and parents that are exported terms are `crossReference`s; `last_updated` is a
`modification` transaction and the first review-history step an `origination`.

Administrative status from the workflow status: ratified → preferredTerm-admn-sts; candidate and
draft → admittedTerm-admn-sts; deprecated → supersededTerm-admn-sts when a successor is named, else
deprecatedTerm-admn-sts; rejected → deprecatedTerm-admn-sts.

`validate()` checks a document against the RELAX NG schema shipped in `schemas/` (a faithful schema
of the subset written here; see its header).

Must never: read term files, touch Git or a UI, fetch anything (no DTD, no network: the parser
is built with both off).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from importlib import resources
from typing import Any

from authoring.exchange.records import ExportTerm

TBX_NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

ADMINISTRATIVE_STATUS = {"ratified": "preferredTerm-admn-sts", "candidate": "admittedTerm-admn-sts",
                         "draft": "admittedTerm-admn-sts", "deprecated": "deprecatedTerm-admn-sts",
                         "rejected": "deprecatedTerm-admn-sts"}
"""Workflow status → TBX administrative status (a deprecated term with a successor is `superseded`)."""

_NCNAME = re.compile(r"^[A-Za-z_][\w.\-]*$")
# characters XML 1.0 cannot carry at all (a term file may, in principle, hold them)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def concept_id(term_id: str) -> str:
    """The `conceptEntry` id of a term: its canonical id when that is an XML name, else `c-` + it."""
    return term_id if _NCNAME.match(term_id) else "c-" + re.sub(r"[^\w.\-]", "_", term_id)


def administrative_status(term: ExportTerm) -> str:
    """The name's administrative status under the mapping above."""
    if term.status == "deprecated" and term.superseded_by:
        return "supersededTerm-admn-sts"
    return ADMINISTRATIVE_STATUS.get(term.status, "admittedTerm-admn-sts")


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text).strip()


def _iso_date(text: str) -> str | None:
    try:
        return dt.date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        return None


def build_tbx(terms: Sequence[ExportTerm], title: str = "Glossary", language: str = "en",
              source: str = "exported by authoring") -> bytes:
    """The TBX document of `terms`, UTF-8 with an XML declaration."""
    from lxml import etree

    def el(parent: Any, tag: str, text: str | None = None, **attrs: str) -> Any:
        node = etree.SubElement(parent, f"{{{TBX_NS}}}{tag}", attrs)
        if text is not None:
            node.text = text
        return node

    root = etree.Element(f"{{{TBX_NS}}}tbx", nsmap={None: TBX_NS})
    root.set("type", "TBX-Basic")
    root.set("style", "dca")
    root.set(XML_LANG, language)
    header = el(root, "tbxHeader")
    file_desc = el(header, "fileDesc")
    if _clean(title):
        el(el(file_desc, "titleStmt"), "title", _clean(title))
    el(el(file_desc, "sourceDesc"), "p", _clean(source) or "authoring")
    body = el(el(root, "text"), "body")
    exported = {t.id: t for t in terms}
    for term in terms:
        entry = el(body, "conceptEntry", id=concept_id(term.id))
        status = f"workflow status: {term.status}" + (f"; version {term.version}" if term.version else "")
        el(entry, "note", status)
        if _clean(term.symbol):
            el(entry, "note", f"symbol: {_clean(term.symbol)}")
        if term.license:
            el(entry, "note", f"license: {_clean(term.license)}")
        links = [p for p in term.parents if p in exported] + term.related
        if term.superseded_by and term.superseded_by in exported:
            links.append(term.superseded_by)
        for other in dict.fromkeys(links):
            if other != term.id and other in exported:
                el(entry, "ref", _clean(exported[other].name) or other, type="crossReference",
                   target=concept_id(other))
        origin = next((h for h in term.history if h.action == "draft" and _iso_date(h.date)), None)
        if origin is not None:
            group = el(entry, "transacGrp")
            el(group, "transac", "origination", type="transactionType")
            if _clean(origin.who):
                el(group, "transacNote", _clean(origin.who), type="responsibility")
            el(group, "date", _iso_date(origin.date))
        modified = _iso_date(term.last_updated)
        if modified:
            group = el(entry, "transacGrp")
            el(group, "transac", "modification", type="transactionType")
            el(group, "date", modified)
        lang_sec = el(entry, "langSec")
        lang_sec.set(XML_LANG, language)
        if _clean(term.definition):
            group = el(lang_sec, "descripGrp")
            el(group, "descrip", _clean(term.definition), type="definition")
            for src in term.sources:
                where = f"{src.module} {src.lines}" if src.lines else src.module
                if _clean(where):
                    el(group, "admin", _clean(where), type="source")
        names = [(term.name, "fullForm", administrative_status(term))]
        names += [(alias, "variant", "admittedTerm-admn-sts") for alias in term.aliases]
        for name, kind, admin in names:
            if not _clean(name):
                continue
            sec = el(lang_sec, "termSec")
            el(sec, "term", _clean(name))
            el(sec, "termNote", kind, type="termType")
            el(sec, "termNote", admin, type="administrativeStatus")
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data


def schema_text() -> bytes:
    """The RELAX NG schema shipped with the package."""
    return resources.files("authoring.exchange").joinpath("schemas/tbx-basic-subset.rng").read_bytes()


def validate(data: bytes) -> list[str]:
    """The schema's complaints about a TBX document (`line: message`); empty when it is valid."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    schema = etree.RelaxNG(etree.fromstring(schema_text(), parser))
    try:
        document = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        return [f"{exc.lineno}: {exc.msg}"]
    if schema.validate(document):
        return []
    return [f"{error.line}: {error.message}" for error in schema.error_log]
