"""Commands that turn modules into draft terms: `candidates`, `draft`, `modules`.

Must never: parse YAML or run Git itself.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from authoring.cli.app import app
from authoring.cli.options import GLOBALS, emit, open_glossary, run, say
from authoring.drafting.agents import REGISTRY, drafting_agents


def _progress(line: str) -> None:
    # Progress goes to stderr, and only to a terminal: pipes and --json get nothing extra.
    if not GLOBALS.json and sys.stderr.isatty():
        say(f"… {line}", err=True)


@app.command("candidates")
def candidates(
    module: Annotated[str, typer.Argument(metavar="MODULE", help="A module id or file stem (DOMA-036).")],
    limit: Annotated[int, typer.Option("--limit", "-n", help="Show at most this many (0: all).")] = 40,
) -> None:
    """Candidate terms a module coins or uses, best first, each new or existing, with the evidence."""

    def body() -> None:
        with open_glossary() as glossary:
            report = glossary.candidates(module, limit or None, progress=_progress)
        data = [c.to_json() for c in report.candidates]

        def text() -> str:
            if not report.candidates:
                return f"{report.module}: no candidates"
            width = max(len(c.canonical_id) for c in report.candidates)
            lines = [f"{report.module} · {report.title}  ({report.path})",
                     f"{'SCORE':>5}  {'ID':<{width}}  {'STATE':<9} TERM  —  EVIDENCE"]
            for c in report.candidates:
                state = (c.status or "exists") if c.existing else "new?" if c.may_duplicate else "new"
                evidence = ", ".join(f"{e.kind} L{e.line}" + (f"×{e.count}" if e.count > 1 else "")
                                     for e in c.evidence[:4])
                similar = f"  (may duplicate {', '.join(c.may_duplicate)})" if c.may_duplicate else ""
                lines.append(f"{c.score:5.1f}  {c.canonical_id:<{width}}  {state:<9} {c.term}  —  {evidence}{similar}")
            lines.extend(p.format() for p in report.problems)
            return "\n".join(lines)

        emit(data, text)

    run(body)


@app.command("draft")
def draft(
    module: Annotated[str, typer.Argument(metavar="MODULE", help="A module id or file stem (DOMA-036).")],
    lines: Annotated[str | None, typer.Option("--lines", help="The snippet's lines: 47-52 or L47-L52.")] = None,
    section: Annotated[str | None, typer.Option("--section", help="The snippet's section: 4 or §4.")] = None,
    term: Annotated[str | None, typer.Option("--term", help="The term's name (default: the snippet's best"
                                                            " new candidate).")] = None,
    term_id: Annotated[str | None, typer.Option("--id", help="The canonical id (default: from the name).")] = None,
    agent: Annotated[str | None, typer.Option("--agent", help="A registered drafting agent: "
                                              + ", ".join(spec.name for spec in drafting_agents())
                                              + " (default: [agents] default; see `authoring agents`).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Draft over an existing or rejected term.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the draft; write and commit nothing.")] = False,
    note: Annotated[str | None, typer.Option("--note", help="Why: needed to draft over a term past draft"
                                                            " (an editor's call).")] = None,
) -> None:
    """Draft a term from a module snippet and commit it, with the agent as author."""

    def body() -> None:
        with open_glossary() as glossary:
            if dry_run:
                preview = glossary.preview_draft(module, lines=lines, section=section, term=term,
                                                 term_id=term_id, agent=agent, force=force, progress=_progress,
                                                 note=note)
                emit(preview.to_json(glossary.display(preview.path)), preview.text.rstrip("\n"))
                return
            result = glossary.draft(module, lines=lines, section=section, term=term, term_id=term_id,
                                    agent=agent, force=force, progress=_progress, note=note)

        def text() -> str:
            out = [result.message]
            out.extend(f"warning: {w}" for w in result.details.get("warnings", []))
            return "\n".join(out)

        emit(result.to_json(), text)

    run(body)


@app.command("modules")
def modules() -> None:
    """The modules terms can be drafted from: id, title and file."""

    def body() -> None:
        with open_glossary() as glossary:
            found = glossary.modules()
            rows = [{"module": m.ref, "id": m.id, "title": m.title, "path": glossary.display(m.path),
                     "sections": len(m.sections), "lines": len(m.lines)} for m in found]

        def text() -> str:
            if not rows:
                return "no modules"
            width = max(len("MODULE"), *(len(str(r["module"])) for r in rows))
            files = max(len("FILE"), *(len(str(r["path"])) for r in rows))
            lines = [f"{'MODULE':<{width}}  {'FILE':<{files}}  TITLE"]
            lines.extend(f"{r['module']:<{width}}  {r['path']:<{files}}  {r['title']}" for r in rows)
            return "\n".join(lines)

        emit(rows, text)

    run(body)


@app.command("agents")
def agents(
    registered: Annotated[bool, typer.Option("--registered", help="Only the registered agents (name, identity,"
                                                                  " whether it drafts, what it does).")] = False,
) -> None:
    """The registered agents, then how each agent and model fares: drafts, ratified unchanged, fields editors
    changed before ratification, rejections with their reasons, median time to ratify (`--json`: the
    scorecard; `--registered --json`: the registry)."""
    specs = [spec.to_json() for spec in REGISTRY.values()]
    width = max(len(str(spec["name"])) for spec in specs)
    listing = ["AGENTS"] + [f"{spec['name']:<{width}}  {spec['identity']}  {spec['description']}" for spec in specs]
    if registered:
        run(lambda: emit(specs, lambda: "\n".join(listing)))
        return

    def body() -> None:
        from authoring.repo.agent_scorecard import scorecard

        with open_glossary() as glossary:
            data = [score.to_json() for score in scorecard(glossary)]

        def text() -> str:
            lines: list[str] = [*listing, ""]
            if not data:
                return "\n".join([*lines, "no drafts by agents yet"])
            for s in data:
                median = s["median_hours_to_ratify"]
                lines.append(f"{s['agent']}  model {s['model']}")
                lines.append(f"  drafts {s['drafts']}   ratified {s['ratified']} ({s['ratified_unchanged']} unchanged)"
                             f"   rejected {s['rejected']}   open {s['open']}   median time to ratify "
                             + (f"{median:.1f} h" if median is not None else "-"))
                changed = s["fields_changed_before_ratification"]
                if changed:
                    lines.append("  fields editors changed before ratification: "
                                 + ", ".join(f"{path} ×{count}" for path, count in changed.items()))
                lines.extend(f"  rejected {r['term']}: {r['reason'] or '(no note)'}" for r in s["rejections"])
            return "\n".join(lines)

        emit(data, text)

    run(body)
