"""Candidate terms of a module: what it coins and what existing terms it uses, ranked best first.

Evidence comes from the module's engrams (`metric:coherence_flux` → COHERENCE_FLUX), its title and
section headings, bold phrases, the first cells of table rows, quoted coinages, capitalised phrases
that recur, mentions of existing terms' names and aliases (found with one scan through the
`Lexicon`), and statistical termhood (`termhood`: C-value of noun-phrase-shaped word sequences,
against a background of other modules when one is given), which is what finds terms in plain prose.
Each candidate is an existing term (with its id) or a new one (with the id it would get). The score
adds one weight per kind of evidence and grows with the number of mentions and with termhood.
A function word or a generic word ("once", "Background", "System") is never a candidate.

Must never: read files other than through `Module`, touch Git or a UI.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from authoring.core.ids import id_from_name
from authoring.drafting.lexicon import KnownTerm, Lexicon, words
from authoring.drafting.modules import Module
from authoring.drafting.termhood import Background, is_weak_name, rank

# How much one kind of evidence says that the module coins or defines the term.
WEIGHTS = {
    "engram": 5.0,
    "title": 5.0,
    "bold": 4.0,
    "heading": 3.0,
    "table": 2.5,
    "quoted": 2.0,
    "definition": 2.0,
    "capitalised": 1.5,
    "termhood": 0.5,
    "name": 1.0,
    "alias": 0.8,
    "id": 0.8,
}
# Bold labels that head a paragraph rather than name a term.
_LABELS = {
    "note", "notes", "example", "examples", "purpose", "status", "goal", "goals", "summary", "result", "results",
    "warning", "caveat", "prediction", "predictions", "method", "methods", "definition", "claim", "claims",
    "answer", "question", "conclusion", "abstract", "rationale", "input", "inputs", "output", "outputs", "step",
    "steps", "why", "how", "what", "test", "tests", "setup", "context", "observation", "falsifier", "implication",
    "implications", "hypothesis", "key", "outcome", "aim", "procedure", "protocol", "analysis", "data", "metric",
    "metrics", "interpretation", "mechanism", "principle", "assumption", "assumptions", "objective", "scope",
    "limitations", "limitation", "example application", "core idea", "in short", "tl;dr", "yes", "no",
    "background", "overview", "introduction", "motivation", "discussion", "appendix", "references", "contents",
}
# How many termhood phrases become candidates, and how much the best of them adds to a score.
TERMHOOD_LIMIT = 40
TERMHOOD_BONUS = 3.0
TERMHOOD_ONLY_SHARE = 0.5
_BOLD = re.compile(r"\*\*(?!\s)([^*\n]{2,90}?)(?<!\s)\*\*|(?<!\w)__(?!\s)([^_\n]{2,90}?)(?<!\s)__(?!\w)")
_QUOTED = re.compile(r"“([^”\n]{3,60})”|\"([^\"\n]{3,60})\"|‘([^’\n]{3,60})’")
_CAPITALISED = re.compile(
    r"(?<![\w’'-])((?:[A-ZΓΣΛΩΦΨΔΘΠ][\w’'\-]*|[A-Z]{2,})"
    r"(?:[ \t]+(?:(?:of|the|and|in|for|to|de)[ \t]+)?(?:[A-ZΓΣΛΩΦΨΔΘΠ][\w’'\-]*|[A-Z]{2,})){1,4})"
)
_DEFINITION = re.compile(r"^[\s>*-]*\**([A-Z][^:*\n]{2,60}?)\**\s*(?:\([^)\n]{1,40}\))?\s*:\s+\S")
_PAREN = re.compile(r"\s*\(([^()\n]{1,60})\)")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|^\s*[-*>#|]+\s*)$")
_STOP_STARTS = {"the", "a", "an", "this", "that", "these", "those", "in", "on", "at", "for", "if", "when", "we",
                "it", "its", "our", "as", "by", "to", "from", "with", "and", "but", "or", "of", "is", "are"}


@dataclass
class Evidence:
    """Why a phrase is a candidate: one kind of sighting, where it first stands, and how often."""

    kind: str
    """`engram`, `title`, `heading`, `bold`, `table`, `quoted`, `definition`, `capitalised`, `name`, `alias`, `id`."""
    text: str
    """The phrase as it stands in the module."""
    line: int
    """Its first line in the module (1-based)."""
    count: int = 1
    """How many times this kind of evidence was seen."""

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `--json`."""
        return {"kind": self.kind, "text": self.text, "line": self.line, "count": self.count}


@dataclass
class Candidate:
    """A term the module coins or uses."""

    canonical_id: str
    """The existing term's id, or the id a new term would get."""
    term: str
    """The name as the module writes it (an existing term's own name when it exists)."""
    existing: bool
    """True when a term with this id (or with this name or alias) exists."""
    score: float = 0.0
    """The rank score: higher is a stronger candidate."""
    evidence: list[Evidence] = field(default_factory=list)
    """Every kind of evidence found, strongest first."""
    mentions: int = 0
    """How many times the module names it."""
    status: str | None = None
    """The existing term's status (`rejected` terms are shown so they are not drafted again)."""
    symbol: str | None = None
    """A symbol the module gives it (from a table row or a parenthesis), if any."""
    aliases: list[str] = field(default_factory=list)
    """Other names the module gives it in parentheses."""
    cites_module: bool = False
    """True when the existing term's provenance already cites this module."""
    table_row: dict[str, str] = field(default_factory=dict)
    """The first table row that names it, keyed by the table's header cells."""
    may_duplicate: list[str] = field(default_factory=list)
    """For a new candidate: existing terms it may duplicate (a shared normalised label, an id variant)."""

    @property
    def first_line(self) -> int:
        """The first line where any evidence stands."""
        return min((e.line for e in self.evidence), default=0)

    def add(self, kind: str, text: str, line: int) -> None:
        """Record one sighting (the first sighting of a kind keeps its text and line)."""
        for item in self.evidence:
            if item.kind == kind:
                item.count += 1
                return
        self.evidence.append(Evidence(kind, text, line))

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `--json`."""
        return {
            "canonical_id": self.canonical_id,
            "term": self.term,
            "existing": self.existing,
            "status": self.status,
            "score": round(self.score, 3),
            "mentions": self.mentions,
            "first_line": self.first_line,
            "symbol": self.symbol,
            "aliases": self.aliases,
            "cites_module": self.cites_module,
            "may_duplicate": self.may_duplicate,
            "evidence": [e.to_json() for e in self.evidence],
        }


class _Collector:
    """Merges sightings into candidates keyed by canonical id."""

    def __init__(self, module: Module, lexicon: Lexicon) -> None:
        self.module = module
        self.lexicon = lexicon
        self.by_id: dict[str, Candidate] = {}
        self.module_refs = {module.id.casefold(), module.ref.casefold(), module.stem.casefold()}

    def candidate(self, phrase: str) -> Candidate | None:
        name = _clean(phrase)
        if not name:
            return None
        known = self.lexicon.lookup(name)
        if known:
            term = known[0][0]
            return self._existing(term.id)
        term_id = id_from_name(name)
        if not term_id or term_id.isdigit():
            return None
        if term_id in self.lexicon.terms:
            return self._existing(term_id)
        found = self.by_id.get(term_id)
        if found is None:
            found = Candidate(term_id, name, False)
            self.by_id[term_id] = found
        return found

    def _existing(self, term_id: str) -> Candidate:
        found = self.by_id.get(term_id)
        if found is None:
            term = self.lexicon.terms[term_id]
            cites = any(ref.casefold() in self.module_refs for ref in term.modules)
            found = Candidate(term_id, term.term or term_id, True, status=term.status, cites_module=cites)
            self.by_id[term_id] = found
        return found

    def see(self, phrase: str, kind: str, line: int) -> Candidate | None:
        found = self.candidate(phrase)
        if found is not None:
            found.add(kind, phrase.strip(), line)
        return found


def _clean(phrase: str) -> str:
    """A phrase as a term name: markup, surrounding punctuation and a leading article removed."""
    text = phrase.replace("`", "").replace("*", "").strip()
    text = re.sub(r"\s+", " ", text)
    text = text.strip(" .,;:!?()[]{}\"'“”‘’—–-")
    text = re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.IGNORECASE)
    if not text or len(text) > 80:
        return ""
    tokens = words(text)
    if not tokens or len(tokens) > 7 or not any(ch.isalpha() for ch in text):
        return ""
    if text.casefold() in _LABELS or tokens[0].isdigit() or is_weak_name(text):
        return ""
    return text


def find_candidates(module: Module, lexicon: Lexicon, limit: int | None = None,
                    background: Background | None = None, *, in_background: bool = False,
                    background_texts: list[str] | None = None) -> list[Candidate]:
    """The candidate terms of `module`, best first (at most `limit`).

    `background`: phrase document frequencies of other modules (`termhood.Background`), which lets
    termhood tell the module's own vocabulary from everyone's; `in_background`: the module is one of
    the documents counted there. Or `background_texts`: the other modules' texts (`termhood.prepare`d),
    from which the frequencies of just this module's competing phrases are counted.
    """
    collect = _Collector(module, lexicon)
    text = module.text
    body_start = _offset_of_line(module, module.body_line)
    prose = _prose_mask(module)
    line_of = _LineIndex(text)

    for engram in module.engrams:
        name = engram.rsplit(":", 1)[-1].replace("_", " ").replace("-", " ").strip()
        if name:
            where = text.find(engram)
            collect.see(name.title() if name.islower() else name, "engram",
                        line_of(where) if where >= 0 else 1)

    title = module.title
    for mention in lexicon.scan(title):
        collect._existing(mention.term_id).add("title", title[mention.start : mention.end], 1)
    for section in module.sections:
        heading = section.title
        for mention in lexicon.scan(heading):
            collect._existing(mention.term_id).add("heading", heading[mention.start : mention.end],
                                                   section.heading_line)

    body = text[body_start:]
    for match in _BOLD.finditer(body):
        phrase = match.group(1) or match.group(2) or ""
        start = body_start + match.start()
        if not prose(line_of(start)) or phrase.rstrip().endswith(":"):
            continue
        found = collect.see(phrase, "bold", line_of(start))
        if found is not None:
            _note_parenthesis(found, text, body_start + match.end())

    _tables(module, collect)

    for match in _QUOTED.finditer(body):
        phrase = match.group(1) or match.group(2) or match.group(3) or ""
        start = body_start + match.start()
        if prose(line_of(start)) and 1 <= len(words(phrase)) <= 4 and not phrase.strip().endswith((".", ",", "?", "!")):
            collect.see(phrase, "quoted", line_of(start))

    for number in range(module.body_line, len(module.lines) + 1):
        if not prose(number):
            continue
        defined = _DEFINITION.match(module.line_text(number))
        if defined and 1 <= len(words(defined.group(1))) <= 5:
            seen = collect.see(defined.group(1), "definition", number)
            if seen is not None:
                _note_parenthesis(seen, module.line_text(number), defined.end(1) + 2)

    capitalised: dict[str, list[int]] = {}
    for match in _CAPITALISED.finditer(body):
        phrase = match.group(1)
        start = body_start + match.start()
        if not prose(line_of(start)):
            continue
        if words(phrase)[0] in _STOP_STARTS:
            phrase = phrase.split(None, 1)[1] if " " in phrase else ""
            if len(words(phrase)) < 2:
                continue
        capitalised.setdefault(phrase, []).append(line_of(start))
    for phrase, lines in capitalised.items():
        if len(lines) >= 2:
            recurring = collect.see(phrase, "capitalised", lines[0])
            if recurring is not None:
                for item in recurring.evidence:
                    if item.kind == "capitalised":
                        item.count = len(lines)

    termhood = _termhood(module, collect, prose, background, in_background, background_texts)

    counts: dict[str, int] = {}
    capitalised_counts: dict[str, int] = {}
    for mention in lexicon.scan(body):
        line = line_of(body_start + mention.start)
        if not prose(line):
            continue
        counts[mention.term_id] = counts.get(mention.term_id, 0) + 1
        if mention.capitalised:
            capitalised_counts[mention.term_id] = capitalised_counts.get(mention.term_id, 0) + 1
        collect._existing(mention.term_id).add(mention.kind, body[mention.start : mention.end], line)
    # New candidates are counted the same way: one scan with a lexicon of their own names.
    coined = Lexicon.build(KnownTerm(c.canonical_id, c.term) for c in collect.by_id.values() if not c.existing)
    for mention in coined.scan(body):
        counts[mention.term_id] = counts.get(mention.term_id, 0) + 1
    for candidate in collect.by_id.values():
        candidate.mentions = counts.get(candidate.canonical_id, 0)
        candidate.score = _score(candidate, capitalised_counts.get(candidate.canonical_id, 0))
        candidate.score += TERMHOOD_BONUS * termhood.get(candidate.canonical_id, 0.0)
        if not candidate.existing and {e.kind for e in candidate.evidence} == {"termhood"}:
            candidate.score *= TERMHOOD_ONLY_SHARE  # statistics alone: below what markup or a name confirms
        candidate.evidence.sort(key=lambda e: (-WEIGHTS.get(e.kind, 0.0), e.line))
    ranked = sorted(collect.by_id.values(), key=lambda c: (-c.score, c.first_line, c.canonical_id))
    ranked = [c for c in ranked if c.canonical_id.casefold() not in collect.module_refs]
    return ranked[:limit] if limit is not None else ranked


def _termhood(module: Module, collect: _Collector, prose: Any, background: Background | None,
              in_background: bool, texts: list[str] | None) -> dict[str, float]:
    """Add the module's best termhood phrases as candidates; their termhood, scaled to (0, 1], by id."""
    if TERMHOOD_LIMIT <= 0:
        return {}
    lines = [(n, module.line_text(n)) for n in range(module.body_line, len(module.lines) + 1) if prose(n)]
    ranked = rank(lines, background, counted_in=in_background, limit=TERMHOOD_LIMIT, texts=texts)
    if not ranked:
        return {}
    best = ranked[0].score
    # A fragment of a name the markup already gives ("Loom" of "Tidal Loom") is not a term of its own.
    marked = [words(c.term) for c in collect.by_id.values()]
    found: dict[str, float] = {}
    for phrase in ranked:
        size = len(phrase.key)
        if any(len(name) > size and any(name[i : i + size] == phrase.key for i in range(len(name) - size + 1))
               for name in marked):
            continue
        candidate = collect.see(phrase.text, "termhood", phrase.line)
        if candidate is not None:
            share = phrase.score / best
            found[candidate.canonical_id] = max(found.get(candidate.canonical_id, 0.0), share)
    return found


def _score(candidate: Candidate, capitalised_mentions: int) -> float:
    kinds = {e.kind for e in candidate.evidence}
    score = sum(WEIGHTS.get(kind, 0.0) for kind in kinds if kind not in ("name", "alias", "id"))
    if kinds & {"name", "alias", "id"}:
        score += max(WEIGHTS[k] for k in kinds & {"name", "alias", "id"})
        if kinds <= {"alias", "id"}:
            score -= 0.5  # matched only through another name: weaker than its own name
    mentions = max(candidate.mentions, 1)
    score += 1.2 * math.log2(1 + mentions)
    if candidate.existing and mentions:
        share = capitalised_mentions / mentions
        score += 1.5 * share
        size = len(words(candidate.term))
        if size == 1 and share < 0.5:
            score -= 1.0  # a common word written in lower case is rarely the module's term
        # a name of several words is specific: one mention of it says more than one of a single word
        score += 1.0 * (min(size, 3) - 1)
    if "capitalised" in kinds:
        count = next(e.count for e in candidate.evidence if e.kind == "capitalised")
        score += 0.5 * math.log2(count)
    return score


def _note_parenthesis(candidate: Candidate, text: str, offset: int) -> None:
    """`Term (Γ)` gives a symbol; `Term (Other Name)` gives an alias."""
    match = _PAREN.match(text, offset)
    if not match:
        return
    inner = match.group(1).strip().strip("`*")
    if not inner or inner.startswith(("e.g", "i.e", "see", "CORE-", "DOMA-")) or re.search(r"[A-Z]+-\d", inner):
        return
    if _looks_like_symbol(inner):
        if candidate.symbol is None:
            candidate.symbol = inner
    elif 1 <= len(words(inner)) <= 5 and inner[0].isupper() and inner not in candidate.aliases:
        candidate.aliases.append(inner)


def _looks_like_symbol(text: str) -> bool:
    compact = text.replace(" ", "")
    if len(compact) > 12:
        return False
    return any(not ch.isascii() for ch in compact) or "_" in compact or "^" in compact or len(compact) <= 3


def _tables(module: Module, collect: _Collector) -> None:
    """First cells of table rows (after the header); a `Symbol` column gives the candidate's symbol."""
    header: list[str] | None = None
    symbol_column: int | None = None
    previous: list[str] | None = None
    for number in range(module.body_line, len(module.lines) + 1):
        line = module.line_text(number).strip()
        if not line.startswith("|"):
            header, symbol_column, previous = None, None, None
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
            header = previous
            symbol_column = None
            if header:
                for i, cell in enumerate(header):
                    if "symbol" in cell.casefold():
                        symbol_column = i
            continue
        previous = cells
        if header is None or not cells:
            continue
        first = cells[0]
        found = collect.see(first, "table", number)
        if found is None or found.table_row:
            continue
        found.table_row = {header[i].strip("*` "): cells[i] for i in range(min(len(header), len(cells)))}
        if symbol_column is not None and symbol_column < len(cells) and found.symbol is None:
            symbol = cells[symbol_column].strip().strip("`$* ")
            if symbol:
                found.symbol = symbol


def _offset_of_line(module: Module, line: int) -> int:
    return sum(len(x) for x in module.lines[: line - 1])


class _LineIndex:
    """Offset → 1-based line number, by bisection over line starts."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        self.starts.extend(m.end() for m in re.finditer("\n", text))

    def __call__(self, offset: int) -> int:
        lo, hi = 0, len(self.starts)
        while lo + 1 < hi:
            mid = (lo + hi) // 2
            if self.starts[mid] <= offset:
                lo = mid
            else:
                hi = mid
        return lo + 1


def _prose_mask(module: Module) -> Any:
    """A function telling whether a line is prose (outside code fences and the front matter)."""
    inside: set[int] = set()
    fenced = False
    for number in range(module.body_line, len(module.lines) + 1):
        stripped = module.line_text(number).lstrip()
        if stripped.startswith(("```", "~~~")):
            fenced = not fenced
            inside.add(number)
        elif fenced:
            inside.add(number)
    body_line = module.body_line
    return lambda number: number >= body_line and number not in inside
