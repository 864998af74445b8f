"""Helpers shared by the corpus conformance test and the round-trip property tests: where a value's text
stands in a file, whether an edit kept every other line, and which paths deepdiff says changed."""

from __future__ import annotations

from typing import Any

from deepdiff import DeepDiff
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from authoring.core.frontmatter import lines_of
from authoring.core.paths import FieldPath, find_node
from authoring.core.roundtrip import content_end
from authoring.core.termfile import TermFile


def value_nodes(node: Node, path: FieldPath = ()) -> list[tuple[FieldPath, Node]]:
    """Every value node under `node` (keys excluded) with its path, in file order.

    For an empty value (`key:`) the node given is its key: ruamel marks an empty value where the next
    token starts, while the value belongs on the key's line."""
    found: list[tuple[FieldPath, Node]] = []
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if isinstance(key, ScalarNode):
                here = (*path, str(key.value))
                empty = isinstance(value, ScalarNode) and value.value == "" and not value.style
                found.append((here, key if empty else value))
                found.extend(value_nodes(value, here))
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            found.append(((*path, index), item))
            found.extend(value_nodes(item, (*path, index)))
    return found


def span_of(term: TermFile, path: FieldPath) -> tuple[int, int]:
    """0-based first and last file line of the text of the entry's value at `path`."""
    parsed = term.entry_block
    assert parsed is not None and parsed.node is not None and term.split is not None
    node = dict(value_nodes(parsed.node))[path]
    if node is None:  # pragma: no cover - every path comes from value_nodes
        _, node, _ = find_node(parsed.node, path)
    text = term.split.content(parsed.block)
    base = parsed.block.first_line - 1
    end = content_end(node, text)
    last = text.count("\n", 0, max(end - 1, node.start_mark.index))
    return base + node.start_mark.line, base + last


def outside_lines_kept(before: bytes, after: bytes, first: int, last: int) -> tuple[int, int]:
    """(lines outside `first..last` that are identical after the edit, lines outside in all)."""
    old = lines_of(before.decode("utf-8-sig"))
    new = lines_of(after.decode("utf-8-sig"))
    tail = len(old) - last - 1
    if len(new) - tail < first:
        return 0, first + tail
    kept = sum(a == b for a, b in zip(old[:first], new[:first], strict=True))
    kept += sum(a == b for a, b in zip(old[last + 1 :], new[len(new) - tail :], strict=True))
    return kept, first + tail


def changed_paths(old: Any, new: Any) -> set[str]:
    """deepdiff's paths (`root['a'][0]`) of everything that differs."""
    diff = DeepDiff(old, new, threshold_to_diff_deeper=0)
    return {str(p) for group in diff.values() for p in (group.keys() if hasattr(group, "keys") else group)}


def deepdiff_path(path: FieldPath) -> str:
    """A field path as deepdiff writes it."""
    return "root" + "".join(f"[{p!r}]" for p in path)
