"""What `git log` says, parsed: commits (`LogCommit`) with their trailers and `--raw` file changes.

Split from `repo.git` (the one door to Git, which runs the walk and re-exports these names): the
format string and its parser live together so that neither changes without the other.

Must never: run Git, parse YAML, import a UI.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

from authoring.repo import gitfiles

# A record separator before each commit and a unit separator after each header field, each followed by a
# nonce drawn afresh for every walk: names, e-mails and messages are written by whoever made the commit,
# and a message holding a bare separator and a made-up header (Bob as the author of Mallory's commit)
# must never read as Git's own output. The trailers come as Git itself parses them from the message (its
# last paragraph, by Git's rules), one per line.
_FIELDS = ("%H", "%P", "%an", "%ae", "%aI", "%B", "%cn", "%ce", "%(trailers:only,unfold)")


@dataclass(frozen=True)
class LogFormat:
    """The `--format` of one walk and the separators it uses (see `log_format`)."""

    nonce: str

    @property
    def record(self) -> str:
        return f"\x1e{self.nonce}"

    @property
    def unit(self) -> str:
        return f"\x1f{self.nonce}"

    @property
    def pretty(self) -> str:
        """The `--format=` value."""
        unit = f"%x1f{self.nonce}"
        return f"%x1e{self.nonce}" + "".join(field + unit for field in _FIELDS)


def log_format() -> LogFormat:
    """A format whose separators no commit written before this call can contain."""
    return LogFormat(secrets.token_hex(16))


_TRAILER = re.compile(r"^([A-Za-z][A-Za-z0-9-]*):\s*(.*)$")
NULL_OID = "0" * 40


def blob_id(data: bytes) -> str:
    """The id Git gives a blob with these bytes (`git hash-object`), to match work-tree files with history."""
    return gitfiles.object_id(b"blob", data)


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
    parent_blobs: tuple[str | None, ...] = ()
    """For a merge (`Git.log(merges=True)`): the file's blob in each parent (None where absent); the
    merge changed the file itself — its result equals none of them. Empty for an ordinary commit."""


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


def parse_log(out: str, form: LogFormat) -> list[LogCommit]:
    """The commits of a `git log --format=FORM.pretty -z --raw --no-abbrev` walk."""
    commits: list[LogCommit] = []
    for record in out.split(form.record)[1:]:
        fields = record.split(form.unit)
        if len(fields) != len(_FIELDS) + 1:
            raise ValueError(f"git log printed a record of {len(fields)} fields, not {len(_FIELDS) + 1}")
        sha, parents, name, email, date, message, committer_name, committer_email, trailer_block = fields[:9]
        commit = LogCommit(sha, parents.split(), name, email, date, message, committer_name=committer_name,
                           committer_email=committer_email, trailer_block=trailer_block)
        tokens = fields[9].lstrip("\0\n").split("\0")
        i = 0
        while i < len(tokens):
            meta = tokens[i].strip("\n")
            if meta.startswith("::"):  # a combined record: a file a merge changed beyond all its parents
                if i + 1 < len(tokens):
                    commit.changes.append(_combined(meta, tokens[i + 1]))
                i += 2
                continue
            if not meta.startswith(":"):
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


def _combined(meta: str, path: str) -> FileChange:
    """`::MODE… OID… OIDNEW STATUS…` (one colon per parent) as a change against the first parent."""
    parents = len(meta) - len(meta.lstrip(":"))
    parts = meta.lstrip(":").split()
    oids = [None if oid == NULL_OID else oid for oid in parts[parents + 1 : 2 * parents + 2]]
    old, new = oids[:parents], oids[parents]
    status = "D" if new is None else ("A" if all(o is None for o in old) else "M")
    return FileChange(status, path, path, old[0], new, tuple(old))
