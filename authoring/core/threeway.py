"""Three-way merge of parsed front-matter data, field by field: what the merge driver decides.

Given a block's data at the merge base, on our side and on theirs, it works out the merged data,
the edits that turn ours into it (each later made through `roundtrip.Editor`, so every line it
does not touch stays byte for byte), and the fields both sides changed differently (conflicts).

Rules, applied at every level of the data:
- a field changed on one side only takes that side's value (added, changed, or removed: a key
  their side removed is a `remove` edit, also listed in `removals`);
- the same change on both sides is taken once;
- mappings changed on both sides merge key by key;
- lists changed on both sides merge item by item over the items the base had, and items both
  sides appended are all kept (ours first, then theirs' not already there): so two review-log
  entries, two new aliases or two new sources recorded on two clones are both kept;
- anything else changed on both sides is a conflict, unless a resolver for that path decides it
  (the repository's policy passes resolvers for `version`, `last_updated`, ...).

The merge driver's fast path plans every file with these rules, in a process Git starts once per
file: so the records below are small hand-written classes (`dataclasses` and `typing` cost more to
import than a whole plan), and `paths` is imported only to word a note.

Must never: touch files, Git or a UI; compare data other than with `==` (the caller verifies the
result with deepdiff); import `dataclasses`, `typing` or `errors` at module level.
"""

from __future__ import annotations

from enum import Enum

TYPE_CHECKING = False  # `typing` itself is not imported: see the module's doc
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from authoring.core.paths import FieldPath

    Resolver = Callable[[FieldPath, Any, Any, Any], "Resolution | None"]
    """Decides a field both sides changed (path, base, ours, theirs) or returns None to let the rules run."""


class _Missing(Enum):
    MISSING = "missing"


MISSING = _Missing.MISSING
"""Stands for a field that one side does not have."""


class _Record:
    """Equality, hashing and a repr over `__slots__`: a frozen dataclass's, without importing `dataclasses`."""

    __slots__: tuple[str, ...] = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Record) and type(other) is type(self) and self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({fields})"


class FieldEdit(_Record):
    """One edit to make on our side: `set` a field (adding it when missing), `append` to a list, `remove` a key."""

    __slots__ = ("kind", "path", "value")

    def __init__(self, kind: str, path: FieldPath, value: Any) -> None:
        self.kind = kind
        self.path = path
        self.value = value


class FieldConflict(_Record):
    """A field both sides changed differently; the merged file keeps both values for the editor."""

    __slots__ = ("base", "ours", "path", "reason", "theirs")

    def __init__(self, path: FieldPath, base: Any, ours: Any, theirs: Any, reason: str) -> None:
        self.path = path
        self.base = base
        self.ours = ours
        self.theirs = theirs
        self.reason = reason

    def describe(self) -> str:
        """`triad.art: both sides changed it` (the root of a block reads `the whole block`)."""
        return f"{_format_path(self.path) or 'the whole block'}: {self.reason}"


class Resolution(_Record):
    """A resolver's decision: the value to keep, which side it came from, and why."""

    __slots__ = ("note", "side", "value")

    def __init__(self, value: Any, side: str, note: str) -> None:
        self.value = value
        self.side = side
        self.note = note


class MergeResult(_Record):
    """The merge of one block: merged data, edits to make on ours, conflicts, notes, removals."""

    __slots__ = ("conflicts", "edits", "merged", "notes", "removals")

    def __init__(self, merged: Any, edits: list[FieldEdit] | None = None,
                 conflicts: list[FieldConflict] | None = None, notes: list[str] | None = None,
                 removals: list[FieldPath] | None = None) -> None:
        self.merged = merged
        self.edits: list[FieldEdit] = edits if edits is not None else []
        self.conflicts: list[FieldConflict] = conflicts if conflicts is not None else []
        self.notes: list[str] = notes if notes is not None else []
        self.removals: list[FieldPath] = removals if removals is not None else []

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass it replaces was

    @property
    def clean(self) -> bool:
        """True when nothing conflicts."""
        return not self.conflicts

    def force_conflict(self, path: FieldPath, base: Any, ours: Any, theirs: Any, reason: str) -> None:
        """Turn a field the rules merged into a conflict (a policy saw a reason not to merge it):
        drop the edits at or under it, keep our value in the merged data."""
        self.edits = [e for e in self.edits if e.path[: len(path)] != path]
        self.conflicts = [c for c in self.conflicts if c.path[: len(path)] != path]
        self.conflicts.append(FieldConflict(path, base, ours, theirs, reason))
        if ours is not MISSING:
            self.merged = _with_value(self.merged, path, ours)


def _format_path(path: FieldPath) -> str:
    from authoring.core.paths import format_path  # only to word a note or a conflict: see the module's doc

    return format_path(path)


def merge_data(base: Any, ours: Any, theirs: Any, resolvers: dict[FieldPath, Resolver] | None = None) -> MergeResult:
    """Merge one block's data three ways (see the module's rules)."""
    result = MergeResult(merged=None)
    result.merged = _merge((), base, ours, theirs, resolvers or {}, result)
    return result


def _merge(path: FieldPath, base: Any, ours: Any, theirs: Any, resolvers: dict[FieldPath, Resolver],
           result: MergeResult) -> Any:
    if ours == theirs or theirs == base:
        return ours
    if ours == base:
        if theirs is MISSING:
            result.removals.append(path)
            result.edits.append(FieldEdit("remove", path, None))
            return MISSING
        # Descend to the values that changed, so the edits touch their lines and no others.
        if isinstance(ours, dict) and isinstance(theirs, dict):
            return _merge_mappings(path, ours, ours, theirs, resolvers, result)
        if isinstance(ours, list) and isinstance(theirs, list) and len(theirs) >= len(ours):
            return _merge_lists(path, ours, ours, theirs, resolvers, result)
        result.edits.append(FieldEdit("set", path, theirs))
        return theirs
    resolver = resolvers.get(path)
    if resolver is not None:
        decided = resolver(path, base, ours, theirs)
        if decided is not None:
            result.notes.append(f"{_format_path(path)}: {decided.note}")
            if decided.side == "theirs" and decided.value != ours:
                result.edits.append(FieldEdit("set", path, decided.value))
            return decided.value
    if isinstance(ours, dict) and isinstance(theirs, dict) and (isinstance(base, dict) or base is MISSING):
        return _merge_mappings(path, base if isinstance(base, dict) else {}, ours, theirs, resolvers, result)
    if isinstance(ours, list) and isinstance(theirs, list) and (isinstance(base, list) or base is MISSING):
        merged = _merge_lists(path, base if isinstance(base, list) else [], ours, theirs, resolvers, result)
        if merged is not None:
            return merged
    reason = "both sides changed it differently"
    if ours is MISSING or theirs is MISSING:
        reason = "one side removed it, the other changed it"
    result.conflicts.append(FieldConflict(path, base, ours, theirs, reason))
    return ours


def _merge_mappings(path: FieldPath, base: dict[Any, Any], ours: dict[Any, Any], theirs: dict[Any, Any],
                    resolvers: dict[FieldPath, Resolver], result: MergeResult) -> dict[Any, Any]:
    merged: dict[Any, Any] = {}
    keys = list(ours) + [k for k in theirs if k not in ours]
    for key in keys:
        value = _merge((*path, key), base.get(key, MISSING), ours.get(key, MISSING), theirs.get(key, MISSING),
                       resolvers, result)
        if value is not MISSING:
            merged[key] = value
    return merged


def _merge_lists(path: FieldPath, base: list[Any], ours: list[Any], theirs: list[Any],
                 resolvers: dict[FieldPath, Resolver], result: MergeResult) -> list[Any] | None:
    """Item by item over the base's items, then both sides' appended items; None when items were removed."""
    if len(ours) < len(base) or len(theirs) < len(base):
        return None
    merged = [_merge((*path, i), base[i], ours[i], theirs[i], resolvers, result) for i in range(len(base))]
    ours_new, theirs_new = ours[len(base) :], theirs[len(base) :]
    merged.extend(ours_new)
    for item in theirs_new:
        if item not in ours_new:
            result.edits.append(FieldEdit("append", path, item))
            merged.append(item)
    if ours_new and any(item not in ours_new for item in theirs_new):
        result.notes.append(f"{_format_path(path)}: kept the items both sides added")
    return merged


def _with_value(data: Any, path: FieldPath, value: Any) -> Any:
    """A shallow-copied `data` whose field at `path` is `value`."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        copy = dict(data)
        copy[head] = _with_value(data.get(head), rest, value)
        return copy
    if isinstance(data, list) and isinstance(head, int) and head < len(data):
        items = list(data)
        items[head] = _with_value(data[head], rest, value)
        return items
    return data


def version_key(value: Any) -> tuple[int, ...] | None:
    """`0.10` → (0, 10), `"1.0"` → (1, 0); None for anything that is not dotted numbers."""
    if value is None or value is MISSING or isinstance(value, bool):
        return None
    parts = str(value).strip().split(".")
    if not all(part.isdigit() for part in parts):
        return None
    return tuple(int(part) for part in parts)


def keep_higher_version(path: FieldPath, base: Any, ours: Any, theirs: Any) -> Resolution | None:
    """Both sides bumped the version: keep the higher (a ratification's major wins over an edit's minor)."""
    ours_key, theirs_key = version_key(ours), version_key(theirs)
    if ours_key is None or theirs_key is None:
        return None
    if theirs_key > ours_key:
        return Resolution(theirs, "theirs", f"both sides changed it; kept the higher, {theirs} (theirs)")
    return Resolution(ours, "ours", f"both sides changed it; kept the higher, {ours} (ours)")


def keep_later_date(path: FieldPath, base: Any, ours: Any, theirs: Any) -> Resolution | None:
    """Both sides touched a date: keep the later one (dates and ISO strings compare as text)."""
    if ours is MISSING or theirs is MISSING or ours is None or theirs is None:
        return None
    ours_text, theirs_text = _iso(ours), _iso(theirs)
    if theirs_text > ours_text:
        return Resolution(theirs, "theirs", f"both sides changed it; kept the later, {theirs_text} (theirs)")
    return Resolution(ours, "ours", f"both sides changed it; kept the later, {ours_text} (ours)")


def _iso(value: Any) -> str:
    iso = getattr(value, "isoformat", None)
    return str(iso()) if callable(iso) else str(value)
