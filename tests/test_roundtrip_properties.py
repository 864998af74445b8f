"""Property tests of the round-trip law (spec §3) on generated term files.

The generator writes YAML the way people and agents do: comments, plain/single/double-quoted scalars,
`[ a, b ]` and `[a, b]` flow lists, block lists (indented or not), nested mappings, literal blocks,
empty values (`key:` and `key: `), trailing spaces, non-ASCII text — inside a file with or without a
BOM, with LF or CRLF, with or without a final newline, with a Markdown body that has its own `---`.

Properties: load → render is byte-identical; setting a scalar changes only the lines of that value
and deepdiff shows only it; appending to a flow or block list keeps the list's style and its
siblings' lines.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml.nodes import ScalarNode

from authoring.core.frontmatter import lines_of
from authoring.core.paths import FieldPath, find_node, get_value
from authoring.core.roundtrip import Editor
from authoring.core.termfile import TermFile, load_term
from authoring.errors import EditError
from tests.roundtrip_support import changed_paths, deepdiff_path, outside_lines_kept, span_of

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])

KEYS = ["alpha", "beta", "gamma_ray", "delta", "epsilon", "zeta", "eta", "theta", "iota"]
LETTERS = "abcxyzABCXYZéøßΓλ漢字"
WORD = st.text(LETTERS, min_size=1, max_size=6)
PLAIN = st.builds(lambda first, rest: first + rest, st.sampled_from(LETTERS),
                  st.text(LETTERS + " -.()/0123456789", max_size=20).map(str.rstrip))
SPECIALS = st.sampled_from(":#'\"\\[]{}&*!|>%@`")
ANY_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | SPECIALS, max_size=24)


@dataclass
class Doc:
    """A generated entry: its YAML lines and the paths of what can be edited."""

    lines: list[str]
    scalars: list[FieldPath]
    flow_lists: list[FieldPath]
    block_lists: list[FieldPath]


@st.composite
def scalar_text(draw: st.DrawFn) -> str:
    """A scalar as written after `key: ` (or inside a flow list)."""
    kind = draw(st.sampled_from(["plain", "single", "double", "number", "word"]))
    if kind == "plain":
        return draw(PLAIN)
    if kind == "word":
        return draw(WORD)
    if kind == "number":
        return draw(st.sampled_from(["0.9", "1", "-3", "1.0", "2026-01-02", "true", "null", "~"]))
    text = draw(ANY_TEXT)
    if kind == "single":
        return "'" + text.replace("'", "''") + "'"
    return json.dumps(text, ensure_ascii=False)


@st.composite
def comment(draw: st.DrawFn) -> str:
    return draw(st.sampled_from(["", "", "", "  # note", " # ünïcode: note"]))


@st.composite
def mapping(draw: st.DrawFn, indent: int, path: FieldPath, depth: int) -> Doc:
    pad = " " * indent
    keys = draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=5, unique=True))
    doc = Doc([], [], [], [])
    for key in keys:
        here = (*path, key)
        if draw(st.booleans()) and draw(st.booleans()):
            doc.lines.append(pad + "# a comment line" + draw(st.sampled_from(["", "  "])))
        kind = draw(st.sampled_from(["scalar", "scalar", "flow", "block", "literal", "empty", "map"]
                                    if depth < 2 else ["scalar", "flow", "block", "literal", "empty"]))
        trailing = draw(st.sampled_from(["", "", " ", "  "]))
        if kind == "scalar":
            doc.lines.append(f"{pad}{key}: {draw(scalar_text())}{draw(comment())}{trailing}")
            doc.scalars.append(here)
        elif kind == "empty":
            doc.lines.append(f"{pad}{key}:{draw(st.sampled_from(['', ' ', '  ']))}")
            doc.scalars.append(here)
        elif kind == "flow":
            items = draw(st.lists(scalar_text(), min_size=0, max_size=4))
            padded = draw(st.booleans()) and bool(items)
            inner = ", ".join(items)
            flow = f"[ {inner} ]" if padded else f"[{inner}]"
            doc.lines.append(f"{pad}{key}: {flow}{draw(comment())}{trailing}")
            doc.flow_lists.append(here)
            doc.scalars.extend((*here, i) for i in range(len(items)))
        elif kind == "block":
            items = draw(st.lists(scalar_text(), min_size=1, max_size=4))
            step = draw(st.sampled_from([0, 2, 4]))
            doc.lines.append(f"{pad}{key}:{trailing}")
            doc.lines.extend(f"{pad}{' ' * step}- {item}{draw(comment())}" for item in items)
            doc.block_lists.append(here)
            doc.scalars.extend((*here, i) for i in range(len(items)))
        elif kind == "literal":
            body = draw(st.lists(st.text(LETTERS + " :#'\"-", min_size=1, max_size=20).filter(lambda s: s[0] != " "),
                                 min_size=1, max_size=3))
            doc.lines.append(f"{pad}{key}: |{draw(st.sampled_from(['', '-']))}")
            doc.lines.extend(f"{pad}  {line}" for line in body)
            doc.scalars.append(here)
        else:
            child = draw(mapping(indent + draw(st.sampled_from([2, 4])), here, depth + 1))
            doc.lines.append(f"{pad}{key}:{trailing}")
            doc.lines.extend(child.lines)
            doc.scalars.extend(child.scalars)
            doc.flow_lists.extend(child.flow_lists)
            doc.block_lists.extend(child.block_lists)
    return doc


@st.composite
def term_file(draw: st.DrawFn) -> tuple[bytes, Doc]:
    doc = draw(mapping(0, (), 0))
    doc.scalars.insert(0, ("term",))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    header = []
    if draw(st.booleans()):
        header = ["---", 'term: "Generated"', 'status: "draft"', "---", ""]
    body = draw(st.sampled_from(["", "# Title", "# Title\n\ntext\n\n---\n\nafter a rule", "```\n---\n```"]))
    lines = [*header, "---", "term: Generated", "canonical_id: GENERATED", *doc.lines, "---"]
    if body:
        lines += ["", *body.split("\n")]
    text = newline.join(lines) + (newline if draw(st.booleans()) else "")
    bom = "\ufeff" if draw(st.booleans()) else ""
    return (bom + text).encode("utf-8"), doc


def loaded(data: bytes, tmp_name: str = "GENERATED.md") -> TermFile:
    from pathlib import Path

    term = load_term(Path(tmp_name), tmp_name, data)
    assert term.parses, [p.format() for p in term.problems] + [data.decode("utf-8")]
    return term


def edited_on_the_fast_reading(data: bytes, kind: str, path: FieldPath, value: object) -> bytes:
    """The same edit made on the libyaml fast path's reading (what actions load): it must write the
    same bytes as on ruamel's."""
    from pathlib import Path

    fast = load_term(Path("GENERATED.md"), "GENERATED.md", data, fast=True)
    editor = Editor(fast)
    if kind == "append":
        editor.append(path, value)
    else:
        editor.set(path, value)
    return editor.render()


def kept_chomping(term: TermFile, path: FieldPath, value: object) -> object:
    """What a set reads back as: text set on a `|` block that ended with a line break keeps that break
    (the block keeps its chomping; `Editor.set` documents this)."""
    old = get_value(term.entry, path)
    parsed = term.entry_block
    assert parsed is not None and parsed.node is not None
    _, node, _ = find_node(parsed.node, path)
    if (isinstance(node, ScalarNode) and node.style in ("|", ">") and isinstance(value, str) and value
            and not value.endswith("\n") and isinstance(old, str) and old.endswith("\n")):
        return value + "\n"
    return value


@SETTINGS
@given(term_file())
def test_load_then_render_is_byte_identical(generated: tuple[bytes, Doc]) -> None:
    data, _ = generated
    term = loaded(data)
    assert Editor(term).render() == data
    assert term.text is not None and term.text.encode() == data


NEW_VALUES = st.one_of(ANY_TEXT, PLAIN, st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False),
                       st.booleans(), st.none(), st.text(LETTERS + " :\n", min_size=1, max_size=30))


@SETTINGS
@given(term_file(), st.data())
def test_setting_a_scalar_changes_only_its_lines(generated: tuple[bytes, Doc], data: st.DataObject) -> None:
    raw, doc = generated
    term = loaded(raw)
    path = data.draw(st.sampled_from([(*p,) for p in doc.scalars]))
    value = data.draw(NEW_VALUES)
    first, last = span_of(term, path)
    editor = Editor(term)
    editor.set(path, value)
    after = editor.render()
    assert edited_on_the_fast_reading(raw, "set", path, value) == after
    kept, outside = outside_lines_kept(raw, after, first, last)
    assert kept == outside, (path, value, raw.decode(), after.decode())
    old, new = term.entry, editor.term.entry
    assert old is not None and new is not None
    assert get_value(new, path) == kept_chomping(term, path, value)
    changed = changed_paths(old, new)
    assert changed <= {deepdiff_path(path)}, changed
    assert after.startswith(b"\xef\xbb\xbf") == raw.startswith(b"\xef\xbb\xbf")
    assert (b"\r\n" in after) == (b"\r\n" in raw) or b"\n" not in after.replace(b"\r\n", b"")


@SETTINGS
@given(term_file(), st.data())
def test_appending_keeps_the_list_style_and_its_siblings(generated: tuple[bytes, Doc], data: st.DataObject) -> None:
    raw, doc = generated
    lists = [(p, "flow") for p in doc.flow_lists] + [(p, "block") for p in doc.block_lists]
    if not lists:
        return
    path, style = data.draw(st.sampled_from(lists))
    value = data.draw(st.one_of(PLAIN, WORD, ANY_TEXT, st.integers(0, 99)))
    term = loaded(raw)
    first, last = span_of(term, path)
    before_items = list(get_value(term.entry, path))
    editor = Editor(term)
    editor.append(path, value)
    after = editor.render()
    assert edited_on_the_fast_reading(raw, "append", path, value) == after
    assert get_value(editor.term.entry, path) == [*before_items, value]
    assert changed_paths(term.entry, editor.term.entry) <= {deepdiff_path((*path, len(before_items))),
                                                            deepdiff_path(path)}
    old_lines = lines_of(raw.decode("utf-8-sig"))
    new_lines = lines_of(after.decode("utf-8-sig"))
    if style == "flow":
        # the list stays on its one line, in flow style with the same padding
        assert len(new_lines) == len(old_lines)
        kept, outside = outside_lines_kept(raw, after, first, last)
        assert kept == outside
        old_line, new_line = old_lines[first].rstrip("\r\n"), new_lines[first].rstrip("\r\n")
        assert "[" in new_line and "]" in new_line
        if before_items:
            assert ("[ " in old_line.split(":", 1)[1]) == ("[ " in new_line.split(":", 1)[1])
    else:
        # one new line, right after the last item, with the siblings' dash indentation
        assert len(new_lines) == len(old_lines) + 1
        assert new_lines[: last + 1] == old_lines[: last + 1]
        assert new_lines[last + 2 :] == old_lines[last + 1 :]
        sibling = old_lines[last]
        added = new_lines[last + 1]
        assert added[: len(added) - len(added.lstrip())] == sibling[: len(sibling) - len(sibling.lstrip())]
        assert added.lstrip().startswith("- ")


def test_the_generator_covers_the_quirks() -> None:
    # a property test is only as good as its inputs: make sure the interesting shapes are generated
    seen: set[str] = set()

    @settings(max_examples=120, deadline=None)
    @given(term_file())
    def collect(generated: tuple[bytes, Doc]) -> None:
        data, _ = generated
        text = data.decode("utf-8")
        checks = {"bom": text.startswith("\ufeff"), "crlf": "\r\n" in text,
                  "no-final-newline": not text.endswith("\n"),
                  "padded-flow": ": [ " in text, "tight-flow": ": [" in text and ": [ " not in text,
                  "comment": "# " in text, "literal": ": |" in text, "double": ': "' in text,
                  "single": ": '" in text, "empty": ":\n" in text or ": \n" in text or ":\r\n" in text,
                  "trailing-space": " \n" in text or " \r\n" in text, "non-ascii": any(ord(c) > 127 for c in text)}
        seen.update(name for name, hit in checks.items() if hit)

    collect()
    assert seen == {"bom", "crlf", "no-final-newline", "padded-flow", "tight-flow", "comment", "literal", "double",
                    "single", "empty", "trailing-space", "non-ascii"}




def test_an_edit_that_would_change_another_value_is_refused_naming_it() -> None:
    # `derived` merges `base`'s mapping: setting base.x would change derived.x as well
    data = b"---\ncanonical_id: X\nterm: X\nbase: &b {x: 1}\nderived:\n  <<: *b\n---\n"
    editor = Editor(loaded(data))
    with pytest.raises(EditError, match=r"would also change root\['derived'\]\['x'\]; nothing was changed"):
        editor.set(("base", "x"), 2)
    assert editor.render() == data


@pytest.mark.parametrize(("yaml_lines", "path"), [
    ("alpha:\n  delta: |\n    :\n", ("alpha", "delta")),          # found by the property above
    ("delta: |\n  text\n", ("delta",)),
    ("alpha:\n  - |\n    text\n", ("alpha", 0)),
    ("alpha:\n    beta:\n        - |\n            text\n", ("alpha", "beta", 0)),
])
@pytest.mark.parametrize("value", [" \n", " 0\n", "  indented first line\nthen flush\n"])
def test_a_literal_block_may_start_with_spaces_at_any_depth(yaml_lines: str, path: FieldPath, value: str) -> None:
    """Text whose first line starts with a space needs an indentation indicator, counted from the key's
    (or the dash's) column, not from the page's left edge."""
    raw = f"---\nterm: Generated\ncanonical_id: GENERATED\n{yaml_lines}---\n".encode()
    editor = Editor(loaded(raw))
    editor.set(path, value)
    after = loaded(editor.render())
    assert get_value(after.entry, path) == value
    assert get_value(after.entry, ("term",)) == "Generated"
