"""Hostile text made inert: shown safely on a terminal, refused where it would forge structure.

Term fields, notes, module titles, commit authors and file names are written by whoever can push to
the repository. Two things must never follow from that text:

- **Terminal injection.** ESC, BEL, OSC and the other control characters would retitle a window,
  clear the screen or plant a hyperlink if printed raw. `inert(text)` shows each of them as a visible
  escape (`\\x1b`), keeping line breaks and tabs; the faces pass every untrusted text they print through
  it (the CLI at its one output door, `cli.options`; the TUI where it turns data into Rich text).
  `--json` output is never passed through it: JSON escapes control characters itself, exactly.
- **Forged structure.** A newline in a field path or an identity would write extra lines into a
  commit message, where they read as trailers (`Action: promote`, `Reviewed-by: …`).
  `require_plain(value, what)` refuses such values with a `UsageError` (exit 2) that names them;
  `require_note(value, what)` allows ordinary line breaks (a note's body never reaches a commit
  message: it is stored in the event file and the term's review log, both YAML) but no other
  control character.

Must never: import a UI, YAML or Git; change text other than the control characters it names.
"""

from __future__ import annotations

import re

from authoring.errors import UsageError

# C0 controls except tab and line feed, DEL, C1 controls, and the Unicode bidirectional overrides and
# isolates ("Trojan Source": text that reads differently from what it is).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# What a one-line value may not hold: every control character above, plus tab and line feed.
_NOT_PLAIN = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_NOT_NOTE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def inert(text: str) -> str:
    """`text` with every control character shown as a visible escape (`\\x1b`), line breaks and tabs kept.

    A Windows line end (`\\r\\n`) is read as a line break; a lone carriage return (which would let a
    line overwrite what was printed before it) is shown as `\\x0d`.
    """
    if not _UNSAFE.search(text):
        return text  # the common case costs one scan
    return _UNSAFE.sub(_escape, text.replace("\r\n", "\n"))


def unsafe_char(value: str, allow_newlines: bool = False) -> str | None:
    """The first character of `value` that may not stand in it, shown as an escape; None when there is none."""
    match = (_NOT_NOTE if allow_newlines else _NOT_PLAIN).search(value)
    return None if match is None else _escape(match)


def require_plain(value: str, what: str) -> str:
    """`value` when it holds no control character, line break or tab; else a `UsageError` naming `what`."""
    bad = unsafe_char(value)
    if bad is not None:
        raise UsageError(f"{what} {value!r} contains a control character ({bad}): line breaks and"
                         " control characters are refused there")
    return value


def require_note(value: str, what: str = "the note") -> str:
    """`value` when it holds no control character other than line breaks and tabs; else a `UsageError`."""
    bad = unsafe_char(value, allow_newlines=True)
    if bad is not None:
        raise UsageError(f"{what} contains a control character ({bad}); only line breaks and tabs are allowed"
                         " in a note")
    return value


# What `json.dumps(..., ensure_ascii=False)` leaves raw although a terminal may act on it: DEL, the C1
# controls (U+009B is CSI on some terminals), the line and paragraph separators and the bidi controls.
_JSON_RAW = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def json_text(dumped: str) -> str:
    """A JSON document (from `json.dumps(..., ensure_ascii=False)`) with the control characters JSON leaves
    raw written as `\\uXXXX` escapes: the same document to any parser, inert on a terminal.

    Such characters can only stand inside JSON strings, where an escape means the same character.
    """
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group(0)):04x}", dumped)


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␛ for ESC, ␇ for BEL
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"


def visible(text: str) -> str:
    """`text` with every control character replaced by ONE visible character (`␛` for ESC, `␇` for BEL, `�`
    for C1 and bidi controls), line breaks and tabs kept: the same length, so styled spans, line numbers and
    selections over the text stay where they were (for the terminal UI's Rich text and text areas)."""
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(_picture, text)
