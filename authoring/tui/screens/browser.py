"""The term browser: the list of every term (filter, search, sort) beside the selected term's detail.

Loading runs in thread workers: the ids appear at once, summaries fill in batch by batch with a
progress line, so the list is usable while indexing finishes. Results come back as messages.

Must never: parse YAML or run Git (it calls `Glossary`), touch widgets from a worker thread.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Footer, Header, Input, TextArea

from authoring.core.summary import FILTERS, TermSummary
from authoring.errors import Problem
from authoring.repo.index import IndexProgress
from authoring.repo.search import SearchResults
from authoring.tui.actions import BROWSER_ACTIONS
from authoring.tui.formatting import term_sections
from authoring.tui.plain import Select, Static
from authoring.tui.screens.dialogs import ChoiceDialog, FieldPrompt
from authoring.tui.screens.workbench import WorkbenchScreen
from authoring.tui.search_runner import SearchRunner
from authoring.tui.widgets.term_detail import TermDetail
from authoring.tui.widgets.term_table import SORTS, TermTable, View

# While indexing, the list is refreshed at most this often (each refresh redraws the whole table).
REPOST_SECONDS = 0.5
# Search hits that carry a snippet (the one of the highlighted row is shown under the search box).
SNIPPETS = 40
# The list shows at most this many hits (best first; the progress line says how many more there are).
HITS = 1000


@dataclass
class Detail:
    """What the detail pane shows for one term (all from the service)."""

    term_id: str
    entry: dict[str, Any] | None
    parses: bool
    problems: list[Problem]
    repair: str | None = None


class BrowserScreen(WorkbenchScreen):
    """The main screen."""

    # Below 100 columns the list and the detail are stacked (see app.tcss).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    # The list has the focus from the start, so keys typed while the UI starts go to it (`/` opens the
    # search) rather than into the search box, the first focusable widget.
    AUTO_FOCUS = "#terms"

    ACTIONS = BROWSER_ACTIONS
    BINDINGS = BROWSER_ACTIONS.bindings()

    class TermsLoaded(Message):
        """A batch of summaries is ready (`done` of `total`); `final` when indexing has finished."""

        def __init__(self, summaries: list[TermSummary], done: int, total: int, final: bool) -> None:
            super().__init__()
            self.summaries = summaries
            self.done = done
            self.total = total
            self.final = final

    class SearchDone(Message):
        """The service's answer to a search (for `text` under the filter `status`)."""

        def __init__(self, text: str, status: str, results: SearchResults) -> None:
            super().__init__()
            self.text = text
            self.status = status
            self.results = results

    class DetailLoaded(Message):
        """The detail of one term is ready."""

        def __init__(self, detail: Detail) -> None:
            super().__init__()
            self.detail = detail

    def __init__(self) -> None:
        super().__init__()
        self.detail: Detail | None = None
        self.indexed = False
        self.pending_focus: str | None = None
        self.back_stack: list[str] = []  # terms gone away from (`[`), most recent last
        self.forward_stack: list[str] = []  # terms gone back from (`]`)
        self.submitted_query: str | None = None  # the search text Enter last submitted (see search_submitted)
        self.list_drawn = threading.Event()
        self.searches: SearchRunner[SearchResults] = SearchRunner()
        self.search_hits: dict[str, tuple[str, str]] = {}  # id → (field, snippet) of the results shown
        self.open_when_settled = False  # Enter on the list came before the results of the text typed

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="browser"):
            with Vertical(id="list-pane"):
                with Horizontal(id="filter-bar"):
                    yield Input(placeholder="/ search: id, name, alias, definition, body, notes", id="search")
                    yield Select([(f, f) for f in FILTERS], value="all", allow_blank=False, id="status-filter",
                                 compact=True)
                yield Static("", id="search-hit")
                yield TermTable(id="terms")
                yield Static("", id="progress")
            yield TermDetail(id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self.load_terms()

    # -- loading ------------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="terms")
    def load_terms(self) -> None:
        """What the index last knew, at once; then the truth as indexing proceeds, batch by batch.

        The first message carries every id, with the index's stored summary where it has one (a
        placeholder otherwise), so a warm start shows the whole list immediately. `summaries()`
        then checks every file against its content and parses only what changed (on every core),
        reporting batches that are posted at most every `REPOST_SECONDS`.
        """
        glossary = self.glossary
        ids = glossary.term_ids()
        cached = {s.id: s for s in glossary.cached_summaries(ids)}
        rows = {i: cached.get(i) or TermSummary(id=i, term=None, status=None, version=None, last_updated=None,
                                                parses=True, stub=False, errors=0, warnings=0) for i in ids}
        self.post_message(self.TermsLoaded(list(rows.values()), len(cached), len(ids), not ids))
        if not ids:
            return
        # Checking every file competes with drawing for the one interpreter lock: let the list be
        # drawn first (the wait is bounded, should the screen never refresh).
        self.list_drawn.wait(timeout=2.0)
        glossary.check_config()  # the check the UI's start skipped: a wrong file is reported
        last = time.monotonic()

        def step(progress: IndexProgress) -> None:
            nonlocal last
            for summary in progress.summaries:
                rows[summary.id] = summary
            now = time.monotonic()
            if progress.summaries and now - last >= REPOST_SECONDS and progress.done < progress.total:
                last = now
                self.post_message(self.TermsLoaded(list(rows.values()), progress.done, progress.total, False))

        final = glossary.summaries(ids, progress=step)
        self.post_message(self.TermsLoaded(final, len(ids), len(ids), True))

    @on(TermsLoaded)
    def terms_loaded(self, message: TermsLoaded) -> None:
        table = self.query_one(TermTable)
        first = not table.summaries
        table.set_summaries(message.summaries)
        if first:
            self.call_after_refresh(self.list_drawn.set)
        ready = getattr(self.app, "list_ready", None)
        if ready is not None:  # once the rows are on the screen, not merely in the table
            if first:
                self.call_after_refresh(ready, "listed", len(message.summaries))
            if message.final:
                self.call_after_refresh(ready, "indexed", len(message.summaries))
        progress = self.query_one("#progress", Static)
        if message.final:
            self.indexed = True
            self.prepare_search()
            malformed = sum(1 for s in message.summaries if not s.parses)
            shown = len(table.shown)
            progress.update(f"{shown} of {message.total} terms shown · {malformed} malformed"
                            f"{self.status_suffix()} · {self.app.sub_title}")
            self.load_queue()  # counts for this line, approvals for the list
        else:
            progress.update(f"indexing {message.done}/{message.total} … (the list is usable meanwhile)")
        if self.pending_focus and table.move_to(self.pending_focus):
            self.pending_focus = None
        if self.detail is None and table.current_id:
            # after the list is drawn: reading a term in full brings the YAML parser and the schema
            self.call_after_refresh(self.load_detail, table.current_id)

    @on(TermTable.RowHighlighted, "#terms")
    def row_highlighted(self, event: TermTable.RowHighlighted) -> None:
        term_id = self.query_one(TermTable).current_id
        self._show_hit(term_id)
        if term_id and (self.detail is None or self.detail.term_id != term_id):
            self.load_detail(term_id)

    @on(TermTable.RowSelected, "#terms")
    def row_selected(self, event: TermTable.RowSelected) -> None:
        if not self.searches.settled():
            self.open_when_settled = True  # on the results of what was typed, not the rows of a moment ago
            return
        self.action_review()

    @work(thread=True, exclusive=True, exit_on_error=False, group="detail")
    def load_detail(self, term_id: str) -> None:
        """Load one term in full (and a proposed repair when it does not parse)."""
        term = self.glossary.load(term_id)
        repair = self.proposed_repair(term_id) if not term.parses else None
        self.post_message(self.DetailLoaded(Detail(term_id, term.entry, term.parses, list(term.problems), repair)))

    def proposed_repair(self, term_id: str) -> str | None:
        """The service's proposed repair for a malformed term, as text, saying whether `r` can apply it."""
        with self.service() as glossary:
            result = glossary.repair(term_id)
        if not result.plan.needed:
            return None
        how = "press r to apply it" if result.plan.applicable else "no automatic repair: fix it by hand"
        return f"{result.describe()}\n({how})"

    @on(DetailLoaded)
    def detail_loaded(self, message: DetailLoaded) -> None:
        detail = message.detail
        if self.query_one(TermTable).current_id not in (detail.term_id, None):
            return  # a stale answer: the cursor has moved on
        self.detail = detail
        known = {s.id for s in self.query_one(TermTable).summaries}
        self.query_one(TermDetail).show(term_sections(detail.term_id, detail.entry, detail.parses, detail.problems,
                                                      known, detail.repair))

    def reload_term(self, term_id: str) -> None:
        """After an action: refresh that term's row and detail."""
        self.refresh_summary(term_id)
        self.detail = None
        self.load_detail(term_id)
        self.load_queue()

    @work(thread=True, exit_on_error=False, group="summary")
    def refresh_summary(self, term_id: str) -> None:
        summary = self.glossary.summaries([term_id])[0]
        self.app.call_from_thread(self._replace_summary, summary)

    def _replace_summary(self, summary: TermSummary) -> None:
        table = self.query_one(TermTable)
        rows = [summary if s.id == summary.id else s for s in table.summaries]
        if summary.id not in {s.id for s in table.summaries}:
            rows = sorted([*rows, summary], key=lambda s: s.id)
        table.set_summaries(rows)

    # -- search, filter, sort -------------------------------------------------------------------------

    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        if isinstance(self.focused, (Input, TextArea)):
            raise SkipAction()  # typing in the search (or another field): `/` is just a character there
        # At once, not after the keys already queued (as `Widget.focus` would).
        self.submitted_query = None
        self.set_focus(search)

    def action_clear_search(self) -> None:
        search = self.query_one("#search", Input)
        search.value = ""
        self.query_one(TermTable).focus()

    @on(Input.Changed, "#search")
    def search_changed(self, event: Input.Changed) -> None:
        self._search(event.value, self.query_one(TermTable).view.status)

    @on(Input.Submitted, "#search")
    def search_submitted(self) -> None:
        table = self.query_one(TermTable)
        if self.focused is table:
            # a second Enter, typed before the first had moved the focus (both reached the box): it was
            # meant for the list, and acts there on the results of what was typed
            self.row_selected(TermTable.RowSelected(table, table.current_id, table.cursor_row))
            return
        self.set_focus(table)  # at once, so that keys typed after Enter go to the list

    @on(Select.Changed, "#status-filter")
    def filter_changed(self, event: Select.Changed) -> None:
        self._set_view(status=str(event.value))
        self._search(self.query_one("#search", Input).value, str(event.value))

    def _search(self, text: str, status: str) -> None:
        """Ask for the results of `text` under `status` (an empty text shows every term at once)."""
        if not text.strip():
            self.searches.clear(status)
            self.search_hits = {}
            self._set_view(query="", ranked=None)
            self._show_hit(None)
            return
        if self.searches.want(text, status):
            self.run_search()

    @work(thread=True, exit_on_error=False, group="search")
    def run_search(self) -> None:
        """Search in the service for the latest text typed, until it stops changing (`SearchRunner`)."""
        glossary = self.glossary

        def post(text: str, status: str, results: SearchResults) -> None:
            self.post_message(self.SearchDone(text, status, results))

        self.searches.run(lambda text, status: glossary.search(text, status=status, limit=HITS, fresh=False,
                                                                   snippets=SNIPPETS),
                          post)

    @work(thread=True, exit_on_error=False, group="search")
    def prepare_search(self) -> None:
        self.glossary.prepare_search()

    @on(SearchDone)
    def search_done(self, message: SearchDone) -> None:
        if (message.text, message.status) != self.searches.wish:
            return  # typed on meanwhile: the answer to the latest text follows
        self.searches.applied = (message.text, message.status)
        results = message.results
        self.search_hits = {hit.term_id: (hit.field, hit.snippet) for hit in results}
        self._set_view(query=message.text, ranked=tuple(hit.term_id for hit in results))
        notes = []
        if results.hidden:
            counts = ", ".join(f"{n} {status}" for status, n in sorted(results.hidden.items()))
            notes.append(f"{results.hidden_count} more {'match' if results.hidden_count == 1 else 'matches'}"
                         f" hidden by filter: {message.status} ({counts})")
        if results.more:
            notes.append(f"{results.more} more past the first {HITS}: type more to narrow")
        if notes:
            self.query_one("#progress", Static).update(" · ".join([f"{len(results)} found", *notes]))
        self._show_hit(self.query_one(TermTable).current_id)
        self._clear_detail_when_empty()
        if self.open_when_settled:
            self.open_when_settled = False
            self.action_review()

    def _show_hit(self, term_id: str | None) -> None:
        """Under the search box: which field of the highlighted term matched, and the words around it."""
        from rich.text import Text

        from authoring.core.safetext import visible

        line = self.query_one("#search-hit", Static)
        line.display = bool(self.searches.applied and self.searches.applied[0].strip())
        hit = self.search_hits.get(term_id or "")
        if hit is None:
            line.update("" if self.search_hits else "no term matches")
            return
        field, snippet = hit
        text = Text.assemble((f"{field}: ", "bold"), visible(snippet))
        text.truncate(400)
        line.update(text)

    def action_cycle_filter(self) -> None:
        select: Select[str] = self.query_one("#status-filter", Select)
        current = FILTERS.index(str(select.value)) if select.value in FILTERS else 0
        select.value = FILTERS[(current + 1) % len(FILTERS)]

    def action_cycle_sort(self) -> None:
        table = self.query_one(TermTable)
        self._set_view(sort=SORTS[(SORTS.index(table.view.sort) + 1) % len(SORTS)], reverse=False)
        self.notify(f"sorted by {table.view.sort}", timeout=2)

    def action_reverse_sort(self) -> None:
        self._set_view(reverse=not self.query_one(TermTable).view.reverse)

    @on(TermTable.HeaderSelected, "#terms")
    def header_selected(self, event: TermTable.HeaderSelected) -> None:
        key = event.column_key
        view = self.query_one(TermTable).view
        self._set_view(sort=key, reverse=not view.reverse if view.sort == key else False)

    def _set_view(self, **changes: Any) -> None:
        table = self.query_one(TermTable)
        view = View(**{**table.view.__dict__, **changes})
        table.set_view(view)
        if self.indexed:
            self.show_status()
        if table.current_id and (self.detail is None or self.detail.term_id != table.current_id):
            self.load_detail(table.current_id)
        self._clear_detail_when_empty()

    def _clear_detail_when_empty(self) -> None:
        """With no row left (a search or filter matched nothing), the detail pane shows no term: a stale
        one would look like the selection."""
        if self.query_one(TermTable).current_id is None and self.detail is not None:
            self.detail = None
            self.query_one(TermDetail).show("no term selected")

    # -- navigation -----------------------------------------------------------------------------------

    def action_open_term(self, term_id: str) -> None:
        """Go to a term (a crosslink followed, an audit finding, the palette), remembering where from
        (`[` goes back, `]` forward again)."""
        here = self.query_one(TermTable).current_id
        if self._show_term(term_id) and here and here != term_id:
            self.back_stack.append(here)
            self.forward_stack.clear()

    def action_go_back(self) -> None:
        """Back to the term shown before the last one gone to."""
        self._step(self.back_stack, self.forward_stack, "back")

    def action_go_forward(self) -> None:
        """Forward again, after going back."""
        self._step(self.forward_stack, self.back_stack, "forward")

    def _step(self, source: list[str], other: list[str], way: str) -> None:
        here = self.query_one(TermTable).current_id
        while source:
            target = source.pop()
            if self._show_term(target):
                if here:
                    other.append(here)
                return
        self.notify(f"nothing to go {way} to: [ and ] step through the terms gone to (crosslinks, the palette, "
                    "the audit)", timeout=4)

    def _show_term(self, term_id: str) -> bool:
        """Put the cursor on a term, clearing a search or filter that hides it; False (said) when there is none."""
        table = self.query_one(TermTable)
        if not table.move_to(term_id):
            self.query_one("#search", Input).value = ""
            self.query_one("#status-filter", Select).value = "all"
            table.set_view(View(sort=table.view.sort, reverse=table.view.reverse))
            if not table.move_to(term_id):
                self.notify(f"no term {term_id}", severity="warning")
                return False
        self.set_focus(table)
        return True

    def action_follow_link(self) -> None:
        detail = self.detail
        links = entry_links(detail.entry) if detail else []
        if not links:
            self.notify("this term has no crosslinks", severity="warning")
            return
        known = {s.id for s in self.query_one(TermTable).summaries}
        kinds: dict[str, list[str]] = {}  # one choice per target (option ids must be unique), kinds in file order
        for kind, target in links:
            said = kind.replace("_", " ")
            if said not in kinds.setdefault(target, []):
                kinds[target].append(said)
        choices = [(target, f"{', '.join(said)}: {target}" + ("" if target in known else "  (no such term)"))
                   for target, said in kinds.items()]

        def chosen(target: str | None) -> None:
            if target:
                self.action_open_term(target)

        self.app.push_screen(ChoiceDialog("Go to which crosslink?", choices), chosen)

    def selected_id(self) -> str | None:
        """The highlighted term, or None (with a hint) when the list is empty."""
        term_id = self.query_one(TermTable).current_id
        if term_id is None:
            self.notify("no term selected", severity="warning")
        return term_id

    # -- actions that open other screens ----------------------------------------------------------------

    def action_review(self, then: str | None = None) -> None:
        """Open the selected term's review; `then` is a review action to start once it has loaded."""
        term_id = self.selected_id()
        if term_id:
            from authoring.tui.screens.review import ReviewScreen

            self.app.push_screen(ReviewScreen(term_id, then), lambda _: self.reload_term(term_id))

    def action_deprecate(self) -> None:
        """From the palette: deprecate happens on the review, where the term's status and trail are shown."""
        self.action_review("deprecate")

    def action_fold_headers(self) -> None:
        """From the palette: folding happens on the review, which shows the legacy headers first."""
        self.action_review("fold_headers")

    def action_edit(self) -> None:
        term_id = self.selected_id()
        if not term_id:
            return
        if self.detail is not None and self.detail.term_id == term_id and not self.detail.parses:
            self.notify(f"{term_id} does not parse: repair it first (r), or fix it in $EDITOR (E)",
                        severity="error")
            return
        entry = self.detail.entry if self.detail and self.detail.term_id == term_id else None

        def field_chosen(dotted: str | None) -> None:
            if dotted:
                self.open_editor(term_id, dotted)

        self.app.push_screen(FieldPrompt(term_id, entry), field_chosen)

    def action_edit_body(self) -> None:
        """Edit the Markdown body in place (checked and diffed by the service before the commit)."""
        term_id = self.selected_id()
        if term_id:
            from authoring.tui.screens.text_edit import BodyEditScreen

            self.app.push_screen(BodyEditScreen(term_id), lambda _: self.reload_term(term_id))

    def action_external_editor(self) -> None:
        """Edit the whole file in $EDITOR (the app steps aside meanwhile); also fixes a file that does not parse."""
        term_id = self.selected_id()
        if term_id:
            from authoring.tui.screens.text_edit import edit_in_external_editor

            edit_in_external_editor(self, term_id)

    def open_editor(self, term_id: str, dotted: str) -> None:
        """Open the field editor (the screen loads the field's current text itself)."""
        from authoring.tui.screens.edit import EditFieldScreen

        self.app.push_screen(EditFieldScreen(term_id, dotted), lambda _: self.reload_term(term_id))

    def action_history(self) -> None:
        term_id = self.selected_id()
        if term_id:
            from authoring.tui.screens.history import HistoryScreen

            self.app.push_screen(HistoryScreen(term_id))

    def action_audit(self) -> None:
        from authoring.tui.screens.history import AuditScreen

        self.app.push_screen(AuditScreen(), lambda target: self.action_open_term(target) if target else None)

    def action_draft(self) -> None:
        from authoring.tui.screens.draft import DraftScreen

        def drafted(term_id: str | None) -> None:
            if term_id:
                self.pending_focus = term_id
                self.load_terms()

        self.app.push_screen(DraftScreen(), drafted)

    def action_repair(self) -> None:
        term_id = self.selected_id()
        if term_id:
            self.plan_repair(term_id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="action")
    def plan_repair(self, term_id: str) -> None:
        """Plan the repair (nothing written), then show it and ask before anything is committed."""
        with self.service() as glossary:
            result = glossary.repair(term_id)
        self.app.call_from_thread(self.confirm_repair, term_id, result.plan.applicable, result.plan.needed,
                                  result.describe(), result.plan.after)

    def confirm_repair(self, term_id: str, applicable: bool, needed: bool, change: str, after: bytes | None) -> None:
        """Show the proposed change; commit it only on `y`."""
        from rich.text import Text

        from authoring.tui.screens.dialogs import ConfirmDialog, MessageDialog

        if not needed:
            self.notify(f"{term_id}: nothing to repair")
            return
        if not applicable:
            self.app.push_screen(MessageDialog(f"{term_id} cannot be repaired automatically", Text(change)))
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_repair(term_id, after)
            else:
                self.notify(f"{term_id}: repair not applied; nothing was written")

        self.app.push_screen(ConfirmDialog(f"Apply this repair to {term_id} and commit it?", Text(change)), answered)

    @work(thread=True, exclusive=True, exit_on_error=False, group="action")
    def run_repair(self, term_id: str, confirmed: bytes | None = None) -> None:
        with self.service() as glossary:
            result = glossary.repair(term_id, write=True, confirmed=confirmed)
        self.app.call_from_thread(self.action_done, result.message, term_id)

    def action_done(self, message: str, term_id: str) -> None:
        """An action committed: name the commit, refresh the term."""
        self.notify(message, title="committed")
        self.reload_term(term_id)

    def action_reload(self) -> None:
        self.load_terms()


def entry_links(entry: dict[str, Any] | None) -> list[tuple[str, str]]:
    """(kind, target id) for every crosslink of an entry, in file order, then its successor if deprecated."""
    from authoring.core.crosslinks import links as read_links

    links = [(link.kind, link.target) for link in read_links(entry, associations=False)]
    successor = (entry or {}).get("superseded_by")
    if isinstance(successor, str) and successor:
        links.append(("superseded by", successor))
    return links
