"""How long `authoring queue` takes on the corpus, against `list` and `audit` measured in the same run.

The corpus is laid out as upstream (`corpus_repo.upstream_copy`), committed, with two editors and an
agent configured and a little history made through the tool (Bob approves and asks for changes on a few
candidates, Alice edits and promotes a draft). Then, each a fresh process with `--json` to a pipe:

- `list` warm (the term index): the floor any whole-glossary view pays;
- `audit --no-cache`: the walk over all of history that the queue must not need;
- `queue` cold (no stored answer), warm (the store, nothing changed), and after one more action
  (the store is stale: worked out again);
- `queue` as the other editor (a second entry of the store).

    python benchmarks/bench_queue.py [--repeat 3]

Asserts nothing about time; prints seconds (best of `--repeat`) and ratios.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus_repo import CORPUS, ROOT, git, upstream_copy

ALICE, BOB = "Alice Editor <alice@example.org>", "Bob Editor <bob@example.org>"
PEOPLE = f'\n[people]\neditors = ["{ALICE}", "{BOB}"]\nagents = ["Extractive Agent <agent@authoring.invalid>"]\n'


def authoring(repo: Path, *args: str, check: bool = True) -> tuple[float, str]:
    """Run the tool in a fresh process; (wall seconds, stdout)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "authoring", "--repo", str(repo), *args], capture_output=True,
                          text=True, env=env, check=False)
    took = time.perf_counter() - start
    if check and done.returncode not in (0, 1):
        raise SystemExit(f"authoring {' '.join(args)} failed ({done.returncode}): {done.stderr}")
    return took, done.stdout


def best(repo: Path, repeat: int, *args: str, before: list[str] | None = None) -> float:
    times = []
    for _ in range(repeat):
        if before:
            authoring(repo, *before)
        times.append(authoring(repo, *args)[0])
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo = upstream_copy(CORPUS, Path(tmp) / "pirouette")
        with (repo / "authoring.toml").open("a", encoding="utf-8") as config:
            config.write(PEOPLE)
        git(repo, "commit", "-qam", "editors")
        import json

        listed = json.loads(authoring(repo, "list", "--json")[1])
        rows = listed if isinstance(listed, list) else listed.get("terms", [])
        candidates = [r["id"] for r in rows if r.get("status") == "candidate"][:6]
        drafts = [r["id"] for r in rows if r.get("status") == "draft"][:2]
        for term in candidates[:3]:
            authoring(repo, "review", term, "--approve", "--as", BOB, check=False)
        for term in candidates[3:5]:
            authoring(repo, "review", term, "--request-changes", "--note", "cite the module", "--as", BOB,
                      check=False)
        for term in drafts[:1]:
            authoring(repo, "review", term, "--comment", "--note", "started", "--as", ALICE, check=False)
        terms = len(rows)
        list_warm = best(repo, options.repeat, "list", "--json")
        audit_cold = best(repo, 1, "audit", "--json", "--no-cache")
        store = next(Path(repo / ".git" / "authoring").glob("queue-v*.json"), None)
        if store:
            store.unlink()
        queue_cold = authoring(repo, "queue", "--json", "--as", BOB)[0]
        queue_warm = best(repo, options.repeat, "queue", "--json", "--as", BOB)
        queue_other = authoring(repo, "queue", "--json", "--as", ALICE)[0]
        authoring(repo, "review", candidates[5], "--comment", "--note", "one more action", "--as", ALICE, check=False)
        queue_after = authoring(repo, "queue", "--json", "--as", BOB)[0]
        data = json.loads(authoring(repo, "queue", "--json", "--as", BOB)[1])
        print(f"corpus: {terms} terms; Bob's queue: {data['counts']}")
        print(f"{'what':<44}{'seconds':>9}{'× list':>9}{'× audit':>9}")
        for name, took in (("list --json (warm index)", list_warm), ("audit --no-cache", audit_cold),
                           ("queue, cold (no stored answer)", queue_cold), ("queue, warm (stored)", queue_warm),
                           ("queue, another editor (cold for them)", queue_other),
                           ("queue after one more action (stale store)", queue_after)):
            print(f"{name:<44}{took:>9.2f}{took / list_warm:>9.2f}{took / audit_cold:>9.2f}")


if __name__ == "__main__":
    main()
