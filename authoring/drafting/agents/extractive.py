"""The extractive agent: a draft made only of what the module says, with no network and no prose.

It fills the fields the module settles (see `draft.skeleton`): name, id, parents, provenance with
the exact snippet, context windows, crosslinks, aliases and symbol from parentheses and table rows,
a symbol-table row, quoted lines. Everything that needs judgement — the triad, the definitions,
mappings, claims — stays empty for an editor. It never invents prose.

Must never: write files, touch Git or a UI, reach the network.
"""

from __future__ import annotations

from authoring.drafting.draft import Draft, DraftRequest, Progress, mentions, render_body, skeleton


class ExtractiveAgent:
    """Drafts from the module's own words."""

    name = "extractive"

    def draft(self, request: DraftRequest, progress: Progress | None = None) -> Draft:
        """The skeleton, filled from the module, with the usual body sections left for an editor."""
        if progress:
            progress(f"extracting {request.term} from {request.module.ref} {request.snippet.lines}")
        entry = skeleton(request, progress)
        warnings = []
        if not mentions(request.snippet.text, request.term):
            warnings.append(f"the snippet ({request.snippet.lines}) does not name {request.term}")
        return Draft(entry, render_body(entry), self.name, None, warnings)
