"""Drafting agents: the built-in extractive agent and the optional LLM agent, behind one interface.

Must never: write files, touch Git or a UI.
"""

from __future__ import annotations

from authoring.config import Config
from authoring.drafting.draft import DraftAgent
from authoring.errors import UsageError

AGENT_NAMES = ("extractive", "llm")


def make_agent(name: str, config: Config) -> DraftAgent:
    """The agent called `name`, configured from the repository's configuration."""
    if name == "extractive":
        from authoring.drafting.agents.extractive import ExtractiveAgent

        return ExtractiveAgent()
    if name == "llm":
        from authoring.drafting.agents.llm import LLMAgent

        return LLMAgent(config.agents.llm)
    raise UsageError(f"no drafting agent {name!r}; choose one of: {', '.join(AGENT_NAMES)}")
