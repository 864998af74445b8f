"""The one resolver of module references, shared by gates, audit and drafting."""

from __future__ import annotations

from pathlib import Path

from authoring.core.module_refs import ModuleIndex


def _module(folder: Path, name: str, declared: str | None = None) -> Path:
    front = f"---\nid: {declared}\ntitle: t\n---\n" if declared else "---\ntitle: t\n---\n"
    path = folder / name
    path.write_text(front + "# body\n", encoding="utf-8")
    return path


def test_ids_with_typographic_hyphens_resolve_loosely(tmp_path: Path) -> None:
    cosmo = _module(tmp_path, "COSMO-Γ-000_overview.md", declared="COSMO‑Γ‑000")  # non-breaking hyphens
    index = ModuleIndex.scan(tmp_path)
    assert index.resolve("COSMO-Γ-000") == cosmo
    assert index.resolve("cosmo‑γ‑000") == cosmo
    assert index.resolve("COSMO-Γ-000_overview.md") == cosmo


def test_stem_beats_declared_id_and_ambiguity_resolves_to_nothing(tmp_path: Path) -> None:
    first = _module(tmp_path, "DOMA-001_a.md")
    _module(tmp_path, "DOMA-001_b.md")
    index = ModuleIndex.scan(tmp_path)
    assert len(index.matches("DOMA-001")) == 2
    assert index.resolve("DOMA-001") is None
    assert index.resolve("DOMA-001_a") == first


def test_a_declared_id_narrows_an_ambiguous_stem_id(tmp_path: Path) -> None:
    chosen = _module(tmp_path, "XAP-002_appendix.md", declared="XAP-002")
    _module(tmp_path, "XAP-002_addendum.md", declared="XAP-002b")
    index = ModuleIndex.scan(tmp_path)
    assert index.resolve("XAP-002") == chosen
