"""`authoring adopt` (and `init --adopt`, the same command): take an existing glossary repository as it is.

Must never: parse YAML or run Git itself (the repository service does).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from authoring.cli.app import app
from authoring.cli.options import GLOBALS, emit, run


def adopt_repository(path: Path | None, terms_dir: str | None, note: str | None) -> None:
    """Adopt the repository at `path` (default: --repo, or here) and install this clone's merge driver."""

    def body() -> None:
        from authoring.repo.adoption import adopt
        from authoring.repo.clone_setup import install_clone_config
        from authoring.repo.git import Git, find_root
        from authoring.workflow.identity import parse_identity

        root = find_root(path or GLOBALS.repo or Path.cwd())
        actor = parse_identity(GLOBALS.actor) if GLOBALS.actor else None
        result = adopt(root, actor, terms_dir, note)
        with Git(root) as git:
            configured, driver = install_clone_config(git)
        data = {**result.to_json(), "driver": driver, "configured": configured}
        emit(data, result.describe)

    run(body)


@app.command("adopt")
def adopt_command(
    path: Annotated[Path | None, typer.Argument(metavar="[PATH]", help="The repository (default: --repo, or here).")]
    = None,
    terms_dir: Annotated[str | None, typer.Option("--terms-dir", help="Where the terms are, when adoption cannot"
                                                  " find them (upstream Pirouette: modules/dictionary).")] = None,
    note: Annotated[str | None, typer.Option("--note", help="Why, recorded with the adoption.")] = None,
) -> None:
    """Adopt an existing glossary: find its terms and modules, write and commit the config, and accept every
    term's status as found, so that `audit` judges only what happens from now on (one commit)."""
    adopt_repository(path, terms_dir, note)
