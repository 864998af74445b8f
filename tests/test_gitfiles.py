"""The objects an action writes without Git are the ones Git would write: the same ids, the same trees,
the same order of entries (a directory sorts as `name/`), readable by Git and clean under `git fsck`."""

from __future__ import annotations

from pathlib import Path

import pytest

from authoring.errors import Conflict
from authoring.repo import gitfiles
from authoring.repo.git import Git
from tests.conftest import git, make_repo

# names whose order differs between "name" and "name/" comparisons, and a non-ASCII one
FILES = {"x/a.md": "a\n", "x.md": "b\n", "x-y": "c\n", "x0": "d\n", "terms/COSMO-Γ-001.md": "e\n",
         "terms/sub/deep.md": "f\n"}


def test_trees_parse_and_encode_to_gits_own_bytes(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    with Git(repo) as handle:
        for tree in git(repo, "rev-list", "--objects", "--all").split("\n"):
            oid = tree.split(" ")[0]
            if oid and git(repo, "cat-file", "-t", oid).strip() == "tree":
                raw = handle.repo.odb.stream(bytes.fromhex(oid)).read()
                assert gitfiles.encode_tree(gitfiles.parse_tree(raw)) == raw
                assert gitfiles.object_id(b"tree", raw) == oid


@pytest.mark.parametrize("changes", [
    {"x/b.md": b"new\n"},                          # a file in an existing directory
    {"x.md": None, "x/a.md": b"changed\n"},        # a removal and a change
    {"new/dir/file.md": b"deep\n"},                # new directories
    {"terms/sub/deep.md": None},                   # a directory left empty disappears
    {"x-y": b"\0binary\n", "x0": None},
    {"x/a.md": b"changed\n", "x0": b"changed too\n"},  # changes in place: the order read is kept, unsorted
    {"x.md": None, "x.md/inner.md": b"now a folder\n"},  # a file becomes a folder: it sorts as `x.md/`
])
def test_a_spliced_tree_equals_what_git_add_and_write_tree_make(tmp_path: Path,
                                                                 changes: dict[str, bytes | None]) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    with Git(repo) as handle:
        head = handle.head()
        base = handle.tree_of(head)
        spliced: dict[tuple[str, ...], tuple[int, str] | None] = {}
        for rel, data in changes.items():
            blob = None if data is None else gitfiles.write_object(handle.objects_dir, b"blob", data, "test")
            spliced[tuple(rel.split("/"))] = None if blob is None else (gitfiles.BLOB_MODE, blob)
        remembered: dict[str, list[gitfiles.TreeEntry]] = {}
        ours = gitfiles.tree_with(base, spliced, handle.read_tree,
                                  lambda kind, data: gitfiles.write_object(handle.objects_dir, kind, data, "test"),
                                  lambda oid, entries: (remembered.setdefault(oid, list(entries)),
                                                        handle.remember_tree(oid, entries)))
        # every tree written is told as Git reads it back (what `Git.read_tree` then answers without reading)
        assert ours in remembered
        for oid, entries in remembered.items():
            raw = handle.repo.odb.stream(bytes.fromhex(oid)).read()
            assert gitfiles.parse_tree(raw) == entries
            assert handle.read_tree(oid) == entries
    for rel, data in changes.items():
        if data is None:
            git(repo, "rm", "--quiet", rel)
        else:
            (repo / rel).parent.mkdir(parents=True, exist_ok=True)
            (repo / rel).write_bytes(data)
            git(repo, "add", rel)
    assert ours == git(repo, "write-tree").strip()
    assert git(repo, "fsck", "--no-dangling") == ""
    assert list((repo / ".git" / "objects").glob("tmp_obj_*")) == []
    assert oct((repo / ".git" / "objects" / ours[:2] / ours[2:]).stat().st_mode & 0o777) == oct(0o444)


def test_the_branch_to_commit_to_is_read_from_head(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"a": "a\n"})
    assert gitfiles.branch_for_commit(repo / ".git") == "refs/heads/main"
    git(repo, "checkout", "--quiet", "--detach")
    with pytest.raises(Conflict, match="HEAD is detached"):
        gitfiles.branch_for_commit(repo / ".git")
