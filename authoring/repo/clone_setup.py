"""`authoring init`: make a glossary repository, or set up one more clone of an existing one.

A new repository gets `authoring.toml`, the terms, review-log and module folders, a
`.gitattributes` that hands term files to the semantic merge driver, and an initial commit.
Every clone — new or cloned from a remote — also needs the driver's definition in its own
`.git/config` (Git never takes merge drivers from the repository itself, so a clone cannot run
code it was sent): `[merge "authoring-term"]` with the command line of the interpreter running
`authoring` now, by absolute path, so it works without `authoring` on PATH (a virtual
environment that is not activated, a Git GUI), running the lean driver module
(`authoring.repo.merge_driver`, started as `driver_command` says): Git starts it once per file.
Definitions installed by an older `init` (`python -m authoring.repo.merge_driver ...`, `python -m
authoring merge-driver ...`) keep working; running `init` again updates them.

On an existing repository `init` writes no file: it installs that configuration and says what the
repository lacks; `--adopt` writes the missing files (never overwriting one) and commits them.
Running it again changes nothing.

Must never: overwrite a file that exists; run Git except through `repo.git`.
"""

from __future__ import annotations

import importlib.util
import json
import shlex
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import authoring
from authoring.config import CONFIG_FILE, Config, load_config
from authoring.core.textfile import atomic_write
from authoring.errors import UsageError
from authoring.repo.git import Git, find_root, init_repository
from authoring.repo.merge_rules import DRIVER_NAME
from authoring.repo.service import commit_message
from authoring.workflow.identity import Identity

ATTRIBUTES_FILE = ".gitattributes"
DRIVER_TITLE = "authoring: field-level merge of glossary term files"
ATTRIBUTES_HEADER = "# Term files merge field by field; `authoring init` installs the driver in each clone.\n"

CONFIG_TEMPLATE = """\
# The glossary's configuration (read by `authoring`).
terms_dir = "{terms_dir}"
modules_dir = "{modules_dir}"
review_logs_dir = "{review_logs_dir}"

[people]
# With no editors listed, every human identity is an editor. Agents may draft, edit and comment only.
# editors = ["Alice Editor <alice@example.org>"]
# agents = ["Extractive Agent <agent@authoring.invalid>"]

[policy]
approvals_to_ratify = 1
"""


@dataclass
class InitResult:
    """What `init` did."""

    root: Path
    created: bool
    """True when a new Git repository was made."""
    written: list[str] = field(default_factory=list)
    """Files written (relative to the root)."""
    commit: str | None = None
    """The commit that added them, if any."""
    configured: dict[str, str] = field(default_factory=dict)
    """Per-clone Git configuration set or updated by this run (already-correct values are absent)."""
    missing: list[str] = field(default_factory=list)
    """What an existing repository lacks (written only with `--adopt`)."""
    driver: str = ""
    """The merge driver's command line as installed."""
    suggestion: str | None = None
    """What to run next, when the repository already holds a glossary that has no configuration."""

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `--json`."""
        return {"root": str(self.root), "created": self.created, "written": self.written, "commit": self.commit,
                "configured": self.configured, "missing": self.missing, "driver": self.driver,
                "suggestion": self.suggestion}

    def describe(self) -> str:
        """The human summary."""
        lines = [f"{'Created' if self.created else 'Set up'} glossary repository {self.root}"]
        if self.written:
            lines.append(f"  wrote {', '.join(self.written)}" + (f" (commit {self.commit[:8]})" if self.commit else ""))
        if self.configured:
            lines.append(f"  installed the merge driver in .git/config: {self.driver}")
        else:
            lines.append("  the merge driver was already installed in .git/config")
        for item in self.missing:
            lines.append(f"  missing: {item} (run `authoring adopt` to add it)")
        if self.suggestion:
            lines.append(f"  {self.suggestion}")
        return "\n".join(lines)


def attributes_line(config: Config) -> str:
    """The `.gitattributes` line that sends term files to the driver."""
    return f"{config.terms_dir.strip('/')}/*.md merge={DRIVER_NAME}"


def attributes_plan(root: Path, line: str) -> tuple[Path, bytes, bytes | None, bool] | None:
    """The write (path, new bytes, bytes now, unique) that adds `line` to `.gitattributes`; None when it is there."""
    path = root / ATTRIBUTES_FILE
    if not path.is_file():
        return path, (ATTRIBUTES_HEADER + line + "\n").encode("utf-8"), None, False
    existing = path.read_bytes()
    if line in (text.strip() for text in existing.decode("utf-8", errors="replace").splitlines()):
        return None
    separator = b"" if not existing or existing.endswith(b"\n") else b"\n"
    return path, existing + separator + f"{line}\n".encode(), existing, False


def driver_command() -> str:
    """The driver's command line: this interpreter by absolute path, started lean, running
    `authoring.repo.merge_driver.main` from this copy of `authoring`.

    Git starts it once per file, so it starts without `site` (`-S`: no site-packages scan, no `.pth`
    hooks, which cost as much as the driver's own check) and without the working folder on the
    module path (`-P`: a `yaml.py` in the repository's root cannot stand in for PyYAML); the path
    names the two folders the fast path imports from, the one holding this `authoring` (an installed
    package, an editable install's checkout, or a checkout on PYTHONPATH: merges run the same code as
    the `init` that installed the line) and the one holding PyYAML. The field merge, when a file needs
    it, turns `site` on first (`merge_driver._full_site`).
    """
    folders: list[str] = []
    for folder in (Path(authoring.__file__).resolve().parent.parent, _yaml_folder()):
        if folder is not None and str(folder) not in folders:
            folders.append(str(folder))
    # a JSON list of strings is a Python list literal, and its double quotes need no escaping in the shell's
    start = (f"import sys; sys.path += {json.dumps(folders)}; from authoring.repo.merge_driver import run;"
             " run()")
    return f"{shlex.quote(sys.executable)} -S -P -c {shlex.quote(start)} %O %A %B %P"


def _yaml_folder() -> Path | None:
    """The folder PyYAML is imported from (found, not imported)."""
    spec = importlib.util.find_spec("yaml")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).resolve().parent.parent


def install_clone_config(git: Git) -> tuple[dict[str, str], str]:
    """Put the driver's definition in this clone's `.git/config`; what changed, and the command line."""
    command = driver_command()
    changed: dict[str, str] = {}
    for key, value in ((f"merge.{DRIVER_NAME}.name", DRIVER_TITLE), (f"merge.{DRIVER_NAME}.driver", command)):
        if git.set_local_config(key, value):
            changed[key] = value
    return changed, command


def init_glossary(path: Path, actor: Identity | None, adopt: bool = False, terms_dir: str | None = None,
                  modules_dir: str | None = None) -> InitResult:
    """Make `path` a glossary repository, or set up the clone that is there (see the module's doc)."""
    path = path.expanduser().absolute()
    if path.exists() and not path.is_dir():
        raise UsageError(f"{path} is a file, not a folder for a glossary")
    created = not (path / ".git").exists()
    if created and path.exists() and any(path.iterdir()):
        enclosing = _enclosing_root(path)
        if enclosing is not None:
            raise UsageError(f"{path} is inside the Git repository {enclosing}; run `authoring init {enclosing}`")
        adopt = True  # a folder of files without Git: make it a repository and add what is missing
    made_folder = not path.exists()
    if created:
        init_repository(path)
    try:
        return _set_up(path, created, actor, adopt, terms_dir, modules_dir)
    except BaseException:
        if created:  # leave things as they were: no half-made repository
            shutil.rmtree(path if made_folder else path / ".git", ignore_errors=True)
        raise


def _set_up(path: Path, created: bool, actor: Identity | None, adopt: bool, terms_dir: str | None,
            modules_dir: str | None) -> InitResult:
    with Git(path) as git:
        result = InitResult(git.root, created)
        config = _planned_config(git.root, terms_dir, modules_dir)
        plan = _missing_files(git.root, config)
        if (created or adopt) and plan:
            who = actor or git.user()
            if who is None:
                raise UsageError("no identity for the first commit: set git config user.name and user.email,"
                                 " or pass --as \"Name <email>\"")
            _write(git.root, plan, config, result)
            message = commit_message("glossary", "set up the authoring glossary",
                                     {"Action": "init", "Files": ", ".join(result.written)})
            result.commit = git.commit_paths([git.root / name for name in result.written], message, who)
        else:
            result.missing = [_describe_missing(name, content) for name, content in plan.items()]
            if not created and not _has_config(git.root):
                result.suggestion = _adopt_suggestion(git.root)
                if result.suggestion:  # the default layout's gaps would mislead: adoption finds the real one
                    result.missing = []
        result.configured, result.driver = install_clone_config(git)
    return result


def _adopt_suggestion(root: Path) -> str | None:
    from authoring.repo.adoption import find_terms_dir

    found, count = find_terms_dir(root)
    if found is None:
        return None
    return (f"this repository already holds {count} term file(s) in {found}/: run `authoring adopt` to write and"
            " commit a configuration for them and accept their statuses as the audit's baseline")


def _enclosing_root(path: Path) -> Path | None:
    try:
        return find_root(path)
    except UsageError:
        return None


def _planned_config(root: Path, terms_dir: str | None, modules_dir: str | None) -> Config:
    """The repository's configuration; for one that has none yet, the defaults and the options given."""
    if _has_config(root):
        return load_config(root)
    overrides = {k: v for k, v in (("terms_dir", terms_dir), ("modules_dir", modules_dir)) if v}
    return Config.model_validate(overrides)


def _has_config(root: Path) -> bool:
    pyproject = root / "pyproject.toml"
    return (root / CONFIG_FILE).is_file() or (
        pyproject.is_file() and "[tool.authoring]" in pyproject.read_text(encoding="utf-8", errors="replace"))


def _missing_files(root: Path, config: Config) -> dict[str, str | None]:
    """Relative path → new content (None: append the attributes line to an existing `.gitattributes`)."""
    plan: dict[str, str | None] = {}
    if not _has_config(root):
        plan[CONFIG_FILE] = CONFIG_TEMPLATE.format(terms_dir=config.terms_dir, modules_dir=config.modules_dir,
                                                   review_logs_dir=config.review_logs_dir)
    line = attributes_line(config)
    attributes = root / ATTRIBUTES_FILE
    if not attributes.is_file():
        plan[ATTRIBUTES_FILE] = ATTRIBUTES_HEADER + line + "\n"
    elif line not in (text.strip() for text in attributes.read_text(encoding="utf-8", errors="replace").splitlines()):
        plan[ATTRIBUTES_FILE] = None
    for folder in (config.terms_dir, config.review_logs_dir, config.modules_dir):
        if not (root / folder).is_dir():
            plan[f"{folder.strip('/')}/.gitkeep"] = ""
    return plan


def _describe_missing(name: str, content: str | None) -> str:
    if content is None:
        return f"a line in {ATTRIBUTES_FILE} sending term files to the merge driver"
    if name.endswith("/.gitkeep"):
        return f"the folder {name.rsplit('/', 1)[0]}/"
    return name


def _write(root: Path, plan: dict[str, str | None], config: Config, result: InitResult) -> None:
    for name, content in plan.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if content is None:
            existing = target.read_bytes()
            separator = b"" if not existing or existing.endswith(b"\n") else b"\n"
            atomic_write(target, existing + separator + f"{attributes_line(config)}\n".encode())
        elif target.exists():
            continue  # never overwrite
        else:
            atomic_write(target, content.encode("utf-8"))
        result.written.append(name)
