"""A glossary with two editors and one agent, and the moves an attacker makes on it (issue 12).

Every helper works on a real repository: the tool's own commands through the CLI, plain Git behind
its back, real SSH signing keys. Git's identity (`user.name`/`user.email`) is set per step, as each
person would have it in their own checkout.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from authoring.workflow.review_log import Action, ReviewEvent
from tests.conftest import AGENT, EDITOR, EDITOR_2, CliResult, git, run_cli
from tests.history_builders import event, new_glossary, plain_commit, term_text, tool_commit

ALICE, BOB = EDITOR, EDITOR_2
MALLORY = "Mallory <mallory@example.org>"
TERM = "TIDAL_LOOM"
TERM_FILE = f"terms/{TERM}.md"

PEOPLE = f"""terms_dir = "terms"
modules_dir = "modules"
review_logs_dir = "review_logs"

[people]
editors = ["{ALICE}", "{BOB}"]
agents = ["{AGENT}"]

[policy]
approvals_to_ratify = 1
"""


def email(who: str) -> str:
    return who.split("<", 1)[1].rstrip(">")


def user(repo: Path, who: str) -> None:
    """Git's identity in this checkout becomes `who`."""
    name = who.split(" <", 1)[0]
    git(repo, "config", "user.name", name)
    git(repo, "config", "user.email", email(who))


def cli(repo: Path, *args: str) -> CliResult:
    return run_cli(*args, "--repo", repo)


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


def audit(repo: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    result = cli(repo, "audit", "--json", *extra)
    assert result.code in (0, 1), result.err
    return result.code, json.loads(result.out)


def codes(report: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for finding in report["findings"]:
        found.setdefault(finding["code"], []).append(finding)
    return found


def drafted(path: Path, config: str = PEOPLE, headers: bool = False, files: dict[str, str] | None = None,
            key: Path | None = None) -> Path:
    """A glossary whose TIDAL_LOOM was drafted by the agent (in the agent's own checkout, signing with `key`)."""
    repo = new_glossary(path, config=config)
    if files:
        plain_commit(repo, files, "setup")
    if key is not None:
        signing(repo, key)
    user(repo, AGENT)
    text = term_text(header_status="draft" if headers else None)
    tool_commit(repo, TERM, text, AGENT, "draft", "draft", [
        event(TERM, AGENT, Action.DRAFT, text, None, "draft", "0.1", role="agent")], status="draft")
    return repo


def candidate(path: Path, config: str = PEOPLE, headers: bool = False, files: dict[str, str] | None = None) -> Path:
    """`drafted`, then promoted to candidate by Alice in her checkout."""
    repo = drafted(path, config, headers, files)
    user(repo, ALICE)
    result = cli(repo, "promote", TERM)
    assert result.code == 0, result.err
    return repo


def commit_event(repo: Path, item: ReviewEvent, author: str, folder: str | None = None,
                 files: dict[str, str] | None = None) -> str:
    """An event file written by hand and committed with plain Git as `author`."""
    name = f"review_logs/{folder or item.term}/{item.file_name()}"
    return plain_commit(repo, {name: item.render(), **(files or {})}, f"{item.term}: {item.action.value}",
                        author)


def ssh_key(where: Path, name: str) -> tuple[Path, str]:
    """A real ed25519 key pair: the private key's path and the public key line."""
    key = where / f"{name}_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True,
                   capture_output=True)
    return key, (where / f"{name}_key.pub").read_text(encoding="utf-8").strip()


def signers_line(who: str, public: str) -> str:
    return f'{email(who)} namespaces="git" {public}\n'


def signing(repo: Path, key: Path | None) -> None:
    """Sign every commit in this checkout with `key` (None: stop signing)."""
    git(repo, "config", "gpg.format", "ssh")
    if key is None:
        git(repo, "config", "commit.gpgsign", "false")
        return
    git(repo, "config", "user.signingKey", str(key))
    git(repo, "config", "commit.gpgsign", "true")


def ratified_text(text: str) -> str:
    return text.replace("status: candidate", "status: ratified").replace('version: "0.1"', 'version: "1.0"')
