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
    adopt: Annotated[bool, typer.Option("--adopt", help="In an existing repository: the same as `authoring adopt`"
                                        " (find terms and modules, commit the config, accept statuses as found).")]
    = False,
    terms_dir: Annotated[str | None, typer.Option("--terms-dir", help="For a new config: where terms live "
                                                  "(upstream Pirouette: modules/dictionary).")] = None,
    modules_dir: Annotated[str | None, typer.Option("--modules-dir", help="For a new config: where modules live.")]
    = None,
) -> None:
    """Make a glossary repository, or set up this clone of one (the merge driver in .git/config)."""

    target = path or GLOBALS.repo or Path.cwd()
    if adopt and (target / ".git").exists():
        from authoring.cli.adopt_commands import adopt_repository

        adopt_repository(target, terms_dir, None)
        return

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
        from authoring.repo.merge_driver import merge

        outcome = merge(base, ours, theirs, name or str(ours))
        for line in outcome.report():
            say(line, err=True)
        emit(outcome.to_json(), "")
        if outcome.exit_code:
            raise SystemExit(outcome.exit_code)

    run(body)
