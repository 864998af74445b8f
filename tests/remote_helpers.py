"""Two editors, two clones, one bare remote: the set-up the sharing tests act on."""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from pathlib import Path

from authoring.core.roundtrip import Editor
from authoring.repo.demo import make_demo_repository
from authoring.repo.service import Glossary, commit_message
from authoring.workflow.identity import parse_identity
from authoring.workflow.review_log import Action, ReviewEvent, content_revision, event_path
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


def record_event(where: Clone, term_id: str, action: Action, note: str) -> Path:
    """A review event recorded the way the workflow records it: one new file, one commit."""
    with Glossary.open(where.path, where.who) as glossary:
        entry = glossary.load(term_id).entry
        assert entry is not None
        event = ReviewEvent(term=term_id, when=dt.datetime.now(dt.UTC), who=where.who, action=action,
                            from_status=entry.get("status"), to_status=entry.get("status"),
                            version=str(entry.get("version")), revision=content_revision(entry), note=note)
        path = event_path(glossary.review_logs_dir, event)
        with glossary.transaction() as tx:
            tx.write(path, event.render().encode("utf-8"), based_on=None)
            tx.commit(commit_message(term_id, action.value, {"Term": term_id, "Action": action.value}),
                      glossary.actor())
    return path


def simulate_promote(where: Clone, term_id: str, to: str, version: str | None, note: str,
                     when: dt.date) -> None:
    """What a promotion changes in a term file and the review trail (status, version, last_updated,
    a `provenance.review_log` item, an event file), made through the same core and transaction."""
    with Glossary.open(where.path, where.who) as glossary:
        term = glossary.load(term_id)
        assert term.entry is not None
        before = term.entry.get("status")
        editor = Editor(term)
        editor.set(("status",), to)
        if version is not None:
            editor.set(("version",), version)
        editor.set(("last_updated",), when)
        editor.append(("provenance", "review_log"), {"date": when, "reviewer": where.who.split(" <")[0],
                                                     "notes": note})
        event = ReviewEvent(term=term_id, when=dt.datetime.now(dt.UTC), who=where.who, action=Action.PROMOTE,
                            from_status=before, to_status=to, version=version,
                            revision=content_revision(term.entry), note=note)
        with glossary.transaction() as tx:
            tx.write(term.path, editor.render(), based_on=term.data)
            tx.write(event_path(glossary.review_logs_dir, event), event.render().encode("utf-8"), based_on=None)
            tx.commit(commit_message(term_id, f"promote {before} → {to}",
                                     {"Term": term_id, "Action": "promote", "Status": to}), glossary.actor())
