"""Editing a term's text (`authoring edit`, `repo/file_edit.py`): a real script as $EDITOR, real repositories.

The result is checked (parses, same id, workflow fields untouched, no new error), shown as a diff, and
committed as one `edit` action whose event makes earlier approvals stale; a refused edit writes nothing
and keeps the person's text."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from authoring.core.termfile import load_term
from authoring.repo.file_edit import WHOLE_BODY
from authoring.repo.service import Glossary
from tests.conftest import EDITOR_2, git, run_cli, run_cli_process


def editor_script(tmp_path: Path, old: str, new: str) -> dict[str, str]:
    """An $EDITOR that replaces `old` by `new` (once) in the file it is given; exits 3 when `old` is absent."""
    script = tmp_path / "fake_editor.py"
    script.write_text("import pathlib, sys\n"
                      "p = pathlib.Path(sys.argv[1])\n"
                      "t = p.read_bytes().decode('utf-8')\n"
                      f"old, new = {old!r}, {new!r}\n"
                      "if old not in t:\n    sys.exit(3)\n"
                      "p.write_bytes(t.replace(old, new, 1).encode('utf-8'))\n", encoding="utf-8")
    # TMPDIR: the copies a refused edit keeps stay in the test's own folder
    return {"EDITOR": f"{sys.executable} {script}", "VISUAL": "", "TMPDIR": str(tmp_path)}


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


def test_a_body_edit_in_editor_commits_one_edit_event_and_makes_approvals_stale(demo_repo: Path,
                                                                               tmp_path: Path) -> None:
    approved = run_cli("--repo", demo_repo, "--as", EDITOR_2, "review", "WEFT_PRESSURE", "--approve")
    assert approved.code == 0, approved.err
    gates = json.loads(run_cli("--repo", demo_repo, "--json", "gates", "WEFT_PRESSURE").out)
    assert gates["approvals"]["valid"] and not gates["approvals"]["stale"]
    path = demo_repo / "terms" / "WEFT_PRESSURE.md"
    before = path.read_text(encoding="utf-8").split("\n")
    body_line = next(line for line in before if line.startswith("## "))
    env = editor_script(tmp_path, body_line, body_line + "\nA sentence added in the editor.")
    done = run_cli_process("--repo", demo_repo, "--json", "edit", "WEFT_PRESSURE", env=env)
    assert done.code == 0, done.err
    data = json.loads(done.out)
    assert data["ok"] and data["committed"] and "+A sentence added in the editor." in data["diff"]
    after = path.read_text(encoding="utf-8").split("\n")
    added = [line for line in after if line not in before]
    removed = [line for line in before if line not in after]
    # the person's line, and the bookkeeping of a content edit (version, date): nothing else
    assert "A sentence added in the editor." in added and len(added) == 3 and len(removed) == 2
    assert all(line.startswith(("version:", "last_updated:")) for line in removed)
    assert git(demo_repo, "log", "-1", "--format=%s").strip() == "WEFT_PRESSURE: edit file"
    files = git(demo_repo, "show", "--name-only", "--format=", "HEAD").split()
    assert files[0].startswith("review_logs/WEFT_PRESSURE/") and "-edit-" in files[0] and len(files) == 2
    gates = json.loads(run_cli("--repo", demo_repo, "--json", "gates", "WEFT_PRESSURE").out)
    assert not gates["approvals"]["valid"] and gates["approvals"]["stale"]
    assert git(demo_repo, "status", "--porcelain") == ""


def test_an_edit_that_breaks_the_yaml_is_refused_located_and_kept(demo_repo: Path, tmp_path: Path) -> None:
    path = demo_repo / "terms" / "SLACK_WATER.md"
    before, commit = path.read_bytes(), head(demo_repo)
    env = editor_script(tmp_path, "triad:", "triad: [unclosed")
    done = run_cli_process("--repo", demo_repo, "edit", "SLACK_WATER", env=env)
    assert done.code == 1
    assert "terms/SLACK_WATER.md:" in done.out and "yaml-syntax" in done.out and "nothing was written" in done.out
    kept = Path(done.out.split("your text is kept in ")[1].strip())
    assert b"triad: [unclosed" in kept.read_bytes()  # the person's work is not lost
    assert path.read_bytes() == before and head(demo_repo) == commit
    # a failing editor changes nothing either
    failing = run_cli_process("--repo", demo_repo, "edit", "SLACK_WATER", env=editor_script(tmp_path, "absent", "x"))
    assert failing.code == 2 and "exited with status 3" in failing.err
    assert path.read_bytes() == before and head(demo_repo) == commit


def test_dry_run_json_returns_the_diff_and_problems_without_committing(demo_repo: Path, tmp_path: Path) -> None:
    path = demo_repo / "terms" / "SLACK_WATER.md"
    before, commit = path.read_bytes(), head(demo_repo)
    text = before.decode("utf-8")
    moved = tmp_path / "moved.md"
    moved.write_text(text.replace("status: draft", "status: ratified", 1)
                     .replace("canonical_id: SLACK_WATER", "canonical_id: SLACK_WATERS", 1), encoding="utf-8")
    refused = run_cli("--repo", demo_repo, "--json", "edit", "SLACK_WATER", "--file", moved, "--dry-run")
    assert refused.code == 1
    data = json.loads(refused.out)
    codes = {p["code"]: p for p in data["problems"]}
    assert set(codes) == {"edit-workflow-field", "id-mismatch"} and not data["ok"]
    assert codes["edit-workflow-field"]["line"] == next(i for i, line in enumerate(text.split("\n"), 1)
                                                        if line.startswith("status:"))
    fine = tmp_path / "fine.md"
    fine.write_text(text + "\nA closing note.\n", encoding="utf-8")
    shown = run_cli("--repo", demo_repo, "--json", "edit", "SLACK_WATER", "--file", fine, "--dry-run")
    assert shown.code == 0, shown.err
    data = json.loads(shown.out)
    assert data["ok"] and data["committed"] is None and "+A closing note." in data["diff"]
    assert path.read_bytes() == before and head(demo_repo) == commit


def test_a_file_that_does_not_parse_is_fixed_by_editing_it(demo_repo: Path, tmp_path: Path) -> None:
    path = demo_repo / "terms" / "SHUTTLE_ECHO.md"
    assert not load_term(path).parses
    text = path.read_text(encoding="utf-8")
    half = tmp_path / "half.md"  # one of its two faults fixed: still refused, located at the other
    half.write_text(text.replace("symbol: `S_e`", 'symbol: "`S_e`"'), encoding="utf-8")
    refused = run_cli("--repo", demo_repo, "edit", "SHUTTLE_ECHO", "--file", half)
    assert refused.code == 1 and "terms/SHUTTLE_ECHO.md:23:27: error: yaml-syntax" in refused.out
    assert path.read_text(encoding="utf-8") == text
    fixed_text = tmp_path / "fixed.md"
    fixed_text.write_text(half.read_text(encoding="utf-8").replace("where: Chapter 2: Reflection",
                                                                   'where: "Chapter 2: Reflection"'), encoding="utf-8")
    done = run_cli("--repo", demo_repo, "edit", "SHUTTLE_ECHO", "--file", fixed_text)
    assert done.code == 0, done.err
    assert "edited the file (the file did not parse before)" in done.out
    fixed = load_term(path)
    assert fixed.parses and fixed.entry is not None and fixed.entry["symbol"] == "`S_e`"
    assert git(demo_repo, "log", "-1", "--format=%s").strip() == "SHUTTLE_ECHO: edit file"


def test_the_body_alone_and_one_section_through_the_service(demo_repo: Path) -> None:
    glossary = Glossary.open(demo_repo)
    edits = glossary.text_edits()
    sections = edits.sections("SLACK_WATER")
    assert [s.title for s in sections][:2] == ["Slack Water", "Canonical (Pirouette)"]
    canonical = sections[1]
    plan = edits.plan_body("SLACK_WATER", canonical.index, canonical.text.replace("nearly still", "all but still"))
    assert plan.changed and not plan.errors
    assert "-The interval in which a Tidal Loom's slow driver is nearly still." in plan.diff
    result = edits.commit(plan)
    assert result.commit is not None
    assert "all but still" in (demo_repo / "terms" / "SLACK_WATER.md").read_text(encoding="utf-8")
    body = edits.body("SLACK_WATER")
    untouched = edits.plan_body("SLACK_WATER", WHOLE_BODY, body)
    assert not untouched.changed and edits.commit(untouched).commit is None  # nothing to commit


def test_a_body_edit_may_not_change_the_front_matter(demo_repo: Path) -> None:
    edits = Glossary.open(demo_repo).text_edits()
    body = edits.body("SLACK_WATER")
    block = "---\nterm: Slack Water\ncanonical_id: SLACK_WATER\nstatus: draft\n---\n"
    assert not edits.plan_body("SLACK_WATER", WHOLE_BODY, body + "\n" + block).errors  # a thematic break, body text
    plan = edits.plan_body("SLACK_WATER", WHOLE_BODY, block + body)  # right after the entry: a block, the entry now
    refusal = next(p for p in plan.errors if p.code == "edit-body-changes-entry")
    assert refusal.line > 40  # where the body starts



def test_a_status_the_workflow_does_not_know_is_set_back_to_draft_by_an_edit_and_only_to_draft(
        demo_repo: Path, tmp_path: Path) -> None:
    path = demo_repo / "terms" / "SLACK_WATER.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("status: draft", "status: drafty", 1), encoding="utf-8")
    git(demo_repo, "commit", "-q", "-am", "a typo in the status")
    stuck = run_cli("--repo", demo_repo, "--as", EDITOR_2, "promote", "SLACK_WATER")
    assert stuck.code == 3 and "`authoring edit SLACK_WATER`" in stuck.err  # the hint names a way out that works
    commit = head(demo_repo)
    onward = tmp_path / "onward.md"  # the unknown status may not be turned into any other status by hand
    onward.write_text(text.replace("status: draft", "status: candidate", 1), encoding="utf-8")
    refused = run_cli("--repo", demo_repo, "edit", "SLACK_WATER", "--file", onward)
    assert refused.code == 1 and "edit-workflow-field" in refused.out and head(demo_repo) == commit
    back = tmp_path / "back.md"
    back.write_text(text, encoding="utf-8")
    done = run_cli("--repo", demo_repo, "edit", "SLACK_WATER", "--file", back)
    assert done.code == 0, done.err
    assert "its status 'drafty' was no workflow status; now draft" in done.out
    assert "Status: drafty → draft" in git(demo_repo, "log", "-1", "--format=%B")
    newest = json.loads(run_cli("--repo", demo_repo, "--json", "history", "SLACK_WATER").out)[0]
    assert (newest["status_before"], newest["status_after"]) == ("drafty", "draft")
    event = newest["reviews"][0]
    assert (event["action"], event["from_status"], event["to_status"], event["counts"]) == ("edit", "drafty", "draft",
                                                                                            True)
    audit = json.loads(run_cli("--repo", demo_repo, "--json", "audit", "--code", "unreviewed-status-change").out)
    flagged = [f["commit"] for f in audit["findings"]]
    assert flagged == [commit]  # the hand-made typo is reported; the reset, recorded as an event, is not
    gates = run_cli("--repo", demo_repo, "--json", "gates", "SLACK_WATER")
    assert json.loads(gates.out)["status"] == "draft" and "not one of" not in gates.err  # the workflow moves it again
