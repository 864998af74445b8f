"""`--json` output of a large report written as it is encoded, not built as one string first.

`options.say_json` prints `json.dumps(data, ensure_ascii=False, indent=2)`: for an audit of a large
glossary that is one string of tens of millions of characters (four bytes each once one emoji is in
it), then its escaped copy, then its UTF-8 bytes, all beside every finding's dumped form. Here the
same text is made piece by piece (the report's lists item by item, each item as one string: `json`'s
own encoder, in Python once an indent is asked for, took a second over 77,000 findings), escaped and
written in batches, and a long list (`Lazy`) is dumped item by item as it is written: the bytes on
stdout are exactly those `say_json` prints.

Must never: print anything but what `say_json` would (same bytes, same final newline).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterator, Sequence
from json.encoder import encode_basestring
from typing import Any, Generic, TypeVar

from authoring.core.safetext import json_text

T = TypeVar("T")

_BATCH = 4096
"""Pieces of encoder output written at a time."""


class Lazy(list[Any], Generic[T]):
    """A list for the encoder whose items are made as it reaches them (`dump(item)` of each of `items`).

    A `list` so that `json` encodes it as an array; empty or not as `items` is."""

    def __init__(self, items: Sequence[T], dump: Callable[[T], Any]) -> None:
        super().__init__()
        self.items = items
        self.dump = dump

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __iter__(self) -> Iterator[Any]:
        return (self.dump(item) for item in self.items)


def say_json_streamed(data: Any) -> None:
    """Print `data` as `options.say_json(data)` does, writing as it encodes."""
    out = sys.stdout
    batch: list[str] = []
    for piece in _pieces(data, 0):
        batch.append(piece)
        if len(batch) >= _BATCH:
            out.write(json_text("".join(batch)))  # escapes single characters: a batch cuts none in two
            batch.clear()
    batch.append("\n")
    out.write(json_text("".join(batch)))
    out.flush()


# `json.dumps(ensure_ascii=False, indent=2, default=str)` spelt out: with an indent, `json` encodes in Python piece
# by piece (its C encoder is used only without), a generator step per key, value and comma; here each item of the
# report's lists (a finding) is made as one string, the same characters in a third of the time.
_STREAMED_LEVELS = 2
"""Containers this shallow are written item by item (the report, its lists); deeper ones as one string each."""


def _pieces(value: Any, level: int) -> Iterator[str]:
    if level >= _STREAMED_LEVELS or not isinstance(value, list | tuple | dict) or not value:
        yield _dumped(value, level)
        return
    inner = "\n" + "  " * (level + 1)
    opening, closing = ("{", "}") if isinstance(value, dict) else ("[", "]")
    yield opening
    first = True
    for item in value.items() if isinstance(value, dict) else value:
        yield inner if first else "," + inner
        first = False
        if isinstance(value, dict):
            yield f"{encode_basestring(_key(item[0]))}: "
            yield from _pieces(item[1], level + 1)
        else:
            yield from _pieces(item, level + 1)
    yield "\n" + "  " * level + closing


def _dumped(value: Any, level: int) -> str:
    """`value` as `json` writes it `level` deep (the checks in `json.encoder._make_iterencode`'s order)."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None or isinstance(value, int | float):  # (bool is an int) spelt as a key is
        return _key(value)
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        inner = "\n" + "  " * (level + 1)
        return "[" + inner + ("," + inner).join(_dumped(v, level + 1) for v in value) + "\n" + "  " * level + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = "\n" + "  " * (level + 1)
        return ("{" + inner + ("," + inner).join(f"{encode_basestring(_key(k))}: {_dumped(v, level + 1)}"
                                                 for k, v in value.items()) + "\n" + "  " * level + "}")
    return _dumped(str(value), level)  # default=str


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == math.inf:
        return "Infinity"
    if value == -math.inf:
        return "-Infinity"
    return float.__repr__(value)


def _key(key: Any) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, float):
        return _float(key)
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, int):
        return int.__repr__(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")
