"""Open a copy of a term in the user's editor (`$VISUAL`, else `$EDITOR`, else `vi`) and read it back.

The copy lives in a new temporary folder, outside the repository, under the term's own file name (so
editors pick Markdown); the repository is never touched here. When the result is refused, the face
keeps the copy and says where it is, so the person's work is never lost; otherwise it is discarded.
Both faces use this: `authoring edit TERM` and the UI's key (which suspends the app meanwhile).

Must never: write inside the repository, run Git, parse YAML, or use a shell.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from authoring.errors import UsageError


def editor_command() -> list[str]:
    """The editor to run, as arguments (`$VISUAL`, else `$EDITOR`, else `vi`), split as a shell would."""
    text = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        command = shlex.split(text)
    except ValueError as exc:
        raise UsageError(f"cannot read the editor command {text!r}: {exc}") from None
    if not command:
        raise UsageError("$EDITOR is empty; set it to your editor (EDITOR=nano)")
    return command


@dataclass
class Scratch:
    """The temporary copy a person edited."""

    path: Path

    def read(self) -> bytes:
        """The copy's bytes as the editor left them."""
        try:
            return self.path.read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read the edited copy {self.path}: {exc.strerror or exc}") from None

    def discard(self) -> None:
        """Remove the copy and its folder."""
        shutil.rmtree(self.path.parent, ignore_errors=True)


def edit_copy(data: bytes, name: str, scratch: Scratch | None = None) -> Scratch:
    """Write `data` to a new temporary copy named `name` (or reuse `scratch`, as the person left it), run the
    editor on it and wait; `UsageError` when the editor cannot be run or fails (the copy is kept then)."""
    if scratch is None:
        folder = Path(tempfile.mkdtemp(prefix="authoring-edit-"))
        scratch = Scratch(folder / Path(name).name)
        scratch.path.write_bytes(data)
    command = editor_command()
    try:
        completed = subprocess.run([*command, str(scratch.path)], check=False)
    except OSError as exc:
        if scratch.read() == data:  # never edited: nothing of the person's to keep
            scratch.discard()
            raise UsageError(f"cannot run the editor {command[0]!r}: {exc.strerror or exc}; set $EDITOR (EDITOR=vi);"
                             " nothing was changed") from None
        raise UsageError(f"cannot run the editor {command[0]!r}: {exc.strerror or exc}; set $EDITOR"
                         f" (your copy is {scratch.path})") from None
    if completed.returncode != 0:
        raise UsageError(f"the editor exited with status {completed.returncode}; nothing was changed"
                         f" (your copy is {scratch.path})")
    return scratch
