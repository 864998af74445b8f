"""Commands that publish and exchange the glossary: `export`, `import`, `site`.

Must never: parse YAML or run Git itself (the service does); import Textual.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from authoring.cli.app import app
from authoring.cli.options import GLOBALS, emit, open_glossary, run, say
from authoring.errors import Problem


def _warn(problems: list[Problem]) -> None:
    # terms left out are never skipped silently: each is named, located, on stderr
    for problem in problems:
        say(problem.format(), err=True)  # located text from term files: made inert


@app.command("export")
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="skos (Turtle), jsonld (SKOS as JSON-LD), tbx"
                                                            " (TBX-Basic), csv or json.")] = "skos",
    status: Annotated[str | None, typer.Option("--status", help="Only these statuses, comma-separated"
                                                                " (default: every parseable term).")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here (atomically) instead of to"
                                                                       " stdout.")] = None,
) -> None:
    """Export the glossary as SKOS, TBX, CSV or JSON; SKOS is checked with SHACL and TBX with its schema."""

    def body() -> None:
        from authoring.repo.exchange_service import parse_statuses

        with open_glossary() as glossary:
            result = glossary.exchange().export(fmt, parse_statuses(status), output)
        _warn(result.skipped)
        if output is None and not GLOBALS.json:
            sys.stdout.write(result.data.decode("utf-8"))  # every format is UTF-8 text
            sys.stdout.flush()
            return
        data = result.to_json()
        if output is None:
            data["document"] = result.data.decode("utf-8")
        emit(data, f"{result.format}: {len(result.terms)} term(s) written to {result.output}; {result.validation}"
                   + (f"; {len(result.skipped)} left out (see warnings)" if result.skipped else ""))

    run(body)


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A CSV with a header row (at least id and term).")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="The file's format: csv.")] = "csv",
    as_drafts: Annotated[bool, typer.Option("--as-drafts", help="Import rows whose status is not draft as drafts,"
                                                                 " recording their status.")] = False,
) -> None:
    """Create a draft per row, one commit each, as the import agent; refuses ids that exist (nothing written)."""

    def body() -> None:
        from authoring.errors import UsageError

        if fmt != "csv":
            raise UsageError(f"import reads csv only, not {fmt!r}")
        with open_glossary() as glossary:
            result = glossary.exchange().import_csv(file, as_drafts=as_drafts)

        def text() -> str:
            lines = [f"{t.term}: drafted from line {t.line} ({t.commit[:8]})"
                     + (f", {t.source_status} in the file" if t.source_status and t.source_status != "draft" else "")
                     for t in result.imported]
            lines.append(f"{len(result.imported)} term(s) imported as drafts by {result.author}")
            if result.ignored_columns:
                lines.append(f"columns not imported: {', '.join(result.ignored_columns)}")
            return "\n".join(lines)

        emit(result.to_json(), text)

    run(body)


@app.command("site")
def site(
    output: Annotated[Path, typer.Option("--output", "-o", help="The folder to build (new, or an earlier"
                                                                " build).")] = Path("site"),
    status: Annotated[str, typer.Option("--status", help="Statuses to publish, comma-separated.")] = "ratified",
) -> None:
    """Build a static HTML glossary: an index with status filters and search, a page per term and module."""

    def body() -> None:
        from authoring.repo.exchange_service import parse_statuses

        with open_glossary() as glossary:
            result = glossary.exchange().site(output, parse_statuses(status))
        _warn(result.skipped)
        emit(result.to_json(), f"{result.terms} term(s), {result.pages} file(s) written to {result.output};"
                               f" open {Path(result.output) / 'index.html'}")

    run(body)
