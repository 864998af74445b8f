"""`git merge-file -p` with its output written straight into a file, run with `os` alone: part of the one
door to Git (`repo.gitplain` runs the same command line for `repo.git`'s `merge_file`).

Git starts the merge driver once per file, and `subprocess` costs more to import than the driver's
whole check of a file; so this spawns Git itself (`posix_spawnp`), with the merged text going to a
file the caller made for it (the driver's temporary file beside %A, renamed over %A when kept) and
Git's complaints read from a pipe.

Must never: import anything of ours (it sits at the bottom of the driver's imports), write any file
but the one it is given, leave a Git process behind.
"""

from __future__ import annotations

import os


def merge_file_args(ours: str, base: str, theirs: str, labels: tuple[str, str, str] = ("ours", "base", "theirs"),
                    style: str | None = None) -> list[str]:
    """The command line: `git merge-file -p` with the labels, and `--diff3`/`--zdiff3` for those styles."""
    args = ["git", "merge-file", "-p", "-L", labels[0], "-L", labels[1], "-L", labels[2]]
    if style in ("diff3", "zdiff3"):
        args.append(f"--{style}")
    return [*args, "--", ours, base, theirs]


def merge_file_to(out_fd: int, args: list[str]) -> tuple[int, bytes]:
    """Run `args` (from `merge_file_args`) with its standard output on `out_fd`: Git's exit status (the
    number of conflicts, at most 127; a failure is above that or negative) and what it wrote on stderr.
    Raises `OSError` when Git cannot be started."""
    if not hasattr(os, "posix_spawnp"):  # not a POSIX system: the caller's slower path runs Git
        raise OSError("posix_spawnp is not available")
    err_read, err_write = os.pipe()
    try:
        pid = os.posix_spawnp(args[0], args, os.environ,
                              file_actions=[(os.POSIX_SPAWN_DUP2, out_fd, 1), (os.POSIX_SPAWN_DUP2, err_write, 2)])
    finally:
        os.close(err_write)
    try:
        chunks = []
        while chunk := os.read(err_read, 65536):  # to the end: Git never blocks on a full pipe
            chunks.append(chunk)
    finally:
        os.close(err_read)
        _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), b"".join(chunks)
