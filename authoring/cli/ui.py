"""`authoring demo`: a throwaway copy of the bundled demo glossary, opened in the terminal UI.

(`authoring` with no command opens the UI too: see `cli.main`.)
"""

from __future__ import annotations

import sys

from authoring.cli.app import app
from authoring.cli.main import open_ui
from authoring.cli.options import GLOBALS, run


@app.command("demo")
def demo() -> None:
    """Copy the bundled demo glossary to a throwaway Git repository and open the UI on it."""

    def body() -> None:
        from authoring.repo.demo import make_demo_repository

        path = make_demo_repository()
        print(f"demo glossary: {path}", file=sys.stderr)
        GLOBALS.repo = path
        open_ui()

    run(body)
