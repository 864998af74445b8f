"""One review view (`Glossary.review_view`): the review screen offers exactly the moves the workflow
allows from every status, and `authoring gates --json` prints the same view the service returns.

Issue 17 item 2 and issue 15 wrong result 5 (revive a rejected term, a term without `status:`)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from authoring.core.model import Status
from authoring.repo.service import Glossary
from authoring.tui.screens.dialogs import ChoiceDialog, ConfirmDialog, DeprecateDialog, MessageDialog, NoteDialog
from authoring.tui.screens.review import ReviewScreen
from authoring.workflow.statuses import Move, allowed_moves, status_of
from tests.conftest import git, run_cli
from tests.test_tui_review import notified, open_review, review_text
from tests.tui_support import make_app, press, settle, shown

# a term in every status, and one with no `status:` at all (a draft, as the workflow reads it)
CASES = [*(status.value for status in Status), "none"]
MOVE_ACTIONS = {Move.PROMOTE: "promote", Move.DEMOTE: "demote", Move.REJECT: "reject", Move.DEPRECATE: "deprecate"}


def term_id(case: str) -> str:
    return f"SLACK_{case.upper()}"


def with_every_status(repo: Path) -> Path:
    """The demo glossary plus a copy of SLACK_WATER (a full draft) in every status, committed."""
    text = (repo / "terms" / "SLACK_WATER.md").read_text(encoding="utf-8")
    for case in CASES:
        copy = text.replace("SLACK_WATER", term_id(case)).replace("term: Slack Water", f"term: Slack {case}")
        copy = copy.replace("status: draft\n", "" if case == "none" else f"status: {case}\n", 1)
        (repo / "terms" / f"{term_id(case)}.md").write_text(copy, encoding="utf-8")
    git(repo, "add", "terms")
    git(repo, "commit", "-q", "-m", "a term in every status")
    return repo


@pytest.fixture
def every_status(demo_repo: Path) -> Path:
    return with_every_status(demo_repo)


def key_for(screen: ReviewScreen, action: str) -> str:
    """The key the screen binds to `action` now (whatever table the bindings come from)."""
    for key, active in screen.active_bindings.items():
        if active.binding.action == action:
            return key
    raise AssertionError(f"no key for {action}")


def title(pilot: Pilot[Any]) -> str:
    return shown(pilot.app.screen.query_one(".dialog-title", Static), 200).strip()


async def offered_by_screen(pilot: Pilot[Any], review: ReviewScreen) -> dict[str, list[str]]:
    """Press each move's key on the review and read what the screen offers: the targets of the dialog it
    opens, or nothing when it refuses (the refusal closed again)."""
    offered: dict[str, list[str]] = {}
    for move, action in MOVE_ACTIONS.items():
        await press(pilot, key_for(review, action))
        dialog = pilot.app.screen
        if isinstance(dialog, MessageDialog):
            assert title(pilot).startswith("Refused:"), title(pilot)
            assert "None" not in title(pilot) + shown(dialog.query_one("#message-body", Static), 200)
            offered[move.value] = []
        elif isinstance(dialog, ConfirmDialog):  # promote: "Promote X from S to T?"
            found = re.search(r" to (\w+)\?$", title(pilot))
            assert found, title(pilot)
            offered[move.value] = [found.group(1)]
        elif isinstance(dialog, ChoiceDialog):
            options = dialog.query_one(OptionList)
            offered[move.value] = [str(options.get_option_at_index(i).id) for i in range(options.option_count)]
        elif isinstance(dialog, NoteDialog):  # "Demote X to T: why?", "Revive X as a draft: why?", "Reject X: why?"
            found = re.search(r" (?:to|as a) (\w+): why\?$", title(pilot))
            offered[move.value] = [found.group(1)] if found else [Status.REJECTED.value]
        elif isinstance(dialog, DeprecateDialog):
            offered[move.value] = [Status.DEPRECATED.value]
        else:
            raise AssertionError(f"{action} opened {dialog!r}")
        await press(pilot, "escape")
        assert pilot.app.screen is review
    return offered


@pytest.mark.parametrize("case", CASES)
async def test_the_review_offers_exactly_the_workflows_moves(every_status: Path, case: str) -> None:
    glossary = Glossary.open(every_status)
    view = glossary.review_view(term_id(case))
    entry = glossary.load(term_id(case)).entry
    assert entry is not None
    expected = {option.move.value: [t.value for t in option.targets] for option in allowed_moves(status_of(entry))}
    assert {option.move.value: [t.value for t in option.targets] for option in view.moves} == expected
    app = make_app(every_status)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = await open_review(pilot, term_id(case))
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert "None" not in text and "None" not in str(review.sub_title)
        assert await offered_by_screen(pilot, review) == expected
    head = git(every_status, "rev-parse", "HEAD")
    assert git(every_status, "status", "--porcelain") == "" and head  # nothing was written


@pytest.mark.parametrize("case", CASES)
def test_gates_json_is_the_service_view(every_status: Path, case: str) -> None:
    result = run_cli("gates", term_id(case), "--repo", every_status, "--json")
    assert result.code in (0, 3), result.err
    printed = json.loads(result.out)
    view = Glossary.open(every_status).review_view(term_id(case))
    assert printed == json.loads(json.dumps(view.to_json()))
    # the keys scripts already read are still there, beside the view
    assert {"term", "status", "target", "ready", "missing", "revision", "approvals", "end"} <= printed.keys()
    assert {"moves", "checklist", "events", "problems", "diff", "name"} <= printed.keys()
    assert printed["status"] == ("draft" if case == "none" else case)
    assert [m["move"] for m in printed["moves"]] == [m.value for m in Move]


def test_a_term_without_status_is_a_draft_and_says_so(every_status: Path) -> None:
    view = Glossary.open(every_status).review_view("SLACK_NONE")
    assert (view.status, view.workflow_status) == ("draft", Status.DRAFT)
    assert "no `status:`" in view.status_note
    assert view.gates is not None and view.gates.target == "candidate"
    assert view.option(Move.PROMOTE).targets == (Status.CANDIDATE,)


async def test_a_term_without_status_can_be_promoted_from_the_ui(every_status: Path) -> None:
    app = make_app(every_status)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = await open_review(pilot, "SLACK_NONE")
        assert "no `status:` in the file" in text and "→ promote to candidate" in text
        await press(pilot, key_for(app.screen, "promote"))  # type: ignore[arg-type]
        assert title(pilot) == "Promote SLACK_NONE from draft to candidate?"
        await press(pilot, "y")
        assert notified(pilot, "SLACK_NONE: promote draft → candidate")
    assert "status: candidate" in (every_status / "terms" / "SLACK_NONE.md").read_text(encoding="utf-8")


async def test_a_rejected_term_is_revived_from_the_ui_with_a_note(every_status: Path) -> None:
    app = make_app(every_status)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = await open_review(pilot, "SLACK_REJECTED")
        assert "→ revive to draft (a note says why)" in text
        review = app.screen
        assert isinstance(review, ReviewScreen)
        await press(pilot, key_for(review, "demote"))
        assert title(pilot) == "Revive SLACK_REJECTED as a draft: why?"
        await press(pilot, *"worth another look", "enter")
        assert notified(pilot, "SLACK_REJECTED: demote rejected → draft")
        assert "(draft)" in str(review.sub_title) and "→ promote to candidate" in review_text(pilot)
    assert "status: draft" in (every_status / "terms" / "SLACK_REJECTED.md").read_text(encoding="utf-8")
    assert "worth another look" in git(every_status, "show", "HEAD", "--", "review_logs")
