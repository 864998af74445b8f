"""Undo: the acting identity's last action taken back as a new, reviewed action (`authoring undo`).

History is never rewritten. The undo is one new commit, with one `undo` event per term it touches
(`review_log.Action.UNDO`, naming the undone commit in `undoes`, its action in `undone`, and the events
it withdraws in `withdraws`), committed as the actor with the trailers `Action: undo` and `Undoes:`.

What an undo does, by the kind of action undone:

- a review (approve, request changes, comment): the event is withdrawn; the gates no longer count a
  withdrawn approval nor a withdrawn request for changes (`workflow.withdrawals`); the file is untouched;
- a status move (promote, demote, reject, deprecate), a content edit (`set`, fold-headers, one term or
  all), a relocation: the term file goes back to its bytes before the action — content, status and
  version (a version names one content, so the old content takes its old version back; a ratification
  undone is a candidate again with its old version) — keeping the `provenance.review_log` lines written
  since, plus one saying what was undone, and `last_updated` becomes today;
- a draft, a repair, an adoption: refused (a draft is rejected or demoted instead; the bytes before a
  repair do not parse, and a file that does not parse is never written).

Which action: the newest commit on the branch made by the tool (an `Action:` trailer) whose author is the
actor, passing over undo commits and the actions they undid (so `undo` twice undoes two actions).
Refused (exit 3) when a later commit by anyone changed the same term file or recorded a review on the
same term (later comments aside), or when the term no longer holds what the action left; refused with a
conflict (exit 4) when the branch moved between reading and the lock, or moved from the commit the
person confirmed.

Must never: rewrite or drop a commit; write a file that does not parse; import a UI.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from authoring.core.roundtrip import Editor
from authoring.core.termfile import TermFile, load_term
from authoring.errors import Conflict, GateRefused, ParseError
from authoring.repo.acting import acting
from authoring.repo.actions import (
    append_review_log,
    entry_version,
    load_for_action,
    new_event,
    refuse,
    revision_of,
    role,
    touch,
)
from authoring.repo.transaction import ActionResult, commit_message, today
from authoring.workflow import gates
from authoring.workflow.gaps import Gap, Gate
from authoring.workflow.identity import Identity
from authoring.workflow.review_log import Action, MalformedEvent, ReviewEvent, event_path, parse_event, term_revision
from authoring.workflow.statuses import status_of
from authoring.workflow.withdrawals import WITHDRAWABLE

if TYPE_CHECKING:
    from authoring.repo.git import LogCommit
    from authoring.repo.service import Glossary

UNDOABLE = frozenset({"approve", "request_changes", "comment", "promote", "demote", "reject", "deprecate", "edit",
                      "relocate"})
"""The `Action:` trailers an undo can take back."""
REFUSED = {
    "draft": "a draft is not undone: reject it (`authoring reject ID --note …`) or demote it instead",
    "repair": "a repair is not undone: the bytes before it do not parse, and a file that does not parse is never"
              " written; edit the field instead",
    "adopt": "an adoption is not undone: it writes the configuration and the baseline record; revert it with Git",
}
# Later commits on the same term that do not depend on the action (only a comment: nothing reads it).
INDEPENDENT = frozenset({"comment"})


@dataclass
class TermUndo:
    """What the undone commit did to one term."""

    term_id: str
    events: list[ReviewEvent] = field(default_factory=list)
    """The events the commit recorded on the term."""
    old_blob: str | None = None
    """The term file before the commit (None: the commit did not change the file, or created it)."""
    new_blob: str | None = None
    """The term file the commit left (None: it did not change the file, or deleted it)."""
    file_changed: bool = False


@dataclass
class UndoPlan:
    """The action an undo would take back, and what stands in its way (nothing written)."""

    commit: str
    """The commit of the action."""
    action: str
    """Its `Action:` trailer."""
    subject: str
    """Its commit subject."""
    date: str
    """Its author date."""
    terms: list[TermUndo]
    """The terms it touched, by id."""
    dependents: list[str] = field(default_factory=list)
    """Later commits on the same terms (`1a2b3c4d5e subject (author)`) that depend on it."""
    refusal: str | None = None
    """Why this action cannot be undone at all (a draft, a repair…)."""

    @property
    def term_ids(self) -> list[str]:
        """The ids of the terms it touched."""
        return [t.term_id for t in self.terms]

    def describe(self) -> str:
        """One line: `SLACK_WATER: approve (1a2b3c4d, 2026-11-20)`."""
        terms = ", ".join(self.term_ids) or "-"
        return f"{terms}: {self.action} — {self.subject} ({self.commit[:8]}, {self.date[:10]})"

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `--json`."""
        return {"commit": self.commit, "action": self.action, "subject": self.subject, "date": self.date,
                "terms": self.term_ids, "dependents": self.dependents, "refusal": self.refusal,
                "undoable": self.refusal is None and not self.dependents}


def last_action(glossary: Glossary, actor: Identity | None = None) -> UndoPlan:
    """The actor's last action that an undo would take back, with what depends on it; `GateRefused`
    (exit 3) when the actor has none. Reads Git only."""
    actor = actor or glossary.actor()
    terms_rel = glossary.git.relative(glossary.terms_dir).strip("/")
    logs_rel = glossary.git.relative(glossary.review_logs_dir).strip("/")
    walk = glossary.git.log([f"{terms_rel}/", f"{logs_rel}/"])
    settled: set[str] = set()  # undo commits and the commits they undid: pairs that cancel out
    later: list[LogCommit] = []
    target: LogCommit | None = None
    for commit in walk:  # newest first
        trailer = commit.trailers.get("Action")
        if commit.commit in settled:
            continue
        if trailer == "undo":
            undone = commit.trailers.get("Undoes", "")
            settled.update(c.commit for c in walk if undone and c.commit.startswith(undone))
            continue
        if trailer is not None and commit.author_email.lower() == actor.key:
            target = commit
            break
        later.append(commit)
    if target is None:
        raise GateRefused(f"nothing to undo: {actor} has no action on this branch",
                          [f"nothing to undo: no action by {actor} on this branch (or each is undone already)"])
    plan = _plan(glossary, target, terms_rel, logs_rel)
    touched = {f"{terms_rel}/{t}.md" for t in plan.term_ids}
    folders = tuple(f"{logs_rel}/{t}/" for t in plan.term_ids)
    for commit in later:
        paths = {c.path for c in commit.changes} | {c.old_path for c in commit.changes}
        on_file = bool(paths & touched)
        on_log = any(p.startswith(folders) for p in paths)
        if on_file or (on_log and commit.trailers.get("Action") not in INDEPENDENT):
            plan.dependents.append(f"{commit.commit[:10]} {commit.subject} ({commit.author})")
    return plan


def _plan(glossary: Glossary, commit: LogCommit, terms_rel: str, logs_rel: str) -> UndoPlan:
    action = commit.trailers.get("Action", "")
    terms: dict[str, TermUndo] = {}
    event_blobs: dict[str, tuple[str, str]] = {}  # path → (term, blob)
    for change in commit.changes:
        pure = PurePosixPath(change.path)
        if pure.suffix == ".md" and pure.parent.as_posix() == terms_rel:
            undo = terms.setdefault(pure.stem, TermUndo(pure.stem))
            undo.old_blob, undo.new_blob, undo.file_changed = change.old_blob, change.new_blob, True
        elif (change.status == "A" and change.new_blob and change.path.startswith(logs_rel + "/")
              and pure.suffix == ".yaml" and len(pure.relative_to(logs_rel).parts) == 2):
            term_id = pure.parent.name
            terms.setdefault(term_id, TermUndo(term_id))
            event_blobs[change.path] = (term_id, change.new_blob)
    blobs = glossary.git.read_blobs([blob for _, blob in event_blobs.values()])
    for path, (term_id, blob) in sorted(event_blobs.items()):
        try:
            terms[term_id].events.append(parse_event(blobs.get(blob, b"").decode("utf-8", errors="replace"), path))
        except MalformedEvent:
            continue  # the audit reports it; an undo withdraws only what it can read
    terms.pop("_adoption", None)
    refusal = REFUSED.get(action)
    if refusal is None and action not in UNDOABLE:
        refusal = f"an action of kind {action!r} is not one undo knows how to take back"
    if refusal is None and any(t.file_changed and (t.old_blob is None or t.new_blob is None) for t in terms.values()):
        refusal = "the action created or deleted a term file; undo only takes back changes to existing terms"
    return UndoPlan(commit.commit, action, commit.subject, commit.date, [terms[t] for t in sorted(terms)],
                    refusal=refusal)


def undo(glossary: Glossary, note: str | None = None, expected: str | None = None) -> ActionResult:
    """Take back the actor's last action as one new commit (see the module's doc). `expected` is the
    commit the person was shown (`last_action`): another one is a `Conflict`, never a surprise."""
    actor = acting(glossary, "undo", "undo")
    head_seen = glossary.git.head()
    with glossary.transaction() as tx:
        if glossary.git.head() != head_seen:
            raise Conflict("the branch moved while undo waited for the repository; nothing was done: run undo again")
        plan = last_action(glossary, actor)
        if expected is not None and not plan.commit.startswith(expected):
            raise Conflict(f"your last action is now {plan.commit[:10]} ({plan.subject}), not {expected[:10]};"
                           " nothing was undone: look again, then undo")
        _refuse_if_blocked(glossary, plan, actor)
        day = today()
        planned: list[tuple[Path, bytes | None, bytes | None, bool]] = []
        details: dict[str, dict[str, Any]] = {}
        summary = f"undo {plan.action} ({plan.commit[:10]})"
        said = f"undo of {plan.action} in {plan.commit[:10]} ({plan.subject})" + (f": {note}" if note else "")
        for term in plan.terms:
            loaded = load_for_action(glossary, tx, term.term_id)
            if term.file_changed:
                editor = _restored(glossary, plan, term, loaded.term, day, actor, said)
                after: Any = editor.render()
                planned.append((loaded.term.path, after, loaded.term.data, False))
                new_status = status_of(editor.data(-1)) or loaded.status
                version, revision = entry_version(editor), revision_of(editor)
            else:
                new_status, version, revision = loaded.status, entry_version(loaded.editor), loaded.revision
            event = _event(glossary, term, actor, plan, loaded.status.value, new_status.value, version, revision, said)
            planned.append((event_path(glossary.review_logs_dir, event), event.render().encode("utf-8"), None, True))
            details[term.term_id] = {"status_from": loaded.status.value, "status_to": new_status.value,
                                     "version": version, "withdraws": [e.id for e in term.events
                                                                        if e.action in WITHDRAWABLE]}
        trailers: list[tuple[str, str]] = []
        if len(plan.terms) == 1:
            only = plan.terms[0].term_id
            trailers.append(("Term", only))
            statuses = details[only]
            trailers.append(("Status", statuses["status_to"] if statuses["status_from"] == statuses["status_to"]
                             else f"{statuses['status_from']} → {statuses['status_to']}"))
            subject_id = only
        else:
            trailers.append(("Terms", str(len(plan.terms))))
            subject_id = "glossary"
        trailers[1:1] = [("Action", "undo"), ("Undoes", plan.commit), ("Undone-action", plan.action)]
        tx.write_many(planned)
        commit = tx.commit(commit_message(subject_id, summary, trailers), actor)
    return ActionResult(subject_id, "undo", commit, f"{', '.join(plan.term_ids)}: {summary} ({commit[:8]})",
                        {"undone": plan.to_json(), "terms": details})


def _refuse_if_blocked(glossary: Glossary, plan: UndoPlan, actor: Identity) -> None:
    where = ", ".join(plan.term_ids) or "undo"
    if plan.refusal is not None:
        raise refuse(where, f"undo of {plan.action} ({plan.commit[:10]})", [Gap(Gate.MOVE, f"undo: {plan.refusal}")])
    if plan.dependents:
        raise refuse(where, f"undo of {plan.action} ({plan.commit[:10]})",
                     [Gap(Gate.MOVE, f"later action depends on it: {d}") for d in plan.dependents]
                     + [Gap(Gate.MOVE, "undo those first (each by its author), or make a new action instead")])
    kind = Action(plan.action) if plan.action in Action._value2member_map_ else Action.EDIT
    missing = gates.permission_gaps(kind, actor, role(glossary, actor))
    if missing:
        raise refuse(where, "undo", missing)


def _restored(glossary: Glossary, plan: UndoPlan, term: TermUndo, current: TermFile, day: dt.date,
              actor: Identity, said: str) -> Editor:
    """The term file as it was before the action, with the review-log lines written since, one more saying
    what was undone, and `last_updated` today; refused when the file no longer holds what the action left."""
    blobs = glossary.git.read_blobs([b for b in (term.old_blob, term.new_blob) if b])
    path, display = current.path, current.display
    before = load_term(path, display, data=blobs.get(term.old_blob or "", b""), fast=True)
    left = load_term(path, display, data=blobs.get(term.new_blob or "", b""), fast=True)
    what = f"undo of {plan.action} ({plan.commit[:10]})"
    if term_revision(left) != term_revision(current) or status_of(left.entry or {}) != status_of(current.entry or {}):
        raise refuse(term.term_id, what, [Gap(Gate.STATUS, f"{term.term_id}: the file no longer holds what the"
                                              " action left (its content or status changed since); make a new"
                                              " action instead")])
    try:
        editor = Editor(before)
    except ParseError:
        raise refuse(term.term_id, what, [Gap(Gate.STATUS, f"{term.term_id}: the file before the action does not"
                                              " parse; it is never written back")]) from None
    old_log, now_log = _review_log(before), _review_log(current)
    if old_log is not None and now_log is not None and now_log[: len(old_log)] == old_log:
        for item in now_log[len(old_log):]:  # the trail in the file keeps every line written since
            editor.append(("provenance", "review_log"), item)
    touch(editor, day)
    append_review_log(editor, day, actor, said)
    return editor


def _review_log(term: TermFile) -> list[Any] | None:
    provenance = (term.entry or {}).get("provenance")
    log = provenance.get("review_log") if isinstance(provenance, dict) else None
    return log if isinstance(log, list) else None


def _event(glossary: Glossary, term: TermUndo, actor: Identity, plan: UndoPlan, status_from: str, status_to: str,
           version: str | None, revision: str, said: str) -> ReviewEvent:
    event = new_event(glossary, term.term_id, actor, Action.UNDO, from_status=status_from, to_status=status_to,
                      version=version, revision=revision, note=said)
    extra = {"undoes": plan.commit, "undone": plan.action,
             "withdraws": [e.id for e in term.events if e.action in WITHDRAWABLE]}
    return ReviewEvent.model_validate({**event.model_dump(), **extra})
