"""The glossary as a spreadsheet (CSV, one row per term, stable columns) or JSON, and CSV read back.

Columns, in this order, always all present: `id, term, aliases, symbol, status, version,
last_updated, definition, parents, related, sources, superseded_by, path`. Lists (`aliases`,
`parents`, `related`, `sources`) are joined with ` | ` (an alias holding `|` is written with it
escaped as `\\|`). `sources` are `MODULE LINES` references.

`read_rows()` reads a CSV written by `csv_text()` (or by a person: only `id` and `term` are
required) into `ImportRow`s, each located by its line, and reports every problem with its line;
nothing here decides what an import does with a row.

Must never: read term files, touch Git or a UI.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from authoring.errors import Problem, Severity
from authoring.exchange.records import STATUSES, ExportTerm

COLUMNS = ("id", "term", "aliases", "symbol", "status", "version", "last_updated", "definition", "parents",
           "related", "sources", "superseded_by", "path")
"""The CSV columns, in order (stable: scripts and spreadsheets depend on them)."""

REQUIRED = ("id", "term")
SEPARATOR = " | "
_SPLIT = re.compile(r"\s*(?<!\\)\|\s*")


def join(values: Sequence[str]) -> str:
    """A list as one cell."""
    return SEPARATOR.join(v.replace("|", "\\|") for v in values)


def split(cell: str) -> list[str]:
    """One cell as a list (the inverse of `join`)."""
    if not cell.strip():
        return []
    return [v.replace("\\|", "|").strip() for v in _SPLIT.split(cell.strip()) if v.strip()]


def row_of(term: ExportTerm) -> dict[str, str]:
    """A term as a CSV row."""
    sources = [f"{s.module} {s.lines}" if s.lines else s.module for s in term.sources]
    return {"id": term.id, "term": term.name, "aliases": join(term.aliases), "symbol": term.symbol,
            "status": term.status, "version": term.version, "last_updated": term.last_updated,
            "definition": term.definition, "parents": join(term.parents), "related": join(term.related),
            "sources": join(sources), "superseded_by": term.superseded_by or "", "path": term.path}


def csv_text(terms: Sequence[ExportTerm]) -> str:
    """The CSV (RFC 4180: CRLF rows, quoted where needed) of `terms`, with a header row."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for term in terms:
        writer.writerow(row_of(term))
    return out.getvalue()


def json_text(terms: Sequence[ExportTerm]) -> str:
    """Every exported field of every term, as one JSON document."""
    return json.dumps({"terms": [t.to_json() for t in terms]}, ensure_ascii=False, indent=2) + "\n"


@dataclass
class ImportRow:
    """One row of a CSV to import, as written."""

    line: int
    """The line the row starts on (the header is line 1)."""
    id: str
    term: str
    aliases: list[str] = field(default_factory=list)
    symbol: str = ""
    status: str = ""
    """The status the file gives (empty: none); imports create drafts, see `repo.exchange_service`."""
    version: str = ""
    definition: str = ""
    parents: list[str] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)
    """Columns the import does not use (kept for the report)."""


@dataclass
class ReadResult:
    """The rows of a CSV, and the problems found (each located by line)."""

    rows: list[ImportRow]
    problems: list[Problem]


def read_rows(text: str, display: str) -> ReadResult:
    """Read a CSV to import. Every problem is a located `Problem`; a row with one is left out of `rows`."""
    problems: list[Problem] = []

    def problem(line: int, code: str, message: str) -> None:
        problems.append(Problem(display, line, 1, Severity.ERROR, code, message))

    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        problem(1, "csv-syntax", f"the header row is not CSV: {exc}")
        return ReadResult([], problems)
    if header is None:
        problem(1, "csv-empty", "the file is empty: it needs a header row with at least id and term")
        return ReadResult([], problems)
    names = [h.strip().casefold() for h in header]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        problem(1, "csv-header", f"the header row lacks the column(s) {', '.join(missing)} (it has"
                f" {', '.join(repr(h) for h in header) or 'none'})")
        return ReadResult([], problems)
    doubled = sorted({n for n in names if names.count(n) > 1 and n})
    if doubled:
        problem(1, "csv-header", f"the header row names {', '.join(doubled)} more than once")
        return ReadResult([], problems)
    rows: list[ImportRow] = []
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problem(line, "csv-syntax", f"not CSV: {exc}")
            break
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(names):
            problem(line, "csv-columns", f"the row has {len(cells)} cells where the header has {len(names)}")
            continue
        cell = dict(zip(names, cells, strict=True))
        term_id, name = cell["id"].strip(), " ".join(cell["term"].split())
        if not term_id or not name:
            problem(line, "csv-required", "the row needs both an id and a term")
            continue
        status = cell.get("status", "").strip()
        if status and status not in STATUSES:
            problem(line, "csv-status", f"{term_id}: status {status!r} is not one of {', '.join(STATUSES)}")
            continue
        used = {"id", "term", "aliases", "symbol", "status", "version", "definition", "parents"}
        rows.append(ImportRow(line=line, id=term_id, term=name, aliases=split(cell.get("aliases", "")),
                              symbol=cell.get("symbol", "").strip(), status=status,
                              version=cell.get("version", "").strip(), definition=cell.get("definition", "").strip(),
                              parents=split(cell.get("parents", "")),
                              extra={k: v for k, v in cell.items() if k not in used and v.strip()}))
    return ReadResult(rows, problems)


def to_plain(rows: Sequence[ImportRow]) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (for reports)."""
    return [{"line": r.line, "id": r.id, "term": r.term, "status": r.status or None} for r in rows]
