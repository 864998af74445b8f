"""Landing an action: one commit made from the exact bytes the action computed, or nothing at all.

The invariant (also in docs/DEVELOPING.md, "The commit path"): **nothing of an action is staged in
the user's index before its commit exists, its index and work-tree files change only while the tool
holds Git's own `index.lock`, and the new index is in place before the branch moves; the branch
moves by compare-and-swap to a commit that already holds every byte; after that only unlinks
remain.** So, at every instant, the repository is in the old state, or in the new
state, or in a state the journal describes and the next action settles without new disk space.

The steps, under the tool's repository lock:
1. the journal records the intent (paths, digests of the old and new bytes, a token naming every
   temporary file) — before anything else;
2. `index.lock` is taken the way Git takes it (created exclusively, holding our token), so no other
   Git command in this checkout (a user's `git commit -a`, an IDE) can stage or commit until we are done;
3. the blobs and trees are written into the object store and the user's next index is prepared in
   `authoring-next-index-TOKEN` (a copy of the index with exactly the action's entries changed);
4. the work-tree files are placed by compare-and-swap (`repo.worktree`): an outside edit at any
   moment aborts with `Conflict` (exit 4) and stays byte-identical and uncommitted;
5. the hooks run as `git commit` runs them (pre-commit, prepare-commit-msg and commit-msg with an
   index holding the new tree; a failing hook aborts), and `git commit-tree` makes the commit
   (signed when `commit.gpgsign` says so);
6. the journal records the commit; the user's index is kept aside by a hard link
   (`authoring-prev-index-TOKEN`) and the prepared index renamed over `.git/index` — still under
   `index.lock`, so **whoever sees the new branch sees the new index**: a user's `git commit -a` reads
   HEAD, then the index, before it waits for `index.lock`, and must never pair the new HEAD with the
   old index (its commit would delete what we just landed);
7. `git update-ref REF NEW OLD` moves the branch only if it still points where it did (the commit
   point); then `index.lock` is removed, temporaries deleted, the journal cleared, and the
   post-commit hook runs (its failure changes nothing, as in Git).

A failure before step 7 undoes steps 2-6 by renames and unlinks only (the kept index is renamed
back); after it, only unlinks remain. Interrupts (Ctrl-C, SIGTERM) are held back while settling. A kill -9 anywhere is
settled by `recover`, which every writing command runs first.

Must never: stage anything in the user's index before the commit lands; write a file whose bytes it
did not check; need new disk space to undo; run Git except through `repo.git`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from authoring.core.textfile import write_new_file
from authoring.errors import AuthoringError, Conflict
from authoring.faults import checkpoint
from authoring.repo import gitfiles, worktree
from authoring.repo.git import Git, GitError
from authoring.repo.journal import FileIntent, Intent, Journal, digest, remove_empty_parents
from authoring.workflow.identity import Identity

INDEX_LOCK_WAIT_SECONDS = 2.0
_COMMIT_HOOKS = ("pre-commit", "prepare-commit-msg", "commit-msg")


@dataclass(frozen=True)
class _Names:
    """The files an action with this token may create in the Git directory."""

    git_dir: Path
    token: str

    @property
    def index(self) -> Path:
        return self.git_dir / "index"

    @property
    def index_lock(self) -> Path:
        return self.git_dir / "index.lock"

    @property
    def lock_content(self) -> bytes:
        return f"authoring {self.token}\n".encode()

    @property
    def next_index(self) -> Path:
        return self.git_dir / f"authoring-next-index-{self.token}"

    @property
    def hook_index(self) -> Path:
        return self.git_dir / f"authoring-hook-index-{self.token}"

    @property
    def message(self) -> Path:
        return self.git_dir / f"authoring-msg-{self.token}"

    @property
    def prev_index(self) -> Path:
        """A hard link to the user's index as it was, kept until the branch has moved."""
        return self.git_dir / f"authoring-prev-index-{self.token}"

    @property
    def no_index(self) -> Path:
        """A marker: there was no index before this action (so undoing removes the one it placed)."""
        return self.git_dir / f"authoring-no-index-{self.token}"

    @property
    def lock_source(self) -> Path:
        return self.git_dir / f"authoring-lock-{self.token}"

    def temporaries(self) -> list[Path]:
        """Every temporary file of the Git directory this action may have left (Git's own `.lock`s included)."""
        made = [self.next_index, self.hook_index, self.message, self.lock_source, self.prev_index, self.no_index]
        return made + [p.with_name(p.name + ".lock") for p in (self.next_index, self.hook_index)]


def os_error(exc: OSError, display: Callable[[Path], str], changed: str = "nothing was changed") -> AuthoringError:
    """An operating-system failure as one line that says what happened and where."""
    where = display(Path(exc.filename)) if exc.filename else None
    if exc.errno == errno.ENOSPC or exc.errno == errno.EDQUOT:
        return AuthoringError(f"no space left on the device{f' (writing {where})' if where else ''}; {changed}")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return AuthoringError(f"{where or 'a file'}: permission denied; {changed}")
    if exc.errno == errno.EROFS:
        return AuthoringError(f"{where or 'a file'}: read-only file system; {changed}")
    return AuthoringError(f"{where + ': ' if where else ''}{exc.strerror or exc}; {changed}")


@contextlib.contextmanager
def deferred_signals() -> Iterator[None]:
    """Hold back Ctrl-C, SIGTERM and SIGHUP (delivered on leaving) while state is being settled."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals are delivered to the main thread only
        return
    held = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def land(git: Git, writes: Sequence[tuple[Path, bytes | None, bytes | None]], message: str, author: Identity,
         committer: Identity | None = None, display: Callable[[Path], str] = str) -> str:
    """Commit `writes` — `(path, bytes the action read or None, new bytes or None to remove)` — as one
    commit on the current branch, and bring the user's index and work tree to it (see the module
    docstring). Returns the commit id; on any failure nothing has changed."""
    return land_chain(git, [(writes, message, author)], committer, display)[-1]


Step = tuple[Sequence[tuple[Path, bytes | None, bytes | None]], str, Identity]
"""One commit of a chain: its writes (as `land` takes them), its message and its author."""


def land_chain(git: Git, steps: Sequence[Step], committer: Identity | None = None,
               display: Callable[[Path], str] = str) -> list[str]:
    """Commit `steps` as a chain of commits on the current branch, one per step, each on the one before,
    landed together: one journal, one `index.lock`, one new index and one move of the branch (to the
    last commit). Returns the commit ids in order; on any failure none of them has landed.

    Every step is a commit of its own, with its own tree, message, author and hooks (run as for `land`,
    with the work tree already holding the whole chain's files); a path may be written by one step only.
    """
    if not steps:
        raise ValueError("land_chain needs at least one step")
    writes = [write for step_writes, _, _ in steps for write in step_writes]
    if len({path for path, _, _ in writes}) != len(writes):
        raise ValueError("a path is written by more than one step of a chain")
    ref = git.branch_for_commit()
    token = secrets.token_hex(6)
    names = _Names(git.git_dir, token)
    intent = Intent(token, [FileIntent(git.relative(path), digest(before), digest(after))
                            for path, before, after in writes])
    journal = Journal(git.git_dir)
    landed = False
    commits: list[str] = []
    try:
        journal.write(intent)
        _take_index_lock(names)
        old = git.ref_commit(ref)
        trees, entries = _build_trees(git, old, intent, steps, token)
        _prepare_index(git, names, entries)
        for path, _, after in writes:
            worktree.prepare(path, after, token)
        for path, before, after in writes:
            worktree.place(path, before, after, token, display(path))
        parent = old
        for tree, (_, message, author) in zip(trees, steps, strict=True):
            message = _run_commit_hooks(git, names, tree, message, author)
            parent = git.commit_tree(tree, parent, message, author, committer)
            commits.append(parent)
        intent.ref, intent.commit = ref, commits[-1]
        journal.write(intent)
        with deferred_signals():
            _place_index(names)
            git.update_ref(ref, commits[-1], old, f"commit{'' if old else ' (initial)'}: {message.splitlines()[0]}")
            landed = True
            _settle(git, intent, landed=True)
    except BaseException as exc:
        with deferred_signals():
            if not landed and intent.commit is not None:
                with contextlib.suppress(Exception):  # interrupted just after the move: the commit stands
                    landed = git.ref_commit(ref) == intent.commit
            _settle(git, intent, landed=landed)  # when it cannot finish, the journal stays for the next action
        if isinstance(exc, OSError):
            raise os_error(exc, display, "the commit landed" if landed else "nothing was changed") from None
        if landed and isinstance(exc, Exception):
            return commits  # the branch holds the whole chain: every commit was made
        raise
    for _, _, author in steps:  # as Git runs it after each commit
        _post_commit(git, author)
    return commits


def _build_trees(git: Git, old: str | None, intent: Intent, steps: Sequence[Step],
                 token: str) -> tuple[list[str], list[tuple[str, int, str | None]]]:
    """Each step's tree (the one before it with the step's files) and the index entries of the last."""
    trees: list[str] = []
    entries: list[tuple[str, int, str | None]] = []
    base = git.tree_of(old)
    known: dict[str, list[gitfiles.TreeEntry]] = {}
    files = iter(intent.files)
    for step_writes, _, _ in steps:
        step_files = [next(files) for _ in step_writes]
        base, step_entries = _build_tree(git, base, step_files, step_writes, token, known)
        trees.append(base)
        entries.extend(step_entries)
    return trees, entries


def _build_tree(git: Git, base: str | None, files: Sequence[FileIntent],
                writes: Sequence[tuple[Path, bytes | None, bytes | None]], token: str,
                known: dict[str, list[gitfiles.TreeEntry]]) -> tuple[str, list[tuple[str, int, str | None]]]:
    """The new tree (`base` with the step's files) and the index entries that match it."""

    def read_tree(oid: str) -> list[gitfiles.TreeEntry]:  # each tree on the paths is read once
        if oid not in known:
            known[oid] = git.read_tree(oid)
        return known[oid]

    changes: dict[tuple[str, ...], tuple[int, str] | None] = {}
    entries: list[tuple[str, int, str | None]] = []
    for item, (_, _, after) in zip(files, writes, strict=True):
        parts = tuple(item.path.split("/"))
        if after is None:
            changes[parts] = None
            entries.append((item.path, 0, None))
            continue
        mode = gitfiles.mode_in(base, parts, read_tree)
        mode = mode if mode in (0o100644, 0o100755) else gitfiles.BLOB_MODE
        blob = git.write_blob(item.path, after, token)
        changes[parts] = (mode, blob)
        entries.append((item.path, mode, blob))
    def store(kind: bytes, data: bytes) -> str:
        return gitfiles.write_object(git.objects_dir, kind, data, token)

    def remember(oid: str, written: list[gitfiles.TreeEntry]) -> None:
        # the next step of a chain starts from the trees written here, and the next action reads them
        # (`Git.read_tree` keeps the last few): remembered, never read back
        known[oid] = written
        git.remember_tree(oid, written)

    return gitfiles.tree_with(base, changes, read_tree, store, remember) or store(b"tree", b""), entries


def _take_index_lock(names: _Names) -> None:
    """Hold `.git/index.lock` as Git does, with our token in it (a link: it never exists without it)."""
    write_new_file(names.lock_source, names.lock_content, sync=False)  # only read while its process lives
    deadline = time.monotonic() + INDEX_LOCK_WAIT_SECONDS
    try:
        while True:
            checkpoint("rename", "index.lock")
            try:
                os.link(names.lock_source, names.index_lock)
                return
            except FileExistsError:
                if time.monotonic() >= deadline:
                    raise Conflict(f"Git's index is locked by another process ({names.index_lock}); if no Git"
                                   " command is running, remove that file and try again") from None
                time.sleep(0.02)
    finally:
        with contextlib.suppress(FileNotFoundError):
            names.lock_source.unlink()


def _holds_index_lock(names: _Names) -> bool:
    try:
        return names.index_lock.read_bytes() == names.lock_content
    except OSError:
        return False


def _prepare_index(git: Git, names: _Names, entries: list[tuple[str, int, str | None]]) -> None:
    """The user's index as it will be: a copy with exactly the action's entries changed."""
    try:
        current = names.index.read_bytes()
    except FileNotFoundError:
        current = None
    if current is not None:
        write_new_file(names.next_index, current, sync=False)  # Git does not fsync its index either
    git.update_index_file(names.next_index, entries)


def _place_index(names: _Names) -> None:
    """Put the prepared index in place before the branch moves, keeping the old one aside (a hard link:
    no new space) so that undoing is a rename; see step 6 of the module docstring."""
    try:
        checkpoint("rename", "prev-index")
        os.link(names.index, names.prev_index)
    except FileNotFoundError:
        write_new_file(names.no_index, b"", sync=False)
    checkpoint("rename", "index")
    os.replace(names.next_index, names.index)


def _run_commit_hooks(git: Git, names: _Names, tree: str, message: str, author: Identity) -> str:
    """pre-commit, prepare-commit-msg and commit-msg, as `git commit -F` runs them; the final message."""
    present = [name for name in _COMMIT_HOOKS if git.hook(name)]
    if not present:
        return message
    git.read_tree_into(names.hook_index, tree)
    if "pre-commit" in present:
        git.run_hook("pre-commit", [], names.hook_index, author)
    if "prepare-commit-msg" in present or "commit-msg" in present:
        write_new_file(names.message, message.encode("utf-8"))
        if "prepare-commit-msg" in present:
            git.run_hook("prepare-commit-msg", [str(names.message), "message"], names.hook_index, author)
        if "commit-msg" in present:
            git.run_hook("commit-msg", [str(names.message)], names.hook_index, author)
        message = names.message.read_text(encoding="utf-8")
        names.message.unlink()  # the next commit of a chain writes its own
    return message


def _post_commit(git: Git, author: Identity) -> None:
    if git.hook("post-commit"):
        with contextlib.suppress(AuthoringError):  # as in Git: the commit stands whatever the hook says
            git.run_hook("post-commit", [], git.git_dir / "index", author)


def _settle(git: Git, intent: Intent, landed: bool, clear: bool = True) -> bool:
    """Bring files, index and temporaries to the old state (`landed` False) or the new one, by renames
    and unlinks only; clear the journal when everything is done. Returns whether it all was."""
    names = _Names(git.git_dir, intent.token)
    complete = True
    for item in reversed(intent.files):
        path = git.root / item.path
        if landed:
            worktree.finish(path, intent.token)
            continue
        before, after = _bytes_for(path, item, intent.token)
        complete &= worktree.undo(path, before, after, intent.token)
        if item.before is None:
            remove_empty_parents(path.parent, git.root)
    ours = _holds_index_lock(names)
    try:
        if landed and ours and names.next_index.exists():
            checkpoint("rename", "index")
            os.replace(names.next_index, names.index)
        elif not landed and ours:
            if names.prev_index.exists():  # the prepared index was placed (or about to be): put the old back
                checkpoint("rename", "index")
                os.replace(names.prev_index, names.index)
            elif names.no_index.exists() and not names.next_index.exists():
                with contextlib.suppress(FileNotFoundError):
                    names.index.unlink()
        if ours:
            names.index_lock.unlink()
    except OSError:
        complete = False
    for leftover in names.temporaries():
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
    with contextlib.suppress(OSError):
        gitfiles.remove_temporaries(git.objects_dir, intent.token)
    if complete and clear:
        Journal(git.git_dir).clear()
    return complete


def _bytes_for(path: Path, item: FileIntent, token: str) -> tuple[bytes | None, bytes | None]:
    """The old and new bytes of a journaled file, as far as they can be known from what is on disk
    (the journal keeps digests): the bytes of whichever file has the digest, else a marker that
    matches nothing."""
    unknown = b"\0authoring: not these bytes\0"
    candidates = [worktree.read_or_none(p) for p in (path, worktree.backup_path(path, token),
                                                     worktree.temp_path(path, token))]
    by_digest = {digest(data): data for data in candidates if data is not None}
    before = None if item.before is None else by_digest.get(item.before, unknown)
    after = None if item.after is None else by_digest.get(item.after, unknown)
    return before, after


def recover(git: Git) -> list[str]:
    """Settle an action whose process died (see the module docstring); the paths it had changed.

    Call under the repository lock, before any check of an action. A `Conflict` says what is still
    in the way (another process's `index.lock`); the journal then stays and the next action retries.
    """
    journal = Journal(git.git_dir)
    intent = journal.read()
    if intent is None:
        # none, or unreadable (then it was never complete, so nothing was done under it); a journal
        # write that died before its rename left a temporary file: clearing removes both
        journal.clear()
        return []
    if intent.version == 1:
        return _recover_version_1(git, intent, journal)
    landed = False
    if intent.commit and intent.ref:
        now = git.ref_commit(intent.ref)
        landed = now == intent.commit or (now is not None and git.is_ancestor(intent.commit, now))
    with deferred_signals():
        complete = _settle(git, intent, landed, clear=False)
    if not complete:
        raise Conflict("an earlier action was interrupted and cannot be settled yet (a file of it could not be"
                       " renamed or removed); check the permissions in the repository and try again")
    rels = [item.path for item in intent.files]
    _reset_stale_entries(git, rels)  # the journal stays until this is done too
    journal.clear()
    return rels


def _reset_stale_entries(git: Git, rels: list[str]) -> None:
    """Index entries of the dead action's paths that differ from HEAD while the file equals HEAD are put
    back to HEAD's (the action never stages, but an older release, or a lock someone removed, may)."""
    stale = [rel for rel in git.index_paths_differing(rels)
             if worktree.read_or_none(git.root / rel) == (git.show_file("HEAD", rel) if git.head() else None)]
    if stale:
        try:
            git.reset_index_entries(stale)
        except GitError as exc:
            raise Conflict(f"an earlier action was interrupted and its index entries cannot be reset yet: {exc}")\
                from None


def _recover_version_1(git: Git, intent: Intent, journal: Journal) -> list[str]:
    """A journal of an earlier release: files were written in place and staged before the commit."""
    from authoring.core.textfile import atomic_write

    restored: list[str] = []
    for item in reversed(intent.files):
        target = git.root / item.path
        current = worktree.read_or_none(target)
        if digest(current) != item.after:
            continue  # changed since: not ours to undo
        if current is not None and git.head() and git.show_file("HEAD", item.path) == current:
            continue  # its commit landed
        if item.old_bytes is None:
            with contextlib.suppress(FileNotFoundError):
                target.unlink()
            remove_empty_parents(target.parent, git.root)
        else:
            atomic_write(target, item.old_bytes)
        restored.append(item.path)
    _reset_stale_entries(git, [item.path for item in intent.files])
    journal.clear()
    return restored
