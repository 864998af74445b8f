"""Hostile input on a real repository (issue 12, attacks 9–12): forged trailers, terminal injection,
one file that breaks the audit for everyone, and modules read from outside the repository.

Each test performs the attack through the real command line and checks what now happens: a refusal
(exit 2, naming the argument), inert text on the terminal with exact JSON, one located finding instead
of a crash or a hang, or a clear refusal to read outside the repository.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from authoring.core.safetext import inert, json_text
from authoring.drafting.modules import read_front_matter
from tests.conftest import EDITOR, EDITOR_2, git, run_cli, run_cli_process

# What a terminal acts on: C0 controls but tab and line feed, DEL, C1 controls.
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
OSC_TITLE = "\x1b]0;pwned\x07"
CLEAR = "\x1b[2J"
HYPERLINK = "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\"


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


def commit_as(repo: Path, author: str, message: str) -> None:
    """A commit made with plain Git, behind the tool's back, as `author` (`Name <email>`)."""
    name, email = author.rsplit("<", 1)
    git(repo, "add", "--all")
    git(repo, "-c", f"user.name={name.strip()}", "-c", f"user.email={email.rstrip('>')}", "commit", "--quiet",
        "-m", message)


# -- 9: forged trailers -----------------------------------------------------------------------------


def test_a_line_break_in_a_set_field_path_is_refused_and_forges_no_trailer(demo_repo: Path) -> None:
    before, path = head(demo_repo), demo_repo / "terms" / "SLACK_WATER.md"
    data = path.read_bytes()
    forged = f"triad.art\nAction: promote\nReviewed-by: {EDITOR_2}"
    result = run_cli("set", "SLACK_WATER", forged, "x", "--repo", demo_repo, "--as", EDITOR)
    assert result.code == 2, result.out + result.err
    assert "field path" in result.err and "\\x0a" in result.err
    assert head(demo_repo) == before and path.read_bytes() == data


def test_a_line_break_in_an_as_name_is_refused_and_forges_no_trailer(demo_repo: Path) -> None:
    before = head(demo_repo)
    forged = f"Mallory\nAction: promote\nReviewed-by: {EDITOR_2.split(' <')[0]} <mallory@example.org>"
    result = run_cli("review", "WEFT_PRESSURE", "--comment", "--note", "hello", "--repo", demo_repo, "--as", forged)
    assert result.code == 2, result.out + result.err
    assert "identity" in result.err and "\\x0a" in result.err
    assert head(demo_repo) == before
    assert not (demo_repo / "review_logs" / "WEFT_PRESSURE").exists()


def test_notes_keep_line_breaks_but_refuse_other_control_characters(demo_repo: Path) -> None:
    before = head(demo_repo)
    refused = run_cli("review", "WEFT_PRESSURE", "--comment", "--note", f"look{OSC_TITLE}", "--repo", demo_repo,
                      "--as", EDITOR)
    assert refused.code == 2 and "note" in refused.err and "\\x1b" in refused.err
    assert head(demo_repo) == before
    kept = run_cli("review", "WEFT_PRESSURE", "--comment", "--note", "first line\nAction: promote", "--repo",
                   demo_repo, "--as", EDITOR)
    assert kept.code == 0, kept.err
    # the note lives in the event file (YAML), never in the commit message: its trailers are the tool's own
    trailers = git(demo_repo, "log", "-1", "--format=%(trailers:only,unfold)").split("\n")
    assert [t for t in trailers if t] == ["Term: WEFT_PRESSURE", "Action: comment", "Status: candidate",
                                          trailers[3]]
    assert trailers[3].startswith("Revision: ")
    history = json.loads(run_cli("history", "WEFT_PRESSURE", "--repo", demo_repo, "--json").out)
    assert history[0]["action"] == "comment"
    assert history[0]["reviews"][0]["note"] == "first line\nAction: promote"


def test_history_takes_trailers_only_from_the_block_git_parses(demo_repo: Path) -> None:
    # An indented line continues the trailer above it (Git unfolds it): it is not an `Action:` of its own.
    path = demo_repo / "terms" / "SLACK_WATER.md"
    path.write_bytes(path.read_bytes().replace(b"The coast holding its breath.", b"Changed by hand."))
    commit_as(demo_repo, EDITOR, "SLACK_WATER: hand edit\n\nTerm: SLACK_WATER\n  Action: promote")
    entry = json.loads(run_cli("history", "SLACK_WATER", "--repo", demo_repo, "--json").out)[0]
    assert entry["action"] == "edit" and entry["action_inferred"] is True


# -- 10: terminal injection ---------------------------------------------------------------------------


def _hostile_repo(repo: Path) -> None:
    """Control characters in a term field, a note, a module title, a commit author and a file name."""
    result = run_cli("set", "SLACK_WATER", "triad.art", '"art\\e]0;pwned\\a and \\e[2J"', "--repo", repo,
                     "--as", EDITOR)
    assert result.code == 0, result.err
    (repo / "modules" / "EVIL-001.md").write_text(
        '---\nid: EVIL-001\ntitle: "Evil \\e]8;;https://evil.example/\\e\\\\click\\e]8;;\\e\\\\"\n'
        '---\n# Evil\n\nText.\n',
        encoding="utf-8")
    events = repo / "review_logs" / "SLACK_WATER"
    events.mkdir(parents=True, exist_ok=True)
    (events / "20260101T000000000000Z-comment-0badc0de.yaml").write_text(
        'id: 0badc0de\nterm: SLACK_WATER\nwhen: 2026-01-01T00:00:00Z\nwho: Alice Editor <alice@example.org>\n'
        'action: comment\nnote: "retitled \\e]0;pwned\\a"\n', encoding="utf-8")
    status = repo / "terms" / "WEFT_PRESSURE.md"
    status.write_bytes(status.read_bytes().replace(b"status: candidate", b"status: ratified", 1))
    (repo / "terms" / f"EVIL{CLEAR}.md").write_bytes((repo / "terms" / "KNOT_DRIFT.md").read_bytes())
    commit_as(repo, f"Eve{CLEAR}\x1b]0;pwned <eve@example.org>", "hostile text")


@pytest.mark.parametrize("command", [
    ("show", "SLACK_WATER"), ("diff", "SLACK_WATER"), ("history", "SLACK_WATER"), ("history", "WEFT_PRESSURE"),
    ("audit",), ("modules",), ("list",), ("check",), ("show", "EVIL\x1b[2J"),
])
def test_control_characters_never_reach_the_terminal(demo_repo: Path, command: tuple[str, ...]) -> None:
    _hostile_repo(demo_repo)
    result = run_cli(*command, "--repo", demo_repo)
    assert "Traceback" not in result.err
    assert not RAW_CONTROL.search(result.out), result.out
    assert not RAW_CONTROL.search(result.err), result.err
    assert "\\x1b" in result.out + result.err  # shown, made visible: not hidden
    if command == ("audit",):  # the whole audit ran, and names the hand-made status change's author
        assert result.code == 1 and "Eve\\x1b[2J" in result.out


def test_json_output_stays_exact(demo_repo: Path) -> None:
    _hostile_repo(demo_repo)
    shown = run_cli("show", "SLACK_WATER", "--repo", demo_repo, "--json")
    assert not RAW_CONTROL.search(shown.out)
    assert json.loads(shown.out)["entry"]["triad"]["art"].rstrip("\n") == "art\x1b]0;pwned\x07 and \x1b[2J"
    modules = {m["id"]: m for m in json.loads(run_cli("modules", "--repo", demo_repo, "--json").out)}
    assert modules["EVIL-001"]["title"] == f"Evil {HYPERLINK}"


def test_inert_and_json_text_are_exact_where_they_must_be() -> None:
    assert inert("plain\ttext\nsecond line") == "plain\ttext\nsecond line"
    assert inert(f"a{OSC_TITLE}b\r\nc\rd\x9b") == "a\\x1b]0;pwned\\x07b\nc\\x0dd\\x9b"
    assert inert("\u202eevil") == "\\u202eevil"
    data = {"x": "a\x7f\x9b\u2028\u202e\x1b"}
    text = json_text(json.dumps(data, ensure_ascii=False))
    assert not RAW_CONTROL.search(text) and json.loads(text) == data


# -- 11: one file breaks the audit for everyone ----------------------------------------------------------


def _nested_event(repo: Path) -> None:
    events = repo / "review_logs" / "WEFT_PRESSURE"
    events.mkdir(parents=True, exist_ok=True)
    depth = 5000  # 10 KB
    (events / "20260101T000000000000Z-approve-deadbeef.yaml").write_text(
        "id: deadbeef\nterm: WEFT_PRESSURE\nextra: " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    (events / "20260101T000000000001Z-approve-deadbeee.yaml").write_text(
        "id: deadbeee\nterm: WEFT_PRESSURE\nextra: " + "[" * 200 + "]" * 200 + "\n", encoding="utf-8")
    commit_as(repo, EDITOR, "deeply nested events")


@pytest.mark.parametrize("command", [
    ("gates", "WEFT_PRESSURE"), ("history", "WEFT_PRESSURE"), ("audit",),
    ("review", "WEFT_PRESSURE", "--comment", "--note", "still works", "--as", EDITOR),
])
def test_a_deeply_nested_event_file_is_one_finding_never_a_crash(demo_repo: Path, command: tuple[str, ...]) -> None:
    _nested_event(demo_repo)
    result = run_cli(*command, "--repo", demo_repo)
    assert "Traceback" not in result.err + result.out
    expected = {"gates": 3, "history": 0, "audit": 1, "review": 0}[command[0]]
    assert result.code == expected, result.out + result.err
    if command[0] in ("gates", "history", "audit"):
        assert "bad-review-event" in result.out + result.err
    if command[0] == "audit":
        codes = json.loads(run_cli("audit", "--repo", demo_repo, "--json").out)["summary"]["by_code"]
        assert codes["bad-review-event"] == 2


def test_an_alias_bomb_in_an_event_does_not_hang_history(demo_repo: Path) -> None:
    events = demo_repo / "review_logs" / "WEFT_PRESSURE"
    events.mkdir(parents=True)
    levels = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        levels.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]")
    (events / "20260101T000000000000Z-comment-0b0b0b0b.yaml").write_text(
        "id: 0b0b0b0b\nterm: WEFT_PRESSURE\nwhen: 2026-01-01T00:00:00Z\nwho: Alice Editor <alice@example.org>\n"
        "action: comment\nnote: boom\nextra:\n" + "".join(f"  {line}\n" for line in levels), encoding="utf-8")
    commit_as(demo_repo, EDITOR, "an alias bomb")
    result = run_cli_process("history", "WEFT_PRESSURE", "--repo", demo_repo, "--json", timeout=60)
    assert result.code == 0, result.err
    errors = [e["error"] for e in json.loads(result.out) if e["error"]]
    assert any("alias-bomb" in e for e in errors)


def test_a_term_file_name_that_is_no_id_is_one_audit_finding(demo_repo: Path) -> None:
    (demo_repo / "terms" / "My Term.md").write_bytes((demo_repo / "terms" / "KNOT_DRIFT.md").read_bytes())
    commit_as(demo_repo, EDITOR, "a file name with a space")
    result = run_cli("audit", "--repo", demo_repo, "--json")
    assert result.code == 1, result.err  # errors found, not a usage error that aborts the audit
    report = json.loads(result.out)
    unsafe = [f for f in report["findings"] if f["code"] == "unsafe-path"]
    assert [f["term"] for f in unsafe] == ["My Term"]
    assert report["summary"]["terms"] == 6  # every other term was still audited
    assert any(f["code"] == "ratified-without-review" for f in report["findings"])


def test_module_front_matter_is_bounded_like_term_blocks() -> None:
    levels = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        levels.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]")
    text = "---\nid: BOMB-001\ntitle: Bomb\n" + "\n".join(levels) + "\n---\n# Bomb\n"
    data, body_line, problems = read_front_matter(text, "modules/BOMB-001.md")
    assert data["id"] == "BOMB-001" and body_line == len(levels) + 5
    assert [p.code for p in problems] == ["module-front-matter"] and "alias-bomb" in problems[0].message
    deep = "---\nid: DEEP-001\nx: " + "[" * 200 + "]" * 200 + "\n---\n"
    data, _, problems = read_front_matter(deep, "modules/DEEP-001.md")
    assert data["id"] == "DEEP-001" and "too-deep" in problems[0].message


def test_a_deeply_nested_configuration_is_a_usage_error(demo_repo: Path) -> None:
    (demo_repo / "authoring.toml").write_text("x = " + "[" * 50000 + "]" * 50000 + "\n", encoding="utf-8")
    result = run_cli("list", "--repo", demo_repo)
    assert result.code == 2 and "too deep" in result.err and "Traceback" not in result.err


# -- 12: reading outside the repository ----------------------------------------------------------------


def test_a_module_symlinked_outside_the_repository_is_never_read(demo_repo: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("# Secret\n\nThe password is hunter2, and the Hunter Key opens it.\n", encoding="utf-8")
    (demo_repo / "modules" / "SECRET-001.md").symlink_to(secret)
    commit_as(demo_repo, EDITOR, "a module that leads out")
    before = head(demo_repo)
    for command in (("draft", "SECRET-001", "--lines", "3", "--term", "Hunter Key"), ("candidates", "SECRET-001")):
        result = run_cli(*command, "--repo", demo_repo)
        assert result.code == 2, result.out + result.err
        assert "outside the repository" in result.err and "SECRET-001.md" in result.err
        assert "hunter2" not in result.out + result.err
    assert head(demo_repo) == before
    assert git(demo_repo, "status", "--porcelain") == ""
    listed = json.loads(run_cli("modules", "--repo", demo_repo, "--json").out)
    assert [m["id"] for m in listed] == ["DEMO-001"]


def test_a_citation_of_a_module_outside_the_repository_is_an_audit_finding(demo_repo: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("# Secret\n\nThe coast holding its breath.\n", encoding="utf-8")
    (demo_repo / "modules" / "SECRET-001.md").symlink_to(secret)
    path = demo_repo / "terms" / "SLACK_WATER.md"
    text = path.read_text(encoding="utf-8")
    cited = re.sub(r"module: DEMO-001\b", "module: SECRET-001", text, count=1)
    assert cited != text
    path.write_text(cited, encoding="utf-8")
    commit_as(demo_repo, EDITOR, "cite the outside")
    findings = json.loads(run_cli("audit", "--repo", demo_repo, "--json").out)["findings"]
    outside = [f for f in findings if f["code"] == "module-outside-repository"]
    assert outside and outside[0]["term"] == "SLACK_WATER"
    assert not [f for f in findings if f["code"] == "snippet-found" and f["module"] == "SECRET-001"]


async def test_control_characters_never_reach_the_terminal_through_the_ui(demo_repo: Path) -> None:
    from textual.widgets import Static

    from authoring.tui.widgets.term_table import TermTable
    from tests.tui_support import make_app, press, settle, shown, table_column

    path = demo_repo / "terms" / "KNOT_DRIFT.md"
    path.write_bytes(path.read_bytes().replace(b'term: "Knot Drift"', b'term: "Knot\\e]0;pwned\\a Drift"', 1))
    commit_as(demo_repo, EDITOR, "a hostile name")
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(TermTable)
        names = table_column(table, 1)
        assert any(name.startswith("Knot␛]0;pwned␇") for name in names), names
        assert not any(RAW_CONTROL.search(name) for name in names)
        detail = shown(app.screen.query_one("#detail-body", Static))
        assert "Knot␛]0;pwned" in detail and not RAW_CONTROL.search(detail)
        app.notify(f"about {OSC_TITLE}")
        await press(pilot, "down")
        assert all(not RAW_CONTROL.search(n.message) for n in app._notifications)
