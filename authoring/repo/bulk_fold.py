"""`fold-headers --all`: fold the legacy headers of every term that has them, in one commit.

Each term is folded as `actions.fold_headers` folds one (a header field the entry lacks is copied
into it; a header that disagrees takes the entry's value; a content edit bumps the minor version),
with its own `edit` review event; all the files and events land in a single commit, or none do.
Terms whose front matter does not parse are left alone and listed (repair them first).

Must never: write outside one transaction; run Git except through `repo.git`; import a UI.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from authoring.errors import AuthoringError, ParseError, UsageError
from authoring.repo.action_path import commit_message, new_event, role
from authoring.repo.actions import _bookkeep_edit, _fold, load_for_action, refuse, revision_of
from authoring.workflow import gates
from authoring.workflow.review_log import Action, event_path

if TYPE_CHECKING:
    from authoring.repo.service import Glossary


@dataclass
class FoldAllResult:
    """What `fold-headers --all` did."""

    commit: str | None = None
    folded: dict[str, list[str]] = field(default_factory=dict)
    """Term → what was folded in it."""
    skipped: dict[str, str] = field(default_factory=dict)
    """Term → why it was left alone (its front matter does not parse)."""

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `--json`."""
        return {"commit": self.commit, "folded": self.folded, "skipped": self.skipped}

    def describe(self) -> str:
        """The human summary."""
        lines = [f"folded the legacy headers of {len(self.folded)} term(s)"
                 + (f" in one commit {self.commit[:8]}" if self.commit else " (nothing to commit)")]
        if self.skipped:
            lines.append(f"left alone {len(self.skipped)} term(s) whose front matter does not parse"
                         f" (e.g. {', '.join(sorted(self.skipped)[:5])}); `authoring repair` first")
        return "\n".join(lines)


def fold_all(glossary: Glossary, progress: Callable[[int, int], None] | None = None) -> FoldAllResult:
    """Fold every term's legacy headers into its entry, all in one commit (see the module's doc)."""
    actor = glossary.actor()
    missing = gates.permission_gaps(Action.EDIT, actor, role(glossary, actor))
    if missing:
        raise refuse("glossary", "fold-headers --all", missing)
    result = FoldAllResult()
    with_headers = [s.id for s in glossary.summaries() if _has_headers(glossary, s.id)]
    planned: list[tuple[Path, bytes | None, bytes | None, bool]] = []
    with glossary.transaction() as tx:
        for done, term_id in enumerate(with_headers, 1):
            if progress is not None:
                progress(done, len(with_headers))
            try:
                loaded = load_for_action(glossary, tx, term_id)
            except (ParseError, UsageError) as exc:
                result.skipped[term_id] = str(exc).split("\n", 1)[0]
                continue
            editor = loaded.editor
            folded: list[str] = []
            with editor.batch():
                _fold(editor, len(editor.term.blocks), folded)
            if not editor.changed:
                continue
            note = "fold legacy headers: " + ", ".join(folded)
            bookkeeping = _bookkeep_edit(glossary, loaded, actor, "fold legacy headers", note)
            event = new_event(glossary, term_id, actor, Action.EDIT, from_status=bookkeeping.current.value,
                              to_status=bookkeeping.target.value, version=bookkeeping.version_after,
                              revision=revision_of(editor), note=note)
            planned.append((loaded.term.path, editor.render(), loaded.term.data, False))
            planned.append((event_path(glossary.review_logs_dir, event), event.render().encode("utf-8"), None, True))
            result.folded[term_id] = folded
        if not result.folded:
            return result
        tx.write_many(planned)
        trailers = [("Action", "edit"), ("Terms", str(len(result.folded)))]
        result.commit = tx.commit(commit_message("glossary", f"fold legacy headers of {len(result.folded)} terms",
                                                 trailers), actor)
    return result


def _has_headers(glossary: Glossary, term_id: str) -> bool:
    """True when the term file has more than one front-matter block (read quickly, without YAML)."""
    from authoring.core.frontmatter import split
    from authoring.core.textfile import decode

    try:
        text = decode(glossary.term_path(term_id).read_bytes(), term_id)
    except (AuthoringError, OSError):  # unreadable files are the check's business, not folding's
        return False
    return len(split(text.body).blocks) > 1
