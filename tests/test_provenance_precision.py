"""Precise provenance and crosslinks on small real repositories: snippet matching as a reader compares,
found / moved / changed / missing told apart, `relocate` as a reviewed commit, crosslinks resolved by
declared id, name and near miss, and `wanted`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from authoring.core.crosslinks import KnownTerm, Resolver, links
from authoring.core.snippets import SnippetIndex, normalise, snippet_in
from authoring.core.termfile import load_term
from authoring.workflow.review_log import Action, load_events, term_revision
from tests.conftest import EDITOR, git, run_cli
from tests.history_builders import (
    MODULE,
    SNIPPET_1,
    glossary_with_the_module_in_a_second_folder,
    new_glossary,
    plain_commit,
    term_text,
)


def _audit(repo: Path) -> dict[str, list[dict[str, Any]]]:
    result = run_cli("audit", "--repo", repo, "--json")
    assert result.code in (0, 1), result.err
    found: dict[str, list[dict[str, Any]]] = {}
    for finding in json.loads(result.out)["findings"]:
        found.setdefault(finding["code"], []).append(finding)
    return found


# -- matching ---------------------------------------------------------------------------------------


def test_snippets_compare_without_emphasis_ticks_quote_and_dash_variants() -> None:
    module = "The **Tidal Loom** is a `loom`—it “weaves” the _shore_ and\nthe tide's rhythm – slowly."
    assert normalise(module).startswith(normalise("The Tidal Loom is a loom-it \"weaves\" the shore"))
    assert snippet_in(module, "The Tidal Loom is a loom—it \"weaves\" the shore and the tide’s rhythm - slowly.")
    assert snippet_in(module, "**The Tidal Loom** is a loom")
    assert not snippet_in(module, "The Tidal Loom is a lathe")  # other words are not found
    assert not snippet_in(module, "the tidal loom is a loom")  # case still counts


def test_an_ellipsis_is_a_gap_whose_parts_must_follow_in_order() -> None:
    module = "First comes the warp.\nThen, much later, the weft is thrown.\n"
    index = SnippetIndex(module)
    assert index.find("First comes … the weft is thrown.") == [(0, len(module) - 2)]
    assert index.find("First comes ... the weft") != []
    assert index.find("the weft ... First comes") == []  # the parts out of order


# -- found, moved, changed, missing ------------------------------------------------------------------


def test_a_snippet_copied_from_rendered_markdown_is_found_where_cited(tmp_path: Path) -> None:
    rendered = SNIPPET_1.replace("**Tidal Loom**", "`Tidal Loom`")
    rendered = rendered.replace("a fast, irregular driver", "a fast … driver")
    repo = new_glossary(tmp_path / "g", {"TIDAL_LOOM": term_text(sources=[("MOD-001", "L10-L11", rendered)])})
    codes = _audit(repo)
    assert [f["lines"] for f in codes["snippet-found"]] == ["L10-L11"]
    assert "snippet-missing" not in codes and "snippet-moved" not in codes


def test_a_snippet_never_in_its_module_is_missing_and_not_said_to_have_left(tmp_path: Path) -> None:
    sources = [("MOD-001", "L10-L11", "A sentence the module never had.")]
    repo = new_glossary(tmp_path / "g", {"TIDAL_LOOM": term_text(sources=sources)})
    codes = _audit(repo)
    [missing] = codes["snippet-missing"]
    assert "snippet-changed" not in codes
    assert "no longer" not in missing["message"] and "is not in MOD-001_the_test_module.md" in missing["message"]
    assert missing["severity"] == "warning"  # the term is a draft


def test_a_module_that_changed_since_the_citation_is_its_own_code(tmp_path: Path) -> None:
    repo = new_glossary(tmp_path / "g", {"TIDAL_LOOM": term_text()})
    rewritten = MODULE.replace("sets the pattern", "decides the weave")
    commit = plain_commit(repo, {"modules/MOD-001_the_test_module.md": rewritten}, "rewrite §1",
                          "Module Writer <writer@example.org>")
    codes = _audit(repo)
    [changed] = codes["snippet-changed"]
    assert "snippet-missing" not in codes
    assert changed["commit"] == commit and "Module Writer" in changed["message"]
    # an edit not yet committed is named as such
    (repo / "modules" / "MOD-001_the_test_module.md").write_text(MODULE.replace("slow, regular", "slow"),
                                                                 encoding="utf-8")
    plain_commit(repo, {"modules/MOD-001_the_test_module.md": MODULE}, "restore")
    (repo / "modules" / "MOD-001_the_test_module.md").write_text(rewritten, encoding="utf-8")
    [changed] = _audit(repo)["snippet-changed"]
    assert "in the work tree (not committed)" in changed["message"]


def test_a_module_in_a_second_module_folder_that_changed_since_the_citation_is_said_to_have_changed(
        tmp_path: Path) -> None:
    """The history of every `modules_dirs` folder is read, not only the first one's."""
    repo = glossary_with_the_module_in_a_second_folder(tmp_path / "g", {"TIDAL_LOOM": term_text()})
    assert "snippet-found" in _audit(repo)
    rewritten = MODULE.replace("sets the pattern", "decides the weave")
    commit = plain_commit(repo, {"sources/MOD-001_the_test_module.md": rewritten}, "rewrite §1",
                          "Module Writer <writer@example.org>")
    codes = _audit(repo)
    [changed] = codes["snippet-changed"]
    assert "snippet-missing" not in codes
    assert changed["commit"] == commit and "Module Writer" in changed["message"]


# -- relocate ---------------------------------------------------------------------------------------------


def test_relocate_points_moved_snippets_at_their_lines_as_one_reviewed_commit(tmp_path: Path) -> None:
    text = term_text(status="candidate", sources=[("MOD-001", "L10-L11", SNIPPET_1), ("MOD-001", "§1", SNIPPET_1)])
    repo = new_glossary(tmp_path / "g", {"TIDAL_LOOM": text})
    moved = MODULE.replace("## §1 · Looms\n", "## §1 · Looms\n\nA new opening paragraph.\n")
    plain_commit(repo, {"modules/MOD-001_the_test_module.md": moved}, "expand §1")
    assert [f["lines"] for f in _audit(repo)["snippet-moved"]] == ["L10-L11"]
    head = git(repo, "rev-parse", "HEAD").strip()

    result = run_cli("relocate", "TIDAL_LOOM", "--repo", repo, "--json", "--as", EDITOR)
    assert result.code == 0, result.err
    [done] = json.loads(result.out)["terms"]
    assert done["moves"] == [{"source": 0, "from": "L10-L11", "to": "L12-L13"}]
    assert git(repo, "rev-list", "--count", f"{head}..HEAD").strip() == "1"
    assert git(repo, "log", "-1", "--format=%s").strip() == "TIDAL_LOOM: relocate moved snippets"
    after = (repo / "terms" / "TIDAL_LOOM.md").read_text(encoding="utf-8")
    assert after == text.replace('lines: "L10-L11"', 'lines: "L12-L13"')  # only the pointer changed
    relocated = load_term(repo / "terms" / "TIDAL_LOOM.md")
    entry = relocated.entry
    assert entry is not None and (entry["status"], entry["version"]) == ("candidate", "0.1")  # bookkeeping
    events, _ = load_events(repo / "review_logs", "TIDAL_LOOM", repo)
    [event] = [e for e in events if e.note and e.note.startswith("relocate:")]
    assert event.action is Action.COMMENT and event.revision == term_revision(relocated)  # the whole file's
    assert "L10-L11 → L12-L13" in event.note
    codes = _audit(repo)
    assert "snippet-moved" not in codes and len(codes["snippet-found"]) == 2
    # nothing left to move: --all commits nothing
    again = run_cli("relocate", "--all", "--repo", repo, "--as", EDITOR)
    assert again.code == 0 and "0 term(s) relocated" in again.out
    assert git(repo, "status", "--porcelain") == ""


def test_relocate_finds_a_module_in_a_second_modules_folder(tmp_path: Path) -> None:
    text = term_text(status="candidate", sources=[("MOD-001", "L10-L11", SNIPPET_1)])
    repo = glossary_with_the_module_in_a_second_folder(tmp_path / "g", {"TIDAL_LOOM": text})
    moved = MODULE.replace("## §1 · Looms\n", "## §1 · Looms\n\nA new opening paragraph.\n")
    plain_commit(repo, {"sources/MOD-001_the_test_module.md": moved}, "expand §1")
    result = run_cli("relocate", "TIDAL_LOOM", "--repo", repo, "--json", "--as", EDITOR)
    assert result.code == 0, result.err
    [done] = json.loads(result.out)["terms"]
    assert done["moves"] == [{"source": 0, "from": "L10-L11", "to": "L12-L13"}]


def test_relocate_leaves_a_missing_snippet_alone(tmp_path: Path) -> None:
    repo = new_glossary(tmp_path / "g", {"TIDAL_LOOM": term_text(sources=[("MOD-001", "L3", "never there")])})
    result = run_cli("relocate", "TIDAL_LOOM", "--repo", repo, "--as", EDITOR)
    assert result.code == 0 and "no moved snippet" in result.out
    assert git(repo, "rev-list", "--count", "HEAD").strip() == "1"


# -- crosslinks and wanted ----------------------------------------------------------------------------


def test_one_extractor_reads_every_kind_and_the_association_matrix() -> None:
    entry = {"crosslinks": {"prerequisites": ["A", 7, "", None], "related": ["B"]},
             "poetic_connections": {"association_matrix": [["C", 0.5], "bad", []]}}
    assert [(link.kind, link.target) for link in links(entry)] == [
        ("prerequisites", "A"), ("prerequisites", "7"), ("related", "B"), ("association_matrix", "C")]
    resolver = Resolver([KnownTerm("PIROUETTE_LAGRANGIAN", name="Pirouette Lagrangian")])
    assert resolver.resolve("PIRQUETTE_LAGRANGIAN").suggestions == ("PIROUETTE_LAGRANGIAN",)
    assert resolver.resolve("pirouette lagrangian").how == "name"
    assert resolver.resolve("NOISE").how == "missing"


def test_crosslinks_resolve_by_declared_id_name_and_near_miss_and_the_rest_are_wanted(tmp_path: Path) -> None:
    terms = {
        "TIDAL_LOOM": term_text(crosslinks=["WEFT_PRESSURE_V2", "Shore Line", "TIDAL_LOMM", "NOISE", "VOID"],
                                matrix=["NOISE"]),
        "WEFT_PRESSURE": term_text("WEFT_PRESSURE", canonical_id="WEFT_PRESSURE_V2"),
        "SHORE_LINE": term_text("SHORE_LINE", crosslinks=["NOISE", "TIDAL_LOOM"]),
    }
    repo = new_glossary(tmp_path / "g", terms)
    codes = _audit(repo)
    [declared] = codes["crosslink-by-declared-id"]
    assert declared["severity"] == "info" and "WEFT_PRESSURE.md" in declared["message"]
    [by_name] = codes["crosslink-by-name"]
    assert "'Shore Line', a name of SHORE_LINE" in by_name["message"]
    [near] = codes["crosslink-near-miss"]
    assert "did you mean TIDAL_LOOM?" in near["message"]
    assert sorted(f["message"].split(" names ")[1].split(",")[0] for f in codes["dangling-crosslink"]) == [
        "NOISE", "NOISE", "VOID"]
    [association] = codes["dangling-association"]
    assert association["line"] is not None

    wanted = run_cli("wanted", "--repo", repo, "--json")
    assert wanted.code == 0, wanted.err
    data = json.loads(wanted.out)
    assert [(w["target"], w["count"]) for w in data["targets"]] == [("NOISE", 2), ("VOID", 1)]
    assert data["targets"][0]["cited_by"] == ["SHORE_LINE", "TIDAL_LOOM"]
    text = run_cli("wanted", "--repo", repo)
    assert text.out.splitlines()[0].split()[:2] == ["2", "NOISE"] and "2 wanted term(s)" in text.out
