"""`authoring search TEXT`: which terms hold a text, best first, with the field that matched and a snippet.

Must never: parse YAML, run Git or read term files itself (the service answers from its indexes); print a
snippet without making it inert (`cli.options.say` does).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from authoring.cli.app import app
from authoring.cli.options import emit, fail_usage, open_glossary, run
from authoring.cli.progress import TerminalProgress


@app.command("search")
def search(
    text: Annotated[str, typer.Argument(metavar="TEXT", help="What to look for: an id, a name, or words (each"
                                                            " matches a word it starts).")],
    status: Annotated[str | None, typer.Option(
        "--status", metavar="STATUS", help="Only these terms: draft, candidate, ratified, rejected, deprecated;"
                                           " problems or malformed. Matches it hides are counted.")] = None,
    limit: Annotated[int, typer.Option("--limit", metavar="N", help="At most N hits (0: all).")] = 20,
) -> None:
    """Terms whose id, name, aliases, definition, triad, notes or body hold TEXT, ranked: exact id or name
    first, then name prefix, id or name containing it, alias, definition or triad, body, notes or other text."""
    from authoring.core.summary import FILTERS

    if status is not None and status not in FILTERS:
        fail_usage(f"--status {status!r} is not one of {', '.join(FILTERS)}")
    if limit < 0:
        fail_usage("--limit must be 0 (all) or more")
    if not text.strip():
        fail_usage("search for what? TEXT is empty")

    def body() -> None:
        with open_glossary() as glossary, TerminalProgress("indexing") as progress:
            glossary.summaries(progress=progress)  # every file checked against the index, with progress
            results = glossary.search(text, status=status or "all", limit=limit or None, fresh=False,
                                      snippets=limit or 10_000_000)
        data: dict[str, Any] = {"query": text, "status": status or "all", "hits": [h.to_json() for h in results],
                                "hidden": dict(sorted(results.hidden.items())), "hidden_count": results.hidden_count,
                                "more": results.more}

        def said() -> str:
            lines: list[str] = []
            if results:
                width = max(len(h.term_id) for h in results)
                for hit in results:
                    lines.append(f"{hit.term_id:<{width}}  {hit.status or '?':<10} {hit.field:<10}  {hit.snippet}")
            else:
                lines.append(f"no term matches {text!r}")
            if results.hidden:
                counts = ", ".join(f"{n} {s}" for s, n in sorted(results.hidden.items()))
                lines.append(f"{results.hidden_count} more match(es) hidden by --status {status}: {counts}")
            if results.more:
                lines.append(f"{results.more} more match(es) past --limit {limit}")
            return "\n".join(lines)

        emit(data, said)

    run(body)
