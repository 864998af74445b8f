"""Bad input: every hostile or broken file gets a located error — through `load_term` and through the
command line — with no traceback, no hang, nothing executed and nothing written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from authoring.core import ids
from authoring.core.termfile import TermFile, load_term
from authoring.core.textfile import MAX_FILE_BYTES
from authoring.errors import Severity, UsageError
from tests.conftest import make_repo, run_cli, run_cli_process

ENTRY = "---\nterm: Brine Shelf\ncanonical_id: BRINE_SHELF\nstatus: draft\nversion: 0.1\nlast_updated: 2026-03-04\n"


def load(tmp_path: Path, data: bytes, name: str = "BRINE_SHELF") -> TermFile:
    path = tmp_path / f"{name}.md"
    path.write_bytes(data)
    return load_term(path, f"terms/{name}.md")


def only_error(term: TermFile, code: str) -> tuple[int, int]:
    errors = [p for p in term.errors if p.code == code]
    assert errors, [p.format() for p in term.problems]
    assert not term.parses
    return errors[0].line, errors[0].col


def cli_check(tmp_path: Path, files: dict[str, str | bytes]) -> tuple[int, str, str]:
    repo = make_repo(tmp_path / "repo", files)
    result = run_cli("check", "--repo", repo)
    assert "Traceback" not in result.err + result.out
    return result.code, result.out, result.err


def test_invalid_utf8_is_located_at_its_byte(tmp_path: Path) -> None:
    data = (ENTRY + "symbol: ok\nnote: caf").encode() + b"\xe9 au lait\n---\n"
    term = load(tmp_path, data)
    assert only_error(term, "invalid-utf8") == (8, 10)
    assert term.problems[0].source_line is not None and term.problems[0].source_line.startswith("note: caf")
    code, out, _ = cli_check(tmp_path, {"terms/BRINE_SHELF.md": data})
    assert code == 1 and "terms/BRINE_SHELF.md:8:10: error: invalid-utf8" in out


def test_a_nul_byte_is_located(tmp_path: Path) -> None:
    data = (ENTRY + "symbol: a\0b\n---\n").encode()
    assert only_error(load(tmp_path, data), "nul-byte") == (7, 10)
    code, out, _ = cli_check(tmp_path, {"terms/BRINE_SHELF.md": data})
    assert code == 1 and "terms/BRINE_SHELF.md:7:10: error: nul-byte" in out


def test_unterminated_front_matter_with_prose_after_it_is_an_error_on_the_prose(tmp_path: Path) -> None:
    data = (ENTRY + "\n# Brine Shelf\n\nBrine pools: deep, cold: and still.\n").encode()
    term = load(tmp_path, data)
    assert {p.code for p in term.problems} >= {"unterminated-block", "yaml-syntax"}
    warning = next(p for p in term.problems if p.code == "unterminated-block")
    assert (warning.line, warning.severity) == (1, Severity.WARNING)
    syntax = next(p for p in term.problems if p.code == "yaml-syntax")
    assert syntax.line == 10
    code, out, _ = cli_check(tmp_path, {"terms/BRINE_SHELF.md": data})
    assert code == 1 and "terms/BRINE_SHELF.md:1:1: warning: unterminated-block" in out


def test_a_file_without_front_matter_says_so(tmp_path: Path) -> None:
    term = load(tmp_path, b"# Just a heading\n")
    assert only_error(term, "no-front-matter") == (1, 1)


def test_a_huge_file_is_refused_without_being_parsed(tmp_path: Path) -> None:
    data = (ENTRY + "---\n").encode() + b"x" * (MAX_FILE_BYTES + 10)
    term = load(tmp_path, data)
    assert only_error(term, "file-too-large") == (1, 1)
    assert len(term.data) == MAX_FILE_BYTES + 1  # read no further than needed to know
    code, out, _ = cli_check(tmp_path, {"terms/BRINE_SHELF.md": data})
    assert code == 1 and "file-too-large" in out


@pytest.mark.parametrize("depth", [100, 50_000])
def test_deeply_nested_flow_collections_are_refused(tmp_path: Path, depth: int) -> None:
    data = (ENTRY + "nest: " + "[" * depth + "]" * depth + "\n---\n").encode()
    term = load(tmp_path, data)
    line, _ = only_error(term, "too-deep")
    assert line >= 2  # within the entry block (past Python's recursion limit the exact node is unknown)


def test_a_billion_laughs_alias_bomb_is_refused_before_anything_walks_it(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        previous = f"*a{level - 1}"
        lines.append(f"a{level}: &a{level} [{', '.join([previous] * 9)}]")
    data = (ENTRY + "\n".join(lines) + "\n---\n").encode()
    term = load(tmp_path, data)
    line, _ = only_error(term, "alias-bomb")
    assert 7 <= line <= 16
    assert term.entry is None  # nothing expanded the graph
    code, out, _ = cli_check(tmp_path, {"terms/BRINE_SHELF.md": data})
    assert code == 1 and "alias-bomb" in out


def test_a_recursive_alias_is_refused(tmp_path: Path) -> None:
    data = (ENTRY + "loop: &loop [1, *loop]\n---\n").encode()
    term = load(tmp_path, data)
    assert only_error(term, "recursive-alias")[0] == 7


def test_python_tags_are_reported_and_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    data = (ENTRY + f"payload: !!python/object/apply:os.system ['touch {marker}']\n---\n").encode()
    term = load(tmp_path, data)
    assert only_error(term, "unsafe-tag") == (7, 10)
    code, out, _ = cli_check(tmp_path, {"terms/BRINE_SHELF.md": data})
    assert code == 1 and "unsafe-tag" in out
    assert not marker.exists()


def test_a_duplicate_key_names_both_lines(tmp_path: Path) -> None:
    data = (ENTRY + "symbol: B\nsymbol: S\n---\n").encode()
    term = load(tmp_path, data)
    assert only_error(term, "duplicate-key") == (8, 1)
    problem = next(p for p in term.problems if p.code == "duplicate-key")
    assert "first defined on line 7" in problem.message and problem.source_line == "symbol: S"


def test_an_impossible_date_is_located_not_a_crash(tmp_path: Path) -> None:
    data = (ENTRY + "reviewed: 2026-13-45\n---\n").encode()
    assert only_error(load(tmp_path, data), "invalid-value") == (7, 11)


def test_canonical_id_must_match_the_file_name(tmp_path: Path) -> None:
    term = load(tmp_path, (ENTRY + "---\n").encode(), name="BRINE_SHELVES")
    problem = next(p for p in term.errors if p.code == "id-mismatch")
    assert (problem.line, problem.source_line) == (3, "canonical_id: BRINE_SHELF")
    assert term.parses  # readable, but `check` fails on it
    code, out, _ = cli_check(tmp_path, {"terms/BRINE_SHELVES.md": ENTRY + "---\n"})
    assert code == 1 and "terms/BRINE_SHELVES.md:3:1: error: id-mismatch" in out


@pytest.mark.parametrize("hostile", ["../../etc/passwd", "a/b", "..", "X\0Y", "/abs"])
def test_a_canonical_id_that_could_escape_is_an_error(tmp_path: Path, hostile: str) -> None:
    text = ENTRY.replace("canonical_id: BRINE_SHELF", f'canonical_id: "{hostile.replace(chr(0), chr(92) + "0")}"')
    term = load(tmp_path, (text + "---\n").encode())
    assert only_error_or_parsed(term, "unsafe-id") == 3
    with pytest.raises(UsageError):
        ids.term_path(tmp_path, hostile)


def only_error_or_parsed(term: TermFile, code: str) -> int:
    problem = next(p for p in term.errors if p.code == code)
    return problem.line


def test_hostile_ids_on_the_command_line_are_usage_errors(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"terms/BRINE_SHELF.md": ENTRY + "---\n"})
    for hostile in ("../BRINE_SHELF", "terms/../../x", "..", "/etc/passwd"):
        result = run_cli("show", hostile, "--repo", repo)
        assert result.code == 2, hostile
        assert "not a usable term id" in result.err and "Traceback" not in result.err


def test_a_symlink_leading_outside_is_never_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text(ENTRY.replace("BRINE_SHELF", "SECRET") + "---\n", encoding="utf-8")
    repo = make_repo(tmp_path / "repo", {"terms/BRINE_SHELF.md": ENTRY + "---\n"})
    os.symlink(outside, repo / "terms" / "SECRET.md")
    shown = run_cli("show", "SECRET", "--repo", repo)
    assert shown.code == 2 and "resolves outside the terms directory" in shown.err
    checked = run_cli("check", "--repo", repo)  # one hostile file does not stop the others being checked
    assert checked.code == 1
    assert "terms/SECRET.md:0:0: error: unsafe-path" in checked.out
    assert "2 term(s) checked: 1 error(s)" in checked.out
    assert "SECRET" not in outside.read_text(encoding="utf-8").replace("canonical_id: SECRET", "")[:0]


def test_bad_input_through_a_real_process_prints_no_traceback(tmp_path: Path) -> None:
    bomb = ENTRY + "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(8)) + "---\n"
    repo = make_repo(tmp_path / "repo", {"terms/BRINE_SHELF.md": bomb})
    result = run_cli_process("show", "BRINE_SHELF", "--repo", repo)
    assert result.code == 1
    assert "alias-bomb" in result.out and "Traceback" not in result.err + result.out
    edit = run_cli_process("set", "BRINE_SHELF", "symbol", "B", "--repo", repo, "--as", "A <a@example.org>")
    assert edit.code == 1 and "Traceback" not in edit.err
    assert (repo / "terms" / "BRINE_SHELF.md").read_text(encoding="utf-8") == bomb


def test_a_reader_that_stops_early_ends_the_command_quietly(demo_repo: Path) -> None:
    """`authoring list | head -1`: the closed pipe ends the command as it ends Git, with no error line."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    process = subprocess.Popen([sys.executable, "-m", "authoring", "--repo", str(demo_repo), "list"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader is gone before the first line is written
    err = process.stderr.read()
    assert process.wait(timeout=60) == 141 and err == b""
