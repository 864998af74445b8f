"""`authoring adopt` (also `init --adopt`): take an existing glossary repository as it is.

Adoption finds where the repository keeps its terms (`terms/`, upstream's `modules/dictionary/`, or
the folder whose Markdown files look most like term files) and its modules (`modules/`, and
`modules/*` when subfolders hold modules; compiled bundles past `BUNDLE_BYTES` are kept out of
drafts' context windows), writes `authoring.toml` unless the repository has a configuration, adds
the `.gitattributes` line for the merge driver, and records one adoption event
(`workflow.adoption`) accepting the status of every term found — all in **one commit**. A
configuration the user wrote first and has not committed is committed with it. Afterwards `audit`
judges only what happened since.

All or nothing: any failure (a refused hook, a term folder with uncommitted changes, no identity)
leaves files and index exactly as they were, and running it again works. A repository already
adopted is left alone (the result says when and by whom).

Must never: overwrite a file that exists; commit anything but its own files and the configuration;
run Git except through `repo.git`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from authoring.config_file import CONFIG_FILE, ConfigFile, read_config_file
from authoring.core.module_refs import SKIPPED_FOLDERS
from authoring.errors import UsageError
from authoring.workflow.adoption import ADOPTION_FOLDER, AdoptionRecord, parse_adoption
from authoring.workflow.identity import Identity

if TYPE_CHECKING:
    from authoring.repo.service import Glossary

BUNDLE_BYTES = 1_000_000
"""A module this large is a compiled bundle (a whole book), not a source to quote as context."""
TERM_FOLDER_GUESSES = ("terms", "modules/dictionary", "dictionary", "glossary")
"""Where term files usually are, tried first and in this order."""
_SAMPLE = 12  # term-like files looked at per folder
_SCAN_DEPTH = 3

CONFIG_TEMPLATE = """\
# The glossary's configuration (read by `authoring`), written by `authoring adopt`.
terms_dir = "{terms_dir}"
# Module folders, highest precedence first: a file stem found twice is the first folder's.
# Folders named originals/ or rejected_modules/ are read only when listed here themselves.
modules_dirs = [{modules_dirs}]
review_logs_dir = "{review_logs_dir}"
# Modules that drafts never quote as context windows (compiled bundles); they can still be cited.
exclude_from_context = [{exclude_from_context}]

[people]
# With no editors listed, every human identity is an editor. Agents may draft, edit and comment only.
# editors = ["Alice Editor <alice@example.org>"]
# agents = ["Extractive Agent <agent@authoring.invalid>"]

[policy]
approvals_to_ratify = 1
"""


@dataclass
class DetectedLayout:
    """Where an existing repository keeps its glossary, as adoption found it."""

    terms_dir: str | None
    """The terms folder (None: none found)."""
    modules_dirs: list[str] = field(default_factory=lambda: ["modules"])
    """Module folders and globs, highest precedence first."""
    review_logs_dir: str = "review_logs"
    exclude_from_context: list[str] = field(default_factory=list)
    """Module files that are compiled bundles."""
    term_files: int = 0
    """How many term-like files the terms folder holds."""

    def config_text(self) -> str:
        """The `authoring.toml` adoption writes."""
        def items(values: list[str]) -> str:
            return ", ".join(f'"{v}"' for v in values)

        return CONFIG_TEMPLATE.format(terms_dir=self.terms_dir, modules_dirs=items(self.modules_dirs),
                                      review_logs_dir=self.review_logs_dir,
                                      exclude_from_context=items(self.exclude_from_context))


def _looks_like_term(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(4096).decode("utf-8", errors="replace")
    except OSError:
        return False
    return head.lstrip("\ufeff").startswith("---") and ("canonical_id:" in head or "\nterm:" in head)


def _term_like(folder: Path) -> int:
    """How many of a sample of the folder's `*.md` files look like term files (scaled to the folder)."""
    files = sorted(p for p in folder.glob("*.md") if p.is_file())
    if not files:
        return 0
    sample = files[:_SAMPLE]
    hits = sum(1 for p in sample if _looks_like_term(p))
    return round(len(files) * hits / len(sample)) if hits * 2 > len(sample) else 0


def _folders(root: Path, depth: int) -> Iterator[Path]:
    """Folders under `root` down to `depth`, hidden ones (`.git`) skipped."""
    for entry in sorted(root.iterdir()) if root.is_dir() else []:
        if entry.is_dir() and not entry.name.startswith(".") and not entry.is_symlink():
            yield entry
            if depth > 1:
                yield from _folders(entry, depth - 1)


def find_terms_dir(root: Path) -> tuple[str | None, int]:
    """The folder holding the glossary's term files, and how many it holds (None, 0 when none)."""
    for guess in TERM_FOLDER_GUESSES:
        count = _term_like(root / guess)
        if count:
            return guess, count
    best: tuple[int, str] | None = None
    for folder in _folders(root, _SCAN_DEPTH):
        count = _term_like(folder)
        if count and (best is None or count > best[0]):
            best = (count, folder.relative_to(root).as_posix())
    return (best[1], best[0]) if best else (None, 0)


def detect_layout(root: Path, terms_dir: str | None = None) -> DetectedLayout:
    """Where the glossary's terms and modules are (see the module's doc)."""
    count = 0
    if terms_dir is None:
        terms_dir, count = find_terms_dir(root)
    layout = DetectedLayout(terms_dir, term_files=count)
    modules = root / "modules"
    if modules.is_dir():
        terms = (root / terms_dir).resolve() if terms_dir else None
        subfolders = [p for p in modules.iterdir() if p.is_dir() and not p.name.startswith(".")
                      and p.name not in SKIPPED_FOLDERS and p.resolve() != terms and any(p.glob("*.md"))]
        if subfolders:
            layout.modules_dirs = ["modules", "modules/*"]
        bundles = [p for p in [*modules.glob("*.md"), *(f for s in subfolders for f in s.glob("*.md"))]
                   if p.is_file() and p.stat().st_size > BUNDLE_BYTES]
        layout.exclude_from_context = sorted({p.name for p in bundles})
    return layout


@dataclass
class AdoptResult:
    """What adoption did."""

    root: Path
    terms_dir: str
    config_written: bool = False
    """True when adoption wrote `authoring.toml`; False when the repository had a configuration."""
    written: list[str] = field(default_factory=list)
    """Files the adoption commit holds (relative to the root)."""
    commit: str | None = None
    statuses: dict[str, int] = field(default_factory=dict)
    """How many terms were adopted at each status."""
    already: str | None = None
    """When the repository was adopted before: that record's file (nothing was done)."""
    modules_dirs: list[str] = field(default_factory=list)
    exclude_from_context: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Stable keys for `--json`."""
        return {"root": str(self.root), "terms_dir": self.terms_dir, "config_written": self.config_written,
                "written": self.written, "commit": self.commit, "statuses": self.statuses,
                "already_adopted": self.already, "modules_dirs": self.modules_dirs,
                "exclude_from_context": self.exclude_from_context}

    def describe(self) -> str:
        """The human summary."""
        if self.already:
            return (f"{self.root} is already adopted ({self.already}); nothing to do. `authoring audit` judges what"
                    " happened since.")
        counts = ", ".join(f"{n} {status}" for status, n in sorted(self.statuses.items())) or "no terms"
        lines = [f"Adopted the glossary in {self.root}: {sum(self.statuses.values())} terms in {self.terms_dir}/"
                 f" ({counts}) accepted as found",
                 f"  modules from: {', '.join(self.modules_dirs)}"]
        if self.exclude_from_context:
            lines.append(f"  kept out of drafts' context: {', '.join(self.exclude_from_context)}")
        lines.append(f"  committed {', '.join(self.written)}" + (f" (commit {self.commit[:8]})" if self.commit else ""))
        lines.append("  next: `authoring audit --severity error` shows what needs a person; `authoring` opens the UI")
        return "\n".join(lines)


def terms_hint(root: Path, terms_dir: str, has_config: bool) -> str | None:
    """Why a repository shows no terms, and what to do, when that is likely a set-up slip (None when the
    terms folder exists and there is no term file elsewhere to point at)."""
    folder = root / terms_dir
    found, count = (None, 0) if has_config else find_terms_dir(root)
    if found is not None and found != terms_dir:
        return (f"no terms in {terms_dir}/, but {found}/ holds {count} term file(s): run `authoring adopt` to write"
                " and commit a configuration for this repository")
    if not folder.is_dir():
        where = "the configuration names" if has_config else "the default terms folder is"
        return (f"no terms: {where} {terms_dir}/, which does not exist here; set terms_dir in authoring.toml,"
                " or run `authoring adopt` in an existing glossary (`authoring init` makes a new one)")
    return None


def terms_changed_since(glossary: Glossary, rev: str | None = None) -> list[str] | None:
    """Ids of the terms whose files changed after `rev` (default: the newest adoption commit), committed
    or not. None (every term) when no revision is given and the repository was never adopted: all of
    its history is the tool's own, so everything is "since"."""
    from authoring.repo.authorship_history import adoption_commit

    base = rev or adoption_commit(glossary)
    if base is None:
        return None
    git = glossary.git
    resolved = git.resolve(base)
    if resolved is None:
        raise UsageError(f"--since {base!r} names no commit")
    base = resolved
    terms = git.relative(glossary.terms_dir)
    changed = {Path(change.path).stem for commit in git.log([terms + "/"], rev=f"{base}..HEAD")
               for change in commit.changes if change.path.startswith(terms + "/") and change.path.endswith(".md")}
    changed.update(Path(name).stem for name in git.status_of([glossary.terms_dir]) if name.endswith(".md"))
    return sorted(changed)


def existing_adoption(review_logs_dir: Path) -> Path | None:
    """The newest readable adoption record in the review logs, if any."""
    folder = review_logs_dir / ADOPTION_FOLDER
    for path in sorted(folder.glob("*.yaml"), reverse=True) if folder.is_dir() else []:
        if isinstance(parse_adoption(path.read_text(encoding="utf-8", errors="replace"), path.name), AdoptionRecord):
            return path
    return None


def adopt(root: Path, actor: Identity | None, terms_dir: str | None = None, note: str | None = None) -> AdoptResult:
    """Adopt the repository at `root` (a Git work tree) as it stands; see the module's doc."""
    from authoring.repo.clone_setup import attributes_line, attributes_plan
    from authoring.repo.service import Glossary, commit_message

    found = read_config_file(root)
    config_written = found.table is None
    if config_written:
        layout = detect_layout(root, terms_dir)
        if layout.terms_dir is None:
            raise UsageError(f"no term files found in {root} (looked in {', '.join(TERM_FOLDER_GUESSES)} and folders"
                             f" {_SCAN_DEPTH} deep): pass --terms-dir PATH")
        config_text = layout.config_text()
        config_file = ConfigFile(tomllib.loads(config_text), root / CONFIG_FILE)
    else:
        if terms_dir is not None:
            raise UsageError(f"{found.path.name} already names the terms folder; edit it there rather than with"
                             " --terms-dir")
        config_text = None
        config_file = found
    glossary = Glossary(root, config_file, actor)
    try:
        config = glossary.check_config()
        result = AdoptResult(root, config.terms_dir, config_written,
                             modules_dirs=list(glossary.module_sources.dirs),
                             exclude_from_context=list(glossary.module_sources.exclude_from_context))
        previous = existing_adoption(glossary.review_logs_dir)
        if previous is not None:
            result.already = glossary.display(previous)
            return result
        who = glossary.actor()  # no identity: refused before anything is written
        dirty = glossary.git.status_of([glossary.terms_dir])
        if dirty:
            raise UsageError(f"{len(dirty)} file(s) in {config.terms_dir}/ have uncommitted changes"
                             f" ({', '.join(sorted(dirty)[:3])}…): adoption accepts committed terms; commit or"
                             " stash them first")
        statuses = {s.id: s.status or "draft" for s in glossary.summaries()}
        record = AdoptionRecord(when=glossary.clock.now(), who=str(who), base=glossary.git.head(), note=note,
                                statuses=statuses)
        record_path = glossary.review_logs_dir / ADOPTION_FOLDER / record.file_name()
        with glossary.transaction() as tx:
            writes: list[tuple[Path, bytes | None, bytes | None, bool]] = []
            if config_text is not None:
                writes.append((root / CONFIG_FILE, config_text.encode("utf-8"), None, False))
            attributes = attributes_plan(root, attributes_line(config))
            if attributes is not None:
                writes.append(attributes)
            writes.append((record_path, record.render().encode("utf-8"), None, True))
            tx.write_many(writes)
            if not config_written and glossary.git.status_of([found.path]):
                tx.include(found.path)  # the configuration the user wrote first, not yet committed
            summary = f"adopt {len(statuses)} term{'' if len(statuses) == 1 else 's'} as found"
            trailers = {"Action": "adopt", "Terms": str(len(statuses))}
            written = [glossary.display(w.path) for w in tx.writes]  # the commit forgets its changes
            result.commit = tx.commit(commit_message("glossary", summary, trailers), who)
            result.written = written
        for status in statuses.values():
            result.statuses[status] = result.statuses.get(status, 0) + 1
        return result
    finally:
        glossary.close()

