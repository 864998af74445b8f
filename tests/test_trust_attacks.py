"""Issue 12, attacks 1–7: each performed on a real repository, each refused or reported (docs/TRUST.md).

Attack 8 (concurrency) is in `test_trust_concurrency.py`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from authoring.workflow.review_log import Action
from tests.conftest import AGENT, git
from tests.history_builders import event, plain_commit, term_text, tool_commit
from tests.trust_support import (
    ALICE,
    BOB,
    MALLORY,
    PEOPLE,
    TERM,
    TERM_FILE,
    audit,
    candidate,
    cli,
    codes,
    commit_event,
    drafted,
    head,
    ratified_text,
    signers_line,
    signing,
    ssh_key,
    user,
)

# -- 1. anyone is anyone ------------------------------------------------------------------------------


def test_an_agent_checkout_cannot_approve_or_ratify_as_editors(tmp_path: Path) -> None:
    repo = candidate(tmp_path / "g")
    user(repo, AGENT)  # the agent's own checkout
    before = head(repo)
    approve = cli(repo, "review", TERM, "--approve", "--as", BOB)
    assert approve.code == 3 and "agent" in approve.err
    for _ in range(2):
        promote = cli(repo, "promote", TERM, "--as", ALICE)
        assert promote.code == 3 and "cannot act as" in promote.err
    assert head(repo) == before

    # the same moves made by hand: Git's author claims the editors, the committer is still the agent
    text = (repo / TERM_FILE).read_text()
    commit_event(repo, event(TERM, BOB, Action.APPROVE, text, "candidate", "candidate"), BOB)
    ratified = ratified_text(text)
    promote_event = event(TERM, ALICE, Action.PROMOTE, ratified, "candidate", "ratified", "1.0")
    commit_event(repo, promote_event, ALICE, files={TERM_FILE: ratified})
    code, report = audit(repo)
    found = codes(report)["agent-impersonation"]
    assert code == 1
    assert [f["severity"] for f in found] == ["error", "error"]
    assert {f["message"].split(" in ")[0] for f in found} == {f"approve by {BOB}", f"promote by {ALICE}"}


def test_a_claimed_identity_is_a_warning_and_unsigned_claims_fail_when_signatures_are_required(
        tmp_path: Path) -> None:
    repo = candidate(tmp_path / "g")
    user(repo, ALICE)  # Alice's checkout, approving "as Bob"
    approve = cli(repo, "review", TERM, "--approve", "--as", BOB)
    assert approve.code == 0, approve.err
    commit = head(repo)
    assert git(repo, "log", "-1", "--format=%an <%ae>|%cn <%ce>").strip() == f"{BOB}|{ALICE}"
    code, report = audit(repo)
    [claim] = codes(report)["unverified-identity"]
    assert code == 0 and claim["severity"] == "warning" and claim["commit"] == commit
    assert f"committed by {ALICE}" in claim["message"]


# -- 2. hand-written approvals count ------------------------------------------------------------------


def test_forged_untracked_and_misfiled_events_do_not_count(tmp_path: Path) -> None:
    repo = candidate(tmp_path / "g")
    text = (repo / TERM_FILE).read_text()
    forged = event(TERM, BOB, Action.APPROVE, text, "candidate", "candidate")

    # an untracked event file: the gate reads committed history only
    loose = repo / "review_logs" / TERM / forged.file_name()
    loose.parent.mkdir(parents=True, exist_ok=True)
    loose.write_text(forged.render(), encoding="utf-8")
    user(repo, ALICE)
    refused = cli(repo, "promote", TERM)
    assert refused.code == 3 and "0 valid" in refused.err
    loose.unlink()

    # Bob's genuine approval of another term, filed in this term's folder
    user(repo, BOB)
    misfiled = event("WEFT_PRESSURE", BOB, Action.APPROVE, text, "candidate", "candidate")
    misfiled_commit = commit_event(repo, misfiled, BOB, folder=TERM)
    user(repo, ALICE)
    assert cli(repo, "promote", TERM).code == 3

    # Mallory writes Bob's approval by hand and commits it with plain Git
    user(repo, MALLORY)
    mallory_commit = commit_event(repo, forged, MALLORY)
    user(repo, ALICE)
    refused = cli(repo, "promote", TERM)
    assert refused.code == 3 and "0 valid" in refused.err
    gates = json.loads(cli(repo, "gates", TERM, "--json").out)
    assert gates["approvals"]["valid"] == []

    code, report = audit(repo)
    found = codes(report)["forged-event"]
    assert code == 1 and all(f["severity"] == "error" for f in found)
    assert {f["commit"] for f in found} == {misfiled_commit, mallory_commit}
    messages = " ".join(f["message"] for f in found)
    assert "says term WEFT_PRESSURE" in messages and f"authored by {MALLORY}" in messages

    # the history shows them, and says they do not count
    history = json.loads(cli(repo, "history", TERM, "--json").out)
    judged = {e["commit"]: review for e in history for review in e["reviews"]}
    assert not judged[mallory_commit]["counts"] and MALLORY in judged[mallory_commit]["doubt"]
    assert not judged[misfiled_commit]["counts"] and "WEFT_PRESSURE" in judged[misfiled_commit]["doubt"]
    assert all(review["counts"] and review["doubt"] is None for commit, review in judged.items()
               if commit not in (mallory_commit, misfiled_commit))
    shown = cli(repo, "history", TERM).out
    assert shown.count("[does not count: forged-event:") == 2


@pytest.mark.parametrize("separator", ["\x1e", "\x1f"])
def test_control_characters_in_a_message_cannot_forge_a_commits_author(tmp_path: Path, separator: str) -> None:
    # Mallory's message holds what `git log`'s record and field separators would look like, followed by a
    # made-up commit header naming Bob as the author: the parse must not take it for Git's own output.
    repo = candidate(tmp_path / "g")
    text = (repo / TERM_FILE).read_text()
    forged = event(TERM, BOB, Action.APPROVE, text, "candidate", "candidate")
    name, mail = BOB.split(" <")
    header = "\x1f".join(["f" * 40, head(repo), name, mail.rstrip(">"), "2026-11-29T10:00:00+00:00", "approve"])
    message = f"{TERM}: approve\n\n{separator}{header}\n"
    user(repo, MALLORY)
    mallory_commit = commit_event(repo, forged, MALLORY)
    git(repo, "commit", "--amend", "--quiet", "--cleanup=verbatim", "-m", message)
    mallory_commit = head(repo)
    assert separator in git(repo, "log", "-1", "--format=%B")
    user(repo, ALICE)
    refused = cli(repo, "promote", TERM)
    assert refused.code == 3 and "0 valid" in refused.err
    code, report = audit(repo)
    [found] = codes(report)["forged-event"]
    assert code == 1 and found["commit"] == mallory_commit and f"authored by {MALLORY}" in found["message"]
    history = json.loads(cli(repo, "history", TERM, "--json").out)
    assert mallory_commit in json.dumps(history) and "f" * 40 not in json.dumps(history)


def _merge_by_hand(repo: Path, change: dict[str, str], side: str) -> str:
    """A side branch and a main-line commit, merged; `change` written into the merge commit itself."""
    git(repo, "checkout", "-q", "-b", side)
    plain_commit(repo, {f"notes/{side}.txt": "side\n"}, "side work")
    git(repo, "checkout", "-q", "-")
    plain_commit(repo, {f"notes/main-{side}.txt": "main\n"}, "main work")
    git(repo, "merge", "--no-commit", "--no-ff", "-q", side)
    for name, text in change.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
        git(repo, "add", name)
    git(repo, "commit", "-q", "--no-edit")
    return head(repo)


def test_a_status_or_event_made_inside_a_merge_commit_is_reported(tmp_path: Path) -> None:
    repo = candidate(tmp_path / "g")
    user(repo, MALLORY)
    clean = _merge_by_hand(repo, {}, "side")
    assert "merge-status-change" not in codes(audit(repo)[1])  # an ordinary merge is not a finding
    text = (repo / TERM_FILE).read_text()
    forged = event(TERM, BOB, Action.APPROVE, text, "candidate", "candidate")
    evil = _merge_by_hand(repo, {TERM_FILE: ratified_text(text),
                                 f"review_logs/{TERM}/{forged.file_name()}": forged.render()}, "evil")
    assert evil != clean and len(git(repo, "log", "-1", "--format=%P").split()) == 2
    code, report = audit(repo)
    found = codes(report)
    [status] = found["merge-status-change"]
    assert code == 1 and status["commit"] == evil and status["term"] == TERM
    assert "candidate → ratified" in status["message"] and MALLORY in status["message"]
    assert [f["commit"] for f in found["forged-event"]] == [evil]


def test_an_approval_rewritten_to_cover_new_content_does_not_count(tmp_path: Path) -> None:
    repo = candidate(tmp_path / "g")
    user(repo, BOB)
    assert cli(repo, "review", TERM, "--approve").code == 0
    [approval] = (repo / "review_logs" / TERM).glob("*-approve-*.yaml")
    user(repo, ALICE)
    assert cli(repo, "set", TERM, "triad.art", "A shore that moved.").code == 0
    current = json.loads(cli(repo, "gates", TERM, "--json").out)["revision"]
    # Mallory points Bob's old approval at the new content
    old_revision = next(line for line in approval.read_text().splitlines() if line.startswith("revision:"))
    rewritten = plain_commit(repo, {f"review_logs/{TERM}/{approval.name}": approval.read_text().replace(
        old_revision, f"revision: {current}")}, "fix revision", MALLORY)
    refused = cli(repo, "promote", TERM)
    assert refused.code == 3 and "0 valid" in refused.err
    [forged] = codes(audit(repo)[1])["forged-event"]
    assert forged["commit"] == rewritten and f"rewritten by {rewritten[:10]} ({MALLORY})" in forged["message"]


# -- 3. signatures cover every event, and the signer must be the author --------------------------------


def test_require_signed_checks_every_event_and_the_signers_principal(tmp_path: Path) -> None:
    keys = {who: ssh_key(tmp_path, name) for who, name in ((ALICE, "alice"), (BOB, "bob"), (AGENT, "agent"))}
    config = PEOPLE + '\n[audit]\nallowed_signers = ".signers"\n'
    signers = "".join(signers_line(who, public) for who, (_, public) in keys.items())
    # everyone signs with their own key, from the agent's draft on
    repo = drafted(tmp_path / "g", config, files={".signers": signers}, key=keys[AGENT][0])
    text = (repo / TERM_FILE).read_text()
    tool_commit(repo, TERM, None, AGENT, "comment", "comment",
                [event(TERM, AGENT, Action.COMMENT, text, "draft", "draft", note="ready")])
    signing(repo, keys[ALICE][0])
    user(repo, ALICE)
    assert cli(repo, "promote", TERM).code == 0
    # Bob approves and asks for changes, signing with Alice's key; then comments without signing
    user(repo, BOB)
    assert cli(repo, "review", TERM, "--approve").code == 0
    approve = head(repo)
    assert cli(repo, "review", TERM, "--request-changes", "--note", "cite §2").code == 0
    request = head(repo)
    signing(repo, None)
    assert cli(repo, "review", TERM, "--comment", "--note", "unsigned").code == 0
    comment = head(repo)
    # Alice approves "as Bob", with her own key: a claim, and a signature that is not Bob's
    signing(repo, keys[ALICE][0])
    user(repo, ALICE)
    assert cli(repo, "review", TERM, "--approve", "--as", BOB).code == 0
    claimed = head(repo)

    code, report = audit(repo, "--require-signed")
    found = codes(report)
    assert code == 1
    assert sorted(f["commit"] for f in found["wrongly-signed-event"]) == sorted([approve, request, claimed])
    assert all(f"not by its author {BOB.split('<')[1][:-1]}" in f["message"] for f in found["wrongly-signed-event"])
    assert [f["commit"] for f in found["unsigned-event"]] == [comment]
    [unproven] = found["unverified-identity"]
    assert unproven["commit"] == claimed and unproven["severity"] == "error"
    assert "unsigned-status-change" not in found and "bad-signature" not in found  # the draft and promote are good


def test_with_signatures_required_the_gate_counts_only_approvals_signed_by_their_author(tmp_path: Path) -> None:
    keys = {who: ssh_key(tmp_path, name) for who, name in ((ALICE, "alice"), (BOB, "bob"), (AGENT, "agent"))}
    config = PEOPLE + '\n[audit]\nallowed_signers = ".signers"\nrequire_signed = true\n'
    signers = "".join(signers_line(who, public) for who, (_, public) in keys.items())
    repo = drafted(tmp_path / "g", config, files={".signers": signers}, key=keys[AGENT][0])
    signing(repo, keys[ALICE][0])
    user(repo, ALICE)
    assert cli(repo, "promote", TERM).code == 0
    user(repo, BOB)
    signing(repo, keys[ALICE][0])  # Bob's approval, signed with the wrong key
    assert cli(repo, "review", TERM, "--approve").code == 0
    signing(repo, None)  # and once more, unsigned
    assert cli(repo, "review", TERM, "--approve").code == 0
    user(repo, ALICE)
    signing(repo, keys[ALICE][0])
    refused = cli(repo, "promote", TERM)
    assert refused.code == 3 and "0 valid" in refused.err
    user(repo, BOB)
    signing(repo, keys[BOB][0])
    assert cli(repo, "review", TERM, "--approve").code == 0
    user(repo, ALICE)
    signing(repo, keys[ALICE][0])
    done = cli(repo, "promote", TERM)
    assert done.code == 0, done.err
    # `[audit] require_signed` makes a plain `audit` check signatures too
    found = codes(audit(repo)[1])
    assert len(found["wrongly-signed-event"]) == 1 and len(found["unsigned-event"]) == 1


# -- 4. the audit trusts what it audits ---------------------------------------------------------------


def test_a_push_that_rewrites_policy_people_and_signers_is_judged_against_the_trusted_base(tmp_path: Path) -> None:
    keys = {who: ssh_key(tmp_path, name) for who, name in
            ((ALICE, "alice"), (BOB, "bob"), (AGENT, "agent"), (MALLORY, "mallory"))}
    config = PEOPLE + '\n[audit]\nallowed_signers = ".signers"\n'
    signers = "".join(signers_line(who, keys[who][1]) for who in (ALICE, BOB, AGENT))
    repo = drafted(tmp_path / "g", config, files={".signers": signers}, key=keys[AGENT][0])
    signing(repo, keys[ALICE][0])
    user(repo, ALICE)
    assert cli(repo, "promote", TERM).code == 0
    # an editor of the trusted base may change the policy (signed): not a finding
    git(repo, "branch", "trusted")
    stricter = config.replace("approvals_to_ratify = 1", "approvals_to_ratify = 1\n# reviewed by Alice")
    plain_commit(repo, {"authoring.toml": stricter}, "note who reviewed the policy")

    # Mallory's push: no approvals needed, Mallory an editor, Mallory's key trusted; then a ratification
    signing(repo, keys[MALLORY][0])
    user(repo, MALLORY)
    takeover = stricter.replace("approvals_to_ratify = 1", "approvals_to_ratify = 0").replace(
        f'"{BOB}"]', f'"{BOB}", "{MALLORY}"]')
    policy = plain_commit(repo, {"authoring.toml": takeover,
                                 ".signers": signers + signers_line(MALLORY, keys[MALLORY][1])}, "tidy config")
    ratify = cli(repo, "promote", TERM)
    assert ratify.code == 0, ratify.err  # the local gates believe the local configuration

    code, report = audit(repo, "--require-signed")
    assert code == 0, report["findings"]  # judged by the pushed policy itself, everything looks fine
    assert report["summary"]["trusted_base"].startswith("no trusted base")

    code, report = audit(repo, "--require-signed", "--trusted-base", "trusted")
    found = codes(report)
    assert code == 1
    [changed] = found["policy-change"]
    assert changed["commit"] == policy and changed["severity"] == "error"
    assert "not an editor of the trusted base trusted" in changed["message"]
    assert "0 valid approval(s) of the 1 required" in found["ratification-without-approval"][0]["message"]
    assert report["summary"]["trusted_base"].startswith("trusted base trusted")
    # Mallory's ratification is signed by a key the trusted base does not know
    assert {f["commit"] for f in found["bad-signature"]} == {head(repo)}


def test_a_trusted_base_that_names_no_commit_is_a_usage_error(tmp_path: Path) -> None:
    repo = candidate(tmp_path / "g")
    result = cli(repo, "audit", "--trusted-base", "origin/main")
    assert result.code == 2 and "origin/main" in result.err


# -- 5. approvals survive content changes they did not see -------------------------------------------


@pytest.mark.parametrize("part", ["body", "header"])
def test_an_approval_goes_stale_when_the_body_or_a_legacy_header_is_rewritten(tmp_path: Path, part: str) -> None:
    repo = candidate(tmp_path / "g", headers=part == "header")
    user(repo, BOB)
    assert cli(repo, "review", TERM, "--approve").code == 0
    text = (repo / TERM_FILE).read_text()
    if part == "body":
        rewritten = text.replace(f"# {TERM}\n", f"# {TERM}\n\n## Canonical (Pirouette)\n\nA different claim.\n")
    else:
        rewritten = text.replace("term: Tidal_Loom\n", "term: The Loom Of Lies\n", 1)
    assert rewritten != text
    user(repo, ALICE)
    plain_commit(repo, {TERM_FILE: rewritten}, "small fix")

    refused = cli(repo, "promote", TERM)
    assert refused.code == 3 and f"stale, given before the last content change: {BOB}" in refused.err
    diff = cli(repo, "diff", TERM, "--json")
    assert diff.code == 0, diff.err
    paths = [c["path"] for c in json.loads(diff.out)["changes"]]
    assert paths == (["(body)"] if part == "body" else ["(header 1).term"])
    assert "no field changes" not in cli(repo, "diff", TERM).out
    history = json.loads(cli(repo, "history", TERM, "--json").out)
    assert [c["path"] for c in history[0]["changes"]] == paths

    # ratified anyway, on the old approval, behind the gate's back: the audit says the approval is stale
    ratified = ratified_text(rewritten).replace("status: draft", "status: ratified")
    tool_commit(repo, TERM, ratified, ALICE, "promote", "promote candidate → ratified", [
        event(TERM, ALICE, Action.PROMOTE, ratified, "candidate", "ratified", "1.0")], status="ratified")
    code, report = audit(repo)
    found = codes(report)
    assert code == 1
    [stale] = found["stale-approval"]
    assert stale["severity"] == "error" and BOB in stale["message"]
    assert "ratification-without-approval" in found


# -- 6. audit evasion through an unparseable revision --------------------------------------------------


def test_a_status_laundered_through_an_unparseable_commit_is_reported(tmp_path: Path) -> None:
    repo = candidate(tmp_path / "g")
    text = (repo / TERM_FILE).read_text()
    ratified = ratified_text(text)
    broken = ratified.replace("triad:\n", "triad: [unclosed\n")
    laundering = plain_commit(repo, {TERM_FILE: broken}, "wip", MALLORY)
    plain_commit(repo, {TERM_FILE: ratified}, "fix yaml", MALLORY)
    code, report = audit(repo)
    found = codes(report)
    assert code == 1
    [laundered] = found["laundered-status"]
    assert laundered["commit"] == laundering and laundered["severity"] == "error"
    assert "candidate → ratified" in laundered["message"] and "does not parse" in laundered["message"]


def test_a_status_changed_while_no_status_line_can_be_read_is_still_seen(tmp_path: Path) -> None:
    repo = candidate(tmp_path / "g")
    text = (repo / TERM_FILE).read_text()
    unreadable = text.replace("status: candidate\n", "").replace("triad:\n", "triad: [unclosed\n")
    plain_commit(repo, {TERM_FILE: unreadable}, "wip", MALLORY)
    back = plain_commit(repo, {TERM_FILE: ratified_text(text)}, "fix yaml", MALLORY)
    [laundered] = codes(audit(repo)[1])["laundered-status"]
    assert laundered["commit"] == back and "candidate → ratified" in laundered["message"]


def test_a_term_deleted_then_added_back_ratified_is_a_status_change_not_an_arrival(tmp_path: Path) -> None:
    repo = candidate(tmp_path / "g")
    text = (repo / TERM_FILE).read_text()
    user(repo, BOB)
    assert cli(repo, "review", TERM, "--approve").code == 0  # an approval does not excuse a move nobody recorded
    (repo / TERM_FILE).unlink()
    git(repo, "commit", "-qam", "remove", f"--author={MALLORY}")
    back = plain_commit(repo, {TERM_FILE: ratified_text(text)}, "restore", MALLORY)
    found = codes(audit(repo)[1])
    [change] = found["unreviewed-status-change"]
    assert change["commit"] == back and "candidate → ratified" in change["message"]
    assert "ratified-without-review" not in found  # not a first arrival: a move from candidate


# -- 7. agents undo ratification ---------------------------------------------------------------------


def test_drafting_over_a_ratified_term_needs_an_editor_and_a_note(demo_repo: Path) -> None:
    path = demo_repo / "terms" / "TIDAL_LOOM.md"
    before, start = path.read_bytes(), head(demo_repo)
    draft = ("draft", "DEMO-001", "--section", "1", "--term", "Tidal Loom", "--force")
    user(demo_repo, AGENT)
    refused = cli(demo_repo, *draft, "--as", AGENT)
    assert refused.code == 3 and "only an editor may" in refused.err
    user(demo_repo, ALICE)
    refused = cli(demo_repo, *draft)
    assert refused.code == 3 and "needs a note" in refused.err
    assert path.read_bytes() == before and head(demo_repo) == start
    done = cli(demo_repo, *draft, "--note", "the ratified text cites the wrong paragraph", "--json")
    assert done.code == 0, done.err
    events = sorted((demo_repo / "review_logs" / "TIDAL_LOOM").glob("*-draft-*.yaml"))
    assert "the ratified text cites the wrong paragraph" in events[-1].read_text()
    assert "agent-demotion" not in audit(demo_repo)[1]["summary"]["by_code"]  # asked for by an editor


def test_an_agent_drafting_over_a_ratified_term_behind_the_tools_back_is_an_audit_error(tmp_path: Path) -> None:
    repo = candidate(tmp_path / "g")
    user(repo, BOB)
    assert cli(repo, "review", TERM, "--approve").code == 0
    user(repo, ALICE)
    assert cli(repo, "promote", TERM).code == 0
    user(repo, AGENT)  # the agent's checkout writes a fresh draft over the ratified term, event and all
    redraft = term_text(art="A shore, rewritten by the agent.")
    commit = tool_commit(repo, TERM, redraft, AGENT, "draft", "draft", [
        event(TERM, AGENT, Action.DRAFT, redraft, "ratified", "draft", "0.1", role="agent")], status="draft")
    code, report = audit(repo)
    [demoted] = codes(report)["agent-demotion"]
    assert code == 1 and demoted["commit"] == commit and "ratified → draft" in demoted["message"]
