"""Narrowing a long list of problems or audit findings to what a person asked for, and counting them by code.

`Triage` keeps an item when its severity is at least the one asked for (`error` keeps errors only,
`warning` errors and warnings, `info` everything), its code is one of those asked for (any, when
none are), and it is about one of the terms asked for (any, when not asked; an item about no term —
a review-log file, an adoption record — is kept, because it may concern every term). `by_code`
counts them per code and severity; `summary_table` prints that as the text faces show it.
`check`, `audit` and the UI's audit view all narrow through it.

Must never: read files, touch Git or a UI.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from authoring.errors import Severity, UsageError

RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def parse_severity(text: str | None) -> Severity | None:
    """`error`, `warning` or `info` (None for none); a usage error naming the choices otherwise."""
    if text is None or text == "":
        return None
    try:
        return Severity(text.strip().lower())
    except ValueError:
        raise UsageError(f"--severity {text!r}: choose error, warning or info") from None


@dataclass(frozen=True)
class Triage:
    """What to keep: a minimum severity, codes, terms (empty: any)."""

    severity: Severity | None = None
    codes: frozenset[str] = field(default_factory=frozenset)
    terms: frozenset[str] | None = None
    """None: any term; empty: no term (only findings about no term, e.g. nothing changed since adoption)."""

    @classmethod
    def of(cls, severity: str | Severity | None = None, codes: Iterable[str] = (),
           terms: Iterable[str] | None = None) -> Triage:
        """A triage from what a face was given (codes and terms as typed; blanks ignored; `terms` None: any)."""
        level = severity if isinstance(severity, Severity) else parse_severity(severity)
        return cls(level, frozenset(c.strip() for c in codes if c.strip()),
                   None if terms is None else frozenset(t.strip() for t in terms if t.strip()))

    @property
    def narrows(self) -> bool:
        """True when anything is asked for (else everything is kept)."""
        return bool(self.severity or self.codes or self.terms is not None)

    def keeps(self, severity: Severity, code: str, term: str | None) -> bool:
        """True when an item of this severity, code and term is kept."""
        if self.severity is not None and RANK[Severity(severity)] > RANK[self.severity]:
            return False
        if self.codes and code not in self.codes:
            return False
        return self.terms is None or term is None or term in self.terms

    def describe(self) -> str:
        """What is kept, in words (empty when nothing is narrowed)."""
        parts = []
        if self.severity is not None:
            parts.append(f"severity ≥ {self.severity}" if self.severity is not Severity.ERROR else "errors only")
        if self.codes:
            parts.append("code " + ", ".join(sorted(self.codes)))
        if self.terms is not None:
            shown = sorted(self.terms)
            parts.append("term " + ", ".join(shown[:5]) + (f" and {len(shown) - 5} more" if len(shown) > 5 else "")
                         if shown else "no term changed")
        return "; ".join(parts)


def by_code(items: Iterable[tuple[Severity, str]]) -> dict[str, dict[str, int]]:
    """`{code: {error, warning, info, total}}`, codes sorted by name."""
    counts: dict[str, dict[str, int]] = {}
    for severity, code in items:
        row = counts.setdefault(code, {"error": 0, "warning": 0, "info": 0, "total": 0})
        row[str(severity)] += 1
        row["total"] += 1
    return dict(sorted(counts.items()))


def summary_table(counts: dict[str, dict[str, int]], order: Sequence[str] | None = None) -> str:
    """The per-code counts as an aligned text table, most errors first, then most findings."""
    if not counts:
        return "no findings"
    codes = list(order) if order is not None else sorted(
        counts, key=lambda c: (-counts[c]["error"], -counts[c]["total"], c))
    width = max(len("CODE"), *(len(c) for c in codes))
    lines = [f"{'CODE':<{width}}  {'ERRORS':>6}  {'WARNINGS':>8}  {'INFO':>5}  {'TOTAL':>6}"]

    def line(name: str, row: dict[str, int]) -> str:
        return f"{name:<{width}}  {row['error']:>6}  {row['warning']:>8}  {row['info']:>5}  {row['total']:>6}"

    lines.extend(line(code, counts[code]) for code in codes)
    lines.append(line("all", {k: sum(r[k] for r in counts.values()) for k in ("error", "warning", "info", "total")}))
    return "\n".join(lines)
