"""Drafting a term with the extractive agent: the file, its provenance, the commit, and refusals."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from authoring.core.termfile import load_term
from authoring.errors import GateRefused, ParseError
from authoring.repo.service import Glossary
from authoring.workflow.review_log import load_events
from tests.conftest import AGENT, EDITOR, git, make_repo, run_cli

MODULE = "modules/DEMO-001_the_tidal_loom.md"


def module_lines(repo: Path) -> list[str]:
    return (repo / MODULE).read_text(encoding="utf-8").split("\n")


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


def test_draft_by_lines_writes_one_checked_block_with_exact_provenance(demo_repo: Path) -> None:
    before = head(demo_repo)
    result = run_cli("--repo", demo_repo, "draft", "DEMO-001", "--lines", "L43-L43", "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["term"] == "LOOM_PERIOD" and data["lines"] == "L43-L43" and data["agent"] == "extractive"
    path = demo_repo / "terms" / "LOOM_PERIOD.md"
    term = load_term(path)
    assert term.errors == [] and len(term.split.blocks) == 1  # type: ignore[union-attr]
    entry = term.entry
    assert entry is not None
    assert entry["term"] == "Loom Period" and entry["canonical_id"] == "LOOM_PERIOD"
    assert entry["status"] == "draft" and entry["version"] == "0.1" and entry["parents"] == ["DEMO-001"]
    source = entry["provenance"]["sources"][0]
    assert source == {"module": "DEMO-001", "lines": "L43-L43", "snippet": module_lines(demo_repo)[42] + "\n"}
    assert entry["provenance"]["editors"] == [AGENT]
    assert entry["symbol"] == "T_L"
    assert entry["operational_definition"]["symbol_table"] == [
        {"name": "T_L", "meaning": "the period of the slow driver", "dimensions": "", "default_range": ""}]
    # the extractive agent writes no prose: these stay empty for an editor
    assert entry["triad"] == {"art": "", "law": "", "philosophy": ""} and entry["pirouette_definition"] == ""
    body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    assert body.startswith("# Loom Period\n\n## Canonical (Pirouette)\n")
    assert "## EFT-First Summary" in body and "## Glossary Links" in body
    # one commit holding the term and its draft event, authored by the agent
    assert git(demo_repo, "rev-parse", "HEAD~1").strip() == before
    assert git(demo_repo, "log", "-1", "--format=%an <%ae>").strip() == AGENT
    files = git(demo_repo, "show", "--name-only", "--format=", "HEAD").split()
    assert files[0].startswith("review_logs/LOOM_PERIOD/") and files[1] == "terms/LOOM_PERIOD.md"
    message = git(demo_repo, "log", "-1", "--format=%B")
    assert message.startswith("LOOM_PERIOD: draft from DEMO-001 L43-L43") and "Action: draft" in message
    events, problems = load_events(demo_repo / "review_logs", "LOOM_PERIOD")
    assert problems == [] and len(events) == 1
    assert events[0].action == "draft" and events[0].who == AGENT and events[0].to_status == "draft"
    assert git(demo_repo, "status", "--porcelain") == ""
    assert run_cli("--repo", demo_repo, "check", "LOOM_PERIOD").code == 0


def test_draft_by_section_with_crosslinks_and_context(demo_repo: Path) -> None:
    with Glossary.open(demo_repo) as glossary:
        steps: list[str] = []
        result = glossary.draft("DEMO-001_the_tidal_loom", section="§4", term="Knot Drift", force=True,
                                progress=steps.append)
    assert result.details["replaced"] is True and steps and steps[-1] == "committing"
    entry = load_term(demo_repo / "terms" / "KNOT_DRIFT.md").entry
    assert entry is not None
    source = entry["provenance"]["sources"][0]
    assert source["lines"] == "§4" and source["module"] == "DEMO-001"
    text = (demo_repo / MODULE).read_text(encoding="utf-8")
    assert source["snippet"] in text and source["snippet"].startswith("Small errors in the weave")
    assert entry["crosslinks"]["prerequisites"] == ["SLACK_WATER", "WEFT_PRESSURE"]
    assert entry["crosslinks"]["near_synonyms"] == []
    for window in entry["context_windows"]:
        assert window["excerpt"] in text and "knot drift" in window["excerpt"].lower()
    assert "[Weft Pressure](<./WEFT_PRESSURE.md>)" in (demo_repo / "terms" / "KNOT_DRIFT.md").read_text()


def test_section_default_term_is_what_the_section_coins(demo_repo: Path) -> None:
    # §2 coins Weft Pressure (exists) and tabulates Loom Period (new): the new one is chosen
    result = run_cli("--repo", demo_repo, "draft", "DEMO-001", "--section", "2")
    assert result.code == 0, result.err
    assert (demo_repo / "terms" / "LOOM_PERIOD.md").is_file()


def test_existing_term_is_refused_and_nothing_changes(demo_repo: Path) -> None:
    before = head(demo_repo)
    for args in (["--section", "3", "--term", "Slack Water"], ["--section", "1", "--term", "The Weaving Shore"],
                 ["--section", "4"]):
        result = run_cli("--repo", demo_repo, "draft", "DEMO-001", *args)
        assert result.code == 3, result.err
        assert "exists" in result.err
    assert "already exists (terms/SLACK_WATER.md, status draft)" in run_cli(
        "--repo", demo_repo, "draft", "DEMO-001", "--section", "3", "--term", "Slack Water").err
    assert "The Weaving Shore is an alias of TIDAL_LOOM; TIDAL_LOOM already exists" in run_cli(
        "--repo", demo_repo, "draft", "DEMO-001", "--section", "1", "--term", "The Weaving Shore").err
    assert head(demo_repo) == before and git(demo_repo, "status", "--porcelain") == ""


def test_rejected_term_is_refused_with_the_note(demo_repo: Path) -> None:
    path = demo_repo / "terms" / "SLACK_WATER.md"
    text = path.read_text(encoding="utf-8").replace("status: draft", "status: rejected")
    path.write_text(text, encoding="utf-8")
    event_dir = demo_repo / "review_logs" / "SLACK_WATER"
    event_dir.mkdir(parents=True)
    (event_dir / "20261120T100000000000Z-reject-aaaaaaaa.yaml").write_text(
        "id: aaaaaaaa00000000\nterm: SLACK_WATER\nwhen: '2026-11-20T10:00:00Z'\nwho: Alice Editor"
        " <alice@example.org>\nrole: editor\naction: reject\nfrom_status: draft\nto_status: rejected\n"
        "note: a tide state, not a framework term\n", encoding="utf-8")
    git(demo_repo, "add", "--all")
    git(demo_repo, "commit", "--quiet", "-m", "reject SLACK_WATER")
    before = head(demo_repo)
    result = run_cli("--repo", demo_repo, "draft", "DEMO-001", "--section", "3", "--term", "Slack Water")
    assert result.code == 3
    assert "SLACK_WATER was rejected: a tide state, not a framework term" in result.err
    assert head(demo_repo) == before
    forced = run_cli("--repo", demo_repo, "draft", "DEMO-001", "--section", "3", "--term", "Slack Water",
                     "--force", "--note", "the tide table gives it a framework meaning after all", "--json")
    assert forced.code == 0, forced.err
    assert json.loads(forced.out)["replaced"] is True
    assert load_term(path).entry["status"] == "draft"  # type: ignore[index]


def test_draft_refuses_a_file_edited_outside_the_tool(demo_repo: Path) -> None:
    path = demo_repo / "terms" / "KNOT_DRIFT.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nlocal note\n", encoding="utf-8")
    before = path.read_bytes()
    result = run_cli("--repo", demo_repo, "draft", "DEMO-001", "--section", "4", "--force")
    assert result.code == 4 and "uncommitted changes" in result.err
    assert path.read_bytes() == before
    assert not (demo_repo / "review_logs" / "KNOT_DRIFT").exists()


def test_identity_rules(tmp_path: Path) -> None:
    config = ('[people]\neditors = ["Alice Editor <alice@example.org>"]\n'
              'agents = ["Drafting Bot <bot@example.org>"]\n')
    repo = make_repo(tmp_path / "g", {"modules/DEMO-001_the_tidal_loom.md":
                                      (Path(__file__).parent.parent / MODULE).read_text(encoding="utf-8"),
                                      "terms/.gitkeep": ""}, config)
    # an editor acting requests the draft; the agent authors it (issue 15, item 7)
    requested = run_cli("--repo", repo, "--as", EDITOR, "draft", "DEMO-001", "--section", "4", "--term", "Knot Drift")
    assert requested.code == 0, requested.err
    assert git(repo, "log", "-1", "--format=%an <%ae>").strip() == "Drafting Bot <bot@example.org>"
    assert f"Requested-by: {EDITOR}" in git(repo, "log", "-1", "--format=%B")
    git(repo, "reset", "-q", "--hard", "HEAD~1")
    stranger = run_cli("--repo", repo, "draft", "DEMO-001", "--section", "4", "--as", "Eve <eve@example.org>")
    assert stranger.code == 3 and "not listed in [people] agents" in stranger.err
    ok = run_cli("--repo", repo, "draft", "DEMO-001", "--section", "4")
    assert ok.code == 0, ok.err
    assert git(repo, "log", "-1", "--format=%an <%ae>").strip() == "Drafting Bot <bot@example.org>"
    assert "Requested-by: Test Editor <test-editor@example.org>" in git(repo, "log", "-1", "--format=%B")


def test_usage_errors(demo_repo: Path) -> None:
    both = run_cli("--repo", demo_repo, "draft", "DEMO-001", "--lines", "1-2", "--section", "1")
    assert both.code == 2 and "exactly one of --lines" in both.err
    neither = run_cli("--repo", demo_repo, "draft", "DEMO-001")
    assert neither.code == 2
    agent = run_cli("--repo", demo_repo, "draft", "DEMO-001", "--section", "1", "--agent", "oracle")
    assert agent.code == 2 and "no drafting agent 'oracle'" in agent.err
    with Glossary.open(demo_repo) as glossary, pytest.raises(GateRefused, match="every candidate in §3 exists"):
        glossary.draft("DEMO-001", section="3")


def test_corpus_draft_from_a_non_ascii_module(corpus: Path, tmp_path: Path) -> None:
    # A small repository laid out like upstream (terms in modules/dictionary), with real corpus modules.
    repo = tmp_path / "pirouette"
    (repo / "modules" / "dictionary").mkdir(parents=True)
    for name in ("COSMO-Γ-001_the_early_universe.md", "CORE-013_the_river_of_information.md", "DOMA-036.md"):
        shutil.copy2(corpus / "modules" / name, repo / "modules" / name)
    for name in ("ENTROPY_PUMP.md", "COHERENCE_FLUX.md", "TEMPORAL_PRESSURE.md", "TEMPORAL_FORGE.md", "ENTROPY.md"):
        if (corpus / "dictionary" / name).is_file():
            shutil.copy2(corpus / "dictionary" / name, repo / "modules" / "dictionary" / name)
    make_repo(repo, {}, 'terms_dir = "modules/dictionary"\nmodules_dir = "modules"\n')
    with Glossary.open(repo) as glossary:
        module = glossary.module("COSMO-Γ-001")
        section = module.sections[0]
        result = glossary.draft("COSMO-Γ-001", section=section.number)
        core = glossary.draft("CORE-013", lines="L28-L28", term="Principle of Coherence Degradation")
    entry = load_term(repo / "modules" / "dictionary" / f"{result.term_id}.md").entry
    assert entry is not None and entry["parents"] == ["COSMO-Γ-001"]
    text = (repo / "modules" / "COSMO-Γ-001_the_early_universe.md").read_text(encoding="utf-8")
    assert entry["provenance"]["sources"][0]["snippet"] in text
    core_entry = load_term(repo / "modules" / "dictionary" / "PRINCIPLE_OF_COHERENCE_DEGRADATION.md").entry
    assert core_entry is not None
    source = core_entry["provenance"]["sources"][0]
    module_text = (repo / "modules" / "CORE-013_the_river_of_information.md").read_text(encoding="utf-8")
    assert source["module"] == "CORE-013" and source["lines"] == "L28-L28"
    assert source["snippet"] == module_text.split("\n")[27] + "\n"
    assert core.commit and git(repo, "status", "--porcelain") == ""
    # L35 quotes "vacant energy", an alias of ENTROPY in the corpus: refused. The line names three existing
    # terms, which become the crosslinks of a term drafted from it
    with Glossary.open(repo) as glossary:
        with pytest.raises(GateRefused, match="Vacant Energy is an alias of ENTROPY; ENTROPY already exists"):
            glossary.draft("CORE-013_the_river_of_information", lines="35", term="Vacant Energy")
        glossary.draft("CORE-013_the_river_of_information", lines="35", term="Stable Resonance")
    vacant = load_term(repo / "modules" / "dictionary" / "STABLE_RESONANCE.md")
    assert vacant.errors == [] and vacant.entry is not None
    assert vacant.entry["crosslinks"]["prerequisites"] == ["ENTROPY", "TEMPORAL_PRESSURE", "TEMPORAL_FORGE"]
    assert vacant.entry["provenance"]["sources"][0]["snippet"] == module_text.split("\n")[34] + "\n"


def test_preview_writes_nothing_and_an_edited_preview_is_saved(demo_repo: Path) -> None:
    before = head(demo_repo)
    dry = run_cli("--repo", demo_repo, "draft", "DEMO-001", "--lines", "43", "--dry-run")
    assert dry.code == 0 and dry.out.startswith("---\n# Drafted by extractive agent from DEMO-001 L43-L43.")
    assert head(demo_repo) == before and not (demo_repo / "terms" / "LOOM_PERIOD.md").exists()
    with Glossary.open(demo_repo) as glossary:
        preview = glossary.preview_draft("DEMO-001", lines="43")
        assert preview.term_id == "LOOM_PERIOD" and preview.author.email == "agent@authoring.invalid"
        edited = preview.text.replace('  art: ""', "  art: The slow beat the loom is strung on.")
        broken = preview.text.replace("status: draft", "status: [draft")
        with pytest.raises(ParseError, match="does not pass check"):
            glossary.save_draft(preview, broken)
        assert head(demo_repo) == before
        result = glossary.save_draft(preview, edited)
    assert result.commit and head(demo_repo) != before
    entry = load_term(demo_repo / "terms" / "LOOM_PERIOD.md").entry
    assert entry is not None and entry["triad"]["art"] == "The slow beat the loom is strung on."
    events, _ = load_events(demo_repo / "review_logs", "LOOM_PERIOD")
    assert events[-1].note is not None and events[-1].note.endswith("(edited before saving)")
