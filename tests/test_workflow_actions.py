"""The review workflow on real repositories, driven through the CLI as editors and agents use it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from tests.conftest import AGENT, EDITOR, EDITOR_2, git, run_cli

CAROL = "Carol Editor <carol@example.org>"
STRANGER = "Sam Stranger <sam@example.org>"
PEOPLE = f"""
[people]
editors = ["{EDITOR}", "{EDITOR_2}", "{CAROL}"]
agents = ["{AGENT}"]
"""


@pytest.fixture
def repo(demo_repo: Path) -> Path:
    """The demo glossary with an editors list (Alice, Bob, Carol) and the extractive agent."""
    config = demo_repo / "authoring.toml"
    config.write_text(config.read_text(encoding="utf-8").split("[people]")[0] + PEOPLE
                      + "\n[policy]\napprovals_to_ratify = 1\n", encoding="utf-8")
    git(demo_repo, "commit", "-qam", "editors list")
    return demo_repo


def act(repo: Path, who: str, *args: str) -> tuple[int, str]:
    result = run_cli(*args, "--repo", str(repo), "--as", who)
    return result.code, result.out + result.err


def front(repo: Path, term: str) -> list[dict[str, object]]:
    text = (repo / "terms" / f"{term}.md").read_text(encoding="utf-8")
    parts = text.split("---\n")
    return [yaml.safe_load(p) for p in parts[1:-1] if p.strip()]


def events(repo: Path, term: str) -> list[dict[str, object]]:
    folder = repo / "review_logs" / term
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.yaml"))]


def head_message(repo: Path) -> str:
    return git(repo, "log", "-1", "--format=%an <%ae>%n%B")


def head_files(repo: Path) -> set[str]:
    return set(git(repo, "show", "--name-only", "--format=", "HEAD").split())


# -- draft → candidate ---------------------------------------------------------------------------


def test_promote_full_draft_to_candidate_commits_file_and_event_with_trailers(repo: Path) -> None:
    code, out = act(repo, EDITOR, "promote", "SLACK_WATER", "--note", "complete")
    assert code == 0, out
    entry = front(repo, "SLACK_WATER")[-1]
    assert entry["status"] == "candidate"
    assert entry["last_updated"] == dt.date.today()
    assert entry["version"] == 0.1  # a promotion to candidate leaves the version alone
    log = entry["provenance"]["review_log"]  # type: ignore[index]
    assert log[-1] == {"date": dt.date.today(), "reviewer": EDITOR, "notes": "complete"}
    message = head_message(repo)
    assert message.startswith(EDITOR + "\nSLACK_WATER: promote draft → candidate\n")
    assert "Term: SLACK_WATER\nAction: promote\nStatus: draft → candidate" in message
    files = head_files(repo)
    assert "terms/SLACK_WATER.md" in files and len(files) == 2
    (event,) = events(repo, "SLACK_WATER")
    assert event["action"] == "promote" and event["who"] == EDITOR
    assert (event["from_status"], event["to_status"]) == ("draft", "candidate")
    assert git(repo, "status", "--porcelain") == ""


def test_promote_stub_names_every_missing_part(repo: Path) -> None:
    before = (repo / "terms" / "KNOT_DRIFT.md").read_bytes()
    result = run_cli("promote", "KNOT_DRIFT", "--repo", repo, "--as", EDITOR, "--json")
    assert result.code == 3
    error = json.loads(result.err)
    gates = [m.split(":")[0] for m in error["missing"]]
    assert gates == ["triad", "pirouette_definition", "operational_definition", "crosslinks", "provenance"]
    assert "5 unmet gates" in error["error"]
    assert (repo / "terms" / "KNOT_DRIFT.md").read_bytes() == before


def test_promote_refuses_when_the_snippet_is_not_in_its_module(repo: Path) -> None:
    run_cli("set", "SLACK_WATER", "provenance.sources.0.snippet", "words the module never said",
            "--repo", repo, "--as", EDITOR)
    code, out = act(repo, EDITOR_2, "promote", "SLACK_WATER")
    assert code == 3
    assert "provenance.sources: no source whose snippet is found in its module" in out
    assert "snippet not found in modules/DEMO-001_the_tidal_loom.md" in out


def test_promote_refuses_when_the_module_does_not_exist(repo: Path) -> None:
    run_cli("set", "SLACK_WATER", "provenance.sources.0.module", "NOPE-404", "--repo", repo, "--as", EDITOR)
    code, out = act(repo, EDITOR_2, "promote", "SLACK_WATER")
    assert code == 3 and "module NOPE-404 not found in modules" in out


def test_promote_resolves_a_module_by_full_stem(repo: Path) -> None:
    run_cli("set", "SLACK_WATER", "provenance.sources.0.module", "DEMO-001_the_tidal_loom",
            "--repo", repo, "--as", EDITOR)
    code, out = act(repo, EDITOR_2, "promote", "SLACK_WATER")
    assert code == 0, out


def test_promote_refuses_a_term_with_error_level_problems(repo: Path) -> None:
    # an id that disagrees with the file name is an error-level problem
    run_cli("set", "SLACK_WATER", "canonical_id", "SLACK_WATERS", "--repo", repo, "--as", EDITOR)
    code, out = act(repo, EDITOR_2, "promote", "SLACK_WATER")
    assert code == 3
    assert "problems: 1 error-level problem(s): terms/SLACK_WATER.md:3:1: error: id-mismatch" in out


def test_promote_one_step_at_a_time_and_not_backwards(repo: Path) -> None:
    code, out = act(repo, EDITOR, "promote", "SLACK_WATER", "--to", "ratified")
    assert code == 3 and "promote one step at a time: draft → candidate first" in out
    code, out = act(repo, EDITOR, "promote", "WEFT_PRESSURE", "--to", "draft")
    assert code == 3 and "is not a promotion (use demote" in out
    code, out = act(repo, EDITOR, "promote", "TIDAL_LOOM")
    assert code == 3 and "nothing follows ratified" in out
    code, out = act(repo, EDITOR, "promote", "SLACK_WATER", "--to", "finished")
    assert code == 2 and "'finished' is not a status" in out


# -- candidate → ratified -------------------------------------------------------------------------


def test_ratify_needs_an_approval_then_sets_the_next_major_with_reviewed_by(repo: Path) -> None:
    code, out = act(repo, EDITOR, "promote", "WEFT_PRESSURE")
    assert code == 3 and "approvals: 1 needed" in out and "0 valid" in out
    assert act(repo, EDITOR_2, "review", "WEFT_PRESSURE", "--approve", "--note", "sound")[0] == 0
    code, out = act(repo, CAROL, "promote", "WEFT_PRESSURE")
    assert code == 0, out
    entry = front(repo, "WEFT_PRESSURE")[-1]
    assert (entry["status"], entry["version"]) == ("ratified", 1.0)
    message = head_message(repo)
    assert message.startswith(CAROL)
    assert "Status: candidate → ratified\nVersion: 0.2 → 1.0\nReviewed-by: Bob Editor <bob@example.org>" in message


def test_self_approval_is_refused_and_never_counts(repo: Path) -> None:
    # Alice edits the candidate's content: she is now one of its authors
    assert act(repo, EDITOR, "set", "WEFT_PRESSURE", "triad.art", "The wind leaning on the tide, hard.")[0] == 0
    code, out = act(repo, EDITOR, "review", "WEFT_PRESSURE", "--approve")
    assert code == 3 and f"self-approval: {EDITOR} authored or edited this content" in out
    assert [e["action"] for e in events(repo, "WEFT_PRESSURE")] == ["edit"]


def test_agent_may_edit_and_comment_but_never_approve_promote_or_demote(repo: Path) -> None:
    assert act(repo, AGENT, "review", "WEFT_PRESSURE", "--comment", "--note", "snippet checked")[0] == 0
    assert act(repo, AGENT, "set", "WEFT_PRESSURE", "operational_definition.units", "ratio")[0] == 0
    for args in (("review", "WEFT_PRESSURE", "--approve"),
                 ("review", "WEFT_PRESSURE", "--request-changes", "--note", "x"),
                 ("promote", "SLACK_WATER"),
                 ("demote", "WEFT_PRESSURE", "--to", "draft", "--note", "x"),
                 ("reject", "SLACK_WATER", "--note", "x"),
                 ("deprecate", "TIDAL_LOOM", "--note", "x")):
        code, out = act(repo, AGENT, *args)
        assert code == 3, args
        assert f"permission: {AGENT} is an agent; agents may draft, edit and comment" in out


def test_agent_approval_recorded_behind_the_tools_back_does_not_count(repo: Path) -> None:
    folder = repo / "review_logs" / "WEFT_PRESSURE"
    folder.mkdir(parents=True)
    from authoring.core.termfile import load_term
    from authoring.workflow.review_log import content_revision

    entry = load_term(repo / "terms" / "WEFT_PRESSURE.md").entry
    assert entry is not None
    (folder / "20260101T000000000000Z-approve-deadbeef.yaml").write_text(
        f"id: deadbeef\nterm: WEFT_PRESSURE\nwhen: 2026-01-01T00:00:00Z\nwho: {AGENT}\nrole: editor\n"
        f"action: approve\nrevision: {content_revision(entry)}\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "forged approval")
    code, out = act(repo, EDITOR, "promote", "WEFT_PRESSURE")
    # the file says the agent approved, but the commit that added it was authored by someone else: a forged
    # event, which does not count at all
    assert code == 3 and "0 valid" in out


def test_non_editors_are_refused_when_an_editors_list_exists(repo: Path) -> None:
    for args in (("review", "WEFT_PRESSURE", "--comment", "--note", "hi"), ("set", "SLACK_WATER", "symbol", "S"),
                 ("promote", "SLACK_WATER")):
        code, out = act(repo, STRANGER, *args)
        assert code == 3, args
        assert f"permission: {STRANGER} is not listed among the editors" in out


def test_stale_approval_after_an_edit_does_not_count(repo: Path) -> None:
    assert act(repo, EDITOR_2, "review", "WEFT_PRESSURE", "--approve")[0] == 0
    assert act(repo, EDITOR, "set", "WEFT_PRESSURE", "triad.philosophy", "Noise must stay the smaller part.")[0] == 0
    code, out = act(repo, CAROL, "promote", "WEFT_PRESSURE")
    assert code == 3
    assert f"stale, given before the last content change: {EDITOR_2}" in out
    assert act(repo, EDITOR_2, "review", "WEFT_PRESSURE", "--approve")[0] == 0
    assert act(repo, CAROL, "promote", "WEFT_PRESSURE")[0] == 0


def test_open_request_for_changes_blocks_until_answered(repo: Path) -> None:
    assert act(repo, EDITOR_2, "review", "WEFT_PRESSURE", "--approve")[0] == 0
    assert act(repo, CAROL, "review", "WEFT_PRESSURE", "--request-changes", "--note", "cite §2 table")[0] == 0
    code, out = act(repo, EDITOR_2, "promote", "WEFT_PRESSURE")
    assert code == 3 and f"open request for changes by {CAROL}" in out and "cite §2 table" in out
    # Carol's own approval answers her request
    assert act(repo, CAROL, "review", "WEFT_PRESSURE", "--approve")[0] == 0
    assert act(repo, EDITOR_2, "promote", "WEFT_PRESSURE")[0] == 0


def test_request_for_changes_is_closed_by_a_later_content_change(repo: Path) -> None:
    assert act(repo, CAROL, "review", "WEFT_PRESSURE", "--request-changes", "--note", "units?")[0] == 0
    assert act(repo, EDITOR, "set", "WEFT_PRESSURE", "operational_definition.units", "ratio in [0, 1]")[0] == 0
    assert act(repo, EDITOR_2, "review", "WEFT_PRESSURE", "--approve")[0] == 0
    code, out = act(repo, CAROL, "promote", "WEFT_PRESSURE")
    assert code == 0, out


def test_every_unmet_ratification_gate_is_named_at_once(repo: Path) -> None:
    config = repo / "authoring.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("approvals_to_ratify = 1",
                                                                 "approvals_to_ratify = 2"), encoding="utf-8")
    git(repo, "commit", "-qam", "two approvals")
    assert act(repo, EDITOR_2, "review", "WEFT_PRESSURE", "--approve")[0] == 0
    assert act(repo, CAROL, "review", "WEFT_PRESSURE", "--request-changes", "--note", "no")[0] == 0
    code, out = act(repo, EDITOR, "promote", "WEFT_PRESSURE")
    assert code == 3
    assert "2 unmet gates" in out and "approvals: 2 needed" in out and "1 valid (Bob Editor" in out
    assert "open request for changes by Carol" in out


# -- content edits, reopening, re-ratification -----------------------------------------------------


def test_edit_bumps_the_minor_and_reopens_a_ratified_term_then_reratifies_to_2_0(repo: Path) -> None:
    path = repo / "terms" / "TIDAL_LOOM.md"
    code, out = act(repo, EDITOR, "set", "TIDAL_LOOM", "triad.art", "A shore that weaves.")
    assert code == 0, out
    header, entry = front(repo, "TIDAL_LOOM")
    assert (entry["status"], entry["version"], entry["last_updated"]) == ("candidate", "1.1",
                                                                        dt.date.today().isoformat())
    # the legacy header moves with the entry, in its own (quoted) style
    assert (header["status"], header["version"], header["last_updated"]) == (entry["status"], "1.1",
                                                                            dt.date.today().isoformat())
    text = path.read_text(encoding="utf-8")
    assert text.count('version: "1.1"') == 2 and text.count('status: "candidate"') == 1
    assert "Status: ratified → candidate\nVersion: 1.0 → 1.1" in head_message(repo)
    (edit,) = events(repo, "TIDAL_LOOM")
    assert (edit["action"], edit["from_status"], edit["to_status"]) == ("edit", "ratified", "candidate")
    assert act(repo, EDITOR_2, "review", "TIDAL_LOOM", "--approve")[0] == 0
    assert act(repo, CAROL, "promote", "TIDAL_LOOM")[0] == 0
    header, entry = front(repo, "TIDAL_LOOM")
    assert (entry["status"], entry["version"], header["status"], header["version"]) == ("ratified", "2.0",
                                                                                      "ratified", "2.0")


def test_plain_float_versions_stay_plain_until_a_minor_reaches_ten(repo: Path) -> None:
    path = repo / "terms" / "SLACK_WATER.md"
    for n in range(2, 11):
        assert act(repo, EDITOR, "set", "SLACK_WATER", "operational_definition.units", f"minutes x{n}")[0] == 0
        version_line = next(line for line in path.read_text(encoding="utf-8").split("\n")
                            if line.startswith("version:"))
        assert version_line == (f"version: 0.{n}" if n < 10 else 'version: "0.10"')


def test_set_refuses_workflow_fields(repo: Path) -> None:
    code, out = act(repo, EDITOR, "set", "SLACK_WATER", "status", "ratified")
    assert code == 2 and "status is kept by the workflow" in out


def test_setting_the_same_value_changes_nothing(repo: Path) -> None:
    head = git(repo, "rev-parse", "HEAD")
    code, out = act(repo, EDITOR, "set", "SLACK_WATER", "operational_definition.units", "minutes")
    assert code == 0 and "already has that value" in out
    assert git(repo, "rev-parse", "HEAD") == head


# -- moves back and end states ------------------------------------------------------------------------


def test_moves_back_need_a_note_and_record_it(repo: Path) -> None:
    code, out = act(repo, EDITOR, "demote", "WEFT_PRESSURE", "--to", "draft", "--note", " ")
    assert code == 3 and "note: a demote needs a note" in out
    code, out = act(repo, EDITOR, "demote", "WEFT_PRESSURE", "--to", "draft", "--note", "threshold unclear")
    assert code == 0, out
    entry = front(repo, "WEFT_PRESSURE")[-1]
    assert entry["status"] == "draft"
    assert entry["provenance"]["review_log"][-1]["notes"] == "threshold unclear"  # type: ignore[index]
    code, out = act(repo, EDITOR, "demote", "WEFT_PRESSURE", "--to", "candidate", "--note", "x")
    assert code == 3 and "is not a move back" in out


def test_reopen_a_ratified_term_keeps_its_version(repo: Path) -> None:
    assert act(repo, EDITOR, "demote", "TIDAL_LOOM", "--to", "candidate", "--note", "new evidence")[0] == 0
    header, entry = front(repo, "TIDAL_LOOM")
    assert (entry["status"], entry["version"], header["status"]) == ("candidate", "1.0", "candidate")


def test_reject_keeps_the_file_and_records_why(repo: Path) -> None:
    code, out = act(repo, EDITOR, "reject", "KNOT_DRIFT", "--note", "duplicate of drift")
    assert code == 0, out
    (header,) = front(repo, "KNOT_DRIFT")
    assert header["status"] == "rejected"
    result = json.loads(run_cli("reject", "KNOT_DRIFT", "--note", "again", "--repo", repo, "--as", EDITOR,
                                "--json").err)
    assert result["exit_code"] == 3 and "only a draft or a candidate can be rejected" in result["missing"][0]
    (event,) = events(repo, "KNOT_DRIFT")
    assert (event["action"], event["note"]) == ("reject", "duplicate of drift")
    # a stub's provenance is a list: the file is not given a review log, the event file records it
    assert "provenance is a list of module ids" in json.loads(
        run_cli("demote", "KNOT_DRIFT", "--to", "draft", "--note", "revived", "--repo", repo, "--as", EDITOR,
                "--json").out)["review_log"]


def test_deprecate_points_at_its_successor(repo: Path) -> None:
    code, out = act(repo, EDITOR, "deprecate", "TIDAL_LOOM", "--note", "split", "--superseded-by", "NOPE")
    assert code == 3 and "superseded_by: names no term" in out
    code, out = act(repo, EDITOR, "deprecate", "TIDAL_LOOM", "--note", "split", "--superseded-by", "WEFT_PRESSURE")
    assert code == 0, out
    entry = front(repo, "TIDAL_LOOM")[-1]
    assert (entry["status"], entry["superseded_by"]) == ("deprecated", "WEFT_PRESSURE")
    assert "Superseded-by: WEFT_PRESSURE" in head_message(repo)
    code, out = act(repo, EDITOR, "deprecate", "SLACK_WATER", "--note", "x")
    assert code == 3 and "only a ratified term can be deprecated" in out


def test_review_needs_exactly_one_verdict_and_a_note_for_comments(repo: Path) -> None:
    code, out = act(repo, EDITOR, "review", "WEFT_PRESSURE")
    assert code == 2 and "exactly one of" in out
    code, out = act(repo, EDITOR, "review", "WEFT_PRESSURE", "--comment")
    assert code == 3 and "note: a comment needs a note" in out
    code, out = act(repo, EDITOR, "review", "TIDAL_LOOM", "--approve")
    assert code == 3 and "only drafts and candidates are reviewed" in out


# -- legacy headers -------------------------------------------------------------------------------


def test_fold_headers_rewrites_the_header_to_the_entry_and_records_an_edit(repo: Path) -> None:
    path = repo / "terms" / "TIDAL_LOOM.md"
    text = path.read_text(encoding="utf-8").replace('status: "ratified"', 'status: "draft"', 1)
    path.write_text(text, encoding="utf-8")
    git(repo, "commit", "-qam", "an old header")
    assert "header-disagrees" in run_cli("check", "TIDAL_LOOM", "--repo", repo).out
    code, out = act(repo, EDITOR, "fold-headers", "TIDAL_LOOM")
    assert code == 0, out
    header, entry = front(repo, "TIDAL_LOOM")
    assert header["status"] == "ratified" == entry["status"]
    assert entry["version"] == "1.0"  # headers only: not a content change, no reopening
    assert 'status: "ratified"' in path.read_text(encoding="utf-8")
    assert "header-disagrees" not in run_cli("check", "TIDAL_LOOM", "--repo", repo).out
    (event,) = events(repo, "TIDAL_LOOM")
    assert event["action"] == "edit" and "header 1 status" in str(event["note"])
    code, out = act(repo, EDITOR, "fold-headers", "TIDAL_LOOM")
    assert code == 0 and "already agree" in out


def test_a_header_only_fold_neither_stales_approvals_nor_makes_an_author(repo: Path) -> None:
    path = repo / "terms" / "WEFT_PRESSURE.md"
    text = path.read_text(encoding="utf-8")
    path.write_text('---\nterm: "Weft Pressure"\nstatus: "draft"\n---\n\n' + text, encoding="utf-8")
    git(repo, "commit", "-qam", "a legacy header")
    assert act(repo, EDITOR_2, "review", "WEFT_PRESSURE", "--approve")[0] == 0
    assert act(repo, CAROL, "fold-headers", "WEFT_PRESSURE")[0] == 0
    code, out = act(repo, CAROL, "promote", "WEFT_PRESSURE")
    assert code == 0, out
    header, entry = front(repo, "WEFT_PRESSURE")
    assert header["status"] == "ratified" and entry["version"] == 1.0


def test_gates_shows_the_checklist_without_writing(repo: Path) -> None:
    head = git(repo, "rev-parse", "HEAD")
    result = run_cli("gates", "WEFT_PRESSURE", "--repo", repo, "--as", CAROL, "--json")
    assert result.code == 3
    report = json.loads(result.out)
    assert (report["status"], report["target"], report["ready"]) == ("candidate", "ratified", False)
    assert report["missing"][0].startswith("approvals: 1 needed")
    assert act(repo, EDITOR_2, "review", "WEFT_PRESSURE", "--approve")[0] == 0
    result = run_cli("gates", "WEFT_PRESSURE", "--repo", repo, "--as", CAROL, "--json")
    assert result.code == 0 and json.loads(result.out)["approvals"]["valid"] == [EDITOR_2]
    result = run_cli("gates", "KNOT_DRIFT", "--repo", repo, "--as", CAROL)
    assert result.code == 3 and "KNOT_DRIFT: draft → candidate: 5 unmet gate(s)" in result.out
    assert "  - triad: missing" in result.out
    assert "permission:" in run_cli("gates", "SLACK_WATER", "--repo", repo, "--as", AGENT).out
    assert git(repo, "rev-parse", "HEAD") != head  # only the review committed
    assert git(repo, "status", "--porcelain") == ""


def test_a_review_of_content_that_changed_since_it_was_read_is_a_conflict(repo: Path) -> None:
    seen = json.loads(run_cli("gates", "WEFT_PRESSURE", "--repo", repo, "--as", CAROL, "--json").out)["revision"]
    assert act(repo, EDITOR, "set", "WEFT_PRESSURE", "triad.art", "Wind on the tide.")[0] == 0
    code, out = act(repo, EDITOR_2, "review", "WEFT_PRESSURE", "--approve", "--revision", seen)
    assert code == 4 and "the content changed since you read it" in out
    now = json.loads(run_cli("gates", "WEFT_PRESSURE", "--repo", repo, "--as", CAROL, "--json").out)["revision"]
    assert act(repo, EDITOR_2, "review", "WEFT_PRESSURE", "--approve", "--revision", now)[0] == 0
