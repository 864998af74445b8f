"""Git commands the merge driver's fast path runs, and the error every Git command raises: part of the
one door to Git (`repo.git` re-exports them), kept apart so that a process Git starts once per file
imports `subprocess` and nothing else of the repository layer.

Must never: import GitPython, `repo.git` or anything that does; parse YAML.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from authoring.errors import AuthoringError, ExitCode
from authoring.repo.gitmergefile import merge_file_args


class GitError(AuthoringError):
    """A Git command failed for a reason other than a conflict."""

    def __init__(self, message: str) -> None:
        super().__init__(message, [], ExitCode.PROBLEMS)


def merge_file_paths(ours: Path, base: Path, theirs: Path,
                     labels: tuple[str, str, str] = ("ours", "base", "theirs"),
                     style: str | None = None) -> tuple[bytes, int]:
    """`merge_file` on three files already on disk (the merge driver's %A %O %B); none is written.

    Plain `git merge-file` (no GitPython), the command line the driver's fast path runs too.
    """
    args = merge_file_args(str(ours), str(base), str(theirs), labels, style)
    done = subprocess.run(args, capture_output=True, check=False)
    # the exit status counts the conflicts (at most 127); a failure is negative, i.e. 255
    if done.returncode < 0 or done.returncode > 127:
        raise GitError(f"git merge-file failed: {done.stderr.decode('utf-8', 'replace').strip()}")
    return done.stdout, done.returncode


def merge_file(ours: bytes, base: bytes, theirs: bytes, labels: tuple[str, str, str] = ("ours", "base", "theirs"),
               style: str | None = None) -> tuple[bytes, int]:
    """Git's own three-way text merge (`git merge-file`): the merged bytes and the number of conflicts.

    `style` is `merge.conflictStyle` (`diff3`/`zdiff3` show the base too). No repository is needed.
    """
    import tempfile  # here: the processes that import this module for the merge driver never call this

    with tempfile.TemporaryDirectory(prefix="authoring-merge-") as folder:
        names = []
        for name, data in (("ours", ours), ("base", base), ("theirs", theirs)):
            target = Path(folder) / name
            target.write_bytes(data)
            names.append(target)
        return merge_file_paths(names[0], names[1], names[2], labels, style)
