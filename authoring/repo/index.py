"""The term index: what listing and checking need, per term file, keyed by the file's content.

For every term file the index keeps its `TermSummary` (identity, workflow state, problems with
their locations, crosslinks, provenance modules) next to a BLAKE2b hash of the bytes it was built
from. A summary is served only for bytes with that hash; a file is parsed again only when its
content changed. To avoid reading every file on every run, a file's `stat` (mtime, ctime, size,
inode) is a first filter: when it is exactly as recorded, and the record was not made within the
file system's timestamp granularity of the file's last change ("racily clean", as Git calls it),
the content cannot have changed (any write sets mtime and ctime, and ctime cannot be set back).
In every other case the file is read and hashed; a hash that matches reuses the summary.

The store is one file, `<git dir>/authoring/term-index-v<N>.json` (never committed: Git does not
track its own directory), or under `$XDG_CACHE_HOME/authoring/` when the Git directory is not
writable. It opens with a header line carrying a digest of the rest: a truncated, corrupt, foreign
or older-format store, or one written by different checking code (`fingerprint`), is ignored and
rebuilt. It is replaced atomically (temporary file, rename) under a lock, merging what another
process wrote meanwhile, so concurrent builders never corrupt it; and since every entry is checked
against the file's content before use, a stale or lost store costs time, never a wrong answer.

Must never: run Git, import a UI, or serve a summary for bytes it was not built from.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from authoring.core.summary import TermSummary
from authoring.core.textfile import atomic_write
from authoring.faults import checkpoint
from authoring.repo.filelock import exclusive_lock

FORMAT = 1
# A record made less than this long after the file's last change is "racy": the next write could
# land in the same timestamp tick and leave mtime unchanged, so such files are always hashed.
# Two seconds covers the coarsest file systems in use (FAT) and kernel clock granularity.
RACY_NS = 2_000_000_000
# Below this many files to build, a process pool costs more than it saves.
POOL_MIN_FILES = 48
CHUNK = 24

_CODE_MODULES = ("core", "errors.py")
_fingerprint: str | None = None


@dataclass(frozen=True)
class IndexProgress:
    """A step of `TermIndex.refresh`: `done` of `total` files are known; `summaries` are the new ones."""

    done: int
    total: int
    summaries: list[TermSummary] = field(default_factory=list)


ProgressCallback = Callable[[IndexProgress], None]


def fingerprint() -> str:
    """A digest of the code that makes summaries (our core, and the YAML and schema libraries).

    A store written by other code is ignored, so changing a check never serves old answers.
    """
    global _fingerprint
    if _fingerprint is None:
        from authoring.repo.code_fingerprint import code_fingerprint

        _fingerprint = code_fingerprint(FORMAT, _CODE_MODULES, ("ruamel.yaml", "PyYAML", "pydantic", "pydantic-core"))
    return _fingerprint


def index_dir(git_dir: Path, root: Path) -> Path:
    """Where the index lives: inside the Git directory, else the user's cache directory."""
    inside = git_dir / "authoring"
    with contextlib.suppress(OSError):
        inside.mkdir(exist_ok=True)
    if os.access(inside, os.W_OK):
        return inside
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    key = hashlib.blake2b(str(root.resolve()).encode(), digest_size=8).hexdigest()
    return Path(cache) / "authoring" / key


def default_workers() -> int:
    """Processes for a cold build: `AUTHORING_WORKERS` if set (1 = no pool), else every core."""
    try:
        return max(1, int(os.environ["AUTHORING_WORKERS"]))
    except (KeyError, ValueError):
        return os.cpu_count() or 1


def content_hash(data: bytes) -> str:
    """The content key of a file's bytes."""
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def _stat_key(st: os.stat_result) -> list[int]:
    return [st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino]


@dataclass
class _Entry:
    stat: list[int]
    """`_stat_key` of the file when it was read for `hash`."""
    clean: bool
    """False when the record was made within `RACY_NS` of the file's last change: hash it next time."""
    hash: str
    summary: dict[str, Any]
    """`TermSummary.to_json()` of the bytes with `hash`."""

    def to_json(self) -> list[Any]:
        return [self.stat, self.clean, self.hash, self.summary]

    @classmethod
    def from_json(cls, data: Any) -> _Entry:
        stat, clean, digest, summary = data
        if not (isinstance(stat, list) and len(stat) == 4 and all(isinstance(x, int) for x in stat)
                and isinstance(clean, bool) and isinstance(digest, str) and isinstance(summary, dict)):
            raise ValueError("malformed entry")
        return cls(stat, clean, digest, summary)


class TermIndex:
    """Summaries of the term files in one directory, served from the store when their content is unchanged.

    `display(path)` names files as problems show them (relative to the repository root); it is part
    of what a summary depends on, so it is part of each entry's key (the store maps display paths).
    """

    def __init__(self, store_dir: Path, terms_dir: Path, display: Callable[[Path], str]) -> None:
        self.store_dir = store_dir
        self.terms_dir = terms_dir
        self.display = display
        self.path = store_dir / f"term-index-v{FORMAT}.json"
        self._memo: tuple[tuple[int, int, int], dict[str, _Entry]] | None = None
        self._hashes_memo: tuple[tuple[int, int, int], dict[str, str]] | None = None

    # -- reading the store -------------------------------------------------------------------------

    def _read_store(self) -> dict[str, _Entry]:
        """The entries in the store; empty when it is missing, damaged, foreign or from other code.

        The parsed store is kept in memory while the file is the same one (inode, size, mtime): it
        is only ever replaced by a rename, and every entry is checked against its file anyway.
        """
        try:
            st = os.stat(self.path)
        except OSError:
            return {}
        identity = (st.st_ino, st.st_size, st.st_mtime_ns)
        memo = self._memo
        if memo is not None and memo[0] == identity:
            return dict(memo[1])
        try:
            raw = self.path.read_bytes()
        except OSError:
            return {}
        entries = _parse_store(raw)
        self._memo = (identity, entries)
        return dict(entries)

    def cached(self, term_ids: Sequence[str]) -> dict[str, TermSummary]:
        """Whatever the store holds for these ids, unchecked against the files (instant; may be stale)."""
        entries = self._read_store()
        found: dict[str, TermSummary] = {}
        for term_id in term_ids:
            entry = entries.get(self._name(term_id))
            if entry is not None:
                with contextlib.suppress(KeyError, TypeError, ValueError):
                    found[term_id] = TermSummary.from_json(entry.summary)
        return found

    def stored_hashes(self) -> dict[str, str]:
        """Term id → content hash of every file the store holds, as the last refresh left it (unchecked)."""
        try:
            st = os.stat(self.path)
        except OSError:
            return {}
        identity = (st.st_ino, st.st_size, st.st_mtime_ns)
        memo = self._hashes_memo
        if memo is not None and memo[0] == identity:
            return memo[1]  # the same store as last time: the same object, so callers can compare by identity
        folder = self._name("")[: -len(".md")]  # the terms folder as `display` shows it, with its slash
        found = {name[len(folder):-3]: entry.hash for name, entry in self._read_store().items()
                 if name.startswith(folder) and name.endswith(".md") and "/" not in name[len(folder):]}
        self._hashes_memo = (identity, found)
        return found

    def _name(self, term_id: str) -> str:
        return self.display(self.terms_dir / f"{term_id}.md")

    # -- refreshing --------------------------------------------------------------------------------

    def refresh(self, term_ids: Sequence[str], progress: ProgressCallback | None = None,
                workers: int | None = None) -> list[TermSummary]:
        """Summaries of `term_ids` (in that order), each for the file's current content.

        Unchanged files come from the store; changed or new ones are parsed (`workers` processes,
        default: the machine's cores when there are enough files). `progress` is called in this
        thread as files become known, with the summaries made since the last call.
        """
        stored = self._read_store()
        total = len(term_ids)
        results: dict[str, TermSummary] = {}
        fresh: dict[str, _Entry] = {}
        todo: list[tuple[str, str, list[int], bool, bytes]] = []  # id, name, stat, clean, bytes
        for term_id in term_ids:
            path = self.terms_dir / f"{term_id}.md"
            name = self.display(path)
            entry = stored.get(name)
            now = time.time_ns()
            try:
                st = os.stat(path)
            except OSError:
                todo.append((term_id, name, [0, 0, -1, 0], False, b""))
                continue
            key = _stat_key(st)
            if entry is not None and entry.clean and entry.stat == key:
                summary = _summary_of(entry)
                if summary is not None:
                    results[term_id] = summary
                    continue
            try:
                data = path.read_bytes()
            except OSError:
                todo.append((term_id, name, [0, 0, -1, 0], False, b""))
                continue
            clean = max(st.st_mtime_ns, st.st_ctime_ns) < now - RACY_NS
            digest = content_hash(data)
            if entry is not None and entry.hash == digest:
                summary = _summary_of(entry)
                if summary is not None:
                    results[term_id] = summary
                    if entry.stat != key or entry.clean != clean:
                        fresh[name] = _Entry(key, clean, digest, entry.summary)
                    continue
            todo.append((term_id, name, key, clean, data))
        if progress is not None:
            progress(IndexProgress(len(results), total))
        for term_id, name, key, clean, data, summary_json in self._build(todo, progress, len(results), total,
                                                                          workers):
            summary = TermSummary.from_json(summary_json)
            results[term_id] = summary
            if key[2] >= 0:  # a file that could not be read is reported, not remembered
                fresh[name] = _Entry(key, clean, content_hash(data), summary_json)
        if fresh:
            self._write_store(fresh)
        return [results[term_id] for term_id in term_ids]

    def _build(self, todo: list[tuple[str, str, list[int], bool, bytes]], progress: ProgressCallback | None,
               done: int, total: int, workers: int | None
               ) -> Iterator[tuple[str, str, list[int], bool, bytes, dict[str, Any]]]:
        jobs = [(str(self.terms_dir / f"{term_id}.md"), name, data if key[2] >= 0 else None)
                for term_id, name, key, _, data in todo]
        count = workers if workers is not None else default_workers()
        position = 0

        def serial(start: int) -> Iterator[list[dict[str, Any]]]:
            for i in range(start, len(jobs), CHUNK):
                yield build_summaries(jobs[i:i + CHUNK])

        def take(batch: list[dict[str, Any]]) -> Iterator[tuple[str, str, list[int], bool, bytes, dict[str, Any]]]:
            nonlocal position, done
            made: list[TermSummary] = []
            for summary_json in batch:
                term_id, name, key, clean, data = todo[position]
                position += 1
                made.append(TermSummary.from_json(summary_json))
                yield term_id, name, key, clean, data, summary_json
            done += len(batch)
            if progress is not None:
                progress(IndexProgress(done, total, made))

        if count > 1 and len(jobs) >= POOL_MIN_FILES:
            try:
                for batch in _in_pool(jobs, count):
                    yield from take(batch)
            except Exception:
                # No pool here (it died, or cannot start: under Textual, forkserver refuses the
                # redirected standard streams): carry on in this process. A real fault in the
                # build would recur below and be raised from there.
                pass
        for batch in serial(position):
            yield from take(batch)

    # -- writing the store -------------------------------------------------------------------------

    def _write_store(self, fresh: dict[str, _Entry]) -> None:
        """Merge `fresh` into the store and replace it atomically; skipped (not fatal) when it cannot be."""
        try:
            self.store_dir.mkdir(parents=True, exist_ok=True)
            with _store_lock(self.store_dir / "term-index.lock"):
                entries = self._read_store()  # what another process may have written since we read
                entries.update(fresh)
                present = {self.display(p) for p in self.terms_dir.glob("*.md")} if self.terms_dir.is_dir() else set()
                entries = {name: entry for name, entry in entries.items() if name in present}
                payload = json.dumps({name: entry.to_json() for name, entry in sorted(entries.items())},
                                     ensure_ascii=False, separators=(",", ":")).encode("utf-8")
                header = json.dumps({"format": FORMAT, "code": fingerprint(),
                                     "digest": hashlib.blake2b(payload, digest_size=20).hexdigest()}).encode()
                for leftover in self.store_dir.glob(".term-index*.tmp"):  # a dead writer's (we hold the lock)
                    with contextlib.suppress(FileNotFoundError):
                        leftover.unlink()
                atomic_write(self.path, header + b"\n" + payload, sync=False)  # a cache
        except (OSError, TimeoutError):
            return  # a cache we cannot write only costs time next run

    def clear(self) -> None:
        """Forget everything (the next refresh parses every file)."""
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def _parse_store(raw: bytes) -> dict[str, _Entry]:
    """The entries of a store file's bytes; empty unless its header's format, code and digest all match."""
    try:
        header, _, payload = raw.partition(b"\n")
        meta = json.loads(header)
        if (meta.get("format") != FORMAT or meta.get("code") != fingerprint()
                or meta.get("digest") != hashlib.blake2b(payload, digest_size=20).hexdigest()):
            return {}
        body = json.loads(payload)
        return {str(name): _Entry.from_json(item) for name, item in body.items()}
    except (ValueError, TypeError, AttributeError, UnicodeDecodeError):
        return {}


def _summary_of(entry: _Entry) -> TermSummary | None:
    try:
        return TermSummary.from_json(entry.summary)
    except (KeyError, TypeError, ValueError):
        return None


def _store_lock(path: Path, wait_seconds: float = 5.0) -> contextlib.AbstractContextManager[None]:
    return exclusive_lock(path, wait_seconds, poll_seconds=0.02)


def build_summaries(jobs: Sequence[tuple[str, str, bytes | None]]) -> list[dict[str, Any]]:
    """Parse and check files (path, display name, bytes — None when unreadable); their summaries as JSON.

    Top-level so that pool workers can run it.
    """
    from authoring.core.summary import summarise
    from authoring.core.termfile import load_term

    return [summarise(load_term(Path(path), name, data, fast=True)).to_json() for path, name, data in jobs]


def _in_pool(jobs: list[tuple[str, str, bytes | None]], count: int) -> Iterator[list[dict[str, Any]]]:
    """Batches of summaries built by `count` worker processes, in the order of `jobs`.

    The pool is shut down on every way out (the last batch, an error, an interrupt, a caller that
    stops early); the workers let go of the standard streams and exit by themselves when this process
    dies (even by kill -9), so `out=$(authoring list)` never waits on an orphan.
    """
    chunks = [jobs[i:i + CHUNK] for i in range(0, len(jobs), CHUNK)]
    with process_pool(min(count, len(chunks))) as pool:
        for number, batch in enumerate(pool.map(build_summaries, chunks)):
            if number == 0:
                checkpoint("pool", "first batch")  # the tests kill the parent here, workers running
            yield batch


@contextlib.contextmanager
def process_pool(workers: int) -> Iterator[Any]:
    """A `ProcessPoolExecutor` of `workers` processes for pure work on many files (the summary index's cold
    build, `repair_pool`), shut down on every way out. Its workers let go of the standard streams and exit by
    themselves when this process dies (`_worker_start`)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork is cheapest (workers inherit loaded modules) but unsafe once threads run (the UI's
    # workers): then a fresh interpreter per worker.
    method = "fork" if threading.active_count() == 1 else "forkserver"
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method),
                               initializer=_worker_start)
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _worker_start() -> None:
    """In each worker: let go of stdout/stderr (a pipe a shell waits on) and exit when the parent is gone."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for fd in (1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    boss = os.getppid()  # the parent, or the fork server under "forkserver": it dies with the parent

    def watch() -> None:
        while True:
            time.sleep(0.2)
            if os.getppid() != boss:
                os._exit(1)

    threading.Thread(target=watch, name="authoring-parent-watch", daemon=True).start()


def remove_stale_temporaries(git_dir: Path) -> None:
    """Remove temporary store files left by a writer that died (under the store lock: no writer is live)."""
    store = git_dir / "authoring"
    if not any(store.glob(".term-index*.tmp")):
        return
    with contextlib.suppress(OSError, TimeoutError), _store_lock(store / "term-index.lock", 1.0):
        for leftover in store.glob(".term-index*.tmp"):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
