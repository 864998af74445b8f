"""Every writing command is all-or-nothing when the process is killed (SIGKILL) before any of its writes,
renames, fsyncs and Git spawns, or inside `git commit` (a pre-commit hook that kills it), or when the
disk is full at any of them.

After each kill the repository is checked before and after the next command's recovery: `git fsck`
clean, HEAD the old commit or exactly one new action commit, exactly one event per action commit,
work tree and index equal to HEAD, no temporary file left (work tree, `.git`, the temp folder). The
kill points come from a trace of an undisturbed run (`AUTHORING_FAULT_TRACE`), so a new write in the
code is a new kill point here without anyone listing it. The full sweep is `slow`; the quick run
takes one point of every kind and place for `promote` (a term and an event) and the landing's key
points for the other commands.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from authoring.repo.service import Glossary
from tests.conftest import EDITOR, git, run_cli
from tests.fault_support import (
    COMMANDS,
    FAULT_ENV,
    KEY_POINTS,
    KILLING_HOOK,
    check_settled,
    copy_repo,
    fsck_problems,
    install_hook,
    kill_points,
    leftovers,
    make_template,
    run_forked,
)
from tests.fixtures_templates import TEST_GITCONFIG

_TRACES: dict[str, list[str]] = {}
_HEADS: dict[Path, str] = {}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("fault-home")
    (home / ".gitconfig").write_text(TEST_GITCONFIG, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        yield make_template(tmp_path_factory.mktemp("fault-template") / "glossary")


def _category(point: str) -> str:
    """A kill point without the names that change from run to run (tokens, stamps, object ids)."""
    kind, _, detail = point.partition(" ")
    detail = re.sub(r"[0-9a-f]{8,}|\d{8}T\d+Z", "#", detail)
    detail = re.sub(r"^\.?(WEFT_PRESSURE|SLACK_WATER|LOOM_PERIOD|TIDE_GAUGE)\.md", "TERM", detail)
    detail = re.sub(r"^\.?#-\w+-#\.yaml", "EVENT", detail)
    return f"{kind} {detail}"


def _quick(points: list[str], everything: bool) -> list[int]:
    """1-based kill points: the first of each category (`everything`), else the landing's key points."""
    chosen: dict[str, int] = {}
    for number, point in enumerate(points, start=1):
        category = _category(point)
        if (everything or category in KEY_POINTS) and category not in chosen:
            chosen[category] = number
    return sorted(chosen.values())


def _kill_and_recover(template: Path, name: str, number: int | None, where: Path, rerun: bool) -> list[str]:
    """Kill `name` at point `number` (None: in its pre-commit hook), check, recover, check again."""
    args = COMMANDS[name]
    old = _head(template)
    repo = copy_repo(template, where / "repo")
    tmp = where / "tmp"
    if number is None:
        install_hook(repo, "pre-commit", KILLING_HOOK)
        outcome = run_forked(repo, args, FAULT_ENV, tmp)
    else:
        outcome = run_forked(repo, args, {**FAULT_ENV, "AUTHORING_FAULT": f"*:{number}"}, tmp)
    label = f"{name} killed at {number or 'pre-commit hook'}"
    problems = [] if outcome.killed else [f"{label}: not killed ({outcome})"]
    if rerun:  # (the full sweep checks fsck once, after recovery, to stay within CI's time)
        problems += [f"{label}, before recovery: fsck: {line}" for line in fsck_problems(repo)]
    head = git(repo, "rev-parse", "HEAD").strip()
    if head != old and git(repo, "rev-parse", "HEAD~1").strip() != old:
        problems.append(f"{label}: HEAD is neither old nor new")
    if number is None:
        (repo / ".git" / "hooks" / "pre-commit").unlink()
    with Glossary.open(repo) as glossary:
        glossary.recover()  # what the next writing command runs first
    problems += [f"{label}: {p}" for p in check_settled(repo, old, tmp)]
    if rerun and git(repo, "rev-parse", "HEAD").strip() == old:
        again = run_forked(repo, args, FAULT_ENV, tmp)  # the same action now succeeds (no "already exists")
        if again.code != 0:
            problems.append(f"{label}: the action run again failed ({again})")
        problems += [f"{label}, run again: {p}" for p in check_settled(repo, old, tmp)]
    shutil.rmtree(where)
    return problems


def _head(template: Path) -> str:
    """The template's HEAD (it never moves: every kill acts on a copy)."""
    if template not in _HEADS:
        _HEADS[template] = git(template, "rev-parse", "HEAD").strip()
    return _HEADS[template]


def _points(template: Path, name: str, where: Path) -> list[str]:
    if name not in _TRACES:
        _TRACES[name] = kill_points(template, COMMANDS[name], where / f"trace-{name.replace(' ', '-')}")
    return _TRACES[name]


def _sweep(template: Path, tmp_path: Path, names: list[str], everything: bool, full: bool) -> tuple[int, list[str]]:
    covered, problems = 0, []
    for name in names:
        points = _points(template, name, tmp_path)
        numbers = list(range(1, len(points) + 1)) if full else _quick(points, everything)
        for number in [*numbers, None]:
            # the same action run again after recovery (a crashed draft must not read as "already exists")
            rerun = (name in ("draft", "repair --write") or number is None) if not full else number in (None, 1) or \
                (number or 0) % 4 == 0
            problems += _kill_and_recover(template, name, number, tmp_path / f"k{covered}", rerun)
            covered += 1
    return covered, problems


def test_promote_survives_a_kill_at_one_point_of_every_kind(template: Path, tmp_path: Path) -> None:
    covered, problems = _sweep(template, tmp_path, ["promote"], everything=True, full=False)
    assert covered >= 20
    assert problems == []


def test_every_writing_command_survives_a_kill_at_the_landings_key_points(template: Path, tmp_path: Path) -> None:
    covered, problems = _sweep(template, tmp_path, [n for n in COMMANDS if n != "promote"], everything=False,
                               full=False)
    assert covered >= 4 * (len(KEY_POINTS) + 1) - 4  # `set` has the same landing as the others
    assert problems == []


@pytest.mark.slow
def test_every_writing_command_survives_a_kill_at_every_point(template: Path, tmp_path: Path) -> None:
    covered, problems = _sweep(template, tmp_path, list(COMMANDS), everything=True, full=True)
    print(f"kill points covered: {covered}; violations: {len(problems)}")
    assert covered >= 150
    assert problems == []


# -- a kill during recovery ------------------------------------------------------------------------


@pytest.mark.slow
def test_a_recovery_killed_at_any_point_is_finished_by_the_next_one(template: Path, tmp_path: Path) -> None:
    args = COMMANDS["promote"]
    old = git(template, "rev-parse", "HEAD").strip()
    points = _points(template, "promote", tmp_path)
    crash_at = next(n for n, p in enumerate(points, start=1) if p.startswith("spawn commit-tree"))
    problems: list[str] = []
    for number in range(1, 40):
        repo = copy_repo(template, tmp_path / f"r{number}")
        assert run_forked(repo, args, {**FAULT_ENV, "AUTHORING_FAULT": f"*:{crash_at}"}, tmp_path / "tmp").killed
        recovery = run_forked(repo, ["review", "SLACK_WATER", "--comment", "--note", "after", "--as", EDITOR],
                              {**FAULT_ENV, "AUTHORING_FAULT": f"*:{number}"}, tmp_path / "tmp")
        with Glossary.open(repo) as glossary:
            glossary.recover()
        problems += [f"recovery killed at {number}: {p}" for p in fsck_problems(repo)]
        status = git(repo, "status", "--porcelain", "--untracked-files=all")
        if status or leftovers(repo):
            problems.append(f"recovery killed at {number}: {status!r} {leftovers(repo)}")
        shutil.rmtree(repo)
        if not recovery.killed:
            break
    assert problems == []
    assert git(template, "rev-parse", "HEAD").strip() == old


# -- a full disk at every write --------------------------------------------------------------------


@pytest.mark.parametrize("name", list(COMMANDS))
def test_a_full_disk_at_any_write_changes_nothing_and_says_so(template: Path, tmp_path: Path, name: str,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    points = _points(template, name, tmp_path)
    writes = [p for p in points if p.startswith("write ")]
    landing = [n for n, p in enumerate(writes, start=1) if "journal" in p or "authoring" in p or ".tmp" in p
               or "object" in p]
    old = git(template, "rev-parse", "HEAD").strip()
    for number in landing:
        repo = copy_repo(template, tmp_path / f"w{number}")
        monkeypatch.setenv("AUTHORING_TEST_MODE", "1")
        monkeypatch.setenv("AUTHORING_FSYNC", "0")
        monkeypatch.setenv("AUTHORING_FAULT", f"write:{number}:enospc")
        result = run_cli(*COMMANDS[name], "--repo", repo)
        monkeypatch.delenv("AUTHORING_FAULT")
        if result.code == 0:
            continue  # the write was the index store's (a cache): skipped, the action went on
        assert result.code == 1, (number, result.err)
        assert "no space left on the device" in result.err and "Traceback" not in result.err, result.err
        assert len(result.err.strip().splitlines()) == 1, result.err
        assert check_settled(repo, old) == [], (number, writes[number - 1])
        assert git(repo, "rev-parse", "HEAD").strip() == old
        shutil.rmtree(repo)
