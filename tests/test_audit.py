"""`audit` on real repositories: provenance, workflow, integrity — every finding, with exit codes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from authoring.repo.audit import STAGES, AuditProgress
from authoring.repo.service import Glossary
from authoring.workflow.review_log import Action
from tests.conftest import AGENT, EDITOR, EDITOR_2, git, run_cli, run_cli_on_terminal, run_cli_process
from tests.history_builders import (
    CONFIG,
    MODULE,
    SNIPPET_1,
    SNIPPET_2,
    event,
    new_glossary,
    plain_commit,
    term_text,
    tool_commit,
)


def _audit(repo: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    result = run_cli("audit", "--repo", repo, "--json", *extra)
    assert result.code in (0, 1), result.err
    return result.code, json.loads(result.out)


def _codes(report: dict[str, Any], term: str | None = None) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for finding in report["findings"]:
        if term is None or finding["term"] == term:
            found.setdefault(finding["code"], []).append(finding)
    return found


def _draft_and_promote(repo: Path, term_id: str = "TIDAL_LOOM", **fields: Any) -> str:
    draft = term_text(term_id, **fields)
    tool_commit(repo, term_id, draft, AGENT, "draft", "draft", [
        event(term_id, AGENT, Action.DRAFT, draft, None, "draft", "0.1", role="agent")], status="draft")
    candidate = term_text(term_id, status="candidate", **fields)
    return tool_commit(repo, term_id, candidate, EDITOR, "promote", "promote draft → candidate", [
        event(term_id, EDITOR, Action.PROMOTE, candidate, "draft", "candidate", "0.1")], status="candidate")


def test_snippets_found_then_moved_then_missing_as_the_module_is_edited(tmp_path: Path) -> None:
    sources = [("MOD-001", "L10-L11", SNIPPET_1), ("MOD-001_the_test_module", "§2", SNIPPET_2)]
    repo = new_glossary(tmp_path / "g")
    _draft_and_promote(repo, sources=sources)
    code, report = _audit(repo)
    found = _codes(report)["snippet-found"]
    assert code == 0
    assert [(f["module"], f["lines"], f["severity"]) for f in found] == [
        ("MOD-001", "L10-L11", "info"), ("MOD-001_the_test_module", "§2", "info")]
    assert [f["now"] for f in found] == ["L10-L11 in §1", "L15 in §2"]

    # someone inserts a paragraph above: the first snippet's lines drift; the section citation still holds
    moved_module = MODULE.replace("## §1 · Looms\n", "## §1 · Looms\n\nA new opening paragraph.\n")
    plain_commit(repo, {"modules/MOD-001_the_test_module.md": moved_module}, "expand §1")
    code, report = _audit(repo)
    codes = _codes(report)
    assert code == 0  # a moved snippet is a warning
    [moved] = codes["snippet-moved"]
    assert moved["severity"] == "warning" and moved["module"] == "MOD-001"
    assert "cited at L10-L11 but now at L12-L13 in §1" in moved["message"]
    assert (moved["lines"], moved["now"]) == ("L10-L11", "L12-L13 in §1")
    assert [f["lines"] for f in codes["snippet-found"]] == ["§2"]

    # then the second snippet's text is rewritten away: the module changed since it was cited (an error
    # for a candidate), named by the commit that took the text out
    missing_module = moved_module.replace("We measure the push as", "The push is called")
    reworded = plain_commit(repo, {"modules/MOD-001_the_test_module.md": missing_module}, "reword §2")
    code, report = _audit(repo)
    assert "snippet-missing" not in _codes(report)
    [missing] = _codes(report)["snippet-changed"]
    assert code == 1
    assert (missing["severity"], missing["module"], missing["lines"]) == ("error", "MOD-001_the_test_module", "§2")
    assert missing["path"] == "terms/TIDAL_LOOM.md" and missing["line"] > 0
    assert missing["commit"] == reworded and "changed since the snippet was cited" in missing["message"]


def test_snippet_moved_to_another_section_and_module_missing(tmp_path: Path) -> None:
    sources = [("MOD-001", "§2", SNIPPET_1), ("MOD-404", "L1-L2", "anything")]
    repo = new_glossary(tmp_path / "g", {"TIDAL_LOOM": term_text(sources=sources)})
    code, report = _audit(repo)
    codes = _codes(report)
    [moved] = codes["snippet-moved"]
    assert "cited at §2 but now at L10-L11 in §1" in moved["message"] and moved["now"] == "L10-L11 in §1"
    [missing] = codes["module-missing"]
    assert missing["module"] == "MOD-404" and missing["severity"] == "warning"  # the term is a draft
    assert code == 0


def test_whitespace_is_normalised_and_modules_in_subfolders_are_not_modules(tmp_path: Path) -> None:
    rewrapped = " ".join(SNIPPET_1.split()).replace("fast, irregular", "fast,\n   irregular")
    sources = [("MOD-001", "L10-L11", rewrapped), ("SUB-001", "§1", "hidden text")]
    repo = new_glossary(tmp_path / "g", {"TIDAL_LOOM": term_text(sources=sources)})
    plain_commit(repo, {"modules/dictionary/SUB-001.md": "# SUB\n\n## §1 · X\n\nhidden text\n"}, "a subfolder")
    codes = _codes(_audit(repo)[1])
    assert [f["module"] for f in codes["snippet-found"]] == ["MOD-001"]
    assert [f["module"] for f in codes["module-missing"]] == ["SUB-001"]


def test_status_change_behind_the_tools_back_is_an_unreviewed_status_change(tmp_path: Path) -> None:
    repo = new_glossary(tmp_path / "g")
    _draft_and_promote(repo)
    sneaky = plain_commit(repo, {"terms/TIDAL_LOOM.md": term_text(status="ratified", version="1.0")},
                          "ratify it myself", "Mallory <mallory@example.org>")
    code, report = _audit(repo)
    assert code == 1
    [finding] = _codes(report)["unreviewed-status-change"]
    assert finding["commit"] == sneaky and finding["severity"] == "error" and finding["term"] == "TIDAL_LOOM"
    assert "candidate → ratified" in finding["message"] and "Mallory" in finding["message"]
    # the ratification also had no approval at all
    assert [f["commit"] for f in _codes(report)["ratification-without-approval"]] == [sneaky]
    assert report["summary"]["by_code"]["unreviewed-status-change"] == 1
    text = run_cli("audit", "--repo", repo)
    assert text.code == 1 and f"unreviewed-status-change: candidate → ratified in {sneaky[:10]}" in text.out


def _ratify(repo: Path, approvals: list[tuple[str, str, str | None]], term_id: str = "TIDAL_LOOM") -> str:
    """Approve (who, role, revision-of text) then ratify through the tool; returns the ratification commit."""
    current = (repo / f"terms/{term_id}.md").read_text()
    for who, role, text in approvals:
        tool_commit(repo, term_id, None, who, "approve", "approve",
                    [event(term_id, who, Action.APPROVE, text or current, "candidate", "candidate", role=role)])
    ratified = current.replace("status: candidate", "status: ratified").replace('version: "0.1"', 'version: "1.0"')
    return tool_commit(repo, term_id, ratified, EDITOR_2, "promote", "promote candidate → ratified", [
        event(term_id, EDITOR_2, Action.PROMOTE, ratified, "candidate", "ratified", "1.0")], status="ratified")


def test_a_ratification_with_a_valid_approval_passes(tmp_path: Path) -> None:
    repo = new_glossary(tmp_path / "g")
    _draft_and_promote(repo)
    _ratify(repo, [(EDITOR_2, "editor", None)])
    code, report = _audit(repo)
    assert code == 0, report["findings"]
    assert report["summary"]["by_severity"]["error"] == 0
    assert {"unreviewed-status-change", "ratification-without-approval", "ratified-without-review"}.isdisjoint(
        report["summary"]["by_code"])


def test_self_agent_and_stale_approvals_do_not_count(tmp_path: Path) -> None:
    repo = new_glossary(tmp_path / "g")
    _draft_and_promote(repo)
    # EDITOR edits the content, then approves it; the agent approves; Carol approved an older revision
    older = (repo / "terms/TIDAL_LOOM.md").read_text()
    edited = term_text(status="candidate", art="A coast.")
    tool_commit(repo, "TIDAL_LOOM", edited, EDITOR, "edit", "edit triad.art")
    carol = "Carol Editor <carol@example.org>"
    ratification = _ratify(repo, [(EDITOR, "editor", None), (AGENT, "editor", None), (carol, "editor", older)])
    code, report = _audit(repo)
    codes = _codes(report)
    assert code == 1
    assert [f["message"].split(": ", 1)[1] for f in codes["self-approval"]] == [
        f"approval by {EDITOR}, who authored or edited the content"]
    assert [f["severity"] for f in codes["agent-approval"]] == ["error"]
    [stale] = codes["stale-approval"]
    assert carol in stale["message"] and stale["commit"] == ratification
    [short] = codes["ratification-without-approval"]
    assert "0 valid approval(s) of the 1 required" in short["message"]


def test_an_invalid_approval_beside_a_valid_one_is_only_a_warning(tmp_path: Path) -> None:
    repo = new_glossary(tmp_path / "g")
    _draft_and_promote(repo)
    _ratify(repo, [(EDITOR_2, "editor", None), (AGENT, "agent", None)])
    code, report = _audit(repo)
    assert code == 0
    assert [f["severity"] for f in _codes(report)["agent-approval"]] == ["warning"]


def test_imported_ratified_terms_without_review_are_warnings(tmp_path: Path) -> None:
    repo = new_glossary(tmp_path / "g", {"TIDAL_LOOM": term_text(status="ratified", version="1.0")})
    code, report = _audit(repo)
    assert code == 0
    [finding] = _codes(report)["ratified-without-review"]
    assert finding["severity"] == "warning" and finding["term"] == "TIDAL_LOOM"


def test_integrity_findings(tmp_path: Path) -> None:
    terms = {
        "TIDAL_LOOM": term_text(crosslinks=["WEFT_PRESSURE", "NO_SUCH_TERM"], matrix=["WEFT_PRESSURE", "GHOST"]),
        "WEFT_PRESSURE": term_text("WEFT_PRESSURE", header_status="candidate"),
        "COPY_OF_LOOM": term_text("COPY_OF_LOOM", canonical_id="TIDAL_LOOM"),
    }
    repo = new_glossary(tmp_path / "g", terms)
    code, report = _audit(repo)
    codes = _codes(report)
    assert code == 1
    [dangling] = codes["dangling-crosslink"]
    assert dangling["severity"] == "warning" and "NO_SUCH_TERM" in dangling["message"]
    assert dangling["path"] == "terms/TIDAL_LOOM.md" and dangling["line"] > 0
    [ghost] = codes["dangling-association"]
    assert "GHOST" in ghost["message"] and ghost["severity"] == "warning"
    assert sorted(f["term"] for f in codes["duplicate-id"]) == ["COPY_OF_LOOM", "TIDAL_LOOM"]
    assert [f["term"] for f in codes["id-mismatch"]] == ["COPY_OF_LOOM"]
    [header] = codes["header-disagrees"]
    assert header["term"] == "WEFT_PRESSURE" and header["severity"] == "warning" and header["line"] == 2
    assert "status 'candidate' (entry: 'draft')" in header["message"]
    summary = report["summary"]
    assert summary["by_code"]["duplicate-id"] == 2 and summary["terms"] == 3
    assert summary["by_severity"]["error"] == sum(1 for f in report["findings"] if f["severity"] == "error")


def test_require_signed_without_an_allowed_signers_file_is_a_usage_error(tmp_path: Path) -> None:
    repo = new_glossary(tmp_path / "g")
    result = run_cli("audit", "--require-signed", "--repo", repo)
    assert result.code == 2 and "allowed_signers" in result.err


def _key(tmp_path: Path, name: str) -> tuple[Path, str]:
    key = tmp_path / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True,
                   capture_output=True)
    return key, (tmp_path / f"{name}.pub").read_text().strip()


def test_require_signed_verifies_status_change_commits_with_ssh_keys(tmp_path: Path) -> None:
    # each identity signs with its own key: a signature proves an identity only when its principal is the author
    trusted, trusted_pub = _key(tmp_path, "trusted")
    agent_key, agent_pub = _key(tmp_path, "agent")
    stranger, _ = _key(tmp_path, "stranger")
    config = CONFIG + '\n[audit]\nallowed_signers = ".allowed_signers"\n'
    repo = new_glossary(tmp_path / "g", config=config)
    (repo / ".allowed_signers").write_text(f'{EDITOR.split("<")[1][:-1]} namespaces="git" {trusted_pub}\n'
                                           f'{AGENT.split("<")[1][:-1]} namespaces="git" {agent_pub}\n',
                                           encoding="utf-8")
    git(repo, "config", "gpg.format", "ssh")
    git(repo, "config", "user.signingKey", str(agent_key))
    git(repo, "config", "commit.gpgsign", "true")
    draft = term_text()
    tool_commit(repo, "TIDAL_LOOM", draft, AGENT, "draft", "draft", [
        event("TIDAL_LOOM", AGENT, Action.DRAFT, draft, None, "draft", "0.1", role="agent")], status="draft")
    git(repo, "config", "user.signingKey", str(trusted))
    candidate = term_text(status="candidate")
    promote = tool_commit(repo, "TIDAL_LOOM", candidate, EDITOR, "promote", "promote draft → candidate", [
        event("TIDAL_LOOM", EDITOR, Action.PROMOTE, candidate, "draft", "candidate", "0.1")], status="candidate")
    signers = f"gpg.ssh.allowedSignersFile={repo / '.allowed_signers'}"
    assert "Good" in subprocess.run(["git", "-C", str(repo), "-c", signers, "verify-commit", promote],
                                    capture_output=True, text=True, check=False).stderr
    code, report = _audit(repo, "--require-signed")
    assert code == 0, report["findings"]
    assert {"unsigned-status-change", "bad-signature"}.isdisjoint(report["summary"]["by_code"])

    # an unsigned status change, recorded through the tool with its review event
    git(repo, "config", "commit.gpgsign", "false")
    text = term_text(status="draft")
    unsigned = tool_commit(repo, "TIDAL_LOOM", text, EDITOR, "demote", "demote candidate → draft",
                           [event("TIDAL_LOOM", EDITOR, Action.DEMOTE, text, "candidate", "draft", "0.1")])
    # a status change signed by a key the allowed-signers file does not know
    git(repo, "config", "commit.gpgsign", "true")
    git(repo, "config", "user.signingKey", str(stranger))
    text = term_text(status="candidate")
    unknown = tool_commit(repo, "TIDAL_LOOM", text, EDITOR, "promote", "promote draft → candidate",
                          [event("TIDAL_LOOM", EDITOR, Action.PROMOTE, text, "draft", "candidate", "0.1")])
    code, report = _audit(repo, "--require-signed")
    codes = _codes(report)
    assert code == 1
    assert [(f["commit"], f["severity"]) for f in codes["unsigned-status-change"]] == [(unsigned, "error")]
    assert [(f["commit"], f["severity"]) for f in codes["bad-signature"]] == [(unknown, "error")]
    # without --require-signed, signatures are not judged
    code, report = _audit(repo)
    assert code == 0 and "bad-signature" not in report["summary"]["by_code"]


def test_a_history_made_with_the_tools_own_commands_audits_clean_until_someone_goes_around_it(
        tmp_path: Path) -> None:
    repo = new_glossary(tmp_path / "g", {"TIDAL_LOOM": term_text()})
    steps = [("set", "TIDAL_LOOM", "triad.art", "A coast.", "--as", EDITOR),
             ("promote", "TIDAL_LOOM", "--as", EDITOR),
             ("review", "TIDAL_LOOM", "--approve", "--note", "Checked the snippet.", "--as", EDITOR_2),
             ("promote", "TIDAL_LOOM", "--note", "Ratified.", "--as", EDITOR_2)]
    for step in steps:
        # each editor works in their own checkout: Git's identity is the one acting (no unproven `--as`)
        name, email = step[-1][:-1].split(" <")
        git(repo, "config", "user.name", name)
        git(repo, "config", "user.email", email)
        result = run_cli(*step, "--repo", repo)
        assert result.code == 0, (step, result.err)
    code, report = _audit(repo)
    assert code == 0, [f for f in report["findings"] if f["severity"] != "info"]
    assert report["summary"]["by_severity"] == {"error": 0, "warning": 0, "info": 1}

    history = json.loads(run_cli("history", "TIDAL_LOOM", "--repo", repo, "--json").out)
    assert [(e["action"], e["status_before"], e["status_after"], e["version_after"]) for e in history] == [
        ("promote", "candidate", "ratified", "1.0"), ("approve", "candidate", "candidate", "0.2"),
        ("promote", "draft", "candidate", "0.2"), ("edit", "draft", "draft", "0.2"),
        ("create", None, "draft", "0.1")]
    assert not any(e["action_inferred"] for e in history[:4]) and history[4]["action_inferred"]
    assert [r["action"] for r in history[0]["reviews"]] == ["promote"]
    assert history[1]["reviews"][0]["who"] == EDITOR_2
    ratify_changes = {c["path"] for c in history[0]["changes"]}
    assert {"status", "version", "provenance.review_log.1"} <= ratify_changes

    # a content edit through the tool reopens the ratified term as a candidate: recorded, so no finding
    reopened = run_cli("set", "TIDAL_LOOM", "triad.law", "A new law.", "--as", EDITOR, "--repo", repo)
    assert reopened.code == 0, reopened.err
    assert json.loads(run_cli("history", "TIDAL_LOOM", "--repo", repo, "--json").out)[0]["status_after"] == "candidate"
    code, report = _audit(repo)
    assert code == 0 and "unreviewed-status-change" not in report["summary"]["by_code"]

    # behind the tool's back: the term put back to draft with a text editor and git commit
    text = (repo / "terms/TIDAL_LOOM.md").read_text().replace("status: candidate", "status: draft")
    sneaky = plain_commit(repo, {"terms/TIDAL_LOOM.md": text}, "back to draft")
    code, report = _audit(repo)
    assert code == 1
    assert [f["commit"] for f in _codes(report)["unreviewed-status-change"]] == [sneaky]


def test_audit_of_the_corpus_laid_out_as_upstream(corpus_copy: Path) -> None:
    code, report = _audit(corpus_copy)
    summary = report["summary"]
    assert code == 1  # the corpus holds front matter that does not parse: errors stand
    assert summary["terms"] == 1691 and summary["commits"] == 1
    by_code = summary["by_code"]
    # imported as they are: ratified terms with no recorded review are warnings, never errors
    assert by_code["ratified-without-review"] > 100
    assert all(f["severity"] == "warning" for f in report["findings"] if f["code"] == "ratified-without-review")
    # one import commit is not a status change
    assert "unreviewed-status-change" not in by_code
    assert by_code["header-disagrees"] >= 578 and by_code["yaml-syntax"] > 0
    # provenance is checked against modules/*.md, never against the terms inside modules/dictionary
    assert by_code["snippet-found"] > 100 and by_code["snippet-moved"] > 0
    cited = [f for f in report["findings"] if f["code"] in ("snippet-found", "snippet-moved", "snippet-missing")]
    assert all(f["module"] and f["path"].startswith("modules/dictionary/") for f in cited)
    moved = next(f for f in report["findings"] if f["code"] == "snippet-moved")
    assert moved["now"] and moved["lines"] and moved["now"] != moved["lines"]
    assert sum(summary["by_severity"].values()) == len(report["findings"])


def test_sections_are_read_as_drafting_reads_them(tmp_path: Path) -> None:
    # Agent-written modules number sections in several ways; a `§2` citation made by `draft --section 2`
    # must be judged against the same sections the drafting side saw.
    module = ("---\nid: MOD-001\n---\n\n# MOD-001\n\n## Section 1 · Alpha\n\nFirst words here.\n\n"
              "#### **§2 · Beta**\n\nThe beta claim stands in the second section.\n")
    sources = [("MOD-001", "§2", "The beta claim stands in the second section.")]
    repo = new_glossary(tmp_path / "g", {"TIDAL_LOOM": term_text(sources=sources)}, module=module)
    code, report = _audit(repo, "--all")
    codes = _codes(report)
    assert "snippet-moved" not in codes
    [found] = codes["snippet-found"]
    assert found["now"] == "L13 in §2"
    assert code == 0


def test_progress_reports_every_stage_in_order_with_its_count(tmp_path: Path) -> None:
    repo = new_glossary(tmp_path / "g", {"SLACK_WATER": term_text("SLACK_WATER")})
    _draft_and_promote(repo)
    steps: list[AuditProgress] = []
    with Glossary.open(repo) as glossary:
        report = glossary.audit(progress=steps.append)
    stages = [s.stage for s in steps]
    assert list(dict.fromkeys(stages)) == list(STAGES)
    assert stages == sorted(stages, key=STAGES.index), "each stage runs once, in order"
    commits = int(git(repo, "rev-list", "--count", "HEAD"))
    assert commits == 3 and report.summary["commits"] == commits
    totals = {"reading terms": 2, "checking integrity": 2, "checking provenance": 2, "walking history": commits,
              "checking workflow": 2}  # both terms have a history
    for stage, total in totals.items():
        counted = [(s.done, s.total) for s in steps if s.stage == stage and s.total]
        assert counted == [(done, total) for done in range(total + 1)], stage
    # the log is read before its commits can be counted: shown as a stage without a count
    assert next(s for s in steps if s.stage == "walking history") == AuditProgress("walking history", 0, 0)


def test_audit_shows_progress_on_a_terminal_only(tmp_path: Path) -> None:
    repo = new_glossary(tmp_path / "g")
    _draft_and_promote(repo)
    shown = run_cli_on_terminal("audit", "--repo", repo)
    assert shown.code == 0, shown.err
    for stage in ("reading terms 1/1", "checking provenance 1/1", "walking history 2/2", "checking workflow 1/1"):
        assert f"auditing: {stage} (100%)" in shown.err
    assert shown.err.endswith("\r\x1b[K"), "the progress line is erased when the audit ends"
    assert "auditing" not in shown.out and "1 term(s), 2 commit(s) audited" in shown.out
    # piped, or as JSON on a terminal: the output is only what scripts parse
    piped = run_cli_process("audit", "--repo", repo)
    assert piped.code == 0 and piped.err == "" and piped.out == shown.out
    as_json = run_cli_on_terminal("audit", "--repo", repo, "--json")
    assert as_json.code == 0 and as_json.err == ""
    assert json.loads(as_json.out)["summary"]["commits"] == 2
