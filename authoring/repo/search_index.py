"""The full-text side of the term index: every term's searchable text, kept in SQLite FTS5, keyed by content.

Beside the index of summaries (`repo.index`, `<git dir>/authoring/term-index-v1.json`) lies
`search-v<N>.sqlite`: one row per term file with its text filed by field (`core.search_text`: aliases,
definition, triad, notes, body, other), indexed by SQLite's FTS5 for word-prefix queries (case and
accents folded; one-to-three-letter prefixes have their own index so that the first keystrokes of a
search cost no more than the later ones). Each row carries the BLAKE2b hash (`index.content_hash`) of
the bytes its text was read from. `sync(hashes)` is given the hashes the summary index holds for the
current files and re-reads only the files whose hash differs from their row's (or that have no row);
rows of files that are gone are deleted. So a query reads no term file, and a changed file is re-read
once, after the summary index has seen it change.

Like the summary index it is a cache: never committed, rebuilt from scratch when it is damaged, of
another format, or written by other code (its `meta` table holds `code_fingerprint` of the text
extraction, this module and SQLite's version); concurrent processes are serialised by SQLite's own
locking (one write transaction per sync). A cache that cannot be written costs time, never a wrong
answer: the query then runs on a private in-memory copy.

Must never: run Git, import a UI, parse YAML, or answer from a row whose hash is not the file's.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from authoring.core.search_text import TEXT_FIELDS, fields

FORMAT = 1
BATCH = 500
BUSY_SECONDS = 30.0
"""How long a write waits for another process's batch before the search is refused as busy."""
_fingerprint: str | None = None
# `unicode61` folds case and (with 2) accents; `detail=column` keeps which field a word is in but not
# its positions (the queries are word prefixes joined by AND, never phrases): a third of the size.
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (id TEXT PRIMARY KEY, hash TEXT NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5({", ".join(TEXT_FIELDS)}, term_id UNINDEXED,
    detail=column, prefix='1 2 3', tokenize='unicode61 remove_diacritics 2');
"""
# A word as FTS5's unicode61 tokenizer sees one: letters and digits (the underscore separates).
WORD = re.compile(r"[^\W_]+")


def fingerprint() -> str:
    """A digest of the code that writes the rows (a store written by other code is rebuilt)."""
    global _fingerprint
    if _fingerprint is None:
        from authoring.repo.code_fingerprint import code_fingerprint

        base = code_fingerprint(FORMAT, ("core/search_text.py", "core/frontmatter.py", "repo/search_index.py"), ())
        _fingerprint = f"{base}; sqlite {sqlite3.sqlite_version}"
    return _fingerprint


def words(text: str) -> list[str]:
    """The words of a query as the index cuts text into words, in order, without repeats."""
    return list(dict.fromkeys(WORD.findall(text.casefold())))


class SearchIndex:
    """The searchable text of the term files in one directory (see the module's docstring).

    Thread-safe: one connection, used under a lock (the UI searches from worker threads).
    """

    def __init__(self, store_dir: Path, terms_dir: Path) -> None:
        self.store_dir = store_dir
        self.terms_dir = terms_dir
        self.path = store_dir / f"search-v{FORMAT}.sqlite"
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._hashes: dict[str, str] = {}  # what the rows were read from, as this connection last saw them
        self._rowids: dict[str, int] = {}
        self._ids: dict[int, str] = {}
        self._seen_version: int | None = None
        self.generation = 0
        """Counts the times the rows' ids were read again: a caller keeping `rowids()` re-reads it when this moves."""

    # -- the connection --------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self._db is not None:
            return self._db
        db: sqlite3.Connection | None = None
        with contextlib.suppress(OSError, sqlite3.Error):
            self.store_dir.mkdir(parents=True, exist_ok=True)
            db = self._open(str(self.path))
        if db is None:  # damaged or of other code: start afresh; unwritable: an in-memory copy
            with contextlib.suppress(OSError):
                for leftover in (self.path, Path(f"{self.path}-journal"), Path(f"{self.path}-wal")):
                    leftover.unlink(missing_ok=True)
            with contextlib.suppress(OSError, sqlite3.Error):
                db = self._open(str(self.path))
        if db is None:
            db = self._open(":memory:")
            if db is None:
                raise OSError("SQLite cannot open a database, not even in memory")
        self._db = db
        return db

    def _open(self, where: str) -> sqlite3.Connection | None:
        """A connection to a store of this format and code, created if empty; None when it is not one."""
        db = sqlite3.connect(where, timeout=BUSY_SECONDS, check_same_thread=False, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=DELETE")
            db.execute("PRAGMA synchronous=OFF")  # a cache: a torn write is detected and rebuilt
            db.execute("BEGIN IMMEDIATE")
            try:
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
                row = db.execute("SELECT value FROM meta WHERE key='code'").fetchone()
                if row is None:
                    if db.execute("SELECT count(*) FROM files").fetchone()[0]:
                        raise sqlite3.DatabaseError("rows without a fingerprint")
                    db.execute("INSERT INTO meta VALUES ('code', ?)", (fingerprint(),))
                elif row[0] != fingerprint():
                    raise sqlite3.DatabaseError("written by other code")
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("SELECT count(*) FROM docs").fetchone()  # a damaged FTS table shows here
        except sqlite3.Error:
            db.close()
            return None
        return db

    def close(self) -> None:
        """Let go of the store."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def _reload_if_changed(self, db: sqlite3.Connection) -> None:
        """Re-read which rows hold what when another connection has written since this one last looked."""
        version = db.execute("PRAGMA data_version").fetchone()[0]
        if version == self._seen_version:
            return
        self._hashes, self._rowids = {}, {}
        for rowid, term_id, digest in db.execute("SELECT files.rowid, id, hash FROM files"):
            self._hashes[term_id] = digest
            self._rowids[term_id] = rowid
        self._ids = {rowid: term_id for term_id, rowid in self._rowids.items()}
        self._seen_version = version
        self.generation += 1

    # -- keeping it current ----------------------------------------------------------------------

    def sync(self, hashes: Mapping[str, str], read: Callable[[str], bytes | None] | None = None) -> int:
        """Make the rows those of the files whose content hashes are `hashes` (term id → hash); return how
        many files were read. `read(term_id)` gives a file's bytes (default: from the terms folder); a
        file that cannot be read, or that is not UTF-8, gets an empty row (its hash says which bytes).

        Written in batches of `BATCH` files, each its own transaction, so that another process searching
        meanwhile waits for one batch, not for a whole build; each batch replaces its rows whole.
        """
        reader = read or self._read
        with self._lock:
            db = self._connect()
            self._reload_if_changed(db)
            stale = [term_id for term_id, digest in hashes.items() if self._hashes.get(term_id) != digest]
            gone = [term_id for term_id in self._hashes if term_id not in hashes]
            if not stale and not gone:
                return 0
            self._replace(db, gone, [])
            for start in range(0, len(stale), BATCH):
                self._replace(db, [], [_row(term_id, reader(term_id)) for term_id in stale[start:start + BATCH]])
            self._seen_version = None
            self._reload_if_changed(db)
            return len(stale)

    def _replace(self, db: sqlite3.Connection, gone: list[str], rows: list[tuple[str, str, dict[str, str]]]) -> None:
        """Delete the rows of `gone` and of the files in `rows`, then insert `rows`: one transaction."""
        if not gone and not rows:
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            for term_id in [*gone, *(row[0] for row in rows)]:
                found = db.execute("SELECT rowid FROM files WHERE id=?", (term_id,)).fetchone()
                if found is not None:
                    db.execute("DELETE FROM docs WHERE rowid=?", found)
                    db.execute("DELETE FROM files WHERE rowid=?", found)
            for term_id, digest, parts in rows:
                cursor = db.execute("INSERT INTO files (id, hash) VALUES (?, ?)", (term_id, digest))
                db.execute(f"INSERT INTO docs (rowid, {', '.join(TEXT_FIELDS)}, term_id) VALUES"
                           f" (?, {', '.join('?' for _ in TEXT_FIELDS)}, ?)",
                           (cursor.lastrowid, *(parts[name] for name in TEXT_FIELDS), term_id))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _read(self, term_id: str) -> bytes | None:
        try:
            return (self.terms_dir / f"{term_id}.md").read_bytes()
        except OSError:
            return None

    # -- asking ----------------------------------------------------------------------------------

    def matching(self, query_words: Iterable[str], fields: Sequence[str]) -> list[int]:
        """The row ids (see `rowids`) of the terms one of whose `fields` holds a word starting with each of
        `query_words` (all in the same field)."""
        wanted = [w for w in query_words if w]
        if not wanted or not fields or any(field not in TEXT_FIELDS for field in fields):
            return []
        words_wanted = " AND ".join(f'"{w}"*' for w in wanted)
        expression = " OR ".join(f"({{{field}}} : ({words_wanted}))" for field in fields)
        with self._lock:
            db = self._connect()
            self._reload_if_changed(db)
            # one text of ids, not a row each: a short prefix matches most terms (14,000 rows at 10× the
            # corpus), and handing SQLite's rows to Python one by one cost more than finding them
            (found,) = db.execute("SELECT group_concat(rowid) FROM docs WHERE docs MATCH ?", (expression,)).fetchone()
            return list(map(int, found.split(","))) if found else []

    def rowids(self) -> dict[str, int]:
        """Term id → row id, as of `generation`."""
        with self._lock:
            self._reload_if_changed(self._connect())
            return dict(self._rowids)

    def text(self, term_id: str, field: str) -> str:
        """The text of one field of one term as indexed ("" when there is none)."""
        if field not in TEXT_FIELDS:
            return ""
        with self._lock:
            db = self._connect()
            self._reload_if_changed(db)
            rowid = self._rowids.get(term_id)
            if rowid is None:
                return ""
            row = db.execute(f"SELECT {field} FROM docs WHERE rowid=?", (rowid,)).fetchone()
            return str(row[0]) if row and row[0] is not None else ""


def _row(term_id: str, data: bytes | None) -> tuple[str, str, dict[str, str]]:
    """A file's row: its id, the hash of its bytes, its text by field (empty when unreadable or not UTF-8)."""
    from authoring.repo.index import content_hash

    text = ""
    if data is not None:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = ""
    return term_id, content_hash(data) if data is not None else "", fields(text)
