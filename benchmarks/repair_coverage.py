"""How many of the corpus's malformed term files `repair` fixes, by rule; and what is left for a person.

A measurement of coverage, not of speed: for every file of `../shared/corpus/dictionary` it runs the
core's `propose` (pure: nothing is written) and counts the files whose front matter does not parse,
how many of them get an applicable, verified repair, the repairs by rule, and the faults left over.

    python benchmarks/repair_coverage.py [--corpus ../shared/corpus]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from authoring.core.repair import propose  # noqa: E402
from authoring.core.termfile import load_term  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    args = parser.parse_args()
    files = sorted((args.corpus / "dictionary").glob("*.md"))
    counts: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    left: Counter[str] = Counter()
    started = time.perf_counter()
    for path in files:
        term = load_term(path, path.name)
        plan = propose(term)
        broken = not term.parses
        counts["files"] += 1
        counts["malformed" if broken else "parseable"] += 1
        if not plan.needed:
            continue
        if plan.applicable:
            counts["malformed repaired" if broken else "parseable with a structural repair"] += 1
            rules.update(r.rule for r in plan.repairs)
        else:
            counts["left for a person"] += 1
            reason = plan.refused or (plan.remaining[0].code if plan.remaining else "?")
            left[f"{reason} ({path.name})"] += 1
    seconds = time.perf_counter() - started
    print(f"files: {counts['files']}, parseable: {counts['parseable']}, malformed: {counts['malformed']}")
    print(f"malformed files repaired (verified, applicable): {counts['malformed repaired']} of {counts['malformed']}"
          f" ({100 * counts['malformed repaired'] / max(counts['malformed'], 1):.1f}%)")
    print(f"parseable files given a structural repair (closing fence): {counts['parseable with a structural repair']}")
    print("repairs by rule: " + ", ".join(f"{rule} {n}" for rule, n in rules.most_common()))
    print(f"left for a person: {counts['left for a person']}")
    for reason, _ in left.most_common():
        print(f"  {reason}")
    print(f"{seconds:.1f} s for {counts['files']} files")


if __name__ == "__main__":
    main()
