"""The layers hold: the core, workflow and drafting import neither a UI nor Git, and `check` never loads Textual.

Each check runs in a fresh interpreter and looks at `sys.modules`, so an import anywhere down the chain
(not just in the module's own text) is caught.
"""

from __future__ import annotations

import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import authoring.core
import authoring.drafting
import authoring.workflow
from tests.conftest import ROOT

FORBIDDEN = ("textual", "rich", "git", "authoring.repo", "authoring.cli", "authoring.tui")


def modules_of(package: object) -> list[str]:
    path = package.__path__  # type: ignore[attr-defined]
    name = package.__name__  # type: ignore[attr-defined]
    return [name] + [f"{name}.{info.name}" for info in pkgutil.walk_packages(path) if not info.name.startswith("_")]


def loaded_after(code: str) -> set[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
                          capture_output=True, text=True, env=env, cwd=ROOT, check=True, timeout=120)
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def offending(loaded: set[str]) -> list[str]:
    return sorted(m for m in loaded if any(m == f or m.startswith(f + ".") for f in FORBIDDEN))


def test_the_core_workflow_and_drafting_import_neither_textual_nor_git() -> None:
    names = modules_of(authoring.core) + modules_of(authoring.workflow) + modules_of(authoring.drafting)
    assert "authoring.core.roundtrip" in names and "authoring.core.repair" in names
    loaded = loaded_after("\n".join(f"import {name}" for name in names))
    assert set(names) <= loaded
    assert offending(loaded) == []


def test_the_probe_would_see_a_forbidden_import() -> None:
    # the check above is only worth something if importing Git or Textual does show up this way
    assert offending(loaded_after("import git\nimport textual.app")) != []


def test_check_does_not_import_textual(demo_repo: Path) -> None:
    code = ("from authoring.cli.app import main\n"
            f"try:\n    main(['check', '--repo', {str(demo_repo)!r}])\nexcept SystemExit:\n    pass\n")
    loaded = loaded_after(code)
    assert "authoring.repo.service" in loaded  # the command did run
    assert sorted(m for m in loaded if m == "textual" or m.startswith("textual.")) == []


def test_the_ui_starts_without_typer_pydantic_deepdiff_or_gitpython(demo_repo: Path) -> None:
    # What `authoring` with no command loads before the term list shows: the entry point, the service
    # opened on a repository as the UI opens it, its cached summaries, and the UI's modules. Typer,
    # pydantic (the configuration's schema), deepdiff (which brings numpy) and GitPython cost a tenth
    # of a second or more each and are needed later.
    code = ("import authoring.cli.main\n"
            "from authoring.repo.service import Glossary\n"
            "import authoring.tui.app\n"
            f"glossary = Glossary.open(__import__('pathlib').Path({str(demo_repo)!r}), check_config=False)\n"
            "glossary.cached_summaries(glossary.term_ids())\n")
    loaded = loaded_after(code)
    assert {"authoring.tui.app", "authoring.repo.service", "textual.app"} <= loaded  # it did load the UI
    heavy = ("typer", "pydantic", "deepdiff", "numpy", "git")
    assert sorted(m for m in loaded if any(m == h or m.startswith(h + ".") for h in heavy)) == []
