"""The workflow's actions on a repository: review, status moves, content edits, folding headers.

Each action runs as one transaction (see `action_path.Transaction`): under the repository lock it loads
the term and its review events, refuses when the term file has uncommitted outside changes (exit 4)
or does not parse (exit 1, located), asks the pure gates of `workflow.gates` what is missing
(exit 3, naming every unmet gate), splices the changes into the file through the round-trip
`Editor`, writes the file and one new event file, and commits exactly those two paths as the actor.
Any failure before the commit lands puts both files and the index back as they were.

Every action ends with `action_path.land()` ("write these files + record this event + commit", inside a
transaction); `land`, `new_event` and `role` are re-exported here for the callers that know them by this
module. The actions need only `action_path.Repository` of a glossary: this module imports no service.

Must never: import a UI; run Git except through the service's `Git`; write YAML except through `Editor`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from authoring.core import field_paths
from authoring.core.model import HEADER_FIELDS, Status
from authoring.core.module_refs import ModuleIndex, snippet_in
from authoring.core.paths import FieldPath, find_node, format_path, get_value, kind_of, parse_path
from authoring.core.roundtrip import Editor
from authoring.core.termfile import TermFile, comparable
from authoring.core.valueparse import parse_value
from authoring.errors import Conflict, GateRefused, Problem, Severity, UsageError
from authoring.repo.acting import acting, as_read, read_before_lock
from authoring.repo.action_path import ActionResult, Repository, Transaction, land, new_event, role, today
from authoring.repo.action_path import commit_message as _message
from authoring.repo.trail import committed_events
from authoring.workflow import gates
from authoring.workflow.gaps import Gap, messages
from authoring.workflow.identity import Identity
from authoring.workflow.review_log import (
    WORKFLOW_FIELDS,
    Action,
    ReviewEvent,
    content_revision,
    event_path,
    term_revision,
)
from authoring.workflow.statuses import Move, next_up, status_of
from authoring.workflow.versions import next_major, next_minor, styled_date, styled_version

Trailers = Sequence[tuple[str, str]]


def revision_of(editor: Editor) -> str:
    """The content revision of the term as the editor now holds it (entry, legacy headers and body)."""
    count = len(editor.term.blocks)
    split = editor.term.split
    return content_revision(editor.data(-1), [editor.data(b) for b in range(count - 1)],
                            split.body if split is not None else "")


# -- reading under the lock -------------------------------------------------------------------------


@dataclass
class Loaded:
    """A term as an action sees it: file, editor, entry, status and review events."""

    term: TermFile
    editor: Editor
    entry: dict[str, Any]
    status: Status
    events: list[ReviewEvent]
    unreadable: list[Problem]
    revision: str = ""
    """The whole file's content revision (`review_log.term_revision`)."""


def load_for_action(glossary: Repository, tx: Transaction, term_id: str) -> Loaded:
    """Load a term for an action: it must parse (else `ParseError`, located) and carry no uncommitted
    outside changes (else `Conflict`, exit 4)."""
    term = glossary.load(term_id)
    editor = Editor(term)  # raises ParseError with the located problems when the file does not parse
    tx.require_clean([term.path])
    entry = term.entry
    assert entry is not None  # Editor() accepted it, so the entry is a mapping
    current = status_of(entry)
    if current is None:
        where = term.problem_at(("status",), Severity.ERROR, "status",
                                f"status {entry.get('status')!r} is not a workflow status")
        raise GateRefused(f"{term_id}: status {entry.get('status')!r} is not one of"
                          f" {', '.join(s.value for s in Status)}; set it to draft with `authoring edit {term_id}`"
                          " (the one status an edit may set)",
                          [where.format()])
    events, unreadable = committed_events(glossary, term_id)
    return Loaded(term, editor, entry, current, events, unreadable, term_revision(term) or "")


def gate_input(glossary: Repository, loaded: Loaded, actor: Identity, with_sources: bool = False) -> gates.GateInput:
    """What the pure gates look at; snippets are checked only when a gate needs them."""
    from authoring.repo.authorship_history import content_commit_authors

    return gates.GateInput(entry=loaded.entry, events=loaded.events, actor=actor, role=role(glossary, actor),
                           people=glossary.config.people, policy=glossary.config.policy,
                           sources=check_sources(glossary, loaded.entry) if with_sources else [],
                           problems=loaded.term.problems, unreadable_events=loaded.unreadable,
                           revision=loaded.revision,
                           commit_authors=content_commit_authors(glossary, loaded.term.stem))


def check_sources(glossary: Repository, entry: dict[str, Any]) -> list[gates.SourceCheck]:
    """Whether each `provenance.sources` snippet stands in its module (whitespace-normalised)."""
    provenance = entry.get("provenance")
    sources = provenance.get("sources") if isinstance(provenance, dict) else None
    if not isinstance(sources, list):
        return []
    modules = ModuleIndex.scan(glossary.module_sources, glossary.root)
    checks: list[gates.SourceCheck] = []
    for index, source in enumerate(sources):
        if not isinstance(source, dict):
            checks.append(gates.SourceCheck(index, None, False, "not a {module, lines, snippet} mapping"))
            continue
        module, snippet = source.get("module"), source.get("snippet")
        if not module or not isinstance(snippet, str) or not snippet.strip():
            checks.append(gates.SourceCheck(index, str(module) if module else None, False,
                                            "needs both a module and a snippet"))
            continue
        path = modules.resolve(str(module))
        if path is None:
            checks.append(gates.SourceCheck(index, str(module), False,
                                            f"module {module} not found in {glossary.display(modules.directory)}"))
            continue
        if outside := modules.outside(path):  # a symbolic link out of the repository: never read
            checks.append(gates.SourceCheck(index, str(module), False, outside))
            continue
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            checks.append(gates.SourceCheck(index, str(module), False, f"cannot read {path.name}: {exc.strerror}"))
            continue
        found = snippet_in(text, snippet)
        checks.append(gates.SourceCheck(index, str(module), found,
                                        "" if found else f"snippet not found in {glossary.display(path)}"))
    return checks


def refuse(term_id: str, what: str, gaps: Sequence[Gap]) -> GateRefused:
    """A refusal naming every unmet gate."""
    missing = messages(gaps)
    count = f"{len(missing)} unmet gate{'s' if len(missing) != 1 else ''}"
    return GateRefused(f"{term_id}: {what} refused, {count}: " + "; ".join(missing), missing)


# -- workflow fields, in every block that carries them ---------------------------------------------


def raw_scalar(editor: Editor, path: FieldPath, block: int) -> str | None:
    """The field's text as written (`1.10`, not the float 1.1), or None when absent or not a scalar."""
    parsed = editor.term.blocks[block]
    if parsed is None or parsed.node is None:
        return None
    try:
        _, node, _ = find_node(parsed.node, path)
    except KeyError:
        return None
    return str(node.value) if kind_of(node) == "scalar" else None


def set_everywhere(editor: Editor, field: str, value_for: Callable[[Any], Any]) -> None:
    """Set `field` in the entry (adding it if missing) and in every legacy header that carries it.

    `value_for(old)` gives the value to write where the field holds `old`, so each block keeps its
    own quoting style (a header's `"0.1"` stays quoted while the entry's plain `0.1` stays plain).
    """
    count = len(editor.term.blocks)
    for block in range(count):
        is_entry = block == count - 1
        data = editor.data(block)
        if not isinstance(data, dict) or (field not in data and not is_entry):
            continue
        old = data.get(field)
        new = value_for(old)
        if field in data and comparable(old) == comparable(new) and type(old) is type(new):
            continue
        editor.set((field,), new, block=block)


def entry_version(editor: Editor) -> str | None:
    """The entry's version as written (None when it has none)."""
    raw = raw_scalar(editor, ("version",), -1)
    if raw is not None:
        return raw
    value = editor.data(-1).get("version")
    return None if value is None else str(value)


def set_version(editor: Editor, new_text: str) -> None:
    """Write `new_text` as the version in every block carrying one, each in its own style."""
    set_everywhere(editor, "version", lambda old: styled_version(new_text, old))


def set_status(editor: Editor, status: Status) -> None:
    """Write the status in every block carrying one."""
    set_everywhere(editor, "status", lambda old: status.value)


def touch(editor: Editor, day: dt.date) -> None:
    """`last_updated` becomes `day` in every block carrying it."""
    set_everywhere(editor, "last_updated", lambda old: styled_date(day, old))


def append_review_log(editor: Editor, day: dt.date, actor: Identity, note: str) -> str:
    """Append `{date, reviewer, notes}` to `provenance.review_log` (created when missing).

    A stub's `provenance` is a list of module ids, and an entry without provenance has none: their
    content is left alone (adding a mapping would change what the term says), the event file alone
    records the change, and the returned text says so.
    """
    provenance = editor.data(-1).get("provenance")
    if not isinstance(provenance, dict):
        kind = "a list of module ids (a stub)" if isinstance(provenance, list) else "missing"
        return f"not recorded in the file: provenance is {kind}; the review log under review_logs/ has it"
    item = {"date": day, "reviewer": str(actor), "notes": note}
    editor.append(("provenance", "review_log"), item)
    return "appended to provenance.review_log"


def commit_message(term_id: str, summary: str, trailers: Trailers) -> str:
    """`ID: summary`, a blank line, then `Key: value` trailers (keys may repeat, e.g. `Reviewed-by`)."""
    return _message(term_id, summary, list(trailers))


def status_trailer(before: Status, after: Status) -> str:
    """`draft → candidate`, or just `candidate` when unchanged."""
    return after.value if before is after else f"{before.value} → {after.value}"


def _result(term_id: str, action: str, commit: str, text: str, **details: Any) -> ActionResult:
    return ActionResult(term_id, action, commit, f"{text} ({commit[:8]})", details)


# -- the actions ----------------------------------------------------------------------------------


def review(glossary: Repository, term_id: str, action: Action, note: str | None,
           seen_revision: str | None = None) -> ActionResult:
    """Record an approval, a request for changes or a comment: one event file, one commit.

    `seen_revision` is the content revision the reviewer read (the TUI passes what it showed): when
    the content has changed since, the review is refused as a conflict rather than recorded against
    content the reviewer never saw."""
    if action not in (Action.APPROVE, Action.REQUEST_CHANGES, Action.COMMENT):
        raise UsageError(f"{action.value} is not a review; use approve, request_changes or comment")
    actor = acting(glossary, action.value.replace("_", " "), term_id)
    # a verdict is bound to what the reviewer read: the revision given, else the file as read before the lock
    seen = read_before_lock(glossary, term_id) if seen_revision is None and action is not Action.COMMENT else None
    with glossary.transaction() as tx:
        loaded = load_for_action(glossary, tx, term_id)
        current_revision = loaded.revision
        if seen is not None and seen != loaded.term.data:
            seen_revision = term_revision(as_read(glossary, term_id, seen))
        if seen_revision is not None and seen_revision != current_revision:
            raise Conflict(f"{term_id}: the content changed since you read it (revision {seen_revision}, now"
                           f" {current_revision}); nothing was recorded: read it again (`authoring diff {term_id}`),"
                           " then try again")
        missing = gates.review_gaps(gate_input(glossary, loaded, actor), action, loaded.status, note)
        if missing:
            raise refuse(term_id, action.value.replace("_", " "), missing)
        version = entry_version(loaded.editor)
        event = new_event(glossary, term_id, actor, action, from_status=loaded.status.value,
                          to_status=loaded.status.value, version=version, revision=loaded.revision, note=note)
        words = action.value.replace("_", " ")
        message = commit_message(term_id, words, [("Term", term_id), ("Action", action.value),
                                                  ("Status", loaded.status.value), ("Revision", event.revision or "")])
        commit = land(tx, [], event, message, actor)
    return _result(term_id, action.value, commit, f"{term_id}: {words} recorded", status=loaded.status.value,
                   version=version, revision=event.revision, event=glossary.display(
                       event_path(glossary.review_logs_dir, event)))


def move(glossary: Repository, term_id: str, kind: Move, to: Status | None, note: str | None,
         superseded_by: str | None = None) -> ActionResult:
    """Move a term's status through its gates: promote, demote, reject or deprecate.

    A promotion without `to` means "one step up from what I see": the status is read before the lock,
    and if another action changed it meanwhile the move is a `Conflict` (exit 4), never a second step."""
    actor = acting(glossary, kind.value, term_id)
    day = today(glossary.clock)
    seen_bytes = read_before_lock(glossary, term_id) if kind is Move.PROMOTE and to is None else None
    with glossary.transaction() as tx:
        loaded = load_for_action(glossary, tx, term_id)
        current = loaded.status
        seen = None
        if seen_bytes is not None and seen_bytes != loaded.term.data:
            seen = status_of(as_read(glossary, term_id, seen_bytes).entry or {})
        if seen is not None and seen is not current:
            raise Conflict(f"{term_id}: the status changed from {seen.value} to {current.value} while the command"
                           f" waited; nothing was done (promote again, or name the target with --to)")
        target = _target(kind, current, to, term_id)
        successor_exists = None
        if superseded_by is not None:
            successor_exists = superseded_by != term_id and glossary.term_path(superseded_by).is_file()
        gi = gate_input(glossary, loaded, actor, with_sources=kind is Move.PROMOTE and target is Status.CANDIDATE)
        missing = gates.move_gaps(gi, kind, current, target, note, successor_exists)
        if missing:
            raise refuse(term_id, f"{kind.value} {current.value} → {target.value}", missing)
        editor = loaded.editor
        version_before = entry_version(editor)
        approvers: list[str] = []
        summary = f"{kind.value} {current.value} → {target.value}"
        with editor.batch():  # one re-parse for all the bookkeeping
            if kind is Move.PROMOTE and target is Status.RATIFIED:
                approvers = gates.tally(loaded.entry, loaded.events, glossary.config.people,
                                        revision=loaded.revision, commit_authors=gi.commit_authors).valid
                set_version(editor, next_major(version_before))
            set_status(editor, target)
            if superseded_by is not None:
                editor.set(("superseded_by",), superseded_by)
            touch(editor, day)
            review_log = append_review_log(editor, day, actor, note or summary)
        version_after = entry_version(editor)
        event = new_event(glossary, term_id, actor, Action(kind.value), from_status=current.value,
                          to_status=target.value, version=version_after, revision=revision_of(editor), note=note)
        trailers: list[tuple[str, str]] = [("Term", term_id), ("Action", kind.value),
                                           ("Status", status_trailer(current, target))]
        if version_after != version_before:
            trailers.append(("Version", f"{version_before} → {version_after}"))
        if superseded_by is not None:
            trailers.append(("Superseded-by", superseded_by))
        trailers.extend(("Reviewed-by", who) for who in approvers)
        commit = land(tx, [(loaded.term.path, editor.render(), loaded.term.data)], event,
                      commit_message(term_id, summary, trailers), actor)
    return _result(term_id, kind.value, commit, f"{term_id}: {summary}", status_from=current.value,
                   status_to=target.value, version_from=version_before, version_to=version_after,
                   approvers=approvers, review_log=review_log,
                   event=glossary.display(event_path(glossary.review_logs_dir, event)))


def _target(kind: Move, current: Status, to: Status | None, term_id: str) -> Status:
    if to is not None:
        return to
    if kind is Move.PROMOTE:
        up = next_up(current)
        if up is None:
            raise GateRefused(f"{term_id}: cannot promote a {current.value} term; nothing follows {current.value}",
                              [f"move: nothing follows {current.value}"])
        return up
    if kind is Move.REJECT:
        return Status.REJECTED
    if kind is Move.DEPRECATE:
        return Status.DEPRECATED
    raise UsageError("demote needs --to STATUS")


def edit_field(glossary: Repository, term_id: str, dotted: str, value_text: str, *, new_key: bool = False,
               force: bool = False) -> ActionResult:
    """Set one content field to a YAML value: a content edit (minor version bump, `last_updated`
    today, a ratified term reopened as a candidate), recorded as an `edit` event and committed.
    An unknown path needs `new_key`, a mapping or list replaced by another kind `force` (`core.field_paths`)."""
    path = parse_path(dotted)
    value = parse_value(value_text)
    actor = acting(glossary, "edit", term_id)
    with glossary.transaction() as tx:
        loaded = load_for_action(glossary, tx, term_id)
        _set_content_field(glossary, loaded, actor, path, value, new_key=new_key, force=force)
        if not loaded.editor.changed:
            return ActionResult(term_id, "edit", None, f"{term_id}: {dotted} already has that value")
        return _finish_edit(glossary, tx, loaded, actor, f"edit {format_path(path)}",
                            f"set {format_path(path)}", [("Field", format_path(path))], field=format_path(path))


def preview_edit(glossary: Repository, term_id: str, dotted: str, value_text: str, *, new_key: bool = False,
                 force: bool = False) -> tuple[Loaded, bytes]:
    """What `edit_field` would write (the same checks and bookkeeping), without writing or committing:
    the term as loaded and the bytes the file would have."""
    path = parse_path(dotted)
    value = parse_value(value_text)
    actor = glossary.actor()
    with glossary.transaction() as tx:  # nothing is written: the lock only makes the reading consistent
        loaded = load_for_action(glossary, tx, term_id)
    original = loaded.term.data
    _set_content_field(glossary, loaded, actor, path, value, new_key=new_key, force=force)
    if loaded.editor.changed:
        _bookkeep_edit(glossary, loaded, actor, f"edit {format_path(path)}", f"set {format_path(path)}")
        return loaded, loaded.editor.render()
    return loaded, original


def _set_content_field(glossary: Repository, loaded: Loaded, actor: Identity, path: FieldPath, value: Any, *,
                       new_key: bool = False, force: bool = False) -> None:
    """The checks of a content edit, then the edit itself (in memory)."""
    if path[0] in WORKFLOW_FIELDS or path[:2] == ("provenance", "review_log"):
        raise UsageError(f"{format_path(path)} is kept by the workflow; use promote, demote, reject or deprecate"
                         " (status and version follow), and review --comment for notes")
    where = loaded.term.display
    field_paths.require_known(loaded.term.entry, format_path(path), where, new_key=new_key)
    field_paths.require_same_kind(loaded.term.entry, path, value, where, force=force)
    missing = gates.permission_gaps(Action.EDIT, actor, role(glossary, actor))
    if missing:
        raise refuse(loaded.term.stem, "edit", missing)
    loaded.editor.set(path, value)
    # A legacy header that carries the same field takes the new value too, so the file never
    # contradicts itself (and `check` does not warn that the header disagrees).
    for block in range(len(loaded.term.blocks) - 1):
        header = loaded.editor.data(block)
        try:
            get_value(header, path)
        except (KeyError, IndexError, TypeError):
            continue
        loaded.editor.set(path, value, block=block)


@dataclass
class _EditBookkeeping:
    """What the bookkeeping of a content edit did to the term (in memory)."""

    summary: str
    current: Status
    target: Status
    version_before: str | None
    version_after: str | None
    content_changed: bool
    review_log: str


def _bookkeep_edit(glossary: Repository, loaded: Loaded, actor: Identity, summary: str, note: str) -> _EditBookkeeping:
    """Version, date and reopening after a content change (in memory)."""
    editor = loaded.editor
    day = today(glossary.clock)
    version_before = entry_version(editor)
    content_changed = revision_of(editor) != loaded.revision
    current = target = loaded.status
    review_log = "unchanged"
    if content_changed:
        with editor.batch():  # one re-parse for all the bookkeeping
            set_version(editor, next_minor(version_before))
            touch(editor, day)
            if current is Status.RATIFIED:
                target = Status.CANDIDATE
                set_status(editor, target)
                review_log = append_review_log(editor, day, actor, f"reopened as a candidate by: {note}")
                summary = f"{summary} (reopens ratified → candidate)"
    return _EditBookkeeping(summary, current, target, version_before, entry_version(editor), content_changed,
                            review_log)


def _finish_edit(glossary: Repository, tx: Transaction, loaded: Loaded, actor: Identity, summary: str, note: str,
                 extra: Trailers, *, unknown_status: str | None = None, **details: Any) -> ActionResult:
    """Bookkeeping common to content edits: version, date, reopening, event, commit. `unknown_status` is
    the status the file had when it was no workflow status and the edit set it to draft (`file_edit`): the
    event records that move, so the audit finds it reviewed."""
    term_id = loaded.term.stem
    editor = loaded.editor
    done = _bookkeep_edit(glossary, loaded, actor, summary, note)
    current, target, summary = done.current, done.target, done.summary
    version_before, version_after = done.version_before, done.version_after
    event = new_event(glossary, term_id, actor, Action.EDIT, from_status=unknown_status or current.value,
                      to_status=target.value, version=version_after, revision=revision_of(editor), note=note)
    status = status_trailer(current, target) if unknown_status is None else f"{unknown_status} → {target.value}"
    trailers: list[tuple[str, str]] = [("Term", term_id), ("Action", "edit"), *extra, ("Status", status)]
    if version_after != version_before:
        trailers.append(("Version", f"{version_before} → {version_after}"))
    commit = land(tx, [(loaded.term.path, editor.render(), loaded.term.data)], event,
                  commit_message(term_id, summary, trailers), actor)
    reopened = " (reopens ratified → candidate)" if target is not current else ""
    return _result(term_id, "edit", commit, f"{term_id}: {note}{reopened}", status_from=current.value,
                   status_to=target.value, version_from=version_before, version_to=version_after,
                   content_changed=done.content_changed, review_log=done.review_log, revision=event.revision,
                   **details)


def fold_headers(glossary: Repository, term_id: str) -> ActionResult:
    """Fold legacy headers into the entry: a header field the entry lacks is copied into the entry;
    a header field that disagrees with the entry is rewritten to the entry's value. Recorded as an
    `edit` (a content edit only when the entry gained fields)."""
    actor = acting(glossary, "fold-headers", term_id)
    with glossary.transaction() as tx:
        loaded = load_for_action(glossary, tx, term_id)
        missing = gates.permission_gaps(Action.EDIT, actor, role(glossary, actor))
        if missing:
            raise refuse(term_id, "fold-headers", missing)
        editor = loaded.editor
        folded: list[str] = []
        count = len(editor.term.blocks)
        with editor.batch():
            _fold(editor, count, folded)
        if not editor.changed:
            return ActionResult(term_id, "edit", None, f"{term_id}: the legacy headers already agree with the entry")
        note = "fold legacy headers: " + ", ".join(folded)
        return _finish_edit(glossary, tx, loaded, actor, "fold legacy headers", note, [("Folded", ", ".join(folded))],
                            folded=folded)


def _fold(editor: Editor, count: int, folded: list[str]) -> None:
    added: set[str] = set()
    for block in range(count - 1):
        header = editor.data(block)
        if not isinstance(header, dict):
            continue
        for name in HEADER_FIELDS:
            if name not in header:
                continue
            entry = editor.data(-1)  # as before the batch: each field is changed at most once
            if name not in entry:
                if name not in added:  # the first header that carries it wins
                    added.add(name)
                    editor.set((name,), header[name])
                    folded.append(f"{name} → entry")
            elif name != "provenance" and comparable(header[name]) != comparable(entry[name]):
                new = entry[name]
                if name == "version":
                    new = styled_version(entry_version(editor) or "", header[name])
                elif name == "last_updated" and (day := _as_date(entry[name])) is not None:
                    new = styled_date(day, header[name])
                elif isinstance(header[name], str) and not isinstance(new, str | list | dict):
                    new = str(new)
                editor.set((name,), new, block=block)
                folded.append(f"header {block + 1} {name}")


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None
