"""Identities (`Name <email>`) and their roles: editor, agent, or neither.

Must never: touch Git or files; the repository service resolves who is acting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from authoring.core.safetext import require_plain
from authoring.errors import UsageError

_IDENTITY = re.compile(r"^\s*(?P<name>[^<>]+?)\s*<(?P<email>[^<>\s]+@[^<>\s]+)>\s*$")


@dataclass(frozen=True)
class Identity:
    """A person or agent as Git knows them: `Name <email>`. Compared by email, case-insensitively."""

    name: str
    email: str

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def key(self) -> str:
        """What identities are matched by."""
        return self.email.lower()


def parse_identity(text: str) -> Identity:
    """`"Alice Editor <alice@example.org>"` → Identity; a clear `UsageError` otherwise (also for a line
    break or a control character, which would forge lines of the commit message it is written into)."""
    require_plain(text, "identity")
    match = _IDENTITY.match(text)
    if not match:
        raise UsageError(f"{text!r} is not an identity; write it as \"Name <email>\"")
    return Identity(match["name"], match["email"])


def email_of(who: str) -> str:
    """The lower-cased email of `"Name <email>"` (or the whole text when it has no `<…>`): the matching key."""
    start, end = who.rfind("<"), who.rfind(">")
    return who[start + 1 : end].strip().lower() if 0 <= start < end else who.strip().lower()


class Role(StrEnum):
    """What an identity may do."""

    EDITOR = "editor"
    AGENT = "agent"
    NONE = "none"


def role_of(identity: Identity, editors: list[str], agents: list[str]) -> Role:
    """The role of `identity` under a `[people]` list; with no editors listed, every non-agent edits."""
    agent_keys = {parse_identity(a).key for a in agents}
    if identity.key in agent_keys:
        return Role.AGENT
    if not editors:
        return Role.EDITOR
    editor_keys = {parse_identity(e).key for e in editors}
    return Role.EDITOR if identity.key in editor_keys else Role.NONE
