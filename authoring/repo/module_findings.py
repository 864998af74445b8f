"""Module references outside `provenance.sources` that name no module: a stub's `provenance` list,
`parents` and `context_windows[].module` (the audit's `module-missing` findings, with a "did you mean").

`parents` may name parent terms as well as modules: a reference that is a term id here is not a
module reference and is left alone.

Must never: write files, touch Git, import a UI.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from authoring.core.module_refs import ModuleIndex


@dataclass(frozen=True)
class UnresolvedRef:
    """A module reference that resolves to no module file."""

    path: tuple[str | int, ...]
    """Where in the entry (`("parents", 0)`)."""
    reference: str
    """The reference as written."""
    suggestions: list[str]
    """Close module stems, best first."""
    ambiguous: list[str]
    """When it names several modules: their stems."""

    @property
    def field(self) -> str:
        """The dotted field path."""
        return ".".join(str(part) for part in self.path)


def _references(entry: dict[str, Any]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    provenance = entry.get("provenance")
    if isinstance(provenance, list):
        for index, item in enumerate(provenance):
            if isinstance(item, str | int) and str(item).strip():
                yield ("provenance", index), str(item).strip()
    parents = entry.get("parents")
    for index, item in enumerate(parents if isinstance(parents, list) else []):
        if isinstance(item, str | int) and str(item).strip():
            yield ("parents", index), str(item).strip()
    windows = entry.get("context_windows")
    for index, window in enumerate(windows if isinstance(windows, list) else []):
        module = window.get("module") if isinstance(window, dict) else None
        if isinstance(module, str | int) and str(module).strip():
            yield ("context_windows", index, "module"), str(module).strip()


def unresolved_references(entry: dict[str, Any], index: ModuleIndex, terms: set[str]) -> list[UnresolvedRef]:
    """Every module reference of `entry` (outside `provenance.sources`) that names no single module."""
    found: list[UnresolvedRef] = []
    for path, reference in _references(entry):
        if path[0] == "parents" and reference in terms:
            continue  # a parent term, not a module
        matches = index.matches(reference)
        if len(matches) == 1:
            continue
        if len(matches) > 1:
            matches = index.matches(reference)
            found.append(UnresolvedRef(path, reference, [], [p.stem for p in matches]))
        else:
            found.append(UnresolvedRef(path, reference, index.near(reference), []))
    return found
