"""`authoring relocate ID | --all` (point moved snippets' `lines:` at where their text is now, one reviewed
commit per term) and `authoring wanted` (the terms the glossary cites but does not have, most cited first).

Must never: parse YAML or run Git itself (the service does).
"""

from __future__ import annotations

from typing import Annotated

import typer

from authoring.cli.app import app
from authoring.cli.options import emit, fail_usage, open_glossary, run


@app.command("relocate")
def relocate(
    term_id: Annotated[str | None, typer.Argument(metavar="[ID]", help="The term whose moved snippets to relocate.")]
    = None,
    all_terms: Annotated[bool, typer.Option("--all", help="Every term with a moved snippet.")] = False,
) -> None:
    """Update provenance.sources[].lines of snippets found at other lines of their module: one commit per term,
    recorded as a review event (bookkeeping: no version bump, the status stays)."""
    if (term_id is None) == (not all_terms):
        fail_usage("name one term ID, or pass --all")

    def body() -> None:
        with open_glossary() as glossary:
            results = glossary.relocate([term_id] if term_id else None)
        committed = [r for r in results if r.commit]
        data = {"relocated": len(committed), "terms": [r.to_json() for r in results]}

        def text() -> str:
            lines = [r.message for r in results]
            for result in committed:
                lines.extend(f"  sources.{m['source']}: {m['from']} → {m['to']}" for m in result.details["moves"])
            lines.append(f"{len(committed)} term(s) relocated" if committed or not term_id else "")
            return "\n".join(line for line in lines if line) or "no moved snippets"

        emit(data, text)

    run(body)


@app.command("wanted")
def wanted(
    limit: Annotated[int, typer.Option("--limit", min=0, help="Show only the N most cited (0: all).")] = 0,
) -> None:
    """Terms that crosslinks and association matrices cite but the glossary does not have, most cited first."""

    def body() -> None:
        with open_glossary() as glossary:
            found = glossary.wanted()
        shown = found[:limit] if limit else found
        data = {"wanted": len(found), "citations": sum(w.count for w in found), "targets": [w.to_json() for w in shown]}

        def text() -> str:
            if not found:
                return "every cited term exists"
            lines = [f"{w.count:>5}  {w.target}  (cited by {', '.join(w.cited_by[:4])}"
                     f"{', …' if w.count > 4 else ''})" for w in shown]
            lines.append(f"{len(found)} wanted term(s), cited {data['citations']} time(s)")
            return "\n".join(lines)

        emit(data, text)

    run(body)
