"""The merge driver's fast path (Git's text merge, checked) against the field merge, on the cases the
field merge is tested on: where the fast path keeps a text merge, the field merge gives the same data
(and, on the corpus's edits, the same bytes); where the rules would decide otherwise, it declines."""

from __future__ import annotations

import datetime as dt
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authoring.core.termfile import load_term
from authoring.repo.merge import merge_term_bytes
from authoring.repo.merge_driver import fast_merge, same_data
from tests.conftest import ROOT
from tests.test_field_merge import SLACK, _variant
from tests.test_merge_corpus import _a_key_removed, _ours, _sample, _theirs

DISPLAY = "terms/SLACK_WATER.md"
CRLF = SLACK.replace(b"\n", b"\r\n")
BOM_CRLF = b"\xef\xbb\xbf" + CRLF


def _both(tmp_path: Path, base: bytes, ours: bytes, theirs: bytes, display: str = DISPLAY) -> tuple[
        bytes | None, bytes, list[str]]:
    """The fast path's bytes (None: declined) and the field merge's bytes and conflicts, on one triple."""
    paths = [tmp_path / name for name in ("O", "A", "B")]
    for path, data in zip(paths, (base, ours, theirs), strict=True):
        path.write_bytes(data)
    fast = fast_merge(paths[0], paths[1], paths[2], display)
    assert paths[1].read_bytes() == ours  # the fast path itself writes nothing
    semantic, outcome = merge_term_bytes(base, ours, theirs, display)
    return (fast[0] if fast else None), semantic, outcome.conflicts


def _data(data: bytes) -> list[object]:
    term = load_term(Path(DISPLAY), DISPLAY, data)
    assert term.parses, term.problems
    return [block.plain for block in term.blocks if block is not None]


def _agree(fast: bytes | None, semantic: bytes, conflicts: list[str]) -> None:
    """Where the fast path kept a merge, the field merge merged cleanly to the very same data."""
    if fast is None:
        return
    assert conflicts == []
    assert same_data(_data(fast), _data(semantic))


@pytest.mark.slow
def test_on_the_corpus_edits_to_fields_apart_the_fast_path_gives_the_field_merges_bytes(corpus: Path,
                                                                                      tmp_path: Path) -> None:
    kept = 0
    for term in _sample(corpus):
        assert term.entry is not None
        ours, theirs = _ours(term), _theirs(term, term.entry["term"] + " (renamed)")
        fast, semantic, conflicts = _both(tmp_path, term.data, ours, theirs, term.display)
        _agree(fast, semantic, conflicts)
        if fast is not None:
            assert fast == semantic, term.display
            kept += 1
    assert kept > 40  # the fast path does the work on these (it is not declining everything)


@pytest.mark.slow
def test_on_the_corpus_the_same_field_changed_both_ways_is_left_to_the_field_merge(corpus: Path,
                                                                                  tmp_path: Path) -> None:
    for term in _sample(corpus):
        fast, _, conflicts = _both(tmp_path, term.data, _theirs(term, "Ours"), _theirs(term, "Theirs"), term.display)
        assert fast is None and conflicts == ["term: both sides changed it differently"]


@pytest.mark.slow
def test_on_the_corpus_removals_agree(corpus: Path, tmp_path: Path) -> None:
    compared = 0
    for term in _sample(corpus):
        theirs = _a_key_removed(term)
        if theirs is None:
            continue
        fast, semantic, conflicts = _both(tmp_path, term.data, _ours(term), theirs, term.display)
        _agree(fast, semantic, conflicts)
        if fast is not None:
            assert fast == semantic, term.display  # the same bytes (test_merge_corpus: the field merge's are Git's)
            compared += 1
    assert compared > 20


SLACK_CASES = {
    # the cases of tests/test_field_merge.py, and the policy cases a clean text merge must not decide
    "different fields": (_variant(SLACK, (b'symbol: ""', b'symbol: "S"')),
                         _variant(SLACK, (b"units: minutes", b"units: hours"))),
    "crlf": (_variant(CRLF, (b'symbol: ""', b'symbol: "S"')),
             _variant(CRLF, (b"    The coast holding its breath.", b"    The coast, waiting."))),
    "removed on theirs": (_variant(SLACK, (b'symbol: ""', b'symbol: "S"')),
                          _variant(SLACK, (b"license: CC-BY-SA-4.0\n", b""), (b"  antonyms: []\n", b""))),
    "removed and changed": (_variant(SLACK, (b"license: CC-BY-SA-4.0", b"license: CC0-1.0")),
                            _variant(SLACK, (b"license: CC-BY-SA-4.0\n", b""))),
    "same field both ways": (_variant(SLACK, (b"units: minutes", b"units: hours")),
                             _variant(SLACK, (b"units: minutes", b"units: days"))),
    "a removal not in place": (_variant(SLACK, (b'symbol: ""', b'symbol: "S"')),
                               _variant(SLACK, (b"  - module: DEMO-001\n    excerpt: |", b"  - excerpt: |"))),
    "the body on one side": (_variant(SLACK, (b'symbol: ""', b'symbol: "S"')), SLACK + b"\nA closing note.\n"),
    "the body on both sides": (b"Intro.\n".join(SLACK.rsplit(b"---\n", 1)) + b"", SLACK + b"\nA closing note.\n"),
    # a key added on both sides at different places: Git merges the text cleanly, into a duplicate key
    "one key added twice": (SLACK.replace(b"license:", b"naming: ours\nlicense:", 1),
                            SLACK.replace(b"symbol:", b"naming: theirs\nsymbol:", 1)),
    # the same value spelled differently on one side and changed elsewhere: the data decide
    "a value respelled": (SLACK.replace(b"units: minutes", b"units: 'minutes'"),
                          _variant(SLACK, (b'symbol: ""', b'symbol: "S"'))),
    "crlf and bom": (_variant(BOM_CRLF, (b'symbol: ""', b'symbol: "S"')),
                     _variant(BOM_CRLF, (b"units: minutes", b"units: hours"),
                              (b"    The coast holding its breath.", b"    The coast, waiting."))),
    "crlf conflict": (_variant(CRLF, (b"units: minutes", b"units: hours")),
                      _variant(CRLF, (b"units: minutes", b"units: seconds"))),
    "a conflict in a flow list": (_variant(SLACK, (b"aliases: [the held breath]", b"aliases: [the still breath]")),
                                  _variant(SLACK, (b"aliases: [the held breath]", b"aliases: [the long breath]"))),
    "removed on ours, changed on theirs": (_variant(SLACK, (b"license: CC-BY-SA-4.0\n", b"")),
                                           _variant(SLACK, (b"license: CC-BY-SA-4.0", b"license: CC0-1.0"))),
    "nested removed and changed": (_variant(SLACK, (b"  antonyms: []\n", b"")),
                                   _variant(SLACK, (b"  antonyms: []", b"  antonyms: [FLOOD]"))),
    "both appended to one list": (_variant(SLACK, (b"aliases: [the held breath]", b"aliases: [the held breath, a]")),
                                  _variant(SLACK, (b"aliases: [the held breath]", b"aliases: [the held breath, b]"))),
    "dates on both sides": (_variant(SLACK, (b"last_updated: 2026-11-12", b"last_updated: 2026-12-01")),
                            _variant(SLACK, (b"last_updated: 2026-11-12", b"last_updated: 2026-12-24"))),
    "a ratification beside a content change": (
        _variant(SLACK, (b"status: draft", b"status: ratified"), (b"version: 0.1", b"version: 1.0")),
        _variant(SLACK, (b"    The coast holding its breath.", b"    The coast, waiting."))),
}
BASES = {"crlf": CRLF, "crlf conflict": CRLF, "crlf and bom": BOM_CRLF}


@pytest.mark.parametrize("case", sorted(SLACK_CASES))
def test_the_field_merge_cases_agree(case: str, tmp_path: Path) -> None:
    ours, theirs = SLACK_CASES[case]
    base = BASES.get(case, SLACK)
    fast, semantic, conflicts = _both(tmp_path, base, ours, theirs)
    _agree(fast, semantic, conflicts)
    if case in ("same field both ways", "removed and changed", "one key added twice", "the body on both sides",
                "crlf conflict", "a conflict in a flow list", "removed on ours, changed on theirs",
                "nested removed and changed", "both appended to one list", "dates on both sides",
                "a ratification beside a content change"):
        assert fast is None
    if case in ("different fields", "crlf", "removed on theirs", "the body on one side", "a value respelled",
                "crlf and bom"):
        assert fast is not None
        assert fast == semantic  # on these, the very same bytes too


def _installed_driver(tmp_path: Path) -> str:
    """The driver's command line as `init` installs it in a clone (Git fills in %O %A %B %P)."""
    command = subprocess.run([sys.executable, "-c", "from authoring.repo.clone_setup import driver_command;"
                              " print(driver_command())"], capture_output=True, text=True, check=True,
                             env=dict(os.environ, PYTHONPATH=str(ROOT)), cwd=tmp_path).stdout.strip()
    assert " -S -P -c " in command and command.endswith(" %O %A %B %P")
    return command


def test_the_installed_driver_gives_the_field_merges_result_on_every_case(tmp_path: Path) -> None:
    """Git's view: the command line `init` installs, run by a shell from the repository's root with no
    PYTHONPATH, leaves in %A and says by its exit status exactly what the field merge would (the text
    merge's bytes where the fast path keeps them). A `yaml.py` in the root cannot stand in for PyYAML.
    Every case the fast path keeps, and two it leaves to the field merge (started with `site` turned on
    late: one conflict, one policy); `test_the_field_merge_cases_agree` holds the rest in-process."""
    command = _installed_driver(tmp_path)
    work = tmp_path / "repo"
    work.mkdir()
    (work / "yaml.py").write_text("raise SystemExit('the working folder is on the module path')\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "AUTHORING_TEST_MODE")}
    declined = 0
    for case, (ours, theirs) in sorted(SLACK_CASES.items()):
        base = BASES.get(case, SLACK)
        fast, semantic, conflicts = _both(tmp_path, base, ours, theirs)
        if fast is None and case not in ("same field both ways", "dates on both sides"):
            continue  # the field merge's own process start is the same for every case: two show it
        declined += fast is None
        for name, data in (("O", base), ("A", ours), ("B", theirs)):
            (work / f".merge_file_{name}").write_bytes(data)
        line = command.replace("%O", ".merge_file_O").replace("%A", ".merge_file_A").replace(
            "%B", ".merge_file_B").replace("%P", DISPLAY)
        done = subprocess.run(["sh", "-c", line], capture_output=True, text=True, cwd=work, env=env, check=False,
                              timeout=120)
        assert "Traceback" not in done.stderr, (case, done.stderr)
        assert (done.returncode, (work / ".merge_file_A").read_bytes()) == (
            1 if conflicts else 0, semantic if fast is None else fast), case
        assert sorted(p.name for p in work.iterdir()) == [".merge_file_A", ".merge_file_B", ".merge_file_O",
                                                         "yaml.py"], case  # no temporary file left
    assert declined == 2


def test_the_fast_path_refuses_what_textfile_refuses() -> None:
    from authoring.core.textfile import MAX_FILE_BYTES
    from authoring.repo import merge_driver

    assert merge_driver.MAX_FILE_BYTES == MAX_FILE_BYTES
    assert merge_driver.BOM == "\ufeff"


def test_a_ratification_beside_a_content_change_is_not_taken_from_a_clean_text_merge(tmp_path: Path) -> None:
    base = SLACK
    ours = _variant(base, (b"status: draft", b"status: ratified"), (b"version: 0.1", b"version: 1.0"))
    theirs = _variant(base, (b"    The coast holding its breath.", b"    The coast, waiting."))
    fast, _, conflicts = _both(tmp_path, base, ours, theirs)
    assert fast is None  # Git's text merge is clean here, but the approvals did not see theirs' content
    assert conflicts and all(c.startswith(("status:", "version:")) for c in conflicts)


def test_a_ratification_beside_a_body_change_is_left_to_the_editor_on_both_paths(tmp_path: Path) -> None:
    """The Markdown body is content (a content revision covers it): a paragraph the approvals never saw is
    no more mergeable under a ratification than an entry field is (it was merged, cleanly, on both paths)."""
    ours = _variant(SLACK, (b"status: draft", b"status: ratified"), (b"version: 0.1", b"version: 1.0"))
    theirs = SLACK + b"\nA paragraph the approvals never saw.\n"
    fast, semantic, conflicts = _both(tmp_path, SLACK, ours, theirs)
    assert fast is None
    assert [c.split(":")[0] for c in conflicts] == ["status", "version"]
    assert all("theirs changed its content" in c for c in conflicts)
    assert semantic.endswith(b"\nA paragraph the approvals never saw.\n")  # the body change itself merged
    fast, _, conflicts = _both(tmp_path, SLACK, theirs, ours)  # the other way round
    assert fast is None and all("ours changed its content" in c for c in conflicts)
    touched = SLACK + b"\n"  # a body both sides leave alone, or change alike, stays mergeable
    fast, _, conflicts = _both(tmp_path, touched, _variant(touched, (b"status: draft", b"status: ratified")), touched)
    assert fast is not None and conflicts == []


def test_versions_bumped_on_both_sides_take_the_higher_not_the_text(tmp_path: Path) -> None:
    ours = _variant(SLACK, (b"version: 0.1", b"version: 0.2"), (b'symbol: ""', b'symbol: "S"'))
    theirs = _variant(SLACK, (b"version: 0.1", b"version: 1.0"), (b"units: minutes", b"units: hours"))
    fast, semantic, conflicts = _both(tmp_path, SLACK, ours, theirs)
    assert fast is None and conflicts == []
    assert b"version: 1.0" in semantic


def test_both_sides_appending_to_one_list_keeps_both(tmp_path: Path) -> None:
    ours = _variant(SLACK, (b"aliases: [the held breath]", b"aliases: [the held breath, ours]"))
    theirs = _variant(SLACK, (b"aliases: [the held breath]", b"aliases: [the held breath, theirs]"))
    fast, semantic, conflicts = _both(tmp_path, SLACK, ours, theirs)
    assert fast is None and conflicts == []
    assert b"aliases: [the held breath, ours, theirs]" in semantic


def test_same_data_minds_types_but_not_mapping_order() -> None:
    assert same_data({"a": 1, "b": [True, None]}, {"b": [True, None], "a": 1})
    assert not same_data({"a": 1}, {"a": 1.0})
    assert not same_data([1], [True])
    assert not same_data({"a": dt.date(2026, 1, 1)}, {"a": "2026-01-01"})
    assert not same_data([float("nan")], [float("nan")])  # not provably equal: the field merge decides


# (old line, new line with a word or a number in it)
FIELDS = [(b'symbol: ""', b'symbol: "%s"'), (b"units: minutes", b"units: %s"),
          (b"license: CC-BY-SA-4.0", b"license: %s"), (b"    The coast holding its breath.", b"    %s"),
          (b"aliases: [the held breath]", b"aliases: [the held breath, %s]"),
          (b"last_updated: 2026-11-12", b"last_updated: 2026-12-%d"), (b"version: 0.1", b"version: 0.%d"),
          (b"status: draft", b"status: %s")]
edits = st.lists(st.tuples(st.sampled_from(range(len(FIELDS))),
                           st.sampled_from(["a", "xyz", "ratified", "candidate", "1.5", "yes"]),
                           st.integers(10, 28)), min_size=1, max_size=3)


def _edit(choices: list[tuple[int, str, int]]) -> bytes:
    data = SLACK
    for index, word, number in choices:
        old, new = FIELDS[index]
        data = data.replace(old, new % number if b"%d" in new else new % word.encode())
    return data


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(edits, edits)
def test_random_edits_on_both_sides_agree(tmp_path: Path, ours: list[tuple[int, str, int]],
                                          theirs: list[tuple[int, str, int]]) -> None:
    fast, semantic, conflicts = _both(tmp_path, SLACK, _edit(ours), _edit(theirs))
    _agree(fast, semantic, conflicts)


def _run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True, cwd=cwd, env=env,
                          check=False, timeout=120)


@pytest.mark.parametrize("command", [("-m", "authoring.repo.merge_driver"), ("-m", "authoring", "merge-driver")])
def test_both_driver_definitions_merge_and_report(command: tuple[str, ...], tmp_path: Path) -> None:
    """The definition `init` installs now, and the one older clones still carry."""
    base, ours, theirs = tmp_path / "O", tmp_path / "A", tmp_path / "B"
    base.write_bytes(SLACK)
    ours.write_bytes(_variant(SLACK, (b"units: minutes", b"units: hours")))
    theirs.write_bytes(_variant(SLACK, (b'symbol: ""', b'symbol: "S"')))
    done = _run(*command, base, ours, theirs, DISPLAY, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert ours.read_bytes() == _variant(SLACK, (b"units: minutes", b"units: hours"), (b'symbol: ""', b'symbol: "S"'))
    ours.write_bytes(_variant(SLACK, (b"units: minutes", b"units: hours")))
    theirs.write_bytes(_variant(SLACK, (b"units: minutes", b"units: days")))
    done = _run(*command, base, ours, theirs, DISPLAY, cwd=tmp_path)
    assert done.returncode == 1 and "CONFLICT in operational_definition.units" in done.stderr
    assert b"<<<<<<< ours: operational_definition.units" in ours.read_bytes()
    missing = _run(*command, tmp_path / "nope", ours, theirs, DISPLAY, cwd=tmp_path)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr and "nope" in missing.stderr


def test_the_fast_path_imports_none_of_the_heavy_stack(tmp_path: Path) -> None:
    base, ours, theirs = tmp_path / "O", tmp_path / "A", tmp_path / "B"
    base.write_bytes(SLACK)
    ours.write_bytes(_variant(SLACK, (b"units: minutes", b"units: hours")))
    theirs.write_bytes(_variant(SLACK, (b'symbol: ""', b'symbol: "S"')))
    # started as `init` installs it (`python -S -P`, the module path given), the modules printed on the way out
    start = _installed_driver(tmp_path).split(" -c ", 1)[1].rsplit(" %O", 1)[0]
    code = shlex.split(start)[0].replace("from authoring.repo.merge_driver import run; run()", (
        "from authoring.repo.merge_driver import main\n"
        f"code = main([{str(base)!r}, {str(ours)!r}, {str(theirs)!r}, {DISPLAY!r}])\n"
        "import json; print(json.dumps([code, sorted(sys.modules)]))"))
    done = subprocess.run([sys.executable, "-S", "-P", "-c", code], capture_output=True, text=True, cwd=tmp_path,
                          check=False, timeout=120)
    exit_code, loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert exit_code == 0 and ours.read_bytes() != SLACK
    heavy = ("typer", "pydantic", "deepdiff", "git", "textual", "ruamel", "authoring.repo.merge", "authoring.cli",
             "authoring.repo.git", "authoring.repo.gitplain", "authoring.errors", "authoring.core.yamlio",
             "authoring.core.fastyaml", "authoring.core.textfile", "dataclasses", "typing", "pathlib", "subprocess",
             "inspect", "site")
    assert [m for m in loaded if any(m == h or m.startswith(h + ".") for h in heavy)] == []
