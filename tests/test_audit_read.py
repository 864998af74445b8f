"""The audit reads the current terms on every core (`repo.audit_read`): the report is the one a read in one
process gives, byte for byte, with terms that do not parse, nest too deeply, have unsafe names or lead out
of the terms folder among them; and no term is parsed twice (the history walk finds the current revisions
by their blob ids)."""

from __future__ import annotations

import json
import multiprocessing
import threading
from pathlib import Path
from typing import Any

import pytest

from authoring.repo import audit_read
from authoring.repo.audit import Auditor
from authoring.repo.revisions import ABSENT, Revision, RevisionCache
from authoring.repo.service import Glossary
from tests.conftest import git, run_cli_process
from tests.history_builders import new_glossary, plain_commit, term_text

DEEP = "---\nterm: Deep\ncanonical_id: DEEP\nstatus: draft\nvalue: " + "[" * 20_000 + "]" * 20_000 + "\n---\n# Deep\n"
BROKEN = "---\nterm: Broken\ncanonical_id: BROKEN\nstatus: ratified\nwhere: Chapter 5: Tides\n  bad: [\n---\n# Broken\n"


def hostile_glossary(path: Path, outside: Path) -> Path:
    """More terms than `audit_read.MIN_FILES` (so a pool reads them): most parse and link to each other (one
    link dangles), and among them a term that does not parse, one nested 20,000 deep, a file name that is no
    id, a symbolic link out of the terms folder and one to nowhere; with history (a status changed behind
    the tool's back) and a work-tree edit."""
    count = audit_read.MIN_FILES + 6
    links = {n: [f"TERM_{(n + 1) % count:03d}", *(["NO_SUCH_TERM"] if n == 7 else [])] for n in range(count)}
    terms = {f"TERM_{n:03d}": term_text(f"TERM_{n:03d}", art=f"Shore number {n}.", crosslinks=links[n])
             for n in range(count)}
    terms |= {"DEEP": DEEP, "BROKEN": BROKEN, "bad name": "---\nterm: bad\n---\n"}
    repo = new_glossary(path, terms)
    outside.write_text("---\nterm: Outside\ncanonical_id: OUTSIDE\nstatus: draft\n---\n", encoding="utf-8")
    (repo / "terms" / "LEADS_OUT.md").symlink_to(outside)
    (repo / "terms" / "NOWHERE.md").symlink_to("MISSING.md")  # not listed: not a file
    plain_commit(repo, {"terms/TERM_003.md": term_text("TERM_003", status="ratified", art="Shore number 3.")},
                 "ratified behind the tool's back")
    (repo / "terms" / "TERM_004.md").write_text(term_text("TERM_004", art="Edited, not committed."), encoding="utf-8")
    return repo


def test_the_audit_on_every_core_is_the_audit_in_one_process(tmp_path: Path) -> None:
    repo = hostile_glossary(tmp_path / "g", tmp_path / "outside.md")
    out = {}
    for workers in ("1", "2"):
        result = run_cli_process("audit", "--json", "--no-cache", "--repo", repo, env={"AUTHORING_WORKERS": workers},
                                 timeout=300)
        assert result.code == 1, result.err
        out[workers] = result.out
    assert out["2"] == out["1"]  # byte for byte
    assert git(repo, "status", "--porcelain", "--untracked-files=no") == " M terms/TERM_004.md\n"
    findings = json.loads(out["2"])["findings"]
    codes = {(f["term"], f["code"]) for f in findings}
    assert {("DEEP", "too-deep"), ("BROKEN", "yaml-syntax"), ("bad name", "unsafe-path"),
            ("LEADS_OUT", "unsafe-path"), ("TERM_007", "dangling-crosslink")} <= codes, sorted(codes)
    assert any(f["term"] == "TERM_003" and f["code"] == "unreviewed-status-change" for f in findings)


def _plain(reading: Revision | str) -> Any:
    """What a reading says, as comparable data (a `SlimTerm` has no equality of its own)."""
    if isinstance(reading, str) or reading is ABSENT:
        return reading if isinstance(reading, str) else "ABSENT"
    term = reading.term
    slim = None if term is None else (term.path, term.parses, getattr(term, "label", None),
                                      getattr(term, "_blocks", None))
    return (reading.blob, reading.entry, reading.error, reading.problems, slim, reading.content_revision,
            reading.lenient_status, reading.status, reading.version)


def test_readings_made_by_workers_are_the_readings_made_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit_read, "CHUNK", 5)  # several chunks for each worker
    repo = hostile_glossary(tmp_path / "g", tmp_path / "outside.md")
    with Glossary.open(repo) as glossary:
        ids = glossary.term_ids()
        jobs = [(t, f"terms/{t}.md") for t in [*ids, "GONE"]]  # a file gone since it was listed: ABSENT
        here = RevisionCache(glossary.git, slim=True)
        serial = [_plain(r) for r in audit_read.current_revisions(here, glossary.terms_dir, jobs, 1)]
        pooled_cache = RevisionCache(glossary.git, slim=True)
        workers_seen: set[int] = set()
        pooled = []
        for reading in audit_read.current_revisions(pooled_cache, glossary.terms_dir, jobs, 2):
            workers_seen |= {p.pid for p in multiprocessing.active_children()}
            pooled.append(_plain(reading))
    assert pooled == serial
    assert workers_seen, "no worker process read anything"
    assert not multiprocessing.active_children()  # the pool is gone once every reading is taken
    assert pooled_cache.parsed == here.parsed == len(ids) - 2  # not: the unsafe name, the link out
    assert serial[-1] == "ABSENT" and serial.count("ABSENT") == 1
    assert sum(isinstance(r, str) and r != "ABSENT" for r in serial) == 2  # refused: the name, the link out


def test_no_term_is_parsed_twice_in_an_audit(tmp_path: Path) -> None:
    repo = hostile_glossary(tmp_path / "g", tmp_path / "outside.md")
    with Glossary.open(repo) as glossary:
        auditor = Auditor(glossary)
        auditor.run()
    # every distinct blob: the work-tree files read, and every term blob in history not among them
    committed = set(git(repo, "log", "--format=", "--raw", "--no-abbrev", "--", "terms").split())
    work_tree = {git(repo, "hash-object", str(p)).strip() for p in (repo / "terms").glob("*.md")
                 if p.is_file() and p.resolve().parent == (repo / "terms").resolve() and p.stem != "bad name"}
    history = {oid for oid in committed if len(oid) == 40 and set(oid) != {"0"}} - work_tree
    assert auditor.cache.parsed == len(work_tree) + len(history)


def test_an_audit_run_from_a_thread_gives_the_same_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The UI audits from a worker thread: its pool is a fork server's (or, when none can start, none)."""
    repo = hostile_glossary(tmp_path / "g", tmp_path / "outside.md")
    with Glossary.open(repo) as glossary:
        monkeypatch.setenv("AUTHORING_WORKERS", "1")
        alone = glossary.audit().model_dump(mode="json")
        monkeypatch.setenv("AUTHORING_WORKERS", "2")
        made: list[dict[str, Any]] = []
        thread = threading.Thread(target=lambda: made.append(glossary.audit().model_dump(mode="json")))
        thread.start()
        thread.join(timeout=300)
    assert not thread.is_alive()
    assert made == [alone]
