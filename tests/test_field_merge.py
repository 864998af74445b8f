"""The field-level three-way merge and the driver on its own (no remote): rules, laws, odd files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authoring.core.markers import find_markers
from authoring.core.termfile import load_term
from authoring.core.threeway import MISSING, keep_higher_version, keep_later_date, merge_data
from authoring.repo.merge import RESOLVERS, merge_term_bytes
from tests.conftest import ROOT, run_cli_process

SLACK = (ROOT / "terms" / "SLACK_WATER.md").read_bytes()

scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=4))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.text(max_size=3), inner, max_size=3)),
                      max_leaves=12)
entries = st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), values, max_size=4)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entries, entries)
def test_a_side_that_changed_nothing_takes_the_other_sides_data(base: dict[str, Any], other: dict[str, Any]) -> None:
    theirs_only = merge_data(base, base, other)
    assert theirs_only.conflicts == []
    assert theirs_only.merged == other
    ours_only = merge_data(base, other, base)
    assert ours_only.conflicts == [] and ours_only.edits == [] and ours_only.merged == other


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entries, entries)
def test_the_same_change_on_both_sides_merges_to_it(base: dict[str, Any], both: dict[str, Any]) -> None:
    result = merge_data(base, both, both)
    assert result.clean and result.edits == [] and result.merged == both


def test_different_fields_merge_and_edits_name_only_theirs() -> None:
    base = {"a": 1, "b": {"x": 1, "y": 2}, "c": [1, 2]}
    ours = {"a": 2, "b": {"x": 1, "y": 2}, "c": [1, 2]}
    theirs = {"a": 1, "b": {"x": 1, "y": 3, "z": 4}, "c": [1, 2]}
    result = merge_data(base, ours, theirs)
    assert result.clean
    assert result.merged == {"a": 2, "b": {"x": 1, "y": 3, "z": 4}, "c": [1, 2]}
    assert [(e.kind, e.path, e.value) for e in result.edits] == [("set", ("b", "y"), 3), ("set", ("b", "z"), 4)]


def test_items_appended_on_both_sides_are_all_kept_and_items_merge_one_by_one() -> None:
    base = {"log": [{"n": "a"}], "src": [{"lines": "L1", "snippet": "s"}]}
    ours = {"log": [{"n": "a"}, {"n": "ours"}], "src": [{"lines": "L2", "snippet": "s"}]}
    theirs = {"log": [{"n": "a"}, {"n": "theirs"}, {"n": "ours"}], "src": [{"lines": "L1", "snippet": "t"}]}
    result = merge_data(base, ours, theirs)
    assert result.clean
    assert result.merged == {"log": [{"n": "a"}, {"n": "ours"}, {"n": "theirs"}],
                             "src": [{"lines": "L2", "snippet": "t"}]}


def test_same_field_changed_differently_is_a_conflict_that_keeps_ours_in_the_data() -> None:
    result = merge_data({"t": "base", "u": 1}, {"t": "ours", "u": 1}, {"t": "theirs", "u": 2})
    assert [(c.path, c.ours, c.theirs) for c in result.conflicts] == [(("t",), "ours", "theirs")]
    assert result.merged == {"t": "ours", "u": 2}
    removed = merge_data({"t": "base"}, {"t": "ours"}, {})
    assert removed.conflicts[0].reason == "one side removed it, the other changed it"
    assert removed.conflicts[0].theirs is MISSING


def test_version_keeps_the_higher_and_dates_the_later() -> None:
    assert keep_higher_version(("version",), 0.1, 0.2, "1.0").value == "1.0"  # type: ignore[union-attr]
    assert keep_higher_version(("version",), 0.1, 0.10, 0.9).value == 0.9  # type: ignore[union-attr]
    assert keep_higher_version(("version",), "0.1", "0.10", "0.9").value == "0.10"  # type: ignore[union-attr]
    assert keep_higher_version(("version",), "1", "draft", "2") is None
    later = keep_later_date(("last_updated",), dt.date(2026, 1, 1), dt.date(2026, 2, 1), "2026-03-01")
    assert later is not None and later.side == "theirs"
    result = merge_data({"version": 0.1}, {"version": 0.2}, {"version": "1.0"}, RESOLVERS)
    assert result.clean and result.merged == {"version": "1.0"}


def test_markers_are_found_only_as_complete_regions() -> None:
    assert find_markers("Title\n=======\n\ntext\n") == []
    regions = find_markers("a\n<<<<<<< ours: triad.art\nx\n||||||| base\nw\n=======\ny\n>>>>>>> theirs: triad.art\n")
    assert [(r.start, r.middle, r.end, r.label) for r in regions] == [(2, 6, 8, "triad.art")]


def _variant(data: bytes, *pairs: tuple[bytes, bytes]) -> bytes:
    for old, new in pairs:
        assert old in data
        data = data.replace(old, new)
    return data


def test_crlf_and_bom_files_merge_with_their_own_line_ends() -> None:
    base = b"\xef\xbb\xbf" + SLACK.replace(b"\n", b"\r\n")
    ours = _variant(base, (b'symbol: ""', b'symbol: "S"'))
    theirs = _variant(base, (b"aliases: [the held breath]", b"aliases: [the held breath, calm]"),
                      (b"    The coast holding its breath.", b"    The coast, waiting."))
    merged, outcome = merge_term_bytes(base, ours, theirs, "terms/SLACK_WATER.md")
    assert outcome.method == "fields" and outcome.exit_code == 0
    assert merged == _variant(ours, (b"aliases: [the held breath]", b"aliases: [the held breath, calm]"),
                              (b"    The coast holding its breath.", b"    The coast, waiting."))


def test_conflict_markers_in_a_crlf_file_use_crlf() -> None:
    base = SLACK.replace(b"\n", b"\r\n")
    ours = _variant(base, (b"units: minutes", b"units: hours"))
    theirs = _variant(base, (b"units: minutes", b"units: seconds"))
    merged, outcome = merge_term_bytes(base, ours, theirs, "terms/SLACK_WATER.md")
    assert outcome.exit_code == 1
    assert (b"<<<<<<< ours: operational_definition.units\r\n  units: hours\r\n=======\r\n  units: seconds\r\n"
            b">>>>>>> theirs: operational_definition.units\r\n") in merged


def test_a_conflict_inside_a_flow_list_marks_the_whole_line() -> None:
    ours = _variant(SLACK, (b"aliases: [the held breath]", b"aliases: [the still breath]"))
    theirs = _variant(SLACK, (b"aliases: [the held breath]", b"aliases: [the long breath]"))
    merged, outcome = merge_term_bytes(SLACK, ours, theirs, "terms/SLACK_WATER.md")
    assert outcome.conflicts == ["aliases.0: both sides changed it differently"]
    assert (b"<<<<<<< ours: aliases\naliases: [the still breath]\n=======\naliases: [the long breath]\n"
            b">>>>>>> theirs: aliases\n") in merged
    problems = load_term(Path("terms/SLACK_WATER.md"), "terms/SLACK_WATER.md", merged).problems
    assert [p.code for p in problems] == ["merge-conflict"]


def test_a_field_removed_on_their_side_is_removed_with_its_lines() -> None:
    ours = _variant(SLACK, (b'symbol: ""', b'symbol: "S"'))
    theirs = _variant(SLACK, (b"license: CC-BY-SA-4.0\n", b""), (b"  antonyms: []\n", b""),
                      (b"  philosophy: |\n    The quiet moments are when a system shows what its noise alone would make"
                       b" of it.\n", b""))
    merged, outcome = merge_term_bytes(SLACK, ours, theirs, "terms/SLACK_WATER.md")
    assert (outcome.method, outcome.exit_code) == ("fields", 0)
    assert merged == _variant(theirs, (b'symbol: ""', b'symbol: "S"'))


def test_a_removal_that_cannot_be_made_in_place_goes_to_the_text_merge() -> None:
    # `module` is the first key of a `- module: …` item: its line carries the item's dash.
    ours = _variant(SLACK, (b'symbol: ""', b'symbol: "S"'))
    theirs = _variant(SLACK, (b"  - module: DEMO-001\n    excerpt: |", b"  - excerpt: |"))
    merged, outcome = merge_term_bytes(SLACK, ours, theirs, "terms/SLACK_WATER.md")
    assert outcome.method == "text" and outcome.exit_code == 0
    assert "cannot remove context_windows.0.module in place" in outcome.notes[0]
    assert merged == _variant(theirs, (b'symbol: ""', b'symbol: "S"'))


def test_removed_on_one_side_and_changed_on_the_other_is_a_conflict() -> None:
    ours = _variant(SLACK, (b"license: CC-BY-SA-4.0", b"license: CC0-1.0"))
    theirs = _variant(SLACK, (b"license: CC-BY-SA-4.0\n", b""))
    merged, outcome = merge_term_bytes(SLACK, ours, theirs, "terms/SLACK_WATER.md")
    assert outcome.conflicts == ["license: one side removed it, the other changed it"]
    assert b"<<<<<<< ours: license\nlicense: CC0-1.0\n=======\n>>>>>>> theirs: license\n---\n" in merged
    # and the other way round: our side removed it, theirs changed it
    merged, outcome = merge_term_bytes(SLACK, theirs, ours, "terms/SLACK_WATER.md")
    assert outcome.conflicts == ["license: one side removed it, the other changed it"]
    assert merged.endswith(b"  downstream_effects: []\n<<<<<<< ours: license\n=======\nlicense: CC0-1.0\n"
                           b">>>>>>> theirs: license\n---\n" + SLACK.split(b"---\n")[-1])
    nested_ours = _variant(SLACK, (b"  antonyms: []\n", b""))
    nested_theirs = _variant(SLACK, (b"  antonyms: []", b"  antonyms: [FLOOD]"))
    merged, _ = merge_term_bytes(SLACK, nested_ours, nested_theirs, "terms/SLACK_WATER.md")
    assert (b"  prerequisites: [TIDAL_LOOM]\n  downstream_effects: []\n<<<<<<< ours: crosslinks.antonyms\n=======\n"
            b"  antonyms: [FLOOD]\n>>>>>>> theirs: crosslinks.antonyms\nlicense:") in merged


def test_the_driver_command_writes_the_result_over_ours_and_exits_by_conflicts(tmp_path: Path) -> None:
    base, ours, theirs = tmp_path / "O", tmp_path / "A", tmp_path / "B"
    base.write_bytes(SLACK)
    ours.write_bytes(_variant(SLACK, (b"units: minutes", b"units: hours")))
    theirs.write_bytes(_variant(SLACK, (b'symbol: ""', b'symbol: "S"')))
    done = run_cli_process("merge-driver", base, ours, theirs, "terms/SLACK_WATER.md", cwd=tmp_path)
    assert done.code == 0, done.err
    assert ours.read_bytes() == _variant(SLACK, (b"units: minutes", b"units: hours"), (b'symbol: ""', b'symbol: "S"'))
    theirs.write_bytes(_variant(SLACK, (b"units: minutes", b"units: days")))
    ours.write_bytes(_variant(SLACK, (b"units: minutes", b"units: hours")))
    done = run_cli_process("merge-driver", base, ours, theirs, "terms/SLACK_WATER.md", cwd=tmp_path)
    assert done.code == 1
    assert "CONFLICT in operational_definition.units" in done.err and "Traceback" not in done.err


def test_diff3_style_shows_the_base_lines_of_the_field_too() -> None:
    ours = _variant(SLACK, (b"units: minutes", b"units: hours"))
    theirs = _variant(SLACK, (b"units: minutes", b"units: seconds"))
    merged, outcome = merge_term_bytes(SLACK, ours, theirs, "terms/SLACK_WATER.md", conflict_style="diff3")
    assert outcome.exit_code == 1
    assert (b"<<<<<<< ours: operational_definition.units\n  units: hours\n"
            b"||||||| base: operational_definition.units\n  units: minutes\n=======\n  units: seconds\n"
            b">>>>>>> theirs: operational_definition.units\n") in merged
    assert [p.code for p in load_term(Path("terms/SLACK_WATER.md"), "x", merged).problems] == ["merge-conflict"]
