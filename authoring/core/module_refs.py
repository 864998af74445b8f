"""Module references (`DOMA-036`, `CORE-013_the_river_of_information`) resolved to module files, and
whether a cited snippet still stands in its module.

A module is a `*.md` file directly in the modules directory (the upstream layout keeps the terms in
`modules/dictionary/`, inside the modules directory: those are not modules). A reference names the
file whose stem it is, or whose id is it: the stem up to the first `_`, or the `id:` line of the
module's front matter (read with a line match, not a YAML parser, because module front matter is
often malformed and must never make a lookup fail).

Must never: write files, touch Git or a UI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_ID_LINE = re.compile(r"^id:\s*['\"]?(?P<id>[^'\"#\s]+)['\"]?\s*(?:#.*)?$", re.MULTILINE)
_FRONT_MATTER_PEEK = 4096  # the `id:` line stands near the top; reading a whole module is not needed


@dataclass
class ModuleIndex:
    """The modules of one modules directory, by stem and by id. Build it once per action."""

    directory: Path
    by_stem: dict[str, Path] = field(default_factory=dict)
    by_id: dict[str, Path] = field(default_factory=dict)

    @classmethod
    def scan(cls, directory: Path) -> ModuleIndex:
        """Index every `*.md` file directly in `directory` (an absent directory has no modules)."""
        index = cls(directory)
        if not directory.is_dir():
            return index
        for path in sorted(directory.glob("*.md")):
            if not path.is_file():
                continue
            index.by_stem[path.stem] = path
            index.by_id.setdefault(path.stem.split("_", 1)[0], path)
        return index

    def resolve(self, reference: str) -> Path | None:
        """The module file a reference names, or None when no module matches."""
        ref = reference.strip()
        if not ref:
            return None
        found = self.by_stem.get(ref) or self.by_id.get(ref)
        if found is not None:
            return found
        # Last resort: a module whose front matter declares this id but whose file name does not.
        for path in self.by_stem.values():
            if declared_id(path) == ref:
                self.by_id[ref] = path
                return path
        return None


def declared_id(path: Path) -> str | None:
    """The `id:` a module's front matter declares, read leniently; None when there is none."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_FRONT_MATTER_PEEK).decode("utf-8", errors="replace")
    except OSError:
        return None
    if not head.lstrip("\ufeff").startswith("---"):
        return None
    match = _ID_LINE.search(head)
    return match["id"] if match else None


def normalise_space(text: str) -> str:
    """`text` with every run of whitespace made one space, trimmed: how snippets are compared."""
    return " ".join(text.split())


def snippet_in(module_text: str, snippet: str) -> bool:
    """True when `snippet` stands in `module_text`, ignoring differences of whitespace and line breaks."""
    wanted = normalise_space(snippet)
    return bool(wanted) and wanted in normalise_space(module_text)
