"""What a merge commit changed by itself, judged: a merge only brings together changes made on its
branches, so a status it sets that no parent had, or an event file it adds that no branch added, is
made by whoever committed the merge, outside every action and every rule of authorship.

The audit walks `Git.log(merges=True)`: for a merge it lists only the files whose merged result equals
none of its parents (`--diff-merges=dense-combined`), so an ordinary merge, or one resolved by taking a
side, lists nothing here; the merge driver's field-by-field result of two edits to one term is listed,
and passes, because its status is one of the parents'.

Must never: run Git, write anything, import a UI.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from authoring.codes import Code
from authoring.errors import Severity
from authoring.repo.gitlog import FileChange, LogCommit
from authoring.repo.revisions import RevisionCache


@dataclass(frozen=True)
class MergeFinding:
    """One thing a merge did by itself: the term it concerns, where, and what to say."""

    code: str
    term: str
    path: str
    commit: str
    message: str
    severity: Severity = Severity.ERROR


def judge_merge_change(cache: RevisionCache, commit: LogCommit, change: FileChange, terms_rel: str,
                       logs_rel: str) -> MergeFinding | None:
    """The finding for one file a merge changed beyond all its parents, if it is one to report."""
    pure = PurePosixPath(change.path)
    who = f"merge commit {commit.commit[:10]} ({commit.author})"
    if pure.suffix == ".md" and pure.parent.as_posix() == terms_rel and change.new_blob:
        after = cache.at_blob(change.new_blob, change.path).lenient_status
        before = [cache.at_blob(blob, change.path).lenient_status if blob else None for blob in change.parent_blobs]
        if after is None or after in before:
            return None
        was = " / ".join(sorted({status or "absent" for status in before}))
        return MergeFinding(Code.MERGE_STATUS_CHANGE, pure.stem, change.path, commit.commit,
                            f"status {was} → {after} set by {who}: no parent had it, so no action on any branch"
                            " made this move")
    parts = pure.parts
    if change.new_blob and pure.suffix == ".yaml" and len(parts) >= 2 and change.path.startswith(logs_rel + "/"):
        done = "added" if change.status == "A" else "changed"
        return MergeFinding(Code.FORGED_EVENT, parts[-2], change.path, commit.commit,
                            f"{change.path} was {done} by {who} itself; an event counts only when a commit on a"
                            " branch adds it")
    return None
