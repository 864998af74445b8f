"""The LLM agent: pydantic-ai against any OpenAI-compatible endpoint (llama.cpp, Ollama, vLLM, OpenAI).

The model is asked for the prose fields of an entry as structured output (`LLMDraft`); the fields
the module settles (name, id, provenance with the exact snippet, parents, context windows, status,
version, date) come from the same skeleton the extractive agent uses and are never taken from the
model. Its answer is validated — by the schema, then by our own rules (crosslinks must name existing
terms), then by rendering the file and running `check` on it — and every failure is fed back to the
model for at most `retries` more attempts. Anything that still fails, an unreachable endpoint, a
timeout, a refusal or garbage, becomes one clear `AgentFailed` line; nothing is written.

Small local servers (a 4,096-token llama.cpp context) are met on their terms: the prompt carries a
compact shape of the answer instead of a JSON Schema; the schema goes to the server as its output
mode wants it (`llm_server.request_settings`); `max_tokens` is what the context leaves after the
prompt, from the size the server reports (or the configuration, or 4,096). When the whole answer
cannot fit, or the whole call fails, the draft is made in sections (`llm_output.SECTIONS`: triad,
definitions, operational definition, mappings), each a small structured call; a required section
that fails fails the draft, an optional one is left empty with a warning.

pydantic-ai is an optional extra, imported only when this agent runs (`pip install authoring[llm]`).

Must never: write files, touch Git or a UI.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from pydantic import BaseModel

from authoring.config import LLMAgentConfig
from authoring.drafting.agents.llm_output import (
    SECTIONS,
    WHOLE_ANSWER_TOKENS,
    LLMDraft,
    MappingSection,
    Section,
    grammar_schema,
    shape,
)
from authoring.drafting.agents.llm_server import DEFAULT_CONTEXT, context_size, estimate_tokens, request_settings
from authoring.drafting.draft import Draft, DraftRequest, Progress, render_body, render_term, skeleton, verify_term
from authoring.drafting.grounding import ground
from authoring.errors import AuthoringError, ExitCode, UsageError

if TYPE_CHECKING:
    from pydantic_ai.models import Model
    from pydantic_ai.settings import ModelSettings


class AgentFailed(AuthoringError):
    """A drafting agent could not produce a valid draft; nothing was written."""

    def __init__(self, message: str) -> None:
        super().__init__(message, [], ExitCode.PROBLEMS)


INSTRUCTIONS = """You write glossary entries for the Pirouette Framework from a snippet of a source module.
Say only what the snippet and its context support; invent no symbols, numbers or references.
Crosslinks: only ids from the allowed list. Reply with one JSON object and nothing else."""

SNIPPET_CAPS = (None, 6000, 3000, 1500, 700)
"""Characters of the snippet the prompt may carry, tried in turn until the answer fits the context."""
MIN_ANSWER_TOKENS = 160


def _prompt(request: DraftRequest, entry: dict[str, Any], snippet_cap: int | None = None) -> str:
    """The facts of the draft, compactly: term, module, snippet (cut to `snippet_cap`), context, ids."""
    snippet = request.snippet.text.rstrip("\n")
    if snippet_cap is not None and len(snippet) > snippet_cap:
        snippet = snippet[:snippet_cap].rsplit(" ", 1)[0] + " …"
    windows = entry["context_windows"]
    if snippet_cap is not None:
        windows = windows[: max(1, snippet_cap // 2000)]
    context = "\n".join(f"- {w['module']}: {w['excerpt']}" for w in windows) or "- (none)"
    mentioned = ", ".join(entry["crosslinks"]["prerequisites"]) or "(none)"
    lines = [
        f"Term: {request.term} (canonical id {request.canonical_id})",
        f"Module: {request.module.ref} · {request.module.title}",
        f"Snippet ({request.snippet.lines}):",
        snippet,
        "",
        "Other places that mention it:",
        context,
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


class _Fatal(Exception):
    """A failure no other way of asking can mend (unreachable endpoint, timeout): report it as it is."""

    def __init__(self, message: str, timeout: bool) -> None:
        super().__init__(message)
        self.timeout = timeout


@dataclass
class _Run:
    """One draft's bookkeeping: calls made, warnings for the editor."""

    attempts: int = 0
    warnings: list[str] = field(default_factory=list)


class LLMAgent:
    """Drafts with a language model behind an OpenAI-compatible endpoint."""

    name = "llm"

    def __init__(self, config: LLMAgentConfig, model: Model | None = None) -> None:
        self.config = config
        self._model = model
        self.last_attempts = 0
        """How many answers the model gave for the last draft (for the evaluation harness)."""

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
            from pydantic_ai.profiles.openai import OpenAIModelProfile
            from pydantic_ai.providers.openai import OpenAIProvider
        except ImportError:
            raise UsageError("the LLM agent needs pydantic-ai: install authoring[llm]") from None
        # Our own client: the configured timeout per request, and no silent SDK retries behind our budget.
        client = AsyncOpenAI(base_url=self.config.base_url, api_key=self._key(), timeout=self.config.timeout,
                             max_retries=0)
        # Local servers (llama.cpp, Ollama, vLLM) take `max_tokens`; OpenAI takes it too for chat models.
        profile = OpenAIModelProfile(openai_chat_supports_max_completion_tokens=False)
        return OpenAIChatModel(self.config.model, provider=OpenAIProvider(openai_client=client), profile=profile)

    def _key(self) -> str:
        return os.environ.get(self.config.api_key_env) or "not-needed"  # local servers take any key

    def context_tokens(self) -> int:
        """The context size: configured, else reported by the server, else `DEFAULT_CONTEXT`."""
        if self.config.context_tokens is not None:
            return self.config.context_tokens
        if self._model is None:
            reported = context_size(self.config.base_url, self.config.model, self._key())
            if reported is not None:
                return reported
        return DEFAULT_CONTEXT

    def draft(self, request: DraftRequest, progress: Progress | None = None) -> Draft:
        """Ask the model (whole, else in sections), validate, feed errors back; `AgentFailed` when it cannot."""
        try:
            import pydantic_ai  # noqa: F401
        except ImportError:
            raise UsageError("the LLM agent needs pydantic-ai: install authoring[llm]") from None
        entry = skeleton(request, progress)
        model = self._model or self._openai_model()  # checks the extra is installed; each call makes its own
        run = _Run()
        context = self.context_tokens()
        prompt = _prompt(request, entry)
        whole = estimate_tokens(INSTRUCTIONS + prompt + shape(LLMDraft)) + WHOLE_ANSWER_TOKENS
        mode = self.config.sectioned
        try:
            if mode == "always" or (mode == "auto" and whole > context):
                if progress:
                    progress(f"the whole draft needs ~{whole:,} tokens; the context holds {context:,}: asking in"
                             " sections")
                answer = self._sectioned(model, request, entry, context, run, progress)
            else:
                try:
                    answer = self._whole(model, request, entry, context, run, progress)
                except _Fatal as exc:
                    if mode == "never" or not exc.timeout:
                        raise
                    # a whole draft that takes too long may still come in small pieces
                    run.warnings.append(f"the whole draft took longer than {self.config.timeout:g} s; drafted in"
                                        " sections")
                    answer = self._sectioned(model, request, entry, context, run, progress)
                except Exception as exc:
                    if mode == "never":
                        raise
                    run.warnings.append(f"the whole draft failed ({self._explain(exc, short=True)}); drafted in"
                                        " sections")
                    if progress:
                        progress("the whole draft failed: asking in sections")
                    answer = self._sectioned(model, request, entry, context, run, progress)
        except AuthoringError:
            raise
        except _Fatal as exc:
            raise AgentFailed(self._explain(exc.__cause__ or exc)) from None
        except Exception as exc:  # every failure of the model or the endpoint becomes one clear line
            raise AgentFailed(self._explain(exc, attempts=run.attempts)) from None
        finally:
            self.last_attempts = run.attempts
        draft = self._draft(request, entry, answer, run.warnings)
        path = Path(f"{request.canonical_id}.md")
        try:
            verify_term(render_term(draft, "# check"), path, path.name, draft.entry)
        except AuthoringError as exc:
            raise AgentFailed(f"the sectioned draft does not pass check ({exc}); nothing was written") from None
        return draft

    def _call(self, model: Model, output_model: type[BaseModel], prompt: str, context: int, wanted: int,
              run: _Run, validate: Any) -> Any:
        """One structured call through pydantic-ai, with retries fed back, within the context's budget."""
        from pydantic_ai import Agent, ModelRetry, NativeOutput, PromptedOutput, ToolOutput, capture_run_messages
        from pydantic_ai.messages import ModelResponse

        if self._model is None:  # a fresh client per call: an async client is bound to its first event loop
            model = self._openai_model()

        output: Any
        if self.config.output_mode == "tool":
            output = ToolOutput(output_model)
        elif self.config.output_mode == "native":
            output = NativeOutput(output_model)
        else:  # the shape is in the prompt; the server gets the schema itself where it can take it
            output = PromptedOutput(output_model, template=False)
        text = f"{prompt}\n\nReply with JSON of this shape:\n{shape(output_model)}"
        available = context - estimate_tokens(INSTRUCTIONS + text) - 32
        if self.config.output_mode in ("tool", "native"):
            available -= estimate_tokens(str(output_model.model_json_schema()))
        if available < min(wanted, MIN_ANSWER_TOKENS):
            raise _TooLong(available)
        # What the context leaves, but no more than twice what a full answer takes: a small model inside a
        # grammar can otherwise spend minutes on one endless string.
        budget = min(available, self.config.max_tokens or 2 * wanted)
        settings = request_settings(self.config.output_mode, grammar_schema(output_model), budget)
        agent: Agent[None, Any] = Agent(model, output_type=output, instructions=INSTRUCTIONS,
                                        retries={"output": self.config.retries}, defer_model_check=True)

        @agent.output_validator
        def _check(answer: Any) -> Any:
            problem = validate(answer) if validate else None
            if problem:
                raise ModelRetry(problem)
            return answer

        deadline = self.config.timeout * (self.config.retries + 1) + 5
        with capture_run_messages() as messages:
            try:
                result = _run_sync(lambda: asyncio.wait_for(
                    agent.run(text, model_settings=cast("ModelSettings", settings)), deadline))
            except Exception as exc:
                if self._fatal(exc):
                    raise _Fatal(str(exc), timeout=not self._unreachable(exc)) from exc
                raise
            finally:  # every answer the model gave, valid or not
                run.attempts += sum(1 for m in messages if isinstance(m, ModelResponse))
        return result.output

    def _whole(self, model: Model, request: DraftRequest, entry: dict[str, Any], context: int, run: _Run,
               progress: Progress | None) -> LLMDraft:
        known = set(request.lexicon.terms)
        path = Path(f"{request.canonical_id}.md")

        def validate(answer: LLMDraft) -> str | None:
            unknown = _unknown_ids(answer, known)
            if unknown:
                return (f"these crosslinks are not existing term ids: {', '.join(unknown)}; use only ids you were"
                        " given, or leave the list empty")
            draft = self._draft(request, entry, answer, [])
            try:
                verify_term(render_term(draft, "# check"), path, path.name, draft.entry)
            except AuthoringError as exc:
                problems = "; ".join(p.format() for p in exc.problems[:5]) or str(exc)
                return f"the entry does not pass check: {problems}"
            return None

        if progress:
            progress(f"asking {self.model_name} at {self.config.base_url}")
        answer: LLMDraft = self._call(model, LLMDraft, _prompt(request, entry), context, WHOLE_ANSWER_TOKENS, run,
                                      validate)
        return answer

    def _sectioned(self, model: Model, request: DraftRequest, entry: dict[str, Any], context: int, run: _Run,
                   progress: Progress | None) -> LLMDraft:
        known = set(request.lexicon.terms)
        parts: dict[str, Any] = {}
        for section in SECTIONS:
            if progress:
                progress(f"asking {self.model_name} for the {section.name}")
            validate = (lambda answer: _crosslink_problem(answer, known)) if section.model is MappingSection else None
            try:
                answer = self._section(model, request, entry, section, context, run, validate)
            except _Fatal as exc:
                if section.required or not exc.timeout:
                    raise
                run.warnings.append(f"the model took longer than {self.config.timeout:g} s for the {section.name};"
                                    " left empty for an editor")
                continue
            except Exception as exc:
                if section.required:
                    reason = self._explain(exc, attempts=run.attempts).removesuffix("; nothing was written")
                    raise AgentFailed(f"{reason} (in sections: the {section.name} failed); nothing was written"
                                      ) from None
                run.warnings.append(f"the model gave no valid {section.name} ({self._explain(exc, short=True)});"
                                    " left empty for an editor")
                continue
            parts.update(answer.model_dump())
        return LLMDraft.model_validate({k: v for k, v in parts.items() if k in LLMDraft.model_fields})

    def _section(self, model: Model, request: DraftRequest, entry: dict[str, Any], section: Section, context: int,
                 run: _Run, validate: Any) -> Any:
        for cap in SNIPPET_CAPS:
            prompt = _prompt(request, entry, cap) + f"\n\nWrite only the {section.name} of the entry."
            try:
                return self._call(model, section.model, prompt, context, section.answer_tokens, run, validate)
            except _TooLong:
                continue
        raise AgentFailed(f"the context of {self.config.base_url} ({context:,} tokens) cannot hold even a short"
                          f" prompt for the {section.name}; raise the server's context size. Nothing was written")

    def _draft(self, request: DraftRequest, entry: dict[str, Any], answer: LLMDraft, warnings: list[str]) -> Draft:
        merged = merge(entry, answer)
        body = render_body(merged, canonical=answer.pirouette_definition, summary=answer.eft_summary)
        draft = Draft(merged, body, self.name, self.model_name, list(warnings))
        draft.grounding = ground(merged)
        return draft

    @staticmethod
    def _unreachable(exc: BaseException) -> bool:
        current: BaseException | None = exc
        for _ in range(6):
            if current is None:
                break
            if "Connect" in type(current).__name__:
                return True
            current = current.__cause__ or current.__context__
        return False

    @staticmethod
    def _fatal(exc: BaseException) -> bool:
        names: list[str] = []
        current: BaseException | None = exc
        while current is not None and len(names) < 6:
            names.append(type(current).__name__)
            current = current.__cause__ or current.__context__
        text = " ".join(names)
        return isinstance(exc, TimeoutError) or "Timeout" in text or "Connect" in text

    def _explain(self, exc: BaseException, attempts: int | None = None, short: bool = False) -> str:
        """One line saying what went wrong, naming the endpoint (`short`: the reason alone)."""
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
            if short:
                return f"HTTP {exc.status_code}: {detail}"
            return f"{where} answered HTTP {exc.status_code}: {detail}; nothing was written"
        if isinstance(exc, UnexpectedModelBehavior):
            detail = " ".join(exc.message.split())[:200]
            if short:
                return detail
            tries = attempts if attempts else self.config.retries + 1
            return f"{where} gave no valid draft after {tries} attempt(s) ({detail}); nothing was written"
        detail = " ".join(str(exc).split())[:200]
        if short:
            return f"{type(exc).__name__}: {detail}"
        return f"{where} failed: {type(exc).__name__}: {detail}; nothing was written"


def _run_sync(make: Any) -> Any:
    """Run the coroutine `make()` builds to completion, also when called from inside a running event loop
    (then in a thread of its own: `asyncio.run` cannot nest)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result()


class _TooLong(Exception):
    """The prompt leaves too little of the context for the answer."""


def _unknown_ids(answer: Any, known: set[str]) -> list[str]:
    ids = [*getattr(answer, "near_synonyms", []), *getattr(answer, "antonyms", []),
           *getattr(answer, "prerequisites", []), *getattr(answer, "downstream_effects", [])]
    return sorted({i for i in ids if i not in known})


def _crosslink_problem(answer: Any, known: set[str]) -> str | None:
    unknown = _unknown_ids(answer, known)
    if unknown:
        return (f"these crosslinks are not existing term ids: {', '.join(unknown)}; use only ids you were given,"
                " or leave the list empty")
    return None
