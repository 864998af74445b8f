"""Editing a term's Markdown body or its whole file as text (in place in the UI, or in `$EDITOR`).

A face hands over the text the person wrote; this module checks it and commits it as one `edit` action.
`plan(...)` computes, without writing, what the edit would do: the field-level changes
(`revisions.field_changes`), a line diff of the file (deepdiff's), and the problems that refuse it:

- the result must parse (a file that did not parse may be fixed this way: the result must);
- it keeps its id (`canonical_id` equal to the file name stem: `check`'s `id-mismatch`);
- the fields the workflow keeps (`status`, `version`, `last_updated`, `provenance.review_log`) are left
  as they were (promote, demote and review change them);
- it brings no new error (a problem `check` would report that the file did not have).

`commit(...)` commits a plan that has none of those, if the file is still as it was when the person
started editing (else `Conflict`), through the normal action path: the version and date bookkeeping is
spliced into the person's text (a ratified term reopens as a candidate), an `edit` event records it
with the new content revision, so approvals of the old content become stale. Bytes outside what the
person changed and that bookkeeping are the person's bytes, unchanged.

Must never: import a UI; run Git except through the action path; write anything in `plan`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from authoring.core.paths import FieldPath, format_path, get_value
from authoring.core.termfile import TermFile, load_term
from authoring.errors import Conflict, ParseError, Problem, Severity, UsageError

if TYPE_CHECKING:
    from authoring.repo.revisions import FieldChange
    from authoring.repo.service import ActionResult, Glossary

KEPT_BY_WORKFLOW: tuple[FieldPath, ...] = (("status",), ("version",), ("last_updated",), ("provenance", "review_log"))
"""Fields an edit of the text may not change: the workflow's actions do."""

WHOLE_BODY = -1
"""`plan_body` index meaning the whole body rather than one section."""


@dataclass
class BodySection:
    """One section of the Markdown body: from a heading line to the next heading of the same or a higher
    level (or the body's end). Index 0 may be the text before the first heading."""

    index: int
    title: str
    start: int
    """Offset in the file's text where the section starts."""
    end: int
    """Offset where it ends (exclusive)."""
    line: int
    """Its first line in the file (1-based)."""
    text: str


@dataclass
class FileEdit:
    """What an edit of the file's text would do: changes, a diff, problems. Nothing is written."""

    term_id: str
    display: str
    before: bytes
    after: bytes
    what: str
    """`file` or `body` (or `body §title`): what the person edited, for the commit's summary."""
    changes: list[FieldChange] = field(default_factory=list)
    diff: str = ""
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """The problems that refuse the edit."""
        return [p for p in self.problems if p.severity == Severity.ERROR]

    @property
    def changed(self) -> bool:
        """False when the text is byte-identical to the file."""
        return self.after != self.before

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `edit --json`."""
        return {"term": self.term_id, "path": self.display, "edited": self.what, "changed": self.changed,
                "changes": [c.model_dump(mode="json") for c in self.changes], "diff": self.diff,
                "problems": [p.to_json() for p in self.problems], "ok": not self.errors}


def body_sections(term: TermFile) -> list[BodySection]:
    """The body's sections by Markdown heading (`#` to `######`, outside code fences)."""
    text = _text_of(term)
    body_start = term.split.body_start if term.split is not None else 0
    heads: list[tuple[int, int, str]] = []  # (offset, level, title)
    offset = body_start
    fence: str | None = None
    for line in text[body_start:].splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            marker = stripped[:3]
            fence = None if fence == marker else fence or marker
        elif fence is None and stripped.startswith("#"):
            level = len(stripped) - len(stripped.lstrip("#"))
            if level <= 6 and stripped[level:level + 1] in (" ", ""):
                heads.append((offset, level, stripped[level:].strip()))
        offset += len(line)
    sections: list[BodySection] = []
    if not heads or (heads[0][0] > body_start and text[body_start:heads[0][0]].strip()):
        first_end = heads[0][0] if heads else len(text)
        sections.append(BodySection(0, "(before the first heading)", body_start, first_end, 0, ""))
    for number, (start, level, title) in enumerate(heads):
        end = next((o for o, lv, _ in heads[number + 1:] if lv <= level), len(text))
        sections.append(BodySection(len(sections), title, start, end, 0, ""))
    for section in sections:
        section.line = text.count("\n", 0, section.start) + 1
        section.text = text[section.start:section.end]
    return sections


def replace_body(term: TermFile, index: int, new_text: str) -> tuple[str, str]:
    """The file's text with one body section (or the whole body, `WHOLE_BODY`) replaced, and what was edited."""
    text = _text_of(term)
    if index == WHOLE_BODY:
        start = term.split.body_start if term.split is not None else 0
        return text[:start] + new_text, "body"
    sections = body_sections(term)
    if not 0 <= index < len(sections):
        raise UsageError(f"{term.display}: no body section {index} (it has {len(sections)})")
    section = sections[index]
    return text[:section.start] + new_text + text[section.end:], f"body § {section.title}"


def _text_of(term: TermFile) -> str:
    """The file's text (a byte-order mark aside) as the offsets of `split` count it."""
    if term.split is not None:
        return term.split.text
    return term.text.body if term.text is not None else ""


def _text_diff(before: str, after: str) -> str:
    """A unified line diff of two texts (deepdiff computes it; the project does not import difflib)."""
    if before == after:
        return ""
    from deepdiff import DeepDiff

    report = DeepDiff(before, after).get("values_changed", {}).get("root", {})
    diff = report.get("diff") if isinstance(report, dict) else None
    if diff:
        return str(diff)
    return f"- {before}\n+ {after}"  # one-line texts: deepdiff gives no diff for them


def _labelled(display: str, diff: str) -> str:
    """The diff with the file's name on its `---`/`+++` lines, as Git shows one."""
    if diff.startswith("--- \n+++ \n"):
        return f"--- a/{display}\n+++ b/{display}\n" + diff[len("--- \n+++ \n"):]
    return diff


def _kept_problems(before: TermFile, after: TermFile) -> list[Problem]:
    """The workflow's fields changed by hand (an id that is not the file's name is `check`'s `id-mismatch`)."""
    problems: list[Problem] = []
    entry = after.entry or {}
    if before.entry is None:
        return problems  # a file that did not parse: nothing to compare with
    for path in KEPT_BY_WORKFLOW:
        old, new = _value(before.entry, path), _value(entry, path)
        if old != new and not (path == ("status",) and _status_reset(before.entry, entry)):
            problems.append(after.problem_at(path, Severity.ERROR, "edit-workflow-field",
                                             f"{format_path(path)} is kept by the workflow; edit it back to"
                                             f" {old!r} (promote, demote, reject or review change it)"))
    return problems


def _status_reset(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """A status the workflow does not know (`drafty`, a typo) set back to `draft`: no workflow move can
    reach such a term, and draft is the one status that needs no gate, so a text edit may do it."""
    from authoring.core.model import Status
    from authoring.workflow.statuses import status_of

    return status_of(before) is None and status_of(after) is Status.DRAFT


def _value(entry: dict[str, Any], path: FieldPath) -> Any:
    try:
        return get_value(entry, path)
    except (KeyError, IndexError, TypeError):
        return None


def plan(glossary: Glossary, term_id: str, new_text: str | bytes, what: str = "file",
         seen: bytes | None = None) -> FileEdit:
    """What committing `new_text` as the term's file would do; writes nothing.

    `seen` is the file's bytes when the person started editing: a file changed since is a `Conflict`.
    """
    from authoring.repo.revisions import field_changes

    before = glossary.load(term_id)
    if seen is not None and before.data != seen:
        raise Conflict(f"{before.display} changed since you started editing it; nothing was written (your text is"
                       " kept where you edited it)")
    after_bytes = new_text.encode("utf-8") if isinstance(new_text, str) else new_text
    after = load_term(before.path, before.display, data=after_bytes)
    edit = FileEdit(before.stem, before.display, before.data, after_bytes, what)
    if not edit.changed:
        return edit
    old_text = before.text.body if before.text else before.data.decode("utf-8", "replace")
    new_text_shown = after.text.body if after.text else after_bytes.decode("utf-8", "replace")
    edit.diff = _labelled(before.display, _text_diff(old_text, new_text_shown))
    if not after.parses or after.entry is None:
        edit.problems = after.errors or [Problem(before.display, 1, 1, Severity.ERROR, "yaml-syntax",
                                                 "the edited file has no front matter entry")]
        return edit
    edit.changes = field_changes(before.entry, after.entry, full_text=True)
    known = {p.format() for p in before.problems}
    introduced = [p for p in after.problems if p.format() not in known and p.severity == Severity.ERROR]
    edit.problems = _kept_problems(before, after) + introduced
    return edit


def plan_body(glossary: Glossary, term_id: str, index: int, new_text: str, seen: bytes | None = None) -> FileEdit:
    """`plan` for one body section (or the whole body) replaced by `new_text`."""
    term = glossary.load(term_id)
    if seen is not None and term.data != seen:
        raise Conflict(f"{term.display} changed since you started editing it; nothing was written")
    text, what = replace_body(term, index, new_text)
    bom = "\ufeff" if term.text is not None and term.text.bom else ""
    edit = plan(glossary, term_id, bom + text, what, seen=term.data)
    if edit.changes:  # the body held a new block (`---` lines) that the entry now reads
        line = term.split.text.count("\n", 0, term.split.body_start) + 1 if term.split is not None else 1
        edit.problems.append(Problem(term.display, line, 1, Severity.ERROR, "edit-body-changes-entry",
                                     "a body edit changed the front matter's fields (" + ", ".join(
                                         c.path for c in edit.changes[:4]) + "): `---` lines start a block;"
                                     " edit fields with e or the whole file"))
    return edit


def commit(glossary: Glossary, edit: FileEdit) -> ActionResult:
    """Commit a planned edit as one `edit` action (bookkeeping spliced in, event recorded), if the file is
    still as planned; a plan with errors is refused, located, and nothing is written."""
    from authoring.core.roundtrip import Editor
    from authoring.repo import actions
    from authoring.repo.acting import acting
    from authoring.repo.action_path import role
    from authoring.repo.service import ActionResult
    from authoring.repo.trail import committed_events
    from authoring.workflow import gates
    from authoring.workflow.review_log import Action, term_revision
    from authoring.workflow.statuses import status_of

    if edit.errors:
        raise ParseError(f"{edit.display}: the edited {edit.what} is refused; nothing was written", edit.errors)
    if not edit.changed:
        return ActionResult(edit.term_id, "edit", None, f"{edit.term_id}: no change; nothing was committed",
                            {"path": edit.display})
    actor = acting(glossary, "edit", edit.term_id)
    with glossary.transaction() as tx:
        before = glossary.load(edit.term_id)
        tx.require_clean([before.path])
        if before.data != edit.before:
            raise Conflict(f"{edit.display} changed since the edit was planned; nothing was written")
        after = load_term(before.path, before.display, data=edit.after)
        editor = Editor(after)  # parses, or ParseError (plan refused it already)
        entry = after.entry
        assert entry is not None
        reset = before.entry is not None and _status_reset(before.entry, entry)
        status = status_of(before.entry) if before.entry is not None and not reset else status_of(entry)
        if status is None:
            raise UsageError(f"{edit.display}: status {entry.get('status')!r} is not a workflow status")
        missing = gates.permission_gaps(Action.EDIT, actor, role(glossary, actor))
        if missing:
            raise actions.refuse(edit.term_id, "edit", missing)
        events, unreadable = committed_events(glossary, edit.term_id)
        loaded = actions.Loaded(before, editor, entry, status, events, unreadable,
                                (term_revision(before) or "") if before.entry is not None else "")
        repaired = " (the file did not parse before)" if before.entry is None else ""
        if reset:
            repaired = f" (its status {(before.entry or {}).get('status')!r} was no workflow status; now draft)"
        unknown = str((before.entry or {}).get("status")) if reset else None
        return actions._finish_edit(glossary, tx, loaded, actor, f"edit {edit.what}", f"edited the {edit.what}"
                                    f"{repaired}", [("Edited", edit.what)], unknown_status=unknown,
                                    edited=edit.what, path=edit.display)


class TextEdits:
    """The façade's door to text edits (`Glossary.text_edits()`): what both faces call."""

    def __init__(self, glossary: Glossary) -> None:
        self.glossary = glossary

    def term_bytes(self, term_id: str) -> bytes:
        """The term file's bytes, exactly (pass them back as `seen`)."""
        return self.glossary.load(term_id).data

    def file_name(self, term_id: str) -> str:
        """The term file's name (`COHERENCE_FLUX.md`), for a temporary copy."""
        return self.glossary.term_path(term_id).name

    def sections(self, term_id: str) -> list[BodySection]:
        """The Markdown body's sections by heading, with their text and first line."""
        return body_sections(self.glossary.load(term_id))

    def body(self, term_id: str) -> str:
        """The whole Markdown body, as written."""
        term = self.glossary.load(term_id)
        text = _text_of(term)
        return text[term.split.body_start:] if term.split is not None else text

    def plan(self, term_id: str, text: str | bytes, seen: bytes | None = None) -> FileEdit:
        """What committing `text` as the whole file would do (changes, diff, problems); writes nothing."""
        return plan(self.glossary, term_id, text, seen=seen)

    def plan_body(self, term_id: str, section: int, text: str, seen: bytes | None = None) -> FileEdit:
        """`plan` for one body section (`WHOLE_BODY`: the whole body) replaced by `text`."""
        return plan_body(self.glossary, term_id, section, text, seen=seen)

    def commit(self, edit: FileEdit) -> ActionResult:
        """Commit a planned edit as one `edit` action (refused, located, when it has errors)."""
        return commit(self.glossary, edit)
