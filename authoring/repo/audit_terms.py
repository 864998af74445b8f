"""The audit's stages that need one term at a time, run as each term is read (`audit.Auditor.run`).

While the pool (`repo.audit_read`) parses the terms, the parent waited idle; then it ran provenance, module
references and integrity's reading of every entry one after another on one core. `TermStages.read` does that
per-term work as each reading arrives, each stage's findings in a list of its own, which the auditor joins in
its usual place: the report stays the one the stages made in turn, finding for finding, in the same order.

What each stage needs is known before the terms are read: the modules, and the set of term ids (module
references ask whether a `parents` entry names a term). A term id whose file turns out unsafe to read (an
`unsafe-path` finding: no term of the audit) is not known to that set; the few terms that asked about one are
judged again once reading is done (`references`), so the answer is the one a serial audit gives.

Must never: write files, run Git except through `repo.git` (via `snippet_history`); import a UI.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from authoring.core.crosslinks import KnownTerm, Link, links
from authoring.core.duplicates import Labelled
from authoring.core.module_refs import ModuleIndex, did_you_mean
from authoring.errors import Severity
from authoring.repo.crosslinks import known_term
from authoring.repo.duplicate_findings import labelled
from authoring.repo.module_findings import unresolved_references
from authoring.repo.provenance import Modules, parse_citation
from authoring.repo.revisions import Revision
from authoring.repo.snippet_history import ModuleHistory

if TYPE_CHECKING:
    from authoring.repo.audit import Auditor, Finding


class _Asked(set[str]):
    """The term ids, remembering which of them were asked about (`in`) since `met` was last cleared."""

    def __init__(self, items: Iterable[str]) -> None:
        super().__init__(items)
        self.met: set[str] = set()

    def __contains__(self, item: object) -> bool:
        found = super().__contains__(item)
        if found:
            self.met.add(str(item))
        return found


class TermStages:
    """Provenance, module references and what integrity and duplicate detection read of each entry, term by
    term."""

    def __init__(self, auditor: Auditor, term_ids: Iterable[str]) -> None:
        self.auditor = auditor
        glossary = auditor.glossary
        self.modules = Modules(glossary.module_sources, glossary.root)
        # asked of every citation, the same few hundred modules over and over
        self.describe = functools.cache(self.modules.index.describe)
        self.outside_of = functools.cache(self.modules.index.outside)
        self.index = ModuleIndex.scan(glossary.module_sources)
        self.describe_index = functools.cache(self.index.describe)  # the same words in every finding
        self.known_ids = _Asked(term_ids)
        self.ids = frozenset(term_ids)
        self.module_history: ModuleHistory | None = None  # read only when a snippet is missing
        self.provenance: list[Finding] = []
        self.references: dict[str, list[Finding]] = {}  # by term, in reading order
        self.asked: dict[str, set[str]] = {}  # the term ids a term's references were found to name
        # what integrity needs of every entry, read once here (a slim entry decodes on every read)
        self.known: list[KnownTerm] = []
        self.linked: dict[str, list[Link]] = {}
        self.owners: dict[str, list[str]] = {}
        self.labelled: list[Labelled] = []  # what duplicate detection needs of each term (`take_labelled`)

    def read(self, term_id: str, revision: Revision) -> None:
        """Every per-term stage for one term just read."""
        entry = revision.entry
        self.known.append(known_term(term_id, entry))
        self.labelled.append(labelled(term_id, revision.term, entry))
        if entry is None:
            self.references[term_id] = []
            return
        # a link to a term id gives no finding: kept are the others, in order (all of them are read again
        # should some id turn out not to be a term: `integrity_links`)
        self.linked[term_id] = [link for link in links(entry) if link.target not in self.ids]
        canonical = entry.get("canonical_id")
        if canonical is not None:
            self.owners.setdefault(str(canonical), []).append(term_id)
        self._provenance(term_id, revision, entry)
        self.known_ids.met.clear()
        self.references[term_id] = self._references(term_id, revision, entry, self.known_ids)
        if self.known_ids.met:
            self.asked[term_id] = set(self.known_ids.met)

    def take_labelled(self) -> list[Labelled]:
        """What duplicate detection needs of every term read (`duplicate_findings.labelled`), handed over once."""
        taken, self.labelled = self.labelled, []
        return taken

    def integrity_links(self, current: dict[str, Revision]) -> dict[str, list[Link]]:
        """Every link of each term read that may give an integrity finding (one that does not name a term of the
        audit by its id), in file order."""
        if all(term_id in current for term_id in self.ids):
            return self.linked
        # some id turned out not to be a term of the audit (`unsafe-path`): a link to it is dangling too
        return {term_id: links(revision.entry) for term_id, revision in current.items() if revision.entry is not None}

    def reference_findings(self, current: dict[str, Revision]) -> list[Finding]:
        """The module-reference findings of every term read, in reading order: a term whose references named
        an id that turned out not to be a term of the audit is judged again against the terms that are."""
        unsafe = {term_id for term_id in self.known_ids if term_id not in current}
        found: list[Finding] = []
        for term_id, revision in current.items():
            if self.asked.get(term_id, set()) & unsafe:
                entry = revision.entry
                found += self._references(term_id, revision, entry, set(current)) if entry is not None else []
            else:
                found += self.references.get(term_id, [])
        return found

    def _add(self, sink: list[Finding], severity: Severity, code: str, term: str | None, message: str,
             **where: Any) -> None:
        from authoring.repo.audit import Finding

        sink.append(Finding(severity=severity, code=code, term=term, message=message, **where))

    def _provenance(self, term_id: str, revision: Revision, entry: dict[str, Any]) -> None:
        auditor, modules, sink = self.auditor, self.modules, self.provenance
        provenance = entry.get("provenance")
        sources = provenance.get("sources") if isinstance(provenance, dict) else None
        # A draft's citations are still being worked on: missing text is a warning there.
        missing = Severity.WARNING if revision.status in (None, "draft") else Severity.ERROR
        for index, source in enumerate(sources if isinstance(sources, list) else []):
            if not isinstance(source, dict) or not source.get("module"):
                continue
            reference = str(source["module"])
            cited = None if source.get("lines") is None else str(source.get("lines"))
            where = {"module": reference, "lines": cited, "path": auditor._display(term_id),
                     "line": auditor._line(revision, ("provenance", "sources", index))}
            path = modules.resolve(reference)
            if path is None:
                self._add(sink, missing, "module-missing", term_id,
                          f"provenance.sources.{index} cites module {reference}, which is not in"
                          f" {self.describe()}{did_you_mean(modules.index.near(reference))}", **where)
                continue
            outside = self.outside_of(path)
            if outside:  # never read: its text is not the repository's to cite
                self._add(sink, Severity.ERROR, "module-outside-repository", term_id,
                          f"provenance.sources.{index}: {outside}", **where)
                continue
            snippet = source.get("snippet")
            text = modules.text(path)
            if not isinstance(snippet, str) or not snippet.strip() or text is None:
                continue
            places = text.find(snippet)
            citation = parse_citation(source.get("lines"))
            if not places:
                self._absent(term_id, index, path, snippet, missing, where)
            elif not citation.checkable or any(citation.holds(p) for p in places):
                place = next((p for p in places if citation.holds(p)), places[0])
                self._add(sink, Severity.INFO, "snippet-found", term_id,
                          f"provenance.sources.{index}: found in {path.name} at {place.describe()}",
                          now=place.describe(), **where)
            else:
                now = ", ".join(p.describe() for p in places[:3])
                self._add(sink, Severity.WARNING, "snippet-moved", term_id,
                          f"provenance.sources.{index}: cited at {cited} but now at {now} in {path.name}",
                          now=places[0].describe(), **where)

    def _absent(self, term_id: str, index: int, path: Path, snippet: str, severity: Severity,
                where: dict[str, Any]) -> None:
        """A snippet not in its module: `snippet-changed` when an earlier version held it, else `snippet-missing`."""
        if self.module_history is None:
            self.module_history = ModuleHistory(self.auditor.git, self.auditor.glossary.module_sources.roots())
        removal = self.module_history.removal(path, snippet)
        if removal is None:
            self._add(self.provenance, severity, "snippet-missing", term_id, f"provenance.sources.{index}: the"
                      f" snippet is not in {path.name}, nor in any committed version of it (compared ignoring"
                      " emphasis, code ticks, quote and dash variants)", **where)
        else:
            self._add(self.provenance, severity, "snippet-changed", term_id, f"provenance.sources.{index}: the"
                      f" module changed since the snippet was cited: {path.name} held it in {removal.held_in[:10]},"
                      f" and it was taken out {removal.describe()}", commit=removal.removed_in, **where)

    def _references(self, term_id: str, revision: Revision, entry: dict[str, Any], known: set[str]) -> list[Finding]:
        """`module-missing` for a stub's `provenance` list, `parents` and `context_windows` (warnings)."""
        found: list[Finding] = []
        for ref in unresolved_references(entry, self.index, known):
            if ref.ambiguous:
                said = f"names several modules ({', '.join(ref.ambiguous[:4])}); give the full file stem"
            else:
                said = f"names no module in {self.describe_index()}{did_you_mean(ref.suggestions)}"
            self._add(found, Severity.WARNING, "module-missing", term_id, f"{ref.field}: {ref.reference} {said}",
                      module=ref.reference, path=self.auditor._display(term_id),
                      line=self.auditor._line(revision, ref.path))
        return found
