"""What an action must never do: overwrite outside edits, commit unrelated files, edit a malformed
term, lose an event under concurrency, or leave anything behind when it fails or crashes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from authoring.errors import Conflict, GateRefused
from authoring.repo.service import Glossary
from tests.conftest import EDITOR, EDITOR_2, git, run_cli
from tests.fault_support import ForkedCommand, install_hook

TERM = "terms/WEFT_PRESSURE.md"


def snapshot(repo: Path) -> tuple[str, str, dict[str, bytes]]:
    """HEAD, `git status`, and the bytes of every file outside .git."""
    files = {p.relative_to(repo).as_posix(): p.read_bytes() for p in sorted(repo.rglob("*"))
             if p.is_file() and ".git" not in p.relative_to(repo).parts}
    return git(repo, "rev-parse", "HEAD"), git(repo, "status", "--porcelain", "--untracked-files=all"), files


def test_outside_edits_to_the_term_are_never_overwritten(demo_repo: Path) -> None:
    path = demo_repo / TERM
    path.write_bytes(path.read_bytes() + b"\nmy unsaved thought\n")
    before = snapshot(demo_repo)
    result = run_cli("review", "WEFT_PRESSURE", "--approve", "--repo", demo_repo, "--as", EDITOR_2)
    assert result.code == 4
    assert "terms/WEFT_PRESSURE.md has uncommitted changes made outside authoring" in result.err
    assert "commit or stash them" in result.err
    assert snapshot(demo_repo) == before


def test_staged_outside_edits_are_refused_too(demo_repo: Path) -> None:
    path = demo_repo / TERM
    path.write_bytes(path.read_bytes().replace(b"The wind leaning", b"The wind pushing"))
    git(demo_repo, "add", TERM)
    before = snapshot(demo_repo)
    assert run_cli("promote", "WEFT_PRESSURE", "--repo", demo_repo, "--as", EDITOR).code == 4
    assert snapshot(demo_repo) == before


def test_unrelated_staged_and_modified_files_are_left_exactly_as_they_were(demo_repo: Path) -> None:
    (demo_repo / "terms" / "SLACK_WATER.md").write_bytes(
        (demo_repo / "terms" / "SLACK_WATER.md").read_bytes() + b"\nstaged change\n")
    git(demo_repo, "add", "terms/SLACK_WATER.md")
    (demo_repo / "README.notes").write_text("untracked\n", encoding="utf-8")
    (demo_repo / "terms" / "TIDAL_LOOM.md").write_bytes(
        (demo_repo / "terms" / "TIDAL_LOOM.md").read_bytes() + b"\nmodified, not staged\n")
    staged_before = git(demo_repo, "diff", "--cached")
    unstaged_before = git(demo_repo, "diff")
    result = run_cli("review", "WEFT_PRESSURE", "--approve", "--repo", demo_repo, "--as", EDITOR_2)
    assert result.code == 0, result.err
    committed = set(git(demo_repo, "show", "--name-only", "--format=", "HEAD").split())
    assert len(committed) == 1 and committed.pop().startswith("review_logs/WEFT_PRESSURE/")
    assert git(demo_repo, "diff", "--cached") == staged_before
    assert git(demo_repo, "diff") == unstaged_before
    assert (demo_repo / "README.notes").read_text(encoding="utf-8") == "untracked\n"


def test_a_malformed_term_is_refused_with_its_location_and_left_untouched(demo_repo: Path) -> None:
    before = snapshot(demo_repo)
    for args in (("promote", "SHUTTLE_ECHO"), ("review", "SHUTTLE_ECHO", "--approve"),
                 ("reject", "SHUTTLE_ECHO", "--note", "x"), ("fold-headers", "SHUTTLE_ECHO")):
        result = run_cli(*args, "--repo", demo_repo, "--as", EDITOR)
        assert result.code == 1, args
        assert "terms/SHUTTLE_ECHO.md:4:9: error: yaml-syntax" in result.err
        assert "Traceback" not in result.err
    assert snapshot(demo_repo) == before


def test_an_unreadable_event_file_blocks_ratification_with_its_location(demo_repo: Path) -> None:
    folder = demo_repo / "review_logs" / "WEFT_PRESSURE"
    folder.mkdir(parents=True)
    (folder / "20260101T000000000000Z-approve-bad.yaml").write_text("who: [unclosed\n", encoding="utf-8")
    git(demo_repo, "add", "-A")
    git(demo_repo, "commit", "-qm", "a broken event")
    result = run_cli("promote", "WEFT_PRESSURE", "--repo", demo_repo, "--as", EDITOR)
    assert result.code == 3
    where = "review_logs/WEFT_PRESSURE/20260101T000000000000Z-approve-bad.yaml"
    # located where YAML gave up (the end of the unclosed list), as term files are
    assert re.search(rf"{re.escape(where)}:\d+:\d+: error: bad-review-event: yaml-syntax", result.err), result.err


# -- concurrency ------------------------------------------------------------------------------------


def test_several_processes_on_one_term_each_land_or_exit_4_and_no_event_is_lost(demo_repo: Path,
                                                                               tmp_path: Path) -> None:
    head_before = int(git(demo_repo, "rev-list", "--count", "HEAD"))
    jobs: list[tuple[str, ...]] = []
    for n in range(3):
        jobs.append(("review", "WEFT_PRESSURE", "--comment", "--note", f"comment {n}"))
        jobs.append(("set", "WEFT_PRESSURE", "operational_definition.units", f"ratio {n}"))
    # six processes at once (forked from this one: the real CLI without an interpreter's start each)
    running = [ForkedCommand([*args, "--repo", str(demo_repo), "--as", EDITOR], tmp_path / f"job{i}")
               for i, args in enumerate(jobs)]
    results = [command.wait() for command in running]
    codes = [r.code for r in results]
    assert set(codes) <= {0, 4}, [r.err for r in results]
    for result in results:
        if result.code == 4:
            assert "try again" in result.err
    landed = codes.count(0)
    assert landed >= 1
    event_files = list((demo_repo / "review_logs" / "WEFT_PRESSURE").glob("*.yaml"))
    assert len(event_files) == landed
    assert int(git(demo_repo, "rev-list", "--count", "HEAD")) == head_before + landed
    assert git(demo_repo, "status", "--porcelain") == ""
    fsck = subprocess.run(["git", "-C", str(demo_repo), "fsck", "--strict"], capture_output=True, text=True,
                          check=False)
    assert fsck.returncode == 0, fsck.stderr
    # every landed edit bumped the version once: 0.2 plus one minor per landed `set`
    sets = sum(1 for args, r in zip(jobs, results, strict=True) if args[0] == "set" and r.code == 0)
    assert f"version: 0.{2 + sets}\n" in (demo_repo / TERM).read_text(encoding="utf-8")


def test_a_second_process_waiting_too_long_gets_a_conflict(demo_repo: Path) -> None:
    from authoring.repo.git import repository_lock

    with (Glossary.open(demo_repo, EDITOR) as holder, holder.transaction(),
          Glossary.open(demo_repo, EDITOR_2) as other, pytest.raises(Conflict, match="another authoring"),
          repository_lock(other.git.git_dir, wait_seconds=0.2)):
        pass


# -- faults at every write step ------------------------------------------------------------------------


def _promote_weft(repo: Path) -> None:
    with Glossary.open(repo, EDITOR_2) as glossary:
        glossary.review("WEFT_PRESSURE", "approve")


@pytest.mark.parametrize("fail_at", [1, 2, 3])
def test_a_full_disk_at_a_write_leaves_everything_as_it_was(demo_repo: Path, fail_at: int,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    _promote_weft(demo_repo)
    before = snapshot(demo_repo)
    monkeypatch.setenv("AUTHORING_TEST_MODE", "1")
    monkeypatch.setenv("AUTHORING_FAULT", f"write:{fail_at}:enospc")  # the disk is full at the n-th write
    result = run_cli("promote", "WEFT_PRESSURE", "--repo", demo_repo, "--as", EDITOR)
    monkeypatch.delenv("AUTHORING_FAULT")
    assert result.code == 1 and "no space left on the device" in result.err and "nothing was changed" in result.err
    assert "Traceback" not in result.err
    assert snapshot(demo_repo) == before
    assert not (demo_repo / ".git" / "authoring-journal.json").exists()


def test_an_interrupt_inside_the_commit_leaves_everything_as_it_was(demo_repo: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    _promote_weft(demo_repo)
    before = snapshot(demo_repo)
    from authoring.repo.git import Git

    def interrupted(self: Git, *args: Any, **kwargs: Any) -> str:
        raise KeyboardInterrupt  # the user pressed Ctrl-C while Git was committing

    monkeypatch.setattr(Git, "commit_tree", interrupted)
    with Glossary.open(demo_repo, EDITOR) as glossary, pytest.raises(KeyboardInterrupt):
        glossary.promote("WEFT_PRESSURE")
    monkeypatch.undo()
    assert snapshot(demo_repo) == before


def test_an_interrupt_just_after_the_commit_landed_keeps_the_commit(demo_repo: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    _promote_weft(demo_repo)
    head = git(demo_repo, "rev-parse", "HEAD")
    from authoring.repo.git import Git

    real = Git.update_ref

    def landed_then_interrupted(self: Git, *args: Any, **kwargs: Any) -> None:
        real(self, *args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(Git, "update_ref", landed_then_interrupted)
    with Glossary.open(demo_repo, EDITOR) as glossary, pytest.raises(KeyboardInterrupt):
        glossary.promote("WEFT_PRESSURE")
    monkeypatch.undo()
    assert git(demo_repo, "rev-parse", "HEAD~1") == head  # the commit stands…
    assert git(demo_repo, "status", "--porcelain") == ""  # …and the files and the index agree with it
    assert "status: ratified" in (demo_repo / TERM).read_text(encoding="utf-8")


def test_a_failing_pre_commit_hook_leaves_everything_as_it_was(demo_repo: Path) -> None:
    _promote_weft(demo_repo)
    install_hook(demo_repo, "pre-commit", "#!/bin/sh\necho 'lint failed' >&2\nexit 1\n")
    before = snapshot(demo_repo)
    result = run_cli("promote", "WEFT_PRESSURE", "--repo", demo_repo, "--as", EDITOR)
    assert result.code == 1 and "git commit failed: lint failed" in result.err
    assert snapshot(demo_repo) == before


def test_a_stale_index_lock_is_a_conflict_and_changes_nothing(demo_repo: Path) -> None:
    _promote_weft(demo_repo)
    (demo_repo / ".git" / "index.lock").write_bytes(b"")
    before = snapshot(demo_repo)
    result = run_cli("promote", "WEFT_PRESSURE", "--repo", demo_repo, "--as", EDITOR)
    assert result.code == 4
    assert "index is locked by another process" in result.err and "remove that file" in result.err
    assert snapshot(demo_repo) == before
    (demo_repo / ".git" / "index.lock").unlink()
    assert run_cli("promote", "WEFT_PRESSURE", "--repo", demo_repo, "--as", EDITOR).code == 0


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="the hook finds its grandparent through /proc")
def test_a_process_killed_mid_commit_is_undone_by_the_next_action(demo_repo: Path, tmp_path: Path) -> None:
    _promote_weft(demo_repo)
    before = snapshot(demo_repo)
    # The hook kills the authoring process (git's parent) outright, then fails the commit: a crash
    # after both files were written and added, before the commit.
    install_hook(demo_repo, "pre-commit", "#!/bin/sh\nkill -9 $(cut -d' ' -f4 /proc/$PPID/stat)\nexit 1\n")
    crashed = ForkedCommand(["promote", "WEFT_PRESSURE", "--repo", str(demo_repo), "--as", EDITOR], tmp_path).wait()
    assert crashed.code == -9
    assert git(demo_repo, "status", "--porcelain") != ""  # the dead process left its writes
    (demo_repo / ".git" / "hooks" / "pre-commit").unlink()
    result = run_cli("review", "SLACK_WATER", "--comment", "--note", "next action", "--repo", demo_repo,
                     "--as", EDITOR)
    assert result.code == 0, result.err
    _, status, files = snapshot(demo_repo)
    assert status == ""
    assert git(demo_repo, "rev-parse", "HEAD~1") == before[0]
    new_files = set(files) - set(before[2])
    assert len(new_files) == 1 and new_files.pop().startswith("review_logs/SLACK_WATER/")
    assert {k: v for k, v in files.items() if k in before[2]} == before[2]


def test_refusals_write_nothing(demo_repo: Path) -> None:
    before = snapshot(demo_repo)
    with Glossary.open(demo_repo, EDITOR) as glossary, pytest.raises(GateRefused):
        glossary.promote("WEFT_PRESSURE")
    assert snapshot(demo_repo) == before


# -- signing -------------------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen is not installed")
def test_actions_honour_commit_signing_with_an_ssh_key(demo_repo: Path, tmp_path: Path) -> None:
    key = tmp_path / "signing_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "bob", "-f", str(key)], check=True)
    allowed = tmp_path / "allowed_signers"
    allowed.write_text(f"test-editor@example.org {(tmp_path / 'signing_key.pub').read_text().strip()}\n",
                       encoding="utf-8")
    git(demo_repo, "config", "gpg.format", "ssh")
    git(demo_repo, "config", "user.signingKey", str(key))
    git(demo_repo, "config", "commit.gpgsign", "true")
    result = run_cli("review", "WEFT_PRESSURE", "--approve", "--repo", demo_repo, "--as", EDITOR_2)
    assert result.code == 0, result.err
    verified = subprocess.run(["git", "-C", str(demo_repo), "-c", f"gpg.ssh.allowedSignersFile={allowed}",
                               "verify-commit", "HEAD"], capture_output=True, text=True, check=False)
    assert verified.returncode == 0, verified.stderr
    assert "Good" in verified.stderr
    assert git(demo_repo, "log", "-1", "--format=%an <%ae>") == EDITOR_2 + "\n"


def test_no_git_helper_processes_are_left_behind(demo_repo: Path) -> None:
    if not Path("/proc").is_dir():
        pytest.skip("needs /proc")

    def cat_files() -> int:
        return sum(1 for p in Path("/proc").iterdir() if p.name.isdigit() and _is_cat_file(p))

    start = cat_files()
    with Glossary.open(demo_repo, EDITOR) as glossary:
        glossary.review("WEFT_PRESSURE", "comment", "x")
        assert glossary.git.show_file("HEAD", TERM) is not None  # reads through `git cat-file --batch`
        assert cat_files() > start  # the helper runs while the glossary is open…
    assert cat_files() == start  # …and is gone once it is closed


def _is_cat_file(proc: Path) -> bool:
    try:
        cmdline = (proc / "cmdline").read_bytes()
    except OSError:
        return False
    return b"cat-file" in cmdline and os.getpid() == _ppid(proc)


def _ppid(proc: Path) -> int:
    try:
        return int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return -1
