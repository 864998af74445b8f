"""How ruamel.yaml resolves and constructs a plain scalar, without importing ruamel for the common cases.

`fastyaml` builds ruamel's values from libyaml's nodes; it needs ruamel's YAML 1.2 implicit resolver
table (which tag a plain scalar gets) and ruamel's scalar constructors. Importing ruamel costs more
than the merge driver's whole fast path, which Git starts once per file, so this module holds:

- `_PATTERNS`/`_BY_FIRST`: ruamel's table, as data. `tests/test_yaml12.py` checks it against the
  installed ruamel's own table (a ruamel release that changes it fails that test, and the code
  fingerprint of the stores names the ruamel version);
- `construct`: the value ruamel constructs (as plain Python, `yamlio.to_plain`) for the forms term
  files use — decimal integers, plain decimals, `true`/`false`, `YYYY-MM-DD` dates — and `None` for
  anything else, which the caller hands to ruamel's own constructor. The same test proves agreement.

Must never: import ruamel; return a value ruamel would not.
"""

from __future__ import annotations

import datetime as dt
import re

TYPE_CHECKING = False  # `typing` itself is not imported: this module is on the merge driver's fast path
if TYPE_CHECKING:
    from typing import Any

STR = "tag:yaml.org,2002:str"
BOOL = "tag:yaml.org,2002:bool"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
TIMESTAMP = "tag:yaml.org,2002:timestamp"

# ruamel.yaml 0.19's `VersionedResolver` for YAML 1.2: (tag, pattern, flags)
_PATTERNS: tuple[tuple[str, str, int], ...] = (
    ('tag:yaml.org,2002:bool', '^(?:true|True|TRUE|false|False|FALSE)$', 96),
    ('tag:yaml.org,2002:float', '^(?:\n         [-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+]?[0-9]+)?\n        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)\n        |[-+]?\\.[0-9_]+(?:[eE][-+][0-9]+)?\n        |[-+]?\\.(?:inf|Inf|INF)\n        |\\.(?:nan|NaN|NAN))$', 96),  # noqa: E501
    ('tag:yaml.org,2002:int', '^(?:[-+]?0b[0-1_]+\n        |[-+]?0o?[0-7_]+\n        |[-+]?[0-9_]+\n        |[-+]?0x[0-9a-fA-F_]+)$', 96),  # noqa: E501
    ('tag:yaml.org,2002:timestamp', '^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]\n        |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?\n        (?:[Tt]|[ \\t]+)[0-9][0-9]?\n        :[0-9][0-9] :[0-9][0-9] (?:\\.[0-9]*)?\n        (?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$', 96),  # noqa: E501
    ('tag:yaml.org,2002:merge', '^(?:<<)$', 32),
    ('tag:yaml.org,2002:null', '^(?: ~\n        |null|Null|NULL\n        | )$', 96),
    ('tag:yaml.org,2002:value', '^(?:=)$', 32),
    ('tag:yaml.org,2002:yaml', '^(?:!|&|\\*)$', 32),
)
# first character of a plain scalar ('' for the empty one) → the patterns to try, in ruamel's order
_BY_FIRST: dict[str, tuple[int, ...]] = {
    **dict.fromkeys('tTfF', (0,)),
    **dict.fromkeys('-+', (1, 2)),
    **dict.fromkeys('0123456789', (1, 2, 3)),
    '.': (1,),
    '<': (4,),
    **dict.fromkeys('~nN', (5,)),
    '': (5,),
    '=': (6,),
    **dict.fromkeys('!&*', (7,)),
}
# compiled on first use: the merge driver starts once per file, and most of its scalars start with a letter
_COMPILED: dict[int, re.Pattern[str]] = {}

# The forms constructed here; any other form of these tags goes to ruamel's constructor.
_DECIMAL_INT = re.compile(r"-?(?:0|[1-9][0-9]*)\Z")
_DECIMAL_FLOAT = re.compile(r"-?(?:0|[1-9][0-9]*)\.[0-9]+\Z")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})\Z")


def resolver_table() -> dict[str, list[tuple[str, str, int]]]:
    """The table as (tag, pattern, flags) lists by first character, for comparison with ruamel's."""
    return {first: [_PATTERNS[i] for i in indices] for first, indices in _BY_FIRST.items()}


def tag_of(value: str) -> str:
    """The tag ruamel's YAML 1.2 resolver gives a plain scalar."""
    for index in _BY_FIRST.get(value[:1], ()):
        regexp = _COMPILED.get(index)
        if regexp is None:
            regexp = _COMPILED[index] = re.compile(_PATTERNS[index][1], _PATTERNS[index][2])
        if regexp.match(value):
            return _PATTERNS[index][0]
    return STR


def construct(tag: str, value: str) -> tuple[bool, Any]:
    """(True, the plain value ruamel constructs) for the common forms of `tag`; (False, None) for the rest.
    A date that is not a real one raises `ValueError`, as ruamel's constructor does."""
    if tag == BOOL:
        return True, value.lower() == "true"
    if tag == INT and _DECIMAL_INT.match(value):
        return True, int(value)
    if tag == FLOAT and _DECIMAL_FLOAT.match(value):
        return True, float(value)
    if tag == TIMESTAMP:
        date = _DATE.match(value)
        if date:
            return True, dt.date(int(date[1]), int(date[2]), int(date[3]))
    return False, None
