"""Hostile text is shown as written on every screen, never read as markup.

Textual reads a `str` given to most widgets as markup: a review note holding "[/]" stopped the app, "[b]"
vanished, and "[@click=app.quit]" became a live action anyone who can push a commit (or set their
`git config user.name`) could plant. Here a glossary carries such text in a term's name, aliases, notes,
symbol table, crosslinks and body, in review and request notes, in a module's file name, title and
headings, and in the name of the commit author and of the acting editor; the user types it into the search
box and the field prompt. The real app opens every screen that shows it: the app keeps running, the text
shows exactly as typed, and nothing in it is an action. `tui.plain`'s rule is checked on the source too.
"""

from __future__ import annotations

import ast
import io
import json
from pathlib import Path
from typing import Any, cast

import pytest
from rich.console import Console
from rich.protocol import is_renderable
from rich.segment import Segment
from textual.content import Content
from textual.pilot import Pilot
from textual.visual import visualize
from textual.widget import Widget
from textual.widgets import OptionList, Static

from authoring.tui.screens.browser import BrowserScreen
from authoring.tui.screens.dialogs import ChoiceDialog, FieldPrompt
from authoring.tui.screens.draft import DraftPreviewScreen, DraftScreen
from authoring.tui.screens.help import HelpScreen
from authoring.tui.screens.history import AuditScreen, HistoryScreen
from authoring.tui.screens.queue import QueueScreen
from authoring.tui.screens.review import ReviewScreen
from authoring.tui.widgets.term_detail import TermDetail
from authoring.tui.widgets.term_table import TermTable
from tests.conftest import git, run_cli
from tests.tui_support import make_app, press, settle, shown

# Unbalanced: read as markup it raises MarkupError ("[/]" closes nothing).
BROKEN = "[/] [b]x[/b] [red]y [@click=app.quit]z[/]"
# Balanced for Rich: read as markup it renders "QUIT x l a [ b" with a live quit action and a hyperlink.
LIVE = "[@click=app.quit]QUIT[/] [b]x[/b] [link=https://evil.example]l[/link] a [ b"
# A file name cannot hold "/"; the UI names a module by its id (the file name only in errors).
MODULE_FILE = "DEMO-002_[b]x[b] [red]y [@click=app.quit]z.md"
EVIL = f"{BROKEN} <evil@example.org>"  # the acting editor's and a commit author's identity
BOB = "Bob Editor <bob@example.org>"
SOURCE = Path(__file__).resolve().parents[1] / "authoring" / "tui"


def _commit_as(repo: Path, name: str, message: str) -> None:
    git(repo, "-c", f"user.name={name}", "-c", "user.email=evil@example.org", "commit", "-qam", message)


@pytest.fixture
def hostile(demo_repo: Path) -> Path:
    """The demo glossary after an editor whose git name is `BROKEN` wrote markup into everything they could."""
    term = demo_repo / "terms" / "TIDAL_LOOM.md"
    text = term.read_text(encoding="utf-8").split("---\n\n", 1)[1]  # drop the legacy header
    text = text.replace("term: Tidal Loom\n", f"term: {json.dumps(LIVE)}\n", 1)
    text = text.replace("aliases: [The Weaving Shore]", f"aliases: [{json.dumps(BROKEN)}]", 1)
    text = text.replace("meaning: Loom Period, the period of the slow driver", f"meaning: {json.dumps(BROKEN)}", 1)
    text = text.replace("    Not a machine: the loom is the coupling itself.\n", f"    {BROKEN}\n", 1)
    text = text.replace("downstream_effects: [WEFT_PRESSURE, KNOT_DRIFT]",
                        f"downstream_effects: [WEFT_PRESSURE, {json.dumps(LIVE)}]", 1)
    text = text.replace("# Tidal Loom\n", f"# Tidal Loom\n\n{BROKEN}\n", 1)
    term.write_text(text, encoding="utf-8")
    (demo_repo / "modules" / MODULE_FILE).write_text(
        f"---\nid: DEMO-002\ntitle: {json.dumps(BROKEN)}\nversion: 1.0\nstatus: draft\n---\n\n"
        f"# DEMO-002 · {LIVE}\n\n## §1 · {BROKEN}\n\nThe **Weft Loom** is {LIVE}.\n", encoding="utf-8")
    git(demo_repo, "add", "--all")
    _commit_as(demo_repo, BROKEN, f"edit by hand: {BROKEN}")
    for who, args in ((EVIL, ("review", "TIDAL_LOOM", "--comment", "--note", BROKEN)),
                      (EVIL, ("set", "SLACK_WATER", "symbol", '"W_s"')), (EVIL, ("promote", "SLACK_WATER")),
                      (BOB, ("review", "SLACK_WATER", "--request-changes", "--note", LIVE))):
        done = run_cli(*args, "--repo", demo_repo, "--as", who)
        assert done.code == 0, done.err
    return demo_repo


def screen_text(pilot: Pilot[Any]) -> str:
    """What the terminal shows now, line by line (the top screen, over what a modal covers)."""
    return "\n".join(strip.text for strip in pilot.app.screen._compositor.render_strips())


def actions_on_screen(pilot: Pilot[Any]) -> set[str]:
    """Every click action anything on the screen carries (in a style's meta), as text: what is drawn, and the
    whole of every text pane (scrolled out of sight or not)."""
    console = Console(file=io.StringIO(), width=400, color_system=None)
    segments = [Segment(*segment) for strip in pilot.app.screen._compositor.render_strips() for segment in strip]
    for static in pilot.app.screen.query(Static):
        if is_renderable(static.content) and not isinstance(static.content, Content):
            segments.extend(console.render(static.content))
    return {str(segment.style.meta["@click"]) for segment in segments
            if segment.style is not None and segment.style.meta.get("@click") is not None}


def option_prompts(pilot: Pilot[Any]) -> list[str]:
    """What every option list draws for each option, unwrapped (Textual's own reading of each prompt)."""
    return [cast(Content, visualize(options, options.get_option_at_index(index).prompt, markup=options._markup)).plain
            for options in pilot.app.screen.query(OptionList) for index in range(options.option_count)]


async def click_on(pilot: Pilot[Any], text: str, widget: Widget, skip: int = 0) -> None:
    """Click the character `skip` places into `text` where `widget` shows it on the screen."""
    region = widget.region
    for y, line in enumerate(screen_text(pilot).splitlines()):
        x = line.find(text, region.x, region.right)
        if region.y <= y < region.bottom and x >= 0:
            await pilot.click(offset=(x + skip, y))
            await settle(pilot)
            return
    raise AssertionError(f"{text!r} is not on the screen in {widget!r}")


def assert_shown(pilot: Pilot[Any], *texts: str) -> None:
    """Each of `texts` is on the screen as written (on one line, or whole in a text pane that wraps it), and
    nothing on the screen quits when clicked."""
    on_screen = "\n".join([screen_text(pilot), *(shown(static, 1000) for static in pilot.app.screen.query(Static)),
                           *option_prompts(pilot)])
    for text in texts:
        assert text in on_screen, f"{text!r} is not shown as written on {type(pilot.app.screen).__name__}"
    assert not any("quit" in action for action in actions_on_screen(pilot)), actions_on_screen(pilot)


async def test_hostile_text_shows_as_written_on_every_screen_and_never_acts(hostile: Path) -> None:
    app = make_app(hostile, EVIL)
    async with app.run_test(size=(230, 60)) as pilot:
        await settle(pilot)
        assert_shown(pilot, f"acting as {EVIL}")  # the progress line, under the list
        table = app.screen.query_one(TermTable)
        table.move_to("TIDAL_LOOM")
        await settle(pilot)
        # the list's row; the headline, aliases, notes and symbol table, crosslinks
        assert_shown(pilot, LIVE, f"aka {BROKEN}", BROKEN, f"downstream effects: WEFT_PRESSURE, {LIVE} (no such term)")
        assert "screen.open_term" in str(actions_on_screen(pilot))  # a real crosslink still links
        body = app.screen.query_one("#detail-body", Static)
        await click_on(pilot, "[@click=app.quit]QUIT", body)
        assert app.is_running and isinstance(app.screen, BrowserScreen)
        app.screen.query_one(TermDetail).scroll_end(animate=False)
        await settle(pilot)
        await click_on(pilot, "effects: WEFT_PRESSURE", body, skip=len("effects: "))  # a real crosslink opens
        assert table.current_id == "WEFT_PRESSURE"
        await press(pilot, "left_square_bracket")
        assert table.current_id == "TIDAL_LOOM"

        await press(pilot, "l")  # the crosslinks to choose from
        assert isinstance(app.screen, ChoiceDialog)
        assert_shown(pilot, LIVE)
        await press(pilot, "escape")

        await press(pilot, "enter")  # the review: notes, events, body, who acted
        assert isinstance(app.screen, ReviewScreen)
        assert_shown(pilot, BROKEN, LIVE)
        await press(pilot, "escape", "h")  # the history: commit authors and messages
        assert isinstance(app.screen, HistoryScreen)
        assert_shown(pilot, f"by {BROKEN}")
        await press(pilot, "escape", "w")  # the queue: Bob's request note, to the acting editor
        assert isinstance(app.screen, QueueScreen)
        assert_shown(pilot, f"asks you for changes: {LIVE}", EVIL)
        await press(pilot, "escape", "a")  # the audit: findings quoting the dangling crosslink
        assert isinstance(app.screen, AuditScreen)
        assert_shown(pilot, LIVE)
        await press(pilot, "escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert_shown(pilot)
        await press(pilot, "escape")

        await press(pilot, "ctrl+p", *"tidal")  # the palette finds the term by its name
        assert_shown(pilot, f"Open TIDAL_LOOM — {LIVE}")
        await press(pilot, "escape")

        await press(pilot, "e", *BROKEN, "tab")  # the field prompt quotes what was typed
        assert isinstance(app.screen, FieldPrompt)
        assert_shown(pilot, f"no field starts with {BROKEN!r}")
        await press(pilot, "enter")
        assert_shown(pilot, BROKEN)
        await press(pilot, "escape")

        table.focus()  # from the list (the click above focused the detail pane, where "/" is not a search)
        await press(pilot, "slash", *BROKEN)  # a search for the text itself finds the term
        assert_shown(pilot, BROKEN)
        await press(pilot, "escape")

        assert isinstance(app.screen, BrowserScreen)
        await press(pilot, "n")  # the draft screen: the module's title, file name and headings
        assert isinstance(app.screen, DraftScreen)
        assert_shown(pilot, BROKEN)
        await press(pilot, "slash", *"DEMO-002", "enter", "enter")  # read it: its headings and text
        assert_shown(pilot, f"§1 {BROKEN}", LIVE)
        candidates = app.screen.query_one("#candidates", OptionList)
        new = next(i for i in range(candidates.option_count) if str(candidates.get_option_at_index(i).prompt)[0] == "●")
        await press(pilot, "tab", "enter", "tab", "home", *["down"] * new, "enter", "ctrl+d")  # §1, a new term: draft
        assert isinstance(app.screen, DraftPreviewScreen)  # the agent's output: the module's text, quoted
        assert_shown(pilot, "from DEMO-002", LIVE)
        await press(pilot, "escape")
        assert isinstance(app.screen, DraftScreen)
        await press(pilot, "escape")
        assert app.is_running


async def test_a_click_action_planted_in_a_field_does_nothing(demo_repo: Path) -> None:
    """Balanced markup in a symbol table's cell rendered as a live "quit" on old code: a click left the app."""
    term = demo_repo / "terms" / "TIDAL_LOOM.md"
    planted = "[@click=app.quit]QUIT[/] [b]x[/b]"
    term.write_text(term.read_text(encoding="utf-8").replace(
        "meaning: Loom Period, the period of the slow driver", f"meaning: {json.dumps(planted)}"), encoding="utf-8")
    _commit_as(demo_repo, "Mallory", "plant a click")
    app = make_app(demo_repo)
    async with app.run_test(size=(230, 60)) as pilot:
        await settle(pilot)
        app.screen.query_one(TermTable).move_to("TIDAL_LOOM")
        await settle(pilot)
        body = app.screen.query_one("#detail-body", Static)
        await click_on(pilot, "QUIT", body)
        assert app.is_running and isinstance(app.screen, BrowserScreen)
        assert planted in shown(body, 400)
        assert not any("quit" in action for action in actions_on_screen(pilot))


@pytest.mark.parametrize(("command", "expected"), [
    (("show", "TIDAL_LOOM"), (LIVE, BROKEN)), (("history", "TIDAL_LOOM"), (BROKEN,)),
    (("history", "SLACK_WATER"), (LIVE,)), (("queue", "--as", EVIL), (LIVE,)), (("modules",), (BROKEN,)),
    (("search", BROKEN), ("TIDAL_LOOM",)), (("audit",), (LIVE,)), ((BROKEN,), (f"No such command '{BROKEN}'",)),
])
def test_the_cli_prints_hostile_text_as_written(hostile: Path, command: tuple[str, ...],
                                                expected: tuple[str, ...]) -> None:
    """The CLI's human output is plain `print` (and Typer's error panel shows its message as text): markup in
    the data is printed as it is, never interpreted."""
    result = run_cli(*command, "--repo", hostile)
    assert "Traceback" not in result.err and "MarkupError" not in result.err
    for text in expected:
        assert text in result.out + result.err, (command, result.out, result.err)


def _imports_and_calls(path: Path) -> tuple[set[str], set[str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = {f"{node.module}.{alias.name}" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                for alias in node.names}
    used = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    used |= {f"{keyword.arg}=True" for node in ast.walk(tree) if isinstance(node, ast.Call)
             for keyword in node.keywords if isinstance(keyword.value, ast.Constant) and keyword.value.value is True}
    return imported, used


# Textual classes that take no markup from a `str` (Header and Footer show our own titles and keys;
# Input and TextArea show what is typed as typed).
PLAIN_ALREADY = {"Footer", "Header", "Input", "TextArea"}


@pytest.mark.parametrize("path", sorted(SOURCE.rglob("*.py")), ids=lambda p: str(p.relative_to(SOURCE)))
def test_screens_take_text_widgets_only_from_tui_plain(path: Path) -> None:
    """The rule of `tui.plain`: markup-reading Textual classes are imported only there, and no screen reads
    markup itself (`from_markup`, `Matcher.highlight`, `markup=True`)."""
    if path.name == "plain.py":
        return
    imported, used = _imports_and_calls(path)
    widgets = {name for name in imported if name.startswith("textual.widgets.")}
    assert widgets <= {f"textual.widgets.{name}" for name in PLAIN_ALREADY} | {"textual.widgets.option_list.Option"}
    assert not imported & {"textual.command.Hit", "textual.command.DiscoveryHit", "rich.markup.escape",
                           "textual.markup.escape"}
    assert not used & {"from_markup", "highlight", "markup=True", "render_str"}
