"""Helpers of the fault-injection tests: a repository every writing command can act on, commands run
in a forked child that the fault hook kills (`authoring.faults`), and the checks made after each kill.

A forked child runs the real CLI in-process (everything is imported already), so a kill costs the
action's own time, not an interpreter's start.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import EDITOR, EDITOR_2, CliResult, git

BROKEN_TERM = ("---\nterm: Tide Gauge\ncanonical_id: TIDE_GAUGE\nstatus: draft\nversion: 0.1\n"
               "last_updated: 2026-01-02\nwhere: Chapter 5: Tides\n---\n\n# Tide Gauge\n\nA body.\n")

# every command that writes, as the fault suite runs it (each acts on the template's state)
COMMANDS: dict[str, list[str]] = {
    "set": ["set", "SLACK_WATER", "triad.art", "A coast at rest between tides.", "--as", EDITOR],
    "review": ["review", "SLACK_WATER", "--comment", "--note", "a note", "--as", EDITOR_2],
    "promote": ["promote", "WEFT_PRESSURE", "--as", EDITOR],
    "draft": ["draft", "DEMO-001", "--lines", "L43-L43"],
    "repair --write": ["repair", "TIDE_GAUGE", "--write", "--as", EDITOR],
}
# a hook that kills the authoring process (its grandparent: authoring → git hook run → hook), then fails
# the landing's decisive points, killed for every command even in the quick run
KEY_POINTS = ("rename index.lock", "spawn update-index", "spawn commit-tree", "spawn update-ref", "rename index")
FAULT_ENV = {"AUTHORING_TEST_MODE": "1", "AUTHORING_FSYNC": "0"}  # a kill -9 needs no fsync to be survived
KILLING_HOOK = "#!/bin/sh\nkill -9 $(cut -d' ' -f4 /proc/$PPID/stat)\nexit 1\n"


def make_template(where: Path) -> Path:
    """The demo glossary with WEFT_PRESSURE approved (so it can be promoted) and a repairable term."""
    from authoring.repo.demo import make_demo_repository
    from authoring.repo.service import Glossary

    repo = make_demo_repository(where)
    (repo / "terms" / "TIDE_GAUGE.md").write_text(BROKEN_TERM, encoding="utf-8")
    git(repo, "add", "terms/TIDE_GAUGE.md")
    git(repo, "commit", "--quiet", "-m", "a term to repair")
    with Glossary.open(repo, EDITOR_2) as glossary:
        glossary.review("WEFT_PRESSURE", "approve")
    git(repo, "repack", "-a", "-d", "-q")  # one pack, as a clone has: a copy links two files, not a folder a object
    return repo


def copy_repo(template: Path, where: Path) -> Path:
    """A private copy of `template` at `where` (its index as copied: the stat data stale, as before). Git's
    object files are hard-linked: Git and the tool write an object once, by a new name, and never change
    one (`gitfiles.write_object` links a new file in), so a kill or a recovery in the copy cannot reach
    the template; everything else — work tree, index, refs, hooks, config — is copied."""
    objects = template / ".git" / "objects"
    shutil.copytree(template, where, symlinks=True, ignore=lambda folder, names: {"objects"}
                    if Path(folder) == objects.parent else set())
    shutil.copytree(objects, where / ".git" / "objects", symlinks=True, copy_function=_link_or_copy)
    return where


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system
        shutil.copy2(source, target)


@dataclass
class Outcome:
    """How a forked command ended: its exit code, or the signal that killed it."""

    code: int | None
    signal: int | None

    @property
    def killed(self) -> bool:
        return self.signal == signal.SIGKILL


def run_forked(repo: Path, args: list[str], env: dict[str, str], tmpdir: Path) -> Outcome:
    """Run `authoring ARGS --repo REPO` in a forked child with `env` added; stdout and stderr discarded."""
    from authoring.cli.app import click_command, main

    # The parent is the fork server: the command modules imported and the command tree built once, here,
    # so each child runs only the command itself (the same code a fresh process runs, loaded already).
    click_command()
    tmpdir.mkdir(exist_ok=True)
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 1
        try:
            os.environ.update(env)
            os.environ["TMPDIR"] = str(tmpdir)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            try:
                main([*args, "--repo", str(repo)])
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return Outcome(None, os.WTERMSIG(status))
    return Outcome(os.WEXITSTATUS(status), None)


class ForkedCommand:
    """`authoring ARGS` running in a forked child of the test process, its output going to files: a real,
    separate process that runs the real CLI, started without an interpreter's start-up and imports (the
    fork-server parent has them). Start several from the main thread, then wait for each."""

    def __init__(self, args: list[str], where: Path, env: dict[str, str] | None = None) -> None:
        from authoring.cli.app import click_command, main

        click_command()  # built in the parent, as `run_forked` does
        where.mkdir(parents=True, exist_ok=True)
        self._out, self._err = where / "stdout", where / "stderr"
        self._status: int | None = None
        self.pid = os.fork()
        if self.pid == 0:  # the child: never returns
            code = 1
            try:
                os.environ.update(env or {})
                for fd, path in ((1, self._out), (2, self._err)):
                    target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                    os.dup2(target, fd)
                    os.close(target)
                sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115 (flushed below)
                sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
                try:
                    main(args)
                    code = 0
                except SystemExit as exc:
                    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            finally:
                with contextlib.suppress(Exception):
                    sys.stdout.flush()
                    sys.stderr.flush()
                os._exit(code)

    def poll(self) -> int | None:
        """The exit code (minus the signal when killed) once the child has ended, else None."""
        if self._status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid == 0:
                return None
            self._status = status
        return os.waitstatus_to_exitcode(self._status)

    def wait(self, timeout: float = 120) -> CliResult:
        """Wait for the child (killed after `timeout` seconds: a hang fails the test), then what it printed."""
        deadline = time.monotonic() + timeout
        while (code := self.poll()) is None:
            if time.monotonic() > deadline:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
                raise AssertionError(f"the forked command {self.pid} hung")
            time.sleep(0.01)
        return CliResult(code, self._out.read_text(encoding="utf-8"), self._err.read_text(encoding="utf-8"))


def kill_points(template: Path, args: list[str], where: Path) -> list[str]:
    """The checkpoints one undisturbed run of the command passes, in order."""
    repo = copy_repo(template, where / "trace-repo")
    trace = where / "trace.txt"
    outcome = run_forked(repo, args, {"AUTHORING_TEST_MODE": "1", "AUTHORING_FSYNC": "0",
                                      "AUTHORING_FAULT_TRACE": str(trace)}, where / "trace-tmp")
    assert outcome.code == 0, f"{args} failed undisturbed: {outcome}"
    return trace.read_text(encoding="utf-8").splitlines()


def install_hook(repo: Path, name: str, text: str) -> None:
    """An executable Git hook `name` in `repo` (whose Git folder may have no hooks folder yet)."""
    hook = repo / ".git" / "hooks" / name
    hook.parent.mkdir(exist_ok=True)
    hook.write_text(text, encoding="utf-8")
    hook.chmod(hook.stat().st_mode | stat.S_IEXEC)


# temporary files any of our steps may create, and Git's own that our steps could strand
LEFTOVER_PATTERNS = (".*.tmp", ".*.old", "authoring-next-index-*", "authoring-hook-index-*", "authoring-msg-*",
                     "authoring-lock-*", "index.lock", "next-index-*.lock", ".authoring-journal.json*",
                     "authoring-journal.json", "objects/tmp_obj_*", "authoring/.term-index*.tmp")


def leftovers(repo: Path, tmpdir: Path | None = None) -> list[str]:
    """Temporary files left in the work tree, the Git directory or the command's temp folder."""
    found = [p.relative_to(repo).as_posix() for p in repo.rglob("*")
             if ".git" not in p.relative_to(repo).parts and (p.name.endswith((".tmp", ".old")))]
    git_dir = repo / ".git"
    for pattern in LEFTOVER_PATTERNS:
        found.extend(f".git/{p.relative_to(git_dir).as_posix()}" for p in git_dir.glob(pattern))
    if tmpdir is not None and tmpdir.exists():
        found.extend(f"$TMPDIR/{p.name}" for p in tmpdir.iterdir())
    return sorted(set(found))


def fsck_problems(repo: Path) -> list[str]:
    """What `git fsck` finds wrong (unreachable and dangling objects are not wrong: gc removes them)."""
    done = subprocess.run(["git", "-C", str(repo), "fsck", "--no-progress"], capture_output=True, text=True,
                          check=False)
    lines = (done.stdout + done.stderr).splitlines()
    bad = [line for line in lines if not line.startswith(("dangling ", "unreachable ", "notice:"))]
    return bad + ([f"exit {done.returncode}"] if done.returncode else [])


def action_commits(repo: Path, since: str) -> list[tuple[str, list[str], str]]:
    """(commit, files it changed, its `Action:` trailer) for every commit after `since`."""
    out = git(repo, "log", "--format=%x1e%H%x1f%(trailers:key=Action,valueonly)%x1f", "--name-only", f"{since}..HEAD")
    commits = []
    for record in out.split("\x1e")[1:]:
        sha, action, names = record.split("\x1f")
        commits.append((sha, [n for n in names.split("\n") if n.strip()], action.strip()))
    return commits


def check_settled(repo: Path, old_head: str, tmpdir: Path | None = None) -> list[str]:
    """Every invariant of a settled repository after an action on `old_head` (an empty list: all hold)."""
    problems = [f"fsck: {line}" for line in fsck_problems(repo)]
    status = git(repo, "status", "--porcelain", "--untracked-files=all")
    if status:
        problems.append(f"work tree or index differ from HEAD: {status!r}")
    head = git(repo, "rev-parse", "HEAD").strip()
    if head != old_head:
        parent = git(repo, "rev-parse", "HEAD~1").strip()
        if parent != old_head:
            problems.append(f"HEAD is neither the old commit nor one new commit on it ({head})")
        for sha, files, action in action_commits(repo, old_head):
            events = [f for f in files if f.startswith("review_logs/")]
            if len(events) != 1 or not action:  # every action, repair included, records its one event
                problems.append(f"commit {sha[:8]} ({action or 'no action'}) records {len(events)} events")
    problems.extend(f"leftover {name}" for name in leftovers(repo, tmpdir))
    return problems
