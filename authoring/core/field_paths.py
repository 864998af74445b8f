"""Which field paths an edit of one field may name, and which value changes it must not make silently.

A path is *known* when the entry already has it or when the entry schema (`core.model.Entry`) names
it (list items as any index). Anything else is a new key: the CLI adds one only with `--new-key`, the
UI never (its field prompt offers the known paths only). Replacing a mapping or a list with a value
of another kind (a string over `triad`, `null` over `aliases`) throws away structure: refused unless
forced (`--force`, or the UI's confirmation).

Must never: read files, touch Git or a UI.
"""

from __future__ import annotations

from functools import cache
from types import UnionType
from typing import TYPE_CHECKING, Any, Union, get_args, get_origin

from authoring.core.paths import FieldPath, format_path, get_value, parse_path
from authoring.errors import UsageError

if TYPE_CHECKING:  # pydantic is loaded when the schema is first walked, not on import
    from pydantic import BaseModel

ANY_INDEX = "*"
"""How a list item stands in a schema path (`provenance.sources.*.snippet`)."""

_MAX_DEPTH = 6


class UnknownField(UsageError):
    """The path names a field neither the entry nor the schema has (a typo, or a new key on purpose)."""


class KindChange(UsageError):
    """The edit replaces a mapping or a list with a value of another kind."""


def _models_in(annotation: Any) -> tuple[type[BaseModel] | None, type[BaseModel] | None, bool]:
    """(model of the field itself, model of its list items, whether it is a list) for an annotation."""
    from pydantic import BaseModel

    origin = get_origin(annotation)
    if origin in (Union, UnionType):
        model: type[BaseModel] | None = None
        item: type[BaseModel] | None = None
        is_list = False
        for arg in get_args(annotation):
            m, i, lst = _models_in(arg)
            model, item, is_list = model or m, item or i, is_list or lst
        return model, item, is_list
    if origin is list:
        args = get_args(annotation)
        inner = _models_in(args[0])[0] if args else None
        return None, inner, True
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, None, False
    return None, None, False


@cache
def schema_paths() -> tuple[str, ...]:
    """Every path the entry schema names, list items written `*` (`triad.art`, `aliases.*`,
    `provenance.sources.*.snippet`), in the schema's order."""
    from authoring.core.model import Entry

    found: list[str] = []

    def walk(model: type[BaseModel], prefix: str, depth: int) -> None:
        if depth > _MAX_DEPTH:
            return
        for name, info in model.model_fields.items():
            path = f"{prefix}{name}"
            found.append(path)
            inner, item, is_list = _models_in(info.annotation)
            if inner is not None:
                walk(inner, path + ".", depth + 1)
            if is_list:
                found.append(f"{path}.{ANY_INDEX}")
                if item is not None:
                    walk(item, f"{path}.{ANY_INDEX}.", depth + 1)

    walk(Entry, "", 1)
    return tuple(found)


def _shape(path: FieldPath) -> str:
    return ".".join(ANY_INDEX if isinstance(part, int) else str(part) for part in path)


def entry_paths(entry: dict[str, Any], depth: int = 4) -> list[str]:
    """The paths the entry has (mapping keys, and the items of lists of mappings), to `depth` levels."""
    paths: list[str] = []

    def walk(value: Any, prefix: FieldPath, level: int) -> None:
        if level > depth:
            return
        if isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    continue
                paths.append(format_path((*prefix, key)))
                walk(item, (*prefix, key), level + 1)
        elif isinstance(value, list) and any(isinstance(item, dict) for item in value):
            for index, item in enumerate(value):
                paths.append(format_path((*prefix, index)))
                walk(item, (*prefix, index), level + 1)

    walk(entry, (), 1)
    return paths


def known_paths(entry: dict[str, Any] | None) -> list[str]:
    """What a field prompt offers: the entry's own paths, then the schema's top and nested fields it
    lacks (list-item paths need an index, so only the entry's own items are offered)."""
    own = entry_paths(entry or {})
    seen = set(own)
    extra = [p for p in schema_paths() if ANY_INDEX not in p and p not in seen]
    return own + extra


def is_known(entry: dict[str, Any] | None, path: FieldPath) -> bool:
    """True when the entry has `path` or the schema names its shape."""
    if entry is not None:
        try:
            get_value(entry, path)
            return True
        except (KeyError, IndexError, TypeError):
            pass
    return _shape(path) in schema_paths()


def near_paths(entry: dict[str, Any] | None, dotted: str, limit: int = 3) -> list[str]:
    """Known paths spelled like `dotted` (for "did you mean")."""
    from rapidfuzz import fuzz, process

    choices = known_paths(entry)
    return [str(match) for match, score, _ in process.extract(dotted, choices, scorer=fuzz.ratio, limit=limit)
            if score >= 60]


def require_known(entry: dict[str, Any] | None, dotted: str, where: str, *, new_key: bool = False) -> FieldPath:
    """The parsed path; `UnknownField` (located at `where`, the term) when it names an unknown field and
    `new_key` is not given."""
    path = parse_path(dotted)
    if new_key or is_known(entry, path):
        return path
    completions = [p for p in known_paths(entry) if p.startswith(dotted)]
    hint = (f"; known paths starting so: {', '.join(completions[:4])}" if completions
            else f"; did you mean {', '.join(near)}?" if (near := near_paths(entry, dotted)) else "")
    raise UnknownField(f"{where}: no field {dotted} in the entry or its schema{hint}"
                       " (a new key needs --new-key in the CLI)")


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list):
        return "list"
    return "null" if value is None else "scalar"


def require_same_kind(entry: dict[str, Any] | None, path: FieldPath, value: Any, where: str, *,
                      force: bool = False) -> None:
    """`KindChange` when the edit would replace a mapping or a list with a value of another kind."""
    if force or entry is None:
        return
    try:
        old = get_value(entry, path)
    except (KeyError, IndexError, TypeError):
        return
    before, after = _kind(old), _kind(value)
    if before in ("mapping", "list") and after != before:
        size = f"{len(old)} item{'s' if len(old) != 1 else ''}"
        raise KindChange(f"{where}: {format_path(path)} is a {before} ({size}); replacing it with a {after} is"
                         " refused unless forced (--force in the CLI)")
