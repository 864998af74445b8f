"""The code as it was before a change, and the corpus as upstream lays it out: what the before/after
benchmarks (`audit_precision.py`, `bench_repair.py`) run in the same run.

`baseline_tree(rev, into)` extracts commit `rev` of this repository with `git archive` (no worktree is
registered, nothing in the repository changes); `run_authoring(tree, repo, *args)` runs that tree's
`authoring` on a repository in a new process (its CPU time measured) with the tree first on `sys.path`.
`upstream_repo(into)` copies `../shared/corpus` into a fresh Git repository laid out as upstream has it,
`modules_subfolders/` included under `modules/`.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
sys.path.insert(0, str(ROOT))
from benchmarks.corpus_repo import git, upstream_copy  # noqa: E402


def default_baseline() -> str:
    """The commit this branch left main at (`git merge-base HEAD main`), or HEAD's parent without a main."""
    for args in (["merge-base", "HEAD", "main"], ["rev-parse", "HEAD~1"]):
        done = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False)
        if done.returncode == 0:
            return done.stdout.strip()
    raise SystemExit("no baseline commit: pass --baseline REV")


def baseline_tree(rev: str, into: Path) -> Path:
    """This repository's files at `rev`, extracted into `into` (a new directory)."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", rev], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def upstream_repo(into: Path, *, subfolders: bool = True) -> Path:
    """The corpus as upstream lays it out, committed, with an identity set for actions."""
    upstream_copy(CORPUS, into, commit=False)
    if subfolders:
        for item in (CORPUS / "modules_subfolders").iterdir():
            target = into / "modules" / item.name
            if item.is_dir():
                shutil.copytree(item, target)
            else:
                shutil.copy2(item, target)
    git(into, "add", "--all")
    git(into, "commit", "--quiet", "-m", "import corpus")
    git(into, "config", "user.name", "Bench Editor")
    git(into, "config", "user.email", "editor@example.org")
    return into


@dataclass
class Run:
    """One `authoring` process: its exit code, output, wall and CPU seconds."""

    code: int
    out: str
    err: str
    wall: float
    cpu: float


def run_authoring(tree: Path, repo: Path, *args: str) -> Run:
    """`python -m authoring --repo REPO ARGS` with `tree`'s code, timed (CPU: user + system of the child)."""
    env = {**os.environ, "PYTHONPATH": str(tree), "AUTHORING_WORKERS": "1", "GIT_CONFIG_NOSYSTEM": "1"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "authoring", "--repo", str(repo), *args], capture_output=True,
                          text=True, env=env, cwd=tree, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(done.returncode, done.stdout, done.stderr, wall, cpu)
