"""The glossary as a static HTML site (jinja2 templates shipped in `templates/`).

Pages: `index.html` (every published term, with status filters and a client-side search that needs
no server: the rows carry their own search text, so the site works from `file://`), `terms/ID.html`
(name, status, version, definitions, the provenance snippets linked to the exact lines of their
module, crosslinks, and a short history of who approved it and when), and `modules/REF.html` for each
cited module, its lines numbered and anchored (`#L47`, `#S4` for `## §4`). Links to terms that are
not published are shown as plain text, so every link on the site resolves.

`build_site()` returns the pages as `{relative path: bytes}`; the service writes them.

Must never: read term files, touch Git or a UI, load anything from the network (no CDN: the CSS and
script are the site's own files).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

from authoring.exchange.records import CROSSLINK_KINDS, STATUSES, ExportTerm

_SECTION = re.compile(r"^#{1,6}\s*§\s*(?P<n>\d+(?:\.\d+)*)")
_LINES = re.compile(r"^L?(?P<a>\d+)(?:\s*[-–]\s*L?(?P<b>\d+))?$")
_SECTION_REF = re.compile(r"^§\s*(?P<n>\d+(?:\.\d+)*)$")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_.\-]")

KIND_TITLES = {"near_synonyms": "Near synonyms", "antonyms": "Antonyms", "prerequisites": "Prerequisites",
               "downstream_effects": "Downstream effects"}


def page_name(term_id: str) -> str:
    """The file name of a term's page (ids that are not file-name safe are escaped)."""
    return _UNSAFE_NAME.sub(lambda m: f"~{ord(m.group()):04x}", term_id) + ".html"


def module_page(ref: str) -> str:
    """The file name of a module's page."""
    return _UNSAFE_NAME.sub(lambda m: f"~{ord(m.group()):04x}", ref) + ".html"


def anchor(lines: str | None) -> str:
    """The anchor a citation's `lines` point at: `#L47` for `L47-L52`, `#S4` for `§4`, else none."""
    text = (lines or "").strip()
    match = _LINES.match(text)
    if match:
        return f"#L{match['a']}"
    match = _SECTION_REF.match(text)
    return f"#S{match['n']}" if match else ""


def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(loader=PackageLoader("authoring.exchange", "templates"),
                      autoescape=select_autoescape(["html", "j2"], default=True), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["paragraphs"] = lambda text: [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    return env


def _static(name: str) -> bytes:
    return resources.files("authoring.exchange").joinpath(f"templates/static/{name}").read_bytes()


def build_site(terms: Sequence[ExportTerm], modules: Mapping[str, tuple[str, str]], *, title: str = "Glossary",
               statuses: Sequence[str] = ("ratified",), language: str = "en") -> dict[str, bytes]:
    """Every page of the site: `terms` (already selected), `modules` {reference: (path, text)}."""
    env = _environment()
    published = {t.id: t for t in terms}
    shown = [s for s in STATUSES if any(t.status == s for t in terms)]
    counts = {s: sum(1 for t in terms if t.status == s) for s in shown}

    def link(term_id: str) -> dict[str, Any]:
        other = published.get(term_id)
        return {"id": term_id, "name": other.name if other else term_id,
                "href": page_name(term_id) if other else None}

    pages: dict[str, bytes] = {}
    common = {"title": title, "language": language}
    rows = [{"id": t.id, "name": t.name, "href": "terms/" + page_name(t.id), "status": t.status, "version": t.version,
             "last_updated": t.last_updated, "aliases": t.aliases,
             "summary": (t.definition[:220] + "…") if len(t.definition) > 220 else t.definition,
             "search": " ".join([t.name, t.id, *t.aliases, t.definition]).casefold()} for t in terms]
    pages["index.html"] = env.get_template("index.html.j2").render(
        **common, root="", rows=rows, statuses=shown, counts=counts, requested=list(statuses)).encode("utf-8")
    cited: set[str] = set()
    for term in terms:
        sources = []
        for source in term.sources:
            has_page = source.module in modules
            if has_page:
                cited.add(source.module)
            sources.append({"module": source.module, "lines": source.lines, "snippet": source.snippet,
                            "href": f"../modules/{module_page(source.module)}{anchor(source.lines)}" if has_page
                            else None})
        crosslinks = [(KIND_TITLES[kind], [link(i) for i in term.crosslinks.get(kind, [])])
                      for kind in CROSSLINK_KINDS if term.crosslinks.get(kind)]
        broader = [link(p) for p in term.parents if p in published and p != term.id]
        page = env.get_template("term.html.j2").render(
            **common, root="../", term=term, sources=sources, crosslinks=crosslinks, broader=broader,
            superseded=link(term.superseded_by) if term.superseded_by else None,
            approvals=term.approvals[-8:], modules_cited=[s.module for s in term.sources])
        pages["terms/" + page_name(term.id)] = page.encode("utf-8")
    for ref in sorted(cited):
        path, text = modules[ref]
        lines = []
        for number, line in enumerate(text.splitlines(), 1):
            match = _SECTION.match(line)
            lines.append({"n": number, "text": line, "section": match["n"] if match else None})
        page = env.get_template("module.html.j2").render(**common, root="../", ref=ref, path=path, lines=lines)
        pages["modules/" + module_page(ref)] = page.encode("utf-8")
    pages["static/site.css"] = _static("site.css")
    pages["static/search.js"] = _static("search.js")
    return pages
