"""Shared fixtures: real Git repositories in tmp_path, the demo glossary, the corpus, the CLI in-process."""

from __future__ import annotations

import contextlib
import gc
import io
import os
import pty
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest_plugins = ["tests.fixtures_templates", "tests.fixtures_schedule"]

ROOT = Path(__file__).resolve().parent.parent
# AUTHORING_CORPUS points a worktree that does not sit beside shared/ at the corpus.
CORPUS = Path(os.environ.get("AUTHORING_CORPUS") or ROOT.parent / "shared" / "corpus")

EDITOR = "Alice Editor <alice@example.org>"
EDITOR_2 = "Bob Editor <bob@example.org>"
AGENT = "Extractive Agent <agent@authoring.invalid>"


def pytest_configure(config: pytest.Config) -> None:
    """Let the processes the tests start cache their bytecode. Some environments (this machine's among them)
    set PYTHONDONTWRITEBYTECODE, and then every xdist worker and every `python -m authoring` a test runs
    compiles the package again: CPU the suite spends hundreds of times (`__pycache__` is ignored by Git)."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    # fsync makes a write survive a power cut, which no test can stage; the kill -9 of the fault tests is
    # survived through the page cache. So the suite skips the system call (its kill points stay, and
    # `test_durability` runs the writing commands with it); AUTHORING_FSYNC=1 puts it back everywhere.
    os.environ.setdefault("AUTHORING_TEST_MODE", "1")
    os.environ.setdefault("AUTHORING_FSYNC", "0")
    # Textual's widgets and the parsed terms make many small objects that live as long as a test: with
    # Python's default thresholds the cyclic collector walks them again and again (~30 % of a Pilot test's CPU)
    gc.set_threshold(100_000, 50, 100)
    # Every test makes and deletes Git repositories, thousands of small files: on a RAM file system the
    # suite spends about a third less system time. Temporary folders go there when the machine has one
    # with room (the tests and every process they start: Git, `python -m authoring`); a TMPDIR or a
    # --basetemp someone set wins. (xdist's workers inherit it: they start after this hook.)
    ram = RAM_FOLDER
    if config.option.basetemp is None and "TMPDIR" not in os.environ and _roomy_ram_folder(ram):
        os.environ["TMPDIR"] = str(ram)
        tempfile.tempdir = None  # computed again from TMPDIR


@pytest.hookimpl(wrapper=True)
def pytest_xdist_auto_num_workers() -> Iterator[int]:
    """`-n auto` starts one worker more than xdist counts cores. A worker waits about a sixth of its time
    (for Git, a forked command, the UI's next frame), and the spare one fills those gaps: on 2 cores the
    fast loop went from 121 s to 110 s at the same CPU time. PYTEST_XDIST_AUTO_NUM_WORKERS is taken as set."""
    cores = yield
    return cores if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS") else cores + 1


def pytest_unconfigure() -> None:
    """One full collection (a finalizer's error in it is still reported), then every object the session
    made is frozen out of the collector: pytest's own five collections at exit would walk them all again,
    seconds on each worker while the run waits."""
    gc.collect()
    gc.freeze()


RAM_FOLDER = Path("/dev/shm")


def _roomy_ram_folder(folder: Path, room: int = 2 << 30) -> bool:
    """`folder` is a writable tmpfs mount with at least `room` bytes free."""
    try:
        mounts = Path("/proc/mounts").read_text(encoding="utf-8").splitlines()
        usage = os.statvfs(folder)
    except OSError:
        return False
    tmpfs = any(line.split()[1:3] == [str(folder), "tmpfs"] for line in mounts if len(line.split()) > 2)
    return tmpfs and os.access(folder, os.W_OK | os.X_OK) and usage.f_bavail * usage.f_frsize >= room


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that reads the corpus (through the `corpus` fixture or one built on it) is marked `corpus`,
    so `pytest -m "not corpus"` is the fast inner loop without anyone remembering to mark it."""
    for item in items:
        if "corpus" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.corpus)


@pytest.fixture(autouse=True)
def _isolated_git_config(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never read the developer's ~/.gitconfig; they get a known identity instead."""
    from tests.fixtures_templates import write_test_home  # (a plugin, above: imported by pytest, not here)

    home = write_test_home(tmp_path_factory.mktemp("home"))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.delenv("GIT_DIR", raising=False)
    monkeypatch.delenv("GIT_WORK_TREE", raising=False)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


@pytest.fixture(autouse=True)
def _forget_closed_apps() -> Iterator[None]:
    """After each test, Textual's class-wide cache of border styles lets go of the widgets it was asked
    about. It is an `lru_cache` on a method, so its keys hold the last 1,024 widgets' style caches and
    every line they drew long after their app has closed: a million dead objects on a worker by the end,
    walked by every full collection and copied into every forked child's page tables."""
    yield
    styles_cache = sys.modules.get("textual._styles_cache")
    if styles_cache is not None:
        styles_cache.StylesCache.get_inner_outer.cache_clear()


def git(repo: Path, *args: str, check: bool = True) -> str:
    """Run plain Git in a test repository (tests may go behind the tool's back)."""
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {done.stderr}")
    return done.stdout


@pytest.fixture
def demo_repo(demo_template: Path, tmp_path: Path) -> Path:
    """A fresh Git repository holding the demo glossary, committed (a copy of one built per worker)."""
    from tests.fixtures_templates import copy_repository

    return copy_repository(demo_template, tmp_path / "glossary")


def make_repo(path: Path, files: dict[str, str | bytes], config: str | None = None) -> Path:
    """A Git repository with the given files (relative path → content), committed."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "--quiet")
    for name, content in files.items():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_bytes(content.encode("utf-8"))
    if config is not None:
        (path / "authoring.toml").write_text(config, encoding="utf-8")
    git(path, "add", "--all")
    git(path, "commit", "--quiet", "-m", "initial")
    return path


@dataclass
class CliResult:
    """What a command printed and its exit code."""

    code: int
    out: str
    err: str


def run_cli(*args: str | Path) -> CliResult:
    """Run `authoring ARGS…` in-process and capture its output and exit code."""
    from authoring.cli.app import main

    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main([str(a) for a in args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return CliResult(code, out.getvalue(), err.getvalue())


def run_cli_process(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None,
                    timeout: float = 120) -> CliResult:
    """Run `python -m authoring ARGS…` as a separate process (for concurrency and crash tests)."""
    full_env = dict(os.environ)
    full_env["PYTHONPATH"] = str(ROOT) + os.pathsep + full_env.get("PYTHONPATH", "")
    if env:
        full_env.update(env)
    done = subprocess.run([sys.executable, "-m", "authoring", *[str(a) for a in args]], capture_output=True,
                          text=True, cwd=cwd, env=full_env, timeout=timeout, check=False)
    return CliResult(done.returncode, done.stdout, done.stderr)


def run_cli_on_terminal(*args: str | Path, timeout: float = 120) -> CliResult:
    """Run `python -m authoring ARGS…` as a separate process with stderr on a pseudo-terminal (where
    progress is shown) and stdout piped; `err` is every byte the terminal received, escapes included."""
    full_env = dict(os.environ)
    full_env["PYTHONPATH"] = str(ROOT) + os.pathsep + full_env.get("PYTHONPATH", "")
    leader, follower = pty.openpty()
    received: list[bytes] = []

    def drain() -> None:  # read as it comes, so a full terminal buffer never blocks the command
        with contextlib.suppress(OSError):  # EIO: the terminal closed
            while chunk := os.read(leader, 4096):
                received.append(chunk)

    reader = threading.Thread(target=drain)
    reader.start()
    try:
        done = subprocess.run([sys.executable, "-m", "authoring", *[str(a) for a in args]], stdout=subprocess.PIPE,
                              stderr=follower, env=full_env, timeout=timeout, check=False)
    finally:
        os.close(follower)
        reader.join(timeout)
        os.close(leader)
    return CliResult(done.returncode, done.stdout.decode("utf-8"), b"".join(received).decode("utf-8", "replace"))


CORPUS_ABSENT = (
    f"needs the real glossary corpus (a snapshot of the Pirouette Framework repository: 1,691 term files in"
    f" dictionary/, 396 modules in modules/), looked for at {CORPUS} (../shared/corpus beside the repository),"
    " which is absent"
)
"""Why a corpus test skips: said once, here, for every test that needs the corpus."""


def require_corpus() -> Path:
    """The real corpus, or a skip saying what it is and that this test needs it."""
    if not (CORPUS / "dictionary").is_dir():
        pytest.skip(CORPUS_ABSENT)
    return CORPUS


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The real corpus; tests using it skip when it is absent (see `CORPUS_ABSENT`). Session-wide, so that
    a module- or session-scoped fixture reading the corpus can request it (and its tests are marked)."""
    return require_corpus()


@pytest.fixture
def corpus_copy(corpus: Path, corpus_template: Path, tmp_path: Path) -> Iterator[Path]:
    """A temporary Git repository laid out like upstream Pirouette, holding a copy of the corpus (copied
    from one built per worker by `build_corpus_copy`)."""
    from tests.fixtures_templates import copy_repository

    yield copy_repository(corpus_template, tmp_path / "pirouette", link_objects=True)


def build_corpus_copy(corpus: Path, repo: Path) -> Path:
    """Build the `corpus_copy` layout at `repo`: upstream's folders, the two-line configuration, committed."""
    shutil.copytree(corpus / "dictionary", repo / "modules" / "dictionary")
    for module in (corpus / "modules").iterdir():
        shutil.copy2(module, repo / "modules" / module.name)
    (repo / "authoring.toml").write_text('terms_dir = "modules/dictionary"\nmodules_dir = "modules"\n',
                                         encoding="utf-8")
    git(repo, "init", "--quiet")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "import corpus")
    return repo


@pytest.fixture
def upstream_clone(corpus: Path, tmp_path: Path) -> Path:
    """The whole upstream layout as a fresh clone has it, with no configuration: terms in
    `modules/dictionary/`, modules in `modules/` and its subfolders (`Volume_5/`, `TLE/`,
    `rejected_modules/`, …), committed by an importer who is not the editor adopting it."""
    from benchmarks.corpus_repo import upstream_copy

    return upstream_copy(corpus, tmp_path / "pirouette", subfolders=True, config=False)
