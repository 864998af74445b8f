"""Duplicate detection as audit findings: label collisions, id variants and similar definitions.

The detection is `core.duplicates` (pure); this module turns the work tree's terms (as the audit
read them) into its input and its groups into grouped `audit.Finding`s — one warning per group,
located on the group's first term, naming every member. They are review aids: a person decides
whether two terms are one.

Must never: write files, run Git, import a UI.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Executor
from typing import TYPE_CHECKING

from authoring.core.duplicates import DuplicateGroup, Labelled, find_duplicates
from authoring.errors import Severity

if TYPE_CHECKING:
    from authoring.core.termfile import TermFile
    from authoring.repo.audit import Finding
    from authoring.repo.revisions import Revision
    from authoring.repo.slim_term import SlimTerm

DUPLICATE_CODES = ("label-collision", "id-variant", "similar-definition")
"""The audit codes this module reports."""


def labelled(term_id: str, term: TermFile | SlimTerm | None, entry: dict[str, object] | None) -> Labelled:
    """What duplicate detection needs of one term; a file whose entry does not parse is read from its
    legacy header, as `list` shows it, so its name still counts."""
    from authoring.core.summary import summarise
    from authoring.repo.slim_term import SlimTerm

    if isinstance(term, SlimTerm):  # what the audit holds: the label was taken when the file was read
        name, aliases = term.label
    elif term is not None:
        summary = summarise(term)
        name, aliases = summary.term, tuple(summary.aliases)
    else:
        name = str(entry.get("term")) if entry and entry.get("term") is not None else None
        raw = entry.get("aliases") if entry else None
        aliases = tuple(str(a) for a in raw) if isinstance(raw, list) else ()
    definition = entry.get("pirouette_definition") if entry else None
    return Labelled(term_id, name, aliases, definition if isinstance(definition, str) else "")


def duplicate_findings(current: Mapping[str, Revision], threshold: float, display: Mapping[str, str]) -> list[Finding]:
    """One warning per group of terms that may duplicate one another (`display`: each term's file)."""
    with duplicates_aside(current, threshold, display, None) as found:
        return found()


@contextlib.contextmanager
def duplicates_aside(current: Mapping[str, Revision], threshold: float, display: Mapping[str, str],
                     pool: Executor | None, read: list[Labelled] | None = None
                     ) -> Iterator[Callable[[], list[Finding]]]:
    """`duplicate_findings`, searched by a worker of `pool` (`repo.aside`) while the caller goes on; yields a
    function that waits for the findings. `read`: every term of `current` already `labelled`, in any order
    (the audit takes it as each term is read: no entry decoded again)."""
    from authoring.repo.aside import aside

    given = [read] if read is not None else []

    def arguments() -> tuple[list[Labelled], float]:
        if given:  # handed over once: not held while the search runs
            return sorted(given.pop(), key=lambda term: term.id), threshold
        return [labelled(term_id, revision.term, revision.entry) for term_id, revision in sorted(current.items())], \
            threshold

    with aside(find_duplicates, arguments, pool) as groups:
        yield lambda: [finding(group, display) for group in groups()]


def finding(group: DuplicateGroup, display: Mapping[str, str]) -> Finding:
    """A group as one audit finding, on its first member."""
    from authoring.repo.audit import Finding

    first = group.members[0]
    return Finding(severity=Severity.WARNING, code=group.code, term=first, message=group.describe(),
                   path=display.get(first), terms=list(group.members))
