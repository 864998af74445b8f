"""Turning service results into Rich text for the screens: status badges, a term's sections, problems.

Pure functions of data the service already parsed; nothing here reads files or calls the service.

Must never: do I/O, parse YAML, run Git.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich.console import Group, RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text

from authoring.core.safetext import visible
from authoring.errors import Problem, Severity

if TYPE_CHECKING:  # revisions brings deepdiff (and numpy when installed): not on the start-up path
    from authoring.repo.revisions import FieldChange

STATUS_STYLES = {
    "draft": "bold black on yellow",
    "candidate": "bold black on cyan",
    "ratified": "bold black on green",
    "rejected": "bold white on red",
    "deprecated": "bold white on grey37",
}
MALFORMED_STYLE = "bold white on dark_red"

# Sections shown in this order with these headings; anything else follows under its own key.
SECTION_TITLES = {
    "triad": "Triad",
    "pirouette_definition": "Definition",
    "operational_definition": "Operational definition",
    "provenance": "Provenance",
    "crosslinks": "Crosslinks",
    "context_windows": "Context windows",
    "poetic_connections": "Poetic connections",
    "formal_mappings": "Formal mappings",
    "constraints_and_falsifiers": "Constraints and falsifiers",
    "naming_notes": "Naming notes",
}
HEADLINE_FIELDS = ("term", "canonical_id", "symbol", "aliases", "status", "version", "last_updated",
                   "superseded_by", "parents", "children", "license")


def plain(value: object, style: str | Style = "") -> Text:
    """`value` as text shown exactly as written: never read as markup ("[/]", "[b]", "[@click=…]" show as
    typed), every control character a visible escape. What data goes in as, wherever Textual or Rich would
    read a `str` as markup (`tui.plain`)."""
    return Text(visible(str(value)), style=style)


def inert_renderable(renderable: RenderableType) -> RenderableType:
    """`renderable` with every control character in its text shown as one visible character (`visible`)
    and every `str` in it as plain `Text` (Rich and Textual read a `str` as markup): term fields, notes,
    module titles, commit authors and file names can never reach the terminal as escapes nor as markup.
    Rich objects are changed in place (same lengths, so styles stay put); the screens pass whatever they
    show through here (`tui.plain`'s widgets do it for them)."""
    if isinstance(renderable, str):
        return plain(renderable)
    if isinstance(renderable, Text):
        renderable.plain = visible(renderable.plain)
    elif isinstance(renderable, Group):
        renderable.renderables[:] = [inert_renderable(r) for r in renderable.renderables]
    elif isinstance(renderable, Table):
        for column in renderable.columns:
            column._cells[:] = [inert_renderable(cell) for cell in column._cells]
    elif isinstance(getattr(renderable, "renderable", None), str | Text | Group | Table):  # Panel, Padding
        inert_renderable(renderable.renderable)  # type: ignore[union-attr]
    return renderable


def status_badge(status: str | None, parses: bool = True) -> Text:
    """A coloured badge for a status; malformed files get their own badge so they stand out."""
    if not parses:
        return Text(" malformed ", style=MALFORMED_STYLE)
    if not status:
        return Text(" ? ", style="reverse")
    return Text(f" {status} ", style=STATUS_STYLES.get(status, "reverse"))


def problem_count(errors: int, warnings: int) -> Text:
    """`2E 1W` in red/yellow, or a dim dot when the file is clean."""
    text = Text()
    if errors:
        text.append(f"{errors}E", style="bold red")
    if warnings:
        if errors:
            text.append(" ")
        text.append(f"{warnings}W", style="yellow")
    return text if text.plain else Text("·", style="dim")


def problems_text(problems: Iterable[Problem]) -> Text:
    """Each problem in its long form: location, message, the offending line with a caret, the fix."""
    text = Text()
    for problem in problems:
        style = {"error": "bold red", "warning": "yellow"}.get(str(problem.severity), "cyan")
        text.append(f"{problem.path}:{problem.line}:{problem.col}: ", style="dim")
        text.append(f"{problem.severity}: ", style=style)
        text.append(f"{problem.code}: {problem.message}\n")
        if problem.source_line is not None:
            text.append(f"    {problem.source_line}\n", style="italic")
            if problem.col > 0:
                text.append("    " + " " * (problem.col - 1) + "^\n", style=style)
        if problem.fix:
            text.append(f"    fix: {problem.fix}\n", style="green")
    return text


def plural(count: int, word: str) -> str:
    """`1 error`, `2 errors`."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def problem_tally(problems: Iterable[Problem]) -> str:
    """`1 error, 2 warnings` (only the severities present; info findings as `notes`)."""
    found = [p.severity for p in problems]
    words = [plural(found.count(severity), word) for severity, word in
             ((Severity.ERROR, "error"), (Severity.WARNING, "warning"), (Severity.INFO, "note"))
             if severity in found]
    return ", ".join(words) or "none"


def heading(title: str) -> Text:
    """A section heading."""
    return Text(f"\n{title}", style="bold underline")


def scalar(value: Any) -> str:
    """A value on one line for display."""
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(scalar(v) for v in value) or "—"
    return str(value).strip()


def link_text(term_id: str, known: bool) -> Text:
    """A crosslink: clickable when the term exists, flagged when it dangles. The click's action is a parsed
    `(action, arguments)` pair in the style's meta, so no part of the id is ever read as markup or code."""
    if known:
        return plain(term_id, Style(underline=True, color="cyan",
                                    meta={"@click": ("screen.open_term", (term_id,))}))
    return Text.assemble(plain(term_id, "red"), " ", ("(no such term)", "dim"))


def nested(value: Any, indent: int = 0) -> Text:
    """Any remaining YAML-shaped value as indented `key: value` lines (never raw YAML)."""
    pad = "  " * indent
    text = Text()
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                text.append(f"{pad}{key}:\n", style="bold")
                text.append_text(nested(item, indent + 1))
            else:
                text.append(f"{pad}{key}: ", style="bold")
                text.append(f"{scalar(item)}\n")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict | list) and item:
                text.append(f"{pad}•\n")
                text.append_text(nested(item, indent + 1))
            else:
                text.append(f"{pad}• {scalar(item)}\n")
    else:
        for line in str(value).rstrip("\n").split("\n"):
            text.append(f"{pad}{line}\n")
    return text


def headline(entry: dict[str, Any], term_id: str, parses: bool) -> Text:
    """The term's name, id, symbol, badge and version line."""
    text = Text()
    text.append(str(entry.get("term") or term_id), style="bold")
    text.append(f"  {term_id}", style="dim")
    if entry.get("symbol"):
        text.append(f"  {entry['symbol']}", style="italic")
    text.append("\n")
    text.append_text(status_badge(_opt(entry.get("status")), parses))
    text.append(f"  v{scalar(entry.get('version'))}  updated {scalar(entry.get('last_updated'))}")
    if entry.get("superseded_by"):
        text.append(f"  superseded by {scalar(entry.get('superseded_by'))}", style="bold")
    if entry.get("aliases"):
        text.append(f"\naka {scalar(entry.get('aliases'))}", style="italic")
    if entry.get("parents"):
        text.append(f"\nparents: {scalar(entry.get('parents'))}")
    if entry.get("children"):
        text.append(f"\nchildren: {scalar(entry.get('children'))}")
    return text


def _opt(value: Any) -> str | None:
    return None if value is None else str(value)


def triad(value: Any) -> RenderableType:
    """Art, law and philosophy, each under its own label."""
    if not isinstance(value, dict):
        return nested(value)
    text = Text()
    for part in ("art", "law", "philosophy"):
        text.append(f"{part.title()}: ", style="bold magenta")
        text.append(f"{scalar(value.get(part))}\n")
    rest = {k: v for k, v in value.items() if k not in ("art", "law", "philosophy")}
    if rest:
        text.append_text(nested(rest))
    return text


def operational(value: Any) -> RenderableType:
    """Units, the symbol table as a table, then measurement procedures."""
    if not isinstance(value, dict):
        return nested(value)
    parts: list[RenderableType] = []
    if "units" in value:
        parts.append(Text.assemble(("Units: ", "bold"), scalar(value.get("units"))))
    rows = value.get("symbol_table")
    if isinstance(rows, list) and rows:
        table = Table("name", "meaning", "dimensions", "range", expand=True, show_edge=False, pad_edge=False)
        for row in rows:
            if isinstance(row, dict):
                table.add_row(*(scalar(row.get(k)) for k in ("name", "meaning", "dimensions", "default_range")))
        parts.append(table)
    rest = {k: v for k, v in value.items() if k not in ("units", "symbol_table")}
    if rest:
        parts.append(nested(rest))
    return Group(*parts)


def provenance(value: Any) -> RenderableType:
    """Sources with their snippets quoted, then editors and the review log."""
    if isinstance(value, list):  # a stub: a list of module ids
        return Text(f"modules: {scalar(value)} (stub entry: no snippets yet)")
    if not isinstance(value, dict):
        return nested(value)
    text = Text()
    for source in value.get("sources") or []:
        if not isinstance(source, dict):
            text.append(f"• {scalar(source)}\n")
            continue
        text.append(f"• {scalar(source.get('module'))} ", style="bold")
        text.append(f"{scalar(source.get('lines'))}\n", style="cyan")
        for line in str(source.get("snippet") or "").rstrip("\n").split("\n"):
            text.append(f"  ▏ {line}\n", style="italic")
    if value.get("editors"):
        text.append("editors: ", style="bold")
        text.append(f"{scalar(value.get('editors'))}\n")
    log = value.get("review_log")
    if isinstance(log, list) and log:
        text.append("review log:\n", style="bold")
        for item in log:
            if isinstance(item, dict):
                text.append(f"  {scalar(item.get('date'))}  {scalar(item.get('reviewer'))}: "
                            f"{scalar(item.get('notes'))}\n")
    rest = {k: v for k, v in value.items() if k not in ("sources", "editors", "review_log")}
    if rest:
        text.append_text(nested(rest))
    return text


def crosslinks(value: Any, known: set[str]) -> RenderableType:
    """Crosslinks by kind; each existing term is a link that opens it."""
    if not isinstance(value, dict):
        return nested(value)
    lines: list[Text] = []
    for kind, items in value.items():
        if not isinstance(items, list) or not items:
            continue
        line = Text.assemble(plain(f"{str(kind).replace('_', ' ')}:", "bold"), " ")
        line.append_text(Text(", ").join(link_text(str(item), str(item) in known) for item in items))
        lines.append(line)
    return Text("\n").join(lines) if lines else Text("—", style="dim")


def term_sections(term_id: str, entry: dict[str, Any] | None, parses: bool, problems: list[Problem],
                  known: set[str], repair: str | None = None) -> Group:
    """The whole detail pane for one term: headline, problems, then every section readably."""
    parts: list[RenderableType] = []
    entry = entry or {}
    parts.append(headline(entry, term_id, parses))
    if problems:
        parts.append(heading(f"Problems ({problem_tally(problems)})"))
        parts.append(problems_text(problems))
        if any(p.code == "header-disagrees" for p in problems):
            parts.append(Text("Here: enter opens the review, where f folds the legacy headers.", style="green"))
    if repair:
        parts.append(heading("Proposed repair"))
        parts.append(Text(repair, style="green"))
    renderers = {"triad": triad, "operational_definition": operational, "provenance": provenance}
    for key, title in SECTION_TITLES.items():
        if key not in entry:
            continue
        parts.append(heading(title))
        value = entry[key]
        if key == "crosslinks":
            parts.append(crosslinks(value, known))
        elif key in renderers:
            parts.append(renderers[key](value))
        else:
            parts.append(nested(value))
    others = {k: v for k, v in entry.items() if k not in SECTION_TITLES and k not in HEADLINE_FIELDS}
    for key, value in others.items():
        parts.append(heading(key))
        parts.append(nested(value))
    if not parses and not entry:
        parts.append(Text("\nThe front matter does not parse, so no fields can be shown.", style="italic"))
    return Group(*parts)


def changes_text(changes: list[FieldChange], indent: int = 0) -> Text:
    """Field-level changes: the dotted path, then the old value in red and the new in green.

    A term created whole (every change an addition of a top-level field) is summarised in one line.
    """
    pad = " " * indent
    if not changes:
        return Text(f"{pad}No field changes.", style="dim")
    if len(changes) > 5 and all(c.kind == "added" and "." not in c.path for c in changes):
        return Text(f"{pad}created with {len(changes)} fields: {', '.join(c.path for c in changes)}\n", style="green")
    text = Text()
    for change in changes:
        text.append(f"{pad}{change.path or '(the whole entry)'}", style="bold")
        text.append(f" {change.kind}\n", style="dim")
        if (change.kind == "changed" and isinstance(change.old, str) and isinstance(change.new, str)
                and max(len(change.old), len(change.new)) > LONG_TEXT):
            before, old, new, after = changed_words(change.old, change.new)
            for sign, middle, style in (("-", old, "red"), ("+", new, "green")):
                text.append(f"{pad}  {sign} ", style=style)
                text.append(before, style="dim")
                text.append(middle, style=f"bold {style} reverse" if middle.strip() else style)
                text.append(f"{after}\n", style="dim")
            continue
        if change.kind != "added":
            text.append(f"{pad}  - {_short(change.old)}\n", style="red")
        if change.kind != "removed":
            text.append(f"{pad}  + {_short(change.new)}\n", style="green")
    return text


# Text longer than this shows the words that changed highlighted, the rest dimmed.
LONG_TEXT = 80


def changed_words(old: str, new: str) -> tuple[str, str, str, str]:
    """`old` and `new` as (shared start, old middle, new middle, shared end), cut at word boundaries,
    so that a one-place edit of a long text shows the words that changed and not only that it did."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    while start > 0 and not old[start - 1].isspace():  # back to the start of the word
        start -= 1
    end = 0
    while end < min(len(old), len(new)) - start and old[len(old) - 1 - end] == new[len(new) - 1 - end]:
        end += 1
    while end > 0 and not (old[len(old) - end].isspace() or old[len(old) - end - 1].isspace()):
        end -= 1  # forward to a word's start
    return old[:start], old[start : len(old) - end], new[start : len(new) - end], old[len(old) - end :]


def _short(value: Any, limit: int = 300) -> str:
    text = scalar(value)
    if text == "":
        return "‹empty›"
    return text if len(text) <= limit else text[:limit] + "…"
