"""`fold-headers --all` in one commit, and `set` keeping legacy headers in step with the entry."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import EDITOR, git, run_cli


def _disagreements(repo: Path) -> int:
    data = json.loads(run_cli("check", "--repo", repo, "--code", "header-disagrees", "--json").out)
    return int(data["warnings"])


def test_set_changes_every_block_that_carries_the_field(demo_repo: Path) -> None:
    result = run_cli("set", "TIDAL_LOOM", "aliases", "[The Weaving Shore, Loom of Tides]", "--repo", demo_repo,
                     "--as", EDITOR)
    assert result.code == 0, result.err
    text = (demo_repo / "terms" / "TIDAL_LOOM.md").read_text(encoding="utf-8")
    header, entry = text.split("---\n")[1], text.split("---\n")[3]
    assert 'aliases: ["The Weaving Shore", "Loom of Tides"]' in header or "Loom of Tides" in header
    assert "Loom of Tides" in entry
    assert _disagreements(demo_repo) == 0  # the warning does not come back
    assert git(demo_repo, "status", "--porcelain") == ""


def test_fold_headers_all_folds_every_term_in_one_commit(demo_repo: Path) -> None:
    for name, old, new in (("TIDAL_LOOM", 'symbol: "𝕃_T"', 'symbol: "L_T"'),
                           ("WEFT_PRESSURE", "---\n", "---\nterm: Weft Pressure\nstatus: draft\n---\n\n---\n")):
        path = demo_repo / "terms" / f"{name}.md"
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    git(demo_repo, "commit", "-qam", "headers drift")
    assert _disagreements(demo_repo) >= 1
    head = git(demo_repo, "rev-parse", "HEAD").strip()
    assert run_cli("fold-headers", "--repo", demo_repo).code == 2  # an ID or --all
    result = run_cli("fold-headers", "--all", "--repo", demo_repo, "--as", EDITOR, "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert {"TIDAL_LOOM", "WEFT_PRESSURE"} <= set(report["folded"])
    assert git(demo_repo, "rev-list", "--count", f"{head}..HEAD").strip() == "1"
    changed = git(demo_repo, "show", "--name-only", "--format=", "HEAD").split()
    assert "terms/TIDAL_LOOM.md" in changed and sum(1 for c in changed if c.startswith("review_logs/")) == len(
        report["folded"])
    assert _disagreements(demo_repo) == 0
    assert git(demo_repo, "status", "--porcelain") == ""
    again = run_cli("fold-headers", "--all", "--repo", demo_repo, "--as", EDITOR, "--json")
    assert json.loads(again.out)["commit"] is None
