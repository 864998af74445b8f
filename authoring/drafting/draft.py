"""A draft term: what a drafting agent is given, what it returns, and how the result becomes a file.

Agents are pluggable behind one interface (`DraftAgent.draft(request, progress)`). Every agent starts
from the same skeleton (`skeleton`): the fields that the module itself settles — name, id,
`parents`, `provenance.sources` with the exact snippet, `context_windows`, crosslinks to the
existing terms the snippet mentions, `status: draft`, `version: 0.1`, today's date — and every
other field present but empty, for an editor (or an LLM) to fill. `render_term` writes one
front-matter block and the usual body sections with the project's renderer; `verify_term` loads the
text with the core and refuses it unless it parses, passes `check` without errors, and reads back as
exactly the entry that was meant (compared with deepdiff).

Must never: write files, touch Git or a UI.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, Protocol

from authoring.core.crosslinks import targets
from authoring.core.render import Style, block_lines
from authoring.core.termfile import load_term
from authoring.drafting.candidates import Candidate
from authoring.drafting.grounding import Grounding
from authoring.drafting.lexicon import Lexicon, words
from authoring.drafting.modules import Module, ModuleLibrary, Snippet
from authoring.drafting.termhood import is_weak_name
from authoring.errors import EditError, Severity

Progress = Callable[[str], None]
"""Receives one short line per step, for a UI's progress display (may be called from a worker thread)."""

EMPTY_NOTE = ("# Drafted by {agent} from {module} {lines}. Empty fields (\"\", []) are left for an editor:"
              " the agent fills only what the module says.")
MAX_CONTEXT_WINDOWS = 4
MAX_EXCERPT = 400
MAX_CROSSLINKS = 6
MIN_CONTEXT_WORDS = 6
MIN_EVOCATIVE_WORDS = 4


@dataclass
class DraftRequest:
    """Everything an agent is given to draft one term."""

    module: Module
    """The module the snippet is from."""
    snippet: Snippet
    """The exact excerpt and how provenance addresses it."""
    term: str
    """The term's name, as the module writes it."""
    canonical_id: str
    """The id the new term gets (its file stem)."""
    agent: str
    """The agent's identity, `Name <email>` (named in `provenance.editors`)."""
    lexicon: Lexicon
    """The existing terms (for crosslinks and to tell agents which ids exist)."""
    library: ModuleLibrary
    """All modules (for context windows)."""
    candidate: Candidate | None = None
    """What candidate extraction found about the term in this module (symbol, aliases, table row)."""
    today: dt.date = field(default_factory=dt.date.today)
    """The draft's `last_updated`."""
    rejected_note: str | None = None
    """When the term was rejected before and is drafted again anyway: the editors' reason."""
    exclude_from_context: tuple[str, ...] = ()
    """Modules never quoted as context windows (compiled bundles): file names or glob patterns."""


@dataclass
class Draft:
    """An agent's result: the entry, the Markdown body, and who made it."""

    entry: dict[str, Any]
    """The entry, as plain data, in the order it is written."""
    body: str
    """The Markdown after the front matter."""
    agent: str
    """The agent kind: `extractive` or `llm`."""
    model: str | None = None
    """The model that wrote the prose (LLM agent only)."""
    warnings: list[str] = field(default_factory=list)
    """Things the editor should know (e.g. the snippet does not mention the term)."""
    grounding: Grounding | None = None
    """How far the sources support each sentence the agent wrote (None: the agent wrote no prose)."""


class DraftAgent(Protocol):
    """A drafting agent: turns a request into a draft, or raises an `AuthoringError` saying why not."""

    name: str

    def draft(self, request: DraftRequest, progress: Progress | None = None) -> Draft:
        """Draft one term."""
        ...


def mentions(text: str, name: str) -> bool:
    """True when `text` names `name`, word for word, ignoring case and punctuation between words."""
    wanted = words(name)
    if not wanted:
        return False
    have = words(text)
    n = len(wanted)
    return any(have[i : i + n] == wanted for i in range(len(have) - n + 1))


def skeleton(request: DraftRequest, progress: Progress | None = None) -> dict[str, Any]:
    """The entry every agent starts from: what the module settles, and every other field empty."""
    module, snippet = request.module, request.snippet
    candidate = request.candidate
    symbol = candidate.symbol if candidate is not None and candidate.symbol else ""
    aliases = list(candidate.aliases) if candidate is not None else []
    if progress:
        progress("finding the modules that mention the term")
    windows = context_windows(request)
    crosslinks = snippet_crosslinks(request)
    license_value = module.front_matter.get("license")
    return {
        "term": request.term,
        "canonical_id": request.canonical_id,
        "symbol": symbol,
        "aliases": aliases,
        "parents": [module.ref],
        "children": [],
        "status": "draft",
        "version": "0.1",
        "last_updated": request.today.isoformat(),
        "provenance": {
            "sources": [{"module": snippet.module, "lines": snippet.lines, "snippet": snippet.text}],
            "editors": [request.agent],
            "review_log": [],
        },
        "triad": {"art": "", "law": "", "philosophy": ""},
        "pirouette_definition": "",
        "operational_definition": {
            "units": "",
            "symbol_table": symbol_rows(request),
            "measurement": {"procedures": []},
        },
        "context_windows": windows,
        "poetic_connections": {"motifs": [], "evocative_lines": quoted_lines(snippet.text), "association_matrix": []},
        "formal_mappings": {"candidates": [], "adopted": []},
        "constraints_and_falsifiers": {"claims": []},
        "naming_notes": {"collisions": [], "disambiguation": ""},
        "crosslinks": {"near_synonyms": [], "antonyms": [], "prerequisites": crosslinks, "downstream_effects": []},
        "license": str(license_value) if isinstance(license_value, str) else "",
    }


def symbol_rows(request: DraftRequest) -> list[dict[str, Any]]:
    """A symbol-table row from the table row that names the term, when the table gives a symbol."""
    candidate = request.candidate
    if candidate is None or not candidate.symbol or not candidate.table_row:
        return []
    row = {k.casefold(): v.strip().strip("`") for k, v in candidate.table_row.items()}

    def cell(*names: str) -> str:
        for key, value in row.items():
            if any(name in key for name in names):
                return value
        return ""

    return [{"name": candidate.symbol, "meaning": cell("meaning", "description", "definition", "role"),
             "dimensions": cell("dimension", "unit"), "default_range": cell("range", "value")}]


def snippet_crosslinks(request: DraftRequest) -> list[str]:
    """Existing terms the snippet names as terms, most named first, at most `MAX_CROSSLINKS`.

    Not the term itself, nor rejected or deprecated terms; not a single letter, a function word or a
    generic word (`V`, `SYSTEM`, `DOMAIN`); a one-word name only where the snippet writes it as a name
    (capitalised or emphasised), not as an everyday word.
    """
    text = request.snippet.text
    counts: dict[str, int] = {}
    order: dict[str, tuple[int, int]] = {}
    for mention in request.lexicon.scan(text):
        term_id = mention.term_id
        status = request.lexicon.terms[term_id].status
        if term_id == request.canonical_id or status in ("rejected", "deprecated"):
            continue
        written = text[mention.start : mention.end]
        if is_weak_name(written) or len(written.replace(" ", "")) <= 2:
            continue
        if len(words(written)) == 1 and not (mention.capitalised or _emphasised(text, mention.start, mention.end)):
            continue
        counts[term_id] = counts.get(term_id, 0) + 1
        order.setdefault(term_id, (-len(words(written)), mention.start))
    ranked = sorted(counts, key=lambda i: (-counts[i], order[i]))
    return ranked[:MAX_CROSSLINKS]


def _emphasised(text: str, start: int, end: int) -> bool:
    """True when the phrase at `start:end` stands inside `*…*`, `_…_` or backticks."""
    before, after = text[max(0, start - 2) : start], text[end : end + 2]
    return any(mark in before and mark in after for mark in ("*", "`", "_"))


_QUOTE = re.compile(r"“([^”\n]{3,120})”|\"([^\"\n]{3,120})\"")


def quoted_lines(text: str) -> list[str]:
    """Quoted lines of the snippet, exactly as quoted: at least `MIN_EVOCATIVE_WORDS` words (a quoted name
    such as "entropy pump." is a name, not a line)."""
    found: list[str] = []
    for match in _QUOTE.finditer(text):
        phrase = (match.group(1) or match.group(2) or "").strip()
        if len(words(phrase)) >= MIN_EVOCATIVE_WORDS and phrase not in found:
            found.append(phrase)
    return found


def excluded(module: Module, library: ModuleLibrary, patterns: tuple[str, ...] = ()) -> bool:
    """True when `exclude_from_context` names the module: the library's sources (the configuration's
    globs on its relative path, file name or stem) or extra patterns (file name or stem)."""
    return not library.sources.in_context(module.path) or any(
        fnmatchcase(module.path.name, p) or fnmatchcase(module.stem, p) for p in patterns)


def context_windows(request: DraftRequest) -> list[dict[str, str]]:
    """Exact sentences that mention the term as a term: the best one of its own module (outside the
    snippet) first, then the best of each other module, strongest first, at most `MAX_CONTEXT_WINDOWS`.

    Modules matching `exclude_from_context` (compiled bundles repeating other modules) are never quoted.
    """
    names = [request.term, *(request.candidate.aliases if request.candidate else [])]
    pattern = _name_pattern(names)
    own = request.module
    windows: list[dict[str, str]] = []
    if not excluded(own, request.library, request.exclude_from_context):
        best = _best_excerpt(request, own, pattern, skip=(request.snippet.first_line, request.snippet.last_line))
        if best is not None:
            windows.append({"module": own.ref, "excerpt": best[1]})
    others: list[tuple[float, int, dict[str, str]]] = []
    for order, module in enumerate(request.library.modules()):
        if module.path == own.path or excluded(module, request.library, request.exclude_from_context):
            continue
        best = _best_excerpt(request, module, pattern, skip=None)
        if best is not None:
            others.append((-best[0], order, {"module": request.library.cite(module), "excerpt": best[1]}))
    others.sort(key=lambda item: (item[0], item[1]))
    windows.extend(window for _, _, window in others)
    return windows[:MAX_CONTEXT_WINDOWS]


def _name_pattern(names: list[str]) -> re.Pattern[str]:
    alternatives = []
    for name in names:
        parts = [re.escape(p) for p in re.findall(r"[^\W_]+", name)]
        if parts:
            alternatives.append(r"[\s_\-]+".join(parts))
    return re.compile(r"(?<![^\W_])(?:" + "|".join(alternatives or ["(?!)"]) + r")(?![^\W_])", re.IGNORECASE)


_DEFINING = re.compile(r"^\W*(?:is|are|means|refers|denotes|measures|names|describes|:|—|–|\()", re.IGNORECASE)
_IDENTIFIER_LINE = re.compile(r"^\s*[-*]?\s*[\w-]+\s*:\s*[\w:-]+\s*$")
MAX_MATCHES_PER_MODULE = 40


def _best_excerpt(request: DraftRequest, module: Module, pattern: re.Pattern[str],
                  skip: tuple[int, int] | None) -> tuple[float, str] | None:
    """The module's best sentence mentioning the term as a term, with its score; None when there is none."""
    start = sum(len(x) for x in module.lines[: module.body_line - 1])
    best: tuple[float, str] | None = None
    own = request.canonical_id
    for seen, match in enumerate(pattern.finditer(module.text, start)):
        if seen >= MAX_MATCHES_PER_MODULE:
            break
        line_number = module.text.count("\n", 0, match.start()) + 1
        if skip is not None and skip[0] <= line_number <= skip[1]:
            continue
        line = module.line_text(line_number)
        if line.lstrip().startswith(("#", "|", "```")) or _IDENTIFIER_LINE.match(line):
            continue  # headings, table rows, fences and engram lines (`- concept:lagrangian_health`) make poor context
        written = match.group(0)
        before = module.text[max(0, match.start() - 1) : match.start()]
        if "_" in written or before in (":", "_", "/", "-") or module.text[match.end() : match.end() + 1] in ("_", ":"):
            continue  # part of an identifier, an engram or a path, not the term in prose
        line_start = module.text.rfind("\n", 0, match.start()) + 1
        offset, end = match.start() - line_start, match.end() - line_start
        excerpt = _sentence(line, offset, end)
        if len(words(excerpt)) < MIN_CONTEXT_WORDS:
            continue
        if _inside_longer_term(request, excerpt, written, own):
            continue
        score = 1.0
        if _emphasised(line, offset, end):
            score += 3.0
        if _DEFINING.match(line[end:]):
            score += 2.0
        if written[:1].isupper():
            score += 1.0
        size = len(words(excerpt))
        score += 1.0 if 10 <= size <= 45 else 0.0
        if best is None or score > best[0]:
            best = (score, excerpt)
    return best


def _inside_longer_term(request: DraftRequest, excerpt: str, written: str, own: str) -> bool:
    """True when every mention of `written` in the excerpt is part of a longer existing term's name
    ("coherence" in "coherence flux")."""
    size = len(words(written))
    spans = [(m.start, m.end) for m in request.lexicon.scan(excerpt)
             if m.term_id != own and len(words(excerpt[m.start : m.end])) > size]
    if not spans:
        return False
    places = [m.start() for m in re.finditer(re.escape(written), excerpt)]
    return bool(places) and all(any(a <= p < b for a, b in spans) for p in places)


def _sentence(line: str, start: int, end: int) -> str:
    """The sentence of `line` around `start:end`, an exact substring, at most `MAX_EXCERPT` characters."""
    left = 0
    for found in re.finditer(r"[.!?]\s+", line[:start]):
        left = found.end()
    right_match = re.search(r"[.!?](?=\s|$)", line[end:])
    right = end + right_match.end() if right_match else len(line)
    text = line[left:right]
    if len(text) > MAX_EXCERPT:
        # keep the mention, cut at spaces
        lo = max(left, start - MAX_EXCERPT // 2)
        hi = min(right, lo + MAX_EXCERPT)
        lo_space = line.find(" ", lo, start)
        hi_space = line.rfind(" ", end, hi)
        text = line[(lo_space + 1 if lo_space >= 0 and lo > left else lo) : (hi_space if hi_space >= 0 else hi)]
    return text.strip()


def render_body(entry: dict[str, Any], canonical: str = "", summary: str = "") -> str:
    """The Markdown body: the term's heading, its canonical text, its summary and its glossary links."""
    links = [f"[{link.replace('_', ' ').title()}](<./{link}.md>)"
             for link in targets(entry)]
    marker = "<!-- for an editor: {what} (the extractive agent writes no prose) -->"
    lines = [f"# {entry['term']}", "", "## Canonical (Pirouette)",
             canonical.strip() or marker.format(what="the canonical definition"), "",
             "## EFT-First Summary", summary.strip() or marker.format(what="the EFT-first summary"), "",
             "## Glossary Links"]
    lines.append(f"- See also: {', '.join(links)}" if links else "- See also: <!-- for an editor -->")
    return "\n".join(lines) + "\n"


def render_term(draft: Draft, note: str) -> str:
    """The file's text: one front-matter block (a comment line, then the entry), then the body."""
    lines = ["---", note, *block_lines(draft.entry, 0, Style()), "---", ""]
    return "\n".join(lines) + draft.body


def verify_term(text: str, path: Path, display: str, entry: dict[str, Any]) -> None:
    """Refuse (`EditError`) a rendered draft that does not parse, fails `check`, or reads back differently."""
    # the fast reading: what `check` and every reader of the glossary see (proved equal to ruamel's, values,
    # types and problems, by tests/test_fastyaml.py), at a fraction of the cost
    term = load_term(path, display, text.encode("utf-8"), fast=True)
    errors = [p for p in term.problems if p.severity == Severity.ERROR]
    if errors or term.entry is None:
        raise EditError(f"{display}: the draft does not pass check; nothing was written", errors)
    if term.entry != entry:
        from deepdiff import DeepDiff  # to say what differs (imported here: it brings numpy)

        diff = DeepDiff(entry, term.entry, threshold_to_diff_deeper=0)
        raise EditError(f"{display}: the draft would not read back as written ({diff.pretty()[:300]});"
                        " nothing was written")
