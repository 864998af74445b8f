"""`authoring agents`: per agent and model, what became of its drafts — from Git history and the review log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("pydantic_ai")

from pydantic_ai.models.test import TestModel

from authoring.config import LLMAgentConfig
from authoring.drafting.agents.llm import LLMAgent
from authoring.repo.service import Glossary
from tests.conftest import run_cli
from tests.test_drafting_llm import GOOD

ALICE = "Alice Editor <alice@example.org>"
BOB = "Bob Editor <bob@example.org>"


def llm(name: str = "tiny-model") -> LLMAgent:
    model = TestModel(custom_output_text=json.dumps(GOOD))
    model._model_name = name  # the name the draft records
    return LLMAgent(LLMAgentConfig(retries=0), model=model)


def test_scorecard_counts_drafts_edits_rejections_and_ratifications(demo_repo: Path) -> None:
    with Glossary.open(demo_repo) as glossary:
        glossary.draft("DEMO-001", lines="43-43", term="Loom Period", agent=llm())
        glossary.draft("DEMO-001", section="4", term="Knot Drift", force=True, agent=llm())
        glossary.draft("DEMO-001", section="3", term="Slack Water", force=True, agent=llm("other-model"))
        glossary.draft("DEMO-001", section="2", term="Weft Pressure", force=True, agent="extractive",
                       note="a fresh extract from the table")
    with Glossary.open(demo_repo, ALICE) as alice:
        alice.promote("LOOM_PERIOD")  # ratified as the agent wrote it
        alice.set_field("KNOT_DRIFT", "triad.art", '"A knot walking the shore, one tide at a time."')
        alice.promote("KNOT_DRIFT")
        alice.reject("SLACK_WATER", "says nothing the module does not already say better")
    with Glossary.open(demo_repo, BOB) as bob:
        bob.review("LOOM_PERIOD", "approve")
        bob.review("KNOT_DRIFT", "approve")
    with Glossary.open(demo_repo, ALICE) as alice:
        alice.promote("LOOM_PERIOD")
        alice.promote("KNOT_DRIFT")

    result = run_cli("--repo", demo_repo, "agents", "--json")
    assert result.code == 0, result.err
    scores = {(s["agent"], s["model"]): s for s in json.loads(result.out)}
    llm_agent = "LLM Agent <llm-agent@authoring.invalid>"
    tiny = scores[(llm_agent, "tiny-model")]
    assert tiny["drafts"] == 2 and tiny["ratified"] == 2
    assert tiny["ratified_unchanged"] == 1 and tiny["ratified_after_edits"] == 1
    assert tiny["fields_changed_before_ratification"] == {"triad.art": 1}
    by_term = {t["term"]: t for t in tiny["terms"]}
    assert by_term["LOOM_PERIOD"]["unchanged"] and by_term["LOOM_PERIOD"]["fields_changed"] == []
    assert by_term["KNOT_DRIFT"]["fields_changed"] == ["triad.art"]
    assert tiny["median_hours_to_ratify"] is not None and tiny["median_hours_to_ratify"] >= 0
    other = scores[(llm_agent, "other-model")]
    assert other["drafts"] == 1 and other["rejected"] == 1 and other["ratified"] == 0
    assert other["rejections"] == [{"term": "SLACK_WATER",
                                    "reason": "says nothing the module does not already say better"}]
    extractive = scores[("Extractive Agent <agent@authoring.invalid>", "-")]
    assert extractive["drafts"] == 1 and extractive["open"] == 1
    text = run_cli("--repo", demo_repo, "agents")
    assert text.code == 0 and "triad.art ×1" in text.out and "rejected SLACK_WATER: says nothing" in text.out


def test_no_drafts_yet(demo_repo: Path) -> None:
    result = run_cli("--repo", demo_repo, "agents", "--json")
    assert result.code == 0 and json.loads(result.out) == []
