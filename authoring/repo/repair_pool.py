"""Repair plans made on every core: `repair --all` plans a few hundred files, each a pure function of its bytes.

`plans(jobs, kinds, workers)` yields `(term id, RepairPlan)` in the order of `jobs`, planned by `workers`
processes (`index.default_workers()`: `AUTHORING_WORKERS`, else every core) when there are enough files to
pay for a pool, else here. A plan made in a worker is the plan made here (`core.repair.propose` reads
nothing but the bytes it is given); the service still checks, under its lock, that the file holds the bytes
planned before it writes anything (`repair_service.repair_term`).

Workers come from the summary index's `process_pool` (fork while this process has one thread, else a fork
server; they let go of the standard streams and die with this process).

Must never: write files, touch Git, or yield a plan for bytes other than the ones it read.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from authoring.core.repair import RepairPlan

MIN_FILES = 48
"""Fewer files are planned here: starting workers costs more than planning them."""
CHUNK = 16


def plan_files(jobs: Sequence[tuple[str, str, str]], kinds: Collection[str] | None) -> list[RepairPlan]:
    """Plans for files `(term id, path, display name)`, read now. Top-level so that pool workers can run it."""
    from authoring.core.repair import propose
    from authoring.core.termfile import load_term

    made = []
    for _term_id, path, display in jobs:
        plan = propose(load_term(Path(path), display, fast=True), kinds)
        plan.take_repaired()  # a node graph: not sent back
        made.append(plan)
    return made


def plans(jobs: Sequence[tuple[str, str, str]], kinds: Collection[str] | None,
          workers: int) -> Iterator[tuple[str, RepairPlan]]:
    """`(term id, plan)` for every job `(term id, path, display name)`, in order (see the module docstring)."""
    if workers <= 1 or len(jobs) < MIN_FILES:
        for job in jobs:
            yield job[0], plan_files([job], kinds)[0]
        return
    from authoring.repo.index import process_pool

    chunks = [list(jobs[i:i + CHUNK]) for i in range(0, len(jobs), CHUNK)]
    with process_pool(min(workers, len(chunks))) as pool:
        for chunk, made in zip(chunks, pool.map(plan_files, chunks, [kinds] * len(chunks)), strict=True):
            for job, plan in zip(chunk, made, strict=True):
                yield job[0], plan
