"""Reading term files into text without losing a byte, and writing them back atomically.

A file is read as bytes and decoded strictly as UTF-8 with any byte-order mark kept aside, so that
`encode(decode(b)) == b` for every file we accept. Newlines are kept as they are (no universal
newline translation). Writes go to a temporary file in the same directory, are fsynced and renamed
over the target, so a crash leaves the old file or the new one, never a mix.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from authoring.errors import ParseError, Problem, Severity

BOM = "\ufeff"
# A term file is a few kilobytes; the corpus's largest is 16 KiB. Anything far past this is not a
# term file, and parsing it would only make the user wait.
MAX_FILE_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Text:
    """A decoded file: `bom + body` encodes back to exactly the bytes read."""

    bom: bool
    body: str

    def encode(self) -> bytes:
        """The exact bytes of this text."""
        return ((BOM if self.bom else "") + self.body).encode("utf-8")

    @property
    def newline(self) -> str:
        """The file's newline convention, judged by its first line break."""
        index = self.body.find("\n")
        if index > 0 and self.body[index - 1] == "\r":
            return "\r\n"
        return "\n"


def decode(data: bytes, path: str) -> Text:
    """Decode bytes as a term file, or raise a located `ParseError`."""
    if len(data) > MAX_FILE_BYTES:
        raise ParseError(
            f"{path}: file is {len(data):,} bytes, more than the {MAX_FILE_BYTES:,} a term file may have",
            [
                Problem(
                    path, 1, 1, Severity.ERROR, "file-too-large",
                    f"file is {len(data):,} bytes; term files are limited to {MAX_FILE_BYTES:,}",
                    fix="split the file or remove what is not part of the term",
                )
            ],
        )
    nul = data.find(b"\0")
    if nul >= 0:
        line, col = _line_col_of_byte(data, nul)
        raise ParseError(
            f"{path}:{line}:{col}: file contains a NUL byte",
            [Problem(path, line, col, Severity.ERROR, "nul-byte", "file contains a NUL byte (binary data?)",
                     fix="remove the NUL byte; term files are UTF-8 text")],
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col_of_byte(data, exc.start)
        bad = data[exc.start : exc.end].hex(" ")
        source = data.splitlines()[line - 1].decode("utf-8", "replace") if data.splitlines() else None
        raise ParseError(
            f"{path}:{line}:{col}: invalid UTF-8 (bytes {bad})",
            [Problem(path, line, col, Severity.ERROR, "invalid-utf8", f"invalid UTF-8 byte sequence {bad}",
                     source_line=source, fix="re-save the file as UTF-8")],
        ) from None
    if text.startswith(BOM):
        return Text(True, text[1:])
    return Text(False, text)


def _line_col_of_byte(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    col = len(data[start:offset].decode("utf-8", "replace")) + 1
    return line, col


def read_text(path: Path, display: str | None = None) -> Text:
    """Read and decode a file; errors are located `ParseError`s, never tracebacks."""
    shown = display or str(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ParseError(f"{shown}: cannot read: {exc.strerror}",
                         [Problem(shown, 0, 0, Severity.ERROR, "unreadable", str(exc.strerror))]) from None
    return decode(data, shown)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data`: temporary file in the same directory, fsync, rename, fsync dir.

    The file's permission bits are kept when it already exists.
    """
    directory = path.parent
    mode = None
    with _suppress_oserror():
        mode = path.stat().st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with _suppress_oserror():
            os.unlink(tmp)
        raise
    _fsync_directory(directory)


def _fsync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot fsync a directory; the rename is still atomic
    finally:
        os.close(fd)


class _suppress_oserror:
    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, value: object, tb: object) -> bool:
        return isinstance(value, OSError)
