"""Session-wide template repositories, copied per test: the demo glossary and the corpus laid out as upstream.

Building a repository costs a `git init`, hashing every file and a commit (the corpus: 2,000 files, seconds);
copying a finished one costs a directory copy. Each xdist worker builds a template once, under the same
isolated Git configuration every test gets (`conftest._isolated_git_config`), so a copy is what the test
would have built itself: the same files, the same `.git/config`, a commit by the same identity.

Must never: hand two tests the same directory, or let a test's writes reach a template (the work tree and
Git's mutable files are copied; only Git's immutable object files are hard-linked).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# the configuration `conftest._isolated_git_config` gives every test (a template is built under the same);
# an empty template folder: `git init` copies no sample hooks (14 files a repository, thousands a run)
TEST_GITCONFIG = ("[user]\n\tname = Test Editor\n\temail = test-editor@example.org\n"
                  "[init]\n\tdefaultBranch = main\n\ttemplateDir =\n")


def write_test_home(home: Path) -> Path:
    """`home` with the test Git configuration in it."""
    home.mkdir(parents=True, exist_ok=True)
    (home / ".gitconfig").write_text(TEST_GITCONFIG, encoding="utf-8")
    return home


def _build_isolated(tmp_path_factory: pytest.TempPathFactory, build: Callable[[Path], Path], name: str) -> Path:
    """Run `build(where)` with the environment an isolated test has (HOME, XDG folders, no system config)."""
    home = write_test_home(tmp_path_factory.mktemp(f"{name}-home"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        patch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
        patch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
        patch.delenv("GIT_DIR", raising=False)
        patch.delenv("GIT_WORK_TREE", raising=False)
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        return build(tmp_path_factory.mktemp(f"{name}-template") / "repo")


def _link_or_copy(source: str, target: str) -> None:
    """Git's loose and packed object files are written once and never changed: a hard link is a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def copy_repository(template: Path, target: Path, *, link_objects: bool = False) -> Path:
    """A private copy of the repository `template` at `target`, its index fresh for the new file stats.

    `link_objects`: hard-link Git's object files instead of copying them (for a big template whose tests
    never write into `.git/objects` by hand).
    """
    if link_objects:
        shutil.copytree(template, target, symlinks=True,
                        ignore=lambda folder, names: {"objects"} if Path(folder) == template / ".git" else set())
        shutil.copytree(template / ".git" / "objects", target / ".git" / "objects", symlinks=True,
                        copy_function=_link_or_copy)
    else:
        shutil.copytree(template, target, symlinks=True)
    # the copied files have new inodes and change times: refresh the index's stat data, as a repository
    # whose files were just committed has it (otherwise the first `git status` rewrites the index)
    subprocess.run(["git", "-C", str(target), "update-index", "-q", "--refresh"], capture_output=True, check=False,
                   env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1"})
    return target


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo glossary committed in a Git repository, built once per worker (copy it; never change it)."""
    from authoring.repo.demo import make_demo_repository

    return _build_isolated(tmp_path_factory, make_demo_repository, "demo")


@pytest.fixture(scope="session")
def corpus_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The corpus laid out as upstream Pirouette and committed, built once per worker (copy it)."""
    from tests.conftest import build_corpus_copy, require_corpus

    corpus = require_corpus()
    yield _build_isolated(tmp_path_factory, lambda where: build_corpus_copy(corpus, where), "corpus")
