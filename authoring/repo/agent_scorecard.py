"""How drafting agents fare with the editors: `authoring agents`, computed from Git history and review logs.

Every `draft` review event is one draft, credited to its agent (`who`) and model (the event's `model`
field, else the commit's `Model:` trailer, else "-"). What happened to it is read from the events
that follow it, up to the term's next draft: ratified (a `promote` to `ratified`), rejected (with the
note), or still open. For a ratified draft, the fields editors changed between the draft and the
ratification are the field-level changes (deepdiff paths, as `history` shows them) of the commits in
between that were not the agent's own, workflow bookkeeping aside; a draft ratified with its content
revision unchanged counts as *ratified unchanged*. Time to ratify is from the draft event to the
ratifying one. Each agent's `kind` is the registered agent (`drafting.agents.REGISTRY`) its drafts name
(the event's `agent` field, else its note), None when no registered agent made them.

Must never: write anything; run Git except through `repo.git` (via `Glossary.history`); import a UI.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from authoring.drafting.agents import REGISTRY
from authoring.workflow.review_log import Action, ReviewEvent, load_events

if TYPE_CHECKING:
    from authoring.repo.history import HistoryEntry
    from authoring.repo.service import Glossary

# Bookkeeping the workflow itself writes: not an editor's change to the content.
_WORKFLOW = re.compile(r"^(?:status|version|last_updated|provenance\.review_log)(?:\.|$)")
_NOTE_MODEL = re.compile(r"^drafted by the \S+ agent \(([^)]+)\)")
_NOTE_KIND = re.compile(r"^drafted by the (\S+) agent")


@dataclass
class DraftOutcome:
    """One draft and what became of it."""

    term: str
    """The term drafted."""
    agent: str
    """Who drafted it (`Name <email>`)."""
    model: str
    """The model that wrote it, or `-`."""
    outcome: str
    """`ratified`, `rejected` or `open`."""
    unchanged: bool = False
    """Ratified with the content the agent wrote."""
    fields_changed: list[str] = field(default_factory=list)
    """Fields editors changed before ratification (or so far, while open)."""
    reason: str | None = None
    """The rejection's note."""
    hours_to_ratify: float | None = None
    """From the draft to its ratification."""
    kind: str | None = None
    """The registered agent that made it (`extractive`, `llm`, `import`), None when none did."""

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `--json`."""
        return {"term": self.term, "agent": self.agent, "kind": self.kind, "model": self.model, "outcome": self.outcome,
                "unchanged": self.unchanged, "fields_changed": self.fields_changed, "reason": self.reason,
                "hours_to_ratify": None if self.hours_to_ratify is None else round(self.hours_to_ratify, 3)}


@dataclass
class AgentScore:
    """The record of one agent with one model."""

    agent: str
    model: str
    drafts: list[DraftOutcome] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `--json`."""
        ratified = [d for d in self.drafts if d.outcome == "ratified"]
        rejected = [d for d in self.drafts if d.outcome == "rejected"]
        changed: dict[str, int] = {}
        for draft in ratified:
            for path in draft.fields_changed:
                changed[path] = changed.get(path, 0) + 1
        hours = [d.hours_to_ratify for d in ratified if d.hours_to_ratify is not None]
        kinds = sorted({d.kind for d in self.drafts if d.kind is not None})
        return {
            "agent": self.agent, "kind": kinds[0] if len(kinds) == 1 else None, "kinds": kinds,
            "model": self.model, "drafts": len(self.drafts),
            "ratified": len(ratified), "ratified_unchanged": sum(1 for d in ratified if d.unchanged),
            "ratified_after_edits": sum(1 for d in ratified if not d.unchanged),
            "fields_changed_before_ratification": dict(sorted(changed.items(), key=lambda kv: (-kv[1], kv[0]))),
            "rejected": len(rejected),
            "rejections": [{"term": d.term, "reason": d.reason} for d in rejected],
            "open": sum(1 for d in self.drafts if d.outcome == "open"),
            "median_hours_to_ratify": round(statistics.median(hours), 3) if hours else None,
            "terms": [d.to_json() for d in self.drafts],
        }


def _model_of(event: ReviewEvent, history: list[HistoryEntry]) -> str:
    extra = event.model_extra or {}
    if isinstance(extra.get("model"), str) and extra["model"]:
        return str(extra["model"])
    match = _NOTE_MODEL.match(event.note or "")
    return match.group(1) if match else "-"


def _kind_of(event: ReviewEvent) -> str | None:
    """The registered agent a draft event names (its `agent` field, else its note's words), or None."""
    extra = event.model_extra or {}
    named = extra.get("agent")
    if not isinstance(named, str):
        match = _NOTE_KIND.match(event.note or "")
        named = match.group(1) if match else None
    return named if named in REGISTRY else None


def _commit_of(event_id: str, history: list[HistoryEntry]) -> int | None:
    """The index (in oldest-first order) of the commit that recorded the event."""
    for index, entry in enumerate(history):
        if any(r.get("id") == event_id for r in entry.reviews):
            return index
    return None


def _outcomes(glossary: Glossary, term_id: str, events: list[ReviewEvent]) -> list[DraftOutcome]:
    drafts = [i for i, e in enumerate(events) if e.action == Action.DRAFT]
    if not drafts:
        return []
    history = list(reversed(glossary.history(term_id)))  # oldest first
    found: list[DraftOutcome] = []
    for n, start in enumerate(drafts):
        draft = events[start]
        end = drafts[n + 1] if n + 1 < len(drafts) else len(events)
        outcome = DraftOutcome(term_id, draft.who, _model_of(draft, history), "open", kind=_kind_of(draft))
        closing: ReviewEvent | None = None
        for event in events[start + 1 : end]:
            if event.action == Action.REJECT:
                outcome.outcome, outcome.reason, closing = "rejected", event.note, event
                break
            if event.action == Action.PROMOTE and event.to_status == "ratified":
                outcome.outcome, closing = "ratified", event
                outcome.unchanged = event.revision is not None and event.revision == draft.revision
                outcome.hours_to_ratify = (event.when - draft.when).total_seconds() / 3600
                break
        first = _commit_of(draft.id, history)
        last = _commit_of(closing.id, history) if closing is not None else len(history) - 1
        if first is not None and last is not None:
            agent_email = draft.who_email
            paths: list[str] = []
            for entry in history[first + 1 : last + 1]:
                if agent_email and agent_email in entry.author.casefold():
                    continue  # the agent's own later edits are not an editor's
                for change in entry.changes:
                    if change.path and not _WORKFLOW.match(change.path) and change.path not in paths:
                        paths.append(change.path)
            outcome.fields_changed = paths
            if outcome.outcome == "ratified" and paths:
                outcome.unchanged = False
        found.append(outcome)
    return found


def scorecard(glossary: Glossary) -> list[AgentScore]:
    """Per agent and model, every draft it made and what became of it; agents sorted by name."""
    logs = glossary.review_logs_dir
    scores: dict[tuple[str, str], AgentScore] = {}
    if not logs.is_dir():
        return []
    for folder in sorted(p for p in logs.iterdir() if p.is_dir()):
        events, _ = load_events(logs, folder.name, glossary.root)
        if not any(e.action == Action.DRAFT for e in events):
            continue
        for outcome in _outcomes(glossary, folder.name, events):
            key = (outcome.agent, outcome.model)
            scores.setdefault(key, AgentScore(*key)).drafts.append(outcome)
    return [scores[k] for k in sorted(scores)]
