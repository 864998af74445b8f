"""The trusted base of an audit: the revision whose policy, people and allowed signers are believed.

An audit that took its rules from the commit it audits could be fooled by that commit: a push that
sets `approvals_to_ratify = 0`, lists its author as an editor and adds its key to the signers would
pass. So `audit --trusted-base REV` (default: `[audit] trusted_base`) reads the configuration and the
allowed-signers file *at REV*, and every later commit that changes them is itself judged: it must be
authored by an editor of REV (and signed by that editor's key, when signatures are required), else it
is a `policy-change` finding. With no trusted base, the checked-out configuration is assumed and
policy changes are not judged; the report says so (see docs/TRUST.md).

Must never: write outside a temporary directory, run Git except through `repo.git`, import a UI.
"""

from __future__ import annotations

import contextlib
import tempfile
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from authoring.config import Config, validate_config
from authoring.config_file import CONFIG_FILE
from authoring.errors import Severity, UsageError
from authoring.repo.git import Git, LogCommit
from authoring.workflow.identity import Role, email_of, parse_identity, role_of

PYPROJECT = "pyproject.toml"


@dataclass
class TrustedBase:
    """What an audit trusts: a revision (or none), its configuration, and its allowed-signers file."""

    commit: str | None
    """The trusted revision's commit id; None when no trusted base was given."""
    name: str | None
    """The revision as given (`origin/main`)."""
    config: Config
    """The configuration the audit judges by (the trusted revision's, else the checked-out one)."""
    signers: Path | None
    """An allowed-signers file holding the trusted revision's signers (None when not needed or not set)."""

    def describe(self) -> str:
        """What is trusted, in words, for the report."""
        if self.commit is None:
            return ("no trusted base: policy, people and allowed signers are taken from the checked-out"
                    " configuration, and changes to them are not judged")
        return f"trusted base {self.name} ({self.commit[:10]}): policy, people and allowed signers taken from it"


@dataclass(frozen=True)
class PolicyFinding:
    """A commit after the trusted base that changed the policy without the authority to."""

    commit: LogCommit
    severity: Severity
    message: str


@contextlib.contextmanager
def trusted_base(git: Git, root: Path, current: Config, rev: str | None, need_signers: bool) -> Iterator[TrustedBase]:
    """The trusted base named by `rev` (else `[audit] trusted_base`, else none), with its signers written
    to a temporary file for Git to verify against while the context lasts."""
    name = rev or current.audit.trusted_base
    if name is None:
        yield TrustedBase(None, None, current, _local_signers(root, current) if need_signers else None)
        return
    commit = git.resolve(name)
    if commit is None:
        raise UsageError(f"the trusted base {name!r} names no commit (fetch it, or pass --trusted-base REV)")
    config = config_at(git, commit)
    if not need_signers:
        yield TrustedBase(commit, name, config, None)
        return
    signers_name = config.audit.allowed_signers
    data = git.show_file(commit, signers_name) if signers_name else None
    if data is None:
        raise UsageError(f"signatures are required but the trusted base {name} ({commit[:10]}) names no"
                         " allowed-signers file that exists there ([audit] allowed_signers)")
    with tempfile.TemporaryDirectory(prefix="authoring-signers-") as folder:
        path = Path(folder) / "allowed_signers"
        path.write_bytes(data)
        yield TrustedBase(commit, name, config, path)


def _local_signers(root: Path, config: Config) -> Path:
    name = config.audit.allowed_signers
    if not name:
        raise UsageError("--require-signed needs an allowed-signers file: set [audit] allowed_signers = \"PATH\""
                         " in authoring.toml")
    path = root / name
    if not path.is_file():
        raise UsageError(f"the allowed-signers file {name} named in the configuration does not exist")
    return path


def config_at(git: Git, commit: str) -> Config:
    """The configuration as committed at `commit` (defaults when it has none)."""
    table = _table_at(git, commit, CONFIG_FILE)
    where = CONFIG_FILE
    if table is None:
        project = _table_at(git, commit, PYPROJECT)
        tool = project.get("tool") if project else None
        table = tool.get("authoring") if isinstance(tool, dict) else None
        where = PYPROJECT
    return validate_config(table if isinstance(table, dict) else None, Path(f"{commit[:10]}:{where}"))


def _table_at(git: Git, commit: str, path: str) -> dict[str, Any] | None:
    data = git.show_file(commit, path)
    if data is None:
        return None
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{commit[:10]}:{path}: the trusted configuration does not parse: {exc}") from None


def policy_changes(git: Git, base: TrustedBase, current: Config, require_signed: bool) -> list[PolicyFinding]:
    """Every commit after the trusted base that changed the configuration or the allowed signers and was
    not made by an editor of the trusted base (signed by that editor, when signatures are required)."""
    if base.commit is None:
        return []
    watched = {CONFIG_FILE, PYPROJECT}
    watched.update(n for n in (base.config.audit.allowed_signers, current.audit.allowed_signers) if n)
    log = git.log(sorted(watched), rev=f"{base.commit}..HEAD")
    changed = [c for c in log if any(_policy_changed(git, ch.path, ch.old_blob, ch.new_blob) for ch in c.changes)]
    signatures = git.signatures([c.commit for c in changed], base.signers) if require_signed and base.signers else {}
    people = base.config.people
    findings: list[PolicyFinding] = []
    for commit in changed:
        files = ", ".join(sorted({ch.path for ch in commit.changes}))
        try:
            editor = role_of(parse_identity(commit.author), people.editors, people.agents) is Role.EDITOR
        except UsageError:
            editor = False
        verdict, signer = signatures.get(commit.commit, ("N", ""))
        if not editor:
            findings.append(PolicyFinding(commit, Severity.ERROR, f"{commit.commit[:10]} (\"{commit.subject}\" by"
                                          f" {commit.author}) changes {files}, but its author is not an editor of"
                                          f" the trusted base {base.name}"))
        elif require_signed and not (verdict == "G" and signer.lower() == email_of(commit.author)):
            findings.append(PolicyFinding(commit, Severity.ERROR, f"{commit.commit[:10]} (\"{commit.subject}\" by"
                                          f" {commit.author}) changes {files} without the author's signature"
                                          f" (verdict {verdict}{', signed by ' + signer if signer else ''})"))
    return findings


def _policy_changed(git: Git, path: str, old: str | None, new: str | None) -> bool:
    """A change of `pyproject.toml` counts only when its `[tool.authoring]` table changed."""
    if path != PYPROJECT:
        return True
    blobs = git.read_blobs([b for b in (old, new) if b])

    def section(oid: str | None) -> Any:
        if oid is None:
            return None
        try:
            tool = tomllib.loads(blobs.get(oid, b"").decode("utf-8")).get("tool")
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            return "unreadable"  # a pyproject that does not parse may hide anything
        return tool.get("authoring") if isinstance(tool, dict) else None

    return bool(section(old) != section(new))
