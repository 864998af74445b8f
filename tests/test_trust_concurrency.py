"""Issue 12, attack 8: a command binds to what its actor saw, however the processes interleave.

The test holds the repository lock itself while the commands start, and releases it only once every
process has read the term and is waiting for the lock (seen as the lock file open in `/proc/PID/fd`),
so every interleaving the race could produce is forced, not hoped for.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from authoring.repo.git import repository_lock
from tests.conftest import ROOT, git
from tests.history_builders import plain_commit
from tests.trust_support import ALICE, BOB, TERM, TERM_FILE, cli, drafted, head, user

pytestmark = [pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to see who waits"),
              pytest.mark.slow]  # separate Python processes: 15-20 s on a busy machine


def _start(repo: Path, args: Sequence[str]) -> subprocess.Popen[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.Popen([sys.executable, "-m", "authoring", *args, "--repo", str(repo)], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _waiting_on(process: subprocess.Popen[str], lock: Path) -> bool:
    """True when the process holds the lock file open (it has read the term and waits), or has ended."""
    if process.poll() is not None:
        return True
    try:
        fds = os.listdir(f"/proc/{process.pid}/fd")
    except FileNotFoundError:
        return True
    for fd in fds:
        try:
            if os.readlink(f"/proc/{process.pid}/fd/{fd}") == str(lock):
                return True
        except OSError:
            continue
    return False


def _all_waiting(processes: list[subprocess.Popen[str]], lock: Path, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while not all(_waiting_on(p, lock) for p in processes):
        assert time.monotonic() < deadline, "the commands never reached the lock"
        time.sleep(0.02)


def test_eight_concurrent_promotes_make_one_move_and_the_others_exit_4(tmp_path: Path) -> None:
    repo = drafted(tmp_path / "g")
    user(repo, BOB)
    assert cli(repo, "review", TERM, "--approve").code == 0  # an approved draft: it could go two steps
    user(repo, ALICE)
    start = head(repo)
    git_dir = Path(git(repo, "rev-parse", "--absolute-git-dir").strip())
    with repository_lock(git_dir):
        processes = [_start(repo, ["promote", TERM]) for _ in range(8)]
        _all_waiting(processes, git_dir / "authoring.lock")
    results = [(p.wait(120), p.stderr.read() if p.stderr else "") for p in processes]
    codes = sorted(code for code, _ in results)
    assert codes == [0] + [4] * 7, results
    assert all("status changed from draft to candidate" in err for code, err in results if code == 4)
    assert git(repo, "rev-list", "--count", f"{start}..HEAD").strip() == "1"
    assert "status: candidate" in (repo / TERM_FILE).read_text()


def test_an_approval_is_bound_to_the_revision_read_before_the_lock(tmp_path: Path) -> None:
    repo = drafted(tmp_path / "g")
    user(repo, BOB)
    git_dir = Path(git(repo, "rev-parse", "--absolute-git-dir").strip())
    with repository_lock(git_dir):
        process = _start(repo, ["review", TERM, "--approve"])
        _all_waiting([process], git_dir / "authoring.lock")
        # while Bob's command waits, the content changes under it
        text = (repo / TERM_FILE).read_text().replace("art: A shore.", "art: A shore that lies.")
        changed = plain_commit(repo, {TERM_FILE: text}, "reword the art", ALICE)
    code = process.wait(120)
    err = process.stderr.read() if process.stderr else ""
    assert code == 4 and "content changed since you read it" in err
    assert head(repo) == changed
    assert not list((repo / "review_logs" / TERM).glob("*-approve-*.yaml"))
