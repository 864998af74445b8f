"""The action journal: what an unfinished action is doing, so that a crash leaves nothing behind.

Before an action touches anything it records its intent in `.git/authoring-journal.json` (written
atomically): a token naming every temporary file it may create, and for each path the SHA-256 of
the bytes it read and of the bytes it will write. Just before it moves the branch it adds the
commit and the ref. The journal is deleted once the action is settled, committed or undone. If
the process dies in between, the next action (under the repository lock) finds the journal and
settles the dead one (`repo.landing.recover`): forward if the branch holds its commit, else back.

Journals of version 1 (earlier releases) recorded the old bytes themselves; they are still read.

Must never: parse YAML, import a UI, run Git.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from authoring.core.textfile import atomic_write

JOURNAL = "authoring-journal.json"
VERSION = 2


def digest(data: bytes | None) -> str | None:
    """The SHA-256 by which the journal knows a file's bytes (None: no file)."""
    return None if data is None else hashlib.sha256(data).hexdigest()


@dataclass
class FileIntent:
    """One path an action changes."""

    path: str
    """Relative to the work tree, with forward slashes."""
    before: str | None
    """`digest` of the bytes the action read (None: the file must not exist)."""
    after: str | None
    """`digest` of the bytes the action writes (None: it removes the file)."""
    old_bytes: bytes | None = None
    """The old bytes themselves (version-1 journals only)."""


@dataclass
class Intent:
    """What one action is doing."""

    token: str
    """Names the action's temporary files (`.NAME.TOKEN.tmp`, `authoring-next-index-TOKEN`, …)."""
    files: list[FileIntent] = field(default_factory=list)
    ref: str | None = None
    """The branch it moves (set with `commit`, just before the move)."""
    commit: str | None = None
    """The commit it moves the branch to."""
    version: int = VERSION

    def to_json(self) -> dict[str, Any]:
        """The journal as stored."""
        return {"version": self.version, "token": self.token, "ref": self.ref, "commit": self.commit,
                "files": [{"path": f.path, "before": f.before, "after": f.after} for f in self.files]}


class Journal:
    """The journal of one repository's (or linked worktree's) current action."""

    def __init__(self, git_dir: Path) -> None:
        self.git_dir = git_dir
        self.path = git_dir / JOURNAL

    def write(self, intent: Intent) -> None:
        """Record `intent` durably (replacing what was recorded)."""
        atomic_write(self.path, json.dumps(intent.to_json()).encode("utf-8"))

    def read(self) -> Intent | None:
        """The recorded intent; None when there is none, or it cannot be read (then nothing was done
        under it: the journal is complete on disk before the action does anything)."""
        try:
            payload = json.loads(self.path.read_text(encoding="utf-8"))
            if payload.get("version") == 1:
                return Intent("", [FileIntent(f["path"], None, f.get("after_sha256"),
                                              None if f.get("before") is None else base64.b64decode(f["before"]))
                                   for f in payload["files"]], version=1)
            return Intent(str(payload["token"]), [FileIntent(str(f["path"]), f["before"], f["after"])
                                                  for f in payload["files"]],
                          payload.get("ref"), payload.get("commit"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def exists(self) -> bool:
        """Whether an action left a journal."""
        return self.path.exists()

    def clear(self) -> None:
        """The action is settled: forget it (and any temporary file a dead journal write left)."""
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        for leftover in self.git_dir.glob(f".{JOURNAL}.*.tmp"):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def remove_empty_parents(directory: Path, root: Path) -> None:
    """Remove directories an action created and left empty (never `root` or anything above it)."""
    current = directory
    while current != root and root in current.parents:
        try:
            current.rmdir()
        except OSError:
            return
        current = current.parent
