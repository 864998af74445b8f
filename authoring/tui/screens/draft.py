"""Draft a term from a module: pick the module, read it with line numbers, choose lines (select them
in the text) or a § section, see the ranked candidates, pick an agent, run it in a worker with
progress, then preview and adjust the draft and save it (committed as the agent).

Must never: read modules, parse YAML or run Git itself (the drafting service does).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, TextArea
from textual.widgets.option_list import Option

from authoring.core.safetext import visible
from authoring.drafting.agents import drafting_agents
from authoring.tui.actions import DRAFT_ACTIONS, DRAFT_PREVIEW_ACTIONS
from authoring.tui.formatting import inert_renderable
from authoring.tui.plain import OptionList, Select, Static
from authoring.tui.service_calls import ServiceScreenMixin
from authoring.tui.widgets.guarded_text_area import GuardedTextArea

if TYPE_CHECKING:
    from authoring.drafting.candidates import Candidate
    from authoring.drafting.grounding import Grounding
    from authoring.drafting.modules import Module, Section
    from authoring.repo.drafting_service import DraftPreview



@dataclass
class Choice:
    """What the draft will be made from: the module, the snippet (lines or a section), the term."""

    module: str | None = None
    lines: str | None = None
    section: str | None = None
    term: str | None = None

    def describe(self) -> str:
        """One line for the status bar."""
        where = f"lines {self.lines}" if self.lines else f"§{self.section}" if self.section else "no snippet yet"
        return f"{self.module or 'no module'} · {where} · term: {self.term or '(the agent picks)'}"


def grounding_text(grounding: Grounding) -> Text:
    """The grounding line and every unsupported sentence, marked, for the editor to check."""
    text = Text(f"grounding: {grounding.summary()}", style="bold")
    for item in grounding.unsupported:
        text.append(f"\n✗ unsupported ({item.score:.2f}) {item.path}: ", style="red")
        text.append(item.sentence)
    return text


def candidate_label(candidate: Candidate) -> Text:
    """`● new  Coherence Flux  0.92  engram` — new terms stand out from existing ones."""
    text = Text()
    if candidate.existing:
        text.append("○ ", style="dim")
        text.append(f"{candidate.term} ", style="dim")
        text.append(f"({candidate.canonical_id}, {candidate.status or 'exists'})", style="dim italic")
    else:
        text.append("● ", style="bold green")
        text.append(candidate.term, style="bold")
    kinds = sorted({e.kind for e in candidate.evidence})
    text.append(f"  {candidate.score:.2f} {', '.join(kinds)}", style="cyan")
    if candidate.may_duplicate:
        text.append(f"  ≈ may duplicate {', '.join(candidate.may_duplicate)}", style="bold yellow")
    return text


class DraftScreen(ServiceScreenMixin, Screen[str | None]):
    """Dismisses with the drafted term's id, or None."""

    ACTIONS = DRAFT_ACTIONS
    BINDINGS = DRAFT_ACTIONS.bindings()

    class ModulesLoaded(Message):
        """The module list is ready."""

        def __init__(self, modules: list[tuple[str, str]]) -> None:
            super().__init__()
            self.modules = modules

    class ModuleLoaded(Message):
        """One module's text, sections and ranked candidates are ready."""

        def __init__(self, module: Module, candidates: list[Candidate]) -> None:
            super().__init__()
            self.module = module
            self.candidates = candidates

    class Progress(Message):
        """The agent or the service says what it is doing."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Drafted(Message):
        """The agent's draft is ready to preview."""

        def __init__(self, preview: DraftPreview) -> None:
            super().__init__()
            self.preview = preview

    def __init__(self) -> None:
        super().__init__()
        self.choice = Choice()
        self.modules: list[tuple[str, str]] = []
        self.module: Module | None = None
        self.candidates: list[Candidate] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="draft"):
            with Vertical(id="draft-modules"):
                yield Static("Modules", classes="pane-title")
                yield Input(placeholder="/ filter", id="module-filter", compact=True)
                yield OptionList(id="modules")
            with Vertical(id="draft-main"):
                yield TextArea("", id="module-text", read_only=True, show_line_numbers=True, soft_wrap=False)
                yield Static("Pick a module (enter).", id="draft-status")
            with Vertical(id="draft-side"):
                yield Static("Sections", classes="pane-title")
                yield OptionList(id="sections")
                yield Static("Candidates (● new, ○ existing, ≈ may duplicate)", classes="pane-title")
                yield OptionList(id="candidates")
                agents = drafting_agents()  # the registry's, in its order: the first is the default here
                yield Select([(spec.label, spec.name) for spec in agents], value=agents[0].name, allow_blank=False,
                             id="agent", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "draft a term from a module"
        self.load_modules()

    # -- modules ------------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="draft")
    def load_modules(self) -> None:
        with self.service() as glossary:
            modules = [(m.ref, m.title) for m in glossary.modules()]
        self.post_message(self.ModulesLoaded(modules))

    @on(ModulesLoaded)
    def modules_loaded(self, message: ModulesLoaded) -> None:
        self.modules = message.modules
        self._show_modules("")
        self._status(f"{len(message.modules)} modules. Pick one (enter) to read it; / filters the list.")
        self.query_one("#modules", OptionList).focus()

    def _show_modules(self, query: str) -> None:
        """The modules whose reference or title holds every word of `query` (any case)."""
        words = query.casefold().split()
        options = self.query_one("#modules", OptionList)
        options.clear_options()
        options.add_options([Option(visible(f"{ref}  {title}" if title else ref), id=ref) for ref, title in self.modules
                             if all(word in f"{ref} {title}".casefold() for word in words)])
        if options.option_count:
            options.highlighted = 0

    def action_filter_modules(self) -> None:
        field = self.query_one("#module-filter", Input)
        if isinstance(self.focused, Input) or (isinstance(self.focused, TextArea) and not self.focused.read_only):
            raise SkipAction()  # typing: `/` is a character there
        self.set_focus(field)

    @on(Input.Changed, "#module-filter")
    def module_filter_changed(self, event: Input.Changed) -> None:
        self._show_modules(event.value)

    @on(Input.Submitted, "#module-filter")
    def module_filter_submitted(self) -> None:
        self.set_focus(self.query_one("#modules", OptionList))

    @on(OptionList.OptionSelected, "#modules")
    def module_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.choice = Choice(module=event.option.id)
            self._status(f"reading {event.option.id} and ranking its candidates…")
            self.load_module(event.option.id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="draft")
    def load_module(self, ref: str) -> None:
        with self.service() as glossary:
            module = glossary.module(ref)
            report = glossary.candidates(ref, limit=40, progress=self.report_progress)
        self.post_message(self.ModuleLoaded(module, list(report.candidates)))

    @on(ModuleLoaded)
    def module_loaded(self, message: ModuleLoaded) -> None:
        self.module = message.module
        self.candidates = message.candidates
        text = self.query_one("#module-text", TextArea)
        text.load_text(visible(message.module.text))  # one character for one: lines and selections still map
        sections = self.query_one("#sections", OptionList)
        sections.clear_options()
        # by position: a module may number two sections alike (the corpus has such modules)
        sections.add_options([Option(visible(f"{s.label} {s.title} (L{s.heading_line}-L{s.end_line})"), id=str(index))
                              for index, s in enumerate(message.module.sections)])
        candidates = self.query_one("#candidates", OptionList)
        candidates.clear_options()
        candidates.add_options([Option(inert_renderable(candidate_label(c)), id=str(i))
                                for i, c in enumerate(message.candidates)])
        text.focus()
        self._status("Select lines in the text and press ctrl+l, or pick a section; pick a candidate; ctrl+d drafts.")

    # -- the snippet and the term ---------------------------------------------------------------------

    def action_use_lines(self) -> None:
        text = self.query_one("#module-text", TextArea)
        start, end = sorted((text.selection.start[0], text.selection.end[0]))
        if self.module is None:
            self.notify("pick a module first", severity="warning")
            return
        if text.selection.end[1] == 0 and end > start:
            end -= 1  # a selection ending at the start of a line does not take that line
        self.choice.lines, self.choice.section = f"{start + 1}-{end + 1}", None
        self._status()

    @on(OptionList.OptionSelected, "#sections")
    def section_chosen(self, event: OptionList.OptionSelected) -> None:
        if self.module is None or event.option.id is None:
            return
        section = self.module.sections[int(event.option.id)]
        self._cite_section(section)
        self.query_one("#module-text", TextArea).scroll_to(y=max(0, section.heading_line - 2), animate=False)
        self._status()

    def _cite_section(self, section: Section) -> None:
        """The snippet is this section: `§N`, or its lines when the module numbers two sections N."""
        assert self.module is not None
        if sum(1 for s in self.module.sections if s.number == section.number) == 1:
            self.choice.section, self.choice.lines = section.number, None
        else:
            self.choice.section, self.choice.lines = None, f"{section.heading_line}-{section.end_line}"
            self.notify(f"{section.label} names more than one section of {self.module.stem}: cited by its lines",
                        timeout=6)

    @on(OptionList.OptionSelected, "#candidates")
    def candidate_chosen(self, event: OptionList.OptionSelected) -> None:
        candidate = self.candidates[int(event.option.id or 0)]
        self.choice.term = candidate.term
        if self.choice.lines is None and self.choice.section is None and candidate.evidence:
            line = candidate.first_line  # no snippet chosen yet: the candidate's section, where it first appears
            section = self.module.section_of(line) if self.module else None
            if section is not None:
                self._cite_section(section)
            else:
                self.choice.lines = f"{line}-{line}"
        self._status()

    def _status(self, text: str | None = None) -> None:
        self.query_one("#draft-status", Static).update(text if text is not None else self.choice.describe())

    # -- running the agent ----------------------------------------------------------------------------

    def action_run_agent(self) -> None:
        choice = self.choice
        if not choice.module or not (choice.lines or choice.section):
            self.notify("choose a module and a snippet (select lines + ctrl+l, or a section) first",
                        severity="warning")
            return
        agent = str(self.query_one("#agent", Select).value)
        self._status(f"drafting with the {agent} agent…")
        self.run_agent(choice, agent)

    @work(thread=True, exclusive=True, exit_on_error=False, group="draft-agent")
    def run_agent(self, choice: Choice, agent: str) -> None:
        with self.service() as glossary:
            preview = glossary.preview_draft(str(choice.module), lines=choice.lines, section=choice.section,
                                             term=choice.term, agent=agent, progress=self.report_progress)
        self.post_message(self.Drafted(preview))

    def report_progress(self, text: str) -> None:
        """The service's progress callback (called from the worker thread): post it to the screen."""
        self.post_message(self.Progress(text))

    @on(Progress)
    def progress(self, message: Progress) -> None:
        self._status(f"{message.text}…")

    @on(Drafted)
    def drafted(self, message: Drafted) -> None:
        self._status(self.choice.describe())

        def saved(term_id: str | None) -> None:
            if term_id:
                self.dismiss(term_id)

        self.app.push_screen(DraftPreviewScreen(message.preview), saved)

    def action_back(self) -> None:
        self.dismiss(None)


class DraftPreviewScreen(ServiceScreenMixin, Screen[str | None]):
    """The draft as it would be written, editable; ctrl+s saves it (checked, committed as the agent)."""

    ACTIONS = DRAFT_PREVIEW_ACTIONS
    BINDINGS = DRAFT_PREVIEW_ACTIONS.bindings()

    class Saved(Message):
        """The draft was committed."""

        def __init__(self, term_id: str, message: str) -> None:
            super().__init__()
            self.term_id = term_id
            self.message = message

    def __init__(self, preview: DraftPreview) -> None:
        super().__init__()
        self.preview = preview

    def compose(self) -> ComposeResult:
        preview = self.preview
        yield Header()
        with Vertical(id="draft-preview"):
            yield Static(f"{preview.term_id} from {preview.module} {preview.lines} by the {preview.agent} agent"
                         f"{f' ({preview.model})' if preview.model else ''}; commits as {preview.author}. "
                         "Adjust the text (the cited sources are read-only), then ctrl+s to save, esc to discard.",
                         id="draft-preview-title")
            if preview.warnings:
                yield Static(Text("\n".join(f"! {w}" for w in preview.warnings), style="yellow"), id="draft-warnings")
            if preview.grounding is not None and preview.grounding.sentences:
                yield Static(grounding_text(preview.grounding), id="draft-grounding")
            # the cited sources are the module's text, settled by it (spec §4): read-only here
            yield GuardedTextArea(preview.text, protected=preview.settled, id="draft-text", show_line_numbers=True,
                                  tab_behavior="indent")
            yield Static("", id="draft-save-status")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"preview of the draft {self.preview.term_id}"
        self.query_one("#draft-text", TextArea).focus()

    @on(GuardedTextArea.Refused)
    def settled_refused(self) -> None:
        self.query_one("#draft-save-status", Static).update(Text(
            "provenance.sources is settled by the module (the exact snippet, its module and lines): read-only here;"
            " draft again to cite other lines", style="yellow"))

    def action_save(self) -> None:
        text = self.query_one("#draft-text", TextArea).text
        self.query_one("#draft-save-status", Static).update("checking and committing…")
        self.save(None if text == self.preview.text else text)

    @work(thread=True, exclusive=True, exit_on_error=False, group="draft-save")
    def save(self, text: str | None) -> None:
        with self.service() as glossary:
            result: Any = glossary.save_draft(self.preview, text)
        self.post_message(self.Saved(self.preview.term_id, result.message))

    @on(Saved)
    def saved(self, message: Saved) -> None:
        self.notify(message.message, title="committed")
        self.dismiss(message.term_id)

    def action_back(self) -> None:
        """Discard the draft; ask first when its text was edited (the edits would be lost)."""
        if self.query_one("#draft-text", TextArea).text == self.preview.text:
            self.dismiss(None)
            return
        from authoring.tui.screens.dialogs import ConfirmDialog

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmDialog("Discard your edits to this draft?",
                                           "Nothing has been saved; ctrl+s saves the draft."), answered)
