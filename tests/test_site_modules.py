"""The static site publishes the modules terms cite from every `modules_dirs` folder, and never a file a
symbolic link leads to outside the repository."""

from __future__ import annotations

import os
from pathlib import Path

from tests.conftest import run_cli
from tests.history_builders import MODULE, glossary_with_the_module_in_a_second_folder, new_glossary, term_text


def _module_pages(site: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in (site / "modules").glob("*.html")]


def _site(repo: Path, out: Path) -> Path:
    result = run_cli("--repo", repo, "site", "--output", out, "--status", "draft")
    assert result.code == 0, result.err
    return out


def test_a_module_in_a_second_modules_folder_is_published(tmp_path: Path) -> None:
    repo = glossary_with_the_module_in_a_second_folder(tmp_path / "g", {"TIDAL_LOOM": term_text()})
    [page] = _module_pages(_site(repo, tmp_path / "site"))
    assert "sources/MOD-001_the_test_module.md" in page and "The Test Module" in page


def test_a_module_that_is_a_link_out_of_the_repository_is_not_published(tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text(MODULE.replace("The Test Module", "Private text outside the repository"), encoding="utf-8")
    repo = new_glossary(tmp_path / "g", {"TIDAL_LOOM": term_text()})
    module = repo / "modules" / "MOD-001_the_test_module.md"
    module.unlink()
    os.symlink(secret, module)
    site = _site(repo, tmp_path / "site")
    published = [p.read_text(encoding="utf-8") for p in site.rglob("*.html")]
    assert published and not any("Private text outside the repository" in page for page in published)
