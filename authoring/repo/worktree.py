"""An action's files put into the work tree as a compare-and-swap against the bytes it read.

For each file the new bytes are first written to `.NAME.TOKEN.tmp` beside it (fsynced). Placing it
is then: check that the file still holds the bytes the action read; rename it aside to
`.NAME.TOKEN.old`; link the new file in under the name, which fails if anything appeared there
meanwhile (a link never replaces); verify that what was set aside is what the action read and that
the name holds the new bytes. Any mismatch undoes that file and raises `Conflict`, so a person's
edit made at any moment stays byte-identical: an edit written in place before the rename lands in
the set-aside file and is detected; one written by renaming over the name is detected by the link or
the verification; one written after the verification lands on the new file and simply stays in the
work tree, uncommitted.

Undoing (`undo`) and finishing (`finish`) only rename and unlink: they never need new disk space.

Must never: overwrite a file whose bytes it did not check; run Git; parse anything.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from authoring.core.textfile import temporary_name, write_new_file
from authoring.errors import Conflict
from authoring.faults import checkpoint


def temp_path(path: Path, token: str) -> Path:
    """Where the new bytes of `path` wait to be placed."""
    return temporary_name(path, token)


def backup_path(path: Path, token: str) -> Path:
    """Where the old file is set aside while the new one is placed."""
    return path.parent / f".{path.name}.{token}.old"


def read_or_none(path: Path) -> bytes | None:
    """The file's bytes, or None when there is no file."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def prepare(path: Path, after: bytes | None, token: str) -> None:
    """Write the new bytes beside `path` (nothing for a deletion); the directory is made if missing."""
    if after is None:
        return
    mode = None
    with contextlib.suppress(OSError):
        mode = path.stat().st_mode & 0o7777
    path.parent.mkdir(parents=True, exist_ok=True)
    write_new_file(temp_path(path, token), after, mode)


def _changed(display: str) -> Conflict:
    return Conflict(f"{display} changed while the action was running; your edit is kept as it is and"
                    " nothing was committed; try again")


def place(path: Path, before: bytes | None, after: bytes | None, token: str, display: str) -> None:
    """Replace `path` (holding `before`) by the prepared `after` (None: remove it); `Conflict` if it
    no longer holds `before` at any moment of the swap, with this file left as it was."""
    if read_or_none(path) != before:
        raise _changed(display)
    backup = backup_path(path, token)
    if before is not None:
        checkpoint("rename", path.name)
        os.rename(path, backup)
    if after is not None:
        checkpoint("rename", path.name)
        try:
            _link_new(temp_path(path, token), path)
        except FileExistsError:
            undo(path, before, after, token)
            raise _changed(display) from None
    if (before is not None and read_or_none(backup) != before) or read_or_none(path) != after:
        undo(path, before, after, token)
        raise _changed(display)


def _link_new(source: Path, target: Path) -> None:
    """Give `source`'s file the name `target`, failing (`FileExistsError`) if `target` exists."""
    try:
        os.link(source, target)
    except FileExistsError:
        raise
    except OSError:  # no hard links on this file system: a rename, after a last look
        if target.exists():
            raise FileExistsError(target) from None
        os.rename(source, target)
        return
    os.unlink(source)


def undo(path: Path, before: bytes | None, after: bytes | None, token: str) -> bool:
    """Put `path` back as it was before `place` (whatever step it reached); never writes new bytes.

    A file that holds neither the action's bytes nor nothing is someone's edit and stays. Returns
    whether every step could be done (False: try again later, from the journal).
    """
    backup = backup_path(path, token)
    complete = True
    try:
        current = read_or_none(path)
        if backup.exists():
            if current is not None and current == after:
                os.unlink(path)  # ours: the set-aside file goes back
                current = None
            if current is None:
                checkpoint("rename", path.name)
                os.rename(backup, path)
            elif read_or_none(backup) == before:
                os.unlink(backup)  # someone wrote a new file meanwhile: theirs stays; the old bytes are in HEAD
        elif before is None and after is not None and current == after:
            os.unlink(path)
    except OSError:
        complete = False
    with contextlib.suppress(FileNotFoundError):
        temp_path(path, token).unlink()
    return complete


def finish(path: Path, token: str) -> None:
    """The commit landed: drop the set-aside old file and any leftover temporary one."""
    for leftover in (backup_path(path, token), temp_path(path, token)):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
