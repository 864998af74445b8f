"""An action's transaction and its result: atomic writes recorded in the journal, one commit of
exactly the written paths, and a rollback that puts files and index back (see `repo.service`, which
re-exports these names).

Must never: write a file without journaling it first; commit a path it did not write or include;
run Git except through `repo.git`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from authoring.core.textfile import atomic_write
from authoring.errors import AuthoringError, Conflict
from authoring.repo.journal import Journal, remove_empty_parents
from authoring.workflow.identity import Identity

if TYPE_CHECKING:
    from authoring.repo.service import Glossary


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
    """One action's file writes and its commit; undone entirely if anything fails before the commit lands.

    Every write is recorded in the action journal (`repo.journal`) before it happens, so a process
    that dies mid-action is undone by the next action as well.
    """

    def __init__(self, glossary: Glossary) -> None:
        self.glossary = glossary
        self.writes: list[_Write] = []
        self.commit_id: str | None = None
        self.journal = Journal(glossary.git)
        self.clean: set[Path] = set()
        self.head_before = glossary.git.head()

    def require_clean(self, paths: Sequence[Path]) -> None:
        """`Glossary.require_clean`, remembered: a path checked once in this action is not checked again."""
        unchecked = [p for p in paths if p not in self.clean]
        if unchecked:
            self.glossary.require_clean(unchecked)
            self.clean.update(unchecked)

    def write(self, path: Path, data: bytes | None, based_on: bytes | None, unique: bool = False) -> None:
        """Replace `path` (or delete it when `data` is None), refusing if it is not what the action read
        or if it has uncommitted outside changes. `unique`: a new file with a fresh random name (an
        event file), which no one can have touched, so Git's status need not be asked."""
        self.write_many([(path, data, based_on, unique)])

    def write_many(self, writes: Sequence[tuple[Path, bytes | None, bytes | None, bool]]) -> None:
        """`write` for several files: every check first, one journal record, then the writes."""
        befores: list[bytes | None] = []
        for path, _, based_on, _ in writes:
            current = path.read_bytes() if path.exists() else None
            if current != based_on:
                raise Conflict(f"{self.glossary.display(path)} changed while the action was running; nothing"
                               " was written, try again")
            befores.append(current)
        self.require_clean([path for (path, _, _, unique), before in zip(writes, befores, strict=True)
                            if not (unique and before is None)])
        self.journal.add([(path, before, data) for (path, data, _, _), before in zip(writes, befores, strict=True)])
        for (path, data, _, _), before in zip(writes, befores, strict=True):
            self.writes.append(_Write(path, before, data))
            if data is None:
                path.unlink()
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                atomic_write(path, data)

    def include(self, path: Path) -> None:
        """Commit `path` with this action as it stands in the work tree, unwritten (a file the user made
        for this action, such as a configuration written before `adopt`); a rollback unstages it."""
        data = path.read_bytes()
        self.writes.append(_Write(path, data, data))

    def commit(self, message: str, author: Identity) -> str:
        """Commit exactly the written paths."""
        self.commit_id = self.glossary.git.commit_paths([w.path for w in self.writes], message, author)
        self.journal.clear()
        return self.commit_id

    def rollback(self) -> None:
        """Put every written file and its index entry back as it was before the action, unless the
        commit landed after all (an interrupt between Git's commit and our bookkeeping): then keep it."""
        git = self.glossary.git
        head = git.head()
        if self.writes and head is not None and head != self.head_before and all(
                git.show_file(head, git.relative(w.path)) == w.after for w in self.writes):
            self.commit_id = head
            self.journal.clear()
            return
        for write in reversed(self.writes):
            if write.before is None:
                with contextlib.suppress(FileNotFoundError):
                    write.path.unlink()
                remove_empty_parents(write.path.parent, self.glossary.root)
            else:
                atomic_write(write.path, write.before)
        if self.writes:
            with contextlib.suppress(AuthoringError):
                self.glossary.git.restore_index([w.path for w in self.writes])
        self.journal.clear()


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


def today() -> dt.date:
    """Today's date (one place, so tests and the workflow agree)."""
    return dt.date.today()
