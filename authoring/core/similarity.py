"""Every pair of sparse unit vectors whose dot product (cosine similarity) reaches a threshold, exactly,
without scoring every pair that shares a word.

Scoring each pair that shares a word costs the sum over words of the square of how many vectors hold
it: quadratic in the number of vectors, since common words are held by a fixed share of them (a
glossary ten times larger took a hundred times longer). Two things keep the work near linear:

- identical vectors (a definition repeated word for word) are searched once, and every pair among
  their holders is scored once;
- the all-pairs search of Bayardo, Ma and Srikant ("Scaling up all pairs similarity search", WWW
  2007), with the L2 bound of Anastasiu and Karypis (L2AP, 2014): each vector is indexed only under
  its rarer words, leaving out its most common ones while what they could add to any dot product
  stays below the threshold; and a vector probes the index from its rarest word on, stopping where
  what its remaining, commoner words could add stays below it. A pair that reaches the threshold is
  always found (the module's tests compare with scoring every pair).

Each pair found is scored by the full dot product, summed in the order of the first vector's words
(the one with the lower index), so a score is the same float as scoring every pair gives.

Must never: approximate (a pair at the threshold is found, a pair below it never reported).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator, Sequence
from itertools import combinations

_MARGIN = 1e-9
"""How far below the threshold a pruning bound must stay to prune (floating-point sums are not exact)."""

Vector = dict[str, float]


def similar_pairs(vectors: Sequence[Vector], threshold: float) -> list[tuple[int, int, float]]:
    """`(i, j, score)` for every `i < j` whose vectors share a word and whose dot product, summed in
    `vectors[i]`'s order, is at least `threshold` (vectors of unit length, weights not negative)."""
    holders: dict[tuple[tuple[str, float], ...], list[int]] = {}
    for index, vector in enumerate(vectors):
        holders.setdefault(tuple(vector.items()), []).append(index)
    distinct = [vectors[members[0]] for members in holders.values()]
    members = list(holders.values())
    found: list[tuple[int, int, float]] = []
    for vector, same in zip(distinct, members, strict=True):
        score = dot(vector, vector)
        if vector and len(same) > 1 and score >= threshold:
            found += [(a, b, score) for a, b in combinations(same, 2)]
    for x, y in _candidates(distinct, threshold):
        forward = dot(distinct[x], distinct[y])
        # the first holder of `x` comes first; a later one may come after a holder of `y`
        backward = dot(distinct[y], distinct[x]) if members[x][-1] > members[y][0] else forward
        for a in members[x]:
            for b in members[y]:
                pair = (a, b, forward) if a < b else (b, a, backward)
                if pair[2] >= threshold:
                    found.append(pair)
    return found


def dot(vector: Vector, other: Vector) -> float:
    """The dot product, summed in `vector`'s order over the words both hold."""
    score = 0.0
    for token, weight in vector.items():
        other_weight = other.get(token)
        if other_weight is not None:
            score += weight * other_weight
    return score


def _candidates(vectors: Sequence[Vector], threshold: float) -> Iterator[tuple[int, int]]:
    """`(x, y)`, `x < y`, for a superset of the pairs whose dot product reaches `threshold`."""
    frequency: dict[str, int] = defaultdict(int)
    largest: dict[str, float] = defaultdict(float)
    for vector in vectors:
        for token, weight in vector.items():
            frequency[token] += 1
            largest[token] = max(largest[token], weight)
    limit = threshold - _MARGIN

    def commonest_first(vector: Vector) -> tuple[list[str], list[float], list[float]]:
        """The vector's words in one order for all (commonest first, then by the word); for each, the most
        the words up to it could add to a dot product with any vector, and their weights' norm."""
        tokens = sorted(vector, key=lambda t: (-frequency[t], t))
        bounds: list[float] = []
        norms: list[float] = []
        total = squares = 0.0
        for token in tokens:
            weight = vector[token]
            total += weight * largest[token]
            squares += weight * weight
            norms.append(math.sqrt(squares))
            bounds.append(min(total, norms[-1]))  # Cauchy–Schwarz: the other vector has unit length
        return tokens, bounds, norms

    ordered = [commonest_first(vector) for vector in vectors]
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for index, (tokens, bounds, norms) in enumerate(ordered):
        for token, bound, norm in zip(tokens, bounds, norms, strict=True):
            if bound >= limit:  # the words before it cannot reach the threshold alone: indexed from here
                postings[token].append((index, norm))
    for index, (tokens, bounds, norms) in enumerate(ordered):
        seen: set[int] = set()
        for position in range(len(tokens) - 1, -1, -1):
            if bounds[position] < limit:
                break  # a vector not met yet shares only commoner words, which cannot reach the threshold
            # met first here, a vector shares only words up to this one: the norms of both vectors' words
            # up to it bound the dot product (met again further on, the bound is only lower)
            norm = norms[position]
            seen.update(other for other, other_norm in postings.get(tokens[position], ())
                        if other > index and norm * other_norm >= limit)
        yield from ((index, other) for other in sorted(seen))
