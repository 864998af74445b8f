"""Rendering new values as YAML text in a given style, for splicing into an existing file.

We do not use a YAML dumper for edits: it re-folds, re-quotes and re-spaces. Instead each value is
written the way its neighbours are written (plain, single- or double-quoted, literal block, flow or
block collections), and every candidate plain scalar is checked by parsing it back, so a rendering
never changes what a value means. The caller verifies the whole file after the splice as well.

Must never: write files.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from authoring.errors import ParseError


@dataclass(frozen=True)
class Style:
    """How to write a value: scalar quoting, whether collections go in flow, spacing inside `[ ]`."""

    quote: str | None = None  # None (plain when safe), "'", '"', "|" or ">"
    flow: bool = False
    flow_padding: bool = False  # `[ a, b ]` rather than `[a, b]`
    newline: str = "\n"


@lru_cache(maxsize=4096)
def _reads_back_as_string(candidate: str, flow: bool) -> bool:
    """True when `candidate`, written plain (inside `[ ]` when `flow`), parses back to itself as a string."""
    from authoring.core.fastyaml import parse_block_fast
    from authoring.core.frontmatter import split

    document = split(f"---\nk: [{candidate}]\n---\n" if flow else f"---\nk: {candidate}\n---\n")
    try:
        # the fast reading: what `check`, the editor's verification and every reader of a term see (proved
        # equal to ruamel's round-trip reading by tests/test_fastyaml.py), at libyaml's speed
        data = parse_block_fast(document, document.blocks[0], "<value>").plain
    except ParseError:
        return False
    value = data.get("k") if isinstance(data, dict) else None
    if flow:
        return isinstance(value, list) and len(value) == 1 and value[0] == candidate and isinstance(value[0], str)
    return isinstance(value, str) and value == candidate


def double_quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are valid YAML escapes)."""
    return json.dumps(text, ensure_ascii=False)


def single_quoted(text: str) -> str:
    """A YAML single-quoted scalar."""
    return "'" + text.replace("'", "''") + "'"


def scalar_text(value: Any, style: Style) -> str:
    """A scalar on one line: plain when it reads back the same, else quoted in the requested style."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    needs_quotes = "\n" in text or "\r" in text or not _printable(text)
    if style.quote == '"' or needs_quotes:
        return double_quoted(text)
    if style.quote == "'":
        return single_quoted(text)
    if text and text.strip() == text and _reads_back_as_string(text, style.flow):
        return text
    return double_quoted(text)


def _printable(text: str) -> bool:
    return all(ch == "\t" or (ch >= " " and ch not in "\x7f\x85\u2028\u2029\ufeff") for ch in text)


def literal_block(text: str, indent: int, newline: str, parent: int = 0) -> str | None:
    """A `|` block scalar for `text` with content at `indent` columns, or None if one cannot hold it.

    `parent` is the column of the key (or the sequence dash) the block belongs to: a text whose first
    line starts with a space needs an indentation indicator, and YAML counts it from there.

    The result starts with the indicator and has no final line break: the caller keeps the one
    that already follows the value in the file.
    """
    if "\r" in text or not _printable(text.replace("\n", "")):
        return None
    body = text
    chomp = ""
    if body.endswith("\n"):
        body = body[:-1]
        if body.endswith("\n") or body == "":
            chomp = "+"
            body = text.rstrip("\n")
            extra = len(text) - len(body) - 1
        else:
            extra = 0
    else:
        chomp = "-"
        extra = 0
    if body == "":
        return None
    lines = body.split("\n")
    indicator = ""
    if lines[0].startswith(" "):
        step = indent - parent
        if not 1 <= step <= 9:
            return None
        indicator = str(step)
    pad = " " * indent
    rendered = [f"|{indicator}{chomp}"]
    rendered.extend((pad + line) if line else "" for line in lines)
    rendered.extend("" for _ in range(extra))
    return newline.join(rendered)


def flow_text(value: Any, style: Style) -> str:
    """A value written in flow style: `[a, b]`, `{k: v}` (padded when the style says so)."""
    inner = Style(quote=style.quote if style.quote in ("'", '"') else None, flow=True)
    if isinstance(value, list):
        items = ", ".join(flow_text(item, style) for item in value)
        if not items:
            return "[]"
        return f"[ {items} ]" if style.flow_padding else f"[{items}]"
    if isinstance(value, dict):
        pairs = ", ".join(f"{scalar_text(k, inner)}: {flow_text(v, style)}" for k, v in value.items())
        if not pairs:
            return "{}"
        return f"{{ {pairs} }}" if style.flow_padding else f"{{{pairs}}}"
    return scalar_text(value, inner)


def block_lines(value: Any, indent: int, style: Style) -> list[str]:
    """A collection written in block style, one line per entry, every line starting at `indent`.

    Scalars inside lists of scalars stay flow-friendly; multi-line strings become literal blocks.
    """
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            key_text = scalar_text(key, Style())
            lines.extend(_keyed(pad + f"{key_text}:", item, indent, style))
        return lines
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and item:
                inner = block_lines(item, indent + 2, style)
                inner[0] = pad + "- " + inner[0][indent + 2 :]
                lines.extend(inner)
            elif isinstance(item, list) and item:
                lines.append(pad + "- " + flow_text(item, style))
            else:
                lines.extend(_keyed(pad + "-", item, indent, style))
        return lines
    return [pad + scalar_text(value, style)]


def _keyed(prefix: str, item: Any, indent: int, style: Style) -> list[str]:
    """`prefix` (a key with its colon, or a dash) followed by `item`."""
    if isinstance(item, dict) and item:
        return [prefix, *block_lines(item, indent + 2, style)]
    if isinstance(item, list) and item:
        if all(not isinstance(x, dict | list) and not (isinstance(x, str) and "\n" in x) for x in item):
            return [prefix + " " + flow_text(item, style)]
        return [prefix, *block_lines(item, indent + 2, style)]
    if isinstance(item, str) and "\n" in item:
        literal = literal_block(item, indent + 2, style.newline, parent=indent)
        if literal is not None:
            head, *rest = literal.split(style.newline)
            return [prefix + " " + head, *rest]
    if isinstance(item, dict | list):
        return [prefix + " " + ("{}" if isinstance(item, dict) else "[]")]
    return [prefix + " " + scalar_text(item, Style(quote=style.quote if style.quote in ("'", '"') else None))]
