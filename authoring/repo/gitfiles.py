"""What Git keeps in files that an action reads or writes without starting Git.

HEAD and the markers of an operation in progress (merge, rebase…), the attributes that make Git
filter a file's bytes, and the objects of an action's commit.

Git objects made in this process: loose blobs and trees, written as Git writes them.

An action's commit is built from the exact bytes it computed, without staging them anywhere: the
blobs and the trees that hold them are written straight into the object store (zlib-compressed
`TYPE SIZE\\0DATA`, named by its SHA-1), so the only Git processes an action starts are the ones
that must be Git (`commit-tree`, which signs; `update-ref`, which swaps the branch; `update-index`
for the user's index). Objects are harmless until a ref points at them: a dead action leaves at
most an unreferenced object, which `git gc` removes.

An object file is created read-only under the umask, in a temporary name of its own
(`objects/tmp_obj_authoring_TOKEN_N`), then linked to its final name, so a reader never sees a
partial object. `tree_with` splices changes into a tree read through `read_tree`.

Must never: run Git; write anything but objects (and only into the object directory it is given).
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import re
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path

from authoring.errors import Conflict
from authoring.faults import checkpoint

TREE_MODE = 0o040000
BLOB_MODE = 0o100644
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
TEMP_PREFIX = "tmp_obj_authoring_"

# (binary sha, mode, name) as GitPython's `tree_entries_from_data` reads them
TreeEntry = tuple[bytes, int, str]
# a changed path (its parts) → (mode, blob id), or None to remove it
Changes = Mapping[tuple[str, ...], tuple[int, str] | None]

_serial = itertools.count()

# Operations that leave HEAD between two states: an action committed then would mix into them.
_IN_PROGRESS = (
    ("MERGE_HEAD", "a merge", "finish it (git commit) or abort it (git merge --abort)"),
    ("CHERRY_PICK_HEAD", "a cherry-pick", "finish it (git cherry-pick --continue) or abort it (--abort)"),
    ("REVERT_HEAD", "a revert", "finish it (git revert --continue) or abort it (--abort)"),
    ("rebase-merge", "a rebase", "finish it (git rebase --continue) or abort it (git rebase --abort)"),
    ("rebase-apply", "a rebase or `git am`", "finish it (--continue) or abort it (--abort)"),
)
# attribute words that make `git add` transform a file's bytes on the way in
_FILTERING = re.compile(r"\b(text|eol|crlf|filter|ident|working-tree-encoding)\b")


def branch_for_commit(git_dir: Path) -> str:
    """The branch HEAD names (`refs/heads/...`); a `Conflict` saying what to do when HEAD is detached
    or a merge, rebase, cherry-pick or revert is in progress."""
    for marker, what, fix in _IN_PROGRESS:
        if (git_dir / marker).exists():
            raise Conflict(f"{what} is in progress in this checkout; {fix}, then try again")
    try:
        head = (git_dir / "HEAD").read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise Conflict(f"cannot read {git_dir / 'HEAD'}: {exc.strerror}") from None
    if not head.startswith("ref: "):
        raise Conflict("HEAD is detached (no branch is checked out), so an action would be committed to no"
                       " branch; check out a branch (git switch BRANCH), then try again")
    return head[5:].strip()


def attributes_may_filter(root: Path, git_dir: Path, rel: str) -> bool:
    """Whether an attributes file on `rel`'s way may give it a filter, an end-of-line conversion or the
    like (a cheap, cautious reading: any mention counts)."""
    places = [git_dir / "info" / "attributes", root / ".gitattributes"]
    parts = rel.split("/")[:-1]
    places.extend(root.joinpath(*parts[:depth], ".gitattributes") for depth in range(1, len(parts) + 1))
    for place in places:
        with contextlib.suppress(OSError):
            if _FILTERING.search(place.read_text(encoding="utf-8", errors="replace")):
                return True
    return False


def object_id(kind: bytes, data: bytes) -> str:
    """The id Git gives an object of this kind and content."""
    digest = hashlib.sha1(b"%s %d\0" % (kind, len(data)), usedforsecurity=False)
    digest.update(data)
    return digest.hexdigest()


def write_object(objects_dir: Path, kind: bytes, data: bytes, token: str) -> str:
    """Store an object (if it is not stored loose already) and return its id."""
    oid = object_id(kind, data)
    final = objects_dir / oid[:2] / oid[2:]
    if final.exists():
        return oid
    tmp = objects_dir / f"{TEMP_PREFIX}{token}_{next(_serial)}"
    payload = zlib.compress(b"%s %d\0" % (kind, len(data)) + data, 1)
    checkpoint("write", f"object {oid[:8]}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o444)
    try:
        try:
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        final.parent.mkdir(exist_ok=True)
        checkpoint("rename", f"object {oid[:8]}")
        try:
            os.link(tmp, final)
        except FileExistsError:
            pass  # written meanwhile by someone else: the same bytes
        except OSError:
            os.replace(tmp, final)  # a file system without hard links
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return oid


def remove_temporaries(objects_dir: Path, token: str) -> None:
    """Remove what `write_object` may have left under `token` when its process died."""
    for leftover in objects_dir.glob(f"{TEMP_PREFIX}{token}_*"):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()


def parse_tree(data: bytes) -> list[TreeEntry]:
    """A tree object's entries (Git wrote and checked it: no validation here, unlike GitPython's
    reader, which costs a tenth of a second on a directory of 1,700 terms)."""
    entries: list[TreeEntry] = []
    position, end = 0, len(data)
    while position < end:
        space = data.index(b" ", position)
        nul = data.index(b"\0", space)
        entries.append((data[nul + 1:nul + 21], int(data[position:space], 8),
                        data[space + 1:nul].decode("utf-8", "surrogateescape")))
        position = nul + 21
    return entries


def encode_tree(entries: list[TreeEntry]) -> bytes:
    """A tree object's content, its entries in Git's order (a directory sorts as `name/`)."""
    return _encode_ordered(in_tree_order(entries))


def in_tree_order(entries: list[TreeEntry]) -> list[TreeEntry]:
    """`entries` in Git's order (a directory sorts as `name/`), as `parse_tree` reads them back."""
    return sorted(entries, key=lambda e: e[2].encode("utf-8", "surrogateescape") + (b"/" if e[1] == TREE_MODE
                                                                                    else b""))


def _encode_ordered(ordered: list[TreeEntry]) -> bytes:
    return b"".join(b"%o %s\0%s" % (mode, name.encode("utf-8", "surrogateescape"), sha) for sha, mode, name in ordered)


def tree_with(tree: str | None, changes: Changes, read_tree: Callable[[str], list[TreeEntry]],
              store: Callable[[bytes, bytes], str],
              remember: Callable[[str, list[TreeEntry]], None] | None = None) -> str | None:
    """The id of `tree` with `changes` made (None when nothing is left in it): only the trees on
    the changed paths are rewritten; every other entry keeps its id. `remember(id, entries)` is told
    of every tree written (entries in Git's order): a chain of commits builds its next tree on it, and a
    later action reads it back, without parsing it."""
    entries = {name: (sha, mode) for sha, mode, name in (read_tree(tree) if tree else [])}
    # Entries keep the order they were read in (Git's); only a name added or removed, or one that turns
    # from a file into a folder or back (a folder sorts as `name/`), can change it: else no sorting.
    reordered = False

    def put(name: str, value: tuple[bytes, int] | None) -> None:
        nonlocal reordered
        current = entries.get(name)
        if value is None:
            reordered |= entries.pop(name, None) is not None
            return
        reordered |= current is None or (current[1] == TREE_MODE) != (value[1] == TREE_MODE)
        entries[name] = value

    nested: dict[str, dict[tuple[str, ...], tuple[int, str] | None]] = {}
    for parts, target in changes.items():
        if len(parts) == 1:
            put(parts[0], None if target is None else (bytes.fromhex(target[1]), target[0]))
        else:
            nested.setdefault(parts[0], {})[parts[1:]] = target
    for name, inner in nested.items():
        current = entries.get(name)
        below = current[0].hex() if current is not None and current[1] == TREE_MODE else None
        made = tree_with(below, inner, read_tree, store, remember)
        put(name, None if made is None else (bytes.fromhex(made), TREE_MODE))
    if not entries:
        return None
    ordered = [(sha, mode, name) for name, (sha, mode) in entries.items()]
    if reordered:
        ordered = in_tree_order(ordered)
    made = store(b"tree", _encode_ordered(ordered))
    if remember is not None:
        remember(made, ordered)
    return made


def mode_in(tree: str | None, parts: tuple[str, ...], read_tree: Callable[[str], list[TreeEntry]]) -> int | None:
    """The mode of the entry at `parts` in `tree` (None when absent)."""
    for depth, part in enumerate(parts):
        if tree is None:
            return None
        found = next(((sha, mode) for sha, mode, name in read_tree(tree) if name == part), None)
        if found is None:
            return None
        if depth == len(parts) - 1:
            return found[1]
        tree = found[0].hex() if found[1] == TREE_MODE else None
    return None
