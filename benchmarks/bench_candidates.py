"""Candidate recall and precision on the corpus's own ground truth, and the time per module.

Ground truth: which terms cite which module in their `provenance` (full entries' `sources[].module`
and stub entries' module lists), each reference resolved to a module file as `draft` resolves it.
For every module we rank its candidates and count how many of the terms that cite it are among the
top K (recall@K) and how many of the top K cite it (precision@K). Two baselines are measured in the
same run: the candidates that engrams, bold and quoted phrases alone give (unranked), and the terms
whose name or alias appears in the module text at all (the ceiling for name matching).

Target (issue 4): recall@40 ≥ 80 %. Prints figures; asserts nothing.

    python benchmarks/bench_candidates.py [--corpus ../shared/corpus] [--k 10 20 40]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from authoring.core.summary import summarise  # noqa: E402
from authoring.core.termfile import load_term  # noqa: E402
from authoring.drafting.candidates import find_candidates  # noqa: E402
from authoring.drafting.lexicon import KnownTerm, Lexicon  # noqa: E402
from authoring.drafting.modules import ModuleLibrary  # noqa: E402

BASELINE_KINDS = {"engram", "bold", "quoted"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--k", type=int, nargs="+", default=[10, 20, 40])
    args = parser.parse_args()
    if not (args.corpus / "dictionary").is_dir():
        print(f"no corpus at {args.corpus}; nothing to measure")
        return

    started = time.perf_counter()
    known = []
    for path in sorted((args.corpus / "dictionary").glob("*.md")):
        s = summarise(load_term(path))
        known.append(KnownTerm(s.id, s.term, tuple(s.aliases), s.status, tuple(s.modules)))
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    lexicon = Lexicon.build(known)
    build_seconds = time.perf_counter() - started

    library = ModuleLibrary(args.corpus / "modules")
    modules = list(library.modules())
    truth: dict[Path, set[str]] = {m.path: set() for m in modules}
    unresolved = 0
    for term in known:
        for ref in set(term.modules):
            found = library.matches(ref.strip())
            if not found:
                unresolved += 1
            for path in found:
                truth.setdefault(path, set()).add(term.id)
    pairs = sum(len(v) for v in truth.values())

    hits = dict.fromkeys(args.k, 0)
    listed = dict.fromkeys(args.k, 0)
    baseline_hits = 0
    mention_hits = 0
    any_hits = 0
    times: list[tuple[float, str, int]] = []
    for module in modules:
        t0 = time.perf_counter()
        ranked = find_candidates(module, lexicon)
        times.append((time.perf_counter() - t0, module.stem, len(module.text)))
        expected = truth.get(module.path, set())
        ids = [c.canonical_id for c in ranked]
        for k in args.k:
            top = set(ids[:k])
            hits[k] += len(expected & top)
            listed[k] += len(top)
        any_hits += len(expected & set(ids))
        baseline = {c.canonical_id for c in ranked if {e.kind for e in c.evidence} & BASELINE_KINDS}
        baseline_hits += len(expected & baseline)
        mentioned = {m.term_id for m in lexicon.scan(module.text)}
        mention_hits += len(expected & mentioned)

    seconds = [t for t, _, _ in times]
    print(f"corpus: {len(known):,} terms, {len(modules)} modules, {pairs:,} (term, module) pairs in provenance"
          f" ({unresolved} references name no module file)")
    print(f"reading the terms: {load_seconds:.1f} s; building the lexicon: {build_seconds * 1000:.0f} ms"
          f" ({sum(1 + len(t.aliases) for t in known):,} names and aliases)")
    print()
    print("baselines (same run):")
    print(f"  engrams + bold + quoted phrases alone, unranked: recall {baseline_hits / pairs:6.1%}")
    print(f"  the term's name or alias appears in the module:  recall {mention_hits / pairs:6.1%}")
    print(f"  any candidate at all (no cut-off):               recall {any_hits / pairs:6.1%}")
    print()
    print("ranked candidates:")
    for k in args.k:
        print(f"  top {k:>3}: recall {hits[k] / pairs:6.1%}   precision {hits[k] / max(listed[k], 1):6.1%}"
              f"   ({hits[k]:,} of {pairs:,} found; {listed[k]:,} listed)")
    print()
    print(f"time per module: median {statistics.median(seconds) * 1000:.1f} ms, mean"
          f" {statistics.mean(seconds) * 1000:.1f} ms, total {sum(seconds):.1f} s")
    slowest = sorted(times, reverse=True)[:3]
    print("slowest: " + ", ".join(f"{stem} ({size / 1e6:.1f} MB) {t * 1000:.0f} ms" for t, stem, size in slowest))


if __name__ == "__main__":
    main()
