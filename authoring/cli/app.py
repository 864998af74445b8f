"""The command line: `authoring [--repo PATH] [--json] [--as "Name <email>"] COMMAND …`.

The global options may stand before or after the command; they are lifted out of the arguments
before Typer sees them. Every command calls the repository service and prints its result, as text
or as one JSON document. Errors are one line on stderr with the spec's exit codes, never a
traceback unless `--debug`. With no command, the terminal UI opens.

Must never: parse YAML or run Git itself (that is the service's work); import Textual unless the
UI is being opened.
"""

from __future__ import annotations

import re
from typing import Any

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


# `authoring --help` groups the commands in these panels, in this order (one table, so that command
# modules need not know about each other); a command not named here is listed last, under "More".
HELP_PANELS: dict[str, tuple[str, ...]] = {
    "Glossary": ("list", "show", "check", "search", "duplicates", "schema"),
    "Workflow": ("queue", "gates", "review", "promote", "demote", "reject", "deprecate", "undo"),
    "Drafting and editing": ("modules", "candidates", "wanted", "draft", "agents", "set", "edit", "fold-headers",
                             "repair", "relocate"),
    "History and audit": ("history", "diff", "audit"),
    "Exchange": ("export", "import", "site"),
    "Repository": ("init", "adopt", "demo", "merge-driver"),
}


def _register() -> None:
    # Each module adds its commands to `app` when imported.
    import authoring.cli.adopt_commands
    import authoring.cli.audit_commands
    import authoring.cli.drafting_commands
    import authoring.cli.edit_commands
    import authoring.cli.exchange_commands  # noqa: F401
    from authoring.cli import (  # noqa: F401
        provenance_commands,
        queue_commands,
        repair_commands,
        repo_commands,
        search_commands,
        terms_commands,
        ui,
        workflow_commands,
    )

    _group_help()


def _escape_help(command: Any) -> None:
    """Escape `[` in every help text of a Click command tree (Typer's own Click: typed loosely): Typer
    reads help as Rich markup, which would eat `[audit] allowed_signers` or `[a, b]`."""
    if isinstance(command.help, str):
        command.help = _literal(command.help)
    for param in command.params:
        if isinstance(getattr(param, "help", None), str):
            param.help = _literal(param.help)
    for sub in (getattr(command, "commands", None) or {}).values():
        _escape_help(sub)


def _literal(text: str) -> str:
    """`text` as Rich markup that shows it as it is: every `[` escaped, except one a help string already
    escaped itself (`\\[`)."""
    return re.sub(r"(?<!\\)\[", r"\\[", text)


def _group_help() -> None:
    """Put every command in its help panel (`HELP_PANELS`) and list them panel by panel."""
    order = [name for names in HELP_PANELS.values() for name in names]
    panel_of = {name: panel for panel, names in HELP_PANELS.items() for name in names}
    for info in app.registered_commands:
        name = info.name or (info.callback.__name__.replace("_", "-") if info.callback else "")
        info.rich_help_panel = panel_of.get(name, "More")
    app.registered_commands.sort(key=lambda info: order.index(info.name) if info.name in order else len(order))


_built: list[Any] = []  # the Click command tree, built once per process


def click_command() -> Any:
    """The Click command tree of `app` (every command registered, help escaped), built on first use.

    Building it reads every command's signature (a quarter of a warm in-process command's time); a Click
    command keeps no state between invocations (each gets its own context), so one tree serves every call
    a process makes (the tests' in-process runs, a forked child of the fault suite)."""
    if not _built:
        _register()
        command = typer.main.get_command(app)
        _escape_help(command)
        _built.append(command)
    return _built[0]


def invoke(args: list[str]) -> None:
    """Run a command (its arguments with the global options already lifted) through Typer."""
    command = click_command()
    try:
        command(args=args, prog_name="authoring", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        # Click reports usage errors with exit 2 already; keep every code as it is.
        raise SystemExit(code) from None


def main(argv: list[str] | None = None) -> None:
    """The console script's entry point (see `cli.main`)."""
    from authoring.cli.main import main as entry

    entry(argv)
