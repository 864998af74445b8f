"""Module references (`DOMA-036`, `CORE-013_the_river_of_information`) resolved to module files, and
whether a cited snippet still stands in its module.

Where modules are is a set of folders (`ModuleSources`, from the configuration's `modules_dirs`):
each entry a folder (`modules`) or a glob of folders (`modules/*`, `modules/**`); a module is a
`*.md` file directly in one of them. Never modules: the terms folder and anything under it (the
upstream layout keeps the terms in `modules/dictionary/`), hidden folders, and folders named
`originals` or `rejected_modules` unless an entry names that folder itself (not through a glob).
`modules_exclude` drops files or folders by glob. **Precedence** when a stem exists twice: entries in
the order written; inside a glob, shallower folders first, then by name — so with
`["modules", "modules/*"]` the top level wins. The first file of a stem is the module; later ones are
`shadowed` (listed, never resolved). A reference names the file whose stem it is, or whose id is it:
the stem up to the first `_`, or the `id:` line of the module's front matter (read with a line
match, not a YAML parser, because module front matter is often malformed and must never make a
lookup fail); when an id names files of several folders, the earliest folder's win.
`exclude_from_context` names modules (compiled bundles such as `pirouette_version_6.md`) that
resolve and can be cited but never feed a draft's context windows.

Must never: write files, touch Git or a UI.
"""

from __future__ import annotations

import fnmatch
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

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


SKIPPED_FOLDERS = ("originals", "rejected_modules")
"""Folder names never read as modules unless an entry of `modules_dirs` names the folder itself."""
_GLOB_CHARS = frozenset("*?[")


def _matches_any(relative: str, patterns: tuple[str, ...]) -> bool:
    """True when a relative posix path, its file name or its stem matches one of the glob patterns."""
    pure = PurePosixPath(relative)
    names = (relative, pure.name, pure.stem)
    return any(fnmatch.fnmatchcase(name, pattern.strip("/")) for pattern in patterns for name in names)


@dataclass(frozen=True)
class ModuleSources:
    """Where a repository's modules are: folders and globs of folders, in precedence order (see the
    module's doc). Paths are relative to `root`, written with `/`."""

    root: Path
    dirs: tuple[str, ...] = ("modules",)
    """Folders or globs of folders (`modules`, `modules/*`), highest precedence first."""
    exclude: tuple[str, ...] = ()
    """Globs of files or folders (relative paths, names or stems) that are never modules."""
    exclude_from_context: tuple[str, ...] = ()
    """Globs of modules (relative path, name or stem) that never feed drafts' context windows."""
    terms_dir: str | None = None
    """The terms folder (never modules, even inside a modules folder)."""

    @classmethod
    def of_dir(cls, directory: Path) -> ModuleSources:
        """The sources of one folder (its `*.md` files directly inside it)."""
        return cls(directory.parent, (directory.name,))

    @property
    def first(self) -> Path:
        """The first folder named (a glob's fixed beginning): the one shown when only one is."""
        for entry in self.dirs:
            fixed = []
            for part in PurePosixPath(entry.strip().strip("/")).parts:
                if _GLOB_CHARS & set(part):
                    break
                fixed.append(part)
            if fixed:
                return self.root.joinpath(*fixed)
        return self.root / "modules"

    def roots(self) -> list[Path]:
        """The fixed beginning of every entry (the folder, or a glob's folders before its first wildcard):
        every module read is under one of them, even one in a folder made since."""
        found: list[Path] = []
        for entry in self.dirs:
            fixed: list[str] = []
            for part in PurePosixPath(entry.strip().strip("/")).parts:
                if _GLOB_CHARS & set(part):
                    break
                fixed.append(part)
            found.append(self.root.joinpath(*fixed))
        return found

    def describe(self) -> str:
        """The entries as the configuration writes them: `modules, modules/*`."""
        return ", ".join(self.dirs) or "(none)"

    def folders(self) -> list[Path]:
        """Every folder modules are read from, in precedence order, each once."""
        terms = PurePosixPath(self.terms_dir.strip("/")) if self.terms_dir else None
        seen: set[Path] = set()
        found: list[Path] = []
        for entry in self.dirs:
            entry = entry.strip().strip("/")
            if not entry:
                continue
            if _GLOB_CHARS & set(entry):
                matched = [p for p in self.root.glob(entry) if p.is_dir()]
                matched.sort(key=lambda p: (len(p.relative_to(self.root).parts), p.as_posix()))
                named = False
            else:
                matched = [self.root / entry] if (self.root / entry).is_dir() else []
                named = True
            for folder in matched:
                relative = PurePosixPath(folder.relative_to(self.root).as_posix())
                if folder in seen or any(part.startswith(".") for part in relative.parts):
                    continue
                if terms is not None and (relative == terms or terms in relative.parents):
                    continue
                if not named and any(part in SKIPPED_FOLDERS for part in relative.parts):
                    continue
                if self.exclude and _matches_any(relative.as_posix(), self.exclude):
                    continue
                seen.add(folder)
                found.append(folder)
        return found

    def in_context(self, path: Path) -> bool:
        """True unless `exclude_from_context` names this module."""
        if not self.exclude_from_context:
            return True
        try:
            relative = path.relative_to(self.root).as_posix()
        except ValueError:
            relative = path.name
        return not _matches_any(relative, self.exclude_from_context)


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
    sources: ModuleSources | None = None
    shadowed: dict[Path, Path] = field(default_factory=dict)
    """A file whose stem an earlier folder already has → the file that wins."""
    folders: list[Path] = field(default_factory=list)
    """The folders searched, in precedence order."""
    _rank: dict[Path, int] = field(default_factory=dict)
    _declared: dict[Path, str | None] = field(default_factory=dict)
    _tables: dict[str, dict[str, list[Path]]] = field(default_factory=dict)
    _near: dict[tuple[str, int], list[str]] = field(default_factory=dict)
    root: Path | None = None
    """The repository: a module file leading outside it is listed (so a reference to it gets a clear
    refusal) but never read. None: the modules directory itself is the bound."""

    @classmethod
    def scan(cls, where: Path | ModuleSources, root: Path | None = None) -> ModuleIndex:
        """Index every `*.md` file directly in the folders of `where` (one folder, or sources); an absent
        folder has no modules. Files are in precedence order: folder by folder, by name inside one.
        `root` bounds what may be read (default: the sources' root; for one folder, the folder itself)."""
        bound = root if root is not None else (where.root if isinstance(where, ModuleSources) else None)
        sources = where if isinstance(where, ModuleSources) else ModuleSources.of_dir(where)
        folders = sources.folders()
        index = cls(sources.first, sources=sources, folders=folders, root=bound)
        winners: dict[str, Path] = {}
        for rank, folder in enumerate(folders):
            for path in sorted(p for p in folder.glob("*.md") if p.is_file()):
                if sources.exclude and _matches_any(path.relative_to(sources.root).as_posix(), sources.exclude):
                    continue
                key = normalise_ref(path.stem)
                if key in winners:
                    index.shadowed[path] = winners[key]
                    continue
                winners[key] = path
                index.files.append(path)
                index._rank[path] = rank
        return index

    def describe(self) -> str:
        """Where modules were looked for, for messages: the entries and the folders they found."""
        sources = self.sources or ModuleSources.of_dir(self.directory)
        root = sources.root
        holding = {p.parent for p in self.files}
        found = ", ".join(p.relative_to(root).as_posix() for p in self.folders if p in holding) or "no module found"
        return f"{sources.describe()} (searched: {found})"

    def near(self, reference: str, limit: int = 3) -> list[str]:
        """Up to `limit` module stems or ids close to `reference` (for a "did you mean"; each reference compared
        with every module once: an audit meets the same wrong reference in many terms)."""
        key = (reference, limit)
        if key not in self._near:
            self._near[key] = close_names(reference, [p.stem for p in self.files], limit)
        return list(self._near[key])

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
        by_stem = self._keyed("stem", lambda p: normalise_ref(p.stem)).get(wanted, [])
        if by_stem:
            return by_stem
        by_front = self._keyed("front", lambda p: normalise_ref(self.declared(p) or "")).get(wanted, [])
        if len(by_front) == 1:
            return by_front
        by_stem_id = self._keyed("stem_id", lambda p: normalise_ref(stem_id(p.stem))).get(wanted, [])
        if len(by_stem_id) > 1 and by_front:
            narrowed = [p for p in by_stem_id if p in by_front]
            if narrowed:
                return narrowed
        return self._earliest(by_stem_id) or self._earliest(by_front)

    def _keyed(self, rule: str, key: Callable[[Path], str]) -> dict[str, list[Path]]:
        """Files by one rule's key, built on first use (an audit resolves thousands of references)."""
        table = self._tables.get(rule)
        if table is None:
            table = {}
            for path in self.files:
                table.setdefault(key(path), []).append(path)
            self._tables[rule] = table
        return table

    def _earliest(self, paths: list[Path]) -> list[Path]:
        """The files of `paths` that stand in the earliest folder (precedence between folders)."""
        if len(paths) < 2:
            return paths
        best = min(self._rank.get(p, 0) for p in paths)
        return [p for p in paths if self._rank.get(p, 0) == best]

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


def _distance(a: str, b: str, bound: int) -> int:
    """Levenshtein distance of `a` and `b`, or `bound + 1` as soon as it exceeds `bound`."""
    if abs(len(a) - len(b)) > bound:
        return bound + 1
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        if min(current) > bound:
            return bound + 1
        previous = current
    return previous[-1]


def close_names(wanted: str, names: list[str], limit: int = 3) -> list[str]:
    """Names close to `wanted` (loosely compared), best first: the same id with another ending, a shared
    beginning of four characters or more, or a few typing slips away."""
    key = normalise_ref(wanted)
    if not key:
        return []
    key_id = stem_id(key)
    scored: list[tuple[int, str]] = []
    for name in names:
        other = normalise_ref(name)
        if stem_id(other) == key_id:
            scored.append((0, name))
            continue
        shared = 0
        while shared < min(len(other), len(key)) and other[shared] == key[shared]:
            shared += 1
        distance = _distance(key_id, stem_id(other), 2)
        if distance <= 2:
            scored.append((distance, name))
        elif shared >= 4:
            scored.append((10 - min(shared, 9), name))
    scored.sort(key=lambda item: (item[0], item[1]))
    return [name for _, name in scored[:limit]]


def did_you_mean(names: list[str]) -> str:
    """` (did you mean A, B?)`, or nothing when there is no suggestion."""
    return f" (did you mean {', '.join(names)}?)" if names else ""
