"""One action over several terms (the UI's bulk approve, fold headers, repair; `review A B C`): each term
its own action and its own commit, one failure never stopping the others, every outcome reported.

Must never: merge several terms into one commit; swallow a failure (each is reported with its exit code);
import a UI.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from authoring.errors import AuthoringError, ExitCode

if TYPE_CHECKING:
    from authoring.repo.service import Glossary


@dataclass
class Outcome:
    """What happened to one term."""

    term_id: str
    ok: bool
    """True when the action succeeded (committed, or had nothing to do)."""
    message: str
    """The action's message, or the error's."""
    commit: str | None = None
    """The commit it made, if any."""
    exit_code: int = ExitCode.OK
    """0 on success, else the error's exit code (3 refused, 4 conflict, …)."""
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `--json`."""
        return {"term": self.term_id, "ok": self.ok, "message": self.message, "commit": self.commit,
                "exit_code": self.exit_code, **self.details}


@dataclass
class BulkResult:
    """Every term's outcome, in the order asked."""

    action: str
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def failed(self) -> list[Outcome]:
        """The outcomes that failed."""
        return [o for o in self.outcomes if not o.ok]

    @property
    def exit_code(self) -> int:
        """0 when every term succeeded, else the first failure's exit code."""
        return self.failed[0].exit_code if self.failed else ExitCode.OK

    def describe(self) -> str:
        """One line per term, then a count."""
        lines = [f"{'ok  ' if o.ok else 'FAIL'} {o.message}" for o in self.outcomes]
        lines.append(f"{self.action}: {len(self.outcomes) - len(self.failed)} of {len(self.outcomes)} done"
                     + (f", {len(self.failed)} failed" if self.failed else ""))
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `--json`."""
        return {"action": self.action, "results": [o.to_json() for o in self.outcomes],
                "done": len(self.outcomes) - len(self.failed), "failed": len(self.failed)}


def each(glossary: Glossary, action: str, term_ids: Sequence[str],
         act: Callable[[Glossary, str], Any], progress: Callable[[Outcome], None] | None = None) -> BulkResult:
    """Run `act(glossary, term_id)` for every id in turn (each its own transaction and commit); an
    `AuthoringError` is that term's failure, reported, and the next term goes ahead. `act` returns an
    object with `message`, `commit` and `to_json()` (an `ActionResult`, a `RepairResult`)."""
    result = BulkResult(action)
    for term_id in dict.fromkeys(term_ids):
        try:
            done = act(glossary, term_id)
        except AuthoringError as exc:
            outcome = Outcome(term_id, False, f"{term_id}: {exc}", None, exc.exit_code,
                              {"missing": list(getattr(exc, "missing", []))})
        else:
            message = getattr(done, "message", None) or (done.describe() if hasattr(done, "describe") else term_id)
            outcome = Outcome(term_id, True, str(message), getattr(done, "commit", None))
        result.outcomes.append(outcome)
        if progress is not None:
            progress(outcome)
    return result
