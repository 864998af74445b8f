"""Repairs for the front-matter faults that agent-written YAML commonly has, proposed as readable changes.

Measured on the corpus, the faults are values YAML reads as syntax: prose containing `: `
(`where: Chapter 5: Microbial Growth`), values starting with a backtick, `*`/`**bold**`, `|x|`, `>`
or `@`, text after a closing `]` (`[-1, 1], where …`), `"a" or "b"`, unknown escapes such as `\\D`
in double quotes, flow lists whose items are such prose (or that hold one sentence with commas in it);
and structure: an entry that lost its `---` fences, a block with no closing `---`.

The package is split as the work is: `plan` (the loop, the verification and what is shown: `propose`,
`RepairPlan`), `rules` (one small function per fault, each with its code and docstring; `RULES` is the
catalogue), `search` (the first syntax error and which rule to try where) and `text` (lines and the
small scanners the rules share).

Must never: write files, touch Git, or accept a repair whose result reads differently from the text.
"""

from authoring.core.repair.plan import UNREPAIRABLE, Hunk, Repair, RepairPlan, propose
from authoring.core.repair.rules import RULES

__all__ = ["RULES", "UNREPAIRABLE", "Hunk", "Repair", "RepairPlan", "propose"]
