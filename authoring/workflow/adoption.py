"""The adoption record: the one event that accepts an existing glossary's state as the audit's baseline.

A repository that already holds terms (the upstream Pirouette repository, an import) is adopted once
(`authoring adopt`). The adoption commit adds `review_logs/_adoption/<UTC stamp>-adopt-<8 hex>.yaml`,
which records who adopted, when, the commit adopted (`base`) and the status of every term found.
From then on the audit judges only what happened after it: status changes, ratifications and
content authorship in commits up to and including the adoption commit are the accepted baseline,
and a term that stands at the status it was adopted with is not "arrived with no recorded review".
Like review events, the record is never rewritten; a later adoption (a new import) adds another.

Must never: touch Git, files or a UI.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from authoring.core.yamlio import load_small_document
from authoring.errors import ParseError, Problem, Severity

ADOPTION_FOLDER = "_adoption"
"""The folder inside the review logs that holds adoption records (never a term id: ids are upper case)."""


class AdoptionRecord(BaseModel):
    """One adoption: the statuses found, accepted as they were."""

    model_config = ConfigDict(extra="allow", use_attribute_docstrings=True)

    id: str = Field(default_factory=lambda: secrets.token_hex(8))
    """A random id, unique across clones."""
    action: str = "adopt"
    """Always `adopt`."""
    when: dt.datetime
    """When the repository was adopted (UTC)."""
    who: str
    """Who adopted it, `Name <email>`."""
    base: str | None = None
    """The commit whose content was adopted (HEAD before the adoption commit; None in an empty history)."""
    note: str | None = None
    """Why, in words."""
    statuses: dict[str, str] = Field(default_factory=dict)
    """Every term found → the status it was adopted with."""

    def file_name(self) -> str:
        """`20261129T201500123456Z-adopt-1a2b3c4d.yaml`."""
        stamp = self.when.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        return f"{stamp}-adopt-{self.id[:8]}.yaml"

    def render(self) -> str:
        """The record's text (YAML, keys in a fixed order, statuses by term id)."""
        data: dict[str, Any] = {
            "id": self.id,
            "action": self.action,
            "when": self.when.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
            "who": self.who,
            "base": self.base,
            "note": self.note,
            "statuses": dict(sorted(self.statuses.items())),
        }
        text: str = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
        return text


def is_adoption_path(relative: str, review_logs_rel: str) -> bool:
    """True when a repository path (posix) is an adoption record in the review logs."""
    prefix = f"{review_logs_rel.strip('/')}/{ADOPTION_FOLDER}/"
    return relative.startswith(prefix) and relative.endswith(".yaml") and "/" not in relative[len(prefix):]


# A record names every adopted term (about 32 bytes each: 536 KB for 17,000 terms); the bound keeps a hostile
# one from being read without end, as the event files' smaller one does
MAX_ADOPTION_RECORD = 32 * 1024 * 1024


def parse_adoption(text: str, display: str) -> AdoptionRecord | Problem:
    """A record from its file's text, or the located problem that stops it being read."""
    try:
        data = load_small_document(text, display, MAX_ADOPTION_RECORD)
        record = AdoptionRecord.model_validate(data)
    except ParseError as exc:  # located: the reader bounds size, nesting and aliases as for event files
        where = exc.problems[0] if exc.problems else None
        return Problem(display, where.line if where else 1, where.col if where else 1, Severity.ERROR,
                       "bad-adoption-record", exc.message[:300])
    except ValidationError as exc:
        return Problem(display, 1, 1, Severity.ERROR, "bad-adoption-record", " ".join(str(exc).split())[:300])
    if record.action != "adopt":
        return Problem(display, 1, 1, Severity.ERROR, "bad-adoption-record", f"action is {record.action!r}, not adopt")
    return record

