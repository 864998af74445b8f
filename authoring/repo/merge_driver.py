"""The merge driver Git runs for each term file both sides changed: Git's text merge first, checked.

`python -m authoring.repo.merge_driver %O %A %B %P` is what `authoring init` installs; the older
definition, `python -m authoring merge-driver %O %A %B %P`, lands here too (`cli.main`). Git starts
one process per file, so a pull of 200 edited terms starts 200 Pythons: this module imports only
what the fast path needs (the front-matter splitter, the fast YAML reader, the field rules), never
Typer, pydantic, deepdiff, GitPython or Textual (`tests/test_merge_fast_path.py` holds that line).

The fast path runs `git merge-file` on the three versions and keeps its result (written over %A,
exit 0) only when all of these hold:

1. the text merge is clean;
2. base, ours, theirs and the result each decode, hold no conflict markers, have the same number of
   front-matter blocks, and every block parses (the fast reader: ruamel's values), the entry a
   mapping: what the field merge asks of its sides;
3. the field rules (`merge_rules.plan`: the generic rules, the higher version, the later date, the
   stale-ratification refusal) merge the sides' data with no conflict, and the result's data is
   exactly (types included) the data they plan, block by block;
4. the Markdown body is what the field merge makes of it, and our byte-order mark is kept.

The field merge would then give the same data, so the text merge's bytes are kept: they hold every
line as the side that changed it wrote it (the field merge re-renders their values on our lines).
Anything else (a conflict, a side that does not parse, data that differ, a policy at work: a
version both sides bumped differently, a ratification beside a content change) goes to the field
merge (`repo.merge`), imported only then, which decides exactly as it always has.

Must never: write anything but %A; import the heavy stack before the fast path has declined;
run Git except through `repo.git`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from authoring.core.fastyaml import parse_block_fast
from authoring.core.frontmatter import Split, split
from authoring.core.markers import find_markers
from authoring.core.textfile import Text, atomic_write, decode
from authoring.errors import AuthoringError, UsageError
from authoring.repo.gitplain import merge_file_paths
from authoring.repo.merge_rules import MergeOutcome, plan

USAGE = "usage: python -m authoring.repo.merge_driver BASE OURS THEIRS [PATH]   (Git's %O %A %B %P)"


class _Parsed:
    """One version of the file, read as the fast path needs it."""

    def __init__(self, data: bytes, display: str, seen: dict[str, Any]) -> None:
        self.text: Text = decode(data, display)
        self.split: Split = split(self.text.body)
        if not self.split.blocks or find_markers(self.split.text):
            raise ValueError("no front matter, or conflict markers")
        self.blocks: list[Any] = []
        for block in self.split.blocks:
            # a block one side did not change reads as it did at the base: parse each text once
            # (only the values are kept, and nothing changes them)
            content = self.split.content(block)
            if content not in seen:
                seen[content] = parse_block_fast(self.split, block, display).plain
            self.blocks.append(seen[content])
        if not isinstance(self.blocks[-1], dict):
            raise ValueError("the entry is not a mapping")


def fast_merge(base_path: Path, ours_path: Path, theirs_path: Path, display: str) -> tuple[bytes, MergeOutcome] | None:
    """Git's clean text merge of the three files and what happened, when the field rules agree with it
    (see the module's doc); None when the field merge must decide."""
    merged, conflicts = merge_file_paths(ours_path, base_path, theirs_path)
    if conflicts:
        return None
    seen: dict[str, Any] = {}
    try:
        base, ours, theirs = (_Parsed(p.read_bytes(), display, seen) for p in (base_path, ours_path, theirs_path))
        result = _Parsed(merged, display, seen)
    except Exception:  # anything unreadable or odd (ParseError, RecursionError, ...): the field merge decides
        return None
    if not len(base.blocks) == len(ours.blocks) == len(theirs.blocks) == len(result.blocks):
        return None
    if result.text.bom != ours.text.bom or result.split.body != _merged_body(base, ours, theirs):
        return None
    planned = plan(base.blocks, ours.blocks, theirs.blocks)
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
    b, o, t = base.split.body, ours.split.body, theirs.split.body
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


def merge(base_path: Path, ours_path: Path, theirs_path: Path, display: str) -> MergeOutcome:
    """Git's side of the contract: merge %O %A %B, write the result over %A, say what happened."""
    for path in (base_path, ours_path, theirs_path):
        if not path.is_file():
            raise UsageError(f"merge-driver: cannot read {path}: no such file")
    fast = fast_merge(base_path, ours_path, theirs_path, display)
    if fast is not None:
        merged, outcome = fast
        atomic_write(ours_path, merged)
        return outcome
    from authoring.repo.merge import conflict_style, run_driver  # the field merge: the heavy stack

    return run_driver(base_path, ours_path, theirs_path, display, conflict_style(Path.cwd()))


def main(argv: Sequence[str] | None = None) -> int:
    """The command Git runs: `BASE OURS THEIRS [PATH]`; exit 0 merged, 1 conflicts left, 2 usage."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) not in (3, 4) or any(a.startswith("-") for a in args):
        print(USAGE, file=sys.stderr)
        return 2
    base, ours, theirs = (Path(a) for a in args[:3])
    try:
        outcome = merge(base, ours, theirs, args[3] if len(args) == 4 else args[1])
    except AuthoringError as exc:
        print(f"authoring: error: {exc}", file=sys.stderr)
        return int(exc.exit_code)
    for line in outcome.report():
        print(line, file=sys.stderr)
    return outcome.exit_code


if __name__ == "__main__":
    sys.exit(main())
