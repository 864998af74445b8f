"""The pure workflow: versions, moves, module references, and the gates' definitions on plain data."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from authoring.config import People, Policy
from authoring.core.model import Status
from authoring.core.module_refs import ModuleIndex, snippet_in
from authoring.core.roundtrip import Editor
from authoring.core.termfile import load_term
from authoring.workflow import gates
from authoring.workflow.gaps import Gate
from authoring.workflow.identity import Role, parse_identity
from authoring.workflow.review_log import Action, ReviewEvent, content_revision
from authoring.workflow.statuses import Move, move_problems, next_up, status_of
from authoring.workflow.versions import next_major, next_minor, styled_date, styled_version
from tests.conftest import EDITOR, EDITOR_2

ENTRY = {"term": "X", "canonical_id": "X", "status": "candidate", "version": 0.2, "triad": {"art": "a"}}
PEOPLE = People(editors=[EDITOR, EDITOR_2], agents=["Bot <bot@example.org>"])


def event(n: int, who: str, action: Action, revision: str | None = None, role: str = "editor") -> ReviewEvent:
    return ReviewEvent(term="X", when=dt.datetime(2026, 1, 1, 0, 0, n, tzinfo=dt.UTC), who=who, role=role,
                       action=action, revision=revision or content_revision(ENTRY))


@pytest.mark.parametrize(("text", "major", "minor"), [("0.1", "1.0", "0.2"), ("1.9", "2.0", "1.10"),
                                                      (None, "1.0", "0.1"), ("2", "3.0", "2.1")])
def test_versions(text: str | None, major: str, minor: str) -> None:
    assert (next_major(text), next_minor(text)) == (major, minor)


def test_version_style_follows_the_old_value() -> None:
    assert styled_version("0.2", 0.1) == 0.2
    assert styled_version("0.10", 0.9) == "0.10"  # a float would read back as 0.1
    assert styled_version("1.0", "0.3") == "1.0"
    assert styled_date(dt.date(2026, 1, 2), "2025-01-01") == "2026-01-02"
    assert styled_date(dt.date(2026, 1, 2), dt.date(2025, 1, 1)) == dt.date(2026, 1, 2)


def test_moves() -> None:
    assert status_of({}) is Status.DRAFT and status_of({"status": "odd"}) is None
    assert next_up(Status.DRAFT) is Status.CANDIDATE and next_up(Status.RATIFIED) is None
    assert move_problems(Move.DEMOTE, Status.RATIFIED, Status.DRAFT) == []
    assert move_problems(Move.DEMOTE, Status.REJECTED, Status.DRAFT) == []
    assert move_problems(Move.DEMOTE, Status.DEPRECATED, Status.DRAFT) != []
    assert move_problems(Move.REJECT, Status.RATIFIED, Status.REJECTED) != []


def test_valid_approval_requires_a_non_author_editor_on_the_current_content() -> None:
    events = [event(1, EDITOR, Action.DRAFT), event(2, EDITOR, Action.APPROVE), event(3, EDITOR_2, Action.APPROVE),
              event(4, "Bot <bot@example.org>", Action.APPROVE),
              event(5, "Eve <eve@example.org>", Action.APPROVE)]
    result = gates.tally(ENTRY, events, PEOPLE)
    assert result.valid == [EDITOR_2]
    assert result.by_authors == [EDITOR]
    assert result.by_non_editors == ["Bot <bot@example.org>", "Eve <eve@example.org>"]


def test_content_reverted_to_an_approved_revision_still_needs_a_new_approval() -> None:
    current = content_revision(ENTRY)
    events = [event(1, EDITOR_2, Action.APPROVE), event(2, EDITOR, Action.EDIT, "other"),
              event(3, EDITOR, Action.EDIT, current)]
    result = gates.tally(ENTRY, events, PEOPLE)
    assert result.valid == [] and result.stale == [EDITOR_2]


def test_open_requests() -> None:
    ask = event(1, EDITOR_2, Action.REQUEST_CHANGES)
    assert gates.tally(ENTRY, [ask], PEOPLE).open_requests == [ask]
    assert gates.tally(ENTRY, [ask, event(2, EDITOR_2, Action.APPROVE)], PEOPLE).open_requests == []
    assert gates.tally(ENTRY, [ask, event(2, EDITOR, Action.APPROVE)], PEOPLE).open_requests == [ask]
    assert gates.tally(ENTRY, [ask, event(2, EDITOR, Action.EDIT, "new")], PEOPLE).open_requests == []


def test_ratification_gate_lists_every_gap() -> None:
    gi = gates.GateInput(entry=ENTRY, events=[event(1, EDITOR_2, Action.REQUEST_CHANGES)],
                         actor=parse_identity(EDITOR), role=Role.EDITOR, people=PEOPLE,
                         policy=Policy(approvals_to_ratify=2))
    gaps = gates.move_gaps(gi, Move.PROMOTE, Status.CANDIDATE, Status.RATIFIED, None)
    assert [g.message.split(":")[0] for g in gaps] == ["approvals",
                                                       f"open request for changes by {EDITOR_2} (2026-01-01)"]
    assert [g.gate for g in gaps] == [Gate.APPROVALS, Gate.OPEN_REQUESTS]


def test_full_entry_gate_on_plain_data() -> None:
    gi = gates.GateInput(entry=ENTRY, events=[], actor=parse_identity(EDITOR), role=Role.EDITOR)
    gaps = gates.full_entry_gaps(gi)
    assert gaps[0].message == "triad: law, philosophy missing or empty"
    assert [g.gate.value for g in gaps] == ["triad", "pirouette_definition", "operational_definition",
                                            "crosslinks", "provenance"]


def test_modules_resolve_by_stem_id_or_declared_id_and_ignore_the_dictionary(tmp_path: Path) -> None:
    modules = tmp_path / "modules"
    (modules / "dictionary").mkdir(parents=True)
    (modules / "dictionary" / "DOMA-036.md").write_text("a term, not a module", encoding="utf-8")
    (modules / "DOMA-036_fields.md").write_text("# Fields\nThe  flux\nof  coherence.", encoding="utf-8")
    (modules / "oddly_named.md").write_text("---\nid: COG-RES-009\ntitle: x\n---\n", encoding="utf-8")
    index = ModuleIndex.scan(modules)
    assert index.resolve("DOMA-036") == modules / "DOMA-036_fields.md"
    assert index.resolve("DOMA-036_fields") == modules / "DOMA-036_fields.md"
    assert index.resolve("COG-RES-009") == modules / "oddly_named.md"
    assert index.resolve("NOPE") is None
    assert snippet_in((modules / "DOMA-036_fields.md").read_text(), "flux of\n   coherence.")
    assert not snippet_in("text", "   ")


def test_modules_resolve_on_the_real_corpus(corpus: Path) -> None:
    index = ModuleIndex.scan(corpus / "modules")
    assert index.resolve("CORE-013_the_river_of_information") is not None
    assert index.resolve("CORE-013") == index.resolve("CORE-013_the_river_of_information")


def test_a_batch_of_edits_is_verified_once_and_equals_edits_one_at_a_time(demo_repo: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from authoring.core import roundtrip

    parses = {"n": 0}

    def counting(*args: Any, **kwargs: Any) -> Any:
        parses["n"] += 1
        return load_term(*args, **kwargs)

    monkeypatch.setattr(roundtrip, "load_term", counting)
    term = load_term(demo_repo / "terms" / "TIDAL_LOOM.md")
    one, batched = Editor(term), Editor(term)
    for editor in (one, batched):
        parses["n"] = 0
        with editor.batch() if editor is batched else contextlib.nullcontext():
            for block in (0, 1):
                editor.set(("status",), "candidate", block=block)
                editor.set(("version",), "1.1", block=block)
            editor.append(("provenance", "review_log"), {"date": dt.date(2026, 1, 1), "reviewer": EDITOR,
                                                         "notes": "x"})
            editor.set(("last_updated",), "2026-01-01")
    assert parses["n"] == 1  # the batch: one re-parse for six changes
    assert batched.render() == one.render()
    assert len(batched.changes) == 6


def test_the_first_mapping_appended_to_an_empty_flow_list_is_a_block_item(tmp_path: Path) -> None:
    path = tmp_path / "T.md"
    path.write_text("---\nterm: T\nprovenance:\n  review_log: []\n  editors: [a]\n---\nbody\n", encoding="utf-8")
    editor = Editor(load_term(path))
    editor.append(("provenance", "review_log"), {"date": dt.date(2026, 1, 2), "reviewer": "R <r@x.org>",
                                                 "notes": "n"})
    editor.append(("provenance", "editors"), "b")  # a flow list with siblings stays flow
    assert editor.render().decode() == ("---\nterm: T\nprovenance:\n  review_log:\n    - date: 2026-01-02\n"
                                        "      reviewer: R <r@x.org>\n      notes: n\n  editors: [a, b]\n---\nbody\n")
