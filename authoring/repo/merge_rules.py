"""The repository's merge policy for term files, on parsed data: what both merge paths decide by.

`plan(base, ours, theirs)` takes each side's front-matter blocks as plain data and returns one
`core.threeway.MergeResult` per block: the generic field rules (`merge_data`) with the
repository's resolvers on top —

- `version` changed on both sides: the higher wins (a ratification's `1.0` over an edit's `0.3`);
- `last_updated` changed on both sides: the later date wins;
- one side ratified while the other changed the content: a conflict on `status` and `version`,
  because the approvals behind the ratification did not see that content.

The full field merge (`repo.merge`) makes the planned edits on our file; the driver's fast path
(`repo.merge_driver`) accepts Git's clean text merge only when its data is exactly what the plan
says. Both read the policy here, so they cannot disagree on it.

This module is on the driver's fast path, which Git starts once per file: it imports nothing heavy
(no pydantic, ruamel, deepdiff, GitPython, nor `dataclasses` or `typing`). Must never: touch files or Git.
"""

from __future__ import annotations

from authoring.core.threeway import MISSING, MergeResult, keep_higher_version, keep_later_date, merge_data
from authoring.workflow.content_revision import content_revision

TYPE_CHECKING = False  # `typing` itself is not imported: see the module's doc
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from authoring.core.paths import FieldPath
    from authoring.core.threeway import Resolver

DRIVER_NAME = "authoring-term"
"""The merge driver's name in `.gitattributes` (`merge=authoring-term`) and `.git/config`."""

RESOLVERS: dict[FieldPath, Resolver] = {
    ("version",): keep_higher_version,
    ("last_updated",): keep_later_date,
}

_RATIFIED = "ratified"  # core.model.Status.RATIFIED, without importing pydantic for it


class MergeOutcome:
    """What the driver did with one file."""

    __slots__ = ("conflicts", "method", "notes", "path")

    def __init__(self, path: str, method: str, conflicts: list[str] | None = None,
                 notes: list[str] | None = None) -> None:
        self.path = path
        self.method = method
        """`fields` (the field merge), `text` (Git's text merge, when the fields could not be merged), or
        `checked` (Git's clean text merge, kept because its data is what the field merge plans)."""
        self.conflicts: list[str] = conflicts if conflicts is not None else []
        """One line per conflict left in the file."""
        self.notes: list[str] = notes if notes is not None else []
        """How fields both sides changed were decided, and why a text merge was used."""

    def __repr__(self) -> str:
        return f"MergeOutcome({self.path!r}, {self.method!r}, conflicts={self.conflicts!r}, notes={self.notes!r})"

    @property
    def exit_code(self) -> int:
        """What Git reads: 0 merged, 1 conflicts left for the editor."""
        return 1 if self.conflicts else 0

    def report(self) -> list[str]:
        """Lines for stderr (Git shows them during the merge)."""
        lines = [f"authoring: {self.path}: {note}" for note in self.notes]
        lines.extend(f"authoring: {self.path}: CONFLICT in {conflict}" for conflict in self.conflicts)
        return lines

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `--json`."""
        return {"path": self.path, "method": self.method, "conflicts": self.conflicts, "notes": self.notes}


def plan(base: Sequence[Any], ours: Sequence[Any], theirs: Sequence[Any],
         bodies: tuple[str, str, str] = ("", "", "")) -> list[MergeResult]:
    """Merge each block's data (all three sides have the same number of blocks; the last is the entry,
    a mapping on every side). `bodies` are the sides' Markdown bodies (base, ours, theirs): content too."""
    results = [merge_data(b, o, t, RESOLVERS) for b, o, t in zip(base, ours, theirs, strict=True)]
    _refuse_stale_ratification(results, base, ours, theirs, bodies)
    return results


def _refuse_stale_ratification(results: list[MergeResult], base: Sequence[Any], ours: Sequence[Any],
                               theirs: Sequence[Any], bodies: tuple[str, str, str]) -> None:
    """A ratification merged with a content change the approvals never saw (in the entry, a legacy header
    or the Markdown body: what a content revision covers) is left to the editor."""
    entry = results[-1]
    if not isinstance(entry.merged, dict) or entry.merged.get("status") != _RATIFIED:
        return
    base_entry = base[-1]
    base_revision = content_revision(base_entry, base[:-1], bodies[0])
    sides = {"ours": (ours, bodies[1]), "theirs": (theirs, bodies[2])}
    for name, (data, _) in sides.items():
        other_name = "theirs" if name == "ours" else "ours"
        other, other_body = sides[other_name]
        ratified_here = data[-1].get("status") == _RATIFIED != base_entry.get("status")
        if ratified_here and content_revision(other[-1], other[:-1], other_body) != base_revision:
            reason = (f"{name} ratified the term while {other_name} changed its content; the approvals did not"
                      " see that content: keep the status you mean (re-review before ratifying)")
            for index, result in enumerate(results):
                for key in ("status", "version"):
                    values = [side[index].get(key, MISSING) if isinstance(side[index], dict) else MISSING
                              for side in (base, ours, theirs)]
                    if values[1] != values[2]:
                        result.force_conflict((key,), values[0], values[1], values[2], reason)
            return
