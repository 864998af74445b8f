"""The command line: `authoring [--repo PATH] [--json] [--as "Name <email>"] COMMAND …`.

The global options may stand before or after the command; they are lifted out of the arguments
before Typer sees them. Every command calls the repository service and prints its result, as text
or as one JSON document. Errors are one line on stderr with the spec's exit codes, never a
traceback unless `--debug`. With no command, the terminal UI opens.

Must never: parse YAML or run Git itself (that is the service's work); import Textual unless the
UI is being opened.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="authoring",
    help="Review, ratify and audit glossary terms kept as Markdown + YAML front matter in Git.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback(invoke_without_command=True)
def _root(ctx: typer.Context) -> None:
    """With no command, open the terminal UI on the repository."""
    if ctx.invoked_subcommand is None:
        from authoring.cli.main import open_ui

        open_ui()


def _register() -> None:
    # Each module adds its commands to `app` when imported.
    import authoring.cli.audit_commands
    import authoring.cli.drafting_commands
    import authoring.cli.exchange_commands  # noqa: F401
    from authoring.cli import (  # noqa: F401
        repair_commands,
        repo_commands,
        terms_commands,
        ui,
        workflow_commands,
    )


def invoke(args: list[str]) -> None:
    """Run a command (its arguments with the global options already lifted) through Typer."""
    _register()
    try:
        app(args=args, prog_name="authoring", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        # Click reports usage errors with exit 2 already; keep every code as it is.
        raise SystemExit(code) from None


def main(argv: list[str] | None = None) -> None:
    """The console script's entry point (see `cli.main`)."""
    from authoring.cli.main import main as entry

    entry(argv)
