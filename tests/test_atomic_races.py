"""What gets in an action's way besides a kill: a person saving the term at the last moment, a `git commit -a`
running beside it, a full disk, a folder it may not write, a merge or a detached HEAD, an umask, and the
index workers of a `list` whose parent died. Each leaves the repository as it was or as the action made it.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from authoring.errors import Conflict, ParseError
from authoring.repo import worktree
from authoring.repo.git import Git
from authoring.repo.service import Glossary
from tests.conftest import EDITOR, EDITOR_2, ROOT, git, run_cli
from tests.fault_support import ForkedCommand, check_settled, install_hook, leftovers

TERM = "terms/SLACK_WATER.md"


def snapshot(repo: Path) -> tuple[str, str, dict[str, bytes]]:
    files = {p.relative_to(repo).as_posix(): p.read_bytes() for p in sorted(repo.rglob("*"))
             if p.is_file() and ".git" not in p.relative_to(repo).parts}
    return git(repo, "rev-parse", "HEAD"), git(repo, "status", "--porcelain", "--untracked-files=all"), files


# -- the invariant: nothing is staged in the user's index before the commit lands -------------------------


def test_the_users_index_holds_nothing_of_the_action_until_the_commit_lands(demo_repo: Path, tmp_path: Path) -> None:
    (demo_repo / "notes.txt").write_text("mine, staged\n", encoding="utf-8")
    git(demo_repo, "add", "notes.txt")
    old = git(demo_repo, "rev-parse", "HEAD").strip()
    seen = tmp_path / "seen"
    # the hook runs at the last moment before the commit: it looks at the user's own index and at the
    # one Git gives the hook (the commit's)
    install_hook(demo_repo, "pre-commit", "#!/bin/sh\n"
                 f"env -u GIT_INDEX_FILE git diff --cached --name-only > {seen}.user\n"
                 f"git diff --cached --name-only > {seen}.commit\n"
                 f"git rev-parse HEAD > {seen}.head\n")
    result = run_cli("set", "SLACK_WATER", "triad.art", "A coast at rest.", "--repo", demo_repo, "--as", EDITOR)
    assert result.code == 0, result.err
    assert Path(f"{seen}.user").read_text(encoding="utf-8").split() == ["notes.txt"]  # only the user's own
    committed = Path(f"{seen}.commit").read_text(encoding="utf-8").split()
    assert TERM in committed and len(committed) == 2 and "notes.txt" not in committed  # HEAD's tree + the action
    assert Path(f"{seen}.head").read_text(encoding="utf-8").strip() == old
    assert set(git(demo_repo, "show", "--name-only", "--format=", "HEAD").split()) == set(committed)
    assert git(demo_repo, "diff", "--cached", "--name-only").split() == ["notes.txt"]  # still staged, uncommitted
    assert git(demo_repo, "status", "--porcelain").splitlines() == ["A  notes.txt"]


def test_whoever_sees_the_new_branch_sees_the_new_index(demo_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A user's `git commit -a` reads HEAD, then the index, before it waits for `index.lock`. At the instant the
    # branch moves, the index it would read must already hold the action's files, else its commit (made on the
    # new HEAD from the old index) deletes what just landed.
    seen: list[tuple[str, list[str]]] = []
    real = Git.update_ref

    def observe(self: Git, ref: str, new: str, old: str | None, reason: str) -> None:
        real(self, ref, new, old, reason)
        listed = subprocess.run(["git", "ls-files", "--", "review_logs/", TERM], cwd=demo_repo, capture_output=True,
                                text=True, check=True, env={k: v for k, v in os.environ.items()
                                                           if k != "GIT_INDEX_FILE"}).stdout.split()
        seen.append((new, listed))

    monkeypatch.setattr(Git, "update_ref", observe)
    events_before = git(demo_repo, "ls-files", "review_logs").split()
    with Glossary.open(demo_repo, actor=EDITOR) as glossary:
        result = glossary.review("SLACK_WATER", "comment", note="seen at the commit point")
    [(commit, listed)] = seen
    landed = set(git(demo_repo, "show", "--name-only", "--format=", commit).split())
    new_event = landed - {TERM}
    assert len(new_event) == 1 and result.commit == commit
    assert set(listed) >= new_event and set(listed) - {TERM} == set(events_before) | new_event


# -- outside edits at the last moment ---------------------------------------------------------------------


def test_an_edit_saved_just_before_the_swap_is_kept_and_nothing_is_committed(demo_repo: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    path = demo_repo / TERM
    edited = path.read_bytes() + b"\nmy edit, saved at the last moment\n"
    old = git(demo_repo, "rev-parse", "HEAD").strip()
    real = worktree.place

    def edit_then_place(target: Path, *args: Any) -> None:
        if target == path:
            path.write_bytes(edited)  # the editor saves between the action's checks and its swap
        real(target, *args)

    monkeypatch.setattr(worktree, "place", edit_then_place)
    result = run_cli("set", "SLACK_WATER", "triad.art", "A coast at rest.", "--repo", demo_repo, "--as", EDITOR)
    assert result.code == 4 and "your edit is kept" in result.err, result.err
    assert path.read_bytes() == edited
    assert git(demo_repo, "rev-parse", "HEAD").strip() == old
    assert git(demo_repo, "status", "--porcelain", "--untracked-files=all") == f" M {TERM}\n"
    assert leftovers(demo_repo) == []


def test_an_edit_saved_after_the_swap_stays_in_the_work_tree_uncommitted(demo_repo: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    path = demo_repo / TERM
    real = Git.commit_tree
    edited: list[bytes] = []

    def edit_then_commit(self: Git, *args: Any, **kwargs: Any) -> str:
        edited.append(path.read_bytes() + b"\nsaved while the commit was made\n")
        path.write_bytes(edited[0])
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Git, "commit_tree", edit_then_commit)
    result = run_cli("set", "SLACK_WATER", "triad.art", "A coast at rest.", "--repo", demo_repo, "--as", EDITOR)
    assert result.code == 0, result.err
    assert path.read_bytes() == edited[0]  # not lost…
    assert b"saved while" not in git(demo_repo, "show", f"HEAD:{TERM}").encode()  # …and not committed
    assert git(demo_repo, "status", "--porcelain", "--untracked-files=all") == f" M {TERM}\n"


@pytest.mark.slow
def test_an_outside_writer_racing_set_never_loses_an_edit_nor_gets_it_committed(demo_repo: Path) -> None:
    rng = random.Random(13)
    path = demo_repo / TERM
    lost, committed, outcomes = 0, 0, {"committed": 0, "conflict": 0, "unparsable": 0}
    with Glossary.open(demo_repo, EDITOR) as glossary:
        started = time.perf_counter()
        glossary.set_field("SLACK_WATER", "triad.art", "A coast at rest, warming up.")
        span = (time.perf_counter() - started) * 1.3  # the writer's moments cover the whole action and after
        for trial in range(200):
            edited = path.read_bytes() + f"\noutside edit {trial}\n".encode()
            delay, in_place = rng.uniform(0.0, span), rng.random() < 0.5

            def write(edited: bytes = edited, delay: float = delay, in_place: bool = in_place) -> None:
                time.sleep(delay)
                if in_place:  # an editor writing the file in place
                    path.write_bytes(edited)
                else:  # an editor writing a temporary file and renaming it over
                    temporary = path.with_name(f"{path.name}.swp")
                    temporary.write_bytes(edited)
                    os.replace(temporary, path)

            writer = threading.Thread(target=write)
            writer.start()
            try:
                glossary.set_field("SLACK_WATER", "triad.art", f"A coast at rest, take {trial}.")
                outcomes["committed"] += 1
            except Conflict:
                outcomes["conflict"] += 1
            except ParseError:  # an editor writing in place was caught mid-write (an empty file): refused
                outcomes["unparsable"] += 1
            writer.join()
            lost += path.read_bytes() != edited
            committed += f"outside edit {trial}".encode() in git(demo_repo, "show", f"HEAD:{TERM}").encode()
            assert leftovers(demo_repo) == [], trial
            git(demo_repo, "checkout", "--", TERM)  # the person discards their edit before the next trial
    history = git(demo_repo, "log", "-p", "--format=%H")
    print(f"race: 200 trials, {outcomes}, edits lost {lost}, committed by the tool {committed}")
    assert (lost, committed) == (0, 0)
    assert "outside edit" not in history
    assert outcomes["committed"] > 0 and outcomes["conflict"] > 0  # both sides of the race were met


# -- concurrency with a plain `git commit -a` loop ----------------------------------------------------------


def test_eight_actions_beside_a_git_commit_loop_leave_no_trace_of_failures(demo_repo: Path, tmp_path: Path) -> None:
    (demo_repo / "notes.txt").write_text("0\n", encoding="utf-8")
    git(demo_repo, "add", "notes.txt")
    git(demo_repo, "commit", "--quiet", "-m", "notes")
    start = git(demo_repo, "rev-parse", "HEAD").strip()
    events_before = len(git(demo_repo, "ls-files", "review_logs").split())
    stop = demo_repo / ".git" / "STOP"
    loop = subprocess.Popen(["sh", "-c", f'i=0; while [ ! -e "{stop}" ]; do i=$((i+1)); echo $i >> notes.txt; '
                             'git -c user.name=Loop -c user.email=loop@example.org commit -qam "loop $i" '
                             '>/dev/null 2>&1; done'], cwd=demo_repo)
    terms = ["SLACK_WATER", "WEFT_PRESSURE", "TIDAL_LOOM", "KNOT_DRIFT"]
    jobs = [["review", terms[i % 4], "--comment", "--note", f"note {i}", "--repo", str(demo_repo), "--json",
             "--as", EDITOR if i % 2 else EDITOR_2] for i in range(8)]
    try:  # eight processes at once (forked from this one: the real CLI without an interpreter's start each)
        running = [ForkedCommand(args, tmp_path / f"job{i}") for i, args in enumerate(jobs)]
        results = [command.wait() for command in running]
    finally:
        stop.touch()
        loop.wait(timeout=60)
    codes = [r.code for r in results]
    assert set(codes) <= {0, 4}, [r.err for r in results]
    assert all("Traceback" not in r.err for r in results)
    landed = {json.loads(r.out)["commit"]: json.loads(r.out)["event"] for r in results if r.code == 0}
    assert landed
    user_commits = tool_commits = 0
    stale_deletions: list[str] = []
    history = git(demo_repo, "log", "--format=%x1e%H %P %an%x1f%(trailers:key=Action,valueonly)%x1f",
                  "--name-status", "--no-renames", f"{start}..HEAD")
    for record in history.split("\x1e")[1:]:
        who, action, names = record.split("\x1f")
        _, parent, author = who.split(" ", 2)
        changes = [(line.split("\t")[0], line.split("\t")[-1]) for line in names.strip().splitlines()]
        files = [path for _, path in changes]
        if author == "Loop":
            user_commits += 1
            # no tool file is ever added by the user's commits: nothing of an action is staged before it lands
            assert [path for status, path in changes if status != "D"] == ["notes.txt"], (who, parent, names)
            stale_deletions += [path for status, path in changes if status == "D"]
        else:
            tool_commits += 1
            assert action.strip() == "comment" and len(files) == 1 and files[0].startswith("review_logs/")
    assert tool_commits == len(landed)  # 0 events of failed actions in history (and every landed one there)
    assert stale_deletions == []  # the new index is in place before the branch moves (landing, step 6)
    assert all(subprocess.run(["git", "-C", str(demo_repo), "merge-base", "--is-ancestor", c, "HEAD"],
                              check=False).returncode == 0 for c in landed)
    assert len(git(demo_repo, "ls-files", "review_logs").split()) == events_before + len(landed)
    assert check_settled_except_notes(demo_repo) == []
    print(f"concurrency: 8 actions, {len(landed)} landed, {8 - len(landed)} refused (exit 4), {user_commits} user"
          " commits")


def check_settled_except_notes(repo: Path) -> list[str]:
    status = [line for line in git(repo, "status", "--porcelain", "--untracked-files=all").splitlines()
              if not line.endswith("notes.txt")]
    return status + leftovers(repo)


# -- a full disk on a small tmpfs ---------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Any:
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mount)], capture_output=True,
                          check=False)
    if done.returncode != 0:
        pytest.skip("mounting a tmpfs is not allowed here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(disk: Path, keep_free: int) -> Path:
    filler = disk / "filler"
    with open(filler, "wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    size = filler.stat().st_size
    os.truncate(filler, max(0, size - keep_free))
    return filler


@pytest.mark.parametrize("args", [("promote", "WEFT_PRESSURE", "--as", EDITOR),
                                  ("set", "SLACK_WATER", "triad.art", "A coast at rest.", "--as", EDITOR)])
def test_a_full_disk_leaves_no_repository_changed(demo_repo: Path, small_disk: Path, args: tuple[str, ...]) -> None:
    with Glossary.open(demo_repo, EDITOR_2) as glossary:
        glossary.review("WEFT_PRESSURE", "approve")
    failed = changed = 0
    for blocks in range(0, 40, 2):
        repo = small_disk / "glossary"
        shutil.copytree(demo_repo, repo, symlinks=True)
        before = snapshot(repo)
        filler = _fill(small_disk, blocks * 4096)
        result = run_cli(*args, "--repo", repo)
        filler.unlink()
        if result.code != 0:
            failed += 1
            assert result.code == 1 and "no space left on the device" in result.err, result.err
            assert "Traceback" not in result.err and len(result.err.strip().splitlines()) == 1, result.err
            if snapshot(repo) != before or leftovers(repo):
                changed += 1
            assert check_settled(repo, before[0].strip()) == []
        else:
            assert check_settled(repo, before[0].strip()) == []
        shutil.rmtree(repo)
    print(f"full disk: 20 runs of {args[0]}, {failed} failed for want of space, {changed} left a change")
    assert failed > 0 and changed == 0


# -- errors say what happened --------------------------------------------------------------------------------


def test_a_detached_head_is_a_conflict_with_the_fix(demo_repo: Path) -> None:
    git(demo_repo, "checkout", "--quiet", "--detach")
    before = snapshot(demo_repo)
    result = run_cli("review", "SLACK_WATER", "--comment", "--note", "x", "--repo", demo_repo, "--as", EDITOR)
    assert result.code == 4 and "HEAD is detached" in result.err and "git switch" in result.err
    assert snapshot(demo_repo) == before


def test_a_merge_in_progress_is_a_conflict_with_the_fix(demo_repo: Path) -> None:
    (demo_repo / "notes.txt").write_text("base\n", encoding="utf-8")
    git(demo_repo, "add", "notes.txt")
    git(demo_repo, "commit", "--quiet", "-m", "base")
    git(demo_repo, "checkout", "--quiet", "-b", "other")
    (demo_repo / "notes.txt").write_text("theirs\n", encoding="utf-8")
    git(demo_repo, "commit", "--quiet", "-am", "theirs")
    git(demo_repo, "checkout", "--quiet", "main")
    (demo_repo / "notes.txt").write_text("ours\n", encoding="utf-8")
    git(demo_repo, "commit", "--quiet", "-am", "ours")
    git(demo_repo, "merge", "other", check=False)
    assert (demo_repo / ".git" / "MERGE_HEAD").exists()
    before = snapshot(demo_repo)
    result = run_cli("set", "SLACK_WATER", "triad.art", "x", "--repo", demo_repo, "--as", EDITOR)
    assert result.code == 4 and "a merge is in progress" in result.err and "git merge --abort" in result.err
    assert snapshot(demo_repo) == before


def test_permission_denied_is_one_line_naming_the_path(demo_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(demo_repo)
    monkeypatch.setenv("AUTHORING_TEST_MODE", "1")
    monkeypatch.setenv("AUTHORING_FAULT", "rename@SLACK_WATER.md:1:eacces")  # the term's rename is refused
    result = run_cli("set", "SLACK_WATER", "triad.art", "x", "--repo", demo_repo, "--as", EDITOR)
    assert result.code == 1 and result.err.strip().splitlines() == [
        "authoring: error: SLACK_WATER.md: permission denied; nothing was changed"], result.err
    assert snapshot(demo_repo) == before and leftovers(demo_repo) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only folders")
def test_a_read_only_folder_is_one_line_naming_it(demo_repo: Path) -> None:
    (demo_repo / "review_logs").mkdir(exist_ok=True)
    (demo_repo / "review_logs").chmod(0o555)
    try:
        before = snapshot(demo_repo)
        result = run_cli("review", "SLACK_WATER", "--comment", "--note", "x", "--repo", demo_repo, "--as", EDITOR)
        assert result.code == 1 and "permission denied" in result.err and "review_logs" in result.err
        assert len(result.err.strip().splitlines()) == 1
        assert snapshot(demo_repo) == before
    finally:
        (demo_repo / "review_logs").chmod(0o755)


@pytest.mark.parametrize(("umask", "file_mode", "dir_mode"), [(0o022, 0o644, 0o755), (0o027, 0o640, 0o750)])
def test_new_files_follow_the_umask(demo_repo: Path, umask: int, file_mode: int, dir_mode: int) -> None:
    previous = os.umask(umask)
    try:
        result = run_cli("draft", "DEMO-001", "--lines", "L43-L43", "--repo", demo_repo)
    finally:
        os.umask(previous)
    assert result.code == 0, result.err
    term = demo_repo / "terms" / "LOOM_PERIOD.md"
    events = list((demo_repo / "review_logs" / "LOOM_PERIOD").iterdir())
    assert term.stat().st_mode & 0o777 == file_mode
    assert [e.stat().st_mode & 0o777 for e in events] == [file_mode]
    assert (demo_repo / "review_logs" / "LOOM_PERIOD").stat().st_mode & 0o777 == dir_mode
    assert (demo_repo / ".git" / "index").stat().st_mode & 0o777 == file_mode


# -- index workers die with their parent ---------------------------------------------------------------------


def _processes_marked(mark: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if mark.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="finds the workers through /proc")
def test_a_killed_list_leaves_no_worker_holding_its_output(demo_repo: Path) -> None:
    source = (demo_repo / "terms" / "SLACK_WATER.md").read_text(encoding="utf-8")
    for n in range(60):
        (demo_repo / "terms" / f"COPY_{n:02d}.md").write_text(source.replace("SLACK_WATER", f"COPY_{n:02d}"),
                                                               encoding="utf-8")
    mark = f"AUTHORING_POOL_TEST={uuid.uuid4().hex}"
    env = dict(os.environ, PYTHONPATH=str(ROOT), AUTHORING_TEST_MODE="1", AUTHORING_FAULT="pool:1",
               AUTHORING_WORKERS="2", AUTHORING_POOL_TEST=mark.split("=")[1])
    # as `out=$(authoring list)` does: read the output to its end
    process = subprocess.Popen([sys.executable, "-m", "authoring", "list", "--repo", str(demo_repo)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        process.kill()
        for pid in _processes_marked(mark):
            os.kill(pid, signal.SIGKILL)
        pytest.fail("the output never ended: a worker outlived its parent holding it")
    assert process.returncode == -signal.SIGKILL
    deadline = time.monotonic() + 20
    while _processes_marked(mark) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_marked(mark) == []


# -- a crash of an earlier release: its journal, and the index it staged --------------------------------------


def test_an_earlier_releases_crash_is_undone_index_entries_included(demo_repo: Path) -> None:
    import base64
    import hashlib
    import json

    path = demo_repo / TERM
    old = path.read_bytes()
    new = old.replace(b"status:", b"status:", 1) + b"\nwritten by the dead action\n"
    event = demo_repo / "review_logs" / "SLACK_WATER" / "20260101T000000Z-edit-deadbeef.yaml"
    event.parent.mkdir(parents=True)
    event.write_bytes(b"action: edit\n")
    path.write_bytes(new)
    git(demo_repo, "add", TERM, event.relative_to(demo_repo).as_posix())  # staged, then the process died
    journal = {"version": 1, "files": [
        {"path": TERM, "before": base64.b64encode(old).decode(), "after_sha256": hashlib.sha256(new).hexdigest()},
        {"path": event.relative_to(demo_repo).as_posix(), "before": None,
         "after_sha256": hashlib.sha256(b"action: edit\n").hexdigest()}]}
    (demo_repo / ".git" / "authoring-journal.json").write_text(json.dumps(journal), encoding="utf-8")
    result = run_cli("review", "WEFT_PRESSURE", "--comment", "--note", "next", "--repo", demo_repo, "--as", EDITOR)
    assert result.code == 0, result.err
    assert path.read_bytes() == old and not event.exists()
    assert git(demo_repo, "status", "--porcelain", "--untracked-files=all") == ""  # no phantom staged event
    assert leftovers(demo_repo) == []
