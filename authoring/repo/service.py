"""The repository service: the one façade that the CLI and the TUI both call.

A `Glossary` is a Git work tree holding term files. It resolves who is acting, loads and checks
terms, and carries out every action as a transaction: under the repository lock, settle any action
whose process died, check that the files are as the action saw them (no uncommitted outside edits),
then land them as one commit (`repo.landing`: all or nothing, whatever gets in the way).

Must never: import a UI; parse YAML except through the core; run Git except through `repo.git`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from authoring.config_file import ConfigFile, Layout, read_config_file
from authoring.core import ids
from authoring.core.summary import TermSummary, summarise
from authoring.errors import Conflict, NotFound, Problem, Severity, UsageError
from authoring.repo.git import Git, find_root, repository_lock
from authoring.repo.search_api import SearchMethods
from authoring.repo.transaction import ActionResult, Transaction, commit_message, today
from authoring.repo.workbench_calls import WorkbenchCalls

__all__ = ["ActionResult", "Glossary", "Transaction", "commit_message", "today"]  # re-exported for callers
from authoring.workflow.identity import Identity, email_of, parse_identity

if TYPE_CHECKING:
    # Imported where used: `check`, `list` and the UI's start run from the index without ruamel,
    # pydantic's models, GitPython or deepdiff (see docs/DEVELOPING.md, "Speed").
    from authoring.config import Config
    from authoring.core.model import Status
    from authoring.core.module_refs import ModuleSources
    from authoring.core.termfile import TermFile
    from authoring.drafting.draft import DraftAgent
    from authoring.drafting.modules import Module
    from authoring.repo.audit import AuditProgressCallback, AuditReport
    from authoring.repo.bulk_fold import FoldAllResult
    from authoring.repo.crosslinks import Wanted
    from authoring.repo.drafting_service import CandidateReport, DraftPreview
    from authoring.repo.exchange_service import Exchange
    from authoring.repo.field_preview import FieldPreview
    from authoring.repo.file_edit import TextEdits
    from authoring.repo.gate_report import GateReport
    from authoring.repo.history import HistoryEntry, TermDiff
    from authoring.repo.index import ProgressCallback, TermIndex
    from authoring.repo.repair_service import RepairResult, RepairRun
    from authoring.repo.review_view import ReviewView
    from authoring.workflow.review_log import Action, ReviewEvent


class Glossary(SearchMethods, WorkbenchCalls):
    """A glossary repository: configuration, terms, and the actions on them."""

    def __init__(self, root: Path, config_file: ConfigFile, actor: Identity | None = None) -> None:
        self.root = root
        self.config_file = config_file
        self._config: Config | None = None
        layout = config_file.layout
        if layout is None:  # a directory that is not text: the schema says what is wrong
            layout = Layout(self.config.terms_dir, self.config.modules_dir, self.config.review_logs_dir)
        self._layout = layout
        self._actor = actor
        self.git = Git(root)
        self._index: TermIndex | None = None

    @classmethod
    def open(cls, repo: Path | None = None, actor: str | None = None, *, check_config: bool = True) -> Glossary:
        """Open the glossary at `repo` (default: the Git work tree around the current directory).

        The configuration file is read at once, and checked against its schema at once unless
        `check_config` is False: then on first use of `config` (the UI shows its list first).
        """
        root = find_root(repo or Path.cwd())
        identity = parse_identity(actor) if actor else None
        glossary = cls(root, read_config_file(root), identity)
        if check_config:
            glossary.check_config()  # a wrong configuration is refused on opening
        return glossary

    def check_config(self) -> Config:
        """Check the configuration file against its schema now (`UsageError` naming the wrong field)."""
        return self.config

    @property
    def config(self) -> Config:
        """The repository's configuration, checked against its schema (`UsageError` if it is wrong)."""
        if self._config is None:
            self._config = self.config_file.validate()
        return self._config

    def __enter__(self) -> Glossary:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release Git's helper processes."""
        self.git.close()

    # -- places -----------------------------------------------------------------------------------

    @property
    def terms_dir(self) -> Path:
        """Where the term files are."""
        return self.root / self._layout.terms_dir

    @property
    def modules_dir(self) -> Path:
        """Where the source modules are."""
        return self.root / self._layout.modules_dir

    @property
    def module_sources(self) -> ModuleSources:
        """Every folder modules are read from, in precedence order (`modules_dirs`)."""
        return self.config_file.module_sources(self.root)

    @property
    def review_logs_dir(self) -> Path:
        """Where review events are recorded."""
        return self.root / self._layout.review_logs_dir

    def display(self, path: Path) -> str:
        """A path as shown to the user: relative to the repository root."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def term_path(self, term_id: str) -> Path:
        """The file of a term (refusing ids that could escape the terms directory)."""
        return ids.term_path(self.terms_dir, term_id)

    # -- identity -----------------------------------------------------------------------------------

    def actor(self) -> Identity:
        """Who is acting: `--as`, else Git's `user.name`/`user.email`."""
        if self._actor is not None:
            return self._actor
        user = self.git.user()
        if user is None:
            raise UsageError("no identity: set git config user.name and user.email, or pass --as \"Name <email>\"")
        return user

    @property
    def acting_as(self) -> Identity | None:
        """The identity given with `--as`, if any (None: Git's user acts)."""
        return self._actor

    # -- reading --------------------------------------------------------------------------------------

    def term_ids(self) -> list[str]:
        """Every term id (file stem) in the terms directory, sorted."""
        if not self.terms_dir.is_dir():
            return []
        return sorted(p.stem for p in self.terms_dir.iterdir() if p.suffix == ".md" and p.is_file())

    def terms_changed_since(self, rev: str | None = None) -> list[str] | None:
        """Terms whose files changed after `rev` (default: the adoption), committed or not; None: every
        term (no revision given and never adopted)."""
        from authoring.repo.adoption import terms_changed_since

        return terms_changed_since(self, rev)

    def terms_hint(self) -> str | None:
        """When the repository shows no terms because of its set-up: what to do (see `adoption.terms_hint`)."""
        from authoring.repo.adoption import terms_hint

        return terms_hint(self.root, self._layout.terms_dir, self.config_file.table is not None)

    def term_ids_for(self, names: Sequence[str], cwd: Path | None = None, strict: bool = False) -> list[str]:
        """Term ids for command-line arguments that are ids or paths to files (as pre-commit passes them).

        A path to a `.md` file in the terms directory names that term; any other path (a module, the
        README) names none, so a hook given only such files checks nothing — unless `strict`: then such
        a path is a `UsageError` saying it is not a term file.
        """
        found: list[str] = []
        terms_dir = self.terms_dir.resolve()
        for name in names:
            if not (name.endswith(".md") or "/" in name or "\\" in name):
                found.append(name)
                continue
            path = Path(name)
            if not path.is_absolute():
                here = (cwd or Path.cwd()) / path
                path = here if here.exists() else self.root / path
            path = path.resolve()
            if path.suffix == ".md" and path.parent == terms_dir:
                found.append(path.stem)
            elif strict:
                raise UsageError(f"{name} is not a term file: terms are the .md files directly in"
                                 f" {self.display(self.terms_dir)}/")
        return list(dict.fromkeys(found))

    def load(self, term_id: str) -> TermFile:
        """A term file, loaded and checked (`NotFound` when there is none)."""
        from authoring.core.termfile import load_term

        path = self.term_path(term_id)
        if not path.is_file():
            raise NotFound(f"no term {term_id} (looked for {self.display(path)})")
        return load_term(path, self.display(path), fast=True)

    @property
    def index(self) -> TermIndex:
        """The content-keyed index of term summaries (see `repo.index`)."""
        if self._index is None:
            from authoring.repo.index import TermIndex, index_dir

            self._index = TermIndex(index_dir(self.git.git_dir, self.root), self.terms_dir, self.display)
        return self._index

    def summaries(self, term_ids: Sequence[str] | None = None,
                  progress: ProgressCallback | None = None) -> list[TermSummary]:
        """Summaries of the given terms (default: all), in id order, each true to the file's current bytes.

        Unchanged files are served from the index; changed and new ones are parsed (on every core
        when there are many). `progress(IndexProgress)` is called in the calling thread as files
        become known, carrying the summaries made since the previous call.
        """
        wanted = list(term_ids) if term_ids is not None else self.term_ids()
        unsafe: dict[str, TermSummary] = {}
        for term_id in wanted:
            try:
                path = self.term_path(term_id)
            except UsageError as exc:
                # a symlink leading outside the terms directory, a name that is no safe id: reported on
                # that file, never read, and the other terms are still summarised
                unsafe[term_id] = summarise(self._unsafe_term(term_id, exc))
                continue
            if term_ids is not None and not path.is_file():
                raise NotFound(f"no term {term_id} (looked for {self.display(path)})")
        safe = [term_id for term_id in wanted if term_id not in unsafe]
        found = dict(zip(safe, self.index.refresh(safe, progress), strict=True))
        found.update(unsafe)
        return [found[term_id] for term_id in wanted]

    def _unsafe_term(self, term_id: str, exc: UsageError) -> TermFile:
        from authoring.core.termfile import TermFile

        path = self.terms_dir / f"{term_id}.md"
        term = TermFile(path, self.display(path), b"")
        term.problems.append(Problem(self.display(path), 0, 0, Severity.ERROR, "unsafe-path", str(exc),
                                     fix="replace the file with a regular file named CANONICAL_ID.md"))
        return term

    def cached_summaries(self, term_ids: Sequence[str] | None = None) -> list[TermSummary]:
        """What the index last knew of the given terms (default: all), in id order, without reading them.

        Instant, for showing a list at once; may be stale or partial (terms the index has never
        seen are missing). Follow it with `summaries()` for the truth.
        """
        wanted = list(term_ids) if term_ids is not None else self.term_ids()
        known = self.index.cached(wanted)
        return [known[term_id] for term_id in wanted if term_id in known]

    def check(self, term_ids: Sequence[str] | None = None,
              progress: ProgressCallback | None = None) -> list[Problem]:
        """Every problem of the given terms (default: all), file by file."""
        problems: list[Problem] = []
        for summary in self.summaries(term_ids, progress):
            problems.extend(summary.problems)
        return problems

    # -- actions ------------------------------------------------------------------------------------

    def require_clean(self, paths: Sequence[Path]) -> None:
        """Refuse (`Conflict`) when any of `paths` has uncommitted changes made outside the tool."""
        dirty = self.git.status_of([p for p in paths if p.exists() or True])
        if dirty:
            names = ", ".join(sorted(dirty))
            raise Conflict(f"{names} has uncommitted changes made outside authoring; commit or stash them"
                           " (git stash), then try again")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Run one action under the repository lock, after settling any action whose process died;
        an operating-system failure becomes one line naming the path (never a traceback)."""
        try:
            with repository_lock(self.git.git_dir):
                self._recover_locked()
                tx = Transaction(self)
                try:
                    yield tx
                except BaseException:
                    if tx.commit_id is None:
                        tx.rollback()
                    raise
        except OSError as exc:
            from authoring.repo.landing import os_error

            raise os_error(exc, self.display) from None

    def recover(self) -> list[str]:
        """Settle an action whose process died mid-way (under the repository lock); the paths it had
        changed. Every command that writes runs this before its checks."""
        from authoring.repo.landing import os_error

        try:
            with repository_lock(self.git.git_dir):
                return self._recover_locked()
        except OSError as exc:
            raise os_error(exc, self.display) from None

    def _recover_locked(self) -> list[str]:
        from authoring.repo.index import remove_stale_temporaries
        from authoring.repo.landing import recover

        remove_stale_temporaries(self.git.git_dir)
        return recover(self.git)

    def set_field(self, term_id: str, dotted: str, value_text: str, *, new_key: bool = False,
                  force: bool = False) -> ActionResult:
        """Set one content field to a YAML value: a content edit (minor version bump, `last_updated`
        today, a ratified term reopened as a candidate), recorded as an `edit` event and committed.
        A path neither the entry nor the schema has needs `new_key`; replacing a mapping or a list with
        another kind of value needs `force` (`core.field_paths`)."""
        from authoring.repo import actions

        return actions.edit_field(self, term_id, dotted, value_text, new_key=new_key, force=force)

    # -- the workflow (logic in `repo.actions`, gates in `workflow.gates`) ---------------------------

    def review(self, term_id: str, action: Action | str, note: str | None = None,
               seen_revision: str | None = None) -> ActionResult:
        """Record `approve`, `request_changes` or `comment` on a term: one event, one commit.
        With `seen_revision` (the content revision the reviewer read), a changed term is a `Conflict`."""
        from authoring.repo import actions
        from authoring.workflow.review_log import Action

        return actions.review(self, term_id, Action(action), note, seen_revision)

    def promote(self, term_id: str, to: Status | str | None = None, note: str | None = None) -> ActionResult:
        """Move a term up (draft → candidate → ratified) through the gates."""
        from authoring.repo import actions
        from authoring.workflow.statuses import Move

        return actions.move(self, term_id, Move.PROMOTE, _status(to), note)

    def demote(self, term_id: str, to: Status | str, note: str) -> ActionResult:
        """Move a term back (or revive a rejected one as a draft); needs a note."""
        from authoring.repo import actions
        from authoring.workflow.statuses import Move

        return actions.move(self, term_id, Move.DEMOTE, _status(to), note)

    def reject(self, term_id: str, note: str) -> ActionResult:
        """End a draft or candidate as `rejected` (kept, so agents are told); needs a note."""
        from authoring.repo import actions
        from authoring.workflow.statuses import Move

        return actions.move(self, term_id, Move.REJECT, None, note)

    def deprecate(self, term_id: str, note: str, superseded_by: str | None = None) -> ActionResult:
        """Retire a ratified term, optionally naming its successor; needs a note."""
        from authoring.repo import actions
        from authoring.workflow.statuses import Move

        return actions.move(self, term_id, Move.DEPRECATE, None, note, superseded_by)

    def fold_headers(self, term_id: str) -> ActionResult:
        """Fold a term's legacy headers into its entry (recorded as an `edit`)."""
        from authoring.repo import actions

        return actions.fold_headers(self, term_id)

    def fold_all_headers(self, progress: Callable[[int, int], None] | None = None) -> FoldAllResult:
        """Fold the legacy headers of every term that has them, in one commit (`repo.bulk_fold`)."""
        from authoring.repo.bulk_fold import fold_all

        return fold_all(self, progress)

    def gate_report(self, term_id: str, to: Status | str | None = None) -> GateReport:
        """What promoting the term (to the next status, or `to`) would need; writes nothing."""
        from authoring.repo.gate_report import gate_report
        from authoring.workflow.statuses import Move

        return gate_report(self, term_id, Move.PROMOTE, _status(to))

    def record_action(self, writes: Sequence[tuple[Path, bytes | None, bytes | None]], event: ReviewEvent | None,
                      message: str, author: Identity) -> str:
        """Write files, record a review event and commit them as one action (see `actions.land`).

        `writes` are `(path, new bytes or None to delete, bytes read before or None if it must not
        exist)`. For checks that must see the files under the lock, use `transaction()` and
        `actions.land(tx, ...)` instead.
        """
        from authoring.repo import actions

        with self.transaction() as tx:
            return actions.land(tx, writes, event, message, author)

    # -- previews for the UI (and `set --dry-run`) ------------------------------------------------------

    def field_text(self, term_id: str, dotted: str) -> str:
        """A field's current value as YAML text, ready to edit (empty when the field is absent)."""
        from authoring.core.paths import parse_path
        from authoring.repo.field_preview import field_yaml

        return field_yaml(self.load(term_id), parse_path(dotted))

    def field_paths(self, term_id: str) -> list[str]:
        """The field paths an edit of the term may name: the entry's own, then the schema's (for completion)."""
        from authoring.core.field_paths import known_paths

        return known_paths(self.load(term_id).entry)

    def preview_field(self, term_id: str, dotted: str, value_text: str, *, new_key: bool = False,
                      force: bool = False) -> FieldPreview:
        """What `set_field` would change (the field, and the version, date and status that follow) and the
        problems it would introduce, without writing anything."""
        from authoring.core.paths import format_path, parse_path
        from authoring.repo import actions
        from authoring.repo.field_preview import preview_of

        loaded, after = actions.preview_edit(self, term_id, dotted, value_text, new_key=new_key, force=force)
        return preview_of(loaded.term, format_path(parse_path(dotted)), after)

    def text_edits(self) -> TextEdits:
        """Edit a term's body or whole file as text, checked, diffed, committed: `repo/file_edit.py`."""
        from authoring.repo.file_edit import TextEdits

        return TextEdits(self)

    # -- history and audit (spec §8) -------------------------------------------------------------

    def history(self, term_id: str) -> list[HistoryEntry]:
        """Every commit that touched the term or recorded a review event for it, newest first."""
        from authoring.repo.history import term_history
        from authoring.repo.revisions import RevisionCache

        path = self.term_path(term_id)
        agents = frozenset(email_of(agent) for agent in self.config.people.agents)
        entries = term_history(self.git, RevisionCache(self.git), self.git.relative(path),
                               self.git.relative(self.review_logs_dir / term_id), agents)
        if not entries and not path.is_file():
            raise NotFound(f"no term {term_id} (looked for {self.display(path)}) and none in the history")
        return entries

    def diff(self, term_id: str, revs: Sequence[str] = ()) -> TermDiff:
        """Field-level changes between two revisions of a term.

        No revisions: from the last approval or status change to the working tree. One: from it to
        the working tree. Two: from the first to the second.
        """
        from authoring.repo.history import term_diff

        path = self.term_path(term_id)
        return term_diff(self.git, term_id, path, self.display(path), self.git.relative(self.review_logs_dir / term_id),
                         revs)

    def audit(self, require_signed: bool = False, progress: AuditProgressCallback | None = None,
              trusted_base: str | None = None) -> AuditReport:
        """Provenance, workflow, integrity (and optionally signatures) over the repository and its history,
        judged by the policy, people and signers of `trusted_base` (default: `[audit] trusted_base`).
        `progress(AuditProgress)` is called in the calling thread for every term or commit of each stage."""
        from authoring.repo.audit import Auditor

        return Auditor(self, require_signed=require_signed, progress=progress, trusted_rev=trusted_base).run()

    def audit_cached(self, require_signed: bool = False, progress: AuditProgressCallback | None = None,
                     trusted_base: str | None = None) -> AuditReport:
        """`audit`, served from the store when nothing it reads has changed since it last ran (`repo.audit_cache`)."""
        from authoring.repo.audit_cache import cached_audit

        return cached_audit(self, require_signed, progress, trusted_base)[0]

    def repair(self, term_id: str, write: bool = False, kinds: Collection[str] | None = None,
               confirmed: bytes | None = None) -> RepairResult:
        """The repairs proposed for one term's front matter (only the `kinds` of repair named, when given);
        with `write`, apply them and commit the file as `ID: repair front matter`, or raise `EditError` when
        they cannot be applied; `confirmed` (the bytes a person was shown) refuses a write of anything else
        (`Conflict`). The logic is `core.repair`'s; the service part is `repo.repair_service`."""
        from authoring.repo import repair_service

        if write:
            self.recover()  # before the plan is made: a repair that died mid-way is undone first
        return repair_service.repair(self, term_id, write, kinds, confirmed)

    def repair_all(self, write: bool = False, kinds: Collection[str] | None = None,
                   progress: Callable[[int, int], None] | None = None) -> RepairRun:
        """`repair` for every term that needs one (read from the index), in id order; with `write`, each
        applicable repair is its own commit and the rest are reported, not raised. `progress(done, total)`
        is called in the calling thread for every file planned."""
        from authoring.repo import repair_service

        if write:
            self.recover()
        return repair_service.repair_all(self, write, kinds, progress)

    def wanted(self) -> list[Wanted]:
        """The link targets no term answers to (not by id, declared id, name, nor a near miss), most cited
        first: a drafting to-do list (see `repo.crosslinks`)."""
        from authoring.repo.crosslinks import wanted

        return wanted(self)

    def relocate(self, term_ids: Sequence[str] | None = None) -> list[ActionResult]:
        """Point `provenance.sources[].lines` of moved snippets at where the text stands now: one reviewed
        commit per term (see `repo.relocate`). `None` means every term with a moved snippet."""
        from authoring.repo.relocate import relocate

        return relocate(self, term_ids)

    # -- what the review screen shows (and `promote --check`) ------------------------------------------

    def review_view(self, term_id: str, to: Status | str | None = None) -> ReviewView:
        """The review of one term as every face shows it: status, problems, diff, checklist, events,
        revision and the moves the workflow allows (`repo.review_view`); writes nothing."""
        from authoring.repo.review_view import review_view

        return review_view(self, term_id, _status(to))

    def review_events(self, term_id: str) -> list[ReviewEvent]:
        """The term's review events, oldest first (unreadable event files are reported by `audit`)."""
        from authoring.workflow.review_log import load_events

        events, _unreadable = load_events(self.review_logs_dir, term_id, self.root)
        return events

    # -- drafting (logic in repo/drafting_service.py) ------------------------------------------------

    def modules(self) -> list[Module]:
        """Every readable module in the modules directory, by file name."""
        from authoring.repo import drafting_service

        return list(drafting_service.module_library(self).modules())

    def module(self, ref: str) -> Module:
        """The module a reference names (`DOMA-036`, `CORE-013_the_river_of_information`)."""
        from authoring.repo import drafting_service

        library = drafting_service.module_library(self)
        module = library.resolve(ref)
        library.cite(module)
        return module

    def candidates(self, module: str, limit: int | None = None,
                   progress: Callable[[str], None] | None = None) -> CandidateReport:
        """Candidate terms of a module, best first, each new or existing, with its evidence."""
        from authoring.repo import drafting_service

        return drafting_service.candidates(self, module, limit, progress)

    def draft(self, module: str, *, lines: str | None = None, section: str | None = None, term: str | None = None,
              term_id: str | None = None, agent: str | DraftAgent | None = None, force: bool = False,
              progress: Callable[[str], None] | None = None, note: str | None = None) -> ActionResult:
        """Draft a term from a snippet (`lines` "47-52" or `section` "4") and commit it as its agent; `note`
        says why when the draft replaces a term past `draft`."""
        from authoring.repo import drafting_service

        self.recover()  # a draft that died mid-way must not read as "already exists"
        return drafting_service.draft(self, module, lines=lines, section=section, term=term, term_id=term_id,
                                      agent=agent, force=force, progress=progress, note=note)

    def preview_draft(self, module: str, *, lines: str | None = None, section: str | None = None,
                      term: str | None = None, term_id: str | None = None, agent: str | DraftAgent | None = None,
                      force: bool = False, progress: Callable[[str], None] | None = None,
                      note: str | None = None) -> DraftPreview:
        """Make and check a draft as `draft` would, writing nothing (for a UI to show and let the user edit)."""
        from authoring.repo import drafting_service

        self.recover()
        return drafting_service.prepare_draft(self, module, lines=lines, section=section, term=term,
                                              term_id=term_id, agent=agent, force=force, progress=progress,
                                              note=note)

    def save_draft(self, preview: DraftPreview, text: str | None = None,
                   progress: Callable[[str], None] | None = None) -> ActionResult:
        """Commit a previewed draft, or the user's edit of its text (which must still pass `check`)."""
        from authoring.repo import drafting_service

        return drafting_service.save_draft(self, preview, text, progress)

    def exchange(self) -> Exchange:
        """Export (SKOS, TBX, CSV, JSON), import a CSV as drafts, build the static site: `repo/exchange_service.py`."""
        from authoring.repo.exchange_service import Exchange

        return Exchange(self)


def _status(value: Status | str | None) -> Status | None:
    from authoring.core.model import Status

    if value is None or isinstance(value, Status):
        return value
    try:
        return Status(value)
    except ValueError:
        raise UsageError(f"{value!r} is not a status; use one of {', '.join(s.value for s in Status)}") from None
