"""Adopting an existing glossary on small upstream-like repositories: finding its layout, one committed
adoption that the audit takes as its baseline, authorship that importing does not give, and the set-up
traps (`list` and `init` on a repository with no configuration, a failed adoption)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import EDITOR, EDITOR_2, ROOT, git, run_cli
from tests.fault_support import install_hook

IMPORTER = "Ivan Importer <ivan@example.org>"
IMPORT_NOISE = {"unreviewed-status", "ratified-without-review", "unreviewed-status-change"}


def _commit_as(repo: Path, who: str, message: str, *paths: str) -> None:
    name, email = who.rstrip(">").split(" <")
    env = {**os.environ, "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name,
           "GIT_COMMITTER_EMAIL": email}
    subprocess.run(["git", "-C", str(repo), "add", "--all", "--", *(paths or (".",))], check=True, env=env)
    subprocess.run(["git", "-C", str(repo), "commit", "--quiet", "-m", message], check=True, env=env)


def _module(title: str, body: str) -> str:
    return f"---\ntitle: {title}\n---\n# {title}\n\n## §1 · Opening\n\n{body}\n"


@pytest.fixture
def upstream(tmp_path: Path) -> Path:
    """A repository laid out like upstream Pirouette, imported in one commit by someone who is not an editor
    of its content, with no configuration: terms in modules/dictionary, modules in modules/ and subfolders."""
    return make_upstream(tmp_path / "pirouette")


def make_upstream(repo: Path) -> Path:
    """The `upstream` fixture's repository, made at `repo`."""
    dictionary = repo / "modules" / "dictionary"
    dictionary.mkdir(parents=True)
    for term in (ROOT / "terms").glob("*.md"):
        (dictionary / term.name).write_bytes(term.read_bytes())
    modules = repo / "modules"
    (modules / "DEMO-001_the_tidal_loom.md").write_bytes((ROOT / "modules" / "DEMO-001_the_tidal_loom.md").read_bytes())
    files = {
        "Volume_5/PPS-019_the_residue_principle.md": _module("Residue Principle", "The **Residue Principle** says"
                                                             " every Tidal Loom leaves a Residue Field."),
        "Volume_5/DEMO-001_the_tidal_loom.md": _module("An older copy", "Shadowed by the top level."),
        "Volume_5/originals/PPS-019_the_residue_principle.md": _module("Original", "An earlier draft."),
        "TLE/TLE-001_the_application_of_entropy.md": _module("Will", "The **Inertia of Being** resists the"
                                                             " Turbulent Will."),
        "rejected_modules/PNS-002_first_stirring.md": _module("Rejected", "Not a source."),
    }
    for name, text in files.items():
        (modules / name).parent.mkdir(parents=True, exist_ok=True)
        (modules / name).write_text(text, encoding="utf-8")
    # over a megabyte: a compiled bundle; its sentence is long enough to be quoted as a context window
    bundle = _module("Bundle", "The Residue Principle holds in every volume of this compiled bundle. " * 16_000)
    (modules / "pirouette_version_6.md").write_text(bundle, encoding="utf-8")
    git(repo.parent, "init", "--quiet", str(repo))
    _commit_as(repo, IMPORTER, "import the glossary")
    return repo


def _audit_codes(repo: Path) -> dict[str, int]:
    result = run_cli("audit", "--repo", repo, "--json")
    assert result.code in (0, 1), result.err
    return json.loads(result.out)["summary"]["by_code"]


def test_adopt_finds_the_layout_commits_the_config_and_the_audit_starts_from_it(upstream: Path) -> None:
    (upstream / "authoring.toml").write_text('terms_dir = "modules/dictionary"\nmodules_dir = "modules"\n',
                                             encoding="utf-8")
    before = _audit_codes(upstream)
    assert before.get("ratified-without-review", 0) + before.get("unreviewed-status", 0) >= 2  # the import noise
    (upstream / "authoring.toml").unlink()

    result = run_cli("adopt", "--repo", upstream, "--as", EDITOR, "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["terms_dir"] == "modules/dictionary"
    assert report["modules_dirs"] == ["modules", "modules/*"]
    assert report["exclude_from_context"] == ["pirouette_version_6.md"]
    assert report["statuses"] == {"draft": 3, "candidate": 1, "ratified": 1}
    assert git(upstream, "status", "--porcelain") == ""  # config, attributes and record: all committed, once
    assert git(upstream, "log", "-1", "--format=%s%n%b").startswith("glossary: adopt 5 terms as found")
    changed = git(upstream, "show", "--name-only", "--format=", "HEAD").split()
    assert changed[:2] == [".gitattributes", "authoring.toml"] and changed[2].startswith("review_logs/_adoption/")

    after = _audit_codes(upstream)
    assert not IMPORT_NOISE & set(after), after
    again = run_cli("adopt", "--repo", upstream, "--as", EDITOR)
    assert again.code == 0 and "already adopted" in again.out
    assert git(upstream, "status", "--porcelain") == ""


def test_a_status_reached_outside_the_workflow_after_adoption_is_still_reported(upstream: Path) -> None:
    assert run_cli("adopt", "--repo", upstream, "--as", EDITOR).code == 0
    path = upstream / "modules" / "dictionary" / "WEFT_PRESSURE.md"
    path.write_text(path.read_text(encoding="utf-8").replace("status: candidate", "status: ratified"),
                    encoding="utf-8")
    _commit_as(upstream, EDITOR_2, "ratify by hand")
    codes = _audit_codes(upstream)
    assert codes.get("unreviewed-status-change") == 1


def test_a_configuration_written_first_is_committed_with_the_adoption(upstream: Path) -> None:
    config = 'terms_dir = "modules/dictionary"\nmodules_dirs = ["modules", "modules/TLE"]\n'
    (upstream / "authoring.toml").write_text(config, encoding="utf-8")
    result = run_cli("init", upstream, "--adopt", "--as", EDITOR, "--json")  # the same command as `adopt`
    assert result.code == 0, result.err
    assert json.loads(result.out)["config_written"] is False
    assert git(upstream, "status", "--porcelain") == ""
    assert git(upstream, "show", "HEAD:authoring.toml") == config


def test_a_failed_adoption_leaves_nothing_staged_and_a_rerun_works(upstream: Path) -> None:
    install_hook(upstream, "pre-commit", "#!/bin/sh\necho 'refused by policy' >&2\nexit 1\n")
    head = git(upstream, "rev-parse", "HEAD")
    failed = run_cli("adopt", "--repo", upstream, "--as", EDITOR)
    assert failed.code != 0 and "Traceback" not in failed.err
    assert git(upstream, "rev-parse", "HEAD") == head
    assert git(upstream, "status", "--porcelain") == ""  # nothing staged, nothing left behind
    (upstream / ".git" / "hooks" / "pre-commit").unlink()
    rerun = run_cli("adopt", "--repo", upstream, "--as", EDITOR)
    assert rerun.code == 0, rerun.err
    assert git(upstream, "status", "--porcelain") == ""
    assert "adopt 5 terms" in git(upstream, "log", "-1", "--format=%s")


def test_adopt_refuses_uncommitted_terms_and_leaves_them_alone(upstream: Path) -> None:
    path = upstream / "modules" / "dictionary" / "KNOT_DRIFT.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    result = run_cli("adopt", "--repo", upstream, "--as", EDITOR)
    assert result.code == 2 and "uncommitted" in result.err
    assert not (upstream / "authoring.toml").exists()
    assert git(upstream, "status", "--porcelain").split() == ["M", "modules/dictionary/KNOT_DRIFT.md"]


def test_list_and_init_without_a_configuration_point_at_adopt(upstream: Path) -> None:
    listed = run_cli("list", "--repo", upstream)
    assert listed.code == 2
    assert "modules/dictionary/ holds 5 term file(s)" in listed.err and "authoring adopt" in listed.err
    init = run_cli("init", upstream, "--json")
    assert init.code == 0, init.err
    report = json.loads(init.out)
    assert "authoring adopt" in report["suggestion"] and "modules/dictionary/" in report["suggestion"]
    assert report["missing"] == []  # the default layout's gaps would mislead
    assert not (upstream / "authoring.toml").exists()


def test_importing_is_not_authoring_and_a_named_editor_is_an_author(upstream: Path) -> None:
    """The importer may approve and ratify imported content; the audit then finds no self-approval. An
    editor the content names (`provenance.editors`) may not approve it: the gate and the audit agree."""
    assert run_cli("adopt", "--repo", upstream, "--as", EDITOR_2).code == 0
    alice = run_cli("review", "WEFT_PRESSURE", "--approve", "--repo", upstream, "--as", EDITOR)
    assert alice.code == 3 and "self-approval" in alice.err and "provenance.editors" in alice.err
    approved = run_cli("review", "WEFT_PRESSURE", "--approve", "--repo", upstream, "--as", IMPORTER)
    assert approved.code == 0, approved.err
    ratified = run_cli("promote", "WEFT_PRESSURE", "--to", "ratified", "--repo", upstream, "--as", EDITOR_2)
    assert ratified.code == 0, ratified.err
    audit = json.loads(run_cli("audit", "--repo", upstream, "--json").out)
    about = {f["code"] for f in audit["findings"] if f["term"] == "WEFT_PRESSURE"}
    assert not about & {"self-approval", "ratification-without-approval", "unreviewed-status-change"}, about


def test_a_content_commit_after_adoption_makes_its_author_an_author_for_the_gate_and_the_audit(
        upstream: Path) -> None:
    assert run_cli("adopt", "--repo", upstream, "--as", EDITOR_2).code == 0
    path = upstream / "modules" / "dictionary" / "WEFT_PRESSURE.md"
    path.write_text(path.read_text(encoding="utf-8").replace("aliases: []", "aliases: [weft load]", 1),
                    encoding="utf-8")
    _commit_as(upstream, IMPORTER, "an alias, by hand")
    refused = run_cli("review", "WEFT_PRESSURE", "--approve", "--repo", upstream, "--as", IMPORTER)
    assert refused.code == 3 and "changed the content in commit" in refused.err
    gates = json.loads(run_cli("gates", "WEFT_PRESSURE", "--repo", upstream, "--as", EDITOR_2, "--json").out)
    assert gates["approvals"]["by_authors"] == []
