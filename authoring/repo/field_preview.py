"""What an edit of one field would do, before it is made: the field's current YAML text, the
field-level changes (deepdiff paths, old → new) and the problems the edited file would have.

The UI shows this before it saves (spec §10: validated before saving, the diff shown first); the
CLI can print it as well. Nothing here writes a file.

Must never: write files, touch Git or a UI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from deepdiff import DeepDiff

from authoring.core.paths import FieldPath, format_path, get_value
from authoring.core.render import Style, block_lines, literal_block, scalar_text
from authoring.core.roundtrip import Editor
from authoring.core.termfile import TermFile, load_term
from authoring.errors import Problem, Severity, UsageError


@dataclass
class FieldChange:
    """One changed value: its dotted path, what it was and what it becomes (None when absent)."""

    path: str
    kind: str  # "changed", "added" or "removed"
    old: Any = None
    new: Any = None

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `--json`."""
        return {"path": self.path, "kind": self.kind, "old": self.old, "new": self.new}


@dataclass
class FieldPreview:
    """The outcome of an edit, computed without writing: changes, and the problems the result would have."""

    term_id: str
    field_path: str
    changes: list[FieldChange] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """Error-level problems the edit would introduce: a save with any of these is refused."""
        return [p for p in self.problems if p.severity == Severity.ERROR]


def field_yaml(term: TermFile, path: FieldPath) -> str:
    """The field's current value as YAML text that `parse_value` reads back to the same value.

    A missing field gives an empty text (the user types a value to add it).
    """
    entry = term.entry
    if entry is None:
        raise UsageError(f"{term.display}: the front matter does not parse; repair it before editing fields")
    try:
        value = get_value(entry, path)
    except (KeyError, IndexError, TypeError):
        return ""
    if isinstance(value, dict | list) and value:
        return "\n".join(block_lines(value, 0, Style())) + "\n"
    if isinstance(value, str) and "\n" in value:
        literal = literal_block(value, 2, "\n")
        if literal is not None:
            return literal + "\n"
    return scalar_text(value, Style()) + "\n"


def preview_set(term: TermFile, path: FieldPath, value: Any) -> FieldPreview:
    """What setting `path` to `value` would change, and the problems of the file afterwards."""
    editor = Editor(term)
    editor.set(path, value)
    after = load_term(term.path, term.display, data=editor.render())
    before_problems = {p.format() for p in term.problems}
    introduced = [p for p in after.problems if p.format() not in before_problems]
    return FieldPreview(term.stem, format_path(path), field_changes(term.entry or {}, after.entry or {}),
                        introduced)


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> list[FieldChange]:
    """Field-level differences between two entries, as dotted paths with old and new values."""
    if before == after:
        return []
    diff = DeepDiff(before, after, threshold_to_diff_deeper=0, verbose_level=2)
    changes: list[FieldChange] = []
    for key, kind in (("values_changed", "changed"), ("type_changes", "changed"),
                      ("dictionary_item_added", "added"), ("iterable_item_added", "added"),
                      ("dictionary_item_removed", "removed"), ("iterable_item_removed", "removed")):
        for where, detail in (diff.get(key) or {}).items():
            dotted = _dotted(where)
            if kind == "changed":
                changes.append(FieldChange(dotted, kind, detail.get("old_value"), detail.get("new_value")))
            elif kind == "added":
                changes.append(FieldChange(dotted, kind, None, detail))
            else:
                changes.append(FieldChange(dotted, kind, detail, None))
    return sorted(changes, key=lambda c: c.path)


def _dotted(deepdiff_path: str) -> str:
    """`root['a'][0]['b']` → `a.0.b`."""
    parts: list[str] = []
    for piece in deepdiff_path.removeprefix("root").strip("[]").split("]["):
        if not piece:
            continue
        parts.append(piece[1:-1] if piece[:1] in "'\"" else piece)
    return ".".join(parts)
