"""The order tests are handed out in: the long ones first, so that under `-n auto` no worker is left running
a minute-long corpus sweep alone at the end while the others idle.

pytest-xdist hands tests out in collection order; this only sorts that order (stably, so every worker
collects the same sequence and a module's tests stay together within each rank). It never selects,
skips or changes a test.

Must never: depend on timings measured at run time (every worker must compute the same order).
"""

from __future__ import annotations

import inspect

import pytest


def _rank(item: pytest.Item) -> int:
    """0: slow and reading the corpus; 1: slow; 2: reading the corpus; 3: driving the UI (a Pilot test is
    an `async` one: a second or more, where most others take a tenth); 4: the rest, the short ones that
    let the workers finish together."""
    slow = item.get_closest_marker("slow") is not None
    corpus = item.get_closest_marker("corpus") is not None
    pilot = inspect.iscoroutinefunction(getattr(item, "obj", None))
    return 0 if slow and corpus else 1 if slow else 2 if corpus else 3 if pilot else 4


@pytest.hookimpl(trylast=True)  # after conftest has marked the corpus tests
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=_rank)
