"""Commands on term files: `list`, `show`, `check`, `set`, `schema`.

Must never: parse YAML or run Git itself.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from authoring.cli.app import app
from authoring.cli.options import GLOBALS, emit, fail_usage, open_glossary, run
from authoring.cli.progress import TerminalProgress
from authoring.errors import ExitCode, Severity, UsageError


@app.command("list")
def list_terms(
    status: Annotated[str | None, typer.Option(
        "--status", metavar="STATUS", help="Only these terms: draft, candidate, ratified, rejected, deprecated;"
                                           " problems (any error or warning) or malformed (does not parse).")] = None,
) -> None:
    """Terms with status, version, last update and problem count."""
    from authoring.core.summary import FILTERS, keeps

    if status is not None and status not in FILTERS:
        fail_usage(f"--status {status!r} is not one of {', '.join(FILTERS)}")

    def body() -> None:
        with open_glossary() as glossary, TerminalProgress("indexing") as progress:
            rows = glossary.summaries(progress=progress)
            hint = None if rows else glossary.terms_hint()
        if hint is not None:
            raise UsageError(hint)
        if status:
            rows = [r for r in rows if keeps(r, status)]
        data = [{"id": r.id, "term": r.term, "status": r.status, "version": r.version,
                 "last_updated": r.last_updated, "errors": r.errors, "warnings": r.warnings} for r in rows]

        def text() -> str:
            if not rows:
                return "no terms"
            width = max(len(r.id) for r in rows)
            lines = [f"{'ID':<{width}}  {'STATUS':<10} {'VERSION':<8} {'UPDATED':<10}  PROBLEMS"]
            for r in rows:
                problems = f"{r.errors} error(s)" if r.errors else (f"{r.warnings} warning(s)" if r.warnings else "")
                lines.append(f"{r.id:<{width}}  {r.status or '?':<10} {r.version or '':<8} "
                             f"{r.last_updated or '':<10}  {problems}")
            return "\n".join(lines)

        emit(data, text)

    run(body)


@app.command("show")
def show(term_id: Annotated[str, typer.Argument(metavar="ID", help="The term's canonical id.")]) -> None:
    """One term, parsed, with its problems."""

    def body() -> None:
        from authoring.repo.drafting_service import term_grounding

        with open_glossary() as glossary:
            term = glossary.load(term_id)
            grounding = term_grounding(glossary, term_id)
        from authoring.core.termfile import readable_fields
        from authoring.errors import in_line_order

        fields, source = readable_fields(term)
        data: dict[str, Any] = {"id": term.stem, "path": term.display, "parses": term.parses,
                                "entry": term.entry, "problems": [p.to_json() for p in in_line_order(term.problems)],
                                "readable": {"from": source, "fields": fields} if source else None,
                                "body": term.split.body if term.split is not None else None,
                                "grounding": grounding.to_json() if grounding is not None else None}

        def text() -> str:
            from authoring.cli.term_text import grounding_text, term_text

            return term_text(term) + grounding_text(grounding)

        emit(data, text)
        if any(p.severity == Severity.ERROR for p in term.problems):
            raise SystemExit(ExitCode.PROBLEMS)

    run(body)


@app.command("check")
def check(
    term_ids: Annotated[
        list[str] | None, typer.Argument(metavar="[ID|FILE]...",
                                         help="Terms to check, by id or file path (default: all).")
    ] = None,
    severity: Annotated[str | None, typer.Option("--severity", help="Only problems at least this severe: error,"
                                                 " warning or info.")] = None,
    codes: Annotated[list[str] | None, typer.Option("--code", help="Only problems with this code"
                                                    " (repeatable): yaml-syntax, header-disagrees…")] = None,
    terms: Annotated[list[str] | None, typer.Option("--term", help="Only this term (repeatable).")] = None,
    since_adoption: Annotated[bool, typer.Option("--since-adoption", help="Only terms changed since the"
                                                 " repository was adopted (every term if it never was).")] = False,
    only_terms: Annotated[bool, typer.Option(
        "--only-terms", help="Skip paths that are not term files instead of refusing them (for hooks that"
                             " pass every changed file).")] = False,
    explain: Annotated[bool, typer.Option(
        "--explain", help="Say what the codes given as arguments mean and how to fix them (every code when"
                          " none is given); checks nothing.")] = False,
) -> None:
    """Parse, validate and compare headers; problems as `path:line:col: severity: code: message`, then a
    per-code summary."""
    if explain:
        _explain(term_ids or [])
        return

    def body() -> None:
        from authoring.core.triage import Triage, by_code, summary_table

        names = [*(term_ids or []), *(terms or [])]
        triage = Triage.of(severity, codes or [])
        with open_glossary() as glossary, TerminalProgress("checking") as progress:
            wanted = glossary.term_ids_for(names, strict=not only_terms) if names else glossary.term_ids()
            changed = glossary.terms_changed_since() if since_adoption else None
            if changed is not None:
                wanted = [t for t in wanted if t in set(changed)]
            problems = [p for p in glossary.check(wanted, progress) if triage.keeps(p.severity, p.code, None)]
            checked = len(wanted)
        errors = sum(1 for p in problems if p.severity == Severity.ERROR)
        warnings = sum(1 for p in problems if p.severity == Severity.WARNING)
        counts = by_code((p.severity, p.code) for p in problems)
        data = {"checked": checked, "errors": errors, "warnings": warnings,
                "problems": [p.to_json() for p in problems], "by_code": counts}

        def text() -> str:
            lines = [p.format_long() for p in problems]
            if len(counts) > 1 or (counts and len(problems) > 10):
                lines.extend(["", summary_table(counts)])
            lines.append(f"{checked} term(s) checked: {errors} error(s), {warnings} warning(s)"
                         + (f" ({triage.describe()})" if triage.narrows else ""))
            return "\n".join(lines)

        emit(data, text)
        if errors:
            raise SystemExit(ExitCode.PROBLEMS)

    run(body)


@app.command("set")
def set_field(
    term_id: Annotated[str, typer.Argument(metavar="ID")],
    field: Annotated[str, typer.Argument(metavar="FIELD.PATH", help="Dotted path: triad.art, aliases.0")],
    value: Annotated[str, typer.Argument(metavar="VALUE", help="A YAML value: text, 0.9, [a, b], '\"1.0\"'")],
    new_key: Annotated[bool, typer.Option("--new-key", help="Add a field neither the entry nor the schema has"
                                                            " (otherwise refused as a likely typo).")] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace a mapping or a list with another kind of"
                                                        " value.")] = False,
) -> None:
    """Change one field (VALUE is YAML) and commit the file. FIELD.PATH must be a field the entry or
    the schema has unless --new-key is given."""

    def body() -> None:
        with open_glossary() as glossary:
            result = glossary.set_field(term_id, field, value, new_key=new_key, force=force)
        emit(result.to_json(), result.message)

    run(body)


@app.command("schema")
def schema() -> None:
    """Print the JSON Schema of a term entry (attach it to your YAML tooling)."""
    from authoring.core.model import entry_json_schema

    print(json.dumps(entry_json_schema(), ensure_ascii=False, indent=2))


_ = GLOBALS


def _explain(names: list[str]) -> None:
    """`check --explain [CODE…]`: the catalogue's entries (`authoring.codes`), every one when none is named."""
    from authoring.codes import Code

    known = {code.value: code for code in Code}
    unknown = [name for name in names if name not in known]
    if unknown:
        from rapidfuzz import process

        def close(name: str) -> list[str]:
            return [str(match) for match, score, _ in process.extract(name, list(known), limit=3) if score >= 70]

        hints = [f"{name} (did you mean {', '.join(near)}?)" if (near := close(name)) else name for name in unknown]
        fail_usage(f"no such code: {'; '.join(hints)}; `authoring check --explain` lists them all")
    chosen = [known[name] for name in names] or list(Code)
    data = [{"code": code.value, "reporter": code.about.reporter, "severity": code.about.severity.value,
             "meaning": code.about.meaning, "fix": code.about.fix} for code in chosen]

    def text() -> str:
        return "\n\n".join(f"{code.value} ({code.about.severity.value}, reported by {code.about.reporter})\n"
                            f"  {code.about.meaning}\n  fix: {code.about.fix}" for code in chosen)

    emit(data, text)
