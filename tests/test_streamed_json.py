"""`audit --json` writes its report as it encodes it: the bytes are exactly those of `say_json`, whatever
the report holds (empty and nested lists, control and bidirectional characters, emoji, more items
than one batch)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from authoring.cli.options import say_json
from authoring.cli.streamed_json import Lazy, say_json_streamed

ITEMS = [{"code": "snippet-found", "message": f"found at L{n}\x1b[31m \u202e🧬 §2", "terms": [], "line": n,
          "nested": {"a": [1, 2.5, None, True], "b": {}}} for n in range(9000)]


@pytest.mark.parametrize("items", [[], ITEMS[:1], ITEMS], ids=["none", "one", "many"])
def test_the_streamed_report_is_byte_identical(items: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]) -> None:
    summary = {"terms": 3, "by_code": {"snippet-found": len(items)}, "trusted_base": "the work tree"}
    say_json({"findings": items, "summary": summary})
    expected = capsys.readouterr().out
    say_json_streamed({"findings": Lazy(list(range(len(items))), lambda n: items[n]), "summary": summary})
    assert capsys.readouterr().out == expected
    assert "\x1b" not in expected and "\\u001b" in expected if items else expected.startswith('{\n  "findings": []')


ODD: list[Any] = [float("nan"), float("inf"), -float("inf"), -0.0, 1e22, 2**70, (1, "two"), [], {}, [[{}]],
                  {7: "int key", 2.5: "float key", True: "t", False: "f", None: "n", "": "e"}, "\u2028\ud7ff\x7f\"\\/",
                  Path("/a/b"), {"deep": {"deeper": [{"x": [None, False]}]}}]


@pytest.mark.parametrize("value", ODD, ids=[str(n) for n in range(len(ODD))])
def test_every_kind_of_value_is_written_as_json_writes_it(value: Any, capsys: pytest.CaptureFixture[str]) -> None:
    for data in ({"value": value, "list": [value, value]}, {"findings": Lazy([value], lambda v: {"v": v})}, value):
        say_json(data)
        expected = capsys.readouterr().out
        say_json_streamed(data)
        assert capsys.readouterr().out == expected
