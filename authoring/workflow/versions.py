"""Versions and dates as the workflow changes them, written in the style the file already uses.

Versions are `major.minor`: ratification sets the next major (`0.3 → 1.0`, `1.2 → 2.0`), a content
edit bumps the minor (`0.1 → 0.2`, `0.9 → 0.10`). A version read from a plain YAML float stays a
plain float when the new text reads back as the same float; otherwise (`0.10` would read back as
`0.1`) it becomes a string, which the editor quotes. A quoted version stays quoted. Dates likewise:
a plain YAML date stays a date, a quoted one stays a string.

Must never: read files, touch Git or a UI.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

_VERSION = re.compile(r"^\s*(?P<major>\d+)(?:\.(?P<minor>\d+))?\s*$")


def parse_version(text: str | None) -> tuple[int, int]:
    """`"1.2"` → (1, 2); a missing version counts as 0.0. `ValueError` for anything else."""
    if text is None or text == "":
        return 0, 0
    match = _VERSION.match(text)
    if not match:
        raise ValueError(f"version {text!r} is not major.minor")
    return int(match["major"]), int(match["minor"] or 0)


def next_major(text: str | None) -> str:
    """The version ratification sets: `0.x → 1.0`, `1.x → 2.0`."""
    major, _ = parse_version(text)
    return f"{major + 1}.0"


def next_minor(text: str | None) -> str:
    """The version a content edit sets: `0.1 → 0.2`, `1.9 → 1.10`."""
    major, minor = parse_version(text)
    return f"{major}.{minor + 1}"


def styled_version(new_text: str, old_value: Any) -> Any:
    """The value to write for `new_text`, of the same YAML type as `old_value` where that is exact."""
    if isinstance(old_value, str):
        return new_text
    return _plain_number(new_text)


def _plain_number(text: str) -> Any:
    """A float (or int) that is written back as exactly `text`, else `text` itself (quoted when written)."""
    if re.fullmatch(r"\d+", text):
        return int(text)
    try:
        number = float(text)
    except ValueError:
        return text
    return number if repr(number) == text else text


def styled_date(day: dt.date, old_value: Any) -> Any:
    """`day` as a date for plain YAML dates (or a missing field), as ISO text for quoted ones."""
    if isinstance(old_value, str):
        return day.isoformat()
    return day
