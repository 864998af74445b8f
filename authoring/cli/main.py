"""The entry point of `authoring`: lift the global options, then open the UI or run a command.

With no command the terminal UI opens straight away, without loading Typer and the command
modules (Typer alone brings pydantic): the UI's start is measured against a one-second target
(`benchmarks/bench_ui_start.py`). Git's call of the merge driver (`merge-driver %O %A %B %P`) goes
straight to `repo.merge_driver`, which Git runs once per file. Anything else goes to the Typer app
in `cli.app`.

Must never: import Typer or Textual at module level.
"""

from __future__ import annotations

import sys

from authoring.cli.options import GLOBALS, Globals, lift_globals, run


def main(argv: list[str] | None = None) -> None:
    """The console script's entry point."""
    GLOBALS.__dict__.update(vars(Globals()))  # fresh options for each in-process call (tests)
    args = lift_globals(list(sys.argv[1:] if argv is None else argv))
    if args in (["--version"], ["-V"]):
        from authoring import __version__

        print(f"authoring {__version__}")
        return
    if not args:
        open_ui()
        return
    if args[0] == "merge-driver" and not GLOBALS.json and 4 <= len(args) <= 5 and not any(
            a.startswith("-") for a in args[1:]):
        # Git runs the driver once per file (clones set up before `merge_driver` was installed by module
        # still call it this way): straight to the lean driver, without Typer
        from authoring.repo.merge_driver import main as merge_driver

        raise SystemExit(merge_driver(args[1:]))
    from authoring.cli.app import invoke

    invoke(args)


def open_ui(demo: bool = False) -> None:
    """Open the terminal UI on the repository the globals name (`demo`: a throwaway demo copy, whose path
    the title shows)."""

    def body() -> None:
        from authoring.repo.service import Glossary
        from authoring.tui.app import run_app

        # the configuration's schema is checked by the UI once its list is on screen
        run_app(Glossary.open(GLOBALS.repo, GLOBALS.actor, check_config=False), demo=demo)

    run(body)
