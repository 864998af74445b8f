"""Who is acting, and what they saw: the checks an action makes before it takes the repository lock.

`--as` is a claim (docs/TRUST.md): the commit's committer stays the real Git identity, so a claim is
visible in history. One claim is refused outright: a checkout whose Git identity is a configured agent
acting as anyone who is not an agent. And a command binds to what its actor read before waiting for
the lock: the file's bytes are kept, and the action compares them with what it finds under the lock.

Must never: write files, run Git except through the service, import a UI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from authoring.core.termfile import TermFile, load_term
from authoring.errors import GateRefused
from authoring.workflow.identity import Identity, email_of

if TYPE_CHECKING:
    from authoring.repo.action_path import Repository


def acting(glossary: Repository, what: str, term_id: str) -> Identity:
    """The acting identity, refused (exit 3) when a configured agent's checkout claims someone else:
    an agent's Git identity acting `--as` an editor is impersonation, not a review."""
    actor = glossary.actor()
    user = glossary.git.user()
    agents = {email_of(a) for a in glossary.config.people.agents}
    if user is not None and user.key in agents and actor.key not in agents:
        raise GateRefused(f"{term_id}: {what} refused: this checkout commits as the agent {user}, which cannot"
                          f" act as {actor}",
                          [f"identity: this checkout commits as the agent {user}; an agent cannot act as {actor}"
                           " (--as is a claim, and agents may not claim editors)"])
    return actor


def read_before_lock(glossary: Repository, term_id: str) -> bytes | None:
    """The term file's bytes as the actor's command first read them (None when unreadable): what a
    command that binds to "what I saw" compares with once it holds the lock."""
    try:
        return glossary.term_path(term_id).read_bytes()
    except OSError:
        return None


def as_read(glossary: Repository, term_id: str, data: bytes) -> TermFile:
    """The term as it was read before the lock (`read_before_lock`), parsed."""
    path = glossary.term_path(term_id)
    return load_term(path, glossary.display(path), data=data, fast=True)
