"""Search: which terms hold a text, ranked, with the field that matched and a snippet (`Glossary.search`).

A query matches a term by its id and name (exact, prefix, contained), its aliases, and, word by word,
its definition, triad, review-log notes, body and other prose (`core.search_text`). The ranks, best
first, ties by id:

0. `EXACT`: the id or the name is the query (case folded; `coherence flux` is `COHERENCE_FLUX`);
1. `NAME_PREFIX`: the name starts with it;
2. `CONTAINS`: the id or the name contains it;
3. `ALIAS`: an alias contains it, or holds a word starting with each of its words;
4. `DEFINITION`: the definition or the triad holds a word starting with each of its words;
5. `TEXT`: so do the notes, the body or the other prose;
6. `ABBREVIATION`, when nothing else matched: the query's letters stand in the id in that order, each right
   after the one before or at the start of a word (`wp` finds `WEFT_PRESSURE`), for people used to the list's
   old fuzzy search.

Words of one or two letters start a word in nearly every term: prose is searched once a word of the query
has three letters (`PROSE_WORD_MIN`); before that, ids, names and aliases alone.

The status filter (`core.summary.FILTERS`) applies after ranking; what it hides is
counted by status (`SearchResults.hidden`), so a face can say "3 more matches hidden by the filter".

Everything is answered from the indexes: the summaries (`repo.index`: id, name, aliases, status) and the
text index (`repo.search_index`). `fresh=True` (the command line) first checks every file against the
summary index, as `list` does; `fresh=False` (the UI, per keystroke) trusts what the summary index last
stored — the UI refreshes it on start and after every action — so a keystroke costs no file access.

Must never: parse YAML or read a term file to answer a query; run Git; import a UI.
"""

from __future__ import annotations

import bisect
import itertools
import re
import sqlite3
import threading
import weakref
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from authoring.core.summary import TermSummary, keeps
from authoring.errors import Conflict
from authoring.repo.search_index import SearchIndex, words

if TYPE_CHECKING:
    from authoring.repo.service import Glossary

EXACT, NAME_PREFIX, CONTAINS, ALIAS, DEFINITION, TEXT, ABBREVIATION = range(7)
RANKS = ("exact", "name prefix", "contains", "alias", "definition", "text", "abbreviation")
"""The name of each rank, for output."""
# The text fields searched at each rank, in the order a match is attributed to them.
_TEXT_RANKS = ((ALIAS, ("aliases",)), (DEFINITION, ("definition", "triad")), (TEXT, ("notes", "body", "other")))
SNIPPET_WIDTH = 72
ABBREVIATION_MAX = 8
CONTAINS_MIN = 2
"""A query of one character matches ids and names that are it or start with it, not every one holding it."""
PROSE_WORD_MIN = 3
"""Prose (definitions, bodies, …) is searched once a word of the query has this many letters: shorter ones
start a word in nearly every term (a list of everything, at the cost of a full scan per keystroke)."""
"""Longer queries are not tried as abbreviations (nobody abbreviates so; the pattern's cost grows with it)."""


@dataclass(frozen=True)
class SearchHit:
    """One term that matched: where (`field`: id, name, aliases, definition, triad, notes, body, other), how
    well (`rank`, see the module's docstring) and a short excerpt around the match (`snippet`, exact text
    of the file: a face makes it inert before showing it). Past the hits asked to carry a snippet, `snippet`
    is "" and a prose match names its rank's fields (`definition/triad`, `notes/body/other`)."""

    term_id: str
    term: str | None
    status: str | None
    field: str
    rank: int
    snippet: str

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `search --json`."""
        return {"id": self.term_id, "term": self.term, "status": self.status, "field": self.field,
                "rank": self.rank, "match": RANKS[self.rank], "snippet": self.snippet}


class SearchResults(list[SearchHit]):
    """The hits shown, best first; `hidden` counts by status the matches the status filter left out, and
    `more` the ones past the limit."""

    def __init__(self, hits: list[SearchHit] | None = None, hidden: Counter[str] | None = None,
                 more: int = 0) -> None:
        super().__init__(hits or [])
        self.hidden: Counter[str] = hidden or Counter()
        self.more = more

    @property
    def hidden_count(self) -> int:
        """How many matches the status filter hid."""
        return sum(self.hidden.values())


class _Table:
    """The summaries in id order, their ids, names and aliases case-folded once, each kind as one text with a
    line per term: a query scans it with one regular expression in C (a few milliseconds for 17,000 terms)
    and maps each matching line back to its term by where the line starts."""

    def __init__(self, summaries: dict[str, TermSummary]) -> None:
        self.summaries = summaries
        self.ids = sorted(summaries)
        self.order = {term_id: number for number, term_id in enumerate(self.ids)}
        folded = [term_id.casefold() for term_id in self.ids]
        names = [" ".join((summaries[term_id].term or "").split()).casefold() for term_id in self.ids]
        aliases = ["\t".join(" ".join(a.split()) for a in summaries[term_id].aliases).casefold()
                   for term_id in self.ids]
        self.exact: dict[str, list[int]] = {}
        for number, (key, name) in enumerate(zip(folded, names, strict=True)):
            self.exact.setdefault(key, []).append(number)
            if name != key:
                self.exact.setdefault(name, []).append(number)
        self.lines = {kind: _Lines(texts) for kind, texts in (("id", folded), ("name", names), ("aliases", aliases))}
        self.statuses = [summaries[term_id].status or "no status" for term_id in self.ids]
        self._keeps: dict[str, list[bool]] = {}
        self.by_rowid: list[int] = []
        """The number (in `ids`) of each text-index row id; -1 for a row of no term here."""
        self.generation = -1

    def keeps(self, status: str) -> list[bool]:
        """Whether the filter `status` shows each term (by number), worked out once per filter."""
        found = self._keeps.get(status)
        if found is None:
            found = self._keeps[status] = [keeps(self.summaries[term_id], status) for term_id in self.ids]
        return found

    def map_rows(self, rowids: dict[str, int], generation: int) -> None:
        """Learn which text-index row is which term (`SearchIndex.rowids`)."""
        by_rowid = [-1] * (max(rowids.values(), default=0) + 1)
        for term_id, rowid in rowids.items():
            number = self.order.get(term_id)
            if number is not None:
                by_rowid[rowid] = number
        self.by_rowid, self.generation = by_rowid, generation


class _Lines:
    """Texts, one per term, as one string with a line each (no text holds a line break: whitespace is one space)."""

    def __init__(self, texts: list[str]) -> None:
        self.text = "\n" + "\n".join(texts)  # every line, the first too, follows a line break
        self.starts = list(itertools.accumulate((len(t) + 1 for t in texts[:-1]), initial=1)) if texts else []

    def containing(self, literal: str) -> list[int]:
        """The numbers of the lines holding `literal` (a fast substring search, one step per matching line)."""
        text, starts, found = self.text, self.starts, []
        position = text.find(literal, 1)
        while position >= 0:
            number = bisect.bisect_right(starts, position) - 1
            found.append(number)
            following = starts[number + 1] if number + 1 < len(starts) else len(text)
            position = text.find(literal, following)
        return found

    def starting(self, literal: str) -> list[int]:
        """The numbers of the lines that start with `literal` (found after the line break before them)."""
        text, starts, found, marked = self.text, self.starts, [], "\n" + literal
        position = text.find(marked)
        while position >= 0:
            found.append(bisect.bisect_right(starts, position + 1) - 1)
            position = text.find(marked, position + 1)
        return found

    def numbers(self, pattern: str) -> list[int]:
        """The numbers of the lines `pattern` (anchored at a line's start, multi-line mode) matches."""
        starts = self.starts
        return [bisect.bisect_right(starts, found.start()) - 1 for found in re.finditer(pattern, self.text, re.M)]


class Searcher:
    """One glossary's search: its summaries (case-folded once) and its text index, kept in step with the
    summary index. Thread-safe (the UI searches from a worker)."""

    def __init__(self, glossary: Glossary) -> None:
        self.glossary = glossary
        self.text_index = SearchIndex(glossary.index.store_dir, glossary.terms_dir)
        self._lock = threading.Lock()
        self._hashes: dict[str, str] = {}
        self._table = _Table({})

    def refresh(self, fresh: bool) -> None:
        """Bring the summaries and the text index in step with the summary index (see the module's docstring)."""
        glossary = self.glossary
        if fresh:
            glossary.summaries()  # every file checked against the index; changed ones summarised again
        hashes = glossary.index.stored_hashes()
        if not hashes and glossary.term_ids():
            self._unstored()
            return
        if hashes is self._hashes or hashes == self._hashes:
            self._hashes = hashes
            return
        changed = [term_id for term_id, digest in hashes.items() if self._hashes.get(term_id) != digest]
        summaries = {term_id: summary for term_id, summary in self._table.summaries.items() if term_id in hashes}
        summaries.update(glossary.index.cached(changed))
        self.text_index.sync({term_id: hashes[term_id] for term_id in summaries})
        self._table = _Table(summaries)
        self._hashes = hashes

    def _unstored(self) -> None:
        """No stored summary index (it could not be written): summarise and hash the files here, every time."""
        from authoring.repo.index import content_hash

        summaries = {summary.id: summary for summary in self.glossary.summaries()}
        hashes: dict[str, str] = {}
        for term_id in summaries:
            try:
                hashes[term_id] = content_hash(self.glossary.term_path(term_id).read_bytes())
            except OSError:
                hashes[term_id] = ""
        self.text_index.sync(hashes)
        self._table = _Table(summaries)
        self._hashes = {}

    def prepare(self) -> None:
        """`refresh(fresh=False)` under the lock (see `Glossary.prepare_search`)."""
        with self._lock:
            self.refresh(False)

    def search(self, text: str, *, status: str = "all", limit: int | None = None, fresh: bool = True,
               snippets: int = 50) -> SearchResults:
        """See `Glossary.search`."""
        query = " ".join(text.split()).casefold()
        if not query:
            return SearchResults()
        with self._lock:
            try:
                table, best = self._answer(query, fresh)
            except sqlite3.OperationalError as exc:  # locked past BUSY_SECONDS, or the disk failed
                raise Conflict(f"the search index is busy or unreadable ({exc}): try again") from None
        span = len(table.ids) + 1
        numbers = [key % span for key in sorted([rank * span + number for number, (rank, _) in best.items()])]
        hidden: Counter[str] = Counter()
        if status != "all":
            shows = table.keeps(status)
            statuses = table.statuses
            hidden = Counter([statuses[n] for n in numbers if not shows[n]])
            numbers = [n for n in numbers if shows[n]]
        more = max(0, len(numbers) - limit) if limit is not None else 0
        query_words = words(query)
        hits = []
        for place, number in enumerate(numbers[:limit] if limit is not None else numbers):
            summary = table.summaries[table.ids[number]]
            rank, field = best[number]
            snippet = ""
            if place < snippets:
                field, snippet = self._snippet(summary, field, query, query_words)
            hits.append(SearchHit(summary.id, summary.term, summary.status, field, rank, snippet))
        return SearchResults(hits, hidden, more)

    def _answer(self, query: str, fresh: bool) -> tuple[_Table, dict[int, tuple[int, str]]]:
        try:
            self.refresh(fresh)
            return self._table, self._ranked(query, self._table)
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError):
                raise
            # the store was damaged while open: start it afresh, once
            self.text_index.close()
            self._hashes, self._table = {}, _Table({})
            self.refresh(fresh)
            return self._table, self._ranked(query, self._table)

    def _ranked(self, query: str, table: _Table) -> dict[int, tuple[int, str]]:
        """Every matching term's best rank and the field it matched in, by its number in `table.ids`."""
        as_id = query.replace(" ", "_")
        best: dict[int, tuple[int, str]] = {}  # by number in `table.ids`

        def take(numbers: list[int], rank: int, field: str) -> None:
            for number in numbers:
                best.setdefault(number, (rank, field))

        take(table.exact.get(query, []) + table.exact.get(as_id, []), EXACT, "id")
        for number in best:  # an exact name rather than an exact id
            if table.ids[number].casefold() not in (query, as_id):
                best[number] = (EXACT, "name")
        take(table.lines["name"].starting(query), NAME_PREFIX, "name")
        if len(query) >= CONTAINS_MIN:
            take(table.lines["id"].containing(as_id), CONTAINS, "id")
            if query != as_id:
                take(table.lines["id"].containing(query), CONTAINS, "id")
            take(table.lines["name"].containing(query), CONTAINS, "name")
            take(table.lines["aliases"].containing(query), ALIAS, "aliases")
        best = self._in_text(query, table, best)
        letters = "".join(query.split())
        if not best and 1 < len(letters) <= ABBREVIATION_MAX and table.ids:
            # each letter follows the one before it, or starts a later word of the id
            pattern = "^(?:.*?_)?" + "(?:.*?_)?".join(re.escape(c) for c in letters)
            take(table.lines["id"].numbers(pattern), ABBREVIATION, "id")
        return best

    def _in_text(self, query: str, table: _Table, best: dict[int, tuple[int, str]]) -> dict[int, tuple[int, str]]:
        """`best` with the terms whose text fields match (`_TEXT_RANKS`) added at their rank."""
        query_words = words(query)
        if not any(len(word) >= PROSE_WORD_MIN for word in query_words):
            return best
        index = self.text_index
        for rank, names in _TEXT_RANKS:
            # one query per rank: which of its fields matched is settled for the hits shown with a snippet
            rows = index.matching(query_words, names)
            if table.generation != index.generation:  # another process rewrote rows meanwhile
                table.map_rows(index.rowids(), index.generation)
            by_rowid = table.by_rowid
            label = "/".join(names)
            try:
                found = dict.fromkeys([by_rowid[rowid] for rowid in rows], (rank, label))
            except IndexError:  # a row added after the mapping was read (cannot happen under one generation)
                found = dict.fromkeys([by_rowid[r] for r in rows if r < len(by_rowid)], (rank, label))
            found.pop(-1, None)
            found.update(best)  # a better rank found earlier stays
            best = found
        return best

    def _snippet(self, summary: TermSummary, field: str, query: str, query_words: list[str]) -> tuple[str, str]:
        """The field that matched (one of a rank's fields, settled here) and the words around the match."""
        if field == "id":
            return field, summary.id
        if field == "name":
            return field, summary.term or ""
        if field == "aliases":
            for alias in summary.aliases:
                if query in " ".join(alias.split()).casefold():
                    return field, alias
        names = field.split("/")
        texts = [(name, self.text_index.text(summary.id, name)) for name in names]
        for name, text in texts:
            if all(re.search(rf"(?<![^\W_]){re.escape(word)}", text, re.IGNORECASE) for word in query_words):
                return name, excerpt(text, query_words)
        # the index folds accents, the check above does not: the first field with text, from its start
        name, text = next(((n, t) for n, t in texts if t), texts[0])
        return name, excerpt(text, query_words)


def excerpt(text: str, query_words: list[str], width: int = SNIPPET_WIDTH) -> str:
    """About `width` characters of `text` on one line around the first word starting with one of
    `query_words` (the start of the text when none is found as written, e.g. an accent folded)."""
    position = 0
    for word in query_words:
        found = re.search(rf"(?<![^\W_]){re.escape(word)}", text, re.IGNORECASE)
        if found is not None:
            position = found.start()
            break
    start = max(0, position - width // 3)
    piece = text[start:start + width + 40]
    flat = " ".join(piece.split())
    # whole words at the cut ends, each marked by an ellipsis
    if start > 0:
        flat = "…" + flat.split(" ", 1)[-1] if " " in flat else "…" + flat
    if start + width + 40 < len(text) or len(flat) > width:
        cut = flat[:width].rsplit(" ", 1)[0] if len(flat) > width else flat
        flat = cut + "…"
    return flat


_searchers: weakref.WeakKeyDictionary[Glossary, Searcher] = weakref.WeakKeyDictionary()
_searchers_lock = threading.Lock()


def searcher_of(glossary: Glossary) -> Searcher:
    """The glossary's searcher, made on first use and kept as long as the glossary is."""
    with _searchers_lock:
        found = _searchers.get(glossary)
        if found is None:
            found = _searchers[glossary] = Searcher(glossary)
        return found
