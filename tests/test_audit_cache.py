"""The audit's persistent cache: served only while nothing the audit reads has changed, and then equal to
a fresh audit; any change to terms, events, modules, config or history gives a fresh audit."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from authoring.repo.audit_cache import AuditCache, cached_audit
from authoring.repo.service import Glossary
from authoring.workflow.review_log import Action, event_path
from tests.conftest import AGENT, EDITOR, git, run_cli
from tests.history_builders import CONFIG, SNIPPET_1, event, new_glossary, plain_commit, term_text, tool_commit

SOURCES = [("MOD-001", "L10-L11", SNIPPET_1)]


def _glossary(tmp_path: Path) -> Path:
    repo = new_glossary(tmp_path / "g")
    draft = term_text("TIDAL_LOOM", sources=SOURCES, crosslinks=["WEFT_PRESSURE"])
    tool_commit(repo, "TIDAL_LOOM", draft, AGENT, "draft", "draft", [
        event("TIDAL_LOOM", AGENT, Action.DRAFT, draft, None, "draft", "0.1", role="agent")], status="draft")
    return repo


def _audit(repo: Path, require_signed: bool = False) -> tuple[dict[str, object], bool]:
    with Glossary.open(repo) as glossary:
        report, cached = cached_audit(glossary, require_signed)
        fresh = glossary.audit(require_signed=require_signed)
    # whatever the cache served is what an audit of the repository as it stands finds
    assert report.model_dump(mode="json") == fresh.model_dump(mode="json")
    return report.model_dump(mode="json"), cached


def _edit_term(repo: Path) -> None:
    path = repo / "terms" / "TIDAL_LOOM.md"
    path.write_text(path.read_text().replace("A shore.", "A shore, edited."))


def _commit_term(repo: Path) -> None:
    plain_commit(repo, {"terms/TIDAL_LOOM.md": term_text("TIDAL_LOOM", status="candidate", sources=SOURCES)},
                 "behind the tool's back")


def _new_term(repo: Path) -> None:
    (repo / "terms" / "WEFT_PRESSURE.md").write_text(term_text("WEFT_PRESSURE"))  # untracked: the link resolves


def _remove_term(repo: Path) -> None:
    (repo / "terms" / "TIDAL_LOOM.md").unlink()


def _new_event(repo: Path) -> None:
    note = event("TIDAL_LOOM", EDITOR, Action.COMMENT, None, note="an uncommitted comment")
    path = event_path(repo / "review_logs", note)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(note.render())


def _edit_event(repo: Path) -> None:
    path = next((repo / "review_logs" / "TIDAL_LOOM").glob("*.yaml"))
    path.write_text(path.read_text() + "\n# touched\n")


def _edit_module(repo: Path) -> None:
    path = repo / "modules" / "MOD-001_the_test_module.md"
    path.write_text(path.read_text().replace("slow, regular driver", "slow driver"))


def _new_module(repo: Path) -> None:
    (repo / "modules" / "MOD-002_another.md").write_text("---\nid: MOD-002\ntitle: Another\n---\n\nText.\n")


def _nested_module(repo: Path) -> None:
    (repo / "modules" / "sub").mkdir()
    (repo / "modules" / "sub" / "MOD-003_nested.md").write_text("---\nid: MOD-003\ntitle: Nested\n---\n\nText.\n")


def _staged_term(repo: Path) -> None:
    _edit_term(repo)
    git(repo, "add", "terms/TIDAL_LOOM.md")  # the index and the work tree agree; HEAD does not


def _pyproject_config(repo: Path) -> None:
    (repo / "pyproject.toml").write_text("[tool.authoring.policy]\napprovals_to_ratify = 2\n")


def _edit_config(repo: Path) -> None:
    (repo / "authoring.toml").write_text(CONFIG + "\n[policy]\napprovals_to_ratify = 2\n")


def _ignored_term(repo: Path) -> None:
    (repo / ".git" / "info").mkdir(exist_ok=True)
    (repo / ".git" / "info" / "exclude").write_text("terms/HIDDEN.md\n")
    (repo / "terms" / "HIDDEN.md").write_text(term_text("HIDDEN"))


def _empty_commit(repo: Path) -> None:
    git(repo, "commit", "--quiet", "--allow-empty", "-m", "nothing but history")


def _removed_event(repo: Path) -> None:
    next((repo / "review_logs" / "TIDAL_LOOM").glob("*.yaml")).unlink()


def _removed_module(repo: Path) -> None:
    (repo / "modules" / "MOD-001_the_test_module.md").unlink()


def _moved_trusted_base(repo: Path) -> None:
    git(repo, "branch", "--force", "trusted", "HEAD~1")  # a fetch that moves the base the policy is read from


CHANGES: dict[str, Callable[[Path], None]] = {
    "a term edited in the work tree": _edit_term,
    "a term changed in a commit": _commit_term,
    "a new term": _new_term,
    "a term removed": _remove_term,
    "a new review event": _new_event,
    "a review event edited": _edit_event,
    "a module edited": _edit_module,
    "a new module": _new_module,
    "a new module in a subfolder": _nested_module,
    "a term edited and staged": _staged_term,
    "configuration in pyproject.toml": _pyproject_config,
    "the configuration": _edit_config,
    "a term Git ignores": _ignored_term,
    "a new commit and nothing else": _empty_commit,
    "a review event removed": _removed_event,
    "a module removed": _removed_module,
    "the trusted base moved": _moved_trusted_base,
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_any_change_to_what_the_audit_reads_gives_a_fresh_audit(change: str, tmp_path: Path) -> None:
    repo = _glossary(tmp_path)
    if CHANGES[change] is _moved_trusted_base:  # policy, people and signers read from a named base
        _edit_config(repo)
        config = repo / "authoring.toml"
        config.write_text(config.read_text() + "\n[audit]\ntrusted_base = \"trusted\"\n")
        git(repo, "add", "authoring.toml")
        git(repo, "commit", "--quiet", "-m", "trust a branch")
        git(repo, "branch", "trusted")
    first, cached = _audit(repo)
    assert not cached
    again, cached = _audit(repo)
    assert cached and again == first
    CHANGES[change](repo)
    _after, cached = _audit(repo)
    assert not cached, change
    _, cached = _audit(repo)
    assert cached  # and the fresh report is kept for next time


def test_a_changed_module_changes_the_findings_served(tmp_path: Path) -> None:
    repo = _glossary(tmp_path)
    before, _ = _audit(repo)
    _edit_module(repo)
    after, _ = _audit(repo)
    codes = [[f["code"] for f in r["findings"]] for r in (before, after)]  # type: ignore[union-attr]
    assert "snippet-found" in codes[0] and "snippet-missing" not in codes[0]
    assert "snippet-missing" in codes[1] or "snippet-found" not in codes[1]


def test_require_signed_is_cached_apart_and_a_damaged_store_is_ignored(tmp_path: Path) -> None:
    repo = _glossary(tmp_path)
    _audit(repo)
    with Glossary.open(repo) as glossary:
        store = AuditCache(glossary).path
        assert cached_audit(glossary)[1]
        with pytest.raises(Exception, match="allowed-signers"):
            cached_audit(glossary, require_signed=True)  # refused as before: nothing to cache
        store.write_bytes(b"{not json")
        assert not cached_audit(glossary)[1]
        assert cached_audit(glossary)[1]
        store.write_text(json.dumps({"format": 999, "reports": {}}))
        assert not cached_audit(glossary)[1]


def test_the_cli_reuses_the_report_and_no_cache_audits_afresh(tmp_path: Path) -> None:
    repo = _glossary(tmp_path)
    first = run_cli("audit", "--repo", repo, "--json")
    with Glossary.open(repo) as glossary:
        assert AuditCache(glossary).path.is_file()
    second = run_cli("audit", "--repo", repo, "--json")
    fresh = run_cli("audit", "--repo", repo, "--json", "--no-cache")
    assert first.code == second.code == fresh.code and first.out == second.out == fresh.out


def test_a_module_in_a_second_module_folder_counts(tmp_path: Path) -> None:
    """`modules_dirs` may name folders beside `modules_dir`: their modules are read, so they are keyed."""
    repo = _glossary(tmp_path)
    folders = 'modules_dirs = ["modules", "sources/*"]'
    (repo / "authoring.toml").write_text(CONFIG.replace('modules_dir = "modules"', folders))
    (repo / "sources" / "old").mkdir(parents=True)
    module = repo / "sources" / "old" / "MOD-002_another.md"
    module.write_text("---\nid: MOD-002\ntitle: Another\n---\n\nThe loom stands still.\n")
    cited = term_text("WEFT_PRESSURE", sources=[("MOD-002", "L6", "The loom stands still.")])
    (repo / "terms" / "WEFT_PRESSURE.md").write_text(cited)
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "-m", "a second module folder")
    before, cached = _audit(repo)
    assert not cached and _audit(repo)[1]
    module.write_text(module.read_text().replace("stands still", "moves"))
    after, cached = _audit(repo)
    assert not cached and after != before
    (repo / "sources" / "new").mkdir()
    (repo / "sources" / "new" / "MOD-003_third.md").write_text("---\nid: MOD-003\ntitle: Third\n---\n\nText.\n")
    assert not _audit(repo)[1]  # a new folder the glob matches
