"""`authoring demo`: a throwaway copy of the bundled demo glossary, opened in the terminal UI.

(`authoring` with no command opens the UI too: see `cli.main`.)
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from authoring.cli.app import app
from authoring.cli.main import open_ui
from authoring.cli.options import GLOBALS, run


@app.command("demo")
def demo(
    path: Annotated[Path | None, typer.Argument(metavar="[PATH]", help="Where to make the copy (a new folder;"
                                                " default: a temporary one).")] = None,
    no_ui: Annotated[bool, typer.Option("--no-ui", help="Only make the copy and print its path (for the"
                                        " README's tour: cd \"$(authoring demo --no-ui)\").")] = False,
) -> None:
    """Copy the bundled demo glossary to a throwaway Git repository and open the UI on it."""

    def body() -> None:
        from authoring.errors import UsageError
        from authoring.repo.demo import make_demo_repository

        if path is not None and path.exists() and any(path.iterdir()):
            raise UsageError(f"{path} is not empty: give a new folder for the demo copy")
        made = make_demo_repository(path)
        if no_ui:
            print(made)
            return
        print(f"demo glossary: {made}", file=sys.stderr)
        GLOBALS.repo = made
        open_ui()

    run(body)
