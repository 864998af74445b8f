"""The corpus laid out as upstream Pirouette (terms in modules/dictionary), in a fresh Git repository.

Shared by the benchmarks; the tests have the same layout in the `corpus_copy` fixture.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# AUTHORING_CORPUS points a worktree that does not sit beside shared/ at the corpus.
CORPUS = Path(os.environ.get("AUTHORING_CORPUS") or ROOT.parent / "shared" / "corpus")
"""Where the benchmarks find the corpus by default."""
UPSTREAM_CONFIG = 'terms_dir = "modules/dictionary"\nmodules_dir = "modules"\n'
_IDENTITY = {"GIT_AUTHOR_NAME": "Bench Importer", "GIT_AUTHOR_EMAIL": "import@example.org",
             "GIT_COMMITTER_NAME": "Bench Importer", "GIT_COMMITTER_EMAIL": "import@example.org"}


def git(repo: Path, *args: str) -> str:
    """Plain Git in a benchmark repository, with a fixed identity and no system configuration."""
    env = {**os.environ, **_IDENTITY, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True,
                          env=env).stdout


def upstream_copy(corpus: Path, repo: Path, *, modules: bool = True, commit: bool = True, subfolders: bool = False,
                  config: bool = True, copies: int = 1) -> Path:
    """Copy the corpus into `repo` as upstream lays it out; `git init` it and (by default) commit it.

    `subfolders`: also the rest of upstream's `modules/` tree (`modules_subfolders/*` → `modules/`);
    `config`: write the README's two-line configuration (False: none, as a fresh clone has).
    `copies` > 1 scales it: every term is also written `copies - 1` more times under suffixed ids
    (`ACTION_X2`, `ACTION_X3`, ...; the id replaced throughout the copy's text), so `copies=10` gives
    16,910 distinct terms citing the same modules.
    """
    terms = repo / "modules" / "dictionary"
    shutil.copytree(corpus / "dictionary", terms)
    for path in sorted(terms.glob("*.md")) if copies > 1 else []:
        data = path.read_bytes()
        for n in range(2, copies + 1):
            new_id = f"{path.stem}_X{n}"
            (terms / f"{new_id}.md").write_bytes(data.replace(path.stem.encode(), new_id.encode()))
    if modules:
        for module in (corpus / "modules").iterdir():
            shutil.copy2(module, repo / "modules" / module.name)
    if subfolders and (corpus / "modules_subfolders").is_dir():
        for folder in (corpus / "modules_subfolders").iterdir():
            shutil.copytree(folder, repo / "modules" / folder.name)
    for path in [repo, *repo.rglob("*")]:  # the corpus is read-only; the copy is ours to change
        path.chmod(path.stat().st_mode | 0o200)
    if config:
        (repo / "authoring.toml").write_text(UPSTREAM_CONFIG, encoding="utf-8")
    git(repo, "init", "--quiet")
    if commit:
        git(repo, "add", "--all")
        git(repo, "commit", "--quiet", "-m", "import corpus")
    return repo
