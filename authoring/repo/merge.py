"""The semantic merge driver for term files: `authoring merge-driver %O %A %B %P`.

Git calls it (through `.gitattributes` and the `[merge "authoring-term"]` definition `authoring
init` installs in each clone) when both sides of a merge changed one term file. It merges the
front matter field by field (`core.threeway`) and writes the result through `Editor` on our
version, so every line neither side changed stays byte for byte; the Markdown body gets Git's own
three-way text merge. The repository's policy on top of the generic rules:

- `version` changed on both sides: the higher wins (a ratification's `1.0` over an edit's `0.3`);
- `last_updated` changed on both sides: the later date wins;
- lists both sides appended to (`provenance.review_log`, `editors`, `aliases`, ...): both kept;
- `status` changed differently on both sides: a conflict;
- one side ratified while the other changed the content: a conflict on `status` and `version`,
  because the approvals behind the ratification did not see that content (the audit would flag
  the merged term as ratified on stale approvals).

A field both sides changed differently is a conflict: the driver exits 1 and leaves conflict
markers around that field's lines only, everything else merged. Anything it cannot merge this way
(a side that does not parse, a different number of front-matter blocks, a removal that cannot be
made in place, such as an item dropped from a list) falls back to `git merge-file` on the whole
file, with its result and exit status.

Must never: lose a side's change silently; run Git except through `repo.git`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from authoring.core.conflicts import conflict_span, write_markers
from authoring.core.model import Status
from authoring.core.paths import FieldPath
from authoring.core.roundtrip import Editor
from authoring.core.termfile import TermFile, load_term
from authoring.core.textfile import Text, atomic_write
from authoring.core.threeway import MISSING, MergeResult, Resolver, keep_higher_version, keep_later_date, merge_data
from authoring.errors import AuthoringError, UsageError
from authoring.repo.git import Git, find_root, merge_file
from authoring.workflow.review_log import content_revision

DRIVER_NAME = "authoring-term"
"""The merge driver's name in `.gitattributes` (`merge=authoring-term`) and `.git/config`."""

RESOLVERS: dict[FieldPath, Resolver] = {
    ("version",): keep_higher_version,
    ("last_updated",): keep_later_date,
}


@dataclass
class MergeOutcome:
    """What the driver did with one file."""

    path: str
    method: str
    """`fields` (the semantic merge) or `text` (Git's text merge, when the fields could not be merged)."""
    conflicts: list[str] = field(default_factory=list)
    """One line per conflict left in the file."""
    notes: list[str] = field(default_factory=list)
    """How fields both sides changed were decided, and why a text merge was used."""

    @property
    def exit_code(self) -> int:
        """What Git reads: 0 merged, 1 conflicts left for the editor."""
        return 1 if self.conflicts else 0

    def report(self) -> list[str]:
        """Lines for stderr (Git shows them during the merge)."""
        lines = [f"authoring: {self.path}: {note}" for note in self.notes]
        lines.extend(f"authoring: {self.path}: CONFLICT in {conflict}" for conflict in self.conflicts)
        return lines


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
    """`merge.conflictStyle` of the repository Git runs the driver in (None outside one)."""
    try:
        with Git(find_root(start)) as repo:
            return repo.config_value("merge.conflictStyle")
    except AuthoringError:
        return None


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
    results = [merge_data(_plain(base, i), _plain(ours, i), _plain(theirs, i), RESOLVERS)
               for i in range(len(ours.blocks))]
    _refuse_stale_ratification(results, base, ours, theirs)
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


def _refuse_stale_ratification(results: list[MergeResult], base: TermFile, ours: TermFile, theirs: TermFile) -> None:
    """A ratification merged with a content change the approvals never saw is left to the editor."""
    entry = results[-1]
    if not isinstance(entry.merged, dict) or entry.merged.get("status") != Status.RATIFIED.value:
        return
    assert base.entry is not None and ours.entry is not None and theirs.entry is not None
    sides = {"ours": ours.entry, "theirs": theirs.entry}
    for name, data in sides.items():
        other_name = "theirs" if name == "ours" else "ours"
        other = sides[other_name]
        ratified_here = data.get("status") == Status.RATIFIED.value != base.entry.get("status")
        if ratified_here and content_revision(other) != content_revision(base.entry):
            reason = (f"{name} ratified the term while {other_name} changed its content; the approvals did not"
                      " see that content: keep the status you mean (re-review before ratifying)")
            for index, result in enumerate(results):
                for key in ("status", "version"):
                    values = [_plain(t, index).get(key, MISSING) if isinstance(_plain(t, index), dict) else MISSING
                              for t in (base, ours, theirs)]
                    if values[1] != values[2]:
                        result.force_conflict((key,), values[0], values[1], values[2], reason)
            return


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
