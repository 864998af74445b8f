"""`authoring repair ID | --all [--kind K …] [--write]`: propose (or apply) repairs for front matter that does
not parse. Without `--write` it shows each change as a diff and writes nothing; `--all` shows progress on
a terminal and ends with a per-kind summary; faults a repair would have to guess at are listed for a person.

Must never: parse YAML or run Git itself (the service and `core.repair` do).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from authoring.cli.app import app
from authoring.cli.options import emit, fail_usage, open_glossary, run
from authoring.errors import AuthoringError, ExitCode


@app.command("repair")
def repair(
    term_ids: Annotated[list[str] | None, typer.Argument(metavar="[ID…]", help="The terms to repair.")] = None,
    all_terms: Annotated[bool, typer.Option("--all", help="Every term that needs a repair.")] = False,
    write: Annotated[bool, typer.Option("--write", help="Apply the repairs and commit each file.")] = False,
    kind: Annotated[list[str] | None, typer.Option(
        "--kind", help="Only this kind of repair (repeatable): fence-entry, close-block, quote-value, "
        "quoted-prefix, text-after-bracket, quote-list-items, quote-list-sentence, unknown-escape.")] = None,
) -> None:
    """Propose repairs for front matter YAML cannot read (shown as a diff); with --write, apply and commit them."""
    from authoring.core.repair import RULES

    if bool(term_ids) == all_terms:
        fail_usage("name term IDs, or pass --all")
    unknown = [k for k in kind or [] if k not in RULES]
    if unknown:
        fail_usage(f"no repair kind {', '.join(unknown)}; the kinds are {', '.join(sorted(RULES))}")
    kinds = set(kind) if kind else None

    def body() -> None:
        from authoring.cli.progress import TerminalProgress

        with open_glossary() as glossary:
            failed: list[dict[str, Any]] = []
            if term_ids:
                results = []
                for one in dict.fromkeys(term_ids):  # each its own commit: one failure does not stop the others
                    try:
                        results.append(glossary.repair(one, write=write, kinds=kinds))
                    except AuthoringError as exc:
                        if len(term_ids) == 1:
                            raise
                        failed.append({"term": one, "error": str(exc), "exit_code": exc.exit_code})
                checked, by_kind = len(results), None
            else:
                with TerminalProgress("repairing" if write else "planning repairs") as shown:
                    repaired = glossary.repair_all(write=write, kinds=kinds,
                                                   progress=lambda done, total: shown.update(done, total))
                results, checked, by_kind = repaired.results, repaired.checked, repaired.by_kind()
        needed = [r for r in results if r.plan.needed]
        fixable = [r for r in needed if r.plan.applicable]
        written = [r for r in fixable if r.commit]
        doubts = [f"{r.plan.display}: {d}" for r in needed for d in r.plan.doubts]
        data: dict[str, Any] = {"checked": checked, "needing_repair": len(needed), "repairable": len(fixable),
                                "written": len(written), "files": [r.to_json() for r in needed],
                                "doubts": doubts}
        if by_kind is not None:
            data["by_kind"] = by_kind
        if failed:
            data["failed"] = failed

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
                lines.extend("  " + line for line in plan.describe().split("\n") if line)
            lines.extend(f"{f['term']}: FAILED: {f['error']}" for f in failed)
            if not needed:
                lines.append(f"{', '.join(r.term_id for r in results)}: nothing to repair" if term_ids
                             else "nothing to repair")
                return "\n".join(lines)
            if by_kind:
                lines.append("")
                lines.append(f"{'kind':<22}{'files':>7}{'repairable':>12}{'written':>9}")
                lines.extend(f"{name:<22}{row['files']:>7}{row['repairable']:>12}{row['written']:>9}"
                             for name, row in by_kind.items())
            if doubts:
                lines.append("")
                lines.append(f"{len(doubts)} fault(s) left for a person (a repair would have to guess):")
                lines.extend("  " + doubt for doubt in doubts)
            lines.append(f"{len(needed)} file(s) need repair: {len(fixable)} repairable"
                         f"{f', {len(written)} written' if write else ''},"
                         f" {len(needed) - len(fixable)} need a person")
            return "\n".join(lines)

        emit(data, text)
        if failed:
            raise SystemExit(failed[0]["exit_code"])
        if len(needed) > len(fixable) or (not write and needed):
            raise SystemExit(ExitCode.PROBLEMS)

    run(body)
