"""User key remapping: `[ui.keys]` in the user's own configuration, binding id → keys, applied with
Textual's keymap; the footer, help and palette show the keys in force; a wrong entry is a located
error before the UI starts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.command import CommandList
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from authoring.repo.service import Glossary
from authoring.tui.app import AuthoringApp
from authoring.tui.keymap import load_keymap
from authoring.tui.screens.browser import BrowserScreen
from authoring.tui.screens.dialogs import ChoiceDialog
from authoring.tui.screens.help import HelpScreen
from authoring.tui.widgets.term_table import TermTable
from authoring.user_config import user_config_path
from tests.conftest import run_cli_process
from tests.tui_support import press, settle, shown


def write_user_config(text: str) -> Path:
    path = user_config_path()
    assert str(path).startswith(os.environ["XDG_CONFIG_HOME"])  # the tests' home, never the developer's
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


async def test_a_remapped_key_runs_its_action_and_footer_help_and_palette_show_it(demo_repo: Path) -> None:
    write_user_config('[ui.keys]\n"browser.links" = "o"\n"list.down" = ["down", "ctrl+n"]\n')
    app = AuthoringApp(Glossary.open(demo_repo), keymap=load_keymap())
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        footer = {key.description: key.key_display for key in app.screen.query(FooterKey)}
        assert footer["Links"] == "o"
        # in its table's place, not moved to the end (where it would fall off an 80-column footer)
        assert list(footer)[:8] == ["Help", "Quit", "Review", "Queue", "Search", "Filter", "Edit", "Links"]
        table = app.screen.query_one(TermTable)
        table.move_to("TIDAL_LOOM")
        await settle(pilot)
        await press(pilot, "l")  # the old key does nothing now
        assert isinstance(app.screen, BrowserScreen)
        await press(pilot, "o")
        assert isinstance(app.screen, ChoiceDialog)
        await press(pilot, "escape")
        await press(pilot, "home", "ctrl+n")  # an added key; j still works (the table's default stays)
        assert table.cursor_row == 1
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = " ".join(" ".join(shown(s, 150) for s in app.screen.query(Static)).split())
        assert "o open one of the term's crosslinks" in text and "↓ ^n next term" in text
        await press(pilot, "escape", "ctrl+p", *"crosslink")
        await settle(pilot)
        options = app.screen.query_one(CommandList)
        prompts = [options.get_option_at_index(i).prompt for i in range(options.option_count)]
        assert any("(o)" in shown(prompt, 150) for prompt in prompts)


@pytest.mark.parametrize(("config", "says"), [
    ('[ui.keys]\n"review.aprove" = "A"\n', "[ui.keys] review.aprove: no action has this id (ids like review."),
    ('[ui.keys]\n"review.approve" = "ctrl+banana"\n', "review.approve: 'ctrl+banana' is not a key Textual knows"),
    ('[ui.keys]\n"review.approve" = 3\n', "review.approve: give the keys as text"),
    ('[ui.keys]\n"review.approve" = "m"\n', "review.approve: 'm' is already review.comment's key on the same screen"),
    ("[ui.keys\n", "config.toml: "),
    ('ui = "keys"\n', "[ui.keys] ui: must be a table"),
])
def test_a_wrong_keymap_is_a_located_error_before_the_ui_starts(demo_repo: Path, config: str, says: str) -> None:
    path = write_user_config(config)
    result = run_cli_process("--repo", demo_repo, timeout=60)  # a process: were the UI to start, it times out
    assert result.code == 2
    assert str(path) in result.err and says in result.err
    assert "Traceback" not in result.err + result.out


def test_no_user_config_means_the_tables_keys(tmp_path: Path) -> None:
    assert load_keymap(tmp_path / "absent.toml") == {}
