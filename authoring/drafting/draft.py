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
from pathlib import Path
from typing import Any, Protocol

from authoring.core.crosslinks import targets
from authoring.core.render import Style, block_lines
from authoring.core.termfile import load_term
from authoring.drafting.candidates import Candidate
from authoring.drafting.lexicon import Lexicon, words
from authoring.drafting.modules import Module, ModuleLibrary, Snippet
from authoring.errors import EditError, Severity

Progress = Callable[[str], None]
"""Receives one short line per step, for a UI's progress display (may be called from a worker thread)."""

EMPTY_NOTE = ("# Drafted by {agent} from {module} {lines}. Empty fields (\"\", []) are left for an editor:"
              " the agent fills only what the module says.")
MAX_CONTEXT_WINDOWS = 4
MAX_EXCERPT = 400


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
    """Existing terms the snippet names (not the term itself, nor rejected or deprecated ones), in order."""
    found: list[str] = []
    for mention in request.lexicon.scan(request.snippet.text):
        term_id = mention.term_id
        status = request.lexicon.terms[term_id].status
        if term_id == request.canonical_id or term_id in found or status in ("rejected", "deprecated"):
            continue
        found.append(term_id)
    return found


_QUOTE = re.compile(r"“([^”\n]{3,120})”|\"([^\"\n]{3,120})\"")


def quoted_lines(text: str) -> list[str]:
    """Quoted phrases of two words or more in the snippet, exactly as quoted."""
    found: list[str] = []
    for match in _QUOTE.finditer(text):
        phrase = (match.group(1) or match.group(2) or "").strip()
        if len(phrase.split()) >= 2 and phrase not in found:
            found.append(phrase)
    return found


def context_windows(request: DraftRequest) -> list[dict[str, str]]:
    """Exact excerpts that mention the term: from its module (outside the snippet) first, then others."""
    names = [request.term, *(request.candidate.aliases if request.candidate else [])]
    pattern = _name_pattern(names)
    windows: list[dict[str, str]] = []
    own = request.module
    excerpt = _first_excerpt(own, pattern, skip=(request.snippet.first_line, request.snippet.last_line))
    if excerpt is not None:
        windows.append({"module": own.ref, "excerpt": excerpt})
    for module in request.library.modules():
        if len(windows) >= MAX_CONTEXT_WINDOWS:
            break
        if module.path == own.path:
            continue
        excerpt = _first_excerpt(module, pattern, skip=None)
        if excerpt is not None:
            windows.append({"module": request.library.cite(module), "excerpt": excerpt})
    return windows


def _name_pattern(names: list[str]) -> re.Pattern[str]:
    alternatives = []
    for name in names:
        parts = [re.escape(p) for p in re.findall(r"[^\W_]+", name)]
        if parts:
            alternatives.append(r"[\s_\-]+".join(parts))
    return re.compile(r"(?<![^\W_])(?:" + "|".join(alternatives or ["(?!)"]) + r")(?![^\W_])", re.IGNORECASE)


def _first_excerpt(module: Module, pattern: re.Pattern[str], skip: tuple[int, int] | None) -> str | None:
    start = sum(len(x) for x in module.lines[: module.body_line - 1])
    for match in pattern.finditer(module.text, start):
        line_number = module.text.count("\n", 0, match.start()) + 1
        if skip is not None and skip[0] <= line_number <= skip[1]:
            continue
        if module.line_text(line_number).lstrip().startswith(("#", "|", "```")):
            continue  # headings, table rows and fences make poor context
        line_start = module.text.rfind("\n", 0, match.start()) + 1
        line = module.line_text(line_number)
        excerpt = _sentence(line, match.start() - line_start, match.end() - line_start)
        if excerpt:
            return excerpt
    return None


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
    term = load_term(path, display, text.encode("utf-8"))
    errors = [p for p in term.problems if p.severity == Severity.ERROR]
    if errors or term.entry is None:
        raise EditError(f"{display}: the draft does not pass check; nothing was written", errors)
    if term.entry != entry:
        from deepdiff import DeepDiff  # to say what differs (imported here: it brings numpy)

        diff = DeepDiff(entry, term.entry, threshold_to_diff_deeper=0)
        raise EditError(f"{display}: the draft would not read back as written ({diff.pretty()[:300]});"
                        " nothing was written")
