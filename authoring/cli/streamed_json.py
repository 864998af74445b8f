"""`--json` output of a large report written as it is encoded, not built as one string first.

`options.say_json` prints `json.dumps(data, ensure_ascii=False, indent=2)`: for an audit of a large
glossary that is one string of tens of millions of characters (four bytes each once one emoji is in
it), then its escaped copy, then its UTF-8 bytes, all beside every finding's dumped form. Here the
same encoder's pieces are escaped and written in batches, and a long list (`Lazy`) is dumped item by
item as it is written: the bytes on stdout are exactly those `say_json` prints.

Must never: print anything but what `say_json` would (same bytes, same final newline).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
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
    # with an indent, `json.dumps` itself joins this same iterator's pieces (the C encoder is used only without)
    encoder = json.JSONEncoder(ensure_ascii=False, indent=2, default=str)
    out = sys.stdout
    batch: list[str] = []
    for piece in encoder.iterencode(data):
        batch.append(piece)
        if len(batch) >= _BATCH:
            out.write(json_text("".join(batch)))  # escapes single characters: a batch cuts none in two
            batch.clear()
    batch.append("\n")
    out.write(json_text("".join(batch)))
    out.flush()
