"""Field paths (`provenance.sources.0.snippet`) and finding them in data and in YAML node graphs.

Must never: read files or change data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeGuard

from authoring.core.safetext import require_plain
from authoring.errors import UsageError

if TYPE_CHECKING:
    from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

FieldPath = tuple[str | int, ...]


def parse_path(dotted: str) -> FieldPath:
    """`a.b.0.c` → `("a", "b", 0, "c")`. Digits are list indexes; `\\.` escapes a dot in a key."""
    if not dotted or dotted.strip() != dotted:
        raise UsageError(f"field path {dotted!r} is empty or has surrounding spaces")
    require_plain(dotted, "field path")  # a line break would write extra lines (trailers) into the commit
    parts: list[str | int] = []
    current = ""
    escaped = False
    for char in dotted:
        if escaped:
            current += char
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == ".":
            parts.append(_part(current, dotted))
            current = ""
        else:
            current += char
    parts.append(_part(current, dotted))
    return tuple(parts)


def _part(text: str, dotted: str) -> str | int:
    if text == "":
        raise UsageError(f"field path {dotted!r} has an empty part")
    if text.isdigit():
        return int(text)
    return text


def format_path(path: FieldPath) -> str:
    """The dotted form of a path."""
    return ".".join(str(part).replace(".", "\\.") if isinstance(part, str) else str(part) for part in path)


def get_value(data: Any, path: FieldPath) -> Any:
    """The value at `path` in plain data; `KeyError` when it is not there."""
    current = data
    for part in path:
        if isinstance(current, dict):
            key: Any = part if part in current else str(part)
            if key not in current:
                raise KeyError(part)
            current = current[key]
        elif isinstance(current, list) and isinstance(part, int):
            if part >= len(current):
                raise KeyError(part)
            current = current[part]
        else:
            raise KeyError(part)
    return current


def kind_of(node: Any) -> str:
    """"scalar", "sequence" or "mapping": ruamel's and libyaml's nodes (see `fastyaml`) both say so in `.id`."""
    return str(getattr(node, "id", ""))


# Nodes are told apart by `.id`, not by class: a fast reading's nodes are libyaml's, with the same
# attributes (`value`, `style`, `flow_style`, `tag`, marks) as ruamel's, whose classes the types name.
def is_scalar(node: Any) -> TypeGuard[ScalarNode]:
    return kind_of(node) == "scalar"


def is_mapping(node: Any) -> TypeGuard[MappingNode]:
    return kind_of(node) == "mapping"


def is_sequence(node: Any) -> TypeGuard[SequenceNode]:
    return kind_of(node) == "sequence"


def is_collection(node: Any) -> TypeGuard[MappingNode | SequenceNode]:
    return kind_of(node) in ("mapping", "sequence")


def mapping_get(node: MappingNode, key: str | int) -> tuple[ScalarNode, Node] | None:
    """The (key node, value node) pair for `key` in a mapping node, matching keys as text."""
    wanted = str(key)
    for key_node, value_node in node.value:
        if kind_of(key_node) == "scalar" and key_node.value == wanted:
            return key_node, value_node
    return None


def find_node(root: Node, path: FieldPath) -> tuple[Node | None, Node, Node | None]:
    """Walk `path` from `root`: (key node or None for list items, value node, parent node).

    Raises `KeyError` with the first missing part. Nodes are told apart by `node.id`, so the
    graphs of ruamel and of libyaml (`fastyaml`) walk alike.
    """
    current: Node = root
    key_node: Node | None = None
    parent: Node | None = None
    for part in path:
        parent = current
        if kind_of(current) == "mapping":
            pair = mapping_get(current, part)  # type: ignore[arg-type]
            if pair is None:
                raise KeyError(part)
            key_node, current = pair
        elif kind_of(current) == "sequence" and isinstance(part, int):
            if part >= len(current.value):
                raise KeyError(part)
            key_node, current = None, current.value[part]
        else:
            raise KeyError(part)
    return key_node, current, parent


def locate_index(root: Node | None, path: FieldPath) -> int:
    """Character index (inside the block) of the deepest node on `path` that exists."""
    if root is None:
        return 0
    for length in range(len(path), 0, -1):
        try:
            key_node, value_node, _ = find_node(root, path[:length])
        except KeyError:
            continue
        node = key_node if key_node is not None else value_node
        return int(node.start_mark.index)
    return int(root.start_mark.index)
