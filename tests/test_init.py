"""`authoring init`: a new glossary repository, one more clone of an existing one, the upstream layout."""

from __future__ import annotations

import json
import os
import shlex
import sys
from pathlib import Path

from tests.conftest import EDITOR, ROOT, git, make_repo, run_cli

DRIVER_SUFFIX = "from authoring.repo.merge_driver import run; run()' %O %A %B %P"


def _driver(repo: Path) -> str:
    return git(repo, "config", "--local", "--get", "merge.authoring-term.driver").strip()


def _tree(repo: Path) -> dict[str, bytes]:
    return {p.relative_to(repo).as_posix(): p.read_bytes() for p in sorted(repo.rglob("*"))
            if p.is_file() and ".git" not in p.relative_to(repo).parts}


def test_init_creates_a_glossary_repository_with_one_commit(tmp_path: Path) -> None:
    repo = tmp_path / "glossary"
    result = run_cli("init", repo, "--as", EDITOR, "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["created"] is True
    assert sorted(report["written"]) == [".gitattributes", "authoring.toml", "modules/.gitkeep",
                                         "review_logs/.gitkeep", "terms/.gitkeep"]
    assert (repo / ".gitattributes").read_text().splitlines()[-1] == "terms/*.md merge=authoring-term"
    assert git(repo, "log", "--format=%an <%ae>|%s").strip() == f"{EDITOR}|glossary: set up the authoring glossary"
    assert git(repo, "status", "--porcelain") == ""
    # The driver runs this very interpreter by absolute path, so `authoring` need not be on PATH.
    driver = _driver(repo)
    assert driver.startswith(f"{shlex.quote(sys.executable)} -S -P -c ") and driver.endswith(DRIVER_SUFFIX)
    assert str(ROOT) in driver  # this checkout's `authoring`, whichever way it is installed
    assert Path(sys.executable).is_absolute()
    assert "field-level merge" in git(repo, "config", "--local", "--get", "merge.authoring-term.name")
    assert git(repo, "check-attr", "merge", "terms/ANY_TERM.md").strip().endswith("merge: authoring-term")
    listed = run_cli("list", "--repo", repo)
    assert listed.code == 0 and listed.out.strip() == "no terms"


def test_init_again_changes_nothing(tmp_path: Path) -> None:
    repo = tmp_path / "glossary"
    assert run_cli("init", repo, "--as", EDITOR).code == 0
    head, files, config = git(repo, "rev-parse", "HEAD"), _tree(repo), (repo / ".git" / "config").read_bytes()
    again = run_cli("init", repo, "--json")
    assert again.code == 0, again.err
    report = json.loads(again.out)
    assert report["written"] == [] and report["configured"] == {} and report["missing"] == []
    assert git(repo, "rev-parse", "HEAD") == head
    assert _tree(repo) == files
    assert (repo / ".git" / "config").read_bytes() == config


def test_init_on_a_fresh_clone_installs_only_the_clone_configuration(tmp_path: Path) -> None:
    seed = tmp_path / "seed"
    assert run_cli("init", seed, "--as", EDITOR).code == 0
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "--quiet", "--bare", str(seed), str(origin))
    mine = tmp_path / "mine"
    git(tmp_path, "clone", "--quiet", str(origin), str(mine))
    assert git(mine, "config", "--local", "--get", "merge.authoring-term.driver", check=False) == ""
    head, files = git(mine, "rev-parse", "HEAD"), _tree(mine)
    result = run_cli("init", "--repo", mine)
    assert result.code == 0, result.err
    assert "installed the merge driver in .git/config" in result.out
    assert _driver(mine).endswith(DRIVER_SUFFIX)
    assert git(mine, "rev-parse", "HEAD") == head and _tree(mine) == files
    assert git(mine, "status", "--porcelain") == ""


def test_init_on_an_unprepared_repository_reports_what_is_missing_and_adopt_adds_it(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "pirouette", {"modules/dictionary/FLUX.md": "---\nterm: Flux\n---\n",
                                               "modules/CORE-001.md": "# Core\n", ".gitattributes": "*.png binary\n"},
                     config='terms_dir = "modules/dictionary"\nmodules_dir = "modules"\n')
    head, files = git(repo, "rev-parse", "HEAD"), _tree(repo)
    plain = run_cli("init", repo, "--json")
    assert plain.code == 0, plain.err
    report = json.loads(plain.out)
    assert report["written"] == [] and report["commit"] is None
    assert report["missing"] == ["a line in .gitattributes sending term files to the merge driver",
                                 "the folder review_logs/"]
    assert git(repo, "rev-parse", "HEAD") == head and _tree(repo) == files
    adopted = run_cli("init", repo, "--adopt", "--as", EDITOR, "--json")
    assert adopted.code == 0, adopted.err
    report = json.loads(adopted.out)
    # `init --adopt` is `adopt`: the attributes line and one adoption record, in one commit.
    assert report["written"][0] == ".gitattributes" and len(report["written"]) == 2
    assert report["written"][1].startswith("review_logs/_adoption/") and report["statuses"] == {"draft": 1}
    # The existing attributes survive; the new line follows the configured terms directory.
    assert (repo / ".gitattributes").read_text() == "*.png binary\nmodules/dictionary/*.md merge=authoring-term\n"
    assert (repo / "authoring.toml").read_bytes() == files["authoring.toml"]
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "log", "-1", "--format=%s").strip() == "glossary: adopt 1 term as found"


def test_init_of_a_new_upstream_layout_uses_the_given_terms_dir(tmp_path: Path) -> None:
    repo = tmp_path / "upstream"
    result = run_cli("init", repo, "--terms-dir", "modules/dictionary", "--as", EDITOR)
    assert result.code == 0, result.err
    assert 'terms_dir = "modules/dictionary"' in (repo / "authoring.toml").read_text()
    assert "modules/dictionary/*.md merge=authoring-term" in (repo / ".gitattributes").read_text()
    assert (repo / "modules" / "dictionary" / ".gitkeep").is_file()


def test_init_inside_a_repository_but_not_at_its_top_is_a_usage_error(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "g", {"terms/.gitkeep": ""})
    result = run_cli("init", repo / "terms")
    assert result.code == 2
    assert "is inside the Git repository" in result.err and "Traceback" not in result.err


def test_init_without_an_identity_for_the_first_commit_says_how_to_give_one(tmp_path: Path) -> None:
    home = Path(os.environ["HOME"])
    (home / ".gitconfig").write_text("[init]\n\tdefaultBranch = main\n", encoding="utf-8")
    result = run_cli("init", tmp_path / "g")
    assert result.code == 2
    assert "--as" in result.err and "Traceback" not in result.err
    assert not (tmp_path / "g").exists()  # nothing half made
