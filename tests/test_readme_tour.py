"""The README's tour runs, in order, on a copy of the demo glossary, each command with the exit status
the README says (0 unless its comment says `exit N`)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.conftest import ROOT, git, run_cli


def tour_commands() -> list[tuple[list[str], int, str]]:
    """`authoring …` lines of the tour's `sh` blocks: arguments, expected exit status, the line itself."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## A short tour", 1)[1].split("\n## ", 1)[0]
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL):
        for line in block.splitlines():
            if not line.startswith("authoring "):
                continue
            expected = re.search(r"#.*\bexit (\d)", line)
            args = shlex.split(line, comments=True)[1:]
            commands.append((args, int(expected.group(1)) if expected else 0, line))
    return commands


def test_the_readme_tour_runs_in_order_on_the_demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    editor = tmp_path / "editor.sh"  # `authoring edit` runs $EDITOR: one that adds a line, as a person would
    editor.write_text('#!/bin/sh\necho "A line added in the editor." >> "$1"\n', encoding="utf-8")
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    made = run_cli("demo", "--no-ui", tmp_path / "demo")
    assert made.code == 0, made.err
    repo = Path(made.out.strip())
    assert repo == tmp_path / "demo" and (repo / ".git").is_dir()
    commands = tour_commands()
    assert len(commands) >= 20
    for args, expected, line in commands:
        result = run_cli(*args, "--repo", repo)
        assert result.code == expected, f"{line}\n{result.out[-800:]}\n{result.err[-800:]}"
    assert git(repo, "status", "--porcelain") == ""  # every action committed what it wrote


def test_version() -> None:
    from authoring import __version__

    result = run_cli("--version")
    assert result.code == 0 and result.out.strip() == f"authoring {__version__}"
