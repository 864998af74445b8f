"""`repair --all` plans on every core (a dry run; a writing run plans in its own process): the plans, the
diffs, the summary and the commits are the ones planning in one process gives; a file changed after it was
planned is planned again before it is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from authoring.core.repair import propose
from authoring.core.termfile import load_term
from authoring.repo import repair_pool
from authoring.repo.service import Glossary
from tests.conftest import EDITOR, git, make_repo, run_cli

HEAD = "---\nterm: {name}\ncanonical_id: {id}\nstatus: draft\n"
FAULTS = ("where: Chapter 5: Tides\n", "signals: [A value in [0, 1], often as a series.]\n",
          "symbol: `T_g`\n", "collisions: [Gamma Γ(z), `μ` mass]\n", "ok: fine\n")


@pytest.fixture(autouse=True)
def small_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pool from a dozen files on, in chunks of two (several chunks per worker), so the tests stay small."""
    monkeypatch.setattr(repair_pool, "MIN_FILES", 12)
    monkeypatch.setattr(repair_pool, "CHUNK", 2)


def many_faults(path: Path) -> Path:
    """More broken files than `repair_pool.MIN_FILES` (so a pool plans them), of every fault above, and
    some that parse."""
    files = {}
    for number in range(repair_pool.MIN_FILES + 4):
        term_id = f"TERM_{number:03d}"
        files[f"terms/{term_id}.md"] = (HEAD.format(name=f"Term {number}", id=term_id) + FAULTS[number % len(FAULTS)]
                                        + "---\n# Body\n")
    return make_repo(path, files)


def test_plans_made_in_a_pool_are_the_plans_made_here(tmp_path: Path) -> None:
    repo = many_faults(tmp_path / "g")
    jobs = [(p.stem, str(p), f"terms/{p.name}") for p in sorted((repo / "terms").glob("*.md"))]
    here = [(term_id, plan.to_json()) for term_id, plan in repair_pool.plans(jobs, None, 1)]
    pooled = [(term_id, plan.to_json()) for term_id, plan in repair_pool.plans(jobs, None, 2)]
    assert pooled == here
    assert sum(plan["applicable"] for _, plan in here) >= repair_pool.MIN_FILES  # there was work to share
    kinds = {"quote-value"}
    assert [p.to_json() for _, p in repair_pool.plans(jobs, kinds, 2)] == \
        [propose(load_term(Path(path), display, fast=True), kinds).to_json() for _, path, display in jobs]


@pytest.mark.parametrize("write", [False, True])
def test_repair_all_on_every_core_gives_what_one_process_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               write: bool) -> None:
    outputs = {}
    for workers in ("1", "2"):
        repo = many_faults(tmp_path / f"g{workers}")
        monkeypatch.setenv("AUTHORING_WORKERS", workers)
        args = ["repair", "--all", "--json", "--repo", repo, *(["--write", "--as", EDITOR] if write else [])]
        result = run_cli(*args)
        assert result.code == (0 if write else 1), result.err
        data = json.loads(result.out)
        for found in data["files"]:
            found.pop("commit")  # commit ids differ (time stamps); what they hold is compared below
        files = {p.name: p.read_bytes() for p in sorted((repo / "terms").glob("*.md"))}
        log = git(repo, "log", "--format=%s|%(trailers:key=Repairs,valueonly)", "--", "terms").split("\n")
        outputs[workers] = (data, files, log)
        assert git(repo, "status", "--porcelain") == ""
    assert outputs["2"] == outputs["1"]
    data = outputs["1"][0]
    assert data["written" if write else "repairable"] >= repair_pool.MIN_FILES


def test_a_file_changed_after_its_plan_is_planned_again_before_it_is_written(tmp_path: Path) -> None:
    repo = many_faults(tmp_path / "g")
    path = repo / "terms" / "TERM_000.md"
    with Glossary.open(repo, actor=EDITOR) as glossary:
        from authoring.repo.repair_service import repair_term

        stale = propose(load_term(path, "terms/TERM_000.md", fast=True))
        assert stale.applicable
        # someone fixes one fault by hand and commits, leaving another: the stale plan no longer fits
        path.write_text(HEAD.format(name="Term 0", id="TERM_000") + "where: 'Chapter 5: Tides'\nsymbol: `T`\n"
                        "---\n# Body\n", encoding="utf-8")
        git(repo, "commit", "--quiet", "-am", "by hand")
        result = repair_term(glossary, "TERM_000", True, glossary.actor(), planned=stale)
    assert result.commit is not None
    assert result.plan.before != stale.before and result.plan.kinds == ["quote-value"]
    assert path.read_bytes() == result.plan.after
    assert load_term(path, "terms/TERM_000.md").entry == {"term": "Term 0", "canonical_id": "TERM_000",
                                                           "status": "draft", "where": "Chapter 5: Tides",
                                                           "symbol": "`T`"}
