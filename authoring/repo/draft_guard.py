"""What an edited draft may not change: the fields its module settles (spec §4).

A draft cites its snippet as `provenance.sources[{module, lines, snippet}]`, where the snippet is an
exact excerpt of the module. The draft preview lets an editor adjust the prose, not the citation: the
UI protects the lines of the settled fields (`settled_texts`), and whatever face sends a draft, the
service refuses one whose sources differ from what the agent cited or whose snippet (or context
window) is not an exact excerpt of its module (`require_exact_sources`), with the file's line.

Must never: write files, run Git, or import a UI.
"""

from __future__ import annotations

from typing import Any

from authoring.core.paths import FieldPath, find_node, format_path
from authoring.core.roundtrip import content_end
from authoring.core.termfile import TermFile
from authoring.drafting.modules import ModuleLibrary
from authoring.errors import NotFound, ParseError, Problem, Severity

SETTLED: tuple[FieldPath, ...] = (("provenance", "sources"),)
"""The fields a module settles: which module, which lines, the exact snippet."""


def settled_texts(term: TermFile) -> list[str]:
    """The exact lines (whole lines, line breaks included) that carry each settled field in the entry,
    for a face to keep read-only."""
    if not term.blocks or term.split is None:
        return []
    parsed = term.blocks[-1]
    if parsed is None or parsed.node is None:
        return []
    text = term.split.text
    base = parsed.block.content_start
    block_text = text[base:parsed.block.content_end]
    found: list[str] = []
    for path in SETTLED:
        try:
            key_node, node, _ = find_node(parsed.node, path)
        except KeyError:
            continue
        start_index = int((key_node or node).start_mark.index)
        start = text.rfind("\n", 0, base + start_index) + 1
        end = text.find("\n", base + content_end(node, block_text))
        found.append(text[start : len(text) if end < 0 else end + 1])
    return found


def _problem(term: TermFile, path: FieldPath, message: str) -> Problem:
    return term.problem_at(path, Severity.ERROR, "draft-settled-field", message,
                           "keep the cited snippet as the agent took it from the module; draft again to cite"
                           " other lines")


def require_exact_sources(term: TermFile, library: ModuleLibrary, cited: list[Any] | None) -> None:
    """Refuse (a located `ParseError`) a draft whose `provenance.sources` are not `cited` (the agent's,
    when given) or whose snippets and context-window excerpts are not exact excerpts of their modules."""
    entry = term.entry or {}
    provenance = entry.get("provenance")
    sources = provenance.get("sources") if isinstance(provenance, dict) else None
    problems: list[Problem] = []
    if cited is not None and sources != cited:
        problems.append(_problem(term, ("provenance", "sources"), "provenance.sources is settled by the module"
                                 " and cannot be edited in a draft"))
    excerpts: list[tuple[FieldPath, Any, Any]] = []
    for index, source in enumerate(sources if isinstance(sources, list) else []):
        if isinstance(source, dict):
            excerpts.append((("provenance", "sources", index, "snippet"), source.get("module"), source.get("snippet")))
    windows = entry.get("context_windows")
    for index, window in enumerate(windows if isinstance(windows, list) else []):
        if isinstance(window, dict):
            excerpts.append((("context_windows", index, "excerpt"), window.get("module"), window.get("excerpt")))
    for path, module_ref, excerpt in excerpts:
        if not isinstance(excerpt, str) or not excerpt.strip():
            continue
        try:
            module = library.resolve(str(module_ref))
        except NotFound:
            problems.append(_problem(term, path, f"{format_path(path)}: module {module_ref} is not found"))
            continue
        if module.find(excerpt) is None:
            problems.append(_problem(term, path, f"{format_path(path)} is not an exact excerpt of {module.ref}"
                                     " (spec §4)"))
    if problems:
        raise ParseError(f"{term.display}: the draft cites text its module does not hold as written; nothing was"
                         " written", problems)
