"""The bundled demo glossary: found in the package (a wheel) or beside it (a checkout), copied to a
throwaway Git repository for `authoring demo`.

Must never: write anywhere but the destination it is given.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import git

from authoring.errors import UsageError

DEMO_PARTS = ("terms", "review_logs", "modules", "authoring.toml", ".gitattributes")
DEMO_AUTHOR = "Authoring Demo <demo@authoring.invalid>"


def demo_source() -> Path:
    """Where the demo glossary is: `authoring/_demo` in a wheel, the repository root in a checkout."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "_demo", package.parent):
        if (candidate / "terms").is_dir() and (candidate / "authoring.toml").is_file():
            return candidate
    raise UsageError("the demo glossary is not installed with this copy of authoring")


def make_demo_repository(destination: Path | None = None) -> Path:
    """Copy the demo glossary into a new Git repository (default: a new temporary directory)."""
    target = destination or Path(tempfile.mkdtemp(prefix="authoring-demo-"))
    source = demo_source()
    for part in DEMO_PARTS:
        path = source / part
        if path.is_dir():
            shutil.copytree(path, target / part, dirs_exist_ok=True)
        elif path.is_file():
            shutil.copy2(path, target / part)
    with git.Repo.init(target) as repo:
        with repo.config_writer() as config:
            if not _has_user(repo):
                config.set_value("user", "name", "Demo Editor")
                config.set_value("user", "email", "demo-editor@authoring.invalid")
        repo.git.add("--all")
        repo.git.commit("--quiet", "--no-verify", "-m", "Import the demo glossary", f"--author={DEMO_AUTHOR}")
    return target


def _has_user(repo: git.Repo) -> bool:
    try:
        return bool(repo.git.config("--get", "user.email").strip())
    except git.GitCommandError:
        return False
