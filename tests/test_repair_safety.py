"""Safe bulk repair: a sentence in a flow list stays one item, a case in doubt is left for a person, `--kind`
selects rules, `repair --all` shows progress and a per-kind summary, hostile nesting is refused at once,
and on the upstream layout of the corpus `repair --all --write` keeps every item the author wrote."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from authoring.core.repair import RULES, propose
from authoring.core.termfile import load_term
from tests.conftest import EDITOR, git, make_repo, run_cli, run_cli_on_terminal
from tests.test_repair import plan_for, repaired_entry


def _items(plan, field: str) -> list:  # type: ignore[no-untyped-def]
    entry = repaired_entry(plan)
    return entry[field]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("line", "meant"),
    [
        ("expected_signals: [A scalar value Ta(t) ∈ [0, 1], often as a time series.]\n",
         "A scalar value Ta(t) ∈ [0, 1], often as a time series."),
        ("collisions: ['Alchemy' carries esoteric weight. 'Engine' can imply a purely mechanical, non-conscious"
         " system.]\n", "'Alchemy' carries esoteric weight. 'Engine' can imply a purely mechanical, non-conscious"
         " system."),
        ('collisions: [In computing, "arena" often means a memory region (e.g., an allocator). This is distinct.]\n',
         'In computing, "arena" often means a memory region (e.g., an allocator). This is distinct.'),
    ],
)
def test_a_flow_list_holding_one_sentence_stays_one_item(tmp_path: Path, line: str, meant: str) -> None:
    _, plan = plan_for(tmp_path, line)
    assert plan.applicable, (plan.refused, plan.remaining, plan.doubts)
    assert [r.rule for r in plan.repairs] == ["quote-list-sentence"]
    field = line.split(":", 1)[0]
    assert _items(plan, field) == [meant]


def test_a_list_of_separate_items_keeps_its_items(tmp_path: Path) -> None:
    _, plan = plan_for(tmp_path, "collisions: [Gamma function Γ(z), Christoffel symbols Γ^i_{jk}, `μ` mass]\n")
    assert plan.applicable and [r.rule for r in plan.repairs] == ["quote-list-items"]
    assert _items(plan, "collisions") == ["Gamma function Γ(z)", "Christoffel symbols Γ^i_{jk}", "`μ` mass"]


def test_prose_whose_commas_may_or_may_not_separate_items_is_left_for_a_person(tmp_path: Path) -> None:
    line = ("pitfalls: [*Incomplete* conjugation (Δφ ≠ π) causing scattering, High ambient pressure disrupting the"
            " lock, and causing an incomplete `noisy` dissolution.]\n")
    _term, plan = plan_for(tmp_path, line)
    assert not plan.applicable and plan.after is None
    [doubt] = plan.doubts
    assert doubt.startswith("line 7: `pitfalls`: a comma inside the flow list may be inside prose")
    assert "for a person: line 7" in plan.describe()


def test_kind_selects_the_rules_a_plan_may_use(tmp_path: Path) -> None:
    lines = "where: Chapter 5: Tides\nsymbol: `T_g`\n"
    _, everything = plan_for(tmp_path, lines)
    assert everything.applicable and everything.kinds == ["quote-value"]
    term = load_term(tmp_path / "TIDE_GAUGE.md", "TIDE_GAUGE.md")
    assert not propose(term, {"unknown-escape"}).applicable
    assert propose(term, {"quote-value"}).applicable
    assert set(RULES) >= {"fence-entry", "close-block", "quote-value", "quoted-prefix", "text-after-bracket",
                          "quote-list-items", "quote-list-sentence", "unknown-escape"}
    assert all(RULES.values())  # every rule says what it does


@pytest.fixture
def two_faults(tmp_path: Path) -> Path:
    head = "---\nterm: {name}\ncanonical_id: {id}\nstatus: draft\n"
    return make_repo(tmp_path / "g", {
        "terms/TIDE_GAUGE.md": head.format(name="Tide Gauge", id="TIDE_GAUGE") + "where: Chapter 5: Tides\n---\n",
        "terms/EBB_LINE.md": head.format(name="Ebb Line", id="EBB_LINE")
        + "signals: [A value in [0, 1], often as a series.]\n---\n",
        "terms/FLOOD.md": head.format(name="Flood", id="FLOOD") + "---\n",
    })


def test_repair_all_shows_a_per_kind_summary_and_progress_on_a_terminal(two_faults: Path) -> None:
    shown = run_cli_on_terminal("repair", "--all", "--repo", two_faults)
    assert shown.code == 1  # a dry run that found something to repair
    assert "planning repairs" in shown.err and "2/2" in shown.err
    assert re.search(r"quote-list-sentence\s+1\s+1\s+0", shown.out)
    assert re.search(r"quote-value\s+1\s+1\s+0", shown.out)
    assert "- signals: [A value in [0, 1], often as a series.]" in shown.out  # the diff, before --write
    assert git(two_faults, "status", "--porcelain") == ""
    only = run_cli("repair", "--all", "--kind", "quote-value", "--write", "--json", "--repo", two_faults,
                   "--as", EDITOR)
    data = json.loads(only.out)
    assert data["by_kind"] == {"quote-value": {"files": 1, "repairable": 1, "written": 1}}
    assert git(two_faults, "log", "-1", "--format=%(trailers:key=Repairs,valueonly)").strip() == "quote-value"
    assert run_cli("repair", "--all", "--kind", "nonsense", "--repo", two_faults).code == 2


def test_hostile_nesting_is_refused_before_ruamel_reads_it(tmp_path: Path) -> None:
    depth = 20_000
    text = "---\nterm: Hostile\ncanonical_id: HOSTILE\nstatus: draft\nnest: " + "[" * depth + "]" * depth + "\n---\n"
    repo = make_repo(tmp_path / "g", {"terms/HOSTILE.md": text})
    term = load_term(repo / "terms" / "HOSTILE.md", "terms/HOSTILE.md")
    [problem] = term.problems
    # the bound's own message (the pre-check), not the recursion-limit fallback's
    assert problem.code == "too-deep" and "deeper than 64 levels" in problem.message
    plan = propose(term)
    assert not plan.applicable and [p.code for p in plan.remaining] == ["too-deep"] and not plan.repairs
    result = run_cli("repair", "HOSTILE", "--repo", repo)
    assert result.code == 1 and "cannot be repaired automatically" in result.out


_CONTINUED = re.compile(r"^[a-z]")
_SENTENCE_END = re.compile(r"[.!?][)\"'”]*$")


@pytest.mark.corpus
@pytest.mark.slow
def test_repair_all_write_on_the_upstream_layout_keeps_every_sentence_whole(corpus_copy: Path) -> None:
    result = run_cli("repair", "--all", "--write", "--json", "--repo", corpus_copy, "--as", EDITOR)
    assert result.code in (0, 1), result.err
    data = json.loads(result.out)
    written = [f for f in data["files"] if f["commit"]]
    assert len(written) > 500 and data["written"] == len(written)
    terms = corpus_copy / "modules" / "dictionary"
    for found in written:
        repaired = load_term(terms / Path(found["path"]).name, found["path"])
        assert repaired.parses, [p.format() for p in repaired.problems]
        for repair in found["repairs"]:
            if repair["rule"] != "quote-list-items" or not isinstance(repair["value"], list):
                continue
            items = [v for v in repair["value"] if isinstance(v, str)]
            ends_like_a_sentence = bool(items) and bool(_SENTENCE_END.search(items[-1]))
            for item in items[1:]:
                continued = _CONTINUED.match(item) and (len(item.split()) > 2 or ends_like_a_sentence)
                assert not continued, (found["path"], repair["value"])
    for term_id in ("ADHERENCE", "ALCHEMICAL_ENGINE", "ARENA", "ALTRUISM_FILAMENT"):
        [found] = [f for f in written if f["term"] == term_id]
        lists = [r["value"] for r in found["repairs"] if isinstance(r["value"], list)]
        assert lists and all(len(value) == 1 for value in lists), (term_id, lists)
    assert git(corpus_copy, "status", "--porcelain") == ""
