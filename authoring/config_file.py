"""Reading a repository's configuration file, and the directories it names, without the schema.

`read_config_file(root)` finds `authoring.toml` (or `[tool.authoring]` in `pyproject.toml`) and
parses its TOML; `ConfigFile.layout` gives the three directories at once; `ConfigFile.validate()`
checks the whole table against the pydantic models in `config`. Building those models costs about
a sixth of a second, which the terminal UI spends after its term list is on screen, not before.

Must never: import pydantic (that is `config`), touch Git or a UI.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from authoring.errors import Problem, Severity, UsageError

if TYPE_CHECKING:
    from authoring.config import Config

CONFIG_FILE = "authoring.toml"


@dataclass(frozen=True)
class Layout:
    """Where a glossary keeps its files, relative to the repository root."""

    terms_dir: str = "terms"
    modules_dir: str = "modules"
    review_logs_dir: str = "review_logs"


@dataclass(frozen=True)
class ConfigFile:
    """A configuration as read: its TOML table (None when the repository has none) and where from."""

    table: dict[str, Any] | None
    path: Path

    @property
    def layout(self) -> Layout | None:
        """The directories, when the table names them as text (checked to lie inside the repository);
        None when one of them is not text, so that `validate()` reports it as the schema words it."""
        table = self.table or {}
        values = [table.get(each.name, each.default) for each in fields(Layout)]
        if not all(isinstance(value, str) for value in values):
            return None
        check_directories(self.path, values)
        return Layout(*values)

    def validate(self) -> Config:
        """The whole configuration, checked against the models (`UsageError` naming the first wrong field)."""
        from authoring.config import validate_config

        return validate_config(self.table, self.path)


def read_config_file(root: Path) -> ConfigFile:
    """The configuration file of the repository at `root`; a TOML error is a located `UsageError`."""
    path = root / CONFIG_FILE
    if path.is_file():
        return ConfigFile(_read_toml(path), path)
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        tool = _read_toml(pyproject).get("tool", {})
        section = tool.get("authoring") if isinstance(tool, dict) else None
        if isinstance(section, dict):
            return ConfigFile(section, pyproject)
    return ConfigFile(None, path)


def check_directories(path: Path, names: Any) -> None:
    """Refuse a directory that is absolute or climbs out of the repository."""
    for name in names:
        if Path(name).is_absolute() or ".." in Path(name).parts:
            raise UsageError(f"{path}: directory {name!r} must be inside the repository")


# A configuration is a few hundred bytes; a pyproject.toml a few kilobytes.
MAX_CONFIG_BYTES = 1024 * 1024


def _read_toml(path: Path) -> dict[str, Any]:
    """The TOML file's data; a located `UsageError` when it does not parse, is too large or nests too deep."""
    try:
        if path.stat().st_size > MAX_CONFIG_BYTES:
            message = f"{path.stat().st_size:,} bytes is more than a configuration may hold ({MAX_CONFIG_BYTES:,})"
            raise UsageError(f"{path}: {message}", [Problem(str(path), 1, 1, Severity.ERROR, "file-too-large",
                                                             message)])
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: {exc}", [Problem(str(path), 1, 1, Severity.ERROR, "config", str(exc))]) from None
    except RecursionError:  # tomllib recurses into nested arrays and inline tables
        message = "the TOML nests too deep to read"
        raise UsageError(f"{path}: {message}",
                         [Problem(str(path), 1, 1, Severity.ERROR, "too-deep", message)]) from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror}") from None
