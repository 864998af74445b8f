"""The term commands on the demo glossary: list, show, check, set — as a user runs them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from tests.conftest import EDITOR, git, make_repo, run_cli


def test_list_shows_every_demo_term_with_status(demo_repo: Path) -> None:
    result = run_cli("list", "--repo", demo_repo, "--json")
    assert result.code == 0, result.err
    rows = {row["id"]: row for row in json.loads(result.out)}
    assert set(rows) == {"TIDAL_LOOM", "WEFT_PRESSURE", "SLACK_WATER", "KNOT_DRIFT", "SHUTTLE_ECHO"}
    assert rows["TIDAL_LOOM"]["status"] == "ratified"
    assert rows["WEFT_PRESSURE"]["status"] == "candidate"
    assert rows["SHUTTLE_ECHO"]["errors"] == 1


def test_global_options_work_before_the_command(demo_repo: Path) -> None:
    result = run_cli("--repo", str(demo_repo), "--json", "list", "--status", "draft")
    assert result.code == 0
    # SHUTTLE_ECHO does not parse; its entry's `status: draft` line is read all the same
    assert {row["id"] for row in json.loads(result.out)} == {"SLACK_WATER", "KNOT_DRIFT", "SHUTTLE_ECHO"}


def test_check_reports_located_errors_and_exits_1(demo_repo: Path) -> None:
    result = run_cli("check", "--repo", demo_repo)
    assert result.code == 1
    assert "terms/SHUTTLE_ECHO.md:4:9: error: yaml-syntax:" in result.out
    assert "symbol: `S_e`" in result.out


def test_check_of_a_clean_term_exits_0(demo_repo: Path) -> None:
    result = run_cli("check", "SLACK_WATER", "--repo", demo_repo)
    assert result.code == 0, result.out
    assert "1 term(s) checked: 0 error(s)" in result.out


def test_show_unknown_term_is_a_usage_error_without_traceback(demo_repo: Path) -> None:
    result = run_cli("show", "NOPE", "--repo", demo_repo)
    assert result.code == 2
    assert "no term NOPE" in result.err
    assert "Traceback" not in result.err


def test_hostile_id_is_refused(demo_repo: Path) -> None:
    result = run_cli("show", "../../etc/passwd", "--repo", demo_repo)
    assert result.code == 2
    assert "not a usable term id" in result.err


def test_set_changes_one_line_and_commits_as_the_actor(demo_repo: Path) -> None:
    path = demo_repo / "terms" / "SLACK_WATER.md"
    before = path.read_bytes().decode().split("\n")
    result = run_cli("set", "SLACK_WATER", "operational_definition.units", "seconds", "--repo", demo_repo,
                     "--as", EDITOR)
    assert result.code == 0, result.err
    after = path.read_bytes().decode().split("\n")
    changed = [after[i] for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    # a content edit: the field, plus the workflow's minor version bump and today's date
    assert changed == ["version: 0.2", f"last_updated: {dt.date.today().isoformat()}", "  units: seconds"]
    log = git(demo_repo, "log", "-1", "--format=%an <%ae>%n%B")
    assert log.startswith(EDITOR)
    assert "Term: SLACK_WATER" in log
    assert git(demo_repo, "status", "--porcelain") == ""


def test_set_refuses_a_file_that_does_not_parse(demo_repo: Path) -> None:
    path = demo_repo / "terms" / "SHUTTLE_ECHO.md"
    before = path.read_bytes()
    result = run_cli("set", "SHUTTLE_ECHO", "status", "candidate", "--repo", demo_repo, "--as", EDITOR)
    assert result.code == 1
    assert "SHUTTLE_ECHO.md:4:9" in result.err
    assert path.read_bytes() == before


def test_schema_is_json_schema_with_field_descriptions() -> None:
    result = run_cli("schema")
    schema = json.loads(result.out)
    assert schema["properties"]["canonical_id"]["description"].startswith("Upper-case id")


def test_a_configuration_naming_bad_directories_is_refused_on_opening(tmp_path: Path) -> None:
    # the directories are read before the schema is built (the UI's start needs them at once): a
    # directory outside the repository, or one that is not text, is refused with the file and field
    outside = make_repo(tmp_path / "outside", {"terms/ONE.md": "---\ncanonical_id: ONE\n---\n"},
                        config='terms_dir = "../elsewhere"\n')
    result = run_cli("list", "--repo", outside)
    assert result.code == 2 and "directory '../elsewhere' must be inside the repository" in result.err
    not_text = make_repo(tmp_path / "number", {"terms/ONE.md": "---\ncanonical_id: ONE\n---\n"},
                         config="terms_dir = 5\n")
    result = run_cli("list", "--repo", not_text)
    assert result.code == 2 and "authoring.toml: terms_dir: Input should be a valid string" in result.err
