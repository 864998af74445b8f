"""Source modules: finding them by reference, reading them leniently, and addressing snippets in them.

A module is a Markdown file directly inside one of the module folders (`core.module_refs.ModuleSources`:
the configured `modules_dirs`, in precedence order; the upstream layout keeps the term files in
`modules/dictionary/`, which is never read as modules). A reference resolves to the
file whose stem is the reference, or whose id is it: the front matter's `id`, or the stem up to the
first `_` (`DOMA-036`, `CORE-013_the_river_of_information`, `COSMO-Γ-001`). Dashes are compared
loosely because front matter often spells ids with non-breaking hyphens (`COSMO‑Γ‑000`).

Module front matter is read leniently: it is agent-written and often malformed (duplicate keys,
unquoted colons). A module is never refused for it; what could not be read is kept as a warning.

Snippets are addressed by line range (`L47-L52`, 1-based, inclusive) or by section (`§4`, from
headings such as `## §4 · Title`, `### §4.2 · Title`, `#### **§4 · Title**`, `## Section 4 · Title`).

Must never: write files, touch Git or a UI.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from authoring.core.frontmatter import lines_of, split
from authoring.core.module_refs import ModuleIndex, ModuleSources, did_you_mean, require_inside, stem_id
from authoring.core.yamlio import load_small_document
from authoring.errors import NotFound, ParseError, Problem, Severity, UsageError

# The corpus's largest module is 3 MB (a whole book); anything far past that is not a module.
MAX_MODULE_BYTES = 32 * 1024 * 1024
MAX_FRONT_MATTER_BYTES = 256 * 1024
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_SECTION_NUMBER = re.compile(
    r"^[\s*_]*(?:§+[ \t]*|\\u00a7[ \t]*|Section[ \t]+)(\d+(?:\.\d+)*[A-Za-z]?)(?![\d])[\s*_]*[·:.\-—–|)]*[\s*_]*",
    re.IGNORECASE,
)
_BARE_SECTION = re.compile(r"^\*{0,2}§+[ \t]*\d+(?:\.\d+)*[A-Za-z]?[ \t]*\**[ \t]*[·:]")
_PLAIN_NUMBER = re.compile(r"^[\s*_]*(\d+(?:\.\d+)*)[.)][\s*_]+")
_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)")
_LINE_RANGE = re.compile(r"^\s*L?(\d+)\s*(?:[-–:]\s*L?(\d+))?\s*$", re.IGNORECASE)
_SECTION_REF = re.compile(r"^\s*(?:§|section\s+)?\s*(\d+(?:\.\d+)*[A-Za-z]?)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Section:
    """A numbered section: its heading line and the lines it runs over (1-based, inclusive)."""

    number: str
    """The section number as written (`4`, `4.2`)."""
    title: str
    """The heading's title after the number (`Knot Drift`)."""
    level: int
    """The heading level (number of `#`)."""
    heading_line: int
    """The line of the heading."""
    end_line: int
    """The last line of the section (before the next heading of the same or a higher level)."""

    @property
    def label(self) -> str:
        """How provenance writes it: `§4`."""
        return f"§{self.number}"


@dataclass(frozen=True)
class Snippet:
    """An exact excerpt of a module and how provenance addresses it."""

    module: str
    """The module's id (what `parents` and `provenance.sources[].module` carry)."""
    lines: str
    """`L<a>-L<b>` or `§N`."""
    first_line: int
    """The excerpt's first line in the module (1-based)."""
    last_line: int
    """The excerpt's last line (inclusive)."""
    text: str
    """The excerpt itself, exactly as it stands in the module."""


@dataclass
class Module:
    """A module as read: text, lenient front matter, sections, and the problems met reading it."""

    path: Path
    text: str
    front_matter: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)
    body_line: int = 1
    """The first line after the front matter."""
    citation: str | None = None
    """How terms cite this module, when the library has worked it out (see `ModuleLibrary.citation`)."""

    @property
    def stem(self) -> str:
        """The file name without `.md`."""
        return self.path.stem

    @property
    def id(self) -> str:
        """The module's id: front matter `id`, else the stem up to the first `_`."""
        value = self.front_matter.get("id")
        if isinstance(value, str | int) and str(value).strip():
            return str(value).strip()
        return stem_id(self.stem)

    @property
    def ref(self) -> str:
        """How a term cites this module: its file id when that names exactly this file, else its stem."""
        return self.citation or stem_id(self.stem)

    @property
    def title(self) -> str:
        """The module's title (front matter `title`, else its first `#` heading, else its stem)."""
        value = self.front_matter.get("title")
        if isinstance(value, str) and value.strip():
            return value.strip()
        for line in self.lines[self.body_line - 1 :]:
            match = _HEADING.match(line.rstrip("\r\n"))
            if match and len(match.group(1)) == 1:
                return match.group(2).strip()
        return self.stem

    @property
    def engrams(self) -> list[str]:
        """The front matter's engrams (`metric:coherence_flux`), as strings."""
        return _strings(self.front_matter.get("engrams"))

    @property
    def keywords(self) -> list[str]:
        """The front matter's keywords."""
        return _strings(self.front_matter.get("keywords"))

    @cached_property
    def lines(self) -> list[str]:
        """The module's lines, each with its line break."""
        return lines_of(self.text)

    @property
    def body(self) -> str:
        """The text after the front matter."""
        return "".join(self.lines[self.body_line - 1 :])

    def line_text(self, number: int) -> str:
        """One line without its line break."""
        return self.lines[number - 1].rstrip("\r\n")

    def excerpt(self, first: int, last: int) -> str:
        """Lines `first..last` (1-based, inclusive), exactly as they stand."""
        return "".join(self.lines[first - 1 : last])

    @cached_property
    def sections(self) -> list[Section]:
        """Every numbered heading outside code fences, in order."""
        headings: list[tuple[int, int, str | None, str]] = []  # line, level, number, title
        fenced = False
        for index in range(self.body_line - 1, len(self.lines)):
            line = self.lines[index].rstrip("\r\n")
            if _FENCE.match(line):
                fenced = not fenced
                continue
            if fenced:
                continue
            match = _HEADING.match(line)
            if match:
                number, title = _heading_number(match.group(2))
                headings.append((index + 1, len(match.group(1)), number, title))
            elif _BARE_SECTION.match(line):
                # Some modules open sections with a bare `§1 · Title` line: read it as a level-2 heading.
                number, title = _heading_number(line)
                headings.append((index + 1, 2, number, title))
        if not any(h[2] for h in headings):
            # Some modules number plainly (`## 2. Summary`); read those only when nothing uses `§`.
            headings = [(line, level, *_plain_number(text)) for line, level, _, text in headings]
        found: list[Section] = []
        for i, (heading_line, level, number, title) in enumerate(headings):
            if number is None:
                continue
            end = len(self.lines)
            for later_line, later_level, later_number, _ in headings[i + 1 :]:
                # A section ends at the next heading of its level or above, or at the next numbered
                # section that is not one of its own (`§2` ends `§1` even when written as `####`).
                foreign = later_number is not None and not later_number.startswith(number + ".")
                if later_level <= level or foreign:
                    end = later_line - 1
                    break
            found.append(Section(number, title, level, heading_line, end))
        return found

    def section(self, number: str) -> Section:
        """The first section numbered `number` (`4`, `§4`, `4.2`); `NotFound` listing those there are."""
        match = _SECTION_REF.match(number)
        if not match:
            raise UsageError(f"{number!r} is not a section number; write it as 4, §4 or 4.2")
        wanted = match.group(1).casefold()
        for section in self.sections:
            if section.number.casefold() == wanted:
                return section
        known = ", ".join(s.label for s in self.sections[:30]) or "none"
        raise NotFound(f"{self.id} has no section §{match.group(1)} (sections: {known})")

    def section_of(self, line: int) -> Section | None:
        """The innermost section containing `line`, if any."""
        best: Section | None = None
        for section in self.sections:
            if section.heading_line <= line <= section.end_line and (best is None or section.level >= best.level):
                best = section
        return best

    def snippet_lines(self, spec: str) -> Snippet:
        """The snippet at `L47-L52` (or `47-52`, `L47`): those lines, exactly."""
        match = _LINE_RANGE.match(spec)
        if not match:
            raise UsageError(f"{spec!r} is not a line range; write it as 47-52 or L47-L52")
        first = int(match.group(1))
        last = int(match.group(2) or first)
        count = len(self.lines)
        if first < 1 or last < first:
            raise UsageError(f"line range {spec!r} is empty or reversed; write it as FIRST-LAST, FIRST ≤ LAST")
        if last > count:
            raise UsageError(f"{self.id} has {count} lines; line range {spec!r} runs past its end")
        text = self.excerpt(first, last)
        if not text.strip():
            raise UsageError(f"lines {first}-{last} of {self.id} are blank; choose lines with text")
        return Snippet(self.ref, f"L{first}-L{last}", first, last, text)

    def snippet_section(self, number: str) -> Snippet:
        """The snippet of a whole section: its lines after the heading, without blank lines at either end."""
        section = self.section(number)
        first, last = section.heading_line + 1, section.end_line
        while first <= last and not self.lines[first - 1].strip():
            first += 1
        while last >= first and not self.lines[last - 1].strip():
            last -= 1
        if last < first:
            raise UsageError(f"section {section.label} of {self.id} has no text under its heading")
        return Snippet(self.ref, section.label, first, last, self.excerpt(first, last))

    def find(self, excerpt: str) -> tuple[int, int] | None:
        """The lines (first, last) where `excerpt` stands in the module, or None (for audits)."""
        index = self.text.find(excerpt.rstrip("\n") if excerpt.endswith("\n") else excerpt)
        if index < 0:
            return None
        first = self.text.count("\n", 0, index) + 1
        last = first + excerpt.rstrip("\n").count("\n")
        return first, last


def _heading_number(text: str) -> tuple[str | None, str]:
    match = _SECTION_NUMBER.match(text)
    if not match:
        return None, text.strip(" *_")
    return match.group(1), text[match.end() :].strip(" *_")


def _plain_number(text: str) -> tuple[str | None, str]:
    match = _PLAIN_NUMBER.match(text)
    if not match:
        return None, text.strip(" *_")
    return match.group(1), text[match.end() :].strip(" *_")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list):
        return [str(item).strip() for item in value if isinstance(item, str | int | float) and str(item).strip()]
    return []


def decode_module(data: bytes, display: str) -> str:
    """A module's text (a byte-order mark dropped); a located `ParseError` when it is not UTF-8 text."""
    if len(data) > MAX_MODULE_BYTES:
        raise ParseError(f"{display}: {len(data):,} bytes is too large for a module")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ParseError(f"{display}:{line}: invalid UTF-8 (bytes {data[exc.start:exc.end].hex(' ')}); re-save"
                         " the module as UTF-8") from None
    return text.removeprefix("\ufeff")


def read_front_matter(text: str, display: str) -> tuple[dict[str, Any], int, list[Problem]]:
    """The front matter as a mapping, the first body line, and warnings; never fails.

    YAML is read with the safe loader, bounded (duplicate keys: the last wins); when it does not parse,
    or is too large, too deep or an alias bomb, top-level `key: value` lines and their list items are read
    one by one instead.
    """
    parts = split(text)
    if not parts.blocks:
        return {}, 1, []
    block = parts.blocks[0]
    content = parts.content(block)
    body_line = text.count("\n", 0, block.end) + 1
    try:
        # bounded as term blocks are (size, depth, alias expansion): a hostile module is a warning
        data = load_small_document(content, display, MAX_FRONT_MATTER_BYTES, block.first_line)
        if isinstance(data, dict):
            return {str(k): v for k, v in data.items()}, body_line, []
        problem = "the front matter is not a mapping"
        line = block.first_line
    except ParseError as exc:
        found = exc.problems[0] if exc.problems else None
        line = found.line if found is not None else block.first_line
        problem = f"{found.code}: {found.message}" if found is not None else exc.message
    warning = Problem(display, line, 1, Severity.WARNING, "module-front-matter",
                      f"front matter does not parse ({problem}); read line by line instead")
    return _line_by_line(content), body_line, [warning]


_TOP_KEY = re.compile(r"^([A-Za-z_][\w\-]*)\s*:(?:\s+(.*?))?\s*$")
_ITEM = re.compile(r"^\s+-\s+(.*?)\s*$")


def _line_by_line(content: str) -> dict[str, Any]:
    """Top-level scalars, flow lists and block lists of a front matter that does not parse (first key wins)."""
    data: dict[str, Any] = {}
    current: str | None = None
    for raw in content.split("\n"):
        line = raw.rstrip("\r")
        key = _TOP_KEY.match(line)
        if key:
            current = None
            name, value = key.group(1), (key.group(2) or "")
            if name in data:
                continue
            if value.startswith("[") and value.endswith("]"):
                data[name] = [_unquote(v) for v in value[1:-1].split(",") if v.strip()]
            elif value:
                data[name] = _unquote(value)
            else:
                data[name] = []
                current = name
            continue
        item = _ITEM.match(line)
        if item and current is not None and isinstance(data.get(current), list):
            data[current].append(_unquote(item.group(1)))
    return {k: (None if v == [] else v) for k, v in data.items()}


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def load_module(path: Path, display: str | None = None, root: Path | None = None) -> Module:
    """Read one module (`ParseError` only when it is not UTF-8 text or is far too large; `UsageError` when
    it is a symbolic link leading outside `root`, the repository — default: the module's own directory)."""
    shown = display or path.name
    require_inside(path, root or path.parent)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise NotFound(f"{shown}: cannot read: {exc.strerror}") from None
    text = decode_module(data, shown)
    front, body_line, problems = read_front_matter(text, shown)
    return Module(path, text, front, problems, body_line)


class ModuleLibrary:
    """The modules of a repository: resolves references and caches what it has read.

    Safe to use from one thread at a time; the repository service makes one per action.
    """

    def __init__(self, where: Path | ModuleSources, display_root: Path | None = None) -> None:
        self.sources = where if isinstance(where, ModuleSources) else ModuleSources.of_dir(where)
        self.modules_dir = self.sources.first
        self.display_root = display_root
        self._cache: dict[Path, Module] = {}

    def display(self, path: Path) -> str:
        """A module's path as shown to the user."""
        if self.display_root is not None:
            try:
                return path.relative_to(self.display_root).as_posix()
            except ValueError:
                pass
        return path.name

    @cached_property
    def index(self) -> ModuleIndex:
        """The one resolver of module references (`core.module_refs`)."""
        return ModuleIndex.scan(self.sources, self.display_root or self.modules_dir)

    @property
    def files(self) -> list[Path]:
        """Every module file, in precedence order (folder by folder, by name inside one)."""
        return self.index.files

    def load(self, path: Path) -> Module:
        """A module file, read once."""
        module = self._cache.get(path)
        if module is None:
            module = load_module(path, self.display(path), self.display_root or self.modules_dir)
            self._cache[path] = module
        return module

    def modules(self) -> Iterator[Module]:
        """Every module that can be read (unreadable ones are skipped here; `resolve` reports them), each
        with its citation, so that `ref` names exactly that module (two files may share an id)."""
        for path in self.files:
            try:
                module = self.load(path)
            except (ParseError, NotFound, UsageError):  # UsageError: a symbolic link out of the repository
                continue
            self.cite(module)
            yield module

    def matches(self, ref: str) -> list[Path]:
        """The files a reference names (see `ModuleIndex.matches`)."""
        return self.index.matches(ref)

    def cite(self, module: Module) -> str:
        """The shortest reference that names exactly this module (its file id, else its stem); remembered."""
        if module.citation is None:
            short = stem_id(module.stem)
            module.citation = short if self.matches(short) == [module.path] else module.stem
        return module.citation

    def resolve(self, ref: str) -> Module:
        """The module a reference names; `NotFound` (with near names) or `UsageError` when ambiguous."""
        found = self.matches(ref)
        if len(found) == 1:
            module = self.load(found[0])
            self.cite(module)
            return module
        if len(found) > 1:
            names = ", ".join(p.stem for p in found)
            raise UsageError(f"module reference {ref!r} is ambiguous: it names {names}; give the full file stem")
        raise NotFound(f"no module {ref!r} in {self.index.describe()}{did_you_mean(self.index.near(ref))}")
