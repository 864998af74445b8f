"""Errors as values: every failure the user can meet, with its exit code and a located message.

The faces turn these into one line on stderr (CLI) or a notification (TUI). Nothing here may import
a face, Git or YAML: this module is the bottom of the dependency graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ExitCode:
    """The command line's exit codes (spec §9)."""

    OK = 0
    PROBLEMS = 1
    USAGE = 2
    REFUSED = 3
    CONFLICT = 4


class Severity(StrEnum):
    """How bad a problem is: errors block writes and gates, warnings are reported, info is advice."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Problem:
    """One located finding about a file: `path:line:col: severity: code: message`.

    `line` and `col` are 1-based; 0 means "the whole file". `source_line` quotes the offending
    line as it stands in the file; `fix` says what would fix it, in words.
    """

    path: str
    line: int
    col: int
    severity: Severity
    code: str
    message: str
    source_line: str | None = None
    fix: str | None = None

    def format(self) -> str:
        """The one-line form used by `check` and by error messages."""
        return f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.code}: {self.message}"

    def format_long(self) -> str:
        """The one-line form, then the quoted line with a caret, then the fix."""
        lines = [self.format()]
        if self.source_line is not None:
            lines.append(f"    {self.source_line}")
            if self.col > 0:
                lines.append("    " + " " * (self.col - 1) + "^")
        if self.fix:
            lines.append(f"    fix: {self.fix}")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `--json`."""
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "severity": str(self.severity),
            "code": self.code,
            "message": self.message,
            "source_line": self.source_line,
            "fix": self.fix,
        }


def in_line_order(problems: list[Problem]) -> list[Problem]:
    """`problems` by path, then line and column (whole-file problems, line 0, first); ties keep their order."""
    return sorted(problems, key=lambda p: (p.path, p.line, p.col))


@dataclass
class AuthoringError(Exception):
    """Base of every error the tool reports; `exit_code` is what the CLI exits with."""

    message: str
    problems: list[Problem] = field(default_factory=list)
    exit_code: int = ExitCode.PROBLEMS

    def __str__(self) -> str:
        return self.message


class UsageError(AuthoringError):
    """The command's words are off: an unknown term, a malformed path or value."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message, problems or [], ExitCode.USAGE)


class NotFound(UsageError):
    """A term, module or revision that does not exist."""


class ParseError(AuthoringError):
    """A file that does not parse; never written by an edit."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message, problems or [], ExitCode.PROBLEMS)


class EditError(AuthoringError):
    """An edit that cannot be made without changing more than was asked; nothing was written."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message, problems or [], ExitCode.PROBLEMS)


class GateRefused(AuthoringError):
    """A workflow move or review refused by a gate or a permission; `missing` lists every unmet gate."""

    def __init__(self, message: str, missing: list[str] | None = None) -> None:
        super().__init__(message, [], ExitCode.REFUSED)
        self.missing = missing or []


class Conflict(AuthoringError):
    """The file or repository changed underneath the action; nothing was lost, nothing was written."""

    def __init__(self, message: str) -> None:
        super().__init__(message, [], ExitCode.CONFLICT)
