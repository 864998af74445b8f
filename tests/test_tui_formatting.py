"""What the UI shows of a change to a long text: the words that changed, highlighted, within the rest."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from authoring.repo.revisions import FieldChange, field_changes
from authoring.tui.formatting import changed_words, changes_text

WORDS = st.lists(st.sampled_from(["loom", "weft", "tide", "shore", "a", "the", "moon,", "wind."]), max_size=12)


@given(WORDS, WORDS)
def test_changed_words_split_both_texts_at_word_boundaries(old_words: list[str], new_words: list[str]) -> None:
    old, new = " ".join(old_words), " ".join(new_words)
    start, old_middle, new_middle, end = changed_words(old, new)
    assert start + old_middle + end == old and start + new_middle + end == new
    assert start == "" or start.endswith(" ")  # never cuts a word in two
    cut = len(start) + len(old_middle)  # where the shared end begins in `old`
    assert end == "" or cut == 0 or end.startswith(" ") or old[cut - 1] == " "


def test_a_long_text_edit_highlights_only_the_words_that_changed() -> None:
    old = ("A shore that weaves: the moon lays the warp, the wind throws the shuttle, and the tide keeps "
           "the count of every pass.")
    new = old.replace("the wind throws", "the gale hurls")
    changes = field_changes({"triad": {"art": old}}, {"triad": {"art": new}}, full_text=True)
    assert [(c.path, c.old, c.new) for c in changes] == [("triad.art", old, new)]  # whole, not ‹text, N chars›
    text = changes_text(changes)
    highlighted = [text.plain[span.start : span.end] for span in text.spans if "reverse" in str(span.style)]
    assert highlighted == ["wind throws", "gale hurls"]
    assert text.plain.count("the count of every pass.") == 2  # the rest is shown, dimmed, on both lines


def test_a_history_still_summarises_long_text() -> None:
    old, new = "x " * 60, "y " * 60
    assert field_changes({"a": old}, {"a": new}) == [
        FieldChange(path="a", old="‹text, 120 chars›", new="‹text, 120 chars›", kind="changed", summarised=True)]
