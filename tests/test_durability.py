"""The fsync calls behind every atomic write: the rest of the suite skips them (`conftest.pytest_configure`:
no test can stage a power cut, and a kill -9 is survived through the page cache), so here the writing
commands run with them, and each write and rename is shown to reach the disk."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from authoring import faults
from tests.conftest import EDITOR, EDITOR_2, run_cli


def test_writing_commands_fsync_every_file_and_folder_they_write(demo_repo: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AUTHORING_FSYNC", raising=False)
    assert faults.fsync_wanted()
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:  # the real system call, counted with the path it flushed
        synced.append(os.readlink(f"/proc/self/fd/{fd}") if os.path.exists("/proc/self/fd") else str(fd))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    steps = [(("--as", EDITOR, "set", "SLACK_WATER", "pirouette_definition", "A calm interval."),
              ["terms/.SLACK_WATER.md.", "review_logs/SLACK_WATER/.", "-edit-"]),
             (("--as", EDITOR_2, "review", "WEFT_PRESSURE", "--approve"), ["review_logs/WEFT_PRESSURE/.", "-approve-"]),
             (("--as", EDITOR, "review", "WEFT_PRESSURE", "--comment", "--note", "read"), ["-comment-"])]
    git_dir = str(demo_repo.resolve() / ".git")
    for args, written in steps:
        before = len(synced)
        done = run_cli("--repo", demo_repo, *args)
        assert done.code == 0, done.err
        flushed = synced[before:]
        for part in written:  # each file the command wrote, flushed before its rename
            assert any(part in p and ".tmp" in p for p in flushed), (part, flushed)
        # the journal, written and flushed before anything changes, and the folder that holds it
        assert sum(".authoring-journal.json." in p for p in flushed) >= 2 and git_dir in flushed, flushed
