"""Loading one front-matter block with ruamel.yaml's round-trip machinery, safely.

We compose the block into nodes (which carry exact character spans, used to splice edits) and then
construct the data from those nodes. Before anything walks the data we bound it: the expanded size
of the node graph (alias bombs load in milliseconds and explode when walked), its depth, recursive
aliases, and tags that name Python objects (never executed; reported). Every failure becomes a
located `Problem` with the file's own line and column.

Must never: dump YAML to write a file (edits are spliced, see `roundtrip`), import Git or a UI.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from authoring.core.frontmatter import Block, Split, line_of
from authoring.core.nesting import MAX_DEPTH, too_deep_at
from authoring.core.paths import kind_of
from authoring.errors import ParseError, Problem, Severity

if TYPE_CHECKING:  # ruamel is imported where it runs: `fastyaml` (the merge driver's fast path) avoids it
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError
    from ruamel.yaml.nodes import Node, ScalarNode

# A full corpus entry expands to a few hundred nodes; a hundred thousand is far past any real term.
MAX_EXPANDED_NODES = 100_000

_STANDARD_TAGS = {
    "tag:yaml.org,2002:" + name
    for name in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp", "omap", "set", "binary",
                 "merge", "pairs", "value", "yaml")
}


def new_yaml() -> YAML:
    """A round-trip YAML instance configured for term files (duplicate keys are errors)."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.allow_duplicate_keys = False
    return yaml


@dataclass
class ParsedBlock:
    """A block that parsed: its round-trip data, its node graph, and the same data as plain Python."""

    block: Block
    node: Node | None
    data: Any
    plain: Any
    round_trip: bool = True
    """True when `node` and `data` are ruamel's round-trip objects (editable); False for a
    `fastyaml` reading, whose `data` is plain and whose nodes are libyaml's (same marks; see there)."""


def location(split: Split, block: Block, index: int) -> tuple[int, int, str]:
    """File line, column (1-based, in characters) and the line's text for an offset inside `block`."""
    offset = min(block.content_start + max(index, 0), len(split.text))
    line = line_of(split.text, offset)
    line_start = split.text.rfind("\n", 0, offset) + 1
    line_end = split.text.find("\n", offset)
    if line_end < 0:
        line_end = len(split.text)
    return line, offset - line_start + 1, split.text[line_start:line_end].rstrip("\r")


def _problem(split: Split, block: Block, path: str, index: int, code: str, message: str,
             fix: str | None = None, severity: Severity = Severity.ERROR) -> Problem:
    line, col, source = location(split, block, index)
    return Problem(path, line, col, severity, code, message, source, fix)


def parse_block(split: Split, block: Block, path: str) -> ParsedBlock:
    """Parse one block, or raise `ParseError` whose problems say where and why."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    content = split.content(block)
    deep = too_deep_at(content, MAX_DEPTH)
    if deep is not None:  # refused before ruamel's scanner, which is quadratic in flow depth (see `nesting`)
        raise ParseError("nesting too deep", [_problem(split, block, path, deep, "too-deep",
                                                       f"YAML nesting deeper than {MAX_DEPTH} levels",
                                                       fix="flatten the nested collections")])
    yaml = new_yaml()
    node: Node | None = None
    try:
        constructor, parser = yaml.get_constructor_parser(content)
        try:
            node = constructor.composer.get_single_node()
            if node is not None:
                _check_graph(node, split, block, path)
            data = constructor.construct_document(node) if node is not None else None
        finally:
            parser.dispose()
    except MarkedYAMLError as exc:
        raise ParseError(message_of(exc), [problem_of_marked(exc, split, block, path)]) from None
    except RecursionError:
        raise ParseError(
            "nesting too deep",
            [_problem(split, block, path, 0, "too-deep", "YAML nesting is too deep to load",
                      fix="flatten the nested collections")],
        ) from None
    except (ValueError, OverflowError) as exc:  # a timestamp like 2021-13-01 fails in datetime, unmarked
        index = _bad_timestamp_index(node) if node is not None else 0
        raise ParseError(str(exc), [_problem(split, block, path, index, "invalid-value",
                                             f"a value YAML reads as a date is not a real date ({exc})",
                                             fix="correct the date, or quote the value to keep it as text")]) from None
    except YAMLError as exc:  # reader errors (non-printable characters) carry no mark in some versions
        raise ParseError(str(exc), [_problem(split, block, path, getattr(exc, "index", 0), "yaml-error",
                                             " ".join(str(exc).split()))]) from None
    plain = to_plain(data)
    return ParsedBlock(block, node, data, plain)


def _bad_timestamp_index(root: Node) -> int:
    """Where the first date-like scalar that is not a real date stands (0 when none is found)."""
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    stack = [root]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, ScalarNode) and str(node.tag).endswith(":timestamp"):
            try:
                dt.date.fromisoformat(str(node.value)[:10])
            except ValueError:
                return int(node.start_mark.index)
        elif isinstance(node, MappingNode):
            for k, v in reversed(node.value):
                stack.extend((v, k))
        elif isinstance(node, SequenceNode):
            stack.extend(reversed(node.value))
    return 0


def message_of(exc: MarkedYAMLError) -> str:
    """The words of a ruamel error, without its marks (the problem carries the location)."""
    return " ".join(part for part in (exc.context, exc.problem) if part) or str(exc)


def problem_of_marked(exc: MarkedYAMLError, split: Split, block: Block, path: str) -> Problem:
    """The located problem for a ruamel error inside `block`."""
    mark = exc.problem_mark or exc.context_mark
    index = mark.index if mark is not None else 0
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    if "duplicate key" in problem or "duplicate key" in context:
        code = "duplicate-key"
        text = problem or context
        first = _first_key_index(split.content(block), exc)
        if first is not None:
            first_line, _, _ = location(split, block, first)
            text = f"{text.split(' with value')[0]} (first defined on line {first_line})"
        return _problem(split, block, path, index, code, text,
                        fix="remove one of the two keys, keeping the value you mean")
    message = "; ".join(part for part in (context, problem) if part) or "YAML does not parse"
    return _problem(split, block, path, index, "yaml-syntax", " ".join(message.split()),
                    fix=_hint_for(split, block, index))


def _first_key_index(content: str, exc: MarkedYAMLError) -> int | None:
    """Where the first of two duplicate keys stands: the same key at the same column, between the start of
    their mapping (the error's context mark) and the second key (its problem mark)."""
    found = re.search(r'duplicate key "(.*?)"', exc.problem or "")
    mapping, second = exc.context_mark, exc.problem_mark
    if found is None or mapping is None or second is None:
        return None
    key, column = found.group(1), second.column
    offset = 0
    for number, line in enumerate(content.split("\n")):
        if mapping.line <= number < second.line and line[column:].startswith(key) and \
                line[column + len(key):].lstrip(" \t\"'").startswith(":") and line[:column].strip(" -") == "":
            return offset + int(column)
        offset += len(line) + 1
    return None


def _hint_for(split: Split, block: Block, index: int) -> str | None:
    _, _, source = location(split, block, index)
    stripped = source.split(":", 1)[1].strip() if ":" in source else source.strip()
    if stripped.startswith(("*", "`", "|", ">", "@", "%", "&", "!")) and not stripped.startswith(("| ", "|\n")):
        return "quote the value: it starts with a character YAML reads as syntax (see `authoring repair`)"
    if "\\" in source:
        return "use single quotes, or escape the backslash as \\\\ (see `authoring repair`)"
    if "]" in stripped and not stripped.endswith("]"):
        return "quote the whole value: text follows a closing ']' (see `authoring repair`)"
    return "see `authoring repair` for a proposed fix"


def _check_graph(root: Node, split: Split, block: Block, path: str) -> None:
    """Bound the expanded size and depth of a block's node graph (see `check_graph`)."""

    def problem(index: int, code: str, message: str, fix: str) -> Problem:
        return _problem(split, block, path, index, code, message, fix=fix)

    check_graph(root, problem)


def check_graph(root: Node, problem: Callable[[int, str, str, str], Problem]) -> None:
    """Bound the expanded size and depth of the node graph; refuse recursive aliases and Python tags.

    `problem(index, code, message, fix)` makes the located problem for an offset in the document.
    Nodes are told apart by `node.id` ("scalar", "sequence", "mapping"), which ruamel's and
    libyaml's nodes (see `fastyaml`) both carry, so either graph walks the same.
    """

    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: Node, depth: int) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise ParseError("recursive alias", [problem(node.start_mark.index, "recursive-alias",
                                                         "an alias refers to itself",
                                                         "replace the alias with a copy of the value")])
        if depth > MAX_DEPTH:
            raise ParseError("nesting too deep", [problem(node.start_mark.index, "too-deep",
                                                          f"YAML nesting deeper than {MAX_DEPTH} levels",
                                                          "flatten the nested collections")])
        tag = node.tag or ""
        if tag.startswith("tag:yaml.org,2002:python/") or tag.startswith("!!python"):
            raise ParseError("python tag", [problem(node.start_mark.index, "unsafe-tag",
                                                    f"tag {tag!r} names a Python object; it is never executed",
                                                    "remove the tag")])
        active.add(key)
        total = 1
        if kind_of(node) == "mapping":
            for k, v in node.value:
                total += size(k, depth + 1) + size(v, depth + 1)
        elif kind_of(node) == "sequence":
            for item in node.value:
                total += size(item, depth + 1)
        active.discard(key)
        sizes[key] = total
        if total > MAX_EXPANDED_NODES:
            raise ParseError("alias expansion too large", [problem(
                node.start_mark.index, "alias-bomb",
                f"aliases expand this value to more than {MAX_EXPANDED_NODES:,} nodes",
                "replace the aliases with the values they stand for")])
        return total

    size(root, 0)


def unusual_tags(root: Node) -> list[Node]:
    """Nodes carrying a tag outside YAML's standard set (kept, but worth a warning)."""
    found: list[Node] = []
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.tag and node.tag not in _STANDARD_TAGS:
            found.append(node)
        if kind_of(node) == "mapping":
            for k, v in node.value:
                stack.extend((k, v))
        elif kind_of(node) == "sequence":
            stack.extend(node.value)
    return found


def to_plain(value: Any) -> Any:
    """Round-trip data as plain Python (dict, list, str, int, float, bool, None, date, datetime).

    Callers bound the graph first (`parse_block` does), so this walk is finite and small.
    """
    if isinstance(value, dict):
        return {_plain_key(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, str):
        return str(value)
    if type(value).__name__ == "ScalarBoolean":
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, dt.datetime):
        return dt.datetime.fromisoformat(value.isoformat())
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    if value is None:
        return None
    tagged = getattr(value, "value", None)  # TaggedScalar and friends
    if tagged is not None:
        return to_plain(tagged)
    return str(value)


def _plain_key(key: Any) -> Any:
    """A mapping key as plain Python; complex keys (`? [a, b]`) become tuples, as keys must hash."""
    if isinstance(key, list | tuple):
        return tuple(_plain_key(k) for k in key)
    plain = to_plain(key)
    if isinstance(plain, dict):
        return tuple((_plain_key(k), _plain_key(v)) for k, v in plain.items())
    return plain


def scalar_node(node: Node) -> ScalarNode | None:
    """`node` if it is a scalar node, else None (for callers that narrow types)."""
    from ruamel.yaml.nodes import ScalarNode

    return node if isinstance(node, ScalarNode) else None


def syntax_error_lines(content: str) -> tuple[int, int, int | None] | None:
    """Where the first YAML syntax error of `content` is: (line, column, context line), 0-based.

    The context line is where the construct the parser was reading began (the `[` of a flow list
    that never closed, say), which is often where the fault is. Only the node graph is composed:
    nothing is constructed, so aliases are never expanded. None when `content` composes.
    """
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = new_yaml()
    try:
        constructor, parser = yaml.get_constructor_parser(content)
        try:
            constructor.composer.get_single_node()
        finally:
            parser.dispose()
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if mark is None:
            return None
        context = exc.context_mark.line if exc.context_mark is not None else None
        return int(mark.line), int(mark.column), context
    except (YAMLError, RecursionError):
        return None
    return None


def quick_syntax_error_lines(content: str) -> tuple[int, int, int | None] | None:
    """`syntax_error_lines` through libyaml's C composer: for loops that re-check a block after each small
    change (repairs). libyaml and ruamel.yaml agree on what is a syntax error in every corpus block we
    measured; callers still confirm the end result with `parse_block`. Nodes are composed (a composer error,
    such as an undefined alias, is a syntax error too) but not resolved: tags do not matter here, and
    PyYAML's resolver was a third of the cost."""
    import yaml as pyyaml

    parser = _untagged_composer()(content)
    try:
        parser.get_single_node()
    except pyyaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if mark is None:
            return None
        context = exc.context_mark.line if exc.context_mark is not None else None
        return int(mark.line), int(mark.column), context
    except (pyyaml.YAMLError, RecursionError):
        return None
    finally:
        parser.dispose()
    return None


_UNTAGGED: Any = None


def _untagged_composer() -> Any:
    """libyaml's C composer whose resolver does nothing (made once; PyYAML's pure loader where PyYAML was
    built without libyaml)."""
    global _UNTAGGED
    if _UNTAGGED is None:
        import yaml as pyyaml

        try:
            from yaml._yaml import CParser
        except ImportError:
            _UNTAGGED = pyyaml.SafeLoader
            return _UNTAGGED

        class Untagged(CParser):
            def descend_resolver(self, parent: Any, index: Any) -> None:
                return None

            def ascend_resolver(self) -> None:
                return None

            def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
                return ""

        _UNTAGGED = Untagged
    return _UNTAGGED


# Event files and configuration are a few hundred bytes; module front matter a few kilobytes.
MAX_SMALL_DOCUMENT = 256 * 1024


def load_small_document(text: str, display: str, max_bytes: int = MAX_SMALL_DOCUMENT,
                        first_line: int = 1) -> Any:
    """A small YAML document (a review event, a module's front matter) as plain Python, read safely: its
    size, nesting depth and alias expansion bounded as for term blocks, Python tags refused. Any failure
    is a `ParseError` whose one problem is located in `display` (`first_line` is the document's first
    line there); never a crash, never a hang. Duplicate keys: the last wins (YAML's safe loader).
    """
    import yaml as pyyaml

    def problem(index: int, code: str, message: str, fix: str | None = None) -> Problem:
        line = first_line + text.count("\n", 0, max(index, 0))
        col = index - (text.rfind("\n", 0, max(index, 0)) + 1) + 1
        return Problem(display, line, max(col, 1), Severity.ERROR, code, message, None, fix)

    size = len(text.encode("utf-8", errors="replace"))
    if size > max_bytes:
        raise ParseError("too large", [problem(0, "file-too-large", f"{size:,} bytes is more than the"
                                               f" {max_bytes:,} this kind of file may hold")])
    loader = getattr(pyyaml, "CSafeLoader", pyyaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        check_graph(cast("Node", node), problem)  # libyaml nodes walk like ruamel's (see `check_graph`)
        return to_plain(loader.construct_document(node))
    except pyyaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        words = " ".join(" ".join(p for p in (exc.context, exc.problem) if p).split()) or "YAML does not parse"
        raise ParseError(words, [problem(mark.index if mark is not None else 0, "yaml-syntax", words)]) from None
    except RecursionError:
        raise ParseError("nesting too deep", [problem(0, "too-deep", "YAML nesting is too deep to load",
                                                      "flatten the nested collections")]) from None
    except (pyyaml.YAMLError, ValueError, OverflowError, TypeError) as exc:
        words = " ".join(str(exc).split())[:300]
        raise ParseError(words, [problem(0, "yaml-error", words)]) from None
    finally:
        loader.dispose()
