"""Repository configuration: `authoring.toml`, or `[tool.authoring]` in `pyproject.toml`, with defaults.

A missing file means the defaults (`terms/`, `modules/`, `review_logs/`, everyone an editor), so a
new repository works at once; two lines (`terms_dir = "modules/dictionary"`, `modules_dir =
"modules"`) fit the upstream Pirouette layout. A config that does not parse is a located error.

The file is read by `config_file` (no pydantic); `ConfigFile.validate()` checks it against the
models here.

Must never: touch Git or a UI.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from authoring.config_file import CONFIG_FILE, check_directories, read_config_file
from authoring.errors import Problem, Severity, UsageError

__all__ = ["CONFIG_FILE", "Config", "load_config", "validate_config"]


class People(BaseModel):
    """Who may do what. Identities are `Name <email>`, matched by email."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    editors: list[str] = Field(default_factory=list)
    """Human editors; when empty, every identity that is not an agent is an editor."""
    agents: list[str] = Field(default_factory=list)
    """Drafting agents: they may draft, edit and comment, never approve, ratify or demote."""


class Policy(BaseModel):
    """The workflow's knobs."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    approvals_to_ratify: int = Field(default=1, ge=0)
    """Approvals from non-authors needed to move a candidate to ratified."""


class LLMAgentConfig(BaseModel):
    """An OpenAI-compatible endpoint for the LLM drafting agent."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    base_url: str = "http://127.0.0.1:8080/v1"
    """The endpoint's base URL (llama.cpp server, Ollama, vLLM, OpenAI)."""
    model: str = "local-model"
    """The model name to ask for."""
    api_key_env: str = "OPENAI_API_KEY"
    """The environment variable holding the API key (may be unset for local servers)."""
    timeout: float = 60.0
    """Seconds to wait for one answer."""
    retries: int = Field(default=2, ge=0, le=10)
    """How many times validation errors are fed back before giving up."""
    output_mode: Literal["prompted", "json_object", "ollama", "tool", "native"] = "prompted"
    """How the draft's schema is asked for: `prompted` (a compact shape in the prompt; any chat endpoint),
    `json_object` (llama.cpp's servers: `response_format` `json_object` with the schema as a grammar),
    `ollama` (Ollama: the schema in `format`), `tool` (a tool call), `native` (OpenAI's `json_schema`)."""
    sectioned: Literal["auto", "always", "never"] = "auto"
    """Draft in several small calls (triad, definitions, operational definition, mappings): `auto` when the
    whole answer cannot fit the context or the whole call fails, `always`, or `never`."""
    context_tokens: int | None = Field(default=None, ge=512)
    """The server's context size in tokens; unset: asked of the server, else 4,096 is assumed."""
    max_tokens: int | None = Field(default=None, ge=64)
    """A cap on the tokens of one answer; unset: whatever the context leaves after the prompt."""


class Agents(BaseModel):
    """Drafting agents' settings."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    default: str = "extractive"
    """The agent `draft` uses when none is named."""
    llm: LLMAgentConfig = Field(default_factory=LLMAgentConfig)
    """The LLM agent's endpoint."""


class AuditConfig(BaseModel):
    """What `audit` checks beyond its defaults."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    allowed_signers: str | None = None
    """An SSH allowed-signers file (relative to the repository root) that `audit --require-signed`
    verifies the commits of review events against (taken from the trusted base when there is one)."""
    require_signed: bool = False
    """Every review event must be added by a commit signed by its author (`audit` as with
    `--require-signed`; the gates count only such events)."""
    trusted_base: str | None = None
    """The revision (`origin/main`) whose policy, people and allowed signers `audit` trusts; changes to
    them after it must be made by its editors (see docs/TRUST.md)."""


class DuplicatesConfig(BaseModel):
    """How `audit` looks for terms that may duplicate one another (`core.duplicates`)."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    similar_definition: float = Field(default=0.5, ge=0.0, le=1.0)
    """The cosine similarity (TF-IDF over words, 0–1) at which two definitions are reported as alike."""


class ExchangeConfig(BaseModel):
    """How the glossary is published (`export`, `site`)."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    base_iri: str = "https://glossary.invalid/"
    """The namespace SKOS concept IRIs are made in (IRI = base + canonical id); the default is a
    placeholder that never resolves."""
    title: str = "Glossary"
    """The glossary's title, in exports and on the site."""
    language: str = "en"
    """The language tag of names and definitions (BCP 47)."""


class Config(BaseModel):
    """The whole configuration of one glossary repository."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    terms_dir: str = "terms"
    """Where term files live, relative to the repository root."""
    modules_dir: str = "modules"
    """Where source modules live."""
    review_logs_dir: str = "review_logs"
    """Where review events are recorded."""
    exclude_from_context: list[str] = Field(default_factory=list)
    """Modules that drafting never quotes as context (compiled bundles repeating other modules, such as
    `pirouette_version_6.md`): file names or glob patterns, matched against the module's file name."""
    people: People = Field(default_factory=People)
    """Editors and agents."""
    policy: Policy = Field(default_factory=Policy)
    """Workflow policy."""
    agents: Agents = Field(default_factory=Agents)
    """Drafting agents."""
    audit: AuditConfig = Field(default_factory=AuditConfig)
    """The audit's settings."""
    duplicates: DuplicatesConfig = Field(default_factory=DuplicatesConfig)
    """Duplicate detection (label collisions, id variants, similar definitions)."""
    exchange: ExchangeConfig = Field(default_factory=ExchangeConfig)
    """Publishing: SKOS namespace, title, language."""


def load_config(root: Path) -> Config:
    """The configuration of the repository at `root` (defaults when there is none)."""
    return read_config_file(root).validate()


def validate_config(table: dict[str, Any] | None, path: Path) -> Config:
    """The configuration `table` (from `path`) checked against the models; a `UsageError` naming the
    first wrong field otherwise."""
    if table is None:
        return Config()
    try:
        config = Config.model_validate(table)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise UsageError(f"{path}: {where}: {first['msg']}",
                         [Problem(str(path), 1, 1, Severity.ERROR, "config", f"{where}: {first['msg']}")]) from None
    check_directories(path, (config.terms_dir, config.modules_dir, config.review_logs_dir))
    return config
