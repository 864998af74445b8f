"""Canonical ids and the paths built from them: nothing a file says may escape the terms directory.

Must never: build a path from an id that has not passed `require_safe_id`.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from authoring.errors import UsageError

CANONICAL_ID = re.compile(r"^[A-Z0-9][A-Z0-9_]*$")
# What the corpus's file stems actually hold: upper-case words, digits, `_` and `-` (`ALGORITHM_B`).
SAFE_STEM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-.]*$")
MAX_ID_LENGTH = 120


def is_canonical(value: str) -> bool:
    """True for a well-formed canonical id (`COHERENCE_FLUX`)."""
    return bool(CANONICAL_ID.match(value)) and len(value) <= MAX_ID_LENGTH


def unsafe_reason(value: str) -> str | None:
    """Why `value` cannot name a file in the terms directory, or None when it can."""
    if not value:
        return "it is empty"
    if "\0" in value:
        return "it contains a NUL byte"
    if "/" in value or "\\" in value:
        return "it contains a path separator"
    if value in (".", "..") or ".." in value:
        return "it contains '..'"
    if len(value) > MAX_ID_LENGTH:
        return f"it is longer than {MAX_ID_LENGTH} characters"
    if not SAFE_STEM.match(value):
        return "it contains characters other than letters, digits, '_', '-' and '.'"
    return None


def require_safe_id(value: str) -> str:
    """Return `value` if it may name a term file, else raise `UsageError` saying why."""
    reason = unsafe_reason(value)
    if reason is not None:
        raise UsageError(f"{value!r} is not a usable term id: {reason}")
    return value


@functools.lru_cache(maxsize=16)
def _real_folder(folder: Path) -> Path:
    """`folder` with every symlink resolved, remembered: looked up for every term a command touches. (Should
    the folder later be made a link elsewhere, a term file there no longer matches it: refused, never let out.)"""
    return folder.resolve()


def term_path(terms_dir: Path, term_id: str) -> Path:
    """The file of `term_id` inside `terms_dir`, refusing ids and symlinks that lead outside it."""
    require_safe_id(term_id)
    path = terms_dir / f"{term_id}.md"
    resolved = path.resolve()
    if resolved.parent != _real_folder(terms_dir):
        raise UsageError(f"{term_id}: its file resolves outside the terms directory ({resolved})")
    return path


def id_from_name(name: str) -> str:
    """A canonical id from a term's name: `Coherence Flux` → `COHERENCE_FLUX`."""
    cleaned = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").upper()
    return cleaned[:MAX_ID_LENGTH]
