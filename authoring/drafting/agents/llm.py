"""The LLM agent: pydantic-ai against any OpenAI-compatible endpoint (llama.cpp, Ollama, vLLM, OpenAI).

The model is asked for the prose fields of an entry as structured output (`LLMDraft`); the fields
the module settles (name, id, provenance with the exact snippet, parents, context windows, status,
version, date) come from the same skeleton the extractive agent uses and are never taken from the
model. Its answer is validated — by the schema, then by our own rules (crosslinks must name existing
terms), then by rendering the file and running `check` on it — and every failure is fed back to the
model for at most `retries` more attempts. Anything that still fails, an unreachable endpoint, a
timeout, a refusal or garbage, becomes one clear `AgentFailed` line; nothing is written.

pydantic-ai is an optional extra, imported only when this agent runs (`pip install authoring[llm]`).

Must never: write files, touch Git or a UI.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from authoring.config import LLMAgentConfig
from authoring.drafting.draft import Draft, DraftRequest, Progress, render_body, render_term, skeleton, verify_term
from authoring.errors import AuthoringError, ExitCode, UsageError

if TYPE_CHECKING:
    from pydantic_ai.models import Model


class AgentFailed(AuthoringError):
    """A drafting agent could not produce a valid draft; nothing was written."""

    def __init__(self, message: str) -> None:
        super().__init__(message, [], ExitCode.PROBLEMS)


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class LLMTriad(_Out):
    """The term seen three ways."""

    art: str = Field(min_length=10)
    """An image or metaphor: what the term feels like (one or two sentences)."""
    law: str = Field(min_length=10)
    """A precise, testable statement of the term."""
    philosophy: str = Field(min_length=10)
    """Why the term matters: what it changes in how we think."""


class LLMSymbol(_Out):
    """One symbol the operational definition uses."""

    name: str = Field(min_length=1)
    """The symbol as written in the module."""
    meaning: str = Field(min_length=1)
    """What it stands for."""
    dimensions: str = ""
    """Its physical dimensions or units class, if known."""
    default_range: str = ""
    """Its usual range, if known."""


class LLMProcedure(_Out):
    """One way to measure the term."""

    name: str = Field(min_length=1)
    """A short name for the procedure."""
    outline: str = Field(min_length=1)
    """The steps."""
    expected_signals: list[str] = Field(default_factory=list)
    """What a measurement should show."""
    pitfalls: list[str] = Field(default_factory=list)
    """How a measurement goes wrong."""


class LLMMapping(_Out):
    """A candidate alignment with an established concept."""

    target: str = Field(min_length=1)
    """The established concept."""
    domain: str = Field(min_length=1)
    """Its field."""
    mapping_kind: str = "conceptual"
    """`conceptual` or `mathematical`."""
    justification: str = Field(min_length=1)
    """Why the mapping holds."""
    confidence: float = Field(ge=0.0, le=1.0)
    """How sure you are, in [0, 1]."""


class LLMClaim(_Out):
    """A falsifiable statement the term makes."""

    statement: str = Field(min_length=1)
    """The claim."""
    domain: str = Field(min_length=1)
    """Where it applies."""
    falsifier: str = Field(min_length=1)
    """What observation would refute it."""


class LLMDraft(_Out):
    """The prose of a glossary entry, written from a module snippet. Ids are canonical term ids."""

    aliases: list[str] = Field(default_factory=list)
    """Other names the module gives the term (none if it gives none)."""
    symbol: str = ""
    """The term's symbol if the module gives one, else empty."""
    triad: LLMTriad
    """Art, law and philosophy."""
    pirouette_definition: str = Field(min_length=20)
    """The canonical definition in the framework's own terms, faithful to the snippet."""
    eft_summary: str = Field(min_length=20)
    """A short summary relating the term to established effective theories (the body's EFT-First Summary)."""
    units: str = ""
    """Units of the quantity, in words (empty when the term is not a quantity)."""
    symbol_table: list[LLMSymbol] = Field(default_factory=list)
    """Symbols the definition uses."""
    procedures: list[LLMProcedure] = Field(default_factory=list)
    """How to measure it."""
    motifs: list[str] = Field(default_factory=list)
    """Short motifs."""
    evocative_lines: list[str] = Field(default_factory=list)
    """Memorable lines, preferably quoted from the module."""
    formal_mapping_candidates: list[LLMMapping] = Field(default_factory=list)
    """Proposed alignments with established science."""
    claims: list[LLMClaim] = Field(default_factory=list)
    """Falsifiable claims."""
    collisions: list[str] = Field(default_factory=list)
    """Other uses of the same name or symbol."""
    disambiguation: str = ""
    """How to tell them apart."""
    near_synonyms: list[str] = Field(default_factory=list)
    """Existing term ids that mean nearly the same."""
    antonyms: list[str] = Field(default_factory=list)
    """Existing term ids that are opposites."""
    prerequisites: list[str] = Field(default_factory=list)
    """Existing term ids to understand first."""
    downstream_effects: list[str] = Field(default_factory=list)
    """Existing term ids this term leads to."""


INSTRUCTIONS = """You draft glossary entries for the Pirouette Framework from a snippet of a source module.
Write only what the snippet and its context support; do not invent symbols, numbers or references.
Crosslinks must be canonical ids of existing terms, chosen from the ids you are given.
Answer with the requested structure only."""


def _prompt(request: DraftRequest, entry: dict[str, Any]) -> str:
    windows = "\n".join(f"- {w['module']}: {w['excerpt']}" for w in entry["context_windows"]) or "- (none)"
    mentioned = ", ".join(entry["crosslinks"]["prerequisites"]) or "(none)"
    lines = [
        f"Term: {request.term} (canonical id {request.canonical_id})",
        f"Module: {request.module.ref} · {request.module.title}",
        f"Snippet ({request.snippet.lines}):",
        request.snippet.text.rstrip("\n"),
        "",
        "Other places that mention it:",
        windows,
        "",
        f"Existing terms the snippet mentions (ids you may crosslink): {mentioned}",
    ]
    if request.rejected_note:
        lines += ["", f"Editors rejected an earlier draft of this term. Their reason: {request.rejected_note}",
                  "Address that reason in this draft."]
    return "\n".join(lines)


def merge(entry: dict[str, Any], answer: LLMDraft) -> dict[str, Any]:
    """The skeleton with the model's prose filled in (module-settled fields untouched)."""
    merged = dict(entry)
    merged["aliases"] = list(dict.fromkeys([*entry["aliases"], *answer.aliases]))
    merged["symbol"] = entry["symbol"] or answer.symbol
    merged["triad"] = answer.triad.model_dump()
    merged["pirouette_definition"] = answer.pirouette_definition.strip() + "\n"
    symbol_table = entry["operational_definition"]["symbol_table"] or [s.model_dump() for s in answer.symbol_table]
    merged["operational_definition"] = {
        "units": answer.units,
        "symbol_table": symbol_table,
        "measurement": {"procedures": [p.model_dump() for p in answer.procedures]},
    }
    merged["poetic_connections"] = {
        "motifs": answer.motifs,
        "evocative_lines": list(dict.fromkeys([*entry["poetic_connections"]["evocative_lines"],
                                               *answer.evocative_lines])),
        "association_matrix": [],
    }
    merged["formal_mappings"] = {"candidates": [m.model_dump() for m in answer.formal_mapping_candidates],
                                 "adopted": []}
    merged["constraints_and_falsifiers"] = {
        "claims": [{**c.model_dump(), "status": "proposed", "links": [entry["parents"][0]]} for c in answer.claims]}
    merged["naming_notes"] = {"collisions": answer.collisions, "disambiguation": answer.disambiguation}
    merged["crosslinks"] = {
        "near_synonyms": answer.near_synonyms,
        "antonyms": answer.antonyms,
        "prerequisites": list(dict.fromkeys([*entry["crosslinks"]["prerequisites"], *answer.prerequisites])),
        "downstream_effects": answer.downstream_effects,
    }
    return merged


class LLMAgent:
    """Drafts with a language model behind an OpenAI-compatible endpoint."""

    name = "llm"

    def __init__(self, config: LLMAgentConfig, model: Model | None = None) -> None:
        self.config = config
        self._model = model

    @property
    def model_name(self) -> str:
        """The model recorded in the draft: the configured name, or the test model's own."""
        if self._model is not None:
            return str(getattr(self._model, "model_name", type(self._model).__name__))
        return self.config.model

    def _openai_model(self) -> Model:
        try:
            from openai import AsyncOpenAI
            from pydantic_ai.models.openai import OpenAIChatModel
            from pydantic_ai.providers.openai import OpenAIProvider
        except ImportError:
            raise UsageError("the LLM agent needs pydantic-ai: install authoring[llm]") from None
        key = os.environ.get(self.config.api_key_env) or "not-needed"  # local servers take any key
        # Our own client: the configured timeout per request, and no silent SDK retries behind our budget.
        client = AsyncOpenAI(base_url=self.config.base_url, api_key=key, timeout=self.config.timeout,
                             max_retries=0)
        return OpenAIChatModel(self.config.model, provider=OpenAIProvider(openai_client=client))

    def draft(self, request: DraftRequest, progress: Progress | None = None) -> Draft:
        """Ask the model, validate, feed errors back; a clear `AgentFailed` when it cannot."""
        try:
            from pydantic_ai import Agent, ModelRetry, NativeOutput, PromptedOutput, ToolOutput
        except ImportError:
            raise UsageError("the LLM agent needs pydantic-ai: install authoring[llm]") from None
        entry = skeleton(request, progress)
        model = self._model or self._openai_model()
        known = set(request.lexicon.terms)
        path = Path(f"{request.canonical_id}.md")
        output: Any = {"prompted": PromptedOutput, "tool": ToolOutput,
                       "native": NativeOutput}[self.config.output_mode](LLMDraft)
        agent: Agent[None, LLMDraft] = Agent(model, output_type=output, instructions=INSTRUCTIONS,
                                            retries={"output": self.config.retries}, defer_model_check=True)
        attempts = 0

        @agent.output_validator
        def _check(answer: LLMDraft) -> LLMDraft:
            nonlocal attempts
            attempts += 1
            unknown = sorted({i for i in (*answer.near_synonyms, *answer.antonyms, *answer.prerequisites,
                                          *answer.downstream_effects) if i not in known})
            if unknown:
                raise ModelRetry(f"these crosslinks are not existing term ids: {', '.join(unknown)}; use only"
                                 " ids you were given, or leave the list empty")
            draft = self._draft(request, entry, answer)
            try:
                verify_term(render_term(draft, "# check"), path, path.name, draft.entry)
            except AuthoringError as exc:
                problems = "; ".join(p.format() for p in exc.problems[:5]) or str(exc)
                raise ModelRetry(f"the entry does not pass check: {problems}") from None
            return answer

        if progress:
            progress(f"asking {self.model_name} at {self.config.base_url}")
        deadline = self.config.timeout * (self.config.retries + 1) + 5
        try:
            result = asyncio.run(asyncio.wait_for(agent.run(_prompt(request, entry)), deadline))
        except AuthoringError:
            raise
        except Exception as exc:  # every failure of the model or the endpoint becomes one clear line
            raise AgentFailed(self._explain(exc)) from None
        return self._draft(request, entry, result.output)

    def _draft(self, request: DraftRequest, entry: dict[str, Any], answer: LLMDraft) -> Draft:
        merged = merge(entry, answer)
        body = render_body(merged, canonical=answer.pirouette_definition, summary=answer.eft_summary)
        return Draft(merged, body, self.name, self.model_name, [])

    def _explain(self, exc: BaseException) -> str:
        """One line saying what went wrong, naming the endpoint."""
        from pydantic_ai.exceptions import ModelHTTPError, UnexpectedModelBehavior

        where = f"the LLM endpoint {self.config.base_url} (model {self.config.model})"
        chain: list[BaseException] = []
        current: BaseException | None = exc
        while current is not None and len(chain) < 6:
            chain.append(current)
            current = current.__cause__ or current.__context__
        names = " ".join(type(e).__name__ for e in chain)
        if isinstance(exc, TimeoutError) or "Timeout" in names:
            return f"{where} did not answer within {self.config.timeout:g} s; nothing was written"
        if "Connection" in names or "ConnectError" in names:
            return f"cannot reach {where}: is the server running? nothing was written"
        if isinstance(exc, ModelHTTPError):
            detail = " ".join(str(exc.body or exc.message).split())[:160]
            return f"{where} answered HTTP {exc.status_code}: {detail}; nothing was written"
        if isinstance(exc, UnexpectedModelBehavior):
            detail = " ".join(exc.message.split())[:200]
            return (f"{where} gave no valid draft after {self.config.retries + 1} attempt(s) ({detail});"
                    " nothing was written")
        detail = " ".join(str(exc).split())[:200]
        return f"{where} failed: {type(exc).__name__}: {detail}; nothing was written"
