"""Term files as they stood at past revisions: parsed once per blob, and compared field by field.

History and audit read many revisions of many files. A blob id names exact bytes, so a parsed
revision is cached by blob id: a file that did not change between commits is parsed once, and a
work-tree file whose bytes equal a committed blob is never parsed twice in one run.

`field_changes` turns two entries into the field-level changes a reviewer reads (deepdiff paths,
old → new), with long text and large structures shown as changed rather than dumped.

Must never: write files, import a UI.
"""

from __future__ import annotations

import datetime as dt
import json
import pickle
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deepdiff import DeepDiff
from deepdiff.helper import notpresent
from pydantic import BaseModel, ConfigDict

from authoring.core.paths import format_path
from authoring.core.termfile import TermFile, load_term
from authoring.errors import Problem
from authoring.repo.git import Git, blob_id
from authoring.repo.slim_term import SlimTerm
from authoring.workflow.review_log import content_revision, term_revision

_STATUS_LINE = re.compile(r"^status:[ \t]*[\"']?([A-Za-z_]+)[\"']?[ \t]*(?:#.*)?$", re.MULTILINE)

# Text up to this long, on one line, is shown in full; anything longer is shown as changed.
SHORT_TEXT = 80


@dataclass
class Revision:
    """One revision of a term file: its entry (when it parses) and, when not, the first error.

    A slim revision (`RevisionCache(slim=True)`: an audit holds every term of the glossary at once)
    keeps its entry pickled, read back on each access: the bytes cost a third of the objects."""

    blob: str | None
    stored_entry: dict[str, Any] | bytes | None
    """The entry, or its pickle (slim); read it as `entry`."""
    error: str | None = None
    problems: list[Problem] = field(default_factory=list)
    term: TermFile | SlimTerm | None = None
    """The loaded file (a `SlimTerm` from a cache made with `slim=True`: enough to locate fields)."""
    _revision: str | None = None
    _status_line: str | None = None
    """A `status:` line read as text when the front matter does not parse (see `lenient_status`)."""
    _summary: tuple[str | None, str | None] | None = None
    """A slim revision's status and version, read once (every stage of an audit asks)."""

    @property
    def entry(self) -> dict[str, Any] | None:
        """The entry's plain data (a fresh copy each time for a slim revision: do not change it)."""
        stored = self.stored_entry
        return pickle.loads(stored) if isinstance(stored, bytes) else stored  # our own pickle, made in `_parse`

    @property
    def status(self) -> str | None:
        """The entry's status, as text."""
        if self._summary is not None:
            return self._summary[0]
        return _text(self.entry.get("status")) if self.entry else None

    @property
    def lenient_status(self) -> str | None:
        """The status even when the front matter does not parse: the entry's, else a `status:` line read
        as text from the last block that has one (an audit must see a status laundered through a
        revision that does not parse)."""
        if self.stored_entry is not None:
            return self.status
        return self._status_line

    @property
    def version(self) -> str | None:
        """The entry's version, as text."""
        if self._summary is not None:
            return self._summary[1]
        return _text(self.entry.get("version")) if self.entry else None

    @property
    def content_revision(self) -> str | None:
        """The entry's content revision (what review events refer to)."""
        if self.stored_entry is None:
            return None
        if self._revision is None:
            term = self.term if isinstance(self.term, TermFile) else None
            self._revision = term_revision(term) if term is not None else content_revision(self.entry or {})
        return self._revision


def _status_line_of(term: TermFile) -> str | None:
    """The `status:` of the last block that has a line for it, read as text (the file does not parse)."""
    split = term.split
    for block in reversed(split.blocks if split is not None else ()):
        found = _STATUS_LINE.search(split.content(block)) if split is not None else None
        if found:
            return found[1]
    return None


ABSENT = Revision(None, None)
"""The state of a term before it existed or after it was deleted."""


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


class RevisionCache:
    """Parses each distinct blob at most once per run; reads blobs through Git's one `cat-file` process."""

    def __init__(self, git: Git, slim: bool = False) -> None:
        self.git = git
        # slim: keep each revision's `SlimTerm` rather than its whole `TermFile` (an audit holds every term)
        self.slim = slim
        self._by_blob: dict[str, Revision] = {}
        self._bytes: dict[str, bytes] = {}
        self.parsed = 0
        """How many blobs were actually parsed (the rest were cache hits)."""

    def prefetch(self, oids: Sequence[str | None]) -> None:
        """Read the bytes of many blobs in one round trip (parsing stays lazy)."""
        missing = [oid for oid in oids if oid and oid not in self._by_blob and oid not in self._bytes]
        self._bytes.update(self.git.read_blobs(missing))

    def blob_bytes(self, oid: str) -> bytes | None:
        """A blob's bytes, prefetched or read now."""
        data = self._bytes.get(oid)
        return data if data is not None else self.git.read_blob(oid)

    def at_blob(self, oid: str | None, display: str) -> Revision:
        """The revision stored as blob `oid` (ABSENT for None)."""
        if oid is None:
            return ABSENT
        cached = self._by_blob.get(oid)
        if cached is not None:
            return cached
        data = self._bytes.pop(oid, None) or self.git.read_blob(oid)
        if data is None:
            revision = Revision(oid, None, f"{display}: blob {oid[:10]} is missing from the repository")
        else:
            revision = self._parse(oid, data, Path(display), display)
        self._by_blob[oid] = revision
        return revision

    def at_path(self, path: Path, display: str) -> Revision:
        """The revision in the work tree (ABSENT when the file does not exist)."""
        read = read_work_tree(path, display)
        if isinstance(read, Revision):
            return read
        oid, data = read
        cached = self._by_blob.get(oid)
        if cached is not None and cached.term is not None and cached.term.path == path:
            return cached
        return self.remember(parse_revision(oid, data, path, display, self.slim))

    def remember(self, revision: Revision) -> Revision:
        """Keep a revision parsed elsewhere (`audit_read`: in a worker) under its blob id, as parsed here."""
        self.parsed += 1
        if revision.blob is not None:
            self._by_blob[revision.blob] = revision
        return revision

    def _parse(self, oid: str, data: bytes, path: Path, display: str) -> Revision:
        self.parsed += 1
        return parse_revision(oid, data, path, display, self.slim)


def read_work_tree(path: Path, display: str) -> tuple[str, bytes] | Revision:
    """A work-tree file's blob id and bytes, or the revision that stands for a file that cannot be read
    (ABSENT when it does not exist)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return ABSENT
    except OSError as exc:
        return Revision(None, None, f"{display}: cannot read: {exc.strerror}")
    return blob_id(data), data


def parse_revision(oid: str, data: bytes, path: Path, display: str, slim: bool) -> Revision:
    """The revision of a file's bytes (`oid` their blob id); `slim`: with a `SlimTerm` (see `RevisionCache`).
    Reads nothing but `data`."""
    # a fast reading (libyaml, same values and problems as ruamel): history and audit only read
    term = load_term(path, display, data=data, fast=True)
    error = None
    if term.entry is None:
        first = term.errors[0] if term.errors else None
        error = first.format() if first else f"{display}: the entry does not parse"
    # what a slim revision cannot answer later (it keeps no text) is read now
    revision = term_revision(term) if term.entry is not None else None
    status_line = None if term.entry is not None else _status_line_of(term)
    if not slim:
        return Revision(oid, term.entry, error, list(term.problems), term, revision, status_line)
    entry = term.entry
    summary = (_text(entry.get("status")), _text(entry.get("version"))) if entry else (None, None)
    packed = pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL) if entry is not None else None
    return Revision(oid, packed, error, list(term.problems), SlimTerm.of(term), revision, status_line, summary)


class FieldChange(BaseModel):
    """One changed field between two revisions of an entry."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    path: str
    """The field's dotted path (`triad.art`, `aliases.0`); empty for the entry as a whole."""
    old: Any
    """The value before (None when the field was added); long text is shown as `‹text, N chars›` in a
    history (whole in a diff)."""
    new: Any
    """The value after (None when the field was removed); long text is shown as `‹text, N chars›` in a
    history (whole in a diff)."""
    kind: str
    """`changed`, `added` or `removed`."""
    summarised: bool = False
    """True when `old` or `new` stands for a value too long to show in full."""


def shown(value: Any, full_text: bool = False) -> tuple[Any, bool]:
    """A value as history shows it, and whether it was summarised instead of dumped. With `full_text`,
    text is shown whole however long (a reviewer reads the words that changed)."""
    if value is notpresent or value is None:
        return None, False
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat(), False
    if isinstance(value, str) and full_text:
        return value, False
    if isinstance(value, str):
        # one line (a block scalar's final newline aside) that fits: shown as it reads
        line = value.rstrip("\n")
        if len(line) <= SHORT_TEXT and "\n" not in line:
            return line, False
        return f"‹text, {len(value)} chars›", True
    if isinstance(value, bool | int | float):
        return value, False
    text = json.dumps(value, ensure_ascii=False, default=str)
    if len(text) <= SHORT_TEXT:
        return json.loads(text), False
    if isinstance(value, dict):
        return f"‹mapping of {_count(len(value), 'field')}›", True
    if isinstance(value, list):
        return f"‹list of {_count(len(value), 'item')}›", True
    return f"‹{type(value).__name__}›", True


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def field_changes(old: dict[str, Any] | None, new: dict[str, Any] | None, full_text: bool = False) -> list[FieldChange]:
    """The field-level changes from `old` to `new` (either may be None: the term did not exist).

    Long text is summarised as `‹text, N chars›` (a history stays readable) unless `full_text`
    (a diff to review, an edit to confirm).
    """
    if old == new:
        return []
    before, after = old or {}, new or {}
    changes: list[FieldChange] = []
    # Most revisions change one or two fields: deepdiff only the top-level fields that differ.
    for key in dict.fromkeys([*after, *before]):
        if key in before and key in after and before[key] == after[key]:
            continue
        if key not in before or key not in after:
            changes.append(_change((key,), before.get(key, notpresent), after.get(key, notpresent), full_text))
            continue
        diff = DeepDiff(before[key], after[key], threshold_to_diff_deeper=0, view="tree")
        for report in diff.values():
            for level in report:
                changes.append(_change((key, *level.path(output_format="list")), level.t1, level.t2, full_text))
    changes.sort(key=lambda c: _order_key(c.path, after or before))
    return changes


def file_changes(before: Revision, after: Revision, full_text: bool = False) -> list[FieldChange]:
    """`field_changes` of the entries, then those of each legacy header (`(header 1).term`) and of the
    Markdown body (`(body)`): everything a content revision covers, so no change goes unseen."""
    changes = field_changes(before.entry, after.entry, full_text)
    if before.term is None or after.term is None:
        return changes  # a creation or a deletion: the entry's fields say it
    old_headers, new_headers = _headers(before), _headers(after)
    for index in range(max(len(old_headers), len(new_headers))):
        old = old_headers[index] if index < len(old_headers) else None
        new = new_headers[index] if index < len(new_headers) else None
        if old == new:
            continue
        if isinstance(old, dict | None) and isinstance(new, dict | None):
            for change in field_changes(old, new, full_text):
                changes.append(change.model_copy(update={"path": f"(header {index + 1}).{change.path}"}))
        else:
            changes.append(_change((f"(header {index + 1})",), old, new, full_text))
    old_body, new_body = _body(before), _body(after)
    if old_body != new_body:
        changes.append(_change(("(body)",), notpresent if old_body is None else old_body,
                               notpresent if new_body is None else new_body, full_text))
    return changes


def _headers(revision: Revision) -> list[Any]:
    """A revision's legacy headers (none known for a slim revision: history and diff read whole ones)."""
    term = revision.term
    if not isinstance(term, TermFile) or term.split is None:
        return []
    return [parsed.plain if parsed is not None else term.split.content(block)
            for parsed, block in zip(term.headers, term.split.blocks[:-1], strict=False)]


def _body(revision: Revision) -> str | None:
    term = revision.term
    return term.split.body if isinstance(term, TermFile) and term.split is not None else None


def _change(parts: tuple[Any, ...], old: Any, new: Any, full_text: bool) -> FieldChange:
    shown_old, summarised_old = shown(old, full_text)
    shown_new, summarised_new = shown(new, full_text)
    kind = "added" if old is notpresent else "removed" if new is notpresent else "changed"
    return FieldChange(path=format_path(parts), old=shown_old, new=shown_new, kind=kind,
                       summarised=summarised_old or summarised_new)


def _order_key(path: str, entry: dict[str, Any]) -> tuple[int, str]:
    """Changes in the order the entry's fields stand in the file, then by path."""
    top = path.split(".", 1)[0]
    keys = list(entry)
    return (keys.index(top) if top in keys else len(keys), path)
