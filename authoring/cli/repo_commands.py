"""Commands that set up and share a glossary repository: `init`, `merge-driver`.

Must never: parse YAML or run Git itself (the repository service does).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from authoring.cli.app import app
from authoring.cli.options import GLOBALS, emit, run, say


@app.command("init")
def init(
    path: Annotated[Path | None, typer.Argument(metavar="[PATH]", help="Where (default: --repo, or here).")] = None,
    adopt: Annotated[bool, typer.Option("--adopt", help="In an existing repository, add and commit what it lacks "
                                        "(config, folders, .gitattributes line).")] = False,
    terms_dir: Annotated[str | None, typer.Option("--terms-dir", help="For a new config: where terms live "
                                                  "(upstream Pirouette: modules/dictionary).")] = None,
    modules_dir: Annotated[str | None, typer.Option("--modules-dir", help="For a new config: where modules live.")]
    = None,
) -> None:
    """Make a glossary repository, or set up this clone of one (the merge driver in .git/config)."""

    def body() -> None:
        from authoring.repo.clone_setup import init_glossary
        from authoring.workflow.identity import parse_identity

        actor = parse_identity(GLOBALS.actor) if GLOBALS.actor else None
        result = init_glossary(path or GLOBALS.repo or Path.cwd(), actor, adopt, terms_dir, modules_dir)
        emit(result.to_json(), result.describe)

    run(body)


@app.command("merge-driver", hidden=False)
def merge_driver(
    base: Annotated[Path, typer.Argument(metavar="BASE", help="%O: the merge base's version.")],
    ours: Annotated[Path, typer.Argument(metavar="OURS", help="%A: our version; the result is written here.")],
    theirs: Annotated[Path, typer.Argument(metavar="THEIRS", help="%B: their version.")],
    name: Annotated[str | None, typer.Argument(metavar="PATH", help="%P: the file's path in the repository.")]
    = None,
) -> None:
    """Git's merge driver for term files (installed by `init`; Git runs it, you need not)."""

    def body() -> None:
        from authoring.repo.merge import conflict_style, run_driver

        outcome = run_driver(base, ours, theirs, name or str(ours), conflict_style(Path.cwd()))
        for line in outcome.report():
            say(line, err=True)
        emit({"path": outcome.path, "method": outcome.method, "conflicts": outcome.conflicts,
              "notes": outcome.notes}, "")
        if outcome.exit_code:
            raise SystemExit(outcome.exit_code)

    run(body)
