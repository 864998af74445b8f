"""Review events and the `review_logs/` layout that two clones can append to without conflicts.

Every event is its own small YAML file, `review_logs/TERM_ID/<UTC time>-<action>-<random>.yaml`.
Two editors recording events on two clones create different files, so an ordinary `git pull`
merges them with no conflict, and no event file is ever rewritten. Events refer to the content
revision they were given on (`content_revision`), so an approval given before the last content
change is recognisably stale without walking history.

Must never: touch Git or a UI. Reading and writing event files is done by the repository service.
"""

from __future__ import annotations

import datetime as dt
import secrets
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from authoring.core.yamlio import load_small_document
from authoring.errors import ParseError, Problem, Severity

# defined apart so the merge driver can use it without pydantic; re-exported here, where callers look
from authoring.workflow.content_revision import WORKFLOW_FIELDS as WORKFLOW_FIELDS
from authoring.workflow.content_revision import content_revision as content_revision
from authoring.workflow.identity import email_of

if TYPE_CHECKING:
    from authoring.core.termfile import TermFile


class Action(StrEnum):
    """What a review event records."""

    COMMENT = "comment"
    APPROVE = "approve"
    REQUEST_CHANGES = "request_changes"
    PROMOTE = "promote"
    DEMOTE = "demote"
    DRAFT = "draft"
    EDIT = "edit"
    REJECT = "reject"
    DEPRECATE = "deprecate"
    UNDO = "undo"
    """An editor's (or agent's) earlier action withdrawn as a new action (`repo.undo`): the event names the
    undone commit (`undoes`), its action (`undone`) and the events it withdraws (`withdraws`)."""


class ReviewEvent(BaseModel):
    """One review event, as stored in its own file under `review_logs/TERM_ID/`."""

    model_config = ConfigDict(extra="allow", use_attribute_docstrings=True)

    id: str = Field(default_factory=lambda: secrets.token_hex(8))
    """A random id, unique across clones."""
    term: str
    """The canonical id of the term."""
    when: dt.datetime
    """When the event happened (UTC, to the microsecond)."""
    who: str
    """The acting identity, `Name <email>`."""
    role: str = "editor"
    """`editor` or `agent`, as the configuration said when the event was recorded."""
    action: Action
    """What was done."""
    from_status: str | None = None
    """The term's status before the event."""
    to_status: str | None = None
    """The term's status after the event (the same as before for comments and reviews)."""
    version: str | None = None
    """The term's version after the event."""
    revision: str | None = None
    """The content revision (`content_revision`) the event refers to."""
    note: str | None = None
    """The note given with the event."""

    @property
    def who_email(self) -> str:
        """The email in `who`, lower-cased: identities are matched by it."""
        return email_of(self.who)

    def file_name(self) -> str:
        """`20261122T213500123456Z-approve-1a2b3c4d.yaml`: sorts by time, never collides."""
        stamp = self.when.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        return f"{stamp}-{self.action.value}-{self.id[:8]}.yaml"

    def render(self) -> str:
        """The event file's text (a flat YAML mapping, keys in a fixed order)."""
        data: dict[str, Any] = {
            "id": self.id,
            "term": self.term,
            "when": self.when.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
            "who": self.who,
            "role": self.role,
            "action": self.action.value,
            "from_status": self.from_status,
            "to_status": self.to_status,
            "version": self.version,
            "revision": self.revision,
            "note": self.note,
            **(self.model_extra or {}),  # fields a newer writer added (a draft's agent, model, grounding)
        }
        text: str = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
        return text

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `--json`."""
        data = self.model_dump(mode="json")
        data["action"] = self.action.value
        return data


def term_revision(term: TermFile) -> str | None:
    """The content revision of a whole term file (see `content_revision`); None when its entry does not
    parse. A header that does not parse counts as its raw text."""
    entry = term.entry
    if entry is None:
        return None
    headers: list[Any] = []
    for parsed, block in zip(term.headers, term.split.blocks[:-1] if term.split else (), strict=False):
        headers.append(parsed.plain if parsed is not None else term.split.content(block) if term.split else None)
    return content_revision(entry, headers, term.split.body if term.split else "")


def event_path(review_logs_dir: Path, event: ReviewEvent) -> Path:
    """Where an event's file goes. The term id must already be a safe id (see `core.ids`)."""
    return review_logs_dir / event.term / event.file_name()


# An event file is a few hundred bytes; a note of a few pages is still far below this.
MAX_EVENT_BYTES = 64 * 1024


def parse_event(text: str, display: str) -> ReviewEvent:
    """An event from its file's text; a located `Problem` (raised as ValueError) when it is malformed.

    The YAML is read with the same bounds as a term block (size, depth, alias expansion: see
    `core.yamlio.load_small_document`), so one hostile file is one finding, never a crash or a hang.
    """
    try:
        data = load_small_document(text, display, MAX_EVENT_BYTES)
        return ReviewEvent.model_validate(data)
    except ParseError as exc:
        first = exc.problems[0] if exc.problems else None
        raise MalformedEvent(Problem(display, first.line if first else 1, first.col if first else 1,
                                     Severity.ERROR, "bad-review-event",
                                     (f"{first.code}: {first.message}" if first else exc.message)[:300])) from None
    except (ValidationError, RecursionError) as exc:
        raise MalformedEvent(Problem(display, 1, 1, Severity.ERROR, "bad-review-event",
                                     " ".join(str(exc).split())[:300])) from None


class MalformedEvent(ValueError):
    """An event file that cannot be read; carries its located problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.format())
        self.problem = problem


def load_events(
    review_logs_dir: Path, term_id: str, base: Path | None = None
) -> tuple[list[ReviewEvent], list[Problem]]:
    """A term's events, oldest first, and problems with any event file that could not be read."""
    folder = review_logs_dir / term_id
    events: list[ReviewEvent] = []
    problems: list[Problem] = []
    if not folder.is_dir():
        return events, problems
    for path in sorted(folder.glob("*.yaml")):
        display = str(path.relative_to(base)) if base else str(path)
        try:
            events.append(parse_event(path.read_text(encoding="utf-8"), display))
        except MalformedEvent as exc:
            problems.append(exc.problem)
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(display, 1, 1, Severity.ERROR, "bad-review-event", str(exc)))
    events.sort(key=lambda e: (e.when, e.id))
    return events, problems
