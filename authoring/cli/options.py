"""What every command shares, without Typer: the global options, output and error handling.

`--repo`, `--json`, `--as` and `--debug` may stand anywhere before `--`; `lift_globals` takes them
out of the arguments before any parser sees them. `run` turns our errors into one line on stderr and
the spec's exit codes.

Every text this module prints goes through `say`, the command line's one door to the terminal: control
characters from files, Git and arguments are shown as visible escapes (`core.safetext.inert`), so a term
field or a commit author can never retitle a window or clear the screen. JSON is exact (control
characters escaped the JSON way, `core.safetext.json_text`).

Must never: import Typer or Textual (the UI's start and every command import this).
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from authoring.core.safetext import inert, json_text
from authoring.errors import AuthoringError, ExitCode

if TYPE_CHECKING:  # imported when a command opens the repository, not when the UI starts
    from authoring.repo.service import Glossary

T = TypeVar("T")


@dataclass
class Globals:
    """Options every command accepts, wherever they stand on the line."""

    repo: Path | None = None
    json: bool = False
    actor: str | None = None
    debug: bool = False


GLOBALS = Globals()

def lift_globals(argv: list[str]) -> list[str]:
    """Take `--repo`, `--json`, `--as` and `--debug` out of `argv` (anywhere before `--`)."""
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest.extend(argv[i:])
            break
        if arg == "--json":
            GLOBALS.json = True
        elif arg == "--debug":
            GLOBALS.debug = True
        elif arg in ("--repo", "--as"):
            if i + 1 >= len(argv):
                fail_usage(f"{arg} needs a value")
            value = argv[i + 1]
            if arg == "--repo":
                GLOBALS.repo = Path(value)
            else:
                GLOBALS.actor = value
            i += 1
        elif arg.startswith("--repo="):
            GLOBALS.repo = Path(arg.split("=", 1)[1])
        elif arg.startswith("--as="):
            GLOBALS.actor = arg.split("=", 1)[1]
        else:
            rest.append(arg)
        i += 1
    return rest


def say(text: str, err: bool = False) -> None:
    """Print human text on stdout (or stderr), every control character made visible (see `inert`)."""
    print(inert(text), file=sys.stderr if err else sys.stdout)


def say_json(data: Any, err: bool = False, indent: int | None = 2) -> None:
    """Print one JSON document on stdout (or stderr): exact, with every control character escaped."""
    print(json_text(json.dumps(data, ensure_ascii=False, indent=indent, default=str)),
          file=sys.stderr if err else sys.stdout)


def fail_usage(message: str) -> NoReturn:
    """Print a usage error and exit 2."""
    say(f"authoring: error: {message}", err=True)
    raise SystemExit(ExitCode.USAGE)


def emit(data: Any, text: str | Callable[[], str]) -> None:
    """Print `data` as JSON under `--json`, else the human text."""
    if GLOBALS.json:
        say_json(data)
    else:
        out = text() if callable(text) else text
        if out:
            say(out)


def run(action: Callable[[], T]) -> T:
    """Run a command body, turning our errors into one line on stderr and the right exit code."""
    try:
        return action()
    except AuthoringError as exc:
        if GLOBALS.debug:
            raise
        if GLOBALS.json:
            say_json({"error": str(exc), "exit_code": exc.exit_code,
                      "problems": [p.to_json() for p in exc.problems],
                      "missing": list(getattr(exc, "missing", []))}, err=True, indent=None)
        else:
            say(error_line(str(exc)), err=True)
            for problem in exc.problems[:5]:
                say(problem.format_long(), err=True)
        raise SystemExit(exc.exit_code) from None
    except KeyboardInterrupt:
        print("authoring: interrupted", file=sys.stderr)
        raise SystemExit(130) from None
    except BrokenPipeError:  # `authoring list | head`: the reader has all it wants; leave as Git does, quietly
        _quiet_stdout()
        raise SystemExit(141) from None  # 128 + SIGPIPE, what a shell reports for a writer killed by the pipe
    except OSError as exc:  # a file the service did not expect to fail on: one line naming it, no traceback
        if GLOBALS.debug:
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        words = "no space left on the device" if exc.errno == 28 else (exc.strerror or str(exc)).lower()
        print(f"authoring: error: {where}{words}", file=sys.stderr)
        raise SystemExit(ExitCode.PROBLEMS) from None


def _quiet_stdout() -> None:
    """Point standard output at /dev/null, so that flushing it at exit does not fail a second time
    (the recipe of Python's `signal` documentation for SIGPIPE)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (a test's captured stream): nothing to flush there
        pass


_LOCATED_ERROR = re.compile(r"^[^\s:][^:\n]*:\d+:\d+: error: ")


def error_line(message: str) -> str:
    """`authoring: error: MESSAGE`, without a second `error:` when the message is a located problem
    that already says its severity (`PATH:4:9: error: yaml-syntax: …`)."""
    return f"authoring: {message}" if _LOCATED_ERROR.match(message) else f"authoring: error: {message}"


def open_glossary() -> Glossary:
    """The service for the repository the globals name."""
    from authoring.repo.service import Glossary

    return Glossary.open(GLOBALS.repo, GLOBALS.actor)
