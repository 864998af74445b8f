"""`git pull` of many concurrently edited terms through the merge driver, against Git's own text merge.

Two clones of one remote (the corpus laid out as upstream, `authoring init --adopt` run once so the
term files go to the driver) edit different fields of the same `--terms` terms, each in one commit.
One pushes, the other pulls (`git pull --no-rebase`); the pull is timed. Two kinds of edit:

- `apart`: one side dates every block (`last_updated`, as a workflow action does), the other renames
  the term (`term`): lines apart, so Git's text merge of each file is clean;
- `adjacent`: one side sets `symbol`, the other `aliases`, on neighbouring lines, so Git's text merge
  of each file conflicts and only the field merge can merge them.

Printed in the same run, as baselines: `git merge-file` on the same file triples (one process per
file, as Git runs a driver), and the same pull in a clone with no driver installed (Git's built-in
text merge). Then every merged file is compared with the field merge done in-process
(`merge.merge_term_bytes`): the same bytes, or (when the driver kept Git's clean text merge) the
same data.

    python benchmarks/bench_merge.py [--terms 200] [--kinds apart,adjacent] [--also /work/main]

`--also TREE` times the pull once more with the driver of another checkout (say, main before a
change), installed the way that checkout's `authoring init` installs it. Asserts nothing about time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus_repo import CORPUS, git, upstream_copy  # noqa: E402

TERMS_DIR = "modules/dictionary"


def machine() -> str:
    """Cores and load: figures from a shared machine are only comparable within one run."""
    return f"machine: {os.cpu_count()} cores, load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}"


def authoring(tree: Path, *args: str | Path) -> None:
    """`python -m authoring ARGS` with the code of `tree` (run there: `-m` puts the working folder first)."""
    env = {**os.environ, "PYTHONPATH": str(tree), "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run([sys.executable, "-m", "authoring", *map(str, args)], capture_output=True, text=True,
                          env=env, check=False, cwd=tree)
    if done.returncode != 0:
        raise SystemExit(f"authoring {' '.join(map(str, args))} failed: {done.stderr}")


def seed_remote(where: Path) -> Path:
    """The corpus as upstream lays it out, adopted (term files go to the driver), as a bare remote."""
    seed = upstream_copy(CORPUS, where / "seed")
    git(seed, "config", "user.name", "Bench Importer")
    git(seed, "config", "user.email", "import@example.org")
    authoring(ROOT, "init", "--adopt", seed)
    origin = where / "origin.git"
    git(where, "clone", "--quiet", "--bare", str(seed), str(origin))
    return origin


def clone(origin: Path, path: Path, driver_tree: Path | None) -> Path:
    """A clone with an identity; with `driver_tree`, that checkout's `authoring init` installs its driver."""
    git(path.parent, "clone", "--quiet", str(origin), str(path))
    git(path, "config", "user.name", path.name.capitalize())
    git(path, "config", "user.email", f"{path.name}@example.org")
    git(path, "config", "commit.gpgsign", "false")
    if driver_tree is not None:
        authoring(driver_tree, "init", path)
    return path


def pick(repo: Path, count: int) -> list[str]:
    """Terms with a legacy header and a full entry that both edits can be made on."""
    from authoring.core.termfile import load_term

    chosen: list[str] = []
    for path in sorted((repo / TERMS_DIR).glob("*.md")):
        term = load_term(path, path.name)
        entry = term.entry
        if (term.parses and not term.errors and entry is not None and len(term.blocks) == 2
                and isinstance(entry.get("term"), str) and "symbol" in entry and isinstance(entry.get("aliases"), list)
                and all(b is not None and isinstance(b.plain, dict) and "last_updated" in b.plain
                        for b in term.blocks)):
            chosen.append(path.stem)
            if len(chosen) == count:
                break
    return chosen


def edit(repo: Path, ids: list[str], kind: str, side: str) -> None:
    """Make one side's edit to every term (through the round-trip editor) and commit them together."""
    from authoring.core.roundtrip import Editor
    from authoring.core.termfile import load_term

    for term_id in ids:
        path = repo / TERMS_DIR / f"{term_id}.md"
        term = load_term(path, path.name)
        assert term.entry is not None
        editor = Editor(term)
        if kind == "apart" and side == "a":
            for block in range(len(term.blocks)):
                editor.set(("last_updated",), dt.date(2031, 1, 2), block=block)
        elif kind == "apart":
            editor.set(("term",), f"{term.entry['term']} (renamed)")
        elif side == "a":
            editor.set(("symbol",), "Σ_bench")
        else:
            editor.set(("aliases",), [*term.entry["aliases"], "bench alias"])
        path.write_bytes(editor.render())
    git(repo, "commit", "--quiet", "-am", f"bench: {kind} edits, side {side}")


def children_cpu() -> float:
    """CPU seconds used so far by finished child processes (Git and every driver it ran): on a shared
    machine this moves far less with the load than the wall clock does."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def pull(repo: Path) -> tuple[float, float, int, str]:
    """`git pull --no-rebase`: seconds, CPU seconds, exit status, and Git's output."""
    # without PYTHONPATH, as Git runs drivers for a user: each driver runs the code its line names
    env = {**{k: v for k, v in os.environ.items() if k != "PYTHONPATH"}, "GIT_CONFIG_NOSYSTEM": "1"}
    start, cpu = time.perf_counter(), children_cpu()
    done = subprocess.run(["git", "-C", str(repo), "pull", "--no-rebase", "--no-edit"], capture_output=True,
                          text=True, check=False, env=env)
    return time.perf_counter() - start, children_cpu() - cpu, done.returncode, done.stdout + done.stderr


def merge_file_baseline(where: Path, triples: list[tuple[bytes, bytes, bytes]]) -> tuple[float, float, int]:
    """Plain `git merge-file` on each (base, ours, theirs), one process per file: seconds, CPU seconds,
    files that conflicted."""
    conflicted = 0
    names = [where / n for n in ("O", "A", "B")]
    start, cpu = time.perf_counter(), children_cpu()
    for base, ours, theirs in triples:
        for name, data in zip(names, (base, ours, theirs), strict=True):
            name.write_bytes(data)
        done = subprocess.run(["git", "merge-file", "-q", str(names[1]), str(names[0]), str(names[2])],
                              capture_output=True, check=False)
        conflicted += done.returncode != 0
    return time.perf_counter() - start, children_cpu() - cpu, conflicted


def same_as_field_merge(triples: dict[str, tuple[bytes, bytes, bytes]], repo: Path) -> tuple[int, int, list[str]]:
    """Compare each pulled file with the in-process field merge: (same bytes, same data only, differing ids)."""
    from authoring.core.termfile import load_term
    from authoring.repo.merge import merge_term_bytes

    same_bytes = same_data = 0
    differing: list[str] = []
    for term_id, (base, ours, theirs) in triples.items():
        path = repo / TERMS_DIR / f"{term_id}.md"
        pulled = path.read_bytes()
        expected, outcome = merge_term_bytes(base, ours, theirs, f"{TERMS_DIR}/{term_id}.md")
        if pulled == expected:
            same_bytes += 1
            continue
        got, want = load_term(path, path.name, pulled), load_term(path, path.name, expected)
        if not outcome.conflicts and got.parses and [b.plain for b in got.blocks if b] == [
                b.plain for b in want.blocks if b]:
            same_data += 1
        else:
            differing.append(term_id)
    return same_bytes, same_data, differing


def run_kind(where: Path, origin: Path, kind: str, count: int, also: Path | None) -> None:
    work = where / kind
    work.mkdir()
    alice = clone(origin, work / "alice", None)
    ids = pick(alice, count)
    drivers = {"this tree": ROOT, **({f"--also {also}": also} if also else {})}
    clones = {label: clone(origin, work / f"bob{n}", tree) for n, (label, tree) in enumerate(drivers.items())}
    plain = clone(origin, work / "carol", None)  # no driver: Git's built-in text merge
    for repo in (*clones.values(), plain):
        edit(repo, ids, kind, "b")
    edit(alice, ids, kind, "a")
    git(alice, "push", "--quiet", "origin", "HEAD")
    bob = next(iter(clones.values()))
    triples = {}
    for term_id in ids:
        rel = f"{TERMS_DIR}/{term_id}.md"
        triples[term_id] = (git(bob, "show", f"HEAD~1:{rel}").encode(), (bob / rel).read_bytes(),
                            (alice / rel).read_bytes())
    baseline, baseline_cpu, conflicted = merge_file_baseline(work, list(triples.values()))
    where_edited = "lines apart" if kind == "apart" else "adjacent lines"
    print(f"[{kind}] {len(ids)} terms, both sides edited each ({where_edited})")
    print(f"  baseline: git merge-file on the {len(ids)} files, a process each: {baseline:6.2f} s,"
          f" {baseline_cpu:5.2f} s CPU  ({conflicted} conflicted)")
    plain_time, plain_cpu, plain_code, plain_out = pull(plain)
    print(f"  baseline: git pull without the driver (text merge):   {plain_time:6.2f} s, {plain_cpu:5.2f} s CPU"
          f"  (exit {plain_code}, {plain_out.count('CONFLICT')} conflicts)")
    for label, repo in clones.items():
        print(f"  driver ({label}): {git(repo, 'config', 'merge.authoring-term.driver').strip()}")
        seconds, cpu, code, out = pull(repo)
        status = f"exit {code}, {out.count('CONFLICT')} conflicts"
        print(f"  git pull through the driver ({label}): {seconds:6.2f} s, {cpu:5.2f} s CPU  ({status};"
              f" {seconds / baseline:.1f}× merge-file's time, {cpu / baseline_cpu:.1f}× its CPU;"
              f" {1000 * seconds / len(ids):.0f} ms, {1000 * cpu / len(ids):.0f} ms CPU a file)")
        same_bytes, same_data, differing = same_as_field_merge(triples, repo)
        print(f"    against the in-process field merge: {same_bytes} same bytes, {same_data} same data"
              f" (text merge kept), {len(differing)} different{': ' + ', '.join(differing[:5]) if differing else ''}")
        for term_id in differing[:2]:  # what Git and the driver said about them
            said = [line for line in out.splitlines() if term_id in line]
            print(f"    {term_id}: " + (" | ".join(said[:6]) or "(nothing in Git's output)"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--terms", type=int, default=200)
    parser.add_argument("--kinds", default="apart,adjacent")
    parser.add_argument("--also", type=Path, default=None, help="another checkout whose driver to time too")
    args = parser.parse_args()
    if not (CORPUS / "dictionary").is_dir():
        print("../shared/corpus is absent: nothing to measure")
        return
    print(machine())
    with tempfile.TemporaryDirectory(prefix="bench-merge-") as tmp:
        where = Path(tmp)
        origin = seed_remote(where)
        for kind in args.kinds.split(","):
            run_kind(where, origin, kind, args.terms, args.also.resolve() if args.also else None)
    print(machine())


if __name__ == "__main__":
    main()
