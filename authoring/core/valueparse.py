"""Values given on the command line (or typed in the UI) as YAML, parsed with the same safeguards as files.

Must never: execute tags, expand alias bombs, or hand back ruamel's round-trip types.
"""

from __future__ import annotations

from typing import Any

from authoring.core.frontmatter import split
from authoring.core.yamlio import parse_block
from authoring.errors import ParseError, UsageError

MAX_VALUE_CHARS = 200_000


def parse_value(text: str, *, fast: bool = False) -> Any:
    """`"[a, b]"` → `["a", "b"]`, `"0.2"` → 0.2, `"'0.2'"` → "0.2"; a located `UsageError` otherwise.
    `fast` reads through `fastyaml` (same values and errors, libyaml's speed: for loops such as repairs)."""
    if len(text) > MAX_VALUE_CHARS:
        raise UsageError(f"the value is longer than {MAX_VALUE_CHARS:,} characters")
    if any(line.rstrip() == "---" for line in text.split("\n")):
        raise UsageError("a value cannot contain a '---' line (it would end the front matter)")
    document = split("---\n" + text + ("\n" if not text.endswith("\n") else "") + "---\n")
    if not document.blocks:  # pragma: no cover - the fences above always make one block
        raise UsageError("the value is empty")
    try:
        if fast:
            from authoring.core.fastyaml import parse_block_fast

            parsed = parse_block_fast(document, document.blocks[0], "<value>")
        else:
            parsed = parse_block(document, document.blocks[0], "<value>")
    except ParseError as exc:
        where = exc.problems[0] if exc.problems else None
        detail = f"{where.message} (line {where.line - 1}, column {where.col})" if where else str(exc)
        raise UsageError(f"the value is not valid YAML: {detail}; quote it if you meant text") from None
    return parsed.plain
