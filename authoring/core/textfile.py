"""Reading term files into text without losing a byte, and writing them back atomically.

A file is read as bytes and decoded strictly as UTF-8 with any byte-order mark kept aside, so that
`encode(decode(b)) == b` for every file we accept. Newlines are kept as they are (no universal
newline translation). Writes go to a temporary file in the same directory, are fsynced and renamed
over the target, so a crash leaves the old file or the new one, never a mix.

Must never: leave a temporary file behind when a write fails; create files the umask forbids.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from authoring.errors import ParseError, Problem, Severity
from authoring.faults import checkpoint, fsync_wanted

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


def atomic_write(path: Path, data: bytes, sync: bool = True) -> None:
    """Replace `path` with `data`: temporary file in the same directory, fsync, rename, fsync dir.

    The file's permission bits are kept when it already exists; a new file gets the umask's
    (0644 under the usual 022). The temporary file never outlives a failure of this call.
    `sync=False` skips the fsyncs (for caches, which may be lost but never torn).
    """
    directory = path.parent
    mode = None
    with _suppress_oserror():
        mode = path.stat().st_mode & 0o7777
    tmp = temporary_name(path)
    try:
        write_new_file(tmp, data, mode, sync)
        checkpoint("rename", path.name)
        os.replace(tmp, path)
    except BaseException:
        with _suppress_oserror():
            os.unlink(tmp)
        raise
    if sync:
        fsync_directory(directory)


def temporary_name(path: Path, token: str | None = None) -> Path:
    """`.NAME.TOKEN.tmp` beside `path`: hidden, and recognisable as ours by whoever cleans up."""
    # os.urandom is what `secrets.token_hex` uses, without `secrets`' imports (the merge driver writes with this)
    return path.parent / f".{path.name}.{token or os.urandom(4).hex()}.tmp"


def write_new_file(path: Path, data: bytes, mode: int | None = None, sync: bool = True) -> None:
    """Create `path` (which must not exist) holding `data`, fsynced unless `sync` is False.

    The mode is `mode` when given, else what the umask leaves of 0666: a file created with
    `open(..., 0o666)` follows the umask, unlike `tempfile.mkstemp`'s 0600.
    """
    checkpoint("write", path.name)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666 if mode is None else 0o600)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        if mode is not None:
            os.fchmod(fd, mode)
        if sync:
            checkpoint("fsync", path.name)
            if fsync_wanted():
                os.fsync(fd)
    finally:
        os.close(fd)


def fsync_directory(directory: Path) -> None:
    """Make a rename in `directory` durable (where the file system can)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        checkpoint("fsync", directory.name)
        if fsync_wanted():
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
