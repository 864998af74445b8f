"""The workflow's gates: pure functions of (entry, review events, actor and role, policy, snippet
checks) that return every unmet gate as a `Gap` (its gate and a sentence), so a refusal can name them all
at once and the checklist can file each under its gate.

Definitions the gates rely on:

- A **content change** is a `draft` event, or an `edit` event whose content revision differs from
  the revision of the event before it (an `edit` that only folded legacy headers changes nothing and
  counts for nothing; the first `edit` of a term older than the tool counts).
- The **authors** of a term are decided by `content_authorship.authors_of` (the one rule, shared with the
  audit): the identities of its content changes, and the editors its content names
  (`provenance.editors`). The gate does not read Git; the audit adds the authors of content commits
  made outside the tool since the adoption baseline (an import is not authorship).
- An approval is **valid** when a human editor (by the current `[people]` list, and recorded as an
  editor) who is not an author gave it on the current content revision, after the last content
  change. Valid approvals are counted once per identity.
- A request for changes is **open** until the same reviewer approves later, or the content changes
  after it (the request was about content that is gone; fresh approvals are needed anyway).
- A **demotion** (a move back, or a rejected term revived) reopens the review: approvals given before
  it no longer count, and its note is a request for changes, open and answered the same way.
- The **operational definition** is filled when something in it says something: `units` with text, a
  `symbol_table` row or a `measurement` procedure with any text in it (empty strings, lists and
  mappings alone are not a definition).
- An approval or a request for changes its giver withdrew (an `undo` event naming it, by the same
  identity: `workflow.withdrawals`) does not count at all; a demotion its giver undid reopens nothing.

Every gap is a `gaps.Gap`: the gate it belongs to and the sentence for the user.

Must never: touch Git, files or a UI; decide anything from the clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from authoring.config import People, Policy
from authoring.core.model import Status
from authoring.errors import Problem, Severity, UsageError
from authoring.workflow.content_authorship import authors_of
from authoring.workflow.gaps import Gap, Gate
from authoring.workflow.identity import Identity, Role, email_of, parse_identity, role_of
from authoring.workflow.review_log import Action, ReviewEvent, content_revision
from authoring.workflow.statuses import Move, move_problems, needs_note
from authoring.workflow.withdrawals import withdrawn_reviews

TRIAD_PARTS = ("art", "law", "philosophy")
CONTENT_ACTIONS = (Action.DRAFT, Action.EDIT, Action.UNDO)
"""Events that may change the content: a draft always does; an edit or an undo when its revision differs."""
AGENT_MAY = frozenset({Action.DRAFT, Action.EDIT, Action.COMMENT})
"""What an agent may do; everything else (approve, request changes, any status move) is for editors."""


@dataclass(frozen=True)
class SourceCheck:
    """Whether one provenance source's snippet stands in its module (computed by the service)."""

    index: int
    """Position in `provenance.sources`."""
    module: str | None
    """The module reference the source names."""
    found: bool
    """True when the module resolves and holds the snippet (whitespace-normalised)."""
    detail: str = ""
    """Why not, in words (`module DOMA-036 not found`, `snippet not in modules/X.md`)."""


@dataclass
class GateInput:
    """Everything a gate may look at. Built by the repository service under its lock."""

    entry: dict[str, Any]
    events: list[ReviewEvent]
    actor: Identity
    role: Role
    people: People = field(default_factory=People)
    policy: Policy = field(default_factory=Policy)
    sources: list[SourceCheck] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unreadable_events: list[Problem] = field(default_factory=list)
    commit_authors: list[tuple[str, str]] = field(default_factory=list)
    """(identity, commit) of content changes Git shows since the adoption baseline (authors too)."""
    revision: str | None = None
    """The whole file's content revision (body and legacy headers included)."""


@dataclass
class ContentHistory:
    """Who changed the content and when, read from the events."""

    authors: dict[str, str] = field(default_factory=dict)
    """email → `Name <email>` of every identity that made a content change."""
    last_change: int | None = None
    """Index (in the events) of the last content change."""


@dataclass
class ApprovalTally:
    """How the approvals and requests for changes on a term stand."""

    valid: list[str] = field(default_factory=list)
    """Approvers whose approval counts (`Name <email>`, once each)."""
    stale: list[str] = field(default_factory=list)
    """Approvers whose approval was given on content that has changed since."""
    by_authors: list[str] = field(default_factory=list)
    """Approvals by the term's own authors or editors (never counted)."""
    by_non_editors: list[str] = field(default_factory=list)
    """Approvals by agents or by identities not listed as editors (never counted)."""
    before_demotion: list[str] = field(default_factory=list)
    """Approvers whose approval was given before the term was last moved back (no longer counted)."""
    open_requests: list[ReviewEvent] = field(default_factory=list)
    """Requests for changes still open (a demotion's note is one)."""


def content_history(events: list[ReviewEvent]) -> ContentHistory:
    """The authors and the last content change (see the module's definitions)."""
    history = ContentHistory()
    revision: str | None = None
    for index, event in enumerate(events):
        # Every event carries the revision it saw, so the revision before an edit is known even when
        # the term predates the tool (no `draft` event).
        if event.action in CONTENT_ACTIONS and (
                event.action is Action.DRAFT or event.revision is None or event.revision != revision):
            history.authors.setdefault(event.who_email, event.who)
            history.last_change = index
        if event.revision is not None:
            revision = event.revision
    return history


def role_of_who(who: str, people: People) -> Role:
    """The current role of an identity as recorded in an event (`Name <email>`)."""
    try:
        return role_of(parse_identity(who), people.editors, people.agents)
    except UsageError:
        return Role.NONE


def tally(entry: dict[str, Any], events: list[ReviewEvent], people: People, *,
          revision: str | None = None, commit_authors: Sequence[tuple[str, str]] = ()) -> ApprovalTally:
    """Sort the approvals on the current content, and find the open requests for changes. `revision` is
    the whole file's content revision (`review_log.term_revision`); without it, the entry's alone.

    `commit_authors` (identity, commit) are content commits made outside the tool since adoption,
    when the caller reads history (the audit); authors are `content_authorship.authors_of`'s."""
    result = ApprovalTally()
    current = revision or content_revision(entry)
    history = content_history(events)
    authors = authors_of(entry, events, commit_authors)
    after = -1 if history.last_change is None else history.last_change
    withdrawn = withdrawn_reviews(events)  # approvals, requests and demotions their giver undid (`repo.undo`)
    reopened = max((i for i, e in enumerate(events) if e.action is Action.DEMOTE and e.id not in withdrawn),
                   default=-1)
    seen: set[str] = set()
    for index, event in enumerate(events):
        if event.action is not Action.APPROVE or event.id in withdrawn:
            continue
        email = event.who_email
        if event.role != Role.EDITOR.value or role_of_who(event.who, people) is not Role.EDITOR:
            bucket = result.by_non_editors
        elif authors.includes(event.who):
            bucket = result.by_authors
        elif event.revision != current or index < after:
            bucket = result.stale
        elif index < reopened:
            bucket = result.before_demotion
        elif email in seen:
            continue
        else:
            seen.add(email)
            bucket = result.valid
        if event.who not in bucket:
            bucket.append(event.who)
    # A stale approval superseded by a valid one from the same person is not worth reporting.
    result.stale = [who for who in result.stale if email_of(who) not in seen]
    result.before_demotion = [who for who in result.before_demotion if email_of(who) not in seen]
    for index, event in enumerate(events):
        # a demotion says why the term moved back: a request for changes like any other
        if event.id in withdrawn or not (event.action is Action.REQUEST_CHANGES
                                         or (event.action is Action.DEMOTE and event.note)):
            continue
        later = events[index + 1 :]
        answered = any(e.action is Action.APPROVE and e.who_email == event.who_email for e in later)
        reworked = history.last_change is not None and history.last_change > index
        if not answered and not reworked:
            result.open_requests.append(event)
    return result



# -- the gates ------------------------------------------------------------------------------------


def permission_gaps(action: Action, actor: Identity, role: Role) -> list[Gap]:
    """Whether the actor may take this action at all."""
    if role is Role.NONE:
        return [Gap(Gate.PERMISSION,
                    f"permission: {actor} is not listed among the editors ([people] editors in the configuration)")]
    if role is Role.AGENT and action not in AGENT_MAY:
        return [Gap(Gate.PERMISSION,
                    f"permission: {actor} is an agent; agents may draft, edit and comment, never {action.value}")]
    return []


def full_entry_gaps(gi: GateInput) -> list[Gap]:
    """What a draft lacks to become a candidate: a full entry, a found snippet, no errors."""
    entry = gi.entry
    gaps: list[Gap] = []
    triad = entry.get("triad")
    if not isinstance(triad, dict):
        gaps.append(Gap(Gate.TRIAD, "triad: missing (needs art, law and philosophy)", "triad"))
    else:
        empty = [part for part in TRIAD_PARTS if not _filled(triad.get(part))]
        if empty:
            gaps.append(Gap(Gate.TRIAD, f"triad: {', '.join(empty)} missing or empty", "triad"))
    if not _filled(entry.get("pirouette_definition")):
        gaps.append(Gap(Gate.DEFINITION, "pirouette_definition: missing or empty", "pirouette_definition"))
    if not operational_filled(entry.get("operational_definition")):
        gaps.append(Gap(Gate.OPERATIONAL, "operational_definition: missing or empty (needs units, a symbol_table"
                        " row or a measurement procedure with something in it)", "operational_definition"))
    if not isinstance(entry.get("crosslinks"), dict):
        gaps.append(Gap(Gate.CROSSLINKS, "crosslinks: missing (near_synonyms, antonyms, prerequisites,"
                        " downstream_effects)", "crosslinks"))
    gaps.extend(_source_gaps(gi))
    errors = [p for p in gi.problems if p.severity is Severity.ERROR]
    if errors:
        shown = "; ".join(p.format() for p in errors[:3])
        more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
        gaps.append(Gap(Gate.PROBLEMS, f"problems: {len(errors)} error-level problem(s): {shown}{more}"))
    return gaps


def operational_filled(operational: Any) -> bool:
    """Whether an operational definition says something: `units` with text, or a `symbol_table` row or
    a `measurement` procedure with any text in it. Keys with empty values (`units: ""`,
    `symbol_table: []`, `measurement: {procedures: []}`) are the shape of one, not one."""
    if not isinstance(operational, dict):
        return False
    return any(_says_something(value) for value in operational.values())


def _says_something(value: Any) -> bool:
    """True when a value holds, anywhere inside it, a non-blank string or a number."""
    if isinstance(value, dict):
        return any(_says_something(v) for v in value.values())
    if isinstance(value, list):
        return any(_says_something(v) for v in value)
    return _filled(value)


def _source_gaps(gi: GateInput) -> list[Gap]:
    provenance = gi.entry.get("provenance")
    if not isinstance(provenance, dict):
        return [Gap(Gate.PROVENANCE, "provenance: needs sources [{module, lines, snippet}] (a stub's list of module"
                    " ids is not enough)", "provenance")]
    sources = provenance.get("sources")
    if not isinstance(sources, list) or not sources:
        return [Gap(Gate.PROVENANCE, "provenance.sources: no source cited (needs at least one {module, lines,"
                    " snippet})", "provenance.sources")]
    if any(check.found for check in gi.sources):
        return []
    details = "; ".join(f"sources.{c.index} ({c.module}): {c.detail}" for c in gi.sources) or "none checked"
    return [Gap(Gate.PROVENANCE, f"provenance.sources: no source whose snippet is found in its module ({details})",
                "provenance.sources")]


def ratification_gaps(gi: GateInput) -> list[Gap]:
    """What a candidate lacks to be ratified: enough valid approvals, no open request for changes."""
    gaps: list[Gap] = []
    if gi.unreadable_events:
        gaps.append(Gap(Gate.REVIEW_LOG, "review log: unreadable event file(s) could hide a review: "
                        + "; ".join(p.format() for p in gi.unreadable_events[:3])))
    result = tally(gi.entry, gi.events, gi.people, revision=gi.revision, commit_authors=gi.commit_authors)
    needed = gi.policy.approvals_to_ratify
    if len(result.valid) < needed:
        said = [f"{len(result.valid)} valid" + (f" ({', '.join(result.valid)})" if result.valid else "")]
        if result.stale:
            said.append(f"stale, given before the last content change: {', '.join(result.stale)}")
        if result.by_authors:
            said.append(f"by an author or editor of the content: {', '.join(result.by_authors)}")
        if result.by_non_editors:
            said.append(f"by an agent or non-editor: {', '.join(result.by_non_editors)}")
        if result.before_demotion:
            said.append(f"given before the term was moved back: {', '.join(result.before_demotion)}")
        gaps.append(Gap(Gate.APPROVALS, f"approvals: {needed} needed from human editors who did not author or edit"
                        f" the content, on the current content; {'; '.join(said)}"))
    for request in result.open_requests:
        how = (f", moving it back {request.from_status} → {request.to_status}"
               if request.action is Action.DEMOTE else "")
        gaps.append(Gap(Gate.OPEN_REQUESTS, f"open request for changes by {request.who} ({request.when:%Y-%m-%d}{how}):"
                        f" {request.note or ''}".rstrip(": ")))
    return gaps


def move_gaps(gi: GateInput, move: Move, current: Status, target: Status, note: str | None,
              superseded_by_exists: bool | None = None) -> list[Gap]:
    """Every unmet gate of a status move, in the order a user would fix them."""
    action = {Move.PROMOTE: Action.PROMOTE, Move.DEMOTE: Action.DEMOTE, Move.REJECT: Action.REJECT,
              Move.DEPRECATE: Action.DEPRECATE}[move]
    gaps = permission_gaps(action, gi.actor, gi.role)
    shape = [Gap(Gate.MOVE, problem) for problem in move_problems(move, current, target)]
    gaps.extend(shape)
    if needs_note(move) and not _filled(note):
        gaps.append(Gap(Gate.NOTE, f"note: a {move.value} needs a note saying why (--note TEXT)"))
    if superseded_by_exists is False:
        gaps.append(Gap(Gate.SUCCESSOR, "superseded_by: names no term in this glossary", "superseded_by"))
    if shape or move is not Move.PROMOTE:
        return gaps
    if target is Status.CANDIDATE:
        gaps.extend(full_entry_gaps(gi))
    elif target is Status.RATIFIED:
        gaps.extend(ratification_gaps(gi))
    return gaps


def review_gaps(gi: GateInput, action: Action, current: Status, note: str | None) -> list[Gap]:
    """Every unmet gate of a review event (approve, request changes, comment)."""
    gaps = permission_gaps(action, gi.actor, gi.role)
    if action is not Action.APPROVE and not _filled(note):
        gaps.append(Gap(Gate.NOTE, f"note: a {action.value.replace('_', ' ')} needs a note (--note TEXT)"))
    if action in (Action.APPROVE, Action.REQUEST_CHANGES) and current not in (Status.DRAFT, Status.CANDIDATE):
        gaps.append(Gap(Gate.STATUS, f"status: only drafts and candidates are reviewed; this term is {current}"
                        " (reopen it with demote to review it again)", "status"))
    if action is Action.APPROVE and gi.role is Role.EDITOR:
        why = authors_of(gi.entry, gi.events, gi.commit_authors).why(str(gi.actor))
        if why is not None:
            gaps.append(Gap(Gate.SELF_APPROVAL, f"self-approval: {gi.actor} authored or edited this content ({why});"
                            " another editor must approve"))
    return gaps


def draft_over_gaps(old_status: str | None, requester: Identity | None, requester_role: Role,
                    note: str | None) -> list[Gap]:
    """What drafting over an existing term needs when that term is past `draft` (a draft replaces it
    as a draft 0.1, which moves it back): an editor asking for it, and a note saying why. An agent's
    checkout never may; the draft's author is the agent either way."""
    if old_status in (None, Status.DRAFT.value):
        return []
    gaps: list[Gap] = []
    if requester is None or requester_role is not Role.EDITOR:
        who = f"{requester}" if requester is not None else "no Git identity"
        kind = "an agent" if requester_role is Role.AGENT else "not an editor"
        gaps.append(Gap(Gate.PERMISSION, f"permission: drafting over a {old_status} term moves it back to draft;"
                        f" only an editor may ask for that, and {who} is {kind}"))
    if not _filled(note):
        gaps.append(Gap(Gate.NOTE, f"note: drafting over a {old_status} term moves it back to draft and needs a"
                        " note saying why (--note TEXT)"))
    return gaps


def _filled(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, dict | list):
        return bool(value)
    return True
