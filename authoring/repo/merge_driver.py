"""The merge driver Git runs for each term file both sides changed: Git's text merge first, checked.

`python -m authoring.repo.merge_driver %O %A %B %P` is what `authoring init` installs; the older
definition, `python -m authoring merge-driver %O %A %B %P`, lands here too (`cli.main`). Git starts
one process per file, so a pull of 200 edited terms starts 200 Pythons, and what each imports is
most of what it costs (the check itself takes a millisecond or two). So the fast path imports only
PyYAML and lean modules of ours: the line scans (`core.linescan`), libyaml's plain reading
(`core.fastplain`), the field rules (`repo.merge_rules`, `core.threeway`), and Git's text merge run
with `os` (`repo.gitmergefile`): never Typer, pydantic, deepdiff, GitPython, Textual or ruamel, and
not even `dataclasses`, `typing`, `pathlib`, `subprocess` or `errors`
(`tests/test_merge_fast_path.py` holds that line).

The fast path runs `git merge-file` on the three versions and keeps its result (written over %A,
exit 0) only when all of these hold:

1. the text merge is clean;
2. base, ours, theirs and the result each decode, hold no conflict markers, have the same number of
   front-matter blocks, and every block reads cleanly with libyaml (`fastplain.read_plain`: ruamel's
   values, or a doubt), the entry a mapping: what the field merge asks of its sides;
3. the field rules (`merge_rules.plan`: the generic rules, the higher version, the later date, the
   stale-ratification refusal) merge the sides' data with no conflict, and the result's data is
   exactly (types included) the data they plan, block by block;
4. the Markdown body is what the field merge makes of it, and our byte-order mark is kept.

The field merge would then give the same data, so the text merge's bytes are kept: they hold every
line as the side that changed it wrote it (the field merge re-renders their values on our lines).
Git writes them into a temporary file beside %A, which is renamed over %A when kept (atomic, as
every write of ours; not fsynced: Git reads %A back the moment the driver exits, and a crash before
that loses the merge, not the file).
Anything else (a conflict, a side that does not parse or that only ruamel may read, data that
differ, a policy at work: a version both sides bumped differently, a ratification beside a content
change) goes to the field merge (`repo.merge`), imported only then, which decides exactly as it
always has: declining is always safe, so the fast path declines whenever it is in doubt.

Must never: write anything but %A; import the heavy stack before the fast path has declined;
run Git except through `repo.git`.
"""

from __future__ import annotations

import os
import sys

from authoring.core.fastplain import read_plain
from authoring.core.linescan import fence_spans, marker_regions
from authoring.repo.gitmergefile import merge_file_args, merge_file_to
from authoring.repo.merge_rules import MergeOutcome, plan

TYPE_CHECKING = False  # `typing` itself is not imported: see the module's doc
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any, NoReturn

USAGE = "usage: python -m authoring.repo.merge_driver BASE OURS THEIRS [PATH]   (Git's %O %A %B %P)"
BOM = "\ufeff"
MAX_FILE_BYTES = 2 * 1024 * 1024
"""`core.textfile.MAX_FILE_BYTES` (a test holds them equal): past it no reader parses a file."""


class _Declined(Exception):
    """The fast path cannot vouch for the text merge: the field merge decides."""


class _Parsed:
    """One version of the file, read as the fast path needs it (as `core.textfile.decode`,
    `core.frontmatter.split` and `core.fastyaml` read it; anything they would refuse, declines)."""

    def __init__(self, data: bytes, seen: dict[str, Any]) -> None:
        if len(data) > MAX_FILE_BYTES or b"\0" in data:
            raise _Declined("too large, or binary")
        text = data.decode("utf-8")  # strict: a UnicodeDecodeError declines too
        self.bom = text.startswith(BOM)
        self.text = text[1:] if self.bom else text
        spans, body_start = fence_spans(self.text)
        if not spans or marker_regions(self.text):
            raise _Declined("no front matter, or conflict markers")
        self.body = self.text[body_start:]
        self.blocks: list[Any] = []
        for span in spans:
            # a block one side did not change reads as it did at the base: parse each text once
            # (only the values are kept, and nothing changes them)
            content = self.text[span[1] : span[2]]
            if content not in seen:
                seen[content] = read_plain(content)
            self.blocks.append(seen[content])
        if not isinstance(self.blocks[-1], dict):
            raise _Declined("the entry is not a mapping")


def fast_merge(base_path: str | os.PathLike[str], ours_path: str | os.PathLike[str],
               theirs_path: str | os.PathLike[str], display: str) -> tuple[bytes, MergeOutcome] | None:
    """Git's clean text merge of the three files and what happened, when the field rules agree with it
    (see the module's doc); None when the field merge must decide. Writes nothing."""
    temporary = _temporary_beside(os.fspath(ours_path))
    try:
        return _fast_merge_into(temporary, os.fspath(base_path), os.fspath(ours_path), os.fspath(theirs_path),
                                display)
    finally:
        _unlink(temporary)


def _fast_merge_into(temporary: str, base_path: str, ours_path: str, theirs_path: str,
                     display: str) -> tuple[bytes, MergeOutcome] | None:
    """`fast_merge`, with Git's text merge written to `temporary` (a new file) whatever the answer."""
    _checkpoint("write", os.path.basename(temporary))
    fd = os.open(temporary, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        with _suppress_oserror():
            os.fchmod(fd, os.stat(ours_path).st_mode & 0o7777)  # %A's mode, as `textfile.atomic_write` keeps it
        try:
            status, _ = merge_file_to(fd, merge_file_args(ours_path, base_path, theirs_path))
        except OSError:  # no Git to run: the field merge runs it too, and reports what went wrong
            return None
        if status != 0:
            return None  # conflicts (1-127), or Git failed: the field merge decides (and reports)
        os.lseek(fd, 0, os.SEEK_SET)
        merged = _read_all(fd)
    finally:
        os.close(fd)
    try:
        return _check(merged, base_path, ours_path, theirs_path, display)
    except Exception:  # anything unreadable or odd (Doubt, YAMLError, RecursionError, ...): the field merge decides
        return None


def _check(merged: bytes, base_path: str, ours_path: str, theirs_path: str,
           display: str) -> tuple[bytes, MergeOutcome] | None:
    seen: dict[str, Any] = {}
    base, ours, theirs = (_Parsed(_read_file(p), seen) for p in (base_path, ours_path, theirs_path))
    result = _Parsed(merged, seen)
    if not len(base.blocks) == len(ours.blocks) == len(theirs.blocks) == len(result.blocks):
        return None
    if result.bom != ours.bom or result.body != _merged_body(base, ours, theirs):
        return None
    planned = plan(base.blocks, ours.blocks, theirs.blocks, (base.body, ours.body, theirs.body))
    if any(p.conflicts for p in planned) or not all(
            same_data(p.merged, got) for p, got in zip(planned, result.blocks, strict=True)):
        return None
    outcome = MergeOutcome(display, "checked")
    for index, block in enumerate(planned):
        where = "" if index == len(planned) - 1 else f" (header block {index + 1})"
        outcome.notes.extend(note + where for note in block.notes)
    return merged, outcome


def _merged_body(base: _Parsed, ours: _Parsed, theirs: _Parsed) -> str | None:
    """The body as the field merge makes it, when one side (or both alike) changed it; None when both did."""
    b, o, t = base.body, ours.body, theirs.body
    if o == t or t == b:
        return o
    if o == b:
        return t
    return None  # both changed it: the field merge merges the bodies alone, so let it


def same_data(a: Any, b: Any) -> bool:
    """Equal plain data, types included (`1` is not `1.0` nor `True`), mapping order aside.

    `==` is not enough here (Python calls `1 == 1.0 == True`) and deepdiff's import costs more than
    the whole fast path; a mismatch only sends the file to the field merge, which verifies with deepdiff.
    """
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_data(value, b[key]) for key, value in a.items())
    if isinstance(a, list):
        return len(a) == len(b) and all(same_data(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def merge(base_path: str | os.PathLike[str], ours_path: str | os.PathLike[str],
          theirs_path: str | os.PathLike[str], display: str) -> MergeOutcome:
    """Git's side of the contract: merge %O %A %B, write the result over %A, say what happened.
    Raises `errors.UsageError` when a file is missing."""
    base, ours, theirs = paths = [os.fspath(p) for p in (base_path, ours_path, theirs_path)]
    for path in paths:
        if not os.path.isfile(path):
            from authoring.errors import UsageError

            raise UsageError(f"merge-driver: cannot read {path}: no such file")
    temporary = _temporary_beside(ours)
    try:
        fast = _fast_merge_into(temporary, base, ours, theirs, display)
        if fast is not None:
            _checkpoint("rename", os.path.basename(ours))
            os.replace(temporary, ours)
            return fast[1]
    finally:
        _unlink(temporary)
    _full_site()
    from pathlib import Path  # the field merge: the heavy stack

    from authoring.repo.merge import conflict_style, run_driver

    return run_driver(Path(base), Path(ours), Path(theirs), display, conflict_style(Path.cwd()))


def main(argv: Sequence[str] | None = None) -> int:
    """The command Git runs: `BASE OURS THEIRS [PATH]`; exit 0 merged, 1 conflicts left, 2 usage."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) not in (3, 4) or any(a.startswith("-") for a in args):
        print(USAGE, file=sys.stderr)
        return 2
    try:
        outcome = merge(args[0], args[1], args[2], args[3] if len(args) == 4 else args[1])
    except Exception as exc:
        from authoring.errors import AuthoringError

        if not isinstance(exc, AuthoringError):
            raise
        print(f"authoring: error: {exc}", file=sys.stderr)
        return int(exc.exit_code)
    for line in outcome.report():
        print(line, file=sys.stderr)
    return outcome.exit_code


def _full_site() -> None:
    """Turn on `site` when the driver was started without it (`python -S`, as `init` installs it): the
    field merge's libraries (ruamel, pydantic, GitPython, ...) live in site-packages and `.pth` hooks."""
    if sys.flags.no_site:
        import site

        site.main()


def _temporary_beside(path: str) -> str:
    """`.NAME.TOKEN.tmp` beside `path`, as `core.textfile.temporary_name` names its temporary files."""
    directory, name = os.path.split(path)
    return os.path.join(directory, f".{name}.{os.urandom(4).hex()}.tmp")


def _read_file(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _unlink(path: str) -> None:
    with _suppress_oserror():
        os.unlink(path)


def _checkpoint(kind: str, detail: str) -> None:
    """The fault-injection kill point (`authoring.faults`), imported only in test mode."""
    if os.environ.get("AUTHORING_TEST_MODE") == "1":
        from authoring.faults import checkpoint

        checkpoint(kind, detail)


class _suppress_oserror:
    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, value: object, tb: object) -> bool:
        return isinstance(value, OSError)


def run() -> NoReturn:
    """`main`, then exit. When only the fast path ran, the exit skips the interpreter's clean-up (it has
    nothing to close: every file is written and closed, the temporary one removed), which costs Git
    a few milliseconds a file; the field merge's stack gets the ordinary exit."""
    code = main()
    if "authoring.repo.merge" in sys.modules:
        sys.exit(code)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
