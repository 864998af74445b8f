"""What an edit of one field would do, before it is made: the field's current YAML text, the
field-level changes (`revisions.field_changes`: deepdiff paths, old → new) and the problems the
edited file would have.

The edit itself is prepared by `repo.actions.preview_edit`, with the same checks and bookkeeping as
the real edit (version bump, date, reopening). The UI shows this before it saves (spec §10:
validated before saving, the diff shown first). Nothing here writes a file.

Must never: write files, touch Git or a UI.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from authoring.core.paths import FieldPath, get_value
from authoring.core.render import Style, block_lines, literal_block, scalar_text
from authoring.core.termfile import TermFile, load_term
from authoring.errors import Problem, Severity, UsageError
from authoring.repo.revisions import FieldChange, field_changes


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

    A missing field gives an empty text (the user types a value to add it); so does an empty one
    (`symbol:`), since an empty text reads back as null. An empty list or mapping is `[]` / `{}`, never
    a quoted string, so saving it untouched changes nothing.
    """
    entry = term.entry
    if entry is None:
        raise UsageError(f"{term.display}: the front matter does not parse; repair it before editing fields")
    try:
        value = get_value(entry, path)
    except (KeyError, IndexError, TypeError):
        return ""
    if value is None:
        return ""
    if isinstance(value, dict | list):
        if not value:
            return "{}\n" if isinstance(value, dict) else "[]\n"
        return "\n".join(block_lines(value, 0, Style())) + "\n"
    if isinstance(value, str) and "\n" in value:
        literal = literal_block(value, 2, "\n")
        if literal is not None:
            return literal + "\n"
    return scalar_text(value, Style()) + "\n"


def preview_of(term: TermFile, field_path: str, after_bytes: bytes) -> FieldPreview:
    """The changes from `term` to the file as it would be written, and the problems it would bring."""
    after = load_term(term.path, term.display, data=after_bytes)
    before_problems = {p.format() for p in term.problems}
    introduced = [p for p in after.problems if p.format() not in before_problems]
    changes = field_changes(term.entry or {}, after.entry or {}, full_text=True)
    return FieldPreview(term.stem, field_path, changes, introduced)
