"""What the LLM agent needs to know of its server: its context size, and how it takes a schema.

Servers report their context in different places: llama.cpp's server in `/v1/models` (`meta.n_ctx`,
else `meta.n_ctx_train`) and `/props` (`default_generation_settings.n_ctx`), vLLM as
`max_model_len` in `/v1/models`. `context_size` asks once, briefly, and answers None when nothing
says (llama-cpp-python's server reports nothing: then the configuration, or a cautious default).

`request_settings` turns the configured output mode into the request: llama.cpp takes
`response_format: {"type": "json_object", "schema": …}` (grammar-constrained), Ollama a schema in
`format`; `prompted` sends only the prompt.

Must never: write files, touch Git or a UI; wait longer than `PROBE_TIMEOUT` for an answer.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

PROBE_TIMEOUT = 3.0
DEFAULT_CONTEXT = 4096
"""Assumed when neither the server nor the configuration says (llama.cpp's usual default)."""
CHARS_PER_TOKEN = 3.2
"""A cautious estimate for English prose and JSON with small models' tokenizers."""


def estimate_tokens(text: str) -> int:
    """About how many tokens `text` takes (erring high, so that budgets hold)."""
    return int(len(text) / CHARS_PER_TOKEN) + 8


def _get(url: str, api_key: str | None) -> Any:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {api_key}"} if api_key else {})
    try:
        with urllib.request.urlopen(request, timeout=PROBE_TIMEOUT) as answer:
            return json.loads(answer.read(1_000_000) or b"null")
    except (OSError, ValueError, urllib.error.URLError):
        return None


def _number(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def context_size(base_url: str, model: str, api_key: str | None = None) -> int | None:
    """The context size (tokens) the server reports for `model`, or None when it reports none."""
    base = base_url.rstrip("/")
    listing = _get(base + "/models", api_key)
    items = listing.get("data") if isinstance(listing, dict) else None
    if isinstance(items, list):
        chosen = [i for i in items if isinstance(i, dict) and i.get("id") == model] or \
                 [i for i in items if isinstance(i, dict)]
        for item in chosen[:1]:
            raw = item.get("meta")
            meta: dict[str, Any] = raw if isinstance(raw, dict) else {}
            for value in (meta.get("n_ctx"), item.get("n_ctx"), item.get("max_model_len"),
                          item.get("context_length"), meta.get("n_ctx_train")):
                if (found := _number(value)) is not None:
                    return found
    root = base[: -len("/v1")] if base.endswith("/v1") else base
    props = _get(root + "/props", api_key)
    if isinstance(props, dict):
        settings = props.get("default_generation_settings")
        nested = settings.get("n_ctx") if isinstance(settings, dict) else None
        for value in (nested, props.get("n_ctx")):
            if (found := _number(value)) is not None:
                return found
    return None


def request_settings(output_mode: str, schema: dict[str, Any], max_tokens: int | None) -> dict[str, Any]:
    """pydantic-ai model settings for one call: the answer's token budget and the schema, as the
    configured server wants it."""
    settings: dict[str, Any] = {}
    if max_tokens is not None:
        settings["max_tokens"] = max_tokens
    if output_mode == "json_object":
        settings["extra_body"] = {"response_format": {"type": "json_object", "schema": schema}}
    elif output_mode == "ollama":
        settings["extra_body"] = {"format": schema}
    return settings
