"""The audit's first stage on every core: every current term file read and parsed, each a pure function of its bytes.

An audit holds every term of the glossary at once, and parsing them is most of a cold audit's cost. Parsing a
file is pure (`revisions.parse_revision` reads nothing but the bytes it is given), so `current_revisions` has
`workers` processes (`index.default_workers()`: `AUTHORING_WORKERS`, else every core) read and parse the files
in chunks and send back slim revisions (`SlimTerm`, the entry pickled, the problems): what the audit keeps of
each term anyway, so what crosses the pipe is small. The parent keeps each one in its `RevisionCache` under the
blob id, as a revision parsed there would be kept, so the history walk finds the current revision of every term
by its blob and parses nothing twice.

A reading made in a worker is the reading made here: the same function runs in both, in the order of the ids,
and a file name that is no safe id or a symlink leading out of the terms folder is answered with its message
(the audit's `unsafe-path` finding) rather than raised. Few files, one core, or no pool to be had (under the
UI's threads a fork server may refuse to start; a worker that died) and the rest are read here, in order.

Workers come from the summary index's `process_pool` (fork while this process has one thread, else a fork
server; they let go of the standard streams and die with this process).

Must never: write files, run Git, or hand back a revision of bytes other than the ones it read.
"""

from __future__ import annotations

import contextlib
from collections.abc import Generator, Iterator, Sequence
from concurrent.futures import Executor
from pathlib import Path

from authoring.core.ids import term_path
from authoring.errors import UsageError
from authoring.repo.revisions import ABSENT, Revision, RevisionCache, parse_revision, read_work_tree

MIN_FILES = 48
"""Fewer files are read here: starting workers costs more than parsing them."""
CHUNK = 32

Read = Revision | str | None
"""One term's reading: its revision, the message refusing an id or a path that is not safe, or None when the
file does not exist (the parent's `ABSENT`, which history compares by identity: it does not cross a pipe)."""


def read_terms(terms_dir: str, jobs: Sequence[tuple[str, str]], slim: bool) -> list[Read]:
    """The readings of term files `(term id, display name)` in `terms_dir`, read now. Top-level so that pool
    workers can run it."""
    made: list[Read] = []
    for term_id, display in jobs:
        try:
            path = term_path(Path(terms_dir), term_id)
        except UsageError as exc:  # a file name that is no safe id, a symlink out: the caller reports it
            made.append(str(exc))
            continue
        read = read_work_tree(path, display)
        if isinstance(read, Revision):
            made.append(None if read is ABSENT else read)
        else:
            made.append(parse_revision(*read, path, display, slim))
    return made


@contextlib.contextmanager
def reading_pool(workers: int, files: int) -> Iterator[Executor | None]:
    """The pool `current_revisions` may read `files` term files with (None: too few files, one core, or no pool
    to be had), for a caller that hands it more work afterwards (the audit's duplicate search, `repo.aside`):
    its workers fork now, while this process holds no terms yet, so none of them starts out as large."""
    if workers < 2 or files < MIN_FILES:
        yield None
        return
    from authoring.repo.index import process_pool

    with contextlib.ExitStack() as stack:
        pool: Executor | None = None
        with contextlib.suppress(Exception):  # no pool here (see `current_revisions`): read in this process
            pool = stack.enter_context(process_pool(min(workers, -(-files // CHUNK))))
        yield pool


def current_revisions(cache: RevisionCache, terms_dir: Path, jobs: Sequence[tuple[str, str]],
                      workers: int, pool: Executor | None = None) -> Generator[Revision | str, None, None]:
    """For every job `(term id, display name)`, in order: the term's current revision (kept in `cache` under
    its blob id; `ABSENT` when the file does not exist), or the message refusing its path (see the module
    docstring). Read by `pool` when one is given (`reading_pool`), else by a pool of `workers` made here."""
    position = 0

    def take(batch: list[Read]) -> Iterator[Revision | str]:
        nonlocal position
        for read in batch:
            position += 1
            yield ABSENT if read is None else read if isinstance(read, str) else cache.remember(read)

    folder = str(terms_dir)
    if (pool is not None or workers > 1) and len(jobs) >= MIN_FILES:
        try:
            for batch in _in_pool(folder, jobs, workers, cache.slim, pool):
                yield from take(batch)
        except Exception:
            # No pool here (it died, or cannot start: under Textual, forkserver refuses the redirected
            # standard streams): carry on in this process. A real fault in the reading would recur below
            # and be raised from there.
            pass
    for start in range(position, len(jobs), CHUNK):
        yield from take(read_terms(folder, jobs[start:start + CHUNK], cache.slim))


def _in_pool(terms_dir: str, jobs: Sequence[tuple[str, str]], workers: int, slim: bool,
             given: Executor | None) -> Iterator[list[Read]]:
    """Batches of readings made by the `given` pool or `workers` processes, in the order of `jobs` (a pool made
    here is shut down on every way out: `index.process_pool`)."""
    from authoring.repo.index import process_pool

    chunks = [list(jobs[i:i + CHUNK]) for i in range(0, len(jobs), CHUNK)]
    with contextlib.nullcontext(given) if given is not None else process_pool(min(workers, len(chunks))) as pool:
        yield from pool.map(read_terms, [terms_dir] * len(chunks), chunks, [slim] * len(chunks))
