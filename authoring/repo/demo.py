"""The bundled demo glossary: found in the package (a wheel) or beside it (a checkout), copied to a
throwaway Git repository for `authoring demo`.

Must never: write anywhere but the destination it is given.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from authoring.errors import UsageError
from authoring.repo.git import Git, init_repository
from authoring.workflow.identity import parse_identity

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
    init_repository(target)
    with Git(target) as repository:
        if repository.user() is None:  # a fresh machine: give the throwaway repository an identity
            repository.set_local_config("user.name", "Demo Editor")
            repository.set_local_config("user.email", "demo-editor@authoring.invalid")
        files = sorted(p for p in target.rglob("*") if p.is_file() and ".git" not in p.relative_to(target).parts)
        repository.commit_paths(files, "Import the demo glossary\n", parse_identity(DEMO_AUTHOR))
    return target
