"""The one door to Git: every Git call the tool makes goes through this module.

Commits are made with Git's own `git commit` (through GitPython's command wrapper), so hooks and
`commit.gpgsign` are honoured; messages go through a file; arguments are lists, never a shell.
Only the paths of an action are committed (`--only`), so whatever else the user has staged or
modified is left exactly as it was. A stale `index.lock` or a concurrent commit is a `Conflict`.

GitPython is imported on first use, not with this module: finding the repository and its Git
directory is one `git rev-parse`, so the UI's start and the index's checks do not pay GitPython's
import (a tenth of a second).

Must never: parse YAML, import a UI.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from authoring.errors import AuthoringError, Conflict, ExitCode, UsageError
from authoring.repo.filelock import exclusive_lock
from authoring.workflow.identity import Identity

if TYPE_CHECKING:
    import git


def _gitpython() -> ModuleType:
    """GitPython, imported when first needed (its exceptions are `_gitpython().GitCommandError`)."""
    import git

    return git


class GitError(AuthoringError):
    """A Git command failed for a reason other than a conflict."""

    def __init__(self, message: str) -> None:
        super().__init__(message, [], ExitCode.PROBLEMS)


def find_root(start: Path) -> Path:
    """The top of the Git work tree containing `start` (Git's own discovery: `git rev-parse`)."""
    return Path(_rev_parse(start, "--show-toplevel"))


def _plain_git(where: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A quick Git question asked without GitPython (whose import the UI's start cannot afford)."""
    return subprocess.run(["git", "-C", str(where), *args], capture_output=True, text=True, check=False)


def _rev_parse(where: Path, what: str) -> str:
    """`git rev-parse WHAT` run in `where`, or a `UsageError` saying why there is no work tree there."""
    if not where.is_dir():
        raise UsageError(f"{where}: no such directory")
    done = _plain_git(where, "rev-parse", "--is-bare-repository", what)
    lines = done.stdout.splitlines()
    if lines[:1] == ["true"]:
        raise UsageError(f"{where}: a bare repository has no terms to work on")
    if done.returncode != 0 or len(lines) != 2:
        raise UsageError(f"{where}: not inside a Git repository (use --repo PATH, or `authoring init`)")
    return lines[1]


class Git:
    """A Git work tree. Use as a context manager, or call `close()`: GitPython leaks processes otherwise."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._user: Identity | None = None
        self._user_read = False
        self._repo: git.Repo | None = None
        self._git_dir = Path(_rev_parse(root, "--absolute-git-dir"))

    @property
    def repo(self) -> git.Repo:
        """GitPython's repository object, made on first use."""
        if self._repo is None:
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
        done = _plain_git(self.root, "config", *args)
        if done.returncode != 0:  # 1: the key is not set
            return None
        return done.stdout.strip() or None

    def set_local_config(self, key: str, value: str) -> bool:
        """Set a value in this clone's `.git/config`; False when it already had exactly that value."""
        if self.local_config(key) == value:
            return False
        self._run("config", "--local", key, value)
        return True

    def user(self) -> Identity | None:
        """The identity Git would commit as, from `user.name`/`user.email` (read once per `Git`)."""
        if not self._user_read:
            name, email = self.config_value("user.name"), self.config_value("user.email")
            self._user = Identity(name, email) if name and email else None
            self._user_read = True
        return self._user

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

    def tree_state(self, paths: Sequence[str]) -> tuple[str, str, list[str]]:
        """What the files under `paths` (relative) hold, as Git knows it cheaply: HEAD, the index's entries
        (`ls-files -s`: mode, blob id, path) and the paths whose work-tree bytes differ from the index or
        that Git does not track (untracked or ignored), whose content the caller must read itself."""
        head = self._run("rev-parse", "--verify", "--quiet", "HEAD^{commit}") if self.head() else ""
        staged = self._run("ls-files", "-s", "-z", "--", *paths)
        out = self._run("status", "--porcelain=v1", "-z", "--untracked-files=all", "--ignored=matching",
                        "--no-renames", "--", *paths)
        dirty = sorted({entry[3:] for entry in out.split("\0") if len(entry) > 3})
        return head.strip(), staged, dirty

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
        except (KeyError, ValueError, _gitpython().BadName):
            return None
        data: bytes = blob.data_stream.read()
        return data

    # -- history -----------------------------------------------------------------------------------

    def log(self, paths: Sequence[str], follow: bool = False, renames: bool = False,
            rev: str | None = None, diff_filter: str | None = None) -> list[LogCommit]:
        """Every commit that touched `paths` (newest first), with the files it changed and their blob ids.

        One `git log` process: the header fields are separated by control characters and the changed
        files come as `--raw -z` records, so nothing in a message or a path can confuse the parse.
        `follow` follows one file across renames (Git allows it for a single path only); `renames`
        detects renames among the given paths (else a rename is a deletion and an addition).
        `diff_filter` keeps only commits with changes of those kinds (`A`: the commits that added files).
        """
        if self.head() is None:
            return []
        args = ["log", f"--format={_LOG_FORMAT}", "-z", "--raw", "--no-abbrev", "--no-color"]
        if follow:
            args.append("--follow")
        else:
            args.append("-M" if renames else "--no-renames")
        if diff_filter:
            args.append(f"--diff-filter={diff_filter}")
        if rev:
            args.append(rev)
        out = self._run(*args, "--", *paths)
        return _parse_log(out)

    def read_blob(self, oid: str) -> bytes | None:
        """A blob's bytes by id, or `rev:path` (through GitPython's one persistent `cat-file` process)."""
        try:
            _sha, kind, _size, data = self.repo.git.get_object_data(oid)
        except (ValueError, _gitpython().GitCommandError):
            return None
        if (kind.decode() if isinstance(kind, bytes) else str(kind)) != "blob":
            return None
        return bytes(data)

    def read_blobs(self, oids: Sequence[str]) -> dict[str, bytes]:
        """Many blobs in one round trip: every id written to one `git cat-file --batch`, all answers read
        back. Ids that name no blob are absent from the result."""
        wanted = list(dict.fromkeys(oids))
        if not wanted:
            return {}
        done = subprocess.run(["git", "-C", str(self.root), "cat-file", "--batch"], check=False,
                              input="".join(f"{oid}\n" for oid in wanted).encode(), capture_output=True)
        if done.returncode != 0:
            raise GitError(f"git cat-file failed: {done.stderr.decode(errors='replace').strip()}")
        out = done.stdout
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
        try:
            out = self.repo.git.execute(["git", "rev-parse", "--verify", "--quiet", f"{rev}:{path}"])
        except _gitpython().GitCommandError:
            return None
        return str(out).strip() or None

    def resolve(self, rev: str) -> str | None:
        """The full commit id `rev` names, or None when it names no commit."""
        if not rev or rev.startswith("-"):
            return None
        try:
            out = self.repo.git.execute(["git", "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"])
        except _gitpython().GitCommandError:
            return None
        return str(out).strip() or None

    def signatures(self, commits: Sequence[str], allowed_signers: Path) -> dict[str, tuple[str, str]]:
        """Git's verdict on each commit's signature against `allowed_signers`, in one process:
        commit → (`%G?`: `G` good, `N` none, `B` bad, `U`/`E` unknown or unverifiable; the principal the
        signature verified as, `%GS`, empty when none)."""
        wanted = list(dict.fromkeys(commits))
        if not wanted:
            return {}
        config = f"gpg.ssh.allowedSignersFile={allowed_signers}"
        out = self._run("-c", config, "log", "--no-walk=unsorted", "--format=%H%x1f%G?%x1f%GS%x1e", *wanted)
        found: dict[str, tuple[str, str]] = {}
        for record in out.split("\x1e"):
            fields = record.strip("\n").split("\x1f")
            if len(fields) == 3:
                found[fields[0]] = (fields[1] or "N", fields[2].strip())
        return found

    def verify_commit(self, rev: str, allowed_signers: Path) -> tuple[str, str]:
        """Git's verdict on `rev`'s signature against `allowed_signers` (`%G?`: `G` good, `N` none, `B` bad,
        `U`/`E` unknown signer or unverifiable, …) and Git's words on it."""
        config = f"gpg.ssh.allowedSignersFile={allowed_signers}"
        verdict = self._run("-c", config, "log", "-1", "--format=%G?", rev).strip() or "N"
        if verdict in ("G", "N"):
            return verdict, "good signature" if verdict == "G" else "no signature"
        try:
            out = self.repo.git.execute(["git", "-c", config, "verify-commit", rev], with_extended_output=True)
            detail = f"{out[1]} {out[2]}"
        except _gitpython().GitCommandError as exc:
            detail = str(exc.stderr or "")
        detail = " ".join(detail.replace("stderr:", "").split()).strip("'\" ")
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
        except _gitpython().GitCommandError as exc:
            stderr = str(exc.stderr or "").strip().replace("stderr: ", "").strip("'\" \n")
            if "index.lock" in stderr:
                raise Conflict(f"Git's index is locked by another process ({self.git_dir / 'index.lock'});"
                               " if no Git command is running, remove that file and try again") from None
            raise GitError(f"git {args[0]} failed: {stderr or exc}") from None
        return str(out)


def init_repository(path: Path) -> None:
    """`git init` a new repository at `path` (created if missing), on Git's default branch."""
    path.mkdir(parents=True, exist_ok=True)
    try:
        _gitpython().Repo.init(path).close()
    except _gitpython().GitCommandError as exc:
        raise GitError(f"git init failed: {str(exc.stderr or exc).strip()}") from None


def merge_file(ours: bytes, base: bytes, theirs: bytes, labels: tuple[str, str, str] = ("ours", "base", "theirs"),
               style: str | None = None) -> tuple[bytes, int]:
    """Git's own three-way text merge (`git merge-file`): the merged bytes and the number of conflicts.

    `style` is `merge.conflictStyle` (`diff3`/`zdiff3` show the base too). No repository is needed.
    """
    with tempfile.TemporaryDirectory(prefix="authoring-merge-") as folder:
        names = []
        for name, data in (("ours", ours), ("base", base), ("theirs", theirs)):
            target = Path(folder) / name
            target.write_bytes(data)
            names.append(target)
        return merge_file_paths(names[0], names[1], names[2], labels, style)


def merge_file_paths(ours: Path, base: Path, theirs: Path,
                     labels: tuple[str, str, str] = ("ours", "base", "theirs"),
                     style: str | None = None) -> tuple[bytes, int]:
    """`merge_file` on three files already on disk (the merge driver's %A %O %B); none is written.

    Plain `git merge-file` (no GitPython): the merge driver runs once per file and cannot afford its import.
    """
    args = ["git", "merge-file", "-p", "-L", labels[0], "-L", labels[1], "-L", labels[2]]
    if style in ("diff3", "zdiff3"):
        args.append(f"--{style}")
    done = subprocess.run([*args, "--", str(ours), str(base), str(theirs)], capture_output=True, check=False)
    # the exit status counts the conflicts (at most 127); a failure is negative, i.e. 255
    if done.returncode < 0 or done.returncode > 127:
        raise GitError(f"git merge-file failed: {done.stderr.decode('utf-8', 'replace').strip()}")
    return done.stdout, done.returncode


def config_at(where: Path, key: str) -> str | None:
    """A Git configuration value as Git sees it in `where` (the repository's, else the user's), or None."""
    done = _plain_git(where, "config", "--get", key)
    return (done.stdout.strip() or None) if done.returncode == 0 else None


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


# Record separator before each commit, unit separator after each header field. The trailers come as
# Git itself parses them from the message (its last paragraph, by Git's rules), one per line.
_LOG_FORMAT = "%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%B%x1f%cn%x1f%ce%x1f%(trailers:only,unfold)%x1f"
_TRAILER = re.compile(r"^([A-Za-z][A-Za-z0-9-]*):\s*(.*)$")
NULL_OID = "0" * 40


def blob_id(data: bytes) -> str:
    """The id Git gives a blob with these bytes (`git hash-object`), to match work-tree files with history."""
    digest = hashlib.sha1(b"blob %d\0" % len(data), usedforsecurity=False)
    digest.update(data)
    return digest.hexdigest()


@dataclass(frozen=True)
class FileChange:
    """One file a commit changed, from `git log --raw`: its status and the blob ids before and after."""

    status: str
    """`A` added, `M` modified, `D` deleted, `R` renamed, `C` copied, `T` type changed."""
    path: str
    """The path after the commit (for a deletion, the path that was deleted)."""
    old_path: str
    """The path before the commit (differs from `path` for renames and copies)."""
    old_blob: str | None
    """The blob before the commit, None when the file was added."""
    new_blob: str | None
    """The blob after the commit, None when the file was deleted."""


@dataclass
class LogCommit:
    """One commit of a `git log` walk."""

    commit: str
    parents: list[str]
    author_name: str
    author_email: str
    date: str
    """The author date, ISO 8601 with the author's offset."""
    message: str
    changes: list[FileChange] = field(default_factory=list)
    committer_name: str = ""
    committer_email: str = ""
    trailer_block: str = ""
    """The message's trailers as Git parses them (`git log --format=%(trailers:only,unfold)`)."""

    @property
    def author(self) -> str:
        """`Name <email>`."""
        return f"{self.author_name} <{self.author_email}>"

    @property
    def subject(self) -> str:
        """The message's first line."""
        return self.message.split("\n", 1)[0].strip()

    @property
    def trailers(self) -> dict[str, str]:
        """The message's trailers, as Git's own trailer parser finds them (the first value of each key):
        `Key: value` lines elsewhere in the message are prose, never trailers."""
        found: dict[str, str] = {}
        for line in self.trailer_block.split("\n"):
            match = _TRAILER.match(line.strip())
            if match:
                found.setdefault(match[1], match[2].strip())
        return found


def _parse_log(out: str) -> list[LogCommit]:
    commits: list[LogCommit] = []
    for record in out.split("\x1e")[1:]:
        fields = record.split("\x1f")
        if len(fields) < 10:
            continue
        sha, parents, name, email, date, message, committer_name, committer_email, trailer_block = fields[:9]
        commit = LogCommit(sha, parents.split(), name, email, date, message, committer_name=committer_name,
                           committer_email=committer_email, trailer_block=trailer_block)
        tokens = fields[9].lstrip("\0\n").split("\0")
        i = 0
        while i < len(tokens):
            meta = tokens[i].strip("\n")
            if not meta.startswith(":") or meta.startswith("::"):
                i += 1
                continue
            parts = meta[1:].split()
            old_blob, new_blob, status = parts[2], parts[3], parts[4][:1]
            if status in "RC":
                old_path, path = tokens[i + 1], tokens[i + 2]
                i += 3
            else:
                old_path = path = tokens[i + 1]
                i += 2
            commit.changes.append(FileChange(status, path, old_path,
                                             None if old_blob == NULL_OID else old_blob,
                                             None if new_blob == NULL_OID else new_blob))
        commits.append(commit)
    return commits
