"""Repository configuration: `authoring.toml`, or `[tool.authoring]` in `pyproject.toml`, with defaults.

A missing file means the defaults (`terms/`, `modules/`, `review_logs/`, everyone an editor), so a
new repository works at once; two lines (`terms_dir = "modules/dictionary"`, `modules_dir =
"modules"`) fit the upstream Pirouette layout. A config that does not parse is a located error.

Must never: touch Git or a UI.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from authoring.errors import Problem, Severity, UsageError

CONFIG_FILE = "authoring.toml"


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
    output_mode: Literal["prompted", "tool", "native"] = "prompted"
    """How the draft's schema is asked for: in the prompt (works with any chat endpoint), as a tool
    call, or as the endpoint's native structured output (`response_format`)."""


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
    verifies status-change commits against."""


class Config(BaseModel):
    """The whole configuration of one glossary repository."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    terms_dir: str = "terms"
    """Where term files live, relative to the repository root."""
    modules_dir: str = "modules"
    """Where source modules live."""
    review_logs_dir: str = "review_logs"
    """Where review events are recorded."""
    people: People = Field(default_factory=People)
    """Editors and agents."""
    policy: Policy = Field(default_factory=Policy)
    """Workflow policy."""
    agents: Agents = Field(default_factory=Agents)
    """Drafting agents."""
    audit: AuditConfig = Field(default_factory=AuditConfig)
    """The audit's settings."""


def load_config(root: Path) -> Config:
    """The configuration of the repository at `root` (defaults when there is none)."""
    path = root / CONFIG_FILE
    table: dict[str, Any] | None = None
    if path.is_file():
        table = _read_toml(path)
    else:
        pyproject = root / "pyproject.toml"
        if pyproject.is_file():
            tool = _read_toml(pyproject).get("tool", {})
            section = tool.get("authoring") if isinstance(tool, dict) else None
            if isinstance(section, dict):
                table, path = section, pyproject
    if table is None:
        return Config()
    try:
        config = Config.model_validate(table)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise UsageError(f"{path}: {where}: {first['msg']}",
                         [Problem(str(path), 1, 1, Severity.ERROR, "config", f"{where}: {first['msg']}")]) from None
    for name in (config.terms_dir, config.modules_dir, config.review_logs_dir):
        if Path(name).is_absolute() or ".." in Path(name).parts:
            raise UsageError(f"{path}: directory {name!r} must be inside the repository")
    return config


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: {exc}", [Problem(str(path), 1, 1, Severity.ERROR, "config", str(exc))]) from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror}") from None
