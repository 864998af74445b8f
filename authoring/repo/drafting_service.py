"""Drafting on a repository: candidates of a module, and drafting a term from a snippet, committed.

The logic behind `Glossary.candidates` and `Glossary.draft`. A draft is one action: resolve the
module and the snippet, refuse a term that exists or was rejected (unless forced), let the agent
draft, verify the text with the core, then write the term file and its `draft` review event and
commit both, with the agent as author. Nothing is written when any step fails.

Everything here may run in a worker thread; `progress` receives one line per step.

Must never: import a UI; parse YAML except through the core; run Git except through `repo.git`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from authoring.core import ids
from authoring.core.termfile import load_term
from authoring.drafting.agents import make_agent
from authoring.drafting.candidates import Candidate, find_candidates
from authoring.drafting.draft import (
    EMPTY_NOTE,
    DraftAgent,
    DraftRequest,
    Progress,
    excluded,
    mentions,
    render_term,
    verify_term,
)
from authoring.drafting.grounding import Grounding, ground
from authoring.drafting.lexicon import KnownTerm, Lexicon
from authoring.drafting.modules import Module, ModuleLibrary, Snippet
from authoring.drafting.termhood import is_weak_name, prepare
from authoring.errors import GateRefused, ParseError, Problem, UsageError
from authoring.repo.draft_guard import require_exact_sources, settled_texts
from authoring.workflow import gates
from authoring.workflow.identity import Identity, Role, parse_identity, role_of
from authoring.workflow.review_log import Action, ReviewEvent, event_path, load_events, term_revision

if TYPE_CHECKING:
    from authoring.repo.service import ActionResult, Glossary

DEFAULT_AGENTS = {
    "import": "Import Agent <import-agent@authoring.invalid>",
    "extractive": "Extractive Agent <agent@authoring.invalid>",
    "llm": "LLM Agent <llm-agent@authoring.invalid>",
}


@dataclass
class CandidateReport:
    """The candidates of one module, best first."""

    module: str
    """How terms cite the module (`DOMA-036`)."""
    path: str
    """The module's file, relative to the repository."""
    title: str
    """The module's title."""
    candidates: list[Candidate]
    """Ranked candidates."""
    problems: list[Problem] = field(default_factory=list)
    """What could not be read in the module (its front matter, for instance)."""

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `--json`."""
        return {"module": self.module, "path": self.path, "title": self.title,
                "candidates": [c.to_json() for c in self.candidates],
                "problems": [p.to_json() for p in self.problems]}


def module_library(glossary: Glossary) -> ModuleLibrary:
    """The repository's modules (every folder of `modules_dirs`, in precedence order)."""
    return ModuleLibrary(glossary.module_sources, glossary.root)


def lexicon(glossary: Glossary) -> Lexicon:
    """The names, aliases and statuses of every term, indexed for matching."""
    return Lexicon.build(KnownTerm(s.id, s.term, tuple(s.aliases), s.status, tuple(s.modules))
                         for s in glossary.summaries())


def candidates(glossary: Glossary, module_ref: str, limit: int | None = None,
               progress: Progress | None = None) -> CandidateReport:
    """The candidate terms of a module, best first."""
    library = module_library(glossary)
    module = library.resolve(module_ref)
    if progress:
        progress(f"reading the terms of {glossary.display(glossary.terms_dir)}")
    known = lexicon(glossary)
    if progress:
        progress(f"finding candidates in {module.ref}")
    found = find_candidates(module, known, limit, background_texts=background_texts(glossary, library, module))
    mark_duplicates(glossary, found)
    return CandidateReport(module.ref, library.display(module.path), module.title, found, list(module.problems))


def background_texts(glossary: Glossary, library: ModuleLibrary, module: Module) -> list[str]:
    """The other modules' texts, prepared for termhood's background (not those excluded from context:
    a compiled bundle repeats every module and would make every phrase look common)."""
    patterns = tuple(glossary.config.exclude_from_context)
    return [prepare(other.body) for other in library.modules()
            if other.path != module.path and not excluded(other, library, patterns)]


def mark_duplicates(glossary: Glossary, found: list[Candidate]) -> None:
    """Mark each new candidate with the existing terms it may duplicate (`core.duplicates`)."""
    from authoring.core.duplicates import Labelled, possible_duplicates

    terms = [Labelled(s.id, s.term, tuple(s.aliases)) for s in glossary.summaries()]
    for candidate in found:
        if not candidate.existing:
            candidate.may_duplicate = possible_duplicates(candidate.term, candidate.canonical_id, terms)


def requester(glossary: Glossary) -> Identity | None:
    """Who asks for a draft: `--as` when it names someone other than an agent, else Git's user."""
    explicit = glossary.acting_as
    if explicit is not None:
        people = glossary.config.people
        if role_of(explicit, people.editors, people.agents) != Role.AGENT:
            return explicit
    return glossary.git.user()


def agent_identity(glossary: Glossary, agent_name: str) -> Identity:
    """Who a draft is committed as: `--as` naming an agent, else the configured agent for this kind, else a
    built-in one.

    A draft's author is its agent (spec §7): an editor acting (`--as` an editor, in the CLI or the UI)
    requests the draft (`Requested-by:`) and the agent authors it, so their later approval is not of
    their own text and the history shows that an agent wrote it.
    """
    people = glossary.config.people
    explicit = glossary.acting_as
    role = role_of(explicit, people.editors, people.agents) if explicit is not None else None
    if explicit is None or role == Role.EDITOR:  # an editor requests: the configured agent authors
        for text in people.agents:
            if agent_name.casefold() in text.casefold():
                return parse_identity(text)
        if people.agents:
            return parse_identity(people.agents[0])
        return parse_identity(DEFAULT_AGENTS.get(agent_name, DEFAULT_AGENTS["extractive"]))
    if role == Role.AGENT:
        return explicit
    if people.agents:
        raise GateRefused(f"{explicit} is not listed in [people] agents; drafts are committed as a configured"
                          " agent", ["an agent identity"])
    return explicit


def rejection_note(glossary: Glossary, term_id: str, entry: dict[str, Any] | None) -> str | None:
    """Why a term was rejected: the note of its last `reject` event, else its review log's last note."""
    events, _ = load_events(glossary.review_logs_dir, term_id, glossary.root)
    for event in reversed(events):
        if event.action == Action.REJECT and event.note:
            return event.note
    provenance = (entry or {}).get("provenance")
    log = provenance.get("review_log") if isinstance(provenance, dict) else None
    if isinstance(log, list):
        for item in reversed(log):
            if isinstance(item, dict) and item.get("notes"):
                return str(item["notes"])
    return None


def _snippet(module: Module, lines: str | None, section: str | None) -> Snippet:
    if (lines is None) == (section is None):
        raise UsageError("give exactly one of --lines A-B or --section N")
    return module.snippet_lines(lines) if lines is not None else module.snippet_section(section or "")


def _choose_term(found: list[Candidate], snippet: Snippet, force: bool) -> Candidate:
    """The snippet's best new candidate (any, with `force`): those it bolds, defines or tabulates first."""
    strong = {"bold", "definition", "table", "heading", "quoted"}

    def coined_here(candidate: Candidate) -> bool:
        return any(e.kind in strong and snippet.first_line - 1 <= e.line <= snippet.last_line
                   for e in candidate.evidence)

    named = [c for c in found if mentions(snippet.text, c.term) and not is_weak_name(c.term)]
    # Markup (bold, tables, engrams, names…) says more than termhood: a phrase found by statistics alone is
    # chosen only where the snippet marks up nothing, and only if it has several words or recurs.
    marked = [c for c in named if any(e.kind != "termhood" for e in c.evidence)]
    named = marked or [c for c in named if len(c.term.split()) > 1 or c.mentions > 1]
    named.sort(key=lambda c: not coined_here(c))  # stable: keeps the rank order within each group
    for candidate in named:
        if force or not candidate.existing:
            return candidate
    if named:
        listed = ", ".join(f"{c.term} ({c.canonical_id}, {c.status or 'exists'})" for c in named[:5])
        raise GateRefused(f"every candidate in {snippet.lines} exists already: {listed}; name a new term with"
                          " --term, or draft over one with --force", ["a new term"])
    raise UsageError(f"found no candidate term in {snippet.lines}; name the term with --term")


@dataclass
class DraftPreview:
    """A draft made and checked but not yet written: what a UI shows before the user saves it."""

    term_id: str
    """The canonical id (file stem) the draft gets."""
    path: Path
    """The term file it will be written to."""
    text: str
    """The file's text, exactly as it would be written."""
    entry: dict[str, Any]
    """The entry as plain data."""
    module: str
    """The module it is drafted from."""
    lines: str
    """The snippet's address (`L47-L52` or `§4`)."""
    agent: str
    """The agent kind (`extractive`, `llm`)."""
    model: str | None
    """The model that wrote the prose (LLM agent only)."""
    author: Identity
    """Who the commit will be authored by: the agent."""
    warnings: list[str]
    """Things the editor should know."""
    before: bytes | None
    """The file's bytes when the draft was made (None: a new file); a change since is a conflict."""
    old_status: str | None
    """The status of the term the draft replaces, if any."""
    note: str | None = None
    """Why the draft replaces a term past `draft` (required then, see `gates.draft_over_gaps`)."""
    grounding: Grounding | None = None
    """How far the sources support each sentence the agent wrote (None: it wrote no prose)."""
    settled: list[str] = field(default_factory=list)
    """The exact lines of the fields the module settles (the cited sources): a face keeps them read-only."""

    def to_json(self, display: str) -> dict[str, Any]:
        """Stable keys for `--json` (`display`: the path as shown to the user)."""
        return {"term": self.term_id, "path": display, "module": self.module, "lines": self.lines,
                "agent": self.agent, "model": self.model, "author": str(self.author), "warnings": self.warnings,
                "replaced": self.before is not None, "text": self.text,
                "grounding": self.grounding.to_json() if self.grounding is not None else None}


def prepare_draft(glossary: Glossary, module_ref: str, *, lines: str | None = None, section: str | None = None,
                  term: str | None = None, term_id: str | None = None, agent: str | DraftAgent | None = None,
                  force: bool = False, progress: Progress | None = None, note: str | None = None) -> DraftPreview:
    """Make and check a draft without writing anything (refusals as in `draft`)."""
    library = module_library(glossary)
    module = library.resolve(module_ref)
    library.cite(module)
    snippet = _snippet(module, lines, section)
    if agent is None or isinstance(agent, str):
        worker = make_agent(agent or glossary.config.agents.default, glossary.config)
    else:
        worker = agent
    identity = agent_identity(glossary, worker.name)
    if progress:
        progress("reading the existing terms")
    known = lexicon(glossary)
    found = find_candidates(module, known, background_texts=background_texts(glossary, library, module))
    if term is None:
        name = _choose_term(found, snippet, force).term
    else:
        name = " ".join(term.split())
        if not name:
            raise UsageError("--term is empty")
    existing = known.lookup(name)
    target = term_id or (existing[0][0].id if existing else ids.id_from_name(name))
    if not target:
        raise UsageError(f"cannot make an id from {name!r}; give one with --id")
    ids.require_safe_id(target)
    path = glossary.term_path(target)
    candidate = next((c for c in found if c.canonical_id == target), None)
    before: bytes | None = None
    rejected: str | None = None
    old_status: str | None = None
    if path.exists():
        current = load_term(path, glossary.display(path))
        before = current.data
        entry = current.entry or {}
        old_status = str(entry.get("status")) if entry.get("status") is not None else None
        if old_status == "rejected":
            rejected = rejection_note(glossary, target, entry) or "no note was recorded"
            if not force:
                raise GateRefused(f"{target} was rejected: {rejected}; draft it again only with --force",
                                  ["--force"])
        elif not force:
            alias = f"{name} is an alias of {target}; " if existing and existing[0][1] == "alias" else ""
            raise GateRefused(f"{alias}{target} already exists ({glossary.display(path)}, status"
                              f" {old_status or '?'}); use --force to draft over it", ["--force"])
    elif existing and not force:
        other = existing[0][0]
        raise GateRefused(f"{name} already exists as {other.id} (its {existing[0][1]}), though"
                          f" {glossary.display(path)} is missing; use --force to draft it there", ["--force"])
    if before is not None:  # drafting over a term past `draft` moves it back: an editor's call, with a note
        asking = requester(glossary)
        people = glossary.config.people
        requester_role = role_of(asking, people.editors, people.agents) if asking else Role.NONE
        missing = gates.draft_over_gaps(old_status, asking, requester_role, note)
        if missing:
            said = [gap.message for gap in missing]
            raise GateRefused(f"{target}: drafting over it refused: " + "; ".join(said), said)
    request = DraftRequest(module, snippet, name, target, str(identity), known, library, candidate,
                           rejected_note=rejected,
                           exclude_from_context=tuple(glossary.config.exclude_from_context))
    result = worker.draft(request, progress)
    if before is None:
        from authoring.core.duplicates import Labelled, possible_duplicates

        similar = possible_duplicates(name, target, [Labelled(s.id, s.term, tuple(s.aliases))
                                                     for s in glossary.summaries()])
        if similar:
            result.warnings.append(f"{target} may duplicate {', '.join(similar)} (a shared label or an id variant)")
    if rejected:
        result.warnings.append(f"{target} was rejected before: {rejected}")
    header = EMPTY_NOTE.format(agent=worker.name + " agent" + (f" ({result.model})" if result.model else ""),
                               module=module.ref, lines=snippet.lines)
    text = render_term(result, header)
    if progress:
        progress(f"checking {glossary.display(path)}")
    verify_term(text, path, glossary.display(path), result.entry)
    settled = settled_texts(load_term(path, glossary.display(path), text.encode("utf-8")))
    return DraftPreview(target, path, text, result.entry, module.ref, snippet.lines, worker.name, result.model,
                        identity, result.warnings, before, old_status, note, result.grounding, settled)


def save_draft(glossary: Glossary, preview: DraftPreview, text: str | None = None,
               progress: Progress | None = None) -> ActionResult:
    """Write a prepared draft (or the user's edit of its `text`) and its `draft` event, in one commit.

    An edited text must still pass `check`, keep the draft's canonical id and stay a draft.
    """
    from authoring.repo.service import ActionResult, commit_message

    display = glossary.display(preview.path)
    final = preview.text if text is None else text
    entry = preview.entry
    if text is not None:
        edited = load_term(preview.path, display, final.encode("utf-8"))
        if edited.errors or edited.entry is None:
            raise ParseError(f"{display}: the edited draft does not pass check; nothing was written",
                             edited.errors)
        entry = edited.entry
        if entry.get("canonical_id") != preview.term_id or entry.get("status") != "draft":
            raise UsageError(f"{display}: an edited draft must keep canonical_id {preview.term_id} and status"
                             " draft")
    # whatever face sent it: the cited snippet is the module's text, exactly (spec §4)
    provenance = preview.entry.get("provenance")
    cited = provenance.get("sources") if isinstance(provenance, dict) and text is not None else None
    require_exact_sources(load_term(preview.path, display, final.encode("utf-8")), module_library(glossary), cited)
    model = f" ({preview.model})" if preview.model else ""
    grounding = ground(entry) if preview.grounding is not None else None
    extras: dict[str, Any] = {"agent": preview.agent, "model": preview.model}
    if grounding is not None:
        extras["grounding"] = grounding.counts()
    event = ReviewEvent(term=preview.term_id, when=dt.datetime.now(dt.UTC), who=str(preview.author), role="agent",
                        action=Action.DRAFT, from_status=preview.old_status, to_status="draft",
                        version=str(entry.get("version")), revision=_revision(preview.path, display, final),
                        note=f"drafted by the {preview.agent} agent{model} from {preview.module} {preview.lines}"
                             + (" (edited before saving)" if text is not None and text != preview.text else "")
                             + (f": {preview.note}" if preview.note else "")
                             + (f"; grounding: {grounding.summary()}" if grounding is not None else ""),
                        **extras)
    trailers = {"Term": preview.term_id, "Action": "draft", "Status": "draft", "Agent": preview.agent,
                "Module": f"{preview.module} {preview.lines}"}
    if preview.model:
        trailers["Model"] = preview.model
    if grounding is not None:
        trailers["Grounding"] = f"{len(grounding.sentences) - len(grounding.unsupported)}/{len(grounding.sentences)}" \
                                " sentences supported"
    asking = requester(glossary)
    if asking is not None and asking.key != preview.author.key:
        trailers["Requested-by"] = str(asking)
    message = commit_message(preview.term_id, f"draft from {preview.module} {preview.lines}", trailers)
    if progress:
        progress("committing")
    commit = glossary.record_action([(preview.path, final.encode("utf-8"), preview.before)], event, message,
                                    preview.author)
    events_file = event_path(glossary.review_logs_dir, event)
    return ActionResult(preview.term_id, "draft", commit, f"{preview.term_id}: drafted from {preview.module}"
                        f" {preview.lines} by {preview.author.name} ({commit[:8]})",
                        {"path": display, "module": preview.module, "lines": preview.lines, "agent": preview.agent,
                         "model": preview.model, "author": str(preview.author), "warnings": preview.warnings,
                         "review_event": glossary.display(events_file), "replaced": preview.before is not None,
                         "grounding": grounding.to_json() if grounding is not None else None})


def _revision(path: Path, display: str, text: str) -> str | None:
    """The content revision of the draft's whole file (what later approvals refer to)."""
    return term_revision(load_term(path, display, text.encode("utf-8"), fast=True))


def draft(glossary: Glossary, module_ref: str, *, lines: str | None = None, section: str | None = None,
          term: str | None = None, term_id: str | None = None, agent: str | DraftAgent | None = None,
          force: bool = False, progress: Progress | None = None, note: str | None = None) -> ActionResult:
    """Draft a term from a module snippet and commit it with its `draft` review event."""
    preview = prepare_draft(glossary, module_ref, lines=lines, section=section, term=term, term_id=term_id,
                            agent=agent, force=force, progress=progress, note=note)
    return save_draft(glossary, preview, progress=progress)


def term_grounding(glossary: Glossary, term_id: str) -> Grounding | None:
    """How far a term's own sources (cited snippets, context windows) support each sentence of its prose;
    None when the entry does not parse."""
    term = glossary.load(term_id)
    return ground(term.entry) if term.entry is not None else None
