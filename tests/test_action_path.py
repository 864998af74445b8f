"""The one action path (`repo/action_path.py`): one injectable clock dates every action, and the actions,
drafting, repair and the audit depend on its `Repository` protocol, never on the service (import-linter)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from authoring.repo.action_path import FixedClock, today
from authoring.repo.service import Glossary
from tests.conftest import AGENT, EDITOR

ROOT = Path(__file__).resolve().parent.parent
AT = dt.datetime(2031, 2, 3, 4, 5, 6, 789000, tzinfo=dt.UTC)


def _events(repo: Path, term_id: str) -> list[dict[str, object]]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((repo / "review_logs" / term_id).iterdir())]


def test_an_injected_clock_dates_the_event_the_file_and_its_review_log(demo_repo: Path) -> None:
    with Glossary.open(demo_repo, EDITOR, clock=FixedClock(AT)) as glossary:
        glossary.set_field("SLACK_WATER", "symbol", "S_w")
        glossary.promote("SLACK_WATER")
        entry = glossary.load("SLACK_WATER").entry
    new = sorted((demo_repo / "review_logs" / "SLACK_WATER").iterdir())
    assert [p.name[:23] for p in new] == ["20310203T040506789000Z-"] * 2
    assert [yaml.safe_load(p.read_text(encoding="utf-8"))["when"] for p in new] == ["2031-02-03T04:05:06.789000Z"] * 2
    assert entry is not None and entry["last_updated"] == today(FixedClock(AT)) == AT.astimezone().date()
    assert entry["provenance"]["review_log"][-1]["date"] == AT.astimezone().date()


def test_an_injected_clock_dates_a_draft_and_its_event(demo_repo: Path) -> None:
    with Glossary.open(demo_repo, AGENT, clock=FixedClock(AT)) as glossary:
        module = glossary.modules()[0].ref
        preview = glossary.preview_draft(module, section="1", term="Clock Test Term", term_id="CLOCK_TEST_TERM")
        glossary.save_draft(preview)
        entry = glossary.load("CLOCK_TEST_TERM").entry
    (event,) = _events(demo_repo, "CLOCK_TEST_TERM")
    assert (event["when"], event["action"]) == ("2031-02-03T04:05:06.789000Z", "draft")
    assert entry is not None and str(entry["last_updated"]) == AT.astimezone().date().isoformat()


@pytest.mark.skipif(shutil.which("lint-imports") is None, reason="import-linter is not installed")
def test_the_action_path_contract_forbids_the_service_cycle() -> None:
    done = subprocess.run(["lint-imports"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout
    kept = " ".join(done.stdout.split())
    assert "depend on the action path's protocol, not on the service KEPT" in kept
