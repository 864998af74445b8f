"""`authoring repair ID | --all [--write]`: propose (or apply) repairs for front matter that does not parse.

Must never: parse YAML or run Git itself (the service and `core.repair` do).
"""

from __future__ import annotations

from typing import Annotated

import typer

from authoring.cli.app import app
from authoring.cli.options import emit, fail_usage, open_glossary, run
from authoring.errors import ExitCode


@app.command("repair")
def repair(
    term_id: Annotated[str | None, typer.Argument(metavar="[ID]", help="The term to repair.")] = None,
    all_terms: Annotated[bool, typer.Option("--all", help="Every term that needs a repair.")] = False,
    write: Annotated[bool, typer.Option("--write", help="Apply the repairs and commit each file.")] = False,
) -> None:
    """Propose repairs for front matter YAML cannot read; with --write, apply and commit them."""
    if (term_id is None) == (not all_terms) or (term_id is not None and all_terms):
        fail_usage("name one term ID, or pass --all")

    def body() -> None:
        with open_glossary() as glossary:
            if term_id is not None:
                results = [glossary.repair(term_id, write=write)]
            else:
                results = glossary.repair_all(write=write)
        needed = [r for r in results if r.plan.needed]
        fixable = [r for r in needed if r.plan.applicable]
        written = [r for r in fixable if r.commit]
        data = {"checked": len(results), "needing_repair": len(needed), "repairable": len(fixable),
                "written": len(written), "files": [r.to_json() for r in needed]}

        def text() -> str:
            lines: list[str] = []
            for result in needed:
                plan = result.plan
                if result.commit:
                    state = f"repaired, commit {result.commit[:8]}"
                elif plan.applicable:
                    state = "repair proposed (run with --write to apply)"
                else:
                    state = "cannot be repaired automatically"
                lines.append(f"{plan.display}: {len(plan.repairs)} repair(s), {state}")
                lines.extend("  " + line for line in plan.describe().split("\n"))
            if not needed:
                lines.append(f"{results[0].term_id}: nothing to repair" if term_id else "nothing to repair")
            else:
                lines.append(f"{len(needed)} file(s) need repair: {len(fixable)} repairable"
                             f"{f', {len(written)} written' if write else ''},"
                             f" {len(needed) - len(fixable)} need a person")
            return "\n".join(lines)

        emit(data, text)
        if len(needed) > len(fixable) or (not write and needed):
            raise SystemExit(ExitCode.PROBLEMS)

    run(body)
