"""Commands for auditors (spec §8): `history`, `diff`, `audit`.

Must never: parse YAML or run Git itself.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

from authoring.cli.app import app
from authoring.cli.options import emit, open_glossary, run
from authoring.cli.progress import TerminalProgress
from authoring.errors import ExitCode, Severity

if TYPE_CHECKING:
    from authoring.repo.revisions import FieldChange


def _value(value: Any) -> str:
    if value is None:
        return "∅"
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else str(value)


def _change_lines(changes: list[FieldChange], indent: str = "  ") -> list[str]:
    lines = []
    for change in changes:
        if change.kind == "added":
            lines.append(f"{indent}+ {change.path}: {_value(change.new)}")
        elif change.kind == "removed":
            lines.append(f"{indent}- {change.path}: {_value(change.old)}")
        elif change.summarised:
            lines.append(f"{indent}~ {change.path}: changed ({_value(change.old)} → {_value(change.new)})")
        else:
            lines.append(f"{indent}~ {change.path}: {_value(change.old)} → {_value(change.new)}")
    return lines


def _move(before: str | None, after: str | None) -> str:
    return _value(after) if before == after else f"{_value(before)} → {_value(after)}"


@app.command("history")
def history(term_id: Annotated[str, typer.Argument(metavar="ID", help="The term's canonical id.")]) -> None:
    """Every commit that touched the term or recorded a review of it, newest first, with field changes."""

    def body() -> None:
        with open_glossary() as glossary:
            entries = glossary.history(term_id)
        data = [e.model_dump(mode="json") for e in entries]

        def text() -> str:
            lines: list[str] = []
            for e in entries:
                action = f"{e.action}{' (inferred)' if e.action_inferred else ''}"
                lines.append(f"{e.commit[:10]}  {e.date[:19].replace('T', ' ')}  {e.author}")
                lines.append(f"  {action}: status {_move(e.status_before, e.status_after)},"
                             f" version {_move(e.version_before, e.version_after)}   {e.subject}")
                for review in e.reviews:
                    note = f": {review['note']}".replace("\n", "\n      ") if review.get("note") else ""
                    lines.append(f"  review: {review['action']} by {review['who']}{note}")
                if e.error:  # already located and graded: `PATH:L:C: error: CODE: …`
                    lines.append(f"  cannot read: {e.error}")
                lines.extend(_change_lines(e.changes, "    "))
                lines.append("")
            return "\n".join(lines).rstrip() or f"{term_id}: no history"

        emit(data, text)

    run(body)


@app.command("diff")
def diff(
    term_id: Annotated[str, typer.Argument(metavar="ID", help="The term's canonical id.")],
    revs: Annotated[list[str] | None, typer.Argument(
        metavar="[REV [REV]]", help="From REV (default: the last approval or status change) to REV"
                                    " (default: the working tree).")] = None,
) -> None:
    """Field-level diff of a term between two revisions."""

    def body() -> None:
        with open_glossary() as glossary:
            result = glossary.diff(term_id, revs or [])

        def text() -> str:
            target = result.target if result.target == "working tree" else result.target[:10]
            lines = [f"{term_id}: {result.base[:10]} ({result.base_reason}) → {target}",
                     f"  status {_move(result.status_before, result.status_after)},"
                     f" version {_move(result.version_before, result.version_after)}"]
            if result.error:  # already located and graded: `PATH:L:C: error: CODE: …`
                lines.append(f"  cannot read: {result.error}")
                lines.append("  fields cannot be compared while one side does not parse")
            else:
                lines.extend(_change_lines(result.changes) or ["  no field changes"])
            return "\n".join(lines)

        emit(result.model_dump(mode="json"), text)

    run(body)


@app.command("audit")
def audit(
    require_signed: Annotated[bool, typer.Option(
        "--require-signed", help="Every review event and status change must be in a commit signed by its"
                                 " author's key, per the trusted allowed-signers file"
                                 " (\\[audit] allowed_signers).")] = False,
    show_all: Annotated[bool, typer.Option("--all", help="Also list info findings (snippets found).")] = False,
    trusted: Annotated[str | None, typer.Option(
        "--trusted-base", metavar="REV", help="Take policy, people and allowed signers from REV (default: \\[audit]"
                                              " trusted_base); later changes to them are judged.")] = None,
) -> None:
    """Provenance, workflow and integrity over the repository and its history; exit 1 on any error."""

    def body() -> None:
        with open_glossary() as glossary, TerminalProgress("auditing") as shown:
            report = glossary.audit(require_signed=require_signed, trusted_base=trusted,
                                    progress=lambda step: shown.update(step.done, step.total, step.stage))
        data = report.model_dump(mode="json")

        def text() -> str:
            shown = [f for f in report.findings if show_all or f.severity != Severity.INFO]
            lines = [f.format() for f in shown]
            lines.append(str(report.summary["trusted_base"]))
            counts = report.summary["by_severity"]
            lines.append(f"{report.summary['terms']} term(s), {report.summary['commits']} commit(s) audited:"
                         f" {counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info")
            return "\n".join(lines)

        emit(data, text)
        if report.errors:
            raise SystemExit(ExitCode.PROBLEMS)

    run(body)
