"""The one door to Git: every Git call the tool makes goes through this module.

An action's commit is made by `repo.landing` from the plumbing here: objects written without
staging (`repo.gitfiles`), hooks through `git hook run`, `git commit-tree` (signed when
`commit.gpgsign` says so), `git update-ref` as a compare-and-swap. `commit_paths` (for `init` and
the demo) commits files already in the work tree with `git commit --only`. Arguments are lists,
never a shell. A stale `index.lock` or a moved branch is a `Conflict`; a full disk says so.

Every Git process is started by one runner, `_spawn` (`Git._exec`/`_call`/`_ask` in a work tree), and
every failure is read by one mapping, `_failure` (a held `index.lock`, a moved branch, a full disk). Every
object is read through `cat-file`: one at a time through GitPython's persistent process (`_object`:
`read_blob`, `show_file`, `read_tree`), many at once through one `cat-file --batch` (`read_blobs`).

A `Git` is safe to share between threads: every public method runs under its re-entrant `lock` (see
`repo.serialised`; the service hands its own lock to its `Git`, so an action and a read never interleave).

GitPython is imported on first use, not with this module: finding the repository and its Git
directory is one `git rev-parse`, so the UI's start and the index's checks do not pay GitPython's
import (a tenth of a second).

Must never: parse YAML, import a UI.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from authoring.errors import AuthoringError, Conflict, UsageError
from authoring.faults import checkpoint
from authoring.repo import gitfiles
from authoring.repo.filelock import exclusive_lock
from authoring.repo.gitfiles import TreeEntry
from authoring.repo.gitlog import NULL_OID, FileChange, LogCommit, blob_id, log_format, parse_log
from authoring.repo.gitplain import GitError, merge_file, merge_file_paths
from authoring.repo.serialised import serialised
from authoring.workflow.identity import Identity

if TYPE_CHECKING:
    import git

# re-exported: the log's names (from `gitlog`), the plain commands and the error (from `gitplain`)
__all__ = ["NULL_OID", "FileChange", "Git", "GitError", "LogCommit", "blob_id", "merge_file", "merge_file_paths"]


def _gitpython() -> ModuleType:
    """GitPython, imported when first needed (its exceptions are `_gitpython().GitCommandError`)."""
    import git

    return git


class NoSpace(GitError):
    """The disk is full (ENOSPC): said in those words, never as a lock or a traceback."""


# What a `Git` reads of the configuration, with one `git config` the first time any of it is asked: the
# identity Git commits as, and what the commit path needs (`commit-tree` does not read `commit.gpgsign`
# (Git 2.39), so the commit path does, with the hooks' place and the line-ending filter)
_SETTINGS = r"^(user\.name|user\.email|commit\.gpgsign|core\.hookspath|core\.autocrlf)$"
_TRUE = ("true", "yes", "on", "1")


# the Git directory `find_root` learnt with the work tree's top (same `rev-parse`), taken by the `Git(root)`
# that follows it (`Glossary.open`): one Git process fewer per opening
_FOUND_GIT_DIRS: dict[Path, Path] = {}


def find_root(start: Path) -> Path:
    """The top of the Git work tree containing `start` (Git's own discovery: `git rev-parse`)."""
    top, git_dir = _rev_parse(start, "--show-toplevel", "--absolute-git-dir")
    root = Path(top)
    _FOUND_GIT_DIRS[root] = Path(git_dir)
    return root


def _command(args: Sequence[str]) -> str:
    """The Git command `args` run (`log` in `-c key=value log ...`; `hook NAME` for a hook), for fault
    tracing and messages."""
    for i, arg in enumerate(args):
        if not arg.startswith("-") and (i == 0 or args[i - 1] != "-c"):
            return f"hook {args[i + 3]}" if arg == "hook" and len(args) > i + 3 else arg
    return ""


def _spawn(where: Path, args: Sequence[str], env: dict[str, str] | None = None,
           data: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """The one way a Git process is started: `git ARGS` in `where`, never through a shell, stdin given (or
    empty: Git never waits on the terminal), stdout and stderr captured; the exit status is the caller's."""
    checkpoint("spawn", _command(args))
    try:
        return subprocess.run(["git", "-c", "core.quotepath=false", *args], cwd=where, capture_output=True,
                              env={**os.environ, **env} if env else None, input=data or b"", check=False)
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror}") from None


def _ascii(value: str | bytes) -> str:
    """An id or a kind as GitPython answers it (bytes or text) as text."""
    return value.decode("ascii") if isinstance(value, bytes) else str(value)


def _text(out: bytes) -> str:
    return out.decode("utf-8", "surrogateescape")


def _plain_git(where: Path, *args: str) -> tuple[int, str]:
    """A quick Git question asked without GitPython (whose import the UI's start cannot afford): the exit
    status and stdout."""
    done = _spawn(where, args)
    return done.returncode, _text(done.stdout)


def _rev_parse(where: Path, *what: str) -> list[str]:
    """`git rev-parse WHAT...` run in `where` (one line each), or a `UsageError` saying why there is no work
    tree there."""
    if not where.is_dir():
        raise UsageError(f"{where}: no such directory")
    code, out = _plain_git(where, "rev-parse", "--is-bare-repository", *what)
    lines = out.splitlines()
    if lines[:1] == ["true"]:
        raise UsageError(f"{where}: a bare repository has no terms to work on")
    if code != 0 or len(lines) != 1 + len(what):
        raise UsageError(f"{where}: not inside a Git repository (use --repo PATH, or `authoring init`)")
    return lines[1:]


# Trees `read_tree` keeps: an action's commit touches a handful (root, folders on its paths, the events').
_TREES_KEPT = 16


@serialised
class Git:
    """A Git work tree. Use as a context manager, or call `close()`: GitPython leaks processes otherwise.

    Every public method runs under `lock` (re-entrant; `lock` given: the owner's, e.g. the service's)."""

    def __init__(self, root: Path, lock: threading.RLock | None = None) -> None:
        self.lock = lock or threading.RLock()
        self.root = root
        self._real_root = root.resolve()  # (`relative` runs for every path a command touches)
        self._repo: git.Repo | None = None
        found = _FOUND_GIT_DIRS.pop(root, None)
        if found is None or not found.is_dir():
            found = Path(_rev_parse(root, "--absolute-git-dir")[0])
        self._git_dir = found
        self._settings: dict[str, str] | None = None
        self._hooks_dir: Path | None = None
        # trees read or written lately, by id (an id always names the same entries): an action's commit
        # rewrites the trees on its paths, and the next action reads them back (a terms folder of 1,700
        # entries cost milliseconds to parse on every commit of `repair --all --write`)
        self._trees: dict[str, tuple[TreeEntry, ...]] = {}

    @property
    def repo(self) -> git.Repo:
        """GitPython's repository object, made on first use."""
        with self.lock:
            if self._repo is None:
                checkpoint("spawn", "cat-file")
                self._repo = _gitpython().Repo(self.root)
            return self._repo

    def __enter__(self) -> Git:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release GitPython's helper processes."""
        if self._repo is not None:
            self._repo.close()

    @property
    def git_dir(self) -> Path:
        """The repository's `.git` directory (a worktree's own one, for linked worktrees)."""
        return self._git_dir

    # -- configuration and identity ------------------------------------------------------------

    def config_value(self, key: str) -> str | None:
        """A Git configuration value, honouring every level (system, global, local)."""
        return self._config_get("--get", key)

    def local_config(self, key: str) -> str | None:
        """A value from this clone's own configuration (`.git/config`) only."""
        return self._config_get("--local", "--get", key)

    def _config_get(self, *args: str) -> str | None:
        # A plain `git config` (no GitPython): the UI reads the acting identity as it starts.
        code, out = self._ask(["config", *args])
        if code != 0:  # 1: the key is not set
            return None
        return out.strip() or None

    def set_local_config(self, key: str, value: str) -> bool:
        """Set a value in this clone's `.git/config`; False when it already had exactly that value."""
        if self.local_config(key) == value:
            return False
        self._call(["config", "--local", key, value])
        return True

    def user(self) -> Identity | None:
        """The identity Git would commit as, from `user.name`/`user.email` (the last value of each, as
        `--get` answers; read once per `Git`, `_settings_read`)."""
        found = self._settings_read()
        name, email = found.get("user.name", "").strip(), found.get("user.email", "").strip()
        return Identity(name, email) if name and email else None

    def _settings_read(self) -> dict[str, str]:
        """`_SETTINGS` as Git resolves them (every level, includes honoured), read once with one `git config`."""
        if self._settings is None:
            _code, out = self._ask(["config", "-z", "--get-regexp", _SETTINGS])
            pairs = (item.partition("\n") for item in out.split("\0") if item)
            self._settings = {key.lower(): value for key, _, value in pairs}
        return self._settings

    # -- state ------------------------------------------------------------------------------------

    def relative(self, path: Path) -> str:
        """A path relative to the work tree, with forward slashes."""
        return path.resolve().relative_to(self._real_root).as_posix()

    def status_of(self, paths: Sequence[Path]) -> dict[str, str]:
        """Porcelain status codes (`XY`) of the paths that differ from HEAD; clean paths are absent."""
        if not paths:
            return {}
        out = self._call(["--no-optional-locks", "status", "--porcelain=v1", "-z", "--untracked-files=all", "--",
                          *[self.relative(p) for p in paths]])
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

    def tree_state(self, paths: Sequence[str]) -> tuple[str, str, list[str]]:
        """What the files under `paths` (relative) hold, as Git knows it cheaply: HEAD, the index's entries
        (`ls-files -s`: mode, blob id, path) and the paths whose work-tree bytes differ from the index or
        that Git does not track (untracked or ignored), whose content the caller must read itself."""
        head = self._call(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]) if self.head() else ""
        staged = self._call(["ls-files", "-s", "-z", "--", *paths])
        out = self._call(["status", "--porcelain=v1", "-z", "--untracked-files=all", "--ignored=matching",
                          "--no-renames", "--", *paths])
        dirty = sorted({entry[3:] for entry in out.split("\0") if len(entry) > 3})
        return head.strip(), staged, dirty

    def head(self) -> str | None:
        """The commit HEAD points at, or None in an empty repository."""
        found = self._resolved("HEAD")  # through the one `cat-file` (GitPython's `head.commit` starts another)
        return found[0] if found is not None and found[1] == "commit" else None

    def show_file(self, rev: str, path: str) -> bytes | None:
        """A file's bytes at a revision, or None when it does not exist there."""
        return self.read_blob(f"{rev}:{path}")

    # -- history -----------------------------------------------------------------------------------

    def log(self, paths: Sequence[str], follow: bool = False, renames: bool = False,
            rev: str | None = None, diff_filter: str | None = None, merges: bool = False) -> list[LogCommit]:
        """Every commit that touched `paths` (newest first), with the files it changed and their blob ids.

        One `git log` process: the header fields are separated by control characters followed by a
        fresh nonce (`gitlog.log_format`) and the changed files come as `--raw -z` records, so nothing
        in a name, a message or a path can confuse the parse.
        `follow` follows one file across renames (Git allows it for a single path only); `renames`
        detects renames among the given paths (else a rename is a deletion and an addition).
        `diff_filter` keeps only commits with changes of those kinds (`A`: the commits that added files).
        `merges` lists, for each merge, the files it changed itself (its result equals no parent's:
        `--diff-merges=dense-combined`), each with `parent_blobs`; otherwise a merge lists no files.
        """
        if self.head() is None:
            return []
        form = log_format()
        args = ["log", f"--format={form.pretty}", "-z", "--raw", "--no-abbrev", "--no-color"]
        if follow:
            args.append("--follow")
        else:
            args.append("-M" if renames else "--no-renames")
        if diff_filter:
            args.append(f"--diff-filter={diff_filter}")
        if merges:
            args.append("--diff-merges=dense-combined")
        if rev:
            args.append(rev)
        out = self._call([*args, "--", *paths])
        try:
            return parse_log(out, form)
        except ValueError as exc:
            raise GitError(f"git log: {exc}") from None

    def read_blob(self, oid: str) -> bytes | None:
        """A blob's bytes by id, or `rev:path`; None when it names no blob."""
        found = self._object(oid)
        return found[1] if found is not None and found[0] == "blob" else None

    def _object(self, name: str) -> tuple[str, bytes] | None:
        """An object's kind and bytes (through GitPython's one persistent `cat-file` process), or None when
        `name` names none. A name holding a line break cannot be asked (it would end the question)."""
        found = self._resolved(name)
        return None if found is None else (found[1], found[2])

    def _resolved(self, name: str) -> tuple[str, str, bytes] | None:
        """The object `name` names (an id, a ref, `rev:path`): its full id, kind and bytes, through the one
        persistent `cat-file --batch` (the only Git process GitPython starts for us), or None."""
        if "\n" in name or not name:
            return None
        try:
            sha, kind, _size, data = self.repo.git.get_object_data(name)
        except (ValueError, _gitpython().GitCommandError):
            return None
        return _ascii(sha), _ascii(kind), bytes(data)

    def read_blobs(self, oids: Sequence[str]) -> dict[str, bytes]:
        """Many blobs in one round trip: every id written to one `git cat-file --batch`, all answers read
        back. Ids that name no blob are absent from the result."""
        wanted = list(dict.fromkeys(oids))
        if not wanted:
            return {}
        out = self._exec(["cat-file", "--batch"], data="".join(f"{oid}\n" for oid in wanted).encode())
        found: dict[str, bytes] = {}
        position = 0
        for oid in wanted:
            end = out.index(b"\n", position)
            header = out[position:end].split()
            position = end + 1
            if len(header) != 3:  # `<oid> missing`
                continue
            size = int(header[2])
            if header[1] == b"blob":
                found[oid] = out[position : position + size]
            position += size + 1
        return found

    def blob_at(self, rev: str, path: str) -> str | None:
        """The blob id of `path` at commit `rev`, or None when the file is not there."""
        code, out = self._ask(["rev-parse", "--verify", "--quiet", f"{rev}:{path}"])
        return (out.strip() or None) if code == 0 else None

    def resolve(self, rev: str) -> str | None:
        """The full commit id `rev` names, or None when it names no commit."""
        if not rev or rev.startswith("-"):
            return None
        code, out = self._ask(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"])
        return (out.strip() or None) if code == 0 else None

    def signatures(self, commits: Sequence[str], allowed_signers: Path) -> dict[str, tuple[str, str]]:
        """Git's verdict on each commit's signature against `allowed_signers`, in one process:
        commit → (`%G?`: `G` good, `N` none, `B` bad, `U`/`E` unknown or unverifiable; the principal the
        signature verified as, `%GS`, empty when none)."""
        wanted = list(dict.fromkeys(commits))
        if not wanted:
            return {}
        config = f"gpg.ssh.allowedSignersFile={allowed_signers}"
        form = log_format()  # a principal is text from the allowed-signers file: separators with a nonce
        out = self._call(["-c", config, "log", "--no-walk=unsorted",
                          f"--format=%H%x1f{form.nonce}%G?%x1f{form.nonce}%GS%x1e{form.nonce}", *wanted])
        found: dict[str, tuple[str, str]] = {}
        for record in out.split(form.record):
            fields = record.strip("\n").split(form.unit)
            if len(fields) == 3:
                found[fields[0]] = (fields[1] or "N", fields[2].strip())
        return found

    def verify_commit(self, rev: str, allowed_signers: Path) -> tuple[str, str]:
        """Git's verdict on `rev`'s signature against `allowed_signers` (`%G?`: `G` good, `N` none, `B` bad,
        `U`/`E` unknown signer or unverifiable, …) and Git's words on it."""
        config = f"gpg.ssh.allowedSignersFile={allowed_signers}"
        verdict = self._call(["-c", config, "log", "-1", "--format=%G?", rev]).strip() or "N"
        if verdict in ("G", "N"):
            return verdict, "good signature" if verdict == "G" else "no signature"
        done = _spawn(self.root, ["-c", config, "verify-commit", rev])
        detail = f"{_text(done.stdout)} {_text(done.stderr)}"
        detail = " ".join(detail.split()).strip("'\" ")
        return verdict, detail[:300] or f"signature verdict {verdict}"

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
            self._call(["add", "--", *present])
        env = {}
        if self.user() is None:
            who = committer or author
            env = {"GIT_COMMITTER_NAME": who.name, "GIT_COMMITTER_EMAIL": who.email}
        # the message through stdin: no temporary file to outlive a killed command
        args = ["commit", "--only", "--quiet", "--no-edit", f"--author={author}", "-F", "-"]
        if self.head() is None:
            args = ["commit", "--quiet", f"--author={author}", "-F", "-"]
        self._call([*args, "--", *rels], env=env, data=message.encode("utf-8"))
        head = self.head()
        assert head is not None
        return head

    # -- the action commit path (see `repo.landing`) ------------------------------------------------

    def branch_for_commit(self) -> str:
        """The branch an action commits to (`refs/heads/...`), or a `Conflict` saying how to get onto one."""
        return gitfiles.branch_for_commit(self.git_dir)

    def ref_commit(self, ref: str) -> str | None:
        """The commit `ref` points at (None: the branch has no commit yet), asked of the running `cat-file`."""
        found = self._resolved(ref)
        return None if found is None else found[0]

    def tree_of(self, commit: str | None) -> str | None:
        """The tree of a commit (None for no commit)."""
        if commit is None:
            return None
        found = self._resolved(commit)
        if found is None or found[1] != "commit" or not found[2].startswith(b"tree "):
            raise GitError(f"git cat-file: {commit} is not a commit in this repository")
        return found[2][5:45].decode("ascii")

    def read_tree(self, tree: str) -> list[TreeEntry]:
        """A tree's entries (binary id, mode, name), through the persistent `cat-file` (`_object`), or as
        remembered (`remember_tree`)."""
        known = self._trees.get(tree)
        if known is not None:
            return list(known)
        found = self._object(tree)
        if found is None or found[0] != "tree":
            raise GitError(f"git cat-file: {tree} is not a tree in this repository")
        entries = gitfiles.parse_tree(found[1])
        self.remember_tree(tree, entries)
        return entries

    def remember_tree(self, tree: str, entries: Sequence[TreeEntry]) -> None:
        """Keep the entries of tree `tree` (read, or just written into the object store) for `read_tree`:
        the last few only."""
        self._trees.pop(tree, None)
        self._trees[tree] = tuple(entries)
        while len(self._trees) > _TREES_KEPT:
            del self._trees[next(iter(self._trees))]

    @property
    def objects_dir(self) -> Path:
        """The object store (shared by linked worktrees)."""
        return Path(self.repo.odb.root_path())

    def write_blob(self, rel: str, data: bytes, token: str) -> str:
        """Store `data` as the blob of `rel`. Git's clean filters apply when attributes or `core.autocrlf`
        may ask for them (then `git hash-object --path`, as `git add` would); else it is written here."""
        if not self._filters_may_apply(rel):
            return gitfiles.write_object(self.objects_dir, b"blob", data, token)
        return self._call(["hash-object", "-w", f"--path={rel}", "--stdin"], data=data).strip()

    def _filters_may_apply(self, rel: str) -> bool:
        autocrlf = self._settings_read().get("core.autocrlf", "false").lower()
        return autocrlf in (*_TRUE, "input") or gitfiles.attributes_may_filter(self.root, self.git_dir, rel)

    def commit_tree(self, tree: str, parent: str | None, message: str, author: Identity,
                    committer: Identity | None = None) -> str:
        """`git commit-tree` (which signs when `commit.gpgsign` says so): the new commit's id. The
        committer is `committer` when given, else Git's own identity, else the author."""
        env = {"GIT_AUTHOR_NAME": author.name, "GIT_AUTHOR_EMAIL": author.email}
        who = committer or (author if self.user() is None else None)
        if who is not None:
            env.update(GIT_COMMITTER_NAME=who.name, GIT_COMMITTER_EMAIL=who.email)
        sign = self._settings_read().get("commit.gpgsign", "false").lower() in (*_TRUE, "")
        args = ["commit-tree", tree, *(["-p", parent] if parent else []), *(["-S"] if sign else [])]
        return self._call(args, env=env, data=message.encode("utf-8"), what="commit").strip()

    def update_ref(self, ref: str, new: str, old: str | None, reason: str) -> None:
        """Move `ref` to `new` only if it still points at `old` (None: only if it does not exist)."""
        self._call(["update-ref", "-m", reason, ref, new, old or NULL_OID], what="commit")

    def is_ancestor(self, commit: str, of: str) -> bool:
        """Whether `commit` is `of` or one of its ancestors."""
        return self._ask(["merge-base", "--is-ancestor", commit, of])[0] == 0

    def update_index_file(self, index_file: Path, entries: Sequence[tuple[str, int, str | None]]) -> None:
        """Set entries `(path, mode, blob id or None to remove)` in the index file `index_file`."""
        lines = "".join(f"{mode:o} {oid}\t{rel}\n" if oid else f"0 {NULL_OID}\t{rel}\n" for rel, mode, oid in entries)
        self._call(["update-index", "--index-info"], env={"GIT_INDEX_FILE": str(index_file)},
                   data=lines.encode("utf-8"))

    def read_tree_into(self, index_file: Path, tree: str | None) -> None:
        """Make `index_file` an index holding exactly `tree`."""
        self._call(["read-tree", tree or gitfiles.EMPTY_TREE], env={"GIT_INDEX_FILE": str(index_file)})

    def hook(self, name: str) -> Path | None:
        """The hook Git would run for `name` (honouring `core.hooksPath`), if there is an executable one."""
        if self._hooks_dir is None:
            configured = self._settings_read().get("core.hookspath", "")
            self._hooks_dir = (self.root / os.path.expanduser(str(configured))) if configured else \
                Path(self.repo.common_dir) / "hooks"
        path = self._hooks_dir / name
        return path if path.is_file() and os.access(path, os.X_OK) else None

    def run_hook(self, name: str, args: Sequence[str], index_file: Path, author: Identity) -> None:
        """Run a commit hook as `git commit` would (its index is `index_file`); a failure is a `GitError`."""
        env = {"GIT_INDEX_FILE": str(index_file), "GIT_EDITOR": ":", "GIT_AUTHOR_NAME": author.name,
               "GIT_AUTHOR_EMAIL": author.email}
        self._call(["hook", "run", "--ignore-missing", name, "--", *args], env=env, what="commit")

    def index_paths_differing(self, rels: Sequence[str]) -> list[str]:
        """Which of `rels` have index entries other than HEAD's (staged changes)."""
        args = ["diff-index", "--cached", "--name-only", "-z", "--no-renames", self.head() or gitfiles.EMPTY_TREE]
        return [name for name in self._call([*args, "--", *rels]).split("\0") if name] if rels else []

    def reset_index_entries(self, rels: Sequence[str]) -> None:
        """Put the index entries of `rels` back to HEAD's (or remove them when HEAD has no commit)."""
        if rels:
            how = ["reset", "--quiet", "HEAD"] if self.head() else ["rm", "--cached", "--quiet", "--ignore-unmatch"]
            self._call([*how, "--", *rels])

    def _exec(self, args: list[str], env: dict[str, str] | None = None, data: bytes | None = None,
              what: str | None = None) -> bytes:
        """Run `git ARGS` in the work tree; its stdout, or the failure as our error (`_failure`)."""
        done = _spawn(self.root, args, env, data)
        if done.returncode != 0:
            raise _failure(what or _command(args), _text(done.stderr), self.git_dir)
        return done.stdout

    def _call(self, args: list[str], env: dict[str, str] | None = None, data: bytes | None = None,
              what: str | None = None) -> str:
        """`_exec`, its stdout as text (undecodable bytes kept as surrogates: paths round-trip)."""
        return _text(self._exec(args, env, data, what))

    def _ask(self, args: list[str]) -> tuple[int, str]:
        """A question whose non-zero answer is an answer (`config --get`, `merge-base --is-ancestor`):
        the exit status and stdout."""
        return _plain_git(self.root, *args)


def _failure(what: str, stderr: str, git_dir: Path) -> AuthoringError:
    """Git's failure as our error: a lock or a moved branch is a `Conflict`, a full disk says so."""
    stderr = stderr.strip().replace("stderr: ", "").strip("'\" \n")
    if "No space left on device" in stderr or "Out of diskspace" in stderr:
        return NoSpace(f"no space left on the device (git {what} could not write); nothing was changed")
    if "index.lock" in stderr and "File exists" in stderr:
        return Conflict(f"Git's index is locked by another process ({git_dir / 'index.lock'});"
                        " if no Git command is running, remove that file and try again")
    if "cannot lock ref" in stderr or "but expected" in stderr:
        return Conflict(f"the branch moved while the action was running (another commit landed); nothing was"
                        f" changed, try again ({stderr.splitlines()[-1] if stderr else what})")
    return GitError(f"git {what} failed: {stderr or 'exit status non-zero'}")


def init_repository(path: Path) -> None:
    """`git init` a new repository at `path` (created if missing), on Git's default branch."""
    path.mkdir(parents=True, exist_ok=True)
    done = _spawn(path, ["init", "--quiet"])
    if done.returncode != 0:
        raise _failure("init", _text(done.stderr), path / ".git")


def config_at(where: Path, key: str) -> str | None:
    """A Git configuration value as Git sees it in `where` (the repository's, else the user's), or None."""
    code, out = _plain_git(where, "config", "--get", key)
    return (out.strip() or None) if code == 0 else None


@contextlib.contextmanager
def repository_lock(git_dir: Path, wait_seconds: float = 10.0) -> Iterator[None]:
    """Hold the tool's own lock on a repository for one action (load → write → commit).

    A second process waits up to `wait_seconds`, then gets a `Conflict`: one wins, the other is
    told, and nothing is lost.
    """
    try:
        with exclusive_lock(git_dir / "authoring.lock", wait_seconds):
            yield
    except TimeoutError:
        raise Conflict("another authoring process is working on this repository; try again") from None
