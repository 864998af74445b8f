"""The searchable text of a term file, field by field, read from its lines without parsing YAML.

Search must find text in every term, including the ones whose front matter does not parse (the
corpus has hundreds), so the fields are told apart by the shape of the lines alone: a `key:` line
opens a field, its value runs on that line and on the lines indented under it (block scalars,
lists, nested mappings), and the Markdown after the last block is the body. A field is named by its
place: `aliases`; any `…definition` (`pirouette_definition`, `operational_definition`) is a
definition; `triad`; the notes of `provenance.review_log`; the body; everything else that is prose
(`context_windows`, `poetic_connections`, snippets, …) is `other`. The id, name, status, version and
dates are not text to search here: the summary index holds them.

What is kept is the value as written, minus YAML's key, list dashes, quotes and block indicators,
one line per source line, so a snippet reads like the file. Matching (case, accents, word prefixes) is
the search index's business.

Must never: parse YAML, touch the file system, or raise on any text.
"""

from __future__ import annotations

import re

from authoring.core.frontmatter import split

ALIASES = "aliases"
DEFINITION = "definition"
TRIAD = "triad"
NOTES = "notes"
BODY = "body"
OTHER = "other"
TEXT_FIELDS = (ALIASES, DEFINITION, TRIAD, NOTES, BODY, OTHER)
"""Every field a term's text is filed under, in the order the search index keeps them."""

# Keys whose values are not text to search: identity and bookkeeping (the summary has them).
_SKIPPED = frozenset({"term", "canonical_id", "status", "version", "last_updated", "license", "lines",
                      "date", "reviewer", "module", "confidence", "mapping_kind"})
# `  - key: value` / `key: value` / `key:`; keys as YAML writes them plainly (quoted keys are rare).
_KEY_LINE = re.compile(r"^(?P<indent>[ ]*)(?P<dashes>(?:-[ ]+)*)(?P<key>[A-Za-z_][\w.-]*)[ ]*:"
                       r"(?:[ ]+(?P<rest>.*)|[ ]*)$")
_ITEM_LINE = re.compile(r"^(?P<indent>[ ]*)(?P<dashes>(?:-[ ]+)+)(?P<rest>.*)$")
_BLOCK_SCALAR = re.compile(r"^[|>][0-9+-]*[ ]*(?:#.*)?$")
# The keys of a one-line flow mapping (`{date: 2025-10-18, notes: Initial draft}`): a word and a colon
# at the start or after a comma.
_FLOW_KEY = re.compile(r"(?:^|,)[ ]*(?P<key>[A-Za-z_][\w-]*)[ ]*:[ ]*")


def field_of(path: tuple[str, ...]) -> str | None:
    """The text field a key path (top-level key first) is filed under; None when it is not searched."""
    if not path:
        return None
    top = path[0]
    if top == ALIASES:
        return ALIASES
    if top.endswith("definition"):
        return DEFINITION
    if top == TRIAD:
        return TRIAD
    if top == "provenance" and len(path) >= 3 and path[1] == "review_log" and path[2] == "notes":
        return NOTES
    if path[-1] in _SKIPPED:
        return None
    return OTHER


def _value(text: str) -> str:
    """A one-line value as a reader sees it: quotes, a block indicator, flow brackets and comments' marks cut."""
    text = text.strip()
    if _BLOCK_SCALAR.match(text):
        return ""
    if len(text) >= 2 and text[0] + text[-1] in ("[]", "{}"):
        text = text[1:-1].strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1]
    return text


def _flow_pairs(text: str) -> list[tuple[str, str]] | None:
    """The (key, value) pairs of a one-line flow mapping; None when `text` is not one."""
    text = text.strip()
    if not (text.startswith("{") and text.endswith("}")):
        return None
    inner = text[1:-1]
    keys = list(_FLOW_KEY.finditer(inner))
    if not keys or keys[0].start() != 0:
        return None
    return [(key["key"], _value(inner[key.end():after.start() if after else len(inner)]))
            for key, after in zip(keys, [*keys[1:], None], strict=True)]


def fields(text: str) -> dict[str, str]:
    """The searchable text of a term file's text, by field (`TEXT_FIELDS`; absent fields are empty)."""
    parts: dict[str, list[str]] = {name: [] for name in TEXT_FIELDS}
    parsed = split(text)
    for block in parsed.blocks:
        _walk(parsed.content(block), parts)
    body = parsed.body if parsed.blocks else text
    if body.strip():
        parts[BODY].append(body.strip())
    return {name: "\n".join(lines) for name, lines in parts.items()}


def _walk(content: str, parts: dict[str, list[str]]) -> None:
    """File every line of one front-matter block under its field (see the module's docstring)."""
    stack: list[tuple[int, str]] = []  # (indent of the key, key), outermost first
    scalar_indent: int | None = None  # inside a block scalar opened by a key at this indent
    for raw in content.split("\n"):
        line = raw.rstrip("\r")
        stripped = line.strip()
        indent = len(line) - len(line.lstrip(" "))
        if scalar_indent is not None:
            if not stripped or indent > scalar_indent:
                if stripped:
                    _add(parts, stack, stripped)
                continue
            scalar_indent = None
        if not stripped or stripped.startswith("#"):
            continue
        match = _KEY_LINE.match(line)
        if match is not None:
            # a key after list dashes sits where its first character is
            level = indent + len(match["dashes"])
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, match["key"]))
            rest = match["rest"] or ""
            if _BLOCK_SCALAR.match(rest.strip()):
                scalar_indent = level
            elif rest.strip():
                _add_value(parts, stack, rest)
            continue
        item = _ITEM_LINE.match(line)
        if item is not None:
            level = indent
            while stack and stack[-1][0] > level:
                stack.pop()
            rest = item["rest"]
            if _BLOCK_SCALAR.match(rest.strip()):
                scalar_indent = level
            else:
                _add_value(parts, stack, rest)
            continue
        while stack and stack[-1][0] >= indent and indent == 0:
            stack.pop()  # a line at the margin that is no key: it belongs to no field we know
        _add(parts, stack, _value(stripped))


def _add_value(parts: dict[str, list[str]], stack: list[tuple[int, str]], text: str) -> None:
    pairs = _flow_pairs(text)
    if pairs is None:
        _add(parts, stack, _value(text))
        return
    for key, value in pairs:
        _add(parts, [*stack, (-1, key)], value)


def _add(parts: dict[str, list[str]], stack: list[tuple[int, str]], text: str) -> None:
    if not text:
        return
    name = field_of(tuple(key for _, key in stack))
    if name is not None:
        parts[name].append(text)
