"""The review queue (`authoring queue`, the UI's queue view): what awaits the acting identity.

Four lists, each item a term with the reason it is there:

- **to approve**: candidates the actor (an editor) did not author (`content_authorship.authors_of`, with
  the Git authors of content commits since adoption, as the gates count them), with no valid approval of
  theirs on the current content and no open request for changes of theirs (that term is in *requests*);
  a stale approval of theirs is said;
- **requests**: open requests for changes (`gates.tally`) on terms the actor authored (theirs to answer)
  or raised by the actor (theirs to settle once the term is reworked);
- **agent drafts**: drafts whose last content change is an agent's `draft` event that no editor has
  reviewed, moved or edited since (for editors);
- **my drafts**: drafts the actor authored.

It also counts the valid approvals of every term that has any (the list's ✓ column).

Cost: the term index gives every status; one `git log` walk over the review-log folder gives every
committed event, judged by the same authorship rule as the gates (`workflow.authorship.authored`); one
walk over the terms folder since adoption gives content commits made outside the tool, of which only
those by the actor or by an approver of that term are parsed (nobody else's authorship changes an
answer); the candidates and drafts, and terms with events, are read through the fast loader. The answer
is kept in `<git dir>/authoring/queue-v1.json`, per actor, under the audit's key (`audit_cache.audit_key`:
HEAD, the index entries and changed files of the terms, review-log and module folders, the configuration,
the code), so an unchanged repository answers from the store.

Must never: write anything but its store; run Git except through `repo.git`; import a UI.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from authoring.errors import AuthoringError
from authoring.repo.index import index_dir
from authoring.workflow.identity import Identity, Role, email_of

if TYPE_CHECKING:
    from authoring.repo.service import Glossary
    from authoring.workflow.review_log import ReviewEvent

FORMAT = 1
STORE = f"queue-v{FORMAT}.json"
KINDS = ("to_approve", "requests", "agent_drafts", "my_drafts")
"""The queue's lists, in the order they are shown."""
TITLES = {"to_approve": "Candidates awaiting your approval", "requests": "Open requests for changes",
          "agent_drafts": "Agent drafts awaiting a first review", "my_drafts": "Your drafts"}


@dataclass
class QueueItem:
    """One term in the queue, with why it is there."""

    term: str
    """The term's id."""
    name: str | None
    """The term's name (`term:`)."""
    status: str
    """Its status now."""
    version: str | None
    """Its version now."""
    reason: str
    """Why it awaits the actor, in words."""
    approvals: int = 0
    """Valid approvals on its current content."""
    since: str | None = None
    """The date (UTC, ISO) of the event that put it here, when one did."""


@dataclass
class Queue:
    """What awaits one identity."""

    actor: str
    """The identity the queue is for (`Name <email>`)."""
    role: str
    """Its role: `editor`, `agent` or `none`."""
    needed: int = 1
    """Approvals a ratification needs (the policy)."""
    to_approve: list[QueueItem] = field(default_factory=list)
    requests: list[QueueItem] = field(default_factory=list)
    agent_drafts: list[QueueItem] = field(default_factory=list)
    my_drafts: list[QueueItem] = field(default_factory=list)
    approvals: dict[str, int] = field(default_factory=dict)
    """Valid approvals of every term that has any (term id → count)."""
    cached: bool = False
    """True when the answer came from the store."""

    def items(self, kind: str) -> list[QueueItem]:
        """The list named `kind` (one of `KINDS`)."""
        found: list[QueueItem] = getattr(self, kind)
        return found

    @property
    def counts(self) -> dict[str, int]:
        """How many items each list holds."""
        return {kind: len(self.items(kind)) for kind in KINDS}

    def describe(self) -> str:
        """The queue as text, a section per non-empty list."""
        lines = [f"queue for {self.actor} ({self.role}): "
                 + ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in self.counts.items())]
        for kind in KINDS:
            items = self.items(kind)
            if items:
                lines.append(f"\n{TITLES[kind]} ({len(items)}):")
                lines.extend(f"  {i.term:<28} {i.status:<10} ✓{i.approvals}/{self.needed}  {i.reason}" for i in items)
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `--json`."""
        data = asdict(self)
        data["counts"] = self.counts
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Queue:
        """The inverse of `to_json`."""
        def items(kind: str) -> list[QueueItem]:
            return [QueueItem(**item) for item in data.get(kind, [])]

        return cls(actor=data["actor"], role=data["role"], needed=int(data.get("needed", 1)),
                   to_approve=items("to_approve"), requests=items("requests"), agent_drafts=items("agent_drafts"),
                   my_drafts=items("my_drafts"),
                   approvals={str(k): int(v) for k, v in data.get("approvals", {}).items()})


def review_queue(glossary: Glossary) -> Queue:
    """The actor's queue: from the store when nothing it reads has changed, else worked out (then stored)."""
    from authoring.repo.audit_cache import audit_key

    actor = glossary.actor()
    key = audit_key(glossary, False) + "|" + actor.key
    store = index_dir(glossary.git.git_dir, glossary.root) / STORE
    stored = _read(store).get(actor.key)
    if isinstance(stored, dict) and stored.get("key") == key:
        with contextlib.suppress(KeyError, TypeError, ValueError):
            queue = Queue.from_json(stored["queue"])
            queue.cached = True
            return queue
    queue = compute_queue(glossary, actor)
    _write(store, actor.key, key, queue)
    return queue


def compute_queue(glossary: Glossary, actor: Identity) -> Queue:
    """Work the queue out from the repository (see the module's doc for what it reads)."""
    from authoring.repo.actions import role
    from authoring.workflow import gates
    from authoring.workflow.content_authorship import authors_of
    from authoring.workflow.review_log import term_revision
    from authoring.workflow.withdrawals import withdrawn_reviews

    people = glossary.config.people
    acting_role = role(glossary, actor)
    queue = Queue(str(actor), acting_role.value, glossary.config.policy.approvals_to_ratify)
    summaries = {s.id: s for s in glossary.summaries()}
    events = committed_events_by_term(glossary)
    wanted = [t for t, s in summaries.items() if s.parses and (s.status in ("draft", "candidate", None) or t in events)]
    approvers = {t: {e.who_email for e in events.get(t, []) if e.action.value == "approve"} for t in wanted}
    outside = outside_content_authors(glossary, {t: approvers[t] | {actor.key} for t in wanted})
    for term_id in wanted:
        summary = summaries[term_id]
        try:
            term = glossary.load(term_id)
        except (AuthoringError, OSError):  # a file removed or made unreadable meanwhile: not in the queue
            continue
        entry = term.entry
        if entry is None:
            continue
        status = summary.status or "draft"
        trail = events.get(term_id, [])
        commit_authors = outside.get(term_id, [])
        tally = gates.tally(entry, trail, people, revision=term_revision(term), commit_authors=commit_authors)
        if tally.valid:
            queue.approvals[term_id] = len(tally.valid)
        authors = authors_of(entry, trail, commit_authors)
        mine = authors.includes(str(actor))

        def item(reason: str, since: str | None = None, *, term_id: str = term_id, status: str = status,
                 valid: int = len(tally.valid)) -> QueueItem:
            return QueueItem(term_id, summaries[term_id].term, status, summaries[term_id].version, reason, valid, since)

        raised = [r for r in tally.open_requests if r.who_email == actor.key]
        for request in tally.open_requests:
            if request.who_email == actor.key:
                queue.requests.append(item(f"you asked for changes: {_short(request.note)}", _day(request)))
            elif mine:
                queue.requests.append(item(f"{request.who} asks you for changes: {_short(request.note)}",
                                           _day(request)))
        if (acting_role is Role.EDITOR and status == "candidate" and not mine and not raised
                and actor.key not in {email_of(w) for w in tally.valid}):
            stale = actor.key in {email_of(w) for w in tally.stale}
            reason = ("your approval is stale: the content changed since; approve it again" if stale
                      else f"needs {max(queue.needed - len(tally.valid), 0)} more approval(s)"
                      if len(tally.valid) < queue.needed else "ratifiable; your approval would add to it")
            queue.to_approve.append(item(reason))
        if status != "draft":
            continue
        if mine:
            queue.my_drafts.append(item("you authored it" + (f" ({authors.why(str(actor))})"
                                                             if authors.why(str(actor)) else "")))
        if acting_role is Role.EDITOR and (drafted := _unreviewed_agent_draft(trail, people, withdrawn_reviews(trail))):
            queue.agent_drafts.append(item(f"drafted by {drafted.who}; no editor has reviewed it", _day(drafted)))
    return queue


def _unreviewed_agent_draft(trail: list[ReviewEvent], people: Any, withdrawn: set[str]) -> ReviewEvent | None:
    """The agent's `draft` event when it is the last content change and no editor acted on the term since."""
    from authoring.workflow import gates
    from authoring.workflow.review_log import Action

    drafts = [i for i, e in enumerate(trail) if e.action is Action.DRAFT]
    if not drafts:
        return None
    last = trail[drafts[-1]]
    if last.role != Role.AGENT.value:
        return None
    for later in trail[drafts[-1] + 1:]:
        if later.id in withdrawn or later.action is Action.UNDO:
            continue
        if gates.role_of_who(later.who, people) is Role.EDITOR:
            return None
    return last


def committed_events_by_term(glossary: Glossary) -> dict[str, list[ReviewEvent]]:
    """Every term's committed events that count (`repo.trail`'s rule), oldest first, from one walk over the
    review-log folder (instead of a walk per term)."""
    from authoring.repo.trail import adder_of
    from authoring.workflow.authorship import authored
    from authoring.workflow.review_log import MalformedEvent, parse_event

    git = glossary.git
    config = glossary.config
    agents = frozenset(email_of(a) for a in config.people.agents)
    signers = (glossary.root / config.audit.allowed_signers
               if config.audit.require_signed and config.audit.allowed_signers else None)
    logs_rel = git.relative(glossary.review_logs_dir).strip("/")
    latest: dict[str, tuple[str, str | None]] = {}
    added: dict[str, tuple[Any, str | None]] = {}
    for commit in git.log([f"{logs_rel}/"]):
        for change in commit.changes:
            latest.setdefault(change.path, (change.status, change.new_blob))
            if change.status == "A":
                added.setdefault(change.path, (commit, change.new_blob))
    current = {path: blob for path, (status, blob) in latest.items()
               if status != "D" and blob is not None and path.endswith(".yaml")
               and len(PurePosixPath(path).relative_to(logs_rel).parts) == 2}
    signatures = git.signatures([c.commit for c, _ in added.values()], signers) if signers is not None else {}
    blobs = git.read_blobs(list(current.values()))
    found: dict[str, list[ReviewEvent]] = {}
    for path, blob in sorted(current.items()):
        folder = PurePosixPath(path).parent.name
        try:
            event = parse_event(blobs.get(blob, b"").decode("utf-8", errors="replace"), path)
        except MalformedEvent:
            continue  # the audit and the gates report it
        adder = None
        if path in added:
            commit, added_blob = added[path]
            adder = adder_of(commit, added_blob != blob, signatures.get(commit.commit, ("N", "")))
        if authored(event, folder, adder, require_signed=signers is not None, agents=agents).counts:
            found.setdefault(folder, []).append(event)
    for trail in found.values():
        trail.sort(key=lambda e: (e.when, e.id))
    return found


def outside_content_authors(glossary: Glossary, wanted: dict[str, set[str]]) -> dict[str, list[tuple[str, str]]]:
    """`(Name <email>, commit)` of commits made outside the tool since the adoption baseline that changed a
    term's content (as `authorship_history.content_commit_authors` counts them), for the terms in `wanted`
    and only by the emails wanted for each: one walk over the terms folder."""
    from authoring.repo.authorship_history import adoption_commit
    from authoring.repo.revisions import ABSENT, RevisionCache

    git = glossary.git
    if git.head() is None or not wanted:
        return {}
    terms_rel = git.relative(glossary.terms_dir).strip("/")
    base = adoption_commit(glossary)
    cache = RevisionCache(git, slim=True)
    found: dict[str, list[tuple[str, str]]] = {}
    for commit in git.log([f"{terms_rel}/"], rev=f"{base}..HEAD" if base else None):
        if "Action" in commit.trailers:
            continue  # the tool's content changes are events, which `authors_of` counts already
        email = commit.author_email.lower()
        for change in commit.changes:
            pure = PurePosixPath(change.path)
            term_id = pure.stem
            if pure.parent.as_posix() != terms_rel or email not in wanted.get(term_id, ()):
                continue
            if any(who == commit.author for who, _ in found.get(term_id, [])):
                continue
            before = cache.at_blob(change.old_blob, change.path) if change.old_blob else ABSENT
            after = cache.at_blob(change.new_blob, change.path) if change.new_blob else ABSENT
            if after is not ABSENT and before.content_revision != after.content_revision:
                found.setdefault(term_id, []).append((commit.author, commit.commit))
    return found


def _short(note: str | None, limit: int = 80) -> str:
    text = " ".join((note or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _day(event: ReviewEvent) -> str:
    return event.when.date().isoformat()


def _read(store: Any) -> dict[str, Any]:
    try:
        data = json.loads(store.read_bytes())
    except (OSError, ValueError):
        return {}
    entries = data.get("queues") if isinstance(data, dict) and data.get("format") == FORMAT else None
    return entries if isinstance(entries, dict) else {}


def _write(store: Any, actor_key: str, key: str, queue: Queue) -> None:
    """Keep the answer for `actor_key` (best effort, atomic; a few actors at most are kept)."""
    with contextlib.suppress(OSError):
        entries = {k: v for k, v in _read(store).items() if isinstance(v, dict) and v.get("key", "").split("|")[0]
                   == key.split("|")[0]}
        entries[actor_key] = {"key": key, "queue": queue.to_json()}
        payload = json.dumps({"format": FORMAT, "queues": entries}, ensure_ascii=False).encode("utf-8")
        store.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".queue.", suffix=".tmp", dir=store.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
            os.replace(tmp, store)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
