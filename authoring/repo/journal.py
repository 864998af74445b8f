"""The action journal: what an unfinished action wrote, so that a crash leaves nothing behind.

Before a transaction writes a file it records, in `.git/authoring-journal.json` (written atomically),
the file's bytes before and after. A transaction that commits or rolls back deletes the journal. If
the process dies in between (killed, power lost), the next action finds the journal under the
repository lock and undoes the dead action: a file still holding exactly what the dead action wrote,
and not committed with those bytes, gets its old bytes (or is removed) and its index entry back.
A file someone changed since is left alone: the journal never overwrites work it did not write.

Must never: parse YAML, import a UI, run Git except through the `Git` it is given.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from authoring.core.textfile import atomic_write
from authoring.repo.git import Git

JOURNAL = "authoring-journal.json"


@dataclass
class JournalEntry:
    """One file an action is writing."""

    path: str
    before: bytes | None
    after: bytes | None

    def to_json(self) -> dict[str, Any]:
        """The entry as stored."""
        return {"path": self.path, "before": _b64(self.before), "after_sha256": _sha(self.after)}


def _b64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode("ascii")


def _sha(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


class Journal:
    """The journal of one repository's current action."""

    def __init__(self, git: Git) -> None:
        self.git = git
        self.path = git.git_dir / JOURNAL
        self.entries: list[JournalEntry] = []

    def add(self, writes: list[tuple[Path, bytes | None, bytes | None]]) -> None:
        """Record writes `(path, before, after)` before they happen (one durable journal write)."""
        self.entries.extend(JournalEntry(self.git.relative(path), before, after) for path, before, after in writes)
        payload = {"version": 1, "files": [e.to_json() for e in self.entries]}
        atomic_write(self.path, json.dumps(payload).encode("utf-8"))

    def clear(self) -> None:
        """The action finished (committed or rolled back): forget it."""
        self.entries = []
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def recover(self) -> list[str]:
        """Undo what a dead action left; return the paths put back (empty when there was nothing)."""
        if not self.path.is_file():
            return []
        try:
            payload = json.loads(self.path.read_text(encoding="utf-8"))
            files = payload["files"]
        except (OSError, ValueError, KeyError, TypeError):
            self.clear()  # a journal torn before its first write was complete: nothing was written yet
            return []
        restored: list[str] = []
        for item in reversed(files):
            rel, after_sha = item["path"], item.get("after_sha256")
            target = self.git.root / rel
            current = target.read_bytes() if target.is_file() else None
            if _sha(current) != after_sha:
                continue  # changed since the dead action wrote it: not ours to undo
            committed = self.git.show_file("HEAD", rel) if self.git.head() else None
            if current is not None and committed == current:
                continue  # the dead action's commit landed
            before = item.get("before")
            if before is None:
                with contextlib.suppress(FileNotFoundError):
                    target.unlink()
                remove_empty_parents(target.parent, self.git.root)
            else:
                atomic_write(target, base64.b64decode(before))
            restored.append(rel)
        if restored:
            self.git.restore_index([self.git.root / r for r in restored])
        self.clear()
        return restored


def remove_empty_parents(directory: Path, root: Path) -> None:
    """Remove directories an action created and left empty (never `root` or anything above it)."""
    current = directory
    while current != root and root in current.parents:
        try:
            current.rmdir()
        except OSError:
            return
        current = current.parent
