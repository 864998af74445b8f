"""`authoring edit TERM`: edit a term's whole file (or `--body`) in `$EDITOR`, or take the text from
`--file`; the service checks it (parses, same id, workflow fields untouched, no new error), the diff is
shown, then it is committed as one `edit` action (`--dry-run`: shown, nothing committed).

Must never: parse YAML or run Git itself (the service does); lose the person's text (a refused edit
keeps the temporary copy and says where it is).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from authoring.cli.app import app
from authoring.cli.options import GLOBALS, emit, open_glossary, run, say
from authoring.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from authoring.repo.file_edit import FileEdit


def plan_text(edit: FileEdit) -> str:
    """The plan as a person reads it: the field changes, the line diff, the problems."""
    if not edit.changed:
        return f"{edit.term_id}: no change; nothing to commit"
    lines = [f"{edit.display}: edited {edit.what}"]
    for change in edit.changes:
        lines.append(f"  {change.path} {change.kind}")
    if edit.diff:
        lines.extend(["", edit.diff.rstrip("\n")])
    if edit.problems:
        lines.append("")
        lines.extend(p.format() for p in edit.problems)
    return "\n".join(lines)


@app.command("edit")
def edit(
    term_id: Annotated[str, typer.Argument(metavar="ID")],
    file: Annotated[Path | None, typer.Option("--file", help="Take the new text from this file instead of"
                                                             " opening $EDITOR.")] = None,
    body: Annotated[bool, typer.Option("--body", help="Edit only the Markdown body (after the front matter).")]
    = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the changes and problems; commit nothing.")]
    = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Commit without asking (a terminal is asked).")]
    = False,
) -> None:
    """Edit a term's text in $EDITOR (or from --file): checked, shown as a diff, committed as one edit."""

    def body_() -> None:
        from authoring.external_editor import Scratch, edit_copy
        from authoring.repo.file_edit import WHOLE_BODY

        scratch: Scratch | None = None
        with open_glossary() as glossary:
            edits = glossary.text_edits()
            seen = edits.term_bytes(term_id)
            original = edits.body(term_id).encode("utf-8") if body else seen
            if file is not None:
                try:
                    new = file.read_bytes()
                except OSError as exc:
                    raise UsageError(f"{file}: {exc.strerror or exc}") from None
            else:
                scratch = edit_copy(original, edits.file_name(term_id))
                new = scratch.read()
            if body:
                try:
                    plan = edits.plan_body(term_id, WHOLE_BODY, new.decode("utf-8"), seen=seen)
                except UnicodeDecodeError:
                    raise UsageError("the edited body is not valid UTF-8; nothing was written") from None
            else:
                plan = edits.plan(term_id, new, seen=seen)
            data: dict[str, Any] = {**plan.to_json(), "committed": None}
            keep = f"\nyour text is kept in {scratch.path}" if scratch is not None else ""
            if plan.errors:
                emit(data, plan_text(plan) + f"\nnothing was written{keep}")
                raise SystemExit(ExitCode.PROBLEMS)
            if dry_run or not plan.changed:
                emit(data, plan_text(plan) + ("\n(dry run: nothing committed)" if plan.changed else ""))
                if scratch is not None:
                    scratch.discard()
                return
            if not GLOBALS.json and sys.stdin.isatty() and not yes:
                say(plan_text(plan))
                if not typer.confirm("Commit this edit?", default=False):
                    say(f"nothing was committed{keep}")
                    return
                shown = True
            else:
                shown = False
            result = glossary.text_edits().commit(plan)
        if scratch is not None:
            scratch.discard()
        data["committed"] = result.commit
        data["message"] = result.message
        emit(data, result.message if shown else plan_text(plan) + "\n" + result.message)

    run(body_)
