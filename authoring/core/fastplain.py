"""libyaml's composition of one front-matter block, and ruamel's plain values built from it: the lean
core of `fastyaml`, importing PyYAML and `yaml12` and nothing else.

Git starts the merge driver once per file, and its fast path (`repo.merge_driver`) reads every block
through `read_plain`: the values ruamel would construct, or `Doubt` (and the driver leaves the file to
the field merge). `fastyaml` builds its readings with the same `compose` and `plain`, passing a
constructor that asks ruamel for the rare scalar forms `yaml12` does not construct; so the driver and
every other reader see one reading of a block. What is doubtful (and handed to ruamel, the authority,
by `fastyaml`) is described there.

Must never: import ruamel, `dataclasses`, `typing` or `errors` (the driver's start-up pays for every
import); return a value ruamel would not.
"""

from __future__ import annotations

import re

import yaml
from yaml._yaml import CParser

from authoring.core import yaml12
from authoring.core.nesting import MAX_DEPTH, too_deep_at

TYPE_CHECKING = False  # `typing` itself is not imported: see the module's doc
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
# Tags whose scalars we construct (with ruamel's constructors); any other resolved tag is doubtful.
_CONSTRUCTED = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp", _BOOL}

# Markers our resolver gives libyaml, so that we know which scalars were plain (resolved by us) and
# which carried an explicit tag (doubtful).
_PLAIN = "?plain"
_QUOTED = "?quoted"
_COLLECTION = "?collection"

# Text that libyaml and ruamel may read differently: tabs (indentation rules differ), directives
# (version-dependent resolution), YAML 1.1 line breaks and stray byte-order marks, control characters.
_DOUBTFUL_CHARS = re.compile("[\t\x85\u2028\u2029\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Doubt(Exception):
    """The fast reading cannot vouch for ruamel's answer; ask ruamel."""


def needs_ruamel(content: str) -> bool:
    """True for a block only ruamel may read: doubtful characters, a directive, nesting past the bound."""
    return bool(_DOUBTFUL_CHARS.search(content) or content.startswith("%") or "\n%" in content
                or too_deep_at(content, MAX_DEPTH) is not None)


class _Composer(CParser):
    """libyaml's composer with our resolver hooks: tag markers, and a depth bound checked on the way down.

    The bound matters for safety as well as agreement: PyYAML's C composer recurses on the C stack,
    and a few hundred thousand nested brackets would crash the process.
    """

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.depth = 0

    def descend_resolver(self, parent: Any, index: Any) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH + 1:
            raise Doubt("nesting too deep")

    def ascend_resolver(self) -> None:
        self.depth -= 1

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            return _PLAIN if implicit[0] else _QUOTED
        return _COLLECTION


def compose(content: str) -> Any:
    """libyaml's node graph of a block (None when it is empty), with our tag markers; raises
    `yaml.YAMLError` where libyaml rejects the text, `Doubt` past the depth bound."""
    composer = _Composer(content)
    try:
        return composer.get_single_node()
    finally:
        composer.dispose()


def plain(root: Any, construct: Callable[[str, Any], Any]) -> Any:
    """The plain data of a `compose`d node graph, as ruamel would construct it; `Doubt` when unsure.
    `construct(tag, node)` makes a non-string scalar. The nodes' tags and styles become ruamel's."""
    seen: set[int] = set()

    def build(node: Any) -> Any:
        key = id(node)
        if key in seen:  # an alias: ruamel's alias checks (bombs, recursion) decide
            raise Doubt("alias")
        seen.add(key)
        tag = node.tag
        kind = node.id
        if kind == "scalar":
            if tag == _QUOTED:
                node.tag = STR
                return node.value
            if tag != _PLAIN:
                raise Doubt("explicit tag")
            value: str = node.value
            node.style = None  # libyaml says "" for plain; ruamel says None
            resolved = yaml12.tag_of(value)
            node.tag = resolved
            if resolved == STR:
                return value
            if resolved == _NULL:
                return None
            if resolved in _CONSTRUCTED:
                return construct(resolved, node)
            raise Doubt(f"scalar tag {resolved}")
        if tag != _COLLECTION:
            raise Doubt("explicit tag")
        if kind == "sequence":
            node.tag = _SEQ
            return [build(item) for item in node.value]
        node.tag = _MAP
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.id != "scalar":
                raise Doubt("non-scalar key")
            item_key = build(key_node)
            if key_node.tag == "tag:yaml.org,2002:merge" or item_key in mapping:
                raise Doubt("merge or duplicate key")
            mapping[item_key] = build(value_node)
        return mapping

    return build(root)


def _construct_common(tag: str, node: Any) -> Any:
    known, value = yaml12.construct(tag, node.value)
    if not known:
        raise Doubt(f"a {tag} form only ruamel constructs")
    return value


def read_plain(content: str) -> Any:
    """The plain data ruamel reads from a block of front matter, or an exception (`Doubt`,
    `yaml.YAMLError`, `ValueError` for a date that is not one) when this lean reading cannot vouch
    for it: wherever `fastyaml` would ask ruamel, this asks nobody."""
    if needs_ruamel(content):
        raise Doubt("only ruamel may read this block")
    node = compose(content)
    return plain(node, _construct_common) if node is not None else None
