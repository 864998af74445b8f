"""`authoring queue`, `authoring undo` and several ids at once, on a real repository with two editors and an
agent, every action a real commit made through the CLI with `--as`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.conftest import AGENT, EDITOR, EDITOR_2, git, run_cli

ALICE, BOB = EDITOR, EDITOR_2
PEOPLE = f"""
[people]
editors = ["{ALICE}", "{BOB}"]
agents = ["{AGENT}"]
"""


@pytest.fixture
def repo(demo_repo: Path) -> Path:
    """The demo glossary with two editors (Alice, Bob) and the extractive agent, and a draft the agent made
    (from DEMO-001 §2)."""
    config = demo_repo / "authoring.toml"
    config.write_text(config.read_text(encoding="utf-8").split("[people]")[0] + PEOPLE
                      + "\n[policy]\napprovals_to_ratify = 1\n", encoding="utf-8")
    git(demo_repo, "commit", "-qam", "editors list")
    drafted = run_cli("--repo", demo_repo, "--as", AGENT, "draft", "DEMO-001", "--section", "2", "--json")
    assert drafted.code == 0, drafted.err
    return demo_repo


def cli(repo: Path, who: str, *args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = run_cli(*args, "--repo", str(repo), "--as", who, "--json")
    text = result.out if result.code == 0 or result.out.strip() else result.err
    return result.code, json.loads(text) if text.strip() else {}


def queue_of(repo: Path, who: str) -> dict:  # type: ignore[type-arg]
    code, data = cli(repo, who, "queue")
    assert code == 0, data
    return data


def ids(data: dict, kind: str) -> list[str]:  # type: ignore[type-arg]
    return [item["term"] for item in data[kind]]


def drafted_id(repo: Path) -> str:
    return git(repo, "log", "-1", "--format=%(trailers:key=Term,valueonly)", "--grep=draft from").strip()


def test_queue_shows_each_editor_what_awaits_them(repo: Path) -> None:
    agent_draft = drafted_id(repo)
    # Alice edits SLACK_WATER and makes it a candidate: its author now
    assert cli(repo, ALICE, "set", "SLACK_WATER", "symbol", '"W_s"')[0] == 0
    assert cli(repo, ALICE, "promote", "SLACK_WATER")[0] == 0

    bob = queue_of(repo, BOB)
    assert bob["actor"] == BOB and bob["role"] == "editor"
    # WEFT_PRESSURE names Alice among its editors: Bob may approve it, Alice may not
    assert ids(bob, "to_approve") == ["SLACK_WATER", "WEFT_PRESSURE"]
    assert ids(bob, "agent_drafts") == [agent_draft]
    assert ids(bob, "my_drafts") == [] and ids(bob, "requests") == []
    alice = queue_of(repo, ALICE)
    assert ids(alice, "to_approve") == []
    assert ids(alice, "agent_drafts") == [agent_draft]

    # Bob asks for changes on SLACK_WATER: Alice's to answer, Bob's raised; no longer Bob's to approve
    assert cli(repo, BOB, "review", "SLACK_WATER", "--request-changes", "--note", "name the symbol")[0] == 0
    alice, bob = queue_of(repo, ALICE), queue_of(repo, BOB)
    assert ids(alice, "requests") == ["SLACK_WATER"] and "asks you for changes" in alice["requests"][0]["reason"]
    assert ids(bob, "requests") == ["SLACK_WATER"] and "you asked for changes" in bob["requests"][0]["reason"]
    assert ids(bob, "to_approve") == ["WEFT_PRESSURE"]

    # Bob approves WEFT_PRESSURE: off his list, counted in the approvals the list shows
    assert cli(repo, BOB, "review", "WEFT_PRESSURE", "--approve")[0] == 0
    bob = queue_of(repo, BOB)
    assert ids(bob, "to_approve") == [] and bob["approvals"] == {"WEFT_PRESSURE": 1}
    assert bob["counts"] == {"to_approve": 0, "requests": 1, "agent_drafts": 1, "my_drafts": 0}
    # an editor's review of the agent draft takes it off the "first review" list
    code, said = cli(repo, BOB, "review", agent_draft, "--comment", "--note", "looks promising")
    assert code == 0, said
    assert ids(queue_of(repo, BOB), "agent_drafts") == []

    # the agent approves nothing and reviews nothing; its draft is its own
    agent = queue_of(repo, AGENT)
    assert agent["role"] == "agent" and ids(agent, "to_approve") == [] and ids(agent, "agent_drafts") == []
    assert agent_draft in ids(agent, "my_drafts")


def test_queue_is_served_from_the_store_until_something_changes(repo: Path) -> None:
    first = queue_of(repo, BOB)
    assert first["cached"] is False
    again = queue_of(repo, BOB)
    assert again["cached"] is True and again["to_approve"] == first["to_approve"]
    assert cli(repo, BOB, "review", "WEFT_PRESSURE", "--approve")[0] == 0
    after = queue_of(repo, BOB)
    assert after["cached"] is False and ids(after, "to_approve") == []
    # another identity never gets Bob's answer
    assert queue_of(repo, ALICE)["actor"] == ALICE


def test_undo_of_an_approval_withdraws_it_and_the_gate_honours_it(repo: Path) -> None:
    assert cli(repo, BOB, "review", "WEFT_PRESSURE", "--approve")[0] == 0
    approval = git(repo, "rev-parse", "HEAD").strip()
    code, plan = cli(repo, BOB, "undo", "--dry-run")
    assert code == 0 and plan["commit"] == approval and plan["action"] == "approve" and plan["undoable"]
    code, done = cli(repo, BOB, "undo", "--note", "approved the wrong term")
    assert code == 0, done
    assert done["action"] == "undo" and done["undone"]["commit"] == approval
    # a new commit, on top: history is never rewritten
    assert git(repo, "rev-parse", "HEAD~1").strip() == approval
    message = git(repo, "log", "-1", "--format=%an <%ae>%n%B")
    assert message.startswith(f"{BOB}\nWEFT_PRESSURE: undo approve")
    assert f"Action: undo\nUndoes: {approval}\nUndone-action: approve" in message
    (event_file,) = [p for p in (repo / "review_logs" / "WEFT_PRESSURE").glob("*-undo-*.yaml")]
    event = yaml.safe_load(event_file.read_text(encoding="utf-8"))
    assert event["who"] == BOB and event["undoes"] == approval and event["undone"] == "approve"
    assert event["withdraws"] == done["terms"]["WEFT_PRESSURE"]["withdraws"] and len(event["withdraws"]) == 1
    # the withdrawn approval no longer counts: the ratification gate says so, and Bob's queue has it back
    code, refused = cli(repo, ALICE, "promote", "WEFT_PRESSURE", "--to", "ratified")
    assert code == 3 and any("0 valid" in m for m in refused["missing"])
    assert ids(queue_of(repo, BOB), "to_approve") == ["WEFT_PRESSURE"]
    assert git(repo, "status", "--porcelain") == ""


def test_undo_of_a_ratification_moves_status_and_version_back(repo: Path) -> None:
    before = (repo / "terms" / "WEFT_PRESSURE.md").read_text(encoding="utf-8")
    assert cli(repo, BOB, "review", "WEFT_PRESSURE", "--approve")[0] == 0
    assert cli(repo, ALICE, "promote", "WEFT_PRESSURE", "--to", "ratified")[0] == 0
    assert "status: ratified" in (repo / "terms" / "WEFT_PRESSURE.md").read_text(encoding="utf-8")
    # Bob's approval is what the ratification stood on: he cannot withdraw it while it stands
    code, refused = cli(repo, BOB, "undo")
    assert code == 3 and any("later action depends on it" in m and "promote" in m for m in refused["missing"])
    code, done = cli(repo, ALICE, "undo")
    assert code == 0, done
    assert done["terms"]["WEFT_PRESSURE"] == {"status_from": "ratified", "status_to": "candidate", "version": "0.2",
                                              "withdraws": []}
    after = (repo / "terms" / "WEFT_PRESSURE.md").read_text(encoding="utf-8")
    entry = yaml.safe_load(after.split("---\n")[1])
    assert entry["status"] == "candidate" and entry["version"] == 0.2  # as written before: a plain 0.2
    notes = [line["notes"] for line in entry["provenance"]["review_log"]]
    assert notes[-2] == "promote candidate → ratified" and notes[-1].startswith("undo of promote in ")
    # outside the workflow's bookkeeping, every line is as it was before the ratification
    changed = {line for line in after.splitlines() if line not in before.splitlines()}
    assert all(("last_updated" in c) or c.startswith(("    - date", "      reviewer", "      notes")) for c in changed)
    # now Bob's approval stands on nothing later: his undo goes through
    assert cli(repo, BOB, "undo")[0] == 0
    # the audit accepts the undo events as the record of the status changes
    audit = run_cli("audit", "--repo", repo, "--json", "--no-cache")
    codes = {f["code"] for f in json.loads(audit.out)["findings"] if f["severity"] == "error"}
    assert not codes & {"unreviewed-status-change", "forged-event", "ratification-without-approval"}, codes


def test_undo_twice_takes_back_two_actions_and_restores_the_content(repo: Path) -> None:
    path = repo / "terms" / "SLACK_WATER.md"
    original = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
    assert cli(repo, ALICE, "set", "SLACK_WATER", "symbol", '"W_s"')[0] == 0
    assert cli(repo, ALICE, "promote", "SLACK_WATER")[0] == 0
    code, first = cli(repo, ALICE, "undo")
    assert code == 0 and first["undone"]["action"] == "promote"
    code, second = cli(repo, ALICE, "undo")
    assert code == 0 and second["undone"]["action"] == "edit"
    entry = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
    assert entry["status"] == "draft" and entry["version"] == original["version"]
    assert entry["symbol"] == original["symbol"]
    strip = {"last_updated", "provenance"}
    assert {k: v for k, v in entry.items() if k not in strip} == {k: v for k, v in original.items() if k not in strip}
    # nothing of Alice's is left to undo on this branch but the draft she asked for (its author is the agent)
    code, refused = cli(repo, ALICE, "undo")
    assert code == 3 and "nothing to undo" in refused["error"]


def test_undo_refusals_are_clear_and_change_nothing(repo: Path) -> None:
    head = git(repo, "rev-parse", "HEAD").strip()
    # the agent's last action is a draft: not undone (reject it instead)
    code, refused = cli(repo, AGENT, "undo")
    assert code == 3 and "reject" in refused["error"]
    # an identity with no action on the branch
    code, refused = cli(repo, BOB, "undo")
    assert code == 3 and "nothing to undo" in refused["error"]
    # undo bound to a commit that is not the actor's last action: a conflict
    assert cli(repo, BOB, "review", "WEFT_PRESSURE", "--approve")[0] == 0
    code, refused = cli(repo, BOB, "undo", "--expect", head)
    assert code == 4 and "nothing was undone" in refused["error"]
    # a comment by someone else later does not depend on the approval; an outside edit of the file does
    assert cli(repo, ALICE, "review", "WEFT_PRESSURE", "--comment", "--note", "fine by me")[0] == 0
    assert cli(repo, BOB, "undo", "--dry-run")[1]["undoable"] is True
    path = repo / "terms" / "WEFT_PRESSURE.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Weft Pressure", "Weft Pressure!", 1), encoding="utf-8")
    git(repo, "commit", "-qam", "outside edit")
    moved = git(repo, "rev-parse", "HEAD").strip()
    code, refused = cli(repo, BOB, "undo")
    assert code == 3 and any("outside edit" in m for m in refused["missing"])
    assert git(repo, "rev-parse", "HEAD").strip() == moved and git(repo, "status", "--porcelain") == ""


def test_review_and_fold_headers_take_several_ids_each_its_own_commit(repo: Path) -> None:
    assert cli(repo, ALICE, "promote", "SLACK_WATER")[0] == 0
    head = git(repo, "rev-parse", "HEAD").strip()
    # Bob approves two candidates and a draft: the draft is refused, the two others are committed
    code, bulk = cli(repo, BOB, "review", "SLACK_WATER", "KNOT_DRIFT", "WEFT_PRESSURE", "--approve")
    assert [r["term"] for r in bulk["results"]] == ["SLACK_WATER", "KNOT_DRIFT", "WEFT_PRESSURE"]
    assert [r["ok"] for r in bulk["results"]] == [True, True, True] and code == 0
    subjects = git(repo, "log", "--format=%s", f"{head}..HEAD").splitlines()
    assert subjects == ["WEFT_PRESSURE: approve", "KNOT_DRIFT: approve", "SLACK_WATER: approve"]
    # Alice cannot approve what she authored: that term fails, the other goes through, exit 3
    assert cli(repo, ALICE, "promote", "SLACK_WATER", "--to", "ratified")[0] == 0
    code, bulk = cli(repo, ALICE, "review", "WEFT_PRESSURE", "KNOT_DRIFT", "--approve")
    assert code == 3 and bulk["failed"] == 1 and bulk["done"] == 1
    failed = next(r for r in bulk["results"] if not r["ok"])
    assert failed["term"] == "WEFT_PRESSURE" and failed["exit_code"] == 3 and "self-approval" in failed["message"]
    code, folded = cli(repo, ALICE, "fold-headers", "KNOT_DRIFT", "SLACK_WATER")
    assert code == 0 and [r["term"] for r in folded["results"]] == ["KNOT_DRIFT", "SLACK_WATER"]


def test_a_withdrawal_counts_only_for_its_givers_own_earlier_reviews() -> None:
    import datetime as dt

    from authoring.workflow.review_log import Action, ReviewEvent
    from authoring.workflow.withdrawals import withdrawn_reviews

    def event(who: str, action: Action, minute: int, **extra: object) -> ReviewEvent:
        return ReviewEvent.model_validate({"term": "T", "when": dt.datetime(2026, 11, 20, 12, minute, tzinfo=dt.UTC),
                                           "who": who, "action": action, **extra})

    bob_approves = event(BOB, Action.APPROVE, 1)
    alice_asks = event(ALICE, Action.REQUEST_CHANGES, 2)
    alice_promotes = event(ALICE, Action.PROMOTE, 3)
    # Alice cannot withdraw Bob's approval, nor a status move; a withdrawal of a later event counts for nothing
    later = event(BOB, Action.COMMENT, 9)
    trail = [bob_approves, alice_asks, alice_promotes,
             event(ALICE, Action.UNDO, 4, withdraws=[bob_approves.id, alice_promotes.id, later.id]),
             event(ALICE, Action.UNDO, 5, withdraws=[alice_asks.id]), later]
    assert withdrawn_reviews(trail) == {alice_asks.id}
    assert withdrawn_reviews([*trail, event(BOB, Action.UNDO, 10, withdraws=bob_approves.id)]) == {
        alice_asks.id, bob_approves.id}
