"""`Glossary.repair` and `Glossary.repair_all`: plans from `core.repair`, written and committed one file at a
time, each as its own `ID: repair front matter` commit with a `repair` review event (the repairs made), landed
through `action_path.land` like every other action.

Which files need a plan is read from the term index (`Glossary.summaries`): a file that parses and has
no structural fault (`unfenced-entry`, `unterminated-block`) has nothing to repair, so a whole-corpus
run plans only the few hundred malformed files instead of reloading 1,691 (that reload was most of the
26 s `repair --all` took). A dry run plans them on every core (`repo.repair_pool`); a writing run plans
each here, then checks under the lock that the file still holds the bytes planned (else plans it again).
`progress(done, total)` is called in the calling thread once per planned file.

Must never: write a file whose plan is not `applicable` (parses, verified), or touch another file than it
and its event; import the service (it uses `action_path.Repository`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from authoring.errors import Conflict, EditError, UsageError
from authoring.repo.action_path import commit_message, land, new_event

if TYPE_CHECKING:
    from authoring.core.repair import RepairPlan
    from authoring.core.termfile import TermFile
    from authoring.repo.action_path import Repository
    from authoring.workflow.identity import Identity
    from authoring.workflow.review_log import ReviewEvent

# Problems a structural rule repairs in a file that otherwise parses.
STRUCTURAL = frozenset({"unfenced-entry", "unterminated-block"})

RepairProgress = Callable[[int, int], None]


@dataclass
class RepairResult:
    """One file's repair plan and, when it was written, the commit that holds it."""

    term_id: str
    plan: RepairPlan
    commit: str | None = None

    @property
    def message(self) -> str:
        """One line for a notification."""
        if self.commit:
            return f"{self.term_id}: repaired front matter ({self.commit[:8]})"
        if self.plan.applicable:
            return f"{self.term_id}: {len(self.plan.repairs)} repair(s) proposed"
        return f"{self.term_id}: nothing to repair" if not self.plan.needed else f"{self.term_id}: needs a person"

    def describe(self) -> str:
        """The proposed change as text (see `RepairPlan.describe`)."""
        return self.plan.describe()

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `--json`."""
        return {"term": self.term_id, "commit": self.commit, **self.plan.to_json()}


@dataclass
class RepairRun:
    """What `repair_all` did: how many files it looked at, and a result for each file that needed a plan."""

    checked: int
    results: list[RepairResult] = field(default_factory=list)

    def by_kind(self) -> dict[str, dict[str, int]]:
        """Per repair code: in how many files it was proposed, in how many of those the file is repairable,
        and how many were written."""
        table: dict[str, Counter[str]] = {}
        for result in self.results:
            for kind in result.plan.kinds:
                counts = table.setdefault(kind, Counter())
                counts["files"] += 1
                counts["repairable"] += result.plan.applicable
                counts["written"] += result.commit is not None
        columns = ("files", "repairable", "written")
        return {kind: {k: counts[k] for k in columns} for kind, counts in sorted(table.items())}


def needs_plan(glossary: Repository, term_ids: Collection[str] | None = None) -> list[str]:
    """The terms whose files do not parse or have a structural fault, from the index, in id order."""
    return [s.id for s in glossary.summaries(list(term_ids) if term_ids is not None else None)
            if not s.parses or any(p.code in STRUCTURAL for p in s.problems)]


def repair(glossary: Repository, term_id: str, write: bool = False, kinds: Collection[str] | None = None,
           confirmed: bytes | None = None) -> RepairResult:
    """One term's plan; with `write`, applied and committed, or `EditError` when it cannot be. With
    `confirmed` (the repaired bytes a person saw and accepted), any other result is refused (`Conflict`)."""
    result = repair_term(glossary, term_id, write, glossary.actor() if write else None, kinds, confirmed)
    if write and result.commit is None:
        plan = result.plan
        if not plan.needed:
            raise UsageError(f"{term_id}: nothing to repair")
        reason = (plan.refused or "; ".join(p.format() for p in plan.remaining[:1]) or "; ".join(plan.doubts[:1])
                  or "no repair found")
        raise EditError(f"{term_id}: cannot be repaired automatically ({reason}); nothing was written",
                        plan.remaining)
    return result


def repair_all(glossary: Repository, write: bool = False, kinds: Collection[str] | None = None,
               progress: RepairProgress | None = None) -> RepairRun:
    """Plans for every term that needs one; with `write`, each applicable plan is its own commit and the
    rest are reported, not raised."""
    from authoring.repo import repair_pool
    from authoring.repo.index import default_workers

    actor = glossary.actor() if write else None
    checked = len(glossary.term_ids())
    wanted = needs_plan(glossary)
    run = RepairRun(checked)
    if progress is not None:
        progress(0, len(wanted))
    planned: Iterable[tuple[str, RepairPlan | None]]
    if write:
        # planned here, one file at a time: the commits are the work, and a plan made here keeps its reading
        # of the file (a plan from a worker would cost two more readings per commit)
        planned = ((term_id, None) for term_id in wanted)
    else:
        paths = [glossary.term_path(term_id) for term_id in wanted]
        jobs = [(term_id, str(path), glossary.display(path)) for term_id, path in zip(wanted, paths, strict=True)]
        planned = repair_pool.plans(jobs, kinds, default_workers())  # a dry run: planned on every core
    for done, (term_id, plan) in enumerate(planned, 1):
        result = repair_term(glossary, term_id, write, actor, kinds, planned=plan)
        if result.plan.needed:
            run.results.append(result)
        if progress is not None:
            progress(done, len(wanted))
    return run


def repair_term(glossary: Repository, term_id: str, write: bool, actor: Identity | None,
                kinds: Collection[str] | None = None, confirmed: bytes | None = None,
                planned: RepairPlan | None = None) -> RepairResult:
    """Plan one term (or take `planned`, its plan made elsewhere); with `write` and an applicable plan, check
    under the lock that the file still holds the bytes planned (else plan again) and commit it with a
    `repair` review event (which repairs it made), through the same path as every action."""
    from authoring.core.repair import propose

    term: TermFile | None = None
    if planned is None:
        term = glossary.load(term_id)
        plan = propose(term, kinds)
    else:
        plan = planned
    repaired = plan.take_repaired()
    if not (write and plan.applicable):
        return RepairResult(term_id, plan)
    assert actor is not None
    with glossary.transaction() as tx:
        # the plan must match what is on disk now: a plan is a pure function of the file's bytes, so
        # unchanged bytes keep it (planning again was half the cost of `repair --all --write`)
        if term is None or _bytes_now(term) != term.data:
            term = glossary.load(term_id)
            if term.data != plan.before:
                plan = propose(term, kinds)
                repaired = plan.take_repaired()
        if not plan.applicable or plan.after is None:
            return RepairResult(term_id, plan)
        if confirmed is not None and plan.after != confirmed:
            raise Conflict(f"{term_id}: the file changed since the repair was shown; nothing was written")
        event = repair_event(glossary, term, plan.after, list(plan.kinds), actor, repaired)
        trailers = {"Term": term_id, "Action": "repair", "Repairs": ", ".join(plan.kinds)}
        commit = land(tx, [(term.path, plan.after, term.data)], event,
                      commit_message(term_id, "repair front matter", list(trailers.items())), actor)
    return RepairResult(term_id, plan, commit)


def _bytes_now(term: TermFile) -> bytes | None:
    """The file's bytes as they are now (read as `load_term` reads them), or None when it cannot be read."""
    from authoring.core.textfile import MAX_FILE_BYTES

    try:
        with term.path.open("rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1)
    except OSError:
        return None


def repair_event(glossary: Repository, term: TermFile, repaired: bytes, kinds: list[str],
                 actor: Identity, loaded: TermFile | None = None) -> ReviewEvent:
    """The `repair` event of a repaired file: bookkeeping, like a relocation — status and version as the
    repaired file states them, the content revision it now has, and the repairs made (`repairs`).
    `loaded`: `repaired` already loaded (the plan's `repaired`), used only when it holds exactly those bytes."""
    from authoring.core.termfile import load_term
    from authoring.workflow.review_log import Action, term_revision

    after = loaded if loaded is not None and loaded.data == repaired else load_term(
        term.path, term.display, data=repaired, fast=True)
    entry = after.entry or {}
    status = entry.get("status")
    status_text = str(status) if isinstance(status, str) else None
    return new_event(glossary, term.stem, actor, Action.REPAIR, from_status=status_text, to_status=status_text,
                     version=entry.get("version"), revision=term_revision(after),
                     note="repaired front matter: " + ", ".join(kinds), repairs=kinds)
