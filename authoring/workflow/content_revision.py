"""A term's content revision: the hash review events record, so an approval is known to be fresh.

Its own small module (hashlib and json only) because the merge driver's fast path needs it for the
stale-ratification rule, and Git starts that driver once per file: it cannot afford `review_log`'s
pydantic. `review_log` re-exports both names.

Must never: import pydantic, Git or a UI.
"""

from __future__ import annotations

TYPE_CHECKING = False  # `typing` itself is not imported: the merge driver's fast path imports this module
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

WORKFLOW_FIELDS = ("status", "version", "last_updated")


def content_revision(entry: dict[str, Any], headers: Sequence[Any] = (), body: str = "") -> str:
    """A short hash of a term file's content: the entry, the legacy headers and the Markdown body, minus
    the workflow's own bookkeeping (`status`, `version`, `last_updated` in every block, and
    `provenance.review_log`). Equal content, equal revision; a rewritten body or header is new content
    that earlier approvals did not see. (An entry alone, with no headers and no body, hashes as it
    always did.)"""
    import hashlib  # here, not above: the merge driver's fast path rarely hashes, and runs once per file
    import json

    content: Any = _without_bookkeeping(entry)
    if headers or body:
        content = {"entry": content, "headers": [_without_bookkeeping(h) for h in headers], "body": body}
    canonical = json.dumps(_text_keys(content), sort_keys=True, ensure_ascii=False, default=str,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def _without_bookkeeping(block: Any) -> Any:
    if not isinstance(block, dict):
        return block
    content = {k: v for k, v in block.items() if k not in WORKFLOW_FIELDS}
    provenance = content.get("provenance")
    if isinstance(provenance, dict):
        content["provenance"] = {k: v for k, v in provenance.items() if k != "review_log"}
    return content


def _text_keys(value: Any) -> Any:
    """`value` with every mapping key as text: YAML allows `1:` beside `name:`, and sorting mixed keys
    fails (JSON would turn them into text anyway)."""
    if isinstance(value, dict):
        return {str(k): _text_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_text_keys(v) for v in value]
    return value
