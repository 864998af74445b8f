"""The one door to Git: every Git call the tool makes goes through this module.

Commits are made with Git's own `git commit` (through GitPython's command wrapper), so hooks and
`commit.gpgsign` are honoured; messages go through a file; arguments are lists, never a shell.
Only the paths of an action are committed (`--only`), so whatever else the user has staged or
modified is left exactly as it was. A stale `index.lock` or a concurrent commit is a `Conflict`.

Must never: parse YAML, import a UI.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import git
from git.exc import GitCommandError, InvalidGitRepositoryError, NoSuchPathError

from authoring.errors import AuthoringError, Conflict, ExitCode, UsageError
from authoring.workflow.identity import Identity


class GitError(AuthoringError):
    """A Git command failed for a reason other than a conflict."""

    def __init__(self, message: str) -> None:
        super().__init__(message, [], ExitCode.PROBLEMS)


def find_root(start: Path) -> Path:
    """The top of the Git work tree containing `start`."""
    try:
        with git.Repo(start, search_parent_directories=True) as repo:
            if repo.working_tree_dir is None:
                raise UsageError(f"{start}: a bare repository has no terms to work on")
            return Path(repo.working_tree_dir)
    except (InvalidGitRepositoryError, NoSuchPathError):
        raise UsageError(f"{start}: not inside a Git repository (use --repo PATH, or `authoring init`)") from None


class Git:
    """A Git work tree. Use as a context manager, or call `close()`: GitPython leaks processes otherwise."""

    def __init__(self, root: Path) -> None:
        self.root = root
        try:
            self.repo = git.Repo(root)
        except (InvalidGitRepositoryError, NoSuchPathError):
            raise UsageError(f"{root}: not a Git repository") from None

    def __enter__(self) -> Git:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release GitPython's helper processes."""
        self.repo.close()

    @property
    def git_dir(self) -> Path:
        """The repository's `.git` directory (a worktree's own one, for linked worktrees)."""
        return Path(self.repo.git_dir)

    # -- configuration and identity ------------------------------------------------------------

    def config_value(self, key: str) -> str | None:
        """A Git configuration value, honouring every level (system, global, local)."""
        try:
            return str(self.repo.git.config("--get", key)).strip() or None
        except GitCommandError:
            return None

    def user(self) -> Identity | None:
        """The identity Git would commit as, from `user.name`/`user.email`."""
        name, email = self.config_value("user.name"), self.config_value("user.email")
        if name and email:
            return Identity(name, email)
        return None

    # -- state ------------------------------------------------------------------------------------

    def relative(self, path: Path) -> str:
        """A path relative to the work tree, with forward slashes."""
        return path.resolve().relative_to(self.root.resolve()).as_posix()

    def status_of(self, paths: Sequence[Path]) -> dict[str, str]:
        """Porcelain status codes (`XY`) of the paths that differ from HEAD; clean paths are absent."""
        if not paths:
            return {}
        out = self._run("status", "--porcelain=v1", "-z", "--untracked-files=all", "--",
                        *[self.relative(p) for p in paths])
        result: dict[str, str] = {}
        entries = out.split("\0")
        i = 0
        while i < len(entries):
            entry = entries[i]
            if len(entry) > 3:
                code, name = entry[:2], entry[3:]
                result[name] = code
                if code[0] in "RC":
                    i += 1  # the rename's source follows
            i += 1
        return result

    def head(self) -> str | None:
        """The commit HEAD points at, or None in an empty repository."""
        try:
            return str(self.repo.head.commit.hexsha)
        except ValueError:
            return None

    def show_file(self, rev: str, path: str) -> bytes | None:
        """A file's bytes at a revision, or None when it does not exist there."""
        try:
            blob = self.repo.commit(rev).tree / path
        except (KeyError, ValueError, git.BadName):
            return None
        data: bytes = blob.data_stream.read()
        return data

    # -- writing -----------------------------------------------------------------------------------

    def commit_paths(self, paths: Sequence[Path], message: str, author: Identity,
                     committer: Identity | None = None) -> str:
        """Commit exactly `paths` (added, modified or deleted) with `message`; return the new commit id.

        Other staged or modified files are untouched: `git commit --only` commits the named paths'
        work-tree state and leaves the rest of the index as it was.
        """
        rels = [self.relative(p) for p in paths]
        present = [r for r, p in zip(rels, paths, strict=True) if p.exists()]
        if present:
            self._run("add", "--", *present)
        env = {}
        if self.user() is None:
            who = committer or author
            env = {"GIT_COMMITTER_NAME": who.name, "GIT_COMMITTER_EMAIL": who.email}
        fd, message_file = tempfile.mkstemp(prefix="authoring-msg-", suffix=".txt")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(message)
            args = ["commit", "--only", "--quiet", "--no-edit", f"--author={author}", "-F", message_file]
            if self.head() is None:
                args = ["commit", "--quiet", f"--author={author}", "-F", message_file]
            self._run(*args, "--", *rels, env=env)
        finally:
            os.unlink(message_file)
        head = self.head()
        assert head is not None
        return head

    def restore_index(self, paths: Sequence[Path]) -> None:
        """Put the index entries of `paths` back to HEAD's (used to undo a failed action)."""
        rels = [self.relative(p) for p in paths]
        if self.head() is None:
            with contextlib.suppress(GitError):
                self._run("rm", "--cached", "--quiet", "--ignore-unmatch", "--", *rels)
            return
        self._run("reset", "--quiet", "HEAD", "--", *rels)

    def _run(self, *args: str, env: dict[str, str] | None = None) -> str:
        try:
            out = self.repo.git.execute(["git", "-c", "core.quotepath=false", *args], env=env,
                                        strip_newline_in_stdout=False)
        except GitCommandError as exc:
            stderr = str(exc.stderr or "").strip().replace("stderr: ", "").strip("'\" \n")
            if "index.lock" in stderr:
                raise Conflict(f"Git's index is locked by another process ({self.git_dir / 'index.lock'});"
                               " if no Git command is running, remove that file and try again") from None
            raise GitError(f"git {args[0]} failed: {stderr or exc}") from None
        return str(out)


@contextlib.contextmanager
def repository_lock(git_dir: Path, wait_seconds: float = 10.0) -> Iterator[None]:
    """Hold the tool's own lock on a repository for one action (load → write → commit).

    A second process waits up to `wait_seconds`, then gets a `Conflict`: one wins, the other is
    told, and nothing is lost.
    """
    path = git_dir / "authoring.lock"
    with open(path, "a+b") as handle:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Conflict("another authoring process is working on this repository; try again") from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
