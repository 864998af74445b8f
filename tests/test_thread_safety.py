"""The service is safe to call from many threads at once (the UI's workers): it owns the lock, so the UI
holds none. Many threads reading and acting on one `Glossary` over a real repository get the results one
thread alone would, every action lands as its own commit, and nothing raises."""

from __future__ import annotations

import inspect
import re
import threading
import time
from pathlib import Path
from typing import Any

from authoring.repo.service import Glossary
from tests.conftest import EDITOR, git

ROOT = Path(__file__).resolve().parent.parent
THREADS = 8
ROUNDS = 4
HANG_SECONDS = 240
QUIET = ["TIDAL_LOOM", "WEFT_PRESSURE", "KNOT_DRIFT"]  # read, never acted on


def _reads(glossary: Glossary) -> dict[str, Any]:
    """What the reads answer; compared between one thread and many."""
    return {
        "entries": {t: glossary.load(t).entry for t in QUIET},
        "history": {t: [h.commit for h in glossary.history(t)] for t in QUIET},
        "blobs": {t: glossary.git.show_file("HEAD", f"terms/{t}.md") for t in QUIET},
        "ids": glossary.term_ids(),
        "summaries": [s.to_json() for s in glossary.summaries(QUIET)],
        "gates": {t: glossary.gate_report(t).missing for t in QUIET},
    }


def test_many_threads_reading_and_acting_on_one_glossary(demo_repo: Path) -> None:
    glossary = Glossary.open(demo_repo, EDITOR)
    expected = _reads(glossary)
    head_before = glossary.git.head()
    failures: list[BaseException] = []
    answers: list[dict[str, Any]] = []
    start = threading.Barrier(THREADS)

    def worker(number: int) -> None:
        try:
            start.wait()
            for round_ in range(ROUNDS):
                if number % 2 == 0:  # actions: each a commit with its event
                    glossary.review("SLACK_WATER", "comment", note=f"thread {number} round {round_}")
                answers.append(_reads(glossary))
                glossary.review_events("SLACK_WATER")
                glossary.git.read_blobs([glossary.git.blob_at("HEAD", "terms/SLACK_WATER.md") or ""])
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + HANG_SECONDS  # a bound on a hang (unserialised, GitPython blocks), not a speed
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    assert not any(thread.is_alive() for thread in threads), "threads hung on the shared repository"
    glossary.close()
    assert not failures, failures
    assert len(answers) == THREADS * ROUNDS
    for answer in answers:
        assert answer == expected
    comments = THREADS // 2 * ROUNDS
    assert git(demo_repo, "rev-list", "--count", f"{head_before}..HEAD").strip() == str(comments)
    events = list((demo_repo / "review_logs" / "SLACK_WATER").iterdir())
    assert len(events) == comments
    assert git(demo_repo, "status", "--porcelain") == ""


def test_the_ui_holds_no_lock_of_its_own() -> None:
    """Thread safety is the service's: no screen, app or helper of the UI makes or takes a lock."""
    pattern = re.compile(r"\b(R?Lock|Semaphore|Condition)\(|service_lock|\.acquire\(")
    # search_runner's lock guards the search box's own state (the latest wish), never a service call
    offenders = [f"{path.relative_to(ROOT)}:{number}" for path in sorted((ROOT / "authoring" / "tui").rglob("*.py"))
                 if path.name != "search_runner.py"
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if pattern.search(line)]
    assert offenders == []


def test_every_public_service_and_git_method_is_serialised() -> None:
    """A method added later is covered too: `@serialised` wraps them all, bar the marked index reads."""
    from authoring.repo.git import Git

    def unlocked(cls: type) -> list[str]:
        names = {name for klass in cls.__mro__[:-1] for name in vars(klass) if not name.startswith("_")}
        return sorted(name for name in names if inspect.isfunction(inspect.getattr_static(cls, name))
                      and getattr(getattr(cls, name), "__wrapped__", None) is None)

    assert unlocked(Git) == []
    assert unlocked(Glossary) == ["cached_summaries", "check", "summaries", "term_ids"]


