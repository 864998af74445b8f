"""The field merge of term files: what the merge driver falls back to when Git's text merge will not do.

Git runs the driver (`repo.merge_driver`, installed by `authoring init` in each clone) when both
sides of a merge changed one term file. Its fast path keeps Git's clean text merge when the field
rules agree with it; everything else comes here. This merges the front matter field by field
(`core.threeway`, with the repository's policy from `repo.merge_rules`: the higher `version`, the
later `last_updated`, lists both sides appended to kept whole, a ratification beside a content
change left as a conflict) and writes the result through `Editor` on our version, so every line
neither side changed stays byte for byte; the Markdown body gets Git's own three-way text merge.

A field both sides changed differently is a conflict: the driver exits 1 and leaves conflict
markers around that field's lines only, everything else merged. Anything it cannot merge this way
(a side that does not parse, a different number of front-matter blocks, a removal that cannot be
made in place, such as an item dropped from a list) falls back to `git merge-file` on the whole
file, with its result and exit status.

Must never: lose a side's change silently; run Git except through `repo.git`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from authoring.core.conflicts import conflict_span, write_markers
from authoring.core.roundtrip import Editor
from authoring.core.termfile import TermFile, load_term
from authoring.core.textfile import Text, atomic_write
from authoring.core.threeway import MergeResult
from authoring.errors import AuthoringError, UsageError
from authoring.repo.git import config_at, merge_file
from authoring.repo.merge_rules import DRIVER_NAME, RESOLVERS, MergeOutcome, plan

__all__ = ["DRIVER_NAME", "RESOLVERS", "MergeOutcome", "conflict_style", "merge_term_bytes", "run_driver"]


class _TextFallback(Exception):
    """The fields cannot be merged safely; Git's text merge takes over. Carries the reason."""


def merge_term_bytes(base: bytes, ours: bytes, theirs: bytes, display: str,
                     conflict_style: str | None = None) -> tuple[bytes, MergeOutcome]:
    """Merge three versions of a term file; the merged bytes and what happened."""
    try:
        return _merge_fields(base, ours, theirs, display, conflict_style in ("diff3", "zdiff3"))
    except _TextFallback as why:
        reason = str(why)
    except Exception as exc:  # a driver that crashes leaves the merge half done: merge as text instead
        reason = f"the field merge failed unexpectedly ({type(exc).__name__}: {exc})"
    merged, conflicts = merge_file(ours, base, theirs, ("ours", "base", "theirs"), conflict_style)
    outcome = MergeOutcome(display, "text", notes=[f"merged as text: {reason}"])
    if conflicts:
        outcome.conflicts.append(f"{conflicts} text region(s) (Git's conflict markers)")
    return merged, outcome


def conflict_style(start: Path) -> str | None:
    """`merge.conflictStyle` as Git sees it where the driver runs (the repository's, else the user's)."""
    return config_at(start, "merge.conflictStyle")


def run_driver(base_path: Path, ours_path: Path, theirs_path: Path, display: str,
               conflict_style: str | None = None) -> MergeOutcome:
    """Git's side of the contract: read %O %A %B, write the result over %A."""
    try:
        base, ours, theirs = (p.read_bytes() for p in (base_path, ours_path, theirs_path))
    except OSError as exc:
        raise UsageError(f"merge-driver: cannot read {exc.filename}: {exc.strerror}") from None
    merged, outcome = merge_term_bytes(base, ours, theirs, display, conflict_style)
    atomic_write(ours_path, merged)
    return outcome


def _merge_fields(base_data: bytes, ours_data: bytes, theirs_data: bytes, display: str,
                  show_base: bool = False) -> tuple[bytes, MergeOutcome]:
    path = Path(display)
    base, ours, theirs = (load_term(path, display, data) for data in (base_data, ours_data, theirs_data))
    for name, term in (("the merge base", base), ("ours", ours), ("theirs", theirs)):
        if not term.parses:
            raise _TextFallback(f"{name} does not parse")
    if not len(base.blocks) == len(ours.blocks) == len(theirs.blocks):
        raise _TextFallback("the sides have different numbers of front-matter blocks")
    blocks = [[_plain(term, i) for i in range(len(term.blocks))] for term in (base, ours, theirs)]
    assert base.split is not None and ours.split is not None and theirs.split is not None  # they parse
    results = plan(blocks[0], blocks[1], blocks[2], (base.split.body, ours.split.body, theirs.split.body))
    outcome = MergeOutcome(display, "fields")
    merged_term = _apply(ours, results)
    body, body_conflicts = _merge_body(base, ours, theirs, "diff3" if show_base else None)
    shown_base = base if show_base else None
    spans = [conflict_span(merged_term, theirs, i, c.path, shown_base) for i, r in enumerate(results)
             for c in r.conflicts]
    assert merged_term.split is not None and merged_term.text is not None
    text = (write_markers(merged_term, theirs, spans, merged_term.text.newline, shown_base) if spans
            else merged_term.split.text)
    text = text[: len(text) - len(merged_term.split.body)] + body
    for index, result in enumerate(results):
        where = "" if index == len(results) - 1 else f" (header block {index + 1})"
        outcome.notes.extend(note + where for note in result.notes)
        outcome.conflicts.extend(c.describe() + where for c in result.conflicts)
    if body_conflicts:
        outcome.conflicts.append(f"the Markdown body: {body_conflicts} region(s) both sides changed")
    return Text(merged_term.text.bom, text).encode(), outcome


def _plain(term: TermFile, index: int) -> Any:
    parsed = term.blocks[index]
    assert parsed is not None
    return parsed.plain


def _apply(ours: TermFile, results: list[MergeResult]) -> TermFile:
    """Our file with every merged edit made through the round-trip editor, then verified with deepdiff."""
    editor = Editor(ours)
    try:
        for index, result in enumerate(results):
            for edit in result.edits:
                if edit.kind == "append":
                    editor.append(edit.path, edit.value, block=index)
                elif edit.kind == "remove":
                    editor.remove(edit.path, block=index)
                else:
                    editor.set(edit.path, edit.value, block=index)
    except AuthoringError as exc:
        raise _TextFallback(f"an edit could not be made in place ({exc})") from None
    merged = load_term(ours.path, ours.display, editor.render())
    for index, result in enumerate(results):
        actual = _plain(merged, index)
        if result.merged != actual:
            from deepdiff import DeepDiff  # to say what differs (imported here: it brings numpy)

            diff = DeepDiff(result.merged, actual, threshold_to_diff_deeper=0)
            raise _TextFallback(f"the merged fields did not come out as planned ({diff.affected_paths})")
    return merged


def _merge_body(base: TermFile, ours: TermFile, theirs: TermFile, style: str | None) -> tuple[str, int]:
    """The Markdown body, merged three ways as text (only when both sides changed it)."""
    assert base.split is not None and ours.split is not None and theirs.split is not None
    b, o, t = base.split.body, ours.split.body, theirs.split.body
    if o == t or t == b:
        return o, 0
    if o == b:
        return t, 0
    merged, conflicts = merge_file(o.encode("utf-8"), b.encode("utf-8"), t.encode("utf-8"), style=style)
    return merged.decode("utf-8"), conflicts
