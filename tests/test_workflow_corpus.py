"""The workflow on a copy of the real corpus laid out as upstream (terms in modules/dictionary)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from authoring.core.roundtrip import Editor
from authoring.core.termfile import TermFile, load_term
from authoring.repo.actions import append_review_log, entry_version, set_status, set_version, touch
from authoring.workflow.identity import parse_identity
from authoring.workflow.statuses import Status
from authoring.workflow.versions import next_major
from tests.conftest import EDITOR, EDITOR_2, git, run_cli


def test_ratifying_a_corpus_candidate_syncs_its_legacy_header_in_its_own_style(corpus_copy: Path) -> None:
    path = corpus_copy / "modules" / "dictionary" / "ALIGNED_POLE.md"
    before = path.read_text(encoding="utf-8").split("\n")
    assert run_cli("review", "ALIGNED_POLE", "--approve", "--repo", corpus_copy, "--as", EDITOR_2).code == 0
    result = run_cli("promote", "ALIGNED_POLE", "--repo", corpus_copy, "--as", EDITOR)
    assert result.code == 0, result.err
    after = path.read_text(encoding="utf-8").split("\n")
    today = dt.date.today().isoformat()
    changed = [(a, b) for a, b in zip(before[:30], after[:30], strict=True) if a != b]
    assert changed[:6] == [
        ('status: "draft"', 'status: "ratified"'), ('version: "0.1"', 'version: "1.0"'),
        ('last_updated: "2025-10-17"', f'last_updated: "{today}"'),
        ("status: candidate", "status: ratified"), ("version: 0.1", "version: 1.0"),
        ("last_updated: 2025-10-17", f"last_updated: {today}")]
    # the review log was an empty flow list `[]`: its first item is written as a block item
    at = after.index("  review_log:")
    assert before[at] == "  review_log: []"
    assert after[at + 1 : at + 4] == [f"    - date: {today}", f"      reviewer: {EDITOR}",
                                      "      notes: promote candidate → ratified"]
    assert after[at + 4 :] == before[at + 1 :]
    assert run_cli("check", "ALIGNED_POLE", "--repo", corpus_copy).code == 0
    assert git(corpus_copy, "status", "--porcelain") == ""


def test_a_corpus_draft_is_gated_on_its_snippet_in_the_upstream_modules(corpus_copy: Path) -> None:
    drafts = sorted((corpus_copy / "modules" / "dictionary").glob("*.md"))
    promoted = refused = 0
    for path in drafts:
        text = path.read_text(encoding="utf-8")
        if "\nstatus: draft\n" not in text or "\ntriad:" not in text:
            continue
        result = run_cli("promote", path.stem, "--repo", corpus_copy, "--as", EDITOR)
        assert result.code in (0, 1, 3), result.err
        assert "Traceback" not in result.err
        promoted += result.code == 0
        refused += result.code == 3
        if promoted >= 2 and refused >= 1:
            break
    assert promoted >= 1  # real snippets resolve against modules/ even with modules/dictionary inside it


def _ratify_bookkeeping(term: TermFile) -> bytes:
    """What a ratification with a successor writes in a term: version, status, a new key, the date and a
    review-log item, in every block that carries them."""
    editor = Editor(term)
    day = dt.date(2026, 11, 23)
    with editor.batch():
        set_version(editor, next_major(entry_version(editor)))
        set_status(editor, Status.RATIFIED)
        editor.set(("superseded_by",), "SOME_SUCCESSOR")
        touch(editor, day)
        append_review_log(editor, day, parse_identity(EDITOR), "ratified: with a colon")
    return editor.render()


@pytest.mark.slow
def test_workflow_edits_write_the_same_bytes_on_either_reading_of_every_corpus_file(corpus: Path) -> None:
    # Actions load terms through the libyaml fast path and edit its node graph; ruamel's round-trip
    # reading is the authority. On every parseable corpus file both must give the very same bytes.
    alike = parseable = 0
    differ: list[str] = []
    for path in sorted((corpus / "dictionary").glob("*.md")):
        data = path.read_bytes()
        authority = load_term(path, path.name, data)
        if not authority.parses:
            continue
        parseable += 1
        fast = load_term(path, path.name, data, fast=True)
        assert not fast.round_trip
        if _ratify_bookkeeping(fast) == _ratify_bookkeeping(authority):
            alike += 1
        else:
            differ.append(path.name)
    assert differ == []
    assert alike == parseable > 1000
