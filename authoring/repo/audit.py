"""The audit (spec §8): one pass over the repository and its history, every finding located.

Provenance — does each cited snippet still stand in its module, where the citation says?
Workflow — was every status change in history recorded as a review event; did every ratification
have valid approvals (not the author's own, not an agent's, not given to older content)?
Integrity — dangling crosslinks and association-matrix ids, duplicate ids, id ≠ file name,
legacy headers that disagree with the entry (the problems `load_term` reports).
Adoption — an adoption record (`workflow.adoption`) accepts the state it found: history up to and
including the adoption commit is the baseline, and only what happened since is judged.
Authorship — every review event must be added by a commit whose author is the event's `who`
(`workflow.authorship`, the rule the gates use too); claims nobody proved are reported.
Signatures — with `--require-signed` (or `[audit] require_signed`), every event's commit and every
status-change commit must be signed by its author's key, verified against the allowed signers of
the trusted base (`repo.trust`); changes to the policy after that base are judged too.
Status changes are followed through revisions that do not parse (a lenient read of `status:`).

Cost: one `git log` walk over the terms and review-log folders; every distinct blob parsed once
(work-tree files and the committed blobs they equal share one parse). On the corpus most of the time
goes to reading the work-tree terms (parsed on every core: `repo.audit_read`); the stages that need one
term at a time (provenance, module references, what integrity reads of each entry: `repo.audit_terms`)
run in this process as each term arrives, and the same pool then searches for duplicates and reads the
newest adoption record (`repo.aside`) while this process checks integrity and walks the history. Each
stage's findings are joined in the order the stages have always run, so the report is the same, finding
for finding. `progress` reports each stage item by item, in `STAGES` order.

Must never: write files or run Git except through `repo.git`; import a UI.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from authoring.core.crosslinks import Resolver
from authoring.errors import Problem, Severity
from authoring.repo.aside import aside
from authoring.repo.audit_read import current_revisions, reading_pool
from authoring.repo.audit_terms import TermStages
from authoring.repo.crosslinks import link_findings
from authoring.repo.git import LogCommit
from authoring.repo.index import default_workers
from authoring.repo.merge_findings import MergeFinding, judge_merge_change
from authoring.repo.revisions import ABSENT, Revision, RevisionCache
from authoring.repo.trail import adder_of
from authoring.repo.trust import TrustedBase, policy_changes, trusted_base
from authoring.workflow import gates
from authoring.workflow.adoption import AdoptionRecord, is_adoption_path, parse_adoption
from authoring.workflow.authorship import Finding as Rule
from authoring.workflow.authorship import authored
from authoring.workflow.identity import Role, email_of
from authoring.workflow.review_log import Action, MalformedEvent, ReviewEvent, parse_event

if TYPE_CHECKING:
    from authoring.repo.action_path import Repository


# Statuses reached only through review: arriving at one without a recorded review is suspicious.
REVIEWED_STATUSES = {"candidate", "ratified", "rejected", "deprecated"}


class Finding(BaseModel):
    """One thing the audit found, located as precisely as it can be."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    severity: Severity
    """`error` (the audit fails), `warning` or `info`."""
    code: str
    """A stable code (`snippet-moved`, `unreviewed-status-change`, …) for scripts to match on."""
    term: str | None
    """The term's canonical id (its file stem)."""
    message: str
    """What was found, in words."""
    commit: str | None = None
    """The commit the finding is about, when it is about history."""
    module: str | None = None
    """The module reference, for provenance findings."""
    lines: str | None = None
    """Where in the module the citation says the snippet stands (`L29-L30`, `§2`)."""
    now: str | None = None
    """Where the snippet stands in the module now (`L32-L33 in §2`), when it was found."""
    path: str | None = None
    """The file the finding is located in."""
    line: int | None = None
    """The line in `path`, when known."""
    terms: list[str] = Field(default_factory=list)
    """Every term a grouped finding is about (`label-collision`, …), `term` being the first."""

    def format(self) -> str:
        """One line: `path:line: severity: code: TERM: message [commit]`."""
        where = f"{self.path}:{self.line}" if self.path and self.line else (self.path or self.term or "-")
        extra = f" [{self.commit[:10]}]" if self.commit else ""
        return f"{where}: {self.severity}: {self.code}: {self.message}{extra}"


class AuditReport(BaseModel):
    """Everything the audit found, and counts by severity and code."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    findings: list[Finding] = Field(default_factory=list)
    """Every finding, errors first, then by term."""
    summary: dict[str, Any] = Field(default_factory=dict)
    """`terms`, `commits`, `by_severity` {error, warning, info} and `by_code` counts."""

    @property
    def errors(self) -> int:
        """How many error-level findings stand."""
        return sum(1 for f in self.findings if f.severity == Severity.ERROR)


@dataclass(frozen=True)
class AuditProgress:
    """A step of an audit: `done` of `total` items of `stage` are through."""

    stage: str
    """What the audit is doing: one of `STAGES`."""
    done: int
    """How many items of the stage are through."""
    total: int
    """How many items the stage has (terms, or commits for `walking history`); 0 while not yet known."""


STAGES = ("reading terms", "checking integrity", "checking provenance", "walking history", "checking workflow")
"""The audit's stages, in the order they run (the history is counted in commits, the rest in terms)."""

_Item = TypeVar("_Item")

AuditProgressCallback = Callable[[AuditProgress], None]


def _quiet(step: AuditProgress) -> None:
    """The progress callback when nobody is watching."""


@dataclass
class _StatusChange:
    term: str
    commit: LogCommit
    index: int  # position in the walk, 0 = newest
    before: Revision
    after: Revision
    status_from: str | None = None
    status_to: str | None = None
    laundered: bool = False  # one side does not parse: seen only through the lenient read of `status:`


@dataclass
class _TermTrail:
    """What history says about one term."""

    changes: list[_StatusChange] = field(default_factory=list)
    events: list[tuple[int, ReviewEvent]] = field(default_factory=list)  # (walk index, event)
    content_authors: list[tuple[int, str, str]] = field(default_factory=list)  # (walk index, author, commit)
    steps: list[tuple[int, LogCommit, Revision, Revision]] = field(default_factory=list)  # newest first
    creations: list[_StatusChange] = field(default_factory=list)  # the term appearing with a status


class Auditor:
    """One audit run over a glossary."""

    def __init__(self, glossary: Repository, require_signed: bool = False,
                 progress: AuditProgressCallback | None = None, trusted_rev: str | None = None) -> None:
        self.glossary = glossary
        # called once per term or commit in every stage: the caller throttles what it shows
        self.progress = progress or _quiet
        self.git = glossary.git
        self.cache = RevisionCache(glossary.git, slim=True)  # every term is held at once: keep them small
        self.require_signed = require_signed or glossary.config.audit.require_signed
        self.trusted_rev = trusted_rev
        self.findings: list[Finding] = []
        self.config = glossary.config
        self.trusted = glossary.config  # people and policy: the trusted base's, once `run` knows it
        self.agents: frozenset[str] = frozenset()
        self.signatures: dict[str, tuple[str, str]] = {}
        self.base: TrustedBase | None = None
        self._pending: list[tuple[str, LogCommit, Any]] = []  # event findings, reported once statuses are known
        self._rewritten: set[str] = set()  # event files some commit changed after they were added
        self._merge_findings: list[tuple[int, MergeFinding]] = []  # (walk index, what a merge did by itself)
        self.terms_rel = PurePosixPath(glossary.config.terms_dir).as_posix().strip("/")
        self.logs_rel = PurePosixPath(glossary.config.review_logs_dir).as_posix().strip("/")
        self.commits = 0
        # The newest adoption: (walk index of its commit, record). Commits at that index or older are
        # the accepted baseline.
        self.adoption: tuple[int, AdoptionRecord] | None = None
        self.pool: Executor | None = None  # the pool that read the terms, while it lasts (`run`)
        self._early: tuple[str, str, Callable[[], AdoptionRecord | Problem]] | None = None  # `_adoption_aside`

    @property
    def baseline_index(self) -> int:
        """The walk index from which history is the adopted baseline (past the oldest commit: none)."""
        return self.adoption[0] if self.adoption is not None else self.commits + 1

    def add(self, severity: Severity, code: str, term: str | None, message: str, **where: Any) -> None:
        """Record a finding."""
        self.findings.append(Finding(severity=severity, code=code, term=term, message=message, **where))

    def run(self) -> AuditReport:
        """Audit everything; the report's findings are sorted errors first."""
        with trusted_base(self.git, self.glossary.root, self.config, self.trusted_rev, self.require_signed) as base:
            self.base = base
            self.trusted = base.config
            self.agents = frozenset(email_of(a) for a in base.config.people.agents)
            term_ids = self.glossary.term_ids()
            # one pool reads the terms, then searches for duplicates while this process runs the later stages
            with reading_pool(default_workers(), len(term_ids)) as pool:
                current, stages = self._read(term_ids, pool)
                self.pool = pool
                from authoring.repo.duplicate_findings import duplicates_aside  # review aids: warnings, grouped

                display = {t: self._display(t) for t in current}
                with duplicates_aside(current, self.config.duplicates.similar_definition, display, pool,
                                      stages.take_labelled()) as duplicates:
                    self._integrity(current, stages)
                    after_integrity = len(self.findings)
                    for _ in self._steps("checking provenance", list(current)):
                        pass  # checked as each term was read (`_read`): shown so, each stage in its turn
                    self.findings += stages.provenance
                    self.findings += stages.reference_findings(current)
                    del stages  # all it kept is reported: let it go before the walk (the audit's peak comes later)
                    trails = self._walk(base.signers)
                    self.findings[after_integrity:after_integrity] = duplicates()  # reported after integrity
                self.pool = None
            self._workflow(current, trails)
            for found in policy_changes(self.git, base, self.config, self.require_signed):
                self.add(found.severity, "policy-change", None, found.message, commit=found.commit.commit)
        order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
        self.findings.sort(key=lambda f: (order[f.severity], f.term or "", f.code))
        by_severity = Counter(str(f.severity) for f in self.findings)
        summary = {
            "terms": len(term_ids),
            "commits": self.commits,
            "by_severity": {str(s): by_severity.get(str(s), 0) for s in Severity},
            "by_code": dict(sorted(Counter(f.code for f in self.findings).items())),
            "trusted_base": base.describe(),
            "signatures_required": self.require_signed,
        }
        return AuditReport(findings=self.findings, summary=summary)

    def _read(self, term_ids: list[str], pool: Executor | None) -> tuple[dict[str, Revision], TermStages]:
        """Every current term, read by `pool` (`audit_read`) and kept in the cache by blob (the walk parses none
        again); the stages that need one term at a time (`audit_terms`) run here as each arrives."""
        current: dict[str, Revision] = {}
        stages = TermStages(self, term_ids)
        reads = current_revisions(self.cache, self.glossary.terms_dir, [(t, self._display(t)) for t in term_ids],
                                  default_workers(), pool)
        with contextlib.closing(reads):
            for term_id, read in zip(self._steps("reading terms", term_ids), reads, strict=True):
                if isinstance(read, str):  # a file name that is no safe id, a symlink out: one finding, no abort
                    self.add(Severity.ERROR, "unsafe-path", term_id, read, path=self._display(term_id))
                    continue
                current[term_id] = read
                stages.read(term_id, read)
        return current, stages

    def _steps(self, stage: str, items: Sequence[_Item]) -> Iterator[_Item]:
        """`items`, reporting `stage` before the first and after each (so a stage is shown as it starts)."""
        total = len(items)
        self.progress(AuditProgress(stage, 0, total))
        for done, item in enumerate(items, 1):
            yield item
            self.progress(AuditProgress(stage, done, total))

    def _display(self, term_id: str) -> str:
        return f"{self.terms_rel}/{term_id}.md"

    # -- integrity ---------------------------------------------------------------------------------

    def _integrity(self, current: dict[str, Revision], stages: TermStages) -> None:
        known, linked, owners = stages.known, stages.integrity_links(current), stages.owners  # read as it arrived
        resolver = Resolver(known)
        # every "did you mean" at once, on every core (one by one they took 2 s at 16,910 terms)
        resolver.suggest_all(link.target for found in linked.values() for link in found)
        for term_id, revision in self._steps("checking integrity", list(current.items())):
            for problem in revision.problems:
                self.add(problem.severity, problem.code, term_id, problem.message, path=problem.path,
                         line=problem.line or None)
            for found in link_findings(linked.get(term_id, []), resolver):
                self.add(found.severity, found.code, term_id, found.message, path=self._display(term_id),
                         line=self._line(revision, found.link.path))
        stages.known, stages.linked = [], {}  # read: let go (the audit's peak memory comes later)
        for canonical, files in owners.items():
            if len(files) > 1:
                for term_id in files:
                    others = ", ".join(f for f in files if f != term_id)
                    self.add(Severity.ERROR, "duplicate-id", term_id,
                             f"canonical_id {canonical} is also claimed by {others}", path=self._display(term_id),
                             line=self._line(current[term_id], ("canonical_id",)))

    @staticmethod
    def _line(revision: Revision, path: tuple[str | int, ...]) -> int | None:
        if revision.term is None or not revision.term.parses:
            return None
        try:
            return revision.term.locate(path)[0]
        except (KeyError, IndexError, TypeError):
            return None

    # -- history -----------------------------------------------------------------------------------

    def _term_of(self, path: str) -> str | None:
        # PurePosixPath's suffix, stem and parent, spelt out: asked of every change in history
        folder, _, name = path.rpartition("/")
        dot = name.rfind(".")
        if dot > 0 and name[dot:] == ".md" and (folder or ".") == self.terms_rel:
            return name[:dot]
        return None

    def _walk(self, signers: Path | None) -> dict[str, _TermTrail]:
        trails: dict[str, _TermTrail] = {}
        # reading the log and its blobs takes a while before the commits can be counted
        self.progress(AuditProgress("walking history", 0, 0))
        log = self.git.log([f"{self.terms_rel}/", f"{self.logs_rel}/"], renames=True, merges=True)
        self.commits = len(log)
        if signers is not None:  # one Git process verifies every signed commit of the walk
            self.signatures = self.git.signatures([c.commit for c in log], signers)
        self.cache.prefetch([oid for commit in log for c in commit.changes for oid in (c.old_blob, c.new_blob)])
        with self._adoption_aside(log):
            self._walk_log(trails, log)
        return trails

    @contextlib.contextmanager
    def _adoption_aside(self, log: list[LogCommit]) -> Iterator[None]:
        """The newest adoption record (the walk's first) read by an idle worker of the pool while the walk
        runs (at 10x it names 16,910 terms: half a second to read), and handed to `_adoption_record`."""
        first = next(((c.path, c.new_blob) for commit in log for c in commit.changes if c.new_blob and
                      not c.parent_blobs and self._term_of(c.path) is None and is_adoption_path(c.path, self.logs_rel)),
                     None)
        if first is None or self.pool is None:
            yield
            return
        path, blob = first
        with aside(parse_adoption, lambda: (self._text(blob), path), self.pool) as parsed:
            self._early = (path, blob, parsed)
            try:
                yield
            finally:
                self._early = None

    def _text(self, blob: str) -> str:
        return (self.cache.blob_bytes(blob) or b"").decode("utf-8", errors="replace")

    def _walk_log(self, trails: dict[str, _TermTrail], log: list[LogCommit]) -> None:
        for index, commit in enumerate(self._steps("walking history", log)):
            for change in commit.changes:
                if change.parent_blobs:  # a file a merge changed itself (repo/merge_findings.py)
                    found = judge_merge_change(self.cache, commit, change, self.terms_rel, self.logs_rel)
                    self._merge_findings += [(index, found)] if found else []
                    continue
                term_id = self._term_of(change.path)
                if term_id is not None:
                    self._term_change(trails, term_id, index, commit, change.old_blob, change.new_blob,
                                      change.old_path, change.path)
                    continue
                parts = PurePosixPath(change.path).parts
                if is_adoption_path(change.path, self.logs_rel):
                    self._adoption_record(index, commit, change.path, change.new_blob)
                    continue
                if (change.new_blob and change.status in "AMRC" and change.path.startswith(self.logs_rel + "/")
                        and change.path.endswith(".yaml") and len(parts) >= 2):
                    self._event_change(trails, index, commit, change.status, change.new_blob, change.path)

    def _adoption_record(self, index: int, commit: LogCommit, path: str, blob: str | None) -> None:
        if not blob or self.adoption is not None:  # newest first: the first one met is the newest
            return
        early = self._early
        record = early[2]() if early and early[:2] == (path, blob) else parse_adoption(self._text(blob), path)
        if isinstance(record, AdoptionRecord):
            self.adoption = (index, record)
        else:
            self.add(Severity.ERROR, record.code, None, record.message, path=path, commit=commit.commit)

    def _event_change(self, trails: dict[str, _TermTrail], index: int, commit: LogCommit, status: str, blob: str,
                      path: str) -> None:
        """An event file added (or, suspiciously, changed) by a commit: judged by the authorship rule."""
        folder = PurePosixPath(path).parts[-2]
        if status == "M":  # never done by the tool; the walk is newest first, so the adding commit comes later
            self._rewritten.add(path)
            self._pending.append((folder, commit, Rule(Severity.ERROR, "forged-event", f"{path} was rewritten by"
                                                       f" {commit.commit[:10]} ({commit.author}); event files are"
                                                       " never rewritten, so it no longer counts")))
            return
        if path in self._rewritten:
            return  # reported at the commit that rewrote it; the event as added counts no more
        data = self.cache.blob_bytes(blob) or b""
        try:
            event = parse_event(data.decode("utf-8", errors="replace"), path)
        except MalformedEvent as exc:
            self.add(Severity.ERROR, exc.problem.code, folder, exc.problem.message, path=path, line=exc.problem.line,
                     commit=commit.commit)
            return
        signature = self.signatures.get(commit.commit, ("N", "")) if self.require_signed else None
        verdict = authored(event, folder, adder_of(commit, status != "A", signature),
                           require_signed=self.require_signed, agents=self.agents)
        for finding in verdict.findings:
            self._pending.append((folder, commit, finding))
        if verdict.counts:
            trails.setdefault(folder, _TermTrail()).events.append((index, event))

    def _term_change(self, trails: dict[str, _TermTrail], term_id: str, index: int, commit: LogCommit,
                     old_blob: str | None, new_blob: str | None, old_path: str, path: str) -> None:
        before = self.cache.at_blob(old_blob, old_path) if old_blob else ABSENT
        after = self.cache.at_blob(new_blob, path) if new_blob else ABSENT
        trail = trails.setdefault(term_id, _TermTrail())
        if before.content_revision != after.content_revision and after is not ABSENT:
            trail.content_authors.append((index, commit.author, commit.commit))
        trail.steps.append((index, commit, before, after))

    @staticmethod
    def _follow_statuses(term_id: str, trail: _TermTrail) -> None:
        """The term's status changes, oldest first, read through revisions that do not parse: a revision
        whose status cannot be read at all keeps the last one known, so a move made across it shows."""
        known: str | None = None
        for index, commit, before, after in reversed(trail.steps):
            if after is ABSENT:
                continue  # a deletion; a later re-creation is compared with the status before it
            status = after.lenient_status
            if status is None:
                continue
            if known is None:
                trail.creations.append(_StatusChange(term_id, commit, index, before, after, None, status))
            elif status != known:
                laundered = (before is not ABSENT and before.entry is None) or after.entry is None
                trail.changes.append(_StatusChange(term_id, commit, index, before, after, known, status, laundered))
            known = status

    # -- workflow ----------------------------------------------------------------------------------

    def _workflow(self, current: dict[str, Revision], trails: dict[str, _TermTrail]) -> None:
        status_commits: set[tuple[str, str]] = set()
        for term_id, trail in self._steps("checking workflow", list(trails.items())):
            self._follow_statuses(term_id, trail)
            claimed: set[str] = set()
            # oldest first, so that each status change claims the earliest event that matches it
            for change in sorted(trail.changes, key=lambda c: -c.index):
                if change.index >= self.baseline_index:
                    continue  # adopted as it stood: the baseline is not judged
                status_commits.add((term_id, change.commit.commit))
                event = self._matching_event(trail, change, claimed)
                if event is None:
                    code = "laundered-status" if change.laundered else "unreviewed-status-change"
                    through = " through a revision whose front matter does not parse" if change.laundered else ""
                    self.add(Severity.ERROR, code, term_id,
                             f"{change.status_from} → {change.status_to} in {change.commit.commit[:10]}"
                             f" (\"{change.commit.subject}\" by {change.commit.author}){through} has no matching"
                             " review event", commit=change.commit.commit, path=self._display(term_id))
                else:
                    claimed.add(event.id)
                    if event.action is Action.DRAFT:
                        self._redraft(term_id, change)
                if change.status_to == "ratified" and change.after.entry is not None:
                    self._ratification(term_id, trail, change)
                if self.require_signed:
                    self._signature(term_id, change)
            for creation in trail.creations:
                self._arrival(term_id, trail, creation)
        for folder, commit, finding in self._pending:
            signature_code = finding.code in ("unsigned-event", "bad-signature", "wrongly-signed-event")
            if signature_code and (folder, commit.commit) in status_commits:
                continue  # the status change in that commit is already reported for its signature
            self.add(finding.severity, finding.code, folder, finding.message, commit=commit.commit,
                     path=f"{self.logs_rel}/{folder}/")
        for index, merged in self._merge_findings:
            if index < self.baseline_index:
                self.add(merged.severity, merged.code, merged.term, merged.message, path=merged.path,
                         commit=merged.commit)
        for term_id, revision in current.items():
            status = revision.status
            adopted = self.adoption is not None and self.adoption[1].statuses.get(term_id) == status
            if term_id not in trails and status in REVIEWED_STATUSES and not adopted:
                self._unreviewed_arrival(term_id, status)

    def _redraft(self, term_id: str, change: _StatusChange) -> None:
        """A draft over a term past `draft` moves it back: only an editor's checkout may ask for that."""
        committer = f"{change.commit.committer_name} <{change.commit.committer_email}>"
        if gates.role_of_who(committer, self.trusted.people) is Role.EDITOR:
            return
        self.add(Severity.ERROR, "agent-demotion", term_id,
                 f"{change.status_from} → draft in {change.commit.commit[:10]}: drafted over by {committer}, who is"
                 " not an editor", commit=change.commit.commit, path=self._display(term_id))

    def _arrival(self, term_id: str, trail: _TermTrail, creation: _StatusChange) -> None:
        """A term that first appeared with a status that only review reaches needs a record of that
        arrival in the same commit (checked per arrival, whatever other events the term has)."""
        status = creation.status_to
        if status not in REVIEWED_STATUSES or creation.index >= self.baseline_index:
            return  # a status only review reaches, unless adopted as it stood (the baseline is not judged)
        recorded = any(i == creation.index and e.to_status == status for i, e in trail.events)
        if not recorded:
            self._unreviewed_arrival(term_id, status, creation.commit.commit)

    def _unreviewed_arrival(self, term_id: str, status: str, commit: str | None = None) -> None:
        self.add(Severity.WARNING, "ratified-without-review" if status == "ratified" else "unreviewed-status",
                 term_id, f"arrived as {status} (imported or committed outside the workflow) with no recorded"
                 " review", path=self._display(term_id), commit=commit)

    @staticmethod
    def _matching_event(trail: _TermTrail, change: _StatusChange, claimed: set[str]) -> ReviewEvent | None:
        # Any event recording this move counts: a promotion, or an edit that reopened a ratified term.
        candidates = [(i, e) for i, e in trail.events if e.id not in claimed
                      and e.from_status == change.status_from and e.to_status == change.status_to
                      and (e.version is None or change.after.version is None or e.version == change.after.version)]
        same_commit = [e for i, e in candidates if i == change.index]
        if same_commit:
            return same_commit[0]
        # recorded in another commit (a merge, a separate push): still a record of this move
        return candidates[-1][1] if candidates else None

    def _ratification(self, term_id: str, trail: _TermTrail, change: _StatusChange) -> None:
        """Judge the approvals a ratification stood on, as the ratification gate does (`gates.tally`,
        authors by `content_authorship.authors_of`), adding as authors everyone Git shows changing the content
        since the adoption baseline, tool or not (an import is not authorship)."""
        entry = change.after.entry or {}
        events = sorted((e for i, e in trail.events if i >= change.index), key=lambda e: (e.when, e.id))
        commit_authors = [(who, commit) for index, who, commit in trail.content_authors
                          if change.index <= index < self.baseline_index]
        tally = gates.tally(entry, events, self.trusted.people, revision=change.after.content_revision,
                            commit_authors=commit_authors)
        valid = tally.valid
        invalid: list[tuple[str, str]] = []
        for who in tally.by_non_editors:
            agent = gates.role_of_who(who, self.trusted.people) is not Role.NONE
            invalid.append(("agent-approval" if agent else "non-editor-approval",
                            f"approval by {who} is {'an agent' if agent else 'not an editor'}'s"))
        for who in tally.by_authors:
            invalid.append(("self-approval", f"approval by {who}, who authored or edited the content"))
        for who in tally.stale:
            invalid.append(("stale-approval", f"approval by {who} was given to content that changed before"
                            f" the ratification (content revision {change.after.content_revision})"))
        for who in tally.before_demotion:
            invalid.append(("stale-approval", f"approval by {who} was given before the term was moved back"
                            " (a demotion reopens the review)"))
        needed = self.trusted.policy.approvals_to_ratify
        short = len(valid) < needed
        commit = change.commit.commit
        for code, message in invalid:
            self.add(Severity.ERROR if short else Severity.WARNING, code, term_id,
                     f"ratification in {commit[:10]}: {message}", commit=commit, path=self._display(term_id))
        if short:
            self.add(Severity.ERROR, "ratification-without-approval", term_id,
                     f"ratified in {commit[:10]} with {len(valid)} valid approval(s) of the {needed} required",
                     commit=commit, path=self._display(term_id))

    def _signature(self, term_id: str, change: _StatusChange) -> None:
        """A status change must be signed by its author's key (a trusted signer whose principal is the
        commit's author)."""
        commit = change.commit
        verdict, signer = self.signatures.get(commit.commit, ("N", ""))
        where = f"{change.status_from} → {change.status_to} in {commit.commit[:10]}: "
        if verdict == "G" and signer.lower() == commit.author_email.lower():
            return
        if verdict == "N":
            code, message = "unsigned-status-change", "the commit is not signed"
        elif verdict == "G":
            code, message = "wrongly-signed-event", f"signed by {signer or 'an unnamed principal'}, not by its author"
        else:
            code, message = "bad-signature", f"the signature does not verify against the trusted signers ({verdict})"
        self.add(Severity.ERROR, code, term_id, where + message, commit=commit.commit, path=self._display(term_id))
