"""The merge driver on the real corpus: every twentieth parseable term, both field-merge outcomes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from authoring.core.frontmatter import lines_of
from authoring.core.roundtrip import Editor
from authoring.core.termfile import TermFile, load_term
from authoring.errors import AuthoringError
from authoring.repo.git import merge_file
from authoring.repo.merge import merge_term_bytes


def _sample(corpus: Path) -> list[TermFile]:
    files = sorted((corpus / "dictionary").glob("*.md"))[::20]
    terms = [load_term(path, path.name) for path in files]
    return [t for t in terms if t.parses and isinstance(t.entry, dict) and isinstance(t.entry.get("term"), str)]


def _a_key_removed(term: TermFile) -> bytes | None:
    """The term with its first removable top-level key removed, or None when it has none on lines of its own."""
    assert term.entry is not None
    removable = [key for key in ("license", "naming_notes", "poetic_connections") if key in term.entry]
    if not removable:
        return None
    editor = Editor(term)
    try:
        editor.remove((removable[0],))
    except AuthoringError:
        return None
    return editor.render()


def _ours(term: TermFile) -> bytes:
    """A workflow-style change: `last_updated` (or `status`) in every block that carries it."""
    editor = Editor(term)
    for index, block in enumerate(term.blocks):
        assert block is not None
        if isinstance(block.plain, dict) and "last_updated" in block.plain:
            editor.set(("last_updated",), dt.date(2031, 1, 2), block=index)
    if not editor.changed:
        editor.set(("status",), "candidate" if term.entry and term.entry.get("status") != "candidate" else "draft")
    return editor.render()


def _theirs(term: TermFile, new_term: str) -> bytes:
    editor = Editor(term)
    editor.set(("term",), new_term)
    return editor.render()


def test_different_fields_merge_keeping_every_other_line_on_the_corpus(corpus: Path) -> None:
    sample = _sample(corpus)
    assert len(sample) > 50
    for term in sample:
        assert term.entry is not None
        ours, theirs = _ours(term), _theirs(term, term.entry["term"] + " (renamed)")
        base_lines, our_lines, their_lines = (lines_of(b.decode("utf-8")) for b in (term.data, ours, theirs))
        if not len(base_lines) == len(our_lines) == len(their_lines):
            continue  # the test's own edits span lines here; the line-for-line expectation needs single lines
        merged, outcome = merge_term_bytes(term.data, ours, theirs, term.display)
        assert (outcome.method, outcome.conflicts) == ("fields", []), (term.display, outcome.notes)
        expected = "".join(o if o != b else t for b, o, t in zip(base_lines, our_lines, their_lines, strict=True))
        assert merged.decode("utf-8") == expected, term.display


def test_the_same_field_changed_both_ways_marks_only_its_lines_on_the_corpus(corpus: Path) -> None:
    for term in _sample(corpus):
        assert term.entry is not None
        ours, theirs = _theirs(term, "Ours"), _theirs(term, "Theirs")
        merged, outcome = merge_term_bytes(term.data, ours, theirs, term.display)
        assert outcome.exit_code == 1 and outcome.conflicts == ["term: both sides changed it differently"]
        text = merged.decode("utf-8")
        start = text.index("<<<<<<< ours: term")
        end = text.index("\n", text.index(">>>>>>> theirs: term")) + 1
        region = lines_of(text[start:end])
        middle = next(i for i, line in enumerate(region) if line.rstrip("\r\n") == "=======")
        # Outside the markers the file is ours exactly; inside, our `term` lines, then theirs.
        assert text[:start] + "".join(region[1:middle]) + text[end:] == ours.decode("utf-8")
        assert "".join(region[middle + 1 : -1]).strip() in ('term: Theirs', 'term: "Theirs"', "term: 'Theirs'")
        before = {p.code for p in term.problems}
        after = [p.code for p in load_term(term.path, term.display, merged).problems if p.code not in before]
        assert after == ["merge-conflict"], term.display


@pytest.mark.slow
def test_a_key_removed_on_their_side_merges_as_gits_text_merge_would_on_the_corpus(corpus: Path) -> None:
    """Where Git's own text merge is clean, the field merge of a removal must give the very same bytes."""
    compared = 0
    for term in _sample(corpus):
        theirs = _a_key_removed(term)
        if theirs is None:
            continue  # nothing removable on lines of its own: the driver hands such files to the text merge
        ours = _ours(term)
        expected, conflicts = merge_file(ours, term.data, theirs)
        if conflicts:
            continue
        merged, outcome = merge_term_bytes(term.data, ours, theirs, term.display)
        assert (outcome.method, outcome.conflicts) == ("fields", []), (term.display, outcome.notes)
        assert merged == expected, term.display
        compared += 1
    assert compared > 20
