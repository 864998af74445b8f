"""Candidate terms: evidence, ranking, existing vs new, on the demo module and on corpus modules."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from authoring.core.summary import summarise
from authoring.core.termfile import load_term
from authoring.drafting.candidates import find_candidates
from authoring.drafting.lexicon import KnownTerm, Lexicon
from authoring.drafting.modules import ModuleLibrary, load_module
from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent


def lexicon_of(paths: list[Path]) -> Lexicon:
    known = []
    for path in paths:
        s = summarise(load_term(path))
        known.append(KnownTerm(s.id, s.term, tuple(s.aliases), s.status, tuple(s.modules)))
    return Lexicon.build(known)


def test_lexicon_finds_names_aliases_and_ids_longest_first() -> None:
    lexicon = Lexicon.build([
        KnownTerm("TEMPORAL_PRESSURE", "Temporal Pressure", ("Γ-pressure",)),
        KnownTerm("TEMPORAL_PRESSURE_GRADIENT", "Temporal Pressure Gradient"),
        KnownTerm("KI", "Ki"),
        KnownTerm("COHERENCE_FLUX", "Coherence flux"),
    ])
    text = "A temporal pressure gradient, then Temporal Pressure, Γ-Pressure, KI and ki, Ki; COHERENCE_FLUX."
    found = [(m.term_id, m.kind, text[m.start:m.end], m.capitalised) for m in lexicon.scan(text)]
    assert found == [
        ("TEMPORAL_PRESSURE_GRADIENT", "name", "temporal pressure gradient", False),
        ("TEMPORAL_PRESSURE", "name", "Temporal Pressure", True),
        ("TEMPORAL_PRESSURE", "alias", "Γ-Pressure", True),
        ("KI", "name", "Ki", True),  # a two-letter name matches only as written
        ("COHERENCE_FLUX", "name", "COHERENCE_FLUX", True),
    ]
    assert [t.id for t, _ in lexicon.lookup("pressure")] == []
    assert [t.id for t, _ in lexicon.lookup("the γ pressure")] == ["TEMPORAL_PRESSURE"]  # articles don't count
    assert [(t.id, kind) for t, kind in lexicon.lookup("γ-pressure")] == [("TEMPORAL_PRESSURE", "alias")]


def test_demo_candidates_mark_existing_and_new_with_evidence() -> None:
    module = ModuleLibrary(ROOT / "modules").resolve("DEMO-001")
    lexicon = lexicon_of(sorted((ROOT / "terms").glob("*.md")))
    found = find_candidates(module, lexicon)
    by_id = {c.canonical_id: c for c in found}
    top4 = {c.canonical_id for c in found[:4]}
    assert top4 == {"TIDAL_LOOM", "WEFT_PRESSURE", "SLACK_WATER", "KNOT_DRIFT"}
    assert all(by_id[i].existing for i in top4)
    weft = by_id["WEFT_PRESSURE"]
    assert {"engram", "bold", "table", "heading"} <= {e.kind for e in weft.evidence}
    assert weft.symbol == "W_p"
    loom = by_id["LOOM_PERIOD"]
    assert not loom.existing and loom.symbol == "T_L"
    assert loom.table_row["Meaning"] == "the period of the slow driver"
    assert loom.evidence[0].kind == "table" and loom.evidence[0].line == 43
    # statistics find it too, and never a fragment of a name the markup gives ("Loom", "Pressure")
    assert "termhood" in {e.kind for e in loom.evidence}
    assert not {"LOOM", "PRESSURE", "WEFT", "SLOW", "FAST"} & set(by_id)
    # "the held breath" is quoted in §3, and is Slack Water's alias
    breath = by_id["SLACK_WATER"]
    assert "quoted" in {e.kind for e in breath.evidence} and "HELD_BREATH" not in by_id
    assert all(a.score >= b.score for a, b in itertools.pairwise(found))


def test_engram_bold_definition_parenthesis_and_capitalised(tmp_path: Path) -> None:
    path = tmp_path / "TEST-002_x.md"
    path.write_text("\n".join([
        "---", "id: TEST-002", "engrams:", "  - metric:coherence_flux", "---",
        "## §1 · Ledger",
        "The **Vital Ledger** (ℒ_v) keeps the books. The **Quiet Margin** (Silent Edge) is its reserve.",
        "Resonant Drift: the slow slide of a pattern.",
        "The Resonant Drift again, and the Resonant Drift once more, near the Quiet Margin.",
        "```", "**Not A Term** in code", "```",
    ]) + "\n", encoding="utf-8")
    module = load_module(path)
    found = {c.canonical_id: c for c in find_candidates(module, Lexicon.build([]))}
    assert found["COHERENCE_FLUX"].evidence[0].kind == "engram"
    assert found["COHERENCE_FLUX"].term == "Coherence Flux"
    assert found["VITAL_LEDGER"].symbol == "ℒ_v"
    assert found["QUIET_MARGIN"].aliases == ["Silent Edge"]
    drift = found["RESONANT_DRIFT"]
    assert {"definition", "capitalised"} <= {e.kind for e in drift.evidence}
    assert drift.mentions == 3
    assert "NOT_A_TERM" not in found


def test_cli_candidates_json(demo_repo: Path) -> None:
    result = run_cli("--repo", demo_repo, "candidates", "DEMO-001", "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data[0].keys() >= {"canonical_id", "term", "existing", "score", "evidence"}
    ids = {d["canonical_id"]: d for d in data}
    assert ids["TIDAL_LOOM"]["existing"] is True and ids["TIDAL_LOOM"]["status"] == "ratified"
    assert ids["LOOM_PERIOD"]["existing"] is False
    assert ids["TIDAL_LOOM"]["cites_module"] is True
    text = run_cli("--repo", demo_repo, "candidates", "DEMO-001")
    assert text.code == 0 and "LOOM_PERIOD" in text.out and "new" in text.out
    missing = run_cli("--repo", demo_repo, "candidates", "NOPE-404")
    assert missing.code == 2 and "no module 'NOPE-404'" in missing.err


@pytest.fixture(scope="module")
def corpus_lexicon(corpus: Path) -> tuple[ModuleLibrary, Lexicon, dict[str, set[str]]]:
    """The lexicon of the terms that cite two corpus modules, among 140 others as distractors (it needs
    the `corpus` fixture, so its tests are marked `corpus`)."""
    library = ModuleLibrary(corpus / "modules")
    wanted = ["DOMA-036", "CORE-013"]
    files = sorted((corpus / "dictionary").glob("*.md"))
    citing = [p for p in files if any(w.encode() in p.read_bytes() for w in wanted)]
    chosen = sorted(set(citing) | set(files[::12]))
    lexicon = lexicon_of(chosen)
    truth: dict[str, set[str]] = {w: set() for w in wanted}
    for term in lexicon.terms.values():
        for ref in term.modules:
            for w in wanted:
                if library.matches(ref) == library.matches(w):
                    truth[w].add(term.id)
    return library, lexicon, truth


@pytest.mark.parametrize("module_ref", ["DOMA-036", "CORE-013"])
def test_corpus_modules_find_most_of_the_terms_that_cite_them(
        corpus_lexicon: tuple[ModuleLibrary, Lexicon, dict[str, set[str]]], module_ref: str) -> None:
    library, lexicon, truth = corpus_lexicon
    module = library.resolve(module_ref)
    top = [c.canonical_id for c in find_candidates(module, lexicon, limit=40)]
    expected = truth[module_ref]
    assert expected, "the ground truth must not be empty"
    found = expected & set(top)
    assert len(found) >= 0.8 * len(expected), sorted(expected - found)


def test_corpus_engram_becomes_existing_candidate(
        corpus_lexicon: tuple[ModuleLibrary, Lexicon, dict[str, set[str]]]) -> None:
    library, lexicon, _ = corpus_lexicon
    found = {c.canonical_id: c for c in find_candidates(library.resolve("DOMA-036"), lexicon)}
    flux = found["COHERENCE_FLUX"]
    assert flux.existing and flux.evidence[0].kind == "engram"
    assert flux.cites_module
