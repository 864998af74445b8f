"""Round-trip-safe edits of a term file: changes spliced into the original text, then verified.

Every operation finds the exact character span of the value it changes in the YAML node graph,
writes only that span (in the style of the value or its siblings), re-parses the whole file and
checks with deepdiff that the parsed data differs from before in exactly the requested way and
nowhere else. An edit that cannot meet that is refused with `EditError`; a file that does not
parse is never edited. Files are written only by a transaction (`repo.action_path`).

Must never: re-dump a whole document, touch Git or a UI.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ruamel.yaml.nodes import Node, SequenceNode

from authoring.core.frontmatter import lines_of
from authoring.core.paths import (
    FieldPath,
    find_node,
    format_path,
    get_value,
    is_collection,
    is_mapping,
    is_scalar,
    is_sequence,
)
from authoring.core.render import Style, block_lines, flow_text, literal_block, scalar_text
from authoring.core.termfile import TermFile, load_term, unparsed_reason
from authoring.core.textfile import Text
from authoring.core.yamlio import ParsedBlock
from authoring.errors import EditError, ParseError

if TYPE_CHECKING:
    from deepdiff import DeepDiff


@dataclass(frozen=True)
class Change:
    """One requested change: `kind` is "set", "append" or "remove", in block `block` (-1: the entry)."""

    kind: str
    path: FieldPath
    value: Any
    block: int = -1


class Editor:
    """Edits one term file in memory; `render()` gives the new bytes (the repository service writes them,
    inside a transaction: there is no write path here that could bypass it).

    The file must parse (`TermFile.parses`); otherwise construction raises `ParseError` with the
    file's problems, so nothing that does not parse is ever written. Either reading of the file will
    do (ruamel's or the `fastyaml` one: nodes are told apart by `node.id`); each change is verified
    on a fast re-reading, which agrees with ruamel on values and problems.
    """

    def __init__(self, term: TermFile) -> None:
        if not term.parses or term.text is None:
            errors = term.errors or [p for p in term.problems]
            raise ParseError(unparsed_reason(term.display, errors), errors)
        self.original = term
        self.term = term
        self.changes: list[Change] = []
        self._batch: list[tuple[int, int, str]] | None = None
        self._batched: list[Change] = []

    # -- reading -----------------------------------------------------------------------------

    @property
    def text(self) -> str:
        """The current text (without byte-order mark)."""
        assert self.term.text is not None
        return self.term.text.body

    def data(self, block: int = -1) -> Any:
        """The current plain data of a block."""
        parsed = self._parsed(block)
        return parsed.plain

    def has(self, path: FieldPath, block: int = -1) -> bool:
        """True when the field exists in the block."""
        try:
            get_value(self.data(block), path)
        except KeyError:
            return False
        return True

    def _parsed(self, block: int) -> ParsedBlock:
        parsed = self.term.blocks[block]
        assert parsed is not None
        return parsed

    # -- operations ----------------------------------------------------------------------------

    def set(self, path: FieldPath, value: Any, block: int = -1) -> None:
        """Set the field at `path` to `value`, adding the key (and missing parent mappings) if needed.

        A string set on a field that holds a literal block keeps the block's chomping: the value
        gains the final line break the block had, so the field is still written as `|`.
        """
        if not path:
            raise EditError("cannot replace the whole entry; name a field")
        parsed = self._parsed(block)
        value = _normalised_for(parsed, path, value)
        try:
            key_node, node, parent = find_node(_root(parsed), path)
        except KeyError:
            self._add_key(parsed, path, value)
        else:
            if value is None and is_scalar(node) and get_value(parsed.plain, path) is None:
                return  # already null (`key:`, `~`, `null`): a spelling is not a change, nothing is written
            self._replace(parsed, key_node, node, parent, value)
        self._commit_change(Change("set", path, value, block))

    def append(self, path: FieldPath, value: Any, block: int = -1) -> None:
        """Append `value` to the list at `path` in its siblings' style; create the list if it is missing."""
        parsed = self._parsed(block)
        try:
            key_node, node, parent = find_node(_root(parsed), path)
        except KeyError:
            self._add_key(parsed, path, [value])
            self._commit_change(Change("set", path, [value], block))
            return
        if not is_sequence(node):
            raise EditError(f"{format_path(path)} is not a list")
        if (node.flow_style and not node.value and isinstance(value, dict) and value and key_node is not None
                and not (is_mapping(parent) and parent.flow_style)):
            # An empty `[]` has no siblings whose style to follow, and a mapping squeezed into a flow
            # list reads badly (`review_log: []` gaining its first `{date, reviewer, notes}`): the
            # first item is written as a block list item instead.
            self._replace(parsed, key_node, node, parent, [value])
            self._commit_change(Change("set", path, [value], block))
            return
        self._append(parsed, node, value)
        self._commit_change(Change("append", path, value, block))

    def remove(self, path: FieldPath, block: int = -1) -> None:
        """Remove a mapping key and its value, lines and all (a merge applying the other side's removal).

        Only a key that sits on lines of its own in a block mapping with other keys: a key inside
        `{...}`, the first key of a `- key: value` list item, or a mapping's only key is refused with
        `EditError` (removing its lines would take more, or leave an empty block).
        """
        parsed = self._parsed(block)
        try:
            key_node, node, parent = find_node(_root(parsed), path)
        except KeyError:
            raise EditError(f"{format_path(path)} is not there to remove") from None
        if key_node is None or not is_mapping(parent) or parent.flow_style or len(parent.value) < 2:
            raise EditError(f"cannot remove {format_path(path)} in place: it does not sit on lines of its own")
        text = self._block_text(parsed)
        start, end = int(key_node.start_mark.index), content_end(node, text)
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end + 1
        rest = text[end:line_end].strip()
        if text[line_start:start].strip(" \t") or (rest and not rest.startswith("#")):
            raise EditError(f"cannot remove {format_path(path)} in place: it shares its lines with other values")
        base = parsed.block.content_start
        self._splice(base + line_start, base + line_end, "")
        self._commit_change(Change("remove", path, None, block))

    # -- splicing ------------------------------------------------------------------------------

    def _replace(self, parsed: ParsedBlock, key_node: Node | None, node: Node, parent: Node | None,
                 value: Any) -> None:
        base = parsed.block.content_start
        newline = self.term.text.newline if self.term.text else "\n"
        in_flow = is_collection(parent) and bool(parent.flow_style)
        start = node.start_mark.index
        end = content_end(node, self._block_text(parsed))
        old_style = node.style if is_scalar(node) else None
        if is_collection(node) and not node.flow_style:
            start = _after_indicator(self._block_text(parsed), key_node, node)
        # `key:` or `key: ` with nothing after it: ruamel marks the empty value where the next token starts
        # (the next line), so the new value goes just after the colon, replacing the blanks that follow it
        empty = (is_scalar(node) and node.value == "" and not node.style and key_node is not None
                 and not in_flow)
        if empty:
            start, end = _after_empty_key(self._block_text(parsed), key_node)
        if isinstance(value, dict | list) and value:
            flow = in_flow or (is_collection(node) and bool(node.flow_style)
                               and bool(node.value)) or (
                isinstance(value, list) and all(not isinstance(x, dict | list) for x in value)
                and not any(isinstance(x, str) and "\n" in x for x in value))
            style = Style(quote=_sibling_quote(node), flow=True, flow_padding=_padded(node, self._block_text(parsed)),
                          newline=newline)
            if flow:
                text = flow_text(value, style)
                if is_collection(node) and not node.flow_style:
                    text = " " + text
            else:
                indent = _child_indent(key_node, node)
                lines = block_lines(value, indent, Style(newline=newline))
                text = newline + newline.join(lines)
                if not (is_collection(node) and not node.flow_style):
                    # the old value sat on the key's line: replace from just after the colon
                    start = _after_colon(self._block_text(parsed), key_node, start)
        elif isinstance(value, str) and not in_flow and (old_style in ("|", ">") or "\n" in value):
            indent = _literal_indent(self._block_text(parsed), node, key_node)
            block_text = self._block_text(parsed)
            literal = literal_block(value, indent, newline, parent=_parent_column(block_text, node, key_node))
            line_end = _line_end_after(block_text, end)
            if literal is not None and old_style not in ("|", ">") and line_end != end:
                # blanks after the old one-line value would become part of the block's last line; a
                # comment there cannot follow a block's content at all
                if block_text[end:line_end].strip(" \t"):
                    literal = None
                else:
                    end = line_end
            text = literal if literal is not None else scalar_text(value, Style(quote='"'))
        elif isinstance(value, dict | list):  # an empty list or mapping is written `[]` / `{}`, never as a string
            text = "{}" if isinstance(value, dict) else "[]"
            if is_collection(node) and not node.flow_style:
                text = " " + text
        else:
            quote = old_style if old_style in ("'", '"') else None
            text = scalar_text(value, Style(quote=quote, flow=in_flow))
            if is_collection(node) and not node.flow_style:
                text = " " + text
        if empty and not text.startswith((" ", newline)):
            text = " " + text
        self._splice(base + start, base + end, text)

    def _add_key(self, parsed: ParsedBlock, path: FieldPath, value: Any) -> None:
        root = _root(parsed)
        # find the deepest existing mapping on the path
        depth = len(path) - 1
        while depth > 0:
            try:
                _, container, _ = find_node(root, path[:depth])
                break
            except KeyError:
                depth -= 1
        else:
            container = root
        if depth == 0:
            container = root
        if not is_mapping(container):
            raise EditError(f"cannot add {format_path(path)}: {format_path(path[:depth]) or 'the entry'} is not a "
                            "mapping")
        key = path[depth]
        if isinstance(key, int):
            raise EditError(f"cannot add list item {key} of {format_path(path[:depth])}; use append")
        nested: Any = value
        for part in reversed(path[depth + 1 :]):
            if isinstance(part, int):
                raise EditError(f"cannot create list index {part} in {format_path(path)}")
            nested = {part: nested}
        block_text = self._block_text(parsed)
        base = parsed.block.content_start
        newline = self.term.text.newline if self.term.text else "\n"
        if container.flow_style:
            style = Style(flow=True, flow_padding=_padded(container, block_text), newline=newline)
            pair = f"{scalar_text(key, Style(flow=True))}: {flow_text(nested, style)}"
            if container.value:
                at = content_end(container.value[-1][1], block_text)
                self._splice(base + at, base + at, ", " + pair)
            else:
                at = container.start_mark.index + 1
                self._splice(base + at, base + at, pair)
            return
        if container.value:
            indent = container.value[0][0].start_mark.column
            at = _line_end_after(block_text, content_end(container, block_text))
        else:  # an empty block mapping is only possible as an empty document
            indent, at = 0, len(block_text.rstrip("\r\n"))
        lines = block_lines({key: nested}, indent, Style(newline=newline))
        text = newline + newline.join(lines)
        if at == 0 or (not container.value and not block_text.strip()):
            text = newline.join(lines) + (newline if not block_text.endswith("\n") else "")
            self._splice(base + at, base + at, text)
            return
        self._splice(base + at, base + at, text)

    def _append(self, parsed: ParsedBlock, node: SequenceNode, value: Any) -> None:
        block_text = self._block_text(parsed)
        base = parsed.block.content_start
        newline = self.term.text.newline if self.term.text else "\n"
        if node.flow_style or not node.value:
            if not node.flow_style:  # pragma: no cover - an empty block sequence cannot be written
                raise EditError("cannot append to an empty block list")
            style = Style(quote=_sibling_quote(node), flow=True, flow_padding=_padded(node, block_text),
                          newline=newline)
            item = flow_text(value, _item_style(node, block_text, style))
            if node.value:
                at = content_end(node.value[-1], block_text)
                self._splice(base + at, base + at, ", " + item)
            else:
                open_at = node.start_mark.index
                inner = block_text[open_at + 1 : node.end_mark.index - 1]
                text = f" {item} " if inner.strip() == "" and len(inner) > 0 else item
                self._splice(base + open_at + 1, base + node.end_mark.index - 1, text)
            return
        dash_col = node.start_mark.column
        first = node.value[0]
        gap = max(first.start_mark.column - dash_col, 2) if first.start_mark.line == node.start_mark.line else 2
        at = _line_end_after(block_text, content_end(node, block_text))
        if isinstance(value, list) and value and is_sequence(node.value[-1]) and node.value[-1].flow_style:
            sibling = node.value[-1]
            style = Style(quote=_sibling_quote(sibling), flow=True, flow_padding=_padded(sibling, block_text))
            line = " " * dash_col + "-" + " " * (gap - 1) + flow_text(value, style)
            self._splice(base + at, base + at, newline + line)
            return
        lines = block_lines([value], dash_col, Style(quote=_sibling_quote(node), newline=newline))
        if gap != 2 and lines:
            lines[0] = " " * dash_col + "-" + " " * (gap - 1) + lines[0][dash_col + 2 :]
        self._splice(base + at, base + at, newline + newline.join(lines))

    def _block_text(self, parsed: ParsedBlock) -> str:
        assert self.term.split is not None
        return self.term.split.content(parsed.block)

    def _splice(self, start: int, end: int, text: str) -> None:
        assert self.term.text is not None
        if self._batch is not None:
            self._batch.append((start, end, text))
            return
        body = self.text[:start] + text + self.text[end:]
        self._pending = Text(self.term.text.bom, body)

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Make several changes with one re-parse and one verification instead of one per change.

        Inside the block, every change is computed against the file as it stood when the batch
        began, so `data()` does not show the batch's own changes yet, and no two changes may touch
        the same value. At the end the splices are applied from the end of the file backwards and
        the result is verified like a single change. Should splices collide, or the verification
        fail, the changes are replayed one at a time, which either succeeds or raises `EditError`.
        """
        if self._batch is not None:
            yield  # already batching: one batch
            return
        start = self.term
        self._batch, self._batched = [], []
        try:
            yield
        except BaseException:
            self._batch, self._batched = None, []
            raise
        splices, changes = self._batch, self._batched
        self._batch, self._batched = None, []
        if not changes:
            return
        ordered = sorted(enumerate(splices), key=lambda item: (item[1][0], item[0]), reverse=True)
        body, limit, collided = self.text, len(self.text) + 1, False
        for _, (begin, end, text) in ordered:
            if end > limit or (end == limit and begin != end):
                collided = True
                break
            body = body[:begin] + text + body[end:]
            limit = begin
        if not collided:
            assert self.term.text is not None
            self._pending = Text(self.term.text.bom, body)
            try:
                self._verify(changes)
                return
            except EditError:
                self.term = start
        for change in changes:  # slow path: one change at a time, each verified
            if change.kind == "append":
                self.append(change.path, change.value, change.block)
            elif change.kind == "remove":
                self.remove(change.path, change.block)
            else:
                self.set(change.path, change.value, change.block)

    # -- verification --------------------------------------------------------------------------

    def _commit_change(self, change: Change) -> None:
        """Re-parse the spliced text and check that only `change` happened; adopt it or refuse."""
        if self._batch is not None:
            self._batched.append(change)
            return
        self._verify([change])

    def _verify(self, changes: list[Change]) -> None:
        """Re-parse the pending text and check that exactly `changes` happened; adopt it or refuse."""
        change = changes[-1]
        pending: Text = self._pending
        # The fast reading gives ruamel's values and problems (proven on every corpus block) and the same
        # spans, so the edited file is verified, and edited further, at libyaml's speed.
        new = load_term(self.term.path, self.term.display, pending.encode(), fast=True)
        if not new.parses:
            first = new.errors[0].format() if new.errors else "unknown problem"
            raise EditError(f"{self.term.display}: the edit of {format_path(change.path)} would not parse"
                            f" ({first}); nothing was changed")
        if len(new.blocks) != len(self.term.blocks) or (
            new.split and self.term.split and new.split.body != self.term.split.body):
            raise EditError(f"{self.term.display}: the edit of {format_path(change.path)} would change the file's"
                            " structure; nothing was changed")
        count = len(self.term.blocks)
        for index, (old, now) in enumerate(zip(self.term.blocks, new.blocks, strict=True)):
            assert old is not None and now is not None
            expected = old.plain
            for each in changes:
                if each.block % count == index:
                    expected = apply_change(expected, each)
            if expected != now.plain:
                from deepdiff import DeepDiff  # to say what differs (imported here: it brings numpy)

                diff = DeepDiff(expected, now.plain, threshold_to_diff_deeper=0)
                raise EditError(f"{self.term.display}: the edit of {format_path(change.path)} would also change"
                                f" {_describe(diff)}; nothing was changed")
        self.term = new
        self.changes.extend(changes)

    # -- output ----------------------------------------------------------------------------------

    def render(self) -> bytes:
        """The file's bytes with every change made."""
        assert self.term.text is not None
        return self.term.text.encode()

    @property
    def changed(self) -> bool:
        """True when the bytes differ from the file as loaded."""
        return self.render() != self.original.data


def apply_change(data: Any, change: Change) -> Any:
    """`data` with `change` applied, on a deep copy: what the file must parse to after the edit."""
    result = copy.deepcopy(data)
    *parents, last = change.path
    current: Any = result
    for part in parents:
        if isinstance(current, dict):
            key: Any = part if part in current else str(part)
            current = current.setdefault(key, {})
        else:
            current = current[part]
    if change.kind == "append":
        container = current[int(last)] if isinstance(current, list) else current.get(last, current.get(str(last)))
        container.append(copy.deepcopy(change.value))
    elif change.kind == "remove":
        del current[last if last in current else str(last)]
    elif isinstance(current, list):
        current[int(last)] = copy.deepcopy(change.value)
    else:
        key = last if last in current or not isinstance(last, int) else str(last)
        current[key] = copy.deepcopy(change.value)
    return result


def _describe(diff: DeepDiff) -> str:
    paths: list[str] = []
    for kind in ("values_changed", "type_changes", "dictionary_item_added", "dictionary_item_removed",
                 "iterable_item_added", "iterable_item_removed"):
        entries = diff.get(kind)
        if entries:
            paths.extend(str(p) for p in (entries.keys() if hasattr(entries, "keys") else entries))
    return ", ".join(paths[:5]) or "other values"


def _root(parsed: ParsedBlock) -> Node:
    if parsed.node is None:
        raise EditError("the block is empty")
    return parsed.node


def _normalised_for(parsed: ParsedBlock, path: FieldPath, value: Any) -> Any:
    try:
        _, node, _ = find_node(_root(parsed), path)
    except KeyError:
        return value
    if (is_scalar(node) and node.style is not None and node.style in "|>" and isinstance(value, str)
            and value and not value.endswith("\n")):
        old = get_value(parsed.plain, path)
        if isinstance(old, str) and old.endswith("\n"):
            return value + "\n"
    return value


def content_end(node: Node, text: str) -> int:
    """Where `node`'s own text ends: block collections and block scalars stop at their last content
    line (trailing blank lines and comments belong to what follows)."""
    if is_scalar(node):
        end = int(node.end_mark.index)
        if node.style in ("|", ">"):
            return _trim_trailing_blank_lines(text, int(node.start_mark.index), end)
        return end
    if is_collection(node):
        if node.flow_style or not node.value:
            return int(node.end_mark.index)
        last = node.value[-1]
        return content_end(last[1] if isinstance(last, tuple) else last, text)
    return int(node.end_mark.index)


def _line_end_after(text: str, at: int) -> int:
    """Where new lines go after a value that ends at `at`: past the blanks and any comment that end its
    line (they belong to that line), just before the line break."""
    end = text.find("\n", at)
    if end < 0:
        end = len(text)
    if end > at and text[end - 1] == "\r":
        end -= 1
    rest = text[at:end].strip(" \t")
    return end if rest == "" or rest.startswith("#") else at


def _trim_trailing_blank_lines(text: str, start: int, end: int) -> int:
    lines = lines_of(text[start:end])
    while len(lines) > 1 and lines[-1].strip() == "":
        lines.pop()
    kept = "".join(lines)
    stripped = kept.rstrip("\r\n")
    return start + len(stripped)


def _after_indicator(text: str, key_node: Node | None, node: Node) -> int:
    """For a block collection value: the offset just after its key's colon (or its item's dash)."""
    if key_node is not None:
        return _after_colon(text, key_node, int(node.start_mark.index))
    return int(node.start_mark.index)


def _after_empty_key(text: str, key_node: Node | None) -> tuple[int, int]:
    """For `key:` with an empty value: from just after the colon to the end of the blanks that follow it
    (a comment after them stays, with one space before it)."""
    at = _after_colon(text, key_node, 0)
    end = at
    while end < len(text) and text[end] in " \t":
        end += 1
    if end < len(text) and text[end] == "#":
        end = max(at, end - 1)
    return at, end


def _after_colon(text: str, key_node: Node | None, fallback: int) -> int:
    if key_node is None:
        return fallback
    at = text.find(":", int(key_node.end_mark.index))
    return at + 1 if at >= 0 else fallback


def _child_indent(key_node: Node | None, node: Node) -> int:
    if is_collection(node) and not node.flow_style and node.value:
        first = node.value[0]
        first_node = first[0] if isinstance(first, tuple) else node
        return int(first_node.start_mark.column)
    if key_node is not None:
        return int(key_node.start_mark.column) + 2
    return int(node.start_mark.column) + 2


def _parent_column(text: str, node: Node, key_node: Node | None) -> int:
    """The column a block scalar's indentation indicator counts from: its key's, or its sequence dash's."""
    if key_node is not None:
        return int(key_node.start_mark.column)
    dash = text.rfind("-", 0, node.start_mark.index)
    line_start = text.rfind("\n", 0, max(dash, 0)) + 1
    return dash - line_start if dash >= 0 else 0


def _literal_indent(text: str, node: Node, key_node: Node | None) -> int:
    if is_scalar(node) and node.style in ("|", ">"):
        for line in lines_of(text[node.start_mark.index : node.end_mark.index])[1:]:
            if line.strip():
                return len(line) - len(line.lstrip(" "))
    if key_node is not None:
        return int(key_node.start_mark.column) + 2
    return int(node.start_mark.column) + 2


def _sibling_quote(node: Node) -> str | None:
    """The quoting the node's scalar items use, when they agree on one."""
    if is_sequence(node):
        styles = {item.style for item in node.value if is_scalar(item) and str(item.tag).endswith(":str")}
        if len(styles) == 1:
            style = styles.pop()
            return style if style in ("'", '"') else None
    return None


def _item_style(node: SequenceNode, text: str, style: Style) -> Style:
    return style


def _padded(node: Node, text: str) -> bool:
    """True for `[ a, b ]` spacing, judged from the collection's own text."""
    if is_collection(node) and node.flow_style:
        inner = text[node.start_mark.index + 1 : node.end_mark.index - 1]
        return inner.startswith(" ") and inner.strip() != ""
    return False
