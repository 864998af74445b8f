"""Was a snippet that is not in its module now ever in it? The module's Git history answers.

The audit tells three cases apart for a citation whose text it cannot find: the module **changed** since
the snippet was cited (an earlier committed version of the module holds the text: `snippet-changed`,
naming the commit that took it out), or the text was **never** in any version Git knows
(`snippet-missing`: a citation that was wrong from the start, or a module added with different text).
A snippet found at other lines is `snippet-moved` (see `audit`).

Cost: nothing until the first missing snippet; then one `git log` over the modules directory, and the
versions of each module that has a missing snippet read in one batch and indexed once.

Must never: write files, run Git except through `repo.git`, import a UI.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from authoring.core.snippets import SnippetIndex
from authoring.repo.git import Git, LogCommit


@dataclass(frozen=True)
class Removal:
    """Where a cited text left its module: the last commit whose version held it and the commit after."""

    held_in: str
    """The newest commit whose version of the module holds the text."""
    removed_in: str | None
    """The commit after it that changed the module (the text is not in that version); None when the change
    is in the work tree, not committed yet."""
    removed_by: str | None
    """Who made `removed_in`."""

    def describe(self) -> str:
        """`in 1a2b3c4d5e by Name <email>`, or `in the work tree (not committed)`."""
        if self.removed_in is None:
            return "in the work tree (not committed)"
        return f"in {self.removed_in[:10]} by {self.removed_by}"


class ModuleHistory:
    """The committed versions of the modules, read lazily, to ask whether a text ever stood in one."""

    def __init__(self, git: Git, folders: Sequence[Path]) -> None:
        self.git = git
        self.root = git.root
        self.folders = folders  # every folder modules are read from (`ModuleSources.roots`)
        self._log: list[LogCommit] | None = None
        self._versions: dict[str, list[tuple[LogCommit, SnippetIndex | None]]] = {}

    def removal(self, module: Path, snippet: str) -> Removal | None:
        """Where `snippet` left `module`, or None when no committed version of it ever held the text."""
        versions = self._versions_of(module)  # newest first
        for position, (commit, index) in enumerate(versions):
            if index is not None and index.find(snippet):
                if position == 0:
                    return Removal(commit.commit, None, None)  # the newest commit holds it; the work tree not
                newer = versions[position - 1][0]
                return Removal(commit.commit, newer.commit, newer.author)
        return None

    def _versions_of(self, module: Path) -> list[tuple[LogCommit, SnippetIndex | None]]:
        try:
            relative = PurePosixPath(module.relative_to(self.root)).as_posix()
        except ValueError:
            return []
        if relative not in self._versions:
            blobs: list[tuple[LogCommit, str | None]] = []
            for commit in self._walk():
                for change in commit.changes:
                    if change.path == relative:
                        blobs.append((commit, change.new_blob))
            data = self.git.read_blobs([blob for _, blob in blobs if blob])
            self._versions[relative] = [
                (commit, SnippetIndex(data[blob].decode("utf-8", errors="replace")) if blob and blob in data else None)
                for commit, blob in blobs]
        return self._versions[relative]

    def _walk(self) -> list[LogCommit]:
        if self._log is None:
            where = set()
            for folder in self.folders:
                try:
                    where.add(PurePosixPath(folder.relative_to(self.root)).as_posix().strip("/") or ".")
                except ValueError:  # a folder outside the repository has no history here
                    continue
            self._log = self.git.log(sorted(f"{w}/" if w != "." else w for w in where)) if where else []
        return self._log
