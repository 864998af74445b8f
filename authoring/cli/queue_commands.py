"""`queue` (what awaits me) and `undo` (take back my last action): one call each to the repository service.

Must never: parse YAML or run Git itself.
"""

from __future__ import annotations

from typing import Annotated

import typer

from authoring.cli.app import app
from authoring.cli.options import emit, open_glossary, run


@app.command("queue")
def queue() -> None:
    """What awaits you (or --as): candidates to approve, open requests for changes, agent drafts, your drafts."""

    def body() -> None:
        with open_glossary() as glossary:
            found = glossary.queue()
        emit(found.to_json(), found.describe)

    run(body)


@app.command("undo")
def undo(
    note: Annotated[str | None, typer.Option("--note", help="Why: recorded with the undo.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say which action would be undone; change nothing.")
                       ] = False,
    expect: Annotated[str | None, typer.Option(
        "--expect", metavar="COMMIT", help="Undo only if your last action is this commit (as --dry-run showed).")
    ] = None,
) -> None:
    """Take back your last action as a new, reviewed commit (history is never rewritten); refused when later
    actions on the same terms depend on it."""

    def body() -> None:
        with open_glossary() as glossary:
            if dry_run:
                plan = glossary.last_action()
                blocked = plan.refusal or "; ".join(plan.dependents)
                emit(plan.to_json(), f"would undo {plan.describe()}" + (f"\nrefused: {blocked}" if blocked else ""))
                return
            result = glossary.undo(note, expect)
        emit(result.to_json(), result.message)

    run(body)
