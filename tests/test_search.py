"""`authoring search` and `Glossary.search` on real repositories: every field found, ranked, filtered,
snippets inert on a terminal and exact in JSON, and the index following edits."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from authoring.repo.service import Glossary
from tests.conftest import git, make_repo, run_cli


def term(term_id: str, name: str, *, status: str = "draft", aliases: str = "[]", definition: str = "A thing.",
         art: str = "Plain.", notes: str = "First draft.", body: str = "") -> str:
    """A small term file with each searchable field set apart."""
    return (f"---\nterm: {name}\ncanonical_id: {term_id}\naliases: {aliases}\nstatus: {status}\nversion: 0.1\n"
            f"provenance:\n  sources: []\n  review_log:\n    - date: 2026-11-01\n      reviewer: Ann\n"
            f"      notes: {notes}\ntriad:\n  art: |\n    {art}\npirouette_definition: |\n  {definition}\n---\n"
            f"# {name}\n\n{body}\n")


@pytest.fixture
def glossary_repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "g", {
        "terms/RATIO.md": term("RATIO", "Ratio"),
        "terms/RATIO_SCALE.md": term("RATIO_SCALE", "Ratio Scale", status="candidate"),
        "terms/GOLDEN_RATIO.md": term("GOLDEN_RATIO", "Golden Ratio"),
        "terms/ALPHA.md": term("ALPHA", "Alpha Glow", aliases="[Ratio Lamp]",
                               definition="Light of a quasar seen twice.", notes="Needs a marmot check.",
                               body="The zephyr carries it."),
        "terms/BRAVO.md": term("BRAVO", "Bravo", definition="A ratio of two winds.", art="Wind over the quasar."),
        "terms/CHARLIE.md": term("CHARLIE", "Charlie", status="ratified", body="An old ratio, seldom used."),
        "terms/DELTA.md": term("DELTA", "Delta", body="Hostile \x1b]0;pwned\x07 text \x1b[2J here."),
    })


def ids(result_json: str) -> list[str]:
    return [hit["id"] for hit in json.loads(result_json)["hits"]]


def test_ranking_exact_then_prefix_then_contains_then_alias_then_definition_then_body(glossary_repo: Path) -> None:
    result = run_cli("search", "ratio", "--json", "--repo", glossary_repo)
    assert result.code == 0, result.err
    data = json.loads(result.out)
    got = [(hit["id"], hit["field"], hit["match"]) for hit in data["hits"]]
    assert got == [("RATIO", "id", "exact"), ("RATIO_SCALE", "name", "name prefix"),
                   ("GOLDEN_RATIO", "id", "contains"), ("ALPHA", "aliases", "alias"),
                   ("BRAVO", "definition", "definition"), ("CHARLIE", "body", "text")]
    assert data["hidden"] == {} and data["more"] == 0
    # the JSON shape: every key, each hit's snippet the words around the match
    assert set(data) == {"query", "status", "hits", "hidden", "hidden_count", "more"}
    assert set(data["hits"][0]) == {"id", "term", "status", "field", "rank", "match", "snippet"}
    assert data["hits"][3]["snippet"] == "Ratio Lamp"
    assert "ratio of two winds" in data["hits"][4]["snippet"]


@pytest.mark.parametrize(("query", "expected", "field"), [
    ("quasar", ["ALPHA", "BRAVO"], {"ALPHA": "definition", "BRAVO": "triad"}),  # definition, then triad: same rank
    ("zephyr", ["ALPHA"], {"ALPHA": "body"}),
    ("marmot", ["ALPHA"], {"ALPHA": "notes"}),
    ("ratio lamp", ["ALPHA"], {"ALPHA": "aliases"}),
    ("lamp ratio", ["ALPHA"], {"ALPHA": "aliases"}),  # words in any order, each a word's start
    ("seld", ["CHARLIE"], {"CHARLIE": "body"}),
])
def test_every_field_is_searched(glossary_repo: Path, query: str, expected: list[str], field: dict[str, str]) -> None:
    result = run_cli("search", query, "--json", "--repo", glossary_repo)
    hits = json.loads(result.out)["hits"]
    assert [hit["id"] for hit in hits] == expected
    assert {hit["id"]: hit["field"] for hit in hits} == field


def test_status_filter_counts_what_it_hides_and_limit_counts_the_rest(glossary_repo: Path) -> None:
    result = run_cli("search", "ratio", "--status", "draft", "--limit", "2", "--json", "--repo", glossary_repo)
    data = json.loads(result.out)
    assert ids(result.out) == ["RATIO", "GOLDEN_RATIO"]
    assert data["hidden"] == {"candidate": 1, "ratified": 1} and data["hidden_count"] == 2
    assert data["more"] == 2  # ALPHA and BRAVO, drafts past the limit
    text = run_cli("search", "ratio", "--status", "draft", "--limit", "2", "--repo", glossary_repo)
    assert "2 more match(es) hidden by --status draft: 1 candidate, 1 ratified" in text.out
    assert "2 more match(es) past --limit 2" in text.out
    refused = run_cli("search", "ratio", "--status", "drafty", "--repo", glossary_repo)
    assert refused.code == 2 and "drafty" in refused.err


def test_hostile_control_characters_are_inert_in_text_and_exact_in_json(glossary_repo: Path) -> None:
    text = run_cli("search", "hostile", "--repo", glossary_repo)
    assert text.code == 0
    assert "\x1b" not in text.out and "\x07" not in text.out
    assert "DELTA" in text.out and "\\x1b]0;pwned\\x07" in text.out
    data = json.loads(run_cli("search", "hostile", "--json", "--repo", glossary_repo).out)
    assert "Hostile \x1b]0;pwned\x07 text \x1b[2J here." in data["hits"][0]["snippet"]


def test_no_match_and_an_empty_query(glossary_repo: Path) -> None:
    none = run_cli("search", "xylophone", "--repo", glossary_repo)
    assert none.code == 0 and "no term matches 'xylophone'" in none.out
    empty = run_cli("search", "  ", "--repo", glossary_repo)
    assert empty.code == 2 and "empty" in empty.err


def test_an_edited_body_is_found_by_its_new_words_and_not_its_old(glossary_repo: Path) -> None:
    assert ids(run_cli("search", "zephyr", "--json", "--repo", glossary_repo).out) == ["ALPHA"]
    path = glossary_repo / "terms" / "ALPHA.md"
    path.write_text(path.read_text(encoding="utf-8").replace("zephyr", "walrus"), encoding="utf-8")
    assert ids(run_cli("search", "zephyr", "--json", "--repo", glossary_repo).out) == []
    assert ids(run_cli("search", "walrus", "--json", "--repo", glossary_repo).out) == ["ALPHA"]
    # a new term, and a deleted one
    (glossary_repo / "terms" / "ECHO.md").write_text(term("ECHO", "Echo", body="A walrus too."), encoding="utf-8")
    path.unlink()
    assert ids(run_cli("search", "walrus", "--json", "--repo", glossary_repo).out) == ["ECHO"]


def test_the_ui_path_sees_a_change_once_the_summary_index_has(glossary_repo: Path) -> None:
    # the UI searches with fresh=False on every keystroke and refreshes a term's summary after an action
    with Glossary.open(glossary_repo) as glossary:
        glossary.summaries()
        assert [h.term_id for h in glossary.search("zephyr", fresh=False)] == ["ALPHA"]
        path = glossary_repo / "terms" / "ALPHA.md"
        path.write_text(path.read_text(encoding="utf-8").replace("zephyr", "walrus"), encoding="utf-8")
        glossary.summaries(["ALPHA"])
        assert [h.term_id for h in glossary.search("walrus", fresh=False)] == ["ALPHA"]
        assert [h.term_id for h in glossary.search("zephyr", fresh=False)] == []


def test_another_process_writing_the_store_is_seen(glossary_repo: Path) -> None:
    with Glossary.open(glossary_repo) as first, Glossary.open(glossary_repo) as second:
        assert [h.term_id for h in first.search("zephyr")] == ["ALPHA"]
        path = glossary_repo / "terms" / "ALPHA.md"
        path.write_text(path.read_text(encoding="utf-8").replace("zephyr", "walrus"), encoding="utf-8")
        (glossary_repo / "terms" / "ECHO.md").write_text(term("ECHO", "Echo", body="A zephyr."), encoding="utf-8")
        assert [h.term_id for h in second.search("zephyr")] == ["ECHO"]  # rows rewritten by the second
        assert [h.term_id for h in first.search("zephyr")] == ["ECHO"]
        assert [h.term_id for h in first.search("walrus")] == ["ALPHA"]


def test_a_damaged_or_foreign_store_is_rebuilt(glossary_repo: Path) -> None:
    assert ids(run_cli("search", "zephyr", "--json", "--repo", glossary_repo).out) == ["ALPHA"]
    store = next((glossary_repo / ".git" / "authoring").glob("search-v*.sqlite"))
    with sqlite3.connect(store) as db:  # rows another version of the code wrote: stale text
        db.execute("UPDATE meta SET value='other code' WHERE key='code'")
        db.execute("UPDATE docs SET body='nothing here'")
    db.close()
    assert ids(run_cli("search", "zephyr", "--json", "--repo", glossary_repo).out) == ["ALPHA"]
    store.write_bytes(b"not a database at all" * 100)
    assert ids(run_cli("search", "zephyr", "--json", "--repo", glossary_repo).out) == ["ALPHA"]


def test_a_malformed_term_is_searched_too(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "g", {"terms/BROKEN.md": "---\nterm: Broken\ncanonical_id: BROKEN\n"
                                      "pirouette_definition: a |x| norm: **bold** and [a, b], text\n---\n# Broken\n"})
    data = json.loads(run_cli("search", "norm bold", "--json", "--repo", repo).out)
    assert [(h["id"], h["field"]) for h in data["hits"]] == [("BROKEN", "definition")]


def test_an_abbreviation_of_the_id_comes_last(glossary_repo: Path) -> None:
    assert ids(run_cli("search", "gora", "--json", "--repo", glossary_repo).out) == ["GOLDEN_RATIO"]


@pytest.mark.corpus
def test_a_word_only_in_bodies_finds_exactly_the_terms_that_say_it(corpus_copy: Path) -> None:
    terms = corpus_copy / "modules" / "dictionary"
    for word in ("complements", "provokes"):
        # the oracle: the files holding a word that starts so, read as plain text
        pattern = re.compile(rf"(?<![^\W_]){word}", re.IGNORECASE)
        expected = sorted(p.stem for p in terms.glob("*.md") if pattern.search(p.read_text(encoding="utf-8")))
        data = json.loads(run_cli("search", word, "--limit", "0", "--json", "--repo", corpus_copy).out)
        assert sorted(hit["id"] for hit in data["hits"]) == expected and len(expected) >= 2
        assert {hit["field"] for hit in data["hits"]} == {"body"}
        assert all(word in hit["snippet"].casefold() for hit in data["hits"])
    # a term's own name comes first, ahead of the many that mention it
    data = json.loads(run_cli("search", "Coherence Flux", "--json", "--repo", corpus_copy).out)
    assert data["hits"][0]["id"] == "COHERENCE_FLUX" and data["hits"][0]["match"] == "exact"
    git(corpus_copy, "status", "--porcelain")  # the search wrote nothing in the work tree
    assert git(corpus_copy, "status", "--porcelain") == ""
