"""`SlimTerm.locate` answers every field path with the line `TermFile.locate` gives, on the demo terms and the
corpus (both readings: fast and round-trip), while holding a fraction of the memory."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from authoring.core.paths import FieldPath
from authoring.core.termfile import TermFile, load_term
from authoring.repo.slim_term import SlimTerm
from tests.conftest import ROOT


def _paths(data: Any, prefix: FieldPath = ()) -> Iterator[FieldPath]:
    """Every path in the data, and a missing child under each (located at its deepest existing part)."""
    yield prefix
    yield (*prefix, "no-such-field")
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*prefix, str(key)))
    elif isinstance(data, list):
        yield (*prefix, len(data))
        for index, value in enumerate(data):
            yield from _paths(value, (*prefix, index))


def _agree(term: TermFile) -> int:
    slim = SlimTerm.of(term)
    assert slim.parses == term.parses and slim.path == term.path
    checked = 0
    for index, block in enumerate(term.blocks):
        for path in _paths(block.plain if block is not None else None):
            assert slim.locate(path, index)[0] == term.locate(path, index)[0], (term.display, index, path)
            checked += 1
    return checked


def test_demo_terms_locate_alike_on_both_readings() -> None:
    checked = 0
    for path in sorted((ROOT / "terms").glob("*.md")):  # one of them does not parse: located at its block
        for fast in (True, False):
            checked += _agree(load_term(path, path.name, fast=fast))
    assert checked > 500


def test_corpus_terms_locate_alike(corpus: Path) -> None:
    checked = 0
    for path in sorted((corpus / "dictionary").glob("*.md"))[::7]:
        checked += _agree(load_term(path, path.name, fast=True))
    assert checked > 10_000


@pytest.mark.slow
def test_a_slim_term_holds_a_fraction_of_the_memory(corpus: Path) -> None:
    paths = sorted((corpus / "dictionary").glob("*.md"))[:200]
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        terms = [load_term(p, p.name, fast=True) for p in paths]
        full = tracemalloc.get_traced_memory()[0] - before
        slims = [SlimTerm.of(t) for t in terms]
        del terms
        slim = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(slims) == 200
    assert slim < full / 4, (slim, full)
