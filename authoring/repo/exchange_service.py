"""Publishing and exchange on a repository: export, CSV import and the static site.

The logic behind `Glossary.exchange()`. Exports read every term file through the core, distil the
parseable ones (`exchange.records`), build the format, validate it (SHACL for SKOS, the shipped
RELAX NG schema for TBX) and only then write it, atomically; a term whose entry does not parse is
never exported silently: it is listed, located, in the result. The site is built into a fresh
folder beside the target and swapped in whole, and only over a folder an earlier build made.

Import (CSV) creates drafts through the draft path: every row is checked first (ids that exist or
repeat, unsafe ids, statuses, the rendered file must pass `check` and read back as meant) and when
any row is refused nothing is written; then each term is its own commit with its `draft` review
event, authored by the import agent, with `Requested-by:` naming the Git user who asked — the commits
chained and landed together (`landing.land_chain`: one journal, one new index, one move of the branch),
so a failed or killed import lands none of them. Imported
terms are drafts whatever the file says: a status is earned through review here, so a row whose
status is not `draft` is refused unless `as_drafts` is given, and then its status and version in
the file are recorded in the event's note, in the term's `provenance.review_log` and in the
commit's `Source-Status:` trailer.

Must never: import a UI; parse YAML except through the core; run Git except through the service.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from authoring.core.textfile import atomic_write
from authoring.errors import AuthoringError, GateRefused, ParseError, Problem, Severity, UsageError
from authoring.exchange.records import STATUSES, ExportTerm, HistoryItem, record, select

if TYPE_CHECKING:
    from authoring.exchange.tabular import ImportRow
    from authoring.repo.service import Glossary
    from authoring.workflow.review_log import ReviewEvent

FORMATS = ("skos", "jsonld", "tbx", "csv", "json")
"""What `export` writes: SKOS as Turtle (`skos`) or JSON-LD (`jsonld`), TBX-Basic, CSV, JSON."""

_EDITOR_SUMMARY = "<!-- for an editor: the EFT-first summary (an import carries none) -->"

SITE_MARKER = ".authoring-site"
"""The file that marks a folder as one `site` built (and may therefore replace)."""


@dataclass
class ExportResult:
    """What an export produced."""

    format: str
    data: bytes
    """The document."""
    terms: list[str]
    """The ids exported, in order."""
    skipped: list[Problem] = field(default_factory=list)
    """Terms left out because their entry does not parse, each located."""
    validation: str = ""
    """What validation said (`SHACL: conforms`, `TBX schema: valid`)."""
    output: str | None = None
    """Where it was written (None: the caller prints it)."""

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `--json` (without the document itself unless it went nowhere)."""
        return {"format": self.format, "count": len(self.terms), "output": self.output,
                "validation": self.validation, "skipped": [p.to_json() for p in self.skipped]}


@dataclass
class ImportedTerm:
    """One imported term."""

    term: str
    line: int
    commit: str
    source_status: str | None
    """The status the file gave it (it is a draft here)."""

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `--json`."""
        return {"term": self.term, "line": self.line, "commit": self.commit, "status": "draft",
                "source_status": self.source_status}


@dataclass
class ImportResult:
    """What an import committed."""

    source: str
    author: str
    imported: list[ImportedTerm]
    ignored_columns: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `--json`."""
        return {"source": self.source, "author": self.author, "count": len(self.imported),
                "imported": [t.to_json() for t in self.imported], "ignored_columns": self.ignored_columns}


@dataclass
class SiteResult:
    """What a site build wrote."""

    output: str
    terms: int
    pages: int
    statuses: list[str]
    skipped: list[Problem] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `--json`."""
        return {"output": self.output, "terms": self.terms, "pages": self.pages, "statuses": self.statuses,
                "skipped": [p.to_json() for p in self.skipped]}


def parse_statuses(text: str | Sequence[str] | None) -> list[str] | None:
    """`ratified,candidate` (or a list) as statuses, refusing unknown ones; None or empty: all."""
    if text is None:
        return None
    items = [s.strip() for part in ([text] if isinstance(text, str) else text) for s in part.split(",") if s.strip()]
    unknown = [s for s in items if s not in STATUSES]
    if unknown:
        raise UsageError(f"unknown status {', '.join(unknown)}; use any of {', '.join(STATUSES)}")
    return items or None


class Exchange:
    """Export, import and publish one glossary."""

    def __init__(self, glossary: Glossary) -> None:
        self.glossary = glossary
        self.settings = glossary.config.exchange

    # -- reading ---------------------------------------------------------------------------------------

    def records(self, statuses: Sequence[str] | None = None) -> tuple[list[ExportTerm], list[Problem]]:
        """Every parseable term (of `statuses`) as an export record, and a located problem per term left out."""
        from authoring.workflow.review_log import load_events

        glossary = self.glossary
        terms: list[ExportTerm] = []
        skipped: list[Problem] = []
        for term_id in glossary.term_ids():
            try:
                loaded = glossary.load(term_id)
            except UsageError as exc:  # an unsafe path: reported, never read
                skipped.append(Problem(glossary.display(glossary.terms_dir / f"{term_id}.md"), 0, 0,
                                       Severity.WARNING, "not-exported", str(exc)))
                continue
            entry = loaded.entry
            if entry is None or not loaded.parses:
                first = next((p for p in loaded.problems if p.severity == Severity.ERROR), None)
                reason = f"{first.code}: {first.message}" if first else "its entry does not parse"
                skipped.append(Problem(loaded.display, first.line if first else 0, first.col if first else 0,
                                       Severity.WARNING, "not-exported", f"{term_id} left out: {reason}"))
                continue
            events, _unreadable = load_events(glossary.review_logs_dir, term_id, glossary.root)
            history = [HistoryItem(e.when.isoformat(timespec="seconds"), e.who, str(e.action), e.note,
                                   e.to_status if e.to_status != e.from_status else None) for e in events]
            terms.append(record(term_id, entry, loaded.display, history))
        return select(terms, statuses), skipped

    # -- export ----------------------------------------------------------------------------------------

    def export(self, fmt: str, statuses: Sequence[str] | None = None, output: Path | None = None) -> ExportResult:
        """Build, validate and (with `output`) write an export; a document that fails validation is never written."""
        if fmt not in FORMATS:
            raise UsageError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
        if output is not None:
            self._refuse_inside_glossary(output)
            if fmt == "skos" and output.suffix in (".jsonld", ".json"):
                fmt = "jsonld"
        terms, skipped = self.records(statuses)
        data, validation = self.render(fmt, terms)
        result = ExportResult(fmt, data, [t.id for t in terms], skipped, validation)
        if output is not None:
            output.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(output, data)
            result.output = str(output)
        return result

    def render(self, fmt: str, terms: Sequence[ExportTerm]) -> tuple[bytes, str]:
        """The document of `terms` in `fmt`, validated; `ParseError` with the validator's findings otherwise."""
        settings = self.settings
        if fmt in ("skos", "jsonld"):
            from authoring.exchange import skos

            graph = skos.build_graph(terms, settings.base_iri, settings.title, settings.language)
            shacl = skos.validate(graph)
            if not shacl.conforms:
                raise ParseError(f"the SKOS graph does not pass its SHACL shape ({shacl.violations} result(s));"
                                 f" nothing was written:\n{shacl.text[:2000]}")
            text = skos.serialise(graph, "turtle" if fmt == "skos" else "json-ld")
            return text.encode("utf-8"), f"SHACL: conforms ({len(terms)} concepts)"
        if fmt == "tbx":
            from authoring.exchange import tbx

            data = tbx.build_tbx(terms, settings.title, settings.language,
                                 f"exported by authoring from {self.glossary.root.name}")
            errors = tbx.validate(data)
            if errors:
                raise ParseError(f"the TBX document does not pass its schema; nothing was written: {errors[0]}",
                                 [Problem("export.tbx", int(e.split(":", 1)[0] or 0), 0, Severity.ERROR, "tbx-schema",
                                          e.split(":", 1)[1].strip()) for e in errors[:20]])
            return data, f"TBX-Basic schema: valid ({len(terms)} concept entries)"
        from authoring.exchange import tabular

        if fmt == "csv":
            return tabular.csv_text(terms).encode("utf-8"), f"CSV: {len(terms)} rows"
        return tabular.json_text(terms).encode("utf-8"), f"JSON: {len(terms)} terms"

    def _refuse_inside_glossary(self, path: Path) -> None:
        # a stray file among the terms would be read as a term; review logs are the trail
        target = path.resolve()
        for folder in (self.glossary.terms_dir, self.glossary.review_logs_dir):
            if target == folder.resolve() or folder.resolve() in target.parents:
                raise UsageError(f"{path}: refusing to write into {self.glossary.display(folder)}/, which the"
                                 " glossary itself keeps; write it elsewhere")

    # -- import ----------------------------------------------------------------------------------------

    def import_csv(self, path: Path, as_drafts: bool = False) -> ImportResult:
        """Create a draft per row of a CSV file, one commit each; refuse the whole file if any row is refused."""
        from authoring.exchange import tabular
        from authoring.repo.drafting_service import agent_identity

        display = str(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise UsageError(f"{display}: cannot read: {exc.strerror or exc}") from None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            raise ParseError(f"{display}:{line}: invalid UTF-8 (bytes {raw[exc.start:exc.end].hex(' ')}); save the"
                             " file as UTF-8", [Problem(display, line, 1, Severity.ERROR, "invalid-utf8",
                                                        "invalid UTF-8 byte sequence")]) from None
        if "\0" in text:
            raise ParseError(f"{display}:{text.count(chr(10), 0, text.index(chr(0))) + 1}: the file holds a NUL byte;"
                             " a CSV is text")
        read = tabular.read_rows(text, display)
        rows = read.rows
        problems = list(read.problems)
        author = agent_identity(self.glossary, "import")
        planned: list[tuple[ImportRow, Path, str, dict[str, Any]]] = []
        seen: dict[str, int] = {}
        for row in rows:
            refusal = self._refusal(row, seen, as_drafts)
            if refusal:
                problems.append(Problem(display, row.line, 1, Severity.ERROR, "import-refused", refusal))
                continue
            seen[row.id] = row.line
            target = self.glossary.term_path(row.id)
            try:
                text_out, entry = self._render(row, str(author), display)
            except AuthoringError as exc:
                problems.append(Problem(display, row.line, 1, Severity.ERROR, "import-invalid", f"{row.id}: {exc}"))
                continue
            planned.append((row, target, text_out, entry))
        if problems:
            raise GateRefused(f"{display}: {len(problems)} row(s) refused; nothing was imported:\n"
                              + "\n".join(p.format() for p in problems[:40])
                              + (f"\n… and {len(problems) - 40} more" if len(problems) > 40 else ""),
                              [p.format() for p in problems])
        if not planned:
            raise UsageError(f"{display}: no rows to import")
        from authoring.repo.action_path import land_chain

        steps = [self._step(row, target, text_out, entry, author, display)
                 for row, target, text_out, entry in planned]
        try:
            with self.glossary.transaction() as tx:
                commits = land_chain(tx, steps)
        except AuthoringError as exc:
            raise type(exc)(f"{display}: {exc}; nothing was imported") from None
        imported = [ImportedTerm(row.id, row.line, commit, row.status or None)
                    for (row, _, _, _), commit in zip(planned, commits, strict=True)]
        ignored = sorted({k for row in rows for k in row.extra})
        return ImportResult(display, str(author), imported, ignored)

    def _refusal(self, row: ImportRow, seen: dict[str, int], as_drafts: bool) -> str | None:
        from authoring.core import ids

        reason = ids.unsafe_reason(row.id)
        if reason is not None:
            return f"{row.id!r} is not a usable term id: {reason}"
        if row.id in seen:
            return f"{row.id} is also on line {seen[row.id]}"
        path = self.glossary.term_path(row.id)
        if path.exists():
            return f"{row.id} exists already ({self.glossary.display(path)}); import creates new terms only"
        if row.status and row.status != "draft" and not as_drafts:
            return (f"{row.id} is {row.status} in the file; imported terms start as drafts (a status is earned"
                    " through review here): pass --as-drafts to import it as a draft with its status recorded")
        return None

    def _render(self, row: ImportRow, agent: str, source: str) -> tuple[str, dict[str, Any]]:
        from authoring.core.render import Style, block_lines
        from authoring.drafting.draft import render_body, verify_term
        from authoring.repo.action_path import today as today_of

        today = today_of(self.glossary.clock).isoformat()
        review_log: list[dict[str, str]] = []
        if row.status and row.status != "draft":
            review_log.append({"date": today, "reviewer": agent, "notes": self._source_note(row, source)})
        entry: dict[str, Any] = {
            "term": row.term, "canonical_id": row.id, "symbol": row.symbol, "aliases": row.aliases,
            "parents": row.parents, "status": "draft", "version": "0.1", "last_updated": today,
            "provenance": {"sources": [], "editors": [agent], "review_log": review_log},
            "pirouette_definition": row.definition,
        }
        note = f"# Imported by the import agent from {Path(source).name} line {row.line}."
        text = "\n".join(["---", note, *block_lines(entry, 0, Style()), "---", ""]) + render_body(entry, row.definition,
                                                                                        _EDITOR_SUMMARY)
        path = self.glossary.term_path(row.id)
        verify_term(text, path, self.glossary.display(path), entry)
        return text, entry

    @staticmethod
    def _source_note(row: ImportRow, source: str) -> str:
        version = f", version {row.version}" if row.version else ""
        return f"imported from {Path(source).name} line {row.line}, where it is {row.status}{version}; a draft here"

    def _step(self, row: ImportRow, target: Path, text: str, entry: dict[str, Any], author: Any,
              source: str) -> tuple[list[tuple[Path, bytes | None, bytes | None]], ReviewEvent, str, Any]:
        """One row's commit, as `action_path.land_chain` takes it: the new file, its event, message, author."""
        from authoring.repo.action_path import commit_message, new_event
        from authoring.workflow.review_log import Action, content_revision

        note = f"imported from {Path(source).name} line {row.line}"
        if row.status and row.status != "draft":
            note = self._source_note(row, source)
        event = new_event(self.glossary, row.id, author, Action.DRAFT, role_name="agent", agent="import",
                          from_status=None, to_status="draft", version="0.1", revision=content_revision(entry),
                          note=note)
        trailers = {"Term": row.id, "Action": "draft", "Status": "draft", "Agent": "import",
                    "Source": f"{Path(source).name} line {row.line}"}
        if row.status:
            trailers["Source-Status"] = row.status
        requester = self.glossary.git.user()
        if requester is not None and requester.key != author.key:
            trailers["Requested-by"] = str(requester)
        message = commit_message(row.id, f"import from {Path(source).name}", trailers)
        return [(target, text.encode("utf-8"), None)], event, message, author

    # -- site ------------------------------------------------------------------------------------------

    def site(self, output: Path, statuses: Sequence[str] | None = ("ratified",)) -> SiteResult:
        """Build the static site into `output` (a new folder, or one an earlier build made), swapped in whole."""
        from authoring.core.module_refs import ModuleIndex
        from authoring.exchange.site import build_site

        self._refuse_inside_glossary(output)
        if output.exists() and (not output.is_dir() or (any(output.iterdir()) and not (output / SITE_MARKER).exists())):
            raise UsageError(f"{output}: exists and was not made by `authoring site`; give a new or empty folder")
        terms, skipped = self.records(statuses)
        index = ModuleIndex.scan(self.glossary.module_sources, self.glossary.root)
        modules: dict[str, tuple[str, str]] = {}
        for term in terms:
            for source in term.sources:
                if source.module in modules:
                    continue
                path = index.resolve(source.module)
                if path is not None and index.outside(path) is None:  # never publish what a link leads out to
                    with contextlib.suppress(OSError, UnicodeDecodeError):
                        modules[source.module] = (self.glossary.display(path), path.read_text(encoding="utf-8"))
        pages = build_site(terms, modules, title=self.settings.title, statuses=list(statuses or STATUSES),
                           language=self.settings.language)
        output.parent.mkdir(parents=True, exist_ok=True)
        fresh = Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=output.parent))
        try:
            for name, data in pages.items():
                target = fresh / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            (fresh / SITE_MARKER).write_text("built by authoring site; this folder is replaced by the next build\n",
                                             encoding="utf-8")
            fresh.chmod(0o755)
            old = None
            if output.exists():
                old = output.with_name(f".{output.name}.old-{fresh.name[-8:]}")
                output.rename(old)
            try:
                fresh.rename(output)
            except OSError:
                if old is not None:
                    old.rename(output)  # the earlier build stays where it was
                raise
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        except BaseException:
            shutil.rmtree(fresh, ignore_errors=True)
            raise
        return SiteResult(str(output), len(terms), len(pages), list(statuses or STATUSES), skipped)
