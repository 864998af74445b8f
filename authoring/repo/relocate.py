"""`authoring relocate ID | --all`: point `provenance.sources[].lines` of moved snippets at where their text
stands in the module now. One commit per term, with a review event, as every action.

What a relocation is (a decision; the spec is silent): **bookkeeping, not a content change**. The cited
text is the same and found in the same module; only the pointer to it moves. So the version is not
bumped, `last_updated` is not touched, and a ratified term stays ratified (nothing a reader reviewed
changed). It is recorded as a `comment` event whose note lists each pointer `old → new`, so the trail
says who moved it and why, and the person relocating does not become an author of the content. The
entry's content revision does change (it covers every field outside the workflow's own), so an approval
given to the old pointer no longer counts towards ratifying a candidate: the conservative choice, since
the approver saw a citation pointing elsewhere; re-approving is one keystroke.

Only snippets the audit calls `snippet-moved` are relocated: found in the module (as `core.snippets`
compares) and nowhere the citation says. When the text stands in several places, the one nearest the
old lines is taken. A citation by section (`§2`) is rewritten as the section the text is in now; a line
citation keeps its spelling (`L29-L30`, `29-30`).

Must never: change anything but `lines` values, relocate a snippet that is missing (there is no place to
point at), or write without the transaction's checks (outside edits refuse the action).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from authoring.errors import NotFound
from authoring.repo.provenance import Modules, Place, parse_citation

if TYPE_CHECKING:
    from authoring.repo.service import ActionResult, Glossary


@dataclass(frozen=True)
class Move:
    """One pointer to move: source `index` of the term, cited at `old`, now to read `new`."""

    index: int
    old: str
    new: str


def moved_sources(entry: dict[str, Any] | None, modules: Modules) -> list[Move]:
    """The sources of an entry whose snippet stands in its module, but not where `lines` says."""
    provenance = (entry or {}).get("provenance")
    sources = provenance.get("sources") if isinstance(provenance, dict) else None
    moves: list[Move] = []
    for index, source in enumerate(sources if isinstance(sources, list) else []):
        if not isinstance(source, dict) or not source.get("module") or source.get("lines") is None:
            continue
        snippet = source.get("snippet")
        path = modules.resolve(str(source["module"]))
        text = modules.text(path) if path is not None else None
        if text is None or not isinstance(snippet, str) or not snippet.strip():
            continue
        citation = parse_citation(source["lines"])
        places = text.find(snippet)
        if not places or not citation.checkable or any(citation.holds(p) for p in places):
            continue
        anchor = citation.first if citation.first is not None else 0
        place = min(places, key=lambda p: abs(p.first - anchor))
        old = str(source["lines"])
        moves.append(Move(index, old, _pointer(old, place, by_section=citation.first is None)))
    return moves


def _pointer(old: str, place: Place, by_section: bool) -> str:
    """The new `lines` text for `place`, spelled as the old one was."""
    if by_section and place.section:
        return f"§{place.section}"
    prefix = "L" if old.strip().upper().startswith("L") or by_section else ""
    if place.first == place.last:
        return f"{prefix}{place.first}"
    return f"{prefix}{place.first}-{prefix}{place.last}"


def relocate(glossary: Glossary, term_ids: Sequence[str] | None = None) -> list[ActionResult]:
    """Relocate the moved snippets of the given terms (None: every term), one commit per term that has any.
    Terms with nothing to move get a result without a commit."""
    from authoring.core.termfile import load_term

    modules = Modules(glossary.module_sources, glossary.root)
    wanted = list(term_ids) if term_ids is not None else [s.id for s in glossary.summaries() if s.parses]
    results: list[ActionResult] = []
    for term_id in wanted:
        path = glossary.term_path(term_id)
        if not path.is_file():
            raise NotFound(f"no term {term_id} (looked for {glossary.display(path)})")
        if term_ids is None and not moved_sources(load_term(path, glossary.display(path), fast=True).entry, modules):
            continue  # the common case of --all: nothing to do, no lock taken
        results.append(_relocate_one(glossary, term_id, modules))
    return results


def _relocate_one(glossary: Glossary, term_id: str, modules: Modules) -> ActionResult:
    from authoring.repo import actions
    from authoring.repo.action_path import ActionResult, land, new_event, role
    from authoring.workflow import gates
    from authoring.workflow.review_log import Action

    actor = glossary.actor()
    with glossary.transaction() as tx:
        loaded = actions.load_for_action(glossary, tx, term_id)
        missing = gates.permission_gaps(Action.EDIT, actor, role(glossary, actor))
        if missing:
            raise actions.refuse(term_id, "relocate", missing)
        moves = moved_sources(loaded.entry, modules)  # again, under the lock: what is on disk now
        if not moves:
            return ActionResult(term_id, "relocate", None, f"{term_id}: no moved snippet to relocate")
        editor = loaded.editor
        with editor.batch():
            for move in moves:
                editor.set(("provenance", "sources", move.index, "lines"), move.new)
        pointers = "; ".join(f"provenance.sources.{m.index}.lines {m.old} → {m.new}" for m in moves)
        note = f"relocate: {pointers} (the cited text is unchanged: bookkeeping)"
        version = actions.entry_version(editor)
        event = new_event(glossary, term_id, actor, Action.COMMENT, from_status=loaded.status.value,
                          to_status=loaded.status.value, version=version, revision=actions.revision_of(editor),
                          note=note)
        trailers = [("Term", term_id), ("Action", "relocate"), ("Status", loaded.status.value),
                    *(("Relocated", f"sources.{m.index}: {m.old} → {m.new}") for m in moves)]
        commit = land(tx, [(loaded.term.path, editor.render(), loaded.term.data)], event,
                      actions.commit_message(term_id, "relocate moved snippets", trailers), actor)
    return ActionResult(term_id, "relocate", commit, f"{term_id}: relocated {len(moves)} snippet(s) ({commit[:8]})",
                        {"moves": [{"source": m.index, "from": m.old, "to": m.new} for m in moves],
                         "revision": event.revision})
