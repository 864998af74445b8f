"""Duplicate detection: label collisions, id variants and similar definitions, as audit warnings and as
marks on draft candidates; on the corpus, at least the 229 shared normalised labels the issue counted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from authoring.core.duplicates import (
    Labelled,
    definition_pairs,
    find_duplicates,
    id_key,
    id_variants,
    label_collisions,
    normalise_label,
    possible_duplicates,
    similar_definitions,
)
from authoring.repo.service import Glossary
from tests.conftest import make_repo, run_cli

LOOM = ("A coupled two-rhythm system in which a slow regular driver sets the pattern and a fast irregular"
        " driver fills it in, so the structure is woven rather than imposed.")
LOOM_AGAIN = ("A coupled two-rhythm system where a slow, regular driver sets the pattern while a fast irregular"
              " driver fills it in, so that the structure is woven, not imposed.")
OTHER = ("The share of variance contributed by the fast driver inside one period of the slow driver, measured"
         " over many periods of observation.")


def test_labels_are_compared_normalised() -> None:
    assert normalise_label("  Coherence-Flux ") == normalise_label("coherence_flux") == "coherence flux"
    assert normalise_label("ＣＯＨＥＲＥＮＣＥ   Flux") == "coherence flux"  # NFKC: full-width letters
    assert normalise_label("Straße") == normalise_label("STRASSE")  # case-folded, not lower-cased


def test_label_collisions_group_names_and_aliases_of_different_terms() -> None:
    terms = [Labelled("COHERENCE_FLUX", "Coherence Flux", ("Flux Ratio",)),
             Labelled("FLUX_RATIO", "Flux ratio"),
             Labelled("SPASM", "Spasm", ("coherence-flux", "Spasm")),
             Labelled("ALONE", "Alone", ("alone",))]
    groups = {g.key: g for g in label_collisions(terms)}
    assert set(groups) == {"coherence flux", "flux ratio"}  # a term repeating its own name is no collision
    assert groups["coherence flux"].members == ["COHERENCE_FLUX", "SPASM"]
    assert groups["coherence flux"].how == {"COHERENCE_FLUX": "name", "SPASM": 'alias "coherence-flux"'}
    assert groups["flux ratio"].members == ["COHERENCE_FLUX", "FLUX_RATIO"]
    assert "shared by 2 terms" in groups["flux ratio"].describe()


def test_id_variants_plural_and_separators() -> None:
    assert id_key("KNOTS") == id_key("KNOT") == "knot"
    assert id_key("COHERENCE_GEODESICS") == id_key("COHERENCE-GEODESIC") == id_key("COHERENCEGEODESIC")
    assert id_key("ENTROPIES") == id_key("ENTROPY")
    assert id_key("SWITCHES") == id_key("SWITCH")
    assert id_key("STRESS") == "stress" and id_key("STATUS") == "status"  # not plurals
    groups = id_variants(["KNOT", "KNOTS", "K_STRING", "K_STRINGS", "STRESS", "GLASS", "TIDAL-LOOM", "TIDAL_LOOM"])
    assert [g.members for g in groups] == [["KNOT", "KNOTS"], ["K_STRING", "K_STRINGS"], ["TIDAL-LOOM", "TIDAL_LOOM"]]


def test_similar_definitions_meet_a_threshold_and_group() -> None:
    terms = [Labelled("LOOM", "Loom", definition=LOOM), Labelled("LOOM_2", "Loom two", definition=LOOM_AGAIN),
             Labelled("WEFT", "Weft", definition=OTHER), Labelled("STUB", "Stub", definition="too short")]
    pairs = definition_pairs(terms, 0.3)
    assert pairs and pairs[0][:2] == ("LOOM", "LOOM_2") and pairs[0][2] > 0.6
    assert all("STUB" not in p[:2] for p in pairs)  # too few words to judge
    groups = similar_definitions(terms, 0.6)
    assert [g.members for g in groups] == [["LOOM", "LOOM_2"]]
    assert similar_definitions(terms, 0.99) == []  # the threshold decides
    assert {g.code for g in find_duplicates(terms, 0.6)} == {"similar-definition"}


def test_possible_duplicates_of_a_new_name() -> None:
    terms = [Labelled("KNOT", "Knot"), Labelled("COHERENCE_FLUX", "Coherence Flux", ("Flux Ratio",))]
    assert possible_duplicates("Knots", "KNOTS", terms) == ["KNOT"]
    assert possible_duplicates("flux-ratio", "FLUX_RATIO", terms) == ["COHERENCE_FLUX"]
    assert possible_duplicates("Knot", "KNOT", terms) == []  # itself
    assert possible_duplicates("Weft Pressure", "WEFT_PRESSURE", terms) == []


def _term(term_id: str, name: str, aliases: str = "[]", definition: str = "") -> str:
    body = f"pirouette_definition: {json.dumps(definition)}\n" if definition else ""
    return (f"---\nterm: {name}\ncanonical_id: {term_id}\naliases: {aliases}\nstatus: draft\nversion: 0.1\n"
            f"last_updated: 2025-01-01\n{body}---\n# {name}\n")


def _repo(tmp_path: Path, config: str = "") -> Path:
    return make_repo(tmp_path / "g", {
        "terms/KNOT.md": _term("KNOT", "Knot", definition=LOOM),
        "terms/KNOTS.md": _term("KNOTS", "Knots", "[Tangle]", definition=LOOM_AGAIN),
        "terms/TANGLE.md": _term("TANGLE", "Tangle", definition=OTHER),
        "terms/WEFT.md": _term("WEFT", "Weft"),
    }, config)


def test_audit_reports_grouped_duplicate_warnings(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    result = run_cli("audit", "--repo", repo, "--json")
    assert result.code == 0, result.err  # warnings only: the audit passes
    findings = [f for f in json.loads(result.out)["findings"]
                if f["code"] in ("label-collision", "id-variant", "similar-definition")]
    by_code = {f["code"]: f for f in findings}
    assert len(findings) == 3 and all(f["severity"] == "warning" for f in findings)
    assert by_code["label-collision"]["terms"] == ["KNOTS", "TANGLE"]
    assert by_code["label-collision"]["term"] == "KNOTS" and by_code["label-collision"]["path"] == "terms/KNOTS.md"
    assert by_code["id-variant"]["terms"] == ["KNOT", "KNOTS"]
    assert by_code["similar-definition"]["terms"] == ["KNOT", "KNOTS"]
    text = run_cli("audit", "--repo", repo)
    assert "warning: label-collision: the label \"tangle\" is shared by 2 terms" in text.out


def test_the_similarity_threshold_comes_from_the_configuration(tmp_path: Path) -> None:
    repo = _repo(tmp_path, "[duplicates]\nsimilar_definition = 0.99\n")
    with Glossary.open(repo) as glossary:
        codes = {f.code for f in glossary.audit().findings}
    assert "similar-definition" not in codes and {"label-collision", "id-variant"} <= codes
    bad = _repo(tmp_path / "bad", "[duplicates]\nsimilar_definition = 2\n")
    result = run_cli("audit", "--repo", bad)
    assert result.code == 2 and "duplicates.similar_definition" in result.err


def test_candidates_mark_a_new_term_that_may_duplicate_one(demo_repo: Path) -> None:
    # the demo module coins "Loom Period"; a term "Loom Periods" exists under the plural id
    (demo_repo / "terms" / "LOOM_PERIODS.md").write_text(_term("LOOM_PERIODS", "Loom Periods"), encoding="utf-8")
    result = run_cli("--repo", demo_repo, "candidates", "DEMO-001", "--json")
    assert result.code == 0, result.err
    data = {c["canonical_id"]: c for c in json.loads(result.out)}
    assert data["LOOM_PERIOD"]["existing"] is False
    assert data["LOOM_PERIOD"]["may_duplicate"] == ["LOOM_PERIODS"]
    assert all(c["may_duplicate"] == [] for c in data.values() if c["existing"])
    text = run_cli("--repo", demo_repo, "candidates", "DEMO-001")
    assert "new?" in text.out and "(may duplicate LOOM_PERIODS)" in text.out


@pytest.mark.corpus
@pytest.mark.slow
def test_corpus_audit_lists_at_least_the_229_shared_labels(corpus_copy: Path) -> None:
    with Glossary.open(corpus_copy) as glossary:
        report = glossary.audit()
    collisions = [f for f in report.findings if f.code == "label-collision"]
    variants = [f for f in report.findings if f.code == "id-variant"]
    assert len(collisions) >= 229
    assert len({f.message for f in collisions}) == len(collisions)  # one finding per group
    assert all(f.severity == "warning" and len(f.terms) > 1 for f in collisions)
    flux = next(f for f in collisions if '"coherence erosion"' in f.message)
    assert {"COHERENCE_EROSION", "FADE"} <= set(flux.terms)
    assert len(variants) >= 12 and any(f.terms == ["KNOT", "KNOTS"] for f in variants)


def test_the_draft_screen_marks_a_candidate_that_may_duplicate() -> None:
    from authoring.drafting.candidates import Candidate
    from authoring.tui.screens.draft import candidate_label

    marked = candidate_label(Candidate("KNOTS", "Knots", existing=False, may_duplicate=["KNOT"])).plain
    plain = candidate_label(Candidate("WEFT", "Weft", existing=False)).plain
    assert "≈ may duplicate KNOT" in marked and "may duplicate" not in plain


def test_the_codes_are_in_the_catalogue() -> None:
    from authoring.codes import Code
    from authoring.repo.duplicate_findings import DUPLICATE_CODES

    assert {Code(code) for code in DUPLICATE_CODES} == {Code.LABEL_COLLISION, Code.ID_VARIANT, Code.SIMILAR_DEFINITION}
