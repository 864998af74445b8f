"""Kill points for the fault-injection tests: the process can be made to die just before a write.

Every step that changes something on disk or starts Git calls `checkpoint(kind, detail)` first:
`write` (file data), `fsync`, `rename` (also links and unlinks that move state), `spawn` (a Git
process). Outside test mode this is one dictionary lookup and nothing else happens.

Test mode is `AUTHORING_TEST_MODE=1`. Then:
- `AUTHORING_FAULT=KIND:N` kills the process with SIGKILL just before the N-th checkpoint of that
  kind (`*` counts every kind; `N` counts from 1 in this process); `KIND:N:enospc` raises
  "No space left on device" there instead, `KIND:N:eacces` "Permission denied"; `KIND@DETAIL:N`
  counts only the checkpoints of that kind with exactly that detail (`rename@SLACK_WATER.md:1`);
- `AUTHORING_FSYNC=0` skips the fsync system calls (their checkpoints stay): a kill -9 is survived
  through the page cache, and the fault suite runs many times faster;
- `AUTHORING_FAULT_TRACE=FILE` appends one line per checkpoint (`kind detail`) to FILE, so a test
  can count the kill points of a command and then kill it at each of them in turn.

Must never: do anything outside test mode; import anything of ours (it sits below everything).
"""

from __future__ import annotations

import errno
import os
import signal

_state: dict[str, object] = {}


def _settings() -> tuple[str | None, int, str, str | None]:
    """The fault settings (counted again from zero after a fork, or when the settings change)."""
    key = (os.getpid(), os.environ.get("AUTHORING_FAULT", ""), os.environ.get("AUTHORING_FAULT_TRACE"))
    if _state.get("key") != key:
        _state.clear()
        _state["key"] = key
        _state["counts"] = {}
        kind, count, effect = None, 0, "kill"
        parts = key[1].split(":")
        if len(parts) >= 2 and parts[1].isdigit():
            kind, count = parts[0], int(parts[1])
            effect = parts[2] if len(parts) > 2 else "kill"
        _state["settings"] = (kind, count, effect, key[2] or None)
    settings = _state["settings"]
    assert isinstance(settings, tuple)
    return settings


def checkpoint(kind: str, detail: str = "") -> None:
    """A point where a test may kill the process (see the module docstring); a no-op in normal use."""
    if os.environ.get("AUTHORING_TEST_MODE") != "1":
        return
    fault, wanted, effect, trace = _settings()
    if trace:
        with open(trace, "a", encoding="utf-8") as handle:
            handle.write(f"{kind} {detail}\n")
    if fault is None or fault not in (kind, "*", f"{kind}@{detail}"):
        return
    counts = _state["counts"]
    assert isinstance(counts, dict)
    counts[fault] = counts.get(fault, 0) + 1
    if counts[fault] != wanted:
        return
    if effect == "enospc":
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), detail or None)
    if effect == "eacces":
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), detail or None)
    os.kill(os.getpid(), signal.SIGKILL)


def fsync_wanted() -> bool:
    """False only in test mode with `AUTHORING_FSYNC=0`."""
    return not (os.environ.get("AUTHORING_FSYNC") == "0" and os.environ.get("AUTHORING_TEST_MODE") == "1")
