"""Small defects a new user met (issue 20), each tried as that user would: the real command on a real
repository, the real UI through Pilot, a real process on a terminal for `authoring demo`."""

from __future__ import annotations

import contextlib
import json
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
import typer.main
from textual.widgets import Static

from authoring.core.textfile import MAX_FILE_BYTES
from authoring.errors import Problem, Severity
from authoring.repo.service import Glossary
from authoring.tui.app import AuthoringApp
from authoring.tui.formatting import problem_tally
from authoring.tui.widgets.term_table import TermTable
from tests import conftest
from tests.conftest import EDITOR, ROOT, git, make_repo, run_cli
from tests.test_seed_terms import DEPTH_FLOW
from tests.tui_support import make_app, press, settle, shown, table_column


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


# 1 ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["symbol: ", "symbol:", "symbol: ~", "symbol: null"])
def test_set_null_on_a_field_already_null_writes_nothing(demo_repo: Path, spelling: str) -> None:
    path = demo_repo / "terms" / "SLACK_WATER.md"
    path.write_bytes(path.read_bytes().replace(b'symbol: ""\n', spelling.encode() + b"\n", 1))
    git(demo_repo, "commit", "--quiet", "-am", "an empty symbol")
    before, data = head(demo_repo), path.read_bytes()
    result = run_cli("set", "SLACK_WATER", "symbol", "null", "--repo", demo_repo, "--as", EDITOR)
    assert result.code == 0, result.err
    assert "already has that value" in result.out
    assert path.read_bytes() == data and head(demo_repo) == before


# 2 ---------------------------------------------------------------------------------------------------


def test_set_on_a_file_over_the_size_limit_names_the_real_reason(demo_repo: Path) -> None:
    path = demo_repo / "terms" / "SLACK_WATER.md"
    path.write_bytes(path.read_bytes() + b"\n" + b"x" * MAX_FILE_BYTES + b"\n")
    git(demo_repo, "commit", "--quiet", "-am", "a huge body")
    result = run_cli("set", "SLACK_WATER", "triad.art", "x", "--repo", demo_repo, "--as", EDITOR)
    assert result.code == 1
    assert "file-too-large" in result.err
    assert "does not parse" not in result.err


# 3 ---------------------------------------------------------------------------------------------------


def test_list_status_is_validated_and_takes_the_ui_filters(demo_repo: Path) -> None:
    bogus = run_cli("list", "--status", "bogus", "--repo", demo_repo)
    assert bogus.code == 2
    for choice in ("draft", "candidate", "ratified", "rejected", "deprecated", "problems", "malformed"):
        assert choice in bogus.err
    malformed = run_cli("list", "--status", "malformed", "--repo", demo_repo, "--json")
    assert malformed.code == 0 and [r["id"] for r in json.loads(malformed.out)] == ["SHUTTLE_ECHO"]
    problems = run_cli("list", "--status", "problems", "--repo", demo_repo, "--json")
    rows = json.loads(problems.out)
    assert "SHUTTLE_ECHO" in [r["id"] for r in rows] and all(r["errors"] + r["warnings"] for r in rows)
    assert "SHUTTLE_ECHO" in run_cli("list", "--status", "malformed", "--repo", demo_repo).out


# 4 ---------------------------------------------------------------------------------------------------


def test_check_of_a_path_that_is_not_a_term_is_a_usage_error(demo_repo: Path) -> None:
    module = "modules/DEMO-001_the_tidal_loom.md"
    result = run_cli("check", module, "--repo", demo_repo)
    assert result.code == 2
    assert f"{module} is not a term file" in result.err
    hook = run_cli("check", "--only-terms", module, "--repo", demo_repo)  # what the pre-commit hook runs
    assert hook.code == 0 and "0 term(s) checked" in hook.out


# 5 ---------------------------------------------------------------------------------------------------


def test_gates_on_a_ratified_term_is_an_answer(demo_repo: Path) -> None:
    result = run_cli("gates", "TIDAL_LOOM", "--repo", demo_repo)
    assert result.code == 0, result.out + result.err
    assert result.out.strip() == "TIDAL_LOOM: ratified: nothing follows; `deprecate` retires it"
    data = json.loads(run_cli("gates", "TIDAL_LOOM", "--repo", demo_repo, "--json").out)
    assert data["end"] == "nothing follows; `deprecate` retires it" and data["missing"] == []


# 6 ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["history", "diff"])
def test_history_and_diff_of_a_malformed_term_say_error_once(demo_repo: Path, command: str) -> None:
    result = run_cli(command, "SHUTTLE_ECHO", "--repo", demo_repo)
    assert result.code == 0, result.err
    assert "terms/SHUTTLE_ECHO.md:4:9: error: yaml-syntax" in result.out
    assert "error: terms/" not in result.out and result.out.count("error:") == 1


# 7 ---------------------------------------------------------------------------------------------------

OUT_OF_ORDER = """---
term: "Ember Gate"
canonical_id: "EMBER_GATE"
symbol: ""
status: "draft"
version: "0.1"
last_updated: "2026-01-05"
provenance: ["FIRE-002"]
---

---
term: Ember Gate
canonical_id: EMBER_GATE
symbol: E_g
status: candidate
version: 0.3
last_updated: 2026-01-05
provenance:
  sources:
    - module: FIRE-002
      lines: "L4-L5"
      snippet: the ember gate opens
  editors: [drafting agent: ember]
  review_log: []
---
"""


def test_check_lists_a_files_problems_in_line_order(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"terms/EMBER_GATE.md": OUT_OF_ORDER})
    result = run_cli("check", "--repo", repo, "--json")
    lines = [p["line"] for p in json.loads(result.out)["problems"]]
    assert len(lines) >= 2 and lines == sorted(lines), lines
    text = run_cli("check", "--repo", repo).out
    located = [int(m) for m in re.findall(r"^terms/EMBER_GATE\.md:(\d+):", text, flags=re.MULTILINE)]
    assert located == sorted(located) == lines


# 8 ---------------------------------------------------------------------------------------------------


def test_help_groups_the_commands_in_panels(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    out = run_cli("--help").out
    panels = [m for m in re.findall(r"─ ([A-Z][A-Za-z ]+?) ─", out)]
    assert panels[:5] == ["Options", "Glossary", "Workflow", "Drafting and editing", "History and audit"]
    assert panels[-1] == "Repository" and "More" not in panels  # every command has its panel
    listed = re.findall(r"^│ ([a-z][a-z-]+) ", out, flags=re.MULTILINE)
    assert listed.index("list") < listed.index("show") < listed.index("check") < listed.index("review")
    assert listed.index("promote") < listed.index("draft") < listed.index("history") < listed.index("init")


# 9 ---------------------------------------------------------------------------------------------------


def test_modules_text_has_a_file_column(demo_repo: Path) -> None:
    out = run_cli("modules", "--repo", demo_repo).out.splitlines()
    assert out[0].split() == ["MODULE", "FILE", "TITLE"]
    assert out[1].split()[:2] == ["DEMO-001", "modules/DEMO-001_the_tidal_loom.md"]


# 10 --------------------------------------------------------------------------------------------------


def test_square_brackets_in_help_are_shown_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # one line per help text, so each can be found whole
    from authoring.cli.app import _register, app

    _register()
    command = typer.main.get_command(app)
    with_brackets = [(name, param.help) for name, sub in command.commands.items()  # type: ignore[attr-defined]
                     for param in sub.params if "[" in (getattr(param, "help", None) or "")]
    assert any("[audit]" in help_text for name, help_text in with_brackets if name == "audit")
    assert any("[a, b]" in help_text for name, help_text in with_brackets if name == "set")
    for name, help_text in with_brackets:
        out = " ".join(run_cli(name, "--help").out.split())
        shown_as = help_text.replace("\\[", "[")  # a help string may escape its brackets itself
        assert " ".join(shown_as.split()) in out, (name, help_text)


# 11 --------------------------------------------------------------------------------------------------


def test_problem_tally_wording() -> None:
    def problem(severity: Severity) -> Problem:
        return Problem("terms/X.md", 1, 1, severity, "code", "message")

    assert problem_tally([problem(Severity.WARNING)]) == "1 warning"
    assert problem_tally([problem(Severity.ERROR), problem(Severity.WARNING), problem(Severity.WARNING)]) == \
        "1 error, 2 warnings"
    assert problem_tally([problem(Severity.ERROR)] * 2 + [problem(Severity.INFO)]) == "2 errors, 1 note"


async def test_the_detail_pane_counts_problems_in_words(demo_repo: Path) -> None:
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(TermTable)
        assert table_column(table)[1] == "SHUTTLE_ECHO"
        await press(pilot, "down")
        detail = shown(app.screen.query_one("#detail-body", Static))
        assert "Problems (1 error)" in detail
        assert "errors," not in detail and "others" not in detail


# 12 --------------------------------------------------------------------------------------------------


def test_show_of_a_term_whose_entry_does_not_parse_shows_what_can_be_shown(tmp_path: Path) -> None:
    body_added = DEPTH_FLOW + "\nHow deep the flow runs.\n"
    repo = make_repo(tmp_path / "repo", {"terms/DEPTH_FLOW.md": body_added})
    result = run_cli("show", "DEPTH_FLOW", "--repo", repo)
    assert result.code == 1
    out = result.out
    assert out.startswith("Depth Flow  DEPTH_FLOW  (terms/DEPTH_FLOW.md)")
    assert "status: candidate" in out and "version: 0.1" in out  # the header fields, as the entry says them
    assert "Body" in out and "# Depth Flow" in out and "How deep the flow runs." in out
    assert "terms/DEPTH_FLOW.md:10:26: error: yaml-syntax" in out
    data = json.loads(run_cli("show", "DEPTH_FLOW", "--repo", repo, "--json").out)
    assert data["entry"] is None and data["readable"]["fields"]["status"] == "candidate"
    assert "How deep the flow runs." in data["body"]


# 13 --------------------------------------------------------------------------------------------------


async def test_the_demo_ui_title_shows_where_the_demo_repository_is(demo_repo: Path) -> None:
    app = AuthoringApp(Glossary.open(demo_repo), demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert f"demo glossary at {demo_repo}" in app.sub_title


def test_authoring_demo_says_where_it_is_before_the_ui_opens_and_how_to_remove_it(tmp_path: Path) -> None:
    marker = tmp_path / "ready"
    env = dict(os.environ, PYTHONPATH=str(ROOT), AUTHORING_UI_READY_FILE=str(marker), TMPDIR=str(tmp_path),
               TERM="xterm-256color", COLUMNS="100", LINES="30")
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "authoring", "demo"], stdin=follower, stdout=follower,
                               stderr=follower, env=env, close_fds=True, start_new_session=True)
    os.close(follower)
    received = bytearray()

    def drain(seconds: float) -> None:
        ready, _, _ = select.select([leader], [], [], seconds)
        if ready:
            with contextlib.suppress(OSError):
                received.extend(os.read(leader, 1 << 16))

    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and "listed" not in (marker.read_text() if marker.exists() else ""):
            drain(0.05)
            if process.poll() is not None:
                break
        os.write(leader, b"\x11")  # ctrl+q
        deadline = time.monotonic() + 30
        while process.poll() is None and time.monotonic() < deadline:
            drain(0.05)
        drain(0.2)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        os.close(leader)
    text = received.decode("utf-8", "replace")
    paths = re.findall(r"demo glossary: (\S+) \(a throwaway copy", text)
    assert paths, text[-2000:]
    path = paths[0]
    assert Path(path).parent == tmp_path and Path(path, "terms").is_dir()
    assert text.index("demo glossary: ") < text.index("\x1b[?1049h")  # said before the UI takes the screen
    assert f"remove it with: rm -rf {path}" in text[text.rindex("\x1b[?1049l"):]  # and again after it


# 14 --------------------------------------------------------------------------------------------------


def test_corpus_tests_say_what_the_corpus_is_when_they_skip(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(conftest, "CORPUS", tmp_path / "no-corpus")
    with pytest.raises(pytest.skip.Exception) as skipped:
        conftest.require_corpus()
    reason = str(skipped.value)
    assert reason == conftest.CORPUS_ABSENT
    assert "needs the real glossary corpus" in reason and "Pirouette" in reason and "../shared/corpus" in reason
