"""Figures by name and size, each printed with its growth from the smallest size (the scale benchmarks)."""

from __future__ import annotations


class Growth:
    """Figures by name and size; each printed as it comes with its growth from the smallest size, and
    all of them again by `print`. `digits` and `width` only shape the lines."""

    def __init__(self, unit: str, digits: int = 2, width: int = 42) -> None:
        self.unit, self.digits, self.width = unit, digits, width
        self.rows: dict[str, dict[int, str]] = {}
        self.first: dict[str, tuple[int, float]] = {}

    def add(self, name: str, size: int, value: float, unit: str | None = None, extra: str = "") -> None:
        growth = ""
        if name in self.first and self.first[name][1] > 0:
            smallest, first = self.first[name]
            growth = f" ({value / first:.1f}× the {smallest}× figure, for {size / smallest:g}× the terms)"
        else:
            self.first[name] = (size, value)
        shown = f"{value:.{self.digits}f} {unit or self.unit}{growth}{extra}"
        self.rows.setdefault(name, {})[size] = shown
        print(f"  {name:<{self.width}} {size:>3}×: {shown}", flush=True)

    def print(self, sizes: list[int]) -> None:
        print("\nsummary (growth against the smallest size in parentheses):")
        for name, cells in self.rows.items():
            print(f"  {name}")
            for size in sizes:
                if size in cells:
                    print(f"    {size:>3}×  {cells[size]}")
