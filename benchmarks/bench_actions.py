"""One review and one promotion, load to commit, in-process, on a copy of the corpus laid out as
upstream (terms in `modules/dictionary/`), printed next to a bare `git commit` measured in the same run.

Target (spec §11): ≤ 100 ms per review or promotion. Prints figures; asserts nothing about time.

    python benchmarks/bench_actions.py [--corpus ../shared/corpus] [--rounds 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from authoring.core.termfile import load_term  # noqa: E402
from authoring.repo.service import Glossary  # noqa: E402
from benchmarks.corpus_repo import upstream_copy  # noqa: E402

EDITOR = "Alice Editor <alice@example.org>"
REVIEWER = "Bob Editor <bob@example.org>"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


def make_copy(corpus: Path, where: Path) -> Path:
    repo = upstream_copy(corpus, where / "pirouette")
    git(repo, "config", "user.name", "Bench Editor")
    git(repo, "config", "user.email", "bench@example.org")
    git(repo, "config", "commit.gpgsign", "false")
    return repo


def candidates(repo: Path, count: int) -> list[str]:
    """Candidates that parse: each gets one approval and one promotion to ratified."""
    found: list[str] = []
    for path in sorted((repo / "modules" / "dictionary").glob("*.md")):
        term = load_term(path)
        if term.parses and term.entry and term.entry.get("status") == "candidate" and not term.errors:
            found.append(path.stem)
            if len(found) == count:
                break
    return found


def bare_commits(repo: Path, rounds: int) -> list[float]:
    """`git commit --only` of one changed file, the floor any action pays."""
    path = repo / "bench-baseline.txt"
    times = []
    for n in range(rounds):
        path.write_text(f"{n}\n", encoding="utf-8")
        git(repo, "add", path.name)
        start = time.perf_counter()
        subprocess.run(["git", "-C", str(repo), "commit", "--quiet", "--only", "-m", f"baseline {n}", "--",
                        path.name], check=True)
        times.append(time.perf_counter() - start)
    return times


def ms(values: list[float]) -> str:
    return (f"median {statistics.median(values) * 1000:6.1f} ms   min {min(values) * 1000:6.1f} ms"
            f"   max {max(values) * 1000:6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    if not (args.corpus / "dictionary").is_dir():
        sys.exit(f"no corpus at {args.corpus}")
    with tempfile.TemporaryDirectory(prefix="bench-actions-") as tmp:
        os.environ["GIT_CONFIG_NOSYSTEM"] = "1"
        repo = make_copy(args.corpus, Path(tmp))
        terms = candidates(repo, args.rounds)
        baseline = bare_commits(repo, args.rounds)
        reviews: list[float] = []
        promotions: list[float] = []
        with Glossary.open(repo, REVIEWER) as reviewer, Glossary.open(repo, EDITOR) as editor:
            for term_id in terms:
                start = time.perf_counter()
                reviewer.review(term_id, "approve", "bench approval")
                reviews.append(time.perf_counter() - start)
                start = time.perf_counter()
                editor.promote(term_id, note="bench ratification")
                promotions.append(time.perf_counter() - start)
        print(f"corpus copy: {len(list((repo / 'modules' / 'dictionary').glob('*.md')))} terms, "
              f"{len(terms)} candidates, {args.rounds} rounds, upstream layout")
        print(f"bare git commit --only : {ms(baseline)}")
        print(f"review --approve       : {ms(reviews)}   ratio to bare commit "
              f"{statistics.median(reviews) / statistics.median(baseline):4.1f}x   (target <= 100 ms)")
        print(f"promote → ratified     : {ms(promotions)}   ratio to bare commit "
              f"{statistics.median(promotions) / statistics.median(baseline):4.1f}x   (target <= 100 ms)")


if __name__ == "__main__":
    main()
