"""One lock per repository object, taken by every public method: what makes the service safe to call from
several threads (the UI's workers) without its callers holding any lock of their own.

GitPython is not thread-safe (its persistent `cat-file` processes answer one question at a time), and an
action's landing renames files aside for an instant: a read made meanwhile from another thread would see
a file missing. `@serialised` wraps every public method of a class so that it runs under the instance's
re-entrant `lock`; a method added later is covered without anyone remembering to. Re-entrant: a method
may call the others, and a context manager that yields under the lock (`Glossary.transaction`) keeps it
for the length of the `with` block. A method that is thread-safe by other means and must not wait behind a
long action or audit is marked `@unserialised`, with the reason beside it (the term index's reads: the
index is safe across threads and processes, and the UI's list must fill while an audit runs).

Must never: be used on the objects of the pure layers (they have no shared state to protect).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


class Lockable(Protocol):
    """An object that carries its re-entrant lock as `lock`."""

    lock: Any


def _locked(method: Callable[..., T]) -> Callable[..., T]:
    @functools.wraps(method)
    def run_locked(self: Lockable, *args: Any, **kwargs: Any) -> T:
        with self.lock:
            return method(self, *args, **kwargs)

    return run_locked


def unserialised(method: Callable[..., T]) -> Callable[..., T]:
    """Leave `method` out of `serialised` (say why where it is used)."""
    method.__unserialised__ = True  # type: ignore[attr-defined]
    return method


def serialised(cls: type[T]) -> type[T]:
    """Make every public method of `cls` and its mixins (not properties, class or static methods, nor
    `unserialised` ones) take `self.lock` for its whole run. The instances must set `self.lock` (a
    `threading.RLock`) first."""
    seen: set[str] = set()
    for klass in cls.__mro__[:-1]:  # the class and its mixins (methods a mixin gives are the class's too)
        for name, member in vars(klass).items():
            if name in seen:
                continue  # overridden lower in the order: that one is wrapped (or left) already
            seen.add(name)
            if not name.startswith("_") and inspect.isfunction(member) and not getattr(member, "__unserialised__",
                                                                                       False):
                setattr(cls, name, _locked(member))
    return cls
