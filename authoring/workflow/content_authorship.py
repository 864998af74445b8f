"""Who authored a term's content (not who recorded a review event): one rule, used by the ratification gate,
the review screen and the audit.

The **authors** of a term's current content are:

- the identities of its content changes recorded as review events (`draft`, and `edit` events that
  changed the content revision — see `gates.content_history`);
- the people the content itself names as its editors (`provenance.editors`): adopted or imported
  content says who wrote it, and an editor named there is its author whatever Git says;
- when the caller knows them (the audit, from history), the Git authors of commits that changed the
  content outside the tool **after the repository was adopted**. Commits before the adoption
  baseline brought the content in: importing is not authoring, so whoever committed an import is
  not an author of what it imported.

Names are matched by email when both sides have one, else by name (case folded): the corpus's
`provenance.editors` holds bare names (`Local Weaver`, `system`).

Must never: touch Git, files or a UI.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from authoring.workflow.review_log import Action, ReviewEvent


def _name_of(who: str) -> str:
    """The name part of `Name <email>` (or the whole text), case folded."""
    return who.split("<", 1)[0].strip().casefold()


def _email_of(who: str) -> str:
    """The email of `Name <email>` or of a bare address, lower-cased; empty when there is none."""
    if "<" in who and who.rstrip().endswith(">"):
        return who.rsplit("<", 1)[1].rstrip().rstrip(">").strip().lower()
    text = who.strip()
    return text.lower() if "@" in text and " " not in text else ""


@dataclass
class Authors:
    """The authors of a term's content, and why each counts."""

    emails: dict[str, str] = field(default_factory=dict)
    """Lower-cased email → why (`draft event`, `provenance.editors`, `commit 1a2b3c4d`)."""
    names: dict[str, str] = field(default_factory=dict)
    """Case-folded name (for entries with no email) → why."""

    def includes(self, who: str) -> bool:
        """True when the identity `Name <email>` (or a bare name) authored the content."""
        email = _email_of(who)
        if email and email in self.emails:
            return True
        name = _name_of(who)
        return bool(name) and name in self.names

    def why(self, who: str) -> str | None:
        """Why `who` counts as an author (None when they do not)."""
        email = _email_of(who)
        if email and email in self.emails:
            return self.emails[email]
        return self.names.get(_name_of(who))

    def add(self, who: str, why: str) -> None:
        """Count `who` as an author (by email when it has one, and by name when it has no email)."""
        email = _email_of(who)
        if email:
            self.emails.setdefault(email, why)
        else:
            name = _name_of(who)
            if name:
                self.names.setdefault(name, why)


def named_editors(entry: dict[str, Any]) -> list[str]:
    """The editors a term's content names (`provenance.editors`), as written."""
    provenance = entry.get("provenance")
    named = provenance.get("editors") if isinstance(provenance, dict) else None
    if isinstance(named, str):
        named = [named]
    return [str(n).strip() for n in named if str(n).strip()] if isinstance(named, list) else []


def authors_of(entry: dict[str, Any], events: list[ReviewEvent], commit_authors: Iterable[tuple[str, str]] = ()
               ) -> Authors:
    """The authors of the content `entry` holds (see the module's doc).

    `events` are the term's review events, oldest first (those up to the moment judged);
    `commit_authors` are `(identity, commit id)` of commits that changed the content since the
    adoption baseline, when the caller reads history.
    """
    authors = Authors()
    revision: str | None = None
    for event in events:
        # An edit that did not change the content revision (folding headers) is not authorship; an undo
        # that put content back (undoing an edit) is, like the edit itself.
        if event.action is Action.DRAFT or (event.action in (Action.EDIT, Action.UNDO) and (
                event.revision is None or event.revision != revision)):
            authors.add(event.who, f"{event.action.value} event")
        if event.revision is not None:
            revision = event.revision
    for editor in named_editors(entry):
        authors.add(editor, "named in provenance.editors")
    for who, commit in commit_authors:
        authors.add(who, f"changed the content in commit {commit[:10]}")
    return authors
