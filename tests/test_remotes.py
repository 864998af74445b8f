"""Many editors, one glossary: two clones of a bare remote, real pushes and pulls, the merge driver."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from authoring.core.termfile import load_term
from authoring.repo.git import merge_file
from authoring.workflow.review_log import Action, load_events
from tests.conftest import EDITOR, EDITOR_2, git, run_cli
from tests.remote_helpers import Clone, shared_glossary


def _lines(data: bytes) -> list[str]:
    return data.decode("utf-8").split("\n")


def _line_merge(base: bytes, ours: bytes, theirs: bytes) -> bytes:
    """What a field-level merge of single-line edits must give: each line from the side that changed it."""
    b, o, t = _lines(base), _lines(ours), _lines(theirs)
    assert len(b) == len(o) == len(t)
    return "\n".join(ol if ol != bl else tl for bl, ol, tl in zip(b, o, t, strict=True)).encode("utf-8")


def _check(where: Clone, *ids: str) -> dict[str, object]:
    result = run_cli("check", *ids, "--repo", where.path, "--json")
    data: dict[str, object] = json.loads(result.out)
    return data


def test_concurrent_review_events_merge_with_no_conflict(tmp_path: Path) -> None:
    _, alice, bob = shared_glossary(tmp_path, EDITOR, EDITOR_2)
    alice.review("WEFT_PRESSURE", "--comment", "Tighten the law.")
    alice.push()
    bob.review("WEFT_PRESSURE", "--approve", "Reads well.")
    bob.review("WEFT_PRESSURE", "--comment", "One more thought.")
    pulled = bob.pull()
    assert pulled.returncode == 0, pulled.stderr
    assert "CONFLICT" not in pulled.stdout + pulled.stderr
    bob.push()
    assert alice.pull().returncode == 0
    for where in (alice, bob):
        events, problems = load_events(where.path / "review_logs", "WEFT_PRESSURE")
        assert problems == []
        assert sorted((e.action, e.who, e.note) for e in events) == sorted([
            (Action.COMMENT, EDITOR, "Tighten the law."), (Action.APPROVE, EDITOR_2, "Reads well."),
            (Action.COMMENT, EDITOR_2, "One more thought.")])
        assert git(where.path, "status", "--porcelain") == ""
    assert git(alice.path, "rev-parse", "HEAD") == git(bob.path, "rev-parse", "HEAD")
    assert git(alice.path, "diff", "HEAD~1", "HEAD", "--stat", "--", "terms") == ""  # only new event files


def test_edits_to_different_fields_merge_through_the_driver_byte_for_byte(tmp_path: Path) -> None:
    _, alice, bob = shared_glossary(tmp_path, EDITOR, EDITOR_2)
    base = alice.file("SLACK_WATER").read_bytes()
    # `symbol` and `aliases` sit on adjacent lines: Git's text merge would call this a conflict.
    alice.set("SLACK_WATER", "symbol", "S_w")
    alice.push()
    bob.set("SLACK_WATER", "aliases", "[the held breath, slack]")
    ours = bob.file("SLACK_WATER").read_bytes()
    pulled = bob.pull()
    assert pulled.returncode == 0, pulled.stdout + pulled.stderr
    merged = bob.file("SLACK_WATER").read_bytes()
    assert merged == _line_merge(base, alice.file("SLACK_WATER").read_bytes(), ours)
    assert b'symbol: ""\n' in base and b'symbol: "S_w"\n' in merged
    assert b"aliases: [the held breath, slack]\n" in merged
    report = _check(bob, "SLACK_WATER")
    assert report["errors"] == 0, report
    assert len(git(bob.path, "log", "-1", "--format=%P").split()) == 2  # a real merge commit
    bob.push()
    assert alice.pull().returncode == 0
    assert alice.file("SLACK_WATER").read_bytes() == merged


def test_pull_with_rebase_uses_the_driver_too(tmp_path: Path) -> None:
    _, alice, bob = shared_glossary(tmp_path, EDITOR, EDITOR_2)
    base = alice.file("SLACK_WATER").read_bytes()
    alice.set("SLACK_WATER", "symbol", "S_w")
    alice.push()
    bob.set("SLACK_WATER", "aliases", "[the held breath, slack]")
    ours = bob.file("SLACK_WATER").read_bytes()
    rebased = subprocess.run(["git", "-C", str(bob.path), "pull", "--rebase"], capture_output=True, text=True,
                             check=False)
    assert rebased.returncode == 0, rebased.stdout + rebased.stderr
    assert bob.file("SLACK_WATER").read_bytes() == _line_merge(base, alice.file("SLACK_WATER").read_bytes(), ours)
    assert len(git(bob.path, "log", "-1", "--format=%P").split()) == 1  # replayed on top, no merge commit
    assert _check(bob, "SLACK_WATER")["errors"] == 0


def test_without_the_driver_git_would_conflict_on_the_same_edits(tmp_path: Path) -> None:
    """The control for the test above: a clone that never ran `authoring init` gets Git's text merge."""
    _, alice, bob = shared_glossary(tmp_path, EDITOR, EDITOR_2, bob_init=False)
    alice.set("SLACK_WATER", "symbol", "S_w")
    alice.push()
    bob.set("SLACK_WATER", "aliases", "[the held breath, slack]")
    pulled = bob.pull()
    assert pulled.returncode != 0
    assert "CONFLICT (content): Merge conflict in terms/SLACK_WATER.md" in pulled.stdout


def test_the_same_field_changed_on_both_sides_is_a_conflict_in_that_field_only(tmp_path: Path) -> None:
    _, alice, bob = shared_glossary(tmp_path, EDITOR, EDITOR_2)
    alice.set("SLACK_WATER", "triad.art", "The coast, waiting.")
    alice.set("SLACK_WATER", "operational_definition.units", "seconds")
    alice.push()
    bob.set("SLACK_WATER", "triad.art", "A breath the sea holds.")
    bob.set("SLACK_WATER", "symbol", "S_w")
    bob_before = bob.file("SLACK_WATER").read_bytes()
    git(bob.path, "config", "merge.conflictStyle", "merge")  # Git's default style, said out loud
    pulled = bob.pull()
    assert pulled.returncode != 0
    assert "CONFLICT in triad.art: both sides changed it differently" in pulled.stderr
    text = bob.file("SLACK_WATER").read_text(encoding="utf-8")
    assert text.count("<<<<<<<") == 1
    region = text[text.index("<<<<<<<") : text.index(">>>>>>>")]
    assert region.split("\n") == ["<<<<<<< ours: triad.art", "  art: |", "    A breath the sea holds.", "=======",
                                  "  art: |", "    The coast, waiting.", ""]
    # Outside the markers, both sides' other edits are merged and every other line is as it was.
    resolved_ours = text.replace(text[text.index("<<<<<<<") : text.index("\n", text.index(">>>>>>>")) + 1],
                                 "  art: |\n    A breath the sea holds.\n")
    assert resolved_ours == bob_before.decode().replace("units: minutes", "units: seconds")
    assert "U" in git(bob.path, "status", "--porcelain", "terms/SLACK_WATER.md")[:2]
    report = run_cli("check", "SLACK_WATER", "--repo", bob.path)
    assert report.code == 1
    line = text[: text.index("<<<<<<<")].count("\n") + 1
    assert f"terms/SLACK_WATER.md:{line}:1: error: merge-conflict: unresolved merge conflict in triad.art" in report.out
    assert "yaml-syntax" not in report.out  # the markers are the problem, not a YAML error under them
    # The editor keeps their wording and finishes the merge; the term is whole again.
    start, end = text.index("<<<<<<<"), text.index("\n", text.index(">>>>>>>")) + 1
    bob.file("SLACK_WATER").write_text(text[:start] + "  art: |\n    The coast, waiting.\n" + text[end:],
                                       encoding="utf-8")
    git(bob.path, "commit", "--quiet", "-am", "Merge: keep Alice's art")
    assert _check(bob, "SLACK_WATER")["errors"] == 0


def test_the_driver_follows_the_clones_diff3_conflict_style(tmp_path: Path) -> None:
    _, alice, bob = shared_glossary(tmp_path, EDITOR, EDITOR_2)
    alice.set("SLACK_WATER", "operational_definition.units", "seconds")
    alice.push()
    bob.set("SLACK_WATER", "operational_definition.units", "hours")
    git(bob.path, "config", "merge.conflictStyle", "diff3")
    assert bob.pull().returncode != 0
    text = bob.file("SLACK_WATER").read_text(encoding="utf-8")
    assert ("  units: hours\n||||||| base: operational_definition.units\n  units: minutes\n=======\n"
            "  units: seconds\n") in text


def test_a_term_edited_on_one_side_and_promoted_on_the_other_merges(tmp_path: Path) -> None:
    _, alice, bob = shared_glossary(tmp_path, EDITOR, EDITOR_2)
    alice.set("SLACK_WATER", "triad.art", "The coast, waiting.")  # a content edit: version 0.1 → 0.2
    alice.push()
    bob.promote("SLACK_WATER", "Full entry; ready for review.")  # draft → candidate, a review_log item
    promoted = bob.file("SLACK_WATER").read_bytes()
    pulled = bob.pull()
    assert pulled.returncode == 0, pulled.stdout + pulled.stderr
    merged = bob.file("SLACK_WATER").read_bytes()
    assert merged == promoted.replace(b"    The coast holding its breath.\n", b"    The coast, waiting.\n").replace(
        b"version: 0.1\n", b"version: 0.2\n")
    entry = _entry(bob, "SLACK_WATER")
    assert entry["status"] == "candidate"
    assert entry["triad"]["art"] == "The coast, waiting.\n"
    assert entry["provenance"]["review_log"][-1]["notes"] == "Full entry; ready for review."
    assert _check(bob, "SLACK_WATER")["errors"] == 0
    events, _ = load_events(bob.path / "review_logs", "SLACK_WATER")
    assert {e.action for e in events} >= {Action.EDIT, Action.PROMOTE}


def test_promotions_on_both_sides_keep_both_review_log_items(tmp_path: Path) -> None:
    _, alice, bob = shared_glossary(tmp_path, EDITOR, EDITOR_2)
    alice.promote("SLACK_WATER", "Alice: ready.")
    alice.push()
    bob.promote("SLACK_WATER", "Bob: ready.")
    pulled = bob.pull()
    assert pulled.returncode == 0, pulled.stdout + pulled.stderr
    assert "provenance.review_log: kept the items both sides added" in pulled.stderr
    entry = _entry(bob, "SLACK_WATER")
    log = entry["provenance"]["review_log"]
    assert [(item["reviewer"], item["notes"]) for item in log] == [(EDITOR_2, "Bob: ready."), (EDITOR, "Alice: ready.")]
    assert _check(bob, "SLACK_WATER")["errors"] == 0
    events, _ = load_events(bob.path / "review_logs", "SLACK_WATER")
    assert sorted(e.note or "" for e in events if e.action == Action.PROMOTE) == ["Alice: ready.", "Bob: ready."]


def _ratify_and_pull_a_content_change(bob: Clone) -> str:
    """Bob approves and ratifies WEFT_PRESSURE while Alice's pushed content change waits on the remote, then
    pulls: the status is left to him as a conflict. The file's text after the pull."""
    bob.review("WEFT_PRESSURE", "--approve", "Reads well.")
    bob.promote("WEFT_PRESSURE", "Approved.", to="ratified")
    pulled = bob.pull()
    assert pulled.returncode != 0
    assert "ours ratified the term while theirs changed its content" in pulled.stderr
    text = bob.file("WEFT_PRESSURE").read_text(encoding="utf-8")
    assert "<<<<<<< ours: status\nstatus: ratified\n=======\nstatus: candidate\n>>>>>>> theirs: status\n" in text
    return text


def test_ratification_merged_with_a_content_edit_is_left_to_the_editor(tmp_path: Path) -> None:
    _, alice, bob = shared_glossary(tmp_path, EDITOR, EDITOR_2)
    alice.set("WEFT_PRESSURE", "triad.art", "A new picture nobody approved.")
    alice.push()
    text = _ratify_and_pull_a_content_change(bob)
    assert "<<<<<<< ours: version\nversion: 1.0\n=======\nversion: 0.3\n>>>>>>> theirs: version\n" in text
    assert "A new picture nobody approved." in text  # the content edit itself merged
    codes = [p["code"] for p in _check(bob, "WEFT_PRESSURE")["problems"]]  # type: ignore[attr-defined]
    assert codes == ["merge-conflict", "merge-conflict"]


def test_ratification_merged_with_a_body_edit_is_left_to_the_editor(tmp_path: Path) -> None:
    _, alice, bob = shared_glossary(tmp_path, EDITOR, EDITOR_2)
    body = alice.path / "body.md"
    body.write_text(alice.file("WEFT_PRESSURE").read_text(encoding="utf-8").split("\n---\n", 1)[1]
                    + "\nA paragraph nobody approved.\n", encoding="utf-8")
    result = run_cli("edit", "WEFT_PRESSURE", "--body", "--file", body, "--yes", "--repo", alice.path,
                     "--as", alice.who)
    assert result.code == 0, result.err
    alice.push()
    text = _ratify_and_pull_a_content_change(bob)
    assert text.endswith("\nA paragraph nobody approved.\n")


def test_a_malformed_file_falls_back_to_gits_text_merge(tmp_path: Path) -> None:
    _, alice, bob = shared_glossary(tmp_path, EDITOR, EDITOR_2)
    base = alice.file("SHUTTLE_ECHO").read_bytes()
    assert _check(alice, "SHUTTLE_ECHO")["errors"] == 1  # the demo's malformed term
    lines = _lines(base)
    first, last = 1, len(lines) - 2  # far apart: Git's text merge takes both
    alice_lines, bob_lines = list(lines), list(lines)
    alice_lines[first] = alice_lines[first] + "  # alice"
    bob_lines[last] = bob_lines[last] + " (bob)"
    alice.commit_file("SHUTTLE_ECHO", "\n".join(alice_lines).encode(), "alice edits a malformed term")
    alice.push()
    bob.commit_file("SHUTTLE_ECHO", "\n".join(bob_lines).encode(), "bob edits it too")
    ours = bob.file("SHUTTLE_ECHO").read_bytes()
    pulled = bob.pull()
    assert pulled.returncode == 0, pulled.stdout + pulled.stderr
    assert "merged as text: the merge base does not parse" in pulled.stderr
    expected, conflicts = merge_file(ours, base, alice.file("SHUTTLE_ECHO").read_bytes())
    assert conflicts == 0
    assert bob.file("SHUTTLE_ECHO").read_bytes() == expected == _line_merge(base, bytes(ours), expected)


def test_a_malformed_file_changed_on_the_same_line_gets_gits_own_conflict(tmp_path: Path) -> None:
    _, alice, bob = shared_glossary(tmp_path, EDITOR, EDITOR_2)
    base = alice.file("SHUTTLE_ECHO").read_text(encoding="utf-8")
    alice.commit_file("SHUTTLE_ECHO", base.replace("symbol: `S_e`", "symbol: '`S_e`'").encode(), "alice fixes")
    alice.push()
    bob.commit_file("SHUTTLE_ECHO", base.replace("symbol: `S_e`", 'symbol: "S_e"').encode(), "bob fixes")
    pulled = bob.pull()
    assert pulled.returncode != 0
    text = bob.file("SHUTTLE_ECHO").read_text(encoding="utf-8")
    assert "<<<<<<< ours\nsymbol: \"S_e\"\n=======\nsymbol: '`S_e`'\n>>>>>>> theirs\n" in text
    codes = [p["code"] for p in _check(bob, "SHUTTLE_ECHO")["problems"]]  # type: ignore[attr-defined]
    assert codes == ["merge-conflict"]


def test_body_edits_on_both_sides_merge_as_text_beside_field_edits(tmp_path: Path) -> None:
    _, alice, bob = shared_glossary(tmp_path, EDITOR, EDITOR_2)
    base = alice.file("TIDAL_LOOM").read_text(encoding="utf-8")
    alice.commit_file("TIDAL_LOOM", (base + "\nA note from Alice.\n").encode(), "alice adds to the body")
    alice.push()
    bob_text = base.replace("\n# Tidal Loom\n", "\n# Tidal Loom (the loom)\n", 1)
    assert bob_text != base
    bob.commit_file("TIDAL_LOOM", bob_text.encode(), "bob retitles")
    bob.set("TIDAL_LOOM", "license", "CC0-1.0")
    pulled = bob.pull()
    assert pulled.returncode == 0, pulled.stdout + pulled.stderr
    merged = bob.file("TIDAL_LOOM").read_text(encoding="utf-8")
    assert "# Tidal Loom (the loom)" in merged and merged.endswith("\nA note from Alice.\n")
    assert _entry(bob, "TIDAL_LOOM")["license"] == "CC0-1.0"


def _entry(where: Clone, term_id: str) -> dict[str, Any]:
    entry = load_term(where.file(term_id)).entry
    assert entry is not None
    return entry
