"""`Glossary.search` and `Glossary.prepare_search`: the façade's search methods, kept apart from `service.py`.

`Glossary` inherits them; the work is `repo.search` (imported when first called, so that `check`, `list` and
the UI's start do not load it).

Must never: hold state of its own (the searcher lives with the glossary, see `repo.search.searcher_of`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from authoring.repo.search import SearchResults
    from authoring.repo.service import Glossary


class SearchMethods:
    """The search methods of `Glossary`."""

    def search(self, text: str, *, status: str = "all", limit: int | None = None, fresh: bool = True,
               snippets: int = 50) -> SearchResults:
        """The terms matching `text`, ranked, narrowed to `status` (one of `core.summary.FILTERS`; `.hidden`
        counts what it hid) and to `limit` hits (`.more`: how many more); the first `snippets` hits carry an
        excerpt. `fresh`: check every file first, as `list` does; False trusts the index as last refreshed
        (the UI, per keystroke). See `repo.search`."""
        from authoring.repo.search import searcher_of

        return searcher_of(cast("Glossary", self)).search(text, status=status, limit=limit, fresh=fresh,
                                                          snippets=snippets)

    def prepare_search(self) -> None:
        """Bring the text index in step with the summary index now (the UI, before the first keystroke)."""
        from authoring.repo.search import searcher_of

        searcher_of(cast("Glossary", self)).prepare()
