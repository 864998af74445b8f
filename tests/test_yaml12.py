"""`core.yaml12` answers as ruamel.yaml does: the same resolver table, the same constructed values.

`fastyaml` (and through it the merge driver's fast path, which must not import ruamel) resolves and
constructs plain scalars with `yaml12`; `test_fastyaml` proves whole blocks agree on the corpus. Here:
the table is the installed ruamel's own, and every form `yaml12` constructs gives ruamel's value and
type, on hand-picked edge cases and on generated ones.
"""

from __future__ import annotations

import datetime as dt
import string
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml.nodes import ScalarNode

from authoring.core import yaml12
from authoring.core.yamlio import new_yaml, to_plain

_LOADER = new_yaml()


def _ruamel(value: str) -> tuple[str, Any]:
    """ruamel's tag for a plain scalar and (for the tags yaml12 constructs) its plain value."""
    tag = str(_LOADER.resolver.resolve(ScalarNode, value, (True, False)))
    if tag not in (yaml12.BOOL, yaml12.INT, yaml12.FLOAT, yaml12.TIMESTAMP):
        return tag, None
    constructor = _LOADER.constructor
    try:
        return tag, to_plain(constructor.yaml_constructors[tag](constructor, ScalarNode(tag, value)))
    except Exception as exc:  # ruamel refuses it (a date that is not real; `-_` as an int)
        return tag, exc


def test_the_table_is_ruamels() -> None:
    live = {str(first): [(str(tag), regexp.pattern, regexp.flags) for tag, regexp in pairs]
            for first, pairs in _LOADER.resolver.versioned_resolver.items() if first is not None}
    assert yaml12.resolver_table() == live
    assert None not in _LOADER.resolver.versioned_resolver or not _LOADER.resolver.versioned_resolver[None]


EDGE_CASES = ["0", "-0", "+0", "00", "01", "007", "1_000", "0o17", "0x1F", "0b11", "-12", "+12", "12.", "0.1", "0.10",
              "-0.0", "00.5", ".5", "1e3", "1.5e-3", ".inf", "-.inf", ".nan", "true", "True", "TRUE", "false",
              "tRue", "yes", "no", "on", "off", "y", "n", "null", "Null", "~", "", "2025-10-18", "2025-1-8",
              "2021-13-01", "2021-02-30", "0000-01-01", "2025-10-18 10:00:00", "2025-10-18T10:00:00Z", "1.0.0",
              "12:30", "1,000", "<<", "=", "ratified", "0.1a", "-", "9999999999999999999999"]


@pytest.mark.parametrize("value", EDGE_CASES)
def test_edge_cases_resolve_and_construct_as_ruamel_does(value: str) -> None:
    _check(value)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=string.digits + "-+._eExob:TtZ ", max_size=12))
def test_generated_scalars_resolve_and_construct_as_ruamel_does(value: str) -> None:
    _check(value.strip(" ") or value)


def _check(value: str) -> None:
    tag, expected = _ruamel(value)
    assert yaml12.tag_of(value) == tag
    try:
        known, got = yaml12.construct(tag, value)
    except ValueError:
        assert isinstance(expected, Exception)  # ruamel refuses it too (not a real date)
        return
    if known:
        assert not isinstance(expected, Exception)
        assert type(got) is type(expected)
        assert got == expected
        if isinstance(got, dt.date):
            assert not isinstance(got, dt.datetime)
