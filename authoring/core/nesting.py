"""A cheap look at how deeply a block nests, before ruamel.yaml is let near it.

ruamel.yaml's scanner is quadratic in the depth of flow collections: every token re-examines the
possible simple keys of every open flow level (`Scanner.stale_possible_simple_keys`), so a 40 KB term
of 20,000 nested brackets costs it five to eight seconds of CPU before our depth bound (`yamlio`'s
`_check_graph`, which walks the composed graph) can refuse it. libyaml reads the same events in
milliseconds and never recurses while only *parsing* (its composer does; we do not use it here), so
the depth is counted on libyaml's event stream and the block refused at the first collection past the
bound, with that collection's place (or, past libyaml's own bound of 1,000 levels, which its scanner
meets while looking ahead, at the place libyaml stopped).

The look runs only when the text has more brackets or nested dashes than the bound allows depth: an
ordinary block is never parsed twice. When libyaml is missing or rejects the text first, the answer is
"don't know" and ruamel decides as before (its own errors are the ones users see).

Must never: import anything but PyYAML (the merge driver's fast path reads blocks through it); decide
anything but "too deep here" (every other judgement is ruamel's), import Git or a UI.
"""

from __future__ import annotations

TYPE_CHECKING = False  # `typing` itself is not imported: this module is on the merge driver's fast path
if TYPE_CHECKING:
    from typing import Any

MAX_DEPTH = 64
"""How deeply a block may nest (the root collection is depth 0): `yamlio` refuses anything deeper."""


def too_deep_at(content: str, limit: int) -> int | None:
    """The character index in `content` of the first collection nested deeper than `limit` (the root
    collection is depth 0, as in `yamlio`'s graph check), or None when it is not, or not knowably, so."""
    if content.count("[") + content.count("{") + content.count("- ") <= limit:
        return None  # too few openers to nest that deep: the common case costs three counts
    parser = _parser(content)
    if parser is None:
        return None
    import yaml

    opens = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
    closes = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    depth = -1  # the root collection's start makes it 0
    try:
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, opens):
                depth += 1
                if depth > limit:
                    return int(event.start_mark.index) if event.start_mark is not None else 0
            elif isinstance(event, closes):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        if "nesting depth" in str(exc.problem) and exc.problem_mark is not None:
            return int(exc.problem_mark.index)  # libyaml's own bound (1,000 levels) is past ours too
        return None  # libyaml gives up first: ruamel reports the text's fault in its own words
    except yaml.YAMLError:
        return None
    finally:
        parser.dispose()
    return None


def _parser(content: str) -> Any:
    """libyaml's event parser over `content`, or None when PyYAML was built without it."""
    try:
        from yaml._yaml import CParser
    except ImportError:
        return None
    return CParser(content)
