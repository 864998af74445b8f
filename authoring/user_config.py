"""The user's own configuration: `$XDG_CONFIG_HOME/authoring/config.toml` (`~/.config/authoring/config.toml`).

What is personal lives here, not in the repository's `authoring.toml`, which everyone on the glossary
shares and which the gates trust: today the UI's key remapping (`[ui.keys]`, read by `tui.keymap`).
A missing file is an empty configuration; one that does not parse is a located `UsageError`.

Must never: touch Git or a repository, import a UI.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from authoring.config_file import _read_toml

USER_CONFIG_NAME = "config.toml"


@dataclass(frozen=True)
class UserConfig:
    """The user's configuration as read (an empty table when there is no file) and where from."""

    table: dict[str, Any]
    path: Path


def user_config_path() -> Path:
    """Where the user's configuration lives (whether or not it exists)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "authoring" / USER_CONFIG_NAME


def read_user_config(path: Path | None = None) -> UserConfig:
    """The user's configuration (`path`, else `user_config_path()`); a TOML error is located."""
    where = path or user_config_path()
    if not where.is_file():
        return UserConfig({}, where)
    return UserConfig(_read_toml(where), where)
