"""The one path every action takes: the `Transaction` it writes through, the review event it records, the
commit message it lands with, the `ActionResult` it returns, and the one clock that dates all of them.

Workflow moves, content edits, repairs and drafts all end the same way: `land(tx, writes, event, message,
author)` inside `with repo.transaction() as tx:` — the files and one event file, committed as one commit
or not at all (`repo.landing`). Actions depend on `Repository`, the small protocol below saying what they
need from the glossary, not on `Glossary` itself, so this module and the actions import no service (an
import-linter contract in `pyproject.toml` holds that line).

`Clock` is the one source of time: an event's `when` and a term's `last_updated` both come from
`repo.clock`. `Glossary` has the system clock; tests give it a `FixedClock` for deterministic dates.

Must never: touch the disk before `commit` (the landing does, all or nothing); import the service or a UI.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from authoring.errors import Conflict
from authoring.workflow.identity import Identity

if TYPE_CHECKING:
    from authoring.config import Config
    from authoring.core.module_refs import ModuleSources
    from authoring.core.summary import TermSummary
    from authoring.core.termfile import TermFile
    from authoring.repo.git import Git
    from authoring.repo.index import ProgressCallback
    from authoring.workflow.identity import Role
    from authoring.workflow.review_log import Action, ReviewEvent


# -- the clock ----------------------------------------------------------------------------------------


class Clock(Protocol):
    """Where an action's time comes from."""

    def now(self) -> dt.datetime:
        """The current instant, timezone-aware (UTC)."""
        ...


class SystemClock:
    """The real time."""

    def now(self) -> dt.datetime:
        """The current instant, in UTC."""
        return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class FixedClock:
    """A clock that always says `at` (tests: deterministic event names, dates and commits)."""

    at: dt.datetime

    def now(self) -> dt.datetime:
        """`at`, in UTC."""
        return self.at.astimezone(dt.UTC)


SYSTEM_CLOCK = SystemClock()


def today(clock: Clock) -> dt.date:
    """The local calendar date at the clock's instant (what `last_updated` records)."""
    return clock.now().astimezone().date()


# -- what an action needs from the glossary -------------------------------------------------------------


class Repository(Protocol):
    """What actions, drafting, repair and the audit use of a glossary (`repo.service.Glossary` is one)."""

    root: Path
    git: Git
    clock: Clock

    @property
    def config(self) -> Config: ...

    @property
    def terms_dir(self) -> Path: ...

    @property
    def modules_dir(self) -> Path: ...

    @property
    def module_sources(self) -> ModuleSources: ...

    @property
    def review_logs_dir(self) -> Path: ...

    @property
    def acting_as(self) -> Identity | None: ...

    def display(self, path: Path) -> str: ...

    def term_path(self, term_id: str) -> Path: ...

    def term_ids(self) -> list[str]: ...

    def load(self, term_id: str) -> TermFile: ...

    def actor(self) -> Identity: ...

    def summaries(self, term_ids: Sequence[str] | None = None,
                  progress: ProgressCallback | None = None) -> list[TermSummary]: ...

    def require_clean(self, paths: Sequence[Path]) -> None: ...

    def transaction(self) -> AbstractContextManager[Transaction]: ...


# -- the transaction and its result --------------------------------------------------------------------


@dataclass
class ActionResult:
    """What an action did: the commit it made and a one-line description for notifications."""

    term_id: str
    action: str
    commit: str | None
    message: str
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `--json`."""
        return {"term": self.term_id, "action": self.action, "commit": self.commit, "message": self.message,
                **self.details}


@dataclass
class _Write:
    path: Path
    before: bytes | None
    after: bytes | None


class Transaction:
    """One action's file changes and its commit: all of them, or none (see `repo.landing`).

    `write`/`write_many` check each file and record the change; nothing touches the disk until
    `commit`, which lands every change as one commit or leaves everything as it was.
    """

    def __init__(self, repo: Repository) -> None:
        self.repo = repo
        self.writes: list[_Write] = []
        self.commit_id: str | None = None
        self.clean: set[Path] = set()

    def require_clean(self, paths: Sequence[Path]) -> None:
        """`Repository.require_clean`, remembered: a path checked once in this action is not checked again."""
        unchecked = [p for p in paths if p not in self.clean]
        if unchecked:
            self.repo.require_clean(unchecked)
            self.clean.update(unchecked)

    def write(self, path: Path, data: bytes | None, based_on: bytes | None, unique: bool = False) -> None:
        """Replace `path` (or delete it when `data` is None) at commit, refusing if it is not what the
        action read or if it has uncommitted outside changes. `unique`: a new file with a fresh random
        name (an event file), which no one can have touched, so Git's status need not be asked."""
        self.write_many([(path, data, based_on, unique)])

    def write_many(self, writes: Sequence[tuple[Path, bytes | None, bytes | None, bool]]) -> None:
        """`write` for several files: every check first (one `git status`), then the changes are recorded.
        The files are checked again, byte for byte, at the moment they are replaced."""
        for path, _, based_on, _ in writes:
            current = path.read_bytes() if path.exists() else None
            if current != based_on:
                raise Conflict(f"{self.repo.display(path)} changed while the action was running; nothing"
                               " was written, try again")
        self.require_clean([path for path, _, based_on, unique in writes if not (unique and based_on is None)])
        self.writes.extend(_Write(path, based_on, data) for path, data, based_on, _ in writes)

    def include(self, path: Path) -> None:
        """Commit `path` with this action as it stands in the work tree, unwritten (a file the user made
        for this action, such as a configuration written before `adopt`); nothing is written to it."""
        data = path.read_bytes()
        self.writes.append(_Write(path, data, data))

    def commit(self, message: str, author: Identity, committer: Identity | None = None) -> str:
        """Commit exactly the recorded changes as `author` (the committer: `committer`, else Git's
        identity), and bring the index and work tree to the new commit; on failure nothing changed."""
        from authoring.repo.landing import land as land_commit

        self.commit_id = land_commit(self.repo.git, [(w.path, w.before, w.after) for w in self.writes], message,
                                     author, committer, self.repo.display)
        self.writes = []
        return self.commit_id

    def commit_chain(self, steps: Sequence[tuple[int, str, Identity]]) -> list[str]:
        """Commit the recorded changes as a chain of commits landed together (`repo.landing.land_chain`):
        each step `(count, message, author)` takes the next `count` recorded changes, in order. Returns
        the commit ids; on failure none landed and nothing changed."""
        from authoring.repo.landing import land_chain

        if sum(count for count, _, _ in steps) != len(self.writes):
            raise ValueError("the steps of a chain must take every recorded change exactly once")
        changes = [(w.path, w.before, w.after) for w in self.writes]
        chain, start = [], 0
        for count, message, author in steps:
            chain.append((changes[start:start + count], message, author))
            start += count
        commits = land_chain(self.repo.git, chain, None, self.repo.display)
        self.commit_id = commits[-1]
        self.writes = []
        return commits

    def rollback(self) -> None:
        """Forget the recorded changes (nothing was written: `commit` undoes its own steps)."""
        self.writes = []


# -- the common end of every action ----------------------------------------------------------------------


def land(tx: Transaction, writes: Sequence[tuple[Path, bytes | None, bytes | None]], event: ReviewEvent | None,
         message: str, author: Identity) -> str:
    """Inside a transaction: write each `(path, new bytes or None to delete, bytes the action read or None
    if it must not exist)`, record `event` as a new file under `review_logs/`, and commit exactly those
    paths as `author`. Returns the commit id. Any failure undoes every write (the transaction does)."""
    from authoring.workflow.review_log import event_path

    planned = [(path, data, based_on, False) for path, data, based_on in writes]
    if event is not None:
        # An event file has a fresh, random name: no outside edit of it can exist, so it needs no
        # `git status` (the check costs a Git process per action).
        planned.append((event_path(tx.repo.review_logs_dir, event), event.render().encode("utf-8"), None, True))
    tx.write_many(planned)
    return tx.commit(message, author)


def land_chain(tx: Transaction,
               steps: Sequence[tuple[Sequence[tuple[Path, bytes | None, bytes | None]], ReviewEvent, str, Identity]],
               ) -> list[str]:
    """`land` for many actions at once: each step `(writes, event, message, author)` is its own commit,
    on the one before, and all of them land together or none does (`Transaction.commit_chain`). The
    files are checked once, together (one `git status`). Returns the commit ids in order."""
    from authoring.workflow.review_log import event_path

    planned: list[tuple[Path, bytes | None, bytes | None, bool]] = []
    counts: list[tuple[int, str, Identity]] = []
    for writes, event, message, author in steps:
        planned.extend((path, data, based_on, False) for path, data, based_on in writes)
        planned.append((event_path(tx.repo.review_logs_dir, event), event.render().encode("utf-8"), None, True))
        counts.append((len(writes) + 1, message, author))
    tx.write_many(planned)
    return tx.commit_chain(counts)


def role(repo: Repository, actor: Identity) -> Role:
    """The actor's role under the repository's `[people]` lists."""
    from authoring.workflow.identity import role_of

    people = repo.config.people
    return role_of(actor, people.editors, people.agents)


def new_event(repo: Repository, term_id: str, actor: Identity, action: Action, *, from_status: str | None,
              to_status: str | None, version: Any, revision: str | None, note: str | None,
              role_name: str | None = None, **extra: Any) -> ReviewEvent:
    """A review event stamped by the repository's clock, by `actor` in their current role (or `role_name`),
    on the term's content revision; `extra` fields are recorded too (a draft's agent and model, a repair's
    kinds)."""
    from authoring.core.safetext import require_note
    from authoring.workflow.review_log import ReviewEvent

    return ReviewEvent(term=term_id, when=repo.clock.now(), who=str(actor),
                       role=role_name or role(repo, actor).value, action=action, from_status=from_status,
                       to_status=to_status, version=None if version is None else str(version), revision=revision,
                       note=require_note(note) if note else None, **extra)


def commit_message(term_id: str, summary: str,
                   trailers: Mapping[str, str] | Sequence[tuple[str, str]]) -> str:
    """`ID: summary`, a blank line, then `Key: value` trailers (pairs may repeat a key: `Reviewed-by`).

    No part may hold a line break or a control character (`UsageError`): it would forge trailers."""
    from authoring.core.safetext import require_plain

    lines = [f"{term_id}: {summary}", ""]
    pairs = list(trailers.items()) if isinstance(trailers, Mapping) else list(trailers)
    require_plain(lines[0], "the commit subject")
    for key, value in pairs:
        require_plain(f"{key}: {value}", f"the {key} trailer")
    lines.extend(f"{key}: {value}" for key, value in pairs)
    return "\n".join(lines) + "\n"
