"""An audit result kept in memory for one service instance, reused while nothing it read has changed.

The key is HEAD, the configuration file's bytes, and the work tree's state: every path Git reports as
changed or untracked, with its size and modification time (a file edited twice keeps its status code,
not its stat). The UI's audit view and review screen ask for `cached_audit`; a command line audit runs
once and needs no cache. A persistent cache (across processes) may replace this later.

Must never: run Git except through `repo.git`; write files.
"""

from __future__ import annotations

import hashlib
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from authoring.repo.audit import AuditProgressCallback, AuditReport
    from authoring.repo.service import Glossary


class AuditCache:
    """The last audit of one glossary and the state it was made in."""

    def __init__(self) -> None:
        self._key: str | None = None
        self._report: AuditReport | None = None
        self._lock = threading.Lock()
        self.runs = 0
        """How many audits actually ran (the rest were served from the cache)."""

    @staticmethod
    def state(glossary: Glossary, require_signed: bool) -> str:
        """A digest of everything the audit's result depends on that can change under a running UI."""
        digest = hashlib.blake2b(digest_size=16)
        digest.update(f"{glossary.git.head()}\0{require_signed}\0".encode())
        config = glossary.config_file.path
        digest.update(config.read_bytes() if config.is_file() else b"-")
        for name, code in sorted(glossary.git.status_of([glossary.root]).items()):
            path = glossary.root / name
            try:
                stat = path.stat()
                digest.update(f"\0{name}\0{code}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
            except OSError:
                digest.update(f"\0{name}\0{code}\0gone".encode())
        return digest.hexdigest()

    def get(self, glossary: Glossary, require_signed: bool = False,
            progress: AuditProgressCallback | None = None) -> AuditReport:
        """The audit for the repository as it stands now: the cached one when nothing changed."""
        key = self.state(glossary, require_signed)
        with self._lock:
            if self._report is not None and self._key == key:
                return self._report
        report = glossary.audit(require_signed=require_signed, progress=progress)
        with self._lock:
            self._key, self._report = key, report
            self.runs += 1
        return report
