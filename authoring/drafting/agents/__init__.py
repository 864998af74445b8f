"""Drafting agents behind one interface, and the one registry of them: name → factory, default identity,
description. `authoring agents`, `draft --agent`, the UI's draft screen, the CSV import and the scorecard
all read `REGISTRY`; nothing else lists agent names.

To add an agent: write a class with `name` and `draft(request, progress) -> Draft` (`draft.DraftAgent`) in
a module of this package, and `register(AgentSpec(...))` it below with a factory that imports that module
lazily (an agent may pull in heavy libraries, as the LLM agent does pydantic-ai).

Must never: write files, touch Git or a UI.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from authoring.errors import UsageError

if TYPE_CHECKING:
    from authoring.config import Config
    from authoring.drafting.draft import DraftAgent


@dataclass(frozen=True)
class AgentSpec:
    """One registered agent."""

    name: str
    """What `--agent`, the configuration's `[agents] default` and the draft event's `agent` call it."""
    identity: str
    """Who its commits are authored as, `Name <email>`, when the repository lists none of its own agents."""
    description: str
    """One line for `authoring agents`."""
    label: str
    """A few words for the UI's choice of agent."""
    factory: Callable[[Config], DraftAgent] | None = None
    """Makes the agent from the repository's configuration; None for an agent that drafts by other means
    (the CSV import writes its rows itself)."""

    @property
    def drafts(self) -> bool:
        """True when `draft --agent NAME` can use it."""
        return self.factory is not None

    def to_json(self) -> dict[str, str | bool]:
        """Stable keys for `--json`."""
        return {"name": self.name, "identity": self.identity, "description": self.description,
                "label": self.label, "drafts": self.drafts}


REGISTRY: dict[str, AgentSpec] = {}
"""Every agent, by name, in registration order."""


def register(spec: AgentSpec) -> AgentSpec:
    """Add an agent to the registry (a name is registered once)."""
    if spec.name in REGISTRY:
        raise ValueError(f"agent {spec.name!r} is registered twice")
    REGISTRY[spec.name] = spec
    return spec


def agent_spec(name: str, *, drafting: bool = False) -> AgentSpec:
    """The registered agent `name` (with `drafting`: one that can draft), or a `UsageError` listing them."""
    spec = REGISTRY.get(name)
    if spec is None or (drafting and not spec.drafts):
        choices = [s.name for s in REGISTRY.values() if s.drafts or not drafting]
        what = "drafting agent" if drafting else "agent"
        raise UsageError(f"no {what} {name!r}; registered: {', '.join(choices)} (see `authoring agents`)")
    return spec


def drafting_agents() -> list[AgentSpec]:
    """The agents `draft --agent` and the UI offer, in registration order."""
    return [spec for spec in REGISTRY.values() if spec.drafts]


def make_agent(name: str, config: Config) -> DraftAgent:
    """The agent called `name`, configured from the repository's configuration."""
    factory = agent_spec(name, drafting=True).factory
    assert factory is not None  # `drafting=True` refused the others
    return factory(config)


def _extractive(config: Config) -> DraftAgent:
    from authoring.drafting.agents.extractive import ExtractiveAgent

    return ExtractiveAgent()


def _llm(config: Config) -> DraftAgent:
    from authoring.drafting.agents.llm import LLMAgent

    return LLMAgent(config.agents.llm)


register(AgentSpec("extractive", "Extractive Agent <agent@authoring.invalid>",
                   "fills the fields the module settles from the snippet; no network, no model",
                   "extractive (no network)", _extractive))
register(AgentSpec("llm", "LLM Agent <llm-agent@authoring.invalid>",
                   "writes the prose with a language model at the configured endpoint ([agents.llm])",
                   "LLM (configured endpoint)", _llm))
register(AgentSpec("import", "Import Agent <import-agent@authoring.invalid>",
                   "commits the rows of `authoring import FILE.csv` as drafts (not for `draft --agent`)",
                   "import (CSV rows)"))
