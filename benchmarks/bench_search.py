"""Search as one types, at 1×, 4× and 10× the corpus: the latency of each keystroke, from the index.

Each size is the corpus laid out as upstream (`corpus_repo.upstream_copy(copies=N)`; 10× is 16,910 terms),
committed. On each, in this process, as the UI does it:

- the summary index is built (cold, as `check` builds it) and the text index once (`Glossary.prepare_search`,
  what the UI runs when its list is indexed): both printed, once per size;
- then real term names and a word that only bodies hold are typed character by character: every prefix is
  one `Glossary.search(prefix, fresh=False, limit=1000, snippets=40)` call (the UI's call per keystroke); the median,
  95th percentile and worst keystroke are printed with their growth from 1×;
- the command line: `authoring search "coherence flux" --json` in a fresh process (warm indexes).

Baselines measured in the same run, per keystroke, on the same repository: a naive scan that reads every
term file and looks for the text in it (what a search without an index costs), and `grep -ril TEXT` over the
terms folder (the quickest search a person has without us). They are slow at 10×, so they run on a few
keystrokes only (the last few prefixes of one name).

    python benchmarks/bench_search.py [--sizes 1,4,10] [--keep DIR]

Asserts nothing about time. The machine is shared: the load average is printed beside the figures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus_repo import CORPUS, upstream_copy  # noqa: E402
from benchmarks.figures import Growth  # noqa: E402

# Real names typed in full, and a word only term bodies hold (the corpus test checks it is body-only).
TYPED = ("Coherence Flux", "Entropy Pump", "Lagrangian Health", "Adaptive Resilience", "complements")
SNIPPETS, HITS = 40, 1000  # as the UI asks (authoring/tui/screens/browser.py)


def keystrokes(name: str) -> list[str]:
    """What the search box holds after each key typing `name`."""
    return [name[:n] for n in range(1, len(name) + 1)]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def naive_scan(terms: Path, text: str) -> int:
    """The baseline without an index: read every term file, look for the text case-insensitively."""
    wanted = text.casefold()
    return sum(1 for path in terms.glob("*.md")
               if wanted in path.read_text(encoding="utf-8", errors="replace").casefold())


def grep_scan(terms: Path, text: str) -> int:
    """The baseline a person has: `grep -ril TEXT` over the terms folder."""
    done = subprocess.run(["grep", "-ril", "--", text, str(terms)], capture_output=True, text=True, check=False)
    return len(done.stdout.splitlines())


def measure(size: int, repo: Path, figures: Growth) -> None:
    from authoring.repo.service import Glossary

    terms = repo / "modules" / "dictionary"
    print(f"[{size}×] {len(list(terms.glob('*.md')))} terms; load average {os.getloadavg()[0]:.1f}", flush=True)
    with Glossary.open(repo) as glossary:
        start = time.perf_counter()
        glossary.summaries()
        figures.add("summary index, build or refresh", size, (time.perf_counter() - start), unit="s")
        start = time.perf_counter()
        glossary.prepare_search()
        figures.add("text index, build or refresh (once)", size, (time.perf_counter() - start), unit="s")
        latencies: list[float] = []
        found: dict[str, int] = {}
        for name in TYPED:
            for typed in keystrokes(name):
                start = time.perf_counter()
                results = glossary.search(typed, fresh=False, limit=HITS, snippets=SNIPPETS)
                latencies.append((time.perf_counter() - start) * 1000)
            found[name] = len(results)
            if not results:
                print(f"  WARNING: {name!r} found nothing")
        count = len(latencies)
        figures.add("per keystroke, median", size, statistics.median(latencies),
                    extra=f" over {count} keystrokes")
        figures.add("per keystroke, 95th percentile", size, percentile(latencies, 0.95))
        figures.add("per keystroke, worst", size, max(latencies))
        print(f"  hits for the full texts: {', '.join(f'{k!r} {v}' for k, v in found.items())}")
        # the baselines, on the last three keystrokes of one name (the same texts for both)
        probe = keystrokes("Coherence Flux")[-3:]
        naive = []
        for typed in probe:
            start = time.perf_counter()
            naive_scan(terms, typed)
            naive.append((time.perf_counter() - start) * 1000)
        grep = []
        for typed in probe:
            start = time.perf_counter()
            grep_scan(terms, typed)
            grep.append((time.perf_counter() - start) * 1000)
        indexed = []
        for typed in probe:
            start = time.perf_counter()
            glossary.search(typed, fresh=False, limit=HITS, snippets=SNIPPETS)
            indexed.append((time.perf_counter() - start) * 1000)
        ours = statistics.median(indexed)
        figures.add("baseline: naive scan of every file, per keystroke", size, statistics.median(naive),
                    extra=f"; ours on the same keys {ours:.1f} ms = {ours / statistics.median(naive):.1%} of it")
        figures.add("baseline: grep -ril over the terms, per keystroke", size, statistics.median(grep),
                    extra=f"; ours = {ours / statistics.median(grep):.1%} of it")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    start = time.perf_counter()
    command = [sys.executable, "-m", "authoring", "search", "coherence flux", "--json", "--repo", str(repo)]
    done = subprocess.run(command, capture_output=True, env=env, cwd=ROOT, check=False)
    figures.add("command line: authoring search 'coherence flux'", size, time.perf_counter() - start, unit="s",
                extra=f", exit {done.returncode}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,4,10")
    parser.add_argument("--keep", type=Path, default=None, help="build (or reuse) the repositories here")
    args = parser.parse_args()
    if not (CORPUS / "dictionary").is_dir():
        print("../shared/corpus is absent: nothing to measure")
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"machine: {os.cpu_count()} cores, load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    figures = Growth("ms", digits=1, width=52)
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        for size in sizes:
            repo = (args.keep or Path(tmp)) / f"corpus-{size}x"
            if not (repo / ".git").is_dir():
                shutil.rmtree(repo, ignore_errors=True)
                start = time.perf_counter()
                upstream_copy(CORPUS, repo, copies=size)
                print(f"[{size}×] built in {time.perf_counter() - start:.0f} s", flush=True)
            measure(size, repo, figures)
    figures.print(sizes)
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
