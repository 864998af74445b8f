"""One registry of drafting agents (`drafting.agents.REGISTRY`): the CLI lists it, `draft --agent` and the
UI's draft screen offer what it registers, an unknown name is refused naming the registered ones, and a
draft is committed as its registered identity when the repository lists it."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Select

from authoring.drafting.agents import REGISTRY, drafting_agents
from authoring.tui.screens.draft import DraftScreen
from tests.conftest import git, run_cli
from tests.tui_support import make_app, press, settle


def test_every_registered_agent_is_listed_by_the_cli(demo_repo: Path) -> None:
    listed = json.loads(run_cli("--repo", demo_repo, "agents", "--registered", "--json").out)
    assert [a["name"] for a in listed] == list(REGISTRY) and len(listed) >= 3
    assert all(a["identity"] == REGISTRY[a["name"]].identity and a["description"] for a in listed)
    assert {a["name"]: a["drafts"] for a in listed}["import"] is False
    text = run_cli("--repo", demo_repo, "agents")
    assert text.code == 0
    for spec in REGISTRY.values():
        assert f"{spec.name}  " in text.out and spec.identity in text.out
    assert "no drafts by agents yet" in text.out


def test_an_unknown_agent_is_refused_naming_the_registered_ones(demo_repo: Path) -> None:
    head = git(demo_repo, "rev-parse", "HEAD")
    for name in ("nonesuch", "import", "Extractive"):  # unknown, not a drafting agent, not the exact name
        result = run_cli("--repo", demo_repo, "draft", "DEMO-001", "--section", "1", "--agent", name)
        assert result.code == 2, result.out
        names = ", ".join(spec.name for spec in drafting_agents())
        assert f"no drafting agent {name!r}; registered: {names}" in result.err
        assert "Traceback" not in result.err
    assert git(demo_repo, "rev-parse", "HEAD") == head


def test_a_draft_is_committed_as_the_registered_identity_the_repository_lists(demo_repo: Path) -> None:
    result = run_cli("--repo", demo_repo, "draft", "DEMO-001", "--section", "1", "--term", "Registry Test",
                     "--agent", "extractive")
    assert result.code == 0, result.err
    assert git(demo_repo, "log", "-1", "--format=%an <%ae>").strip() == REGISTRY["extractive"].identity
    card = json.loads(run_cli("--repo", demo_repo, "agents", "--json").out)
    assert [(c["agent"], c["kind"], c["drafts"]) for c in card] == [(REGISTRY["extractive"].identity, "extractive", 1)]


async def test_the_ui_offers_the_registered_drafting_agents(demo_repo: Path) -> None:
    app = make_app(demo_repo)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        assert isinstance(app.screen, DraftScreen)
        choice = app.screen.query_one("#agent", Select)
        offered = [value for _label, value in choice._options if value is not Select.BLANK]
        assert offered == [spec.name for spec in drafting_agents()]
        assert choice.value == drafting_agents()[0].name
