"""One action's changes and their commit: the `Transaction` that `Glossary.transaction()` hands out,
the `ActionResult` an action returns, and the commit message it lands with (`repo.service`
re-exports these names).

Must never: touch the disk before `commit` (the landing does, all or nothing); import a UI.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from authoring.errors import Conflict
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
    """One action's file changes and its commit: all of them, or none (see `repo.landing`).

    `write`/`write_many` check each file and record the change; nothing touches the disk until
    `commit`, which lands every change as one commit or leaves everything as it was.
    """

    def __init__(self, glossary: Glossary) -> None:
        self.glossary = glossary
        self.writes: list[_Write] = []
        self.commit_id: str | None = None
        self.clean: set[Path] = set()

    def require_clean(self, paths: Sequence[Path]) -> None:
        """`Glossary.require_clean`, remembered: a path checked once in this action is not checked again."""
        unchecked = [p for p in paths if p not in self.clean]
        if unchecked:
            self.glossary.require_clean(unchecked)
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
                raise Conflict(f"{self.glossary.display(path)} changed while the action was running; nothing"
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
        from authoring.repo.landing import land

        self.commit_id = land(self.glossary.git, [(w.path, w.before, w.after) for w in self.writes], message,
                              author, committer, self.glossary.display)
        self.writes = []
        return self.commit_id

    def rollback(self) -> None:
        """Forget the recorded changes (nothing was written: `commit` undoes its own steps)."""
        self.writes = []


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
