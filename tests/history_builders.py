"""Building term histories on real repositories: through the tool's transaction, and behind its back.

`tool_commit` writes a term and its review events and commits them as one action, the way the
workflow does (message `ID: summary` with `Term:`/`Action:`/`Status:` trailers, events under
`review_logs/ID/`). `plain_commit` is a user with an editor and `git commit`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from authoring.repo.service import Glossary, commit_message
from authoring.workflow.identity import parse_identity
from authoring.workflow.review_log import Action, ReviewEvent, event_path, term_revision
from tests.conftest import AGENT, git, make_repo

CONFIG = f"""terms_dir = "terms"
modules_dir = "modules"
review_logs_dir = "review_logs"

[people]
agents = ["{AGENT}"]
"""

MODULE = """---
id: MOD-001
title: The Test Module
---

# MOD-001 · The Test Module

## §1 · Looms

The **Tidal Loom** is any system in which a slow, regular driver and a fast,
irregular driver are coupled strongly enough that the slow one sets the pattern.

## §2 · Pressure

We measure the push as **Weft Pressure**: the share of variance the fast driver
contributes inside one period of the slow driver.
"""

SNIPPET_1 = ("The **Tidal Loom** is any system in which a slow, regular driver and a fast, irregular driver\n"
             "are coupled strongly enough that the slow one sets the pattern.")
SNIPPET_2 = "We measure the push as **Weft Pressure**"

LONG_ART = "A shore that weaves, the moon lays the warp, the wind throws the shuttle, and the tide keeps time."


def term_text(term_id: str = "TIDAL_LOOM", status: str = "draft", version: str = "0.1", art: str = "A shore.",
              sources: list[tuple[str, str, str]] | None = None, crosslinks: list[str] | None = None,
              matrix: list[str] | None = None, canonical_id: str | None = None, header_status: str | None = None,
              editors: str = "[Extractive Agent]") -> str:
    """A full term file; `sources` are (module, lines, snippet)."""
    sources = sources if sources is not None else [("MOD-001", "L10-L11", SNIPPET_1)]
    lines = []
    if header_status is not None:
        lines += ["---", f"term: {term_id.title()}", f"canonical_id: {term_id}", f"status: {header_status}",
                  f'version: "{version}"', "---", ""]
    lines += ["---", f"term: {term_id.replace('_', ' ').title()}", f"canonical_id: {canonical_id or term_id}",
              f"status: {status}", f'version: "{version}"', "last_updated: 2026-11-20", "provenance:",
              "  sources:"]
    for module, where, snippet in sources:
        lines += [f"    - module: {module}", f'      lines: "{where}"', "      snippet: |"]
        lines += [f"        {line}" for line in snippet.split("\n")]
    lines += [f"  editors: {editors}", "triad:", f"  art: {art}", "  law: A law.", "  philosophy: A thought.",
              "pirouette_definition: A coupled two-rhythm system.", "operational_definition:",
              "  units: dimensionless", "poetic_connections:",
              "  association_matrix:"]
    lines += [f'    - [ "{target}", 0.5 ]' for target in (matrix or [])]
    lines += ["crosslinks:", f"  near_synonyms: [{', '.join(crosslinks or [])}]", "---", "",
              f"# {term_id}", ""]
    return "\n".join(lines)


def new_glossary(path: Path, terms: dict[str, str] | None = None, module: str = MODULE,
                 config: str = CONFIG) -> Path:
    """A repository with the test module (and any term files) committed as an import."""
    files: dict[str, str | bytes] = {"modules/MOD-001_the_test_module.md": module}
    for term_id, text in (terms or {}).items():
        files[f"terms/{term_id}.md"] = text
    return make_repo(path, files, config)


def event(term_id: str, who: str, action: Action, text: str | None, from_status: str | None = None,
          to_status: str | None = None, version: str | None = None, revision: str | None = None,
          role: str = "editor", note: str | None = None) -> ReviewEvent:
    """A review event; its revision is the content revision of `text` unless given."""
    if revision is None and text is not None:
        revision = _revision_of(text)
    return ReviewEvent(term=term_id, when=dt.datetime.now(dt.UTC), who=who, role=role, action=action,
                       from_status=from_status, to_status=to_status, version=version, revision=revision,
                       note=note)


def _revision_of(text: str) -> str:
    from authoring.core.termfile import load_term

    term = load_term(Path("X.md"), "X.md", data=text.encode())
    revision = term_revision(term)
    assert revision is not None, term.problems
    return revision


def tool_commit(repo: Path, term_id: str, text: str | None, who: str, action: str, summary: str,
                events: Sequence[ReviewEvent] = (), status: str | None = None) -> str:
    """One action through the service's transaction: the term file and its events in one commit."""
    with Glossary.open(repo) as glossary, glossary.transaction() as tx:
        path = glossary.term_path(term_id)
        if text is not None:
            before = path.read_bytes() if path.exists() else None
            tx.write(path, text.encode(), based_on=before)
        for item in events:
            tx.write(event_path(glossary.review_logs_dir, item), item.render().encode(), based_on=None)
        trailers = {"Term": term_id, "Action": action}
        if status:
            trailers["Status"] = status
        return tx.commit(commit_message(term_id, summary, trailers), parse_identity(who))


def plain_commit(repo: Path, files: dict[str, str], message: str, author: str | None = None,
                 *extra: str) -> str:
    """Write files and commit them with plain Git, behind the tool's back."""
    for name, content in files.items():
        target = repo / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        git(repo, "add", name)
    args = ["commit", "--quiet", "-m", message, *extra]
    if author:
        args.append(f"--author={author}")
    git(repo, *args)
    return git(repo, "rev-parse", "HEAD").strip()


def glossary_with_the_module_in_a_second_folder(path: Path, terms: dict[str, str]) -> Path:
    """`new_glossary` whose `modules_dirs` is ["modules", "sources"], with the test module moved (committed)
    into the second folder."""
    repo = new_glossary(path, terms, config=CONFIG.replace('modules_dir = "modules"',
                                                           'modules_dirs = ["modules", "sources"]'))
    (repo / "sources").mkdir()
    git(repo, "mv", "modules/MOD-001_the_test_module.md", "sources/MOD-001_the_test_module.md")
    git(repo, "commit", "--quiet", "-m", "the module moves to the second folder")
    return repo
