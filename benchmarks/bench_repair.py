"""`repair --all` on the corpus and a hostile deeply nested term: the baseline commit's code and this tree's,
in the same run (issue 18's targets: `repair --all` ≤ 5 s; hostile nesting refused in ≤ 0.5 s).

- `repair --all` (a dry run: plans every file, writes nothing) on the upstream layout, each code on its own
  copy, run twice (the second run reads a warm term index), beside `check` (cold, then warm) on a third copy
  with this tree's code: what reading and indexing every file costs, the floor under a repair run;
- with `--write`, `repair --all --write` on two more copies (warm index), one commit per repaired file: CPU
  seconds of the command and its Git processes, and per commit;
- a 40 KB term of 20,000 nested brackets: `check`, `show` and `repair` of it, each a new process.

CPU seconds (user + system of the process) are the figure: wall time on a shared machine is noise.

Usage: python benchmarks/bench_repair.py [--baseline REV] [--write]   (needs ../shared/corpus for the first part)
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.baseline import CORPUS, Run, baseline_tree, default_baseline, run_authoring, upstream_repo  # noqa: E402

DEPTH = 20_000


def hostile_repo(into: Path) -> Path:
    """A one-term glossary whose term nests 20,000 flow lists (40 KB)."""
    (into / "terms").mkdir(parents=True)
    (into / "authoring.toml").write_text('terms_dir = "terms"\n', encoding="utf-8")
    text = ("---\nterm: Hostile\ncanonical_id: HOSTILE\nstatus: draft\nnest: " + "[" * DEPTH + "]" * DEPTH
            + "\n---\n# Hostile\n")
    (into / "terms" / "HOSTILE.md").write_text(text, encoding="utf-8")
    for args in (["init", "--quiet"], ["add", "--all"], ["-c", "user.name=B", "-c", "user.email=b@example.org",
                                                          "commit", "--quiet", "-m", "hostile"]):
        subprocess.run(["git", "-C", str(into), *args], check=True, capture_output=True)
    return into


def line(label: str, before: Run, after: Run) -> None:
    ratio = after.cpu / before.cpu if before.cpu else float("nan")
    wall = f"(wall {before.wall:.1f} → {after.wall:.1f} s)"
    print(f"{label:<34}{before.cpu:>9.2f}{after.cpu:>9.2f}{ratio:>9.2f}   {wall}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", default=None, help="the commit to compare with (default: merge-base with main)")
    parser.add_argument("--write", action="store_true", help="also `repair --all --write` (minutes: a commit a file)")
    args = parser.parse_args()
    rev = args.baseline or default_baseline()
    with tempfile.TemporaryDirectory(prefix="bench-repair-") as tmp:
        work = Path(tmp)
        before_tree = baseline_tree(rev, work / "baseline")
        print(f"baseline {rev[:10]} vs this tree; CPU seconds")
        print(f"{'':<34}{'before':>9}{'after':>9}{'ratio':>9}")
        if (CORPUS / "dictionary").is_dir():
            repo_before = upstream_repo(work / "before")
            repo_after = work / "after"
            shutil.copytree(repo_before, repo_after, symlinks=True)
            written: dict[str, Run] = {}
            for attempt in ("cold index", "warm index"):
                old = run_authoring(before_tree, repo_before, "repair", "--all")
                new = run_authoring(ROOT, repo_after, "repair", "--all")
                line(f"repair --all, corpus ({attempt})", old, new)
                if attempt == "cold index":
                    first = new
            print(f"  after: {new.out.strip().splitlines()[-1]}")
            repo_check = work / "check"
            shutil.copytree(repo_before, repo_check, symlinks=True)
            for attempt in ("cold index", "warm index"):
                floor = run_authoring(ROOT, repo_check, "check")
                repair = new if attempt == "warm index" else first
                print(f"{'baseline: check (' + attempt + ')':<34}{'':>9}{floor.cpu:>9.2f}{'':>9}   (wall"
                      f" {floor.wall:.1f} s; repair --all {attempt.split()[0]} = {repair.cpu / floor.cpu:.1f}× check)")
            if args.write:
                for code, tree in (("before", before_tree), ("after", ROOT)):
                    repo = work / f"write-{code}"
                    shutil.copytree(repo_before, repo, symlinks=True)
                    run_authoring(tree, repo, "check")  # a warm index, as the dry runs left theirs
                    written[code] = run_authoring(tree, repo, "--as", "Bench Editor <editor@example.org>", "repair",
                                                  "--all", "--write", "--json")
                commits = json.loads(written["after"].out)["written"] if written["after"].out else 0
                line("repair --all --write, corpus", written["before"], written["after"])
                if commits:
                    print(f"  {commits} commits; per commit {1000 * written['before'].cpu / commits:.0f} →"
                          f" {1000 * written['after'].cpu / commits:.0f} ms CPU (Git's processes included)")
        else:
            print(f"(no corpus at {CORPUS}: the corpus figure is skipped)")
        hostile_before = hostile_repo(work / "hostile-before")
        hostile_after = work / "hostile-after"
        shutil.copytree(hostile_before, hostile_after, symlinks=True)
        for command in (["check", "HOSTILE"], ["show", "HOSTILE"], ["repair", "HOSTILE"]):
            old = run_authoring(before_tree, hostile_before, *command)
            new = run_authoring(ROOT, hostile_after, *command)
            line(f"hostile nesting: {' '.join(command)}", old, new)
        startup = run_authoring(ROOT, hostile_after, "--version")
        print(f"  (a process that only starts: {startup.cpu:.2f} s CPU)")


if __name__ == "__main__":
    main()
