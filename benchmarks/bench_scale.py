"""How the tool grows with the corpus: check, list, UI start, audit, search and merge at 1×, 4× and 10×.

Each size is the corpus laid out as upstream (`corpus_repo.upstream_copy(copies=N)`: every term again
under suffixed ids, so 10× is 16,910 distinct terms citing the same 396 modules), committed. On each,
as a user runs them (a fresh process each, `--json` to a pipe):

- `check`: cold (no index) and warm (nothing changed);
- `list`: warm;
- the UI's start to a usable list (`bench_ui_start.launch`: a pseudo-terminal, the ready marker),
  warm, with its resident memory;
- `audit`: cold (no stored report) with its peak resident memory, then again with nothing changed
  (the stored report);
- `search`: one query, when the `search` command exists, and a query typed letter by letter through
  `Glossary.search` in one process, per keystroke (each skipped when the code has none);
- `merge`: `git pull` of `--merge-terms` terms edited on two clones (`bench_merge`: fields apart),
  against `git merge-file` on the same files.

Baselines in the same run: a plain ruamel.yaml round-trip load of every front-matter block (for
`check`; measured once on the corpus and multiplied by the size, which is exact by construction:
a size repeats the corpus), and `git merge-file` (for merge). Each figure is printed with its growth from 1×.
CPU seconds (the process and its children) are printed beside wall time: this machine is shared.

    python benchmarks/bench_scale.py [--sizes 1,4,10] [--code TREE] [--merge-terms 50] [--skip ui,merge]

`--code TREE` measures another checkout's code (say, main before a change) on the same repositories.
Asserts nothing about time.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus_repo import CORPUS, git, upstream_copy  # noqa: E402
from benchmarks.figures import Growth  # noqa: E402


@dataclass
class Run:
    """One command: wall seconds, CPU seconds (its own and its children's), peak resident MB, exit status."""

    seconds: float
    cpu: float
    peak_mb: float
    code: int
    out: bytes


def run(code_tree: Path, *args: str | Path) -> Run:
    """`python -m authoring ARGS` with the code of `code_tree`, measured with `wait4` (this child alone).
    Run in `code_tree`: `-m` puts the working folder first on the path."""
    env = dict(os.environ, PYTHONPATH=str(code_tree))
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen([sys.executable, "-m", "authoring", *map(str, args)], stdout=out,
                                   stderr=subprocess.DEVNULL, env=env, cwd=code_tree)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        data = out.read()
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, process.returncode, data)


def ruamel_load_corpus() -> float:
    """The baseline: ruamel.yaml round-trip loading of every front-matter block of the corpus, one core."""
    from benchmarks.bench_check import blocks_of, ruamel_baseline

    return ruamel_baseline(blocks_of(CORPUS / "dictionary"))


def forget(repo: Path, what: str) -> None:
    """Drop the term index (`index`) or the stored audit reports (`audit`)."""
    store = repo / ".git" / "authoring"
    if what == "index":
        for path in store.glob("term-index*"):
            path.unlink()
    else:
        for path in store.glob("audit-*"):
            path.unlink()


def has_search(code_tree: Path) -> bool:
    """Whether the code measured has a `search` command (the workbench issue adds it)."""
    return run(code_tree, "search", "--help").code == 0


_KEYSTROKES = """
import json, statistics, sys, time
from pathlib import Path
from authoring.repo.service import Glossary
if not hasattr(Glossary, "search"):
    print(json.dumps(None)); sys.exit(0)
with Glossary.open(Path(sys.argv[1])) as glossary:
    fresh = {}
    if hasattr(glossary, "prepare_search"):  # what the UI runs once its list is indexed
        glossary.prepare_search()
        fresh = {"fresh": False, "limit": 1000, "snippets": 40}  # the UI's call per keystroke
    else:
        glossary.search("t")
    times = []
    for typed in ("tidal loom", "coherence flux", "weft pressure", "resonance"):
        for end in range(1, len(typed) + 1):
            start = time.perf_counter()
            glossary.search(typed[:end], **fresh)
            times.append(time.perf_counter() - start)
    times.sort()
    print(json.dumps([statistics.median(times), times[int(0.95 * (len(times) - 1))]]))
"""


def search_keystrokes(code_tree: Path, repo: Path) -> tuple[float, float] | None:
    """Seconds per keystroke (median, 95th percentile) of `Glossary.search` as the UI calls it, typing four
    names letter by letter in one process, once the index is prepared; None when the code has no search."""
    done = subprocess.run([sys.executable, "-c", _KEYSTROKES, str(repo)], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(code_tree)), cwd=code_tree, check=False)
    if done.returncode != 0:
        print(f"  search per keystroke: failed: {done.stderr.strip().splitlines()[-1:]}")
        return None
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    return None if answer is None else (answer[0], answer[1])


BASELINE_1X: dict[str, float] = {}


def measure_size(size: int, repo: Path, code_tree: Path, table: Growth, skip: set[str], merge_terms: int,
                 where: Path, merge_max: int = 10) -> None:
    terms = len(list((repo / "modules" / "dictionary").glob("*.md")))
    print(f"[{size}×] {terms} terms; load average {os.getloadavg()[0]:.1f}", flush=True)
    if "seconds" not in BASELINE_1X:
        # minutes of pure-Python parsing at 10×: measured once on the corpus itself (the sizes repeat it
        # under other ids, so the load is linear in the size by construction)
        BASELINE_1X["seconds"] = ruamel_load_corpus()
        print(f"  baseline: ruamel round-trip load of every block of the corpus (1×): {BASELINE_1X['seconds']:.2f} s")
    baseline = BASELINE_1X["seconds"] * size
    forget(repo, "index")
    cold = run(code_tree, "check", "--json", "--repo", repo)
    table.add("check, cold", size, cold.seconds, extra=f", {cold.cpu:.1f} s CPU, {cold.seconds / baseline:.0%} of"
              " the ruamel load")
    warm = run(code_tree, "check", "--json", "--repo", repo)
    table.add("check, warm", size, warm.seconds, extra=f", {warm.cpu:.1f} s CPU, {warm.seconds / baseline:.1%} of"
              " the ruamel load")
    listed = run(code_tree, "list", "--json", "--repo", repo)
    table.add("list, warm", size, listed.seconds, extra=f", {listed.cpu:.1f} s CPU")
    if "ui" not in skip:
        from benchmarks import bench_ui_start

        bench_ui_start.ROOT = code_tree  # the UI of the code measured
        launch = bench_ui_start.launch(repo, where / f"ui-cache-{size}", code=code_tree)
        rss = max(launch.rss_listed_mb, launch.rss_indexed_mb)
        table.add("UI start to a usable list, warm", size, launch.listed,
                  extra=f"; every row indexed {launch.indexed:.2f} s; {rss:.0f} MB")
    if "audit" not in skip:
        forget(repo, "audit")
        audit = run(code_tree, "audit", "--json", "--repo", repo)
        table.add("audit, cold", size, audit.seconds, extra=f", {audit.cpu:.1f} s CPU, peak {audit.peak_mb:.0f} MB,"
                  f" exit {audit.code}")
        table.add("audit, cold: peak resident memory", size, audit.peak_mb, unit="MB")
        again = run(code_tree, "audit", "--json", "--repo", repo)
        same = "same report" if again.out == audit.out else "A DIFFERENT REPORT"
        table.add("audit again, nothing changed", size, again.seconds,
                  extra=f", {again.cpu:.1f} s CPU, peak {again.peak_mb:.0f} MB, {same}")
    if "search" not in skip:
        if has_search(code_tree):
            found = run(code_tree, "search", "tidal", "--json", "--repo", repo)
            table.add("search 'tidal'", size, found.seconds, extra=f", {found.cpu:.1f} s CPU, exit {found.code}")
        else:
            print("  search: no `search` command in this code: skipped")
        keystrokes = search_keystrokes(code_tree, repo)
        if keystrokes is None:
            print("  search per keystroke: no `Glossary.search` in this code: skipped")
        else:
            median, p95 = keystrokes
            table.add("search per keystroke as the UI types, median", size, median * 1000, unit="ms")
            table.add("search per keystroke as the UI types, p95", size, p95 * 1000, unit="ms")
    if "merge" not in skip and size <= merge_max:
        merge_at(size, repo, code_tree, table, merge_terms, where)


def merge_at(size: int, repo: Path, code_tree: Path, table: Growth, count: int, where: Path) -> None:
    """`git pull` of `count` terms edited on two clones of this repository, through the driver of `code_tree`."""
    from benchmarks import bench_merge

    work = where / f"merge-{size}"
    work.mkdir()
    bench_merge.authoring(code_tree, "init", "--adopt", repo)
    origin = work / "origin.git"
    git(work, "clone", "--quiet", "--bare", str(repo), str(origin))
    alice = bench_merge.clone(origin, work / "alice", None)
    bob = bench_merge.clone(origin, work / "bob", code_tree)
    ids = bench_merge.pick(alice, count)
    bench_merge.edit(bob, ids, "apart", "b")
    bench_merge.edit(alice, ids, "apart", "a")
    git(alice, "push", "--quiet", "origin", "HEAD")
    rel = bench_merge.TERMS_DIR
    triples = [(git(bob, "show", f"HEAD~1:{rel}/{i}.md").encode(), (bob / rel / f"{i}.md").read_bytes(),
                (alice / rel / f"{i}.md").read_bytes()) for i in ids]
    baseline, baseline_cpu, _ = bench_merge.merge_file_baseline(work, triples)
    table.add(f"merge: git merge-file on {len(ids)} files", size, baseline, extra=f", {baseline_cpu:.2f} s CPU")
    seconds, cpu, code, out = bench_merge.pull(bob)
    table.add(f"merge: git pull of {len(ids)} edited terms", size, seconds,
              extra=f", {cpu:.1f} s CPU, exit {code}, {out.count('CONFLICT')} conflicts, {seconds / baseline:.1f}×"
              " merge-file")
    shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,4,10")
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout whose code to measure")
    parser.add_argument("--merge-terms", type=int, default=50)
    parser.add_argument("--merge-max", type=int, default=10, help="measure merge only up to this size (clones of"
                        " the 10× corpus take minutes on a loaded machine)")
    parser.add_argument("--skip", default="", help="comma-separated: ui, audit, search, merge")
    parser.add_argument("--keep", type=Path, default=None, help="build (or reuse) the repositories here")
    args = parser.parse_args()
    if not (CORPUS / "dictionary").is_dir():
        print("../shared/corpus is absent: nothing to measure")
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    skip = set(filter(None, args.skip.split(",")))
    print(f"machine: {os.cpu_count()} cores, load average {', '.join(f'{x:.1f}' for x in os.getloadavg())};"
          f" code measured: {args.code}")
    table = Growth("s")
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        where = Path(tmp)
        for size in sizes:
            repo = (args.keep or where) / f"corpus-{size}x"
            if not (repo / ".git").is_dir():
                with contextlib.suppress(FileNotFoundError):
                    shutil.rmtree(repo)
                start = time.perf_counter()
                upstream_copy(CORPUS, repo, copies=size)
                print(f"[{size}×] built in {time.perf_counter() - start:.0f} s", flush=True)
            measure_size(size, repo, args.code.resolve(), table, skip, args.merge_terms, where, args.merge_max)
    table.print(sizes)
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
