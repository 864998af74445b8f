"""What the LLM agent asks a model for: the draft's prose as pydantic models, whole or in sections.

`LLMDraft` is the whole answer; `SECTIONS` split it into small structured calls (triad, definitions,
operational definition, mappings) for servers whose context cannot hold the whole schema and answer.
`shape(model)` is a compact description of a model's JSON (a few hundred tokens, not a JSON Schema
of thousands) for the prompt; `grammar_schema(model)` is the JSON Schema a server turns into a
grammar (llama.cpp's `json_object` + `schema`, Ollama's `format`): references inlined, descriptions
and bounds it does not need left out.

Must never: write files, touch Git or a UI, reach the network.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


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




class TriadSection(_Out):
    """The term seen three ways."""

    triad: LLMTriad
    """Art, law and philosophy."""


class DefinitionSection(_Out):
    """The term's definitions."""

    pirouette_definition: str = Field(min_length=20)
    """The canonical definition in the framework's own terms, faithful to the snippet."""
    eft_summary: str = Field(min_length=20)
    """A short summary relating the term to established effective theories."""


class OperationalSection(_Out):
    """How the term is measured."""

    units: str = ""
    """Units of the quantity, in words (empty when it is not a quantity)."""
    symbol_table: list[LLMSymbol] = Field(default_factory=list)
    """Symbols the definition uses."""
    procedures: list[LLMProcedure] = Field(default_factory=list)
    """How to measure it."""


class MappingSection(_Out):
    """How the term relates to established science and to other terms."""

    formal_mapping_candidates: list[LLMMapping] = Field(default_factory=list)
    """Proposed alignments with established science."""
    claims: list[LLMClaim] = Field(default_factory=list)
    """Falsifiable claims."""
    near_synonyms: list[str] = Field(default_factory=list)
    """Existing term ids that mean nearly the same."""
    prerequisites: list[str] = Field(default_factory=list)
    """Existing term ids to understand first."""
    downstream_effects: list[str] = Field(default_factory=list)
    """Existing term ids this term leads to."""


@dataclass(frozen=True)
class Section:
    """One small structured call of sectioned generation."""

    name: str
    """What the call writes (`triad`, `definitions`, `operational`, `mappings`)."""
    model: type[_Out]
    """The answer's model."""
    required: bool
    """A draft without this section is no draft (the agent fails); an optional one is left empty."""
    answer_tokens: int
    """About how many tokens a full answer takes."""


SECTIONS = (
    Section("triad", TriadSection, True, 300),
    Section("definitions", DefinitionSection, True, 300),
    Section("operational", OperationalSection, False, 450),
    Section("mappings", MappingSection, False, 500),
)
WHOLE_ANSWER_TOKENS = 1400
"""About how many tokens a whole `LLMDraft` answer takes."""


def _hint(field_info: Any) -> str:
    text = " ".join(str(field_info.description or "").split())
    return text[:70].rstrip(" .,;") if text else "text"


def shape(model: type[BaseModel]) -> str:
    """A compact picture of the JSON `model` wants: `{"art": "<an image or metaphor…>", …}`."""
    parts = []
    for name, info in model.model_fields.items():
        parts.append(f'"{name}": {_shape_of(info.annotation, info)}')
    return "{" + ", ".join(parts) + "}"


def _shape_of(annotation: Any, info: Any) -> str:
    origin = getattr(annotation, "__origin__", None)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return shape(annotation)
    if origin is list:
        (item,) = annotation.__args__
        if isinstance(item, type) and issubclass(item, BaseModel):
            return f"[{shape(item)}, ...]"
        return f'["<{_hint(info)}>", ...]'
    if annotation is float:
        return "<number 0-1>"
    return f'"<{_hint(info)}>"'


_KEEP = {"type", "properties", "required", "items", "additionalProperties", "enum"}
MAX_ITEMS = 3
MAX_STRING = 400


def grammar_schema(model: type[BaseModel]) -> dict[str, Any]:
    """`model`'s JSON Schema for a server-side grammar: `$ref`s inlined, only structural keywords, lists
    bounded and strings too (a small model inside a grammar may otherwise never stop a list or a string)."""
    full = model.model_json_schema()
    defs = full.get("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return walk(defs[node["$ref"].rsplit("/", 1)[-1]])
            out = {k: walk(v) for k, v in node.items() if k in _KEEP and k != "properties"}
            if "properties" in node:
                out["properties"] = {name: walk(value) for name, value in node["properties"].items()}
                out["required"] = list(node["properties"])
            if out.get("type") == "array":
                out["maxItems"] = MAX_ITEMS
            if out.get("type") == "string":
                out["maxLength"] = MAX_STRING  # a sentence or three, not an endless string
            return out
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    result: dict[str, Any] = walk(full)
    return result
