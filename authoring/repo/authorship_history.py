"""Who changed a term's content in Git since the adoption baseline: what the gates add to
`workflow.content_authorship.authors_of`, so that the gate and the audit count the same authors.

The audit reads these from its own walk; a gate reads them for one term here. Commits up to and
including the newest adoption commit are the accepted baseline (an import is not authorship); with
no adoption, the whole history counts.

Must never: write files; run Git except through `repo.git`; import a UI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from authoring.repo.revisions import ABSENT, RevisionCache
from authoring.workflow.adoption import ADOPTION_FOLDER

if TYPE_CHECKING:
    from authoring.repo.action_path import Repository


def adoption_commit(glossary: Repository) -> str | None:
    """The newest commit that added an adoption record, or None when the repository was never adopted."""
    folder = glossary.review_logs_dir / ADOPTION_FOLDER
    if not folder.is_dir():
        return None
    for commit in glossary.git.log([glossary.git.relative(folder) + "/"]):
        if any(change.status.startswith("A") for change in commit.changes):
            return commit.commit
    return None


def content_commit_authors(glossary: Repository, term_id: str) -> list[tuple[str, str]]:
    """`(Name <email>, commit)` of every commit since the adoption baseline that changed the term's
    content (its content revision), newest first, as the audit counts them.

    The tool's own commits (an `Action:` trailer) are passed over: a content change the tool makes is
    recorded as an event, which `authors_of` counts already, and its other commits (reviews, status
    moves) leave the content as it was. So only commits made outside the tool are parsed, and an
    identity already counted is not parsed for again: a gate stays cheap on a long history."""
    path = glossary.term_path(term_id)
    if glossary.git.head() is None:
        return []
    relative = glossary.git.relative(path)
    base = adoption_commit(glossary)
    cache = RevisionCache(glossary.git)
    found: list[tuple[str, str]] = []
    for commit in glossary.git.log([relative], rev=f"{base}..HEAD" if base else None):
        if "Action" in commit.trailers or any(who == commit.author for who, _ in found):
            continue
        for change in commit.changes:
            if change.path != relative:
                continue
            before = cache.at_blob(change.old_blob, relative) if change.old_blob else ABSENT
            after = cache.at_blob(change.new_blob, relative) if change.new_blob else ABSENT
            if after is not ABSENT and before.content_revision != after.content_revision:
                found.append((commit.author, commit.commit))
    return found
