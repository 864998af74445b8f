"""The user's key remapping: `[ui.keys]` in their own configuration (`authoring.user_config`), binding
id → keys, checked against the action tables and applied with Textual's `App.set_keymap`.

    [ui.keys]
    "review.approve" = "A"            # one key
    "list.down" = "down,j,ctrl+n"     # several, comma-separated (or a list of strings)

An unknown id, a key Textual cannot name, or two actions of one screen on the same key is a
`UsageError` naming the file and the entry, before the UI starts.

Must never: write the configuration, start the UI.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from textual.keys import Keys, _character_to_key

from authoring.errors import Problem, Severity, UsageError
from authoring.tui.actions import APP_ACTIONS, BROWSER_ACTIONS, HELP_TABLES, LIST_ACTIONS, all_actions, keys_of
from authoring.user_config import read_user_config

MODIFIERS = {"ctrl", "shift", "alt", "meta", "super", "hyper"}
NAMED_KEYS = {key.value for key in Keys if "+" not in key.value} | {"space", "tab", "enter", "escape", "backspace"}


def _fail(path: Path, where: str, message: str) -> UsageError:
    text = f"{path}: [ui.keys] {where}: {message}"
    return UsageError(text, [Problem(str(path), 1, 1, Severity.ERROR, "config", f"ui.keys.{where}: {message}")])


def key_problem(key: str) -> str | None:
    """Why `key` is not a key Textual can bind (None when it is)."""
    *modifiers, base = key.split("+")
    unknown = [m for m in modifiers if m not in MODIFIERS]
    if unknown or not base:
        return f"{key!r} is not a key (modifiers are {', '.join(sorted(MODIFIERS))}: e.g. ctrl+s)"
    if len(base) == 1 and base.isprintable():
        return None
    if base in NAMED_KEYS or (base.startswith("f") and base[1:].isdigit() and 1 <= int(base[1:]) <= 24):
        return None
    try:
        character = unicodedata.lookup(base.replace("_", " ").upper())  # `question_mark`, `slash`, `full_stop`
    except KeyError:
        character = ""
    if character and ord(character) < 0x250:  # a key on a keyboard (not `banana`, which Unicode names too)
        return None
    return f"{key!r} is not a key Textual knows (a character, or a name like escape, pageup, f5, slash)"


def keymap_from(table: Mapping[str, Any], path: Path) -> dict[str, str]:
    """The keymap in a user configuration's table, checked; {} when it has no `[ui.keys]`."""
    ui = table.get("ui", {})
    if not isinstance(ui, dict):
        raise _fail(path, "ui", "must be a table ([ui])")
    keys = ui.get("keys", {})
    if not isinstance(keys, dict):
        raise _fail(path, "keys", 'must be a table of binding id = "keys"')
    known = all_actions()
    keymap: dict[str, str] = {}
    for binding_id, value in keys.items():
        if binding_id not in known:
            near = sorted(i for i in known if i.split(".")[-1] == binding_id.split(".")[-1]
                          or i.startswith(binding_id.split(".")[0] + "."))[:8]
            hint = f" (ids like {', '.join(near)}; every id is in docs/KEYS.md)" if near \
                else " (docs/KEYS.md lists every id)"
            raise _fail(path, binding_id, f"no action has this id{hint}")
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = ",".join(value)
        if not isinstance(value, str) or not [k for k in value.split(",") if k.strip()]:
            raise _fail(path, binding_id, 'give the keys as text ("ctrl+a" or "j,down") or a list of texts')
        for key in (k.strip() for k in value.split(",")):
            problem = key_problem(key)
            if problem:
                raise _fail(path, binding_id, problem)
        keymap[binding_id] = ",".join(_character_to_key(k.strip()) if len(k.strip()) == 1 else k.strip()
                                      for k in value.split(","))
    _check_clashes(keymap, path)
    return keymap


def _check_clashes(keymap: Mapping[str, str], path: Path) -> None:
    """Two actions that a key press could both mean (one screen's, plus the app's) must not share it."""
    together = [(*table.actions, *APP_ACTIONS.actions) for table in HELP_TABLES if table is not APP_ACTIONS]
    together.append((*BROWSER_ACTIONS.actions, *LIST_ACTIONS.actions, *APP_ACTIONS.actions))
    for actions in together:
        seen: dict[str, str] = {}
        for action in actions:
            for key in keys_of(action, keymap):
                other = seen.get(key)
                if other is not None and other != action.id and (other in keymap or action.id in keymap):
                    first = all_actions()[other]
                    if first.help_text != action.help_text:  # a hidden fallback shares its action's key
                        mine = action.id if action.id in keymap else other
                        raise _fail(path, mine, f"{key!r} is already {other if mine == action.id else action.id}'s "
                                                "key on the same screen: pick another, or remap that one too")
                seen.setdefault(key, action.id)


def load_keymap(path: Path | None = None) -> dict[str, str]:
    """The user's checked keymap (from `path`, else their configuration file)."""
    config = read_user_config(path)
    return keymap_from(config.table, config.path)
