"""A CSV import lands its commits as one chain (`landing.land_chain`): killed (SIGKILL) at any kill point
of one kind and place, at the landing's key points, or inside a commit hook, or with the disk full at
any of its writes, it leaves the repository as it was or with the whole chain, never part of it.

After each kill the repository is checked before and after the next command's recovery: `git fsck`
clean, HEAD the old commit or exactly the chain (one commit per row, each with its term and its one
`draft` event, in the file's order), work tree and index equal to HEAD, no temporary file left. The
kill points come from a trace of an undisturbed run, as in `test_atomic_faults.py`.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from authoring.repo.service import Glossary
from tests.conftest import git, run_cli
from tests.fault_support import (
    FAULT_ENV,
    KEY_POINTS,
    KILLING_HOOK,
    action_commits,
    copy_repo,
    fsck_problems,
    install_hook,
    kill_points,
    leftovers,
    make_template,
    run_forked,
)
from tests.fixtures_templates import TEST_GITCONFIG

ROWS = ("SPRING_SWELL", "EBB_SHELF")
CSV = "id,term,status,definition\n" + "".join(f"{i},{i.replace('_', ' ').title()},draft,A {i.lower()}.\n"
                                              for i in ROWS)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("import-fault-home")
    (home / ".gitconfig").write_text(TEST_GITCONFIG, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        repo = make_template(tmp_path_factory.mktemp("import-fault-template") / "glossary")
        (repo.parent / "in.csv").write_text(CSV, encoding="utf-8")
        yield repo


def _args(template: Path) -> list[str]:
    return ["import", str(template.parent / "in.csv")]


def _settled(repo: Path, old: str, tmpdir: Path | None = None) -> list[str]:
    """Every invariant of a settled repository after the import on `old` (an empty list: all hold)."""
    problems = [f"fsck: {line}" for line in fsck_problems(repo)]
    status = git(repo, "status", "--porcelain", "--untracked-files=all")
    if status:
        problems.append(f"work tree or index differ from HEAD: {status!r}")
    if git(repo, "rev-parse", "HEAD").strip() != old:
        commits = action_commits(repo, old)
        terms = [[f for f in files if f.startswith("terms/")] for _, files, _ in reversed(commits)]
        events = [[f for f in files if f.startswith("review_logs/")] for _, files, _ in commits]
        if terms != [[f"terms/{i}.md"] for i in ROWS] or any(len(e) != 1 for e in events) \
                or {action for _, _, action in commits} != {"draft"}:
            problems.append(f"HEAD is neither the old commit nor the whole chain: {commits}")
    problems.extend(f"leftover {name}" for name in leftovers(repo, tmpdir))
    return problems


def _category(point: str) -> str:
    kind, _, detail = point.partition(" ")
    detail = re.sub(r"[0-9a-f]{8,}|\d{8}T\d+Z", "#", detail)
    detail = re.sub(r"^\.?(SPRING_SWELL|EBB_SHELF|NEAP_LINE)\.md", "TERM", detail)
    detail = re.sub(r"^\.?#-\w+-#\.yaml", "EVENT", detail)
    return f"{kind} {detail}"


def _kill(template: Path, number: int | None, where: Path, hook: str = "pre-commit", rerun: bool = True) -> list[str]:
    """Kill the import at point `number` (None: in a commit hook), check, recover, check again and (`rerun`)
    check Git's objects before recovery and run the import again."""
    old = git(template, "rev-parse", "HEAD").strip()
    repo = copy_repo(template, where / "repo")
    tmp = where / "tmp"
    if number is None:
        install_hook(repo, hook, KILLING_HOOK)
        outcome = run_forked(repo, _args(template), FAULT_ENV, tmp)
        (repo / ".git" / "hooks" / hook).unlink()
    else:
        outcome = run_forked(repo, _args(template), {**FAULT_ENV, "AUTHORING_FAULT": f"*:{number}"}, tmp)
    label = f"import killed at {number or hook}"
    problems = [] if outcome.killed else [f"{label}: not killed ({outcome})"]
    if rerun:  # (as in test_atomic_faults: fsck once, after recovery, for the other points)
        problems += [f"{label}, before recovery: fsck: {line}" for line in fsck_problems(repo)]
    head = git(repo, "rev-parse", "HEAD").strip()
    if head != old and git(repo, "rev-parse", f"HEAD~{len(ROWS)}").strip() != old:
        problems.append(f"{label}: HEAD is neither old nor the whole chain")
    with Glossary.open(repo) as glossary:
        glossary.recover()  # what the next writing command runs first
    problems += [f"{label}: {p}" for p in _settled(repo, old, tmp)]
    if rerun and git(repo, "rev-parse", "HEAD").strip() == old:
        again = run_forked(repo, _args(template), FAULT_ENV, tmp)  # the import now succeeds whole
        if again.code != 0:
            problems.append(f"{label}: the import run again failed ({again})")
        if git(repo, "rev-parse", f"HEAD~{len(ROWS)}").strip() != old:
            problems.append(f"{label}: the import run again did not land the whole chain")
        problems += [f"{label}, run again: {p}" for p in _settled(repo, old, tmp)]
    shutil.rmtree(where)
    return problems


def test_an_import_killed_at_one_point_of_every_kind_lands_all_its_commits_or_none(template: Path,
                                                                                   tmp_path: Path) -> None:
    points = kill_points(template, _args(template), tmp_path / "trace")
    chosen: dict[str, int] = {}
    for number, point in enumerate(points, start=1):
        chosen.setdefault(_category(point), number)
    # the chain's decisive points are among them: every commit of it, the new index, the branch's move
    assert sum(p.startswith("spawn commit-tree") for p in points) == len(ROWS)
    for key in KEY_POINTS:
        assert key in chosen, key
    numbers = sorted(chosen.values())
    # the second and last commit of the chain too (a kill between two commits of it)
    numbers += [n for n, p in enumerate(points, start=1) if p.startswith("spawn commit-tree")][1:]
    key_numbers = {chosen[key] for key in KEY_POINTS} | set(numbers[len(chosen):])
    problems: list[str] = []
    for number in [*numbers, None]:
        problems += _kill(template, number, tmp_path / f"k{number}", rerun=number is None or number in key_numbers)
    problems += _kill(template, None, tmp_path / "k-msg", hook="commit-msg")
    assert len(numbers) >= 12
    assert problems == []


def test_an_import_whose_hook_refuses_its_second_commit_lands_none(template: Path, tmp_path: Path) -> None:
    repo = copy_repo(template, tmp_path / "repo")
    old = git(repo, "rev-parse", "HEAD").strip()
    calls = tmp_path / "calls"
    # a commit-msg hook that refuses the second term's message: Git's hooks see each commit of the chain
    install_hook(repo, "commit-msg", f"#!/bin/sh\necho x >> {calls}\n! grep -q '^EBB_SHELF:' \"$1\"\n")
    result = run_cli("--repo", repo, "import", template.parent / "in.csv")
    assert result.code != 0 and "nothing was imported" in result.err and "Traceback" not in result.err, result.err
    assert calls.read_text().count("x") == 2
    (repo / ".git" / "hooks" / "commit-msg").unlink()
    assert _settled(repo, old) == []
    assert git(repo, "rev-parse", "HEAD").strip() == old
    install_hook(repo, "post-commit", f"#!/bin/sh\necho y >> {calls}\n")
    assert run_cli("--repo", repo, "import", template.parent / "in.csv").code == 0
    assert calls.read_text().count("y") == len(ROWS)  # post-commit once per commit, as Git runs it
    assert _settled(repo, old) == []


def test_a_full_disk_at_any_write_of_an_import_changes_nothing_and_says_so(
        template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    points = kill_points(template, _args(template), tmp_path / "trace")
    writes = [p for p in points if p.startswith("write ")]
    old = git(template, "rev-parse", "HEAD").strip()
    tried, seen = 0, set()
    for number, point in enumerate(writes, start=1):
        if not ("journal" in point or "authoring" in point or ".tmp" in point or "object" in point) \
                or _category(point) in seen:
            continue
        seen.add(_category(point))
        repo = copy_repo(template, tmp_path / f"w{number}")
        monkeypatch.setenv("AUTHORING_TEST_MODE", "1")
        monkeypatch.setenv("AUTHORING_FSYNC", "0")
        monkeypatch.setenv("AUTHORING_FAULT", f"write:{number}:enospc")
        result = run_cli("--repo", repo, *_args(template))
        monkeypatch.delenv("AUTHORING_FAULT")
        tried += 1
        if result.code == 0:
            continue  # the write was a cache's (the index store): skipped, the import went on
        assert "no space left on the device" in result.err and "Traceback" not in result.err, result.err
        assert _settled(repo, old) == [], (number, point)
        assert git(repo, "rev-parse", "HEAD").strip() == old
        shutil.rmtree(repo)
    assert tried >= 5
