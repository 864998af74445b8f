"""`authoring demo`: a throwaway copy of the bundled demo glossary, opened in the terminal UI.

(`authoring` with no command opens the UI too: see `cli.main`.)
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated

import typer

from authoring.cli.app import app
from authoring.cli.main import open_ui
from authoring.cli.options import GLOBALS, run, say


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
            say(str(made))
            return
        # said before the UI covers the screen, and again once it is gone (the UI's title shows it meanwhile)
        say(f"demo glossary: {made} (a throwaway copy; nothing outside it is changed)", err=True)
        GLOBALS.repo = made
        try:
            open_ui(demo=True)
        finally:
            say(f"demo glossary: {made}\nremove it with: rm -rf {shlex.quote(str(made))}", err=True)

    run(body)
