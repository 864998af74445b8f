"""The pruned all-pairs search finds exactly the pairs, with exactly the scores, that scoring every pair
sharing a word finds: on random glossaries (repeated definitions, a few common words, many rare ones)
and on the corpus's own definitions repeated as the 10× benchmark repeats them."""

from __future__ import annotations

import dataclasses
import random
from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from authoring.core.duplicates import Labelled, _vectors, similar_definitions
from authoring.core.similarity import Vector, similar_pairs
from tests.conftest import CORPUS


def every_pair(vectors: list[Vector], threshold: float) -> list[tuple[int, int, float]]:
    """The plain search the pruned one must agree with: every pair sharing a word scored, in the first's order."""
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for index, vector in enumerate(vectors):
        for token, weight in vector.items():
            postings[token].append((index, weight))
    found = []
    for index, vector in enumerate(vectors):
        scores: dict[int, float] = defaultdict(float)
        for token, weight in vector.items():
            for other, other_weight in postings[token]:
                if other > index:
                    scores[other] += weight * other_weight
        found += [(index, other, score) for other, score in scores.items() if score >= threshold]
    return sorted(found)


def _texts(seed: int, count: int) -> list[str]:
    chooser = random.Random(seed)
    common = [f"common{i}" for i in range(6)]
    middle = [f"middle{i}" for i in range(40)]
    rare = [f"rare{i}" for i in range(400)]
    texts: list[str] = []
    for _ in range(count):
        if texts and chooser.random() < 0.2:
            texts.append(chooser.choice(texts))  # a definition repeated word for word
            continue
        words = chooser.choices(common, k=chooser.randint(0, 8)) + chooser.choices(middle, k=chooser.randint(0, 8))
        words += chooser.choices(rare, k=chooser.randint(0, 6))
        chooser.shuffle(words)
        texts.append(" ".join(words))
    return texts


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), count=st.integers(0, 60),
       threshold=st.sampled_from([0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 0.999, 1.0]))
def test_the_pruned_search_finds_what_scoring_every_pair_finds(seed: int, count: int, threshold: float) -> None:
    vectors = [v for v in _vectors(_texts(seed, count)) if v]
    assert sorted(similar_pairs(vectors, threshold)) == every_pair(vectors, threshold)


def test_repeated_vectors_are_scored_in_the_order_of_the_first_of_each_pair() -> None:
    texts = ["alpha beta gamma delta", "gamma delta epsilon alpha", "alpha beta gamma delta",
             "gamma delta epsilon alpha", "zeta"]
    vectors = _vectors(texts)
    for threshold in (0.0, 0.2, 0.5, 0.9, 1.0):
        assert sorted(similar_pairs(vectors, threshold)) == every_pair(vectors, threshold)
    assert (0, 2, pytest.approx(1.0)) in similar_pairs(vectors, 0.9)


@pytest.mark.corpus
@pytest.mark.slow
def test_on_the_corpus_repeated_the_groups_are_those_of_scoring_every_pair() -> None:
    if not (CORPUS / "dictionary").is_dir():
        pytest.skip("the corpus is absent")
    from authoring.core.termfile import load_term

    terms = []
    for path in sorted((CORPUS / "dictionary").glob("*.md"))[:400]:
        entry = load_term(path, path.name, fast=True).entry or {}
        definition = entry.get("pirouette_definition")
        terms.append(Labelled(path.stem, None, (), definition if isinstance(definition, str) else ""))
    repeated = [dataclasses.replace(t, id=f"{t.id}_{copy}") for copy in range(3) for t in terms]
    vectors = _vectors([t.definition for t in repeated])
    for threshold in (0.3, 0.5):
        assert sorted(similar_pairs(vectors, threshold)) == every_pair(vectors, threshold)
    assert similar_definitions(repeated, 0.5)
