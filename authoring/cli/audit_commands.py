"""Commands for auditors (spec §8): `history`, `diff`, `audit`.

Must never: parse YAML or run Git itself.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

from authoring.cli.app import app
from authoring.cli.options import GLOBALS, emit, open_glossary, run
from authoring.cli.progress import TerminalProgress
from authoring.cli.streamed_json import Lazy, say_json_streamed
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
                    doubt = "" if review.get("counts", True) else f"  [does not count: {review.get('doubt')}]"
                    lines.append(f"  review: {review['action']} by {review['who']}{note}{doubt}")
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


SEVERITY_HELP = "Only findings at least this severe: error, warning or info."
CODE_HELP = "Only findings with this code (repeatable): yaml-syntax, snippet-missing, self-approval…"
TERM_HELP = "Only findings about this term (repeatable; the same as naming it as an argument)."


@app.command("audit")
def audit(
    term_ids: Annotated[list[str] | None, typer.Argument(metavar="[ID]...", help="Only these terms.")] = None,
    require_signed: Annotated[bool, typer.Option(
        "--require-signed", help="Every review event and status change must be in a commit signed by its"
                                 " author's key, per the trusted allowed-signers file"
                                 " (\\[audit] allowed_signers).")] = False,
    show_all: Annotated[bool, typer.Option("--all", help="Also list info findings (snippets found).")] = False,
    severity: Annotated[str | None, typer.Option("--severity", help=SEVERITY_HELP)] = None,
    codes: Annotated[list[str] | None, typer.Option("--code", help=CODE_HELP)] = None,
    terms: Annotated[list[str] | None, typer.Option("--term", help=TERM_HELP)] = None,
    since_adoption: Annotated[bool, typer.Option(
        "--since-adoption", help="Only terms changed since the repository was adopted (for CI).")] = False,
    since: Annotated[str | None, typer.Option(
        "--since", metavar="REV", help="Only terms changed after REV (committed or not).")] = None,
    trusted: Annotated[str | None, typer.Option(
        "--trusted-base", metavar="REV", help="Take policy, people and allowed signers from REV (default: \\[audit]"
                                              " trusted_base); later changes to them are judged.")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Audit afresh even when nothing changed since the"
                                           " last audit (whose report is otherwise reused).")] = False,
) -> None:
    """Provenance, workflow and integrity over the repository and its history, with a per-code summary;
    exit 1 when an error-level finding among those shown stands."""

    def body() -> None:
        from authoring.core.triage import Triage, by_code, summary_table

        named = [*(term_ids or []), *(terms or [])]
        with open_glossary() as glossary, TerminalProgress("auditing") as shown:
            wanted: list[str] | None = named or None
            changed = glossary.terms_changed_since(since) if since_adoption or since else None
            if changed is not None:
                wanted = [t for t in changed if t in named] if named else changed
            triage = Triage.of(severity, codes or [], wanted)
            run_audit = glossary.audit if no_cache else glossary.audit_cached
            report = run_audit(require_signed=require_signed, trusted_base=trusted,
                               progress=lambda step: shown.update(step.done, step.total, step.stage))
        kept = [f for f in report.findings if triage.keeps(f.severity, f.code, f.term)]
        counts = by_code((f.severity, f.code) for f in kept)
        # findings dumped one at a time as they are written: a large glossary's report is tens of MB
        data: dict[str, Any] = {"findings": Lazy(kept, lambda f: f.model_dump(mode="json")),
                                **report.model_dump(mode="json", exclude={"findings"})}
        if triage.narrows:
            data["summary"]["shown"] = {"filter": triage.describe(), "by_code": counts}

        def text() -> str:
            listed = [f for f in kept if show_all or severity or f.severity != Severity.INFO]
            lines = [f.format() for f in listed]
            if lines:
                lines.append("")
            lines.append(summary_table(counts))
            lines.append(str(report.summary["trusted_base"]))
            totals = report.summary["by_severity"]
            lines.append(f"{report.summary['terms']} term(s), {report.summary['commits']} commit(s) audited:"
                         f" {totals['error']} error(s), {totals['warning']} warning(s), {totals['info']} info"
                         + (f"; shown: {len(kept)} ({triage.describe()})" if triage.narrows else ""))
            return "\n".join(lines)

        if GLOBALS.json:
            say_json_streamed(data)
        else:
            emit(data, text)
        if any(f.severity == Severity.ERROR for f in kept):
            raise SystemExit(ExitCode.PROBLEMS)

    run(body)
