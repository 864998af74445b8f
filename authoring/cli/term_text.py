"""`show`'s human output: a term as sections a person reads, not a data dump (`--json` has the data).

The identity and workflow fields come first on two lines; then one section per field group in the
order of the spec (definition, triad, operational definition, provenance, …), then any field we do not
know, each nested value indented under its key; then the problems, each with its line and its fix.

Must never: parse YAML or read files (it formats the plain data the service loaded).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from authoring.core.termfile import TermFile, readable_fields
from authoring.errors import in_line_order

_TOP = ("term", "canonical_id", "symbol", "aliases", "status", "version", "last_updated", "parents", "children")
_SECTIONS = ("pirouette_definition", "triad", "operational_definition", "provenance", "context_windows",
             "poetic_connections", "formal_mappings", "constraints_and_falsifiers", "naming_notes", "crosslinks",
             "license")
_INDENT = "  "


def term_text(term: TermFile) -> str:
    """The readable form of one loaded term."""
    entry = term.entry
    lines: list[str] = []
    if entry is None:
        fields, source = readable_fields(term)
        name = _scalar(fields.get("term")) or term.stem
        lines.append(f"{name}  {fields.get('canonical_id', term.stem)}  ({term.display})")
        if source is None:
            lines.append("the front matter does not parse: the fields cannot be shown (see `authoring repair`)")
        else:
            lines.append(f"the entry does not parse (see `authoring repair`); what can be read ({source}):")
            lines.extend(f"{_INDENT}{key}: {_inline(value)}" for key, value in fields.items()
                         if value not in (None, "", []))
        body = term.split.body if term.split is not None else ""
        if body.strip():
            lines.append("")
            lines.append("Body")
            lines.extend(_INDENT + line for line in body.strip("\n").split("\n"))
    else:
        name = _scalar(entry.get("term")) or term.stem
        lines.append(f"{name}  {entry.get('canonical_id', term.stem)}  ({term.display})")
        facts = [f"{key.replace('_', ' ')}: {_scalar(entry[key])}" for key in ("status", "version", "last_updated")
                 if key in entry]
        lines.append("  ".join(facts) if facts else "no status")
        for key in ("symbol", "aliases", "parents", "children"):
            if entry.get(key) not in (None, "", []):
                lines.append(f"{key}: {_inline(entry[key])}")
        rest = [k for k in _SECTIONS if k in entry] + [k for k in entry if k not in _SECTIONS and k not in _TOP]
        for key in rest:
            lines.append("")
            lines.append(_title(key))
            lines.extend(_block(entry[key], 1))
    if term.problems:
        lines.append("")
        lines.append(f"Problems ({len(term.problems)})")
        for problem in in_line_order(term.problems):
            lines.extend(_INDENT + line for line in problem.format_long().split("\n"))
    return "\n".join(lines)


def _title(key: str) -> str:
    return str(key).replace("_", " ").capitalize()


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def _inline(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_inline(item) for item in value) if value else "(none)"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_inline(v)}" for k, v in value.items())
    return _scalar(value).rstrip("\n")


def _short(value: Any) -> bool:
    """True for values that read well on one line (scalars without breaks, lists of short scalars)."""
    if isinstance(value, list):
        return all(not isinstance(v, dict | list) and "\n" not in _scalar(v) for v in value) and \
            len(_inline(value)) <= 100
    return not isinstance(value, dict) and "\n" not in _scalar(value).rstrip("\n")


def _block(value: Any, depth: int) -> list[str]:
    pad = _INDENT * depth
    if isinstance(value, dict):
        lines: list[str] = []
        for key, item in value.items():
            label = str(key).replace("_", " ")
            if _short(item):
                lines.append(f"{pad}{label}: {_inline(item)}")
            else:
                lines.append(f"{pad}{label}:")
                lines.extend(_block(item, depth + 1))
        return lines or [f"{pad}(empty)"]
    if isinstance(value, list):
        if not value:
            return [f"{pad}(none)"]
        lines = []
        for item in value:
            if isinstance(item, dict) and item:
                inner = _block(item, depth + 1)
                inner[0] = pad + "- " + inner[0].lstrip()
                lines.extend(inner)
            elif isinstance(item, list):
                lines.append(f"{pad}- {_inline(item)}")
            else:
                text = _scalar(item).rstrip("\n").split("\n")
                lines.append(f"{pad}- {text[0]}")
                lines.extend(f"{pad}  {line}" for line in text[1:])
        return lines
    return [pad + line for line in _scalar(value).rstrip("\n").split("\n")]


def grounding_text(grounding: Any) -> str:
    """Lines marking each sentence the term's own sources do not support (empty when all are)."""
    if grounding is None or not grounding.unsupported:
        return ""
    lines = ["", f"Grounding: {grounding.summary()}"]
    lines.extend(f"  ✗ unsupported ({s.score:.2f}) {s.path}: {s.sentence}" for s in grounding.unsupported)
    return "\n".join(lines)
