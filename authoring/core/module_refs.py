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
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

_ID_LINE = re.compile(r"^id:\s*['\"]?(?P<id>[^'\"#\s]+)['\"]?\s*(?:#.*)?$", re.MULTILINE)
_FRONT_MATTER_PEEK = 4096  # the `id:` line stands near the top; reading a whole module is not needed
# Front matter often spells ids with non-breaking or typographic hyphens (`COSMO‑Γ‑000`).
_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−﹣－"), "-")


def normalise_ref(text: str) -> str:
    """A reference compared loosely: Unicode NFC, every dash an ASCII hyphen, case folded, no `.md`."""
    value = unicodedata.normalize("NFC", text.strip()).translate(_DASHES)
    if value.lower().endswith(".md"):
        value = value[:-3]
    return value.casefold()


def stem_id(stem: str) -> str:
    """The id a file name carries: the stem up to the first `_` (`CORE-013_the_river…` → `CORE-013`)."""
    return stem.split("_", 1)[0]


def outside_reason(path: Path, root: Path) -> str | None:
    """Why the module file `path` may not be read — it is (or leads through) a symbolic link to a place
    outside `root`, the repository — or None when it stands inside."""
    try:
        resolved = path.resolve()
        resolved.relative_to(root.resolve())
    except ValueError:
        return f"{path.name} is a symbolic link to {resolved}, outside the repository: modules are read only" \
               " inside it (copy the file into the repository instead)"
    except (OSError, RuntimeError) as exc:  # a symlink loop
        return f"{path.name} cannot be resolved ({exc})"
    return None


def require_inside(path: Path, root: Path) -> Path:
    """`path` when it stands inside `root`; else a `UsageError` saying where it leads (see `outside_reason`)."""
    from authoring.errors import UsageError

    reason = outside_reason(path, root)
    if reason is not None:
        raise UsageError(reason)
    return path


@dataclass
class ModuleIndex:
    """The modules of one modules directory and the one way references resolve to them.

    A reference names the file whose stem it is; else the file whose front matter declares it as
    `id`; else the file whose stem id (up to the first `_`) it is. Comparisons are loose
    (`normalise_ref`). Build it once per action; declared ids are read lazily and remembered.
    """

    directory: Path
    files: list[Path] = field(default_factory=list)
    _declared: dict[Path, str | None] = field(default_factory=dict)
    root: Path | None = None
    """The repository: a module file leading outside it is listed (so a reference to it gets a clear
    refusal) but never read. None: the modules directory itself is the bound."""

    @classmethod
    def scan(cls, directory: Path, root: Path | None = None) -> ModuleIndex:
        """Index every `*.md` file directly in `directory` (an absent directory has no modules)."""
        if not directory.is_dir():
            return cls(directory, root=root)
        return cls(directory, sorted(p for p in directory.glob("*.md") if p.is_file()), root=root)

    def outside(self, path: Path) -> str | None:
        """Why `path` may not be read (a symbolic link leading out of the repository), or None."""
        return outside_reason(path, self.root or self.directory)

    def declared(self, path: Path) -> str | None:
        """The id a module's front matter declares (read once; never from a file outside the repository)."""
        if path not in self._declared:
            self._declared[path] = None if self.outside(path) else declared_id(path)
        return self._declared[path]

    def matches(self, reference: str) -> list[Path]:
        """Every file a reference could name, best rule first (several means it is ambiguous)."""
        wanted = normalise_ref(reference.rsplit("/", 1)[-1])
        if not wanted:
            return []
        by_stem = [p for p in self.files if normalise_ref(p.stem) == wanted]
        if by_stem:
            return by_stem
        by_front = [p for p in self.files if normalise_ref(self.declared(p) or "") == wanted]
        if len(by_front) == 1:
            return by_front
        by_stem_id = [p for p in self.files if normalise_ref(stem_id(p.stem)) == wanted]
        if len(by_stem_id) > 1 and by_front:
            narrowed = [p for p in by_stem_id if p in by_front]
            if narrowed:
                return narrowed
        return by_stem_id or by_front

    def resolve(self, reference: str) -> Path | None:
        """The module file a reference names, or None when none (or more than one) matches."""
        found = self.matches(reference)
        return found[0] if len(found) == 1 else None


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
    """True when `snippet` stands in `module_text` as a reader compares them (see `core.snippets`: whitespace,
    emphasis, code ticks, quote and dash variants ignored; an ellipsis is a gap)."""
    from authoring.core import snippets

    return snippets.snippet_in(module_text, snippet)
