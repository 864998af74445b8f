"""A term's review trail as committed: the events in HEAD's tree, each with the commit that added it.

The gates count only what `workflow.authorship.authored` accepts: an event file that is untracked,
uncommitted, rewritten after it was added, filed under another term's folder, or added by a commit
whose author is not the event's `who` is not part of the trail. Working-tree event files are never
read here.

Cost: two Git processes per term (one `git log --raw` walk over its folder, one `cat-file --batch` for
the blobs), plus one `git log --no-walk` for the signatures when the configuration requires them.
An event that a merge alone brought in or changed has no adding commit on the walk: it does not count.

Must never: write files, run Git except through `repo.git`, import a UI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from authoring.errors import Problem
from authoring.repo.git import Git, LogCommit
from authoring.workflow.authorship import Adder, Verdict, authored
from authoring.workflow.identity import email_of
from authoring.workflow.review_log import MalformedEvent, ReviewEvent, parse_event

if TYPE_CHECKING:
    from authoring.repo.action_path import Repository


@dataclass
class Trail:
    """A term's committed events: those that count, and those that do not with the reason."""

    events: list[ReviewEvent] = field(default_factory=list)
    """The events that count, oldest first."""
    refused: list[tuple[ReviewEvent, Verdict]] = field(default_factory=list)
    """Events that do not count, with the verdict saying why."""
    unreadable: list[Problem] = field(default_factory=list)
    """Committed event files that cannot be read."""


def adder_of(commit: LogCommit, rewritten: bool = False, signature: tuple[str, str] | None = None) -> Adder:
    """The `Adder` facts of a commit from a `git log` walk."""
    verdict, signer = signature if signature is not None else (None, "")
    return Adder(commit.commit, commit.author, f"{commit.committer_name} <{commit.committer_email}>",
                 verdict, signer, rewritten)


def committed_trail(git: Git, logs_rel: str, term_id: str, *, agents: frozenset[str],
                    signers: Path | None = None) -> Trail:
    """The events of `term_id` committed at HEAD, judged by the authorship rule. With `signers` (an
    allowed-signers file from a trusted revision), every adding commit must be signed by its author."""
    trail = Trail()
    folder = f"{logs_rel.strip('/')}/{term_id}/"
    # One walk over the folder, newest first: the first record of a path is its state at HEAD (deleted,
    # rewritten or as added), and its `A` record names the commit that added it.
    latest: dict[str, tuple[str, str | None]] = {}
    added: dict[str, tuple[LogCommit, str | None]] = {}
    for commit in git.log([folder]):
        for change in commit.changes:
            latest.setdefault(change.path, (change.status, change.new_blob))
            if change.status == "A":
                added.setdefault(change.path, (commit, change.new_blob))  # newest first: a re-add wins
    current = {path: blob for path, (status, blob) in latest.items()
               if status != "D" and blob is not None and path.endswith(".yaml")}
    if not current:
        return trail
    signatures = git.signatures([c.commit for c, _ in added.values()], signers) if signers is not None else {}
    blobs = git.read_blobs(list(current.values()))
    events: list[ReviewEvent] = []
    for path, blob in sorted(current.items()):
        try:
            event = parse_event(blobs.get(blob, b"").decode("utf-8", errors="replace"), path)
        except MalformedEvent as exc:
            trail.unreadable.append(exc.problem)
            continue
        adder = None
        if path in added:
            commit, added_blob = added[path]
            adder = adder_of(commit, added_blob != blob, signatures.get(commit.commit, ("N", "")))
        verdict = authored(event, PurePosixPath(path).parent.name, adder, require_signed=signers is not None,
                           agents=agents)
        if verdict.counts:
            events.append(event)
        else:
            trail.refused.append((event, verdict))
    events.sort(key=lambda e: (e.when, e.id))
    trail.events = events
    return trail


def committed_events(glossary: Repository, term_id: str) -> tuple[list[ReviewEvent], list[Problem]]:
    """The term's review events as committed at HEAD that pass the authorship rule (`repo.trail`), and
    the committed event files that cannot be read. Untracked or uncommitted event files never count."""
    config = glossary.config
    agents = frozenset(email_of(a) for a in config.people.agents)
    signers = None
    if config.audit.require_signed and config.audit.allowed_signers:
        signers = glossary.root / config.audit.allowed_signers
    trail = committed_trail(glossary.git, glossary.git.relative(glossary.review_logs_dir), term_id, agents=agents,
                            signers=signers)
    return trail.events, trail.unreadable
