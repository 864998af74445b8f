"""Gates that said yes when they should not, and gaps filed by their gate rather than their wording.

Issue 15 wrong results 4 (an empty operational definition passed the candidate gate) and 6 (approvals
given before a demotion still counted, and its note asked nothing); issue 17 item 5 (the checklist
filed gaps by message prefix)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from authoring.config import People, Policy
from authoring.core.model import Status
from authoring.errors import Problem, Severity
from authoring.tui.screens.dialogs import MessageDialog
from authoring.workflow import gates
from authoring.workflow.checklist import CANDIDATE_GATES, RATIFIED_GATES, promotion_checklist
from authoring.workflow.gaps import Gap, Gate
from authoring.workflow.identity import Role, parse_identity
from authoring.workflow.review_log import Action, ReviewEvent, content_revision
from authoring.workflow.statuses import Move
from tests.conftest import AGENT, EDITOR, EDITOR_2, git, run_cli
from tests.test_tui_review import open_review
from tests.tui_support import make_app, press, settle, shown

CAROL = "Carol Editor <carol@example.org>"
PEOPLE = People(editors=[EDITOR, EDITOR_2, CAROL], agents=[AGENT])
ENTRY = {"term": "X", "canonical_id": "X", "status": "candidate", "version": 0.2, "triad": {"art": "a"}}
EMPTY_OPERATIONAL = {"units": "", "symbol_table": [], "measurement": {"procedures": []}}


def event(n: int, who: str, action: Action, note: str | None = None, revision: str | None = None) -> ReviewEvent:
    return ReviewEvent(term="X", when=dt.datetime(2026, 1, 1, 0, 0, n, tzinfo=dt.UTC), who=who, action=action,
                       revision=revision or content_revision(ENTRY), note=note,
                       from_status="ratified" if action is Action.DEMOTE else None,
                       to_status="candidate" if action is Action.DEMOTE else None)


# -- 4: an operational definition must say something ---------------------------------------------------


@pytest.mark.parametrize(("operational", "filled"), [
    (None, False), ({}, False), ("minutes", False), (EMPTY_OPERATIONAL, False),
    ({"units": "  ", "symbol_table": [{"name": "", "meaning": None}], "measurement": {"procedures": [{}]}}, False),
    ({"units": "minutes", "symbol_table": [], "measurement": {"procedures": []}}, True),  # the demo's SLACK_WATER
    ({"units": "", "symbol_table": [{"name": "τ", "meaning": "slack time"}]}, True),
    ({"measurement": {"procedures": [{"name": "watch the tide gauge"}]}}, True),
])
def test_the_candidate_gate_needs_an_operational_definition_that_says_something(operational: Any,
                                                                                 filled: bool) -> None:
    gi = gates.GateInput(entry={**ENTRY, "operational_definition": operational}, events=[],
                         actor=parse_identity(EDITOR), role=Role.EDITOR)
    gaps = [gap for gap in gates.full_entry_gaps(gi) if gap.gate is Gate.OPERATIONAL]
    assert (not gaps) is filled
    assert gates.operational_filled(operational) is filled


def test_an_emptied_operational_definition_is_refused_by_promote_and_shown_in_gates(repo: Path) -> None:
    assert _act(repo, EDITOR, "gates", "SLACK_WATER")[0] == 0  # every gate met before
    assert _act(repo, EDITOR, "set", "SLACK_WATER", "operational_definition.units", '""')[0] == 0
    code, out = _act(repo, EDITOR, "promote", "SLACK_WATER")
    assert code == 3 and "operational_definition: missing or empty" in out, out
    code, out = _act(repo, EDITOR, "gates", "SLACK_WATER")
    assert code == 3 and "1 unmet gate(s)" in out and "operational_definition" in out
    assert "status: draft" in (repo / "terms" / "SLACK_WATER.md").read_text(encoding="utf-8")


async def test_the_review_checklist_crosses_an_empty_operational_definition(repo: Path) -> None:
    assert _act(repo, EDITOR, "set", "SLACK_WATER", "operational_definition.units", '""')[0] == 0
    app = make_app(repo, EDITOR)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = await open_review(pilot, "SLACK_WATER")
    assert "✗ operational definition — operational_definition: missing or empty" in text
    assert "Promotion would be refused" in text


# -- 6: a demotion reopens the review ------------------------------------------------------------------


def test_a_demotion_voids_earlier_approvals_and_its_note_is_an_open_request() -> None:
    before = [event(1, EDITOR_2, Action.APPROVE), event(2, CAROL, Action.APPROVE),
              event(3, EDITOR, Action.PROMOTE), event(4, EDITOR_2, Action.DEMOTE, "the threshold is wrong")]
    result = gates.tally(ENTRY, before, PEOPLE)
    assert result.valid == [] and result.before_demotion == [EDITOR_2, CAROL]
    assert [request.note for request in result.open_requests] == ["the threshold is wrong"]
    # answered as a request for changes is: the one who asked approves later ...
    answered = gates.tally(ENTRY, [*before, event(5, EDITOR_2, Action.APPROVE)], PEOPLE)
    assert answered.open_requests == [] and answered.valid == [EDITOR_2] and answered.before_demotion == [CAROL]
    # ... or the content changes after it
    reworked = gates.tally(ENTRY, [*before, event(5, EDITOR, Action.EDIT, revision="new")], PEOPLE)
    assert reworked.open_requests == []
    # someone else's approval does not answer it
    other = gates.tally(ENTRY, [*before, event(5, CAROL, Action.APPROVE)], PEOPLE)
    assert len(other.open_requests) == 1 and other.valid == [CAROL]


def test_after_a_demotion_with_a_note_the_term_needs_new_approvals_and_an_answer(repo: Path) -> None:
    config = repo / "authoring.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("approvals_to_ratify = 1", "approvals_to_ratify = 2"),
                      encoding="utf-8")
    git(repo, "commit", "-qam", "two approvals to ratify")
    term = "WEFT_PRESSURE"  # Alice edited it: Bob and Carol review
    assert _act(repo, EDITOR_2, "review", term, "--approve")[0] == 0
    assert _act(repo, CAROL, "review", term, "--approve")[0] == 0
    code, out = _act(repo, EDITOR, "promote", term)
    assert code == 0 and f"{term}: promote candidate → ratified" in out, out
    assert _act(repo, EDITOR_2, "demote", term, "--to", "candidate", "--note", "the threshold is wrong")[0] == 0

    code, out = _act(repo, EDITOR, "promote", term)
    assert code == 3, out
    assert f"given before the term was moved back: {EDITOR_2}, {CAROL}" in out
    assert f"open request for changes by {EDITOR_2}" in out and "the threshold is wrong" in out
    assert _act(repo, CAROL, "review", term, "--approve")[0] == 0
    code, out = _act(repo, EDITOR, "promote", term)
    assert code == 3 and "open request for changes" in out and "1 valid" in out, out
    assert _act(repo, EDITOR_2, "review", term, "--approve", "--note", "fixed in the law")[0] == 0  # the answer
    code, out = _act(repo, EDITOR, "promote", term)
    assert code == 0, out
    assert "status: ratified" in (repo / "terms" / f"{term}.md").read_text(encoding="utf-8")
    trailers = git(repo, "log", "-1", "--format=%(trailers)")
    assert f"Reviewed-by: {CAROL}" in trailers and f"Reviewed-by: {EDITOR_2}" in trailers


async def test_after_a_demotion_the_review_screen_shows_the_request_and_refuses_promote_before_any_prompt(
        repo: Path) -> None:
    term = "WEFT_PRESSURE"  # Alice edited it: Bob reviews
    assert _act(repo, EDITOR_2, "review", term, "--approve")[0] == 0
    assert _act(repo, EDITOR, "promote", term)[0] == 0
    assert _act(repo, EDITOR_2, "demote", term, "--to", "candidate", "--note", "the threshold is wrong")[0] == 0
    head = git(repo, "rev-parse", "HEAD")
    app = make_app(repo, EDITOR)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = await open_review(pilot, term)
        assert "the threshold is wrong" in text  # the demotion's note, shown as the open request it is
        await press(pilot, "p")
        dialog = app.screen
        assert isinstance(dialog, MessageDialog)  # refused at once: no confirmation was asked first
        body = shown(dialog.query_one("#message-body", Static), 400)
        assert "open request for changes" in body and "moved back" in body, body
    assert git(repo, "rev-parse", "HEAD") == head


# -- 17.5: gaps are filed by their gate ----------------------------------------------------------------


def every_gap() -> list[Gap]:
    """A gap of every gate the moves and reviews can raise."""
    stranger = parse_identity("Sam Stranger <sam@example.org>")
    bare = gates.GateInput(entry={"status": "draft", "provenance": {"sources": [{"module": "M"}]}}, events=[],
                           actor=stranger, role=Role.NONE, sources=[gates.SourceCheck(0, "M", False, "not found")],
                           problems=[Problem("x", 2, 1, Severity.ERROR, "yaml", "bad")])
    found: list[Gap] = [*gates.move_gaps(bare, Move.PROMOTE, Status.DRAFT, Status.CANDIDATE, None),
                        *gates.move_gaps(bare, Move.DEPRECATE, Status.DRAFT, Status.DEPRECATED, None, False)]
    ask = event(1, EDITOR_2, Action.REQUEST_CHANGES, "why")
    candidate = gates.GateInput(entry=ENTRY, events=[ask], actor=parse_identity(EDITOR), role=Role.EDITOR,
                                people=PEOPLE, policy=Policy(approvals_to_ratify=1),
                                unreadable_events=[Problem("x", 1, 1, Severity.ERROR, "bad", "bad")])
    found += gates.move_gaps(candidate, Move.PROMOTE, Status.CANDIDATE, Status.RATIFIED, None)
    drafted = gates.GateInput(entry=ENTRY, events=[event(0, EDITOR, Action.DRAFT)], actor=parse_identity(EDITOR),
                              role=Role.EDITOR, people=PEOPLE)
    found += gates.review_gaps(drafted, Action.APPROVE, Status.RATIFIED, None)
    return found


def test_every_gap_has_a_gate_from_the_closed_set() -> None:
    found = every_gap()
    assert all(isinstance(gap.gate, Gate) for gap in found)
    assert {gap.gate for gap in found} == set(Gate)  # every gate is raised somewhere above


@pytest.mark.parametrize("target", [Status.CANDIDATE, Status.RATIFIED])
def test_rewording_a_gap_cannot_misfile_it(target: Status) -> None:
    found = every_gap()
    reworded = [dataclasses.replace(gap, message=f"zz {index} something else entirely")
                for index, gap in enumerate(found)]
    as_said = promotion_checklist("X", "draft", target.value, found, EDITOR, [])
    as_reworded = promotion_checklist("X", "draft", target.value, reworded, EDITOR, [])
    assert [(i.name, i.passed, i.gates) for i in as_said.items] == [(i.name, i.passed, i.gates)
                                                                   for i in as_reworded.items]
    spec = CANDIDATE_GATES if target is Status.CANDIDATE else RATIFIED_GATES
    named = {gate for _name, _meaning, kinds in spec for gate in kinds}
    for item in as_said.items:  # each item collected exactly the gaps of its own gates
        assert set(item.gates) == {gap.gate.value for gap in found if gap.gate.value in item.gates}
        if item.name not in {name for name, _meaning, _kinds in spec}:
            assert item.name in {gate.value for gate in Gate if gate not in named}
    assert sum(len([g for g in found if g.gate.value in i.gates]) for i in as_said.items) == len(found)


def test_the_checklist_reads_no_message() -> None:
    source = (Path(gates.__file__).parent / "checklist.py").read_text(encoding="utf-8")
    assert "startswith" not in source and ".split(" not in source


# -- helpers -----------------------------------------------------------------------------------------


def _act(repo: Path, who: str, *args: str) -> tuple[int, str]:
    result = run_cli(*args, "--repo", str(repo), "--as", who)
    return result.code, result.out + result.err


@pytest.fixture
def repo(demo_repo: Path) -> Path:
    """The demo glossary with an editors list (Alice, Bob, Carol) and the extractive agent."""
    config = demo_repo / "authoring.toml"
    config.write_text(config.read_text(encoding="utf-8").split("[people]")[0]
                      + f'[people]\neditors = ["{EDITOR}", "{EDITOR_2}", "{CAROL}"]\nagents = ["{AGENT}"]\n'
                      + "\n[policy]\napprovals_to_ratify = 1\n", encoding="utf-8")
    git(demo_repo, "commit", "-qam", "editors list")
    return demo_repo
