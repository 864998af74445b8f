"""The checks others can run: the pre-commit hooks this repository offers, and the CI recipe."""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import EDITOR, ROOT, git

HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
BROKEN = "---\nterm: Broken\ncanonical_id: BROKEN\nsymbol: `B`\nstatus: draft\n---\n\n# Broken\n"


def _hook(hook_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(h for h in HOOKS if h["id"] == hook_id)
    return found


@pytest.fixture
def authoring_on_path(tmp_path: Path) -> dict[str, str]:
    """An environment in which `authoring` runs this checkout, as an installed console script would."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "authoring"
    script.write_text(f"#!/bin/sh\nPYTHONPATH={shlex.quote(str(ROOT))} exec {shlex.quote(sys.executable)}"
                      ' -m authoring "$@"\n', encoding="utf-8")
    script.chmod(0o755)
    env = dict(os.environ)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    return env


@pytest.fixture
def glossary(demo_repo: Path) -> Path:
    """The demo glossary with its one malformed term removed, so that it checks clean."""
    git(demo_repo, "rm", "--quiet", "terms/SHUTTLE_ECHO.md")
    git(demo_repo, "commit", "--quiet", "-m", "drop the malformed demo term")
    return demo_repo


def _run_hook(hook: dict[str, Any], repo: Path, files: list[str],
              env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a hook the way pre-commit does: its entry, its args, then (if it takes them) the matching files."""
    command = shlex.split(hook["entry"]) + list(hook.get("args", []))
    if hook.get("pass_filenames", True):
        command += [f for f in files if re.search(hook["files"], f)]
    return subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, check=False)


def test_the_hooks_manifest_offers_check_and_audit() -> None:
    assert {h["id"]: h["entry"] for h in HOOKS} == {"authoring-check": "authoring check --only-terms",
                                                   "authoring-audit": "authoring audit"}
    assert all(h["language"] == "python" for h in HOOKS)
    assert _hook("authoring-audit")["pass_filenames"] is False


def test_the_check_hook_fails_on_a_broken_term_with_a_located_error(glossary: Path,
                                                                     authoring_on_path: dict[str, str]) -> None:
    hook = _hook("authoring-check")
    (glossary / "terms" / "BROKEN.md").write_text(BROKEN, encoding="utf-8")
    (glossary / "modules" / "NOTES.md").write_text("not a term\n", encoding="utf-8")
    done = _run_hook(hook, glossary, ["terms/BROKEN.md", "modules/NOTES.md", "authoring.toml"], authoring_on_path)
    assert done.returncode == 1
    assert "terms/BROKEN.md:4:9: error: yaml-syntax" in done.stdout
    assert "1 term(s) checked" in done.stdout  # the module is not a term: not checked
    clean = _run_hook(hook, glossary, ["terms/SLACK_WATER.md", "modules/NOTES.md"], authoring_on_path)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    nothing = _run_hook(hook, glossary, ["modules/NOTES.md"], authoring_on_path)
    assert nothing.returncode == 0 and "0 term(s) checked" in nothing.stdout


def test_the_check_hook_catches_a_file_left_with_merge_markers(glossary: Path,
                                                               authoring_on_path: dict[str, str]) -> None:
    path = glossary / "terms" / "SLACK_WATER.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("license: CC-BY-SA-4.0\n", "<<<<<<< ours: license\nlicense: CC0\n=======\n"
                                 "license: MIT\n>>>>>>> theirs: license\n"), encoding="utf-8")
    done = _run_hook(_hook("authoring-check"), glossary, ["terms/SLACK_WATER.md"], authoring_on_path)
    assert done.returncode == 1
    assert "error: merge-conflict: unresolved merge conflict in license" in done.stdout


@pytest.mark.skipif(importlib.util.find_spec("pre_commit") is None, reason="pre-commit is not installed")
def test_pre_commit_runs_the_hooks_and_blocks_a_commit_of_a_broken_term(glossary: Path,
                                                                        authoring_on_path: dict[str, str]) -> None:
    """Real pre-commit, offline: the manifest's hooks as `repo: local` hooks (language `system`, since
    installing this package into pre-commit's own environment would need the network)."""
    hooks = [{**{k: v for k, v in hook.items() if k != "language"}, "language": "system"}
             for hook in HOOKS]
    config = {"repos": [{"repo": "local", "hooks": hooks}]}
    (glossary / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    git(glossary, "add", ".pre-commit-config.yaml")
    git(glossary, "commit", "--quiet", "-m", "pre-commit")
    env = {**authoring_on_path, "PRE_COMMIT_HOME": str(glossary.parent / "pre-commit-home")}
    pre_commit = [sys.executable, "-m", "pre_commit"]
    installed = subprocess.run([*pre_commit, "install"], cwd=glossary, env=env, capture_output=True, text=True,
                               check=False)
    assert installed.returncode == 0, installed.stderr
    (glossary / "terms" / "BROKEN.md").write_text(BROKEN, encoding="utf-8")
    git(glossary, "add", "terms/BROKEN.md")
    refused = subprocess.run(["git", "commit", "-m", "add a broken term", f"--author={EDITOR}"], cwd=glossary,
                             env=env, capture_output=True, text=True, check=False)
    assert refused.returncode != 0
    output = refused.stdout + refused.stderr
    assert "terms/BROKEN.md:4:9: error: yaml-syntax" in output  # the check hook
    assert "terms/BROKEN.md:4: error: yaml-syntax" in output  # the audit hook
    assert git(glossary, "status", "--porcelain", "terms/BROKEN.md").startswith("A")  # nothing committed
    (glossary / "terms" / "BROKEN.md").write_text(BROKEN.replace("`B`", "'`B`'"), encoding="utf-8")
    git(glossary, "add", "terms/BROKEN.md")
    accepted = subprocess.run(["git", "commit", "-m", "add a fixed term", f"--author={EDITOR}"], cwd=glossary,
                              env=env, capture_output=True, text=True, check=False)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    output = accepted.stdout + accepted.stderr
    assert "authoring check" in output and "authoring audit" in output and "Failed" not in output
    assert output.count("Passed") == 2


def test_the_audit_hook_fails_on_an_error_level_finding(glossary: Path, authoring_on_path: dict[str, str]) -> None:
    hook = _hook("authoring-audit")
    done = _run_hook(hook, glossary, ["terms/SLACK_WATER.md"], authoring_on_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 error(s)" in done.stdout
    (glossary / "terms" / "BROKEN.md").write_text(BROKEN, encoding="utf-8")
    failed = _run_hook(hook, glossary, ["terms/BROKEN.md"], authoring_on_path)
    assert failed.returncode == 1
    assert "terms/BROKEN.md:4: error: yaml-syntax" in failed.stdout


def test_the_ci_recipe_runs_audit_on_every_push(glossary: Path, authoring_on_path: dict[str, str]) -> None:
    workflow = yaml.safe_load((ROOT / "docs" / "examples" / "glossary-audit.yml").read_text(encoding="utf-8"))
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads `on` as true
    assert "push" in triggers
    steps = workflow["jobs"]["audit"]["steps"]
    runs = [step["run"] for step in steps if "run" in step]
    assert any(run.strip() == "authoring audit" for run in runs)
    checkout = next(step for step in steps if str(step.get("uses", "")).startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0  # audit reads the whole history
    assert "glossary-audit.yml" in (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    # The recipe's own commands, run in a glossary as the runner would: green, then red on a broken term.
    commands = [shlex.split(run) for run in runs if run.strip().startswith("authoring ")]
    assert [c[:2] for c in commands] == [["authoring", "check"], ["authoring", "audit"]]
    for command in commands:
        assert subprocess.run(command, cwd=glossary, env=authoring_on_path, capture_output=True,
                              check=False).returncode == 0
    (glossary / "terms" / "BROKEN.md").write_text(BROKEN, encoding="utf-8")
    for command in commands:
        assert subprocess.run(command, cwd=glossary, env=authoring_on_path, capture_output=True,
                              check=False).returncode == 1
