"""A digest of the code that produced a stored result, so that a store written by other code is never served.

The index of summaries (`repo.index`) and the audit's store (`repo.audit_cache`) both key what they keep by
it: our own sources that compute the result, and the versions of the libraries that read YAML and data.

Must never: import anything of ours above the core (it reads source files as bytes).
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent


def code_fingerprint(store_format: int | str, sources: Sequence[str], dists: Sequence[str]) -> str:
    """The digest of the store's format, Python's version, every `*.py` below each of `sources` (folders or
    files of the `authoring` package) and the installed versions of `dists`."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"format {store_format}; python {sys.version_info[:2]}".encode())
    for name in sources:
        target = PACKAGE / name
        for source in sorted(target.rglob("*.py")) if target.is_dir() else [target]:
            digest.update(source.relative_to(PACKAGE).as_posix().encode())
            digest.update(source.read_bytes())
    for dist in dists:
        try:
            digest.update(f"{dist} {version(dist)}".encode())
        except PackageNotFoundError:
            digest.update(f"{dist} absent".encode())
    return digest.hexdigest()
