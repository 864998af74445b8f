"""The repository service: the one façade that the CLI and the TUI both call.

A `Glossary` is a Git work tree holding term files. It resolves who is acting, loads and checks
terms, and carries out every action as a transaction: under the repository lock, check that the
files are as the action saw them (no uncommitted outside edits), write them atomically, commit
exactly them, and on any failure put files and index back as they were.

Must never: import a UI; parse YAML except through the core; run Git except through `repo.git`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from authoring.config import Config, load_config
from authoring.core import ids
from authoring.core.paths import format_path, parse_path
from authoring.core.roundtrip import Editor
from authoring.core.summary import TermSummary, summarise
from authoring.core.termfile import TermFile, load_term
from authoring.core.valueparse import parse_value
from authoring.errors import AuthoringError, Conflict, NotFound, Problem, UsageError
from authoring.repo.git import Git, find_root, repository_lock
from authoring.workflow.identity import Identity, parse_identity


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
    """One action's file writes and its commit; undone entirely if anything fails before the commit lands."""

    def __init__(self, glossary: Glossary) -> None:
        self.glossary = glossary
        self.writes: list[_Write] = []
        self.commit_id: str | None = None

    def write(self, path: Path, data: bytes | None, based_on: bytes | None) -> None:
        """Replace `path` (or delete it when `data` is None), refusing if it is not what the action read."""
        current = path.read_bytes() if path.exists() else None
        if current != based_on:
            raise Conflict(f"{self.glossary.display(path)} changed while the action was running; nothing was"
                           " written, try again")
        self.glossary.require_clean([path])
        from authoring.core.textfile import atomic_write

        self.writes.append(_Write(path, current, data))
        if data is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, data)

    def commit(self, message: str, author: Identity) -> str:
        """Commit exactly the written paths."""
        self.commit_id = self.glossary.git.commit_paths([w.path for w in self.writes], message, author)
        return self.commit_id

    def rollback(self) -> None:
        """Put every written file and its index entry back as it was before the action."""
        from authoring.core.textfile import atomic_write

        for write in reversed(self.writes):
            if write.before is None:
                with contextlib.suppress(FileNotFoundError):
                    write.path.unlink()
            else:
                atomic_write(write.path, write.before)
        if self.writes:
            with contextlib.suppress(AuthoringError):
                self.glossary.git.restore_index([w.path for w in self.writes])


class Glossary:
    """A glossary repository: configuration, terms, and the actions on them."""

    def __init__(self, root: Path, config: Config, actor: Identity | None = None) -> None:
        self.root = root
        self.config = config
        self._actor = actor
        self.git = Git(root)

    @classmethod
    def open(cls, repo: Path | None = None, actor: str | None = None) -> Glossary:
        """Open the glossary at `repo` (default: the Git work tree around the current directory)."""
        root = find_root(repo or Path.cwd())
        identity = parse_identity(actor) if actor else None
        return cls(root, load_config(root), identity)

    def __enter__(self) -> Glossary:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release Git's helper processes."""
        self.git.close()

    # -- places -----------------------------------------------------------------------------------

    @property
    def terms_dir(self) -> Path:
        """Where the term files are."""
        return self.root / self.config.terms_dir

    @property
    def modules_dir(self) -> Path:
        """Where the source modules are."""
        return self.root / self.config.modules_dir

    @property
    def review_logs_dir(self) -> Path:
        """Where review events are recorded."""
        return self.root / self.config.review_logs_dir

    def display(self, path: Path) -> str:
        """A path as shown to the user: relative to the repository root."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def term_path(self, term_id: str) -> Path:
        """The file of a term (refusing ids that could escape the terms directory)."""
        return ids.term_path(self.terms_dir, term_id)

    # -- identity -----------------------------------------------------------------------------------

    def actor(self) -> Identity:
        """Who is acting: `--as`, else Git's `user.name`/`user.email`."""
        if self._actor is not None:
            return self._actor
        user = self.git.user()
        if user is None:
            raise UsageError("no identity: set git config user.name and user.email, or pass --as \"Name <email>\"")
        return user

    # -- reading --------------------------------------------------------------------------------------

    def term_ids(self) -> list[str]:
        """Every term id (file stem) in the terms directory, sorted."""
        if not self.terms_dir.is_dir():
            return []
        return sorted(p.stem for p in self.terms_dir.iterdir() if p.suffix == ".md" and p.is_file())

    def load(self, term_id: str) -> TermFile:
        """A term file, loaded and checked (`NotFound` when there is none)."""
        path = self.term_path(term_id)
        if not path.is_file():
            raise NotFound(f"no term {term_id} (looked for {self.display(path)})")
        return load_term(path, self.display(path))

    def summaries(self, term_ids: Sequence[str] | None = None) -> list[TermSummary]:
        """Summaries of the given terms (default: all), in id order."""
        wanted = list(term_ids) if term_ids is not None else self.term_ids()
        return [summarise(self.load(term_id)) for term_id in wanted]

    def check(self, term_ids: Sequence[str] | None = None) -> list[Problem]:
        """Every problem of the given terms (default: all), file by file."""
        problems: list[Problem] = []
        for summary in self.summaries(term_ids):
            problems.extend(summary.problems)
        return problems

    # -- actions ------------------------------------------------------------------------------------

    def require_clean(self, paths: Sequence[Path]) -> None:
        """Refuse (`Conflict`) when any of `paths` has uncommitted changes made outside the tool."""
        dirty = self.git.status_of([p for p in paths if p.exists() or True])
        if dirty:
            names = ", ".join(sorted(dirty))
            raise Conflict(f"{names} has uncommitted changes made outside authoring; commit or stash them"
                           " (git stash), then try again")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Run one action under the repository lock; undo its writes if it fails."""
        with repository_lock(self.git.git_dir):
            tx = Transaction(self)
            try:
                yield tx
            except BaseException:
                if tx.commit_id is None:
                    tx.rollback()
                raise

    def set_field(self, term_id: str, dotted: str, value_text: str) -> ActionResult:
        """Set one field of a term to a YAML value and commit that one file."""
        path = parse_path(dotted)
        value = parse_value(value_text)
        actor = self.actor()
        with self.transaction() as tx:
            term = self.load(term_id)
            editor = Editor(term)
            editor.set(path, value)
            if not editor.changed:
                return ActionResult(term_id, "edit", None, f"{term_id}: {dotted} already has that value")
            message = commit_message(term_id, f"edit {format_path(path)}", {"Term": term_id, "Action": "edit",
                                                                             "Field": format_path(path)})
            tx.write(term.path, editor.render(), based_on=term.data)
            commit = tx.commit(message, actor)
        return ActionResult(term_id, "edit", commit, f"{term_id}: set {format_path(path)} ({commit[:8]})",
                            {"field": format_path(path)})


def commit_message(term_id: str, summary: str, trailers: dict[str, str]) -> str:
    """`ID: summary`, a blank line, then `Key: value` trailers."""
    lines = [f"{term_id}: {summary}", ""]
    lines.extend(f"{key}: {value}" for key, value in trailers.items())
    return "\n".join(lines) + "\n"


def today() -> dt.date:
    """Today's date (one place, so tests and the workflow agree)."""
    return dt.date.today()
