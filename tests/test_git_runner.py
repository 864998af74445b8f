"""One door to Git: every process `repo/git.py` starts goes through one runner and every failure through one
mapping, so a held `index.lock` reads the same whichever command met it; objects are read through
`cat-file` only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from authoring.errors import Conflict
from authoring.repo.git import Git, GitError
from tests.conftest import git

ROOT = Path(__file__).resolve().parent.parent
GIT_PY = (ROOT / "authoring" / "repo" / "git.py").read_text(encoding="utf-8")


def test_git_py_starts_git_in_one_place_and_reads_objects_one_way() -> None:
    assert len(re.findall(r"\bsubprocess\.run\(", GIT_PY)) == 1
    assert ".git.execute(" not in GIT_PY and "Repo.init(" not in GIT_PY  # GitPython runs no command of ours
    assert len(re.findall(r"get_object_data\(", GIT_PY)) == 1 and ".odb.stream(" not in GIT_PY
    others = [p.relative_to(ROOT).as_posix() for p in (ROOT / "authoring").rglob("*.py")
              if p.name != "git.py" and re.search(r"subprocess\.(run|Popen)\(\s*\[\s*\"git\"", p.read_text("utf-8"))]
    assert others == []  # (repo/gitplain.py runs `git merge-file` alone; repo/gitmergefile.py, with `os`, for
    # the merge driver's fast path)


def test_a_held_index_lock_is_the_same_conflict_for_every_command(demo_repo: Path) -> None:
    (demo_repo / ".git" / "index.lock").write_bytes(b"")
    path = demo_repo / "terms" / "SLACK_WATER.md"
    path.write_bytes(path.read_bytes() + b"\n")
    with Git(demo_repo) as repo, pytest.raises(Conflict, match=r"Git's index is locked by another process"):
        repo.commit_paths([path], "x\n", repo.user() or pytest.fail("no identity"))
    with Git(demo_repo) as repo, pytest.raises(Conflict, match=r"index\.lock"):
        repo.reset_index_entries(["terms/SLACK_WATER.md"])


def test_objects_and_questions(demo_repo: Path) -> None:
    with Git(demo_repo) as repo:
        head = repo.head()
        assert head is not None and repo.resolve("HEAD") == head and repo.resolve("no-such-rev") is None
        data = (demo_repo / "terms" / "TIDAL_LOOM.md").read_bytes()
        assert repo.show_file("HEAD", "terms/TIDAL_LOOM.md") == data
        assert repo.show_file("HEAD", "terms/NOPE.md") is None and repo.show_file("HEAD", "terms") is None
        oid = repo.blob_at("HEAD", "terms/TIDAL_LOOM.md")
        assert oid is not None and repo.read_blob(oid) == data and repo.read_blobs([oid, "0" * 40]) == {oid: data}
        tree = repo.tree_of(head)
        assert tree is not None and {entry[2] for entry in repo.read_tree(tree)} >= {"terms", "authoring.toml"}
        with pytest.raises(GitError):
            repo.read_tree(oid)  # a blob is not a tree
        assert repo.is_ancestor(head, head) and repo.config_value("no.such-key") is None
    assert git(demo_repo, "status", "--porcelain") == ""
