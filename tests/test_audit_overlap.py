"""The audit's stages run as the terms are read (`repo.audit_terms`), duplicates searched aside (`repo.aside`),
every did-you-mean found at once (`Resolver.suggest_all`): the report is the one the stages made in turn."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest

from authoring.core.crosslinks import SUGGESTIONS, KnownTerm, Resolver
from authoring.repo import audit_read
from authoring.repo.aside import aside
from authoring.repo.index import process_pool
from authoring.repo.service import Glossary
from authoring.workflow.adoption import AdoptionRecord
from tests.history_builders import new_glossary, plain_commit, term_text


def _with_parents(text: str, parents: list[str]) -> str:
    return text.replace("\nstatus: draft\n", f"\nstatus: draft\nparents: [{', '.join(parents)}]\n", 1)


def overlap_glossary(path: Path, outside: Path) -> Path:
    """More terms than `audit_read.MIN_FILES` (so a pool reads them); TWICE is reported by integrity (a dangling
    link), duplicates (its name is ONCE's), provenance and module references (a `module-missing` warning from
    each: the order between them is the order of the stages); ASKS names as a parent a term id whose file leads
    out of the terms folder (no term of the audit: a module reference that names nothing)."""
    count = audit_read.MIN_FILES + 4
    terms = {f"TERM_{n:03d}": term_text(f"TERM_{n:03d}", art=f"Shore {n}.", crosslinks=[f"TERM_{(n + 1) % count:03d}"])
             for n in range(count)}
    twice = term_text("TWICE", sources=[("MOD-404", "L1", "Nothing here.")], crosslinks=["NO_SUCH_TERM_ANYWHERE"])
    terms["TWICE"] = _with_parents(twice.replace("term: Twice", "term: Once"), ["MOD-405", "TERM_001"])
    terms["ONCE"] = term_text("ONCE")
    terms["ASKS"] = _with_parents(term_text("ASKS"), ["LEADS-OUT", "TERM_002"])
    repo = new_glossary(path, terms)
    outside.write_text("---\nterm: Outside\ncanonical_id: LEADS-OUT\nstatus: draft\n---\n", encoding="utf-8")
    (repo / "terms" / "LEADS-OUT.md").symlink_to(outside)
    return repo


def _audit(repo: Path, workers: str, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    monkeypatch.setenv("AUTHORING_WORKERS", workers)
    with Glossary.open(repo) as glossary:
        return [f.model_dump(mode="json") for f in glossary.audit().findings]


def test_findings_keep_the_order_of_the_stages_that_made_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = overlap_glossary(tmp_path / "g", tmp_path / "outside.md")
    pooled, alone = _audit(repo, "2", monkeypatch), _audit(repo, "1", monkeypatch)
    assert pooled == alone
    twice = [(f["code"], f["message"]) for f in pooled if f["term"] == "TWICE"]
    codes = [code for code, _ in twice]
    assert {"dangling-crosslink", "module-missing"} <= set(codes), twice
    assert any(f["code"] == "label-collision" and f["terms"] == ["ONCE", "TWICE"] for f in pooled)  # searched aside
    # two stages report `module-missing` warnings on TWICE: provenance's comes first, as it always ran first
    missing = [message for code, message in twice if code == "module-missing"]
    assert len(missing) == 2 and missing[0].startswith("provenance.sources.0 cites module MOD-404"), missing
    assert missing[1].startswith("parents.0: MOD-405"), missing
    # a parent naming a term is no module reference; one naming an id that is no term of the audit is
    asks = [f["message"] for f in pooled if f["term"] == "ASKS" and f["code"] == "module-missing"]
    assert [m.split(" names")[0] for m in asks] == ["parents.0: LEADS-OUT"], asks
    assert any(f["term"] == "LEADS-OUT" and f["code"] == "unsafe-path" for f in pooled)


def test_suggestions_found_at_once_are_the_ones_found_one_by_one() -> None:
    generator = random.Random(18)
    first, second = ["TIDE", "TIDAL", "SHORE", "SHOAL"], ["LOOM", "LOAM", "LINE"]
    ids = sorted({f"{generator.choice(first)}_{generator.choice(second)}_{n % 7}" for n in range(400)}
                 | {f"ECHO_{n}" for n in range(12)})
    targets = [f"{generator.choice(ids).lower().replace('_', ' ')}{generator.choice(['', 'x', '9', ' a'])}"
               for _ in range(300)] + ["echo", "Echo 1", "ECHO_", "Tide Loom", "tide-loom_3"]
    one_by_one, at_once = Resolver(KnownTerm(i) for i in ids), Resolver(KnownTerm(i) for i in ids)
    at_once.suggest_all(targets)
    expected = [one_by_one.resolve(t) for t in targets]
    assert [at_once.resolve(t) for t in targets] == expected
    near = [r for r in expected if r.how == "near-miss"]
    assert len(near) > 64 and any(len(r.suggestions) == SUGGESTIONS for r in near)  # ties among them (ids _0.._6)


def _square(value: int) -> int:
    return value * value


def test_work_set_aside_gives_the_answer_made_here() -> None:
    with process_pool(1) as pool, aside(_square, lambda: (7,), pool) as result:
        assert result() == 49
    with aside(_square, lambda: (8,), None) as result:
        assert result() == 64  # no pool: made here
    with process_pool(1) as pool:
        pool.shutdown()
        with aside(_square, lambda: (9,), pool) as result:
            assert result() == 81  # a pool that can take no work: made here
    with aside(int, lambda: ("not a number",), None) as failing, pytest.raises(ValueError):
        failing()


@pytest.mark.parametrize("newest", ["good", "bad", "nested"])
def test_an_adoption_record_read_aside_is_the_one_read_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            newest: str) -> None:
    """The walk's newest adoption record is read by an idle pool worker (`Auditor._adoption_aside`): the same
    baseline, and for a record that does not read the same finding, as when it is read in this process."""
    repo = overlap_glossary(tmp_path / "g", tmp_path / "outside.md")
    when = dt.datetime(2026, 11, 29, 12, tzinfo=dt.UTC)
    older = AdoptionRecord(when=when, who="Ed <ed@example.org>", statuses={"TERM_000": "ratified"})
    good = AdoptionRecord(when=when + dt.timedelta(hours=1), who="Ed <ed@example.org>",
                          statuses={f"TERM_{n:03d}": "ratified" for n in range(3)})
    plain_commit(repo, {f"review_logs/_adoption/{older.file_name()}": older.render()}, "an older adoption")
    plain_commit(repo, {"terms/TERM_001.md": term_text("TERM_001", status="ratified", art="Shore 1."),
                        "terms/TERM_002.md": term_text("TERM_002", status="ratified", art="Shore 2.")},
                 "ratified behind the tool's back")
    text = {"good": good.render(), "bad": "action: adopt\nwhen: [not, a, time\n",
            "nested": "action: adopt\nstatuses: " + "[" * 50_000 + "]" * 50_000 + "\n"}[newest]
    plain_commit(repo, {f"review_logs/_adoption/{good.file_name()}": text}, "the newest adoption")
    pooled, alone = _audit(repo, "2", monkeypatch), _audit(repo, "1", monkeypatch)
    assert pooled == alone
    codes = {(f["term"], f["code"]) for f in pooled}
    if newest == "good":  # the ratifications came before it: the adopted baseline
        assert not {("TERM_001", "unreviewed-status-change"), ("TERM_002", "unreviewed-status-change")} & codes
    else:  # reported (nested past any reader's depth too: never a crash), and the older record is the
        # baseline: the ratifications after it are judged
        assert (None, "bad-adoption-record") in codes
        assert ("TERM_001", "unreviewed-status-change") in codes
