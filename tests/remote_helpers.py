"""Two editors, two clones, one bare remote: the set-up the sharing tests act on."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from authoring.repo.demo import make_demo_repository
from authoring.workflow.identity import parse_identity
from tests.conftest import git, run_cli


@dataclass
class Clone:
    """One editor's clone of the shared glossary."""

    path: Path
    who: str

    def file(self, term_id: str) -> Path:
        return self.path / "terms" / f"{term_id}.md"

    def set(self, term_id: str, field: str, value: str) -> None:
        result = run_cli("set", term_id, field, value, "--repo", self.path, "--as", self.who)
        assert result.code == 0, result.err

    def review(self, term_id: str, flag: str, note: str) -> None:
        result = run_cli("review", term_id, flag, "--note", note, "--repo", self.path, "--as", self.who)
        assert result.code == 0, result.err

    def promote(self, term_id: str, note: str, to: str | None = None) -> None:
        extra = ["--to", to] if to else []
        result = run_cli("promote", term_id, *extra, "--note", note, "--repo", self.path, "--as", self.who)
        assert result.code == 0, result.err

    def push(self) -> None:
        git(self.path, "push", "--quiet", "origin", "HEAD")

    def pull(self) -> subprocess.CompletedProcess[str]:
        """An ordinary `git pull` (merge, not rebase); the caller looks at its exit status and output."""
        return subprocess.run(["git", "-C", str(self.path), "pull", "--no-rebase", "--no-edit"],
                              capture_output=True, text=True, check=False)

    def commit_file(self, term_id: str, data: bytes, message: str) -> None:
        """Change a file behind the tool's back (as an editor in a text editor would) and commit it."""
        self.file(term_id).write_bytes(data)
        git(self.path, "commit", "--quiet", "-am", message)


def clone(origin: Path, path: Path, who: str, init: bool = True) -> Clone:
    """Clone the remote as `who`; `init` installs the merge driver as every editor is told to."""
    git(path.parent, "clone", "--quiet", str(origin), str(path))
    identity = parse_identity(who)
    git(path, "config", "user.name", identity.name)
    git(path, "config", "user.email", identity.email)
    if init:
        result = run_cli("init", path)
        assert result.code == 0, result.err
    return Clone(path, who)


def shared_glossary(tmp_path: Path, alice_who: str, bob_who: str, bob_init: bool = True) -> tuple[Path, Clone, Clone]:
    """The demo glossary pushed to a bare remote, and two editors' clones of it."""
    seed = make_demo_repository(tmp_path / "seed")
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "--quiet", "--bare", str(seed), str(origin))
    return origin, clone(origin, tmp_path / "alice", alice_who), clone(origin, tmp_path / "bob", bob_who, bob_init)
