"""The fast reading of front matter (`core.fastyaml`) never disagrees with the round-trip parser.

For every block it must give the same verdict (parses or not), the same values with the same types,
and the same problems with the same locations as `yamlio.parse_block` — proved on every file of the
corpus, and on hand-made cases of everything YAML 1.2 and libyaml are known to read differently.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from deepdiff import DeepDiff
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authoring.core.termfile import TermFile, load_term
from tests.conftest import ROOT
from tests.test_roundtrip_properties import term_file


def _blocks(term: TermFile) -> list[object]:
    return [None if b is None else b.plain for b in term.blocks]


def identical(a: object, b: object) -> bool:
    """Equal with the same type at every level (so DeepDiff would find nothing: it is asked only when
    this says no, to say what differs; a NaN is never identical, so DeepDiff judges it)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        assert isinstance(b, dict)
        return a.keys() == b.keys() and all(identical(k, next(x for x in b if x == k)) and identical(v, b[k])
                                            for k, v in a.items())
    if isinstance(a, list | tuple):
        assert isinstance(b, list | tuple)
        return len(a) == len(b) and all(identical(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def assert_agree(path: Path, data: bytes) -> TermFile:
    """Load `data` both ways; every block's values (types included) and every problem must match."""
    fast = load_term(path, path.name, data, fast=True)
    slow = load_term(path, path.name, data)
    assert fast.parses == slow.parses, path.name
    slow_blocks, fast_blocks = _blocks(slow), _blocks(fast)
    if not identical(slow_blocks, fast_blocks):
        diff = DeepDiff(slow_blocks, fast_blocks)
        assert not diff, f"{path.name}: {diff}"
    slow_problems, fast_problems = [p.to_json() for p in slow.problems], [p.to_json() for p in fast.problems]
    if not identical(slow_problems, fast_problems):
        assert DeepDiff(slow_problems, fast_problems) == {}, path.name
    return fast


def test_identical_sees_every_difference_deepdiff_sees() -> None:
    import datetime as dt

    for a, b in [(1, 1.0), (1, True), (0, False), ("1", 1), (dt.date(2025, 1, 2), "2025-01-02"), ([1], (1,)),
                 ({1: "a"}, {True: "a"}), ({"a": [1, 2]}, {"a": [2, 1]}), ({"a": 1}, {"a": 1, "b": None}),
                 (float("nan"), float("nan")), (None, "")]:
        assert not identical(a, b), (a, b)
        assert not identical(b, a), (b, a)
    day = dt.date(2025, 1, 2)
    assert identical({"a": [1, {"b": day}], "c": None}, {"c": None, "a": [1, {"b": day}]})


@pytest.mark.slow
def test_every_corpus_file_reads_the_same_both_ways(corpus: Path) -> None:
    files = sorted((corpus / "dictionary").glob("*.md"))
    assert len(files) > 1000
    fast_blocks = 0
    for path in files:
        fast = assert_agree(path, path.read_bytes())
        fast_blocks += sum(1 for b in fast.blocks if b is not None and not b.round_trip)
    # The fast path did the work (it is not falling back on everything).
    assert fast_blocks > 2000


ENTRY = "---\nterm: Slack Water\ncanonical_id: SLACK_WATER\nstatus: draft\nversion: 0.1\n{extra}---\n\n# Slack Water\n"

CASES = {
    "yaml-1.2 booleans and words": "flags: [yes, no, on, off, y, n, true, False, TRUE]\n",
    "numbers": "n: [0o17, 017, 0x1F, 0b101, 1_000, -3, +4, 1.5, .5, 1e3, 6.02e+23, .inf, -.Inf, .nan, 1:30, 0.1.2]\n",
    "nulls": "a: ~\nb: null\nc:\nd: Null\ne: ''\n",
    "dates": "last_updated: 2025-10-18\nwhen: 2025-10-18T10:20:30Z\nlocal: 2025-10-18 10:20:30.5\n"
             "offset: 2025-10-18T10:20:30+02:00\n",
    "impossible date": "last_updated: 2021-13-45\nwhen: 2021-02-30T10:00:00\n",
    "quoted version": "v: '1.0'\nw: \"0.2\"\n",
    "block scalars": "a: |\n  one\n  two\nb: >\n  folded\n  text\n\n  para\nc: |-\n  strip\nd: >+\n  keep\n\ne: x\n",
    "flow spacing": "m: [ X, 0.9 ]\nn: {a: 1, b: [c, d]}\nurl: [http://example.org/a:b]\n",
    "duplicate key": "status: candidate\n",
    "nested duplicate": "triad:\n  art: a\n  art: b\n",
    "alias and anchor": "base: &b [1, 2]\ncopy: *b\n",
    "merge key": "base: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n",
    "explicit tags": "a: !!str 12\nb: !custom thing\nc: !!binary aGVsbG8=\n",
    "python tag": "a: !!python/object:os.system x\n",
    "alias bomb": "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                  "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                  "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
    "tab": "a:\tb\n",
    "backtick": "symbol: `Φ`\n",
    "bold alias": "summary: **bold** words\n",
    "pipe start": "symbol: |x|\nnext: y\n",
    "folded start": "bound: > 0\n",
    "bad escape": 'pattern: "\\D+"\n',
    "text after flow": "links: [a, b], more text\n",
    "error deep inside": "provenance:\n  sources:\n    - module: X\n      lines: L1-L2\n      snippet: `code`\n",
    "error in a sequence item": "parents:\n  - A\n  - `B`\n",
    "unclosed flow": "a: [x, y\nb: z\n",
    "bad indentation": "a:\n  b: 1\n c: 2\n",
    "colon in value": "a: b: c\n",
    "complex key": "? [a, b]\n: v\n",
    "non-ascii": "term: Γ-Λ “quoted” – dash é\nsymbol: Φ_c\n",
    "anchor before an error": "a: &x 1\nb: *x\nc: `bad`\n",
    "undefined alias": "a: *nothing\n",
    "directive-like": "a: b\n%c: d\n",
    "deep nesting": "a: " + "[" * 70 + "]" * 70 + "\n",
    "scalar keys": "1: one\n2.5: two\ntrue: three\nnull: four\n",
    "empty value list": "a: []\nb: {}\n",
    "comment lines": "# c\na: 1 # trailing\n  # indented comment\nb: 2\n",
    "document end marker": "a: 1\n...\n",
    "second document": "a: 1\n--- b\n",
}


@pytest.mark.parametrize("extra", list(CASES.values()), ids=list(CASES))
def test_tricky_entries_read_the_same_both_ways(extra: str, tmp_path: Path) -> None:
    path = tmp_path / "SLACK_WATER.md"
    assert_agree(path, ENTRY.format(extra=extra).encode("utf-8"))


@pytest.mark.parametrize("text", [
    "---\nterm: A\n---\n\n---\n" + "term: B\nx: `y`\n" + "---\nbody\n",  # header + broken entry
    "---\r\nterm: CRLF\r\nlinks: [ A, 0.5 ]\r\nbad: `x`\r\n---\r\n",
    "\ufeff---\nterm: BOM\n---\n",
    "---\n- a list\n- entry\n---\n",
    "---\njust text\n---\n",
    "---\n---\n",
    "---\nterm: unterminated\n",
])
def test_odd_files_read_the_same_both_ways(text: str, tmp_path: Path) -> None:
    path = tmp_path / "ODD.md"
    assert_agree(path, text.encode("utf-8"))


def test_deep_nesting_is_refused_without_crashing(tmp_path: Path) -> None:
    """libyaml's composer recurses on the C stack: 300,000 brackets would crash it; we stop first."""
    path = tmp_path / "DEEP.md"
    deep = "[" * 300_000 + "]" * 300_000
    term = load_term(path, path.name, f"---\na: {deep}\n---\n".encode(), fast=True)
    assert not term.parses
    assert {p.code for p in term.problems} & {"too-deep", "yaml-syntax"}


def test_an_editor_given_a_fast_reading_edits_the_round_trip_one(tmp_path: Path) -> None:
    from authoring.core.roundtrip import Editor

    path = tmp_path / "SLACK_WATER.md"
    path.write_bytes(ENTRY.format(extra="links: [ A, 0.5 ]\n").encode())
    editor = Editor(load_term(path, path.name, fast=True))
    editor.set(("status",), "candidate")
    assert editor.render() == path.read_bytes().replace(b"status: draft", b"status: candidate")


# -- without the corpus: generated files, the biggest budget, and a PyYAML without libyaml --------

FAST_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST_SETTINGS
@given(term_file())
def test_generated_files_read_the_same_both_ways(generated: tuple[bytes, object]) -> None:
    """The equivalence must not depend on the corpus being present: every generated file (comments,
    quoting styles, flow and block lists, literal blocks, empty values, CRLF, BOM, headers) reads alike."""
    data, _ = generated
    assert_agree(Path("GENERATED.md"), data)


@pytest.mark.filterwarnings("ignore::ruamel.yaml.error.ReusedAnchorWarning")  # two cases reuse an anchor name
@FAST_SETTINGS
@given(st.lists(st.sampled_from(list(CASES.values())), min_size=1, max_size=4, unique=True))
def test_tricky_lines_combined_read_the_same_both_ways(extras: list[str]) -> None:
    """Known disagreements between YAML 1.1 / libyaml and YAML 1.2 / ruamel, several in one entry."""
    assert_agree(Path("SLACK_WATER.md"), ENTRY.format(extra="".join(extras)).encode("utf-8"))


def test_a_pyyaml_without_libyaml_falls_back_to_ruamel(tmp_path: Path) -> None:
    """PyYAML built without its C extension has no `yaml._yaml`: terms still load (through ruamel)."""
    path = tmp_path / "SLACK_WATER.md"
    path.write_bytes(ENTRY.format(extra="links: [ A, 0.5 ]\n").encode())
    code = (
        "import sys\n"
        "sys.modules['yaml._yaml'] = None  # an import of it now fails, as on a pure-Python PyYAML\n"
        "from pathlib import Path\n"
        "from authoring.core.termfile import load_term\n"
        f"t = load_term(Path({str(path)!r}), 'SLACK_WATER.md', fast=True)\n"
        "assert t.parses and t.entry['links'] == ['A', 0.5], t.problems\n"
        "assert all(b.round_trip for b in t.blocks), 'read by ruamel'\n"
        "assert 'authoring.core.fastyaml' not in sys.modules\n"
        "print('ok')\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
