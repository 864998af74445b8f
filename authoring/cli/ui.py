"""`authoring demo`: a throwaway copy of the bundled demo glossary, opened in the terminal UI.

(`authoring` with no command opens the UI too: see `cli.main`.)
"""

from __future__ import annotations

import shlex

from authoring.cli.app import app
from authoring.cli.main import open_ui
from authoring.cli.options import GLOBALS, run, say


@app.command("demo")
def demo() -> None:
    """Copy the bundled demo glossary to a throwaway Git repository and open the UI on it."""

    def body() -> None:
        from authoring.repo.demo import make_demo_repository

        path = make_demo_repository()
        # said before the UI covers the screen, and again once it is gone (the UI's title shows it meanwhile)
        say(f"demo glossary: {path} (a throwaway copy; nothing outside it is changed)", err=True)
        GLOBALS.repo = path
        try:
            open_ui(demo=True)
        finally:
            say(f"demo glossary: {path}\nremove it with: rm -rf {shlex.quote(str(path))}", err=True)

    run(body)
