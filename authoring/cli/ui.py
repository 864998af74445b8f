"""`authoring` with no command, and `authoring demo`: open the terminal UI.

Textual is imported only here, and only when the UI actually opens.
"""

from __future__ import annotations

import sys

from authoring.cli.app import GLOBALS, app, run


def open_ui() -> None:
    """Open the terminal UI on the repository the globals name."""

    def body() -> None:
        from authoring.repo.service import Glossary

        glossary = Glossary.open(GLOBALS.repo, GLOBALS.actor)
        try:
            from authoring.tui.app import run_app  # type: ignore[import-not-found, unused-ignore]
        except ImportError:  # the UI is not built yet: show the list instead
            from authoring.cli.terms_commands import list_terms

            glossary.close()
            list_terms(status=None)
            return
        run_app(glossary)

    run(body)


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
