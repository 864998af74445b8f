"""A term's history and field-level diffs between its revisions (spec §8).

`term_history` answers "who changed what, when, on whose review": every commit that touched the
term file (across renames) or recorded a review event for it, newest first, with the action (from
the commit's trailers, else inferred from what changed), status and version before and after, the
review events that commit recorded, and the field-level changes.

Cost: two `git log` walks (one following the file across renames, one over the file's names and
review-log folders, which also fixes the order), blobs read through one `cat-file` process, each
distinct blob parsed once.

Must never: write files or run Git except through `repo.git`; import a UI.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from authoring.errors import NotFound, UsageError
from authoring.repo.git import FileChange, Git, LogCommit
from authoring.repo.revisions import ABSENT, FieldChange, Revision, RevisionCache, file_changes
from authoring.repo.trail import adder_of
from authoring.workflow.authorship import authored
from authoring.workflow.review_log import Action, MalformedEvent, ReviewEvent, parse_event

STATUS_ORDER = {"draft": 0, "candidate": 1, "ratified": 2}
STATUS_MOVES = (Action.PROMOTE, Action.DEMOTE, Action.REJECT, Action.DEPRECATE)


class HistoryEntry(BaseModel):
    """One commit in a term's history."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    commit: str
    """The commit id."""
    date: str
    """The author date, ISO 8601."""
    author: str
    """The commit's author, `Name <email>`."""
    subject: str
    """The commit message's first line."""
    action: str
    """What the commit did: the `Action:` trailer, else inferred (`create`, `edit`, `promote`, …)."""
    action_inferred: bool
    """True when `action` was inferred from the changes rather than read from a trailer."""
    path: str | None
    """The term file's path after the commit (None when the commit deleted it)."""
    status_before: str | None
    """The entry's status before the commit."""
    status_after: str | None
    """The entry's status after the commit."""
    version_before: str | None
    """The entry's version before the commit."""
    version_after: str | None
    """The entry's version after the commit."""
    revision_after: str | None
    """The content revision after the commit (what review events refer to)."""
    changes: list[FieldChange] = Field(default_factory=list)
    """Field-level changes made by the commit."""
    reviews: list[dict[str, Any]] = Field(default_factory=list)
    """The review events the commit recorded, each with `counts` (whether it counts at the gates, by the
    authorship rule) and `doubt` (why not, or what is unproven; None when nothing)."""
    error: str | None = None
    """Why the file at this commit (or its parent) could not be read as an entry, if it could not."""
    touched_file: bool = True
    """False for commits that only recorded review events."""


@dataclass
class _Step:
    commit: LogCommit
    change: FileChange | None
    events: list[dict[str, Any]]
    event_errors: list[str]


def term_history(git: Git, cache: RevisionCache, term_rel: str, review_dir_rel: str,
                 agents: frozenset[str] = frozenset()) -> list[HistoryEntry]:
    """Every commit that touched `term_rel` (following renames) or added events under its review folder.

    Each review event is judged by the authorship rule (`workflow.authorship.authored`, as at the gates;
    signatures aside): one that does not count says so (`counts: false`, `doubt`), never shown as if it
    did. `agents` are the lower-cased emails of the configured agents."""
    followed = git.log([term_rel], follow=True)
    changes: dict[str, FileChange] = {}
    names = {term_rel}
    for commit in followed:
        for touched in commit.changes:
            changes.setdefault(commit.commit, touched)
            names.update({touched.path, touched.old_path})
    stems = {PurePosixPath(name).stem for name in names}
    review_root = PurePosixPath(review_dir_rel).parent
    review_dirs = sorted({f"{review_root / stem}/" for stem in stems} | {review_dir_rel.rstrip("/") + "/"})
    ordered = git.log([*sorted(names), *review_dirs], follow=False)
    cache.prefetch([b for change in changes.values() for b in (change.old_blob, change.new_blob)]
                   + [c.new_blob for commit in ordered for c in commit.changes if c.path.endswith(".yaml")])
    steps: list[_Step] = []
    for commit in ordered:
        change = changes.get(commit.commit)
        if change is None and len(commit.parents) > 1:
            # `--follow` leaves merges out; a merge that changed the file shows in the ordered walk
            change = next(filter(None, (_merge_change(git, commit, name) for name in sorted(names))), None)
        events, errors = _added_events(cache, commit, review_dirs, agents)
        if change is None and not events and not errors:
            continue
        steps.append(_Step(commit, change, events, errors))
    return _entries(steps, cache)


def _merge_change(git: Git, commit: LogCommit, path: str) -> FileChange | None:
    """A merge that touched the file: compare with its first parent (Git shows merges without a diff)."""
    new = git.blob_at(commit.commit, path)
    old = git.blob_at(commit.parents[0], path)
    if new == old:
        return None
    status = "A" if old is None else "D" if new is None else "M"
    return FileChange(status, path, path, old, new)


def _added_events(cache: RevisionCache, commit: LogCommit, review_dirs: Sequence[str],
                  agents: frozenset[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """The events a commit added or changed (as JSON, judged, oldest first) and those it could not read."""
    events: list[tuple[ReviewEvent, dict[str, Any]]] = []
    errors: list[str] = []
    for change in commit.changes:
        if change.status not in "AMRC" or change.new_blob is None:
            continue
        if not any(change.path.startswith(d) for d in review_dirs) or not change.path.endswith(".yaml"):
            continue
        data = cache.blob_bytes(change.new_blob)
        try:
            event = parse_event((data or b"").decode("utf-8", errors="replace"), change.path)
        except MalformedEvent as exc:
            errors.append(exc.problem.format())
            continue
        verdict = authored(event, PurePosixPath(change.path).parts[-2], adder_of(commit, change.status != "A"),
                           require_signed=False, agents=agents)
        doubts = [f"{f.code}: {f.message}" for f in verdict.findings]
        events.append((event, {**event.to_json(), "counts": verdict.counts, "doubt": "; ".join(doubts) or None}))
    events.sort(key=lambda pair: (pair[0].when, pair[0].id))
    return [judged for _, judged in events], errors


def _entries(steps: list[_Step], cache: RevisionCache) -> list[HistoryEntry]:
    """Walk oldest → newest so that commits recording only events know the term's state then."""
    entries: list[HistoryEntry] = []
    state: Revision = ABSENT
    path: str | None = None
    for step in reversed(steps):
        commit = step.commit
        if step.change is not None:
            display_old = step.change.old_path
            before = cache.at_blob(step.change.old_blob, display_old) if step.change.old_blob else ABSENT
            after = cache.at_blob(step.change.new_blob, step.change.path) if step.change.new_blob else ABSENT
            path = step.change.path if step.change.new_blob else None
        else:
            before = after = state
        error = after.error or before.error
        if step.event_errors:
            error = "; ".join(filter(None, [error, *step.event_errors]))
        changes = file_changes(before, after) if before.error is None and after.error is None else []
        trailer = commit.trailers.get("Action")
        action = trailer or infer_action(step.change, before, after, step.events)
        entries.append(HistoryEntry(
            commit=commit.commit, date=commit.date, author=commit.author, subject=commit.subject,
            action=action, action_inferred=trailer is None, path=path,
            status_before=before.status, status_after=after.status,
            version_before=before.version, version_after=after.version,
            revision_after=after.content_revision, changes=changes,
            reviews=step.events, error=error, touched_file=step.change is not None))
        state = after
    entries.reverse()
    return entries


def infer_action(change: FileChange | None, before: Revision, after: Revision, events: list[dict[str, Any]]) -> str:
    """What a commit without an `Action:` trailer did, judged from the file and the events it added."""
    if change is None:
        return ",".join(dict.fromkeys(str(e["action"]) for e in events)) or "review"
    if change.new_blob is None:
        return "delete"
    if change.old_blob is None:
        return "create"
    if before.status != after.status and before.entry is not None and after.entry is not None:
        return status_move(before.status, after.status)
    if change.status == "R" and change.old_blob == change.new_blob:
        return "rename"
    return "edit"


def status_move(old: str | None, new: str | None) -> str:
    """The workflow's name for a status change."""
    if new == "rejected":
        return "reject"
    if new == "deprecated":
        return "deprecate"
    if STATUS_ORDER.get(new or "", -1) > STATUS_ORDER.get(old or "", -1):
        return "promote"
    return "demote"


class TermDiff(BaseModel):
    """Field-level changes of one term between two revisions."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    term: str
    """The term's canonical id."""
    base: str
    """The revision compared from (a commit id)."""
    base_reason: str
    """Why that revision: `given`, `last approval`, `last status change`, or `created`."""
    target: str
    """The revision compared to: a commit id, or `working tree`."""
    status_before: str | None
    """The status at `base`."""
    status_after: str | None
    """The status at `target`."""
    version_before: str | None
    """The version at `base`."""
    version_after: str | None
    """The version at `target`."""
    changes: list[FieldChange] = Field(default_factory=list)
    """Field-level changes from `base` to `target`."""
    error: str | None = None
    """Why one side could not be read as an entry, if it could not."""


def default_base(history: list[HistoryEntry]) -> tuple[str, str] | None:
    """The commit a review compares from: the last approval or status change, else the term's creation."""
    for entry in history:
        if any(r.get("action") == Action.APPROVE.value for r in entry.reviews):
            return entry.commit, "last approval"
        if entry.touched_file and entry.status_before != entry.status_after and entry.status_before is not None:
            return entry.commit, "last status change"
    if history:
        return history[-1].commit, "created"
    return None


def revision_at(git: Git, cache: RevisionCache, rev: str, names: Sequence[str]) -> tuple[str, Revision]:
    """The term at commit `rev` under any of its names (newest first), with the resolved commit id."""
    commit = git.resolve(rev)
    if commit is None:
        raise UsageError(f"{rev!r} names no commit")
    for name in names:
        oid = git.blob_at(commit, name)
        if oid is not None:
            return commit, cache.at_blob(oid, name)
    raise NotFound(f"the term does not exist at {rev} ({commit[:10]})")


def make_diff(term_id: str, base: str, reason: str, target: str, before: Revision, after: Revision) -> TermDiff:
    """The diff document between two revisions of a term."""
    error = before.error or after.error
    return TermDiff(term=term_id, base=base, base_reason=reason, target=target,
                    status_before=before.status, status_after=after.status,
                    version_before=before.version, version_after=after.version,
                    changes=file_changes(before, after, full_text=True) if error is None else [],
                    error=error)


def term_diff(git: Git, term_id: str, path: Path, display: str, review_dir_rel: str, revs: Sequence[str]) -> TermDiff:
    """`Glossary.diff`: field-level changes between two revisions of the term at `path`. No revisions:
    from the last approval or status change to the working tree; one: from it to the working tree."""
    if len(revs) > 2:
        raise UsageError("diff takes at most two revisions")
    cache = RevisionCache(git)
    rel = git.relative(path)
    history = term_history(git, cache, rel, review_dir_rel)
    names = list(dict.fromkeys([rel, *(e.path for e in history if e.path)]))
    if revs:
        base, reason = revs[0], "given"
    else:
        found = default_base(history)
        if found is None:
            raise NotFound(f"{term_id} has no committed history to compare with")
        base, reason = found
    base_commit, before = revision_at(git, cache, base, names)
    if len(revs) == 2:
        target, after = revision_at(git, cache, revs[1], names)
    else:
        target, after = "working tree", cache.at_path(path, display)
    return make_diff(term_id, base_commit, reason, target, before, after)
