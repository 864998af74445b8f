"""The round-trip law and bad-input reporting on every file of the real corpus (skips when it is absent).

One pass over `../shared/corpus/dictionary`: every file is read without a crash; every parseable file
re-renders byte-identical through `Editor`; one edit per parseable file (a scalar set, a block scalar
replaced or a list appended, in rotation) writes the same bytes whether the editor was given ruamel's
reading or the fast one, and changes only the lines of the edited value — every line
outside its span is identical, and counted — and deepdiff of the parsed data shows only the requested
change; every block that does not parse is reported by a problem on one of its lines. The counts are
printed (`pytest -s`) and asserted.
"""

from __future__ import annotations

import zlib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml.nodes import Node, ScalarNode, SequenceNode

from authoring.core.paths import FieldPath, format_path, get_value
from authoring.core.roundtrip import Editor
from authoring.core.termfile import TermFile, load_term
from authoring.errors import EditError
from tests.roundtrip_support import changed_paths, deepdiff_path, outside_lines_kept, span_of, value_nodes

EXPECTED_FILES = 1691


def choose_edit(term: TermFile, turn: int) -> tuple[str, FieldPath, Node, Any]:
    """A deterministic edit for this file: (kind, path, node, value), rotating through the kinds."""
    parsed = term.entry_block
    assert parsed is not None and parsed.node is not None
    nodes = value_nodes(parsed.node)
    scalars = [(p, n) for p, n in nodes if isinstance(n, ScalarNode) and not n.style]
    quoted = [(p, n) for p, n in nodes if isinstance(n, ScalarNode) and n.style in ("'", '"')]
    literals = [(p, n) for p, n in nodes if isinstance(n, ScalarNode) and n.style == "|"]
    lists = [(p, n) for p, n in nodes if isinstance(n, SequenceNode) and n.value
             and all(isinstance(item, ScalarNode) for item in n.value)]
    pick = zlib.crc32(term.path.name.encode())
    kinds = [("literal", literals), ("append", lists), ("quoted", quoted), ("scalar", scalars)]
    kind, pool = kinds[turn % len(kinds)]
    if not pool:
        kind, pool = next((k, p) for k, p in kinds[::-1] if p)
    path, node = pool[pick % len(pool)]
    if kind == "literal":
        return "set", path, node, "Rewritten by the conformance test.\nIts second line, with ünïcode.\n"
    if kind == "append":
        return "append", path, node, "conformance item"
    return "set", path, node, f"edited value {pick % 997} — with: a colon"


@pytest.mark.slow
def test_the_whole_corpus_conforms(corpus: Path) -> None:
    files = sorted(p for p in (corpus / "dictionary").iterdir() if p.suffix == ".md")
    counts: Counter[str] = Counter()
    failures: list[str] = []
    turn = 0
    for path in files:
        counts["files"] += 1
        try:
            term = load_term(path, path.name)
        except Exception as exc:  # the point of the test: nothing may escape `load_term`
            failures.append(f"{path.name}: load_term raised {exc!r}")
            continue
        counts["read"] += 1
        if not term.parses:
            counts["malformed files"] += 1
            check_malformed_blocks_are_located(term, counts, failures)
            continue
        counts["parseable"] += 1
        editor = Editor(term)
        if editor.render() != term.data:
            failures.append(f"{path.name}: load → render is not byte-identical")
            continue
        counts["byte-identical"] += 1
        check_one_edit(term, turn, counts, failures)
        turn += 1
    summary = ", ".join(f"{key}: {value}" for key, value in sorted(counts.items()))
    print(f"\ncorpus conformance: {summary}")
    assert failures == [], "\n".join(failures[:20])
    assert counts["files"] == counts["read"] == EXPECTED_FILES
    assert counts["byte-identical"] == counts["parseable"] == counts["edited"]
    assert counts["edits alike on the fast reading"] == counts["edited"]
    assert counts["malformed blocks"] == counts["malformed blocks located"] > 0
    assert counts["lines outside edits kept"] == counts["lines outside edits"] > 0


def check_malformed_blocks_are_located(term: TermFile, counts: Counter[str], failures: list[str]) -> None:
    if term.split is None:
        if not term.errors:
            failures.append(f"{term.display}: unreadable without an error")
        return
    for block, parsed in zip(term.split.blocks, term.blocks, strict=True):
        if parsed is not None:
            continue
        counts["malformed blocks"] += 1
        first = block.first_line - 1  # the opening fence
        last = term.split.text.count("\n", 0, block.end)  # the closing fence (or the file's end)
        if any(p.severity == "error" and first <= p.line <= last + 1 and p.source_line is not None
               for p in term.problems):
            counts["malformed blocks located"] += 1
        else:
            failures.append(f"{term.display}: malformed block at line {first} has no error on its lines: "
                            f"{[p.format() for p in term.problems]}")


def check_one_edit(term: TermFile, turn: int, counts: Counter[str], failures: list[str]) -> None:
    kind, path, node, value = choose_edit(term, turn)
    first, last = span_of(term, path)
    editor = Editor(term)
    try:
        if kind == "append":
            editor.append(path, value)
        else:
            editor.set(path, value)
    except EditError as exc:
        failures.append(f"{term.display}: {kind} {format_path(path)} refused: {exc}")
        return
    counts["edited"] += 1
    counts[f"edit: {kind} {type(node).__name__}"] += 1
    # The editor works on either reading (ruamel's nodes or the libyaml fast path's): both must write
    # the same bytes.
    fast = Editor(load_term(term.path, term.display, term.data, fast=True))
    if kind == "append":
        fast.append(path, value)
    else:
        fast.set(path, value)
    if fast.render() == editor.render():
        counts["edits alike on the fast reading"] += 1
    else:
        failures.append(f"{term.display}: {kind} {format_path(path)} writes other bytes on the fast reading")
    kept, outside = outside_lines_kept(term.data, editor.render(), first, last)
    counts["lines outside edits"] += outside
    counts["lines outside edits kept"] += kept
    if kept != outside:
        failures.append(f"{term.display}: {kind} {format_path(path)} changed lines outside {first + 1}-{last + 1}")
    old = term.entry
    new = editor.term.entry
    assert old is not None and new is not None
    expected_old = get_value(old, path)
    expected_new = [*expected_old, value] if kind == "append" else value
    changed = changed_paths(old, new)
    wanted = deepdiff_path(path)
    allowed = {wanted, wanted + f"[{len(expected_old)}]"} if kind == "append" else {wanted}
    if not changed or not changed <= allowed or get_value(new, path) != expected_new:
        failures.append(f"{term.display}: {kind} {format_path(path)}: deepdiff shows {sorted(changed)}")
